//! Grouping the articles of a batch into stories: candidates, verification, non-chaining groups.
//!
//! In: the articles of a batch with their [`Fingerprint`]s. Out: groups of article indexes, each
//! member with the rule, score and signals that joined it. Groups and members come out sorted by
//! input index, so output never depends on thread scheduling or hash-map order.
//!
//! Three steps:
//! 1. **Candidates** without comparing all pairs: MinHash LSH bands (copies share whole
//!    sentences, so some band agrees) and a rare-token index (each article is filed under its
//!    [`ClusterOptions::rare_tokens`] rarest tokens seen in at least two articles; a pair needs
//!    two shared entries). A bucket links each member only to its first
//!    [`ClusterOptions::bucket_links`] members, so pairs grow linearly with the batch.
//! 2. **Verification** of each candidate pair ([`compare`]): `containment` (words of verbatim
//!    shared sentences over the shorter text) decides copies, trimmed copies and updates; for
//!    rewrites, sentences shared verbatim are set aside (a reused background paragraph or shared
//!    chrome is not evidence of the same story) and the rest are aligned: each sentence of the
//!    shorter text is matched to its most similar sentence of the other by weighted rare-token
//!    overlap, matches whose key numbers disagree are refused, and the longest in-order chain
//!    of matches over the sentence count is `align`. With the overlap of rare tokens and key
//!    numbers outside the shared sentences, title similarity and date distance it gives the
//!    rewrite score.
//! 3. **Groups** that do not chain: verified pairs are taken copies first, best score first;
//!    two groups merge only when their cores (the most complete member of each) also match
//!    each other, so A~B and B~C never put A with C unless A and C agree.
//!
//! Token weights come from document frequencies in the batch ([`DocFreq`]); in batches smaller
//! than [`MIN_DF_BATCH`] articles frequencies mean little, and only the built-in stopword list
//! and token classes weigh tokens (so `compare A B` behaves like a big batch would).
//!
//! Hand-written: no crate offers verification by sentence alignment, and the LSH here must stay
//! bit-stable for stories stored across runs. No model: lexical evidence separates the
//! development set (see the notes of issue 5); a model could not ship inside the build cheaply.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use crate::article::Article;
use crate::fingerprint::{self, BAND_ROWS, Fingerprint, NUM_PERM};

/// Below this many articles, document frequencies are not used to weigh tokens.
pub const MIN_DF_BATCH: usize = 50;
/// Least number of words a pair must share verbatim to be called copies.
const MIN_SHARED_WORDS: u32 = 25;
/// Least similarity for two sentences to be counted as a reworded pair.
const SENTENCE_MATCH: f64 = 0.34;
/// Least number of alignable sentences in the shorter text for a rewrite to be judged.
const MIN_ALIGN_SENTENCES: usize = 3;
/// Dates further apart than this many days count against a pair.
const DATE_TOLERANCE_DAYS: i64 = 3;

/// Thresholds and limits of clustering; the CLI flags are their kebab-case names.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterOptions {
    /// Least `containment` (shared verbatim words over the shorter text) for a copy.
    pub copy_threshold: f64,
    /// Least rewrite score for a paraphrase or rewrite.
    pub rewrite_threshold: f64,
    /// Tokens per article in the rare-token index.
    pub rare_tokens: usize,
    /// Each member of an index bucket is paired with at most this many earlier members.
    pub bucket_links: usize,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        ClusterOptions {
            copy_threshold: 0.5,
            rewrite_threshold: 0.45,
            rare_tokens: 12,
            bucket_links: 8,
        }
    }
}

/// How one member came to be in its group.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The rule that joined it: `copy` or `rewrite`.
    pub rule: String,
    /// The deciding score, 0 to 1.
    pub score: f64,
    /// Index of the article it was matched against.
    pub with: Option<usize>,
    /// Every signal that was computed for the decision, by name.
    pub signals: BTreeMap<String, f64>,
}

/// One story: indexes into the article slice, with the join evidence of each.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Members in input order, each with how it joined (`None` for the group's core).
    pub members: Vec<(usize, Option<Join>)>,
}

/// The outcome of comparing two articles.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// `Some("copy")`, `Some("rewrite")`, or `None` when they are not the same story.
    pub rule: Option<&'static str>,
    /// The deciding score: `containment` for copies, the rewrite score otherwise.
    pub score: f64,
    /// Every signal, by name.
    pub signals: BTreeMap<String, f64>,
}

/// A hasher for keys that are already hashes.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type IdMap<K, V> = HashMap<K, V, BuildHasherDefault<IdHasher>>;

/// In how many articles of the batch each content token occurs.
#[derive(Debug, Default, Clone)]
pub struct DocFreq {
    /// Articles counted.
    pub articles: usize,
    counts: IdMap<u32, u32>,
}

impl DocFreq {
    /// Counts the tokens of a batch of fingerprints (in parallel; the result is order-free).
    pub fn count(fingerprints: &[&Fingerprint]) -> DocFreq {
        let counts = fingerprints
            .par_chunks(1024)
            .map(|chunk| {
                let mut map: IdMap<u32, u32> = IdMap::default();
                for fp in chunk {
                    for &t in fp.tokens.iter() {
                        *map.entry(t).or_insert(0) += 1;
                    }
                }
                map
            })
            .reduce(IdMap::default, |mut a, b| {
                if a.len() < b.len() {
                    return merge_counts(b, a);
                }
                for (k, v) in b {
                    *a.entry(k).or_insert(0) += v;
                }
                a
            });
        DocFreq {
            articles: fingerprints.len(),
            counts,
        }
    }

    /// Articles containing `token`.
    pub fn df(&self, token: u32) -> u32 {
        self.counts.get(&token).copied().unwrap_or(0)
    }

    /// How much a shared token says about two texts being one story, 0 to 1: years and month
    /// names little, other tokens by rarity in the batch (when the batch is big enough).
    pub fn weight(&self, token: u32) -> f64 {
        let prior = if fingerprint::is_number(token) && !fingerprint::is_key_number(token) {
            0.3
        } else {
            1.0
        };
        if self.articles < MIN_DF_BATCH {
            return prior;
        }
        let n = self.articles as f64;
        let df = f64::from(self.df(token).max(2));
        prior * ((n / df).ln() / (n / 2.0).ln()).clamp(0.0, 1.0)
    }
}

fn merge_counts(mut a: IdMap<u32, u32>, b: IdMap<u32, u32>) -> IdMap<u32, u32> {
    for (k, v) in b {
        *a.entry(k).or_insert(0) += v;
    }
    a
}

/// Candidate pairs `(a, b)` with `a < b`, sorted, from the LSH bands and the rare-token index.
pub fn candidates(fps: &[&Fingerprint], df: &DocFreq, opts: &ClusterOptions) -> Vec<(u32, u32)> {
    let links = opts.bucket_links.max(1);
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    // LSH: one bucket map per band keeps keys small and the work easy to reason about
    for band in 0..NUM_PERM / BAND_ROWS {
        let mut buckets: IdMap<u64, Vec<u32>> = IdMap::default();
        for (i, fp) in fps.iter().enumerate() {
            if fp.is_empty() {
                continue;
            }
            let rows = &fp.minhash[band * BAND_ROWS..(band + 1) * BAND_ROWS];
            let mut key = 0xcbf2_9ce4_8422_2325u64;
            for &r in rows {
                key = (key ^ u64::from(r)).wrapping_mul(0x0100_0000_01b3);
            }
            buckets.entry(key).or_default().push(i as u32);
        }
        for members in buckets.values() {
            link_bucket(members, links, &mut pairs);
        }
    }
    // rare tokens: pairs must share at least two index entries
    let mut buckets: IdMap<u32, Vec<u32>> = IdMap::default();
    for (i, fp) in fps.iter().enumerate() {
        for t in rare_tokens(fp, df, opts.rare_tokens) {
            buckets.entry(t).or_default().push(i as u32);
        }
    }
    let mut rare_pairs = Vec::new();
    for members in buckets.values() {
        link_bucket(members, links, &mut rare_pairs);
    }
    rare_pairs.sort_unstable();
    for run in rare_pairs.chunk_by(|a, b| a == b) {
        if run.len() >= 2 {
            pairs.push(run[0]);
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

/// Pairs each member of a bucket (in index order) with at most `links` members before it.
fn link_bucket(members: &[u32], links: usize, pairs: &mut Vec<(u32, u32)>) {
    for j in 1..members.len() {
        for &first in &members[..j.min(links)] {
            pairs.push((first.min(members[j]), first.max(members[j])));
        }
    }
}

/// The article's `k` rarest names and key figures among those seen in at least two articles.
fn rare_tokens(fp: &Fingerprint, df: &DocFreq, k: usize) -> Vec<u32> {
    let mut scored: Vec<(u32, u32)> = fp
        .names
        .iter()
        .map(|&t| (df.df(t), t))
        .filter(|&(d, _)| d >= 2)
        .collect();
    scored.sort_unstable();
    scored.truncate(k);
    scored.into_iter().map(|(_, t)| t).collect()
}

/// Days since 1970-01-01 of an ISO date (`2024-05-01…`), if it starts with one.
fn iso_days(iso: &str) -> Option<i64> {
    let y: i64 = iso.get(0..4)?.parse().ok()?;
    let m: i64 = iso.get(5..7)?.parse().ok()?;
    let d: i64 = iso.get(8..10)?.parse().ok()?;
    fingerprint::days_from_civil(y, m, d).map(i64::from)
}

/// Publication day of an article: the extract stage's date, else a date in its header lines.
pub fn article_day(article: &Article) -> Option<i64> {
    article
        .published
        .as_ref()
        .and_then(|p| p.iso.as_deref())
        .and_then(iso_days)
        .or(article.fingerprint.header_day.map(i64::from))
}

/// Compares two articles and says whether they are one story, with every signal.
pub fn compare(
    a: &Fingerprint,
    b: &Fingerprint,
    days: (Option<i64>, Option<i64>),
    df: &DocFreq,
    opts: &ClusterOptions,
) -> Verdict {
    let mut signals = BTreeMap::new();
    // verbatim sentences
    let hashes_b: HashSet<u64, BuildHasherDefault<IdHasher>> =
        b.sentences.iter().map(|s| s.hash).collect();
    let hashes_a: HashSet<u64, BuildHasherDefault<IdHasher>> =
        a.sentences.iter().map(|s| s.hash).collect();
    let shared_a: Vec<bool> = a
        .sentences
        .iter()
        .map(|s| hashes_b.contains(&s.hash))
        .collect();
    let shared_b: Vec<bool> = b
        .sentences
        .iter()
        .map(|s| hashes_a.contains(&s.hash))
        .collect();
    let words = |fp: &Fingerprint, mask: &[bool], want: bool| -> u32 {
        fp.sentences
            .iter()
            .zip(mask)
            .filter(|(_, m)| **m == want)
            .map(|(s, _)| u32::from(s.words))
            .sum()
    };
    let (total_a, total_b) = (
        words(a, &shared_a, true) + words(a, &shared_a, false),
        words(b, &shared_b, true) + words(b, &shared_b, false),
    );
    let (shared_words_a, shared_words_b) = (words(a, &shared_a, true), words(b, &shared_b, true));
    let containment = if total_a == 0 || total_b == 0 {
        0.0
    } else if total_a <= total_b {
        f64::from(shared_words_a) / f64::from(total_a)
    } else {
        f64::from(shared_words_b) / f64::from(total_b)
    };
    signals.insert("containment".to_string(), containment);
    signals.insert(
        "shared_words".to_string(),
        f64::from(shared_words_a.min(shared_words_b)),
    );
    signals.insert(
        "minhash_jaccard".to_string(),
        fingerprint::minhash_jaccard(&a.minhash, &b.minhash),
    );
    let date_gap = match days {
        (Some(x), Some(y)) => Some((x - y).abs()),
        _ => None,
    };
    if let Some(gap) = date_gap {
        signals.insert("date_gap_days".to_string(), gap as f64);
    }
    let date_conflict = date_gap.is_some_and(|g| g > DATE_TOLERANCE_DAYS);

    // rewrite evidence, outside the verbatim-shared sentences
    let rest_a: Vec<&fingerprint::Sentence> = a
        .sentences
        .iter()
        .zip(&shared_a)
        .filter(|(s, m)| !**m && s.tokens.len() >= 2)
        .map(|(s, _)| s)
        .collect();
    let rest_b: Vec<&fingerprint::Sentence> = b
        .sentences
        .iter()
        .zip(&shared_b)
        .filter(|(s, m)| !**m && s.tokens.len() >= 2)
        .map(|(s, _)| s)
        .collect();
    let (short, long) = if rest_a.len() <= rest_b.len() {
        (&rest_a, &rest_b)
    } else {
        (&rest_b, &rest_a)
    };
    let (align, matched) = align_sentences(short, long, df);
    signals.insert("align".to_string(), align);
    signals.insert("matched".to_string(), matched);
    signals.insert("sentences".to_string(), short.len() as f64);
    let tokens_a = union_tokens(&rest_a, &a.title_tokens);
    let tokens_b = union_tokens(&rest_b, &b.title_tokens);
    let rare = weighted_overlap(&tokens_a, &tokens_b, df);
    signals.insert("rare_overlap".to_string(), rare);
    let nums_a: Vec<u32> = tokens_a
        .iter()
        .copied()
        .filter(|&t| fingerprint::is_key_number(t))
        .collect();
    let nums_b: Vec<u32> = tokens_b
        .iter()
        .copied()
        .filter(|&t| fingerprint::is_key_number(t))
        .collect();
    let numbers = if nums_a.is_empty() || nums_b.is_empty() {
        None
    } else {
        let shared = count_shared(&nums_a, &nums_b);
        Some(shared as f64 / nums_a.len().min(nums_b.len()) as f64)
    };
    if let Some(n) = numbers {
        signals.insert("number_overlap".to_string(), n);
    }
    let title = title_similarity(a, b, &mut signals);

    // A rewrite shares almost no sentence verbatim with its original; a different story from
    // the same desk often repeats a background paragraph word for word, and little else.
    let mut rewrite = 0.5 * align + 0.25 * rare + 0.15 * numbers.unwrap_or(rare) + 0.1 * title
        - 0.5 * containment;
    if date_conflict {
        rewrite -= 0.3;
    }
    if short.len() < MIN_ALIGN_SENTENCES {
        rewrite = rewrite.min(0.0);
    }
    let rewrite = rewrite.clamp(0.0, 1.0);
    signals.insert("rewrite_score".to_string(), rewrite);

    let is_copy = containment >= opts.copy_threshold
        && shared_words_a.min(shared_words_b) >= MIN_SHARED_WORDS
        && !date_conflict;
    let (rule, score) = if is_copy {
        (Some("copy"), containment)
    } else if rewrite >= opts.rewrite_threshold {
        (Some("rewrite"), rewrite)
    } else {
        (None, containment.max(rewrite))
    };
    Verdict {
        rule,
        score,
        signals,
    }
}

fn union_tokens(sentences: &[&fingerprint::Sentence], title: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = sentences
        .iter()
        .flat_map(|s| s.tokens.iter().copied())
        .collect();
    out.extend_from_slice(title);
    out.sort_unstable();
    out.dedup();
    out
}

/// Number of elements two sorted, deduplicated slices share.
fn count_shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Weight of the shared tokens over the smaller of the two total weights (sorted slices).
fn weighted_overlap(a: &[u32], b: &[u32], df: &DocFreq) -> f64 {
    let total = |s: &[u32]| s.iter().map(|&t| df.weight(t)).sum::<f64>();
    let (wa, wb) = (total(a), total(b));
    if wa <= 0.0 || wb <= 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += df.weight(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    shared / wa.min(wb)
}

/// Similarity of two sentences: weighted overlap of their content tokens, 0 when they share
/// fewer than two tokens or when both carry key numbers and share none.
fn sentence_similarity(a: &[u32], b: &[u32], df: &DocFreq) -> f64 {
    if count_shared(a, b) < 2 {
        return 0.0;
    }
    let nums = |s: &[u32]| -> Vec<u32> {
        s.iter()
            .copied()
            .filter(|&t| fingerprint::is_key_number(t))
            .collect()
    };
    let (na, nb) = (nums(a), nums(b));
    if !na.is_empty() && !nb.is_empty() && count_shared(&na, &nb) == 0 {
        return 0.0;
    }
    weighted_overlap(a, b, df)
}

/// Aligns the sentences of `short` with those of `long`: the longest in-order chain of
/// reworded matches (several short sentences may match one long sentence, as when a rewrite
/// splits a sentence) and the number of short sentences with any match, both over
/// `short.len()`.
fn align_sentences(
    short: &[&fingerprint::Sentence],
    long: &[&fingerprint::Sentence],
    df: &DocFreq,
) -> (f64, f64) {
    if short.is_empty() || long.is_empty() {
        return (0.0, 0.0);
    }
    let mut prev = vec![0u32; long.len() + 1];
    let mut cur = vec![0u32; long.len() + 1];
    let mut matched = 0usize;
    for s in short {
        let mut any = false;
        for (j, t) in long.iter().enumerate() {
            let is_match = sentence_similarity(&s.tokens, &t.tokens, df) >= SENTENCE_MATCH;
            any |= is_match;
            cur[j + 1] = cur[j]
                .max(prev[j + 1])
                .max(prev[j + 1] + u32::from(is_match));
        }
        matched += usize::from(any);
        std::mem::swap(&mut prev, &mut cur);
    }
    let chain = prev[long.len()];
    let n = short.len() as f64;
    (f64::from(chain) / n, matched as f64 / n)
}

/// Title similarity, 0 to 1: the best of normalized Levenshtein, Jaro-Winkler (discounted,
/// since unrelated titles already reach 0.6) and the token-set overlap of title words.
fn title_similarity(a: &Fingerprint, b: &Fingerprint, signals: &mut BTreeMap<String, f64>) -> f64 {
    if a.title_text.is_empty() || b.title_text.is_empty() {
        return 0.0;
    }
    let lev = strsim::normalized_levenshtein(&a.title_text, &b.title_text);
    let jw = strsim::jaro_winkler(&a.title_text, &b.title_text);
    let shared = count_shared(&a.title_tokens, &b.title_tokens) as f64;
    let smaller = a.title_tokens.len().min(b.title_tokens.len()).max(1) as f64;
    let token_set = shared / smaller;
    signals.insert("title_levenshtein".to_string(), lev);
    signals.insert("title_jaro_winkler".to_string(), jw);
    signals.insert("title_token_set".to_string(), token_set);
    let best = lev.max(token_set).max(((jw - 0.6) / 0.4).max(0.0));
    signals.insert("title".to_string(), best);
    best
}

/// Compares two articles on their own (no batch statistics), as `newsclean compare` does.
pub fn compare_articles(a: &Article, b: &Article, opts: &ClusterOptions) -> Verdict {
    let df = DocFreq::count(&[&a.fingerprint, &b.fingerprint]);
    compare(
        &a.fingerprint,
        &b.fingerprint,
        (article_day(a), article_day(b)),
        &df,
        opts,
    )
}

/// Groups the articles of a batch into stories.
pub fn group(articles: &[Article], opts: &ClusterOptions) -> Vec<Group> {
    let fps: Vec<&Fingerprint> = articles.iter().map(|a| &a.fingerprint).collect();
    let days: Vec<Option<i64>> = articles.iter().map(article_day).collect();
    let df = DocFreq::count(&fps);
    let pairs = candidates(&fps, &df, opts);
    let verdicts: Vec<Verdict> = pairs
        .par_iter()
        .map(|&(a, b)| {
            let (a, b) = (a as usize, b as usize);
            compare(fps[a], fps[b], (days[a], days[b]), &df, opts)
        })
        .collect();
    let mut edges: Vec<(usize, usize, Verdict)> = pairs
        .into_iter()
        .zip(verdicts)
        .filter(|(_, v)| v.rule.is_some())
        .map(|((a, b), v)| (a as usize, b as usize, v))
        .collect();
    // copies first, then by score (best first), then by index: a fixed order
    edges.sort_by(|x, y| {
        let copy = |v: &Verdict| v.rule == Some("copy");
        copy(&y.2)
            .cmp(&copy(&x.2))
            .then(y.2.score.total_cmp(&x.2.score))
            .then((x.0, x.1).cmp(&(y.0, y.1)))
    });

    let rank = |i: usize| crate::canonical::completeness(&articles[i]);
    let mut group_of: Vec<usize> = (0..articles.len()).collect();
    let mut members: Vec<Vec<usize>> = (0..articles.len()).map(|i| vec![i]).collect();
    let mut core: Vec<usize> = (0..articles.len()).collect();
    let mut joins: Vec<Option<Join>> = vec![None; articles.len()];
    for (a, b, verdict) in edges {
        let (ga, gb) = (group_of[a], group_of[b]);
        if ga == gb {
            continue;
        }
        let (ca, cb) = (core[ga], core[gb]);
        let core_check = if (ca == a && cb == b) || (ca == b && cb == a) {
            verdict.clone()
        } else {
            compare(fps[ca], fps[cb], (days[ca], days[cb]), &df, opts)
        };
        if core_check.rule.is_none() {
            continue;
        }
        // the more complete core leads the merged group; the other core joins it
        let (winner, loser) = if rank(ca) >= rank(cb) {
            (ca, cb)
        } else {
            (cb, ca)
        };
        let join = if loser == a || loser == b {
            let mut signals = verdict.signals.clone();
            signals.insert("core_score".to_string(), core_check.score);
            Join {
                rule: verdict.rule.unwrap_or("copy").to_string(),
                score: verdict.score,
                with: Some(if loser == a { b } else { a }),
                signals,
            }
        } else {
            Join {
                rule: core_check.rule.unwrap_or("copy").to_string(),
                score: core_check.score,
                with: Some(winner),
                signals: core_check.signals.clone(),
            }
        };
        joins[loser] = Some(join);
        let (keep, gone) = if members[ga].len() >= members[gb].len() {
            (ga, gb)
        } else {
            (gb, ga)
        };
        let moved = std::mem::take(&mut members[gone]);
        for &m in &moved {
            group_of[m] = keep;
        }
        members[keep].extend(moved);
        core[keep] = winner;
    }
    let mut groups: Vec<Group> = members
        .into_iter()
        .filter(|m| !m.is_empty())
        .map(|mut m| {
            m.sort_unstable();
            Group {
                members: m.into_iter().map(|i| (i, joins[i].take())).collect(),
            }
        })
        .collect();
    groups.sort_by_key(|g| g.members[0].0);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::fingerprint;

    fn fp(title: &str, body: &[&str]) -> Fingerprint {
        let paragraphs: Vec<String> = body.iter().map(|s| s.to_string()).collect();
        fingerprint(Some(title), &paragraphs)
    }

    const WIRE: &[&str] = &[
        "The city council of Tarnów voted 31 to 4 on Monday to close the Wisła footbridge to all traffic from 1 June, after inspectors found deep cracks in two of its three piers.",
        "Engineers from the regional roads office said repairs would take at least 14 months and cost about 22 million zloty, money the city does not yet have.",
        "“We cannot wait for a tragedy,” said deputy mayor Halina Gąsior, who proposed the closure. “The bridge is older than anyone in this room.”",
        "About 9,000 people cross the bridge each day, most of them pupils and workers heading to the eastern industrial zone.",
        "The bridge was built in 1911 and last renovated in 1987.",
    ];

    #[test]
    fn identical_bodies_are_copies() {
        let a = fp("Tarnów closes bridge", WIRE);
        let b = fp("Tarnów shuts footbridge over cracks", WIRE);
        let v = compare(
            &a,
            &b,
            (None, None),
            &DocFreq::default(),
            &ClusterOptions::default(),
        );
        assert_eq!(v.rule, Some("copy"));
        assert_eq!(v.signals["containment"], 1.0);
    }

    #[test]
    fn trimmed_copy_is_a_copy() {
        let a = fp("Tarnów closes bridge", WIRE);
        let b = fp("Tarnów closes bridge", &WIRE[..3]);
        let v = compare(
            &a,
            &b,
            (None, None),
            &DocFreq::default(),
            &ClusterOptions::default(),
        );
        assert_eq!(v.rule, Some("copy"));
    }

    #[test]
    fn far_apart_dates_block_a_copy() {
        let a = fp("Tarnów closes bridge", WIRE);
        let v = compare(
            &a,
            &a,
            (Some(100), Some(140)),
            &DocFreq::default(),
            &ClusterOptions::default(),
        );
        assert_eq!(v.rule, None);
    }

    #[test]
    fn iso_days_counts_from_the_epoch() {
        assert_eq!(iso_days("1970-01-01"), Some(0));
        assert_eq!(iso_days("2024-03-01T10:00:00Z"), Some(19_783));
        assert_eq!(iso_days("yesterday"), None);
    }

    #[test]
    fn bucket_links_are_capped() {
        let members: Vec<u32> = (0..100).collect();
        let mut pairs = Vec::new();
        link_bucket(&members, 8, &mut pairs);
        assert_eq!(pairs.len(), 28 + 92 * 8);
        assert!(pairs.iter().all(|(a, b)| a < b && *a < 8));
    }
}

//! Grouping the articles of a batch into stories: candidates, verification, non-chaining groups.
//!
//! In: the articles of a batch with their [`Fingerprint`]s. Out: groups of article indexes, each
//! member with the rule, score and signals that joined it. Groups and members come out sorted by
//! input index, so output never depends on thread scheduling or hash-map order.
//!
//! The defaults were tuned on the development set described in the notes of issue 5 (69
//! hand-written articles) and checked on the project's fixtures and a generated 100k corpus;
//! `newsclean compare A B` shows every signal for a pair.
//!
//! Three steps:
//! 1. **Candidates** without comparing all pairs: MinHash LSH bands (copies share whole
//!    sentences, so some band agrees) and a rare-name index (each article is filed under its
//!    [`ClusterOptions::rare_tokens`] rarest names and figures seen in at least two articles; a
//!    pair needs two shared entries). A bucket links each member only to its first
//!    [`ClusterOptions::bucket_links`] members, so pairs grow linearly with the batch. A cheap
//!    look (name overlap, estimated Jaccard) drops most candidates before verification.
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

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::article::Article;
use crate::fingerprint::{self, BAND_ROWS, Fingerprint};

/// Below this many articles, document frequencies are not used to weigh tokens.
pub const MIN_DF_BATCH: usize = 50;
/// Candidate pairs sharing fewer names and figures than this (over the smaller article's)...
const PREFILTER_NAME_OVERLAP: f64 = 0.4;
/// ...and with a lower estimated shingle Jaccard than this are rejected before [`compare`]:
/// on the development set copies reach at least 0.47 Jaccard and 0.9 name overlap,
/// paraphrases 0.79 name overlap (the seed paraphrase 0.56), unrelated stories at most 0.37.
const PREFILTER_JACCARD: f64 = 0.1;
/// Containment at which a copy is decided without computing the rewrite signals.
const CLEAR_COPY: f64 = 0.8;
/// Least number of words a pair must share verbatim to be called copies.
const MIN_SHARED_WORDS: u32 = 25;
/// Least similarity for two sentences to be counted as a reworded pair.
const SENTENCE_MATCH: f64 = 0.34;
/// Least number of alignable sentences in the shorter text for a rewrite to be judged.
const MIN_ALIGN_SENTENCES: usize = 3;
/// Key figures a text must have (both texts) before disagreeing figures count against a pair.
const MIN_NUMBERS_TO_DISAGREE: usize = 3;
/// Below this share of shared key figures, the rewrite score is lowered...
const NUMBER_AGREEMENT_KNEE: f64 = 0.8;
/// ...by this much per unit of shortfall.
const NUMBER_PENALTY_SLOPE: f64 = 1.5;
/// Dates further apart than this many days lower the rewrite score.
const DATE_TOLERANCE_DAYS: i64 = 3;
/// Dates further apart than this many days rule a pair out: a copy or rewrite is published
/// within days of its original; next month's edition of a story is not the same story.
const DATE_LIMIT_DAYS: i64 = 14;

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
    /// The rule that joined it: `copy`, `rewrite`, or `core` for a member that led the group
    /// while it formed and does not match the canonical member directly (it matched others).
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

type IdMap<K, V> = fingerprint::HashedMap<K, V>;

/// In how many articles of the batch each content token occurs.
#[derive(Debug, Default, Clone)]
pub struct DocFreq {
    /// Articles counted.
    pub articles: usize,
    counts: IdMap<u32, u32>,
    /// Rarity factor by document frequency (empty in small batches, where it is 1).
    by_df: Vec<f32>,
}

impl DocFreq {
    /// Counts the tokens of a batch of fingerprints (in parallel; the result is order-free).
    pub fn count(fingerprints: &[&Fingerprint]) -> DocFreq {
        let counts = fingerprints
            .par_chunks(1024)
            .map(|chunk| {
                // token -> (articles, last article counted): an article's repeated tokens count
                // once without sorting them into a distinct list first
                let mut map: IdMap<u32, (u32, u32)> = IdMap::default();
                for (i, fp) in (1u32..).zip(chunk) {
                    let tokens = fp.sentences.iter().flat_map(|s| s.tokens.iter());
                    for &t in tokens.chain(fp.title_tokens.iter()) {
                        let entry = map.entry(t).or_insert((0, 0));
                        if entry.1 != i {
                            *entry = (entry.0 + 1, i);
                        }
                    }
                }
                map.into_iter()
                    .map(|(t, (n, _))| (t, n))
                    .collect::<IdMap<u32, u32>>()
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
        DocFreq::from_counts(fingerprints.len(), counts)
    }

    /// Frequencies counted elsewhere (the state store keeps them across runs): `counts` maps a
    /// token to the number of the batch's `articles` that contain it.
    pub fn from_counts(articles: usize, counts: IdMap<u32, u32>) -> DocFreq {
        let by_df = if articles < MIN_DF_BATCH {
            Vec::new()
        } else {
            let (nf, top) = (articles as f64, (articles as f64 / 2.0).ln());
            (0..=articles)
                .map(|df| ((nf / df.max(2) as f64).ln() / top).clamp(0.0, 1.0) as f32)
                .collect()
        };
        DocFreq {
            articles,
            counts,
            by_df,
        }
    }

    /// Every counted token with its frequency, sorted by token.
    pub fn sorted_counts(&self) -> Vec<(u32, u32)> {
        let mut out: Vec<(u32, u32)> = self.counts.iter().map(|(&t, &n)| (t, n)).collect();
        out.sort_unstable();
        out
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
        if self.by_df.is_empty() {
            return prior;
        }
        let df = (self.df(token) as usize).min(self.by_df.len() - 1);
        prior * f64::from(self.by_df[df])
    }
}

fn merge_counts(mut a: IdMap<u32, u32>, b: IdMap<u32, u32>) -> IdMap<u32, u32> {
    for (k, v) in b {
        *a.entry(k).or_insert(0) += v;
    }
    a
}

/// What candidate search needs of an article: its MinHash signature and its names and key
/// figures. Borrowed from a [`Fingerprint`], or from [`StoredKeys`] the state store kept, so a
/// run can search the whole store without loading its articles.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    /// The MinHash signature ([`Fingerprint::minhash`]).
    pub minhash: &'a [u32],
    /// Sorted distinct names and key figures ([`Fingerprint::names`]).
    pub names: &'a [u32],
    /// Whether the article has no content to match on ([`Fingerprint::is_empty`]).
    pub empty: bool,
}

impl<'a> From<&'a Fingerprint> for Keys<'a> {
    fn from(fp: &'a Fingerprint) -> Keys<'a> {
        Keys {
            minhash: &fp.minhash,
            names: &fp.names,
            empty: fp.is_empty(),
        }
    }
}

/// [`Keys`] in a form that can be kept: [`StoredKeys::to_bytes`] gives a little-endian blob
/// (a flag byte, the name count, the signature, the names) that [`StoredKeys::from_bytes`]
/// reads back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKeys {
    minhash: Box<[u32]>,
    names: Box<[u32]>,
    empty: bool,
}

impl StoredKeys {
    /// The keys of a fingerprint.
    pub fn of(fp: &Fingerprint) -> StoredKeys {
        StoredKeys {
            minhash: fp.minhash.clone(),
            names: fp.names.clone(),
            empty: fp.is_empty(),
        }
    }

    /// Borrows them for [`candidate_pairs`].
    pub fn keys(&self) -> Keys<'_> {
        Keys {
            minhash: &self.minhash,
            names: &self.names,
            empty: self.empty,
        }
    }

    /// The blob kept in the state store.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + 4 * (self.minhash.len() + self.names.len()));
        out.push(u8::from(self.empty));
        out.extend_from_slice(&(self.names.len() as u32).to_le_bytes());
        for v in self.minhash.iter().chain(self.names.iter()) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Reads a blob written by [`StoredKeys::to_bytes`]; `None` when it is not one (damaged, or
    /// written with another signature length).
    pub fn from_bytes(bytes: &[u8]) -> Option<StoredKeys> {
        let (&flag, rest) = bytes.split_first()?;
        let names = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let values: Vec<u32> = rest[4..]
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if flag > 1
            || !rest.len().is_multiple_of(4)
            || values.len() != fingerprint::NUM_PERM + names
        {
            return None;
        }
        let (minhash, names) = values.split_at(fingerprint::NUM_PERM);
        Some(StoredKeys {
            minhash: minhash.into(),
            names: names.into(),
            empty: flag == 1,
        })
    }
}

/// Candidate pairs `(a, b)` with `a < b`, sorted, that pass a cheap look (shared names, or
/// estimated shingle Jaccard): what [`group_pairs`] verifies.
pub fn candidate_pairs(keys: &[Keys], df: &DocFreq, opts: &ClusterOptions) -> Vec<(u32, u32)> {
    CandidateIndex::new(keys, df, opts).pairs(keys, &vec![true; keys.len()])
}

/// The buckets of candidate search over a batch: sorted `(key, article)` lists, one per LSH band
/// and one for the rare-token index. Each article takes as partners the first
/// [`ClusterOptions::bucket_links`] members of each of its buckets that come before it; a
/// partner found in any LSH band, or in at least two rare-token buckets, makes a pair. Building
/// and searching grow linearly with the batch, and searching runs per article in parallel, for
/// all articles ([`candidate_pairs`]) or only some (a state run searches from its new articles
/// and the stories they touch).
pub struct CandidateIndex {
    links: usize,
    lsh: Vec<(u64, u32)>,
    index: Vec<(u32, u32)>,
    lsh_offsets: Vec<u32>,
    lsh_starts: Vec<u32>,
    index_offsets: Vec<u32>,
    index_starts: Vec<u32>,
}

impl CandidateIndex {
    /// Files every article under its LSH band keys and its rarest names and figures.
    pub fn new(fps: &[Keys], df: &DocFreq, opts: &ClusterOptions) -> CandidateIndex {
        // one (key, article) entry per band of each article with content, and per rare token
        let mut lsh: Vec<(u64, u32)> = fps
            .par_iter()
            .enumerate()
            .filter(|(_, fp)| !fp.empty)
            .flat_map_iter(|(i, fp)| {
                fp.minhash
                    .chunks(BAND_ROWS)
                    .enumerate()
                    .map(move |(band, rows)| (band_key(band, rows), i as u32))
            })
            .collect();
        // a stable radix sort by key: within a bucket, articles stay in index order
        radsort::sort_by_key(&mut lsh, |&(key, _)| key);
        let mut index: Vec<(u32, u32)> = fps
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, fp)| {
                rare_tokens(fp, df, opts.rare_tokens)
                    .into_iter()
                    .map(move |t| (t, i as u32))
            })
            .collect();
        radsort::sort_by_key(&mut index, |&(key, _)| key);
        let (lsh_offsets, lsh_starts) = bucket_starts(&lsh, fps.len());
        let (index_offsets, index_starts) = bucket_starts(&index, fps.len());
        CandidateIndex {
            links: opts.bucket_links.max(1),
            lsh,
            index,
            lsh_offsets,
            lsh_starts,
            index_offsets,
            index_starts,
        }
    }

    /// The entry at position `p` of the band list (`is_lsh`) or the rare-token list.
    fn entry(&self, is_lsh: bool, p: usize) -> Option<(u64, u32)> {
        if is_lsh {
            self.lsh.get(p).copied()
        } else {
            self.index.get(p).map(|&(key, i)| (u64::from(key), i))
        }
    }

    /// Where the buckets holding article `j` start, in the band list and the rare-token list.
    fn buckets(&self, j: usize) -> [(bool, &[u32]); 2] {
        let span = |offsets: &[u32]| offsets[j] as usize..offsets[j + 1] as usize;
        [
            (true, &self.lsh_starts[span(&self.lsh_offsets)]),
            (false, &self.index_starts[span(&self.index_offsets)]),
        ]
    }

    /// The candidate pairs `(a, j)` found by searching from article `j`.
    fn search(&self, j: usize) -> Vec<(u32, u32)> {
        // (partner, is_lsh)
        let mut partners: Vec<(u32, bool)> = Vec::new();
        for (is_lsh, starts) in self.buckets(j) {
            for &start in starts {
                let start = start as usize;
                let Some((run_key, _)) = self.entry(is_lsh, start) else {
                    continue;
                };
                partners.extend(
                    (start..)
                        .map_while(|p| self.entry(is_lsh, p))
                        .take_while(|&(key, i)| key == run_key && i < j as u32)
                        .take(self.links)
                        .map(|(_, i)| (i, is_lsh)),
                );
            }
        }
        partners.sort_unstable();
        let mut out = Vec::new();
        for run in partners.chunk_by(|a, b| a.0 == b.0) {
            if run.len() >= 2 || run.iter().any(|&(_, is_lsh)| is_lsh) {
                out.push((run[0].0, j as u32));
            }
        }
        out
    }

    /// The articles whose search can find article `i` as a partner: later members of a bucket in
    /// which `i` is among the first [`ClusterOptions::bucket_links`].
    pub fn searchers_of(&self, i: usize) -> Vec<u32> {
        let mut out = Vec::new();
        for (is_lsh, starts) in self.buckets(i) {
            for &start in starts {
                let start = start as usize;
                let Some((run_key, _)) = self.entry(is_lsh, start) else {
                    continue;
                };
                let run: Vec<u32> = (start..)
                    .map_while(|p| self.entry(is_lsh, p))
                    .take_while(|&(key, _)| key == run_key)
                    .map(|(_, a)| a)
                    .collect();
                if let Some(rank) = run.iter().position(|&a| a == i as u32)
                    && rank < self.links
                {
                    out.extend(run.iter().copied().filter(|&a| a > i as u32));
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The pairs found by searching from every article `j` with `search[j]`, that pass the cheap
    /// look (shared names, or estimated shingle Jaccard), sorted.
    pub fn pairs(&self, keys: &[Keys], search: &[bool]) -> Vec<(u32, u32)> {
        let mut pairs: Vec<(u32, u32)> = (0..keys.len())
            .into_par_iter()
            .filter(|&j| search[j])
            .flat_map_iter(|j| self.search(j))
            .filter(|&(a, b)| {
                // a cheap look at names and shingles first: most candidates are not the same story
                let (ka, kb) = (&keys[a as usize], &keys[b as usize]);
                // the signature test first: fixed length, no branches
                fingerprint::minhash_jaccard(ka.minhash, kb.minhash) >= PREFILTER_JACCARD
                    || name_overlap(ka.names, kb.names) >= PREFILTER_NAME_OVERLAP
            })
            .collect();
        pairs.par_sort_unstable();
        pairs
    }
}

/// The bucket key of one LSH band: FNV-1a over the band's rows, seeded by the band number.
fn band_key(band: usize, rows: &[u32]) -> u64 {
    let mut key = 0xcbf2_9ce4_8422_2325u64 ^ band as u64;
    for &r in rows {
        key = (key ^ u64::from(r)).wrapping_mul(0x0100_0000_01b3);
    }
    key
}

/// For a list of `(key, article)` sorted by key then article: for each article, the positions
/// where the runs (buckets) holding its entries start, as offsets into one flat list (article
/// `j`'s are `starts[offsets[j]..offsets[j + 1]]`). One pass, no searching.
fn bucket_starts<K: PartialEq + Copy>(
    sorted: &[(K, u32)],
    articles: usize,
) -> (Vec<u32>, Vec<u32>) {
    let mut offsets = vec![0u32; articles + 1];
    for &(_, i) in sorted {
        offsets[i as usize + 1] += 1;
    }
    for k in 1..offsets.len() {
        offsets[k] += offsets[k - 1];
    }
    let mut fill = offsets.clone();
    let mut starts = vec![0u32; sorted.len()];
    let mut run = 0usize;
    for (p, &(key, i)) in sorted.iter().enumerate() {
        if p > 0 && sorted[p - 1].0 != key {
            run = p;
        }
        starts[fill[i as usize] as usize] = run as u32;
        fill[i as usize] += 1;
    }
    (offsets, starts)
}

/// The article's `k` rarest names and key figures among those seen in at least two articles.
fn rare_tokens(fp: &Keys, df: &DocFreq, k: usize) -> Vec<u32> {
    let mut scored: Vec<(u32, u32)> = fp
        .names
        .iter()
        .map(|&t| (df.df(t), t))
        .filter(|&(d, _)| d >= 2)
        .collect();
    // the k smallest (frequency, token) pairs; their order does not matter to the index
    if k == 0 {
        return Vec::new();
    }
    if scored.len() > k {
        scored.select_nth_unstable(k - 1);
        scored.truncate(k);
    }
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

/// An article made ready for many comparisons in one batch: token weights, bit masks and
/// sorted sentence hashes computed once.
pub struct Prepared<'a> {
    fp: &'a Fingerprint,
    day: Option<i64>,
    sentences: Vec<PreparedSentence<'a>>,
    /// Sorted hashes of the sentences, for verbatim matching.
    hashes: Vec<u64>,
    title_weights: Vec<f32>,
    /// Inverted index of the sentences: tokens sorted, with the sentence each comes from.
    posting_tokens: Vec<u32>,
    posting_sentences: Vec<u16>,
    /// Every distinct token of the alignable sentences (2 tokens or more) and the title, with
    /// its weight, sorted by token.
    weighted_tokens: Box<[u32]>,
    /// Their weights in 1/255 steps.
    weighted_weights: Box<[u8]>,
}

/// Makes an article ready for [`compare`]; `day` is its publication day, when known.
pub fn prepare<'a>(fp: &'a Fingerprint, day: Option<i64>, df: &DocFreq) -> Prepared<'a> {
    let mut hashes: Vec<u64> = fp.sentences.iter().map(|s| s.hash).collect();
    hashes.sort_unstable();
    // (token, sentence) packed in one integer, token above, so that they sort as the pairs
    // would, with one comparison each
    let mut postings: Vec<u64> = fp
        .sentences
        .iter()
        .enumerate()
        .take(usize::from(u16::MAX))
        .flat_map(|(j, s)| s.tokens.iter().map(move |&t| u64::from(t) << 16 | j as u64))
        .collect();
    postings.sort_unstable();
    let mut prepared = Prepared {
        fp,
        day,
        sentences: fp
            .sentences
            .iter()
            .map(|s| PreparedSentence::new(s, df))
            .collect(),
        hashes,
        title_weights: fp
            .title_tokens
            .iter()
            .map(|&t| df.weight(t) as f32)
            .collect(),
        posting_tokens: postings.iter().map(|&p| (p >> 16) as u32).collect(),
        posting_sentences: postings.iter().map(|&p| p as u16).collect(),
        weighted_tokens: Box::default(),
        weighted_weights: Box::default(),
    };
    // the sentences `compare` aligns when the two articles share no sentence verbatim
    let alignable: Vec<usize> = (0..prepared.sentences.len())
        .filter(|&i| prepared.sentences[i].tokens.len() >= 2)
        .collect();
    let weighted = weighted_tokens(&prepared, &alignable);
    prepared.weighted_tokens = weighted.iter().map(|&(t, _)| t).collect();
    prepared.weighted_weights = weighted
        .iter()
        .map(|&(_, w)| (w * 255.0).round() as u8)
        .collect();
    prepared
}

/// Compares two articles and says whether they are one story, with every signal.
pub fn compare(a: &Prepared, b: &Prepared, opts: &ClusterOptions) -> Verdict {
    let mut signals = BTreeMap::new();
    // verbatim sentences
    let shared_a: Vec<bool> =
        a.fp.sentences
            .iter()
            .map(|s| b.hashes.binary_search(&s.hash).is_ok())
            .collect();
    let shared_b: Vec<bool> =
        b.fp.sentences
            .iter()
            .map(|s| a.hashes.binary_search(&s.hash).is_ok())
            .collect();
    let words = |p: &Prepared, mask: &[bool], want: bool| -> u32 {
        p.fp.sentences
            .iter()
            .zip(mask)
            .filter(|(_, m)| **m == want)
            .map(|(s, _)| u32::from(s.words))
            .sum()
    };
    let (shared_words_a, shared_words_b) = (words(a, &shared_a, true), words(b, &shared_b, true));
    let (total_a, total_b) = (
        shared_words_a + words(a, &shared_a, false),
        shared_words_b + words(b, &shared_b, false),
    );
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
        fingerprint::minhash_jaccard(&a.fp.minhash, &b.fp.minhash),
    );
    signals.insert(
        "name_overlap".to_string(),
        name_overlap(&a.fp.names, &b.fp.names),
    );
    let date_gap = match (a.day, b.day) {
        (Some(x), Some(y)) => Some((x - y).abs()),
        _ => None,
    };
    if let Some(gap) = date_gap {
        signals.insert("date_gap_days".to_string(), gap as f64);
    }
    let date_conflict = date_gap.is_some_and(|g| g > DATE_TOLERANCE_DAYS);
    let too_far_apart = date_gap.is_some_and(|g| g > DATE_LIMIT_DAYS);
    let is_copy = containment >= opts.copy_threshold
        && shared_words_a.min(shared_words_b) >= MIN_SHARED_WORDS
        && !too_far_apart;
    if is_copy && containment >= CLEAR_COPY {
        // nothing left to align: the rewrite evidence would only be computed to be discarded
        title_similarity(a.fp, b.fp, &mut signals);
        return Verdict {
            rule: Some("copy"),
            score: containment,
            signals,
        };
    }

    // rewrite evidence, outside the verbatim-shared sentences
    let rest = |p: &'_ Prepared, mask: &[bool]| -> Vec<usize> {
        (0..p.sentences.len())
            .filter(|&i| !mask[i] && p.sentences[i].tokens.len() >= 2)
            .collect()
    };
    let (rest_a, rest_b) = (rest(a, &shared_a), rest(b, &shared_b));
    let (short, long) = if rest_a.len() <= rest_b.len() {
        ((a, &rest_a), (b, &rest_b))
    } else {
        ((b, &rest_b), (a, &rest_a))
    };
    let short_sentences: Vec<&PreparedSentence> =
        short.1.iter().map(|&i| &short.0.sentences[i]).collect();
    let alignment = align_sentences(&short_sentences, long.0, long.1);
    signals.insert("align".to_string(), alignment.chain);
    signals.insert("matched".to_string(), alignment.matched);
    signals.insert("sentences".to_string(), short_sentences.len() as f64);
    if let Some(agreement) = alignment.number_agreement {
        signals.insert("number_agreement".to_string(), agreement);
    }
    let rest_tokens = |p: &Prepared, shared_words: u32, rest: &[usize]| {
        if shared_words == 0 {
            p.weighted_tokens
                .iter()
                .copied()
                .zip(p.weighted_weights.iter().map(|&w| f32::from(w) / 255.0))
                .collect()
        } else {
            weighted_tokens(p, rest)
        }
    };
    let tokens_a: Vec<(u32, f32)> = rest_tokens(a, shared_words_a, &rest_a);
    let tokens_b: Vec<(u32, f32)> = rest_tokens(b, shared_words_b, &rest_b);
    let (tokens_a, tokens_b) = (tokens_a.as_slice(), tokens_b.as_slice());
    let rare = weighted_overlap(tokens_a, tokens_b);
    signals.insert("rare_overlap".to_string(), rare);
    let numbers = |tokens: &[(u32, f32)]| -> Vec<u32> {
        tokens
            .iter()
            .map(|&(t, _)| t)
            .filter(|&t| fingerprint::is_key_number(t))
            .collect()
    };
    let (nums_a, nums_b) = (numbers(tokens_a), numbers(tokens_b));
    let fewer_numbers = nums_a.len().min(nums_b.len());
    let numbers =
        (fewer_numbers > 0).then(|| count_shared(&nums_a, &nums_b) as f64 / fewer_numbers as f64);
    if let Some(n) = numbers {
        signals.insert("number_overlap".to_string(), n);
    }
    // A rewrite keeps its original's figures (it may drop some); a story written from the same
    // template, or about the same people on another day, gives other figures.
    let number_penalty = match numbers {
        Some(n) if fewer_numbers >= MIN_NUMBERS_TO_DISAGREE => {
            NUMBER_PENALTY_SLOPE * (NUMBER_AGREEMENT_KNEE - n).max(0.0)
        }
        _ => 0.0,
    };
    signals.insert("number_penalty".to_string(), number_penalty);
    let title = title_similarity(a.fp, b.fp, &mut signals);

    // A rewrite shares almost no sentence verbatim with its original; a different story from
    // the same desk often repeats a background paragraph word for word, and little else.
    let mut rewrite =
        0.5 * alignment.chain + 0.25 * rare + 0.15 * numbers.unwrap_or(rare) + 0.1 * title
            - 0.5 * containment
            - number_penalty;
    if date_conflict {
        rewrite -= 0.3;
    }
    if short_sentences.len() < MIN_ALIGN_SENTENCES {
        rewrite = rewrite.min(0.0);
    }
    let rewrite = rewrite.clamp(0.0, 1.0);
    signals.insert("rewrite_score".to_string(), rewrite);

    let (rule, score) = if is_copy {
        (Some("copy"), containment)
    } else if rewrite >= opts.rewrite_threshold && !too_far_apart {
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

/// The distinct tokens of some sentences of an article and of its title, with their weights,
/// sorted by token.
fn weighted_tokens(p: &Prepared, sentences: &[usize]) -> Vec<(u32, f32)> {
    let mut out: Vec<(u32, f32)> = sentences
        .iter()
        .flat_map(|&i| {
            let s = &p.sentences[i];
            s.tokens
                .iter()
                .copied()
                .zip(s.weights.iter().map(|&w| f32::from(w) / 255.0))
        })
        .chain(
            p.fp.title_tokens
                .iter()
                .copied()
                .zip(p.title_weights.iter().copied()),
        )
        .collect();
    out.sort_unstable_by_key(|&(t, _)| t);
    out.dedup_by_key(|&mut (t, _)| t);
    out
}

/// Weight of the shared tokens over the smaller of the two total weights (sorted by token).
fn weighted_overlap(a: &[(u32, f32)], b: &[(u32, f32)]) -> f64 {
    let total = |s: &[(u32, f32)]| s.iter().map(|&(_, w)| f64::from(w)).sum::<f64>();
    let (wa, wb) = (total(a), total(b));
    if wa <= 0.0 || wb <= 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut shared) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += f64::from(a[i].1);
                i += 1;
                j += 1;
            }
        }
    }
    shared / wa.min(wb)
}

/// Shared names and key figures over the smaller article's count: cheap, and low for articles
/// that share only a sentence or two.
pub fn name_overlap(a: &[u32], b: &[u32]) -> f64 {
    let fewer = a.len().min(b.len());
    if fewer == 0 {
        return 0.0;
    }
    count_shared(a, b) as f64 / fewer as f64
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

/// A sentence made ready for many comparisons: token weights and bit masks computed once.
struct PreparedSentence<'a> {
    tokens: &'a [u32],
    /// Token weights in 1/255 steps (a byte each keeps a batch's prepared sentences small).
    weights: Box<[u8]>,
    total: f32,
    /// One bit per key number (0 when the sentence has none).
    number_mask: u64,
}

impl<'a> PreparedSentence<'a> {
    fn new(sentence: &'a fingerprint::Sentence, df: &DocFreq) -> PreparedSentence<'a> {
        let tokens: &[u32] = &sentence.tokens;
        let weights: Box<[u8]> = tokens
            .iter()
            .map(|&t| (df.weight(t) * 255.0).round() as u8)
            .collect();
        let mut number_mask = 0u64;
        for &t in tokens.iter().filter(|&&t| fingerprint::is_key_number(t)) {
            number_mask |= 1u64 << (t.wrapping_mul(0x9e37_79b9) >> 26);
        }
        PreparedSentence {
            tokens,
            total: weights.iter().map(|&w| f32::from(w)).sum::<f32>() / 255.0,
            weights,
            number_mask,
        }
    }
}

/// What sentence alignment found.
struct Alignment {
    /// Longest in-order chain of reworded matches, over the short text's sentence count.
    chain: f64,
    /// Short sentences with any match, over the same count.
    matched: f64,
    /// Of the key numbers in matched short sentences, the share found in their best match:
    /// low when matching sentences give different figures (next month's edition of a
    /// templated story). `None` when no matched sentence has a key number.
    number_agreement: Option<f64>,
}

/// Aligns the sentences of `short` with the sentences `rest` (indexes, in order) of `long`:
/// several short sentences may match one long sentence, as when a rewrite splits a sentence.
/// Similarities come from the long article's inverted index, so only sentence pairs that share
/// a token cost anything.
fn align_sentences(short: &[&PreparedSentence], long: &Prepared, rest: &[usize]) -> Alignment {
    if short.is_empty() || rest.is_empty() {
        return Alignment {
            chain: 0.0,
            matched: 0.0,
            number_agreement: None,
        };
    }
    // position of each long sentence among `rest`, or none when it is left out
    let mut position = vec![u32::MAX; long.sentences.len()];
    for (p, &i) in rest.iter().enumerate() {
        position[i] = p as u32;
    }
    let n_long = rest.len();
    // per long sentence: shared weight, shared tokens, shared key numbers
    let mut acc = vec![(0.0f32, 0u32, 0u32); n_long];
    let mut prev = vec![0u32; n_long + 1];
    let mut cur = vec![0u32; n_long + 1];
    let mut matched = 0usize;
    let (mut numbers, mut agreeing) = (0usize, 0usize);
    for s in short {
        acc.iter_mut().for_each(|a| *a = (0.0, 0, 0));
        let mut from = 0;
        for (k, &tok) in s.tokens.iter().enumerate() {
            // the sentence's tokens are sorted, so the search resumes where it stopped
            from += long.posting_tokens[from..].partition_point(|&t| t < tok);
            let w = f32::from(s.weights[k]) / 255.0;
            let is_number = u32::from(fingerprint::is_key_number(tok));
            let mut q = from;
            while q < long.posting_tokens.len() && long.posting_tokens[q] == tok {
                let p = position[usize::from(long.posting_sentences[q])];
                if p != u32::MAX {
                    let a = &mut acc[p as usize];
                    a.0 += w;
                    a.1 += 1;
                    a.2 += is_number;
                }
                q += 1;
            }
        }
        let mut best = (0.0, None);
        for (j, &i) in rest.iter().enumerate() {
            let t = &long.sentences[i];
            let (weight, shared, shared_numbers) = acc[j];
            let lighter = s.total.min(t.total);
            let numbers_clash = s.number_mask != 0 && t.number_mask != 0 && shared_numbers == 0;
            let sim = if shared < 2 || lighter <= 0.0 || numbers_clash {
                0.0
            } else {
                f64::from(weight / lighter)
            };
            let is_match = sim >= SENTENCE_MATCH;
            if is_match && sim > best.0 {
                best = (sim, Some(i));
            }
            cur[j + 1] = cur[j]
                .max(prev[j + 1])
                .max(prev[j + 1] + u32::from(is_match));
        }
        if let Some(i) = best.1 {
            matched += 1;
            for &tok in s.tokens.iter().filter(|&&t| fingerprint::is_number(t)) {
                numbers += 1;
                agreeing += usize::from(long.sentences[i].tokens.binary_search(&tok).is_ok());
            }
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let n = short.len() as f64;
    Alignment {
        chain: f64::from(prev[n_long]) / n,
        matched: matched as f64 / n,
        number_agreement: (numbers > 0).then(|| agreeing as f64 / numbers as f64),
    }
}

/// Title similarity, 0 to 1: the best of normalized Levenshtein, Jaro-Winkler (discounted,
/// since unrelated titles already reach 0.6) and the token-set overlap of title words.
fn title_similarity(a: &Fingerprint, b: &Fingerprint, signals: &mut BTreeMap<String, f64>) -> f64 {
    if a.title_text.is_empty() || b.title_text.is_empty() {
        return 0.0;
    }
    let (lev, jw) = if a.title_text == b.title_text {
        (1.0, 1.0)
    } else {
        (
            strsim::normalized_levenshtein(&a.title_text, &b.title_text),
            strsim::jaro_winkler(&a.title_text, &b.title_text),
        )
    };
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
    let pa = prepare(&a.fingerprint, article_day(a), &df);
    let pb = prepare(&b.fingerprint, article_day(b), &df);
    compare(&pa, &pb, opts)
}

/// Groups the articles of a batch into stories.
pub fn group(articles: &[Article], opts: &ClusterOptions) -> Vec<Group> {
    let fps: Vec<&Fingerprint> = articles.iter().map(|a| &a.fingerprint).collect();
    let df = DocFreq::count(&fps);
    let keys: Vec<Keys> = fps.iter().map(|&fp| Keys::from(fp)).collect();
    let pairs = candidate_pairs(&keys, &df, opts);
    group_pairs(articles, &df, pairs, opts)
}

/// Groups articles given their candidate pairs (indexes into `articles`, as
/// [`candidate_pairs`] gives them) and the batch's token frequencies. [`group`] is this over a
/// whole batch; a state run calls it on the part of the store that new articles touch, with the
/// frequencies and candidates of the whole store.
pub fn group_pairs(
    articles: &[Article],
    df: &DocFreq,
    pairs: Vec<(u32, u32)>,
    opts: &ClusterOptions,
) -> Vec<Group> {
    let fps: Vec<&Fingerprint> = articles.iter().map(|a| &a.fingerprint).collect();
    let days: Vec<Option<i64>> = articles.iter().map(article_day).collect();
    let mut in_pairs = vec![false; fps.len()];
    for &(a, b) in &pairs {
        in_pairs[a as usize] = true;
        in_pairs[b as usize] = true;
    }
    let prepared: Vec<Option<Prepared>> = (0..fps.len())
        .into_par_iter()
        .map(|i| in_pairs[i].then(|| prepare(fps[i], days[i], df)))
        .collect();
    let ready = |i: usize| -> Prepared {
        // every article of a pair was prepared above; this is for any other
        prepare(fps[i], days[i], df)
    };
    // only the pairs that match are kept: a verdict's signals are not small
    let mut edges: Vec<(usize, usize, Verdict)> = pairs
        .par_iter()
        .filter_map(|&(a, b)| {
            let verdict = match (&prepared[a as usize], &prepared[b as usize]) {
                (Some(pa), Some(pb)) => compare(pa, pb, opts),
                _ => compare(&ready(a as usize), &ready(b as usize), opts),
            };
            verdict
                .rule
                .is_some()
                .then_some((a as usize, b as usize, verdict))
        })
        .collect();
    drop(pairs);
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
            match (&prepared[ca], &prepared[cb]) {
                (Some(pa), Some(pb)) => compare(pa, pb, opts),
                _ => compare(&ready(ca), &ready(cb), opts),
            }
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
    // The canonical member (chosen knowing the whole group) may not be the core that led the
    // group; then the core, which joined nobody, is compared with the canonical member.
    for group in groups.iter_mut().filter(|g| g.members.len() > 1) {
        let (canonical, _) = crate::canonical::pick_canonical(group, articles);
        let Some(core) = group
            .members
            .iter()
            .position(|(i, join)| join.is_none() && *i != canonical)
        else {
            continue;
        };
        let i = group.members[core].0;
        let verdict = match (&prepared[i], &prepared[canonical]) {
            (Some(pa), Some(pb)) => compare(pa, pb, opts),
            _ => compare(&ready(i), &ready(canonical), opts),
        };
        group.members[core].1 = Some(Join {
            rule: verdict.rule.unwrap_or("core").to_string(),
            score: verdict.score,
            with: Some(canonical),
            signals: verdict.signals,
        });
    }
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

    fn check(a: &Fingerprint, b: &Fingerprint, days: (Option<i64>, Option<i64>)) -> Verdict {
        let df = DocFreq::count(&[a, b]);
        compare(
            &prepare(a, days.0, &df),
            &prepare(b, days.1, &df),
            &ClusterOptions::default(),
        )
    }

    const WIRE: &[&str] = &[
        "The city council of Tarnów voted 31 to 4 on Monday to close the Wisła footbridge to all traffic from 1 June, after inspectors found deep cracks in two of its three piers.",
        "Engineers from the regional roads office said repairs would take at least 14 months and cost about 22 million zloty, money the city does not yet have.",
        "“We cannot wait for a tragedy,” said deputy mayor Halina Gąsior, who proposed the closure. “The bridge is older than anyone in this room.”",
        "About 9,000 people cross the bridge each day, most of them pupils and workers heading to the eastern industrial zone.",
        "The bridge was built in 1911 and last renovated in 1987.",
    ];

    const REWRITE: &[&str] = &[
        "Councillors in Tarnów backed closing the Wisła footbridge from 1 June by 31 votes to 4 on Monday after cracks were found in two of the three piers.",
        "The regional roads office puts the repair bill at roughly 22 million zloty and the work at 14 months or more, and the city lacks the money.",
        "Deputy mayor Halina Gąsior, who proposed the move, warned against waiting for a tragedy and called the bridge older than anyone in the room.",
        "Some 9,000 pupils and workers use the crossing daily on their way to the eastern industrial zone.",
    ];

    #[test]
    fn identical_bodies_are_copies() {
        let a = fp("Tarnów closes bridge", WIRE);
        let b = fp("Tarnów shuts footbridge over cracks", WIRE);
        let v = check(&a, &b, (None, None));
        assert_eq!(v.rule, Some("copy"));
        assert_eq!(v.signals["containment"], 1.0);
    }

    #[test]
    fn trimmed_copy_is_a_copy() {
        let a = fp("Tarnów closes bridge", WIRE);
        let b = fp("Tarnów closes bridge", &WIRE[..3]);
        assert_eq!(check(&a, &b, (None, None)).rule, Some("copy"));
    }

    #[test]
    fn reworded_sentences_in_order_make_a_rewrite() {
        let a = fp("Tarnów closes bridge", WIRE);
        let b = fp("Cracks shut Polish footbridge", REWRITE);
        let v = check(&a, &b, (None, None));
        assert_eq!(v.rule, Some("rewrite"), "{:?}", v.signals);
        assert_eq!(v.signals["containment"], 0.0);
        assert_eq!(v.signals["align"], 1.0);
        // the same rewrite with its sentences shuffled aligns worse
        let shuffled = [REWRITE[3], REWRITE[2], REWRITE[1], REWRITE[0]];
        let c = fp("Cracks shut Polish footbridge", &shuffled);
        assert!(check(&a, &c, (None, None)).signals["align"] < 0.5);
    }

    #[test]
    fn far_apart_dates_block_copies_and_rewrites() {
        let a = fp("Tarnów closes bridge", WIRE);
        assert_eq!(check(&a, &a, (Some(100), Some(140))).rule, None);
        let b = fp("Cracks shut Polish footbridge", REWRITE);
        assert_eq!(check(&a, &b, (Some(100), Some(140))).rule, None);
        assert_eq!(check(&a, &b, (Some(100), Some(101))).rule, Some("rewrite"));
    }

    #[test]
    fn iso_days_counts_from_the_epoch() {
        assert_eq!(iso_days("1970-01-01"), Some(0));
        assert_eq!(iso_days("2024-03-01T10:00:00Z"), Some(19_783));
        assert_eq!(iso_days("yesterday"), None);
    }

    #[test]
    fn bucket_starts_point_at_run_starts() {
        let sorted = [(1u32, 0u32), (1, 2), (5, 1), (5, 2), (5, 3), (9, 0)];
        let (offsets, starts) = bucket_starts(&sorted, 4);
        assert_eq!(offsets, vec![0, 2, 3, 5, 6]);
        // article 0 is in runs starting at 0 and 5; article 2 in runs at 0 and 2
        assert_eq!(&starts[0..2], &[0, 5]);
        assert_eq!(&starts[3..5], &[0, 2]);
    }

    #[test]
    fn candidates_find_copies_and_cap_big_buckets() {
        let copy = fp("Tarnów closes bridge", WIRE);
        let other = fp(
            "Ferry fire off Crete",
            &[
                "Greek coast guard vessels rescued all 212 passengers and 38 crew from a ferry that caught fire off Crete on Wednesday, officials said.",
            ],
        );
        let mut fps: Vec<&Fingerprint> = vec![&copy; 30];
        fps.push(&other);
        let df = DocFreq::count(&fps);
        let opts = ClusterOptions::default();
        let keys: Vec<Keys> = fps.iter().map(|&f| Keys::from(f)).collect();
        let index = CandidateIndex::new(&keys, &df, &opts);
        let pairs: Vec<(u32, u32)> = (0..keys.len()).flat_map(|j| index.search(j)).collect();
        assert!(pairs.contains(&(0, 1)) && pairs.contains(&(0, 29)));
        assert!(pairs.iter().all(|&(a, b)| a < b && b != 30));
        // each article pairs with at most `bucket_links` earlier ones, not with all 29
        assert!(pairs.len() <= 30 * opts.bucket_links);
    }

    #[test]
    fn stored_keys_round_trip_and_refuse_damage() {
        let a = fp("Tarnów closes bridge", WIRE);
        let stored = StoredKeys::of(&a);
        let bytes = stored.to_bytes();
        let back = StoredKeys::from_bytes(&bytes).expect("own blob reads back");
        assert_eq!(back, stored);
        assert_eq!(back.keys().names, &a.names[..]);
        assert!(!back.keys().empty && back.keys().minhash == &a.minhash[..]);
        assert!(StoredKeys::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        assert!(StoredKeys::from_bytes(&[]).is_none());
        let empty = fp("Nothing", &[]);
        assert!(
            StoredKeys::from_bytes(&StoredKeys::of(&empty).to_bytes())
                .is_some_and(|k| k.keys().empty)
        );
    }
}

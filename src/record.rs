//! The output record: one JSON object per story, one story per line.
//!
//! This doc comment is the format's specification; the README repeats it for users. Keys are
//! snake_case, always present (a value that is not known is `null`, never invented or left out),
//! and appear in the order below. A key is never renamed or dropped without a CHANGELOG entry.
//!
//! ```text
//! id              string   16 hex digits: a hash of the canonical member's cleaned body, so the
//!                          same content gets the same id on every run and machine; with
//!                          --state, a story keeps the id it was first given as members join
//! status          string|null   with --state: "new", "updated" or (with --emit all) "unchanged";
//!                          null otherwise
//! title           string|null   headline: the canonical member's, or another member's when the
//!                          other versions' bodies do not support it (a masthead taken for it)
//! subtitle        string|null   standfirst under the headline
//! byline          string|null   author(s), without a leading "By"
//! published       string|null   ISO 8601 date-time (or date) of publication, when it could be read
//! published_raw   string|null   the date as it stood in the text
//! site            string|null   publishing site, where the text names it
//! body            string   the canonical member's cleaned paragraphs, joined by a blank line
//! canonical       object   which member the body comes from:
//!   path          string   its path (lossy UTF-8, as in members)
//!   reason        string   why it was chosen, e.g. "longest clean body"
//! members         array    every file of the story, sorted by path:
//!   path          string   the path as given or found, lossily converted to UTF-8
//!   path_raw      string|null   hex of the path's bytes when they are not valid UTF-8, else null
//!   bytes         number   file size
//!   encoding      string   encoding the file was read as (UTF-8, UTF-16LE, windows-1252, ...)
//!   invalid_sequences number   byte sequences that could not be decoded (replaced by U+FFFD)
//!   title         string|null   this member's own headline
//!   repairs       number   places the repair stage changed in this member
//!   removed_lines number   non-blank lines removed from this member as boilerplate
//!   join          object   how it joined the story:
//!     rule        string   "canonical" for the canonical member, else the rule that joined it:
//!                          "copy" (shares most of its text verbatim), "rewrite" (reworded
//!                          sentences in the same order, same names and figures), "core"
//!                          (matched the group's other members, not the canonical one directly)
//!     score       number   the deciding score, 0 to 1
//!     with        string|null   path of the member it was matched against
//!     signals     object   every signal computed for the decision, name -> number:
//!                          containment, shared_words, minhash_jaccard, align, matched,
//!                          sentences, rare_overlap, number_overlap, number_agreement,
//!                          number_penalty, title*, date_gap_days, rewrite_score, core_score
//!                          (a signal that does not apply is left out; see `newsclean compare`)
//!   explain       object|null   with --explain: what each stage did, else null
//!     repair      array    {action, count}: repair steps in order
//!     removed     array    {line, reason, text}: lines removed as boilerplate
//!     extracted   array    strings such as "title: line 3"
//! repairs         number   sum of members' repairs
//! removed_lines   number   sum of members' removed_lines
//! ```
//!
//! With `--no-dedup` every file is its own story, so two records share an `id` only when two
//! files have identical cleaned bodies.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::FastSet;
use crate::article::{Article, Explain};
use crate::cluster::Group;

/// One story, as written to stdout.
#[derive(Debug, Clone, Serialize)]
pub struct Story {
    pub id: String,
    pub status: Option<&'static str>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub published_raw: Option<String>,
    pub site: Option<String>,
    pub body: String,
    pub canonical: Canonical,
    pub members: Vec<Member>,
    pub repairs: usize,
    pub removed_lines: usize,
}

/// Which member the body comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Canonical {
    pub path: String,
    pub reason: String,
}

/// One file of a story.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub path: String,
    pub path_raw: Option<String>,
    pub bytes: u64,
    pub encoding: &'static str,
    pub invalid_sequences: usize,
    pub title: Option<String>,
    pub repairs: usize,
    pub removed_lines: usize,
    pub join: JoinRecord,
    pub explain: Option<Explain>,
}

/// How a member joined its story.
#[derive(Debug, Clone, Serialize)]
pub struct JoinRecord {
    pub rule: String,
    pub score: f64,
    pub with: Option<String>,
    pub signals: BTreeMap<String, f64>,
}

/// Builds the record of one group whose canonical member is `canonical` (an article index).
pub fn build_story(group: &Group, canonical: usize, reason: String, articles: &[Article]) -> Story {
    let canon = &articles[canonical];
    let body = canon.body();
    let mut members: Vec<Member> = group
        .members
        .iter()
        .map(|(i, join)| {
            let article = &articles[*i];
            let join = match join {
                _ if *i == canonical => JoinRecord {
                    rule: "canonical".into(),
                    score: 1.0,
                    with: None,
                    signals: BTreeMap::new(),
                },
                Some(join) => JoinRecord {
                    rule: join.rule.clone(),
                    score: round4(join.score),
                    with: join.with.map(|w| lossy_path(&articles[w].path)),
                    signals: join
                        .signals
                        .iter()
                        .map(|(k, v)| (k.clone(), round4(*v)))
                        .collect(),
                },
                // The first member of a group joined nobody; if it is not canonical, it is
                // attached to the canonical one by the group's own rule.
                None => JoinRecord {
                    rule: "group-seed".into(),
                    score: 1.0,
                    with: Some(lossy_path(&canon.path)),
                    signals: BTreeMap::new(),
                },
            };
            Member {
                path: lossy_path(&article.path),
                path_raw: raw_path(&article.path),
                bytes: article.bytes,
                encoding: article.encoding,
                invalid_sequences: article.invalid_sequences,
                title: article.title.clone(),
                repairs: article.repairs,
                removed_lines: article.removed_lines,
                join,
                explain: article.explain.clone(),
            }
        })
        .collect();
    members.sort_by(|a, b| (&a.path, &a.path_raw).cmp(&(&b.path, &b.path_raw)));
    let published = canon.published.as_ref();
    Story {
        id: story_id(&body),
        status: None,
        title: story_title(group, canonical, articles),
        subtitle: canon.subtitle.clone(),
        byline: canon.byline.clone(),
        published: published.and_then(|p| p.iso.clone()),
        published_raw: published.map(|p| p.raw.clone()),
        site: canon.site.clone(),
        canonical: Canonical {
            path: lossy_path(&canon.path),
            reason,
        },
        repairs: members.iter().map(|m| m.repairs).sum(),
        removed_lines: members.iter().map(|m| m.removed_lines).sum(),
        members,
        body,
    }
}

/// Least support (below) for a headline to be the story's title: a headline shares its names and
/// key words with every version of the story; a masthead ("The Meridian Post"), a player button
/// or a section menu that a copy's extraction took for a headline shares next to none with the
/// other versions.
const MIN_TITLE_SUPPORT: f64 = 0.5;

/// Least support for another member's headline to replace an unsupported one: lower, because a
/// rewrite's reworded headline shares fewer words, and anything clearly about the story beats a
/// masthead.
const MIN_REPLACEMENT_SUPPORT: f64 = 0.25;

/// The story's title: the canonical member's headline, unless the other members' bodies do not
/// support it; then the best-supported headline of another member, an original's before a
/// rewrite's (so a republished copy whose masthead was taken for its headline gets the wire's
/// headline). A story of one file keeps its headline.
fn story_title(group: &Group, canonical: usize, articles: &[Article]) -> Option<String> {
    let own = articles[canonical].title.clone();
    if group.members.len() < 2 {
        return own;
    }
    // Stopwords ("this", "story"... in the story's language) are no evidence either way.
    let lines: Vec<&str> = articles[canonical]
        .paragraphs
        .iter()
        .map(String::as_str)
        .collect();
    let lex = crate::boilerplate::lang::lexicon_for(&lines);
    // Only the words of the members' headlines are looked for in the bodies.
    let wanted: FastSet<String> = group
        .members
        .iter()
        .filter_map(|(i, _)| articles[*i].title.as_deref())
        .flat_map(|t| words(t, lex))
        .collect();
    let bodies: Vec<(usize, FastSet<&str>)> = group
        .members
        .iter()
        .map(|(i, _)| (*i, found_words(&articles[*i].paragraphs, &wanted)))
        .collect();
    let support = |owner: usize, title: &str| -> f64 {
        let wanted = words(title, lex);
        let others: Vec<&FastSet<&str>> = bodies
            .iter()
            .filter(|(i, _)| *i != owner)
            .map(|(_, b)| b)
            .collect();
        if wanted.is_empty() || others.is_empty() {
            return 0.0;
        }
        let found: usize = others
            .iter()
            .map(|body| wanted.iter().filter(|w| body.contains(w.as_str())).count())
            .sum();
        found as f64 / (wanted.len() * others.len()) as f64
    };
    if own
        .as_deref()
        .is_some_and(|t| support(canonical, t) >= MIN_TITLE_SUPPORT)
    {
        return own;
    }
    let is_rewrite =
        |join: &Option<crate::cluster::Join>| join.as_ref().is_some_and(|j| j.rule == "rewrite");
    group
        .members
        .iter()
        .filter_map(|(i, join)| {
            let title = articles[*i].title.as_deref()?;
            Some((!is_rewrite(join), support(*i, title), *i, title))
        })
        .filter(|(_, s, _, _)| *s >= MIN_REPLACEMENT_SUPPORT)
        // An original's headline before a rewrite's, then the best supported; ties go to the
        // earlier input, so the choice is stable.
        .max_by(|a, b| {
            (a.0, a.1)
                .partial_cmp(&(b.0, b.1))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(b.2.cmp(&a.2))
        })
        .map(|(_, _, _, t)| t.to_string())
        .or(own)
}

/// Which of the `wanted` words (as [`words`] gives them) occur in the paragraphs.
fn found_words<'w>(paragraphs: &[String], wanted: &'w FastSet<String>) -> FastSet<&'w str> {
    let mut found = FastSet::default();
    // An ASCII word is looked up only when a wanted word has its first letter and its length in
    // bytes (63 standing for 63 or more): case folding keeps both, and a word that is not ASCII
    // folds to one that is not either. Most words of a body stop there. Other words are always
    // looked up.
    let mut ascii_wanted = [0u64; 128];
    for w in wanted.iter().filter(|w| w.is_ascii()) {
        if let Some(&first) = w.as_bytes().first() {
            ascii_wanted[usize::from(first)] |= 1 << w.len().min(63);
        }
    }
    let mut folded = String::new();
    for paragraph in paragraphs {
        for_each_alphanumeric_run(paragraph, |word, is_ascii| {
            if word.len() < 3 {
                return; // under 3 bytes is under 3 characters
            }
            // as `str::to_lowercase` folds (a final sigma differs from `char::to_lowercase`),
            // without allocating for ASCII words
            folded.clear();
            if is_ascii {
                let first = word.as_bytes()[0].to_ascii_lowercase();
                if ascii_wanted[usize::from(first)] & (1 << word.len().min(63)) == 0 {
                    return;
                }
                folded.push_str(word);
                folded.make_ascii_lowercase();
            } else {
                folded = word.to_lowercase();
            }
            if let Some(w) = wanted.get(folded.as_str()) {
                found.insert(w.as_str());
            }
        });
    }
    found
}

/// Calls `f` with each run of alphanumeric characters of `text` (the non-empty pieces of
/// `text.split(|c: char| !c.is_alphanumeric())`) and whether the run is all ASCII. Runs of ASCII
/// bytes are skipped or taken eight at a time ([`crate::ascii`]) and only other characters are
/// decoded: bodies are long, and this runs over every member's.
fn for_each_alphanumeric_run<'t>(text: &'t str, mut f: impl FnMut(&'t str, bool)) {
    let bytes = text.as_bytes();
    // the character at `pos`, when it is not ASCII, and whether it is alphanumeric
    let wide = |pos: usize| {
        text[pos..]
            .chars()
            .next()
            .map(|c| (c.len_utf8(), c.is_alphanumeric()))
    };
    let mut pos = 0;
    while pos < bytes.len() {
        // separators: ASCII ones eight at a time, others one by one
        pos += crate::ascii::separator_len(&bytes[pos..]);
        match bytes.get(pos) {
            None => break,
            Some(b) if !b.is_ascii() => match wide(pos) {
                Some((len, false)) => {
                    pos += len;
                    continue;
                }
                Some((_, true)) => {}
                None => break,
            },
            Some(_) => {}
        }
        // a run: ASCII letters and digits eight at a time, other characters one by one
        let start = pos;
        let mut is_ascii = true;
        loop {
            pos += crate::ascii::alphanumeric_len(&bytes[pos..]);
            match bytes.get(pos) {
                Some(b) if !b.is_ascii() => match wide(pos) {
                    Some((len, true)) => {
                        is_ascii = false;
                        pos += len;
                    }
                    _ => break,
                },
                _ => break,
            }
        }
        f(&text[start..pos], is_ascii);
    }
}

/// The words of `text` of 3 letters or more that are not stopwords, case folded.
fn words(text: &str, lex: &crate::boilerplate::lang::Lexicon) -> FastSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3)
        .map(str::to_lowercase)
        .filter(|w| !lex.is_stop(w))
        .collect()
}

/// The story id: 16 hex digits of xxh3-64 over the canonical body.
pub fn story_id(body: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(body.as_bytes()))
}

/// Sets the `status` of a record serialized with `status: null`.
///
/// `status` is the second key and ids are hex, so the first `"status":null` in the line is the
/// record's own; this saves re-parsing stored records just to label them.
pub fn with_status(record_json: &str, status: &str) -> String {
    record_json.replacen("\"status\":null", &format!("\"status\":\"{status}\""), 1)
}

/// Rounds a score to 4 decimals so records stay short and identical across platforms.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The path as UTF-8, with U+FFFD where its bytes are not valid UTF-8.
pub fn lossy_path(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Hex of the path's bytes, only when they are not valid UTF-8.
pub fn raw_path(path: &Path) -> Option<String> {
    let os = path.as_os_str();
    if os.to_str().is_some() {
        return None;
    }
    Some(
        os.as_encoded_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_words_reads_ascii_and_other_paragraphs_alike() {
        let wanted: FastSet<String> = ["mayor", "plan", "żółw", "2024"]
            .into_iter()
            .map(String::from)
            .collect();
        let found = |paragraphs: &[&str]| -> Vec<&str> {
            let paragraphs: Vec<String> = paragraphs.iter().map(|p| p.to_string()).collect();
            let mut found: Vec<&str> = found_words(&paragraphs, &wanted).into_iter().collect();
            found.sort_unstable();
            found
        };
        // Words end at any character that is not a letter or digit; case does not count; a
        // word inside a longer one ("planning") is not the word.
        assert_eq!(
            found(&["The MAYOR's planning board met in 2024.", "No plan-B."]),
            vec!["2024", "mayor", "plan"]
        );
        // The same words in a paragraph with other characters, and one of them.
        assert_eq!(
            found(&["Der Bürgermeister (Mayor) hat den Plan für 2024.", "Żółw"]),
            vec!["2024", "mayor", "plan", "żółw"]
        );
        assert!(found(&["ma yor pl an"]).is_empty());
    }

    #[test]
    fn id_is_stable_hex() {
        assert_eq!(story_id("a"), story_id("a"));
        assert_ne!(story_id("a"), story_id("b"));
        assert_eq!(story_id("a").len(), 16);
    }

    #[test]
    fn unsupported_masthead_title_gives_way_to_the_wire_headline() {
        const WIRE: &str = include_str!("../fixtures/articles/harbour-wire.txt");
        const HEADLINE: &str = "Harbour council approves €40 million sea wall for Port Ellery";
        let cfg = crate::Config::default();
        let wire = crate::process_bytes(Path::new("wire.txt"), WIRE.as_bytes(), &cfg)
            .expect("the fixture is an article");
        assert_eq!(wire.title.as_deref(), Some(HEADLINE));
        // A republished copy whose extraction took the site's masthead for its headline.
        let mut copy = wire.clone();
        copy.path = "copy.txt".into();
        copy.title = Some("The Northern Ledger".into());
        let articles = vec![copy, wire];
        let group = Group {
            members: vec![(0, None), (1, None)],
        };
        assert_eq!(story_title(&group, 0, &articles).as_deref(), Some(HEADLINE));
        assert_eq!(story_title(&group, 1, &articles).as_deref(), Some(HEADLINE));
        // A story of one file keeps its own headline, whatever it is.
        let alone = Group {
            members: vec![(0, None)],
        };
        assert_eq!(
            story_title(&alone, 0, &articles).as_deref(),
            Some("The Northern Ledger")
        );
    }

    #[test]
    fn status_is_set_on_the_record_not_in_the_body() {
        let json = r#"{"id":"00ff","status":null,"body":"\"status\":null"}"#;
        assert_eq!(
            with_status(json, "new"),
            r#"{"id":"00ff","status":"new","body":"\"status\":null"}"#
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_path_keeps_its_bytes() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(OsStr::from_bytes(b"caf\xe9.txt"));
        assert_eq!(lossy_path(path), "caf\u{FFFD}.txt");
        assert_eq!(raw_path(path).as_deref(), Some("636166e92e747874"));
        assert_eq!(raw_path(Path::new("café.txt")), None);
    }

    #[test]
    fn alphanumeric_runs_are_the_pieces_of_a_split() {
        for text in [
            "",
            "Harbour council, 40 million!",
            "  Ελλάδα—Москва: 東京の港 ½ x² ٣٤ Ǆemal café's K-9 ",
            "ÉMILE é1 1é ‐‐ end",
            "a",
        ] {
            let mut runs = Vec::new();
            for_each_alphanumeric_run(text, |w, is_ascii| runs.push((w, is_ascii)));
            let split: Vec<(&str, bool)> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| (w, w.is_ascii()))
                .collect();
            assert_eq!(runs, split, "{text:?}");
        }
    }
}

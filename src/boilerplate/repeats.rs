//! Cross-document evidence: lines that recur across many different stories of a batch are the
//! site's chrome (a sign-off, a newsletter box, a menu), wherever they stand in the article.
//!
//! In: the lines of every article of the batch, one article at a time ([`RepeatCounter::add`]).
//! Out: [`RepeatCounts`], which tells for any line in how many different stories it was seen.
//!
//! Copies of one story share their lines legitimately, so what is counted is stories, not files.
//! Before clustering has run, "same story" is approximated by a story key: the hash of the three
//! smallest line hashes among the article's long lines (12 words or more). Copies of one story
//! share their long lines and so their key; different stories of one site differ in their
//! paragraphs, and a long chrome paragraph they share is only one of the three hashes, so their
//! keys still differ. A pair (line, story key) is counted once: a bitmap of seen pairs dedups
//! them (a collision can only make a count lower, never higher).
//!
//! Memory is fixed whatever the batch size: a count-min sketch (two rows of 2^21 u16 counters,
//! 8 MiB) and a 2^27-bit seen-pairs bitmap (16 MiB); adding an article is linear in its lines.
//! The counts are an estimate that may run high only by sketch collisions, which the minimum of
//! two rows keeps rare. Hand-written because no crate offers this combination (a count-min
//! sketch keyed by a distinct-pair filter); it is forty lines.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::patterns::normalise;

const ROW_BITS: u32 = 21;
const SEEN_BITS: u32 = 27;
/// Words a line needs to take part in the story key.
const KEY_LINE_WORDS: usize = 12;

/// Estimated number of different stories each line was seen in.
#[derive(Clone)]
pub struct RepeatCounts {
    rows: [Vec<u16>; 2],
    articles: u32,
}

impl std::fmt::Debug for RepeatCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RepeatCounts").finish_non_exhaustive()
    }
}

/// Builds [`RepeatCounts`] one article at a time.
#[derive(Debug)]
pub struct RepeatCounter {
    counts: RepeatCounts,
    seen: Vec<u64>,
}

/// The hashed keys of one article: what the counter needs, without the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleKeys {
    /// One key per distinct countable line.
    pub lines: Vec<u64>,
    /// The story key.
    pub story: u64,
}

/// The key of one line, or `None` for lines that never count (blank, no letter).
pub fn line_key(line: &str, buf: &mut String) -> Option<u64> {
    normalise(line, buf);
    let has_letter = if buf.is_ascii() {
        buf.bytes().any(|b| b.is_ascii_alphabetic())
    } else {
        buf.chars().any(char::is_alphabetic)
    };
    has_letter.then(|| xxh3_64(buf.as_bytes()))
}

/// Hashes the lines of one article (this part can run in parallel).
pub fn article_keys(lines: &[&str]) -> ArticleKeys {
    let mut buf = String::new();
    let mut keys = Vec::with_capacity(lines.len());
    let mut smallest = [u64::MAX; 3];
    for line in lines {
        let Some(key) = line_key(line, &mut buf) else {
            continue;
        };
        keys.push(key);
        // Words of a normalised line: one more than its spaces (counted without a search).
        if buf.bytes().filter(|&b| b == b' ').count() + 1 >= KEY_LINE_WORDS
            && !smallest.contains(&key)
            && let Some(max) = smallest.iter_mut().max()
            && key < *max
        {
            *max = key;
        }
    }
    keys.sort_unstable();
    keys.dedup();
    smallest.sort_unstable();
    let mut story_bytes = [0u8; 24];
    for (i, h) in smallest.iter().enumerate() {
        story_bytes[i * 8..i * 8 + 8].copy_from_slice(&h.to_le_bytes());
    }
    // An article with no long line is its own story: key it by all its lines.
    let story = if smallest[0] == u64::MAX {
        keys.iter().fold(0x9e37_79b9_7f4a_7c15, |acc, k| {
            xxh3_64_with_seed(&k.to_le_bytes(), acc)
        })
    } else {
        xxh3_64(&story_bytes)
    };
    ArticleKeys { lines: keys, story }
}

impl Default for RepeatCounter {
    fn default() -> Self {
        RepeatCounter {
            counts: RepeatCounts {
                rows: [vec![0; 1 << ROW_BITS], vec![0; 1 << ROW_BITS]],
                articles: 0,
            },
            seen: vec![0; 1 << (SEEN_BITS - 6)],
        }
    }
}

impl RepeatCounter {
    /// Counts one article's lines for its story (each pair once).
    pub fn add(&mut self, keys: &ArticleKeys) {
        self.counts.articles = self.counts.articles.saturating_add(1);
        for &line in &keys.lines {
            let pair = xxh3_64_with_seed(&line.to_le_bytes(), keys.story);
            let bit = (pair >> (64 - SEEN_BITS)) as usize;
            let (word, mask) = (bit >> 6, 1u64 << (bit & 63));
            if self.seen[word] & mask != 0 {
                continue;
            }
            self.seen[word] |= mask;
            for (r, row) in self.counts.rows.iter_mut().enumerate() {
                let slot = slot(line, r);
                row[slot] = row[slot].saturating_add(1);
            }
        }
    }

    /// The counts gathered so far.
    pub fn finish(self) -> RepeatCounts {
        self.counts
    }
}

fn slot(key: u64, row: usize) -> usize {
    let h = if row == 0 {
        key
    } else {
        key.rotate_left(29) ^ 0x51_7c_c1_b7_27_22_0a_95
    };
    (h as usize) & ((1 << ROW_BITS) - 1)
}

impl RepeatCounts {
    /// In how many different stories the line with this key was seen (an upper estimate).
    pub fn stories(&self, key: u64) -> u32 {
        u32::from(self.rows[0][slot(key, 0)].min(self.rows[1][slot(key, 1)]))
    }

    /// Number of articles counted.
    pub fn articles(&self) -> u32 {
        self.articles
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(site: &str, n: usize) -> Vec<String> {
        vec![
            format!("Headline number {n} about something"),
            format!(
                "Paragraph {n}: the council met on Tuesday and decided that the new plan for \
                 district {n} would go ahead after a long debate among its members."
            ),
            format!(
                "Second paragraph of story {n}, with quotes from officials who spoke to reporters about it."
            ),
            format!("Sign up for the {site} newsletter"),
            "Reuter".to_string(),
        ]
    }

    #[test]
    fn counts_stories_not_copies() {
        let mut counter = RepeatCounter::default();
        for n in 0..6 {
            let lines = story("Gazette", n);
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let keys = article_keys(&refs);
            // Three copies of each story.
            for _ in 0..3 {
                counter.add(&keys);
            }
        }
        let counts = counter.finish();
        let mut buf = String::new();
        let key = |l: &str, buf: &mut String| line_key(l, buf).expect("has letters");
        assert_eq!(counts.stories(key("Reuter", &mut buf)), 6);
        assert_eq!(
            counts.stories(key("Sign up for the Gazette newsletter", &mut buf)),
            6
        );
        let para = story("Gazette", 2)[1].clone();
        assert_eq!(counts.stories(key(&para, &mut buf)), 1);
        assert_eq!(counts.stories(key("never seen", &mut buf)), 0);
    }

    #[test]
    fn lines_without_letters_are_not_counted() {
        let mut buf = String::new();
        assert_eq!(line_key("  2:1 ", &mut buf), None);
        assert_eq!(line_key("", &mut buf), None);
    }
}

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
//! The counter also lists which counters and bits are set (4 bytes each), so that storing it
//! (a state run does, after every batch) costs what is set, not a scan of the 24 MiB.
//! The counts are an estimate that may run high only by sketch collisions, which the minimum of
//! two rows keeps rare. Hand-written because no crate offers this combination (a count-min
//! sketch keyed by a distinct-pair filter); it is forty lines.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::patterns::{normalise, word_count};

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
    /// Per row, the counters that are not zero, in the order they became so: what
    /// [`RepeatCounter::to_bytes`] writes, found without scanning the rows.
    filled: [Vec<u32>; 2],
    /// The seen bits that are set, in the order they were set.
    set_bits: Vec<u32>,
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
    let has_letter = if crate::ascii::is_ascii(buf.as_bytes()) {
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
        // Words are counted only for a key that would be kept (most are not among the smallest).
        if !smallest.contains(&key)
            && let Some(max) = smallest.iter_mut().max()
            && key < *max
            && word_count(&buf) >= KEY_LINE_WORDS
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
            filled: [Vec::new(), Vec::new()],
            set_bits: Vec::new(),
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
            self.set_bits.push(bit as u32);
            for (r, row) in self.counts.rows.iter_mut().enumerate() {
                let slot = slot(line, r);
                if row[slot] == 0 {
                    self.filled[r].push(slot as u32);
                }
                row[slot] = row[slot].saturating_add(1);
            }
        }
    }

    /// The counts gathered so far.
    pub fn finish(self) -> RepeatCounts {
        self.counts
    }

    /// The counts gathered so far, while the counter stays open for more articles (a state run
    /// adds each batch to the counts of earlier runs).
    pub fn counts(&self) -> &RepeatCounts {
        &self.counts
    }

    /// The counter as bytes to keep across runs: a header (format, table sizes, articles), then
    /// each row's non-zero counters and the seen bits, as gaps and values in LEB128. About three
    /// bytes per counted (line, story) pair.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![STORED_FORMAT, ROW_BITS as u8, SEEN_BITS as u8];
        out.extend_from_slice(&self.counts.articles.to_le_bytes());
        for (row, filled) in self.counts.rows.iter().zip(&self.filled) {
            let mut filled = filled.clone();
            radsort::sort(&mut filled);
            put_varint(&mut out, filled.len() as u64);
            let mut last = 0;
            for i in filled {
                put_varint(&mut out, u64::from(i - last));
                put_varint(&mut out, u64::from(row[i as usize]));
                last = i;
            }
        }
        let mut bits = self.set_bits.clone();
        radsort::sort(&mut bits);
        put_varint(&mut out, bits.len() as u64);
        let mut last = 0;
        for bit in bits {
            put_varint(&mut out, u64::from(bit - last));
            last = bit;
        }
        out
    }

    /// Reads [`RepeatCounter::to_bytes`]' output back; `None` when the bytes are damaged or
    /// were written with other table sizes.
    pub fn from_bytes(bytes: &[u8]) -> Option<RepeatCounter> {
        let (header, mut rest) = bytes.split_at_checked(7)?;
        if header[..3] != [STORED_FORMAT, ROW_BITS as u8, SEEN_BITS as u8] {
            return None;
        }
        let mut counter = RepeatCounter::default();
        counter.counts.articles = u32::from_le_bytes(header[3..7].try_into().ok()?);
        for r in 0..2 {
            let filled = take_varint(&mut rest)?;
            let mut at = 0usize;
            for _ in 0..filled {
                at = at.checked_add(usize::try_from(take_varint(&mut rest)?).ok()?)?;
                let n = u16::try_from(take_varint(&mut rest)?).ok()?;
                let cell = counter.counts.rows[r].get_mut(at)?;
                if n == 0 || *cell != 0 {
                    return None; // a stored counter is listed once, and never as zero
                }
                *cell = n;
                counter.filled[r].push(at as u32);
            }
        }
        let bits = take_varint(&mut rest)?;
        let mut at = 0usize;
        for _ in 0..bits {
            at = at.checked_add(usize::try_from(take_varint(&mut rest)?).ok()?)?;
            let word = counter.seen.get_mut(at >> 6)?;
            if *word & (1 << (at & 63)) != 0 {
                return None; // each bit is listed once
            }
            *word |= 1 << (at & 63);
            counter.set_bits.push(at as u32);
        }
        rest.is_empty().then_some(counter)
    }
}

/// Version of [`RepeatCounter::to_bytes`]' layout.
const STORED_FORMAT: u8 = 1;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
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

    #[test]
    fn counter_kept_as_bytes_counts_on_where_it_stopped() {
        let keys = |site: &str, n: usize| {
            let lines = story(site, n);
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            article_keys(&refs)
        };
        let mut first = RepeatCounter::default();
        for n in 0..3 {
            first.add(&keys("Gazette", n));
        }
        let bytes = first.to_bytes();
        assert!(bytes.len() < 1000, "sparse: {} bytes", bytes.len());
        let mut again = RepeatCounter::from_bytes(&bytes).expect("own bytes read back");
        // story 2 again (a copy seen in a later run) does not count twice; 3 and 4 are new
        for n in 2..5 {
            again.add(&keys("Gazette", n));
        }
        let counts = again.finish();
        let mut buf = String::new();
        assert_eq!(counts.stories(line_key("Reuter", &mut buf).unwrap()), 5);
        assert_eq!(counts.articles(), 6);
        assert!(RepeatCounter::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        assert!(RepeatCounter::from_bytes(b"").is_none());
        // what is read back is written back byte for byte, however it was built
        let reread = RepeatCounter::from_bytes(&bytes).unwrap();
        assert_eq!(reread.to_bytes(), bytes);
    }

    #[test]
    fn stored_counter_listing_a_counter_twice_is_refused() {
        // header, row 0: two entries at slot 5 (gap 5, then gap 0), row 1: none, no bits
        let mut bytes = vec![STORED_FORMAT, ROW_BITS as u8, SEEN_BITS as u8, 1, 0, 0, 0];
        bytes.extend_from_slice(&[2, 5, 1, 0, 1, 0, 0]);
        assert!(RepeatCounter::from_bytes(&bytes).is_none());
        // the same with the second entry one slot further is fine
        bytes[7..].copy_from_slice(&[2, 5, 1, 1, 1, 0, 0]);
        assert!(RepeatCounter::from_bytes(&bytes).is_some());
    }
}

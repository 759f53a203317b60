//! Language of one article and the word lists that go with it: stopwords and words of direct
//! address.
//!
//! In: the article's lines. Out: a [`Lexicon`] (shared, built once per language per process).
//!
//! Detection first lets the stopword lists of the eight main languages vote over a sample of about
//! 700 bytes from the article's longer lines (one hash lookup a word); only when the vote is
//! unclear does `whatlang` decide (its trigram comparison with ~70 language profiles costs about
//! 100 µs an article, more than the rest of the stage on a short wire story). Stopwords come from the `stop-words` crate (the
//! Stopwords ISO lists). Choice: the `justext` crate carries jusText's own lists, but it is an
//! HTML extractor and brings an HTML parsing stack we do not need; NLTK's lists (also in
//! `stop-words`) lack Polish, one of the languages we must handle. The ISO lists cover every
//! language whatlang reports for Europe; they are longer than jusText's (they hold common
//! adverbs and verbs too), so our density thresholds are higher than jusText's 0.30/0.32 and were
//! set on our own fixtures. Words of direct address (`you`, `wir`, `nous`...) are our own small
//! data file, `address.txt`. When the language is unknown or has no list, a union of the English,
//! German, Spanish, French and Polish lists is used.

use std::collections::{HashMap, HashSet};
use std::sync::{LazyLock, OnceLock};

/// Words of direct address per language (`CODE word word ...` a line).
const ADDRESS: &str = include_str!("address.txt");

/// Bytes of text handed to the language detector at most.
const SAMPLE_BYTES: usize = 700;

/// whatlang's languages we map to a two-letter code with a stopword list.
const CODES: &[(whatlang::Lang, &str)] = &[
    (whatlang::Lang::Eng, "en"),
    (whatlang::Lang::Deu, "de"),
    (whatlang::Lang::Spa, "es"),
    (whatlang::Lang::Fra, "fr"),
    (whatlang::Lang::Pol, "pl"),
    (whatlang::Lang::Ita, "it"),
    (whatlang::Lang::Por, "pt"),
    (whatlang::Lang::Nld, "nl"),
    (whatlang::Lang::Ces, "cs"),
    (whatlang::Lang::Slk, "sk"),
    (whatlang::Lang::Slv, "sl"),
    (whatlang::Lang::Hrv, "hr"),
    (whatlang::Lang::Swe, "sv"),
    (whatlang::Lang::Dan, "da"),
    (whatlang::Lang::Nob, "no"),
    (whatlang::Lang::Fin, "fi"),
    (whatlang::Lang::Hun, "hu"),
    (whatlang::Lang::Ron, "ro"),
    (whatlang::Lang::Tur, "tr"),
    (whatlang::Lang::Rus, "ru"),
    (whatlang::Lang::Ukr, "uk"),
    (whatlang::Lang::Bul, "bg"),
    (whatlang::Lang::Ell, "el"),
    (whatlang::Lang::Cat, "ca"),
    (whatlang::Lang::Lit, "lt"),
    (whatlang::Lang::Lav, "lv"),
    (whatlang::Lang::Est, "et"),
];

/// Languages whose lists make up the fallback lexicon.
const FALLBACK_CODES: &[&str] = &["en", "de", "es", "fr", "pl"];

/// A set of words: words of up to 8 bytes are packed into a `u64` (one multiply to hash, one
/// compare to check), longer ones kept as strings.
#[derive(Debug, Default)]
struct PackedSet {
    short: HashSet<u64, WordHash>,
    long: HashSet<&'static str, WordHash>,
}

impl PackedSet {
    fn insert(&mut self, word: &'static str) {
        match pack(word) {
            Some(k) => self.short.insert(k),
            None => self.long.insert(word),
        };
    }

    fn contains(&self, word: &str) -> bool {
        match pack(word) {
            Some(k) => self.short.contains(&k),
            None => self.long.contains(word),
        }
    }
}

/// The bytes of a word of at most 8 bytes as one number (zero-padded).
fn pack(word: &str) -> Option<u64> {
    let b = word.as_bytes();
    if b.len() > 8 {
        return None;
    }
    let mut buf = [0u8; 8];
    buf[..b.len()].copy_from_slice(b);
    Some(u64::from_le_bytes(buf))
}

/// A multiply-rotate hasher for short words (the Fx hash of rustc): word lookups are the inner
/// loop of the stage, and SipHash or a streaming xxh3 cost several times more per short key.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().expect("chunk of 8"));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`WordHasher`]s.
pub type WordHash = std::hash::BuildHasherDefault<WordHasher>;

/// The word lists of one language.
#[derive(Debug)]
pub struct Lexicon {
    /// Two-letter code, or `"mixed"` for the fallback.
    pub code: &'static str,
    stop: PackedSet,
    address: PackedSet,
}

static LEXICONS: LazyLock<Vec<OnceLock<Lexicon>>> =
    LazyLock::new(|| CODES.iter().map(|_| OnceLock::new()).collect());
static FALLBACK: LazyLock<Lexicon> = LazyLock::new(|| build("mixed", FALLBACK_CODES));

fn build(code: &'static str, codes: &[&str]) -> Lexicon {
    let mut stop = PackedSet::default();
    let mut address = PackedSet::default();
    for c in codes {
        if let Some(words) = stop_words::lookup(c) {
            for w in words.iter().copied() {
                stop.insert(w);
            }
        }
        for line in ADDRESS.lines() {
            let mut words = line.split_whitespace();
            if words.next() == Some(c) {
                for w in words {
                    address.insert(w);
                }
            }
        }
    }
    Lexicon {
        code,
        stop,
        address,
    }
}

impl Lexicon {
    /// Whether `word` (already lowercase) is a stopword.
    pub fn is_stop(&self, word: &str) -> bool {
        self.stop.contains(word)
    }

    /// Whether `word` (already lowercase) addresses the reader or speaks as "we".
    pub fn is_address(&self, word: &str) -> bool {
        self.address.contains(word)
    }
}

/// The lexicon for the language the article's lines are written in.
pub fn lexicon_for(lines: &[&str]) -> &'static Lexicon {
    let mut sample = String::with_capacity(SAMPLE_BYTES + 256);
    for line in lines.iter().filter(|l| l.len() >= 80) {
        if sample.len() >= SAMPLE_BYTES {
            break;
        }
        sample.push_str(line.trim());
        sample.push('\n');
    }
    if sample.len() < 150 {
        for line in lines {
            if sample.len() >= SAMPLE_BYTES {
                break;
            }
            sample.push_str(line.trim());
            sample.push('\n');
        }
    }
    let index = vote(&sample).or_else(|| {
        let lang = whatlang::detect(&sample)?.lang();
        CODES.iter().position(|(l, _)| *l == lang)
    });
    match index {
        Some(i) if stop_words::lookup(CODES[i].1).is_some() => {
            LEXICONS[i].get_or_init(|| build(CODES[i].1, &[CODES[i].1]))
        }
        _ => &FALLBACK,
    }
}

/// Languages that take part in the stopword vote (the first of [`CODES`]).
const VOTING: usize = 8;

/// Word -> bit set of the voting languages whose stopword list holds it.
static VOTES: LazyLock<HashMap<&'static str, u8, WordHash>> = LazyLock::new(|| {
    let mut map: HashMap<&'static str, u8, WordHash> = HashMap::default();
    for (i, (_, code)) in CODES.iter().take(VOTING).enumerate() {
        for w in stop_words::lookup(code).unwrap_or_default() {
            *map.entry(*w).or_default() |= 1 << i;
        }
    }
    map
});

/// The language whose stopwords the sample uses most, when the vote is clear: at least four
/// words for the winner and a quarter more than the runner-up. One hash lookup a word, against
/// whatlang's comparison with every trigram profile it knows.
fn vote(sample: &str) -> Option<usize> {
    let mut tally = [0u32; VOTING];
    let mut buf = String::new();
    for word in sample.split(|c: char| !c.is_alphabetic()).take(150) {
        if word.is_empty() {
            continue;
        }
        let key = if word.bytes().all(|b| b.is_ascii_lowercase()) {
            word
        } else {
            buf.clear();
            buf.extend(word.chars().flat_map(char::to_lowercase));
            buf.as_str()
        };
        if let Some(mask) = VOTES.get(key) {
            for (i, t) in tally.iter_mut().enumerate() {
                *t += u32::from(mask >> i & 1);
            }
        }
    }
    let mut order: Vec<usize> = (0..VOTING).collect();
    order.sort_by(|a, b| tally[*b].cmp(&tally[*a]).then(a.cmp(b)));
    let (best, second) = (tally[order[0]], tally[order[1]]);
    (best >= 4 && best * 4 >= second * 5).then_some(order[0])
}

/// [`count_words`] for ASCII text: bytes, a word lowercased on the stack, no allocation.
fn count_ascii_words(line: &[u8], lex: &Lexicon) -> WordCounts {
    let mut counts = WordCounts::default();
    let mut word = [0u8; 32];
    let mut len = 0usize;
    let mut overlong = false;
    let flush = |word: &[u8], overlong: bool, counts: &mut WordCounts| {
        counts.words += 1;
        if overlong {
            return;
        }
        let text = std::str::from_utf8(word).unwrap_or_default();
        if lex.is_stop(text) {
            counts.stop += 1;
        }
        if lex.is_address(text) {
            counts.address += 1;
        }
    };
    for &b in line {
        if b.is_ascii_alphabetic() || (b == b'\'' && (len > 0 || overlong)) {
            if len < word.len() {
                word[len] = b.to_ascii_lowercase();
                len += 1;
            } else {
                overlong = true;
            }
        } else if len > 0 || overlong {
            flush(&word[..len], overlong, &mut counts);
            len = 0;
            overlong = false;
        }
    }
    if len > 0 || overlong {
        flush(&word[..len], overlong, &mut counts);
    }
    counts
}

/// Counts of one line's words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordCounts {
    /// Runs of letters (apostrophes inside a word kept).
    pub words: usize,
    /// Of them, stopwords.
    pub stop: usize,
    /// Of them, words of direct address.
    pub address: usize,
}

/// Counts the words of `line`, its stopwords and its words of address; `buf` is reused.
pub fn count_words(line: &str, lex: &Lexicon, buf: &mut String) -> WordCounts {
    if line.is_ascii() {
        return count_ascii_words(line.as_bytes(), lex);
    }
    let mut counts = WordCounts::default();
    buf.clear();
    let flush = |buf: &mut String, counts: &mut WordCounts| {
        if !buf.is_empty() {
            counts.words += 1;
            if lex.is_stop(buf) {
                counts.stop += 1;
            }
            if lex.is_address(buf) {
                counts.address += 1;
            }
            buf.clear();
        }
    };
    for c in line.chars() {
        if c.is_alphabetic() {
            if c.is_ascii() {
                buf.push(c.to_ascii_lowercase());
            } else {
                buf.extend(c.to_lowercase());
            }
        } else if (c == '\'' || c == '’') && !buf.is_empty() {
            buf.push('\'');
        } else {
            flush(buf, &mut counts);
        }
    }
    flush(buf, &mut counts);
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_german_and_counts_its_stopwords() {
        let lines = [
            "Die Regierung hat am Montag beschlossen, dass die neuen Regeln ab dem \
                      kommenden Jahr für alle Betriebe gelten sollen, wie ein Sprecher sagte.",
        ];
        let lex = lexicon_for(&lines);
        assert_eq!(lex.code, "de");
        let mut buf = String::new();
        let c = count_words(lines[0], lex, &mut buf);
        assert_eq!(c.words, 23);
        assert!(c.stop >= 8, "{c:?}");
    }

    #[test]
    fn ascii_and_unicode_paths_count_alike() {
        let lex = lexicon_for(&["The ministers said that they would meet again in the spring."]);
        let mut buf = String::new();
        let ascii = count_words("We don't know, said the 3 ministers of it.", lex, &mut buf);
        let unicode = count_words(
            "We don't know, said the 3 ministers of it. é",
            lex,
            &mut buf,
        );
        assert_eq!(ascii.words + 1, unicode.words);
        assert_eq!((ascii.stop, ascii.address), (unicode.stop, unicode.address));
        assert_eq!(ascii.words, 8);
    }

    #[test]
    fn address_words_are_counted() {
        let lines = [
            "Your support helps us to tell the story, and we need you to keep our \
                      reporters on the ground where the news is happening today.",
        ];
        let lex = lexicon_for(&lines);
        assert_eq!(lex.code, "en");
        let mut buf = String::new();
        let c = count_words(lines[0], lex, &mut buf);
        assert_eq!(c.address, 5, "{c:?}");
    }
}

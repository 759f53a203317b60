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

use std::collections::HashMap;
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

/// Word -> small bit set (which lists hold the word): words of up to 8 bytes are packed into a
/// `u64` and kept in an open-addressing table (one multiply to hash, usually one compare to
/// check), longer ones kept as bytes in a hash map. One lookup answers every question asked about
/// a word. Hand-written rather than a `HashMap<u64, u8>`: word lookups are the inner loop of the
/// stage, and a read-only table at most half full needs none of a general map's machinery.
#[derive(Debug)]
struct WordTable {
    /// Packed words; 0 marks an empty slot (a word is never empty). Length a power of two.
    keys: Vec<u64>,
    /// The bits of the word in the same slot.
    bits: Vec<u8>,
    /// `64 - log2(keys.len())`: the home slot is the top bits of the hashed key.
    shift: u32,
    /// One bit per hash of every packed word ([`FILTER_BITS`] bits, a few KiB that stay in the
    /// first-level cache): most words of a text are not in the table, and this rejects most of
    /// them without touching the larger table.
    filter: Vec<u64>,
    long: HashMap<&'static [u8], u8, WordHash>,
}

impl WordTable {
    /// Builds the table from (word, bits) pairs; the bits of a word listed twice are combined.
    fn new(words: impl IntoIterator<Item = (&'static str, u8)>) -> WordTable {
        let mut short: HashMap<u64, u8, WordHash> = HashMap::default();
        let mut long: HashMap<&'static [u8], u8, WordHash> = HashMap::default();
        for (word, bits) in words {
            match pack(word.as_bytes()) {
                Some(k) => *short.entry(k).or_default() |= bits,
                None => *long.entry(word.as_bytes()).or_default() |= bits,
            }
        }
        let size = (short.len() * 2).next_power_of_two().max(16);
        let mut table = WordTable {
            keys: vec![0; size],
            bits: vec![0; size],
            shift: 64 - size.trailing_zeros(),
            filter: vec![0; 1 << (FILTER_BITS - 6)],
            long,
        };
        let mask = size - 1;
        for (key, bits) in short {
            let f = filter_bit(key);
            table.filter[f >> 6] |= 1 << (f & 63);
            let mut i = table.home(key);
            while table.keys[i] != 0 {
                i = (i + 1) & mask;
            }
            table.keys[i] = key;
            table.bits[i] = bits;
        }
        table
    }

    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// The bits of `word`, 0 when no list holds it.
    #[inline]
    fn get(&self, word: &[u8]) -> u8 {
        match pack(word) {
            Some(k) => self.get_packed(k),
            None => self.long.get(word).copied().unwrap_or(0),
        }
    }

    /// The bits of a word of at most 8 bytes already packed by [`pack`].
    #[inline]
    fn get_packed(&self, key: u64) -> u8 {
        let f = filter_bit(key);
        if self.filter[f >> 6] & (1 << (f & 63)) == 0 {
            return 0;
        }
        let mask = self.keys.len() - 1;
        let mut i = self.home(key);
        loop {
            let k = self.keys[i];
            if k == key {
                return self.bits[i];
            }
            if k == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }
}

/// Size of [`WordTable`]'s filter, as a power of two (2^15 bits = 4 KiB).
const FILTER_BITS: u32 = 15;

/// The filter bit of a packed word (a hash apart from the table's own).
fn filter_bit(key: u64) -> usize {
    (key.wrapping_mul(0xff51_afd7_ed55_8ccd) >> (64 - FILTER_BITS)) as usize
}

/// The bytes of a word of at most 8 bytes as one number (zero-padded).
#[inline]
fn pack(word: &[u8]) -> Option<u64> {
    if word.len() > 8 {
        return None;
    }
    // Byte i goes to bits 8i..8i+8 (little-endian order), the rest stays zero.
    Some(word.iter().rev().fold(0, |key, &b| key << 8 | u64::from(b)))
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

/// Bit of a [`Lexicon`] word: a stopword.
const STOP: u8 = 1;
/// Bit of a [`Lexicon`] word: a word of direct address.
const ADDRESS_WORD: u8 = 2;

/// The word lists of one language.
#[derive(Debug)]
pub struct Lexicon {
    /// Two-letter code, or `"mixed"` for the fallback.
    pub code: &'static str,
    words: WordTable,
}

static LEXICONS: LazyLock<Vec<OnceLock<Lexicon>>> =
    LazyLock::new(|| CODES.iter().map(|_| OnceLock::new()).collect());
static FALLBACK: LazyLock<Lexicon> = LazyLock::new(|| build("mixed", FALLBACK_CODES));

fn build(code: &'static str, codes: &[&str]) -> Lexicon {
    let mut words = Vec::new();
    for c in codes {
        if let Some(stop) = stop_words::lookup(c) {
            words.extend(stop.iter().map(|w| (*w, STOP)));
        }
        for line in ADDRESS.lines() {
            let mut fields = line.split_whitespace();
            if fields.next() == Some(c) {
                words.extend(fields.map(|w| (w, ADDRESS_WORD)));
            }
        }
    }
    Lexicon {
        code,
        words: WordTable::new(words),
    }
}

impl Lexicon {
    /// Whether `word` (already lowercase) is a stopword.
    pub fn is_stop(&self, word: &str) -> bool {
        self.words.get(word.as_bytes()) & STOP != 0
    }

    /// Whether `word` (already lowercase) addresses the reader or speaks as "we".
    pub fn is_address(&self, word: &str) -> bool {
        self.words.get(word.as_bytes()) & ADDRESS_WORD != 0
    }

    /// Adds one word (lowercase bytes) to `counts`.
    #[inline]
    fn count(&self, word: &[u8], counts: &mut WordCounts) {
        counts.add(self.words.get(word));
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
static VOTES: LazyLock<WordTable> = LazyLock::new(|| {
    WordTable::new(
        CODES
            .iter()
            .take(VOTING)
            .enumerate()
            .flat_map(|(i, (_, code))| {
                let words = stop_words::lookup(code).unwrap_or_default();
                words.iter().map(move |w| (*w, 1 << i))
            }),
    )
});

/// Bit i of the index -> byte i of the value set to 1 (a voting mask spread over byte lanes).
static SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut mask = 0;
    while mask < 256 {
        let mut i = 0;
        while i < 8 {
            if mask >> i & 1 == 1 {
                table[mask] |= 1 << (8 * i);
            }
            i += 1;
        }
        mask += 1;
    }
    table
};

/// Pieces of the sample (runs between non-letters, empty ones included) the vote looks at.
const VOTE_PIECES: usize = 150;

/// The language whose stopwords the sample uses most, when the vote is clear: at least four
/// words for the winner and a quarter more than the runner-up. One hash lookup a word, against
/// whatlang's comparison with every trigram profile it knows.
fn vote(sample: &str) -> Option<usize> {
    // One byte of `lanes` per language: at most 150 words are counted, so no lane overflows, and
    // a word adds to every language whose list holds it in one addition.
    let mut lanes = 0u64;
    let mut add = |mask: u8| lanes += SPREAD[usize::from(mask)];
    let votes: &WordTable = &VOTES;
    let mut buf = Vec::new();
    if sample.is_ascii() {
        // ASCII: one table lookup a byte; a word of up to 8 bytes is packed as it is read. Piece
        // k of the split ends at the k-th non-letter, so the vote stops at the 150th.
        let bytes = sample.as_bytes();
        let mut lookup = |word: &[u8], packed: u64| {
            if word.len() <= 8 {
                votes.get_packed(packed)
            } else {
                buf.clear();
                buf.extend(word.iter().map(u8::to_ascii_lowercase));
                votes.get(&buf)
            }
        };
        let (mut start, mut len, mut packed, mut pieces) = (0usize, 0usize, 0u64, 0usize);
        for (i, &b) in bytes.iter().enumerate() {
            let c = WORD_BYTES[usize::from(b)];
            if c != 0 && c != b'\'' {
                if len == 0 {
                    start = i;
                }
                if len < 8 {
                    packed |= u64::from(c) << (8 * len);
                }
                len += 1;
                continue;
            }
            if len > 0 {
                add(lookup(&bytes[start..i], packed));
                (len, packed) = (0, 0);
            }
            pieces += 1;
            if pieces == VOTE_PIECES {
                break;
            }
        }
        if len > 0 {
            add(lookup(&bytes[start..], packed));
        }
    } else {
        let pieces = sample.split(|c: char| !c.is_alphabetic());
        for word in pieces.take(VOTE_PIECES).filter(|w| !w.is_empty()) {
            buf.clear();
            for c in word.chars().flat_map(char::to_lowercase) {
                let mut utf8 = [0u8; 4];
                buf.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            }
            add(votes.get(&buf));
        }
    }
    let tally: [u64; VOTING] = std::array::from_fn(|i| lanes >> (8 * i) & 0xff);
    let mut order: Vec<usize> = (0..VOTING).collect();
    order.sort_by(|a, b| tally[*b].cmp(&tally[*a]).then(a.cmp(b)));
    let (best, second) = (tally[order[0]], tally[order[1]]);
    (best >= 4 && best * 4 >= second * 5).then_some(order[0])
}

/// For each byte of ASCII text: its lowercase form when it may be part of a word (a letter or
/// the apostrophe), 0 when it separates words.
static WORD_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphabetic() || c == b'\'' {
            table[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// Longest word looked up in the word lists; longer ones are counted as words only.
const MAX_LOOKUP_BYTES: usize = 32;

/// [`count_words`] for ASCII text: one table lookup a byte; a word of up to 8 bytes is packed
/// for the lookup as it is read, a longer one lowercased into a buffer on the stack.
fn count_ascii_words(line: &[u8], lex: &Lexicon) -> WordCounts {
    let mut counts = WordCounts::default();
    let mut lower = [0u8; MAX_LOOKUP_BYTES];
    let mut flush = |word: &[u8], packed: u64, counts: &mut WordCounts| {
        counts.words += 1;
        let bits = match word.len() {
            0..=8 => lex.words.get_packed(packed),
            n if n <= MAX_LOOKUP_BYTES => {
                for (l, &b) in lower.iter_mut().zip(word) {
                    *l = WORD_BYTES[usize::from(b)];
                }
                lex.words.get(&lower[..n])
            }
            _ => 0,
        };
        counts.add(bits);
    };
    let (mut start, mut len, mut packed) = (0usize, 0usize, 0u64);
    for (i, &b) in line.iter().enumerate() {
        let c = WORD_BYTES[usize::from(b)];
        // An apostrophe belongs to a word only after its first letter.
        if c != 0 && (len > 0 || c != b'\'') {
            if len == 0 {
                start = i;
            }
            if len < 8 {
                packed |= u64::from(c) << (8 * len);
            }
            len += 1;
        } else if len > 0 {
            flush(&line[start..i], packed, &mut counts);
            (len, packed) = (0, 0);
        }
    }
    if len > 0 {
        flush(&line[start..], packed, &mut counts);
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

impl WordCounts {
    /// Counts a word's [`Lexicon`] bits (the word itself is counted by the caller).
    fn add(&mut self, bits: u8) {
        self.stop += usize::from(bits & STOP != 0);
        self.address += usize::from(bits & ADDRESS_WORD != 0);
    }
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
            lex.count(buf.as_bytes(), counts);
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
    fn word_table_finds_every_listed_word_and_nothing_else() {
        let words = [
            "a",
            "of",
            "the",
            "ministers",
            "n't",
            "government's",
            "überall",
        ];
        let table = WordTable::new(words.iter().map(|w| (*w, STOP)));
        for w in words {
            assert_eq!(table.get(w.as_bytes()), STOP, "{w}");
        }
        for w in ["", "b", "ofx", "the ", "minister", "governments", "überal"] {
            assert_eq!(table.get(w.as_bytes()), 0, "{w}");
        }
        // A word listed twice with different bits keeps both.
        let table = WordTable::new([("we", STOP), ("we", ADDRESS_WORD)]);
        assert_eq!(table.get(b"we"), STOP | ADDRESS_WORD);
    }

    #[test]
    fn ascii_words_long_and_short_are_looked_up() {
        let lex = lexicon_for(&["The ministers said that they would meet again in the spring."]);
        assert_eq!(lex.code, "en");
        // "themselves" (10 letters) and "THE" are English stopwords; the 40-letter word is
        // counted as a word but never looked up; a leading apostrophe is not part of a word.
        let line = "Themselves THE 'twas xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx ok";
        let c = count_ascii_words(line.as_bytes(), lex);
        assert_eq!(c.words, 5);
        assert!(lex.is_stop("themselves") && lex.is_stop("the"));
        assert_eq!(
            c.stop,
            2 + usize::from(lex.is_stop("twas")) + usize::from(lex.is_stop("ok"))
        );
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

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

use crate::ascii::{equal_bytes, gather, splat};

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
    bits: Vec<u16>,
    /// `64 - log2(keys.len())`: the home slot is the top bits of the hashed key.
    shift: u32,
    /// One bit per hash of every packed word ([`FILTER_BITS`] bits, a few KiB that stay in the
    /// first-level cache): most words of a text are not in the table, and this rejects most of
    /// them without touching the larger table.
    filter: Box<[u64; FILTER_WORDS]>,
    long: HashMap<&'static [u8], u16, WordHash>,
    /// One bit per hash of the length and first eight bytes of every word in `long`: most long
    /// words of a text are in no list, and this rejects them without hashing the whole word.
    long_filter: Box<[u64; FILTER_WORDS]>,
}

impl WordTable {
    /// Builds the table from (word, bits) pairs; the bits of a word listed twice are combined.
    fn new(words: impl IntoIterator<Item = (&'static str, u16)>) -> WordTable {
        let mut short: HashMap<u64, u16, WordHash> = HashMap::default();
        let mut long: HashMap<&'static [u8], u16, WordHash> = HashMap::default();
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
            filter: Box::new([0; FILTER_WORDS]),
            long_filter: Box::new([0; FILTER_WORDS]),
            long,
        };
        for word in table.long.keys() {
            let f = long_filter_bit(word);
            table.long_filter[f >> 6] |= 1 << (f & 63);
        }
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
    fn get(&self, word: &[u8]) -> u16 {
        match pack(word) {
            Some(k) => self.get_packed(k),
            None => {
                let f = long_filter_bit(word);
                if self.long_filter[f >> 6] & (1 << (f & 63)) == 0 {
                    return 0;
                }
                self.long.get(word).copied().unwrap_or(0)
            }
        }
    }

    /// The bits of a word of at most 8 bytes already packed by [`pack`].
    #[inline]
    fn get_packed(&self, key: u64) -> u16 {
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

    /// The bits of the word `text[start..end]` found by the word scan ([`WordMasks::fill`]),
    /// looked up lowercased: ASCII by setting the case bit (a word of more than
    /// [`MAX_LOOKUP_BYTES`] is in no list), a word with other characters through
    /// [`Lowered::word`]. `ascii` says the whole text is ASCII. Always inlined: it is the inner step
    /// of both word scans.
    #[inline(always)]
    fn get_scanned(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        ascii: bool,
        lower: &mut Lowered,
    ) -> u16 {
        let len = end - start;
        if len <= 8 {
            let (v, keep) = load_word(text, start, len);
            if !ascii && v & HIGH != 0 {
                return self.get(lower.word(&text[start..end]));
            }
            // Letters lowercased by setting bit 5, which the apostrophe has already.
            return self.get_packed(v | (splat(0x20) & keep));
        }
        if !ascii && !text[start..end].is_ascii() {
            return self.get(lower.word(&text[start..end]));
        }
        if len <= MAX_LOOKUP_BYTES {
            self.get(lower.ascii(&text[start..end]))
        } else {
            0
        }
    }
}

/// Size of [`WordTable`]'s filter, as a power of two (2^15 bits = 4 KiB).
const FILTER_BITS: u32 = 15;
/// The filter in `u64`s (a fixed size, so a filter bit needs no bounds check).
const FILTER_WORDS: usize = 1 << (FILTER_BITS - 6);

/// The filter bit of a packed word (a hash apart from the table's own).
fn filter_bit(key: u64) -> usize {
    (key.wrapping_mul(0xff51_afd7_ed55_8ccd) >> (64 - FILTER_BITS)) as usize
}

/// The filter bit of a word of more than 8 bytes: a hash of its length and first eight bytes.
fn long_filter_bit(word: &[u8]) -> usize {
    let head = u64::from_le_bytes(word[..8].try_into().expect("a long word has 8 bytes"));
    filter_bit(head ^ (word.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// The bytes of a word of at most 8 bytes as one number (zero-padded).
#[inline]
fn pack(word: &[u8]) -> Option<u64> {
    if word.len() > 8 {
        return None;
    }
    Some(crate::ascii::low_bytes(word))
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
const STOP: u16 = 1;
/// Bit of a [`Lexicon`] word: a word of direct address.
const ADDRESS_WORD: u16 = 2;

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
}

/// The lexicon used when the language is unknown: the lists of English, German, Spanish, French
/// and Polish together.
pub fn fallback_lexicon() -> &'static Lexicon {
    &FALLBACK
}

/// The lexicon for the language the article's lines are written in.
pub fn lexicon_for(lines: &[&str]) -> &'static Lexicon {
    detect(lines, &mut WordScratch::default()).lexicon
}

/// What the vote counted in one line it read whole: its words (runs of letters) and, in byte
/// lanes, its stopwords and words of address for each voting language.
#[derive(Debug, Clone, Copy)]
struct LineTally {
    line: usize,
    words: usize,
    stop: u64,
    address: u64,
}

/// The language of an article ([`detect`]) and the word counts the vote already made.
#[derive(Debug)]
pub struct Detection {
    /// The word lists of the language.
    pub lexicon: &'static Lexicon,
    /// Index of the language among the voting ones, when it is one of them.
    voting: Option<usize>,
    tallies: Vec<LineTally>,
}

impl Detection {
    /// [`count_words`] of line `index` of the article (`line`, trimmed) in this lexicon, read
    /// from the vote's tally when the vote read that line whole and it counts words the same
    /// way (without apostrophes, which join words in a count but split them in the vote).
    pub fn count(&self, index: usize, line: &str, scratch: &mut WordScratch) -> WordCounts {
        if let Some(lang) = self.voting
            && let Some(t) = self.tallies.iter().find(|t| t.line == index)
            // no `'`, and no byte 0x99 (the last of `’`, or of another character)
            && memchr::memchr2(b'\'', 0x99, line.as_bytes()).is_none()
        {
            return WordCounts {
                words: t.words,
                stop: (t.stop >> (8 * lang) & 0xff) as usize,
                address: (t.address >> (8 * lang) & 0xff) as usize,
            };
        }
        count_words(line, self.lexicon, scratch)
    }
}

/// The language of the article's lines, with what the vote counted on the way.
pub fn detect(lines: &[&str], scratch: &mut WordScratch) -> Detection {
    // The sample: the article's longer lines (trimmed, each followed by a line break) until it
    // holds SAMPLE_BYTES; when that gives under 150 bytes, every line again from the top. Kept as
    // a list of the lines it is made of (with their index); the text itself is only written out
    // for the detectors that need it (non-ASCII text, or a vote that is unclear).
    // Room for the sample's lines as most articles give them (a line of 80 bytes or more each).
    let mut parts: Vec<(usize, &str)> = Vec::with_capacity(SAMPLE_BYTES / 80 + 2);
    let mut len = 0;
    for (i, line) in lines.iter().enumerate().filter(|(_, l)| l.len() >= 80) {
        if len >= SAMPLE_BYTES {
            break;
        }
        let t = line.trim();
        parts.push((i, t));
        len += t.len() + 1;
    }
    if len < 150 {
        for (i, line) in lines.iter().enumerate() {
            if len >= SAMPLE_BYTES {
                break;
            }
            let t = line.trim();
            parts.push((i, t));
            len += t.len() + 1;
        }
    }
    let joined = || {
        let mut sample = String::with_capacity(len);
        for (_, p) in &parts {
            sample.push_str(p);
            sample.push('\n');
        }
        sample
    };
    let mut tallies = Vec::with_capacity(parts.len());
    let voted = vote(&parts, &mut tallies, scratch);
    let index = voted.or_else(|| {
        let lang = whatlang::detect(&joined())?.lang();
        CODES.iter().position(|(l, _)| *l == lang)
    });
    let lexicon = match index {
        Some(i) if stop_words::lookup(CODES[i].1).is_some() => {
            LEXICONS[i].get_or_init(|| build(CODES[i].1, &[CODES[i].1]))
        }
        _ => &FALLBACK,
    };
    Detection {
        lexicon,
        voting: index.filter(|&i| i < VOTING && lexicon.code == CODES[i].1),
        tallies,
    }
}

/// Languages that take part in the stopword vote (the first of [`CODES`]).
const VOTING: usize = 8;

/// Word -> bit set of the voting languages whose stopword list holds it (bit i for language
/// i), and whose words of address hold it (bit 8 + i): language i's [`Lexicon`] in one number,
/// for all eight at once.
static VOTES: LazyLock<WordTable> = LazyLock::new(|| {
    let mut words: Vec<(&'static str, u16)> = Vec::new();
    for (i, (_, code)) in CODES.iter().take(VOTING).enumerate() {
        let stop = stop_words::lookup(code).unwrap_or_default();
        words.extend(stop.iter().map(|w| (*w, 1 << i)));
        for line in ADDRESS.lines() {
            let mut fields = line.split_whitespace();
            if fields.next() == Some(code) {
                words.extend(fields.map(|w| (w, 1 << (8 + i))));
            }
        }
    }
    WordTable::new(words)
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

/// The vote over the sample's lines (each followed by a line break, as in the sample text):
/// pieces split at every character that is not a letter, the first [`VOTE_PIECES`] looked at
/// (empty ones included), each word looked up lowercased. Words are found with [`WordMasks`] a
/// word at a time; piece k of the split ends at the k-th character that is not a letter, so the
/// vote stops at the 150th. What it counted in a line it read whole goes to `tallies`.
fn vote(
    parts: &[(usize, &str)],
    tallies: &mut Vec<LineTally>,
    scratch: &mut WordScratch,
) -> Option<usize> {
    let votes: &WordTable = &VOTES;
    let mut lanes = 0u64;
    let WordScratch {
        masks,
        lower,
        starts,
        ends,
    } = scratch;
    // Non-letter characters the vote may still pass.
    let mut remaining = VOTE_PIECES;
    for &(index, part) in parts {
        let bytes = part.as_bytes();
        let ascii = masks.fill(part);
        let non_letters = masks.non_letters(bytes.len());
        // The vote ends inside this line at its `remaining`-th non-letter, or at its line break.
        let whole = non_letters < remaining;
        let end = if whole {
            bytes.len()
        } else {
            masks.nth_non_letter(remaining - 1)
        };
        // At most 150 words: no byte lane overflows.
        let mut tally = LineTally {
            line: index,
            words: 0,
            stop: 0,
            address: 0,
        };
        runs_into(&masks.letters, &masks.letters, starts, ends);
        // The words that start before the vote's end.
        let n = starts.partition_point(|&start| (start as usize) < end);
        let words = starts[..n].iter().zip(&ends[..n]);
        let mut add = |bits: u16| {
            tally.stop += SPREAD[usize::from(bits & 0xff)];
            tally.address += SPREAD[usize::from(bits >> 8)];
        };
        // Two loops, so the one for ASCII lines tests nothing else.
        if ascii {
            for (&start, &stop) in words {
                add(votes.get_scanned(bytes, start as usize, stop as usize, true, lower));
            }
        } else {
            for (&start, &stop) in words {
                add(votes.get_scanned(bytes, start as usize, stop as usize, false, lower));
            }
        }
        tally.words = n;
        lanes += tally.stop;
        if whole {
            tallies.push(tally);
        }
        if non_letters + 1 >= remaining {
            break;
        }
        remaining -= non_letters + 1;
    }
    winner(lanes)
}

/// The language whose stopwords the sample uses most, when the vote is clear: at least four
/// words for the winner and a quarter more than the runner-up. `lanes` holds one byte per
/// language (a word adds to every language whose list holds it in one addition; at most 150
/// words are counted, so no lane overflows). One hash lookup a word, against whatlang's
/// comparison with every trigram profile it knows.
fn winner(lanes: u64) -> Option<usize> {
    let tally: [u64; VOTING] = std::array::from_fn(|i| lanes >> (8 * i) & 0xff);
    let mut order: [usize; VOTING] = std::array::from_fn(|i| i);
    order.sort_by(|a, b| tally[*b].cmp(&tally[*a]).then(a.cmp(b)));
    let (best, second) = (tally[order[0]], tally[order[1]]);
    (best >= 4 && best * 4 >= second * 5).then_some(order[0])
}

/// Bit masks of a line, one bit a byte, 64 bytes to a `u64`: which bytes belong to letters
/// (`char::is_alphabetic`), which may continue a word (letters and apostrophes, `'` and `’`),
/// and which are the second or later byte of a character that is not a letter (so such a
/// character counts once where the vote counts characters). A zero word always follows the last
/// of `letters` and `word`, so a search for a byte outside a word always ends. Finding words by
/// masks costs a few operations a byte and a few a word, against a table lookup and a branch a
/// byte. ASCII is classified eight bytes at a time; the few other characters of a line (quotes,
/// accented letters) are then looked at one by one, in place: the line is never rewritten.
#[derive(Debug, Default)]
pub struct WordMasks {
    letters: Vec<u64>,
    word: Vec<u64>,
    tail: Vec<u64>,
}

/// Each byte's top bit, in a `u64` of eight bytes.
const HIGH: u64 = splat(0x80);

/// Letter and apostrophe bits of eight ASCII bytes (bit i for byte i).
#[inline]
fn classify8(v: u64) -> (u64, u64) {
    // ASCII bytes are below 0x80, so none of these sums carries into the next byte. With bit 5
    // set, letters are 0x61..=0x7a: at least 0x61 sets the top bit of v + 0x1f, at least 0x7b
    // that of v + 0x05.
    let x = v | splat(0x20);
    let letters = (x + splat(0x1f)) & !(x + splat(0x05)) & HIGH;
    (gather(letters), gather(equal_bytes(v, b'\'')))
}

/// [`classify8`] for eight bytes of UTF-8, the bytes from 0x80 on all taken for letters (the
/// characters that are not are put right afterwards, [`WordMasks::fill`]).
#[inline]
fn classify8_high_letters(v: u64) -> (u64, u64) {
    let high = gather(v & HIGH);
    let (letters, apostrophes) = classify8(v & !HIGH);
    (letters | high, apostrophes & !high)
}

impl WordMasks {
    /// Computes the masks of `line`, replacing the previous ones; whether it is all ASCII.
    pub fn fill(&mut self, line: &str) -> bool {
        let text = line.as_bytes();
        let ascii = crate::ascii::is_ascii(text);
        // Most lines hold no ASCII apostrophe: their words are their runs of letters, and the
        // second mask is a copy of the first.
        let apostrophe = memchr::memchr(b'\'', text).is_some();
        match (ascii, apostrophe) {
            (true, true) => self.fill_with(text, classify8),
            (true, false) => self.fill_with(text, |v| (classify8(v).0, 0)),
            (false, true) => self.fill_with(text, classify8_high_letters),
            (false, false) => self.fill_with(text, |v| (classify8_high_letters(v).0, 0)),
        }
        self.tail.clear();
        self.tail.resize(self.letters.len(), 0);
        if ascii {
            return true;
        }
        // The characters that are not letters: out of `letters`, and out of `word` unless an
        // apostrophe; their later bytes go to `tail`.
        let mut pos = 0;
        while let Some(at) = crate::ascii::next_non_ascii(text, pos) {
            let c = line[at..]
                .chars()
                .next()
                .expect("a character starts at a high byte");
            let len = c.len_utf8();
            if !is_letter(c) {
                for b in at..at + len {
                    let (w, bit) = (b >> 6, 1u64 << (b & 63));
                    self.letters[w] &= !bit;
                    if c != '’' {
                        self.word[w] &= !bit;
                    }
                    if b > at {
                        self.tail[w] |= bit;
                    }
                }
            }
            pos = at + len;
        }
        false
    }

    fn fill_with(&mut self, text: &[u8], classify: impl Fn(u64) -> (u64, u64)) {
        self.letters.clear();
        self.word.clear();
        let mut blocks = text.chunks_exact(64);
        for block in &mut blocks {
            let (mut letters, mut word) = (0u64, 0u64);
            for (k, chunk) in block.chunks_exact(8).enumerate() {
                let v = u64::from_le_bytes(chunk.try_into().expect("chunk of 8"));
                let (l, a) = classify(v);
                letters |= l << (8 * k);
                word |= (l | a) << (8 * k);
            }
            self.letters.push(letters);
            self.word.push(word);
        }
        let rest = blocks.remainder();
        let (mut letters, mut word) = (0u64, 0u64);
        let mut chunks = rest.chunks_exact(8);
        for (k, chunk) in (&mut chunks).enumerate() {
            let (l, a) = classify(u64::from_le_bytes(chunk.try_into().expect("chunk of 8")));
            letters |= l << (8 * k);
            word |= (l | a) << (8 * k);
        }
        let last = chunks.remainder();
        if !last.is_empty() {
            // The last bytes, zero-padded (zero bytes are neither letters nor apostrophes):
            // the text's last eight bytes shifted down when it has eight, else built a byte at a
            // time.
            let v = match text.len().checked_sub(8) {
                Some(from) => {
                    let eight = u64::from_le_bytes(text[from..].try_into().expect("8 bytes"));
                    eight >> (8 * (8 - last.len()))
                }
                None => crate::ascii::low_bytes(last),
            };
            let (l, a) = classify(v);
            let k = rest.len() / 8;
            letters |= l << (8 * k);
            word |= (l | a) << (8 * k);
        }
        // With an empty remainder these are zero words past the end; else the bit after the
        // last byte is clear.
        self.letters.push(letters);
        self.word.push(word);
    }

    /// Number of characters of the line (`len` bytes) that are not letters.
    fn non_letters(&self, len: usize) -> usize {
        let counted: usize = self
            .letters
            .iter()
            .zip(&self.tail)
            .map(|(l, t)| (l | t).count_ones() as usize)
            .sum();
        len - counted
    }

    /// Position of the first letter at or after `pos`, if any.
    #[inline]
    fn next_letter(&self, pos: usize) -> Option<usize> {
        let mut w = pos >> 6;
        let mut bits = self.letters.get(w)? & (!0u64 << (pos & 63));
        while bits == 0 {
            w += 1;
            bits = *self.letters.get(w)?;
        }
        Some(w * 64 + bits.trailing_zeros() as usize)
    }

    /// Position of the first byte of the character that is not a letter with `n` such
    /// characters before it (one must exist).
    fn nth_non_letter(&self, mut n: usize) -> usize {
        for (w, (&bits, &tail)) in self.letters.iter().zip(&self.tail).enumerate() {
            let mut others = !(bits | tail);
            let count = others.count_ones() as usize;
            if n >= count {
                n -= count;
                continue;
            }
            for _ in 0..n {
                others &= others - 1;
            }
            return w * 64 + others.trailing_zeros() as usize;
        }
        self.letters.len() * 64
    }
}

/// `char::is_alphabetic` for a character that is not ASCII, answered at once for the two blocks
/// most non-ASCII characters of European news come from: Latin letters with diacritics
/// (U+00C0..U+024F, letters all but `×` and `÷`) and typographic punctuation (U+2000..U+206F:
/// quotes, dashes, spaces; no letter). Other characters go to the standard library's tables.
#[inline]
fn is_letter(c: char) -> bool {
    match c {
        '×' | '÷' => false,
        '\u{c0}'..='\u{24f}' => true,
        '\u{2000}'..='\u{206f}' => false,
        _ => c.is_alphabetic(),
    }
}

/// The runs of set bits of `mask` (bit i for byte i, 64 to a `u64`), in order: where each
/// starts into `starts`, where each ends (the byte after it) into `ends`, both cleared first.
/// Read a block at a time from the bits that start and end a run in it, without testing a byte:
/// this is how the word scans find their words. Whether some run starts at a byte not set in
/// `lead` (a mask as long as `mask`).
fn runs_into(mask: &[u64], lead: &[u64], starts: &mut Vec<u32>, ends: &mut Vec<u32>) -> bool {
    starts.clear();
    ends.clear();
    // At most a run every other byte.
    starts.reserve(mask.len() * 32);
    ends.reserve(mask.len() * 32);
    let mut before = 0u64;
    let mut odd = 0u64;
    for (w, (&m, &l)) in mask.iter().zip(lead).enumerate() {
        let after = mask.get(w + 1).map_or(0, |n| n & 1);
        let mut first = m & !(m << 1 | before >> 63);
        let mut last = m & !(m >> 1 | after << 63);
        odd |= first & !l;
        let base = (w * 64) as u32;
        while first != 0 {
            starts.push(base + first.trailing_zeros());
            first &= first - 1;
        }
        while last != 0 {
            ends.push(base + last.trailing_zeros() + 1);
            last &= last - 1;
        }
        before = m;
    }
    odd != 0
}

/// The `len` bytes (1 to 8) of `text` from `start` as one number, as [`pack`] gives them, and
/// the mask of those bytes. One load of eight bytes where the text has them.
#[inline]
fn load_word(text: &[u8], start: usize, len: usize) -> (u64, u64) {
    let v = match text.get(start..start + 8) {
        Some(eight) => u64::from_le_bytes(eight.try_into().expect("slice of 8")),
        None => crate::ascii::low_bytes(&text[start..start + len]),
    };
    // The low `len` bytes (a word is never empty: `len` is 1 to 8).
    let keep = u64::MAX >> (64 - 8 * len);
    (v & keep, keep)
}

/// Buffers a word is lowercased into for a lookup.
#[derive(Debug)]
struct Lowered {
    ascii: [u8; MAX_LOOKUP_BYTES],
    other: Vec<u8>,
}

impl Default for Lowered {
    fn default() -> Self {
        Lowered {
            ascii: [0; MAX_LOOKUP_BYTES],
            other: Vec::new(),
        }
    }
}

impl Lowered {
    /// `word` (ASCII letters and apostrophes, at most [`MAX_LOOKUP_BYTES`]) lowercased.
    fn ascii(&mut self, word: &[u8]) -> &[u8] {
        let n = word.len().min(MAX_LOOKUP_BYTES);
        for (o, &b) in self.ascii.iter_mut().zip(&word[..n]) {
            *o = b.to_ascii_lowercase();
        }
        &self.ascii[..n]
    }

    /// `word` (letters and apostrophes, some not ASCII: whole UTF-8 characters) as the lists
    /// spell it: each letter lowercased (`char::to_lowercase`), `’` written `'`.
    #[cold]
    fn word(&mut self, word: &[u8]) -> &[u8] {
        let word = std::str::from_utf8(word).expect("a word is whole characters");
        self.other.clear();
        for c in word.chars() {
            if c == '’' {
                self.other.push(b'\'');
            } else {
                for lower in c.to_lowercase() {
                    self.other
                        .extend_from_slice(lower.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
        }
        &self.other
    }
}

/// Longest word looked up in the word lists; longer ones are counted as words only.
const MAX_LOOKUP_BYTES: usize = 32;

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

/// Buffers [`count_words`] reuses from line to line.
#[derive(Debug, Default)]
pub struct WordScratch {
    masks: WordMasks,
    lower: Lowered,
    /// Where the words of the line start, and where they end.
    starts: Vec<u32>,
    ends: Vec<u32>,
}

/// Counts the words of `line`, its stopwords and its words of address.
///
/// A word is a run of letters (`char::is_alphabetic`), apostrophes (`'`, `’`) after its first
/// letter included, looked up lowercased with `'` for `’`.
pub fn count_words(line: &str, lex: &Lexicon, scratch: &mut WordScratch) -> WordCounts {
    let text = line.as_bytes();
    let ascii = scratch.masks.fill(line);
    let masks = &scratch.masks;
    // The words are listed first, then looked up: two short loops instead of one long one.
    let (starts, ends) = (&mut scratch.starts, &mut scratch.ends);
    // A run that starts with apostrophes: its word starts at its first letter, if any.
    if runs_into(&masks.word, &masks.letters, starts, ends) {
        let mut kept = 0;
        for k in 0..starts.len() {
            let (run, end) = (starts[k] as usize, ends[k] as usize);
            if let Some(letter) = masks.next_letter(run)
                && letter < end
            {
                starts[kept] = letter as u32;
                ends[kept] = end as u32;
                kept += 1;
            }
        }
        starts.truncate(kept);
        ends.truncate(kept);
    }
    // Stopwords in the low half, words of address in the high one.
    let mut found = 0u64;
    let tally = |bits: u16| u64::from(bits & STOP) | u64::from(bits & ADDRESS_WORD) << 31;
    let (table, lower) = (&lex.words, &mut scratch.lower);
    // Two loops, so the one for ASCII lines tests nothing else.
    if ascii {
        for (&start, &end) in starts.iter().zip(ends.iter()) {
            found += tally(table.get_scanned(text, start as usize, end as usize, true, lower));
        }
    } else {
        for (&start, &end) in starts.iter().zip(ends.iter()) {
            found += tally(table.get_scanned(text, start as usize, end as usize, false, lower));
        }
    }
    WordCounts {
        words: starts.len(),
        stop: (found & 0xffff_ffff) as usize,
        address: (found >> 32) as usize,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts a word's [`Lexicon`] bits, as the reference counts below do.
    fn add(counts: &mut WordCounts, bits: u16) {
        counts.stop += usize::from(bits & STOP != 0);
        counts.address += usize::from(bits & ADDRESS_WORD != 0);
    }
    use crate::testing::{mixed_line, xorshift};

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

    /// The byte-at-a-time word count this module used before [`WordMasks`]: the reference the
    /// mask version must agree with.
    fn count_bytewise(line: &[u8], lex: &Lexicon) -> WordCounts {
        let mut counts = WordCounts::default();
        let flush = |word: &[u8], counts: &mut WordCounts| {
            counts.words += 1;
            if word.len() <= MAX_LOOKUP_BYTES {
                let lower: Vec<u8> = word.iter().map(|&b| WORD_BYTES[usize::from(b)]).collect();
                add(counts, lex.words.get(&lower));
            }
        };
        let (mut start, mut len) = (0usize, 0usize);
        for (i, &b) in line.iter().enumerate() {
            let c = WORD_BYTES[usize::from(b)];
            if c != 0 && (len > 0 || c != b'\'') {
                if len == 0 {
                    start = i;
                }
                len += 1;
            } else if len > 0 {
                flush(&line[start..i], &mut counts);
                len = 0;
            }
        }
        if len > 0 {
            flush(&line[start..], &mut counts);
        }
        counts
    }

    /// The byte-at-a-time vote over an ASCII sample text, as before [`WordMasks`].
    fn vote_bytewise(sample: &[u8]) -> Option<usize> {
        let mut lanes = 0u64;
        let mut add = |word: &[u8]| {
            let lower: Vec<u8> = word.iter().map(u8::to_ascii_lowercase).collect();
            lanes += SPREAD[usize::from(VOTES.get(&lower) & 0xff)];
        };
        let (mut start, mut len, mut pieces) = (0usize, 0usize, 0usize);
        for (i, &b) in sample.iter().enumerate() {
            let c = WORD_BYTES[usize::from(b)];
            if c != 0 && c != b'\'' {
                if len == 0 {
                    start = i;
                }
                len += 1;
                continue;
            }
            if len > 0 {
                add(&sample[start..i]);
                len = 0;
            }
            pieces += 1;
            if pieces == VOTE_PIECES {
                break;
            }
        }
        if len > 0 {
            add(&sample[start..]);
        }
        winner(lanes)
    }

    /// Random ASCII text from a xorshift generator: stopwords of several languages, capitals,
    /// apostrophes (leading, inner, doubled), long words, digits, punctuation and white space.
    fn random_text(seed: &mut u64, max_len: usize) -> String {
        const PIECES: &[&str] = &[
            "the",
            "The",
            "DER",
            "und",
            "de",
            "la",
            "w",
            "nie",
            "che",
            "het",
            "you",
            "We",
            "don't",
            "'twas",
            "rock''n",
            "o'",
            "governments",
            "Internationalisation",
            "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "said",
            "12,5",
            " ",
            "  ",
            ", ",
            ". ",
            "\t",
            "-",
            "'",
            "a",
            "Z",
            "@",
            "[",
            "`",
            "{",
            "~",
            "\x7f",
            "\x00",
        ];
        let mut out = String::new();
        loop {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let piece = PIECES[(*seed % PIECES.len() as u64) as usize];
            if out.len() + piece.len() > max_len {
                return out;
            }
            out.push_str(piece);
            if *seed >> 60 == 0 {
                out.push(' ');
            }
        }
    }

    #[test]
    fn mask_word_count_matches_the_bytewise_count() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut scratch = WordScratch::default();
        for code in ["en", "de", "fr"] {
            let lex = build(code, &[code]);
            for n in 0..1500 {
                let text = random_text(&mut seed, n % 300);
                assert_eq!(
                    count_words(&text, &lex, &mut scratch),
                    count_bytewise(text.as_bytes(), &lex),
                    "{text:?}"
                );
            }
        }
    }

    /// The sample text the vote reads: each part followed by a line break.
    fn sample_of(parts: &[(usize, &str)]) -> String {
        parts.iter().map(|(_, p)| format!("{p}\n")).collect()
    }

    /// The vote over a sample holding non-ASCII text as it was written before such lines were
    /// rewritten for the ASCII scan: the joined sample split at every character that is not a
    /// letter, each piece lowercased a character at a time.
    fn vote_by_chars(sample: &str) -> Option<usize> {
        let mut lanes = 0u64;
        let pieces = sample.split(|c: char| !c.is_alphabetic());
        for word in pieces.take(VOTE_PIECES).filter(|w| !w.is_empty()) {
            let lower: String = word.chars().flat_map(char::to_lowercase).collect();
            lanes += SPREAD[usize::from(VOTES.get(lower.as_bytes()) & 0xff)];
        }
        winner(lanes)
    }

    /// `text` with up to three non-ASCII pieces (quotes, accented words, a no-break space) put in
    /// at places chosen by `seed`, inside words and between them.
    fn with_non_ascii(mut text: String, seed: u64) -> String {
        let others = [
            "’", "“", "é", "Über", "für", "İ", "—", "się", "été", "\u{a0}", "ß",
        ];
        for j in 0..(seed % 4) as usize {
            let at = (seed >> (8 * j + 5)) as usize % (text.len() + 1);
            if text.is_char_boundary(at) {
                text.insert_str(at, others[(seed >> (6 * j)) as usize % others.len()]);
            }
        }
        text
    }

    #[test]
    fn vote_over_mixed_lines_matches_the_vote_by_characters() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for n in 0..1500 {
            let parts: Vec<String> = (0..1 + n % 5)
                .map(|k| {
                    let text = random_text(&mut seed, (n * 7 + k * 31) % 260);
                    with_non_ascii(text, seed)
                })
                .collect();
            let parts: Vec<(usize, &str)> = parts.iter().map(String::as_str).enumerate().collect();
            assert_eq!(
                vote(&parts, &mut Vec::new(), &mut WordScratch::default()),
                vote_by_chars(&sample_of(&parts)),
                "{parts:?}"
            );
        }
    }

    #[test]
    fn mask_vote_matches_the_bytewise_vote() {
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for n in 0..1500 {
            let parts: Vec<String> = (0..1 + n % 5)
                .map(|k| random_text(&mut seed, (n * 7 + k * 31) % 260))
                .collect();
            let parts: Vec<(usize, &str)> = parts.iter().map(String::as_str).enumerate().collect();
            assert_eq!(
                vote(&parts, &mut Vec::new(), &mut WordScratch::default()),
                vote_bytewise(sample_of(&parts).as_bytes()),
                "{parts:?}"
            );
        }
    }

    #[test]
    fn counts_taken_from_the_vote_match_a_fresh_count() {
        let mut seed = 0x1234_5678_9abc_def1_u64;
        let mut scratch = WordScratch::default();
        let mut from_vote = 0;
        for n in 0..600 {
            // Every other article with non-ASCII lines.
            let texts: Vec<String> = (0..1 + n % 7)
                .map(|k| {
                    let text = random_text(&mut seed, (n * 13 + k * 57) % 240);
                    let text = if n % 2 == 0 {
                        with_non_ascii(text, seed)
                    } else {
                        text
                    };
                    format!("  {text}\t")
                })
                .collect();
            let lines: Vec<&str> = texts.iter().map(String::as_str).collect();
            let found = detect(&lines, &mut WordScratch::default());
            for (i, raw) in lines.iter().enumerate() {
                let line = raw.trim();
                let fresh = count_words(line, found.lexicon, &mut scratch);
                assert_eq!(found.count(i, line, &mut scratch), fresh, "{line:?}");
            }
            from_vote += usize::from(found.voting.is_some() && !found.tallies.is_empty());
        }
        assert!(from_vote > 100, "{from_vote}");
    }

    #[test]
    fn byte_classes_of_every_ascii_byte() {
        for b in 0u8..128 {
            for k in 0..8 {
                let (letters, apostrophes) = classify8(u64::from(b) << (8 * k));
                let want_letter = u64::from(b.is_ascii_alphabetic()) << k;
                let want_apostrophe = u64::from(b == b'\'') << k;
                assert_eq!(letters & (1 << k), want_letter, "{b} at {k}");
                assert_eq!(apostrophes & (1 << k), want_apostrophe, "{b} at {k}");
            }
        }
        let (letters, _) = classify8(u64::from_le_bytes(*b"aZ1 b'Cx"));
        assert_eq!(letters, 0b1101_0011);
    }

    #[test]
    fn detects_german_and_counts_its_stopwords() {
        let lines = [
            "Die Regierung hat am Montag beschlossen, dass die neuen Regeln ab dem \
                      kommenden Jahr für alle Betriebe gelten sollen, wie ein Sprecher sagte.",
        ];
        let lex = lexicon_for(&lines);
        assert_eq!(lex.code, "de");
        let c = count_words(lines[0], lex, &mut WordScratch::default());
        assert_eq!(c.words, 23);
        assert!(c.stop >= 8, "{c:?}");
    }

    #[test]
    fn ascii_and_unicode_paths_count_alike() {
        let lex = lexicon_for(&["The ministers said that they would meet again in the spring."]);
        let mut buf = WordScratch::default();
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

    /// [`count_words`] for text that is not all ASCII as it was written before that text was
    /// rewritten for the ASCII scan: a character at a time, into a lowercase word buffer.
    fn count_by_chars(line: &str, lex: &Lexicon) -> WordCounts {
        let mut counts = WordCounts::default();
        let mut buf = String::new();
        let flush = |buf: &mut String, counts: &mut WordCounts| {
            if !buf.is_empty() {
                counts.words += 1;
                add(counts, lex.words.get(buf.as_bytes()));
                buf.clear();
            }
        };
        for c in line.chars() {
            if c.is_alphabetic() {
                buf.extend(c.to_lowercase());
            } else if (c == '\'' || c == '’') && !buf.is_empty() {
                buf.push('\'');
            } else {
                flush(&mut buf, &mut counts);
            }
        }
        flush(&mut buf, &mut counts);
        counts
    }

    #[test]
    fn non_ascii_lines_count_as_a_walk_by_characters_does() {
        let pieces = [
            "We",
            " ",
            "DON’T",
            "don't",
            "’s",
            "'",
            "Über",
            "ünd",
            "İstanbul",
            "—",
            "“",
            "”",
            "3",
            "können",
            "Ἀθῆναι",
            "e\u{301}",
            "ﬁn",
            "x",
            "’",
            "K",
        ];
        let mut scratch = WordScratch::default();
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for lex in [
            lexicon_for(&["Wir können das nicht sagen, sagte der Minister."]),
            &FALLBACK,
        ] {
            for _ in 0..4000 {
                let line = mixed_line(xorshift(&mut seed), &pieces, 7);
                assert_eq!(
                    count_words(&line, lex, &mut scratch),
                    count_by_chars(&line, lex),
                    "{line:?}"
                );
            }
        }
    }

    #[test]
    fn quick_letter_test_agrees_with_the_standard_library() {
        for c in ('\u{80}'..='\u{3000}').chain(['\u{feff}', '\u{1f600}']) {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?} U+{:04X}", c as u32);
        }
    }

    #[test]
    fn no_listed_word_is_longer_than_a_lookup() {
        // An ASCII word longer than MAX_LOOKUP_BYTES is counted without a lookup.
        for lex in CODES
            .iter()
            .enumerate()
            .map(|(i, (_, code))| LEXICONS[i].get_or_init(|| build(code, &[code])))
        {
            assert!(
                lex.words.long.keys().all(|w| w.len() <= MAX_LOOKUP_BYTES),
                "{}",
                lex.code
            );
        }
        assert!(VOTES.long.keys().all(|w| w.len() <= MAX_LOOKUP_BYTES));
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
        let c = count_words(line, lex, &mut WordScratch::default());
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
        let c = count_words(lines[0], lex, &mut WordScratch::default());
        assert_eq!(c.address, 5, "{c:?}");
    }
}

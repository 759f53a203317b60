//! Per-article features for clustering: tokens, sentences, word shingles and a MinHash signature.
//!
//! In: one article's title and cleaned paragraphs. Out: a compact [`Fingerprint`] (a few KB) that
//! the batch stage (`cluster`) compares without going back to the text. Computed in the parallel
//! per-file stage, so it never sees other articles and never depends on thread scheduling.
//!
//! What it keeps:
//! - **tokens** as 32-bit ids: lowercased word runs hashed with xxh3; numbers, years and month
//!   names get their own id classes (a month name in English, Spanish, French, German,
//!   Portuguese or Italian maps to one id, so "March" and "marzo" agree);
//! - **sentences** of "content" paragraphs (sentence-like lines: enough words, ending like a
//!   sentence), each with a hash of its full token sequence (verbatim matching) and its sorted
//!   distinct content tokens (stopwords and 1–2 letter words left out);
//! - a **MinHash** signature ([`NUM_PERM`] values, fixed seeds) over word [`SHINGLE_WORDS`]-grams of
//!   the content paragraphs, for LSH candidate search;
//! - **names** (words capitalised inside a sentence) and key figures, for the rare-name index;
//! - a **header date** (a date in a short line near the top), for when extraction found none;
//! - whether each sentence sits in a **chrome** paragraph (cookie, newsletter, subscription,
//!   donation words), so the canonical choice does not reward banners.
//!
//! Robust to what the other stages may not have fixed yet: Latin-1 and Latin Extended letters,
//! C1 controls and punctuation all split words, so UTF-8 read as Windows-1252/1257 (`Ã­`, `â€™`)
//! tokenizes exactly like the correct text (`í`, `’`). The cost is that accented Latin words are
//! split into pieces (`Cívica` → `c`, `vica`), identically on both sides. Short headline lists and
//! menu lines from site chrome are not sentence-like and stay out of the evidence.
//!
//! It never reads files, never prints, and never looks at other articles. Hand-written rather
//! than taken from a MinHash crate because the signature must be bit-for-bit stable across
//! versions and platforms (stories are matched against stored signatures later) and the
//! tokenization above is specific to scraped text.
//!
//! This stage reads every word of every article, so its hot path is written for speed: runs of
//! ASCII letters and digits are found eight bytes at a time and hashed from a lowercased copy
//! on the stack; the tokens of short words are kept in a small per-thread cache (a token
//! depends on nothing but the word, so the cache never changes one); the places where sentences
//! may end are noted during the same pass. None of it may change a token id or a signature:
//! `fingerprints_never_change` holds a digest of every field for a multilingual text, computed
//! before any of it was written.

use std::collections::HashMap;

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use crate::ascii::{digit_bytes, letter_bytes, splat};

/// Number of MinHash values per signature.
pub const NUM_PERM: usize = 72;
/// Rows per LSH band (so there are `NUM_PERM / BAND_ROWS` bands).
pub const BAND_ROWS: usize = 3;
/// Words per shingle.
pub const SHINGLE_WORDS: usize = 5;
/// A paragraph needs this many words to count as content.
const MIN_CONTENT_WORDS: usize = 6;
/// A paragraph this long counts as content even without sentence punctuation at its end.
const LONG_PARAGRAPH_WORDS: usize = 20;
/// Lines at the top of an article searched for a date (short lines only, not running text).
const HEADER_LINES: usize = 12;
/// Seed of the token hash; never change it (stored signatures would stop matching).
const TOKEN_SEED: u64 = 0x6e65_7773_636c_6561;

/// Bit set on ids of number-like tokens (numbers, years, month names).
pub const NUMBER_BIT: u32 = 0x8000_0000;
/// Bit set, together with [`NUMBER_BIT`], on years and month names (dates, not key figures).
pub const DATE_BIT: u32 = 0x4000_0000;

/// One sentence of a content paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// xxh3 of the sentence's full token sequence: equal for verbatim copies (and mojibake copies).
    pub hash: u64,
    /// Number of word tokens (stopwords included).
    pub words: u16,
    /// Sorted distinct content tokens (no stopwords, no 1–2 letter words).
    pub tokens: Box<[u32]>,
    /// Whether its paragraph uses words of site chrome (cookies, newsletter, subscription,
    /// donation...): probably not part of the story, whatever its length.
    pub is_chrome: bool,
}

/// What clustering needs to know about one article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// MinHash signature; all `u32::MAX` when the article has no content paragraph.
    pub minhash: Box<[u32]>,
    /// Sentences of the content paragraphs, in reading order.
    pub sentences: Box<[Sentence]>,
    /// Sorted distinct content tokens of the title.
    pub title_tokens: Box<[u32]>,
    /// The title lowercased, words separated by single spaces, for string similarity.
    pub title_text: String,
    /// Words in the content paragraphs.
    pub content_words: u32,
    /// Sorted distinct ids of names (words capitalised inside sentences) and key numbers: what a
    /// rewrite keeps of its original, used to find rewrite candidates.
    pub names: Box<[u32]>,
    /// Day (since 1970-01-01) of a date found in a short line near the top (not in running text),
    /// for when the extract stage found none.
    pub header_day: Option<i32>,
}

impl Fingerprint {
    /// Whether there is any content to match on.
    pub fn is_empty(&self) -> bool {
        self.sentences.is_empty()
    }

    /// Sorted distinct content tokens of the whole article, title included.
    pub fn distinct_tokens(&self) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .sentences
            .iter()
            .flat_map(|s| s.tokens.iter().copied())
            .chain(self.title_tokens.iter().copied())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Whether a token id is a number, year or month name.
pub fn is_number(id: u32) -> bool {
    id & NUMBER_BIT != 0
}

/// Whether a token id is a key figure: a number that is not a year or a month name.
pub fn is_key_number(id: u32) -> bool {
    id & (NUMBER_BIT | DATE_BIT) == NUMBER_BIT
}

/// A token as the tokenizer produced it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// The token id (see [`NUMBER_BIT`], [`DATE_BIT`]).
    pub id: u32,
    /// Whether it carries meaning on its own (not a stopword, at least 3 letters, or a number).
    pub is_content: bool,
    /// Whether it is capitalised inside a sentence: probably part of a name.
    pub is_name: bool,
    /// Whether it is a word of site chrome ([`CHROME_WORDS`]).
    pub is_chrome: bool,
    /// Byte offset of the token's first character in the text.
    pub start: u32,
}

/// Computes the fingerprint of one article.
pub fn fingerprint(title: Option<&str>, paragraphs: &[String]) -> Fingerprint {
    let mut sentences = Vec::new();
    let mut shingles: Vec<u64> = Vec::new();
    let mut content_words = 0u32;
    let mut names: Vec<u32> = Vec::new();
    let mut header_day = None;
    // buffers reused from paragraph to paragraph: tokens, sentence ends, sentence ranges, the
    // content tokens of one sentence, the word being read
    let mut buf = Vec::new();
    let mut ends = Vec::new();
    let mut ranges = Vec::new();
    let mut content: Vec<u32> = Vec::new();
    let mut word = Word::default();
    let mut cache = WordCache::take();
    for (line_no, paragraph) in paragraphs.iter().enumerate() {
        buf.clear();
        ends.clear();
        scan(paragraph, &mut word, &mut cache, &mut buf, &mut ends);
        if !is_content_paragraph(paragraph, buf.len()) {
            if header_day.is_none() && line_no < HEADER_LINES {
                header_day = find_date(paragraph);
            }
            continue;
        }
        names.extend(
            buf.iter()
                .filter(|t| t.is_name || is_key_number(t.id) && t.is_content)
                .map(|t| t.id),
        );
        content_words += buf.len() as u32;
        add_shingles(&buf, &mut shingles);
        // a chrome word marks its whole paragraph (a banner is one paragraph of sentences)
        let is_chrome = buf.iter().any(|t| t.is_chrome);
        let mut rest: &[Token] = &buf;
        ranges.clear();
        split_sentences(paragraph, &ends, &mut ranges);
        for range in &ranges {
            let end = u32::try_from(range.end).unwrap_or(u32::MAX);
            let n = rest.iter().take_while(|t| t.start < end).count();
            let (toks, after) = rest.split_at(n);
            rest = after;
            if toks.is_empty() {
                continue;
            }
            let hash = hash_ids(toks.iter().map(|t| t.id));
            content.clear();
            content.extend(toks.iter().filter(|t| t.is_content).map(|t| t.id));
            content.sort_unstable();
            content.dedup();
            sentences.push(Sentence {
                hash,
                words: toks.len().min(u16::MAX as usize) as u16,
                tokens: content.as_slice().into(),
                is_chrome,
            });
        }
    }
    let mut title_toks = Vec::new();
    let mut title_text = String::new();
    if let Some(title) = title {
        scan(title, &mut word, &mut cache, &mut title_toks, &mut ends);
        title_text = normalize_title(title);
    }
    let mut title_tokens: Vec<u32> = title_toks
        .iter()
        .filter(|t| t.is_content)
        .map(|t| t.id)
        .collect();
    title_tokens.sort_unstable();
    title_tokens.dedup();
    names.sort_unstable();
    names.dedup();
    cache.put_back();
    Fingerprint {
        names: names.into_boxed_slice(),
        header_day,
        minhash: minhash(&shingles),
        sentences: sentences.into_boxed_slice(),
        title_tokens: title_tokens.into_boxed_slice(),
        title_text,
        content_words,
    }
}

/// Finds a date written as `2024-03-20`, `March 20, 2024`, `20 March 2024` or `15. Mai 2024`
/// (month names as [`month_number`] knows them) in one line; returns days since 1970-01-01.
pub fn find_date(line: &str) -> Option<i32> {
    let words: Vec<&str> = line
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| -> Option<i64> {
        if w.len() <= 4 && w.bytes().all(|b| b.is_ascii_digit()) {
            w.parse().ok()
        } else {
            None
        }
    };
    // all digits: 2024-03-20, 2024/03/20, 20.03.2024; 20/03/2024 only when the day is > 12
    // (03/04/2024 could be March or April), 03/20/2024 likewise read as US order
    for part in line.split(|c: char| c.is_whitespace() || c == 'T' || c == ',') {
        let part = part.trim_matches(|c: char| !c.is_ascii_digit());
        let Some(sep) = part.chars().find(|c| matches!(c, '-' | '/' | '.')) else {
            continue;
        };
        let fields: Vec<&str> = part.split(sep).collect();
        let [a, b, c] = fields[..] else { continue };
        let (Some(x), Some(y), Some(z)) = (number(a), number(b), number(c)) else {
            continue;
        };
        let date = if a.len() == 4 {
            Some((x, y, z))
        } else if c.len() == 4 && (sep == '.' || sep == '/' && x > 12) {
            Some((z, y, x))
        } else if c.len() == 4 && sep == '/' && y > 12 {
            Some((z, x, y))
        } else {
            None
        };
        if let Some((y, m, d)) = date
            && (1900..=2199).contains(&y)
            && let Some(days) = days_from_civil(y, m, d)
        {
            return Some(days);
        }
    }
    for (i, w) in words.iter().enumerate() {
        let lower = w.to_lowercase();
        let Some(month) = month_number(&lower).or_else(|| (lower == "may").then_some(5)) else {
            continue;
        };
        let is_link = |j: usize| {
            words
                .get(j)
                .is_some_and(|w| matches!(*w, "de" | "of" | "del"))
        };
        let before = match i.checked_sub(1) {
            Some(j) if is_link(j) => j.checked_sub(1),
            other => other,
        };
        let day_before = before.and_then(|j| number(words[j]));
        let day_after = words.get(i + 1).and_then(|w| number(w));
        let (day, mut year_at) = match (day_before, day_after) {
            (Some(d), _) if (1..=31).contains(&d) => (d, i + 1),
            (_, Some(d)) if (1..=31).contains(&d) => (d, i + 2),
            _ => continue,
        };
        if is_link(year_at) {
            year_at += 1;
        }
        if let Some(year) = words.get(year_at).and_then(|w| number(w))
            && (1900..=2199).contains(&year)
            && let Some(days) = days_from_civil(year, i64::from(month), day)
        {
            return Some(days);
        }
    }
    None
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (Howard Hinnant's
/// `days_from_civil`); `None` for a month or day out of range.
pub fn days_from_civil(year: i64, month: i64, day: i64) -> Option<i32> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

/// A stable 64-bit hash of a sequence of token ids.
fn hash_ids(ids: impl Iterator<Item = u32>) -> u64 {
    let mut h = 0x243f_6a88_85a3_08d3u64;
    for id in ids {
        h = (h ^ u64::from(id)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        h ^= h >> 29;
    }
    xxh3_64(&h.to_le_bytes())
}

/// Whether a paragraph reads like running text rather than a menu, headline list or label.
fn is_content_paragraph(paragraph: &str, words: usize) -> bool {
    if words < MIN_CONTENT_WORDS {
        return false;
    }
    if words >= LONG_PARAGRAPH_WORDS {
        return true;
    }
    let end = paragraph
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', '」', '』', ')']);
    end.ends_with(['.', '!', '?', '…', '。', '！', '？', ':', ';'])
}

/// Whether a character is part of a word. Latin-1 and Latin Extended letters are not: they are
/// where mojibake lives, and treating them as separators makes damaged and repaired text agree.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    let cp = c as u32;
    if cp < 0x0370 || (0x1E00..0x1F00).contains(&cp) {
        return false;
    }
    c.is_alphanumeric()
}

/// Whether a character is written without spaces between words (CJK, kana): each is a token.
fn is_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Splits text into tokens, appending them to `out`. Digits separated by `.` or `,` stay one
/// number (`1,200`, `4.1`); letters and digits next to each other are split (`50C` → `50`, `c`).
pub fn tokenize(text: &str, out: &mut Vec<Token>) {
    let mut cache = WordCache::take();
    scan(text, &mut Word::default(), &mut cache, out, &mut Vec::new());
    cache.put_back();
}

/// [`tokenize`] with the word buffer passed in, so that one buffer serves all the paragraphs of
/// an article. It also appends to `ends` the byte offset of every character that may end a
/// sentence (`.`, `!`, `?` and their CJK forms), for [`split_sentences`]: the text is read once
/// for both.
///
/// The hot path is a run of ASCII letters or digits: its end is found eight bytes at a time
/// ([`ascii_run`]) and, when the run is a whole word, its token comes from a lowercased copy on
/// the stack through [`WordCache`]; otherwise it goes into the word buffer in one go. Everything
/// else takes the general path, one character at a time.
fn scan(
    text: &str,
    word: &mut Word,
    cache: &mut WordCache,
    out: &mut Vec<Token>,
    ends: &mut Vec<usize>,
) {
    let bytes = text.as_bytes();
    word.reset();
    // whether the next word starts a sentence (its capital letter then says nothing)
    let mut at_start = true;
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        let class = ASCII_CLASS[usize::from(b)];
        if class != 0 {
            // a run of ASCII letters, or of digits, goes in at once
            let digit = class == DIGIT;
            if !word.text.is_empty() && digit != word.is_digits {
                word.flush(out);
            }
            let mut lower = [0u8; FAST_WORD_BYTES];
            let end = ascii_run(bytes, pos, digit, &mut lower);
            if word.text.is_empty() {
                word.begin(pos, digit, b.is_ascii_uppercase(), at_start);
                at_start = false;
                // The common case: the run is a whole word (what follows cannot continue it),
                // so its token is made from the lowercased copy, and the word buffer stays
                // empty as a flush would leave it. A space after it has nothing left to end.
                if end - pos <= FAST_WORD_BYTES && run_ends_word(bytes, end, digit) {
                    let token = cache.classify(&lower, end - pos, word);
                    out.push(word.place(token));
                    pos = end + usize::from(bytes.get(end) == Some(&b' '));
                    continue;
                }
            }
            // 0x20 is the case bit of ASCII letters, and already set in the digits
            word.text.extend(bytes[pos..end].iter().map(|&x| x | 0x20));
            pos = end;
            continue;
        }
        if b == b' ' {
            // the commonest separator: it only ends the word (the general path below does the
            // same for it)
            word.flush(out);
            pos += 1;
            continue;
        }
        let c = if b.is_ascii() {
            char::from(b)
        } else {
            text[pos..]
                .chars()
                .next()
                .unwrap_or(char::REPLACEMENT_CHARACTER)
        };
        let here = pos;
        pos += c.len_utf8();
        if is_sentence_end(c) {
            ends.push(here);
        }
        if !c.is_ascii() {
            if is_ideograph(c) {
                word.flush(out);
                word.begin(here, false, false, at_start);
                word.is_ideograph = true;
                word.push_char(c);
                word.flush(out);
                at_start = false;
                continue;
            }
            if is_word_char(c) {
                if word.is_digits {
                    word.flush(out);
                }
                if word.text.is_empty() {
                    word.begin(here, false, c.is_uppercase(), at_start);
                    at_start = false;
                }
                for lower in c.to_lowercase() {
                    word.push_char(lower);
                }
                continue;
            }
        }
        if word.is_digits
            && (c == '.' || c == ',')
            && bytes.get(pos).is_some_and(u8::is_ascii_digit)
        {
            // When the number before has already been flushed ("5 ,3"), this starts a word that
            // keeps the flushed number's start and flags ("5", ".3"): a quirk kept on purpose,
            // since token ids and positions must not change.
            word.text.push(b'.');
            continue;
        }
        if matches!(c, '.' | '!' | '?' | ':' | '"' | '“' | '«' | '\n' | '|') {
            at_start = true;
        }
        word.flush(out);
    }
    word.flush(out);
}

/// Longest run of ASCII letters or digits that [`scan`] turns into a token without going
/// through the word buffer.
const FAST_WORD_BYTES: usize = 32;

/// Slots of [`WordCache`]: a power of two.
const WORD_CACHE_SLOTS: usize = 4096;

/// The tokens of short words seen lately, as [`classify`] made them. Most words of a text are
/// common ones, and finding one here costs a fraction of hashing and classifying it again.
///
/// Only whole runs of ASCII letters or digits of up to 8 bytes are kept (what [`scan`] reads
/// without its word buffer), keyed by their lowercased bytes as one integer: for such a word,
/// the flags [`classify`] reads follow from its bytes, so a token found here is exactly the one
/// it would make, and the cache can never change a token. Direct-mapped: a word evicts the one
/// in its slot. One per thread, kept from article to article.
struct WordCache {
    /// `(key, token)`; a key of 0 marks an empty slot (a word is never empty).
    slots: Box<[(u64, Token)]>,
}

thread_local! {
    /// This thread's [`WordCache`], while no tokenizer is using it.
    static WORD_CACHE: std::cell::Cell<Option<WordCache>> = const { std::cell::Cell::new(None) };
}

impl WordCache {
    /// This thread's cache (a new one the first time).
    fn take() -> WordCache {
        WORD_CACHE.take().unwrap_or_else(|| {
            let empty = Token {
                id: 0,
                is_content: false,
                is_name: false,
                is_chrome: false,
                start: 0,
            };
            WordCache {
                slots: vec![(0, empty); WORD_CACHE_SLOTS].into_boxed_slice(),
            }
        })
    }

    /// Gives the cache back to the thread for the next article.
    fn put_back(self) {
        WORD_CACHE.set(Some(self));
    }

    /// [`classify`] of the first `len` bytes of `lower`, a whole run of ASCII letters or digits
    /// lowercased, read as `word`.
    #[inline]
    fn classify(&mut self, lower: &[u8; FAST_WORD_BYTES], len: usize, word: &Word) -> Token {
        if len > 8 {
            return classify(&lower[..len], word);
        }
        let [b0, b1, b2, b3, b4, b5, b6, b7, ..] = *lower;
        let key =
            u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]) & (u64::MAX >> (64 - 8 * len));
        // the top bits of a multiplicative hash pick the slot
        let slot = (key.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            >> (64 - WORD_CACHE_SLOTS.trailing_zeros())) as usize;
        match self.slots[slot] {
            (k, token) if k == key => token,
            _ => {
                let token = classify(&lower[..len], word);
                self.slots[slot] = (key, token);
                token
            }
        }
    }
}

/// Where the run of ASCII letters (or digits, `digit`) that starts at `pos` ends. It is read
/// eight bytes at a time (see [`crate::ascii`]); on the way, its first [`FAST_WORD_BYTES`] bytes
/// are copied into `lower` with the case bit set (lowercase letters, digits unchanged).
fn ascii_run(bytes: &[u8], pos: usize, digit: bool, lower: &mut [u8; FAST_WORD_BYTES]) -> usize {
    let mut at = pos;
    while let Some(chunk) = bytes[at..].first_chunk::<8>() {
        let x = u64::from_le_bytes(*chunk);
        let copied = at - pos;
        if copied + 8 <= FAST_WORD_BYTES {
            lower[copied..copied + 8].copy_from_slice(&(x | splat(0x20)).to_le_bytes());
        }
        let inside = if digit {
            digit_bytes(x)
        } else {
            letter_bytes(x)
        };
        let outside = !inside & splat(0x80);
        if outside != 0 {
            // the lowest byte comes first (little endian)
            return at + (outside.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    // fewer than eight bytes left: one at a time
    let class = if digit { DIGIT } else { LETTER };
    while at < bytes.len() && ASCII_CLASS[usize::from(bytes[at])] == class {
        if let Some(l) = lower.get_mut(at - pos) {
            *l = bytes[at] | 0x20;
        }
        at += 1;
    }
    at
}

/// Whether a run of ASCII letters (or digits, `digit`) ending at `end` is a whole word: the text
/// ends there, or an ASCII byte follows that is not a decimal separator inside a number (`4.1`).
/// A non-ASCII character might continue the word (`abcж`), so it says no.
fn run_ends_word(bytes: &[u8], end: usize, digit: bool) -> bool {
    match bytes.get(end) {
        None => true,
        Some(&next) if next.is_ascii() => {
            !(digit
                && matches!(next, b'.' | b',')
                && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
        }
        Some(_) => false,
    }
}

/// [`ASCII_CLASS`] of letters.
const LETTER: u8 = 1;
/// [`ASCII_CLASS`] of digits.
const DIGIT: u8 = 2;

/// Byte classes for [`tokenize`]'s ASCII runs: [`LETTER`], [`DIGIT`], 0 anything else (bytes of
/// non-ASCII characters included).
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_alphabetic() {
            LETTER
        } else {
            0
        };
        b += 1;
    }
    table
};

/// A word being read by [`tokenize`].
#[derive(Default)]
struct Word {
    /// The word so far, lowercased, as UTF-8 bytes (only whole characters are ever pushed).
    text: Vec<u8>,
    start: u32,
    is_digits: bool,
    /// Whether it is one CJK character or kana (see [`is_ideograph`]): such a word is never
    /// longer, and counts as content although it is one character.
    is_ideograph: bool,
    /// Whether all its characters are ASCII, so that its length in bytes is its length in
    /// characters.
    is_ascii: bool,
    is_capital: bool,
    at_start: bool,
}

impl Word {
    /// Starts again as a new `Word`, keeping the buffer.
    fn reset(&mut self) {
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        *self = Word {
            text,
            ..Word::default()
        };
    }

    fn begin(&mut self, pos: usize, is_digits: bool, is_capital: bool, at_start: bool) {
        self.start = u32::try_from(pos).unwrap_or(u32::MAX);
        self.is_digits = is_digits;
        self.is_ideograph = false;
        self.is_ascii = true;
        self.is_capital = is_capital;
        self.at_start = at_start;
    }

    fn push_char(&mut self, c: char) {
        self.is_ascii &= c.is_ascii();
        let mut utf8 = [0u8; 4];
        self.text
            .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }

    /// The token of `text`: this word's text, or a copy of it (see [`scan`]).
    #[inline]
    fn token(&self, text: &[u8]) -> Token {
        self.place(classify(text, self))
    }

    /// `token`, as [`classify`] made it for this word, put in its place: its start, and whether
    /// it is a name there.
    #[inline]
    fn place(&self, mut token: Token) -> Token {
        token.is_name = self.is_capital && !self.at_start && token.is_content;
        token.start = self.start;
        token
    }

    #[inline]
    fn flush(&mut self, out: &mut Vec<Token>) {
        if self.text.is_empty() {
            return;
        }
        out.push(self.token(&self.text));
        self.text.clear();
    }
}

/// What a word hash stands for, when it is one of the listed words.
#[derive(Debug, Clone, Copy)]
enum Listed {
    Stopword,
    Chrome,
    Month(u32),
}

/// A hasher for keys that are already good hashes (token ids, sentence hashes).
#[derive(Default, Clone, Copy)]
pub struct HashedKey(u64);

impl std::hash::Hasher for HashedKey {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A hash map keyed by values that are already hashes.
pub type HashedMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<HashedKey>>;

/// Slots of [`ListedWords`]: a power of two, about three times the number of listed words.
const LISTED_SLOTS: usize = 1024;

/// Stopwords, chrome words and month names by their token hash: a table with open addressing
/// and linear probing, looked up once for every word. Written out rather than a `HashMap`
/// because the lookup is on the hottest path of the stage: the hash is already a good one, so
/// its top bits pick the slot, and a miss usually costs one comparison.
struct ListedWords {
    /// `(hash, what it stands for)`; `None` marks an empty slot.
    slots: [(u64, Option<Listed>); LISTED_SLOTS],
}

impl ListedWords {
    /// Adds a word; a word listed twice keeps its last meaning (as a map insert would).
    fn insert(&mut self, word: &str, listed: Listed) {
        let hash = xxh3_64_with_seed(word.as_bytes(), TOKEN_SEED);
        let mut i = Self::slot(hash);
        while let (h, Some(_)) = self.slots[i] {
            if h == hash {
                break;
            }
            i = (i + 1) % LISTED_SLOTS;
        }
        self.slots[i] = (hash, Some(listed));
    }

    #[inline]
    fn get(&self, hash: u64) -> Option<Listed> {
        let mut i = Self::slot(hash);
        loop {
            match self.slots[i] {
                (_, None) => return None,
                (h, found) if h == hash => return found,
                _ => i = (i + 1) % LISTED_SLOTS,
            }
        }
    }

    fn slot(hash: u64) -> usize {
        (hash >> (64 - LISTED_SLOTS.trailing_zeros())) as usize
    }
}

/// Stopwords, chrome words and month names by their token hash, built once.
fn listed_words() -> &'static ListedWords {
    static LISTED: std::sync::OnceLock<Box<ListedWords>> = std::sync::OnceLock::new();
    LISTED.get_or_init(|| {
        let mut table = Box::new(ListedWords {
            slots: [(0, None); LISTED_SLOTS],
        });
        // in this order: a chrome word that is also a stopword counts as chrome
        for w in STOPWORDS {
            table.insert(w, Listed::Stopword);
        }
        for w in CHROME_WORDS {
            table.insert(w, Listed::Chrome);
        }
        for (i, names) in MONTHS.iter().enumerate() {
            for w in names.iter() {
                table.insert(w, Listed::Month(i as u32 + 1));
            }
        }
        table
    })
}

/// The token of one word: its text (lowercased UTF-8, as [`Word`] holds it) and what the
/// tokenizer knows of it.
#[inline]
fn classify(word: &[u8], how: &Word) -> Token {
    let plain = |id: u32, is_content: bool| Token {
        id,
        is_content,
        is_name: false,
        is_chrome: false,
        start: 0,
    };
    if how.is_digits {
        if let &[a, b, c, d] = word
            && [a, b, c, d].iter().all(u8::is_ascii_digit)
        {
            let year = [a, b, c, d]
                .iter()
                .fold(0u32, |n, &digit| n * 10 + u32::from(digit - b'0'));
            if (1800..=2199).contains(&year) {
                return plain(NUMBER_BIT | DATE_BIT | year, true);
            }
        }
        let id = NUMBER_BIT | (xxh3_64_with_seed(word, TOKEN_SEED) as u32 >> 2);
        // one-digit numbers ("5 people", "2 days") are too common to carry meaning
        return plain(id, word.len() >= 2);
    }
    let hash = xxh3_64_with_seed(word, TOKEN_SEED);
    let listed = listed_words().get(hash);
    if let Some(Listed::Month(month)) = listed {
        return plain(NUMBER_BIT | DATE_BIT | (10_000 + month), true);
    }
    let id = hash as u32 & !(NUMBER_BIT | DATE_BIT);
    // three characters or more: bytes that do not continue a UTF-8 sequence count characters
    let long_enough = word.len() >= 3
        && (how.is_ascii || word.iter().filter(|&&b| b & 0xC0 != 0x80).count() >= 3)
        || how.is_ideograph;
    let mut token = plain(id, long_enough && listed.is_none());
    token.is_chrome = matches!(listed, Some(Listed::Chrome));
    token
}

/// Month names (full and common abbreviations) in seven languages, by month number.
fn month_number(word: &str) -> Option<u32> {
    // Accented names reach the tokenizer in pieces (`fé|vrier`, `dé|cembre`); the distinctive
    // piece is listed. English "may" is left out: it is far more often the verb.
    MONTHS
        .iter()
        .position(|names| names.contains(&word))
        .map(|i| i as u32 + 1)
}

/// Words that mark a sentence as site chrome rather than story: cookie banners, newsletter and
/// subscription prompts, donation appeals. Lowercase, as the tokenizer yields them.
pub const CHROME_WORDS: &[&str] = &[
    "cookie",
    "cookies",
    "newsletter",
    "newsletters",
    "subscribe",
    "subscribers",
    "subscription",
    "advertisement",
    "privacy",
    "login",
    "password",
    "donation",
    "donate",
    "paywall",
];

/// Month names (full and common abbreviations) in seven languages, by month number.
const MONTHS: [&[&str]; 12] = [
    &[
        "january", "jan", "enero", "janvier", "januar", "janeiro", "gennaio",
    ],
    &[
        "february",
        "feb",
        "febrero",
        "vrier",
        "février",
        "februar",
        "fevereiro",
        "febbraio",
    ],
    &["march", "marzo", "mars", "maerz", "märz", "março"],
    &["april", "apr", "abril", "avril", "aprile"],
    &["mayo", "mai", "maio", "maggio"],
    &["june", "jun", "junio", "juin", "juni", "junho", "giugno"],
    &["july", "jul", "julio", "juillet", "juli", "julho", "luglio"],
    &["august", "aug", "agosto", "aout", "août"],
    &[
        "september",
        "sep",
        "sept",
        "septiembre",
        "septembre",
        "setembro",
        "settembre",
    ],
    &[
        "october", "oct", "octubre", "octobre", "oktober", "outubro", "ottobre",
    ],
    &["november", "nov", "noviembre", "novembre", "novembro"],
    &[
        "december",
        "dec",
        "diciembre",
        "cembre",
        "décembre",
        "dezember",
        "dezembro",
        "dicembre",
    ],
];

/// Common function words (English, Spanish, French, German, Portuguese, Italian, Dutch) and
/// words of web chrome that say nothing about a story. Only words of 3+ letters matter here.
const STOPWORDS: &[&str] = &[
    // English
    "the",
    "and",
    "for",
    "that",
    "with",
    "was",
    "were",
    "are",
    "has",
    "have",
    "had",
    "his",
    "her",
    "its",
    "their",
    "they",
    "them",
    "this",
    "these",
    "those",
    "from",
    "but",
    "not",
    "been",
    "will",
    "would",
    "could",
    "should",
    "said",
    "says",
    "say",
    "who",
    "which",
    "what",
    "when",
    "where",
    "while",
    "than",
    "then",
    "there",
    "also",
    "about",
    "after",
    "before",
    "into",
    "over",
    "under",
    "more",
    "most",
    "some",
    "such",
    "other",
    "only",
    "any",
    "all",
    "can",
    "one",
    "two",
    "out",
    "our",
    "you",
    "your",
    "she",
    "him",
    "did",
    "does",
    "being",
    "because",
    "between",
    "during",
    "since",
    "until",
    "very",
    "just",
    "now",
    "new",
    "told",
    "year",
    "years",
    "last",
    "first",
    "according",
    "per",
    "cent",
    "percent",
    "including",
    "against",
    "through",
    "told",
    "how",
    "why",
    "may",
    "might",
    "must",
    "well",
    "still",
    "both",
    "each",
    "many",
    "much",
    "own",
    // Spanish / Portuguese / Italian
    "los",
    "las",
    "del",
    "por",
    "para",
    "con",
    "una",
    "que",
    "como",
    "sus",
    "pero",
    "sobre",
    "entre",
    "fue",
    "han",
    "este",
    "esta",
    "esto",
    "ese",
    "esa",
    "dos",
    "uno",
    "mas",
    "muy",
    "das",
    "dos",
    "nos",
    "nas",
    "uma",
    "com",
    "foi",
    "ser",
    "pelo",
    "pela",
    "seu",
    "sua",
    "della",
    "delle",
    "degli",
    "nel",
    "nella",
    "che",
    "per",
    "con",
    "non",
    "sono",
    "alla",
    "dal",
    "dalla",
    // French
    "les",
    "des",
    "une",
    "est",
    "dans",
    "par",
    "pour",
    "sur",
    "pas",
    "qui",
    "que",
    "aux",
    "avec",
    "ses",
    "son",
    "ont",
    "mais",
    "plus",
    "cette",
    "ces",
    "leur",
    "leurs",
    "selon",
    "entre",
    // German / Dutch
    "der",
    "die",
    "das",
    "und",
    "den",
    "dem",
    "des",
    "ein",
    "eine",
    "einer",
    "eines",
    "ist",
    "nicht",
    "mit",
    "auf",
    "sich",
    "auch",
    "von",
    "zum",
    "zur",
    "bei",
    "nach",
    "wie",
    "wurde",
    "hat",
    "sind",
    "het",
    "een",
    "van",
    "voor",
    "niet",
    "met",
    "zijn",
    "op",
    "werd",
    "naar",
    // web chrome
    "cookie",
    "cookies",
    "newsletter",
    "subscribe",
    "advertisement",
    "share",
    "email",
    "comment",
    "comments",
    "click",
    "read",
    "more",
    "sign",
    "login",
    "privacy",
    "policy",
    "reply",
    "post",
];

/// Byte ranges of the sentences of one paragraph. A sentence ends at `.`, `!`, `?` (or their
/// CJK forms), possibly followed by closing quotes, when whitespace and then a capital letter,
/// digit or opening quote follow; a short capitalised word before a dot (`Mr.`, `U.S.`) does
/// not end a sentence.
pub fn sentence_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let ends: Vec<usize> = text
        .char_indices()
        .filter(|&(_, c)| is_sentence_end(c))
        .map(|(at, _)| at)
        .collect();
    let mut ranges = Vec::new();
    split_sentences(text, &ends, &mut ranges);
    ranges
}

/// Whether a character may end a sentence: `.`, `!`, `?` and their CJK forms.
fn is_sentence_end(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
}

/// [`sentence_ranges`] of `text`, appended to `ranges`, given the offsets of its characters that
/// may end a sentence ([`is_sentence_end`], in order), as [`scan`] collects them.
fn split_sentences(text: &str, ends: &[usize], ranges: &mut Vec<std::ops::Range<usize>>) {
    let mut start = 0;
    // where the last sentence end read stops, closing quotes included
    let mut at = 0;
    for &pos in ends {
        if pos < at {
            continue;
        }
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        let is_cjk_end = matches!(c, '。' | '！' | '？');
        let mut end = pos + c.len_utf8();
        for q in text[end..].chars() {
            if !matches!(q, '"' | '\'' | '”' | '’' | '»' | ')') {
                break;
            }
            end += q.len_utf8();
        }
        at = end;
        let rest = &text[end..];
        let next_starts = is_cjk_end
            || (rest.starts_with(char::is_whitespace)
                && rest.trim_start().chars().next().is_some_and(|ch| {
                    ch.is_uppercase()
                        || ch.is_ascii_digit()
                        || matches!(ch, '"' | '“' | '‘' | '«' | '\'')
                }));
        if next_starts && !(c == '.' && is_abbreviation(&text[start..pos])) {
            if end > start {
                ranges.push(start..end);
            }
            start = end;
        }
    }
    if text[start..].trim().chars().any(char::is_alphanumeric) {
        ranges.push(start..text.len());
    }
}

/// Whether the text before a dot ends in an abbreviation (`Mr`, `Dr`, `U.S`, `St`).
fn is_abbreviation(before: &str) -> bool {
    let last = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    let letters = last.chars().filter(|c| c.is_alphabetic()).count();
    letters <= 3 && last.chars().next().is_some_and(char::is_uppercase)
}

/// Appends the hashes of the word shingles of one paragraph (a shorter paragraph is one shingle).
fn add_shingles(tokens: &[Token], out: &mut Vec<u64>) {
    if tokens.len() <= SHINGLE_WORDS {
        out.push(hash_ids(tokens.iter().map(|t| t.id)));
        return;
    }
    for window in tokens.windows(SHINGLE_WORDS) {
        out.push(hash_ids(window.iter().map(|t| t.id)));
    }
}

/// The MinHash signature of a set of shingle hashes (duplicates do not matter), by one
/// permutation hashing with rotation densification (Shrivastava and Li, 2014): each shingle is
/// hashed once into one of [`NUM_PERM`] bins, each bin keeps its minimum, and an empty bin takes
/// the value of the next non-empty bin to its right, offset by the distance. Two signatures
/// agree in a bin with probability close to the Jaccard similarity of the sets, as with
/// [`NUM_PERM`] separate permutations, at the cost of one hash per shingle instead of
/// [`NUM_PERM`].
pub fn minhash(shingles: &[u64]) -> Box<[u32]> {
    let mut mins = vec![u32::MAX; NUM_PERM];
    for &s in shingles {
        // remix: shingle hashes are good, but bins and values must not share bits
        let h = (s ^ 0x5eed_0001_d00d_f00d).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let h = h ^ (h >> 31);
        let bin = (((h >> 32) * NUM_PERM as u64) >> 32) as usize;
        // the top value is kept for empty bins
        let value = (h as u32).min(u32::MAX - 1);
        if value < mins[bin] {
            mins[bin] = value;
        }
    }
    if mins.iter().all(|&m| m == u32::MAX) {
        return mins.into_boxed_slice();
    }
    let filled = mins.clone();
    for (i, m) in mins.iter_mut().enumerate() {
        if *m != u32::MAX {
            continue;
        }
        let mut distance = 1;
        while filled[(i + distance) % NUM_PERM] == u32::MAX {
            distance += 1;
        }
        let borrowed = filled[(i + distance) % NUM_PERM];
        *m = borrowed.wrapping_add(0x9e37_79b9u32.wrapping_mul(distance as u32)) | 1;
        if *m == u32::MAX {
            *m -= 2;
        }
    }
    mins.into_boxed_slice()
}

/// Estimated Jaccard similarity of the shingle sets behind two signatures.
pub fn minhash_jaccard(a: &[u32], b: &[u32]) -> f64 {
    // a sum of 0/1 rather than a filtered count, so the compiler vectorizes it
    let same: usize = a
        .iter()
        .zip(b)
        .map(|(x, y)| usize::from(x == y && *x != u32::MAX))
        .sum();
    same as f64 / a.len().max(1) as f64
}

/// Characters of a title kept for string similarity (longer "titles" are not headlines).
const MAX_TITLE_CHARS: usize = 100;

/// The title lowercased with every run of non-word characters turned into one space, cut at
/// [`MAX_TITLE_CHARS`].
fn normalize_title(title: &str) -> String {
    let mut out = String::with_capacity(title.len().min(MAX_TITLE_CHARS));
    for c in title.chars().take(MAX_TITLE_CHARS) {
        if is_word_char(c) || is_ideograph(c) {
            out.extend(c.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<u32> {
        let mut out = Vec::new();
        tokenize(text, &mut out);
        out.iter().map(|t| t.id).collect()
    }

    #[test]
    fn mojibake_tokenizes_like_the_correct_text() {
        assert_eq!(
            ids("Guatemala’s Alianza Cívica — “yes”"),
            ids("Guatemalaâ€™s Alianza CÃ\u{ad}vica â€” â€œyesâ€\u{9d}")
        );
        assert_eq!(ids("Australia’s"), ids("Australiaā€™s"));
    }

    #[test]
    fn numbers_keep_their_separators_and_split_from_units() {
        let toks = ids("1,200 km and 4.1% at 50C");
        assert_eq!(toks.len(), 7);
        assert!(is_key_number(toks[0]));
        assert_eq!(toks, ids("1.200 km and 4,1% at 50 C"));
    }

    #[test]
    fn months_in_several_languages_share_an_id() {
        assert_eq!(ids("March"), ids("marzo"));
        assert_eq!(ids("April"), ids("avril"));
        assert_ne!(ids("March"), ids("April"));
        assert!(!is_key_number(ids("2024")[0]) && is_number(ids("2024")[0]));
    }

    #[test]
    fn sentences_split_at_ends_but_not_after_titles() {
        let text =
            "Mr. Smith met U.S. officials on Monday. “It went well,” he said! Talks resume 3 May.";
        let parts: Vec<&str> = sentence_ranges(text)
            .into_iter()
            .map(|r| text[r].trim())
            .collect();
        assert_eq!(
            parts,
            vec![
                "Mr. Smith met U.S. officials on Monday.",
                "“It went well,” he said!",
                "Talks resume 3 May."
            ]
        );
    }

    #[test]
    fn header_dates_are_found_in_several_forms() {
        let day = days_from_civil(2024, 3, 20);
        assert_eq!(day, Some(19_802));
        assert_eq!(find_date("Updated 11:10 AM GMT, March 20, 2024"), day);
        assert_eq!(find_date("Posted on 2024-03-20T08:00:00Z"), day);
        assert_eq!(find_date("Wednesday 20 March 2024 02:26 EDT"), day);
        assert_eq!(find_date("Publicado el 20 de marzo de 2024"), day);
        assert_eq!(find_date("20. März 2024, 14:00 Uhr"), day);
        assert_eq!(find_date("Page 20 of March"), None);
        assert_eq!(find_date("20.03.2024 | 21:15"), day);
        assert_eq!(find_date("20/03/2024"), day);
        assert_eq!(find_date("03/04/2024"), None);
        assert_eq!(find_date("Share on Facebook"), None);
    }

    #[test]
    fn capitalised_words_inside_sentences_are_names() {
        let mut toks = Vec::new();
        tokenize(
            "The minister met Ernesto Villatoro. Talks went well.",
            &mut toks,
        );
        let names: Vec<bool> = toks.iter().map(|t| t.is_name).collect();
        assert_eq!(
            names,
            vec![false, false, false, true, true, false, false, false]
        );
    }

    #[test]
    fn banner_paragraphs_are_marked_as_chrome() {
        let fp = fingerprint(
            None,
            &[
                "We use cookies to improve your experience. By continuing you agree to this."
                    .to_string(),
                "The council voted on Tuesday to close the old bridge to cars from June."
                    .to_string(),
            ],
        );
        let chrome: Vec<bool> = fp.sentences.iter().map(|s| s.is_chrome).collect();
        assert_eq!(chrome, vec![true, true, false]);
    }

    #[test]
    fn headline_lists_are_not_content() {
        let fp = fingerprint(
            Some("Storm hits coast"),
            &[
                "Most read".to_string(),
                "Dubrovnik halts new holiday rental permits inside old town walls".to_string(),
                "The storm reached the coast on Monday night, flooding 40 homes in the port."
                    .to_string(),
            ],
        );
        assert_eq!(fp.sentences.len(), 1);
        assert_eq!(fp.content_words, 14);
    }

    #[test]
    fn signature_is_stable_and_copies_agree() {
        let body = vec![
            "The council voted on Tuesday to close the old bridge to cars from June, citing cracks found in two of its piers during an inspection.".to_string(),
        ];
        let a = fingerprint(Some("Bridge closes"), &body);
        let b = fingerprint(Some("Bridge to close"), &body);
        assert_eq!(a.minhash, b.minhash);
        assert_eq!(minhash_jaccard(&a.minhash, &b.minhash), 1.0);
        let empty = fingerprint(None, &[]);
        assert!(empty.is_empty());
        assert_eq!(minhash_jaccard(&empty.minhash, &empty.minhash), 0.0);
    }

    /// The byte masks of `crate::ascii` (tested there against the standard library) read a
    /// letter or a digit where this table does.
    #[test]
    fn class_table_agrees_with_the_byte_masks() {
        for b in 0..=255u8 {
            let class = ASCII_CLASS[usize::from(b)];
            assert_eq!(class == LETTER, b.is_ascii_alphabetic(), "{b:#x}");
            assert_eq!(class == DIGIT, b.is_ascii_digit(), "{b:#x}");
        }
    }

    #[test]
    fn long_and_continued_words_are_read_like_short_ones() {
        let id =
            |w: &str| xxh3_64_with_seed(w.as_bytes(), TOKEN_SEED) as u32 & !(NUMBER_BIT | DATE_BIT);
        let long = "Pneumonoultramicroscopicsilicovolcanoconiosis";
        assert_eq!(ids(long), vec![id(&long.to_lowercase())]);
        assert_eq!(ids(&format!("{long}.")), ids(long));
        // a Cyrillic letter continues an ASCII word; the end of the text comes within 8 bytes
        assert_eq!(ids("abcЖ"), vec![id("abcж")]);
        assert_eq!(ids("Ab"), vec![id("ab")]);
    }

    #[test]
    fn cached_words_get_the_tokens_classify_makes() {
        let text = "The cookie said THE March figures, 2024 and 12, were the ones. Cookie";
        let mut first = Vec::new();
        tokenize(text, &mut first);
        // the second time every short word comes from the cache
        let mut again = Vec::new();
        tokenize(text, &mut again);
        assert_eq!(first, again);
        for t in &first {
            let end = text[t.start as usize..]
                .find(|c: char| !c.is_ascii_alphanumeric())
                .map_or(text.len(), |n| t.start as usize + n);
            let lower = text[t.start as usize..end].to_ascii_lowercase();
            let how = Word {
                is_digits: lower.bytes().all(|b| b.is_ascii_digit()),
                is_ascii: true,
                ..Word::default()
            };
            let fresh = classify(lower.as_bytes(), &how);
            assert_eq!(
                (t.id, t.is_content, t.is_chrome),
                (fresh.id, fresh.is_content, fresh.is_chrome),
                "{lower}"
            );
        }
    }

    #[test]
    fn a_separator_after_a_flushed_number_joins_the_next_digits() {
        // "5 ,3": the comma is read as the decimal separator of a number already flushed, so
        // ".3" is a token of its own that starts where "5" did. Odd, but token ids and
        // positions must never change.
        let mut toks = Vec::new();
        tokenize("5 ,3", &mut toks);
        let dot3 = NUMBER_BIT | (xxh3_64_with_seed(b".3", TOKEN_SEED) as u32 >> 2);
        assert_eq!(
            toks.iter().map(|t| (t.id, t.start)).collect::<Vec<_>>()[1],
            (dot3, 0)
        );
    }

    /// Paragraphs for [`fingerprints_never_change`]: something of every path of the tokenizer.
    const GOLDEN_TITLE: &str = "Harbour Council approves €40 million Sea Wall — “yes”";
    const GOLDEN_PARAGRAPHS: &[&str] = &[
        "Published 20 March 2024, 08:00",
        "PORT ELLERY (Reuters) - The harbour council voted 7-2 on Tuesday to build a €40 million sea wall, Mr. Smith told U.S. reporters. “It went well,” he said! Work starts in June.",
        "Guatemalaâ€™s Alianza CÃ\u{ad}vica said 1,200 homes and 4.1% of the port were at risk; costs rose 5 ,3 times since 1999.",
        "Москва и Ελλάδα: ΣΥΝΑΝΤΗΣΗ στην Αθήνα για το λιμάνι, abcжгд 50C temperatures and ОЧЕНЬ длинные слова here today.",
        "東京の港では新しい防波堤が建設されます。工事は来月始まる。Officials said the wall would protect 3,400 residents.",
        "Pneumonoultramicroscopicsilicovolcanoconiosis and internationalisation-compatible supercalifragilisticexpialidocious words sit beside x1 A1B2 q.e.d. notes.",
        "We use cookies to improve your experience. Subscribe to our newsletter for daily updates and privacy news.",
        "Most read",
    ];

    #[test]
    fn fingerprints_never_change() {
        // A digest of every field, as computed before the tokenizer was rewritten for speed:
        // stored signatures depend on it, so a change here is a format change.
        let paragraphs: Vec<String> = GOLDEN_PARAGRAPHS.iter().map(|p| p.to_string()).collect();
        let fp = fingerprint(Some(GOLDEN_TITLE), &paragraphs);
        let mut bytes: Vec<u8> = Vec::new();
        bytes.extend(fp.minhash.iter().flat_map(|v| v.to_le_bytes()));
        for s in fp.sentences.iter() {
            bytes.extend(s.hash.to_le_bytes());
            bytes.extend(s.words.to_le_bytes());
            bytes.push(u8::from(s.is_chrome));
            bytes.extend(s.tokens.iter().flat_map(|t| t.to_le_bytes()));
        }
        bytes.extend(fp.title_tokens.iter().flat_map(|t| t.to_le_bytes()));
        bytes.extend(fp.title_text.as_bytes());
        bytes.extend(fp.content_words.to_le_bytes());
        bytes.extend(fp.names.iter().flat_map(|t| t.to_le_bytes()));
        bytes.extend(fp.header_day.unwrap_or(i32::MIN).to_le_bytes());
        assert_eq!((fp.sentences.len(), fp.content_words), (11, 145));
        assert_eq!(xxh3_64(&bytes), 0xea7b_770e_f1ec_6a6b);
    }
}

//! Bytes to text: which encoding a file is in, and its text with line endings normalised.
//!
//! In: the raw bytes of one file. Out: a `String` with `\n` line endings, the name of the encoding
//! that was used (as `encoding_rs` spells it: `UTF-8`, `UTF-16LE`, `windows-1252`, `Shift_JIS`),
//! and how many invalid sequences were replaced by U+FFFD. It never guesses at mojibake: text that
//! was *already* mis-decoded before it was saved is valid UTF-8 here and is `repair`'s business.
//!
//! Order of evidence: a byte-order mark wins; then UTF-16 without a BOM (the NUL pattern of
//! mostly-Latin UTF-16 is unmistakable, and such bytes are also valid UTF-8, so this check comes
//! first); then valid UTF-8; then UTF-8 with a few broken bytes (a
//! scraper that cut a file mid-character still wrote UTF-8); then `chardetng`, Firefox's
//! detector for legacy encodings, which is built for `encoding_rs` and knows the single-byte and
//! CJK encodings of the web.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};

/// The text of one file and how it was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, with CRLF and lone CR turned into LF and any BOM removed.
    pub text: String,
    /// The encoding the bytes were read as, e.g. `UTF-8` or `windows-1251`.
    pub encoding: &'static str,
    /// Invalid byte sequences that were replaced by U+FFFD (0 for clean input).
    pub invalid_sequences: usize,
}

/// Decodes the bytes of one file.
pub fn decode_bytes(bytes: &[u8]) -> Decoded {
    let (encoding, body) = match Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (enc, &bytes[bom_len..]),
        None => (detect(bytes), bytes),
    };
    let (text, invalid_sequences) = decode_with(encoding, body);
    Decoded {
        text: normalize_newlines(text),
        encoding: encoding.name(),
        invalid_sequences,
    }
}

/// Whether `bytes` start with a UTF-16 byte-order mark.
pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF")
}

/// Recognises UTF-16 without a byte-order mark by where its NUL bytes sit.
///
/// Mostly-Latin UTF-16 has a NUL in every other byte; we ask for at least 40% of the even (BE) or
/// odd (LE) positions to be NUL and almost none of the others, over the first 4 KiB.
pub fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    // no NUL at all (almost every file): nothing to count
    if head.len() < 8 || memchr::memchr(0, head).is_none() {
        return None;
    }
    let pairs = head.len() / 2;
    let even_nul = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_nul * 10 >= pairs * 4 && even_nul * 20 <= pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 4 && odd_nul * 20 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    // UTF-16 first: mostly-ASCII UTF-16 is also *valid* UTF-8 (NUL is a valid UTF-8 byte), and no
    // real UTF-8 text has a NUL in every other byte.
    if let Some(enc) = utf16_without_bom(bytes) {
        return enc;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    if mostly_utf8(bytes) {
        return UTF_8;
    }
    // Text files run no scripts, so ISO-2022-JP is allowed; UTF-8 was ruled out above.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Deny)
}

/// Whether invalid UTF-8 is still best read as UTF-8: it has more well-formed multi-byte
/// sequences than broken ones (a truncated or lightly corrupted UTF-8 file), as opposed to a legacy
/// single-byte file, whose high bytes almost never form valid UTF-8 sequences.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(err) => {
                let (good, bad) = rest.split_at(err.valid_up_to());
                // SAFETY-free: `good` is valid UTF-8 by construction of `valid_up_to`.
                valid_multibyte += std::str::from_utf8(good)
                    .map(|s| s.chars().filter(|c| !c.is_ascii()).count())
                    .unwrap_or(0);
                invalid += 1;
                let skip = err.error_len().unwrap_or(bad.len()).max(1);
                rest = &bad[skip.min(bad.len())..];
            }
        }
    }
    valid_multibyte > invalid * 2
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> (String, usize) {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let invalid = if had_errors {
        text.chars().filter(|&c| c == '\u{FFFD}').count()
    } else {
        0
    };
    (text.into_owned(), invalid)
}

/// Turns CRLF and lone CR into LF.
pub fn normalize_newlines(text: String) -> String {
    if memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            out.push('\n');
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_is_kept() {
        let d = decode_bytes("Šiaulių žinios: 5 €\n".as_bytes());
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.text, "Šiaulių žinios: 5 €\n");
        assert_eq!(d.invalid_sequences, 0);
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode_bytes(b"\xEF\xBB\xBFTitle\n");
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-8", "Title\n"));
    }

    #[test]
    fn utf16le_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Zürich\r\nNews".encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode_bytes(&bytes);
        assert_eq!((d.encoding, d.text.as_str()), ("UTF-16LE", "Zürich\nNews"));
    }

    #[test]
    fn utf16be_without_bom_is_recognised() {
        let bytes: Vec<u8> = "Breaking news from Berlin today"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        let d = decode_bytes(&bytes);
        assert_eq!(d.encoding, "UTF-16BE");
        assert_eq!(d.text, "Breaking news from Berlin today");
    }

    #[test]
    fn windows_1251_russian_is_detected() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("Правительство России объявило о новых мерах поддержки экономики страны.");
        let d = decode_bytes(&bytes);
        assert_eq!(d.encoding, "windows-1251");
        assert!(d.text.starts_with("Правительство России"));
    }

    #[test]
    fn latin1_french_is_detected() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252
            .encode("Le président a déclaré que la réforme des retraites était nécessaire.");
        let d = decode_bytes(&bytes);
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains("président a déclaré"));
    }

    #[test]
    fn broken_utf8_stays_utf8_with_replacements() {
        let mut bytes = "Café crème à Genève, déjà vu. ".repeat(3).into_bytes();
        bytes.extend_from_slice(b"\xC3"); // cut in the middle of a character
        let d = decode_bytes(&bytes);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.invalid_sequences, 1);
        assert!(d.text.ends_with('\u{FFFD}'));
    }

    #[test]
    fn crlf_and_lone_cr_become_lf() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n".into()), "a\nb\nc\n");
    }
}

//! ASCII classes of eight bytes at once, for the loops that read every byte of every article
//! (the tokenizer of [`crate::fingerprint`], the title check of [`crate::record`], the line
//! features of [`crate::boilerplate`], the digit test of [`crate::extract::dates`]).
//!
//! In: a `u64` holding eight bytes of text (little endian, so the first byte is the lowest).
//! Out: the high bit of each byte that is in the class, every other bit clear; the first byte
//! outside the class is then found with `trailing_zeros`. Bytes of non-ASCII characters are never
//! in a class. Plain integer arithmetic rather than SIMD intrinsics: no `unsafe`, and eight bytes
//! are enough for words of news text.

/// A `u64` with `byte` in each of its eight bytes.
pub(crate) const fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Up to eight bytes as a little-endian number (the first byte lowest), zero above them: a
/// short word as one key, or the last bytes of a text padded to eight.
pub(crate) fn low_bytes(bytes: &[u8]) -> u64 {
    let mut padded = [0u8; 8];
    padded[..bytes.len()].copy_from_slice(bytes);
    u64::from_le_bytes(padded)
}

/// The top bits of a `u64` of eight bytes (the others clear) gathered into one byte, bit i from
/// byte i: the multiply moves the bit of byte i to bit 56 + i, and no two products overlap.
#[inline]
pub(crate) fn gather(high: u64) -> u64 {
    ((high >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The high bit of each byte of `x` that is an ASCII letter. With the high bits cleared first,
/// adding a constant to every byte cannot carry into the next one, so one addition compares all
/// eight bytes at once.
pub(crate) fn letter_bytes(x: u64) -> u64 {
    // letters lowercased, so one range to test
    let t = (x | splat(0x20)) & !splat(0x80);
    let from_a = t + splat(0x80 - b'a');
    let past_z = t + splat(0x80 - b'z' - 1);
    from_a & !past_z & !x & splat(0x80)
}

/// The high bit of each byte of `x` that is an ASCII digit (as [`letter_bytes`]).
pub(crate) fn digit_bytes(x: u64) -> u64 {
    let t = x & !splat(0x80);
    let from_0 = t + splat(0x80 - b'0');
    let past_9 = t + splat(0x80 - b'9' - 1);
    from_0 & !past_9 & !x & splat(0x80)
}

/// The high bit of each byte of `x` that is white space to `char::is_whitespace`: the space and
/// the controls from tab to carriage return (0x09..=0x0d).
pub(crate) fn space_bytes(x: u64) -> u64 {
    let t = x & !splat(0x80);
    let from_tab = t + splat(0x80 - 0x09);
    let past_cr = t + splat(0x80 - 0x0d - 1);
    ((from_tab & !past_cr) | equal_bytes(x, b' ')) & !x & splat(0x80)
}

/// The high bit of each byte of `x` equal to `byte` (ASCII): a byte of `x ^ splat(byte)` is
/// zero just there, and adding 0x7f to its low seven bits sets the high bit of every other one.
pub(crate) fn equal_bytes(x: u64, byte: u8) -> u64 {
    debug_assert!(byte.is_ascii());
    let y = x ^ splat(byte);
    !(((y & !splat(0x80)) + !splat(0x80)) | y) & splat(0x80)
}

/// `text.split_whitespace().count()`, eight bytes at a time for ASCII text: a word starts at each
/// byte that is not white space and follows white space or the start.
pub(crate) fn whitespace_word_count(text: &str) -> usize {
    if !is_ascii(text.as_bytes()) {
        return text.split_whitespace().count();
    }
    let bytes = text.as_bytes();
    let mut count = 0;
    // Whether the byte before the chunk is white space (the start counts as white space).
    let mut before = 1u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("chunk of 8"));
        let space = gather(space_bytes(x));
        count += (!space & (space << 1 | before) & 0xff).count_ones() as usize;
        before = space >> 7;
    }
    let mut after_space = before == 1;
    for &b in chunks.remainder() {
        let space = b == b' ' || (0x09..=0x0d).contains(&b);
        count += usize::from(!space && after_space);
        after_space = space;
    }
    count
}

/// Whether `bytes` are all ASCII, eight bytes at a time without an early exit. On the lines of
/// the boilerplate stage, many of them short, callgrind showed the standard library's test
/// running its byte-at-a-time loop.
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    let mut high = 0;
    for chunk in &mut chunks {
        high |= u64::from_le_bytes(chunk.try_into().expect("chunk of 8"));
    }
    high & splat(0x80) == 0 && chunks.remainder().iter().all(u8::is_ascii)
}

/// Position of the first byte from 0x80 on (a byte of a character that is not ASCII) at or after
/// `pos` in `bytes`, eight bytes at a time.
#[inline]
pub(crate) fn next_non_ascii(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(eight) = bytes.get(pos..pos + 8) {
        let high = u64::from_le_bytes(eight.try_into().expect("slice of 8")) & splat(0x80);
        if high != 0 {
            return Some(pos + (high.trailing_zeros() / 8) as usize);
        }
        pos += 8;
    }
    (pos..bytes.len()).find(|&i| bytes[i] >= 0x80)
}

/// Whether `bytes` are all ASCII, and whether they hold an ASCII digit: one pass eight bytes at
/// a time, for the two questions the boilerplate stage asks of every line.
pub(crate) fn ascii_and_digit(bytes: &[u8]) -> (bool, bool) {
    let mut chunks = bytes.chunks_exact(8);
    // No early exit: a line is short, and most lines of prose hold no digit at all.
    let (mut high, mut digits) = (0, 0);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().expect("chunk of 8"));
        high |= x;
        digits |= digit_bytes(x);
    }
    let rest = chunks.remainder();
    (
        high & splat(0x80) == 0 && rest.iter().all(u8::is_ascii),
        digits != 0 || rest.iter().any(u8::is_ascii_digit),
    )
}

/// Number of ASCII letters and digits at the start of `bytes`.
pub(crate) fn alphanumeric_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(chunk) = bytes[at..].first_chunk::<8>() {
        let x = u64::from_le_bytes(*chunk);
        let outside = !(letter_bytes(x) | digit_bytes(x)) & splat(0x80);
        if outside != 0 {
            return at + (outside.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(bytes.len() - at)
}

/// Number of ASCII bytes other than letters and digits at the start of `bytes`.
pub(crate) fn separator_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    while let Some(chunk) = bytes[at..].first_chunk::<8>() {
        let x = u64::from_le_bytes(*chunk);
        // letters, digits and the bytes of other characters end a run of separators
        let outside = letter_bytes(x) | digit_bytes(x) | (x & splat(0x80));
        if outside != 0 {
            return at + (outside.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + bytes[at..]
        .iter()
        .position(|b| b.is_ascii_alphanumeric() || !b.is_ascii())
        .unwrap_or(bytes.len() - at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_of_every_byte_in_every_lane() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                let mut bytes = [b' '; 8];
                bytes[lane] = b;
                let x = u64::from_le_bytes(bytes);
                let bit = 0x80u64 << (8 * lane);
                assert_eq!(
                    letter_bytes(x) & bit != 0,
                    b.is_ascii_alphabetic(),
                    "{b:#x}"
                );
                assert_eq!(digit_bytes(x) & bit != 0, b.is_ascii_digit(), "{b:#x}");
                for byte in [b' ', b'\'', 0x00, 0x7f] {
                    assert_eq!(
                        equal_bytes(x, byte) & bit != 0,
                        b == byte,
                        "{b:#x} {byte:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn run_lengths_agree_with_a_byte_loop() {
        let text = "Harbour2024 council, — voted   7-2 on Tuesday; Ελλάδα abc";
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            let rest = &bytes[start..];
            let alnum = rest
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            let sep = rest
                .iter()
                .take_while(|b| b.is_ascii() && !b.is_ascii_alphanumeric())
                .count();
            assert_eq!(alphanumeric_len(rest), alnum, "{start}");
            assert_eq!(separator_len(rest), sep, "{start}");
        }
    }

    #[test]
    fn words_between_white_space_are_counted_as_the_standard_library_does() {
        let pieces = [
            "a", " ", "  ", "\t", "\n", "\x0b", "\x0c", "\r", "word", "x1", "\x1c", "\x1f", "-",
            "é", "\u{a0}", "\u{2003}", "\u{85}", "Harbour", ".",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut ascii_lines = 0;
        for _ in 0..5000 {
            // Three pieces of up to eight each: lines of several eight-byte chunks. A made line
            // ends in `é`; without it, a few percent of them are all ASCII.
            let mut line: String = (0..3)
                .map(|_| {
                    crate::testing::mixed_line(crate::testing::xorshift(&mut seed), &pieces, 8)
                })
                .map(|piece| piece.trim_end_matches('é').to_string())
                .collect();
            if seed & 1 == 0 {
                line.push('é');
            }
            ascii_lines += usize::from(line.is_ascii());
            assert_eq!(
                whitespace_word_count(&line),
                line.split_whitespace().count(),
                "{line:?}"
            );
        }
        assert!(ascii_lines > 100, "{ascii_lines}");
        for b in 0..=127u8 {
            let x = u64::from_le_bytes([b; 8]);
            let want = (b as char).is_whitespace();
            assert_eq!(space_bytes(x) == splat(0x80), want, "{b:#x}");
            assert!(space_bytes(x) == 0 || want, "{b:#x}");
        }
    }

    #[test]
    fn tests_of_whole_slices_agree_with_byte_loops() {
        // Every slice of a line with ASCII and other text, digits and other digits.
        let text = "Pay rose by 7% in 2024 — the union said; café, Ελλάδα, ¹²³ and ٣ are not ASCII";
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                let part = &bytes[start..end];
                assert_eq!(is_ascii(part), part.is_ascii(), "{start}..{end}");
                let first = part.iter().position(|b| !b.is_ascii());
                assert_eq!(next_non_ascii(part, 0), first, "{start}..{end}");
                let digit = part.iter().any(u8::is_ascii_digit);
                assert_eq!(
                    ascii_and_digit(part),
                    (part.is_ascii(), digit),
                    "{start}..{end}"
                );
            }
        }
    }
}

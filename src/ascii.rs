//! ASCII classes of eight bytes at once, for the loops that read every byte of every article
//! (the tokenizer of [`crate::fingerprint`], the title check of [`crate::record`]).
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

/// Whether `bytes` hold an ASCII digit, eight bytes at a time.
pub(crate) fn has_digit(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    // No early exit: a line is short, and most lines of prose hold no digit at all.
    let mut found = 0;
    for chunk in &mut chunks {
        found |= digit_bytes(u64::from_le_bytes(chunk.try_into().expect("chunk of 8")));
    }
    found != 0 || chunks.remainder().iter().any(u8::is_ascii_digit)
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
    fn digits_are_found_wherever_they_stand() {
        let text = "Pay rose by a fifth — Ελλάδα, ¹²³ and ٣ are not ASCII digits; 7 is";
        let bytes = text.as_bytes();
        for start in 0..bytes.len() {
            for end in start..=bytes.len() {
                let part = &bytes[start..end];
                assert_eq!(
                    has_digit(part),
                    part.iter().any(u8::is_ascii_digit),
                    "{start}..{end}"
                );
            }
        }
    }
}

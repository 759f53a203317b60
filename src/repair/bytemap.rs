//! Code pages as byte maps, and the one-pass scan that keeps clean lines on the fast path.
//!
//! In: characters (or a line as UTF-8 bytes). Out: for each code page, the byte a character maps
//! back to (with the "sloppy" readings: a C1 control as its own byte where the page leaves that
//! byte undefined, or always for Windows-1252, which Latin-1 text is mixed up with; an undefined
//! byte as its Windows-1252 character), per-character masks of the pages in which it can be a
//! UTF-8 lead or continuation byte, and `scan_line`'s verdict on whether a line needs the slow
//! steps at all. Tables are built once from `tables.rs`; nothing here allocates per call.

use std::sync::OnceLock;

use super::tables::{PAGES, WINDOWS_1252};

/// Slots of the encoding tables: U+0080..U+07FF, U+2000..U+25FF, then three odd characters.
const SLOTS: usize = 0xe03;

fn slot(c: char) -> Option<usize> {
    let u = c as usize;
    match u {
        0x80..=0x7ff => Some(u),
        0x2000..=0x25ff => Some(u - 0x2000 + 0x800),
        0xf8ff => Some(0xe00),
        0xfb01 => Some(0xe01),
        0xfb02 => Some(0xe02),
        _ => None,
    }
}

/// The character may be a UTF-8 lead byte in some page.
pub const LEAD: u8 = 1;
/// The character may be a UTF-8 continuation byte in some page.
pub const CONT: u8 = 2;
/// The character may be a two-byte lead in some page (so "lead + space" may hide 0xA0).
pub const LEAD2: u8 = 4;

/// Page masks of one character: bit p set when the character is, in page p, a lead byte
/// (any, two-byte, two-byte in a page with 0xA0 = no-break space) or a continuation byte.
#[derive(Clone, Copy, Default)]
struct Masks {
    lead: u16,
    short: u16,
    lead2: u16,
    cont: u16,
}

struct Tables {
    /// Per page: character slot -> byte (0 = the page cannot produce this character). Slots
    /// below 0x80 are ASCII (the byte is the character), slot [`NO_SLOT`] gives 0.
    enc: Vec<[u8; SLOTS + 1]>,
    /// Per page: bit b - 0x80 set for each byte 0x80..=0xBF a decoder may have dropped.
    lost: Vec<u64>,
    /// Per slot: LEAD / CONT / LEAD2 over all pages.
    flags: [u8; SLOTS],
    /// Per slot: the four page masks below, side by side (one cache line per lookup).
    masks: Vec<Masks>,
    /// Per slot: bit p set when the character is a lead byte in page p.
    lead_pages: [u16; SLOTS],
    /// Per slot: bit p set when the character is a continuation byte in page p.
    cont_pages: [u16; SLOTS],
    /// Per slot: bit p set when the character is a two-byte lead in page p, which maps 0xA0 to
    /// a no-break space.
    lead2_pages: [u16; SLOTS],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(build_tables)
}

fn build_tables() -> Tables {
    let mut enc = Vec::with_capacity(PAGES.len());
    let mut lost = Vec::with_capacity(PAGES.len());
    let mut flags = [0u8; SLOTS];
    let mut lead_pages = [0u16; SLOTS];
    let mut cont_pages = [0u16; SLOTS];
    let mut lead2_pages = [0u16; SLOTS];
    let mut short_pages = [0u16; SLOTS];
    for (p, page) in PAGES.iter().enumerate() {
        let mut map = [0u8; SLOTS + 1];
        for (b, slot) in map.iter_mut().enumerate().take(0x80) {
            *slot = b as u8;
        }
        let defined = |b: usize| {
            let u = page.high[b - 0x80];
            u != 0 && !(0x80..0xa0).contains(&u)
        };
        for b in 0x80..=0xffusize {
            if defined(b) {
                let c = char::from_u32(u32::from(page.high[b - 0x80])).expect("table holds chars");
                if let Some(s) = slot(c)
                    && map[s] == 0
                {
                    map[s] = b as u8;
                }
            }
        }
        // Sloppy forms: the Windows-1252 character of an undefined byte in the C1 range.
        for b in 0x80..0xa0usize {
            let c = WINDOWS_1252[b - 0x80];
            if !defined(b)
                && c != 0
                && let Some(s) = char::from_u32(u32::from(c)).and_then(slot)
                && map[s] == 0
            {
                map[s] = b as u8;
            }
        }
        // The C1 control of a byte the page leaves undefined; for Windows-1252 all of them
        // (Latin-1 and Windows-1252 are mixed up so often that they count as one page).
        let is_1252 = std::ptr::eq(page.high, &WINDOWS_1252);
        for (b, slot) in map.iter_mut().enumerate().take(0xa0).skip(0x80) {
            if is_1252 || !defined(b) {
                *slot = b as u8;
            }
        }
        let mut dropped = 0u64;
        for b in 0x80..0xc0usize {
            let cp1252_undefined = b < 0xa0 && WINDOWS_1252[b - 0x80] == 0;
            if !defined(b) || cp1252_undefined {
                dropped |= 1 << (b - 0x80);
            }
        }
        let nbsp_at_a0 = page.high[0x20] == 0xa0;
        for (s, &b) in map.iter().enumerate().take(SLOTS) {
            let bit = 1u16 << p;
            match b {
                0xc2..=0xdf if nbsp_at_a0 => {
                    flags[s] |= LEAD | LEAD2;
                    lead_pages[s] |= bit;
                    lead2_pages[s] |= bit;
                    short_pages[s] |= bit;
                }
                0xc2..=0xdf => {
                    flags[s] |= LEAD;
                    lead_pages[s] |= bit;
                    short_pages[s] |= bit;
                }
                0xe0..=0xf4 => {
                    flags[s] |= LEAD;
                    lead_pages[s] |= bit;
                }
                0x80..=0xbf => {
                    flags[s] |= CONT;
                    cont_pages[s] |= bit;
                }
                _ => {}
            }
        }
        enc.push(map);
        lost.push(dropped);
    }
    let masks = (0..SLOTS)
        .map(|s| Masks {
            lead: lead_pages[s],
            short: short_pages[s],
            lead2: lead2_pages[s],
            cont: cont_pages[s],
        })
        .collect();
    Tables {
        enc,
        lost,
        flags,
        masks,
        lead_pages,
        cont_pages,
        lead2_pages,
    }
}

/// LEAD / CONT / LEAD2 flags of `c` (0 for ASCII and for characters no page produces).
pub fn char_flags(c: char) -> u8 {
    match slot(c) {
        Some(s) => tables().flags[s],
        None => 0,
    }
}

/// Slot of a character no page produces.
const NO_SLOT: usize = SLOTS;

/// A code page's byte map: [`PageMap::byte`] is the byte a character maps back to.
#[derive(Clone, Copy)]
pub struct PageMap(&'static [u8; SLOTS + 1]);

impl PageMap {
    /// The byte `c` maps back to (0 = none), as [`enc`] gives it.
    #[inline]
    pub fn byte(self, c: char) -> u8 {
        if c.is_ascii() {
            return c as u8;
        }
        self.0[slot(c).unwrap_or(NO_SLOT)]
    }
}

/// The byte map of page `page`.
pub fn page_map(page: usize) -> PageMap {
    PageMap(&tables().enc[page])
}

/// The byte `c` maps back to in page `page` (0 = none).
#[cfg(test)]
pub fn enc(page: usize, c: char) -> u8 {
    page_map(page).byte(c)
}

/// Byte `b` may have been dropped by a decoder in page `page` (bytes 0x80..=0xBF only).
pub fn is_lost_byte(page: usize, b: u8) -> bool {
    (0x80..0xc0).contains(&b) && tables().lost[page] & (1u64 << (b - 0x80)) != 0
}

/// Pages in which some pair of neighbours in `chars` could start a UTF-8 sequence.
pub fn candidate_pages(chars: &[char]) -> u16 {
    let t = tables();
    let mut mask = 0u16;
    let mut prev: Option<usize> = None;
    for &c in chars {
        let s = slot(c);
        if let Some(p) = prev {
            mask |= match s {
                Some(s) => t.lead_pages[p] & t.cont_pages[s],
                None if c == ' ' => t.lead2_pages[p],
                None if c == '?' || c == '\u{fffd}' => t.lead_pages[p],
                None => 0,
            };
        }
        prev = s;
    }
    mask
}

/// [`scan_line`] found a pair that may start a mojibake sequence (or a C1 control).
pub const SUSPECT: u8 = 1;
/// [`scan_line`] found a C1 control character.
pub const HAS_C1: u8 = 2;
/// [`scan_line`] found a byte-order mark or a zero-width space.
pub const HAS_INVISIBLE: u8 = 4;

/// One pass over the bytes of `line`: what the slow steps would find to do (SUSPECT, HAS_C1,
/// HAS_INVISIBLE bits). ASCII runs are skipped a byte at a time without decoding; characters
/// outside the code-page tables (CJK, Indic, emoji...) are skipped by their lead byte.
pub fn scan_line(line: &str) -> u8 {
    let b = line.as_bytes();
    let t = tables();
    let at = |k: usize| u32::from(b.get(k).copied().unwrap_or(0) & 0x3f);
    let mut found = 0;
    // Pages in which the previous character is a lead (any, two-byte, two-byte before 0xA0).
    let (mut lead, mut short, mut lead2) = (0u16, 0u16, 0u16);
    // Pages in which a long lead was followed by one continuation so far.
    let mut pending = 0u16;
    let mut i = 0;
    while i < b.len() {
        let x = b[i];
        if x < 0x80 {
            // A space or `?` after a lead or a lead and one continuation: a byte lost or turned
            // into a space.
            if (x == b' ' && (lead2 | pending) != 0) || (x == b'?' && (lead | pending) != 0) {
                found |= SUSPECT;
            }
            (lead, short, lead2, pending) = (0, 0, 0, 0);
            i += 1;
            while i < b.len() && b[i] < 0x80 {
                i += 1;
            }
            continue;
        }
        let (cp, len) = match x {
            0xc0..=0xdf => ((u32::from(x & 0x1f) << 6) | at(i + 1), 2),
            0xe0..=0xef => (
                (u32::from(x & 0x0f) << 12) | (at(i + 1) << 6) | at(i + 2),
                3,
            ),
            _ => (0x10000, 4),
        };
        i += len;
        let s = match cp {
            0x80..=0x9f => {
                found |= HAS_C1 | SUSPECT;
                Some(cp as usize)
            }
            0xa0..=0x7ff => Some(cp as usize),
            0x2000..=0x25ff => {
                if cp == 0x200b {
                    found |= HAS_INVISIBLE;
                }
                Some(cp as usize - 0x2000 + 0x800)
            }
            0xfeff => {
                found |= HAS_INVISIBLE;
                None
            }
            0xfffd => {
                if (lead | pending) != 0 {
                    found |= SUSPECT;
                }
                None
            }
            0xf8ff => Some(0xe00),
            0xfb01 => Some(0xe01),
            0xfb02 => Some(0xe02),
            _ => None,
        };
        let Some(s) = s else {
            (lead, short, lead2, pending) = (0, 0, 0, 0);
            continue;
        };
        let m = t.masks[s];
        let cont = m.cont;
        if cont & (short | pending) != 0 {
            found |= SUSPECT;
        }
        pending = (lead & !short) & cont;
        lead = m.lead;
        short = m.short;
        lead2 = m.lead2;
    }
    if pending != 0 {
        found |= SUSPECT;
    }
    found
}

/// [`scan_line`]'s SUSPECT bit, on characters.
pub fn may_hold_mojibake_chars(chars: &[char]) -> bool {
    let mut prev = 0u8;
    for &c in chars {
        if c.is_ascii() {
            if (c == ' ' && prev & LEAD2 != 0) || (c == '?' && prev & LEAD != 0) {
                return true;
            }
            prev = 0;
            continue;
        }
        if c == '\u{fffd}' && prev & LEAD != 0 {
            return true;
        }
        let f = char_flags(c);
        if (prev & LEAD != 0 && f & CONT != 0) || (0x80..0xa0).contains(&(c as u32)) {
            return true;
        }
        prev = f;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_put_euro_where_windows_1252_does() {
        assert_eq!(enc(0, '€'), 0x80);
        assert_eq!(enc(0, 'Ã'), 0xc3);
        assert_eq!(enc(3, 'ā'), 0xe2);
        // 0x9C is undefined in Windows-1257: the sloppy form reads it as Windows-1252's `œ`.
        assert_eq!(enc(3, 'œ'), 0x9c);
    }

    #[test]
    fn byte_scan_agrees_with_char_scan() {
        for s in [
            "Rīga",
            "Привет мир",
            "日本語",
            "cafÃ©",
            "Ã ",
            "x\u{85}",
            "a\u{feff}b",
            "Ñ�",
            "ā€ ",
            "Mötley Crüe",
            "’ “ ”",
            "├¡",
        ] {
            let chars: Vec<char> = s.chars().collect();
            assert_eq!(
                scan_line(s) & SUSPECT != 0,
                may_hold_mojibake_chars(&chars),
                "{s}"
            );
        }
        assert_ne!(scan_line("a\u{feff}b") & HAS_INVISIBLE, 0);
        assert_ne!(scan_line("a\u{85}b") & HAS_C1, 0);
    }

    #[test]
    fn clean_words_have_no_suspicious_pair() {
        for s in [
            "Rīga",
            "Привет мир",
            "日本語",
            "Ελληνικά",
            "Mötley Crüe",
            "SÃO PAULO",
        ] {
            assert_eq!(scan_line(s) & SUSPECT, 0, "{s}");
        }
        assert_ne!(scan_line("cafÃ©") & SUSPECT, 0);
    }
}

//! Reading a publication date out of a dateline, in the common formats of several languages.
//!
//! In: one line of text. Out: a [`Found`] date (ISO 8601 with the time and offset when the line
//! gives them) and whether the line is *only* a dateline (so it may leave the body).
//!
//! Formats: `2024-05-01[T02:26[:00][±hh:mm|Z]]`, `01.05.2024`, `1. Mai 2024`, `01 May 2024`,
//! `1 de mayo de 2024`, `1er mai 2024`, `1 maja 2024`, `May 1, 2024`, each with an optional time
//! (`02:26`, `9:52 PM`, `14.30 Uhr`, `14h30`) and time-zone abbreviation (`EDT`) or offset.
//! Month and weekday names, zone abbreviations and label words are data (`dates.txt`).
//! Slash dates (`05/01/2024`) are not read: day and month order differ between countries.
//! Hand-written rather than `chrono`/`dateparser`: we need only validation of a calendar date and
//! multilingual month names, which those crates do not carry.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::FastSet;
use crate::ascii::gather;

const DATA: &str = include_str!("dates.txt");

struct Calendar {
    months: HashMap<&'static str, u32>,
    zones: HashMap<&'static str, &'static str>,
    /// Weekday names and label words: what a dateline may hold besides the date.
    filler: FastSet<&'static str>,
    textual_dmy: Regex,
    textual_mdy: Regex,
    numeric: Regex,
    iso: Regex,
    time: Regex,
}

static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| {
    let mut months = HashMap::new();
    let mut zones = HashMap::new();
    let mut filler = FastSet::default();
    for line in DATA.lines() {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("month") => {
                let n: u32 = words
                    .next()
                    .and_then(|w| w.parse().ok())
                    .expect("dates.txt: month lines start with a number");
                for w in words {
                    months.insert(w, n);
                }
            }
            Some("tz") => {
                if let (Some(name), Some(offset)) = (words.next(), words.next()) {
                    zones.insert(name, offset);
                }
            }
            Some("weekday" | "label") => filler.extend(words),
            _ => {}
        }
    }
    let mut names: Vec<&str> = months.keys().copied().collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let month_alt = names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|");
    let textual_dmy = Regex::new(&format!(
        r"(?i)(?-u:\b)(\d{{1,2}})(?:\.|er|st|nd|rd|th|º)?\s*(?:de\s+)?({month_alt})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})(?-u:\b)"
    ))
    .expect("day-month-year pattern is valid");
    let textual_mdy = Regex::new(&format!(
        r"(?i)(?-u:\b)({month_alt})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?-u:\b)"
    ))
    .expect("month-day-year pattern is valid");
    Calendar {
        months,
        zones,
        filler,
        textual_dmy,
        textual_mdy,
        numeric: Regex::new(r"(?-u:\b)(\d{1,2})\.(\d{1,2})\.(\d{4})(?-u:\b)").expect("valid"),
        iso: Regex::new(
            r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?(?-u:\b)",
        )
        .expect("valid"),
        time: Regex::new(
            r"(?i)(?-u:\b)(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?(?:\s*(?:uhr|h))?(?:\s*\(?([a-z]{1,4})\)?)?(?:\s*([+-]\d{2}:?\d{2}))?",
        )
        .expect("valid"),
    }
});

/// A date read from a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// ISO 8601: `2024-05-01T02:26:00-04:00`, `2024-05-01T02:26:00` (no zone given) or `2024-05-01`.
    pub iso: String,
    /// Whether the line holds nothing but the date, its time and label words.
    pub whole_line: bool,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

fn valid(year: i32, month: u32, day: u32) -> bool {
    (1900..=2100).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month)
}

/// Reads the first date in `line`, if any.
pub fn find_date(line: &str) -> Option<Found> {
    // Every format read here has a four-digit year: a cheap test before any regex runs.
    if line.len() > 200 {
        return None;
    }
    let shapes = digit_shapes(line.as_bytes());
    if !shapes.year {
        return None;
    }
    let cal = &*CALENDAR;
    let mut spans: Vec<(usize, usize)> = Vec::new();
    let mut date: Option<(i32, u32, u32)> = None;
    let mut iso_time: Option<String> = None;

    // The numeric formats need their separators next to the year's digits; the byte test rules
    // out most ASCII lines before their regex runs (`\d` also matches non-ASCII digits, so
    // other lines always go to the regex).
    let exotic = !line.is_ascii();
    let iso_shape = exotic || shapes.iso;
    let dotted_year = exotic || shapes.dotted;

    if iso_shape && let Some(c) = cal.iso.captures(line) {
        let y: i32 = c[1].parse().ok()?;
        let m: u32 = c[2].parse().ok()?;
        let d: u32 = c[3].parse().ok()?;
        if valid(y, m, d) {
            date = Some((y, m, d));
            let whole = c.get(0).expect("match");
            spans.push((whole.start(), whole.end()));
            if let (Some(h), Some(min)) = (c.get(4), c.get(5)) {
                let s = c.get(6).map_or("00", |s| s.as_str());
                let zone = c.get(7).map_or(String::new(), |z| {
                    let z = z.as_str();
                    if z == "Z" {
                        "+00:00".to_string()
                    } else if z.len() == 5 {
                        format!("{}:{}", &z[..3], &z[3..])
                    } else {
                        z.to_string()
                    }
                });
                iso_time = Some(format!("T{}:{}:{s}{zone}", h.as_str(), min.as_str()));
            }
        }
    }
    if date.is_none() {
        for c in cal.textual_dmy.captures_iter(line) {
            let d: u32 = c[1].parse().ok()?;
            let m = *cal.months.get(c[2].to_lowercase().as_str())?;
            let y: i32 = c[3].parse().ok()?;
            if valid(y, m, d) {
                date = Some((y, m, d));
                let whole = c.get(0).expect("match");
                spans.push((whole.start(), whole.end()));
                break;
            }
        }
    }
    if date.is_none() {
        for c in cal.textual_mdy.captures_iter(line) {
            let m = *cal.months.get(c[1].to_lowercase().as_str())?;
            let d: u32 = c[2].parse().ok()?;
            let y: i32 = c[3].parse().ok()?;
            if valid(y, m, d) {
                date = Some((y, m, d));
                let whole = c.get(0).expect("match");
                spans.push((whole.start(), whole.end()));
                break;
            }
        }
    }
    if date.is_none()
        && dotted_year
        && let Some(c) = cal.numeric.captures(line)
    {
        let d: u32 = c[1].parse().ok()?;
        let m: u32 = c[2].parse().ok()?;
        let y: i32 = c[3].parse().ok()?;
        if valid(y, m, d) {
            date = Some((y, m, d));
            let whole = c.get(0).expect("match");
            spans.push((whole.start(), whole.end()));
        }
    }
    let (y, m, d) = date?;
    if iso_time.is_none() {
        iso_time = find_time(line, &spans, cal).map(|(t, span)| {
            spans.push(span);
            t
        });
    }
    let whole_line = is_whole_line(line, &spans, cal);
    Some(Found {
        iso: format!("{y:04}-{m:02}-{d:02}{}", iso_time.unwrap_or_default()),
        whole_line,
    })
}

/// What a line's ASCII digits allow: a four-digit run (`year`), one followed by `-dd-`
/// (`iso`), one right after a full stop (`dotted`). Necessary, not sufficient, for the formats.
#[derive(Debug, Default, Clone, Copy)]
struct DigitShapes {
    year: bool,
    iso: bool,
    dotted: bool,
}

/// Bit i set when byte i of the eight (little-endian) is an ASCII digit.
fn digit_bits(v: u64) -> u64 {
    gather(crate::ascii::digit_bytes(v))
}

/// Digit bits of up to 256 bytes, bit i of word i / 64 for byte i.
fn digit_mask(bytes: &[u8]) -> [u64; 4] {
    let mut mask = [0u64; 4];
    let bytes = &bytes[..bytes.len().min(256)];
    let mut chunks = bytes.chunks_exact(8);
    for (k, chunk) in (&mut chunks).enumerate() {
        let v = u64::from_le_bytes(chunk.try_into().expect("chunk of 8"));
        mask[k / 8] |= digit_bits(v) << (8 * (k % 8));
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let k = bytes.len() / 8;
        let mut eight = [0u8; 8];
        eight[..rest.len()].copy_from_slice(rest);
        mask[k / 8] |= digit_bits(u64::from_le_bytes(eight)) << (8 * (k % 8));
    }
    mask
}

/// `mask` moved down by `k` bits (1 to 63): bit i of the result is bit i + k of `mask`.
fn shift_down(mask: &[u64; 4], k: u32) -> [u64; 4] {
    std::array::from_fn(|w| {
        let high = if w + 1 < 4 {
            mask[w + 1] << (64 - k)
        } else {
            0
        };
        mask[w] >> k | high
    })
}

/// Where runs of four or more ASCII digits start, found with bit masks (most lines have none,
/// and are ruled out in a few operations a byte); then the separators around each run are read.
/// Lines of more than 256 bytes are never asked (see [`find_date`]).
fn digit_shapes(bytes: &[u8]) -> DigitShapes {
    let mut shapes = DigitShapes::default();
    let digits = digit_mask(bytes);
    if digits.iter().all(|&w| w == 0) {
        return shapes;
    }
    let (d1, d2, d3) = (
        shift_down(&digits, 1),
        shift_down(&digits, 2),
        shift_down(&digits, 3),
    );
    let digit = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
    for w in 0..4 {
        // A run starts where a digit has no digit before it.
        let before = if w == 0 {
            digits[0] << 1
        } else {
            digits[w] << 1 | digits[w - 1] >> 63
        };
        let mut starts = digits[w] & !before & d1[w] & d2[w] & d3[w];
        while starts != 0 {
            let start = w * 64 + starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let i = start + 3;
            shapes.year = true;
            shapes.dotted |= start > 0 && bytes[start - 1] == b'.';
            shapes.iso |= bytes.get(i + 1) == Some(&b'-')
                && digit(i + 2)
                && digit(i + 3)
                && bytes.get(i + 4) == Some(&b'-');
        }
    }
    shapes
}

/// The first time of day outside the date's own span: `T14:30:00` plus an offset when a zone
/// abbreviation or offset follows.
fn find_time(
    line: &str,
    date_spans: &[(usize, usize)],
    cal: &Calendar,
) -> Option<(String, (usize, usize))> {
    for c in cal.time.captures_iter(line) {
        let whole = c.get(0).expect("match");
        if date_spans
            .iter()
            .any(|(s, e)| whole.start() < *e && whole.end() > *s)
        {
            continue;
        }
        let mut h: u32 = c[1].parse().ok()?;
        let min: u32 = c[2].parse().ok()?;
        let sec: u32 = c.get(3).map_or(Some(0), |s| s.as_str().parse().ok())?;
        if let Some(ampm) = c.get(4) {
            let pm = ampm.as_str().to_ascii_lowercase().starts_with('p');
            if h == 0 || h > 12 {
                continue;
            }
            h = match (pm, h) {
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, 12) => 0,
                (false, h) => h,
            };
        }
        if h > 23 || min > 59 || sec > 59 {
            continue;
        }
        let mut end = whole.end();
        let mut zone = String::new();
        if let Some(z) = c.get(5) {
            match cal.zones.get(z.as_str().to_ascii_lowercase().as_str()) {
                Some(off) => zone = (*off).to_string(),
                None => end = z.start(),
            }
        }
        if let Some(off) = c.get(6) {
            let o = off.as_str();
            zone = if o.len() == 5 {
                format!("{}:{}", &o[..3], &o[3..])
            } else {
                o.to_string()
            };
            end = off.end();
        }
        return Some((
            format!("T{h:02}:{min:02}:{sec:02}{zone}"),
            (whole.start(), end),
        ));
    }
    None
}

/// Whether what is left of the line outside the date and time is only weekday names, label
/// words and punctuation.
fn is_whole_line(line: &str, spans: &[(usize, usize)], cal: &Calendar) -> bool {
    let mut rest = String::with_capacity(line.len());
    for (i, c) in line.char_indices() {
        if spans.iter().any(|(s, e)| i >= *s && i < *e) {
            rest.push(' ');
        } else {
            rest.extend(c.to_lowercase());
        }
    }
    let mut leftover = 0;
    for word in rest.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() || cal.filler.contains(word) || cal.zones.contains_key(word) {
            continue;
        }
        leftover += word.chars().count();
    }
    leftover <= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(line: &str) -> Option<String> {
        find_date(line).map(|f| f.iso)
    }

    #[test]
    fn reads_ap_dateline_with_zone() {
        let f = find_date("Wednesday 01 May 2024 02:26 EDT").expect("a date");
        assert_eq!(f.iso, "2024-05-01T02:26:00-04:00");
        assert!(f.whole_line);
    }

    #[test]
    fn reads_formats_of_several_languages() {
        assert_eq!(
            iso("Published:Tuesday | April 26, 2022 | 9:52 PM").as_deref(),
            Some("2022-04-26T21:52:00")
        );
        assert_eq!(
            iso("Donnerstag, 4. November 2021").as_deref(),
            Some("2021-11-04")
        );
        assert_eq!(
            iso("Stand: 03.02.2023, 14:30 Uhr").as_deref(),
            Some("2023-02-03T14:30:00")
        );
        assert_eq!(
            iso("Publicado el 12 de marzo de 2023").as_deref(),
            Some("2023-03-12")
        );
        assert_eq!(
            iso("Publié le 1er mai 2024 à 08h15").as_deref(),
            Some("2024-05-01T08:15:00")
        );
        assert_eq!(
            iso("Opublikowano: 7 lipca 2022").as_deref(),
            Some("2022-07-07")
        );
        assert_eq!(
            iso("2024-05-01T02:26:00+0200").as_deref(),
            Some("2024-05-01T02:26:00+02:00")
        );
    }

    #[test]
    fn sentence_with_a_date_is_not_a_dateline() {
        let f = find_date("The agreement was signed on 3 May 2021 in Canberra by both ministers.")
            .expect("a date");
        assert!(!f.whole_line);
    }

    /// The byte-at-a-time reading [`digit_shapes`] replaced, as a reference.
    fn shapes_bytewise(bytes: &[u8]) -> (bool, bool, bool) {
        let mut shapes = (false, false, false);
        let digit = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_digit);
        let mut run = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if !b.is_ascii_digit() {
                run = 0;
                continue;
            }
            run += 1;
            if run == 4 {
                let start = i - 3;
                shapes.0 = true;
                shapes.1 |= bytes.get(i + 1) == Some(&b'-')
                    && digit(i + 2)
                    && digit(i + 3)
                    && bytes.get(i + 4) == Some(&b'-');
                shapes.2 |= start > 0 && bytes[start - 1] == b'.';
            }
        }
        shapes
    }

    #[test]
    fn digit_masks_agree_with_a_bytewise_reading() {
        const PIECES: &[&str] = &[
            "1", "12", "2024", "-", "-05-", ".", " ", "a", "Mai", "é", "٣", "\u{ff}", "/", ":",
            "T", "19", "87", "0",
        ];
        let mut seed = 0x5eed_1234_abcd_0001_u64;
        for n in 0..5000 {
            let mut line = String::new();
            while line.len() < n % 200 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                line.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
            }
            let s = digit_shapes(line.as_bytes());
            assert_eq!(
                (s.year, s.iso, s.dotted),
                shapes_bytewise(line.as_bytes()),
                "{line:?}"
            );
        }
        for b in 0..=255u8 {
            assert_eq!(
                digit_bits(u64::from(b) << 24),
                u64::from(b.is_ascii_digit()) << 3
            );
        }
    }

    #[test]
    fn digit_shapes_find_years_and_separators() {
        let s = digit_shapes(b"Stand: 2024-05-01T02:26");
        assert!(s.year && s.iso && !s.dotted);
        let s = digit_shapes(b"Stand: 03.02.2023, 14:30 Uhr");
        assert!(s.year && s.dotted && !s.iso);
        let s = digit_shapes(b"Bayern 3:1 Dortmund, 123 fans");
        assert!(!s.year && !s.iso && !s.dotted);
        // Five digits hold a four-digit run, but no ISO date starts inside them.
        let s = digit_shapes(b"12024-05-01");
        assert!(s.year && !s.iso);
    }

    #[test]
    fn impossible_dates_and_scores_are_not_dates() {
        assert_eq!(iso("31.02.2023"), None);
        assert_eq!(iso("Bayern 3:1 Dortmund"), None);
        assert_eq!(iso("Reuter"), None);
    }
}

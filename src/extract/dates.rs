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
//!
//! Speed: a line is only read for a format when its ASCII digits have that format's shape
//! (`DigitShapes`). An ASCII line is then read byte by byte for the textual dates
//! (`AsciiTextual`, starting only at runs of one or two digits) and the time of day
//! (`AsciiTimes`): the regexes' own matches, without their capture engine. Other lines go to the
//! regexes, whose month names are one alternation factored on shared prefixes (`month_trie`).
//! The tests compare all of it with the regex-only reading it replaced (`tests::reference`).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::ascii::gather;
use crate::{FastMap, FastSet};

const DATA: &str = include_str!("dates.txt");

struct Calendar {
    months: FastMap<&'static str, u32>,
    zones: FastMap<&'static str, &'static str>,
    /// Weekday names and label words: what a dateline may hold besides the date.
    filler: FastSet<&'static str>,
    textual_dmy: Regex,
    textual_mdy: Regex,
    numeric: Regex,
    iso: Regex,
    time: Regex,
}

static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| {
    let mut months = FastMap::default();
    let mut zones = FastMap::default();
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
    let month_alt = month_trie(months.keys().copied());
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

/// The month names as one alternation factored on shared prefixes (`ma(?:i|r(?:s|zo)?|...)`), so
/// the capture engine tries a letter once instead of a hundred and fifty names one after another.
/// The order of the alternatives cannot change what is captured: a month name is letters and
/// the patterns want `.`, `,` or white space right after it, so at a given start at most one
/// name can be the one matched, whatever order they are tried in.
fn month_trie<'a>(names: impl Iterator<Item = &'a str>) -> String {
    #[derive(Default)]
    struct Node {
        ends: bool,
        next: std::collections::BTreeMap<char, Node>,
    }
    fn write(node: &Node, out: &mut String) {
        if node.next.is_empty() {
            return;
        }
        out.push_str("(?:");
        for (k, (c, child)) in node.next.iter().enumerate() {
            if k > 0 {
                out.push('|');
            }
            out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4])));
            write(child, out);
        }
        out.push(')');
        if node.ends {
            out.push('?');
        }
    }
    let mut root = Node::default();
    for name in names {
        let mut node = &mut root;
        for c in name.chars() {
            node = node.next.entry(c).or_default();
        }
        node.ends = true;
    }
    let mut out = String::new();
    write(&root, &mut out);
    out
}

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

    // The numeric formats need their separators next to the year's digits, the textual ones a day
    // of one or two digits before a year of exactly four; the byte test rules out most ASCII
    // lines before they are read (`\d` also matches non-ASCII digits, so other lines always are).
    let ascii = line.is_ascii();
    let exotic = !ascii;
    let iso_shape = exotic || shapes.iso;
    let dotted_year = exotic || shapes.dotted;
    let textual = exotic || shapes.textual;

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
    for order in [Order::DayMonth, Order::MonthDay] {
        if date.is_none()
            && textual
            && let Some((ymd, span)) = find_textual(line, ascii, cal, order, &shapes)?
        {
            date = Some(ymd);
            spans.push(span);
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
        iso_time = find_time(line, ascii, &spans, cal).map(|(t, span)| {
            spans.push(span);
            t
        });
    }
    let whole_line = is_whole_line(line, ascii, &spans, cal);
    Some(Found {
        iso: iso_date(y, m, d, iso_time.as_deref().unwrap_or_default()),
        whole_line,
    })
}

/// Where the parts of one match of a textual date pattern lie in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TextualMatch {
    whole: Range<usize>,
    day: Range<usize>,
    month: Range<usize>,
    year: Range<usize>,
}

/// Which of the two textual patterns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// `1 May 2024`, `1. Mai 2024`, `1 de mayo de 2024`: [`Calendar::textual_dmy`].
    DayMonth,
    /// `May 1, 2024`: [`Calendar::textual_mdy`].
    MonthDay,
}

/// The matches of the textual pattern of `order` in `line`, in order.
fn regex_textual<'a>(
    line: &'a str,
    cal: &'a Calendar,
    order: Order,
) -> impl Iterator<Item = TextualMatch> + 'a {
    let (re, day, month) = match order {
        Order::DayMonth => (&cal.textual_dmy, 1, 2),
        Order::MonthDay => (&cal.textual_mdy, 2, 1),
    };
    re.captures_iter(line).map(move |c| TextualMatch {
        whole: c.get(0).expect("match").range(),
        day: c.get(day).expect("day group").range(),
        month: c.get(month).expect("month group").range(),
        year: c.get(3).expect("year group").range(),
    })
}

/// The same matches as [`regex_textual`] for an ASCII line of at most 256 bytes, read byte by
/// byte (as [`AsciiTimes`]). The day of either pattern is a whole run of one or two digits, so
/// only where such a run starts (`short_runs`, from [`DigitShapes`]) is a match looked for: the
/// day-month pattern starts there, the month-day one at the word before it. Where the pattern
/// offers choices (a day suffix or not, `de` or not) they are tried in the pattern's order; the
/// month name always runs to the end of its letters (the pattern wants `.`, `,` or white space
/// after it), and only ASCII names can match ASCII text.
struct AsciiTextual<'a> {
    bytes: &'a [u8],
    /// Where the search goes on: the end of the last match.
    at: usize,
    cal: &'a Calendar,
    order: Order,
    /// The runs of one or two digits not yet looked at.
    short_runs: [u64; 4],
}

impl Iterator for AsciiTextual<'_> {
    type Item = TextualMatch;

    fn next(&mut self) -> Option<TextualMatch> {
        let b = self.bytes;
        for w in 0..4 {
            while self.short_runs[w] != 0 {
                let run = w * 64 + self.short_runs[w].trailing_zeros() as usize;
                self.short_runs[w] &= self.short_runs[w] - 1;
                let p = match self.order {
                    Order::DayMonth => run,
                    // back over the white space, a full stop and the letters before the day
                    Order::MonthDay => {
                        let mut k = run;
                        while k > 0 && is_space_at(b, k - 1) {
                            k -= 1;
                        }
                        if k == run {
                            continue;
                        }
                        if k > 0 && b[k - 1] == b'.' {
                            k -= 1;
                        }
                        while k > 0 && b[k - 1].is_ascii_alphabetic() {
                            k -= 1;
                        }
                        k
                    }
                };
                if p < self.at {
                    continue;
                }
                let found = match self.order {
                    Order::DayMonth => ascii_dmy_at(b, p, self.cal),
                    Order::MonthDay => ascii_mdy_at(b, p, self.cal),
                };
                if let Some(m) = found {
                    self.at = m.whole.end;
                    return Some(m);
                }
            }
        }
        None
    }
}

/// Byte `k` of an ASCII line, 0 past its end.
fn byte_at(b: &[u8], k: usize) -> u8 {
    b.get(k).copied().unwrap_or(0)
}

/// Whether byte `k` is white space (`\s` of an ASCII line).
fn is_space_at(b: &[u8], k: usize) -> bool {
    matches!(byte_at(b, k), b'\t'..=b'\r' | b' ')
}

/// Where the white space starting at `k` ends.
fn space_end(b: &[u8], mut k: usize) -> usize {
    while is_space_at(b, k) {
        k += 1;
    }
    k
}

/// Where the run of bytes for which `class` holds, starting at `k`, ends.
fn run_end(b: &[u8], mut k: usize, class: fn(&u8) -> bool) -> usize {
    while b.get(k).is_some_and(class) {
        k += 1;
    }
    k
}

/// The end of `word` (lowercase ASCII) when the line has it at `k`, in any case.
fn word_at(b: &[u8], k: usize, word: &str) -> Option<usize> {
    b.get(k..k + word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word.as_bytes()))
        .then_some(k + word.len())
}

/// Whether the ASCII word byte rule of `(?-u:\b)` holds for byte `k`.
fn is_word_at(b: &[u8], k: usize) -> bool {
    b.get(k)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// The longest month name, in bytes; a longer run of letters is no month.
const MONTH_NAME_MAX_BYTES: usize = 16;

/// The month whose name, in any case, is the whole of the letters from `k` on.
fn month_at(b: &[u8], k: usize, cal: &Calendar) -> Option<Range<usize>> {
    let end = run_end(b, k, u8::is_ascii_alphabetic);
    is_month(&b[k..end], cal).then_some(k..end)
}

/// Whether `word` is a month name in any case.
fn is_month(word: &[u8], cal: &Calendar) -> bool {
    if word.is_empty() || word.len() > MONTH_NAME_MAX_BYTES {
        return false;
    }
    let mut lower = [0u8; MONTH_NAME_MAX_BYTES];
    let lower = &mut lower[..word.len()];
    lower.copy_from_slice(word);
    lower.make_ascii_lowercase();
    std::str::from_utf8(lower).is_ok_and(|name| cal.months.contains_key(name))
}

/// A year of `\d{4}(?-u:\b)` at `k`.
fn year_at(b: &[u8], k: usize) -> Option<Range<usize>> {
    (run_end(b, k, u8::is_ascii_digit) == k + 4 && !is_word_at(b, k + 4)).then_some(k..k + 4)
}

/// `(?-u:\b)(\d{1,2})(?:\.|er|st|nd|rd|th|º)?\s*(?:de\s+)?(month)\.?,?\s+(?:de\s+|del\s+)?(\d{4})(?-u:\b)`
/// at byte `p` of an ASCII line (`º` is not ASCII).
fn ascii_dmy_at(b: &[u8], p: usize, cal: &Calendar) -> Option<TextualMatch> {
    if !byte_at(b, p).is_ascii_digit() || p > 0 && is_word_at(b, p - 1) {
        return None;
    }
    let day = p..run_end(b, p, u8::is_ascii_digit);
    if day.len() > 2 {
        return None;
    }
    for suffix in [".", "er", "st", "nd", "rd", "th", ""] {
        let Some(k) = word_at(b, day.end, suffix) else {
            continue;
        };
        let k = space_end(b, k);
        let after_de = word_at(b, k, "de")
            .filter(|&j| is_space_at(b, j))
            .map(|j| space_end(b, j));
        for start in [after_de, Some(k)].into_iter().flatten() {
            let Some(month) = month_at(b, start, cal) else {
                continue;
            };
            let mut j = month.end;
            if byte_at(b, j) == b'.' {
                j += 1;
            }
            if byte_at(b, j) == b',' {
                j += 1;
            }
            if !is_space_at(b, j) {
                continue;
            }
            let j = space_end(b, j);
            for word in ["de", "del", ""] {
                let Some(y) = word_at(b, j, word)
                    .filter(|&y| word.is_empty() || is_space_at(b, y))
                    .map(|y| space_end(b, y))
                    .and_then(|y| year_at(b, y))
                else {
                    continue;
                };
                return Some(TextualMatch {
                    whole: p..y.end,
                    day,
                    month,
                    year: y,
                });
            }
        }
    }
    None
}

/// `(?-u:\b)(month)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?-u:\b)` at byte `p` of an ASCII
/// line.
fn ascii_mdy_at(b: &[u8], p: usize, cal: &Calendar) -> Option<TextualMatch> {
    if !byte_at(b, p).is_ascii_alphabetic() || p > 0 && is_word_at(b, p - 1) {
        return None;
    }
    // the shape around the name first: most words of a line are followed by no day
    let month = p..run_end(b, p, u8::is_ascii_alphabetic);
    let mut k = month.end;
    if byte_at(b, k) == b'.' {
        k += 1;
    }
    if !is_space_at(b, k) {
        return None;
    }
    let k = space_end(b, k);
    let day = k..run_end(b, k, u8::is_ascii_digit);
    if day.is_empty() || day.len() > 2 || !is_month(&b[month.clone()], cal) {
        return None;
    }
    for suffix in ["st", "nd", "rd", "th", ""] {
        let Some(mut j) = word_at(b, day.end, suffix) else {
            continue;
        };
        if byte_at(b, j) == b',' {
            j += 1;
        }
        if !is_space_at(b, j) {
            continue;
        }
        if let Some(y) = year_at(b, space_end(b, j)) {
            return Some(TextualMatch {
                whole: p..y.end,
                day,
                month,
                year: y,
            });
        }
    }
    None
}

/// A calendar date (year, month, day) and the span of the line it was read from.
type DateAt = ((i32, u32, u32), (usize, usize));

/// The first match that is a calendar date, with its span. `None` when a match cannot be read (a
/// non-ASCII digit, a month name whose lowercase is no known name): then the line gives no date
/// at all, as it always has.
fn first_valid_textual(
    line: &str,
    cal: &Calendar,
    matches: impl Iterator<Item = TextualMatch>,
) -> Option<Option<DateAt>> {
    for c in matches {
        let d: u32 = line[c.day].parse().ok()?;
        let m = *cal.months.get(line[c.month].to_lowercase().as_str())?;
        let y: i32 = line[c.year].parse().ok()?;
        if valid(y, m, d) {
            return Some(Some(((y, m, d), (c.whole.start, c.whole.end))));
        }
    }
    Some(None)
}

/// [`first_valid_textual`] of the pattern of `order`, read by [`AsciiTextual`] in an ASCII line
/// (`ascii`, as [`find_date`] found it).
fn find_textual(
    line: &str,
    ascii: bool,
    cal: &Calendar,
    order: Order,
    shapes: &DigitShapes,
) -> Option<Option<DateAt>> {
    if ascii {
        let matches = AsciiTextual {
            bytes: line.as_bytes(),
            at: 0,
            cal,
            order,
            short_runs: shapes.short_runs,
        };
        first_valid_textual(line, cal, matches)
    } else {
        first_valid_textual(line, cal, regex_textual(line, cal, order))
    }
}

/// What a line's ASCII digits allow: a four-digit run (`year`), one followed by `-dd-`
/// (`iso`), one right after a full stop (`dotted`), a run of exactly four after a run of one or
/// two (`textual`: the day, then the year, of `1 May 2024` or `May 1, 2024`). Necessary, not
/// sufficient, for the formats, in an ASCII line.
#[derive(Debug, Default, Clone, Copy)]
struct DigitShapes {
    year: bool,
    iso: bool,
    dotted: bool,
    textual: bool,
    /// Where the runs of one or two digits start, bit i of word i / 64 for byte i: the days a
    /// textual date can have.
    short_runs: [u64; 4],
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
        mask[k / 8] |= digit_bits(crate::ascii::low_bytes(rest)) << (8 * (k % 8));
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
    // A run starts where a digit has no digit before it, and ends where none follows.
    let run_starts = |w: usize| {
        let before = if w == 0 {
            digits[0] << 1
        } else {
            digits[w] << 1 | digits[w - 1] >> 63
        };
        digits[w] & !before
    };
    let ends: [u64; 4] = std::array::from_fn(|w| digits[w] & !d1[w]);
    let ends_next = shift_down(&ends, 1);
    shapes.short_runs = std::array::from_fn(|w| run_starts(w) & (ends[w] | ends_next[w]));
    let first_short = (0..4).find_map(|w| {
        let short = shapes.short_runs[w];
        (short != 0).then(|| w * 64 + short.trailing_zeros() as usize)
    });
    for w in 0..4 {
        let mut starts = run_starts(w) & d1[w] & d2[w] & d3[w];
        while starts != 0 {
            let start = w * 64 + starts.trailing_zeros() as usize;
            starts &= starts - 1;
            let i = start + 3;
            shapes.year = true;
            shapes.dotted |= start > 0 && bytes[start - 1] == b'.';
            shapes.textual |= first_short.is_some_and(|f| f < start) && !digit(i + 1);
            shapes.iso |= bytes.get(i + 1) == Some(&b'-')
                && digit(i + 2)
                && digit(i + 3)
                && bytes.get(i + 4) == Some(&b'-');
        }
    }
    shapes
}

/// Where the parts of one match of the time pattern lie in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TimeMatch {
    whole: Range<usize>,
    hour: Range<usize>,
    minute: Range<usize>,
    second: Option<Range<usize>>,
    ampm: Option<Range<usize>>,
    zone: Option<Range<usize>>,
    offset: Option<Range<usize>>,
}

/// The matches of [`Calendar::time`] in `line`, in order.
fn regex_times<'a>(line: &'a str, cal: &'a Calendar) -> impl Iterator<Item = TimeMatch> + 'a {
    cal.time.captures_iter(line).map(|c| TimeMatch {
        whole: c.get(0).expect("match").range(),
        hour: c.get(1).expect("hour group").range(),
        minute: c.get(2).expect("minute group").range(),
        second: c.get(3).map(|g| g.range()),
        ampm: c.get(4).map(|g| g.range()),
        zone: c.get(5).map(|g| g.range()),
        offset: c.get(6).map(|g| g.range()),
    })
}

/// The same matches as [`regex_times`] for an ASCII line, read byte by byte: the regex would run
/// its capture engine on every match. In an ASCII line `\s`, `\d`, `[a-z]` and `(?i)` mean only
/// their ASCII bytes, and every part after the minutes is optional, so the match is what each
/// part takes greedily in turn (an optional part that cannot finish takes nothing).
struct AsciiTimes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Iterator for AsciiTimes<'_> {
    type Item = TimeMatch;

    fn next(&mut self) -> Option<TimeMatch> {
        while self.at < self.bytes.len() {
            let p = self.at;
            self.at += 1;
            if let Some(m) = ascii_time_at(self.bytes, p) {
                self.at = m.whole.end;
                return Some(m);
            }
        }
        None
    }
}

/// The time pattern's match starting at byte `p` of an ASCII line, if there is one.
fn ascii_time_at(b: &[u8], p: usize) -> Option<TimeMatch> {
    let at = |k: usize| b.get(k).copied().unwrap_or(0);
    let digit = |k: usize| at(k).is_ascii_digit();
    let letter = |k: usize| at(k).is_ascii_alphabetic();
    let space_end = |mut k: usize| {
        while matches!(at(k), b'\t'..=b'\r' | b' ') {
            k += 1;
        }
        k
    };
    // `\b(\d{1,2})[:.h](\d{2})`
    if !digit(p) || p > 0 && (b[p - 1].is_ascii_alphanumeric() || b[p - 1] == b'_') {
        return None;
    }
    let sep = |k: usize| matches!(at(k), b':' | b'.' | b'h' | b'H');
    let hour_len = if digit(p + 1) && sep(p + 2) && digit(p + 3) && digit(p + 4) {
        2
    } else if sep(p + 1) && digit(p + 2) && digit(p + 3) {
        1
    } else {
        return None;
    };
    let hour = p..p + hour_len;
    let minute = hour.end + 1..hour.end + 3;
    let mut end = minute.end;
    // `(?::(\d{2}))?\s*`
    let second = (at(end) == b':' && digit(end + 1) && digit(end + 2)).then(|| {
        end += 3;
        end - 2..end
    });
    end = space_end(end);
    // `(a\.?m\.?|p\.?m\.?)?`
    let mut ampm = None;
    if matches!(at(end), b'a' | b'A' | b'p' | b'P') {
        let m = |k: usize| matches!(at(k), b'm' | b'M');
        let mut k = end + 1;
        if at(k) == b'.' && m(k + 1) {
            k += 2;
        } else if m(k) {
            k += 1;
        } else {
            k = 0;
        }
        if k > 0 {
            if at(k) == b'.' {
                k += 1;
            }
            ampm = Some(end..k);
            end = k;
        }
    }
    // `(?:\s*(?:uhr|h))?`
    let k = space_end(end);
    if b.get(k..k + 3)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"uhr"))
    {
        end = k + 3;
    } else if matches!(at(k), b'h' | b'H') {
        end = k + 1;
    }
    // `(?:\s*\(?([a-z]{1,4})\)?)?`
    let mut zone = None;
    let k = space_end(end);
    let start = if at(k) == b'(' { k + 1 } else { k };
    if letter(start) {
        let mut k = start + 1;
        while k < start + 4 && letter(k) {
            k += 1;
        }
        zone = Some(start..k);
        end = if at(k) == b')' { k + 1 } else { k };
    }
    // `(?:\s*([+-]\d{2}:?\d{2}))?`
    let mut offset = None;
    let k = space_end(end);
    if matches!(at(k), b'+' | b'-') && digit(k + 1) && digit(k + 2) {
        let len = if at(k + 3) == b':' && digit(k + 4) && digit(k + 5) {
            6
        } else if digit(k + 3) && digit(k + 4) {
            5
        } else {
            0
        };
        if len > 0 {
            offset = Some(k..k + len);
            end = k + len;
        }
    }
    Some(TimeMatch {
        whole: p..end,
        hour,
        minute,
        second,
        ampm,
        zone,
        offset,
    })
}

/// The first time of day outside the date's own span: `T14:30:00` plus an offset when a zone
/// abbreviation or offset follows. An ASCII line (`ascii`) is read by [`AsciiTimes`], any other
/// by the regex.
fn find_time(
    line: &str,
    ascii: bool,
    date_spans: &[(usize, usize)],
    cal: &Calendar,
) -> Option<(String, (usize, usize))> {
    if ascii {
        first_time(
            line,
            date_spans,
            cal,
            AsciiTimes {
                bytes: line.as_bytes(),
                at: 0,
            },
        )
    } else {
        first_time(line, date_spans, cal, regex_times(line, cal))
    }
}

fn first_time(
    line: &str,
    date_spans: &[(usize, usize)],
    cal: &Calendar,
    matches: impl Iterator<Item = TimeMatch>,
) -> Option<(String, (usize, usize))> {
    for c in matches {
        let whole = c.whole;
        if date_spans
            .iter()
            .any(|(s, e)| whole.start < *e && whole.end > *s)
        {
            continue;
        }
        let mut h: u32 = line[c.hour].parse().ok()?;
        let min: u32 = line[c.minute].parse().ok()?;
        let sec: u32 = c.second.map_or(Some(0), |s| line[s].parse().ok())?;
        if let Some(ampm) = c.ampm {
            let pm = line[ampm].to_ascii_lowercase().starts_with('p');
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
        let mut end = whole.end;
        let mut zone = String::new();
        if let Some(z) = c.zone {
            match cal.zones.get(line[z.clone()].to_ascii_lowercase().as_str()) {
                Some(off) => zone = (*off).to_string(),
                None => end = z.start,
            }
        }
        if let Some(off) = c.offset {
            let o = &line[off.clone()];
            zone = if o.len() == 5 {
                format!("{}:{}", &o[..3], &o[3..])
            } else {
                o.to_string()
            };
            end = off.end;
        }
        let mut time = String::with_capacity(9 + zone.len());
        time.push('T');
        for (k, part) in [h, min, sec].into_iter().enumerate() {
            if k > 0 {
                time.push(':');
            }
            push_padded(&mut time, part, 2);
        }
        time.push_str(&zone);
        return Some((time, (whole.start, end)));
    }
    None
}

/// Whether what is left of the line outside the date and time is only weekday names, label
/// words and punctuation.
fn is_whole_line(line: &str, ascii: bool, spans: &[(usize, usize)], cal: &Calendar) -> bool {
    if ascii {
        return is_whole_ascii_line(line.as_bytes(), spans, cal);
    }
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

/// The longest filler word or zone name, in bytes; a longer word is neither.
const FILLER_MAX_BYTES: usize = 32;

/// [`is_whole_line`] of an ASCII line, without lowercasing a copy of it: the words are the runs
/// of letters and digits outside the spans, each looked up lowercased in a buffer on the stack.
fn is_whole_ascii_line(b: &[u8], spans: &[(usize, usize)], cal: &Calendar) -> bool {
    let in_span = |i: usize| spans.iter().any(|(s, e)| i >= *s && i < *e);
    let is_word_byte = |i: usize| b[i].is_ascii_alphanumeric() && !in_span(i);
    let mut leftover = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_word_byte(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_word_byte(i) {
            i += 1;
        }
        let word = &b[start..i];
        let mut lower = [0u8; FILLER_MAX_BYTES];
        let known = word.len() <= FILLER_MAX_BYTES && {
            let lower = &mut lower[..word.len()];
            lower.copy_from_slice(word);
            lower.make_ascii_lowercase();
            std::str::from_utf8(lower)
                .is_ok_and(|w| cal.filler.contains(w) || cal.zones.contains_key(w))
        };
        if !known {
            leftover += word.len();
        }
    }
    leftover <= 3
}

/// `2024-05-01` followed by `time` (`T02:26:00-04:00` or nothing), for a valid date.
fn iso_date(y: i32, m: u32, d: u32, time: &str) -> String {
    let mut iso = String::with_capacity(10 + time.len());
    push_padded(&mut iso, y.unsigned_abs(), 4);
    iso.push('-');
    push_padded(&mut iso, m, 2);
    iso.push('-');
    push_padded(&mut iso, d, 2);
    iso.push_str(time);
    iso
}

/// `value` in decimal, padded with zeros to `width` digits (it has no more than that).
fn push_padded(out: &mut String, value: u32, width: u32) {
    debug_assert!(value < 10u32.pow(width));
    for k in (0..width).rev() {
        out.push(char::from(b'0' + (value / 10u32.pow(k) % 10) as u8));
    }
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
    fn shapes_bytewise(bytes: &[u8]) -> (bool, bool, bool, bool) {
        let mut shapes = (false, false, false, false);
        let runs: Vec<(usize, usize)> = bytes
            .iter()
            .enumerate()
            .filter(|&(i, b)| b.is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
            .map(|(i, _)| {
                let len = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
                (i, len)
            })
            .collect();
        if let Some(short) = runs.iter().position(|&(_, len)| len <= 2) {
            shapes.3 = runs[short..].iter().any(|&(_, len)| len == 4);
        }
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
                let r = crate::testing::xorshift(&mut seed);
                line.push_str(PIECES[(r % PIECES.len() as u64) as usize]);
            }
            let s = digit_shapes(line.as_bytes());
            assert_eq!(
                (s.year, s.iso, s.dotted, s.textual),
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
        // A textual date needs a day of one or two digits before a year of exactly four.
        assert!(digit_shapes(b"Sept 30, 1986").textual);
        assert!(digit_shapes(b"le 1er mai 2024").textual);
        assert!(!digit_shapes(b"profits rose in 1987 and 1988").textual);
        assert!(!digit_shapes(b"2024 May 3").textual);
        assert!(!digit_shapes(b"3 May 20245").textual);
        assert!(!digit_shapes(b"123 May 2024").textual);
    }

    /// Real-looking datelines of several languages, near-misses and odd characters.
    const DATELINES: &[&str] = &[
        "Wednesday 01 May 2024 02:26 EDT",
        "3 June 2024 00:17",
        "12 December 2024 21:16",
        "Published:Tuesday | April 26, 2022 | 9:52 PM",
        "Donnerstag, 4. November 2021",
        "Stand: 03.02.2023, 14:30 Uhr",
        "Publicado el 12 de marzo de 2023",
        "1º de mayo del 2024, 10.15 h",
        "Publié le 1er mai 2024 à 08h15",
        "le 1ermai 2024",
        "Opublikowano: 7 lipca 2022",
        "7 stycznia 2023 r., 12:00",
        "7stycznia 2023",
        "1st sept. 2024",
        "2nd Sept, 2024 (CET)",
        "Jan. 5, 2023 4:05 p.m. ET",
        "March 5th 2023, 11:59 am (GMT) +0100",
        "15 Märzen 2024",
        "15 MÄRZ 2024 um 9.30 Uhr",
        "22. lutego 2022 o 14:30",
        "2 août 2021 18 h 30",
        "ON 3 DEZ. 2024",
        "Sept 30, 1986",
        "between April 1983 and January 1987",
        "from 15 November 2004 to 3 January 2005",
        "31 February 2023 and 1 March 2023",
        "9 ſept 2024",
        "9 \u{17f}t 2024",
        "9 o\u{212a}t 2024 10:00",
        "٣ مايو 2024",
        "3 May ٢٠٢٤ and 2024-05-01",
        "“Signed 3 May 2024”, 10:00 — said",
        "Stand: 03.02.2023 – 14:30 Uhr",
        "Publié le 2024-05-01T08:15:00+02:00 à Paris",
        "le ³ mai 2024",
        "Opublikowano: 7 października 2022 • 12:00",
        "3\u{a0}May\u{a0}2024",
        "12 de de dezembro de 2024",
        "2024 May 3 2024",
        "May 33, 2024",
        "1 Jun 12024",
        "x3 May 2024",
        "On 4 Julyx 2024 at 9:00",
    ];

    /// [`find_date`] as it was before the month trie and the hand-written readers, with the
    /// month alternation written flat, kept to compare the fast paths with.
    mod reference {
        use std::sync::LazyLock;

        use regex::Regex;

        use super::super::{Calendar, Found, digit_shapes, valid};

        static CALENDAR: LazyLock<Calendar> = LazyLock::new(|| {
            let cal = &*super::super::CALENDAR;
            let (textual_dmy, textual_mdy) = super::flat_month_patterns();
            Calendar {
                months: cal.months.clone(),
                zones: cal.zones.clone(),
                filler: cal.filler.clone(),
                textual_dmy,
                textual_mdy,
                numeric: cal.numeric.clone(),
                iso: cal.iso.clone(),
                time: Regex::new(
                    r"(?i)(?-u:\b)(\d{1,2})[:.h](\d{2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)?(?:\s*(?:uhr|h))?(?:\s*\(?([a-z]{1,4})\)?)?(?:\s*([+-]\d{2}:?\d{2}))?",
                )
                .unwrap(),
            }
        });

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
    }

    /// The month alternation as it was written before [`month_trie`]: every name, longest first.
    fn flat_month_patterns() -> (Regex, Regex) {
        let mut names: Vec<&str> = CALENDAR.months.keys().copied().collect();
        names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        let month_alt = names
            .iter()
            .map(|n| regex::escape(n))
            .collect::<Vec<_>>()
            .join("|");
        let dmy = Regex::new(&format!(
            r"(?i)(?-u:\b)(\d{{1,2}})(?:\.|er|st|nd|rd|th|º)?\s*(?:de\s+)?({month_alt})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})(?-u:\b)"
        ))
        .unwrap();
        let mdy = Regex::new(&format!(
            r"(?i)(?-u:\b)({month_alt})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?-u:\b)"
        ))
        .unwrap();
        (dmy, mdy)
    }

    /// Lines put together from pieces of datelines (in dateline order, each slot sometimes
    /// skipped or replaced by a stray piece), for comparing two readings of them.
    /// `tidy` leaves out the words before and after the dateline.
    fn random_lines(count: usize, tidy: bool) -> Vec<String> {
        const SLOTS: &[&[&str]] = &[
            &[
                "",
                "On ",
                "Published: ",
                "x",
                "le ",
                "Mon, ",
                "\u{a0}",
                "12",
            ],
            &["1", "12", "3", "31", "0", "05", "٣", "123"],
            &["", ".", "er", "st", "ST", "nd", "th", "º", "ſt", "h", "e"],
            &[
                "",
                " ",
                "  ",
                "\u{a0}",
                "\t",
                "de ",
                " de ",
                " DE\u{a0}",
                "del ",
            ],
            &[
                "May",
                "mai",
                "MAR",
                "mars",
                "Märzen",
                "märz",
                "MÄRZ",
                "sept",
                "SEPTEMBER",
                "\u{212a}",
                "okt",
                "o\u{212a}t",
                "dez",
                "grudnia",
                "stycznia",
                "ycznia",
                "sty",
                "août",
                "janv",
                "jan",
                "lipca",
                "Julyx",
                "ſept",
                "de",
                "paź",
                "Października",
            ],
            &["", ".", ",", ".,", " ", "x"],
            &[" ", "  ", "\u{a0}", "", " de ", " del ", " del  ", "\t"],
            &["2024", "1987", "12", "20245", "2023", "1899", "٢٠٢٤"],
            &["", " ", ", ", "x", "_"],
            &["", "14", "9", "23", "1", "123"],
            &["", ":", ".", "h", "H", "-"],
            &["", "30", "05", "5", "300", "59"],
            &["", ":00", ":61", ":5"],
            &["", " ", "  ", "\u{a0}"],
            &["", "am", "a.m.", "PM", "p.m", "a", "Uhr", "h", "uhr"],
            &["", " ", "("],
            &[
                "",
                "EDT",
                "cet",
                "GMT",
                "z",
                "Eastern",
                "and",
                "(CET)",
                "ſt",
                "o\u{212a}",
            ],
            &["", ")", " "],
            &["", "+0100", "-05:00", "+01", " +0200"],
            &["", " 2 May 2023", ", 10:00", " and 3 June 2024 11:00", "x"],
        ];
        const STRAY: &[&str] = &[" ", "1", "2024", "-", ".", "de ", "May", "é", ":", "_"];
        let mut seed = 0x0dd_ba11_u64;
        let mut next = move || crate::testing::xorshift(&mut seed);
        (0..count)
            .map(|_| {
                let mut line = String::new();
                for (k, slot) in SLOTS.iter().enumerate() {
                    let r = next();
                    if tidy && (k == 0 || k + 1 == SLOTS.len()) {
                        continue;
                    }
                    let piece = match r % 16 {
                        0 => "",
                        1 => STRAY[(r >> 8) as usize % STRAY.len()],
                        _ => slot[(r >> 8) as usize % slot.len()],
                    };
                    line.push_str(piece);
                }
                line
            })
            .collect()
    }

    fn group_spans(re: &Regex, line: &str) -> Vec<Vec<Option<(usize, usize)>>> {
        re.captures_iter(line)
            .map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect())
            .collect()
    }

    #[test]
    fn month_trie_captures_what_the_flat_alternation_captured() {
        let (dmy, mdy) = flat_month_patterns();
        let cal = &*CALENDAR;
        let lines = DATELINES
            .iter()
            .map(|l| l.to_string())
            .chain(random_lines(40_000, false));
        let mut matched = 0;
        for line in lines {
            let old = group_spans(&dmy, &line);
            matched += old.len();
            assert_eq!(group_spans(&cal.textual_dmy, &line), old, "{line:?}");
            let old = group_spans(&mdy, &line);
            matched += old.len();
            assert_eq!(group_spans(&cal.textual_mdy, &line), old, "{line:?}");
        }
        assert!(
            matched > 1000,
            "only {matched} matches: the lines test too little"
        );
    }

    #[test]
    fn ascii_times_are_the_regex_matches() {
        let cal = &*CALENDAR;
        let extra = [
            "14:30 Uhr",
            "9:52 PM",
            "9:52 p.m. EDT",
            "08h15",
            "10.15 h",
            "1:05am",
            "12:00 (CET)",
            "23:59:59+0200",
            "7:30 -05:00",
            "7:30 -05:0",
            "7:30 +0",
            "7.30 (",
            "7.30 ( EDT)",
            "11:00  Eastern Time",
            "x9:00",
            "_9:00",
            "123:45",
            "9:5",
            "9h 30",
            "9:30 a.n.",
            "9:30 a. m.",
            "9:30 AM.",
            "9:30 UHRzeit",
            "9:30\u{b}h",
            "09:00\tZ",
            "2024-05-01 10:00",
        ];
        let lines = DATELINES
            .iter()
            .chain(extra.iter())
            .map(|l| l.to_string())
            .chain(random_lines(40_000, false))
            .chain(random_lines(40_000, true))
            // the ASCII part of every line, so that lines with non-ASCII pieces count too
            .map(|l| l.chars().filter(char::is_ascii).collect::<String>());
        let mut matched = 0;
        for line in lines {
            let want: Vec<TimeMatch> = regex_times(&line, cal).collect();
            matched += want.len();
            let got: Vec<TimeMatch> = AsciiTimes {
                bytes: line.as_bytes(),
                at: 0,
            }
            .collect();
            assert_eq!(got, want, "{line:?}");
        }
        assert!(
            matched > 10_000,
            "only {matched} times: the lines test too little"
        );
    }

    #[test]
    fn ascii_textual_dates_are_the_regex_matches() {
        let cal = &*CALENDAR;
        assert!(cal.months.keys().all(|m| m.len() <= MONTH_NAME_MAX_BYTES));
        let extra = [
            "1 de de mayo de 2024",
            "1 de  del 2024",
            "1 DEC DE 2024",
            "1 dec del2024",
            "1st May 2024",
            "1stMay 2024",
            "1sty 2024",
            "1st sty 2024",
            "3rd. May 2024",
            "1thMay,2024",
            "12. Mai, 2024",
            "May 3rd, 2024",
            "May 3rdx 2024",
            "May. 31st 2024",
            "May 3 2024_",
            "May 3 20245",
            "xMay 3, 2024",
            "_3 May 2024",
            "May 3,  2024",
            "MAY  3RD,\t2024",
            "May 3,, 2024",
            "May 3.2024",
            "3 May. 2024",
            "3 Mayo 2024",
            "Dec 1de 2024",
            "1 dez.,\u{b}2024",
            "the 3 of May 2024",
            "9 May 1899 and 10 May 1900",
        ];
        let lines = DATELINES
            .iter()
            .chain(extra.iter())
            .map(|l| l.to_string())
            .chain(random_lines(40_000, false))
            .chain(random_lines(40_000, true))
            .map(|l| l.chars().filter(char::is_ascii).collect::<String>())
            .filter(|l| l.len() <= 256);
        let mut matched = 0;
        for line in lines {
            for order in [Order::DayMonth, Order::MonthDay] {
                let want: Vec<TextualMatch> = regex_textual(&line, cal, order).collect();
                matched += want.len();
                let got: Vec<TextualMatch> = AsciiTextual {
                    bytes: line.as_bytes(),
                    at: 0,
                    cal,
                    order,
                    short_runs: digit_shapes(line.as_bytes()).short_runs,
                }
                .collect();
                assert_eq!(got, want, "{order:?} {line:?}");
            }
        }
        assert!(
            matched > 10_000,
            "only {matched} dates: the lines test too little"
        );
    }

    #[test]
    fn filler_words_fit_the_lookup_buffer() {
        let cal = &*CALENDAR;
        assert!(cal.filler.iter().all(|w| w.len() <= FILLER_MAX_BYTES));
        assert!(cal.zones.keys().all(|w| w.len() <= FILLER_MAX_BYTES));
    }

    #[test]
    fn dates_and_times_are_padded_like_format() {
        for (y, m, d) in [(1900, 1, 1), (2024, 5, 9), (2100, 12, 31)] {
            assert_eq!(iso_date(y, m, d, ""), format!("{y:04}-{m:02}-{d:02}"));
            assert_eq!(
                iso_date(y, m, d, "T09:05:00Z"),
                format!("{y:04}-{m:02}-{d:02}T09:05:00Z")
            );
        }
    }

    #[test]
    fn dates_are_read_as_before() {
        let lines = DATELINES
            .iter()
            .map(|l| l.to_string())
            .chain(random_lines(40_000, false))
            .chain(random_lines(40_000, true))
            .flat_map(|l| {
                let ascii = l.chars().filter(char::is_ascii).collect::<String>();
                [l, ascii]
            });
        let (mut some, mut whole) = (0, 0);
        for line in lines {
            let want = reference::find_date(&line);
            some += usize::from(want.is_some());
            whole += usize::from(want.as_ref().is_some_and(|f| f.whole_line));
            assert_eq!(find_date(&line), want, "{line:?}");
        }
        assert!(
            some > 1000 && whole > 150,
            "{some} dates, {whole} whole lines"
        );
    }

    #[test]
    fn impossible_dates_and_scores_are_not_dates() {
        assert_eq!(iso("31.02.2023"), None);
        assert_eq!(iso("Bayern 3:1 Dortmund"), None);
        assert_eq!(iso("Reuter"), None);
    }
}

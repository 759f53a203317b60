//! The mojibake fix proper: find runs that are UTF-8 bytes shown through a single-byte code page,
//! and turn them back, one damaged run at a time.
//!
//! In: one line as characters. Out: the line with every accepted run replaced, and what was done.
//! For each code page, every character is mapped back to the byte the page gives it; wherever
//! those bytes form a complete UTF-8 sequence, that sequence is a candidate ("unit"). Adjacent
//! units form a cluster; a cluster is replaced only when the text it becomes is less weird
//! (`score::weirdness`) than the text it is, and by a clear margin when the line also holds
//! non-ASCII text that no unit explains (a clean line with one damaged quote). In such a line a
//! lone two-character sequence is not enough on its own (`DrÃ¥ber` next to a correct dash: one
//! pair is weak evidence, and other pages read it differently), until an earlier round has shown
//! the line damaged. The code page whose accepted clusters gain most wins the round; the caller
//! repeats rounds for double damage.
//!
//! "Sloppy" forms: a C1 control (U+0080..U+009F) maps back to its own byte in every page, and a
//! byte a page leaves undefined may show as the Windows-1252 character of that byte, so the round
//! trip never loses a byte that survived. A byte that did not survive (a decoder dropped it) is
//! inferred when the sequence must have been a quotation mark or a dash; a space that stands where
//! a no-break space byte (0xA0) belongs is put back. Never changes ASCII, never panics.

use super::bytemap::{PageMap, candidate_pages, is_lost_byte, may_hold_mojibake_chars, page_map};
use super::score::{weirdness, weirdness_capped};
use super::tables::{A_GRAVE_PREFIXED, PAGES, WINDOWS_1252};

/// How a unit was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every byte was there.
    Plain,
    /// A space stood for byte 0xA0.
    SpaceAsNbsp,
    /// The last byte was dropped by the decoder and has been inferred.
    LostByte,
    /// A byte had become U+FFFD or `?`: the character is unknown.
    Lossy,
}

#[derive(Debug, Clone)]
struct Unit {
    start: usize,
    end: usize,
    out: char,
    /// Put a space back after `out` (a restored `à` that was a word of its own).
    space_after: bool,
    kind: Kind,
    latin1: bool,
}

impl Unit {
    /// A sequence `start..end` whose last byte the wrong decoder dropped, completed as `out`.
    fn lost_byte(start: usize, end: usize, out: char, latin1: bool) -> Unit {
        Unit {
            start,
            end,
            out,
            space_after: false,
            kind: Kind::LostByte,
            latin1,
        }
    }
}

/// Allowed range of the continuation byte at position `k` (0-based) after lead `b0`.
fn cont_range(b0: u8, k: usize) -> (u8, u8) {
    if k > 0 {
        return (0x80, 0xbf);
    }
    match b0 {
        0xe0 => (0xa0, 0xbf),
        0xed => (0x80, 0x9f),
        0xf0 => (0x90, 0xbf),
        0xf4 => (0x80, 0x8f),
        _ => (0x80, 0xbf),
    }
}

/// The character of one complete UTF-8 sequence (`None` when `bytes` is not exactly one valid
/// sequence: wrong length, bad continuation, overlong form, surrogate, beyond U+10FFFF).
fn decode_utf8(bytes: &[u8]) -> Option<char> {
    let (&b0, rest) = bytes.split_first()?;
    let (need, init) = match b0 {
        0xc2..=0xdf => (1, u32::from(b0 & 0x1f)),
        0xe0..=0xef => (2, u32::from(b0 & 0x0f)),
        0xf0..=0xf4 => (3, u32::from(b0 & 0x07)),
        _ => return None,
    };
    if rest.len() != need {
        return None;
    }
    let mut cp = init;
    for (k, &b) in rest.iter().enumerate() {
        let (lo, hi) = cont_range(b0, k);
        if b < lo || b > hi {
            return None;
        }
        cp = (cp << 6) | u32::from(b & 0x3f);
    }
    char::from_u32(cp)
}

/// The character a dropped last byte must have made, from what it sits between: the first
/// wanted character whose UTF-8 form is `prefix` plus one byte the page may have dropped.
fn infer_lost(page: usize, prefix: &[u8], prev: Option<char>, next: Option<char>) -> Option<char> {
    let before_gap = prev.is_none_or(|c| c.is_whitespace());
    let after_gap = next.is_none_or(|c| c.is_whitespace() || ".,;:!?)]".contains(c));
    let wanted: &[char] = if !before_gap && after_gap {
        &['”', '’']
    } else if before_gap && !after_gap {
        &['“', '‘']
    } else {
        &['–', '—', '…']
    };
    let (lo, hi) = cont_range(prefix[0], prefix.len() - 1);
    wanted.iter().copied().find(|w| {
        let mut buf = [0u8; 4];
        let bytes = w.encode_utf8(&mut buf).as_bytes();
        let Some((&last, head)) = bytes.split_last() else {
            return false;
        };
        head == prefix && (lo..=hi).contains(&last) && is_lost_byte(page, last)
    })
}

/// The unit starting at `i` in page `page` (whose byte map is `map`), if any.
fn match_unit(chars: &[char], map: PageMap, i: usize, page: usize) -> Option<Unit> {
    let b0 = map.byte(chars[i]);
    if b0 == 0xed
        && let Some(u) = match_cesu(chars, map, i)
    {
        return Some(u);
    }
    let need = match b0 {
        0xc2..=0xdf => 1,
        0xe0..=0xef => 2,
        0xf0..=0xf4 => 3,
        _ => return None,
    };
    let mut buf = [b0, 0, 0, 0];
    let mut len = 1;
    let mut kind = Kind::Plain;
    let mut latin1 = (0x80..0xa0).contains(&(chars[i] as u32));
    let mut j = i + 1;
    for k in 0..need {
        let (lo, hi) = cont_range(b0, k);
        let Some(&c) = chars.get(j) else {
            if k == need - 1 && k >= 1 {
                let out = infer_lost(page, &buf[..len], i.checked_sub(1).map(|p| chars[p]), None)?;
                return Some(Unit::lost_byte(i, j, out, latin1));
            }
            return None;
        };
        let b = map.byte(c);
        if (lo..=hi).contains(&b) {
            latin1 |= (0x80..0xa0).contains(&(c as u32));
            buf[len] = b;
            len += 1;
            j += 1;
            continue;
        }
        if c == '\u{fffd}' || c == '?' {
            // The byte was lost to a replacement character: the whole sequence is unknown.
            let mut end = j + 1;
            for _ in k + 1..need {
                match chars.get(end) {
                    Some(&c) if (0x80..=0xbf).contains(&map.byte(c)) => end += 1,
                    _ => break,
                }
            }
            return Some(Unit {
                start: i,
                end,
                out: '\u{fffd}',
                space_after: false,
                kind: Kind::Lossy,
                latin1,
            });
        }
        if k == need - 1 && k >= 1 {
            let prev = i.checked_sub(1).map(|p| chars[p]);
            if let Some(out) = infer_lost(page, &buf[..len], prev, Some(c)) {
                return Some(Unit::lost_byte(i, j, out, latin1));
            }
        }
        // A no-break space byte inside a two- or three-byte sequence may have become a space.
        let space_may_be_a0 = need == 1
            || (need == 2
                && (k == 0 && (0xe2..=0xe9).contains(&b0)
                    || k == 1 && (0xe0..=0xe3).contains(&b0)));
        if c == ' '
            && space_may_be_a0
            && (lo..=hi).contains(&0xa0)
            && kind == Kind::Plain
            && PAGES[page].high[0x20] == 0xa0
        {
            buf[len] = 0xa0;
            len += 1;
            kind = Kind::SpaceAsNbsp;
            j += 1;
            continue;
        }
        return None;
    }
    let out = decode_utf8(&buf[..len])?;
    let mut space_after = false;
    if kind == Kind::SpaceAsNbsp && out == 'à' && chars.get(j).is_some_and(|c| c.is_lowercase()) {
        // `à` is a word of its own or ends one ("voilà le"): the space after it was real.
        // Before a Portuguese contraction ("às", "àquele") it was not.
        let word_len = chars[j..].iter().take_while(|c| c.is_alphabetic()).count();
        let word: String = chars[j..j + word_len].iter().collect();
        let word_ends = chars
            .get(j + word_len)
            .is_none_or(|c| !matches!(c, '\'' | '’' | '-'));
        let word_start = i == 0 || !chars[i - 1].is_alphabetic();
        let contraction = word_start && word_ends && A_GRAVE_PREFIXED.contains(&word.as_str());
        // Letters without a vowel are no word of their own: they end the word the `à` is in
        // (Vietnamese "Thành", "hàng"), and the space was the no-break space byte alone.
        let word_tail = !word_start && word_ends && is_vowelless(&word);
        space_after = !(contraction || word_tail);
    }
    Some(Unit {
        start: i,
        end: j,
        out,
        space_after,
        kind,
        latin1,
    })
}

/// `word` is one or more ASCII consonants (no `a e i o u y`).
fn is_vowelless(word: &str) -> bool {
    !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_lowercase() && !b"aeiouy".contains(&b))
}

/// A surrogate pair written as two three-byte sequences (CESU-8), as some emoji arrive.
fn match_cesu(chars: &[char], map: PageMap, i: usize) -> Option<Unit> {
    let six = chars.get(i..i + 6)?;
    let mut b = [0u8; 6];
    for (slot, &c) in b.iter_mut().zip(six) {
        *slot = map.byte(c);
    }
    let ok = b[0] == 0xed
        && (0xa0..=0xaf).contains(&b[1])
        && (0x80..=0xbf).contains(&b[2])
        && b[3] == 0xed
        && (0xb0..=0xbf).contains(&b[4])
        && (0x80..=0xbf).contains(&b[5]);
    if !ok {
        return None;
    }
    let hi = 0xd000 | (u32::from(b[1] & 0x3f) << 6) | u32::from(b[2] & 0x3f);
    let lo = 0xd000 | (u32::from(b[4] & 0x3f) << 6) | u32::from(b[5] & 0x3f);
    let out = char::from_u32(0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00))?;
    let latin1 = chars[i..i + 6]
        .iter()
        .any(|&c| ('\u{80}'..='\u{9f}').contains(&c));
    Some(Unit {
        start: i,
        end: i + 6,
        out,
        space_after: false,
        kind: Kind::Plain,
        latin1,
    })
}

/// C1 controls as they would read if left alone (the C1 step turns them into Windows-1252).
fn as_c1_fixed(c: char) -> char {
    if ('\u{80}'..='\u{9f}').contains(&c) {
        let u = WINDOWS_1252[c as usize - 0x80];
        if u != 0 {
            return char::from_u32(u32::from(u)).unwrap_or(c);
        }
    }
    c
}

/// What one repaired sequence was, for its step name: page, reading, Latin-1, no-break space.
pub type ActionKey = (usize, Kind, bool, bool);

/// The repairs accepted in one round: clusters of units, all of one code page.
pub struct Round {
    page: usize,
    units: Vec<Unit>,
    /// Accepted clusters, in line order, not overlapping.
    clusters: Vec<Cluster>,
    /// Weirdness of the line this round makes, when scoring computed it.
    fixed_score: Option<i32>,
    /// The line this round makes, when scoring already built it.
    fixed: Option<Vec<char>>,
}

impl Round {
    fn none() -> Round {
        Round {
            page: 0,
            units: Vec::new(),
            clusters: Vec::new(),
            fixed_score: None,
            fixed: None,
        }
    }

    /// Weirdness of the line with this round applied, when already known.
    pub fn fixed_weirdness(&self) -> Option<i32> {
        self.fixed_score
    }

    /// Nothing was accepted.
    pub fn is_empty(&self) -> bool {
        self.clusters.is_empty()
    }

    /// Adds the step keys of the repaired sequences to `counts`.
    pub fn count_actions(&self, counts: &mut Vec<(ActionKey, usize)>) {
        for c in &self.clusters {
            for u in &self.units[c.first..c.last] {
                let key = (self.page, u.kind, u.latin1, u.out == '\u{a0}');
                match counts.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, n)) => *n += 1,
                    None => counts.push((key, 1)),
                }
            }
        }
    }

    /// Writes `chars` with the accepted repairs applied to `out` (cleared first).
    pub fn apply_into(&mut self, chars: &[char], out: &mut Vec<char>) {
        if let Some(fixed) = self.fixed.take() {
            *out = fixed;
            return;
        }
        out.clear();
        apply_clusters_into(chars, &self.units, self.clusters.iter(), out);
    }

    fn apply(mut self, chars: &[char]) -> Vec<char> {
        let mut out = Vec::with_capacity(chars.len());
        self.apply_into(chars, &mut out);
        out
    }
}

/// The step name of a repaired sequence.
pub fn action_name((page, kind, latin1, nbsp): ActionKey) -> &'static str {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    const KINDS: [Kind; 4] = [Kind::Plain, Kind::SpaceAsNbsp, Kind::LostByte, Kind::Lossy];
    if nbsp {
        return "restore no-break space";
    }
    let names = NAMES.get_or_init(|| {
        let mut names = Vec::new();
        for page in 0..PAGES.len() {
            for kind in KINDS {
                for latin1 in [false, true] {
                    names.push(unit_action(page, kind, latin1, 'x'));
                }
            }
        }
        names
    });
    let k = KINDS.iter().position(|&k| k == kind).unwrap_or(0);
    &names[(page * KINDS.len() + k) * 2 + usize::from(latin1)]
}

fn unit_action(page: usize, kind: Kind, latin1: bool, out: char) -> String {
    let name = if latin1 && page == 0 {
        "latin-1"
    } else {
        PAGES[page].name
    };
    match kind {
        _ if out == '\u{a0}' => "restore no-break space".to_string(),
        Kind::LostByte => format!("reencode {name} -> utf-8, infer lost byte"),
        Kind::Lossy => format!("reencode {name} -> utf-8, lost bytes as U+FFFD"),
        Kind::SpaceAsNbsp | Kind::Plain => format!("reencode {name} -> utf-8"),
    }
}

/// How much less weird a fix must make the text (a whole consistent line, or one cluster).
const MIN_GAIN: i32 = 2;

/// Characters of context on each side of a cluster when it is scored.
const CONTEXT: usize = 2;

/// Finds the accepted replacements of one round on `chars` for the best code page.
/// `first`: no earlier round repaired anything in this line (so the line has shown no damage
/// yet, and a lone weak sequence is not acted on).
pub fn best_round(chars: &[char], first: bool) -> Round {
    best_round_at(chars, 1, first)
}

/// Adjacent units of one page: one replacement, with its evidence.
struct Cluster {
    /// Units `first..last` of the page.
    first: usize,
    last: usize,
    /// Characters `start..end` of the line.
    start: usize,
    end: usize,
    /// Several sequences in a row, and sequences of three or more characters, rarely form by
    /// chance in real text: evidence in itself.
    chain: i32,
    /// Guesses made (a space read as a lost no-break space).
    cost: i32,
}

fn make_clusters(chars: &[char], units: &[Unit]) -> Vec<Cluster> {
    let mut clusters = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let mut e = k + 1;
        while e < units.len() && units[e].start == units[e - 1].end {
            e += 1;
        }
        let cluster = &units[k..e];
        // Reading a space as a lost no-break space is a guess, except for `à` as a word of its
        // own or at the end of one, the commonest case by far.
        let cost = cluster
            .iter()
            .filter(|u| u.kind == Kind::SpaceAsNbsp && !(u.out == 'à' && u.space_after))
            .count() as i32;
        let mut chain = cluster.len() as i32 - 1
            + cluster.iter().filter(|u| u.end - u.start >= 3).count() as i32;
        // A currency sign right before a number is what a price looks like ("£1,200").
        let end = cluster[cluster.len() - 1].end;
        if cluster.len() == 1
            && matches!(cluster[0].out, '£' | '€' | '¥' | '¢')
            && chars.get(end).is_some_and(|c| c.is_ascii_digit())
        {
            chain += 1;
        }
        clusters.push(Cluster {
            first: k,
            last: e,
            start: cluster[0].start,
            end: cluster[cluster.len() - 1].end,
            chain,
            cost,
        });
        k = e;
    }
    clusters
}

fn push_units(out: &mut Vec<char>, units: &[Unit]) {
    for u in units {
        out.push(u.out);
        if u.space_after {
            out.push(' ');
        }
    }
}

/// Appends `chars` with the given clusters replaced by what their units decode to.
fn apply_clusters_into<'a>(
    chars: &[char],
    units: &[Unit],
    clusters: impl Iterator<Item = &'a Cluster>,
    out: &mut Vec<char>,
) {
    // Each unit puts back at most two characters for the two or more it replaces.
    out.reserve(chars.len() + 1);
    let mut at = 0;
    for c in clusters {
        out.extend_from_slice(&chars[at..c.start]);
        push_units(out, &units[c.first..c.last]);
        at = c.end;
    }
    out.extend_from_slice(&chars[at..]);
}

/// `chars` with the given clusters replaced by what their units decode to.
fn apply_clusters<'a>(
    chars: &[char],
    units: &[Unit],
    clusters: impl Iterator<Item = &'a Cluster>,
) -> Vec<char> {
    let mut next = Vec::with_capacity(chars.len());
    apply_clusters_into(chars, units, clusters, &mut next);
    next
}

fn same_reading(a: &[Unit], b: &[Unit]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.start == y.start && x.end == y.end && x.out == y.out && x.space_after == y.space_after
        })
}

/// Gain of one cluster judged on its own, with two characters of context each side.
fn cluster_gain(
    chars: &[char],
    units: &[Unit],
    c: &Cluster,
    depth: usize,
    before: &mut Vec<char>,
    after: &mut Vec<char>,
) -> i32 {
    let (start, end) = (c.start, c.end);
    let left = &chars[start.saturating_sub(CONTEXT)..start];
    let right = &chars[end..(end + CONTEXT).min(chars.len())];
    before.clear();
    before.extend(left.iter().map(|&c| as_c1_fixed(c)));
    before.extend_from_slice(&chars[start..end]);
    before.extend(right.iter().map(|&c| as_c1_fixed(c)));
    after.clear();
    after.extend(left.iter().map(|&c| as_c1_fixed(c)));
    push_units(after, &units[c.first..c.last]);
    let inner_end = after.len();
    after.extend(right.iter().map(|&c| as_c1_fixed(c)));
    let before_score = weirdness(before) + c.chain - c.cost;
    let mut after_score = weirdness(after);
    let inner = &after[left.len()..inner_end];
    if depth > 0
        && after_score > 0
        && before_score - after_score < MIN_GAIN
        && inner.len() >= 2
        && may_hold_mojibake_chars(inner)
    {
        // Double damage: judge the result by what one more round would make of it.
        let again = best_round_at(after, depth - 1, false).apply(after);
        after_score = after_score.min(weirdness(&again));
    }
    before_score - after_score
}

fn best_round_at(chars: &[char], depth: usize, first: bool) -> Round {
    let mut found = match find_units(chars) {
        Ok(round) => return round,
        Err(found) => found,
    };
    // Look-ahead is dear: try without it first, and only if nothing convinced, with it.
    let mut pick = score_pages(chars, &mut found, 0, first);
    if pick.is_none() && depth > 0 {
        pick = score_pages(chars, &mut found, depth, first);
    }
    match pick {
        Some((f, clusters)) => {
            let page = &mut found.pages[f];
            // A page that explains the whole line has all its clusters accepted: the line it
            // makes is the one `fixed_score` was computed on.
            let whole = page.covered == found.non_ascii;
            Round {
                page: page.page,
                units: std::mem::take(&mut page.units),
                clusters,
                fixed_score: if whole { page.fixed_score } else { None },
                fixed: None,
            }
        }
        None => Round::none(),
    }
}

/// The units one code page finds in a line.
struct PageUnits {
    page: usize,
    units: Vec<Unit>,
    /// Non-ASCII characters of the line inside a unit.
    covered: usize,
    /// Weirdness of the whole line with every unit applied, when already computed.
    fixed_score: Option<i32>,
}

/// Units of every candidate page of a line, for scoring.
struct Found {
    pages: Vec<PageUnits>,
    /// Largest `covered` of any page.
    most: usize,
    non_ascii: usize,
    /// Weirdness of the line as it is, once computed.
    line_score: Option<i32>,
}

/// The line's own weirdness reaches `need`; `known` caches the line's exact weirdness, which is
/// computed only as far as needed (an exact value found on the way is kept).
fn line_reaches(known: &mut Option<i32>, chars: &[char], need: i32) -> bool {
    if need <= 0 {
        // Weirdness is never negative.
        return true;
    }
    if let Some(score) = *known {
        return score >= need;
    }
    let score = weirdness_capped(chars, need);
    if score < need {
        *known = Some(score);
    }
    score >= need
}

/// Finds the units of every candidate page. A page that explains every non-ASCII character and
/// gives spotless text ends the search: `Ok` with its round.
fn find_units(chars: &[char]) -> Result<Round, Found> {
    let pages = candidate_pages(chars);
    let mut found = Found {
        pages: Vec::new(),
        most: 0,
        non_ascii: 0,
        line_score: None,
    };
    if pages == 0 {
        return Err(found);
    }
    let non_ascii = chars.iter().filter(|c| !c.is_ascii()).count();
    found.non_ascii = non_ascii;
    let mut fixed = Vec::new();
    // Find the units of every candidate page; only the pages that explain the most non-ASCII
    // characters are scored (a page that explains less is never the better reading).
    for page in 0..PAGES.len() {
        if pages & (1 << page) == 0 {
            continue;
        }
        let map = page_map(page);
        let mut units = Vec::with_capacity(chars.len() / 2);
        let mut covered = 0;
        let mut i = 0;
        while i < chars.len() {
            // Only a lead byte starts a unit.
            if (0xc2..=0xf4).contains(&map.byte(chars[i]))
                && let Some(u) = match_unit(chars, map, i, page)
            {
                covered += chars[u.start..u.end]
                    .iter()
                    .filter(|c| !c.is_ascii())
                    .count();
                i = u.end;
                units.push(u);
            } else {
                i += 1;
            }
        }
        if units.is_empty() {
            continue;
        }
        let mut fixed_score = None;
        if covered == non_ascii {
            // The page explains the whole line: if what it gives is spotless, no other page
            // can do better (ties go to the earlier page anyway).
            let clusters = make_clusters(chars, &units);
            let evidence: i32 = clusters.iter().map(|c| c.chain - c.cost).sum();
            fixed.clear();
            apply_clusters_into(chars, &units, clusters.iter(), &mut fixed);
            let score = weirdness(&fixed);
            fixed_score = Some(score);
            if score == 0 && line_reaches(&mut found.line_score, chars, MIN_GAIN - evidence) {
                return Ok(Round {
                    page,
                    units,
                    clusters,
                    fixed_score: Some(0),
                    fixed: Some(fixed),
                });
            }
        }
        found.most = found.most.max(covered);
        found.pages.push(PageUnits {
            page,
            units,
            covered,
            fixed_score,
        });
    }
    Err(found)
}

/// Scores the pages that explain the most, and picks the best: its index in `found.pages` and
/// its accepted clusters (`None` when no page convinces).
fn score_pages(
    chars: &[char],
    found: &mut Found,
    depth: usize,
    first: bool,
) -> Option<(usize, Vec<Cluster>)> {
    let (mut before_buf, mut after_buf) = (Vec::new(), Vec::new());
    let (most, non_ascii) = (found.most, found.non_ascii);
    // Pages to score: those that explain the most, each reading once (two pages that read the
    // line the same way need scoring once).
    let contenders: Vec<usize> = (0..found.pages.len())
        .filter(|&f| {
            let page = &found.pages[f];
            page.covered == most
                && !found.pages[..f]
                    .iter()
                    .any(|prev| prev.covered == most && same_reading(&prev.units, &page.units))
        })
        .collect();
    // With one contender only, how much it gains does not matter, only whether it gains enough.
    let alone = contenders.len() == 1;
    // Best so far: gain, index in `found.pages`, accepted clusters.
    let mut best: Option<(i32, usize, Vec<Cluster>)> = None;
    for f in contenders {
        let (units, covered) = (&found.pages[f].units, found.pages[f].covered);
        let consistent = covered == non_ascii;
        // A line mostly made of correct non-ASCII letters is not a mojibake line: ask more of
        // the few sequences found in it.
        let unexplained_letters = non_ascii - covered;
        let min_gain =
            if !consistent && unexplained_letters >= 4 && unexplained_letters > 3 * units.len() {
                MIN_GAIN + 1
            } else {
                MIN_GAIN
            };
        let clusters = make_clusters(chars, units);
        let (gain_total, accepted) = if consistent {
            // Every non-ASCII character of the line belongs to a sequence: the line is judged
            // as a whole.
            let evidence: i32 = clusters.iter().map(|c| c.chain - c.cost).sum();
            let mut after = match found.pages[f].fixed_score {
                Some(score) => score,
                None => weirdness(&apply_clusters(chars, units, clusters.iter())),
            };
            if alone && line_reaches(&mut found.line_score, chars, MIN_GAIN - evidence + after) {
                // Gains enough, and nothing to compare the gain with.
                best = Some((MIN_GAIN, f, clusters));
                continue;
            }
            let before = *found.line_score.get_or_insert_with(|| weirdness(chars)) + evidence;
            if depth > 0 && before - after < MIN_GAIN && after > 0 {
                let fixed = apply_clusters(chars, units, clusters.iter());
                if may_hold_mojibake_chars(&fixed) {
                    // Double damage: judge the result by what one more round would make of it.
                    let again = best_round_at(&fixed, depth - 1, false).apply(&fixed);
                    after = after.min(weirdness(&again));
                }
            }
            if before - after < MIN_GAIN {
                continue;
            }
            (before - after, clusters)
        } else {
            let mut gain_total = 0;
            let mut strongest = 0;
            let mut accepted = Vec::new();
            for c in clusters {
                let gain = cluster_gain(chars, units, &c, depth, &mut before_buf, &mut after_buf);
                if gain >= 1 {
                    strongest = strongest.max(gain);
                    gain_total += gain;
                    accepted.push(c);
                }
            }
            if strongest < min_gain {
                // No sequence in this line is damaged beyond doubt: leave it all. Once one is,
                // the weaker ones of the same code page are taken too.
                continue;
            }
            if first && is_lone_pair(units, &accepted) {
                continue;
            }
            (gain_total, accepted)
        };
        if best.as_ref().is_none_or(|(g, _, _)| gain_total > *g) {
            best = Some((gain_total, f, accepted));
        }
    }
    best.map(|(_, f, clusters)| (f, clusters))
}

/// The only evidence in a line that also holds correctly decoded non-ASCII text is one sequence
/// of two characters: too weak to act on. Two characters such as `Ã¥` read as one letter in one
/// page and as another reading in the next (a combining mark in MacRoman), and nothing else in the
/// line says the line went through a wrong code page. A C1 control never stands in real text, so
/// a pair holding one is evidence enough.
fn is_lone_pair(units: &[Unit], accepted: &[Cluster]) -> bool {
    let [c] = accepted else {
        return false;
    };
    let cluster = &units[c.first..c.last];
    cluster.len() == 1 && c.end - c.start == 2 && c.chain <= 0 && !cluster[0].latin1
}

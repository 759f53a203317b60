//! Boilerplate removal: which lines of an article are the site's chrome rather than the story.
//!
//! In: the repaired lines of one article, the phrase library ([`patterns::Rules`]) and, when the
//! batch was pre-scanned, cross-document counts ([`repeats::RepeatCounts`]). Out: one [`Verdict`]
//! per line, content or boilerplate, with the reason a line was dropped (shown by `--explain`).
//! It never changes a line's text, never reorders lines, never prints.
//!
//! Three kinds of evidence are combined, in this order:
//!
//! 1. Hard evidence decides alone: a phrase-library hit (`phrase:FAMILY`), a line seen in many
//!    different stories of the batch (`repeated`), or a `keep` rule.
//! 2. Text features give every other line a first class, in the manner of jusText but on text
//!    alone: short lines (under `short_chars`) wait for their context; longer lines are good when
//!    their stopword density (for the detected language, see [`lang`]) is high, near-good when it
//!    is middling, bad when low (menus, lists of names, teaser headlines). Lines ending like a
//!    sentence get a lower bar.
//! 3. Context smoothing: near-good and short lines take the class of their nearest decided
//!    neighbours (a short line between content stays: a subhead, a one-line quote, a score); a
//!    run of good paragraphs written in direct address ("your support", "we need") that sits
//!    between boilerplate on both sides is an appeal and goes; after a comment-section marker
//!    (`tail` rules) that follows the article, everything goes.
//!
//! Hand-written: the crates that do this (trafilatura ports, `justext`) work on HTML and lean on
//! markup and link density, which a text file no longer has.

pub mod lang;
pub mod patterns;
pub mod repeats;

use std::cell::{Cell, OnceCell};
use std::sync::Arc;

use patterns::{Kind, Rules};
use repeats::RepeatCounts;

/// Knobs of the classifier, with defaults set on the fixtures.
#[derive(Debug, Clone)]
pub struct BoilerplateOptions {
    /// The phrase library (built-in rules plus any `--rules` file).
    pub rules: Arc<Rules>,
    /// Lines with fewer characters are "short" and decided by their context.
    pub short_chars: usize,
    /// Lines with at least this many characters and a high stopword density are content alone.
    pub long_chars: usize,
    /// Stopword density at or above which a line reads as prose.
    pub stop_high: f32,
    /// Stopword density below which a line is not prose.
    pub stop_low: f32,
    /// A line seen in at least this many different stories of the batch is site chrome.
    pub repeat_min_stories: u32,
    /// Good lines separated by more than this many dropped lines form separate segments.
    pub segment_gap_lines: usize,
    /// A segment with less than this share of the main segment's characters is dropped.
    pub segment_min_share: f32,
    /// Whether `ingest` pre-scans the batch to count lines across stories.
    pub cross_document: bool,
}

impl Default for BoilerplateOptions {
    fn default() -> Self {
        BoilerplateOptions {
            rules: Rules::builtin(),
            short_chars: 70,
            long_chars: 200,
            stop_high: 0.38,
            stop_low: 0.28,
            repeat_min_stories: 5,
            cross_document: true,
            segment_gap_lines: 3,
            segment_min_share: 0.3,
        }
    }
}

/// What the classifier decided about one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the line belongs to the article.
    pub keep: bool,
    /// Why a dropped line was dropped (a rule or feature name); `None` for kept lines.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Blank,
    Good,
    NearGood,
    Short,
    Bad,
}

/// Per-line evidence.
#[derive(Debug, Clone, Default)]
struct Line {
    chars: usize,
    words: usize,
    address: usize,
    ends_sentence: bool,
    hard: bool,
    tail: bool,
    digits: bool,
    density: f32,
    reason: Option<String>,
}

/// Buffers [`classify`] reuses from article to article, one set per thread: the normalised line
/// and the word scan's. Growing them anew for every article cost about 3% of the stage on short
/// wire stories.
#[derive(Default)]
struct Scratch {
    norm: String,
    words: lang::WordScratch,
}

thread_local! {
    /// This thread's [`Scratch`], while no [`classify`] is using it.
    static SCRATCH: Cell<Option<Scratch>> = const { Cell::new(None) };
}

/// Classifies every line of one article. Blank lines are dropped without a reason: they are
/// paragraph separators, not content.
pub fn classify(
    lines: &[&str],
    opts: &BoilerplateOptions,
    repeats: Option<&RepeatCounts>,
) -> Vec<Verdict> {
    // The language is needed only to count the words of long lines: an article without one (a
    // table of figures, a two-line brief) never pays for detecting it.
    let lex = OnceCell::new();
    let mut scratch = SCRATCH.take().unwrap_or_default();
    let Scratch { norm, words } = &mut scratch;
    let mut info = vec![Line::default(); lines.len()];
    let mut class = vec![Class::Blank; lines.len()];

    for (i, raw) in lines.iter().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let li = &mut info[i];
        let (ascii, digits) = crate::ascii::ascii_and_digit(line.as_bytes());
        // An ASCII line has a character a byte (the test is cheaper than counting).
        li.chars = if ascii {
            line.len()
        } else {
            line.chars().count()
        };
        li.ends_sentence = ends_like_sentence(line);
        li.digits = digits;
        // Rules other than prefixes never test long lines, so without cross-document counts
        // (which need the whole line's key) only the line's head is normalised.
        let hit = if line.len() >= patterns::CONTAINS_MAX_BYTES && repeats.is_none() {
            let mut cut = LONG_LINE_HEAD_BYTES;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            patterns::normalise(&line[..cut], norm);
            opts.rules.find_prefix(norm)
        } else {
            patterns::normalise(line, norm);
            opts.rules.find(norm)
        };
        if let Some(hit) = hit {
            li.hard = true;
            if hit.kind == Kind::Keep {
                class[i] = Class::Good;
                continue;
            }
            li.tail = hit.kind == Kind::Tail;
            li.reason = Some(format!("phrase:{}", hit.family));
            class[i] = Class::Bad;
            continue;
        }
        if let Some(counts) = repeats
            && norm.chars().any(char::is_alphabetic)
        {
            let n = counts.stories(xxhash_rust::xxh3::xxh3_64(norm.as_bytes()));
            // A sentence (four words or more) or a line with figures ("Terms were not
            // disclosed.", "Pay March 31") recurs in wire copy as content; it must recur in one
            // story in 200 to be chrome.
            let sentence_or_figures =
                li.digits || (li.ends_sentence && patterns::word_count(norm) >= 4);
            let needed = if sentence_or_figures {
                opts.repeat_min_stories.max(counts.articles() / 200)
            } else {
                opts.repeat_min_stories
            };
            if n >= needed {
                li.hard = true;
                li.reason = Some(format!("repeated in {n} stories"));
                class[i] = Class::Bad;
                continue;
            }
        }
        if li.chars < opts.short_chars {
            // Short lines wait for their context; only their word count matters.
            li.words = crate::ascii::whitespace_word_count(line);
            class[i] = Class::Short;
            continue;
        }
        let counts = lex
            .get_or_init(|| lang::detect(lines, words))
            .count(i, line, words);
        li.words = counts.words;
        li.address = counts.address;
        li.density = if counts.words == 0 {
            0.0
        } else {
            counts.stop as f32 / counts.words as f32
        };
        class[i] = Class::Short;
    }

    SCRATCH.set(Some(scratch));

    // Thresholds scale with this article's own prose: stopword lists differ in length between
    // languages, and a language with a short list (Polish) has lower densities throughout.
    let scale = density_scale(&class, &info, opts);
    let (high, low) = (opts.stop_high * scale, opts.stop_low * scale);
    for i in 0..lines.len() {
        if class[i] != Class::Short || info[i].hard {
            continue;
        }
        let li = &mut info[i];
        class[i] = if li.chars < opts.short_chars {
            Class::Short
        } else if li.density >= high
            && (li.chars >= opts.long_chars || (li.ends_sentence && li.words >= 12))
        {
            Class::Good
        } else if li.density >= low || (li.ends_sentence && li.density >= low * 0.75) {
            Class::NearGood
        } else {
            li.reason = Some("low stopword density".into());
            Class::Bad
        };
    }

    // An article with no line that is prose by itself: its near-good lines are the best it has.
    if !class.contains(&Class::Good) {
        for c in class.iter_mut().filter(|c| **c == Class::NearGood) {
            *c = Class::Good;
        }
    }
    smooth_near_good(&mut class, &mut info);
    smooth_short(&mut class, &mut info);
    keep_figure_runs(&mut class, &mut info);
    drop_appeals(&mut class, &mut info, opts);
    drop_after_tail(&mut class, &mut info);
    drop_far_segments(&mut class, &mut info, opts);
    keep_something(&mut class, &mut info);

    class
        .iter()
        .zip(info)
        .map(|(c, li)| match c {
            Class::Good => Verdict {
                keep: true,
                reason: None,
            },
            Class::Blank => Verdict {
                keep: false,
                reason: None,
            },
            _ => Verdict {
                keep: false,
                reason: Some(li.reason.unwrap_or_else(|| "boilerplate context".into())),
            },
        })
        .collect()
}

/// Bytes of a long line normalised for prefix rules (prefix patterns are far shorter).
const LONG_LINE_HEAD_BYTES: usize = 160;

/// Up to this many short lines at the very end of a text may be content (nothing follows them).
const END_SHORT_LINES: usize = 6;

/// Stopword density of prose in the language the thresholds were set for (English, German).
const REFERENCE_DENSITY: f32 = 0.45;

/// How much lower than usual this article's prose density runs: the character-weighted median
/// density of its long lines against [`REFERENCE_DENSITY`], capped at 1 and floored at 0.4. With
/// too little long text to judge, 1.
fn density_scale(class: &[Class], info: &[Line], opts: &BoilerplateOptions) -> f32 {
    let mut long: Vec<(f32, usize)> = class
        .iter()
        .zip(info)
        .filter(|(c, li)| **c == Class::Short && !li.hard && li.chars >= opts.long_chars / 2)
        .map(|(_, li)| (li.density, li.chars))
        .collect();
    let total: usize = long.iter().map(|l| l.1).sum();
    if total < 400 {
        return 1.0;
    }
    long.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut acc = 0;
    let mut median = REFERENCE_DENSITY;
    for (d, chars) in long {
        acc += chars;
        if acc * 2 >= total {
            median = d;
            break;
        }
    }
    (median / REFERENCE_DENSITY).clamp(0.4, 1.0)
}

/// Whether a line ends like a sentence (full stop, question, exclamation, closing quote).
fn ends_like_sentence(line: &str) -> bool {
    let last = line
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ')' | ']'))
        .chars()
        .last();
    matches!(
        last,
        Some('.' | '!' | '?' | '"' | '\'' | '”' | '“' | '»' | '«' | '’' | '…' | ':' | ';')
    )
}

/// What a line sees around it: the class of the nearest Good or Bad line before it and after it,
/// each with the distance in non-blank lines (undecided lines in between, plus one). The start of
/// the text counts as Bad; its end as Good when at most [`END_SHORT_LINES`] undecided lines lie
/// before it, else Bad. `decided_after` says whether any Good or Bad line follows.
#[derive(Debug, Clone, Copy)]
struct Around {
    prev: (Class, usize),
    next: (Class, usize),
    decided_after: bool,
}

/// [`Around`] for every line, in two passes over the text (a scan per line from each line was
/// quadratic in a menu of hundreds of short lines).
fn surroundings(class: &[Class]) -> Vec<Around> {
    let decided = |c: Class| matches!(c, Class::Good | Class::Bad);
    let mut around = vec![
        Around {
            prev: (Class::Bad, 1),
            next: (Class::Good, 1),
            decided_after: false,
        };
        class.len()
    ];
    let (mut last, mut undecided) = (Class::Bad, 0);
    for (i, &c) in class.iter().enumerate() {
        around[i].prev = (last, undecided + 1);
        if decided(c) {
            (last, undecided) = (c, 0);
        } else if c != Class::Blank {
            undecided += 1;
        }
    }
    let (mut next, mut undecided) = (None, 0);
    for (i, &c) in class.iter().enumerate().rev() {
        // The end of the text is not chrome by itself: a story may end in a few short lines (a
        // score, a one-line sign-off) with nothing after them.
        let end = if undecided < END_SHORT_LINES {
            Class::Good
        } else {
            Class::Bad
        };
        around[i].next = (next.unwrap_or(end), undecided + 1);
        around[i].decided_after = next.is_some();
        if decided(c) {
            (next, undecided) = (Some(c), 0);
        } else if c != Class::Blank {
            undecided += 1;
        }
    }
    around
}

/// Features alone never empty an article: when nothing is left (a wire table of figures, a
/// two-line brief), every line not named by hard evidence (phrase, repetition) is kept.
fn keep_something(class: &mut [Class], info: &mut [Line]) {
    if class.contains(&Class::Good) {
        return;
    }
    for (c, li) in class.iter_mut().zip(info.iter_mut()) {
        if *c == Class::Bad && !li.hard {
            *c = Class::Good;
            li.reason = None;
        }
    }
}

/// Near-good lines: bad only when boilerplate lies on both sides.
fn smooth_near_good(class: &mut [Class], info: &mut [Line]) {
    let before = class.to_vec();
    let around = surroundings(&before);
    for i in 0..class.len() {
        if before[i] != Class::NearGood {
            continue;
        }
        let (prev, _) = around[i].prev;
        let (next, _) = around[i].next;
        if prev == Class::Bad && next == Class::Bad {
            class[i] = Class::Bad;
            info[i].reason = Some("prose-like line between boilerplate".into());
        } else {
            class[i] = Class::Good;
        }
    }
}

/// Short lines: content between content, boilerplate between boilerplate; at a boundary a short
/// line stays only when it reads as a sentence and touches the content.
fn smooth_short(class: &mut [Class], info: &mut [Line]) {
    let before = class.to_vec();
    let around = surroundings(&before);
    for i in 0..class.len() {
        if before[i] != Class::Short {
            continue;
        }
        let (prev, dp) = around[i].prev;
        let (next, dn) = around[i].next;
        // Lines after `i` are not changed yet by this loop, so `before` still holds them.
        let at_end = !around[i].decided_after;
        let line_like_content = info[i].ends_sentence || info[i].digits;
        let keep = match (prev, next) {
            (Class::Good, Class::Good) if at_end => line_like_content,
            (Class::Good, Class::Good) => true,
            (Class::Bad, Class::Bad) => false,
            (Class::Good, _) => info[i].ends_sentence && info[i].words >= 3 && dp <= 2,
            (_, Class::Good) => info[i].ends_sentence && info[i].words >= 3 && dn <= 2,
            _ => false,
        };
        if keep {
            class[i] = Class::Good;
        } else {
            class[i] = Class::Bad;
            info[i].reason = Some("short line among boilerplate".into());
        }
    }
}

/// Lines of figures next to the text are a table or a list of results (`Net 12.6 mln vs 15.8
/// mln`, `Rovers 3 United 2`): a run of two or more short lines that all carry digits, touching
/// content on either side, is content.
fn keep_figure_runs(class: &mut [Class], info: &mut [Line]) {
    let soft_bad = |k: usize, class: &[Class], info: &[Line]| {
        class[k] == Class::Bad && !info[k].hard && info[k].digits && info[k].chars < 120
    };
    let mut i = 0;
    while i < class.len() {
        if !soft_bad(i, class, info) {
            i += 1;
            continue;
        }
        let start = i;
        let mut run = Vec::new();
        let mut j = i;
        while j < class.len() && (class[j] == Class::Blank || soft_bad(j, class, info)) {
            if class[j] != Class::Blank {
                run.push(j);
            }
            j += 1;
        }
        let before = (0..start).rev().find(|&k| class[k] != Class::Blank);
        let touches = before.is_some_and(|k| class[k] == Class::Good)
            || (j < class.len() && class[j] == Class::Good);
        if run.len() >= 2 && touches {
            for &k in &run {
                class[k] = Class::Good;
                info[k].reason = None;
            }
        }
        i = j.max(i + 1);
    }
}

/// A run of good lines in direct address, with phrase-matched or other boilerplate on both
/// sides, is an appeal (donation, membership, newsletter pitch) and goes.
fn drop_appeals(class: &mut [Class], info: &mut [Line], opts: &BoilerplateOptions) {
    let total_good: usize = (0..class.len())
        .filter(|&k| class[k] == Class::Good)
        .map(|k| info[k].chars)
        .sum();
    let mut i = 0;
    while i < class.len() {
        if class[i] != Class::Good {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i;
        while end < class.len() && matches!(class[end], Class::Good | Class::Blank) {
            end += 1;
        }
        let run: Vec<usize> = (start..end).filter(|&k| class[k] == Class::Good).collect();
        // Address words are counted on long lines only (short ones are not word-counted).
        let long: Vec<usize> = run
            .iter()
            .copied()
            .filter(|&k| info[k].chars >= opts.short_chars)
            .collect();
        let (words, address) = long.iter().fold((0, 0), |(w, a), &k| {
            (w + info[k].words, a + info[k].address)
        });
        let run_chars: usize = run.iter().map(|&k| info[k].chars).sum();
        let appeal = !long.is_empty()
            && address * 28 >= words.max(1)
            && long.iter().all(|&k| info[k].address >= 1)
            && run_chars * 5 < total_good * 2;
        let bounded_hard = |k: Option<usize>| k.is_some_and(|k| info[k].hard);
        let prev_bad = (0..start).rev().find(|&k| class[k] != Class::Blank);
        let next_bad = (end..class.len()).find(|&k| class[k] != Class::Blank);
        if appeal
            && run.len() <= 6
            && prev_bad.is_some()
            && next_bad.is_some()
            && (bounded_hard(prev_bad) || bounded_hard(next_bad))
        {
            for &k in &run {
                class[k] = Class::Bad;
                info[k].hard = true;
                info[k].reason = Some("appeal between boilerplate".into());
            }
        }
        i = end;
    }
}

/// After a comment-section marker that follows most of the article, nothing is article.
fn drop_after_tail(class: &mut [Class], info: &mut [Line]) {
    let total: usize = (0..class.len())
        .filter(|&k| class[k] == Class::Good)
        .map(|k| info[k].chars)
        .sum();
    let mut before = 0;
    for i in 0..class.len() {
        if class[i] == Class::Good {
            before += info[i].chars;
        }
        if info[i].tail && before * 2 > total {
            for k in i + 1..class.len() {
                if class[k] == Class::Good {
                    class[k] = Class::Bad;
                    info[k].reason = Some("after comment-section marker".into());
                }
            }
            return;
        }
    }
}

/// The article is one stretch of text: good lines far from the main stretch (a teaser in the
/// sidebar, a footer blurb) are not part of it unless they carry weight of their own.
fn drop_far_segments(class: &mut [Class], info: &mut [Line], opts: &BoilerplateOptions) {
    // Segments: (first line, last line, good characters).
    let mut segments: Vec<(usize, usize, usize)> = Vec::new();
    let mut gap = 0;
    for i in 0..class.len() {
        match class[i] {
            Class::Good => {
                match segments.last_mut() {
                    Some(seg) if gap <= opts.segment_gap_lines => {
                        seg.1 = i;
                        seg.2 += info[i].chars;
                    }
                    _ => segments.push((i, i, info[i].chars)),
                }
                gap = 0;
            }
            Class::Blank => {}
            // Chrome named by a phrase (a share bar, a "read more" link) or an appeal sits inside
            // articles too; it does not separate the text around it.
            _ if info[i].hard => {}
            _ => gap += 1,
        }
    }
    let Some(main) = segments.iter().map(|s| s.2).max() else {
        return;
    };
    for &(first, last, chars) in &segments {
        if (chars as f32) < main as f32 * opts.segment_min_share {
            for k in first..=last {
                if class[k] == Class::Good {
                    class[k] = Class::Bad;
                    info[k].reason = Some("far from the main text".into());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept<'a>(lines: &[&'a str]) -> Vec<&'a str> {
        let v = classify(lines, &BoilerplateOptions::default(), None);
        lines
            .iter()
            .zip(v)
            .filter(|(_, v)| v.keep)
            .map(|(l, _)| *l)
            .collect()
    }

    const P1: &str = "The city council voted on Tuesday to close the old bridge for repairs, a \
                      decision that will send thousands of drivers on a long detour for the next \
                      six months, officials said.";
    const P2: &str = "Engineers found cracks in two of the supporting beams during an inspection \
                      in March, and the council said it had no choice but to act before the \
                      winter storms arrive.";

    #[test]
    fn drops_share_bar_lines() {
        let lines = ["Share this article", "Facebook", "Twitter", "", P1, "", P2];
        assert_eq!(kept(&lines), vec![P1, P2]);
    }

    #[test]
    fn short_line_between_content_stays() {
        let lines = [P1, "", "\"We had no choice.\"", "", P2];
        assert_eq!(kept(&lines), vec![P1, "\"We had no choice.\"", P2]);
    }

    #[test]
    fn comment_section_after_article_goes() {
        let lines = [
            P1,
            P2,
            "Leave a Reply",
            "I drive over that bridge every day and I have been saying for years that it is \
             falling apart, and nobody in the council would listen to any of us.",
        ];
        assert_eq!(kept(&lines), vec![P1, P2]);
    }

    /// The definition of [`Around`], walked from line `i` outwards.
    fn scan_from(class: &[Class], i: usize, forward: bool) -> (Class, usize) {
        let mut steps = 0;
        let mut j = i;
        loop {
            if forward {
                j += 1;
                if j >= class.len() {
                    let end = if steps < END_SHORT_LINES {
                        Class::Good
                    } else {
                        Class::Bad
                    };
                    return (end, steps + 1);
                }
            } else {
                if j == 0 {
                    return (Class::Bad, steps + 1);
                }
                j -= 1;
            }
            match class[j] {
                Class::Blank => {}
                Class::Good | Class::Bad => return (class[j], steps + 1),
                _ => steps += 1,
            }
        }
    }

    #[test]
    fn surroundings_match_a_walk_from_each_line() {
        let kinds = [
            Class::Blank,
            Class::Good,
            Class::NearGood,
            Class::Short,
            Class::Bad,
        ];
        // 3,000 sequences of 0 to 14 lines from a fixed xorshift generator: runs of undecided
        // lines longer and shorter than END_SHORT_LINES at both ends, blanks among them.
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..3000 {
            let r = crate::testing::xorshift(&mut seed);
            let len = (r % 15) as usize;
            let class: Vec<Class> = (0..len)
                .map(|k| kinds[((r >> (4 * k + 3)) % 5) as usize])
                .collect();
            let around = surroundings(&class);
            for i in 0..len {
                assert_eq!(around[i].prev, scan_from(&class, i, false), "{class:?} {i}");
                assert_eq!(around[i].next, scan_from(&class, i, true), "{class:?} {i}");
                let decided_after = class[i + 1..]
                    .iter()
                    .any(|c| matches!(c, Class::Good | Class::Bad));
                assert_eq!(around[i].decided_after, decided_after, "{class:?} {i}");
            }
        }
    }

    #[test]
    fn blank_lines_have_no_reason() {
        let v = classify(&["", P1], &BoilerplateOptions::default(), None);
        assert_eq!(
            v[0],
            Verdict {
                keep: false,
                reason: None
            }
        );
        assert!(v[1].keep);
    }
}

#[cfg(test)]
mod fixture_tests;

//! The phrase library: rules that name known kinds of site chrome, read from text data.
//!
//! In: rule text in the format of `rules/README.md` (`KIND FAMILY PATTERN` a line), the built-in
//! files under `rules/` (pulled in with `include_str!`) plus any `--rules FILE`. Out: a compiled
//! [`Rules`] value that tells, for one normalised line, which family matches and how.
//!
//! The rules are data, not code, so that adding a language or a site's own phrases is a text
//! edit. Matching is linear in the line: exact lines go through a hash map; prefixes through one
//! anchored Aho-Corasick automaton (the `aho-corasick` crate, which `regex` uses inside; called
//! directly, a prefix test is one walk from the line's start that stops after a few bytes);
//! substrings through one combined `regex` (a SIMD literal prefilter), tried only on lines that
//! hold one of a few words that together cover every phrase ([`anchor_words`]). Regular
//! expressions: what each needs in a line (a literal it must start with, end with or contain)
//! is read once from its syntax tree with `regex-syntax` (or, for a rule starting `^\d+`, the
//! bytes its match can start with); a line is tested for all of these at once (first and last
//! byte, one literal search, `memchr` for one- and two-byte literals), and only the rules whose
//! need it meets are run, in the library's order. (Run together as one combined regex, a menu
//! rule such as `^[^|]+\|...` kept the automaton alive to the end of every line.) It never
//! allocates per line beyond the caller's reused buffer.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

use crate::boilerplate::lang;

/// The built-in rule files, in the order they are read.
const BUILTIN: &[(&str, &str)] = &[
    ("any.txt", include_str!("rules/any.txt")),
    ("en.txt", include_str!("rules/en.txt")),
    ("de.txt", include_str!("rules/de.txt")),
    ("es.txt", include_str!("rules/es.txt")),
    ("fr.txt", include_str!("rules/fr.txt")),
    ("pl.txt", include_str!("rules/pl.txt")),
];

/// Lines longer than this (in bytes) are not tested by `contains` and `regex` rules: a long
/// paragraph that merely mentions cookies or newsletters is prose (and skipping them keeps the
/// stage fast).
pub const CONTAINS_MAX_BYTES: usize = 300;

/// How a rule matches and what a match does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The whole normalised line equals the pattern.
    Line,
    /// The line starts with the pattern.
    Prefix,
    /// The pattern occurs in a line shorter than 300 bytes.
    Contains,
    /// A regular expression matches the line.
    Regex,
    /// The whole line equals the pattern (a count may follow); what follows it is dropped too.
    Tail,
    /// The line starts with the pattern and is always kept.
    Keep,
}

/// A rule hit on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit<'a> {
    /// The family named in the rule file (`donation`, `cookie`, ...).
    pub family: &'a str,
    /// The kind of the rule that matched.
    pub kind: Kind,
}

/// A compiled phrase library.
#[derive(Debug)]
pub struct Rules {
    lines: HashMap<String, (String, Kind), crate::boilerplate::lang::WordHash>,
    /// Bytes of the longest key of `lines`: a longer line is not hashed at all.
    line_max: usize,
    prefixes: Vec<(String, String, Kind)>,
    /// Bit `256 * a + b` set when some prefix pattern starts with the bytes `a b`: most lines
    /// start with a pair no pattern does, and skip the automaton.
    prefix_pairs: Box<[u64; 1024]>,
    prefix_any: Option<AhoCorasick>,
    contains: Vec<(String, String)>,
    contains_any: Option<Regex>,
    /// Words that cover every `contains` phrase ([`anchor_words`]), searched at once: a line holding
    /// none of them cannot hold a phrase. Short words that start many phrases ("to your inbox",
    /// "by using") would make the phrase search stop at almost every word of prose.
    contains_anchors: Option<Literals>,
    regexes: Vec<(Regex, String)>,
    /// What a line must hold for each regex rule to have a chance (read from its syntax).
    regex_gate: RegexGate,
    count: usize,
}

/// The built-in rules, compiled once per process.
static BUILTIN_RULES: LazyLock<Arc<Rules>> = LazyLock::new(|| {
    let text: Vec<(&str, &str)> = BUILTIN.to_vec();
    Arc::new(Rules::compile(&text).expect("built-in rule files are valid"))
});

impl Rules {
    /// The built-in phrase library (shared; compiled on first use).
    pub fn builtin() -> Arc<Rules> {
        Arc::clone(&BUILTIN_RULES)
    }

    /// The built-in library plus the rules in `extra` (the text of a `--rules` file, named
    /// `source` in error messages).
    pub fn with_extra(source: &str, extra: &str) -> Result<Rules, String> {
        let mut files: Vec<(&str, &str)> = BUILTIN.to_vec();
        files.push((source, extra));
        Rules::compile(&files)
    }

    /// Number of rules compiled.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are no rules at all.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Compiles rule files; the error names the file and line of the first bad rule.
    pub fn compile(files: &[(&str, &str)]) -> Result<Rules, String> {
        let mut lines: HashMap<String, (String, Kind), crate::boilerplate::lang::WordHash> =
            HashMap::default();
        let mut prefixes = Vec::new();
        let mut contains = Vec::new();
        let mut regexes = Vec::new();
        let mut count = 0;
        for (name, text) in files {
            for (n, raw) in text.lines().enumerate() {
                let raw = raw.trim();
                if raw.is_empty() || raw.starts_with('#') {
                    continue;
                }
                let bad = |why: &str| format!("{name}:{}: {why}: {raw}", n + 1);
                // Fields are separated by any run of white space (columns may be aligned).
                let (kind, rest) = raw.split_once(char::is_whitespace).unwrap_or((raw, ""));
                let rest = rest.trim_start();
                let (family, pattern) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let (family, pattern) = (family.trim(), pattern.trim());
                if family.is_empty() || pattern.is_empty() {
                    return Err(bad("expected KIND FAMILY PATTERN"));
                }
                let pattern_norm = normalise_owned(pattern);
                match kind {
                    "line" => {
                        lines.insert(
                            strip_trailing(&pattern_norm).to_string(),
                            (family.to_string(), Kind::Line),
                        );
                    }
                    "tail" => {
                        lines.insert(
                            strip_trailing(&pattern_norm).to_string(),
                            (family.to_string(), Kind::Tail),
                        );
                    }
                    "prefix" => prefixes.push((pattern_norm, family.to_string(), Kind::Prefix)),
                    "keep" => prefixes.push((pattern_norm, family.to_string(), Kind::Keep)),
                    "contains" => contains.push((pattern_norm, family.to_string())),
                    "regex" => {
                        let re =
                            Regex::new(pattern).map_err(|e| bad(&format!("bad regex ({e})")))?;
                        regexes.push((re, family.to_string()));
                    }
                    _ => {
                        return Err(bad(
                            "KIND must be line, prefix, contains, regex, tail or keep",
                        ));
                    }
                }
                count += 1;
            }
        }
        // Longer prefixes first, so the family reported is the most specific one.
        prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        let prefix_any = prefix_automaton(&prefixes)?;
        let mut prefix_pairs = Box::new([0u64; 1024]);
        for (p, _, _) in &prefixes {
            // A one-byte pattern starts lines whatever their second byte (an empty one, left by
            // a pattern of zero-width characters, starts every line).
            let (first, seconds) = match p.as_bytes() {
                [] => (0..=255, 0..=255),
                [a] => (*a..=*a, 0..=255),
                [a, b, ..] => (*a..=*a, *b..=*b),
            };
            for a in first {
                for b in seconds.clone() {
                    let pair = usize::from(a) << 8 | usize::from(b);
                    prefix_pairs[pair >> 6] |= 1 << (pair & 63);
                }
            }
        }
        let line_max = lines.keys().map(String::len).max().unwrap_or(0);
        let contains_any = literal_alternation(contains.iter().map(|c| c.0.as_str()))?;
        let phrases: Vec<&str> = contains.iter().map(|c| c.0.as_str()).collect();
        let contains_anchors = Literals::new(&anchor_words(&phrases), MatchKind::LeftmostFirst)?;
        Ok(Rules {
            lines,
            line_max,
            prefixes,
            prefix_pairs,
            prefix_any,
            contains,
            contains_any,
            contains_anchors,
            regex_gate: RegexGate::new(&regexes)?,
            regexes,
            count,
        })
    }

    /// The first rule that matches `norm`, a line already passed through [`normalise`].
    pub fn find(&self, norm: &str) -> Option<Hit<'_>> {
        let bare = strip_trailing(norm);
        if bare.len() <= self.line_max
            && let Some((family, kind)) = self.lines.get(bare)
        {
            return Some(Hit {
                family,
                kind: *kind,
            });
        }
        if let Some(hit) = self.tail_with_count(bare) {
            return Some(hit);
        }
        if let Some(hit) = self.find_prefix(norm) {
            return Some(hit);
        }
        if norm.len() < CONTAINS_MAX_BYTES
            && self
                .contains_anchors
                .as_ref()
                .is_some_and(|anchors| anchors.find_from(norm, 0).is_some())
            && let Some(re) = &self.contains_any
            && let Some(m) = re.find(norm)
            && let Some((_, family)) = self.contains.iter().find(|c| c.0 == m.as_str())
        {
            return Some(Hit {
                family,
                kind: Kind::Contains,
            });
        }
        // Only the rules whose required text the line holds are run, in the order of the files,
        // so the first that matches is the one the library lists first.
        if norm.len() < CONTAINS_MAX_BYTES
            && let Some(k) = self.regex_gate.first_match(norm, &self.regexes)
        {
            return Some(Hit {
                family: &self.regexes[k].1,
                kind: Kind::Regex,
            });
        }
        None
    }

    /// Only the `prefix` and `keep` rules, for the head of a long line (the others never match a
    /// line of [`CONTAINS_MAX_BYTES`] or more).
    pub fn find_prefix(&self, norm: &str) -> Option<Hit<'_>> {
        let (_, family, kind) = &self.prefixes[self.prefix_at(norm)?];
        Some(Hit {
            family,
            kind: *kind,
        })
    }

    /// The first of `prefixes` that starts `norm`: one walk of an anchored automaton, for lines
    /// whose first two bytes start some pattern. Its leftmost-first match is the pattern listed
    /// first among those that match (all of them start at the line's start).
    fn prefix_at(&self, norm: &str) -> Option<usize> {
        let pair = first_pair(norm.as_bytes());
        if self.prefix_pairs[pair >> 6] & (1 << (pair & 63)) == 0 {
            return None;
        }
        let ac = self.prefix_any.as_ref()?;
        let found = ac.find(Input::new(norm).anchored(Anchored::Yes))?;
        Some(found.pattern().as_usize())
    }

    /// `Comments (12)`, `Kommentare 3`: a tail line followed by a count.
    fn tail_with_count(&self, bare: &str) -> Option<Hit<'_>> {
        let head = bare.trim_end_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '(' | ')' | '[' | ']' | ' ')
        });
        if head.len() == bare.len() || head.is_empty() || head.len() > self.line_max {
            return None;
        }
        match self.lines.get(head) {
            Some((family, Kind::Tail)) => Some(Hit {
                family,
                kind: Kind::Tail,
            }),
            _ => None,
        }
    }
}

/// One regex matching any of `phrases` literally, leftmost and, among phrases starting there, the
/// one listed first (`None` for no phrases).
fn literal_alternation<'a>(
    phrases: impl Iterator<Item = &'a str>,
) -> Result<Option<Regex>, String> {
    let alts: Vec<String> = phrases.map(regex::escape).collect();
    if alts.is_empty() {
        return Ok(None);
    }
    Regex::new(&format!("(?:{})", alts.join("|")))
        .map(Some)
        .map_err(|e| format!("cannot combine phrases: {e}"))
}

/// A search for any of a few dozen literals. The packed (SIMD) searcher is called directly
/// where the CPU has one: through `regex` or a whole `AhoCorasick` automaton, each short line
/// paid more for setting the search up than for the search itself. Elsewhere, or with more
/// literals than the packed searcher takes (a long `--rules` file), an automaton.
#[derive(Debug)]
enum Literals {
    Packed(aho_corasick::packed::Searcher),
    Automaton(AhoCorasick),
}

impl Literals {
    /// `None` for no literals. `kind` is leftmost-first or leftmost-longest.
    fn new<P: AsRef<[u8]>>(literals: &[P], kind: MatchKind) -> Result<Option<Literals>, String> {
        if literals.is_empty() {
            return Ok(None);
        }
        let packed_kind = match kind {
            MatchKind::LeftmostLongest => aho_corasick::packed::MatchKind::LeftmostLongest,
            _ => aho_corasick::packed::MatchKind::LeftmostFirst,
        };
        let packed = aho_corasick::packed::Config::new()
            .match_kind(packed_kind)
            .builder()
            .extend(literals)
            .build();
        if let Some(searcher) = packed {
            return Ok(Some(Literals::Packed(searcher)));
        }
        AhoCorasick::builder()
            .match_kind(kind)
            .build(literals)
            .map(|ac| Some(Literals::Automaton(ac)))
            .map_err(|e| format!("cannot combine literals: {e}"))
    }

    /// The first match that starts at or after `from`: (literal index, start).
    #[inline]
    fn find_from(&self, text: &str, from: usize) -> Option<(usize, usize)> {
        match self {
            Literals::Packed(s) => s
                .find_in(text, aho_corasick::Span::from(from..text.len()))
                .map(|m| (m.pattern().as_usize(), m.start())),
            Literals::Automaton(ac) => ac
                .find(Input::new(text).range(from..))
                .map(|m| (m.pattern().as_usize(), m.start())),
        }
    }
}

/// Few words such that every phrase holds one of them: a line holding a phrase holds its word,
/// so a line holding none of the words is not searched for phrases. Chosen greedily, each time
/// the word held by most phrases not yet covered (the longer on a tie): `cookie` stands for forty
/// cookie notices. A word of four bytes or more that is not a stopword (rarer in prose) is
/// preferred; a phrase with none is covered by its longest word. Fewer words make a faster
/// search (under 32 literals the searcher's filter is both smaller and sharper).
fn anchor_words<'a>(phrases: &[&'a str]) -> Vec<&'a str> {
    let lexicon = lang::fallback_lexicon();
    let mut candidates: Vec<&str> = phrases
        .iter()
        .flat_map(|p| p.split(' '))
        .filter(|w| w.len() >= 4 && !lexicon.is_stop(w))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let holders = |word: &str| -> Vec<usize> {
        (0..phrases.len())
            .filter(|&i| phrases[i].contains(word))
            .collect()
    };
    let held: Vec<Vec<usize>> = candidates.iter().map(|w| holders(w)).collect();
    let mut covered = vec![false; phrases.len()];
    let mut anchors = Vec::new();
    loop {
        let gain = |k: usize| held[k].iter().filter(|&&i| !covered[i]).count();
        let best = (0..candidates.len())
            .filter(|&k| gain(k) > 0)
            .max_by_key(|&k| {
                (
                    gain(k),
                    candidates[k].len(),
                    std::cmp::Reverse(candidates[k]),
                )
            });
        let Some(k) = best else { break };
        for &i in &held[k] {
            covered[i] = true;
        }
        anchors.push(candidates[k]);
    }
    for (p, _) in phrases.iter().zip(&covered).filter(|(_, c)| !**c) {
        let longest = p
            .split(' ')
            .fold("", |best, w| if w.len() > best.len() { w } else { best });
        anchors.push(longest);
    }
    anchors.sort_unstable();
    anchors.dedup();
    anchors
}

/// The first two bytes of `text` as one number, a missing byte read as 0.
fn first_pair(text: &[u8]) -> usize {
    let at = |i: usize| usize::from(text.get(i).copied().unwrap_or(0));
    at(0) << 8 | at(1)
}

/// One anchored automaton over the literal prefixes (`None` for none): a walk from the line's
/// first byte that stops as soon as no prefix can match any more. A contiguous NFA rather than a
/// DFA: building the DFA of 541 prefixes cost about 20M instructions in every process (a third
/// of a small run), while the walk, a few bytes on the lines that pass the two-byte test, costs
/// about the same either way.
fn prefix_automaton(prefixes: &[(String, String, Kind)]) -> Result<Option<AhoCorasick>, String> {
    if prefixes.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .start_kind(StartKind::Anchored)
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(prefixes.iter().map(|p| &p.0))
        .map(Some)
        .map_err(|e| format!("cannot combine phrases: {e}"))
}

/// What a line must hold for one regex rule to match it, read from the rule's syntax tree
/// (`regex-syntax`, the parser inside `regex`): every match of the rule starts with one of its
/// literal prefixes, ends with one of its suffixes, and contains a prefix of each tail of its
/// top-level sequence. A rule with none of these (`\d+`) is always run.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Need {
    /// The line starts with one of these (the rule begins with `^`).
    Start(Vec<Vec<u8>>),
    /// The line's first byte is one of these (the rule begins with `^`, and what follows starts
    /// with few enough bytes: `^\d+ comments`).
    First(Box<[bool; 256]>),
    /// The line ends with one of these (the rule ends with `$`).
    End(Vec<Vec<u8>>),
    /// The line contains one of these.
    Contains(Vec<Vec<u8>>),
    /// Nothing known: always run the rule.
    Nothing,
}

/// The literals of a finite sequence none of which is empty (an empty one requires nothing).
/// Each cut to its first [`NEED_BYTES`] (a prefix of a required prefix is required too), or its
/// last ones for a sequence of `suffixes`, without repeats.
fn required(seq: &Seq, suffixes: bool) -> Option<Vec<Vec<u8>>> {
    let lits = seq.literals()?;
    if lits.is_empty() || seq.min_literal_len()? == 0 {
        return None;
    }
    let mut out: Vec<Vec<u8>> = Vec::new();
    for l in lits {
        let b = l.as_bytes();
        let keep = b.len().min(NEED_BYTES);
        let cut = if suffixes {
            b[b.len() - keep..].to_vec()
        } else {
            b[..keep].to_vec()
        };
        if !out.contains(&cut) {
            out.push(cut);
        }
    }
    Some(out)
}

/// Longest required literal kept (longer ones add little and multiply variants).
const NEED_BYTES: usize = 8;

/// The [`Need`] of a rule's pattern (parsed as `regex` parses it, default flags).
fn need_of(pattern: &str) -> Need {
    let Ok(hir) = regex_syntax::parse(pattern) else {
        return Need::Nothing;
    };
    let prefixes = Extractor::new();
    let mut suffixes = Extractor::new();
    suffixes.kind(ExtractKind::Suffix);
    let subs: Vec<Hir> = match hir.kind() {
        HirKind::Concat(subs) => subs.clone(),
        _ => vec![hir.clone()],
    };
    let is = |h: &Hir, look: Look| matches!(h.kind(), HirKind::Look(l) if *l == look);
    if subs.len() > 1
        && is(&subs[0], Look::Start)
        && let Some(lits) = required(&prefixes.extract(&Hir::concat(subs[1..].to_vec())), false)
    {
        return Need::Start(lits);
    }
    let n = subs.len();
    if n > 1
        && is(&subs[n - 1], Look::End)
        && let Some(lits) = required(
            &suffixes.extract(&Hir::concat(subs[..n - 1].to_vec())),
            true,
        )
    {
        return Need::End(lits);
    }
    if subs.len() > 1
        && is(&subs[0], Look::Start)
        && let Some(first) = first_bytes_of(&Hir::concat(subs[1..].to_vec()))
    {
        return Need::First(first);
    }
    // Inside: the tail whose shortest literal prefix is longest (rarer in text), up to six
    // bytes; among those, the one with fewest literals.
    let score = |l: &[Vec<u8>]| {
        let shortest = l.iter().map(Vec::len).min().unwrap_or(0);
        (shortest.min(6), usize::MAX - l.len())
    };
    let mut best: Option<Vec<Vec<u8>>> = None;
    for i in 0..n {
        let Some(lits) = required(&prefixes.extract(&Hir::concat(subs[i..].to_vec())), false)
        else {
            continue;
        };
        if best.as_ref().is_none_or(|b| score(&lits) > score(b)) {
            best = Some(lits);
        }
    }
    // Part of required text is required too: leading spaces are dropped (a space matches
    // almost everywhere, so it would make every word a candidate for the literal search).
    best.map_or(Need::Nothing, |lits| {
        let mut trimmed: Vec<Vec<u8>> = Vec::new();
        for l in lits {
            let start = l.iter().position(|&b| b != b' ').unwrap_or(0);
            let t = l[start..].to_vec();
            if !trimmed.contains(&t) {
                trimmed.push(t);
            }
        }
        Need::Contains(trimmed)
    })
}

/// Bytes of a `Contains` literal kept for the search: enough to be rare in prose, few enough that
/// the variants of one word fall together and the search takes its faster form (at most 32
/// literals).
const INNER_NEED_BYTES: usize = 5;

/// `Contains` literals shorter than this are searched alone (see [`RegexGate::short`]).
const SHORT_NEED_BYTES: usize = 3;

/// The bytes a match of `hir` can start with, when it cannot be empty and they are at most
/// [`FIRST_BYTES_MAX`] (else it says too little to be worth a test).
fn first_bytes_of(hir: &Hir) -> Option<Box<[bool; 256]>> {
    let mut set = Box::new([false; 256]);
    let can_be_empty = first_bytes(hir, &mut set);
    let count = set.iter().filter(|&&b| b).count();
    (!can_be_empty && count <= FIRST_BYTES_MAX).then_some(set)
}

/// Most bytes a [`Need::First`] allows.
const FIRST_BYTES_MAX: usize = 64;

/// Adds to `set` every byte a non-empty match of `hir` can start with; says whether `hir` can
/// match the empty string (then what follows it can start the match too). A set too large is
/// harmless: it is a necessary condition only.
fn first_bytes(hir: &Hir, set: &mut [bool; 256]) -> bool {
    // The first byte of a character's UTF-8 form grows with the character.
    let lead = |c: char| {
        let mut buf = [0u8; 4];
        c.encode_utf8(&mut buf).as_bytes()[0]
    };
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match lit.0.first() {
            Some(&b) => {
                set[usize::from(b)] = true;
                false
            }
            None => true,
        },
        HirKind::Class(Class::Unicode(cls)) => {
            for r in cls.ranges() {
                for b in lead(r.start())..=lead(r.end()) {
                    set[usize::from(b)] = true;
                }
            }
            false
        }
        HirKind::Class(Class::Bytes(cls)) => {
            for r in cls.ranges() {
                for b in r.start()..=r.end() {
                    set[usize::from(b)] = true;
                }
            }
            false
        }
        HirKind::Repetition(rep) => first_bytes(&rep.sub, set) || rep.min == 0,
        HirKind::Capture(cap) => first_bytes(&cap.sub, set),
        HirKind::Concat(subs) => subs.iter().all(|sub| first_bytes(sub, set)),
        HirKind::Alternation(subs) => subs
            .iter()
            .fold(false, |empty, sub| first_bytes(sub, set) | empty),
    }
}

/// A literal of at most eight bytes ([`NEED_BYTES`]) that a line must start or end with, as one
/// number and a mask over its bytes: tested against the line's first or last eight bytes
/// ([`edges`]) with one compare instead of a call to compare bytes.
#[derive(Debug, Clone, Copy)]
struct Edge {
    bytes: u64,
    mask: u64,
    len: usize,
}

impl Edge {
    /// A literal the line must start with: its bytes in the low end of the number.
    fn start(lit: &[u8]) -> Edge {
        let len = lit.len();
        assert!((1..=8).contains(&len), "literals are cut to NEED_BYTES");
        Edge {
            bytes: crate::ascii::low_bytes(lit),
            mask: u64::MAX >> (8 * (8 - len)),
            len,
        }
    }

    /// A literal the line must end with: its bytes in the high end of the number.
    fn end(lit: &[u8]) -> Edge {
        let len = lit.len();
        assert!((1..=8).contains(&len), "literals are cut to NEED_BYTES");
        let shift = 8 * (8 - len) as u32;
        Edge {
            bytes: crate::ascii::low_bytes(lit) << shift,
            mask: u64::MAX << shift,
            len,
        }
    }
}

/// A line's first eight bytes (zero after a shorter line's end) and its last eight (the last
/// byte highest, zero before a shorter line's start), for [`Edge`] tests.
fn edges(bytes: &[u8]) -> (u64, u64) {
    match bytes.len().checked_sub(8) {
        Some(from) => (
            u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes")),
            u64::from_le_bytes(bytes[from..].try_into().expect("8 bytes")),
        ),
        None => {
            let v = crate::ascii::low_bytes(bytes);
            (v, v << (8 * (8 - bytes.len())))
        }
    }
}

/// Rules with an index from this on are always run (the gate keeps one bit a rule in a `u128`).
const GATED_RULES: usize = 128;

/// The [`Need`]s of all regex rules, arranged to test one line against all of them at once:
/// starts and ends by the line's first and last byte, inner literals by one Aho-Corasick scan.
#[derive(Debug)]
struct RegexGate {
    /// Rules to run whatever the line holds.
    always: u128,
    /// By first byte: the literals of `Start` needs, with their rule.
    starts: Vec<Vec<(Edge, u32)>>,
    /// By first byte: the rules with a `First` need that allows it.
    first: Vec<u128>,
    /// By last byte: the literals of `End` needs, with their rule.
    ends: Vec<Vec<(Edge, u32)>>,
    /// `Contains` literals under [`SHORT_NEED_BYTES`] (`|`, `©`), each with the offset of its
    /// rarest byte (searched for with `memchr`) and its rules: in a literal search they would
    /// make the search's prefilter test a byte or two, and stop at almost every word.
    short: Vec<(Vec<u8>, usize, u128)>,
    /// The rarest bytes of `short`, each once: up to three are looked for in one pass.
    short_bytes: Vec<u8>,
    /// The other `Contains` literals, each once, searched leftmost-longest.
    inner: Option<Literals>,
    /// For pattern i of `inner`: the rules of every literal that is a prefix of it (itself
    /// included): they all match where it matches.
    inner_rules: Vec<u128>,
    /// Number of rules.
    count: usize,
}

impl RegexGate {
    fn new(regexes: &[(Regex, String)]) -> Result<RegexGate, String> {
        let mut gate = RegexGate {
            always: 0,
            starts: vec![Vec::new(); 256],
            first: vec![0; 256],
            ends: vec![Vec::new(); 256],
            short: Vec::new(),
            short_bytes: Vec::new(),
            inner: None,
            inner_rules: Vec::new(),
            count: regexes.len(),
        };
        let mut inner = Vec::new();
        for (k, (re, _)) in regexes.iter().enumerate().take(GATED_RULES) {
            let rule = k as u32;
            match need_of(re.as_str()) {
                Need::Start(lits) => {
                    for l in lits {
                        gate.starts[usize::from(l[0])].push((Edge::start(&l), rule));
                    }
                }
                Need::First(set) => {
                    for (b, _) in set.iter().enumerate().filter(|(_, allowed)| **allowed) {
                        gate.first[b] |= 1 << k;
                    }
                }
                Need::End(lits) => {
                    for l in lits {
                        gate.ends[usize::from(l[l.len() - 1])].push((Edge::end(&l), rule));
                    }
                }
                Need::Contains(lits) => {
                    for mut l in lits {
                        // A shorter literal is found by the same search with fewer variants
                        // ("foto :", "foto: " and "foto:" are all "foto"): see INNER_NEED_BYTES.
                        l.truncate(INNER_NEED_BYTES);
                        match inner.iter().position(|(have, _)| *have == l) {
                            Some(i) => inner[i].1 |= 1 << k,
                            None => inner.push((l, 1u128 << k)),
                        }
                    }
                }
                Need::Nothing => gate.always |= 1 << k,
            }
        }
        let (short, inner): (Vec<_>, Vec<_>) = inner
            .into_iter()
            .partition(|(lit, _)| lit.len() < SHORT_NEED_BYTES);
        gate.short = short
            .into_iter()
            .map(|(lit, rules)| {
                // Rarest: the last byte that is not an ASCII letter, digit or space, else the last.
                let common = |b: u8| b.is_ascii_alphanumeric() || b == b' ';
                let at = (0..lit.len())
                    .rev()
                    .find(|&i| !common(lit[i]))
                    .unwrap_or(lit.len() - 1);
                (lit, at, rules)
            })
            .collect();
        for (lit, at, _) in &gate.short {
            if !gate.short_bytes.contains(&lit[*at]) {
                gate.short_bytes.push(lit[*at]);
            }
        }
        if !inner.is_empty() {
            gate.inner_rules = inner
                .iter()
                .map(|(lit, _)| {
                    inner
                        .iter()
                        .filter(|(other, _)| lit.starts_with(other))
                        .fold(0, |acc, (_, rules)| acc | rules)
                })
                .collect();
            let lits: Vec<&Vec<u8>> = inner.iter().map(|(lit, _)| lit).collect();
            gate.inner = Literals::new(&lits, MatchKind::LeftmostLongest)?;
        }
        Ok(gate)
    }

    /// The rules whose short literal ([`SHORT_NEED_BYTES`]) `bytes` hold: each place one of the
    /// literals' rare bytes stands is looked at, in one pass for up to three such bytes.
    fn short_needs(&self, bytes: &[u8]) -> u128 {
        let mut possible = 0;
        let mut at_rare = |p: usize| {
            for (lit, at, rules) in &self.short {
                if bytes[p] == lit[*at] && p >= *at && bytes[p - at..].starts_with(lit) {
                    possible |= rules;
                }
            }
        };
        match self.short_bytes[..] {
            [] => {}
            [a] => memchr::memchr_iter(a, bytes).for_each(&mut at_rare),
            [a, b] => memchr::memchr2_iter(a, b, bytes).for_each(&mut at_rare),
            [a, b, c] => memchr::memchr3_iter(a, b, c, bytes).for_each(&mut at_rare),
            _ => {
                for (lit, at, rules) in &self.short {
                    let found = memchr::memchr_iter(lit[*at], bytes)
                        .any(|p| p >= *at && bytes[p - at..].starts_with(lit));
                    if found {
                        possible |= rules;
                    }
                }
            }
        }
        possible
    }

    /// The first rule (in the library's order) that matches `norm`.
    fn first_match(&self, norm: &str, regexes: &[(Regex, String)]) -> Option<usize> {
        let bytes = norm.as_bytes();
        let mut possible = self.always;
        if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
            possible |= self.first[usize::from(first)];
            let (head, tail) = edges(bytes);
            for (lit, k) in &self.starts[usize::from(first)] {
                if lit.len <= bytes.len() && head & lit.mask == lit.bytes {
                    possible |= 1 << k;
                }
            }
            for (lit, k) in &self.ends[usize::from(last)] {
                if lit.len <= bytes.len() && tail & lit.mask == lit.bytes {
                    possible |= 1 << k;
                }
            }
        }
        possible |= self.short_needs(bytes);
        // Every start of an inner literal: the longest literal found there names, through
        // `inner_rules`, every literal that starts there too; the next search starts one byte on.
        if let Some(inner) = &self.inner {
            let mut from = 0;
            while let Some((k, start)) = inner.find_from(norm, from) {
                possible |= self.inner_rules[k];
                from = start + 1;
            }
        }
        while possible != 0 {
            let k = possible.trailing_zeros() as usize;
            if regexes[k].0.is_match(norm) {
                return Some(k);
            }
            possible &= possible - 1;
        }
        (GATED_RULES..self.count).find(|&k| regexes[k].0.is_match(norm))
    }
}

/// Lowercases `line` into `out`, turning every run of white space (no-break spaces included)
/// into one space and trimming both ends.
pub fn normalise(line: &str, out: &mut String) {
    out.clear();
    if crate::ascii::is_ascii(line.as_bytes()) {
        let bytes = line.as_bytes();
        // Most lines need no change of white space: single spaces between words, none at either
        // end, no tab or other control byte. Then one copy and an in-place lowercase do it.
        let ends = bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ');
        if !ends && plain_spacing(bytes) {
            out.push_str(line);
            out.make_ascii_lowercase();
            return;
        }
        // Otherwise whole words are copied, then lowercased in place.
        for word in line.split_ascii_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.make_ascii_lowercase();
        return;
    }
    // One pass: a run of white space becomes one space, written only before the next word.
    // The text between two non-ASCII characters (most of such a line: typographic quotes and
    // accented letters are few) is copied whole when its spaces are single and it has no control
    // byte, else a word at a time; it is lowercased with the rest at the end (no lowercase
    // mapping gives an uppercase ASCII letter). Other characters go one at a time.
    let is_space = |c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}';
    out.reserve(line.len());
    let mut space = false;
    let mut rest = line;
    while !rest.is_empty() {
        let ascii = crate::ascii::next_non_ascii(rest.as_bytes(), 0).unwrap_or(rest.len());
        let (run, after) = rest.split_at(ascii);
        if !run.is_empty() {
            let bytes = run.as_bytes();
            if plain_spacing(bytes) {
                // at most one space at either end, single spaces inside
                let (lead, body) = run.strip_prefix(' ').map_or((false, run), |b| (true, b));
                let (body, trail) = body.strip_suffix(' ').map_or((body, false), |b| (b, true));
                if lead {
                    space = !out.is_empty();
                }
                if !body.is_empty() {
                    if space {
                        out.push(' ');
                    }
                    out.push_str(body);
                    space = false;
                }
                if trail {
                    space = !out.is_empty();
                }
            } else {
                let blank = |c: char| c.is_ascii_whitespace() || c == '\x0b';
                for (k, word) in run.split(blank).enumerate() {
                    if k > 0 {
                        space = !out.is_empty();
                    }
                    if word.is_empty() {
                        continue;
                    }
                    if space {
                        out.push(' ');
                        space = false;
                    }
                    out.push_str(word);
                }
            }
        }
        let Some(c) = after.chars().next() else {
            break;
        };
        rest = &after[c.len_utf8()..];
        if is_space(c) {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
    }
    out.make_ascii_lowercase();
}

/// Whether ASCII `bytes` need no change of white space but at their ends: no control byte (tabs,
/// line breaks and the like are all below 0x20), no two spaces in a row. Loops without branches
/// that the compiler vectorises.
fn plain_spacing(bytes: &[u8]) -> bool {
    let control = bytes.iter().fold(false, |acc, &b| acc | (b < b' '));
    let double = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |acc, (&a, &b)| acc | ((a == b' ') & (b == b' ')));
    !(control | double)
}

/// Words of a line passed through [`normalise`]: one more than its spaces.
pub fn word_count(norm: &str) -> usize {
    memchr::memchr_iter(b' ', norm.as_bytes()).count() + 1
}

fn normalise_owned(line: &str) -> String {
    let mut out = String::new();
    normalise(line, &mut out);
    out
}

/// Drops trailing punctuation and arrows that menus and buttons carry (`Read more »`).
fn strip_trailing(norm: &str) -> &str {
    norm.trim_end_matches(|c: char| {
        c == ' '
            || matches!(
                c,
                '.' | ':' | '!' | '|' | '»' | '›' | '>' | '→' | '…' | '-' | '–'
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{mixed_line, xorshift};

    fn family(rules: &Rules, line: &str) -> Option<String> {
        let mut norm = String::new();
        normalise(line, &mut norm);
        rules.find(&norm).map(|h| h.family.to_string())
    }

    #[test]
    fn prefix_found_by_the_automaton_is_the_first_listed_that_matches() {
        let rules = Rules::builtin();
        let mut lines: Vec<String> = Vec::new();
        for (p, _, _) in &rules.prefixes {
            lines.push(p.clone());
            lines.push(format!("{p} and more words"));
            lines.push(p.chars().take(p.chars().count() / 2).collect());
        }
        lines.push("the council voted on tuesday".into());
        lines.push(String::new());
        for line in &lines {
            let by_scan = rules.prefixes.iter().position(|p| line.starts_with(&p.0));
            assert_eq!(rules.prefix_at(line), by_scan, "{line:?}");
        }
    }

    #[test]
    fn every_contains_phrase_holds_an_anchor_word() {
        let phrases = [
            "we use cookies",
            "this site uses cookies",
            "cookie policy",
            "to your inbox",
            "delivered to your inbox",
            "by us",
        ];
        let anchors = anchor_words(&phrases);
        // One word stands for the three cookie phrases, one for the two inbox phrases; "by us"
        // has no word of four bytes, so its longest word stands for it.
        assert_eq!(anchors, vec!["by", "cookie", "inbox"]);
        let builtin = Rules::builtin();
        let phrases: Vec<&str> = builtin.contains.iter().map(|c| c.0.as_str()).collect();
        let anchors = anchor_words(&phrases);
        for p in &phrases {
            assert!(anchors.iter().any(|a| p.contains(a)), "{p} has no anchor");
        }
        assert!(anchors.len() < phrases.len() / 2, "{anchors:?}");
    }

    #[test]
    fn builtin_rules_compile_and_name_families() {
        let rules = Rules::builtin();
        assert!(rules.len() > 300);
        assert_eq!(family(&rules, "Leave a Reply").as_deref(), Some("comments"));
        assert_eq!(
            family(&rules, "Lea también: otra noticia").as_deref(),
            Some("readmore")
        );
        assert_eq!(
            family(&rules, "Thank you for registering").as_deref(),
            Some("register")
        );
        assert_eq!(
            family(&rules, "Kommentare (12)").as_deref(),
            Some("comments")
        );
        assert_eq!(
            family(&rules, "© 2024 Example Media").as_deref(),
            Some("copyright")
        );
    }

    #[test]
    fn prose_does_not_match() {
        let rules = Rules::builtin();
        for line in [
            "The minister said the talks would resume next week.",
            "Suche nach Überlebenden geht weiter",
            "Copyright law is changing in the European Union.",
            "« Nous sommes prêts », a déclaré la ministre.",
        ] {
            assert_eq!(family(&rules, line), None, "{line}");
        }
    }

    #[test]
    fn extra_rules_are_added_and_errors_name_the_line() {
        let rules = Rules::with_extra(
            "mine.txt",
            "# site\nprefix promo zum angebot\nline   menu   e-paper\n",
        )
        .expect("valid");
        assert_eq!(family(&rules, "E-Paper").as_deref(), Some("menu"));
        assert_eq!(
            family(&rules, "Zum Angebot des Tages").as_deref(),
            Some("promo")
        );
        let err = Rules::with_extra("mine.txt", "\nwhatever x y\n").expect_err("bad kind");
        assert!(err.starts_with("mine.txt:2:"), "{err}");
        let err = Rules::with_extra("mine.txt", "regex x (unclosed\n").expect_err("bad regex");
        assert!(err.contains("bad regex"), "{err}");
    }

    #[test]
    fn normalise_collapses_space_and_case() {
        let mut out = String::new();
        normalise("  Read\u{a0}MORE:\t now ", &mut out);
        assert_eq!(out, "read more: now");
    }

    #[test]
    fn normalise_ascii_plain_and_spaced_lines_agree() {
        let mut out = String::new();
        for line in [
            "Read MORE now",
            " Read MORE now",
            "Read MORE now ",
            "Read  MORE now",
            "Read\tMORE\r\nnow",
        ] {
            normalise(line, &mut out);
            assert_eq!(out, "read more now", "{line:?}");
        }
        normalise("", &mut out);
        assert_eq!(out, "");
        normalise("   ", &mut out);
        assert_eq!(out, "");
        // A vertical tab is not white space to the ASCII path (nor to split_ascii_whitespace).
        normalise("A\x0bB", &mut out);
        assert_eq!(out, "a\x0bb");
    }

    #[test]
    fn normalise_non_ascii_collapses_unicode_space() {
        let mut out = String::new();
        normalise(
            "\u{feff} Über\u{2003}\u{200b}ALLES\x0b\tMEHR\u{a0}",
            &mut out,
        );
        assert_eq!(out, "über alles mehr");
        normalise("ÉTÉ", &mut out);
        assert_eq!(out, "été");
    }

    /// The character-at-a-time form of [`normalise`] for text that is not all ASCII, as it was
    /// before ASCII runs were copied whole: the reference the faster form must agree with.
    fn normalise_by_chars(line: &str) -> String {
        let is_space = |c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}';
        let mut out = String::new();
        let mut space = false;
        for c in line.chars() {
            let blank = if c.is_ascii() {
                c.is_ascii_whitespace() || c == '\x0b'
            } else {
                is_space(c)
            };
            if blank {
                space = !out.is_empty();
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
        out
    }

    #[test]
    fn normalise_non_ascii_agrees_with_a_walk_by_characters() {
        // Every sequence of up to five pieces, each followed by one non-ASCII character, so
        // runs of ASCII and other characters meet in every order, at both ends, with white space
        // of both kinds on either side.
        let pieces = [
            "",
            " ",
            "Ab",
            "C d",
            "  E\x0bF\t",
            "\u{a0}",
            "Ü",
            "\u{200b}",
            "İ",
        ];
        let mut out = String::new();
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..5000 {
            let line = mixed_line(xorshift(&mut seed), &pieces, 5);
            normalise(&line, &mut out);
            assert_eq!(out, normalise_by_chars(&line), "{line:?}");
        }
    }

    /// The rule `regexes` tried in order, each on the whole line: what the gate must agree with.
    fn first_by_every_rule(rules: &Rules, norm: &str) -> Option<usize> {
        rules.regexes.iter().position(|(re, _)| re.is_match(norm))
    }

    #[test]
    fn needs_read_from_the_syntax() {
        let lits = |l: &[&str]| l.iter().map(|x| x.as_bytes().to_vec()).collect::<Vec<_>>();
        assert_eq!(
            need_of(r"^[^|]+\|[^|]+\|[^|]*$"),
            Need::Contains(lits(&["|"]))
        );
        assert_eq!(
            need_of(r"^(?:share|teilen)\s*\d*$"),
            Need::Start(lits(&["share", "teilen"]))
        );
        // Suffixes keep their last bytes.
        assert_eq!(need_of(r"^\d+ kommentare$"), Need::End(lits(&["mmentare"])));
        assert_eq!(
            need_of(r"download (?:the|our) [^.]*apps?"),
            Need::Contains(lits(&["download"]))
        );
        // A start that is a class: the first bytes it allows (ASCII digits, and the lead bytes
        // of other scripts' digits).
        let Need::First(set) = need_of(r"^\d+ (?:comments?|replies)(?: on .*)?$") else {
            panic!("a first-byte need");
        };
        assert!(set[usize::from(b'0')] && set[usize::from(b'9')]);
        assert!(!set[usize::from(b'a')] && !set[usize::from(b' ')]);
        assert_eq!(need_of(r"\d+"), Need::Nothing);
        assert_eq!(need_of(r"(unclosed"), Need::Nothing);
    }

    #[test]
    fn packed_and_automaton_literal_searches_agree() {
        let words = [
            "cookie",
            "newsletter",
            "abonn",
            "teilen",
            "foto",
            "©",
            "reuter",
            "ad",
        ];
        let pieces = [
            "we use cookies ",
            "sign up for our newsletter",
            "abonnieren sie",
            "share ",
            "foto: dpa",
            "© 2024",
            "reuters",
            "the council said ",
            "ads",
            "a",
            " ",
            "é",
            "’",
        ];
        for kind in [MatchKind::LeftmostFirst, MatchKind::LeftmostLongest] {
            let searched = Literals::new(&words, kind).expect("valid").expect("some");
            if !matches!(searched, Literals::Packed(_)) {
                // No SIMD searcher on this machine: both would be the automaton.
                return;
            }
            let automaton = Literals::Automaton(
                AhoCorasick::builder()
                    .match_kind(kind)
                    .build(words)
                    .expect("valid"),
            );
            let mut seed = 0x9e37_79b9_7f4a_7c15u64;
            for _ in 0..2000 {
                let line =
                    crate::testing::mixed_line(crate::testing::xorshift(&mut seed), &pieces, 8);
                // Every start, as the regex gate walks a line.
                let mut from = 0;
                loop {
                    let (a, b) = (
                        searched.find_from(&line, from),
                        automaton.find_from(&line, from),
                    );
                    assert_eq!(a, b, "{line:?} from {from}");
                    let Some((_, start)) = a else { break };
                    from = start + 1;
                }
            }
        }
    }

    #[test]
    fn gate_finds_the_rule_every_rule_finds() {
        // The built-in rules look for two short literals in one pass; with two more (`~`, `§`)
        // each is looked for on its own.
        let few = "regex x (?i)^Breaking\nregex y [^a-z]{3}\nregex z ^(?:a|b)c+$\n";
        let more = format!("{few}regex t [a-z]~[a-z]\nregex p ¶\n");
        // Lines from the fixtures plus lines made to hit (or nearly hit) each kind of need.
        let mut lines: Vec<String> = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/boilerplate");
        for entry in std::fs::read_dir(root).expect("fixtures").flatten() {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                lines.extend(text.lines().map(str::to_string));
            }
        }
        for made in [
            "Home | News | Sport",
            "Home | News",
            "Start • Politik • Wirtschaft",
            "Start · Politik",
            "4 Kommentare",
            "12 comments on this story",
            "Vorschau auf den nächsten Artikel",
            "The storm hit the coast. Foto: Jan Kowalski",
            "Lesezeit: 4 Minuten",
            "3 min read",
            "Download the app from the App Store",
            "Download our new apps",
            "© 2024 Example Media",
            "2024 © Example",
            "Next post: the harbour reopens",
            "Facebook | Twitter | E-Mail",
            "bcccc",
            "BREAKING news",
            "mine, 12 !!!",
            "Read more ›",
            "PAP/dpa",
            "text/dpa",
            "",
            "x",
            "a~b",
            "a ~ b",
            "¶ 3 and 4",
            "abc ¶",
        ] {
            lines.push(made.to_string());
        }
        for (extra, short_bytes) in [(few, 2), (more.as_str(), 4)] {
            let rules = Rules::with_extra("mine.txt", extra).expect("valid");
            assert_eq!(rules.regex_gate.short_bytes.len(), short_bytes);
            let mut norm = String::new();
            let (mut hits, mut short_hits) = (0, 0);
            for line in &lines {
                normalise(line, &mut norm);
                let want = first_by_every_rule(&rules, &norm);
                assert_eq!(
                    rules.regex_gate.first_match(&norm, &rules.regexes),
                    want,
                    "{norm:?}"
                );
                hits += usize::from(want.is_some());
                // The short literals, each looked for apart.
                let gate = &rules.regex_gate;
                let by_each = gate
                    .short
                    .iter()
                    .filter(|(lit, _, _)| norm.as_bytes().windows(lit.len()).any(|w| w == &lit[..]))
                    .fold(0, |acc, (_, _, r)| acc | r);
                assert_eq!(gate.short_needs(norm.as_bytes()), by_each, "{norm:?}");
                short_hits += usize::from(by_each != 0);
            }
            assert!(hits >= 20, "{hits}");
            assert!(short_hits >= 4, "{short_hits}");
        }
    }
}

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
//! hold the longest word of some phrase; regular expressions anchored at the line start through
//! one combined `regex`, those anchored at its end through another (run backwards from the end),
//! the others one by one (each keeps its own literal prefilter); only on a hit are the single
//! rules tried to name the family. It never allocates per line beyond the caller's reused buffer.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, AhoCorasickKind, Anchored, Input, MatchKind, StartKind};
use regex::Regex;

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
    prefixes: Vec<(String, String, Kind)>,
    prefix_any: Option<AhoCorasick>,
    contains: Vec<(String, String)>,
    contains_any: Option<Regex>,
    /// The longest word of every `contains` phrase, as one regex: a line holding none of them
    /// cannot hold a phrase. Short words that start many phrases ("to your inbox", "by using")
    /// make the phrase search stop at almost every word of prose; the long ones are rarer.
    contains_anchors: Option<Regex>,
    regexes: Vec<(Regex, String)>,
    regex_anchored: Option<Regex>,
    /// The rules anchored at the line end only, combined: the `regex` crate runs such a set
    /// backwards from the end of the line, where it gives up after a few bytes.
    regex_end: Option<Regex>,
    /// Indexes into `regexes` of the other rules. Each runs alone: combined, they would lose the
    /// literal prefilters the `regex` crate gives a single pattern, and scan every byte.
    regex_floating: Vec<usize>,
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
        let contains_any = literal_alternation(contains.iter().map(|c| c.0.as_str()))?;
        let mut anchors: Vec<&str> = contains.iter().map(|c| longest_word(&c.0)).collect();
        anchors.sort_unstable();
        anchors.dedup();
        let contains_anchors = literal_alternation(anchors.into_iter())?;
        Ok(Rules {
            lines,
            prefixes,
            prefix_any,
            contains,
            contains_any,
            contains_anchors,
            regex_anchored: combine(
                regexes
                    .iter()
                    .filter(|r| anchoring(&r.0) == Anchoring::Start),
            )?,
            regex_end: combine(regexes.iter().filter(|r| anchoring(&r.0) == Anchoring::End))?,
            regex_floating: (0..regexes.len())
                .filter(|&k| anchoring(&regexes[k].0) == Anchoring::None)
                .collect(),
            regexes,
            count,
        })
    }

    /// The first rule that matches `norm`, a line already passed through [`normalise`].
    pub fn find(&self, norm: &str) -> Option<Hit<'_>> {
        let bare = strip_trailing(norm);
        if let Some((family, kind)) = self.lines.get(bare) {
            return Some(Hit {
                family,
                kind: *kind,
            });
        }
        if let Some(hit) = self.tail_with_count(bare) {
            return Some(hit);
        }
        if self.has_prefix(norm)
            && let Some((_, family, kind)) = self.prefixes.iter().find(|p| norm.starts_with(&p.0))
        {
            return Some(Hit {
                family,
                kind: *kind,
            });
        }
        if norm.len() < CONTAINS_MAX_BYTES
            && self
                .contains_anchors
                .as_ref()
                .is_some_and(|re| re.is_match(norm))
            && let Some(re) = &self.contains_any
            && let Some(m) = re.find(norm)
            && let Some((_, family)) = self.contains.iter().find(|c| c.0 == m.as_str())
        {
            return Some(Hit {
                family,
                kind: Kind::Contains,
            });
        }
        // One pass of the combined anchored regex and one test per floating rule; only a hit
        // pays for finding which rule it was.
        if norm.len() < CONTAINS_MAX_BYTES
            && (self
                .regex_anchored
                .as_ref()
                .is_some_and(|re| re.is_match(norm))
                || self.regex_end.as_ref().is_some_and(|re| re.is_match(norm))
                || self
                    .regex_floating
                    .iter()
                    .any(|&k| self.regexes[k].0.is_match(norm)))
            && let Some((_, family)) = self.regexes.iter().find(|(re, _)| re.is_match(norm))
        {
            return Some(Hit {
                family,
                kind: Kind::Regex,
            });
        }
        None
    }

    /// Only the `prefix` and `keep` rules, for the head of a long line (the others never match a
    /// line of [`CONTAINS_MAX_BYTES`] or more).
    pub fn find_prefix(&self, norm: &str) -> Option<Hit<'_>> {
        if !self.has_prefix(norm) {
            return None;
        }
        self.prefixes
            .iter()
            .find(|p| norm.starts_with(&p.0))
            .map(|(_, family, kind)| Hit {
                family,
                kind: *kind,
            })
    }

    /// Whether some `prefix` or `keep` pattern starts `norm` (one walk of an anchored automaton).
    fn has_prefix(&self, norm: &str) -> bool {
        self.prefix_any
            .as_ref()
            .is_some_and(|ac| ac.is_match(Input::new(norm).anchored(Anchored::Yes)))
    }

    /// `Comments (12)`, `Kommentare 3`: a tail line followed by a count.
    fn tail_with_count(&self, bare: &str) -> Option<Hit<'_>> {
        let head = bare.trim_end_matches(|c: char| {
            c.is_ascii_digit() || matches!(c, '(' | ')' | '[' | ']' | ' ')
        });
        if head.len() == bare.len() || head.is_empty() {
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

/// The longest space-separated word of a normalised phrase (the first of equal ones); every
/// line holding the phrase holds it.
fn longest_word(phrase: &str) -> &str {
    phrase
        .split(' ')
        .fold("", |best, w| if w.len() > best.len() { w } else { best })
}

/// One anchored automaton over the literal prefixes (`None` for none): a walk from the line's
/// first byte that stops as soon as no prefix can match any more.
fn prefix_automaton(prefixes: &[(String, String, Kind)]) -> Result<Option<AhoCorasick>, String> {
    if prefixes.is_empty() {
        return Ok(None);
    }
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .start_kind(StartKind::Anchored)
        .kind(Some(AhoCorasickKind::DFA))
        .build(prefixes.iter().map(|p| &p.0))
        .map(Some)
        .map_err(|e| format!("cannot combine phrases: {e}"))
}

/// Where a rule's pattern is tied to the line, as its text shows (a guess used only to group
/// rules for speed: any grouping matches the same lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchoring {
    Start,
    End,
    None,
}

fn anchoring(re: &Regex) -> Anchoring {
    let p = re.as_str();
    if p.starts_with('^') {
        Anchoring::Start
    } else if p.ends_with('$') && !p.ends_with("\\$") {
        Anchoring::End
    } else {
        Anchoring::None
    }
}

/// One regex that matches where any of `rules` does (`None` for no rules), for rules anchored at
/// the same end of the line: such a set gives up after a few bytes of most lines.
fn combine<'a>(rules: impl Iterator<Item = &'a (Regex, String)>) -> Result<Option<Regex>, String> {
    let alts: Vec<String> = rules.map(|r| format!("(?:{})", r.0.as_str())).collect();
    if alts.is_empty() {
        return Ok(None);
    }
    Regex::new(&alts.join("|"))
        .map(Some)
        .map_err(|e| format!("cannot combine regexes: {e}"))
}

/// Lowercases `line` into `out`, turning every run of white space (no-break spaces included)
/// into one space and trimming both ends.
pub fn normalise(line: &str, out: &mut String) {
    out.clear();
    if line.is_ascii() {
        let bytes = line.as_bytes();
        // Most lines need no change of white space: single spaces between words, none at either
        // end, no tab or other control byte. Then one copy and an in-place lowercase do it (both
        // loops without branches that the compiler vectorises).
        let control = bytes.iter().fold(false, |acc, &b| acc | (b < b' '));
        let double = bytes
            .iter()
            .zip(bytes.iter().skip(1))
            .fold(false, |acc, (&a, &b)| acc | ((a == b' ') & (b == b' ')));
        let ends = bytes.first() == Some(&b' ') || bytes.last() == Some(&b' ');
        if !(control | double | ends) {
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
    // One pass over the characters: a run of white space becomes one space, written only
    // before the next word.
    let is_space = |c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}';
    out.reserve(line.len());
    let mut space = false;
    for c in line.chars() {
        if c.is_ascii() {
            if c.is_ascii_whitespace() || c == '\x0b' {
                space = !out.is_empty();
                continue;
            }
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c.to_ascii_lowercase());
        } else if is_space(c) {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.extend(c.to_lowercase());
        }
    }
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

    fn family(rules: &Rules, line: &str) -> Option<String> {
        let mut norm = String::new();
        normalise(line, &mut norm);
        rules.find(&norm).map(|h| h.family.to_string())
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
}

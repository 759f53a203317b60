//! The phrase library: rules that name known kinds of site chrome, read from text data.
//!
//! In: rule text in the format of `rules/README.md` (`KIND FAMILY PATTERN` a line), the built-in
//! files under `rules/` (pulled in with `include_str!`) plus any `--rules FILE`. Out: a compiled
//! [`Rules`] value that tells, for one normalised line, which family matches and how.
//!
//! The rules are data, not code, so that adding a language or a site's own phrases is a text
//! edit. Matching is linear in the line: exact lines go through a hash map, prefixes, substrings
//! and regular expressions each through one combined `regex` (which uses Aho-Corasick for the
//! literal alternations); only on a hit are the single rules tried to name the family. It never
//! allocates per line beyond the caller's reused buffer.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

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
    prefix_any: Option<Regex>,
    contains: Vec<(String, String)>,
    contains_any: Option<Regex>,
    regexes: Vec<(Regex, String)>,
    regex_anchored: Option<Regex>,
    regex_floating: Option<Regex>,
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
                        Regex::new(pattern).map_err(|e| bad(&format!("bad regex ({e})")))?;
                        regexes.push((pattern.to_string(), family.to_string()));
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
        let alternation = |items: &mut dyn Iterator<Item = &String>, anchored: bool| {
            let alts: Vec<String> = items.map(|p| regex::escape(p)).collect();
            if alts.is_empty() {
                return Ok(None);
            }
            let head = if anchored { "^(?:" } else { "(?:" };
            Regex::new(&format!("{head}{})", alts.join("|")))
                .map(Some)
                .map_err(|e| format!("cannot combine phrases: {e}"))
        };
        let prefix_any = alternation(&mut prefixes.iter().map(|p| &p.0), true)?;
        let contains_any = alternation(&mut contains.iter().map(|p| &p.0), false)?;
        Ok(Rules {
            lines,
            prefixes,
            prefix_any,
            contains,
            contains_any,
            regex_anchored: combine(regexes.iter().filter(|r| r.0.starts_with('^')))?,
            regex_floating: combine(regexes.iter().filter(|r| !r.0.starts_with('^')))?,
            regexes: regexes
                .into_iter()
                .filter_map(|(r, f)| Regex::new(&r).ok().map(|r| (r, f)))
                .collect(),
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
        if let Some(re) = &self.prefix_any
            && re.is_match(norm)
            && let Some((_, family, kind)) = self.prefixes.iter().find(|p| norm.starts_with(&p.0))
        {
            return Some(Hit {
                family,
                kind: *kind,
            });
        }
        if norm.len() < CONTAINS_MAX_BYTES
            && let Some(re) = &self.contains_any
            && let Some(m) = re.find(norm)
            && let Some((_, family)) = self.contains.iter().find(|c| c.0 == m.as_str())
        {
            return Some(Hit {
                family,
                kind: Kind::Contains,
            });
        }
        // One pass of the combined regex; only a hit pays for finding which one it was.
        if norm.len() < CONTAINS_MAX_BYTES
            && [&self.regex_anchored, &self.regex_floating]
                .iter()
                .any(|re| re.as_ref().is_some_and(|re| re.is_match(norm)))
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
        let re = self.prefix_any.as_ref()?;
        if !re.is_match(norm) {
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

/// One regex that matches where any of `rules` does (`None` for no rules). Anchored and floating
/// rules are combined apart: an anchored set gives up after a few bytes of a line.
fn combine<'a>(rules: impl Iterator<Item = &'a (String, String)>) -> Result<Option<Regex>, String> {
    let alts: Vec<String> = rules.map(|r| format!("(?:{})", r.0)).collect();
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
        // Fast path: whole words copied, then lowercased in place.
        for word in line.split_ascii_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.make_ascii_lowercase();
        return;
    }
    let is_space = |c: char| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}';
    for word in line.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
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
}

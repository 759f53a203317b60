//! Title, subtitle, byline, date and site name, taken from the lines of one article.
//!
//! In: the article's lines and the boilerplate stage's verdict on each. Out: the fields found and
//! the lines they came from ([`Extracted::used`]); the pipeline takes those lines out of the body.
//!
//! How the header is found: the first *body paragraph* is the first kept line that reads as prose
//! (100 characters or more, or a sentence of ten words). The headline is the nearest line above
//! it that looks like one (2 to 30 words, no final full stop, not a phrase-library hit, not a
//! date or a byline), looked for among kept and dropped lines alike, because a headline sits among
//! menus and is often dropped as chrome. Byline and date are looked for from the headline to a
//! few lines into the body: `By …`/`Von …`/`Por …`/`Par …`/`Autor: …`/`Autors: …`/`Автор: …`
//! lines, or a lone name ("Rod McGuirk") next to the dateline or right under the headline; dates are read by
//! [`dates`]. A dateline leaves the body only when the line holds nothing but the date.
//!
//! Body vs fields: the headline, the byline line and a date-only line leave the body. The
//! standfirst (the prose line right under the headline) is copied into `subtitle` but also stays
//! in the body: it is written as the story's lead, evaluators and readers count it as article
//! text, and dropping it would lose the only summary some stories have.
//!
//! Never invents a field: what is not found stays `None`.

pub mod dates;

use std::cell::OnceCell;
use std::sync::LazyLock;

use regex::Regex;

use crate::boilerplate::Verdict;

/// A publication date as found in the text and, when it could be read, as ISO 8601.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Published {
    /// ISO 8601 (`2024-05-01T02:26:00-04:00`, or `2024-05-01` when there is no time).
    pub iso: Option<String>,
    /// The text the date was read from, as it stood in the article.
    pub raw: String,
}

/// The metadata found in one article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    /// The headline.
    pub title: Option<String>,
    /// The standfirst under the headline (it stays in the body too).
    pub subtitle: Option<String>,
    /// The author line, without a leading "By".
    pub byline: Option<String>,
    /// The publication date.
    pub published: Option<Published>,
    /// The publishing site, where the text names it.
    pub site: Option<String>,
    /// Lines taken out of the body, with the field each one filled (`"title"`, `"byline"`, ...).
    pub used: Vec<(usize, &'static str)>,
}

impl Extracted {
    /// Whether line `i` was taken out of the body.
    pub fn uses(&self, i: usize) -> bool {
        self.used.iter().any(|(k, _)| *k == i)
    }
}

/// Raw lines looked at above the first body paragraph when searching for the headline.
const TITLE_WINDOW_LINES: usize = 30;
/// Raw lines into the body still searched for a byline or a date.
const BODY_HEAD_LINES: usize = 8;

/// The label a byline starts with, and the white space after it.
const BYLINE_LABEL_PATTERN: &str = r"(?i)^(?:by|von|por|par|przez|door|di|autor(?:in|s|ius)?:?|author:|autore:|auteur\s*:|text:|texto:|tekst:|teksti:|автор:|written by|reporting by)\s+";

/// A byline: a label, then 3 to 80 characters of names.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!("{BYLINE_LABEL_PATTERN}.{{3,80}}$")).expect("byline pattern is valid")
});

/// Where the names of a byline start: found without capture groups, which make a regex run its
/// slowest engine.
static BYLINE_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(BYLINE_LABEL_PATTERN).expect("byline label pattern is valid"));

static SITE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:copyright\s*)?(?:©|\(c\))?\s*(?:copyright\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)\s*(?:©\s*)?(?:by\s+)?([^.|,;©]{2,60}?)\s*(?:[.|,;]|all rights|alle rechte|todos los derechos|tous droits|wszelkie prawa|$)",
    )
    .expect("site pattern is valid")
});

/// Finds the metadata of one article.
pub fn extract(lines: &[&str], verdicts: &[Verdict]) -> Extracted {
    let mut found = Extracted::default();
    let n = lines.len().min(verdicts.len());
    // Each line trimmed once: the searches below read most lines several times.
    let texts: Vec<&str> = lines[..n].iter().map(|l| l.trim()).collect();
    let text = |i: usize| texts[i];
    let is_chrome = |i: usize| {
        verdicts[i]
            .reason
            .as_deref()
            .is_some_and(|r| r.starts_with("phrase:") || r.starts_with("repeated"))
    };
    let words = |i: usize| crate::ascii::whitespace_word_count(text(i));
    // Each line is read for a date at most once, however many of the searches below look at it.
    let dates_read: Vec<OnceCell<Option<dates::Found>>> = (0..n).map(|_| OnceCell::new()).collect();
    let date_of = |i: usize| {
        dates_read[i]
            .get_or_init(|| dates::find_date(text(i)))
            .as_ref()
    };
    let lone_name = |i: usize| is_lone_name(text(i)) && date_of(i).is_none();
    let is_prose = |i: usize| {
        let t = text(i);
        verdicts[i].keep
            && (has_chars_at_least(t, 100) || (ends_sentence(t) && words(i) >= 10))
            && byline_of(t).is_none()
    };
    let body_start = (0..n).find(|&i| is_prose(i)).unwrap_or(n);

    // Headline: nearest headline-like line above the body.
    let from = body_start.saturating_sub(TITLE_WINDOW_LINES);
    let headline_like = |i: usize| {
        let t = text(i);
        let w = words(i);
        !t.is_empty()
            && !is_chrome(i)
            && (3..=30).contains(&w)
            && !has_chars_at_least(t, 221)
            && !t.ends_with('.')
            && byline_of(t).is_none()
            && date_of(i).is_none_or(|d| !d.whole_line)
    };
    // The headline comes before any kept text: search above the first kept line (inclusive)
    // first, so a run of kept figures or short lines above the first prose paragraph (a wire
    // table) is not taken for the headline; then anywhere above the body.
    let first_kept = (0..body_start).find(|&i| verdicts[i].keep);
    let mut title_at = first_kept
        .and_then(|k| (from.min(k)..=k).rev().find(|&i| headline_like(i)))
        .or_else(|| (from..body_start).rev().find(|&i| headline_like(i)));
    // Two headline-like lines in a row: the upper one is the headline, the lower a standfirst.
    let mut standfirst_at = None;
    if let Some(i) = title_at
        && let Some(above) = (from..i).rev().find(|&k| !text(k).is_empty())
        && headline_like(above)
    {
        standfirst_at = Some(i);
        title_at = Some(above);
    }
    if let Some(i) = title_at {
        found.title = Some(text(i).to_string());
        found.used.push((i, "title"));
        // Standfirst: the line right under the headline stays in the body, copied.
        if let Some(j) = standfirst_at {
            found.subtitle = Some(text(j).to_string());
        } else if let Some(j) = (i + 1..n).find(|&j| !text(j).is_empty())
            && j == body_start
            && !has_chars_at_least(text(j), 350)
        {
            // Only a line that is set apart from the story: no final full stop (a deck), or
            // followed by the byline or the dateline. Otherwise it is the first paragraph.
            let next = (j + 1..n).find(|&k| !text(k).is_empty());
            let before_credits = next.is_some_and(|k| {
                byline_of(text(k)).is_some()
                    || lone_name(k)
                    || date_of(k).is_some_and(|d| d.whole_line)
            });
            if !ends_sentence(text(j)) || before_credits {
                found.subtitle = Some(text(j).to_string());
            }
        }
    }

    // Byline and date: from the headline (or the window) to a few lines into the body.
    let head_from = title_at.map_or(from, |i| i + 1);
    let head_to = (body_start + BODY_HEAD_LINES).min(n);
    let mut date_at = None;
    for i in head_from..head_to {
        let t = text(i);
        if t.is_empty() || found.uses(i) {
            continue;
        }
        if found.published.is_none()
            && let Some(d) = date_of(i)
            && (d.whole_line || !has_chars_at_least(t, 121) && !is_prose(i))
        {
            found.published = Some(Published {
                iso: Some(d.iso.clone()),
                raw: t.to_string(),
            });
            date_at = Some(i);
            let byline_part = t
                .split(['|', '•', '·'])
                .find_map(|part| byline_of(part.trim()));
            if let Some(b) = byline_part
                && found.byline.is_none()
            {
                found.byline = Some(b);
            }
            if d.whole_line || found.byline.is_some() {
                found.used.push((i, "published"));
            }
            continue;
        }
        if found.byline.is_none()
            && let Some(b) = byline_of(t)
        {
            found.byline = Some(b);
            found.used.push((i, "byline"));
        }
    }
    // A lone name next to the dateline or right under the headline.
    if found.byline.is_none() {
        let next_nonblank = |i: usize, forward: bool| -> Option<usize> {
            if forward {
                (i + 1..n).find(|&j| !text(j).is_empty())
            } else {
                (0..i).rev().find(|&j| !text(j).is_empty())
            }
        };
        let mut spots = Vec::new();
        if let Some(d) = date_at {
            spots.extend(next_nonblank(d, false));
            spots.extend(next_nonblank(d, true));
        }
        if let Some(t) = title_at {
            spots.extend(next_nonblank(t, true));
        }
        if let Some(i) = spots
            .into_iter()
            .find(|&i| !found.uses(i) && !is_chrome(i) && lone_name(i))
        {
            found.byline = Some(text(i).to_string());
            found.used.push((i, "byline"));
        }
    }
    // A date anywhere else, when the line is only a date.
    if found.published.is_none()
        && let Some((i, d)) = (0..n)
            .filter(|&i| text(i).len() <= 100)
            .find_map(|i| date_of(i).filter(|d| d.whole_line).map(|d| (i, d)))
    {
        found.published = Some(Published {
            iso: Some(d.iso.clone()),
            raw: text(i).to_string(),
        });
        if verdicts[i].keep {
            found.used.push((i, "published"));
        }
    }
    // Site: where a copyright line names it.
    found.site = (0..n)
        .filter(|&i| verdicts[i].reason.as_deref() == Some("phrase:copyright"))
        .find_map(|i| {
            SITE.captures(text(i))
                .and_then(|c| c.get(1))
                .map(|m| m.as_str().trim().to_string())
                .filter(|s| s.chars().any(char::is_alphabetic))
        });
    found.used.sort_unstable();
    found
}

/// Whether `t` has at least `count` characters: its length in bytes (one to four a character)
/// settles most lines without counting them.
fn has_chars_at_least(t: &str, count: usize) -> bool {
    t.len() >= count && (t.len() >= 4 * count || t.chars().count() >= count)
}

fn ends_sentence(t: &str) -> bool {
    matches!(
        t.trim_end().chars().last(),
        Some('.' | '!' | '?' | '"' | '”' | '»' | '…')
    )
}

/// The author named by a byline line (`By Rod McGuirk` -> `Rod McGuirk`), if it is one.
fn byline_of(t: &str) -> Option<String> {
    if t.len() > 120 || !may_start_byline(t) || !BYLINE.is_match(t) {
        return None;
    }
    // The names run from the end of the label's white space to the end of the line (BYLINE
    // took all of that white space too, unless fewer than 3 characters followed it; trimmed, the
    // names are the same).
    let name = t[BYLINE_LABEL.find(t)?.end()..].trim();
    // The rest must read as names: mostly capitalised words, no sentence.
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() || words.len() > 10 || name.ends_with('.') && words.len() > 4 {
        return None;
    }
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
        .count();
    (capitalised * 2 >= words.len()).then(|| name.to_string())
}

/// Whether `t` starts with two letters a byline label can start with, in any case (those of
/// [`BYLINE_LABEL_PATTERN`]'s words): a test of two bytes before the regex runs, which most lines
/// fail. None of those letters has a case variant outside ASCII but the Cyrillic `а`.
fn may_start_byline(t: &str) -> bool {
    const STARTS: [[u8; 2]; 11] = [
        *b"au", *b"by", *b"di", *b"do", *b"pa", *b"po", *b"pr", *b"re", *b"te", *b"vo", *b"wr",
    ];
    match t.as_bytes() {
        [a, ..] if !a.is_ascii() => t.starts_with(['а', 'А']),
        [a, b, ..] => STARTS.contains(&[a.to_ascii_lowercase(), b.to_ascii_lowercase()]),
        _ => false,
    }
}

/// A line made of 2 to 4 capitalised words of letters, like a person's name (the caller checks
/// that it is not a date).
fn is_lone_name(t: &str) -> bool {
    let mut count = 0;
    for w in t.split_whitespace() {
        count += 1;
        let mut chars = w.chars();
        let name_like = chars.next().is_some_and(char::is_uppercase)
            && chars.all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'));
        if count > 4 || !name_like {
            return false;
        }
    }
    count >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdicts(keep: &[bool]) -> Vec<Verdict> {
        keep.iter()
            .map(|&k| Verdict {
                keep: k,
                reason: (!k).then(|| "short line among boilerplate".to_string()),
            })
            .collect()
    }

    const BODY: &str = "The city council voted on Tuesday to close the old bridge for repairs, a \
                        decision that will send thousands of drivers on a long detour.";

    #[test]
    fn headline_byline_and_date_above_the_body() {
        let lines = [
            "Menu",
            "Council closes old bridge for repairs",
            "Rod McGuirk",
            "Wednesday 01 May 2024 02:26 EDT",
            BODY,
        ];
        let found = extract(&lines, &verdicts(&[false, true, false, false, true]));
        assert_eq!(
            found.title.as_deref(),
            Some("Council closes old bridge for repairs")
        );
        assert_eq!(found.byline.as_deref(), Some("Rod McGuirk"));
        let published = found.published.expect("a date");
        assert_eq!(published.iso.as_deref(), Some("2024-05-01T02:26:00-04:00"));
        assert_eq!(published.raw, "Wednesday 01 May 2024 02:26 EDT");
        assert_eq!(
            found.used,
            vec![(1, "title"), (2, "byline"), (3, "published")]
        );
    }

    #[test]
    fn byline_names_are_what_the_capturing_pattern_took() {
        let capturing = Regex::new(&format!("{BYLINE_LABEL_PATTERN}(.{{3,80}})$")).unwrap();
        let labels = [
            "By",
            "BY ",
            "Von",
            "Autorin:",
            "Autor",
            "Auteur :",
            "Written by",
            "автор:",
        ];
        let names = [
            "Ana Lopez",
            "  Jo Li ",
            "ab",
            "a b",
            "Ann",
            "X Y. Zed.",
            " \u{a0}Ola Nordmann",
        ];
        for label in labels {
            for name in names {
                for gap in [" ", "  ", "\t", "\u{a0}"] {
                    let line = format!("{label}{gap}{name}");
                    let want = capturing.captures(&line).map(|c| c[1].trim().to_string());
                    let got = BYLINE
                        .is_match(&line)
                        .then(|| BYLINE_LABEL.find(&line).map(|m| line[m.end()..].trim()))
                        .flatten()
                        .map(str::to_string);
                    assert_eq!(got, want, "{line:?}");
                }
            }
        }
    }

    #[test]
    fn byline_labels_start_with_the_letters_tested_first() {
        // the pattern's words, split where no parenthesis is open
        let body = BYLINE_LABEL_PATTERN
            .strip_prefix("(?i)^(?:")
            .and_then(|p| p.strip_suffix(r")\s+"))
            .expect("the label pattern's shape");
        let (mut depth, mut words, mut word) = (0, Vec::new(), String::new());
        for c in body.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                '|' if depth == 0 => words.push(std::mem::take(&mut word)),
                _ => {}
            }
            word.push(c);
        }
        words.push(word);
        assert!(words.len() > 15, "{words:?}");
        let variants = |c: char| c.to_lowercase().chain(c.to_uppercase()).collect::<Vec<_>>();
        for word in words {
            let word = word.trim_start_matches('|');
            let mut chars = word.chars();
            let (a, b) = (chars.next().unwrap(), chars.next().unwrap());
            for c in [a, b] {
                // `k` and `s` have case variants outside ASCII (Kelvin sign, long s)
                assert!(c.is_alphabetic() && !matches!(c, 'k' | 's'), "{word}");
            }
            for x in variants(a) {
                for y in variants(b) {
                    let line = format!("{x}{y} Ann Lee");
                    assert!(may_start_byline(&line), "{word}: {line}");
                }
            }
        }
        for line in [
            "Kate Moss",
            "The end",
            "b",
            "",
            "2024 by Ann",
            "«By Ann Lee»",
        ] {
            assert!(!may_start_byline(line), "{line}");
            assert!(!BYLINE.is_match(line), "{line}");
        }
    }

    #[test]
    fn character_counts_are_settled_by_length_or_counted() {
        for t in [
            "",
            "a",
            "ab",
            "é",
            "éé",
            "ab€",
            "€€€",
            "𝄞𝄞",
            "a𝄞",
            "abcd",
            "ąę",
        ] {
            for count in 0..10 {
                assert_eq!(
                    has_chars_at_least(t, count),
                    t.chars().count() >= count,
                    "{t:?} {count}"
                );
            }
        }
    }

    #[test]
    fn by_line_and_german_von_line() {
        assert_eq!(
            byline_of("By Jane Smith and Ali Khan").as_deref(),
            Some("Jane Smith and Ali Khan")
        );
        assert_eq!(
            byline_of("Von Max Mustermann, dpa").as_deref(),
            Some("Max Mustermann, dpa")
        );
        assert_eq!(
            byline_of("By the end of the year, prices had doubled again."),
            None
        );
    }

    #[test]
    fn byline_labels_of_other_languages() {
        assert_eq!(
            byline_of("Autors: Ilze Bērziņa").as_deref(),
            Some("Ilze Bērziņa")
        );
        assert_eq!(
            byline_of("Autorius: Tomas Kazlauskas").as_deref(),
            Some("Tomas Kazlauskas")
        );
        assert_eq!(
            byline_of("Автор: Анна Смирнова").as_deref(),
            Some("Анна Смирнова")
        );
        assert_eq!(
            byline_of("Teksti: Mikko Virtanen").as_deref(),
            Some("Mikko Virtanen")
        );
        // a label followed by a sentence is not a byline
        assert_eq!(byline_of("Autors: šodien notika sēde."), None);
    }

    #[test]
    fn a_paragraph_is_never_the_title() {
        let found = extract(&[BODY], &verdicts(&[true]));
        assert_eq!(found.title, None);
        assert!(found.used.is_empty());
    }

    #[test]
    fn site_from_copyright_line() {
        let lines = [
            "Storm hits the coast tonight",
            BODY,
            "© 2024 Northern Gazette Ltd. All rights reserved.",
        ];
        let mut v = verdicts(&[true, true, false]);
        v[2].reason = Some("phrase:copyright".into());
        let found = extract(&lines, &v);
        assert_eq!(found.site.as_deref(), Some("Northern Gazette Ltd"));
    }
}

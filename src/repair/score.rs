//! "Is this text broken?": a weirdness score over character classes.
//!
//! In: a short run of characters (a suspected mojibake cluster with one character of context on
//! each side, or the text it would be replaced by). Out: a small integer, higher = less likely to
//! be real text. The repair compares the score before and after a candidate fix and keeps the fix
//! only when it lowers the score.
//!
//! The idea is ftfy's (character classes that almost never sit side by side in real text); the
//! classes, pairs and weights here are our own, written for this crate. Never looks at more than
//! the run it is given, never allocates.

/// What kind of character this is, as far as mojibake detection cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// ASCII whitespace.
    Space,
    /// U+00A0 no-break space.
    Nbsp,
    /// A-Z.
    AsciiUpper,
    /// a-z.
    AsciiLower,
    /// 0-9.
    Digit,
    /// Other ASCII.
    AsciiPunct,
    /// Non-ASCII upper-case letter (Latin, Greek, Cyrillic, ...).
    Upper,
    /// Non-ASCII lower-case letter.
    Lower,
    /// Letter of a script without case (Hebrew, Arabic, CJK, ...).
    Uncased,
    /// Combining mark.
    Mark,
    /// Opening punctuation: ‘ “ „ ‚ « ‹ ¡ ¿.
    Open,
    /// Closing punctuation: ” » ›.
    Close,
    /// Right single quotation mark, used as apostrophe.
    Apostrophe,
    /// Dashes, ellipsis, middle dot.
    Dash,
    /// Currency signs.
    Currency,
    /// Numeric and math signs that real numbers use: ° ± ² ³ ¹ ¼ ½ ¾ × ÷ µ.
    Numeric,
    /// Symbols that real text rarely puts next to letters: © ® ™ § ¶ ¦ ¨ ¬ ¯ ¸ ´ ˆ ˇ • and so on.
    Symbol,
    /// Box drawing and block elements (CP437 mojibake).
    Box,
    /// C1 control characters U+0080..U+009F.
    Control,
    /// U+FFFD.
    Replacement,
    /// Anything else.
    Other,
}

/// Classifies one character (table lookup below U+2600).
pub fn class_of(c: char) -> Class {
    info(info_table(), c).class
}

fn classify(c: char) -> Class {
    let u = c as u32;
    if u < 0x80 {
        return match c {
            ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c' => Class::Space,
            'A'..='Z' => Class::AsciiUpper,
            'a'..='z' => Class::AsciiLower,
            '0'..='9' => Class::Digit,
            _ => Class::AsciiPunct,
        };
    }
    match c {
        '\u{80}'..='\u{9f}' => Class::Control,
        '\u{a0}' => Class::Nbsp,
        '‘' | '“' | '„' | '‚' | '«' | '‹' | '¡' | '¿' | '‛' | '‟' => Class::Open,
        '”' | '»' | '›' => Class::Close,
        '’' => Class::Apostrophe,
        '–' | '—' | '―' | '…' | '·' | '‐' => Class::Dash,
        '¢' | '£' | '¥' | '€' | '₧' | '¤' | '$' => Class::Currency,
        '°' | '±' | '²' | '³' | '¹' | '¼' | '½' | '¾' | '×' | '÷' | 'µ' | '‰' | '№' => {
            Class::Numeric
        }
        '©' | '®' | '™' | '§' | '¶' | '¦' | '¨' | '¬' | '¯' | '¸' | '´' | 'ˆ' | 'ˇ' | '˘' | '˙'
        | '˛' | '˜' | '˝' | '•' | '†' | '‡' | 'ƒ' | 'ª' | 'º' | '◊' | '\u{ad}' | '⁄' | '∂'
        | '∆' | '∏' | '∑' | '√' | '∞' | '∫' | '≈' | '≠' | '≤' | '≥' | '\u{f8ff}' | '΅' | '΄'
        | '⌐' | '∙' | '≡' | 'ⁿ' | '⌠' | '⌡' => Class::Symbol,
        '\u{2500}'..='\u{25ff}' => Class::Box,
        '\u{fffd}' => Class::Replacement,
        '\u{300}'..='\u{36f}' | '\u{483}'..='\u{489}' | '\u{591}'..='\u{5c7}' => Class::Mark,
        '\u{610}'..='\u{61a}' | '\u{64b}'..='\u{65f}' | '\u{670}' | '\u{6d6}'..='\u{6ed}' => {
            Class::Mark
        }
        _ if c.is_uppercase() => Class::Upper,
        _ if c.is_lowercase() => Class::Lower,
        _ if c.is_alphabetic() => Class::Uncased,
        _ if c.is_whitespace() => Class::Space,
        _ => Class::Other,
    }
}

/// Writing system of a letter, coarse: enough to see a word switch scripts in the middle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Latin letters, ASCII or not.
    Latin,
    /// Greek and Coptic.
    Greek,
    /// Cyrillic.
    Cyrillic,
    /// Hebrew.
    Hebrew,
    /// Arabic.
    Arabic,
    /// Anything else (CJK, Indic, ...), or not a letter.
    Other,
}

/// The script of `c`.
pub fn script_of(c: char) -> Script {
    match c as u32 {
        0x41..=0x5a | 0x61..=0x7a | 0xc0..=0x24f | 0x1e00..=0x1eff => Script::Latin,
        0x370..=0x3ff | 0x1f00..=0x1fff => Script::Greek,
        0x400..=0x52f => Script::Cyrillic,
        0x590..=0x5ff => Script::Hebrew,
        0x600..=0x6ff | 0x750..=0x77f => Script::Arabic,
        _ => Script::Other,
    }
}

fn is_letter(k: Class) -> bool {
    matches!(
        k,
        Class::AsciiUpper | Class::AsciiLower | Class::Upper | Class::Lower | Class::Uncased
    )
}

fn is_foreign_letter(k: Class) -> bool {
    matches!(k, Class::Upper | Class::Lower | Class::Uncased)
}

fn is_lower(k: Class) -> bool {
    matches!(k, Class::AsciiLower | Class::Lower)
}

fn is_upper(k: Class) -> bool {
    matches!(k, Class::AsciiUpper | Class::Upper)
}

/// How rare `c` is in real text on its own (0 for ordinary characters).
pub fn rarity(c: char) -> i32 {
    i32::from(info(info_table(), c).rarity)
}

fn rarity_of(c: char) -> i32 {
    let u = c as u32;
    match u {
        0x80..=0x9f => 4,
        // Private use (Apple logo and the like).
        0xe000..=0xf8ff => 3,
        // IPA and spacing modifier letters, except ʻ ʼ (Hawaiian, Uzbek apostrophes).
        0x2bb | 0x2bc => 0,
        0x250..=0x2ff => 2,
        // Latin Extended-B, except the letters of living orthographies.
        0x180..=0x24f => match u {
            0x192 | 0x1a0 | 0x1a1 | 0x1af | 0x1b0 | 0x1cd..=0x1dc | 0x218..=0x21b => 0,
            _ => 2,
        },
        // Long s, kra, 'n (historic or rare).
        0x17f | 0x138 | 0x149 => 2,
        // Greek archaic letters and symbols, Cyrillic historic letters.
        0x370..=0x385 | 0x3cf..=0x3ff | 0x460..=0x48f | 0x500..=0x52f => 2,
        // Phonetic extensions (modifier capitals and the like).
        0x1d00..=0x1dbf => 2,
        // `Ã` and `Â` begin most Windows-1252 mojibake and are rare in real text.
        0xc2 | 0xc3 => 1,
        // Armenian, Syriac, Thaana, NKo, Samaritan; superscript and subscript digits.
        0x530..=0x58f | 0x2070..=0x209f => 2,
        0x700..=0x83f => 2,
        _ => match classify(c) {
            Class::Box => 0,
            Class::Symbol => match c {
                '©' | '®' | '™' | '§' | '•' | '´' | '\u{ad}' | '¬' => 0,
                '∂' | '∆' | '∏' | '∑' | '√' | '∞' | '∫' | '≈' | '≠' | '≤' | '≥' | '≡' => {
                    0
                }
                _ => 1,
            },
            _ => 0,
        },
    }
}

/// Cost of `a` directly followed by `b`.
fn pair_cost(a: char, b: char, ka: Class, kb: Class) -> i32 {
    let mut cost = 0;
    let odd = |k: Class| matches!(k, Class::Currency | Class::Symbol | Class::Control);
    // A letter glued to a symbol or currency sign, or a symbol glued to a letter.
    if is_letter(ka) && odd(kb) && !(b == '$' || is_ascii_letter(ka) && kb == Class::Currency) {
        cost += 1;
    }
    if odd(ka) && is_letter(kb) && a != '$' && !(is_math(a) && script_of(b) == Script::Greek) {
        cost += 1;
    }
    // Opening punctuation that never closes a quotation, straight after a letter.
    if is_letter(ka) && matches!(b, '„' | '‚' | '¡' | '¿' | '«') {
        cost += 1;
    }
    // Closing quote glued to a following letter.
    if ka == Class::Close && is_letter(kb) {
        cost += 1;
    }
    // Numeric signs glued to non-ASCII letters (Greek letters next to math are fine).
    if ((is_foreign_letter(ka) && kb == Class::Numeric)
        || (ka == Class::Numeric && is_foreign_letter(kb)))
        && !(is_math(a) && script_of(b) == Script::Greek)
        && !(is_math(b) && script_of(a) == Script::Greek)
    {
        cost += 1;
    }
    // A currency sign next to another odd sign ("€™").
    if (ka == Class::Currency && odd(kb)) || (odd(ka) && kb == Class::Currency) {
        cost += 1;
    }
    // `¿` and `¡` open a sentence: a letter or a quote follows them.
    if matches!(a, '¿' | '¡')
        && !(is_letter(kb) || matches!(kb, Class::Open | Class::AsciiPunct | Class::Digit))
    {
        cost += 1;
    }
    // A math sign followed by another sign ("√≤", "√´"), a symbol before a quotation mark ("™«").
    if is_math(a) && (is_math(b) || matches!(kb, Class::Symbol | Class::Currency | Class::Numeric))
    {
        cost += 1;
    }
    if ka == Class::Symbol && matches!(kb, Class::Open | Class::Close) {
        cost += 1;
    }
    // The ligature œ lives inside words.
    if (a == 'œ' || a == 'Œ') && !is_letter(kb) {
        cost += 1;
    }
    // A replacement character straight after a non-ASCII letter: a sequence that lost a byte.
    if is_foreign_letter(ka) && kb == Class::Replacement {
        cost += 1;
    }
    // Box drawing followed by a sign that is neither box drawing nor ASCII.
    if ka == Class::Box
        && matches!(
            kb,
            Class::Open
                | Class::Close
                | Class::Numeric
                | Class::Symbol
                | Class::Currency
                | Class::Dash
        )
    {
        cost += 1;
    }
    // Box drawing glued to a letter.
    if (ka == Class::Box && is_letter(kb)) || (is_letter(ka) && kb == Class::Box) {
        cost += 1;
    }
    // Case flips inside a word: lower then non-ASCII upper, or non-ASCII lower then upper.
    if is_lower(ka) && is_upper(kb) && (ka == Class::Lower || kb == Class::Upper) {
        cost += 1;
    }
    // A word that switches script (Latin to Cyrillic, ...).
    if is_letter(ka) && is_letter(kb) {
        let (sa, sb) = (script_of(a), script_of(b));
        if sa != sb && sa != Script::Greek && sb != Script::Greek {
            cost += 1;
        }
    }
    // Cyrillic or Greek letters glued to ASCII digits.
    if matches!(script_of(a), Script::Cyrillic | Script::Greek) && kb == Class::Digit {
        cost += 1;
    }
    // Letters of caseless scripts glued to ASCII digits or letters.
    if (ka == Class::Uncased && matches!(kb, Class::Digit | Class::AsciiLower | Class::AsciiUpper))
        || (kb == Class::Uncased
            && matches!(ka, Class::Digit | Class::AsciiLower | Class::AsciiUpper))
    {
        cost += 1;
    }
    cost
}

fn is_math(c: char) -> bool {
    matches!(
        c,
        '√' | '∂'
            | '∆'
            | '∑'
            | '∏'
            | '∫'
            | '≈'
            | '≠'
            | '≤'
            | '≥'
            | '∞'
            | '±'
            | '×'
            | '÷'
            | '≡'
    )
}

fn is_ascii_letter(k: Class) -> bool {
    matches!(k, Class::AsciiUpper | Class::AsciiLower)
}

/// Class and rarity of one character.
#[derive(Clone, Copy)]
struct Info {
    class: Class,
    rarity: i8,
}

/// Class and rarity of every character below U+2600, built once.
fn info_table() -> &'static [Info] {
    static TABLE: std::sync::OnceLock<Vec<Info>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        (0..0x2600u32)
            .map(|u| match char::from_u32(u) {
                Some(c) => Info {
                    class: classify(c),
                    rarity: rarity_of(c) as i8,
                },
                None => Info {
                    class: Class::Other,
                    rarity: 0,
                },
            })
            .collect()
    })
}

fn info(table: &[Info], c: char) -> Info {
    match table.get(c as usize) {
        Some(&i) => i,
        // Kana, CJK ideographs, Hangul: letters without case, the bulk of East Asian text.
        None if matches!(c as u32, 0x3041..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7a3) => {
            Info {
                class: Class::Uncased,
                rarity: 0,
            }
        }
        None => Info {
            class: classify(c),
            rarity: rarity_of(c) as i8,
        },
    }
}

/// Classes of a run, indexed like the run.
struct ClassView<'a>(&'a [Info]);

impl std::ops::Index<usize> for ClassView<'_> {
    type Output = Class;
    fn index(&self, i: usize) -> &Class {
        &self.0[i].class
    }
}

/// Weirdness of `run`: rare characters plus odd neighbours. `run` includes its context
/// characters (one each side where there is one).
pub fn weirdness(run: &[char]) -> i32 {
    let mut total = 0;
    let n = run.len();
    let table = info_table();
    let mut small = [Info {
        class: Class::Other,
        rarity: 0,
    }; 256];
    let mut large = Vec::new();
    let infos: &[Info] = if n <= small.len() {
        for (slot, &c) in small.iter_mut().zip(run) {
            *slot = info(table, c);
        }
        &small[..n]
    } else {
        large.extend(run.iter().map(|&c| info(table, c)));
        &large
    };
    let classes = ClassView(infos);
    // Every rule needs a non-ASCII character within two places: ASCII stretches are skipped.
    let ascii = |j: usize| j >= n || run[j].is_ascii();
    for (i, &c) in run.iter().enumerate() {
        if c.is_ascii() && ascii(i + 1) && (i == 0 || ascii(i - 1)) && (i < 2 || ascii(i - 2)) {
            continue;
        }
        total += i32::from(infos[i].rarity);
        let k = classes[i];
        if i + 1 < run.len() {
            total += pair_cost(c, run[i + 1], k, classes[i + 1]);
        }
        // A mark of one script on a letter of another (Arabic vowel sign on a Latin letter).
        if k == Class::Mark && !('\u{300}'..='\u{36f}').contains(&c) {
            let own = match c as u32 {
                0x591..=0x5c7 => Script::Hebrew,
                0x483..=0x489 => Script::Cyrillic,
                _ => Script::Arabic,
            };
            if i == 0 || script_of(run[i - 1]) != own {
                total += 3;
            }
        }
        // A combining mark with nothing to sit on.
        if k == Class::Mark
            && (i == 0 || matches!(classes[i - 1], Class::Space | Class::Nbsp | Class::Control))
        {
            total += 2;
        }
        // A no-break space between a non-ASCII capital and a lower-case letter ("CÃ\u{a0}nan").
        if k == Class::Nbsp
            && i >= 1
            && i + 1 < run.len()
            && classes[i - 1] == Class::Upper
            && is_lower(classes[i + 1])
        {
            total += 1;
        }
        // A lower-case letter right after two capitals, one of them non-ASCII ("ABč", "ÄÆd").
        if is_lower(k)
            && i >= 2
            && is_upper(classes[i - 1])
            && is_upper(classes[i - 2])
            && (k == Class::Lower
                || classes[i - 1] == Class::Upper
                || classes[i - 2] == Class::Upper)
        {
            total += 1;
        }
        // A sign squeezed between two letters, one of them non-ASCII ("Ä°s", "Ã‘O").
        if i >= 1
            && i + 1 < run.len()
            && matches!(
                k,
                Class::Open
                    | Class::Close
                    | Class::Numeric
                    | Class::Currency
                    | Class::Symbol
                    | Class::Control
            )
            && is_letter(classes[i - 1])
            && is_letter(classes[i + 1])
            && (is_foreign_letter(classes[i - 1]) || is_foreign_letter(classes[i + 1]))
        {
            total += 1;
        }
        // A non-ASCII capital standing alone as a word before a lower-case word ("Ã l’").
        if k == Class::Upper
            && (i == 0 || matches!(classes[i - 1], Class::Space))
            && i + 2 < run.len()
            && matches!(classes[i + 1], Class::Space | Class::Nbsp)
            && (is_lower(classes[i + 2])
                || (i + 3 < run.len()
                    && matches!(classes[i + 2], Class::Space | Class::Nbsp)
                    && is_lower(classes[i + 3])))
        {
            total += 1;
        }
        // A non-ASCII capital ending a word that began in lower case ("voilÃ ").
        if k == Class::Upper
            && i >= 1
            && is_lower(classes[i - 1])
            && (i + 1 == run.len() || !is_letter(classes[i + 1]))
        {
            total += 1;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> i32 {
        weirdness(&s.chars().collect::<Vec<_>>())
    }

    #[test]
    fn mojibake_is_weirder_than_its_repair() {
        assert!(w("lÃ©v") > w("lév"));
        assert!(w("aā€™s") > w("a’s"));
        assert!(w("gÃ¢t") > w("gât"));
        assert!(w("РґРѕСЂ") > w("дор"));
    }

    #[test]
    fn ordinary_words_score_zero() {
        for s in [
            "Rīga",
            "Šveices",
            "Привет",
            "Ελληνικά",
            "£5",
            "€10",
            "¿Qué?",
        ] {
            assert_eq!(w(s), 0, "{s}");
        }
    }
}

//! "Is this text broken?": a weirdness score over character classes.
//!
//! In: a short run of characters (a suspected mojibake cluster with one character of context on
//! each side, or the text it would be replaced by). Out: a small integer, higher = less likely to
//! be real text. The repair compares the score before and after a candidate fix and keeps the fix
//! only when it lowers the score.
//!
//! The idea is ftfy's (character classes that almost never sit side by side in real text); the
//! classes, pairs and weights here are our own, written for this crate. Never looks at more than
//! the run it is given.
//!
//! Speed: the rules are written plainly in `classify`, `rarity_in_class` and `pair_cost`, and
//! evaluated through tables built from them once: each character's class, rarity and "pair key"
//! (the features `pair_cost` looks at), and the cost of every pair of keys, so that scoring is
//! a few lookups per character in one pass. Characters at or above U+2600 are classified in
//! blocks of 256 on first use (the only allocation, once per block). A property test checks the
//! tables against the plain rules.

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

/// How rare `c` (of class `class`) is in real text on its own.
fn rarity_in_class(c: char, class: Class) -> i32 {
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
        _ => match class {
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

/// Class, rarity and pair key of one character.
#[derive(Clone, Copy)]
struct Info {
    class: Class,
    /// The character is ASCII (also true for "no character", outside the run).
    ascii: bool,
    rarity: i8,
    /// Index into [`Tables::pair`]: characters with the same key cost the same next to any
    /// neighbour (same class, script, and the few per-character tests of [`pair_cost`]).
    key: u8,
}

/// What [`pair_cost`] looks at besides the class: script and four per-character tests.
fn pair_features(c: char) -> (Script, bool, bool, bool, bool) {
    (
        script_of(c),
        is_math(c),
        matches!(c, '„' | '‚' | '¡' | '¿' | '«'),
        matches!(c, '¿' | '¡'),
        matches!(c, 'œ' | 'Œ'),
    )
}

/// Built once: class, rarity and pair key of every character below U+2600, and the cost of
/// every pair of keys, so that scoring a run is a few table lookups per character.
struct Tables {
    info: Box<[Info; 0x2600]>,
    /// Key of a character at or above U+2600, by class (script Other, no special tests).
    high_key: [u8; CLASSES],
    /// `pair[a * keys + b]`: [`pair_cost`] of a character with key `a` before one with key `b`.
    pair: Vec<i8>,
    keys: usize,
}

/// Number of [`Class`] values.
const CLASSES: usize = Class::Other as usize + 1;

const ALL_CLASSES: [Class; CLASSES] = [
    Class::Space,
    Class::Nbsp,
    Class::AsciiUpper,
    Class::AsciiLower,
    Class::Digit,
    Class::AsciiPunct,
    Class::Upper,
    Class::Lower,
    Class::Uncased,
    Class::Mark,
    Class::Open,
    Class::Close,
    Class::Apostrophe,
    Class::Dash,
    Class::Currency,
    Class::Numeric,
    Class::Symbol,
    Class::Box,
    Class::Control,
    Class::Replacement,
    Class::Other,
];

fn tables() -> &'static Tables {
    static TABLES: std::sync::OnceLock<Tables> = std::sync::OnceLock::new();
    TABLES.get_or_init(build_tables)
}

fn build_tables() -> Tables {
    // Distinct (class, features) combinations, each with a character that has those features.
    type Features = (Script, bool, bool, bool, bool);
    let mut combos: Vec<(Class, char)> = Vec::new();
    let mut seen: Vec<(Class, Features)> = Vec::new();
    let mut key_of = |class: Class, c: char| -> u8 {
        let f = pair_features(c);
        let k = match seen.iter().position(|&(k, g)| k == class && g == f) {
            Some(k) => k,
            None => {
                combos.push((class, c));
                seen.push((class, f));
                combos.len() - 1
            }
        };
        u8::try_from(k).expect("fewer than 256 pair keys")
    };
    let info: Vec<Info> = (0..0x2600u32)
        .map(|u| match char::from_u32(u) {
            Some(c) => {
                let class = classify(c);
                Info {
                    class,
                    ascii: c.is_ascii(),
                    rarity: rarity_in_class(c, class) as i8,
                    key: key_of(class, c),
                }
            }
            None => Info {
                class: Class::Other,
                ascii: false,
                rarity: 0,
                key: key_of(Class::Other, '\u{2600}'),
            },
        })
        .collect();
    let info: Box<[Info; 0x2600]> = info
        .into_boxed_slice()
        .try_into()
        .unwrap_or_else(|_| unreachable!("0x2600 entries"));
    // Above U+2600 no character is math or one of the special quotes, and the script is Other.
    let mut high_key = [0u8; CLASSES];
    for (slot, &class) in high_key.iter_mut().zip(&ALL_CLASSES) {
        *slot = key_of(class, '\u{2600}');
    }
    let keys = combos.len();
    let mut pair = vec![0i8; keys * keys];
    for (a, &(ka, ca)) in combos.iter().enumerate() {
        for (b, &(kb, cb)) in combos.iter().enumerate() {
            pair[a * keys + b] = pair_cost(ca, cb, ka, kb) as i8;
        }
    }
    Tables {
        info,
        high_key,
        pair,
        keys,
    }
}

fn info(t: &Tables, c: char) -> Info {
    match t.info.get(c as usize) {
        Some(&i) => i,
        // Kana, CJK ideographs, Hangul: letters without case, the bulk of East Asian text.
        None if matches!(c as u32, 0x3041..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xac00..=0xd7a3) => {
            Info {
                class: Class::Uncased,
                ascii: false,
                rarity: 0,
                key: t.high_key[Class::Uncased as usize],
            }
        }
        None => high_info(t, c),
    }
}

/// First 256-character block not in [`Tables::info`].
const FIRST_HIGH_BLOCK: usize = 0x26;

/// Info of a character at or above U+2600, from its block of 256, built when first needed
/// (classifying such characters one at a time is slow, and emoji or CJK punctuation repeat).
fn high_info(t: &Tables, c: char) -> Info {
    static HIGH: [std::sync::OnceLock<Box<[Info; 256]>>; 0x1100 - FIRST_HIGH_BLOCK] =
        [const { std::sync::OnceLock::new() }; 0x1100 - FIRST_HIGH_BLOCK];
    let u = c as usize;
    let b = u >> 8;
    let Some(slot) = b.checked_sub(FIRST_HIGH_BLOCK).and_then(|i| HIGH.get(i)) else {
        return NO_INFO;
    };
    let block = slot.get_or_init(|| {
        Box::new(std::array::from_fn(|k| {
            match char::from_u32(((b << 8) | k) as u32) {
                Some(c) => {
                    let class = classify(c);
                    Info {
                        class,
                        ascii: false,
                        rarity: rarity_in_class(c, class) as i8,
                        key: t.high_key[class as usize],
                    }
                }
                None => Info {
                    class: Class::Other,
                    ascii: false,
                    rarity: 0,
                    key: t.high_key[Class::Other as usize],
                },
            }
        }))
    });
    block[u & 0xff]
}

/// Classifies one character (table lookup below U+2600).
pub fn class_of(c: char) -> Class {
    info(tables(), c).class
}

/// How rare `c` is in real text on its own (0 for ordinary characters).
pub fn rarity(c: char) -> i32 {
    i32::from(info(tables(), c).rarity)
}

/// Stands for a position outside the run: counts as ASCII, takes part in no rule.
const NO_INFO: Info = Info {
    class: Class::Other,
    ascii: true,
    rarity: 0,
    key: 0,
};

/// Weirdness of `run`: rare characters plus odd neighbours. `run` includes its context
/// characters (one each side where there is one).
pub fn weirdness(run: &[char]) -> i32 {
    weirdness_capped(run, i32::MAX)
}

/// [`weirdness`] of `run`, or `cap` as soon as the score reaches `cap` (every term counts up,
/// so the rest of the run cannot bring it back): below `cap` the value is exact.
pub fn weirdness_capped(run: &[char], cap: i32) -> i32 {
    let n = run.len();
    if n == 0 {
        return 0;
    }
    let t = tables();
    let mut total = 0i32;
    // Infos of positions i-2, i-1, i, i+1 (NO_INFO where there is no such position).
    let (mut p2, mut p1, mut cur) = (NO_INFO, NO_INFO, info(t, run[0]));
    for i in 0..n {
        let nx = match run.get(i + 1) {
            Some(&c) => info(t, c),
            None => NO_INFO,
        };
        // Every rule needs a non-ASCII character within two places: ASCII stretches are skipped.
        if !(cur.ascii && nx.ascii && p1.ascii && p2.ascii) {
            total += weirdness_at(t, run, i, p2, p1, cur, nx);
            if total >= cap {
                return cap;
            }
        }
        (p2, p1, cur) = (p1, cur, nx);
    }
    total
}

/// The script a combining mark belongs to (Hebrew points, Cyrillic titlo, else Arabic), or
/// `None` for the general diacritics (U+0300–U+036F), which sit on letters of any script.
fn mark_script(c: char) -> Option<Script> {
    match c as u32 {
        0x300..=0x36f => None,
        0x591..=0x5c7 => Some(Script::Hebrew),
        0x483..=0x489 => Some(Script::Cyrillic),
        _ => Some(Script::Arabic),
    }
}

/// The terms of [`weirdness`] that belong to position `i` (its rarity, its pair with the next
/// character, and the rules about the character itself).
#[inline(always)]
fn weirdness_at(
    t: &Tables,
    run: &[char],
    i: usize,
    p2: Info,
    p1: Info,
    cur: Info,
    nx: Info,
) -> i32 {
    let n = run.len();
    let c = run[i];
    let k = cur.class;
    let mut total = i32::from(cur.rarity);
    if i + 1 < n {
        total += i32::from(t.pair[usize::from(cur.key) * t.keys + usize::from(nx.key)]);
    }
    match k {
        Class::Mark => {
            // A mark of one script on a letter of another (Arabic vowel sign on a Latin letter).
            if let Some(own) = mark_script(c)
                && (i == 0 || script_of(run[i - 1]) != own)
            {
                total += 3;
            }
            // A combining mark with nothing to sit on.
            if i == 0 || matches!(p1.class, Class::Space | Class::Nbsp | Class::Control) {
                total += 2;
            }
        }
        // A no-break space between a non-ASCII capital and a lower-case letter ("CÃ\u{a0}nan").
        Class::Nbsp if i >= 1 && i + 1 < n && p1.class == Class::Upper && is_lower(nx.class) => {
            total += 1;
        }
        // A lower-case letter right after two capitals, one of them non-ASCII ("ABč", "ÄÆd").
        Class::AsciiLower | Class::Lower
            if i >= 2
                && is_upper(p1.class)
                && is_upper(p2.class)
                && (k == Class::Lower || p1.class == Class::Upper || p2.class == Class::Upper) =>
        {
            total += 1;
        }
        Class::Upper => {
            // A non-ASCII capital standing alone as a word before a lower-case word ("Ã l’").
            if (i == 0 || p1.class == Class::Space)
                && i + 2 < n
                && matches!(nx.class, Class::Space | Class::Nbsp)
            {
                let k2 = info(t, run[i + 2]).class;
                if is_lower(k2)
                    || (i + 3 < n
                        && matches!(k2, Class::Space | Class::Nbsp)
                        && is_lower(info(t, run[i + 3]).class))
                {
                    total += 1;
                }
            }
            // A non-ASCII capital ending a word that began in lower case ("voilÃ ").
            if i >= 1 && is_lower(p1.class) && (i + 1 == n || !is_letter(nx.class)) {
                total += 1;
            }
        }
        // A sign squeezed between two letters, one of them non-ASCII ("Ä°s", "Ã‘O").
        Class::Open
        | Class::Close
        | Class::Numeric
        | Class::Currency
        | Class::Symbol
        | Class::Control
            if i >= 1
                && i + 1 < n
                && is_letter(p1.class)
                && is_letter(nx.class)
                && (is_foreign_letter(p1.class) || is_foreign_letter(nx.class)) =>
        {
            total += 1;
        }
        _ => {}
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

    /// The rules of `weirdness` written out plainly (pairs through `pair_cost` itself, no pair
    /// table, no rolling window): the table-driven version must agree with it everywhere.
    fn reference_weirdness(run: &[char]) -> i32 {
        let t = tables();
        let n = run.len();
        let k: Vec<Class> = run.iter().map(|&c| info(t, c).class).collect();
        let ascii = |j: usize| j >= n || run[j].is_ascii();
        let mut total = 0;
        for (i, &c) in run.iter().enumerate() {
            if c.is_ascii() && ascii(i + 1) && (i == 0 || ascii(i - 1)) && (i < 2 || ascii(i - 2)) {
                continue;
            }
            total += rarity(c);
            if i + 1 < n {
                total += pair_cost(c, run[i + 1], k[i], k[i + 1]);
            }
            if k[i] == Class::Mark
                && let Some(own) = mark_script(c)
                && (i == 0 || script_of(run[i - 1]) != own)
            {
                total += 3;
            }
            if k[i] == Class::Mark
                && (i == 0 || matches!(k[i - 1], Class::Space | Class::Nbsp | Class::Control))
            {
                total += 2;
            }
            if k[i] == Class::Nbsp
                && i >= 1
                && i + 1 < n
                && k[i - 1] == Class::Upper
                && is_lower(k[i + 1])
            {
                total += 1;
            }
            if is_lower(k[i])
                && i >= 2
                && is_upper(k[i - 1])
                && is_upper(k[i - 2])
                && (k[i] == Class::Lower || k[i - 1] == Class::Upper || k[i - 2] == Class::Upper)
            {
                total += 1;
            }
            let sign = matches!(
                k[i],
                Class::Open
                    | Class::Close
                    | Class::Numeric
                    | Class::Currency
                    | Class::Symbol
                    | Class::Control
            );
            if sign
                && i >= 1
                && i + 1 < n
                && is_letter(k[i - 1])
                && is_letter(k[i + 1])
                && (is_foreign_letter(k[i - 1]) || is_foreign_letter(k[i + 1]))
            {
                total += 1;
            }
            let space = |j: usize| matches!(k[j], Class::Space | Class::Nbsp);
            if k[i] == Class::Upper
                && (i == 0 || k[i - 1] == Class::Space)
                && i + 2 < n
                && space(i + 1)
                && (is_lower(k[i + 2]) || (i + 3 < n && space(i + 2) && is_lower(k[i + 3])))
            {
                total += 1;
            }
            if k[i] == Class::Upper
                && i >= 1
                && is_lower(k[i - 1])
                && (i + 1 == n || !is_letter(k[i + 1]))
            {
                total += 1;
            }
        }
        total
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn table_driven_score_agrees_with_the_plain_rules(
            run in proptest::collection::vec(proptest::sample::select(
                "aZ9 ,.'$\"\u{a0}\u{85}\u{fffd}ÃÂâ€™œŒ”“„‚«»¿¡–…©®™°±×÷µ¥£√∂≈≤ÄÆčČšŠāΑαΓπРрЖёІ├┐─\u{301}\u{5b4}\u{64b}\u{489}אשبي日本語かカ가ǅɐʼ\u{e000}\u{f8ff}ﬁ☀Ａａ€"
                    .chars()
                    .collect::<Vec<char>>(),
            ), 0..24)
        ) {
            proptest::prop_assert_eq!(weirdness(&run), reference_weirdness(&run));
        }

        #[test]
        fn table_driven_score_agrees_on_any_text(text in proptest::prelude::any::<String>()) {
            let run: Vec<char> = text.chars().collect();
            proptest::prop_assert_eq!(weirdness(&run), reference_weirdness(&run));
        }
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

//! Mojibake repair: text that was UTF-8, decoded through the wrong code page, turned back.
//!
//! In: text that is valid Unicode. Out: the repaired text and the named steps that were applied.
//! Correct text in any language must come back unchanged; that matters more than catching the
//! last rare kind of damage.
//!
//! This is the stage's interface; the repair rules themselves arrive with the repair issue. Until
//! then `fix` changes nothing and reports no step, so records say `repairs: 0` honestly.

/// Options of the repair stage. Everything that changes correct text is off by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairOptions {
    /// Turn curly quotes and apostrophes into ASCII ones.
    pub straighten_quotes: bool,
    /// Fold full-width and half-width forms to their ordinary width.
    pub fold_width: bool,
}

/// One thing the repair did, e.g. `reencode windows-1257 -> utf-8`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Step {
    /// What was done, in a few words.
    pub action: String,
    /// How many places it was done in.
    pub count: usize,
}

/// Repairs `text`, returning the new text and the steps taken (empty when nothing changed).
pub fn fix(text: &str, opts: &RepairOptions) -> (String, Vec<Step>) {
    let _ = opts;
    (text.to_string(), Vec::new())
}

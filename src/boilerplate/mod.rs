//! Boilerplate removal: which lines of an article are the site's chrome rather than the story.
//!
//! In: the repaired lines of one article. Out: one `Verdict` per line, content or boilerplate, with
//! the reason a line was dropped.
//!
//! This is the stage's interface; the classifier arrives with the boilerplate issue. Until then
//! every non-blank line is kept, and nothing is claimed to be removed.

/// What the classifier decided about one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Whether the line belongs to the article.
    pub keep: bool,
    /// Why a dropped line was dropped (a rule or feature name); `None` for kept lines.
    pub reason: Option<String>,
}

/// Classifies every line of one article. Blank lines are dropped without a reason: they are
/// paragraph separators, not content.
pub fn classify(lines: &[&str]) -> Vec<Verdict> {
    lines
        .iter()
        .map(|line| Verdict {
            keep: !line.trim().is_empty(),
            reason: None,
        })
        .collect()
}

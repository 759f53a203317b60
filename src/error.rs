//! Why one input file was skipped or failed.
//!
//! A `FileIssue` never stops the batch: the pipeline collects it, the binary prints one stderr line
//! for it (`newsclean: PATH: skipped, looks binary (PDF)`), and the run goes on. Fatal problems (no
//! input at all, stdout not writable) are `anyhow` errors instead and are not represented here.
//!
//! Exit-code policy, decided here once: a file we *tried and failed* to process (it could not be
//! read, its bytes could not be decoded, a directory could not be listed, a link leads nowhere)
//! counts as a failure and makes the run exit with 1. A file we *chose* to skip (empty, binary, over
//! the size cap) is listed on stderr but is not a failure: the tool did what it was asked.

use std::fmt;
use std::path::PathBuf;

/// What went wrong with one input path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueKind {
    /// The file has no bytes, or only white space.
    Empty,
    /// The bytes are not text; the string says what they look like (`PDF`, `NUL at byte 12`).
    Binary(String),
    /// The file is larger than `--max-file-size`.
    TooLarge { bytes: u64, limit: u64 },
    /// The file or directory could not be read (permissions, I/O error, dangling link, loop).
    Unreadable(String),
    /// The bytes are text-like but no encoding turns them into sensible text.
    Undecodable(String),
}

/// One problem with one input path, as shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileIssue {
    /// The path as the walk produced it.
    pub path: PathBuf,
    /// What went wrong.
    pub kind: IssueKind,
}

impl FileIssue {
    /// Makes an issue for `path`.
    pub fn new(path: impl Into<PathBuf>, kind: IssueKind) -> Self {
        FileIssue {
            path: path.into(),
            kind,
        }
    }

    /// Whether this issue makes the run exit with 1 (see the module doc).
    pub fn is_failure(&self) -> bool {
        matches!(
            self.kind,
            IssueKind::Unreadable(_) | IssueKind::Undecodable(_)
        )
    }
}

impl fmt::Display for FileIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lossy = self.path.to_string_lossy();
        let path = escape_controls(&lossy);
        match &self.kind {
            IssueKind::Empty => write!(f, "{path}: skipped, empty file"),
            IssueKind::Binary(what) => write!(f, "{path}: skipped, looks binary ({what})"),
            IssueKind::TooLarge { bytes, limit } => write!(
                f,
                "{path}: skipped, {bytes} bytes is over the {limit}-byte limit (raise it with --max-file-size)"
            ),
            IssueKind::Unreadable(why) => write!(f, "{path}: cannot read: {why}"),
            IssueKind::Undecodable(why) => write!(f, "{path}: cannot decode: {why}"),
        }
    }
}

/// The path with control characters escaped (`\n`, `\t`, `\u{1b}`), so that one issue is always
/// one stderr line and a file name cannot move the cursor or fake another line.
fn escape_controls(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_are_not_failures_but_read_errors_are() {
        assert!(!FileIssue::new("a", IssueKind::Empty).is_failure());
        assert!(!FileIssue::new("a", IssueKind::Binary("PDF".into())).is_failure());
        assert!(FileIssue::new("a", IssueKind::Unreadable("denied".into())).is_failure());
    }

    #[test]
    fn message_starts_with_path_and_has_no_final_period() {
        let msg = FileIssue::new("feeds/x.txt", IssueKind::Binary("PDF".into())).to_string();
        assert_eq!(msg, "feeds/x.txt: skipped, looks binary (PDF)");
    }

    #[test]
    fn control_characters_in_names_stay_on_one_line() {
        let msg = FileIssue::new("a\nb\x1b[2J.txt", IssueKind::Empty).to_string();
        assert_eq!(msg, "a\\nb\\u{1b}[2J.txt: skipped, empty file");
    }
}

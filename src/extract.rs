//! Title, subtitle, byline, date and site name, taken from the cleaned lines of one article.
//!
//! In: the article's lines and which of them the boilerplate stage kept. Out: the fields found and
//! the lines they came from, so those lines leave the body.
//!
//! For now only the title is taken (the first kept line, as scrapers save it); byline, date,
//! subtitle and site come with the boilerplate issue and stay `None` until then.

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
    /// The standfirst under the headline.
    pub subtitle: Option<String>,
    /// The author line, without a leading "By".
    pub byline: Option<String>,
    /// The publication date.
    pub published: Option<Published>,
    /// The publishing site, where the text names it.
    pub site: Option<String>,
    /// Indexes of the lines the fields were taken from; they do not belong in the body.
    pub used_lines: Vec<usize>,
}

/// Finds the metadata of one article among its kept lines.
pub fn extract(lines: &[&str], keep: &[bool]) -> Extracted {
    let mut found = Extracted::default();
    if let Some(i) = (0..lines.len()).find(|&i| keep[i]) {
        found.title = Some(lines[i].trim().to_string());
        found.used_lines.push(i);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_first_kept_line() {
        let lines = ["Menu", "Storm hits coast", "", "Body text."];
        let found = extract(&lines, &[false, true, false, true]);
        assert_eq!(found.title.as_deref(), Some("Storm hits coast"));
        assert_eq!(found.used_lines, vec![1]);
    }
}

//! One input file after the per-file stages: decoded, repaired, cleaned, its fields extracted.
//!
//! `Article` is what the per-file stages hand to the batch stages (clustering, canonical choice,
//! record building). It holds the cleaned body, not the raw bytes.

use std::path::PathBuf;

use crate::extract::Published;
use crate::repair::Step;

/// A line the boilerplate stage removed, kept for `--explain`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemovedLine {
    /// Line number in the decoded file, counting from 1.
    pub line: usize,
    /// The rule or feature that removed it.
    pub reason: String,
    /// The line's text.
    pub text: String,
}

/// What each stage did to one file, carried into the record with `--explain`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Explain {
    /// Repair steps, in the order they were applied.
    pub repair: Vec<Step>,
    /// Lines removed as boilerplate.
    pub removed: Vec<RemovedLine>,
    /// Lines taken out of the body as title, byline, date and so on (`"title: 1"`).
    pub extracted: Vec<String>,
}

/// An encoding's name as `encoding_rs` spells it. A type alias on purpose: serde borrows every
/// field written as `&str` from its input, which a `'static` name cannot be; through the alias
/// it is read by [`encoding_name`] instead.
pub type EncodingName = &'static str;

/// One processed input file. It round-trips through serde so the state store can keep it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Article {
    /// The path as the walk produced it.
    pub path: PathBuf,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// The encoding the file was read as.
    #[serde(deserialize_with = "encoding_name")]
    pub encoding: EncodingName,
    /// Invalid byte sequences replaced by U+FFFD while decoding.
    pub invalid_sequences: usize,
    /// Hash of the raw bytes (xxh3-64), to recognise an unchanged file.
    pub content_hash: u64,
    /// Headline.
    pub title: Option<String>,
    /// Standfirst.
    pub subtitle: Option<String>,
    /// Author line.
    pub byline: Option<String>,
    /// Publication date.
    pub published: Option<Published>,
    /// Publishing site named in the text.
    pub site: Option<String>,
    /// The cleaned body, one paragraph per entry.
    pub paragraphs: Vec<String>,
    /// Places the repair stage changed.
    pub repairs: usize,
    /// Non-blank lines removed as boilerplate.
    pub removed_lines: usize,
    /// What the stages did, when `--explain` asked for it.
    pub explain: Option<Explain>,
    /// Features for clustering, computed from the title and the cleaned paragraphs. Not stored:
    /// [`Article::from_stored_json`] computes it again.
    #[serde(skip, default = "empty_fingerprint")]
    pub fingerprint: crate::fingerprint::Fingerprint,
}

impl Article {
    /// Reads an article the state store kept (`serde_json::to_string` of an `Article`) and
    /// computes its fingerprint again, exactly as the per-file stage did.
    pub fn from_stored_json(json: &str) -> serde_json::Result<Article> {
        let mut article: Article = serde_json::from_str(json)?;
        article.fingerprint =
            crate::fingerprint::fingerprint(article.title.as_deref(), &article.paragraphs);
        Ok(article)
    }

    /// The body as the record prints it: paragraphs joined by a blank line.
    pub fn body(&self) -> String {
        self.paragraphs.join("\n\n")
    }
}

/// Reads an encoding name back as the `&'static str` that `encoding_rs` uses for it.
fn encoding_name<'de, D: serde::Deserializer<'de>>(de: D) -> Result<&'static str, D::Error> {
    let name = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(de)?;
    encoding_rs::Encoding::for_label(name.as_bytes())
        .map(|enc| enc.name())
        .ok_or_else(|| serde::de::Error::custom(format!("unknown encoding {name}")))
}

fn empty_fingerprint() -> crate::fingerprint::Fingerprint {
    crate::fingerprint::fingerprint(None, &[])
}

//! Choosing the member of a story whose text becomes the record's body.
//!
//! In: one group and the articles. Out: the chosen member and a short reason. The choice depends
//! only on the members' content, join rules and paths, never on input order or threads.
//!
//! The canonical member is the most complete original: not a rewrite (members joined by the
//! `rewrite` rule are paraphrases), then bylined and dated, then the most words of running text
//! (a trimmed copy has fewer), then the fewest repairs, then the smallest path so ties are stable.
//! Because the record's `id` hashes the canonical body, adding copies, trimmed versions or
//! paraphrases of a story never changes its `id`; only a more complete version does.

use crate::article::Article;
use crate::cluster::Group;

/// How complete an article is as a story's source, comparable with `>` (bigger is better):
/// byline and date present, words of running text, fewer repairs, smaller path.
pub fn completeness(
    article: &Article,
) -> (
    u8,
    u32,
    std::cmp::Reverse<usize>,
    std::cmp::Reverse<&std::path::Path>,
) {
    let fields = u8::from(article.byline.is_some()) + u8::from(article.published.is_some());
    (
        fields,
        article.fingerprint.content_words,
        std::cmp::Reverse(article.repairs),
        std::cmp::Reverse(article.path.as_path()),
    )
}

/// Picks the canonical member of `group` (see the module doc) and says why.
pub fn pick_canonical(group: &Group, articles: &[Article]) -> (usize, String) {
    let is_rewrite =
        |join: &Option<crate::cluster::Join>| join.as_ref().is_some_and(|j| j.rule == "rewrite");
    let originals: Vec<usize> = group
        .members
        .iter()
        .filter(|(_, join)| !is_rewrite(join))
        .map(|(i, _)| *i)
        .collect();
    let pool: Vec<usize> = if originals.is_empty() {
        group.members.iter().map(|(i, _)| *i).collect()
    } else {
        originals
    };
    let best = pool
        .iter()
        .copied()
        .max_by(|&a, &b| completeness(&articles[a]).cmp(&completeness(&articles[b])))
        .expect("a group has at least one member");
    let reason = if group.members.len() == 1 {
        "only member".to_string()
    } else {
        let art = &articles[best];
        let mut parts = Vec::new();
        if pool.len() < group.members.len() {
            parts.push("not a rewrite");
        }
        if art.byline.is_some() && art.published.is_some() {
            parts.push("bylined and dated");
        }
        parts.push("most running text");
        parts.join(", ")
    };
    (best, reason)
}

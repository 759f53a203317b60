//! Choosing the member of a story whose text becomes the record's body.
//!
//! In: one group and the articles. Out: the chosen member and a short reason. The choice depends
//! only on the members' content, join rules and paths, never on input order or threads.
//!
//! The canonical member is the most complete original: not a rewrite (members joined by the
//! `rewrite` rule are paraphrases), then bylined and dated, then the most words in sentences
//! that another member also carries verbatim, then the most words outside sentences that read
//! as site chrome (cookie, newsletter, subscription, donation prompts: a trimmed copy has fewer
//! words, a republished copy with chrome has no more), then the fewest words in all (chrome the
//! word list missed), then the fewest repairs, then the smallest path so ties are stable. Because the record's `id` hashes the
//! canonical body, adding copies, trimmed versions or paraphrases of a story does not change its
//! `id`; only a more complete version of the text does.

use std::cmp::Reverse;
use std::path::Path;

use crate::article::Article;
use crate::cluster::{Group, Join};

/// How complete an article is as a story's source on its own, comparable with `>` (bigger is
/// better): byline and date present, words of running text, fewer repairs, smaller path. Used
/// to pick a group's core while clustering, before the group is known.
pub fn completeness(article: &Article) -> (u8, u32, Reverse<usize>, Reverse<&Path>) {
    (
        fields(article),
        article.fingerprint.content_words,
        Reverse(article.repairs),
        Reverse(article.path.as_path()),
    )
}

/// How many of byline and date an article has (a date found in its header lines counts).
fn fields(article: &Article) -> u8 {
    let dated = article.published.is_some() || article.fingerprint.header_day.is_some();
    u8::from(article.byline.is_some()) + u8::from(dated)
}

/// Words of `article`'s sentences that some other member of the group carries verbatim, and
/// words of its sentences that are not site chrome (see [`crate::fingerprint::CHROME_WORDS`]).
fn story_words(article: usize, group: &Group, articles: &[Article]) -> (u32, u32) {
    let mut others: Vec<u64> = group
        .members
        .iter()
        .filter(|(i, _)| *i != article)
        .flat_map(|(i, _)| articles[*i].fingerprint.sentences.iter().map(|s| s.hash))
        .collect();
    others.sort_unstable();
    let (mut shared, mut story) = (0u32, 0u32);
    for s in articles[article].fingerprint.sentences.iter() {
        if others.binary_search(&s.hash).is_ok() {
            shared += u32::from(s.words);
        }
        if !s.is_chrome {
            story += u32::from(s.words);
        }
    }
    (shared, story)
}

/// Picks the canonical member of `group` (see the module doc) and says why.
pub fn pick_canonical(group: &Group, articles: &[Article]) -> (usize, String) {
    let is_rewrite = |join: &Option<Join>| join.as_ref().is_some_and(|j| j.rule == "rewrite");
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
    if group.members.len() == 1 {
        return (group.members[0].0, "only member".to_string());
    }
    let key = |i: usize| {
        let art = &articles[i];
        let (shared, story) = story_words(i, group, articles);
        (
            fields(art),
            shared,
            story,
            Reverse(art.fingerprint.content_words),
            Reverse(art.repairs),
            Reverse(art.path.as_path()),
        )
    };
    let best = pool
        .iter()
        .map(|&i| (key(i), i))
        .max()
        .map(|(_, i)| i)
        .expect("a group has at least one member");
    let mut parts = Vec::new();
    if pool.len() < group.members.len() {
        parts.push("not a rewrite");
    }
    if fields(&articles[best]) == 2 {
        parts.push("bylined and dated");
    }
    parts.push("most of the story's text, least chrome");
    (best, parts.join(", "))
}

//! Choosing the member of a story whose text becomes the record's body.
//!
//! In: one group and the articles. Out: the chosen member and a short reason. The choice depends
//! only on the members' content, join rules and paths, never on input order or threads.
//!
//! The canonical member is the most complete original: not a rewrite (members joined by the
//! `rewrite` rule are paraphrases), not a trimmed copy (nearly all of its sentences stand in a
//! clearly longer member), then bylined and dated, then the most words in sentences
//! that another member also carries verbatim, then the most words outside sentences that read
//! as site chrome (cookie, newsletter, subscription, donation prompts: a trimmed copy has fewer
//! words, a republished copy with chrome has no more), then the fewest words in all (chrome the
//! word list missed), then the fewest repairs, then the fewest lines removed as boilerplate (of
//! copies with the same text, the one with the least site chrome around it is closest to the
//! source), then the smallest path so ties are stable. Because the record's `id` hashes the
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

/// Sentence hashes that at least two members of the group carry, sorted: a sentence of one
/// member stands verbatim in another exactly when its hash is here. Built once per group, so the
/// choice stays linear in the group's size.
fn shared_hashes(group: &Group, articles: &[Article]) -> Vec<u64> {
    let mut all: Vec<u64> = Vec::new();
    for (i, _) in &group.members {
        let mut own = sorted_hashes(&articles[*i]);
        own.dedup();
        all.extend(own);
    }
    all.sort_unstable();
    let mut shared: Vec<u64> = all
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= 2)
        .map(|run| run[0])
        .collect();
    shared.shrink_to_fit();
    shared
}

/// Words of `article`'s sentences that some other member of the group carries verbatim (their
/// hashes are in `shared`, see [`shared_hashes`]), and words of its sentences that are not site
/// chrome (see [`crate::fingerprint::CHROME_WORDS`]).
fn story_words(article: &Article, shared: &[u64]) -> (u32, u32) {
    let (mut carried, mut story) = (0u32, 0u32);
    for s in article.fingerprint.sentences.iter() {
        if shared.binary_search(&s.hash).is_ok() {
            carried += u32::from(s.words);
        }
        if !s.is_chrome {
            story += u32::from(s.words);
        }
    }
    (carried, story)
}

/// Share of a text's words that must stand in sentences of a longer member for the text to be a
/// trimmed copy of it...
const TRIMMED_COVERED: f64 = 0.9;
/// ...which must be this much longer (an updated version with new paragraphs counts).
const TRIMMED_LONGER: f64 = 1.1;

/// Whether `x` is a trimmed copy of `y`: nearly all its sentences stand in `y` verbatim, `y` has
/// clearly more text, and `x` was not published before `y` (then `y` is an update of `x`, which
/// stays the story's text so that its id does not change). Such a copy is never canonical while
/// `y` is there, however complete its byline and date (those can come from other members).
fn trimmed_from(x: &Article, y: &Article, y_hashes: &[u64]) -> bool {
    let (fx, fy) = (&x.fingerprint, &y.fingerprint);
    if f64::from(fy.content_words) < f64::from(fx.content_words) * TRIMMED_LONGER {
        return false;
    }
    if let (Some(tx), Some(ty)) = (published_minute(x), published_minute(y))
        && tx < ty
    {
        return false;
    }
    let covered: u32 = fx
        .sentences
        .iter()
        .filter(|s| y_hashes.binary_search(&s.hash).is_ok())
        .map(|s| u32::from(s.words))
        .sum();
    fx.content_words > 0 && f64::from(covered) >= f64::from(fx.content_words) * TRIMMED_COVERED
}

/// The hashes of an article's sentences, sorted, for [`trimmed_from`].
fn sorted_hashes(article: &Article) -> Vec<u64> {
    let mut hashes: Vec<u64> = article
        .fingerprint
        .sentences
        .iter()
        .map(|s| s.hash)
        .collect();
    hashes.sort_unstable();
    hashes
}

/// The publication date and time to the minute (`2024-06-03T09:40`), as the extract stage read
/// it; the offset is ignored, which is close enough to tell an update from its original.
fn published_minute(article: &Article) -> Option<&str> {
    let iso = article.published.as_ref()?.iso.as_deref()?;
    iso.get(..16)
        .filter(|t| t.as_bytes().get(10) == Some(&b'T'))
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
    let whole = pool.len();
    let hashes: Vec<Vec<u64>> = pool.iter().map(|&i| sorted_hashes(&articles[i])).collect();
    let pool: Vec<usize> =
        pool.iter()
            .copied()
            .filter(|&x| {
                !pool.iter().zip(&hashes).any(|(&y, y_hashes)| {
                    y != x && trimmed_from(&articles[x], &articles[y], y_hashes)
                })
            })
            .collect();
    let shared = shared_hashes(group, articles);
    let key = |i: usize| {
        let art = &articles[i];
        let (shared, story) = story_words(art, &shared);
        (
            fields(art),
            shared,
            story,
            Reverse(art.fingerprint.content_words),
            Reverse(art.repairs),
            Reverse(art.removed_lines),
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
    if whole < group.members.len() {
        parts.push("not a rewrite");
    }
    if pool.len() < whole {
        parts.push("not a trimmed copy");
    }
    if fields(&articles[best]) == 2 {
        parts.push("bylined and dated");
    }
    parts.push("most of the story's text, least chrome");
    (best, parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::pipeline::process_bytes;

    const PARAGRAPHS: [&str; 6] = [
        "The town council of Port Ellery voted 9 to 2 on Tuesday to build a sea wall along the old harbour, after three winter storms in two years flooded more than 600 homes.",
        "The wall, 2.3 kilometres long and 4.5 metres high, will run from the ferry terminal to the lifeboat station, and work is due to begin in September.",
        "Mayor Ines Halloran told councillors that residents had been forced to bail out their kitchens three times already.",
        "The national government will pay 28 million euros of the cost from its coastal resilience fund, and the town will borrow the rest over 25 years.",
        "Fishermen, who lost three boats when the old wall gave way, welcomed the decision but asked for a say in where the new slipway will go.",
        "Councillors Peter Quaid and Aoife Brennock opposed the project, warning that it would cut the harbour off from the town centre.",
    ];

    fn article(name: &str, head: &str, paragraphs: &[&str]) -> Article {
        let text = format!("{head}\n\n{}\n", paragraphs.join("\n\n"));
        process_bytes(Path::new(name), text.as_bytes(), &Config::default()).expect("an article")
    }

    fn group_of(n: usize) -> Group {
        Group {
            members: (0..n).map(|i| (i, None)).collect(),
        }
    }

    #[test]
    fn bylined_trimmed_copy_loses_to_the_whole_text() {
        // the whole text carries its author in a form the extract stage does not read as a byline
        let whole = article(
            "whole.txt",
            "Port Ellery to build sea wall after floods\n\nWritten up by the harbour desk",
            &PARAGRAPHS,
        );
        let trimmed = article(
            "trimmed.txt",
            "Port Ellery to build sea wall after floods\n\nBy Morag Stewart\n\n3 June 2024",
            &PARAGRAPHS[..3],
        );
        assert!(trimmed.byline.is_some() && whole.byline.is_none());
        let articles = vec![trimmed, whole];
        let (canonical, reason) = pick_canonical(&group_of(2), &articles);
        assert_eq!(articles[canonical].path, Path::new("whole.txt"), "{reason}");
        assert!(reason.contains("not a trimmed copy"), "{reason}");
    }

    #[test]
    fn an_earlier_text_is_not_a_trimmed_copy_of_its_later_update() {
        let mut update = PARAGRAPHS.to_vec();
        update.insert(
            2,
            "Hours after the vote, the coastal fund said it would also pay for a new slipway if the town applied before the end of July.",
        );
        let original = article(
            "original.txt",
            "Port Ellery to build sea wall after floods\n\nBy Morag Stewart\n\n3 June 2024 09:40",
            &PARAGRAPHS,
        );
        let later = article(
            "update.txt",
            "UPDATE: Port Ellery sea wall gets fund for slipway\n\nBy Morag Stewart\n\n3 June 2024 16:15",
            &update,
        );
        assert!(original.published.is_some() && later.published.is_some());
        let articles = vec![original, later];
        // the update has all of the original and more, but came later: the original stays a
        // candidate, and the usual order decides (here the update, for its extra paragraph)
        let trimmed = |a: &[Article]| trimmed_from(&a[0], &a[1], &sorted_hashes(&a[1]));
        assert!(!trimmed(&articles));
        let (_, reason) = pick_canonical(&group_of(2), &articles);
        assert!(!reason.contains("not a trimmed copy"), "{reason}");
        // without dates it would have been ruled out as trimmed
        let mut undated = articles.clone();
        undated[0].published = None;
        undated[1].published = None;
        assert!(trimmed(&undated));
    }

    #[test]
    fn a_sentence_counts_as_carried_only_when_another_member_has_it() {
        // a: P0 twice and P1; b: P1 and P2; c: P2 only
        let a = article(
            "a.txt",
            "Sea wall vote",
            &[PARAGRAPHS[0], PARAGRAPHS[0], PARAGRAPHS[1]],
        );
        let b = article("b.txt", "Sea wall vote", &[PARAGRAPHS[1], PARAGRAPHS[2]]);
        let c = article("c.txt", "Sea wall vote", &[PARAGRAPHS[2]]);
        let words = |art: &Article, p: usize| -> u32 {
            let hash = article("x.txt", "Sea wall vote", &[PARAGRAPHS[p]])
                .fingerprint
                .sentences[0]
                .hash;
            art.fingerprint
                .sentences
                .iter()
                .filter(|s| s.hash == hash)
                .map(|s| u32::from(s.words))
                .sum()
        };
        let articles = vec![a, b, c];
        let shared = shared_hashes(&group_of(3), &articles);
        // P0 is repeated inside a but in no other member: not carried
        assert_eq!(story_words(&articles[0], &shared).0, words(&articles[0], 1));
        assert_eq!(
            story_words(&articles[1], &shared).0,
            words(&articles[1], 1) + words(&articles[1], 2)
        );
        assert_eq!(story_words(&articles[2], &shared).0, words(&articles[2], 2));
        assert!(words(&articles[0], 0) > 0 && words(&articles[1], 2) > 0);
    }
}

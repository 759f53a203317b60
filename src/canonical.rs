//! Choosing the member of a story whose text becomes the record's body.
//!
//! In: one group and the articles. Out: the chosen member and a short reason. The choice depends
//! only on the members' content and paths, never on input order or threads.

use crate::article::Article;
use crate::cluster::Group;

/// Picks the canonical member of `group`: the one with the longest clean body, then one with a
/// byline and a date, then fewer repairs, then the smallest path (so ties are stable).
pub fn pick_canonical(group: &Group, articles: &[Article]) -> (usize, String) {
    let best = group
        .members
        .iter()
        .map(|(i, _)| *i)
        .max_by(|&a, &b| {
            let (x, y) = (&articles[a], &articles[b]);
            x.body_chars()
                .cmp(&y.body_chars())
                .then(x.byline.is_some().cmp(&y.byline.is_some()))
                .then(x.published.is_some().cmp(&y.published.is_some()))
                .then(y.repairs.cmp(&x.repairs))
                .then(y.path.cmp(&x.path))
        })
        .expect("a group has at least one member");
    let reason = if group.members.len() == 1 {
        "only member".to_string()
    } else {
        "longest clean body".to_string()
    };
    (best, reason)
}

//! Grouping the articles of a batch into stories.
//!
//! In: the processed articles. Out: groups of article indexes, each member with the evidence that
//! joined it. Groups and members come out sorted by input index, so output never depends on
//! thread scheduling or hash-map order.
//!
//! For now only byte-identical cleaned bodies are grouped (a hash map on the body); fuzzy
//! matching of copies and rewrites arrives with the clustering issue.

use std::collections::{BTreeMap, HashMap};

use crate::article::Article;

/// How one member came to be in its group.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The rule that joined it, e.g. `identical-body`.
    pub rule: String,
    /// The deciding score, 0 to 1.
    pub score: f64,
    /// Index of the article it was matched against.
    pub with: Option<usize>,
    /// Every signal that was computed for the decision, by name.
    pub signals: BTreeMap<String, f64>,
}

/// One story: indexes into the article slice, with the join evidence of each.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Members in input order, each with how it joined (`None` for the first member).
    pub members: Vec<(usize, Option<Join>)>,
}

/// Groups articles whose cleaned bodies are identical; every other article stands alone.
pub fn group(articles: &[Article]) -> Vec<Group> {
    let mut first_with_body: HashMap<u64, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of_first: HashMap<usize, usize> = HashMap::new();
    for (i, article) in articles.iter().enumerate() {
        let key = xxhash_rust::xxh3::xxh3_64(article.body().as_bytes());
        match first_with_body.get(&key) {
            Some(&first) if !article.paragraphs.is_empty() => {
                let join = Join {
                    rule: "identical-body".into(),
                    score: 1.0,
                    with: Some(first),
                    signals: BTreeMap::new(),
                };
                groups[group_of_first[&first]].members.push((i, Some(join)));
            }
            _ => {
                first_with_body.insert(key, i);
                group_of_first.insert(i, groups.len());
                groups.push(Group {
                    members: vec![(i, None)],
                });
            }
        }
    }
    groups
}

//! Boilerplate removal as the CLI shows it: lines repeated across a batch's stories.

use crate::texts;
use crate::util::Corpus;

/// A sign-off line under every article of a batch of different stories.
const SIGN_OFF: &str =
    "Distributed by the Northfield Wire Syndicate under licence to member papers.";

fn batch_with_sign_off() -> Corpus {
    texts::ALL
        .iter()
        .enumerate()
        .fold(Corpus::new(), |corpus, (i, text)| {
            corpus.file(&format!("{i}.txt"), format!("{text}\n\n{SIGN_OFF}\n"))
        })
}

fn bodies_with_sign_off(args: &[&str]) -> usize {
    let run = batch_with_sign_off().ingest(args);
    run.assert_exit(0);
    let records = run.records();
    assert_eq!(records.len(), texts::ALL.len());
    records
        .iter()
        .filter(|r| r["body"].as_str().unwrap().contains(SIGN_OFF))
        .count()
}

#[test]
fn line_repeated_across_different_stories_is_removed_unless_no_repeats() {
    assert_eq!(bodies_with_sign_off(&["--no-dedup", "-q"]), 0);
    // Without the cross-document count only the text features judge it: a well-formed English
    // sentence under an English article stays.
    assert!(bodies_with_sign_off(&["--no-dedup", "-q", "--no-repeats"]) >= 1);
}

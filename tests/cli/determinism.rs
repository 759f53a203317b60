//! Same input, same bytes out, whatever `--jobs` is; and the corpus generator is deterministic.

use std::path::Path;

use crate::corpus::{Sources, write_corpus};
use crate::texts;
use crate::util::{Corpus, manifest_dir};

/// A text pool from the seeds and the test texts (never `../shared`).
pub fn test_pool() -> Sources {
    let mut articles: Vec<String> = texts::ALL.iter().map(|t| t.to_string()).collect();
    for seed in ["000_a6377cb92c79f485.txt", "001_f06ff5cc57efea97.txt"] {
        let path = manifest_dir().join("fixtures/seeds").join(seed);
        articles.push(std::fs::read_to_string(path).expect("seed is UTF-8"));
    }
    Sources::from_articles(&articles, "test texts and seeds")
}

fn file_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .expect("under dir")
            .to_string_lossy()
            .into_owned();
        out.push((rel, std::fs::read(&entry).expect("readable")));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("listable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn generator_writes_the_same_files_for_the_same_seed() {
    let pool = test_pool();
    let (a, b) = (Corpus::new(), Corpus::new());
    let stats_a = write_corpus(&a.input(), 120, 42, &pool).expect("corpus a");
    let stats_b = write_corpus(&b.input(), 120, 42, &pool).expect("corpus b");
    assert_eq!(stats_a, stats_b);
    assert_eq!(stats_a.files, 120);
    assert!(
        stats_a.originals > 0
            && stats_a.exact_copies + stats_a.trimmed_copies + stats_a.edited_copies > 0
    );
    assert!(file_tree(&a.input()) == file_tree(&b.input()));
    let other = Corpus::new();
    write_corpus(&other.input(), 120, 43, &pool).expect("corpus c");
    assert!(
        file_tree(&a.input()) != file_tree(&other.input()),
        "the seed matters"
    );
}

#[test]
fn generated_articles_have_news_sizes() {
    let corpus = Corpus::new();
    let stats = write_corpus(&corpus.input(), 80, 7, &test_pool()).expect("corpus");
    let mean = stats.bytes / stats.files as u64;
    assert!((1_000..8_000).contains(&mean), "mean file size {mean}");
}

#[test]
fn generated_corpus_output_is_identical_with_one_and_two_jobs() {
    let corpus = Corpus::new();
    let stats = write_corpus(&corpus.input(), 300, 2024, &test_pool()).expect("corpus");
    for mode in [&["--no-dedup"][..], &[][..]] {
        let mut outputs = Vec::new();
        for jobs in ["1", "2"] {
            let mut args = vec!["--quiet", "--jobs", jobs];
            args.extend_from_slice(mode);
            let run = corpus.ingest(&args);
            run.assert_exit(0);
            if mode.is_empty() {
                assert!(!run.records().is_empty());
            } else {
                assert_eq!(run.records().len(), stats.files, "one record per file");
            }
            outputs.push(run.stdout);
        }
        assert!(
            outputs[0] == outputs[1],
            "--jobs 1 and 2 differ with {mode:?}"
        );
    }
}

#[test]
fn generator_truth_lists_every_file_and_its_story() {
    let corpus = Corpus::new();
    let mut truth = Vec::new();
    let stats =
        crate::corpus::write_corpus_with_truth(&corpus.input(), 60, 5, &test_pool(), &mut truth)
            .expect("corpus");
    let lines = crate::util::json_lines(&truth);
    assert_eq!(lines.len(), stats.files);
    let originals = lines.iter().filter(|l| l["kind"] == "original").count();
    assert_eq!(originals, stats.originals);
    for line in &lines {
        let path = line["path"].as_str().expect("path");
        assert!(corpus.input().join(path).is_file(), "{path}");
        // A copy points at an original that came earlier.
        let story = line["story"].as_u64().expect("story") as usize;
        let first = &lines[story];
        assert_eq!(first["kind"], "original", "{line}");
    }
}

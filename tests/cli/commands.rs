//! The other commands and the generated docs: --help, man, completions, fix, clean.

use crate::util::{manifest_dir, run_in};

const AP: &str = "fixtures/seeds/001_f06ff5cc57efea97.txt";

fn run(args: &[&str]) -> crate::util::Run {
    run_in(manifest_dir(), args, None)
}

#[test]
fn help_ends_with_examples_including_jq() {
    for args in [&["--help"][..], &["ingest", "--help"][..]] {
        let run = run(args);
        run.assert_exit(0);
        let text = run.stdout_text();
        let tail = &text[text.rfind("Examples:").expect("an Examples section")..];
        assert!(tail.contains("newsclean ingest"), "{args:?}: {tail}");
        assert!(tail.contains("| jq"), "{args:?} has a jq example: {tail}");
    }
}

#[test]
fn ingest_help_documents_the_options() {
    let run = run(&["ingest", "--help"]);
    let text = run.stdout_text();
    for flag in [
        "--no-dedup",
        "--jobs",
        "--quiet",
        "--progress",
        "--explain",
        "--ext",
        "--hidden",
        "--max-file-size",
        "--null",
    ] {
        assert!(text.contains(flag), "ingest --help lacks {flag}");
    }
}

#[test]
fn usage_errors_exit_2() {
    run(&["ingest"]).assert_exit(2);
    run(&["ingest", "--max-file-size", "lots", "x"]).assert_exit(2);
    run(&["no-such-command"]).assert_exit(2);
}

#[test]
fn completions_are_generated_for_common_shells() {
    let bash = run(&["completions", "bash"]);
    bash.assert_exit(0);
    let text = bash.stdout_text();
    assert!(
        text.contains("_newsclean") && text.contains("complete"),
        "bash script"
    );
    assert!(text.contains("--no-dedup"));
    for shell in ["zsh", "fish"] {
        let out = run(&["completions", shell]);
        out.assert_exit(0);
        assert!(out.stdout_text().contains("newsclean"), "{shell}");
    }
}

#[test]
fn man_page_is_roff_with_the_subcommands() {
    let man = run(&["man"]);
    man.assert_exit(0);
    let text = man.stdout_text();
    assert!(text.contains(".TH newsclean"), "a roff title header");
    assert!(text.contains("ingest") && text.contains("fix") && text.contains("clean"));
}

#[test]
fn fix_runs_on_the_seed_and_keeps_every_line() {
    let input = std::fs::read(manifest_dir().join(AP)).expect("seed");
    let run = run(&["fix", AP]);
    run.assert_exit(0);
    let text = run.stdout_text();
    assert_eq!(
        text.lines().count(),
        String::from_utf8_lossy(&input).lines().count()
    );
    assert!(text.contains("Shin Won-sik"));
    // Same through stdin.
    let piped = run_in(manifest_dir(), &["fix"], Some(&input));
    piped.assert_exit(0);
    assert_eq!(piped.stdout, run.stdout);
}

#[test]
fn fix_jsonl_rewrites_the_text_field_and_copies_bad_lines() {
    let input = b"{\"id\": 1, \"text\": \"Caf\xC3\xA9 in Gen\xC3\xA8ve\"}\nnot json\n";
    let run = run_in(manifest_dir(), &["fix", "--jsonl"], Some(input));
    run.assert_exit(1);
    let lines: Vec<&str> = run.stdout_text().lines().collect();
    assert_eq!(lines.len(), 2);
    let value: serde_json::Value = serde_json::from_str(lines[0]).expect("JSON");
    assert_eq!(value["id"], 1);
    assert_eq!(
        value["text"], "Café in Genève",
        "correct text is left alone"
    );
    assert_eq!(lines[1], "not json");
    assert_eq!(run.stderr_lines_with("line 2").len(), 1);
}

#[test]
fn clean_shows_the_seed_for_people() {
    let run = run(&["clean", AP]);
    run.assert_exit(0);
    let text = run.stdout_text();
    assert!(text.starts_with("Title:"), "{text}");
    assert!(text.contains("Encoding: UTF-8"));
    assert!(text.contains("Shin Won-sik"));
}

#[test]
fn clean_on_a_missing_file_fails_with_its_name() {
    let run = run(&["clean", "fixtures/nope.txt"]);
    assert_ne!(run.code, Some(0));
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.starts_with("newsclean: fixtures/nope.txt: "),
        "{}",
        run.stderr
    );
}

#[test]
fn clean_on_a_skipped_file_says_why_and_exits_1() {
    let corpus = crate::util::Corpus::new().file("empty.txt", "");
    let run = corpus.run(&["clean", "in/empty.txt"]);
    run.assert_exit(1);
    assert!(run.stdout.is_empty());
    assert_eq!(run.stderr, "newsclean: in/empty.txt: skipped, empty file\n");
}

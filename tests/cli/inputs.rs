//! Paths from stdin: `find … | newsclean ingest -` and `find -print0 | newsclean ingest -0 -`.

use crate::texts;
use crate::util::Corpus;

fn three_files() -> Corpus {
    Corpus::new()
        .file("a.txt", texts::FERRY_EN)
        .file("sub/b.txt", texts::RADWEG_DE)
        .file("odd\nname.txt", texts::TILTS_LV)
}

fn paths(run: &crate::util::Run) -> Vec<String> {
    run.members()
        .iter()
        .map(|m| m["path"].as_str().expect("path").to_string())
        .collect()
}

#[test]
fn paths_from_stdin_one_per_line() {
    let corpus = three_files();
    let run = corpus.run_with_stdin(
        &["ingest", "--quiet", "--no-dedup", "-"],
        b"in/sub/b.txt\r\nin/a.txt\n\n",
    );
    run.assert_exit(0);
    assert_eq!(
        paths(&run),
        ["in/sub/b.txt", "in/a.txt"],
        "stdin order is kept, CRLF and blank lines ignored"
    );
}

#[test]
fn paths_from_stdin_nul_separated_allow_newlines_in_names() {
    let corpus = three_files();
    for flag in ["--null", "-0"] {
        let run = corpus.run_with_stdin(
            &["ingest", "--quiet", "--no-dedup", flag, "-"],
            b"in/odd\nname.txt\0in/a.txt\0",
        );
        run.assert_exit(0);
        assert_eq!(paths(&run), ["in/odd\nname.txt", "in/a.txt"], "{flag}");
    }
}

#[cfg(unix)]
#[test]
fn output_of_find_piped_in() {
    let corpus = three_files();
    let script = format!(
        "find in -name '*.txt' -print0 | '{}' ingest --quiet --no-dedup -0 -",
        crate::util::BIN
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(corpus.root())
        .output()
        .expect("sh runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn stdin_list_mixed_with_named_paths_and_a_missing_one() {
    let corpus = three_files();
    let run = corpus.run_with_stdin(
        &["ingest", "--no-dedup", "in/sub", "-"],
        b"in/a.txt\nin/missing.txt\n",
    );
    run.assert_exit(1);
    assert_eq!(paths(&run), ["in/sub/b.txt", "in/a.txt"]);
    let lines = run.stderr_lines_with("in/missing.txt");
    assert_eq!(
        lines,
        ["newsclean: in/missing.txt: cannot read: no such file or directory"]
    );
}

#[test]
fn stdin_dash_given_twice_is_a_usage_error() {
    let run = three_files().run_with_stdin(&["ingest", "-", "-"], b"in/a.txt\n");
    run.assert_exit(2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("only once"), "{}", run.stderr);
}

#[test]
fn empty_stdin_list_reads_nothing() {
    let run = three_files().run_with_stdin(&["ingest", "--quiet", "-"], b"");
    run.assert_exit(0);
    assert!(run.stdout.is_empty());
}

#[cfg(unix)]
#[test]
fn non_utf8_name_from_stdin_keeps_its_bytes() {
    let corpus = Corpus::new().file_raw_name(b"\xC0ld.txt", texts::RADWEG_DE);
    let run = corpus.run_with_stdin(&["ingest", "--quiet", "-0", "-"], b"in/\xC0ld.txt\0");
    run.assert_exit(0);
    let member = &run.members()[0];
    assert_eq!(member["path"], "in/\u{FFFD}ld.txt");
    assert_eq!(member["path_raw"], "696e2fc06c642e747874");
}

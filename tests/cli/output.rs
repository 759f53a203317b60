//! stdout carries only records, stderr is for people: summary, --quiet, progress, closed pipes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::corpus::write_corpus;
use crate::texts;
use crate::util::{BIN, Corpus, article, prose};

fn small() -> Corpus {
    Corpus::new()
        .file("a.txt", texts::FERRY_EN)
        .file("b.txt", texts::RADWEG_DE)
        .file("empty.txt", "")
}

#[test]
fn summary_line_on_stderr_and_only_json_on_stdout() {
    let run = small().ingest(&["--no-dedup"]);
    run.assert_exit(0);
    assert_eq!(run.records().len(), 2);
    let summary = run.summary_line().expect("a summary line");
    assert!(
        summary.starts_with("newsclean: 3 files, 2 stories, 1 skipped, 0 failed"),
        "{summary}"
    );
    assert_eq!(
        run.stderr_lines().len(),
        2,
        "the skip line and the summary: {}",
        run.stderr
    );
    assert!(!run.stdout_text().contains("newsclean:"));
}

#[test]
fn thousands_are_grouped_in_the_summary() {
    let mut corpus = Corpus::new();
    for i in 0..1001 {
        corpus = corpus.file(
            &format!("{i:04}.txt"),
            article(&format!("Story {i}"), "Body."),
        );
    }
    let run = corpus.ingest(&["--no-dedup"]);
    run.assert_exit(0);
    let summary = run.summary_line().expect("summary");
    assert!(
        summary.starts_with("newsclean: 1,001 files, 1,001 stories"),
        "{summary}"
    );
}

#[test]
fn quiet_prints_no_summary_and_no_skip_lines_but_still_failures() {
    let corpus = small();
    let run = corpus.ingest(&["--quiet"]);
    run.assert_exit(0);
    assert_eq!(run.stderr, "");
    assert_eq!(run.records().len(), 2);
    let run = corpus.run(&["ingest", "-q", "in", "missing.txt"]);
    run.assert_exit(1);
    assert_eq!(
        run.stderr,
        "newsclean: missing.txt: cannot read: no such file or directory\n"
    );
}

#[test]
fn progress_always_draws_on_stderr_never_on_stdout() {
    let corpus = small();
    let plain = corpus.ingest(&["--progress", "never", "--no-dedup"]);
    let drawn = corpus.ingest(&["--progress", "always", "--no-dedup"]);
    drawn.assert_exit(0);
    assert_eq!(plain.stdout, drawn.stdout, "progress never touches stdout");
    assert!(
        drawn.stderr.len() > plain.stderr.len() && drawn.stderr.contains("files"),
        "--progress always draws even when stderr is not a terminal: {:?}",
        drawn.stderr
    );
    // The bar is cleared with `\r` and an erase-line escape before the summary is printed.
    assert!(
        drawn
            .stderr
            .contains("\u{1b}[2Knewsclean: 3 files, 2 stories, 1 skipped")
    );
    let auto = corpus.ingest(&["--no-dedup"]);
    for quiet_run in [&plain, &auto] {
        assert_eq!(quiet_run.stderr_lines().len(), 2, "{:?}", quiet_run.stderr);
        assert!(
            !quiet_run.stderr.contains(['\r', '\u{1b}']),
            "never / auto off a terminal: no bar"
        );
    }
}

/// `newsclean ingest BIG | head -1`: the reader goes away after one line; the run ends at once,
/// quietly, with 0.
#[test]
fn closed_stdout_pipe_ends_quietly_with_0() {
    // Records far larger than a pipe buffer (64 KiB), in both modes: 400 articles of ~3 KB of
    // prose that share no phrase, so no clustering rule can fold them into a few records.
    let mut corpus = Corpus::new();
    for i in 0..400 {
        corpus = corpus.file(
            &format!("{i:03}.txt"),
            article(&format!("Story number {i}"), &prose(i, 30)),
        );
    }
    for mode in [&["--no-dedup"][..], &["--explain"][..]] {
        let mut child = Command::new(BIN)
            .arg("ingest")
            .args(mode)
            .arg("in")
            .current_dir(corpus.root())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starts");
        let mut reader = BufReader::new(child.stdout.take().expect("piped"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("one line");
        drop(reader);
        let out = child.wait_with_output().expect("finishes");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{mode:?}: stderr: {stderr}");
        assert_eq!(stderr, "", "{mode:?}: a closed pipe is not an error");
        serde_json::from_str::<serde_json::Value>(&first).expect("the first line is a record");
    }
}

#[cfg(unix)]
#[test]
fn ingest_piped_into_head_in_a_shell() {
    let corpus = Corpus::new();
    write_corpus(&corpus.input(), 300, 11, &crate::determinism::test_pool()).expect("corpus");
    let script = format!(
        "'{BIN}' ingest --no-dedup in 2>err | head -1 >first; echo \"${{PIPESTATUS[0]:-?}}\" >status"
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(corpus.root())
        .output()
        .expect("bash runs");
    assert!(out.status.success());
    let read = |name: &str| std::fs::read_to_string(corpus.root().join(name)).expect("written");
    assert_eq!(read("status").trim(), "0");
    assert_eq!(read("err"), "");
    assert_eq!(read("first").lines().count(), 1);
}

/// The keys of the record, as `src/record.rs` documents them; a change here is a format change
/// and needs a CHANGELOG entry.
#[test]
fn record_keys_are_the_documented_ones() {
    let run = Corpus::new()
        .file("a.txt", texts::FERRY_EN)
        .ingest(&["--quiet"]);
    run.assert_exit(0);
    let line = run
        .stdout_text()
        .lines()
        .next()
        .expect("one record")
        .to_string();
    assert!(line.starts_with("{\"id\":"), "id comes first: {line}");
    let record = &run.records()[0];
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().expect("object").keys().cloned().collect();
        k.sort();
        k
    };
    let sorted = |list: &[&str]| -> Vec<String> {
        let mut k: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(record),
        sorted(&[
            "id",
            "status",
            "title",
            "subtitle",
            "byline",
            "published",
            "published_raw",
            "site",
            "body",
            "canonical",
            "members",
            "repairs",
            "removed_lines",
        ])
    );
    assert_eq!(keys(&record["canonical"]), sorted(&["path", "reason"]));
    assert_eq!(
        keys(&record["members"][0]),
        sorted(&[
            "path",
            "path_raw",
            "bytes",
            "encoding",
            "invalid_sequences",
            "title",
            "repairs",
            "removed_lines",
            "join",
            "explain",
        ])
    );
    assert_eq!(
        keys(&record["members"][0]["join"]),
        sorted(&["rule", "score", "with", "signals"])
    );
    assert_eq!(record["members"][0]["explain"], serde_json::Value::Null);
}

#[test]
fn explain_fills_members_explain() {
    let run = Corpus::new()
        .file("a.txt", texts::FERRY_EN)
        .ingest(&["--quiet", "--explain"]);
    run.assert_exit(0);
    let explain = &run.records()[0]["members"][0]["explain"];
    for key in ["repair", "removed", "extracted"] {
        assert!(
            explain[key].is_array(),
            "explain.{key} is an array: {explain}"
        );
    }
}

/// Output that cannot be written is fatal: exit 2 with one message naming stdout.
#[cfg(target_os = "linux")]
#[test]
fn unwritable_stdout_exits_2() {
    let corpus = Corpus::new().file("a.txt", texts::FERRY_EN);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full exists on Linux");
    let out = Command::new(BIN)
        .args(["ingest", "in"])
        .current_dir(corpus.root())
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("newsclean: cannot write to stdout"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

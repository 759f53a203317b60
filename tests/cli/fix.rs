//! `newsclean fix`: filter mode, `--jsonl` and `--explain`.

use crate::util::{Run, manifest_dir, run_in};

/// `newsclean fix ARGS` with `stdin` as its input.
fn run_fix(args: &[&str], stdin: &str) -> Run {
    let mut all = vec!["fix"];
    all.extend_from_slice(args);
    run_in(manifest_dir(), &all, Some(stdin.as_bytes()))
}

#[test]
fn filter_repairs_damaged_lines_and_keeps_the_rest() {
    let input = "Rīgā līst.\nAustraliaā€™s defence\nno newline at the end: cafÃ©";
    let out = run_fix(&[], input);
    out.assert_exit(0);
    assert_eq!(
        out.stdout_text(),
        "Rīgā līst.\nAustralia’s defence\nno newline at the end: café"
    );
}

#[test]
fn jsonl_mode_rewrites_only_the_text_field() {
    let input = "{\"id\":7,\"text\":\"TheĀ\u{a0}Independent\",\"src\":\"x\"}\n{\"id\":8,\"text\":\"SÃO PAULO\"}\n";
    let out = run_fix(&["--jsonl"], input);
    out.assert_exit(0);
    let lines = out.records();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[0]["src"], "x");
    assert_eq!(lines[0]["text"], "The\u{a0}Independent");
    assert_eq!(lines[1]["text"], "SÃO PAULO");
}

#[test]
fn jsonl_mode_copies_bad_lines_and_exits_1() {
    let out = run_fix(&["--jsonl"], "not json\n{\"text\":\"ok\"}\n");
    out.assert_exit(1);
    let stdout = out.stdout_text();
    assert!(stdout.starts_with("not json\n"), "{stdout}");
    assert!(out.stderr.contains("line 1"), "{}", out.stderr);
}

#[test]
fn explain_names_the_steps_on_stderr() {
    let out = run_fix(&["--explain"], "He said ā€œyesā€ today\n");
    out.assert_exit(0);
    assert_eq!(out.stdout_text(), "He said “yes” today\n");
    let stderr = &out.stderr;
    assert!(
        stderr.contains("reencode windows-1257 -> utf-8"),
        "{stderr}"
    );
    assert!(stderr.contains("infer lost byte"), "{stderr}");
}

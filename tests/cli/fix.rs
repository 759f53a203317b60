//! `newsclean fix`: filter mode, `--jsonl` and `--explain`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run_fix(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsclean"))
        .arg("fix")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsclean runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the input");
    child.wait_with_output().expect("newsclean finishes")
}

#[test]
fn filter_repairs_damaged_lines_and_keeps_the_rest() {
    let input = "Rīgā līst.\nAustraliaā€™s defence\nno newline at the end: cafÃ©";
    let out = run_fix(&[], input);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Rīgā līst.\nAustralia’s defence\nno newline at the end: café"
    );
}

#[test]
fn jsonl_mode_rewrites_only_the_text_field() {
    let input = "{\"id\":7,\"text\":\"TheĀ\u{a0}Independent\",\"src\":\"x\"}\n{\"id\":8,\"text\":\"SÃO PAULO\"}\n";
    let out = run_fix(&["--jsonl"], input);
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("output lines are JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(lines[0]["src"], "x");
    assert_eq!(lines[0]["text"], "The\u{a0}Independent");
    assert_eq!(lines[1]["text"], "SÃO PAULO");
}

#[test]
fn jsonl_mode_copies_bad_lines_and_exits_1() {
    let out = run_fix(&["--jsonl"], "not json\n{\"text\":\"ok\"}\n");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("not json\n"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1"));
}

#[test]
fn explain_names_the_steps_on_stderr() {
    let out = run_fix(&["--explain"], "He said ā€œyesā€ today\n");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "He said “yes” today\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("reencode windows-1257 -> utf-8"),
        "{stderr}"
    );
    assert!(stderr.contains("infer lost byte"), "{stderr}");
}

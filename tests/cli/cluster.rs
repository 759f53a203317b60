//! Story clustering through the binary: the seeds, the story fixtures, `compare`, thresholds.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_newsclean"))
}

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(dir)
}

/// Runs `newsclean ingest` with `args` and returns the records, sorted by canonical path.
fn ingest(args: &[&str]) -> Vec<Value> {
    let out = bin()
        .arg("ingest")
        .arg("--quiet")
        .args(args)
        .output()
        .expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut records = crate::util::json_lines(&out.stdout);
    records.sort_by_key(|r| r["canonical"]["path"].as_str().unwrap_or("").to_string());
    records
}

fn file_name(path: &Value) -> String {
    Path::new(path.as_str().unwrap_or(""))
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Member file names of each record, each list sorted.
fn groups(records: &[Value]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            let mut names: Vec<String> = r["members"]
                .as_array()
                .expect("members is an array")
                .iter()
                .map(|m| file_name(&m["path"]))
                .collect();
            names.sort();
            names
        })
        .collect();
    out.sort();
    out
}

#[test]
fn seeds_paraphrase_joins_the_ap_text_with_its_evidence() {
    let seeds = fixtures("seeds");
    let records = ingest(&[seeds.to_str().expect("utf-8 path")]);
    assert_eq!(records.len(), 1, "{records:#?}");
    let story = &records[0];
    assert_eq!(
        file_name(&story["canonical"]["path"]),
        "001_f06ff5cc57efea97.txt"
    );
    let members = story["members"].as_array().expect("members");
    assert_eq!(members.len(), 2);
    let farm = members
        .iter()
        .find(|m| file_name(&m["path"]) == "000_a6377cb92c79f485.txt")
        .expect("the paraphrase is a member");
    assert_eq!(farm["join"]["rule"], "rewrite");
    assert_eq!(file_name(&farm["join"]["with"]), "001_f06ff5cc57efea97.txt");
    let signals = farm["join"]["signals"].as_object().expect("signals");
    for name in [
        "align",
        "rare_overlap",
        "containment",
        "title",
        "rewrite_score",
    ] {
        assert!(
            signals.contains_key(name),
            "signal {name} missing: {signals:?}"
        );
    }
    assert!(signals["align"].as_f64().unwrap_or(0.0) > 0.4);
    let ap = members
        .iter()
        .find(|m| file_name(&m["path"]) == "001_f06ff5cc57efea97.txt")
        .expect("the AP text is a member");
    assert_eq!(ap["join"]["rule"], "canonical");
}

#[test]
fn copies_and_rewrites_group_and_hard_negatives_stay_apart() {
    let dir = fixtures("stories");
    let records = ingest(&[dir.to_str().expect("utf-8 path")]);
    let expected: Vec<Vec<&str>> = vec![
        vec!["bridge_next_month.txt"],
        vec![
            "bridge_paraphrase.txt",
            "bridge_republish.txt",
            "bridge_trimmed.txt",
            "bridge_update.txt",
            "bridge_wire.txt",
        ],
        vec!["ferry_paraphrase.txt", "ferry_wire.txt"],
        vec!["jobs_april.txt"],
        vec!["jobs_march.txt", "jobs_march_copy.txt"],
        vec!["orchestra.txt"],
    ];
    assert_eq!(groups(&records), expected);
    let bridge = records
        .iter()
        .find(|r| r["members"].as_array().is_some_and(|m| m.len() == 5))
        .expect("the bridge story");
    // the wire text: the update carries two paragraphs no other member has, the republished
    // copy carries chrome, the trimmed copy less of the story, the paraphrase is a rewrite
    let canonical = file_name(&bridge["canonical"]["path"]);
    assert_eq!(canonical, "bridge_wire.txt");
    for member in bridge["members"].as_array().expect("members") {
        let rule = member["join"]["rule"].as_str().unwrap_or("");
        let expected_rule = match file_name(&member["path"]).as_str() {
            "bridge_paraphrase.txt" => "rewrite",
            name if name == canonical => "canonical",
            _ => "copy",
        };
        assert_eq!(rule, expected_rule, "{member}");
        assert!(member["join"]["score"].as_f64().is_some());
    }
}

#[test]
fn output_does_not_depend_on_thread_count() {
    let dir = fixtures("stories");
    let dir = dir.to_str().expect("utf-8 path");
    let run = |jobs: &str| {
        bin()
            .args(["ingest", "--quiet", "--jobs", jobs, dir])
            .output()
            .expect("the binary runs")
            .stdout
    };
    assert_eq!(run("1"), run("2"));
}

#[test]
fn a_strict_rewrite_threshold_leaves_paraphrases_alone() {
    let dir = fixtures("stories");
    let records = ingest(&[
        "--rewrite-threshold",
        "1",
        dir.to_str().expect("utf-8 path"),
    ]);
    let grouped = groups(&records);
    assert!(grouped.contains(&vec!["ferry_paraphrase.txt".to_string()]));
    assert!(grouped.contains(&vec!["ferry_wire.txt".to_string()]));
}

#[test]
fn compare_prints_signals_and_decision() {
    let dir = fixtures("stories");
    let out = bin()
        .arg("compare")
        .arg("--json")
        .arg(dir.join("bridge_wire.txt"))
        .arg(dir.join("bridge_paraphrase.txt"))
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0));
    let value: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(value["rule"], "rewrite");
    assert!(value["signals"]["align"].as_f64().unwrap_or(0.0) >= 0.8);

    let out = bin()
        .arg("compare")
        .arg(dir.join("bridge_wire.txt"))
        .arg(dir.join("bridge_next_month.txt"))
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(1), "different stories exit with 1");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("containment"), "{text}");
    assert!(text.contains("different stories"), "{text}");
}

#[test]
fn demo_articles_group_around_the_wire_text() {
    let dir = fixtures("articles");
    let records = ingest(&[dir.to_str().expect("utf-8 path")]);
    let harbour = records
        .iter()
        .find(|r| r["members"].as_array().is_some_and(|m| m.len() > 1))
        .expect("one story with several members");
    assert_eq!(file_name(&harbour["canonical"]["path"]), "harbour-wire.txt");
    let mut members: Vec<(String, String)> = harbour["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            let rule = m["join"]["rule"].as_str().unwrap_or("").to_string();
            (file_name(&m["path"]), rule)
        })
        .collect();
    members.sort();
    let expected = [
        ("harbour-republished.txt", "copy"),
        ("harbour-rewrite.txt", "rewrite"),
        ("harbour-trimmed.txt", "copy"),
        ("harbour-wire.txt", "canonical"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(members, expected);
    assert!(
        groups(&records).contains(&vec!["harbour-next-month.txt".to_string()]),
        "the hard negative stays alone"
    );
}

#[test]
fn story_id_stays_when_more_versions_arrive() {
    let dir = fixtures("stories");
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let first = ingest(&[&path("bridge_wire.txt"), &path("bridge_trimmed.txt")]);
    let later = ingest(&[
        &path("bridge_wire.txt"),
        &path("bridge_trimmed.txt"),
        &path("bridge_republish.txt"),
        &path("bridge_update.txt"),
        &path("bridge_paraphrase.txt"),
    ]);
    assert_eq!(first.len(), 1);
    assert_eq!(later.len(), 1);
    assert_eq!(later[0]["members"].as_array().map(Vec::len), Some(5));
    assert_eq!(first[0]["id"], later[0]["id"]);
}

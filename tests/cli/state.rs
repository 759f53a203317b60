//! `--state`: runs that remember files and stories, and survive being killed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::util::{BIN, Corpus, json_lines, manifest_dir, run_in};

/// The demo batch: one story in five versions, a hard negative, four single articles.
fn demo_files() -> Vec<(String, Vec<u8>)> {
    let dir = manifest_dir().join("fixtures/articles");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixtures/articles is readable")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("fixture is readable"))
        })
        .collect();
    files.sort();
    files
}

fn corpus_of(files: &[(String, Vec<u8>)]) -> Corpus {
    files
        .iter()
        .fold(Corpus::new(), |c, (name, bytes)| c.file(name, bytes))
}

/// What a story is, apart from its id: canonical member, sorted member paths, body.
fn shape(records: &[Value]) -> Vec<(String, Vec<String>, String)> {
    let mut out: Vec<_> = records
        .iter()
        .map(|r| {
            let mut members: Vec<String> = r["members"]
                .as_array()
                .expect("members is an array")
                .iter()
                .map(|m| m["path"].as_str().unwrap().to_string())
                .collect();
            members.sort();
            (
                r["canonical"]["path"].as_str().unwrap().to_string(),
                members,
                r["body"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

fn export(corpus: &Corpus) -> Vec<Value> {
    let run = corpus.run(&["state", "export", "--state", "state.db"]);
    run.assert_exit(0);
    run.records()
}

/// The stories a one-shot `--state` run over `files` ends with.
fn one_shot(files: &[(String, Vec<u8>)]) -> Vec<(String, Vec<String>, String)> {
    let corpus = corpus_of(files);
    corpus.ingest(&["--state", "state.db"]).assert_exit(0);
    shape(&export(&corpus))
}

#[test]
fn two_halves_give_the_stories_of_one_run() {
    let files = demo_files();
    let (first, second): (Vec<_>, Vec<_>) = files
        .iter()
        .cloned()
        .enumerate()
        .partition(|(i, _)| i % 2 == 0);
    let corpus = corpus_of(&first.into_iter().map(|(_, f)| f).collect::<Vec<_>>());
    corpus.ingest(&["--state", "state.db"]).assert_exit(0);
    let corpus = second
        .into_iter()
        .fold(corpus, |c, (_, (name, bytes))| c.file(&name, bytes));
    corpus.ingest(&["--state", "state.db"]).assert_exit(0);

    let halves = shape(&export(&corpus));
    assert_eq!(halves, one_shot(&files));
    // And the same as a run without any state.
    let plain = corpus.ingest(&[]);
    assert_eq!(halves, shape(&plain.records()));
}

#[test]
fn rerun_without_new_files_writes_nothing_and_reads_nothing() {
    let corpus = corpus_of(&demo_files());
    let first = corpus.ingest(&["--state", "state.db"]);
    first.assert_exit(0);
    assert!(!first.records().is_empty());
    assert!(first.records().iter().all(|r| r["status"] == "new"));

    let again = corpus.ingest(&["--state", "state.db"]);
    again.assert_exit(0);
    assert_eq!(again.records().len(), 0);
    let files = demo_files().len();
    assert!(
        again
            .stderr
            .contains(&format!("{files} files ({files} unchanged)")),
        "summary should say every file was unchanged: {}",
        again.stderr
    );
}

#[test]
fn new_copy_of_known_story_is_one_updated_record_with_the_same_id() {
    let wire = std::fs::read(manifest_dir().join("fixtures/articles/harbour-wire.txt")).unwrap();
    let corpus = Corpus::new().file("a/wire.txt", &wire);
    let first = corpus.ingest(&["--state", "state.db"]);
    first.assert_exit(0);
    let id = first.records()[0]["id"].clone();

    let corpus = corpus.file("b/copy.txt", &wire);
    let second = corpus.ingest(&["--state", "state.db"]);
    second.assert_exit(0);
    let records = second.records();
    assert_eq!(records.len(), 1, "one record: {records:?}");
    assert_eq!(records[0]["status"], "updated");
    assert_eq!(records[0]["id"], id);
    assert_eq!(records[0]["members"].as_array().unwrap().len(), 2);

    // `--emit new` leaves the update out; `--emit all` lists the story as unchanged now.
    let corpus = corpus.file("c/again.txt", &wire);
    assert_eq!(
        corpus
            .ingest(&["--state", "state.db", "--emit", "new"])
            .records()
            .len(),
        0
    );
    let all = corpus.ingest(&["--state", "state.db", "--emit", "all"]);
    assert_eq!(all.records().len(), 1);
    assert_eq!(all.records()[0]["status"], "unchanged");
}

#[test]
fn killed_at_each_point_then_rerun_ends_like_an_uninterrupted_run() {
    let files = demo_files();
    let expected = one_shot(&files);
    for point in ["before-commit", "after-commit", "after-write"] {
        let corpus = corpus_of(&files);
        let killed = Command::new(BIN)
            .args(["ingest", "-q", "in", "--state", "state.db"])
            .current_dir(corpus.root())
            .env("NEWSCLEAN_FAILPOINT", point)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .output()
            .expect("newsclean runs");
        assert!(
            !killed.status.success(),
            "{point}: the failpoint did not fire"
        );
        let first = json_lines(&killed.stdout);

        let rerun = corpus.ingest(&["--state", "state.db"]);
        rerun.assert_exit(0);
        assert_eq!(
            shape(&export(&corpus)),
            expected,
            "{point}: final state differs"
        );
        // Nothing is lost: every story was written by the killed run or by the rerun.
        let mut seen: Vec<Value> = first.clone();
        seen.extend(rerun.records());
        let mut ids: Vec<&str> = seen.iter().map(|r| r["id"].as_str().unwrap()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(
            ids.len(),
            expected.len(),
            "{point}: a story was never written"
        );
    }
}

#[test]
fn batches_give_the_stories_of_one_run_without_state() {
    let files = demo_files();
    let plain = corpus_of(&files);
    let run = plain.ingest(&[]);
    run.assert_exit(0);
    let expected = shape(&run.records());
    let corpus = corpus_of(&files);
    // eleven files in batches of two: six commits, each clustering against what came before
    let batched = corpus.ingest(&["--state", "state.db", "--batch-files", "2"]);
    batched.assert_exit(0);
    assert_eq!(shape(&export(&corpus)), expected);
    // one record per story, though most stories were touched by several batches
    assert_eq!(shape(&batched.records()), expected);
    assert!(batched.records().iter().all(|r| r["status"] == "new"));
}

#[test]
fn ctrl_c_stops_after_the_current_batch_and_the_next_run_finishes() {
    let files = demo_files();
    let expected = one_shot(&files);
    let corpus = corpus_of(&files);
    let stopped = Command::new(BIN)
        .args(["ingest", "in", "--state", "state.db", "--batch-files", "4"])
        .current_dir(corpus.root())
        .env("NEWSCLEAN_FAILPOINT", "interrupt-after-commit")
        .output()
        .expect("newsclean runs");
    let stderr = String::from_utf8_lossy(&stopped.stderr);
    assert_eq!(stopped.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "interrupted; {} files left unread",
            files.len() - 4
        )),
        "{stderr}"
    );
    // what the first batch committed was written before stopping
    let first = json_lines(&stopped.stdout);
    assert!(!first.is_empty() && first.len() < expected.len());
    let stats = corpus.run(&["state", "stats", "--state", "state.db"]);
    assert!(
        stats.stdout_text().contains("files           4\n"),
        "{}",
        stats.stdout_text()
    );

    let rerun = corpus.ingest(&["--state", "state.db"]);
    rerun.assert_exit(0);
    assert_eq!(shape(&export(&corpus)), expected);
    let mut ids: Vec<String> = first
        .iter()
        .chain(&rerun.records())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), expected.len(), "every story was written");
}

#[test]
fn lost_token_counts_are_rebuilt_from_the_stored_articles() {
    let files = demo_files();
    let expected = one_shot(&files);
    let (first, second) = files.split_at(files.len() / 2);
    let corpus = corpus_of(first);
    corpus.ingest(&["-q", "--state", "state.db"]).assert_exit(0);
    let db = corpus.root().join("state.db");
    let forget = |sql: &str| {
        let conn = rusqlite::Connection::open(&db).expect("state opens");
        conn.execute(sql, []).expect("statement runs");
    };
    // as after `state prune`, or in a store from before the counts were kept
    forget("DELETE FROM meta");
    forget("DELETE FROM cluster_keys");
    let corpus = second
        .iter()
        .fold(corpus, |c, (name, bytes)| c.file(name, bytes));
    corpus.ingest(&["-q", "--state", "state.db"]).assert_exit(0);
    assert_eq!(shape(&export(&corpus)), expected);
    let conn = rusqlite::Connection::open(&db).expect("state opens");
    let keys: i64 = conn
        .query_row("SELECT count(*) FROM cluster_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(keys as usize, files.len(), "keys were stored again");
}

#[test]
fn sigkill_at_any_moment_then_rerun_ends_like_an_uninterrupted_run() {
    // A batch big enough that the run takes a while, killed after various delays.
    let corpus = Corpus::new();
    let sources = crate::corpus::Sources::discover(manifest_dir(), false).expect("fixture pool");
    crate::corpus::write_corpus(&corpus.input(), 400, 7, &sources).expect("corpus is written");
    // Small batches, so that kills land between commits as well as inside one. The reference
    // is an uninterrupted run with the same batches: a batch's boilerplate decisions use the
    // line counts of the batches before it, so the batch size is part of the result.
    let batches = ["--batch-files", "64"];
    let reference = Corpus::new();
    crate::corpus::write_corpus(&reference.input(), 400, 7, &sources).expect("corpus is written");
    reference
        .ingest(&["-q", "--state", "state.db", batches[0], batches[1]])
        .assert_exit(0);
    let expected = shape(&export(&reference));

    for delay_ms in [5u64, 40, 150] {
        let state = format!("state-{delay_ms}.db");
        // small batches, so that kills land between commits as well as inside one
        let mut child = Command::new(BIN)
            .args([
                "ingest",
                "-q",
                "in",
                "--state",
                &state,
                "--batch-files",
                "64",
            ])
            .current_dir(corpus.root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("newsclean starts");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        run_in(
            corpus.root(),
            &[
                "ingest", "-q", "in", "--state", &state, batches[0], batches[1],
            ],
            None,
        )
        .assert_exit(0);
        let run = corpus.run(&["state", "export", "--state", &state]);
        assert_eq!(
            shape(&run.records()),
            expected,
            "killed after {delay_ms} ms"
        );
    }
}

#[test]
fn two_concurrent_runs_end_in_a_correct_state() {
    let files = demo_files();
    let expected = one_shot(&files);
    let corpus = corpus_of(&files);
    let spawn = || {
        Command::new(BIN)
            .args(["ingest", "-q", "in", "--state", "state.db"])
            .current_dir(corpus.root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("newsclean starts")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "both runs succeed"
    );
    assert_eq!(shape(&export(&corpus)), expected);
    // The second run waited for the first and found nothing new: each story written once.
    let lines = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).lines().count();
    assert_eq!(lines(&a) + lines(&b), expected.len());
}

#[test]
fn no_wait_fails_at_once_while_another_run_holds_the_state() {
    let corpus = corpus_of(&demo_files());
    corpus.ingest(&["-q", "--state", "state.db"]).assert_exit(0);
    let lock = std::fs::File::options()
        .write(true)
        .open(corpus.root().join("state.db.lock"))
        .expect("the lock file exists beside the state file");
    lock.lock().expect("the test can take the lock");
    let run = corpus.ingest(&["--state", "state.db", "--no-wait"]);
    run.assert_exit(2);
    assert!(
        run.stderr.contains("another newsclean run"),
        "{}",
        run.stderr
    );
}

#[test]
fn dry_run_never_writes_the_state_file() {
    let corpus = corpus_of(&demo_files());
    let dry = corpus.ingest(&["--state", "state.db", "--dry-run"]);
    dry.assert_exit(0);
    assert!(
        !dry.records().is_empty(),
        "a dry run still writes its records"
    );
    assert!(!corpus.root().join("state.db").exists());

    corpus.ingest(&["-q", "--state", "state.db"]).assert_exit(0);
    let db = corpus.root().join("state.db");
    let before = std::fs::read(&db).unwrap();
    let corpus = corpus.file(
        "new.txt",
        "Fresh headline\n\nA new article about something else.\n",
    );
    let dry = corpus.ingest(&["--state", "state.db", "--dry-run"]);
    dry.assert_exit(0);
    assert_eq!(dry.records().len(), 1);
    assert!(
        std::fs::read(&db).unwrap() == before,
        "dry run changed the state file"
    );
}

#[test]
fn foreign_or_damaged_state_file_is_a_clear_error_and_left_alone() {
    let corpus = corpus_of(&demo_files()).file("../notes.txt", "not a database\n");
    let run = corpus.ingest(&["--state", "notes.txt"]);
    run.assert_exit(2);
    assert!(
        run.stderr.contains("not a newsclean state file"),
        "{}",
        run.stderr
    );
    let notes = corpus.root().join("notes.txt");
    assert_eq!(std::fs::read_to_string(notes).unwrap(), "not a database\n");

    // A real store whose pages were damaged.
    corpus.ingest(&["-q", "--state", "state.db"]).assert_exit(0);
    let db = corpus.root().join("state.db");
    drop(std::fs::remove_file(corpus.root().join("state.db-wal")));
    let mut bytes = std::fs::read(&db).unwrap();
    let len = bytes.len();
    for b in &mut bytes[4096.min(len)..] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let run = corpus.ingest(&["--state", "state.db"]);
    run.assert_exit(2);
    assert!(run.stderr.contains("state.db"), "{}", run.stderr);
    assert!(
        std::fs::read(&db).unwrap() == bytes,
        "damaged store was rewritten"
    );
}

#[test]
fn state_stats_and_prune_speak_plainly() {
    let corpus = corpus_of(&demo_files());
    corpus.ingest(&["-q", "--state", "state.db"]).assert_exit(0);
    let stats = corpus.run(&["state", "stats", "--state", "state.db"]);
    stats.assert_exit(0);
    let files = demo_files().len();
    assert!(
        stats
            .stdout_text()
            .contains(&format!("files           {files}")),
        "{}",
        stats.stdout_text()
    );
    let prune = corpus.run(&[
        "state",
        "prune",
        "--older-than",
        "30d",
        "--state",
        "state.db",
    ]);
    prune.assert_exit(0);
    assert!(prune.stderr.contains("forgot 0 files"), "{}", prune.stderr);
    let missing = corpus.run(&[
        "state",
        "stats",
        "--state",
        Path::new("nope.db").to_str().unwrap(),
    ]);
    missing.assert_exit(2);
    assert!(
        missing.stderr.contains("nope.db: no such state file"),
        "{}",
        missing.stderr
    );
}

/// An article of the Harbour Gazette: a story of its own, and the paper's masthead line.
fn gazette_story(n: usize, topic: &str) -> String {
    format!(
        "{topic} plan number {n} approved\n\n\
         The town council of Port Ellery approved the {topic} plan number {n} on Tuesday after \
         a debate of {h} hours, in which {v} councillors spoke about costs and delays.\n\n\
         The Harbour Gazette is printed in Port Ellery\n\n\
         Work on the {topic} scheme is due to start in {m} weeks, the mayor said, and should be \
         finished before the winter storms of the year {y} arrive on the coast.\n",
        h = n + 2,
        v = n + 7,
        m = n + 3,
        y = 2030 + n,
    )
}

/// The reasons the boilerplate stage gave for removing `line` in each record's members.
fn removal_reasons(records: &[Value], line: &str) -> Vec<String> {
    records
        .iter()
        .flat_map(|r| r["members"].as_array().unwrap().iter())
        .flat_map(|m| {
            m["explain"]["removed"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter(|removed| removed["text"] == line)
        .map(|removed| removed["reason"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn line_counts_carry_over_to_later_runs() {
    let masthead = "The Harbour Gazette is printed in Port Ellery";
    let topics = [
        "harbour", "school", "library", "parking", "bridge", "market", "ferry", "park",
    ];
    let first = topics[..4]
        .iter()
        .enumerate()
        .fold(Corpus::new(), |c, (n, t)| {
            c.file(&format!("a{n}.txt"), gazette_story(n, t))
        });
    first
        .ingest(&["-q", "--explain", "--state", "state.db"])
        .assert_exit(0);
    let later = topics[4..].iter().enumerate().fold(first, |c, (n, t)| {
        c.file(&format!("b{n}.txt"), gazette_story(n + 4, t))
    });
    let second = later.ingest(&["-q", "--explain", "--state", "state.db"]);
    second.assert_exit(0);
    assert_eq!(second.records().len(), 4, "four new stories");
    // the second run's four files see the masthead in eight stories: four of them from the
    // first run, which only the stored counts remember
    assert_eq!(
        removal_reasons(&second.records(), masthead),
        vec!["repeated in 8 stories"; 4]
    );
    // the same four files in a store of their own: four stories are too few to call it chrome
    let alone = topics[4..]
        .iter()
        .enumerate()
        .fold(Corpus::new(), |c, (n, t)| {
            c.file(&format!("b{n}.txt"), gazette_story(n + 4, t))
        });
    let run = alone.ingest(&["-q", "--explain", "--state", "state.db"]);
    run.assert_exit(0);
    assert!(
        removal_reasons(&run.records(), masthead)
            .iter()
            .all(|r| !r.starts_with("repeated")),
        "{:?}",
        removal_reasons(&run.records(), masthead)
    );
}

#[test]
fn changed_file_leaves_its_old_story_and_joins_its_new_one() {
    let files = demo_files();
    let corpus = corpus_of(&files);
    corpus.ingest(&["-q", "--state", "state.db"]).assert_exit(0);
    // the trimmed harbour copy is overwritten by a copy of the Latvian bridge article
    let latvian = files
        .iter()
        .find(|(name, _)| name == "lv-tilts-utf8.txt")
        .expect("fixture")
        .1
        .clone();
    let mut changed = files.clone();
    changed
        .iter_mut()
        .find(|(name, _)| name == "harbour-trimmed.txt")
        .expect("fixture")
        .1 = latvian.clone();
    let corpus = corpus.file("harbour-trimmed.txt", &latvian);
    let run = corpus.ingest(&["--state", "state.db"]);
    run.assert_exit(0);
    assert_eq!(shape(&export(&corpus)), one_shot(&changed));
    // two stories changed: the harbour story lost a member, the bridge story gained one
    let records = run.records();
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(records.iter().all(|r| r["status"] == "updated"));
    let sizes: Vec<usize> = records
        .iter()
        .map(|r| r["members"].as_array().unwrap().len())
        .collect();
    assert!(
        sizes.contains(&2),
        "the bridge story has two files now: {sizes:?}"
    );
}

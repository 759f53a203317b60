//! Bad input never sinks the batch: one folder mixing good articles with every hostile kind.

use crate::texts::{self, title_of};
use crate::util::{Corpus, article, prose};

const SPACE_TITLE: &str = "Council delays vote on harbour budget until spring";
const NEWLINE_TITLE: &str = "Hospital opens new wing for children after three years of work";
const DASH_TITLE: &str = "Rail strike halts morning trains across the region";
const BARE_TITLE: &str = "Museum reopens with an exhibition on the old river port";
const DEEP_TITLE: &str = "Farmers warn of a poor harvest after a wet summer";
const LATIN1_NAME_TITLE: &str = "Library extends opening hours during exam season";

/// An article of realistic shape (headline, then paragraphs of sentences), distinct per `seed`.
fn story(title: &str, seed: u64) -> Vec<u8> {
    article(title, &prose(seed, 12)).into_bytes()
}

/// A file that `--max-file-size 4K` refuses.
fn oversized() -> String {
    texts::FERRY_EN.repeat(12)
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    bytes.extend(utf16_without_bom(text, big_endian));
    bytes
}

fn utf16_without_bom(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    for unit in text.encode_utf16() {
        bytes.extend(if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

fn windows_1252(text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Good files: (path under in/, bytes, expected encoding, expected title).
fn good_files() -> Vec<(&'static str, Vec<u8>, &'static str, &'static str)> {
    vec![
        (
            "plain.txt",
            texts::FERRY_EN.into(),
            "UTF-8",
            title_of(texts::FERRY_EN),
        ),
        (
            "de/radweg.txt",
            texts::RADWEG_DE.into(),
            "UTF-8",
            title_of(texts::RADWEG_DE),
        ),
        (
            "fr/marche-latin1.txt",
            windows_1252(texts::MARCHE_FR),
            "windows-1252",
            title_of(texts::MARCHE_FR),
        ),
        (
            "lv/tilts-utf16le.txt",
            utf16(texts::TILTS_LV, false),
            "UTF-16LE",
            title_of(texts::TILTS_LV),
        ),
        (
            "lt/mokykla-utf16be.txt",
            utf16(texts::MOKYKLA_LT, true),
            "UTF-16BE",
            title_of(texts::MOKYKLA_LT),
        ),
        (
            "en/frost-utf16be-no-bom.txt",
            utf16_without_bom(texts::FROST_EN, true),
            "UTF-16BE",
            title_of(texts::FROST_EN),
        ),
        (
            "es/sequia crlf.txt",
            texts::SEQUIA_ES.replace('\n', "\r\n").into_bytes(),
            "UTF-8",
            title_of(texts::SEQUIA_ES),
        ),
        (
            "with space.txt",
            story(SPACE_TITLE, 1),
            "UTF-8",
            SPACE_TITLE,
        ),
        (
            "new\nline.txt",
            story(NEWLINE_TITLE, 2),
            "UTF-8",
            NEWLINE_TITLE,
        ),
        (
            "-leading-dash.txt",
            story(DASH_TITLE, 3),
            "UTF-8",
            DASH_TITLE,
        ),
        ("no-extension", story(BARE_TITLE, 4), "UTF-8", BARE_TITLE),
        (
            "deep/er/still/story.TXT",
            story(DEEP_TITLE, 5),
            "UTF-8",
            DEEP_TITLE,
        ),
    ]
}

/// Files that must be skipped or fail: (path under in/, bytes, words its stderr line must hold).
fn bad_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        ("empty.txt", Vec::new(), "skipped, empty file"),
        (
            "blank.txt",
            b"  \n\t\r\n   \n".to_vec(),
            "skipped, empty file",
        ),
        (
            "report.txt",
            b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\n".to_vec(),
            "skipped, looks binary (PDF)",
        ),
        (
            "photo.txt",
            b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01".to_vec(),
            "skipped, looks binary (JPEG image)",
        ),
        (
            "feed.txt",
            b"\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03\xCB\x48\xCD".to_vec(),
            "skipped, looks binary (gzip data)",
        ),
        (
            "nul.txt",
            b"Title\n\nsome text\x00\x01\x02 and more".to_vec(),
            "skipped, looks binary (NUL at byte 16)",
        ),
        (
            "huge.txt",
            oversized().into_bytes(),
            "over the 4096-byte limit",
        ),
        ("bad\nname.txt", Vec::new(), "skipped, empty file"),
    ]
}

#[test]
fn mixed_folder_gives_every_good_article_and_one_line_per_bad_file() {
    let mut corpus = Corpus::new();
    for (name, bytes, _, _) in good_files() {
        corpus = corpus.file(name, bytes);
    }
    for (name, bytes, _) in bad_files() {
        corpus = corpus.file(name, bytes);
    }
    corpus = corpus
        .file(
            "page.html",
            "<html><body>Not picked up by default</body></html>",
        )
        .file(
            ".hidden.txt",
            article("Hidden", "Hidden files are skipped."),
        )
        .file(
            ".cache/inside.txt",
            article("Hidden dir", "Hidden dirs are skipped."),
        );
    let mut expected_lines: Vec<(String, &str)> = bad_files()
        .into_iter()
        .map(|(name, _, words)| (format!("in/{}", name.replace('\n', "\\n")), words))
        .collect();

    #[cfg(unix)]
    let permissions = {
        use std::os::unix::fs::{PermissionsExt, symlink};
        let input = corpus.input();
        symlink("nowhere.txt", input.join("dangling.txt")).expect("symlink");
        symlink("loop-b.txt", input.join("loop-a.txt")).expect("symlink");
        symlink("loop-a.txt", input.join("loop-b.txt")).expect("symlink");
        symlink("..", input.join("deep/back")).expect("symlink");
        expected_lines.push((
            "in/dangling.txt".into(),
            "cannot read: dangling symbolic link",
        ));
        expected_lines.push(("in/loop-a.txt".into(), "cannot read: symbolic link loop"));
        expected_lines.push(("in/loop-b.txt".into(), "cannot read: symbolic link loop"));
        expected_lines.push(("in/deep/back".into(), "cannot read: symbolic link loop"));
        corpus = corpus.file_raw_name(b"caf\xE9.txt", story(LATIN1_NAME_TITLE, 6));
        let enforced = crate::util::permissions_are_enforced();
        if enforced {
            corpus = corpus
                .file("locked.txt", article("Locked", "Nobody may read this."))
                .file(
                    "closed/inside.txt",
                    article("Closed", "Behind a closed door."),
                );
            std::fs::set_permissions(
                input.join("locked.txt"),
                std::fs::Permissions::from_mode(0o000),
            )
            .expect("chmod");
            std::fs::set_permissions(input.join("closed"), std::fs::Permissions::from_mode(0o000))
                .expect("chmod");
            expected_lines.push(("in/locked.txt".into(), "cannot read: permission denied"));
            expected_lines.push(("in/closed".into(), "cannot read: permission denied"));
        } else {
            eprintln!(
                "note: running as root (permission bits do not stop reads): the unreadable-file \
                 and closed-directory assertions are skipped"
            );
        }
        (input, enforced)
    };

    let run = corpus.ingest(&["--max-file-size", "4K", "--jobs", "2"]);

    #[cfg(unix)]
    if permissions.1 {
        use std::os::unix::fs::PermissionsExt;
        // Let the temp dir be deleted.
        std::fs::set_permissions(
            permissions.0.join("closed"),
            std::fs::Permissions::from_mode(0o755),
        )
        .expect("chmod back");
    }

    // Failures (links that lead nowhere, unreadable files) make the exit code 1; on a system
    // without symlinks there are only skips, and the run exits 0.
    run.assert_exit(if cfg!(unix) { 1 } else { 0 });

    for (name, _, encoding, title) in good_files() {
        let path = format!("in/{name}");
        let member = run
            .member(&path)
            .unwrap_or_else(|| panic!("no record for {path:?}; stderr:\n{}", run.stderr));
        assert_eq!(member["encoding"], encoding, "{path:?}");
        assert_eq!(member["title"], title, "{path:?}");
    }
    #[cfg(unix)]
    {
        let member = run
            .member("in/caf\u{FFFD}.txt")
            .expect("the non-UTF-8 name has a record with a lossy path");
        assert_eq!(
            member["path_raw"], "696e2f636166e92e747874",
            "hex of b\"in/caf\\xe9.txt\""
        );
        assert_eq!(member["title"], LATIN1_NAME_TITLE);
    }
    let records = run.records();
    let extra = if cfg!(unix) { 1 } else { 0 };
    assert_eq!(
        records.len(),
        good_files().len() + extra,
        "no record for skipped or hidden files"
    );
    for hidden in ["in/.hidden.txt", "in/.cache/inside.txt", "in/page.html"] {
        assert!(run.member(hidden).is_none(), "{hidden} must not be read");
        assert!(
            run.stderr_lines_with(hidden).is_empty(),
            "{hidden} is not a problem"
        );
    }

    for (path, words) in &expected_lines {
        let prefix = format!("newsclean: {path}: ");
        let lines: Vec<&str> = run
            .stderr_lines()
            .into_iter()
            .filter(|l| l.starts_with(&prefix))
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "exactly one stderr line for {path:?}; stderr:\n{}",
            run.stderr
        );
        assert!(
            lines[0].contains(words),
            "{path:?}: {:?} lacks {words:?}",
            lines[0]
        );
    }
    let summary = run.summary_line().expect("a summary line");
    assert_eq!(
        run.stderr_lines().len(),
        expected_lines.len() + 1,
        "one line per bad file plus the summary; stderr:\n{}",
        run.stderr
    );
    let failed = expected_lines
        .iter()
        .filter(|(_, w)| w.starts_with("cannot"))
        .count();
    assert!(
        summary.contains(&format!("{} skipped, {failed} failed", bad_files().len())),
        "{summary}"
    );
}

#[test]
fn hidden_files_are_read_with_hidden_flag() {
    let corpus = Corpus::new()
        .file("a.txt", texts::FERRY_EN)
        .file(".b.txt", texts::RADWEG_DE)
        .file(".git/c.txt", texts::TILTS_LV);
    let run = corpus.ingest(&["--quiet", "--no-dedup"]);
    run.assert_exit(0);
    assert_eq!(run.records().len(), 1);
    let run = corpus.ingest(&["--quiet", "--no-dedup", "--hidden"]);
    run.assert_exit(0);
    assert!(run.member("in/.b.txt").is_some());
    assert!(run.member("in/.git/c.txt").is_some());
    assert_eq!(run.records().len(), 3);
}

#[test]
fn extension_filter_picks_only_listed_extensions_in_directories() {
    let corpus = Corpus::new()
        .file("a.txt", texts::FERRY_EN)
        .file("b.md", texts::RADWEG_DE)
        .file("c.text", texts::TILTS_LV)
        .file("d.html", texts::SEQUIA_ES)
        .file("e", texts::MOKYKLA_LT);
    let paths = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--quiet", "--no-dedup"];
        all.extend_from_slice(args);
        let run = corpus.ingest(&all);
        run.assert_exit(0);
        run.members()
            .iter()
            .map(|m| m["path"].as_str().expect("path").to_string())
            .collect()
    };
    assert_eq!(paths(&[]), ["in/a.txt", "in/e"]);
    assert_eq!(
        paths(&["--ext", "md,.TEXT"]),
        ["in/b.md", "in/c.text", "in/e"]
    );
    assert_eq!(paths(&["--ext", "txt", "--no-extensionless"]), ["in/a.txt"]);
    // A file named on the command line is taken whatever its extension.
    let run = corpus.run(&["ingest", "--quiet", "in/d.html", "in/a.txt"]);
    run.assert_exit(0);
    let titles: Vec<&str> = vec![title_of(texts::SEQUIA_ES), title_of(texts::FERRY_EN)];
    let got: Vec<String> = run
        .records()
        .iter()
        .map(|r| r["title"].as_str().expect("title").to_string())
        .collect();
    assert_eq!(got, titles, "named files keep the order they were given in");
}

#[test]
fn a_file_named_twice_is_read_once() {
    let corpus = Corpus::new().file("a.txt", texts::FERRY_EN);
    let run = corpus.run(&["ingest", "--quiet", "--no-dedup", "in/a.txt", "in/a.txt"]);
    run.assert_exit(0);
    assert_eq!(run.records().len(), 1);
}

#[test]
fn missing_input_exits_2_and_names_it() {
    let corpus = Corpus::new();
    let run = corpus.run(&["ingest", "does-not-exist"]);
    run.assert_exit(2);
    assert!(run.stdout.is_empty());
    let lines = run.stderr_lines_with("does-not-exist");
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].contains("no such file or directory"),
        "{}",
        lines[0]
    );
}

#[test]
fn good_file_next_to_missing_one_exits_1_with_its_record() {
    let corpus = Corpus::new().file("a.txt", texts::FERRY_EN);
    let run = corpus.run(&["ingest", "in/a.txt", "gone.txt"]);
    run.assert_exit(1);
    assert_eq!(run.records().len(), 1);
    assert_eq!(run.stderr_lines_with("gone.txt").len(), 1);
}

#[test]
fn only_skipped_files_is_not_a_failure() {
    let corpus = Corpus::new()
        .file("empty.txt", "")
        .file("img.txt", b"\x89PNG\r\n\x1A\n\0\0");
    let run = corpus.ingest(&[]);
    run.assert_exit(0);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr_lines_with("newsclean: in/").len(),
        2,
        "{}",
        run.stderr
    );
}

#[test]
fn raising_max_file_size_lets_a_big_file_in() {
    let corpus = Corpus::new().file("huge.txt", oversized());
    corpus
        .ingest(&["--quiet", "--max-file-size", "4K"])
        .assert_exit(0);
    let run = corpus.ingest(&["--quiet", "--max-file-size", "1M"]);
    run.assert_exit(0);
    assert_eq!(run.records().len(), 1);
}

#[cfg(unix)]
#[test]
fn no_follow_ignores_symlinks_quietly() {
    use std::os::unix::fs::symlink;
    let corpus = Corpus::new().file("a.txt", texts::FERRY_EN);
    symlink("nowhere.txt", corpus.input().join("dangling.txt")).expect("symlink");
    symlink("a.txt", corpus.input().join("alias.txt")).expect("symlink");
    let run = corpus.ingest(&["--no-follow", "--no-dedup"]);
    run.assert_exit(0);
    assert_eq!(run.records().len(), 1);
    assert!(run.stderr_lines_with("dangling").is_empty());
}

/// The committed samples in `fixtures/hostile/` (see its README for the expected outcome).
#[test]
fn committed_hostile_samples_behave_as_their_readme_says() {
    let run = crate::util::run_in(
        crate::util::manifest_dir(),
        &["ingest", "--no-dedup", "fixtures/hostile"],
        None,
    );
    run.assert_exit(0);
    let expect = [
        (
            "windows-1252-french.txt",
            "windows-1252",
            title_of(texts::MARCHE_FR),
        ),
        (
            "utf16le-bom-latvian.txt",
            "UTF-16LE",
            title_of(texts::TILTS_LV),
        ),
        (
            "utf16be-bom-german.txt",
            "UTF-16BE",
            title_of(texts::RADWEG_DE),
        ),
    ];
    assert_eq!(run.records().len(), expect.len());
    for (name, encoding, title) in expect {
        let member = run
            .member(&format!("fixtures/hostile/{name}"))
            .unwrap_or_else(|| panic!("no record for {name}"));
        assert_eq!(member["encoding"], encoding, "{name}");
        assert_eq!(member["title"], title, "{name}");
    }
    for (name, words) in [
        ("empty.txt", "skipped, empty file"),
        ("whitespace-only.txt", "skipped, empty file"),
        ("pdf-saved-as.txt", "skipped, looks binary (PDF)"),
        ("jpeg-saved-as.txt", "skipped, looks binary (JPEG image)"),
        ("gzip-saved-as.txt", "skipped, looks binary (gzip data)"),
    ] {
        let line = format!("newsclean: fixtures/hostile/{name}: {words}");
        assert_eq!(
            run.stderr_lines_with(&line).len(),
            1,
            "{line}\n{}",
            run.stderr
        );
    }
    assert_eq!(run.stderr_lines().len(), 6, "five skips and the summary");
}

/// Problem lines come in input order, not in the order threads finish, so two runs of a cron job
/// can be compared line by line.
#[test]
fn problem_lines_and_records_do_not_depend_on_jobs() {
    let mut corpus = Corpus::new();
    for i in 0..40 {
        corpus = match i % 4 {
            0 => corpus.file(&format!("{i:02}.txt"), ""),
            1 => corpus.file(&format!("{i:02}.txt"), b"%PDF-1.4\n".as_slice()),
            _ => corpus.file(
                &format!("{i:02}.txt"),
                article(&format!("Story {i}"), texts::ALL[i % texts::ALL.len()]),
            ),
        };
    }
    let runs: Vec<_> = ["1", "2"]
        .iter()
        .map(|jobs| corpus.ingest(&["--jobs", jobs]))
        .collect();
    let problems = |run: &crate::util::Run| -> Vec<String> {
        run.stderr_lines()
            .into_iter()
            .filter(|l| l.starts_with("newsclean: in/"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(problems(&runs[0]).len(), 20);
    assert_eq!(problems(&runs[0]), problems(&runs[1]));
    let mut sorted = problems(&runs[0]);
    sorted.sort();
    assert_eq!(problems(&runs[0]), sorted, "in input order");
    assert!(runs[0].stdout == runs[1].stdout);
}

/// A named pipe in a scrape folder is not a file: it is passed over, and the run does not block
/// waiting for a writer (the harness fails a run that hangs).
#[cfg(unix)]
#[test]
fn fifo_in_a_folder_is_passed_over_without_blocking() {
    let corpus = Corpus::new().file("a.txt", texts::FERRY_EN);
    let fifo = std::ffi::CString::new(
        corpus
            .input()
            .join("pipe.txt")
            .into_os_string()
            .into_encoded_bytes(),
    )
    .expect("no NUL in a temp path");
    // SAFETY: `fifo` is a valid NUL-terminated path for the duration of the call.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0, "mkfifo");
    let run = corpus.ingest(&["--no-dedup"]);
    run.assert_exit(0);
    assert_eq!(run.records().len(), 1);
}

#[test]
fn size_limit_is_inclusive() {
    let at_limit = "T\n\n".to_string() + &"x".repeat(97);
    assert_eq!(at_limit.len(), 100);
    let corpus = Corpus::new()
        .file("at.txt", &at_limit)
        .file("over.txt", at_limit.clone() + "y");
    let run = corpus.ingest(&["--no-dedup", "--max-file-size", "100"]);
    run.assert_exit(0);
    assert!(run.member("in/at.txt").is_some());
    assert_eq!(
        run.stderr_lines_with("in/over.txt"),
        [
            "newsclean: in/over.txt: skipped, 101 bytes is over the 100-byte limit (raise it with --max-file-size)"
        ]
    );
}

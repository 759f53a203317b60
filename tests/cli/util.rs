//! The harness of the CLI tests: build an input folder in a temp dir, run the real `newsclean`
//! binary on it, and hand back its exit code, stderr lines and stdout parsed into JSON records.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long one run may take before the test fails as a hang.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// The binary under test, as Cargo built it for this test run.
pub const BIN: &str = env!("CARGO_BIN_EXE_newsclean");

/// The project's root (where `fixtures/` is).
pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A temp folder with an input tree under `in/`; runs start in the temp folder, so records name
/// files `in/...`.
pub struct Corpus {
    dir: tempfile::TempDir,
}

impl Default for Corpus {
    fn default() -> Self {
        Self::new()
    }
}

impl Corpus {
    /// An empty input folder.
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("newsclean-test-")
            .tempdir()
            .expect("a temp dir can be created");
        std::fs::create_dir(dir.path().join("in")).expect("in/ can be created");
        Corpus { dir }
    }

    /// Adds a file at `name` (relative to `in/`, parents created).
    pub fn file(self, name: &str, contents: impl AsRef<[u8]>) -> Self {
        self.write(Path::new(name), contents.as_ref());
        self
    }

    /// Adds a file whose name is given as raw bytes (Unix: names need not be UTF-8).
    #[cfg(unix)]
    pub fn file_raw_name(self, name: &[u8], contents: impl AsRef<[u8]>) -> Self {
        use std::os::unix::ffi::OsStrExt;
        self.write(
            Path::new(std::ffi::OsStr::from_bytes(name)),
            contents.as_ref(),
        );
        self
    }

    fn write(&self, name: &Path, contents: &[u8]) {
        let path = self.input().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent dirs can be created");
        }
        std::fs::write(&path, contents).expect("a fixture file can be written");
    }

    /// The temp folder runs start in.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The input folder, `ROOT/in`.
    pub fn input(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    /// `newsclean ingest ARGS... in`.
    pub fn ingest(&self, args: &[&str]) -> Run {
        let mut all: Vec<&str> = vec!["ingest"];
        all.extend_from_slice(args);
        all.push("in");
        self.run(&all)
    }

    /// `newsclean ARGS...`, run in the temp folder.
    pub fn run(&self, args: &[&str]) -> Run {
        run_in(self.root(), args, None)
    }

    /// `newsclean ARGS...` with `stdin` fed to it, run in the temp folder.
    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        run_in(self.root(), args, Some(stdin))
    }
}

/// Runs the binary in `dir` and collects what it did.
pub fn run_in(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("the newsclean binary starts");
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        let bytes = bytes.to_vec();
        // A thread, so a child that does not read its stdin cannot deadlock the test.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let mut stdout_pipe = child.stdout.take().expect("stdout is piped");
    let mut stderr_pipe = child.stderr.take().expect("stderr is piped");
    let stdout_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut buf);
        buf
    });
    let stderr_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut buf);
        buf
    });
    // A hang is a bug too: fail after a generous limit instead of blocking the suite forever.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be polled") {
            break status;
        }
        if started.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("newsclean {args:?} did not finish within {RUN_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let run = Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        code: status.code(),
        stdout: stdout_reader.join().expect("stdout reader"),
        stderr: String::from_utf8_lossy(&stderr_reader.join().expect("stderr reader")).into_owned(),
    };
    run.assert_no_panic();
    run
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The arguments it ran with.
    pub args: Vec<String>,
    /// Its exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Its stdout, raw.
    pub stdout: Vec<u8>,
    /// Its stderr, lossily decoded.
    pub stderr: String,
}

impl Run {
    /// Fails the test unless the run exited with `code`, showing stderr.
    pub fn assert_exit(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "newsclean {:?} exited with {:?}, expected {code}; stderr:\n{}",
            self.args,
            self.code,
            self.stderr
        );
        self
    }

    /// Fails the test when stderr shows a panic.
    pub fn assert_no_panic(&self) {
        assert!(
            !self.stderr.contains("panicked") && self.code != Some(101),
            "newsclean {:?} panicked:\n{}",
            self.args,
            self.stderr
        );
    }

    /// stdout as text (it must be UTF-8).
    pub fn stdout_text(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("stdout is UTF-8")
    }

    /// stdout parsed as JSON lines: every line must be one JSON object, each ended by `\n`.
    pub fn records(&self) -> Vec<Value> {
        let text = self.stdout_text();
        assert!(
            text.is_empty() || text.ends_with('\n'),
            "stdout does not end with a newline"
        );
        let records = json_lines(&self.stdout);
        for record in &records {
            assert!(record.is_object(), "record is not an object: {record}");
        }
        records
    }

    /// Every member of every record, flattened.
    pub fn members(&self) -> Vec<Value> {
        self.records()
            .iter()
            .flat_map(|r| r["members"].as_array().cloned().unwrap_or_default())
            .collect()
    }

    /// The member whose `path` is `path`, if any.
    pub fn member(&self, path: &str) -> Option<Value> {
        self.members().into_iter().find(|m| m["path"] == path)
    }

    /// stderr split into lines.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// The stderr lines that contain `needle`.
    pub fn stderr_lines_with(&self, needle: &str) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(needle)).collect()
    }

    /// The summary line (`newsclean: N files, ...`), if stderr has one.
    pub fn summary_line(&self) -> Option<&str> {
        self.stderr.lines().find(|l| {
            l.starts_with("newsclean: ") && l.contains(" files, ") && l.contains(" stories, ")
        })
    }
}

/// A short article in the layout scrapers save: title, blank line, paragraphs.
/// Text that must be UTF-8 with one JSON value a line, parsed (no line may be anything else).
pub fn json_lines(bytes: &[u8]) -> Vec<Value> {
    std::str::from_utf8(bytes)
        .expect("output is UTF-8")
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("line is not JSON ({e}): {line:?}"))
        })
        .collect()
}

pub fn article(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}\n")
}

/// Whether permission bits stop this process from reading (false when running as root).
#[cfg(unix)]
pub fn permissions_are_enforced() -> bool {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("a temp dir can be created");
    let probe = dir.path().join("probe");
    std::fs::write(&probe, b"x").expect("probe can be written");
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000))
        .expect("permissions can be changed");
    let readable = std::fs::read(&probe).is_ok();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o600))
        .expect("permissions can be restored");
    !readable
}

/// Plain English-looking prose, different for every `seed`: sentences of common words drawn at
/// random, so two texts share no phrase (no clustering rule can join them) and every line reads
/// as a sentence (no boilerplate rule should drop it).
pub fn prose(seed: u64, sentences: usize) -> String {
    const WORDS: &[&str] = &[
        "council",
        "harbour",
        "residents",
        "budget",
        "ferry",
        "minister",
        "report",
        "river",
        "school",
        "market",
        "workers",
        "police",
        "village",
        "bridge",
        "hospital",
        "farmers",
        "station",
        "weather",
        "election",
        "court",
        "museum",
        "train",
        "factory",
        "teachers",
        "water",
        "energy",
        "prices",
        "road",
        "festival",
        "library",
        "said",
        "agreed",
        "warned",
        "announced",
        "rejected",
        "expected",
        "opened",
        "closed",
        "raised",
        "delayed",
        "after",
        "before",
        "during",
        "because",
        "while",
        "although",
        "the",
        "a",
        "new",
        "old",
        "local",
        "regional",
        "national",
        "small",
        "large",
        "early",
        "late",
        "on",
        "in",
        "near",
        "with",
        "without",
        "for",
        "against",
        "morning",
        "evening",
        "week",
        "year",
        "plan",
        "vote",
        "meeting",
        "statement",
        "survey",
        "strike",
        "repairs",
        "funding",
        "visitors",
        "drivers",
    ];
    let mut rng = crate::corpus::Rng::new(seed ^ 0x5EED);
    let mut out = String::new();
    for s in 0..sentences {
        if s > 0 {
            out.push(if s % 3 == 0 { '\n' } else { ' ' });
            if s % 3 == 0 {
                out.push('\n');
            }
        }
        let words = 8 + rng.below(9);
        for w in 0..words {
            let word = *rng.pick(WORDS);
            if w == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push(' ');
                out.push_str(word);
            }
        }
        out.push('.');
    }
    out
}

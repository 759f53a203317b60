//! The embedded store that remembers files and stories across runs (`--state PATH`).
//!
//! In: the state file's path. Out: what earlier runs saw (each file's size, modification time,
//! content hash, processed article and story; each story's last record) and a way to commit what a
//! run learned in one transaction. It never decides anything about articles or stories itself:
//! the pipeline does that and hands the store payloads to keep.
//!
//! SQLite through `rusqlite` with the `bundled` feature, so nothing has to be installed. WAL
//! journal; every run commits in one transaction per batch, so a crash or `SIGKILL` leaves the
//! last committed state. A lock file beside the database (`PATH.lock`, an OS file lock that dies
//! with the process) makes a second run wait, or fail at once with `--no-wait`. A file that is not
//! a newsclean store is refused with a clear message, never reset.
//!
//! Schema changes go through `MIGRATIONS`: the database's `user_version` says how many have been
//! applied, and a store made by a newer newsclean is refused rather than misread.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior, params};

/// SQLite `application_id` of a newsclean store ("NCLN"), so a foreign database is recognised.
const APPLICATION_ID: i64 = 0x4E43_4C4E;

/// Schema migrations, applied in order; `user_version` counts how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: files, stories, runs.
    "CREATE TABLE files (
        path        BLOB PRIMARY KEY,
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        content_hash INTEGER NOT NULL,
        story_id    TEXT,
        article     TEXT NOT NULL,
        first_seen  INTEGER NOT NULL,
        last_seen   INTEGER NOT NULL
     );
     CREATE INDEX files_story ON files(story_id);
     CREATE TABLE stories (
        id          TEXT PRIMARY KEY,
        record      TEXT NOT NULL,
        digest      TEXT NOT NULL,
        first_seen  INTEGER NOT NULL,
        updated     INTEGER NOT NULL,
        pending     TEXT
     );
     CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        started     INTEGER NOT NULL,
        finished    INTEGER,
        files_read  INTEGER NOT NULL DEFAULT 0,
        stories_changed INTEGER NOT NULL DEFAULT 0
     );",
    // 2: articles move out of `files` (a scan of `files` no longer reads them), candidate-search
    // keys per file and batch-wide token counts (`meta`), and pending marks in a table of their
    // own (marking a story written no longer rewrites its record).
    "CREATE TABLE articles (
        path        BLOB PRIMARY KEY,
        article     TEXT NOT NULL
     );
     INSERT INTO articles (path, article) SELECT path, article FROM files;
     ALTER TABLE files DROP COLUMN article;
     CREATE TABLE cluster_keys (
        path        BLOB PRIMARY KEY,
        keys        BLOB NOT NULL
     );
     CREATE TABLE meta (
        name        TEXT PRIMARY KEY,
        value       BLOB NOT NULL
     );
     CREATE TABLE pending (
        id          TEXT PRIMARY KEY,
        status      TEXT NOT NULL
     );
     INSERT INTO pending (id, status) SELECT id, pending FROM stories WHERE pending IS NOT NULL;
     ALTER TABLE stories DROP COLUMN pending;",
];

/// The `meta` row holding the token counts of every stored article (the clusterer's).
pub const DOC_FREQ: &str = "doc_freq";
/// The `meta` row holding the cross-document line counts (the boilerplate stage's).
pub const LINE_COUNTS: &str = "line_counts";

/// What the store remembers of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRow {
    /// The path's bytes as the walk gave them.
    pub path: PathBuf,
    /// Size in bytes at the last run that read it.
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// xxh3-64 of the bytes.
    pub content_hash: u64,
    /// The story it belonged to after the last run.
    pub story_id: Option<String>,
}

/// A story as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryRow {
    /// The story id (kept across runs).
    pub id: String,
    /// The last record written for it, as JSON.
    pub record: String,
    /// A digest of what makes the story change (members, canonical, body).
    pub digest: String,
}

/// What one batch changes, handed to [`Store::commit`].
#[derive(Debug, Default)]
pub struct Batch {
    /// Files read in this batch (new or changed), with their serialized article.
    pub files: Vec<(FileRow, String)>,
    /// Candidate-search keys to store, by file (for the files above, or all files when the index
    /// is rebuilt).
    pub keys: Vec<(PathBuf, Vec<u8>)>,
    /// `meta` rows to set ([`DOC_FREQ`], [`LINE_COUNTS`]): blobs the pipeline wrote.
    pub meta: Vec<(&'static str, Vec<u8>)>,
    /// Story membership of every file whose story id changed, including unchanged files.
    pub file_stories: Vec<(PathBuf, String)>,
    /// Stories to insert or replace, each with the status to write it with (`new` or
    /// `updated`), or `None` when this run does not write it (`--emit new` and an update).
    pub stories: Vec<(StoryRow, Option<&'static str>)>,
    /// Ids of stories that no longer exist (merged into another).
    pub removed_stories: Vec<String>,
}

/// Counts for `newsclean state stats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub schema_version: i64,
    pub files: i64,
    pub stories: i64,
    pub runs: i64,
    pub pending: i64,
    pub last_run: Option<i64>,
    pub bytes_on_disk: u64,
}

/// An open store. Holds the lock file for as long as it lives (when opened for writing).
pub struct Store {
    conn: Connection,
    path: PathBuf,
    _lock: Option<File>,
    run_id: Option<i64>,
}

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Read and write, waiting for another run to finish first.
    Write,
    /// Read and write, failing at once when another run holds the lock.
    WriteNoWait,
    /// Read only: never creates or changes anything (`--dry-run`, `state stats`, `state export`).
    ReadOnly,
}

impl Store {
    /// Opens (or, for writing, creates) the store at `path`.
    pub fn open(path: &Path, access: Access) -> anyhow::Result<Store> {
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.is_dir() {
                bail!("{}: is a directory, not a state file", path.display());
            }
            check_header(path)?;
        }
        let lock = match access {
            Access::ReadOnly => None,
            Access::Write | Access::WriteNoWait => Some(take_lock(path, access)?),
        };
        let conn = if access == Access::ReadOnly {
            if !path.exists() {
                // Nothing remembered yet: an empty in-memory store stands in, so a dry run of a
                // first run still works and writes nothing.
                let conn = Connection::open_in_memory()?;
                migrate(&conn, path)?;
                conn
            } else {
                Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .with_context(|| format!("{}: cannot open state file", path.display()))?
            }
        } else {
            Connection::open(path)
                .with_context(|| format!("{}: cannot open state file", path.display()))?
        };
        conn.busy_timeout(std::time::Duration::from_secs(60))?;
        // Identity first: nothing, not even the journal mode, is written to a foreign database.
        check_identity(&conn, path)?;
        if access != Access::ReadOnly {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            migrate(&conn, path)?;
        } else {
            let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
            if version < MIGRATIONS.len() as i64 && path.exists() {
                bail!(
                    "{}: state file has schema {version}, this newsclean needs {}; run once without --dry-run to upgrade it",
                    path.display(),
                    MIGRATIONS.len()
                );
            }
        }
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            _lock: lock,
            run_id: None,
        })
    }

    /// Every file the store remembers, sorted by path.
    pub fn files(&self) -> anyhow::Result<Vec<FileRow>> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, size, mtime_ns, content_hash, story_id FROM files")?;
        let rows = stmt.query_map([], |row| {
            let fields = (
                row.get::<_, i64>(1)? as u64,
                row.get(2)?,
                row.get::<_, i64>(3)? as u64,
                row.get(4)?,
            );
            Ok((row.get::<_, Vec<u8>>(0)?, fields))
        })?;
        let rows = sorted_by_path(rows, &self.path)?;
        Ok(rows
            .into_iter()
            .map(|(path, (size, mtime_ns, content_hash, story_id))| FileRow {
                path: path_from_blob(path),
                size,
                mtime_ns,
                content_hash,
                story_id,
            })
            .collect())
    }

    /// The serialized articles of the given files, in the order asked.
    pub fn articles(&self, paths: &[PathBuf]) -> anyhow::Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT article FROM articles WHERE path = ?1")?;
        paths
            .iter()
            .map(|p| {
                stmt.query_row([path_to_blob(p)], |row| row.get::<_, String>(0))
                    .with_context(|| format!("state has no article for {}", p.display()))
            })
            .collect()
    }

    /// The candidate-search keys of every file that has them, sorted by path (blobs the
    /// clusterer wrote; the store does not read them).
    pub fn keys(&self) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
        let mut stmt = self.conn.prepare("SELECT path, keys FROM cluster_keys")?;
        let rows = stmt.query_map([], |row| Ok((row.get::<_, Vec<u8>>(0)?, row.get(1)?)))?;
        let rows = sorted_by_path(rows, &self.path)?;
        Ok(rows
            .into_iter()
            .map(|(path, keys)| (path_from_blob(path), keys))
            .collect())
    }

    /// A `meta` blob as the last batch left it; `None` when there is none (a new store, one
    /// from before it was kept, or [`DOC_FREQ`] after `prune`).
    pub fn meta(&self, name: &str) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// The digest and pending status of the given stories, where stored.
    pub fn digests<'a>(
        &self,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> anyhow::Result<HashMap<String, (String, Option<String>)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.digest, p.status FROM stories s LEFT JOIN pending p ON p.id = s.id
                 WHERE s.id = ?1",
        )?;
        let mut out = HashMap::new();
        for id in ids {
            if let Some(found) = stmt
                .query_row([id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?
            {
                out.insert(id.to_string(), found);
            }
        }
        Ok(out)
    }

    /// Stories committed by an earlier run but not confirmed written (the run died in between),
    /// sorted by id, with the status they are to be written with.
    pub fn pending(&self) -> anyhow::Result<Vec<(StoryRow, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, s.record, s.digest, p.status FROM pending p JOIN stories s ON s.id = p.id
             ORDER BY p.id",
        )?;
        let rows = stmt.query_map([], |row| {
            Ok((
                StoryRow {
                    id: row.get(0)?,
                    record: row.get(1)?,
                    digest: row.get(2)?,
                },
                row.get::<_, String>(3)?,
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Commits one batch in one transaction; its stories are marked pending until
    /// [`Store::confirm_written`].
    pub fn commit(&mut self, batch: &Batch) -> anyhow::Result<()> {
        let now = unix_now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let run_id = match self.run_id {
            Some(id) => id,
            None => {
                tx.execute("INSERT INTO runs (started) VALUES (?1)", [now])?;
                tx.last_insert_rowid()
            }
        };
        {
            let mut put_file = tx.prepare_cached(
                "INSERT INTO files (path, size, mtime_ns, content_hash, story_id, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)
                 ON CONFLICT(path) DO UPDATE SET size = ?2, mtime_ns = ?3, content_hash = ?4,
                   story_id = ?5, last_seen = ?6",
            )?;
            let mut put_article = tx.prepare_cached(
                "INSERT INTO articles (path, article) VALUES (?1, ?2)
                 ON CONFLICT(path) DO UPDATE SET article = ?2",
            )?;
            for (row, article) in &batch.files {
                let path = path_to_blob(&row.path);
                put_file.execute(params![
                    path,
                    row.size as i64,
                    row.mtime_ns,
                    row.content_hash as i64,
                    row.story_id,
                    now
                ])?;
                put_article.execute(params![path, article])?;
            }
            let mut put_keys = tx.prepare_cached(
                "INSERT INTO cluster_keys (path, keys) VALUES (?1, ?2)
                 ON CONFLICT(path) DO UPDATE SET keys = ?2",
            )?;
            for (path, keys) in &batch.keys {
                put_keys.execute(params![path_to_blob(path), keys])?;
            }
            for (name, value) in &batch.meta {
                tx.execute(
                    "INSERT INTO meta (name, value) VALUES (?1, ?2)
                     ON CONFLICT(name) DO UPDATE SET value = ?2",
                    params![name, value],
                )?;
            }
            let mut set_story =
                tx.prepare_cached("UPDATE files SET story_id = ?2 WHERE path = ?1")?;
            for (path, id) in &batch.file_stories {
                set_story.execute(params![path_to_blob(path), id])?;
            }
            let mut drop_story = tx.prepare_cached("DELETE FROM stories WHERE id = ?1")?;
            let mut unmark = tx.prepare_cached("DELETE FROM pending WHERE id = ?1")?;
            for id in &batch.removed_stories {
                drop_story.execute([id])?;
                unmark.execute([id])?;
            }
            let mut put_story = tx.prepare_cached(
                "INSERT INTO stories (id, record, digest, first_seen, updated)
                 VALUES (?1, ?2, ?3, ?4, ?4)
                 ON CONFLICT(id) DO UPDATE SET record = ?2, digest = ?3, updated = ?4",
            )?;
            let mut mark = tx.prepare_cached(
                "INSERT INTO pending (id, status) VALUES (?1, ?2)
                 ON CONFLICT(id) DO UPDATE SET status = ?2",
            )?;
            for (story, status) in &batch.stories {
                put_story.execute(params![story.id, story.record, story.digest, now])?;
                match status {
                    Some(status) => mark.execute(params![story.id, status])?,
                    None => unmark.execute([&story.id])?,
                };
            }
        }
        tx.execute(
            "UPDATE runs SET finished = ?2, files_read = files_read + ?3,
               stories_changed = stories_changed + ?4 WHERE id = ?1",
            params![
                run_id,
                now,
                batch.files.len() as i64,
                batch.stories.len() as i64
            ],
        )?;
        tx.commit().context("cannot commit to the state file")?;
        self.run_id = Some(run_id);
        Ok(())
    }

    /// Marks these stories as written to the output.
    pub fn confirm_written(&mut self, ids: &[String]) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached("DELETE FROM pending WHERE id = ?1")?;
            for id in ids {
                stmt.execute([id])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every story's last record, sorted by id (for `state export` and `--emit all`).
    pub fn each_story(
        &self,
        mut f: impl FnMut(StoryRow) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, record, digest FROM stories ORDER BY id")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            f(StoryRow {
                id: row.get(0)?,
                record: row.get(1)?,
                digest: row.get(2)?,
            })?;
        }
        Ok(())
    }

    /// Counts for `state stats`.
    pub fn stats(&self) -> anyhow::Result<Stats> {
        let count =
            |sql: &str| -> anyhow::Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Stats {
            schema_version: self
                .conn
                .pragma_query_value(None, "user_version", |r| r.get(0))?,
            files: count("SELECT count(*) FROM files")?,
            stories: count("SELECT count(*) FROM stories")?,
            runs: count("SELECT count(*) FROM runs")?,
            pending: count("SELECT count(*) FROM pending")?,
            last_run: self
                .conn
                .query_row("SELECT max(finished) FROM runs", [], |r| r.get(0))?,
            bytes_on_disk: std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0),
        })
    }

    /// Forgets files not seen since `cutoff` (Unix seconds) and the stories left without files.
    /// Returns (files, stories) removed.
    pub fn prune(&mut self, cutoff: i64) -> anyhow::Result<(usize, usize)> {
        let tx = self.conn.transaction()?;
        let files = tx.execute("DELETE FROM files WHERE last_seen < ?1", [cutoff])?;
        for table in ["articles", "cluster_keys"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE path NOT IN (SELECT path FROM files)"),
                [],
            )?;
        }
        if files > 0 {
            // The counts still include the forgotten articles: the next run rebuilds them.
            tx.execute("DELETE FROM meta WHERE name = ?1", [DOC_FREQ])?;
        }
        let stories = tx.execute(
            "DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM files WHERE story_id IS NOT NULL)",
            [],
        )?;
        tx.execute(
            "DELETE FROM pending WHERE id NOT IN (SELECT id FROM stories)",
            [],
        )?;
        tx.commit()?;
        Ok((files, stories))
    }

    /// Rebuilds the database file to give back the space of deleted rows.
    pub fn vacuum(&mut self) -> anyhow::Result<()> {
        self.conn.execute_batch("VACUUM")?;
        Ok(())
    }
}

/// Refuses files that are not SQLite databases before SQLite gets to misread them.
fn check_header(path: &Path) -> anyhow::Result<()> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut file =
        File::open(path).with_context(|| format!("{}: cannot open state file", path.display()))?;
    let n = file.read(&mut head)?;
    if n == 0 {
        return Ok(()); // an empty file (e.g. from mktemp) is a new store
    }
    if n < 16 || &head != b"SQLite format 3\0" {
        bail!(
            "{}: not a newsclean state file (not an SQLite database); refusing to touch it",
            path.display()
        );
    }
    Ok(())
}

/// Refuses SQLite databases that belong to something else.
///
/// No full integrity check here: it reads the whole file, which would cost a cron run that has
/// nothing to do more than the rest of the run. Damage further in surfaces as an error naming the
/// file when a damaged page is read, before anything is written.
fn check_identity(conn: &Connection, path: &Path) -> anyhow::Result<()> {
    let corrupt = || {
        format!(
            "{}: state file is damaged or not a database",
            path.display()
        )
    };
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .with_context(corrupt)?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )
        .with_context(corrupt)?;
    if app != APPLICATION_ID && !(app == 0 && tables == 0) {
        bail!(
            "{}: an SQLite database, but not a newsclean state file; refusing to touch it",
            path.display()
        );
    }
    Ok(())
}

fn migrate(conn: &Connection, path: &Path) -> anyhow::Result<()> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > MIGRATIONS.len() as i64 {
        bail!(
            "{}: state file has schema {version}, made by a newer newsclean (this one knows {})",
            path.display(),
            MIGRATIONS.len()
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)
            .with_context(|| format!("{}: schema migration {} failed", path.display(), i + 1))?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

fn take_lock(path: &Path, access: Access) -> anyhow::Result<File> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("{}: cannot create lock file", lock_path.display()))?;
    match access {
        Access::WriteNoWait => match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "{}: another newsclean run is using this state file (without --no-wait this run would wait)",
                path.display()
            ),
            Err(std::fs::TryLockError::Error(err)) => {
                return Err(err).with_context(|| format!("{}: cannot lock", lock_path.display()));
            }
        },
        _ => file
            .lock()
            .with_context(|| format!("{}: cannot lock", lock_path.display()))?,
    }
    Ok(file)
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Modification time of a file in nanoseconds since the epoch (0 when unknown).
pub fn mtime_ns(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

fn path_to_blob(path: &Path) -> Vec<u8> {
    path.as_os_str().as_encoded_bytes().to_vec()
}

#[cfg(unix)]
fn path_from_blob(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_blob(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// Collects rows whose first field is a stored path and sorts them by it, byte by byte as
/// SQLite orders BLOBs. Sorting here is cheaper than `ORDER BY path`, which makes SQLite visit
/// the table in the order of its path index, one lookup per row.
fn sorted_by_path<T>(
    rows: impl Iterator<Item = rusqlite::Result<(Vec<u8>, T)>>,
    store: &Path,
) -> anyhow::Result<Vec<(Vec<u8>, T)>> {
    let mut rows: Vec<(Vec<u8>, T)> = rows
        .collect::<Result<_, _>>()
        .with_context(|| format!("{}: cannot read the state file", store.display()))?;
    rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &str, story: &str) -> FileRow {
        FileRow {
            path: PathBuf::from(path),
            size: 10,
            mtime_ns: 5,
            content_hash: 42,
            story_id: Some(story.into()),
        }
    }

    fn story(id: &str) -> StoryRow {
        StoryRow {
            id: id.into(),
            record: format!("{{\"id\":\"{id}\"}}"),
            digest: "d".into(),
        }
    }

    #[test]
    fn schema_1_store_is_migrated_with_its_articles() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        {
            // a store as the first release of --state left it
            let conn = Connection::open(&db).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO files VALUES (?1, 10, 5, 42, 's1', '{\"kept\":1}', 0, 0)",
                [path_to_blob(Path::new("a.txt"))],
            )
            .unwrap();
            // a story a killed run committed but did not write
            conn.execute(
                "INSERT INTO stories VALUES ('s1', '{\"id\":\"s1\"}', 'd', 0, 0, 'new')",
                [],
            )
            .unwrap();
        }
        let store = Store::open(&db, Access::Write).unwrap();
        assert_eq!(store.stats().unwrap().schema_version, 2);
        assert_eq!(store.files().unwrap(), vec![row("a.txt", "s1")]);
        assert_eq!(
            store.articles(&[PathBuf::from("a.txt")]).unwrap(),
            vec![r#"{"kept":1}"#.to_string()]
        );
        let pending = store.pending().unwrap();
        assert_eq!(pending, vec![(story("s1"), "new".to_string())]);
        // no keys or counts yet: the next ingest rebuilds them from the articles
        assert!(store.keys().unwrap().is_empty());
        assert_eq!(store.meta(DOC_FREQ).unwrap(), None);
    }

    #[test]
    fn commit_then_reopen_remembers_files_and_stories() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state.db");
        {
            let mut store = Store::open(&db, Access::Write).unwrap();
            let batch = Batch {
                files: vec![(row("a.txt", "s1"), "{}".into())],
                stories: vec![(story("s1"), Some("new"))],
                ..Batch::default()
            };
            store.commit(&batch).unwrap();
        }
        let store = Store::open(&db, Access::ReadOnly).unwrap();
        assert_eq!(store.files().unwrap(), vec![row("a.txt", "s1")]);
        assert_eq!(store.pending().unwrap().len(), 1);
        assert_eq!(store.stats().unwrap().stories, 1);
    }

    #[test]
    fn confirmed_stories_are_no_longer_pending() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db"), Access::Write).unwrap();
        let batch = Batch {
            stories: vec![(story("s1"), Some("new")), (story("s2"), Some("updated"))],
            ..Batch::default()
        };
        store.commit(&batch).unwrap();
        store.confirm_written(&["s1".to_string()]).unwrap();
        let pending = store.pending().unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(
            (pending[0].0.id.as_str(), pending[0].1.as_str()),
            ("s2", "updated")
        );
    }

    #[test]
    fn foreign_sqlite_database_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("other.db");
        Connection::open(&db)
            .unwrap()
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        let before = std::fs::read(&db).unwrap();
        let err = Store::open(&db, Access::Write).err().unwrap().to_string();
        assert!(err.contains("not a newsclean state file"), "{err}");
        assert!(
            std::fs::read(&db).unwrap() == before,
            "foreign database was modified"
        );
    }

    #[test]
    fn text_file_is_refused_as_state() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("notes.txt");
        std::fs::write(&db, "shopping list\n").unwrap();
        let err = Store::open(&db, Access::Write).err().unwrap().to_string();
        assert!(err.contains("not an SQLite database"), "{err}");
        assert_eq!(std::fs::read_to_string(&db).unwrap(), "shopping list\n");
    }

    #[test]
    fn read_only_open_of_missing_store_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("none.db");
        let store = Store::open(&db, Access::ReadOnly).unwrap();
        assert!(store.files().unwrap().is_empty());
        assert!(!db.exists());
    }

    #[test]
    fn second_writer_without_wait_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let _first = Store::open(&db, Access::Write).unwrap();
        let err = Store::open(&db, Access::WriteNoWait)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("another newsclean run"), "{err}");
    }

    #[test]
    fn prune_forgets_old_files_and_their_stories() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("s.db"), Access::Write).unwrap();
        let batch = Batch {
            files: vec![(row("a.txt", "s1"), "{}".into())],
            stories: vec![(story("s1"), Some("new"))],
            ..Batch::default()
        };
        store.commit(&batch).unwrap();
        assert_eq!(store.prune(unix_now() - 3600).unwrap(), (0, 0));
        assert_eq!(store.prune(unix_now() + 3600).unwrap(), (1, 1));
    }
}

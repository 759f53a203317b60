//! Running the stages over a batch of files.
//!
//! Per file, in parallel (rayon): read → decode → repair → boilerplate → extract, giving an
//! `Article` or a `FileIssue`. The boilerplate stage wants to know which lines recur across
//! different stories of the batch (see `boilerplate::repeats`), so when the batch has at least
//! `repeat_min_stories` files the work is split in two passes: the first reads, decodes and
//! repairs every file and hashes its lines; the counts are merged; the second classifies.
//! Per batch: cluster → canonical → record → emit, records built in parallel and written in
//! order.
//!
//! With `dedup` on, the articles of the batch are held until clustering is done anyway, so the
//! repaired texts are held between the two passes and every file is read once. With it off,
//! every article is its own story and files are processed and written chunk by chunk, so memory
//! stays flat however many files there are: the first pass keeps only the hashed line keys
//! (fixed memory) and the second reads each file again.
//!
//! Output order is fixed by the input order (files are sorted by the walk), never by which thread
//! finished first, so `--jobs 1` and `--jobs 8` write the same bytes. The library never prints:
//! problems and progress go to the `on_event` callback, records to the `out` writer.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

use crate::article::{Article, Explain, RemovedLine};
use crate::boilerplate::repeats::ArticleKeys;
use crate::cluster::Group;
use crate::config::Config;
use crate::error::{FileIssue, IssueKind};
use crate::read::Inputs;
use crate::{
    boilerplate, canonical, cluster, decode, emit, extract, fingerprint, read, record, repair,
};

/// Files processed per chunk when records are streamed (`dedup` off).
const STREAM_CHUNK_FILES: usize = 512;

/// What happened during a run, for the summary line and the exit code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Files that were found to process.
    pub files: usize,
    /// Files that became articles.
    pub articles: usize,
    /// Records written.
    pub stories: usize,
    /// Paths skipped on purpose (empty, binary, too large).
    pub skipped: usize,
    /// Paths that failed (unreadable, undecodable); these make the exit code 1.
    pub failed: usize,
    /// Bytes of the files that became articles.
    pub bytes: u64,
    /// With a state file: files skipped because they did not change since the last run.
    pub unchanged: usize,
}

/// Something the caller may want to show while the run goes on.
#[derive(Debug)]
pub enum Event<'a> {
    /// The walk is done and this many files will be processed (in a `--state` run: this many
    /// files of the next batch).
    Started { files: usize },
    /// A pass over the files, or a batch-wide step, begins: `"reading"` (read, decode,
    /// repair, count lines), `"cleaning"` (the per-file stages that need the counts),
    /// `"processing"` (all per-file stages in one pass), `"clustering"`. `FileDone` counts
    /// the files of the pass that began last.
    Stage(&'static str),
    /// One file went through the current pass (successfully or not).
    FileDone,
    /// A path was skipped or failed.
    Issue(&'a FileIssue),
}

/// Processes `inputs` and writes one JSON line per story to `out`.
pub fn ingest<W: Write>(
    inputs: &Inputs,
    cfg: &Config,
    out: &mut W,
    on_event: &(dyn Fn(Event) + Sync),
) -> anyhow::Result<Summary> {
    let (mut summary, pools) = start_run(inputs, cfg, on_event)?;
    on_event(Event::Started {
        files: inputs.files.len(),
    });
    let counting = cfg.boilerplate.cross_document
        && inputs.files.len() >= cfg.boilerplate.repeat_min_stories as usize;
    if !cfg.dedup {
        // both passes read every file
        let repeats = counting.then(|| count_repeats(pools.read(), inputs, cfg));
        for chunk in inputs.files.chunks(STREAM_CHUNK_FILES) {
            let results = process_each(pools.read(), chunk, cfg, repeats.as_ref(), on_event);
            let articles = keep_articles(results, &mut summary, on_event);
            let groups: Vec<Group> = (0..articles.len())
                .map(|i| Group {
                    members: vec![(i, None)],
                })
                .collect();
            write_groups(pools.work(), out, &groups, &articles, &mut summary)?;
        }
    } else {
        let results = if counting {
            let mut counter = boilerplate::repeats::RepeatCounter::default();
            process_counted(&pools, &inputs.files, cfg, &mut counter, |_| true, on_event)
        } else {
            on_event(Event::Stage("processing"));
            process_each(pools.read(), &inputs.files, cfg, None, on_event)
        };
        let articles = keep_articles(results, &mut summary, on_event);
        on_event(Event::Stage("clustering"));
        let groups = pools
            .work()
            .install(|| cluster::group(&articles, &cfg.cluster));
        write_groups(pools.work(), out, &groups, &articles, &mut summary)?;
        // Freeing a large batch takes a while (about 2% of a 100k run); the workers do it while
        // the caller goes on, and a process that exits first does not wait for it.
        pools.work().spawn(move || drop((articles, groups)));
    }
    out.flush().context("cannot write to stdout")?;
    Ok(summary)
}

/// What every run starts with: a summary that counts the inputs and the paths the walk could not
/// list (each reported), and the worker pools (see [`Pools`]).
pub(crate) fn start_run(
    inputs: &Inputs,
    cfg: &Config,
    on_event: &(dyn Fn(Event) + Sync),
) -> anyhow::Result<(Summary, Pools)> {
    let mut summary = Summary {
        files: inputs.files.len(),
        ..Summary::default()
    };
    for issue in &inputs.issues {
        count_issue(&mut summary, issue);
        on_event(Event::Issue(issue));
    }
    Ok((summary, Pools::new(cfg.jobs)?))
}

/// The worker threads of a run: `work` (`--jobs` threads, 0 = one per core) for the passes that
/// compute, and, with the default thread count, a second pool with two threads per core for the
/// passes that read every file, so that a core computes while another thread waits for the
/// disk. A 100k-file run on a cold page cache took 17.0-17.2 s with one thread per core
/// throughout and 13.7-14.9 s with two; `--no-dedup` over 10k files the kernel had dropped from
/// its cache, 3.2-3.5 s and 2.5-2.6 s; on a warm cache the extra threads cost little. With
/// `--jobs N` every pass uses the N threads. Results are collected in input order, so the
/// thread count never shows in the output.
pub(crate) struct Pools {
    work: rayon::ThreadPool,
    read: Option<rayon::ThreadPool>,
}

impl Pools {
    fn new(jobs: usize) -> anyhow::Result<Pools> {
        let build = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .context("cannot start worker threads")
        };
        let read = if jobs == 0 {
            let cores = std::thread::available_parallelism().map_or(1, usize::from);
            Some(build(cores * 2)?)
        } else {
            None
        };
        Ok(Pools {
            work: build(jobs)?,
            read,
        })
    }

    /// The pool of the passes that compute.
    pub(crate) fn work(&self) -> &rayon::ThreadPool {
        &self.work
    }

    /// The pool of the passes that read every file.
    pub(crate) fn read(&self) -> &rayon::ThreadPool {
        self.read.as_ref().unwrap_or(&self.work)
    }
}

/// Keeps the articles of a batch's results, counting them, and counts and reports the issues.
pub(crate) fn keep_articles(
    results: Vec<Result<Article, FileIssue>>,
    summary: &mut Summary,
    on_event: &(dyn Fn(Event) + Sync),
) -> Vec<Article> {
    let mut articles = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(article) => {
                summary.articles += 1;
                summary.bytes += article.bytes;
                articles.push(article);
            }
            Err(issue) => {
                count_issue(summary, &issue);
                on_event(Event::Issue(&issue));
            }
        }
    }
    articles
}

/// Counts an issue as a skip or a failure (see `error.rs` for which is which).
fn count_issue(summary: &mut Summary, issue: &FileIssue) {
    if issue.is_failure() {
        summary.failed += 1;
    } else {
        summary.skipped += 1;
    }
}

/// Runs the per-file stages over `files` in two passes: the first reads, decodes and repairs
/// every file and adds its line keys to `counter`; then, if `use_counts` says so for the counts
/// so far, the second classifies every text with them. The texts are held in between.
pub(crate) fn process_counted(
    pools: &Pools,
    files: &[PathBuf],
    cfg: &Config,
    counter: &mut boilerplate::repeats::RepeatCounter,
    use_counts: impl FnOnce(&boilerplate::repeats::RepeatCounts) -> bool,
    on_event: &(dyn Fn(Event) + Sync),
) -> Vec<Result<Article, FileIssue>> {
    on_event(Event::Stage("reading"));
    let repaired: Vec<(Result<Repaired, FileIssue>, Option<ArticleKeys>)> =
        pools.read().install(|| {
            files
                .par_iter()
                .map(|path| {
                    let repaired = read_and_repair(path, cfg);
                    let keys = repaired.as_ref().ok().map(Repaired::line_keys);
                    on_event(Event::FileDone);
                    (repaired, keys)
                })
                .collect()
        });
    // in input order, so the counts do not depend on threads
    for keys in repaired.iter().filter_map(|(_, k)| k.as_ref()) {
        counter.add(keys);
    }
    let counts = counter.counts();
    let counts = use_counts(counts).then_some(counts);
    on_event(Event::Stage("cleaning"));
    pools.work().install(|| {
        repaired
            .into_par_iter()
            .map(|(repaired, _)| {
                let result = repaired.map(|r| finish_article(r, cfg, counts));
                on_event(Event::FileDone);
                result
            })
            .collect()
    })
}

/// Runs all the per-file stages over `files` in one pass, in parallel, with the cross-document
/// counts when there are any; one `FileDone` per file.
pub(crate) fn process_each(
    pool: &rayon::ThreadPool,
    files: &[PathBuf],
    cfg: &Config,
    repeats: Option<&boilerplate::repeats::RepeatCounts>,
    on_event: &(dyn Fn(Event) + Sync),
) -> Vec<Result<Article, FileIssue>> {
    pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let result = process_file_with(path, cfg, repeats);
                on_event(Event::FileDone);
                result
            })
            .collect()
    })
}

/// Groups whose records are built at once (in parallel) before being written in order.
const WRITE_CHUNK_GROUPS: usize = 2048;

/// Builds the record of each group (in parallel, a chunk at a time) and writes them in order.
fn write_groups<W: Write>(
    pool: &rayon::ThreadPool,
    out: &mut W,
    groups: &[Group],
    articles: &[Article],
    summary: &mut Summary,
) -> anyhow::Result<()> {
    for chunk in groups.chunks(WRITE_CHUNK_GROUPS) {
        let lines: Vec<Vec<u8>> = pool.install(|| {
            chunk
                .par_iter()
                .map(|group| {
                    let (canonical, reason) = canonical::pick_canonical(group, articles);
                    let story = record::build_story(group, canonical, reason, articles);
                    let mut line = Vec::with_capacity(4096);
                    emit::write_story(&mut line, &story).map(|()| line)
                })
                .collect::<std::io::Result<_>>()
        })?;
        for line in lines {
            out.write_all(&line).context("cannot write to stdout")?;
            summary.stories += 1;
        }
    }
    Ok(())
}

/// Cross-document pre-pass of a streamed run: reads, decodes and repairs every file, keeps only
/// hashed line keys (fixed memory, see `boilerplate::repeats`), and returns the counts. Files
/// that fail here are reported by the main pass, not twice. Merging runs in input order, so the
/// counts do not depend on threads.
fn count_repeats(
    pool: &rayon::ThreadPool,
    inputs: &Inputs,
    cfg: &Config,
) -> boilerplate::repeats::RepeatCounts {
    let mut counter = boilerplate::repeats::RepeatCounter::default();
    for chunk in inputs.files.chunks(STREAM_CHUNK_FILES) {
        let keys: Vec<_> = pool.install(|| {
            chunk
                .par_iter()
                .map(|path| read_and_repair(path, cfg).ok().map(|r| r.line_keys()))
                .collect()
        });
        for k in keys.iter().flatten() {
            counter.add(k);
        }
    }
    counter.finish()
}

/// Runs the per-file stages on one file.
pub fn process_file(path: &Path, cfg: &Config) -> Result<Article, FileIssue> {
    process_file_with(path, cfg, None)
}

/// Runs the per-file stages on one file, with cross-document counts when the batch has them.
pub fn process_file_with(
    path: &Path,
    cfg: &Config,
    repeats: Option<&boilerplate::repeats::RepeatCounts>,
) -> Result<Article, FileIssue> {
    let bytes = read::read_file(path, cfg)?;
    process_bytes_with(path, &bytes, cfg, repeats)
}

/// Runs the per-file stages on bytes already read (`path` is only carried into the article).
pub fn process_bytes(path: &Path, bytes: &[u8], cfg: &Config) -> Result<Article, FileIssue> {
    process_bytes_with(path, bytes, cfg, None)
}

/// [`process_bytes`] with cross-document counts from a pre-pass over the batch.
pub fn process_bytes_with(
    path: &Path,
    bytes: &[u8],
    cfg: &Config,
    repeats: Option<&boilerplate::repeats::RepeatCounts>,
) -> Result<Article, FileIssue> {
    repair_bytes(path, bytes, cfg).map(|r| finish_article(r, cfg, repeats))
}

/// A file after the stages that need nothing from the rest of the batch: read, decoded,
/// repaired.
struct Repaired {
    path: PathBuf,
    bytes: u64,
    content_hash: u64,
    encoding: crate::article::EncodingName,
    invalid_sequences: usize,
    text: String,
    steps: Vec<repair::Step>,
}

impl Repaired {
    /// The hashed line keys the cross-document count needs.
    fn line_keys(&self) -> ArticleKeys {
        let lines = lines_of(&self.text);
        boilerplate::repeats::article_keys(&lines)
    }
}

/// The lines of `text` as `str::lines` gives them (a `\r` before a `\n` dropped), found with
/// `memchr`: faster on the short lines of an article than the standard library's search.
pub fn lines_of(text: &str) -> Vec<&str> {
    // Counted first (another pass of the same fast search), so the list is allocated once.
    let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        let line = &text[start..end];
        lines.push(line.strip_suffix('\r').unwrap_or(line));
        start = end + 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    lines
}

fn read_and_repair(path: &Path, cfg: &Config) -> Result<Repaired, FileIssue> {
    let bytes = read::read_file(path, cfg)?;
    repair_bytes(path, &bytes, cfg)
}

/// Decodes and repairs; refuses empty text and text that is mostly undecodable.
fn repair_bytes(path: &Path, bytes: &[u8], cfg: &Config) -> Result<Repaired, FileIssue> {
    let decoded = decode::decode_bytes(bytes);
    if decoded.text.trim().is_empty() {
        return Err(FileIssue::new(path, IssueKind::Empty));
    }
    let chars = decoded.text.chars().count();
    if decoded.invalid_sequences * 4 > chars {
        return Err(FileIssue::new(
            path,
            IssueKind::Undecodable(format!(
                "{} of {chars} characters are invalid {}",
                decoded.invalid_sequences, decoded.encoding
            )),
        ));
    }
    let (text, steps) = repair::fix(&decoded.text, &cfg.repair);
    Ok(Repaired {
        path: path.to_path_buf(),
        bytes: bytes.len() as u64,
        content_hash: xxhash_rust::xxh3::xxh3_64(bytes),
        encoding: decoded.encoding,
        invalid_sequences: decoded.invalid_sequences,
        text,
        steps,
    })
}

/// Boilerplate, extraction and fingerprint: the rest of the per-file stages.
fn finish_article(
    repaired: Repaired,
    cfg: &Config,
    repeats: Option<&boilerplate::repeats::RepeatCounts>,
) -> Article {
    let Repaired {
        path,
        bytes,
        content_hash,
        encoding,
        invalid_sequences,
        text,
        steps,
    } = repaired;
    let lines = lines_of(&text);
    let verdicts = boilerplate::classify(&lines, &cfg.boilerplate, repeats);
    let found = extract::extract(&lines, &verdicts);

    let mut paragraphs = Vec::new();
    // the removed lines themselves are copied only when they are to be explained
    let mut removed_lines = 0;
    let mut removed = Vec::new();
    for (i, (line, verdict)) in lines.iter().zip(&verdicts).enumerate() {
        if found.uses(i) {
            continue;
        }
        if verdict.keep {
            paragraphs.push(line.trim().to_string());
        } else if !line.trim().is_empty() {
            removed_lines += 1;
            if cfg.explain {
                removed.push(RemovedLine {
                    line: i + 1,
                    reason: verdict.reason.clone().unwrap_or_default(),
                    text: line.to_string(),
                });
            }
        }
    }
    let explain = cfg.explain.then(|| Explain {
        repair: steps.clone(),
        removed,
        extracted: found
            .used
            .iter()
            .map(|(i, field)| format!("{field}: line {}", i + 1))
            .collect(),
    });
    let fingerprint = fingerprint::fingerprint(found.title.as_deref(), &paragraphs);
    Article {
        fingerprint,
        path,
        bytes,
        encoding,
        invalid_sequences,
        content_hash,
        title: found.title,
        subtitle: found.subtitle,
        byline: found.byline,
        published: found.published,
        site: found.site,
        paragraphs,
        repairs: steps.iter().map(|s| s.count).sum(),
        removed_lines,
        explain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_splits_as_str_lines_does() {
        for text in [
            "",
            "\n",
            "one",
            "one\n",
            "one\ntwo",
            "one\r\ntwo\r\n",
            "\n\none\n\n",
            "a\rb\r",
            "\r\n\r",
            "é\r\n’\n\n",
        ] {
            assert_eq!(lines_of(text), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }
}

//! Ingesting against a state store: only new and changed files are read, and only stories that
//! changed are written (`newsclean ingest --state PATH`).
//!
//! In: the walked inputs, the configuration, an open [`Store`]. Out: JSON lines for the stories
//! the run created or changed (or all, with `--emit all`), each labelled with a `status`.
//!
//! How a run goes:
//! 1. Every input is `stat`ed. A file whose size and modification time match the store is not
//!    read again; any other file goes through the per-file stages like in a one-shot run.
//! 2. Clustering runs over the union of every article the store remembers and the new ones, with
//!    the one-shot code path, so ingesting a folder in two halves gives the same groups as
//!    ingesting it at once. (This costs a clustering pass over the whole store per run that has
//!    anything new; a run with nothing new stops after the `stat`s.)
//! 3. Each group keeps the id of the stored story most of its members came from, so a story
//!    gaining members keeps its id. A group's status is `new` (no stored story), `updated`
//!    (its record differs from the stored one) or unchanged.
//! 4. One transaction commits the files, stories and the list of stories to write ("pending");
//!    then the records are written and the pending marks cleared. A run killed between commit
//!    and clearing writes those records again on the next run: delivery is at least once,
//!    never lost, and the ids and statuses make a repeat easy to spot downstream.
//!
//! It never writes the store when `dry_run` is set: the store is then opened read-only and the
//! records are written as if the run had committed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use rayon::prelude::*;

use crate::article::Article;
use crate::config::Config;
use crate::pipeline::{Event, Summary, keep_articles, process_file, start_run};
use crate::read::Inputs;
use crate::record;
use crate::state::{Batch, FileRow, Store, StoryRow, mtime_ns};
use crate::{canonical, cluster};

/// Which stories a state run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmitMode {
    /// Stories seen for the first time.
    New,
    /// New stories and stories that gained members or changed their canonical text.
    Changed,
    /// Every story in the store, each with its status.
    All,
}

/// Runs one incremental ingest. See the module doc for the steps.
pub fn ingest_with_state<W: Write>(
    inputs: &Inputs,
    cfg: &Config,
    store: &mut Store,
    emit: EmitMode,
    dry_run: bool,
    out: &mut W,
    on_event: &(dyn Fn(Event) + Sync),
) -> anyhow::Result<Summary> {
    let (mut summary, pool) = start_run(inputs, cfg, on_event)?;

    let known: HashMap<PathBuf, FileRow> = store
        .files()?
        .into_iter()
        .map(|row| (row.path.clone(), row))
        .collect();
    // A file is read again unless its size and modification time match the store. One whose
    // `stat` fails is read too, so `read_file` reports it as a one-shot run would.
    let mut to_read = Vec::new();
    let mut stat: HashMap<&PathBuf, (u64, i64)> = HashMap::new();
    for path in &inputs.files {
        let meta = std::fs::metadata(path).ok();
        let now = meta.as_ref().map_or((0, 0), |m| (m.len(), mtime_ns(m)));
        let unchanged = meta.is_some()
            && known
                .get(path)
                .is_some_and(|row| (row.size, row.mtime_ns) == now);
        if unchanged {
            summary.unchanged += 1;
        } else {
            stat.insert(path, now);
            to_read.push(path.clone());
        }
    }
    on_event(Event::Started {
        files: to_read.len(),
    });

    let results: Vec<_> = pool.install(|| {
        to_read
            .par_iter()
            .map(|path| {
                let result = process_file(path, cfg);
                on_event(Event::FileDone);
                result
            })
            .collect()
    });
    let fresh: Vec<(FileRow, Article)> = keep_articles(results, &mut summary, on_event)
        .into_iter()
        .map(|article| {
            let (size, mtime_ns) = stat[&article.path];
            let row = FileRow {
                path: article.path.clone(),
                size,
                mtime_ns,
                content_hash: article.content_hash,
                story_id: None,
            };
            (row, article)
        })
        .collect();

    let wanted = |status: &str| match emit {
        EmitMode::New => status == "new",
        EmitMode::Changed | EmitMode::All => true,
    };
    let mut batch = Batch::default();
    if !fresh.is_empty() {
        build_batch(cfg, store, &known, fresh, &mut batch)?;
        for (_, status) in &mut batch.stories {
            *status = status.filter(|s| wanted(s));
        }
    }
    failpoint("before-commit");
    if !dry_run && (!batch.files.is_empty() || !batch.stories.is_empty()) {
        store.commit(&batch)?;
    }
    failpoint("after-commit");

    // What to write: stories left pending by an interrupted run, then this run's.
    let mut written: Vec<String> = Vec::new();
    let mut write = |out: &mut W, row: &StoryRow, status: &str| -> anyhow::Result<()> {
        out.write_all(record::with_status(&row.record, status).as_bytes())?;
        out.write_all(b"\n")?;
        written.push(row.id.clone());
        Ok(())
    };
    if dry_run {
        for (row, status) in &batch.stories {
            if let Some(status) = status {
                write(out, row, status)?;
            }
        }
    } else {
        for (row, status) in store.pending()? {
            write(out, &row, &status)?;
        }
    }
    if emit == EmitMode::All {
        let done: HashSet<&String> = written.iter().collect();
        let mut rest = Vec::new();
        store.each_story(|row| {
            if !done.contains(&row.id) {
                rest.push(row);
            }
            Ok(())
        })?;
        for row in rest {
            out.write_all(record::with_status(&row.record, "unchanged").as_bytes())?;
            out.write_all(b"\n")?;
            summary.stories += 1;
        }
    }
    out.flush().context("cannot write to stdout")?;
    failpoint("after-write");
    summary.stories += written.len();
    if !dry_run && !written.is_empty() {
        store.confirm_written(&written)?;
    }
    Ok(summary)
}

/// Clusters the store's articles together with the fresh ones and fills `batch` with what
/// changed.
fn build_batch(
    cfg: &Config,
    store: &Store,
    known: &HashMap<PathBuf, FileRow>,
    fresh: Vec<(FileRow, Article)>,
    batch: &mut Batch,
) -> anyhow::Result<()> {
    let fresh_paths: HashMap<PathBuf, usize> = fresh
        .iter()
        .enumerate()
        .map(|(i, (row, _))| (row.path.clone(), i))
        .collect();
    let mut stored_paths: Vec<PathBuf> = known
        .keys()
        .filter(|p| !fresh_paths.contains_key(*p))
        .cloned()
        .collect();
    stored_paths.sort();
    let stored_articles = store
        .articles(&stored_paths)?
        .into_iter()
        .zip(&stored_paths)
        .map(|(json, path)| {
            Article::from_stored_json(&json).with_context(|| {
                format!("state holds an unreadable article for {}", path.display())
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    // The same order a one-shot run over all these files would use.
    let mut articles: Vec<Article> = stored_articles;
    let mut fresh_rows: HashMap<PathBuf, FileRow> = HashMap::new();
    for (row, article) in fresh {
        fresh_rows.insert(row.path.clone(), row);
        articles.push(article);
    }
    articles.sort_by(|a, b| a.path.cmp(&b.path));

    let groups = cluster::group(&articles, &cfg.cluster);
    // Bigger groups choose their id first, so a stored story that split keeps its id on the
    // larger part; ties go by the first member's path.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(groups[g].members.len()));
    let mut claimed: HashMap<String, usize> = HashMap::new();
    let mut ids: Vec<String> = vec![String::new(); groups.len()];
    // Records are built only where needed: for the id of a group no stored story claims, and
    // for every group that is not untouched (below).
    let build = |g: usize| {
        let (canon, reason) = canonical::pick_canonical(&groups[g], &articles);
        record::build_story(&groups[g], canon, reason, &articles)
    };
    let mut stories: Vec<Option<record::Story>> = vec![None; groups.len()];
    for &g in &order {
        let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, _) in &groups[g].members {
            if let Some(id) = known
                .get(&articles[*i].path)
                .and_then(|row| row.story_id.as_deref())
            {
                *votes.entry(id).or_default() += 1;
            }
        }
        let previous = votes
            .iter()
            .filter(|(id, _)| !claimed.contains_key(**id))
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(id, _)| id.to_string());
        let mut id = match previous {
            Some(id) => id,
            None => {
                let story = build(g);
                let id = story.id.clone();
                stories[g] = Some(story);
                id
            }
        };
        if claimed.contains_key(&id) {
            // Two new groups with identical canonical bodies: make the second id distinct.
            id = record::story_id(&format!(
                "{id}/{}",
                articles[groups[g].members[0].0].path.display()
            ));
        }
        claimed.insert(id.clone(), g);
        ids[g] = id;
    }

    let stored_stories = store.digests()?;
    let mut stored_sizes: HashMap<&str, usize> = HashMap::new();
    for row in known.values() {
        if let Some(id) = row.story_id.as_deref() {
            *stored_sizes.entry(id).or_default() += 1;
        }
    }
    for (g, group) in groups.iter().enumerate() {
        let id = &ids[g];
        // A group made only of stored files that were all, and alone, in this story last time
        // cannot have changed: its record depends on nothing but its members.
        let untouched = stored_sizes.get(id.as_str()) == Some(&group.members.len())
            && group.members.iter().all(|(i, _)| {
                let path = &articles[*i].path;
                !fresh_rows.contains_key(path)
                    && known.get(path).and_then(|r| r.story_id.as_deref()) == Some(id)
            });
        if untouched {
            continue;
        }
        let mut story = stories[g].take().unwrap_or_else(|| build(g));
        story.id = id.clone();
        let json = serde_json::to_string(&story)?;
        let digest = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(json.as_bytes()));
        let status = match stored_stories.get(&story.id) {
            None => Some("new"),
            // A story written as `new` only by a run that died keeps that status.
            Some((old, pending)) if *old != digest => match pending.as_deref() {
                Some("new") => Some("new"),
                _ => Some("updated"),
            },
            Some(_) => None,
        };
        for (i, _) in &group.members {
            let path = &articles[*i].path;
            if let Some(row) = fresh_rows.get(path) {
                let mut row = row.clone();
                row.story_id = Some(story.id.clone());
                let article = serde_json::to_string(&articles[*i])?;
                batch.files.push((row, article));
            } else if known.get(path).and_then(|r| r.story_id.as_deref()) != Some(&story.id) {
                batch.file_stories.push((path.clone(), story.id.clone()));
            }
        }
        if let Some(status) = status {
            batch.stories.push((
                StoryRow {
                    id: story.id.clone(),
                    record: json,
                    digest,
                },
                Some(status),
            ));
        }
    }
    let live: HashSet<&String> = ids.iter().collect();
    let mut removed: Vec<String> = known
        .values()
        .filter_map(|row| row.story_id.clone())
        .filter(|id| !live.contains(id))
        .collect();
    removed.sort();
    removed.dedup();
    batch.removed_stories = removed;
    Ok(())
}

/// Test hook for the crash tests: when `NEWSCLEAN_FAILPOINT` names this point, the process
/// aborts here as if killed. Costs one environment lookup per run.
fn failpoint(name: &str) {
    if std::env::var_os("NEWSCLEAN_FAILPOINT").is_some_and(|v| v == name) {
        std::process::abort();
    }
}

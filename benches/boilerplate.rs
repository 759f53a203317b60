//! Speed of the boilerplate stage (classification + extraction), single-threaded, in MB/s.
//!
//! Reads up to 3,000 articles from `../shared/corpora/reuters.jsonl` when it is there (one JSON
//! object a line with a "text" field), else the project's own fixtures; times several passes.
//! Run: `cargo bench --bench boilerplate`. `BENCH_DIR=folder` times up to 3,000 files spread
//! over that folder and its subfolders instead, decoded and repaired first (untimed) as `ingest`
//! does; for instance the generated benchmark corpus:
//! `NEWSCLEAN_BENCH_KEEP=/tmp/corpus cargo bench --bench ingest -- 10000` then
//! `BENCH_DIR=/tmp/corpus/10000 cargo bench --bench boilerplate`. `BENCH_MB=n` sets the bytes
//! processed over all passes, 200 by default: `BENCH_MB=1` makes one pass, small enough for
//! `valgrind --tool=callgrind`.

use std::time::Instant;

/// The allocator of the `newsclean` binary, so the stage is timed as the tool runs it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use newsclean::boilerplate::{BoilerplateOptions, classify};
use newsclean::decode::decode_bytes;
use newsclean::extract::extract;
use newsclean::pipeline::lines_of;
use newsclean::repair::{self, RepairOptions};

fn load() -> (String, Vec<String>) {
    let root = env!("CARGO_MANIFEST_DIR");
    // BENCH_DIR=some/folder times the files of that folder instead, as the stage sees them.
    if let Ok(dir) = std::env::var("BENCH_DIR") {
        let mut paths: Vec<_> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| e.into_path())
            .collect();
        paths.sort();
        let repair = RepairOptions::default();
        // 3,000 files spread over the whole folder (one site's files sit together)
        let docs = paths
            .iter()
            .step_by(paths.len().div_ceil(3000).max(1))
            .filter_map(|p| std::fs::read(p).ok())
            .map(|bytes| repair::fix(&decode_bytes(&bytes).text, &repair).0)
            .collect();
        return (dir, docs);
    }
    let corpus = format!("{root}/../shared/corpora/reuters.jsonl");
    if let Ok(text) = std::fs::read_to_string(&corpus) {
        let docs: Vec<String> = text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
            .take(3000)
            .collect();
        if !docs.is_empty() {
            return (corpus, docs);
        }
    }
    let mut docs = Vec::new();
    for dir in ["fixtures/boilerplate", "fixtures/seeds"] {
        let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
            continue;
        };
        for e in entries.flatten() {
            if e.path().extension().is_some_and(|x| x == "txt")
                && let Ok(t) = std::fs::read_to_string(e.path())
            {
                docs.push(t);
            }
        }
    }
    ("fixtures".to_string(), docs)
}

/// Nanoseconds this thread has spent on a CPU (Linux `/proc/thread-self/schedstat`), so the figure
/// does not depend on how busy the machine is; `None` elsewhere.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

fn main() {
    let (source, docs) = load();
    let bytes: usize = docs.iter().map(String::len).sum();
    let opts = BoilerplateOptions::default();
    let total_mb: usize = std::env::var("BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let passes = (total_mb * 1_000_000 / bytes.max(1)).clamp(1, 2000);
    let mut kept = 0usize;
    let start = Instant::now();
    let cpu_start = cpu_ns();
    for _ in 0..passes {
        for doc in &docs {
            // split as the pipeline splits an article
            let lines = lines_of(doc);
            let verdicts = classify(&lines, &opts, None);
            let found = extract(&lines, &verdicts);
            kept += verdicts.iter().filter(|v| v.keep).count() + found.used.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu_secs = cpu_ns()
        .zip(cpu_start)
        .map(|(end, begin)| (end - begin) as f64 / 1e9);
    let mb = (bytes * passes) as f64 / 1e6;
    if let Some(cpu) = cpu_secs {
        println!(
            "on-CPU time {cpu:.2}s of {secs:.2}s wall: {:.1} MB/s per core busy",
            mb / cpu
        );
    }
    println!(
        "boilerplate+extract: {} docs from {source}, {:.1} MB in {secs:.2}s = {:.1} MB/s, {:.0} articles/s (kept {kept})",
        docs.len(),
        mb,
        mb / secs,
        (docs.len() * passes) as f64 / secs
    );
}

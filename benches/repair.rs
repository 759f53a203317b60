//! Throughput of `repair::fix`, single thread: clean English news, clean multilingual text, and
//! heavily damaged text. Prints MB/s (input bytes per second).
//!
//! Reads `../shared/corpora/*.jsonl` (one article per line, `text` field) when present, for the
//! English figure; otherwise, and always for the other two, uses the text in `fixtures/repair/`.
//! The damaged inputs are the clean texts (English news; multilingual for "heavily damaged",
//! where every character outside ASCII becomes two to four), line by line, encoded as UTF-8 and decoded through
//! Windows-1252, Windows-1257 or Windows-1251 (rotating), as a broken scraper would.
//!
//! Run: `cargo bench --bench repair` (add `-- damaged` to run only the inputs whose name
//! contains that word). With `REPAIR_BENCH_DUMP=DIR` set, the inputs are written to `DIR` (one
//! `.txt` file each) instead of timed, to profile `newsclean fix` on exactly the same text.

use std::hint::black_box;
use std::time::{Duration, Instant};

use newsclean::repair::{RepairOptions, fix};

const TARGET_BYTES: usize = 16 << 20;

fn main() {
    let english = corpus_english();
    let multilingual = repeat(&fixture("multilingual.txt"), TARGET_BYTES / 2);
    let damaged = damage(&multilingual);
    let mut half = english.len().min(TARGET_BYTES / 2);
    while !english.is_char_boundary(half) {
        half -= 1;
    }
    let damaged_news = damage(&english[..half]);
    let opts = RepairOptions::default();
    let only: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    for (name, text) in [
        ("clean English news", &english),
        ("clean multilingual", &multilingual),
        ("damaged English news", &damaged_news),
        ("heavily damaged", &damaged),
    ] {
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        if let Some(dir) = std::env::var_os("REPAIR_BENCH_DUMP") {
            let path = std::path::Path::new(&dir).join(format!("{}.txt", name.replace(' ', "_")));
            std::fs::write(&path, text.as_bytes())
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
            continue;
        }
        let (wall, cpu) = measure(text, &opts);
        let cpu = cpu.map_or("n/a".to_string(), |c| format!("{c:.1}"));
        println!(
            "{name:<22} {wall:>7.1} MB/s wall, {cpu:>7} MB/s on-CPU (best run)  ({:.1} MB input)",
            text.len() as f64 / 1e6
        );
    }
}

/// Nanoseconds this thread has run on a CPU (Linux), so that a busy machine does not halve the
/// figure: the on-CPU rate is what one core does.
fn cpu_ns() -> Option<u64> {
    let raw = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    raw.split_whitespace().next()?.parse().ok()
}

/// MB/s by wall clock (all runs), and by time on the CPU (best run, where the OS tells it:
/// on a shared machine the best run is the one least disturbed by other work).
fn measure(text: &str, opts: &RepairOptions) -> (f64, Option<f64>) {
    let (out, _) = fix(text, opts);
    black_box(out);
    let mut runs = 0u32;
    let mut best_cpu: Option<u64> = None;
    let start = Instant::now();
    while runs < 5 || start.elapsed() < Duration::from_secs(3) {
        let before = cpu_ns();
        let (out, steps) = fix(black_box(text), opts);
        black_box((out, steps));
        if let (Some(a), Some(b)) = (before, cpu_ns()) {
            let ns = b.saturating_sub(a).max(1);
            best_cpu = Some(best_cpu.map_or(ns, |m| m.min(ns)));
        }
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    let bytes = text.len() as f64;
    let cpu = best_cpu.map(|ns| bytes / (ns as f64 / 1e9) / 1e6);
    (bytes * f64::from(runs) / secs / 1e6, cpu)
}

fn fixture(name: &str) -> String {
    let path = format!("{}/fixtures/repair/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

fn corpus_english() -> String {
    let dir = format!("{}/../shared/corpora", env!("CARGO_MANIFEST_DIR"));
    let mut text = String::new();
    for name in ["bbc.jsonl", "reuters.jsonl", "lee.jsonl"] {
        let Ok(raw) = std::fs::read_to_string(format!("{dir}/{name}")) else {
            continue;
        };
        for line in raw.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
                && let Some(t) = v.get("text").and_then(|t| t.as_str())
            {
                text.push_str(t);
                text.push('\n');
            }
            if text.len() >= TARGET_BYTES {
                return text;
            }
        }
    }
    if text.is_empty() {
        eprintln!("(../shared/corpora not found: using fixtures/repair/english.txt)");
        return repeat(&fixture("english.txt"), TARGET_BYTES);
    }
    text
}

fn repeat(text: &str, bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + text.len());
    while out.len() < bytes {
        out.push_str(text);
    }
    out
}

fn damage(text: &str) -> String {
    let pages = [
        encoding_rs::WINDOWS_1252,
        encoding_rs::WINDOWS_1257,
        encoding_rs::WINDOWS_1251,
    ];
    let mut out = String::with_capacity(text.len() * 2);
    for (i, line) in text.lines().enumerate() {
        let (decoded, _) = pages[i % pages.len()].decode_without_bom_handling(line.as_bytes());
        out.push_str(&decoded);
        out.push('\n');
    }
    out
}

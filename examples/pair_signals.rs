//! Prints the clustering signals of every pair of articles in a folder, one JSON line per pair,
//! with whether the candidate search (and its cheap prefilter) would have proposed it for verification. For tuning thresholds on a small
//! labelled set (it compares all pairs, so keep the folder small):
//!
//! `cargo run --release --example pair_signals -- DIR > pairs.jsonl`

use newsclean::cluster::{self, ClusterOptions, DocFreq};
use newsclean::{Config, pipeline, read};

fn main() -> anyhow::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: pair_signals DIR"))?;
    let cfg = Config::default();
    let inputs = read::collect_inputs(&[dir.into()], &cfg);
    let articles: Vec<_> = inputs
        .files
        .iter()
        .filter_map(|p| pipeline::process_file(p, &cfg).ok())
        .collect();
    let fps: Vec<_> = articles.iter().map(|a| &a.fingerprint).collect();
    let df = DocFreq::count(&fps);
    let opts = ClusterOptions::default();
    let keys: Vec<cluster::Keys> = fps.iter().map(|&fp| cluster::Keys::from(fp)).collect();
    let candidates: std::collections::HashSet<(u32, u32)> =
        cluster::candidate_pairs(&keys, &df, &opts)
            .into_iter()
            .collect();
    let prepared: Vec<_> = articles
        .iter()
        .map(|a| cluster::prepare(&a.fingerprint, cluster::article_day(a), &df))
        .collect();
    for i in 0..articles.len() {
        for j in i + 1..articles.len() {
            let v = cluster::compare(&prepared[i], &prepared[j], &opts);
            let line = serde_json::json!({
                "a": articles[i].path.file_name().map(|n| n.to_string_lossy()),
                "b": articles[j].path.file_name().map(|n| n.to_string_lossy()),
                "candidate": candidates.contains(&(i as u32, j as u32)),
                "rule": v.rule,
                "signals": v.signals,
            });
            println!("{line}");
        }
    }
    Ok(())
}

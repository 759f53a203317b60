//! What the pipeline needs to know, apart from what the user typed.
//!
//! `Config` is built by the binary from its command line (`cli.rs`) or by a library user directly;
//! nothing in here knows about clap. Every threshold and limit the stages use lives here with its
//! default, so a test can change one knob without touching the others.

use std::collections::BTreeSet;

/// Everything a run of the pipeline depends on.
#[derive(Debug, Clone)]
pub struct Config {
    /// Files larger than this are skipped with a `TooLarge` issue instead of being read.
    pub max_file_bytes: u64,
    /// File name extensions (lowercase, no dot) that directory walks pick up.
    pub extensions: BTreeSet<String>,
    /// Whether a directory walk also picks up files that have no extension at all.
    pub include_extensionless: bool,
    /// Whether a directory walk enters hidden files and directories (names starting with `.`).
    pub include_hidden: bool,
    /// Whether a directory walk follows symbolic links (loops are detected and reported).
    pub follow_links: bool,
    /// Whether copies of one story are grouped into one record (`false`: one record per file).
    pub dedup: bool,
    /// Whether records carry what each stage did (`members[].explain`).
    pub explain: bool,
    /// Worker threads; 0 means one per core.
    pub jobs: usize,
    /// Options of the text-repair stage.
    pub repair: crate::repair::RepairOptions,
    /// Options of the boilerplate stage (phrase library, thresholds, cross-document counting).
    pub boilerplate: crate::boilerplate::BoilerplateOptions,
    /// Thresholds and limits of story clustering.
    pub cluster: crate::cluster::ClusterOptions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_file_bytes: 16 * 1024 * 1024,
            extensions: ["txt".to_string()].into_iter().collect(),
            include_extensionless: true,
            include_hidden: false,
            follow_links: true,
            dedup: true,
            explain: false,
            jobs: 0,
            repair: crate::repair::RepairOptions::default(),
            boilerplate: crate::boilerplate::BoilerplateOptions::default(),
            cluster: crate::cluster::ClusterOptions::default(),
        }
    }
}

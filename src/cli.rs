//! The command line: clap types, `--help` text with examples, and the conversion from what the
//! user typed (`Args`) into what the library needs (`Config`). Binary only.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use newsclean::Config;
use newsclean::cluster::ClusterOptions;

const INGEST_EXAMPLES: &str = "\
Examples:
  # one JSON line per story, for every .txt file under scraped/
  newsclean ingest scraped/

  # titles of stories that at least three files carry
  newsclean ingest scraped/ | jq -r 'select(.members | length >= 3) | .title'

  # paths from find, NUL-separated; one record per file, no clustering
  find scraped -name '*.txt' -mtime -1 -print0 | newsclean ingest --null --no-dedup -

  # from cron: read only new files, write only new or changed stories
  newsclean ingest -q scraped/ --state /var/lib/newsclean/state.db >> stories.jsonl";

const TOP_EXAMPLES: &str = "\
Examples:
  newsclean ingest scraped/ > stories.jsonl
  newsclean ingest scraped/ | jq -r '.members[].path'
  newsclean fix < damaged.txt > repaired.txt
  newsclean clean scraped/some-article.txt
  newsclean compare scraped/wire.txt scraped/farm.txt";

/// Turn scraped news-article text files into clean, deduplicated stories (JSON lines on stdout).
#[derive(Debug, Parser)]
#[command(name = "newsclean", version, about, after_help = TOP_EXAMPLES)]
pub struct Args {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles, repair and clean them, group copies of one story, write one JSON line per story
    #[command(after_help = INGEST_EXAMPLES)]
    Ingest(IngestArgs),
    /// Repair mojibake in text (a file or stdin) and write it to stdout
    Fix(FixArgs),
    /// Show one article cleaned, for reading: title, byline, date, then the body
    Clean(CleanArgs),
    /// Compare two articles: print every clustering signal and whether they are one story
    Compare(CompareArgs),
    /// Look after a state file: counts, export, pruning, compaction
    State(StateArgs),
    /// Print a shell completion script to stdout
    Completions {
        /// The shell to complete for
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout
    Man,
}

/// When to draw a progress bar on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProgressMode {
    /// Only when stderr is a terminal and --quiet is off
    Auto,
    /// Always (still on stderr)
    Always,
    /// Never
    Never,
}

#[derive(Debug, clap::Args)]
pub struct IngestArgs {
    /// Files and directories to read (directories recursively); `-` reads a list of paths from stdin
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// One record per input file: repair, boilerplate and extraction still run, clustering does not
    #[arg(long)]
    pub no_dedup: bool,

    /// Records carry what each stage did (repair steps, removed lines, extracted fields)
    #[arg(long)]
    pub explain: bool,

    /// Extensions to pick up inside directories, comma-separated; files without an extension are
    /// always taken, and files named on the command line are taken whatever their extension
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        default_value = "txt"
    )]
    pub ext: Vec<String>,

    /// Do not pick up extension-less files inside directories
    #[arg(long)]
    pub no_extensionless: bool,

    /// Also enter hidden files and directories (names starting with a dot)
    #[arg(long)]
    pub hidden: bool,

    /// Do not follow symbolic links inside directories
    #[arg(long)]
    pub no_follow: bool,

    /// Skip files larger than this (bytes, or with a K, M or G suffix)
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_file_size: u64,

    /// With `-`: paths on stdin are separated by NUL bytes (find -print0) instead of newlines
    #[arg(short = '0', long)]
    pub null: bool,

    /// Worker threads (default: one per core, and two per core while files are read, so the
    /// disk and the cores both stay busy)
    #[arg(short, long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Print only errors on stderr: no summary, no skipped-file lines, no progress
    #[arg(short, long)]
    pub quiet: bool,

    /// When to draw a progress bar on stderr
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub progress: ProgressMode,

    #[command(flatten)]
    pub cluster: ClusterFlags,

    /// Extra boilerplate rules, one `KIND FAMILY PATTERN` a line (KIND: line, prefix, contains,
    /// regex, tail, keep; see the README), added to the built-in phrase library
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// Do not count lines repeated across the batch's stories (saves the extra read of every
    /// file that counting needs; phrase rules and text features still apply)
    #[arg(long)]
    pub no_repeats: bool,

    /// Remember files and stories in this state file (SQLite, created if missing): unchanged
    /// files are not read again and only new or changed stories are written
    #[arg(long, value_name = "PATH")]
    pub state: Option<PathBuf>,

    /// With --state: which stories to write [default: changed]
    #[arg(long, value_enum, value_name = "WHICH", requires = "state")]
    pub emit: Option<EmitArg>,

    /// With --state: fail at once if another run is using the state file, instead of waiting
    #[arg(long, requires = "state")]
    pub no_wait: bool,

    /// With --state: do everything but write the state file
    #[arg(long, requires = "state")]
    pub dry_run: bool,

    /// With --state: files read per batch; each batch is committed on its own, and Ctrl-C stops
    /// the run after the current one [default: 10000]
    #[arg(long, value_name = "N", requires = "state")]
    pub batch_files: Option<usize>,
}

/// Which stories a --state run writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EmitArg {
    /// Stories seen for the first time
    New,
    /// New stories and stories that gained members or a better canonical text
    Changed,
    /// Every story the state file holds, each with its status
    All,
}

impl From<EmitArg> for newsclean::incremental::EmitMode {
    fn from(arg: EmitArg) -> Self {
        match arg {
            EmitArg::New => Self::New,
            EmitArg::Changed => Self::Changed,
            EmitArg::All => Self::All,
        }
    }
}

/// Clustering thresholds, shared by `ingest` and `compare`.
#[derive(Debug, Clone, clap::Args)]
pub struct ClusterFlags {
    /// Least share of the shorter text found verbatim in the other for two files to be copies
    /// (0 to 1)
    #[arg(long, value_name = "X", default_value_t = ClusterOptions::default().copy_threshold, value_parser = parse_unit)]
    pub copy_threshold: f64,

    /// Least rewrite score (aligned sentences, shared names and figures, title) for a
    /// paraphrase to join a story (0 to 1; higher joins fewer)
    #[arg(long, value_name = "X", default_value_t = ClusterOptions::default().rewrite_threshold, value_parser = parse_unit)]
    pub rewrite_threshold: f64,
}

impl ClusterFlags {
    /// The clustering options these flags ask for.
    pub fn options(&self) -> ClusterOptions {
        ClusterOptions {
            copy_threshold: self.copy_threshold,
            rewrite_threshold: self.rewrite_threshold,
            ..ClusterOptions::default()
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  newsclean compare scraped/wire.txt scraped/farm.txt
  newsclean compare --json a.txt b.txt | jq .signals")]
pub struct CompareArgs {
    /// The first article file
    #[arg(value_name = "A")]
    pub a: PathBuf,

    /// The second article file
    #[arg(value_name = "B")]
    pub b: PathBuf,

    /// Print one JSON object instead of aligned text
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub cluster: ClusterFlags,
}

/// Parses a number between 0 and 1.
fn parse_unit(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number (try 0.5)"))?;
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        Err(format!("'{text}' is outside 0 to 1"))
    }
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  newsclean fix < page.txt > page.fixed.txt
  newsclean fix --explain article.txt > article.fixed.txt
  printf '%s\\n' '{\"text\": \"Caf\u{c3}\u{a9}\"}' | newsclean fix --jsonl | jq -r .text")]
pub struct FixArgs {
    /// The file to repair; `-` or nothing reads stdin
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// Read JSON lines with a "text" field and write them back with the text repaired
    #[arg(long)]
    pub jsonl: bool,

    /// Print the repair steps of each changed line on stderr
    #[arg(long)]
    pub explain: bool,

    /// Also turn curly quotes into straight ones (changes correct text)
    #[arg(long)]
    pub straighten_quotes: bool,

    /// Also fold full-width and half-width characters to normal width (changes correct text)
    #[arg(long)]
    pub fold_width: bool,

    /// Leave HTML entities such as `&amp;` and `&#8217;` as they are
    #[arg(long)]
    pub keep_entities: bool,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  newsclean state stats --state /var/lib/newsclean/state.db
  newsclean state export --state state.db | jq -r '.title'
  newsclean state prune --older-than 30d --state state.db")]
pub struct StateArgs {
    #[command(subcommand)]
    pub action: StateAction,

    /// The state file
    #[arg(long, value_name = "PATH", global = true, required = false)]
    pub state: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum StateAction {
    /// Print what the state file holds
    Stats,
    /// Write every remembered story as a JSON line, sorted by id
    Export,
    /// Forget files not seen for a while, and the stories left without files
    Prune {
        /// Age, e.g. 30d, 12h, 2w (s, m, h, d, w)
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        older_than: u64,
    },
    /// Rebuild the file to give back space freed by pruning
    Vacuum,
}

#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// The article file
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Also list, on stderr, what each stage did
    #[arg(long)]
    pub explain: bool,

    /// Extra boilerplate rules file (same format as `ingest --rules`)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,

    /// Skip files larger than this (bytes, or with a K, M or G suffix)
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    pub max_file_size: u64,
}

impl IngestArgs {
    /// The pipeline configuration this command line asks for (fails on a bad `--rules` file).
    pub fn config(&self) -> anyhow::Result<Config> {
        let extensions: BTreeSet<String> = self
            .ext
            .iter()
            .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
            .filter(|e| !e.is_empty())
            .collect();
        Ok(Config {
            max_file_bytes: self.max_file_size,
            extensions,
            include_extensionless: !self.no_extensionless,
            include_hidden: self.hidden,
            follow_links: !self.no_follow,
            dedup: !self.no_dedup,
            explain: self.explain,
            jobs: self.jobs,
            cluster: self.cluster.options(),
            boilerplate: newsclean::boilerplate::BoilerplateOptions {
                cross_document: !self.no_repeats,
                ..boilerplate_options(self.rules.as_deref())?
            },
            ..Config::default()
        })
    }
}

/// Boilerplate options with the built-in phrase library plus the rules in `file`, if any.
pub fn boilerplate_options(
    file: Option<&std::path::Path>,
) -> anyhow::Result<newsclean::boilerplate::BoilerplateOptions> {
    let mut opts = newsclean::boilerplate::BoilerplateOptions::default();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("{}: cannot read rules file: {e}", path.display()))?;
        let rules =
            newsclean::boilerplate::patterns::Rules::with_extra(&path.display().to_string(), &text)
                .map_err(|e| anyhow::anyhow!("{e} (see the README for the rules format)"))?;
        opts.rules = std::sync::Arc::new(rules);
    }
    Ok(opts)
}

/// Parses `4096`, `64K`, `16M`, `1G` (powers of 1024; a trailing `B` or `iB` is allowed).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_uppercase();
    let t = t
        .strip_suffix("IB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(&t);
    let (digits, shift) = match t.chars().last() {
        Some('K') => (&t[..t.len() - 1], 10),
        Some('M') => (&t[..t.len() - 1], 20),
        Some('G') => (&t[..t.len() - 1], 30),
        _ => (t, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a size (try 4096, 64K, 16M or 1G)"))?;
    n.checked_mul(1u64 << shift)
        .ok_or_else(|| format!("'{text}' is too large"))
}

/// Parses an age such as `30d`, `12h`, `90m`, `2w`, `45s` into seconds.
pub fn parse_age(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let unit = t.chars().last().ok_or("an age is needed, e.g. 30d")?;
    let (digits, secs) = match unit {
        's' => (&t[..t.len() - 1], 1),
        'm' => (&t[..t.len() - 1], 60),
        'h' => (&t[..t.len() - 1], 3600),
        'd' => (&t[..t.len() - 1], 86_400),
        'w' => (&t[..t.len() - 1], 7 * 86_400),
        _ => return Err(format!("'{text}' has no unit (try 30d, 12h, 2w)")),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{text}' is not an age (try 30d, 12h, 2w)"))?;
    n.checked_mul(secs)
        .ok_or_else(|| format!("'{text}' is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn sizes_take_suffixes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("64k"), Ok(64 * 1024));
        assert_eq!(parse_size("16M"), Ok(16 << 20));
        assert_eq!(parse_size("1GiB"), Ok(1 << 30));
        assert!(parse_size("lots").is_err());
    }

    #[test]
    fn thresholds_are_between_zero_and_one() {
        assert_eq!(parse_unit("0.35"), Ok(0.35));
        assert!(parse_unit("1.5").is_err());
        assert!(parse_unit("half").is_err());
        let args = Args::parse_from(["newsclean", "ingest", "--rewrite-threshold", "0.6", "d"]);
        let Command::Ingest(ingest) = args.command else {
            panic!("parsed as another command");
        };
        let cfg = ingest.config().expect("no rules file to read");
        assert_eq!(cfg.cluster.rewrite_threshold, 0.6);
        assert_eq!(cfg.cluster.copy_threshold, 0.5);
        assert_eq!(ClusterOptions::default().rewrite_threshold, 0.45);
    }

    #[test]
    fn ages_take_units() {
        assert_eq!(parse_age("30d"), Ok(30 * 86_400));
        assert_eq!(parse_age("12h"), Ok(12 * 3600));
        assert!(parse_age("30").is_err());
    }
}

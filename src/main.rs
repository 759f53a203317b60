//! The `newsclean` binary: parse the command line, run the library, map the outcome to an exit
//! code (0 ok, 1 some files failed, 2 nothing ran), draw progress on a terminal.

mod cli;

use std::ffi::OsString;
use std::io::{self, BufRead, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{CommandFactory, Parser};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use cli::{
    Args, CleanArgs, Command, CompareArgs, FixArgs, IngestArgs, ProgressMode, StateAction,
    StateArgs,
};
use newsclean::incremental::StateRun;
use newsclean::state::{Access, Store};
use newsclean::{Config, Event, cluster, pipeline, read, repair};
use signal_hook::consts::{SIGINT, SIGTERM};

/// mimalloc instead of the system allocator: a batch makes and frees hundreds of thousands of
/// small strings and vectors on several threads, which glibc's allocator serves more slowly. Built
/// without transparent huge pages (`no_thp`): a fresh 2 MiB page is zeroed whole when first
/// touched, which made the kernel time of a 100k-file run about 1.7 times longer.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e`, `mimalloc.h`; the sys crate
/// names no constant for it). A test below checks it by its default value.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc to keep freed memory instead of handing it back to the system after a second.
/// A run frees and refills memory in waves (texts, then articles, then records), and each page
/// handed back is zeroed by the kernel again when it is next touched: 9% of a 100k-file run in
/// `perf`. A batch process gains nothing from handing memory back before it exits, and its peak
/// barely moves (1.11 to 1.13 GB at 100k).
fn keep_freed_memory() {
    // SAFETY: sets one integer option; called first in `main`, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

fn main() -> ExitCode {
    keep_freed_memory();
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("newsclean: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> anyhow::Result<ExitCode> {
    match &args.command {
        Command::Ingest(ingest) => run_ingest(ingest),
        Command::Fix(fix) => run_fix(fix),
        Command::Clean(clean) => run_clean(clean),
        Command::Compare(compare) => run_compare(compare),
        Command::State(state) => run_state(state),
        Command::Completions { shell } => {
            let mut cmd = Args::command();
            clap_complete::generate(*shell, &mut cmd, "newsclean", &mut io::stdout().lock());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            clap_mangen::Man::new(Args::command()).render(&mut io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run_ingest(args: &IngestArgs) -> anyhow::Result<ExitCode> {
    let cfg = args.config()?;
    let roots = expand_stdin_paths(&args.paths, args.null)?;
    let inputs = read::collect_inputs(&roots, &cfg);

    let show_progress = match args.progress {
        ProgressMode::Always => true,
        ProgressMode::Never => false,
        ProgressMode::Auto => !args.quiet && io::stderr().is_terminal(),
    };
    let bar = if show_progress {
        // indicatif's stderr target hides itself off a terminal; `always` means always.
        let target = if args.progress == ProgressMode::Always {
            ProgressDrawTarget::term_like_with_hz(Box::new(console::Term::stderr()), 20)
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg:10} [{elapsed_precise}] {wide_bar} {pos}/{len} files ({per_sec}, eta {eta})",
            )
            .expect("progress template is valid"),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let quiet = args.quiet;
    let on_event = |event: Event| match event {
        Event::Started { files } => bar.set_length(files as u64),
        Event::Stage(stage) => {
            // each pass over the files counts them again; a batch-wide step only names itself
            if stage != "clustering" {
                bar.set_position(0);
            }
            bar.set_message(stage);
        }
        Event::FileDone => bar.inc(1),
        Event::Issue(issue) => {
            if !quiet || issue.is_failure() {
                bar.suspend(|| eprintln!("newsclean: {issue}"));
            }
        }
    };

    let started = Instant::now();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut interrupted = None;
    let summary = match &args.state {
        None => pipeline::ingest(&inputs, &cfg, &mut out, &on_event)?,
        Some(path) => {
            let access = if args.dry_run {
                Access::ReadOnly
            } else if args.no_wait {
                Access::WriteNoWait
            } else {
                Access::Write
            };
            let mut store = Store::open(path, access)?;
            // The first Ctrl-C asks the run to stop after the batch it is in; a second one,
            // while it finishes, ends the process at once (the last commit stands).
            let stop = Arc::new(AtomicBool::new(false));
            for signal in [SIGINT, SIGTERM] {
                signal_hook::flag::register_conditional_shutdown(signal, 130, stop.clone())
                    .and_then(|_| signal_hook::flag::register(signal, stop.clone()))
                    .context("cannot install the Ctrl-C handler")?;
            }
            let run = StateRun {
                emit: args.emit.unwrap_or(cli::EmitArg::Changed).into(),
                dry_run: args.dry_run,
                batch_files: args.batch_files.unwrap_or(0),
                should_stop: &|| stop.load(Ordering::Relaxed),
            };
            let done = newsclean::incremental::ingest_with_state(
                &inputs, &cfg, &mut store, &run, &mut out, &on_event,
            )?;
            if done.left_unread > 0 {
                interrupted = Some(done.left_unread);
            }
            done.run
        }
    };
    bar.finish_and_clear();

    if !quiet {
        let secs = started.elapsed().as_secs_f64();
        let unchanged = if args.state.is_some() {
            format!(" ({} unchanged)", group_thousands(summary.unchanged))
        } else {
            String::new()
        };
        eprintln!(
            "newsclean: {} files{unchanged}, {} stories, {} skipped, {} failed in {:.2}s ({:.1} MB/s)",
            group_thousands(summary.files),
            group_thousands(summary.stories),
            group_thousands(summary.skipped),
            group_thousands(summary.failed),
            secs,
            summary.bytes as f64 / 1e6 / secs.max(1e-9),
        );
    }
    if let Some(left) = interrupted {
        eprintln!(
            "newsclean: interrupted; {} files left unread, the next run reads them",
            group_thousands(left)
        );
        return Ok(ExitCode::from(130));
    }
    if summary.articles == 0 && summary.failed > 0 {
        return Ok(ExitCode::from(2));
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Replaces a `-` among the paths by the paths listed on stdin (one per line, or NUL-separated).
fn expand_stdin_paths(paths: &[PathBuf], null_separated: bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::with_capacity(paths.len());
    let mut stdin_used = false;
    for path in paths {
        if path.as_os_str() != "-" {
            out.push(path.clone());
            continue;
        }
        if stdin_used {
            bail!("`-` (read paths from stdin) can be given only once");
        }
        stdin_used = true;
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("cannot read the list of paths from stdin")?;
        let sep = if null_separated { b'\0' } else { b'\n' };
        for item in bytes.split(|&b| b == sep) {
            let item = if null_separated {
                item
            } else {
                item.strip_suffix(b"\r").unwrap_or(item)
            };
            if !item.is_empty() {
                out.push(PathBuf::from(os_string_from_bytes(item.to_vec())));
            }
        }
    }
    Ok(out)
}

#[cfg(unix)]
fn os_string_from_bytes(bytes: Vec<u8>) -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(bytes)
}

#[cfg(not(unix))]
fn os_string_from_bytes(bytes: Vec<u8>) -> OsString {
    OsString::from(String::from_utf8_lossy(&bytes).into_owned())
}

fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn run_fix(args: &FixArgs) -> anyhow::Result<ExitCode> {
    let opts = repair::RepairOptions {
        straighten_quotes: args.straighten_quotes,
        fold_width: args.fold_width,
        decode_entities: !args.keep_entities,
    };
    let input: Box<dyn BufRead> = match &args.file {
        None => Box::new(io::stdin().lock()),
        Some(path) if path.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(path) => Box::new(io::BufReader::new(
            std::fs::File::open(path)
                .with_context(|| format!("{}: cannot open", path.display()))?,
        )),
    };
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let bad_lines = Mutex::new(0usize);
    fix_stream(input, &mut out, &opts, args, &bad_lines)?;
    out.flush().context("cannot write to stdout")?;
    let bad = *bad_lines.lock().expect("no other thread holds this lock");
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Longest piece of a line repaired at once in filter mode: a longer line is cut at a space, so
/// memory stays flat even on a huge file without newlines.
const MAX_PIECE_BYTES: usize = 1 << 18;

/// Repairs the input line by line, so memory stays flat whatever the input's size.
fn fix_stream(
    mut input: Box<dyn BufRead>,
    out: &mut impl Write,
    opts: &repair::RepairOptions,
    args: &FixArgs,
    bad_lines: &Mutex<usize>,
) -> anyhow::Result<()> {
    let mut buf = Vec::new();
    let mut carry = Vec::new();
    let mut line_no = 0usize;
    let mut in_line = false;
    loop {
        buf.clear();
        buf.append(&mut carry);
        let limit = if args.jsonl {
            u64::MAX
        } else {
            MAX_PIECE_BYTES.saturating_sub(buf.len()).max(1) as u64
        };
        let read = input
            .by_ref()
            .take(limit)
            .read_until(b'\n', &mut buf)
            .context("cannot read input")?;
        if read == 0 && buf.is_empty() {
            return Ok(());
        }
        if !in_line {
            line_no += 1;
        }
        let had_newline = buf.last() == Some(&b'\n');
        if !had_newline && !args.jsonl && buf.len() >= MAX_PIECE_BYTES {
            // An over-long line: repair up to its last space (or a character boundary) now,
            // the rest with what follows.
            let cut = match buf.iter().rposition(|&b| b == b' ') {
                Some(space) => space + 1,
                None => (1..=4.min(buf.len()))
                    .map(|back| buf.len() - back)
                    .find(|&at| buf[at] & 0xc0 != 0x80)
                    .unwrap_or(buf.len()),
            };
            carry.extend_from_slice(&buf[cut..]);
            buf.truncate(cut);
            in_line = true;
        } else {
            in_line = false;
        }
        let content = if had_newline {
            &buf[..buf.len() - 1]
        } else {
            &buf[..]
        };
        let text = String::from_utf8_lossy(content);
        if args.jsonl {
            match fix_json_line(&text, opts) {
                Ok((line, steps)) => {
                    report_steps(args, line_no, &steps);
                    out.write_all(line.as_bytes())?;
                }
                Err(why) => {
                    eprintln!("newsclean: line {line_no}: {why}");
                    *bad_lines.lock().expect("no other thread holds this lock") += 1;
                    out.write_all(content)?;
                }
            }
        } else {
            let (fixed, steps) = repair::fix(&text, opts);
            report_steps(args, line_no, &steps);
            out.write_all(fixed.as_bytes())?;
        }
        if had_newline {
            out.write_all(b"\n")?;
        }
    }
}

fn fix_json_line(
    line: &str,
    opts: &repair::RepairOptions,
) -> Result<(String, Vec<repair::Step>), String> {
    let mut value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON ({e}), copied unchanged"))?;
    let Some(text) = value.get("text").and_then(|t| t.as_str()) else {
        return Err("no string \"text\" field, copied unchanged".into());
    };
    let (fixed, steps) = repair::fix(text, opts);
    value["text"] = serde_json::Value::String(fixed);
    Ok((value.to_string(), steps))
}

fn report_steps(args: &FixArgs, line_no: usize, steps: &[repair::Step]) {
    if args.explain && !steps.is_empty() {
        let list: Vec<String> = steps
            .iter()
            .map(|s| format!("{} ×{}", s.action, s.count))
            .collect();
        eprintln!("line {line_no}: {}", list.join(", "));
    }
}

fn run_clean(args: &CleanArgs) -> anyhow::Result<ExitCode> {
    let cfg = Config {
        max_file_bytes: args.max_file_size,
        explain: true,
        boilerplate: cli::boilerplate_options(args.rules.as_deref())?,
        ..Config::default()
    };
    let article = match pipeline::process_file(&args.file, &cfg) {
        Ok(article) => article,
        Err(issue) => {
            eprintln!("newsclean: {issue}");
            return Ok(ExitCode::from(if issue.is_failure() { 2 } else { 1 }));
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let field = |name: &str, value: Option<&str>| format!("{name:<10}{}\n", value.unwrap_or("-"));
    let published = article
        .published
        .as_ref()
        .map(|p| p.iso.clone().unwrap_or_else(|| p.raw.clone()));
    out.write_all(field("Title:", article.title.as_deref()).as_bytes())?;
    out.write_all(field("Subtitle:", article.subtitle.as_deref()).as_bytes())?;
    out.write_all(field("Byline:", article.byline.as_deref()).as_bytes())?;
    out.write_all(field("Date:", published.as_deref()).as_bytes())?;
    out.write_all(field("Site:", article.site.as_deref()).as_bytes())?;
    out.write_all(field("Encoding:", Some(article.encoding)).as_bytes())?;
    writeln!(out)?;
    writeln!(out, "{}", article.body())?;
    out.flush()?;
    if args.explain
        && let Some(explain) = &article.explain
    {
        for step in &explain.repair {
            eprintln!("repair: {} ×{}", step.action, step.count);
        }
        for line in &explain.extracted {
            eprintln!("extracted: {line}");
        }
        for removed in &explain.removed {
            eprintln!(
                "removed line {} ({}): {}",
                removed.line, removed.reason, removed.text
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints every clustering signal for two files and the decision; exit 0 when they are one
/// story, 1 when not (so scripts can test it), 2 when a file cannot be read.
fn run_compare(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let cfg = Config {
        cluster: args.cluster.options(),
        ..Config::default()
    };
    let mut articles = Vec::new();
    for path in [&args.a, &args.b] {
        match pipeline::process_file(path, &cfg) {
            Ok(article) => articles.push(article),
            Err(issue) => {
                eprintln!("newsclean: {issue}");
                return Ok(ExitCode::from(2));
            }
        }
    }
    let verdict = cluster::compare_articles(&articles[0], &articles[1], &cfg.cluster);
    let mut out = BufWriter::new(io::stdout().lock());
    let decision = verdict.rule.unwrap_or("different stories");
    if args.json {
        let value = serde_json::json!({
            "a": args.a.to_string_lossy(),
            "b": args.b.to_string_lossy(),
            "rule": verdict.rule,
            "score": verdict.score,
            "signals": verdict.signals,
        });
        writeln!(out, "{value}")?;
    } else {
        writeln!(out, "{:<20}{}", "a", args.a.display())?;
        writeln!(out, "{:<20}{}", "b", args.b.display())?;
        for (name, value) in &verdict.signals {
            writeln!(out, "{name:<20}{value:.4}")?;
        }
        writeln!(
            out,
            "{:<20}{decision} (score {:.4}; copy needs containment >= {}, rewrite needs rewrite_score >= {})",
            "decision", verdict.score, cfg.cluster.copy_threshold, cfg.cluster.rewrite_threshold
        )?;
    }
    out.flush()?;
    Ok(if verdict.rule.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_state(args: &StateArgs) -> anyhow::Result<ExitCode> {
    let Some(path) = &args.state else {
        bail!("which state file? give it with --state PATH");
    };
    if !path.exists() {
        bail!("{}: no such state file", path.display());
    }
    let mut out = BufWriter::new(io::stdout().lock());
    match &args.action {
        StateAction::Stats => {
            let stats = Store::open(path, Access::ReadOnly)?.stats()?;
            writeln!(out, "state file      {}", path.display())?;
            writeln!(out, "schema version  {}", stats.schema_version)?;
            writeln!(
                out,
                "files           {}",
                group_thousands(stats.files as usize)
            )?;
            writeln!(
                out,
                "stories         {}",
                group_thousands(stats.stories as usize)
            )?;
            writeln!(
                out,
                "runs            {}",
                group_thousands(stats.runs as usize)
            )?;
            writeln!(out, "not yet written {}", stats.pending)?;
            match stats.last_run {
                Some(t) => writeln!(out, "last run        {}", format_utc(t))?,
                None => writeln!(out, "last run        never")?,
            }
            writeln!(
                out,
                "size on disk    {} bytes",
                group_thousands(stats.bytes_on_disk as usize)
            )?;
        }
        StateAction::Export => {
            let store = Store::open(path, Access::ReadOnly)?;
            store.each_story(|story| {
                out.write_all(story.record.as_bytes())?;
                out.write_all(b"\n")?;
                Ok(())
            })?;
        }
        StateAction::Prune { older_than } => {
            let mut store = Store::open(path, Access::Write)?;
            let cutoff = newsclean::state::unix_now() - *older_than as i64;
            let (files, stories) = store.prune(cutoff)?;
            eprintln!("newsclean: forgot {files} files and {stories} stories");
        }
        StateAction::Vacuum => {
            Store::open(path, Access::Write)?.vacuum()?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// `2026-11-23 14:05:09 UTC` from Unix seconds (civil-from-days, proleptic Gregorian).
fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_delay_option_is_the_one_mimalloc_has() {
        // 1000 ms is the default of `mi_option_purge_delay` in mimalloc v3 (`src/options.c`);
        // no neighbouring option has it
        // SAFETY: reads one integer option.
        let value = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(value, 1000);
    }

    #[test]
    fn utc_dates_are_civil() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(1_714_544_760), "2024-05-01 06:26:00 UTC");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(1234567), "1,234,567");
    }
}

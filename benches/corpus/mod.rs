//! A deterministic generator of scraped-news corpora, for the benchmark and for tests.
//!
//! In: a pool of real prose (titles and sentences) and a seed. Out: N article files written under a
//! folder, one sub-folder per made-up site, with sizes like real news (1 to 6 KB of body), and the
//! kinds of damage the pipeline exists for:
//!
//! - **boilerplate**: per-site headers and footers (navigation, notification and cookie prompts,
//!   newsletter and donation appeals, copyright lines, share bars), in several languages, and
//!   inline chrome inside the body ("Advertisement", "Read more: ...", a donation block);
//! - **mojibake**: on sites marked for it, some lines are UTF-8 re-decoded as windows-1252 or
//!   windows-1257 (`’` becomes `â€™` or `ā€™`), sometimes losing the C1 bytes as the seed does;
//! - **encodings**: a few files saved whole as windows-1252, a few as UTF-16LE with a BOM, some with
//!   CRLF line endings;
//! - **duplicate clusters**: about 30% of the files are copies of a recent story: exact
//!   republications under another site's chrome, trimmed copies (the last paragraphs cut), and
//!   lightly edited copies (words swapped, a sentence dropped, a new headline).
//!
//! Every choice comes from a hand-written splitmix64 generator with a fixed seed and the sources are
//! read in sorted order, so the same pool, seed and N give byte-identical files on every machine.
//! (A crate such as `rand` would do, but its streams are not promised stable across versions, and
//! the generator is twenty lines.)
//!
//! Stories are assembled from sentences sampled across the whole pool, so two distinct stories share
//! almost nothing, as two real unrelated articles would; the pool decides how real the words are.
//! `Sources::discover` uses `../shared/corpora/*.jsonl` when it exists (the benchmark) and the
//! project's own `fixtures/` text otherwise; tests build a pool with `Sources::from_articles`.
//! It never writes outside the folder it is given.

#![allow(dead_code)]

use std::fs;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use encoding_rs::{Encoding, WINDOWS_1252};

mod sites;
use sites::{EDITS, MONTHS, NAMES, SITES, Site};

/// splitmix64: small, fast, and its output is fixed by its definition.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose whole stream is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` must be positive).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// True with the given probability in percent.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The prose that stories are built from.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Headlines.
    pub titles: Vec<String>,
    /// Body sentences.
    pub sentences: Vec<String>,
    /// Where the text came from, for the report.
    pub origin: String,
}

impl Sources {
    /// Builds a pool from article texts laid out as scrapers save them: title on the first line,
    /// one paragraph per line after it.
    pub fn from_articles<S: AsRef<str>>(texts: &[S], origin: &str) -> Sources {
        let mut pool = Sources {
            origin: origin.to_string(),
            ..Sources::default()
        };
        for text in texts {
            pool.add_article(text.as_ref());
        }
        pool
    }

    fn add_article(&mut self, text: &str) {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let Some(first) = lines.next() else { return };
        let title_words: Vec<&str> = first.split_whitespace().collect();
        if title_words.len() <= 16 {
            self.titles.push(first.to_string());
        } else {
            // No headline (e.g. the Lee corpus): the first words stand in for one.
            self.titles.push(title_words[..8].join(" "));
            self.add_sentences(first);
        }
        for line in lines {
            self.add_sentences(line);
        }
    }

    fn add_sentences(&mut self, paragraph: &str) {
        let mut start = 0;
        let bytes = paragraph.as_bytes();
        for i in 0..bytes.len() {
            let ends = matches!(bytes[i], b'.' | b'?' | b'!')
                && bytes.get(i + 1) == Some(&b' ')
                && bytes.get(i + 2).is_some_and(|b| b.is_ascii_uppercase());
            if ends {
                self.push_sentence(&paragraph[start..=i]);
                start = i + 2;
            }
        }
        self.push_sentence(&paragraph[start..]);
    }

    fn push_sentence(&mut self, s: &str) {
        let s = s.trim();
        if s.len() >= 25 {
            self.sentences.push(s.to_string());
        }
    }

    /// Whether there is enough text to build stories from.
    pub fn is_usable(&self) -> bool {
        !self.titles.is_empty() && self.sentences.len() >= 4
    }

    /// The benchmark's pool: `../shared/corpora/*.jsonl` ("text" field of each line) next to the
    /// project when present, else every `.txt` under `fixtures/` (except `fixtures/hostile`).
    /// With `use_shared` false the fixtures are used even when the shared corpora exist (what a
    /// fresh clone gets).
    pub fn discover(manifest_dir: &Path, use_shared: bool) -> io::Result<Sources> {
        let shared = manifest_dir.join("../shared/corpora");
        let mut jsonl = if use_shared {
            list_files(&shared, "jsonl")
        } else {
            Vec::new()
        };
        jsonl.sort();
        if !jsonl.is_empty() {
            let mut texts = Vec::new();
            for path in &jsonl {
                let file = io::BufReader::new(fs::File::open(path)?);
                for line in file.lines() {
                    let line = line?;
                    let Ok(value) = serde_json::from_str::<serde_json::Value>(&line) else {
                        continue;
                    };
                    if let Some(text) = value.get("text").and_then(|t| t.as_str()) {
                        texts.push(text.to_string());
                    }
                }
            }
            let names: Vec<String> = jsonl
                .iter()
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            let pool = Sources::from_articles(
                &texts,
                &format!("../shared/corpora ({})", names.join(", ")),
            );
            if pool.is_usable() {
                return Ok(pool);
            }
        }
        let mut txt = list_files(&manifest_dir.join("fixtures"), "txt");
        txt.retain(|p| !p.components().any(|c| c.as_os_str() == "hostile"));
        txt.sort();
        // The project's own decoder reads the fixtures saved in legacy encodings and UTF-16.
        let texts: Vec<String> = txt
            .iter()
            .filter_map(|p| fs::read(p).ok())
            .map(|b| newsclean::decode::decode_bytes(&b).text)
            .collect();
        Ok(Sources::from_articles(
            &texts,
            &format!("fixtures/ ({} files)", texts.len()),
        ))
    }
}

/// Files with extension `ext` under `dir`, recursively (none when `dir` is missing).
fn list_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(list_files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
    out
}

/// A story before it is dressed in a site's chrome.
#[derive(Debug, Clone)]
struct Story {
    /// Index of the file that first carried this story (the cluster's id in the truth file).
    origin: usize,
    title: String,
    byline: String,
    date: String,
    paragraphs: Vec<String>,
}

/// What the generator wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusStats {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Files that start a story.
    pub originals: usize,
    /// Exact republications under other chrome.
    pub exact_copies: usize,
    /// Copies with the last paragraphs cut.
    pub trimmed_copies: usize,
    /// Copies with a few words changed, a sentence dropped or a new headline.
    pub edited_copies: usize,
    /// Files with mojibake lines.
    pub mojibake_files: usize,
    /// Files saved as windows-1252 or UTF-16LE instead of UTF-8.
    pub legacy_encoded_files: usize,
}

/// How many recent stories copies may be taken from (keeps memory flat at any N).
const RECENT_STORIES: usize = 256;

/// Writes `n` articles under `dir` (created if needed) and says what it wrote.
pub fn write_corpus(dir: &Path, n: usize, seed: u64, sources: &Sources) -> io::Result<CorpusStats> {
    write_corpus_with_truth(dir, n, seed, sources, &mut io::sink())
}

/// Like `write_corpus`, and also writes the ground truth to `truth`, one JSON line per file:
/// `{"path": "site/0000042.txt", "story": 17, "kind": "trimmed", "site": "site", "mojibake":
/// false, "encoding": "UTF-8", "crlf": false}`. Files with the same `story` are copies of one
/// story (`story` is the index of the file that first carried it); `kind` is `original`,
/// `exact` (same text, other chrome), `trimmed` or `edited`.
pub fn write_corpus_with_truth(
    dir: &Path,
    n: usize,
    seed: u64,
    sources: &Sources,
    truth: &mut dyn Write,
) -> io::Result<CorpusStats> {
    if !sources.is_usable() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "the text pool has too few titles or sentences",
        ));
    }
    let mut rng = Rng::new(seed);
    let mut stats = CorpusStats::default();
    let mut recent: Vec<Story> = Vec::with_capacity(RECENT_STORIES);
    for site in SITES {
        fs::create_dir_all(dir.join(site.slug))?;
    }
    for index in 0..n {
        let site_index = rng.below(SITES.len());
        let site = &SITES[site_index];
        let kind;
        let story = if recent.is_empty() || !rng.chance(30) {
            kind = "original";
            stats.originals += 1;
            let story = new_story(&mut rng, sources, index);
            if recent.len() < RECENT_STORIES {
                recent.push(story.clone());
            } else {
                recent[index % RECENT_STORIES] = story.clone();
            }
            story
        } else {
            let base = rng.pick(&recent).clone();
            match rng.below(3) {
                0 => {
                    stats.exact_copies += 1;
                    kind = "exact";
                    base
                }
                1 => {
                    stats.trimmed_copies += 1;
                    kind = "trimmed";
                    trim(&mut rng, base)
                }
                _ => {
                    stats.edited_copies += 1;
                    kind = "edited";
                    edit(&mut rng, base, sources)
                }
            }
        };
        let mut text = dress(&mut rng, site, &story);
        let mut mojibake = false;
        if let Some(enc) = site.mojibake
            && rng.chance(12)
        {
            text = mangle(&mut rng, &text, enc);
            stats.mojibake_files += 1;
            mojibake = true;
        }
        let (bytes, encoding, crlf) = encode_file(&mut rng, &text, site, &mut stats);
        let name = format!("{}/{index:07}.txt", site.slug);
        let mut file = io::BufWriter::new(fs::File::create(dir.join(&name))?);
        file.write_all(&bytes)?;
        file.flush()?;
        let line = serde_json::json!({
            "path": name,
            "story": story.origin,
            "kind": kind,
            "site": site.slug,
            "mojibake": mojibake,
            "encoding": encoding,
            "crlf": crlf,
        });
        writeln!(truth, "{line}")?;
        stats.files += 1;
        stats.bytes += bytes.len() as u64;
    }
    Ok(stats)
}

fn new_story(rng: &mut Rng, sources: &Sources, index: usize) -> Story {
    // Body size: 1 to 6 KB, more short articles than long ones (two uniform draws, the smaller).
    let target = 1000 + rng.below(5000).min(rng.below(5000));
    let mut paragraphs = Vec::new();
    let mut size = 0;
    while size < target {
        let sentences = 1 + rng.below(3);
        let mut paragraph = String::new();
        for _ in 0..sentences {
            if !paragraph.is_empty() {
                paragraph.push(' ');
            }
            let sentence: &String = rng.pick(&sources.sentences);
            paragraph.push_str(sentence);
        }
        size += paragraph.len() + 2;
        paragraphs.push(paragraph);
    }
    let day = index % 28 + 1;
    let month = rng.below(12);
    Story {
        origin: index,
        title: rng.pick(&sources.titles).clone(),
        byline: rng.pick(NAMES).to_string(),
        date: format!(
            "{day} {} 2024 {:02}:{:02}",
            MONTHS[month],
            rng.below(24),
            rng.below(60)
        ),
        paragraphs,
    }
}

/// Cuts the last 20 to 50 percent of the paragraphs (at least one stays).
fn trim(rng: &mut Rng, mut story: Story) -> Story {
    let keep = (story.paragraphs.len() * (50 + rng.below(31)) / 100).max(1);
    story.paragraphs.truncate(keep);
    story
}

/// Swaps a few words, maybe drops a sentence, maybe writes a new headline.
fn edit(rng: &mut Rng, mut story: Story, sources: &Sources) -> Story {
    for paragraph in &mut story.paragraphs {
        if rng.chance(40) {
            let (from, to) = rng.pick(EDITS);
            *paragraph = paragraph.replacen(from, to, 1);
        }
    }
    if story.paragraphs.len() > 2 && rng.chance(50) {
        let drop = rng.below(story.paragraphs.len());
        story.paragraphs.remove(drop);
    }
    if rng.chance(30) {
        story.title = rng.pick(&sources.titles).clone();
    }
    story
}

/// Lays a story out as the site's page, chrome included.
fn dress(rng: &mut Rng, site: &Site, story: &Story) -> String {
    let mut lines: Vec<String> = Vec::new();
    let headers = rng.below(site.header.len() + 1);
    lines.extend(site.header[..headers].iter().map(|s| s.to_string()));
    lines.push(story.title.clone());
    lines.push(format!("{}{}", site.byline_prefix, story.byline));
    lines.push(story.date.clone());
    let inline_at = if story.paragraphs.len() > 3 && rng.chance(50) {
        Some(1 + rng.below(story.paragraphs.len() - 2))
    } else {
        None
    };
    for (i, paragraph) in story.paragraphs.iter().enumerate() {
        if Some(i) == inline_at {
            lines.push(rng.pick(site.inline).to_string());
        }
        lines.push(if site.curly {
            curl_quotes(paragraph)
        } else {
            paragraph.clone()
        });
    }
    let footers = 1 + rng.below(site.footer.len());
    lines.extend(site.footer[..footers].iter().map(|s| s.to_string()));
    let mut text = lines.join("\n\n");
    text.push('\n');
    text
}

/// Straight quotes to typographic ones, as many publishing systems do.
fn curl_quotes(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut open = true;
    let mut prev = ' ';
    for c in text.chars() {
        match c {
            '\'' if prev.is_alphanumeric() => out.push('’'),
            '\'' => out.push('‘'),
            '"' => {
                out.push(if open { '“' } else { '”' });
                open = !open;
            }
            _ => out.push(c),
        }
        prev = c;
    }
    out
}

/// Re-decodes the UTF-8 of some non-ASCII lines through `enc`, the way a mis-set scraper did.
fn mangle(rng: &mut Rng, text: &str, enc: &'static Encoding) -> String {
    let lose_c1 = rng.chance(50);
    let mut out = String::with_capacity(text.len() + 256);
    for line in text.split_inclusive('\n') {
        if !line.is_ascii() && rng.chance(70) {
            let (decoded, _) = enc.decode_without_bom_handling(line.as_bytes());
            if lose_c1 {
                out.extend(
                    decoded
                        .chars()
                        .filter(|c| !('\u{80}'..='\u{9F}').contains(c)),
                );
            } else {
                out.push_str(&decoded);
            }
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The file's bytes, its encoding and whether it has CRLF line endings: mostly UTF-8; sometimes
/// CRLF, windows-1252 or UTF-16LE with a BOM.
fn encode_file(
    rng: &mut Rng,
    text: &str,
    site: &Site,
    stats: &mut CorpusStats,
) -> (Vec<u8>, &'static str, bool) {
    let crlf = rng.chance(10);
    let text = if crlf {
        text.replace('\n', "\r\n")
    } else {
        text.to_string()
    };
    let roll = rng.below(100);
    if roll < 3 && site.mojibake == Some(WINDOWS_1252) {
        let (bytes, _, unmappable) = WINDOWS_1252.encode(&text);
        if !unmappable {
            stats.legacy_encoded_files += 1;
            return (bytes.into_owned(), "windows-1252", crlf);
        }
    } else if roll == 99 {
        stats.legacy_encoded_files += 1;
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        return (bytes, "UTF-16LE", crlf);
    }
    (text.into_bytes(), "UTF-8", crlf)
}

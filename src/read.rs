//! Finding the input files and reading their bytes.
//!
//! In: the paths the user named (files, directories, or a list read from stdin by the binary).
//! Out: a sorted, de-duplicated list of files to process, plus one `FileIssue` for every path that
//! could not be listed; then, per file, its bytes or the reason it was skipped.
//!
//! Directory walks use `walkdir` (sorted by file name, so the order is the same on every machine;
//! symlink loops come back as errors instead of hanging). A file named explicitly is always taken,
//! whatever its extension; files found inside directories pass the extension filter and, unless
//! asked otherwise, hidden names (`.git`, `.cache`, `.DS_Store`) are skipped like `fd` and `rg` do.
//! Nothing here ever writes to or modifies an input.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::FastSet;
use crate::config::Config;
use crate::error::{FileIssue, IssueKind};

/// The files to process, in processing order, and the paths that could not be listed.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Regular files to read, sorted within each named root, each listed once.
    pub files: Vec<PathBuf>,
    /// Roots or directory entries that could not be listed (missing, denied, dangling, loops).
    pub issues: Vec<FileIssue>,
}

/// Expands `roots` into the list of files to process.
pub fn collect_inputs(roots: &[PathBuf], cfg: &Config) -> Inputs {
    let mut inputs = Inputs::default();
    let mut seen = FastSet::default();
    for root in roots {
        let meta = match std::fs::metadata(root) {
            Ok(meta) => meta,
            Err(err) => {
                let why = match std::fs::symlink_metadata(root) {
                    Ok(_) => broken_link_reason(&err),
                    Err(_) => io_reason(&err),
                };
                inputs
                    .issues
                    .push(FileIssue::new(root, IssueKind::Unreadable(why)));
                continue;
            }
        };
        if !meta.is_dir() {
            if seen.insert(root.clone()) {
                inputs.files.push(root.clone());
            }
            continue;
        }
        walk_dir(root, cfg, &mut inputs, &mut seen);
    }
    inputs
}

fn walk_dir(root: &Path, cfg: &Config, inputs: &mut Inputs, seen: &mut FastSet<PathBuf>) {
    let walker = WalkDir::new(root)
        .follow_links(cfg.follow_links)
        .sort_by(|a, b| name_bytes(a).cmp(name_bytes(b)))
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || cfg.include_hidden || !is_hidden(entry));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let why = if err.loop_ancestor().is_some() {
                    "symbolic link loop".to_string()
                } else if let Some(io) = err.io_error() {
                    let is_link =
                        std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
                    match std::fs::metadata(&path) {
                        Err(target_err) if is_link => broken_link_reason(&target_err),
                        _ => io_reason(io),
                    }
                } else {
                    err.to_string()
                };
                inputs
                    .issues
                    .push(FileIssue::new(path, IssueKind::Unreadable(why)));
                continue;
            }
        };
        if !entry.file_type().is_file() || !wants_extension(entry.path(), cfg) {
            continue;
        }
        let path = entry.into_path();
        if seen.insert(path.clone()) {
            inputs.files.push(path);
        }
    }
}

/// An entry's file name as bytes, cut from its path after the last separator: what
/// `DirEntry::file_name` gives, without parsing the path into components. The sort compares
/// names n log n times, and that parsing was most of the walk's time.
fn name_bytes(entry: &walkdir::DirEntry) -> &[u8] {
    let bytes = entry.path().as_os_str().as_encoded_bytes();
    let start = bytes
        .iter()
        .rposition(|&b| std::path::is_separator(char::from(b)))
        .map_or(0, |i| i + 1);
    &bytes[start..]
}

fn is_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.file_name().as_encoded_bytes().first() == Some(&b'.')
}

/// Whether a file found in a directory passes the `--ext` filter.
fn wants_extension(path: &Path, cfg: &Config) -> bool {
    match path.extension() {
        None => cfg.include_extensionless,
        Some(ext) => cfg
            .extensions
            .contains(&ext.to_string_lossy().to_ascii_lowercase()),
    }
}

/// Reads one file, refusing ones over the size cap and ones that are plainly not text.
pub fn read_file(path: &Path, cfg: &Config) -> Result<Vec<u8>, FileIssue> {
    let unreadable =
        |err: &std::io::Error| FileIssue::new(path, IssueKind::Unreadable(io_reason(err)));
    let file = File::open(path).map_err(|e| unreadable(&e))?;
    let meta = file.metadata().map_err(|e| unreadable(&e))?;
    if meta.is_dir() {
        return Err(FileIssue::new(
            path,
            IssueKind::Unreadable("is a directory".into()),
        ));
    }
    let limit = cfg.max_file_bytes;
    if meta.is_file() && meta.len() > limit {
        return Err(FileIssue::new(
            path,
            IssueKind::TooLarge {
                bytes: meta.len(),
                limit,
            },
        ));
    }
    // Read at most one byte past the cap, so a pipe or a file that grows under us is caught too.
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(&e))?;
    if bytes.len() as u64 > limit {
        return Err(FileIssue::new(
            path,
            IssueKind::TooLarge {
                bytes: bytes.len() as u64,
                limit,
            },
        ));
    }
    if let Some(what) = sniff_binary(&bytes) {
        return Err(FileIssue::new(path, IssueKind::Binary(what)));
    }
    Ok(bytes)
}

/// Magic numbers of formats that scrapers commonly save next to text by mistake.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "PDF"),
    (b"\xFF\xD8\xFF", "JPEG image"),
    (b"\x89PNG\r\n\x1A\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1F\x8B", "gzip data"),
    (b"PK\x03\x04", "zip archive"),
    (b"BZh", "bzip2 data"),
    (b"\xFD7zXZ\x00", "xz data"),
    (b"7z\xBC\xAF\x27\x1C", "7-zip archive"),
    (b"\x28\xB5\x2F\xFD", "zstd data"),
    (b"\x7FELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x00asm", "WebAssembly"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "OLE document"),
];

/// Says what `bytes` look like when they are not text, or `None` when they may be text.
///
/// UTF-16 (with or without a byte-order mark) has many NUL bytes and is text, so NULs count as
/// binary evidence only when they do not sit in the alternating pattern UTF-16 gives.
pub fn sniff_binary(bytes: &[u8]) -> Option<String> {
    for (magic, name) in MAGIC {
        if bytes.starts_with(magic) {
            return Some((*name).to_string());
        }
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("WebP image".into());
    }
    if crate::decode::utf16_without_bom(bytes).is_some() || crate::decode::has_utf16_bom(bytes) {
        return None;
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if let Some(pos) = memchr::memchr(0, head) {
        return Some(format!("NUL at byte {pos}"));
    }
    // Bytes below 0x20 bound the control bytes from above and count fast; only when they are
    // many are line breaks and tabs told apart from controls.
    // counted in byte lanes, 255 bytes at a time so a lane cannot overflow: vectorized, where a
    // filtered count is not
    let low: usize = head
        .chunks(255)
        .map(|chunk| usize::from(chunk.iter().fold(0u8, |n, &b| n + u8::from(b < 0x20))))
        .sum();
    if head.len() < 32 || low * 10 <= head.len() {
        return None;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B))
        .count();
    if controls * 10 > head.len() {
        return Some(format!(
            "{}% control bytes",
            controls * 100 / head.len().max(1)
        ));
    }
    None
}

/// Why a symbolic link cannot be followed, from the error of following it: its target is missing
/// (`dangling`), or links lead back to themselves (ELOOP, which std has no stable kind for, so it
/// is recognised by its message, the same on Linux, the BSDs and macOS).
fn broken_link_reason(err: &std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::NotFound {
        "dangling symbolic link".into()
    } else if err.to_string().contains("levels of symbolic links") {
        "symbolic link loop".into()
    } else {
        io_reason(err)
    }
}

/// A short, lowercase reason for an I/O error, without the OS error number.
fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::NotFound => "no such file or directory".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(cut) => text[..cut].to_lowercase(),
                None => text.to_lowercase(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_and_gzip_are_binary() {
        assert_eq!(sniff_binary(b"%PDF-1.7\n...").as_deref(), Some("PDF"));
        assert_eq!(
            sniff_binary(b"\x1F\x8B\x08\x00").as_deref(),
            Some("gzip data")
        );
    }

    #[test]
    fn nul_in_plain_bytes_is_binary_but_utf16_is_not() {
        assert_eq!(
            sniff_binary(b"hello\x00world").as_deref(),
            Some("NUL at byte 5")
        );
        let utf16: Vec<u8> = "Hello world, this is text"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(sniff_binary(&utf16), None);
    }

    #[test]
    fn ordinary_text_is_not_binary() {
        assert_eq!(
            sniff_binary("Title\n\nCafé au lait, 3 €.\n".as_bytes()),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_to_each_other_are_a_loop_not_dangling() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("temp dir");
        symlink("b.txt", dir.path().join("a.txt")).expect("symlink");
        symlink("a.txt", dir.path().join("b.txt")).expect("symlink");
        symlink("gone.txt", dir.path().join("c.txt")).expect("symlink");
        let inputs = collect_inputs(&[dir.path().to_path_buf()], &Config::default());
        let reasons: Vec<String> = inputs
            .issues
            .iter()
            .map(|i| match &i.kind {
                IssueKind::Unreadable(why) => why.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            reasons,
            [
                "symbolic link loop",
                "symbolic link loop",
                "dangling symbolic link"
            ]
        );
        let named = collect_inputs(&[dir.path().join("a.txt")], &Config::default());
        assert_eq!(
            named.issues[0].kind,
            IssueKind::Unreadable("symbolic link loop".into())
        );
    }

    #[test]
    fn extension_filter_takes_txt_and_bare_names() {
        let cfg = Config::default();
        assert!(wants_extension(Path::new("a/b.TXT"), &cfg));
        assert!(wants_extension(Path::new("a/README"), &cfg));
        assert!(!wants_extension(Path::new("a/b.html"), &cfg));
    }
}

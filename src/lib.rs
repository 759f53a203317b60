//! newsclean: scraped news-article text files in, clean deduplicated stories out.
//!
//! The pipeline, one module per stage, in order:
//!
//! 1. [`read`] walks the inputs in a stable order and reads each file's bytes (size and binary checks).
//! 2. [`decode`] turns bytes into text: BOM, UTF-8, UTF-16, legacy encodings via `chardetng`.
//! 3. [`repair`] undoes mojibake (UTF-8 read through the wrong code page), leaving good text alone.
//! 4. [`boilerplate`] marks each line as article or site chrome, with a reason.
//! 5. [`extract`] takes title, byline, date and site out of the kept lines.
//! 6. [`fingerprint`] sums up each article for matching; [`cluster`] groups the copies and
//!    rewrites of one story.
//! 7. [`canonical`] picks the member whose text becomes the story's body.
//! 8. [`record`] builds the output record (its doc is the format spec); [`emit`] writes JSON lines.
//!
//! [`pipeline`] runs them over a batch in parallel; [`incremental`] runs them against the
//! [`state`] store, so a run reads only new files and writes only changed stories. The library never prints or exits: records go
//! to a writer the caller passes in, problems and progress to a callback.

pub mod article;
mod ascii;
pub mod boilerplate;
pub mod canonical;
pub mod cluster;
pub mod config;
pub mod decode;
pub mod emit;
pub mod error;
pub mod extract;
pub mod fingerprint;
pub mod incremental;
pub mod pipeline;
pub mod read;
pub mod record;
pub mod repair;
pub mod state;

/// A hash map for lookups within one run (paths, words): foldhash rather than std's SipHash,
/// which was a visible cost over 100k paths and every body word of a story. Never iterated into
/// output, so its order never shows.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A hash set hashed like [`FastMap`], on the same terms.
pub(crate) type FastSet<T> = std::collections::HashSet<T, foldhash::fast::FixedState>;

pub use article::Article;
pub use config::Config;
pub use error::{FileIssue, IssueKind};
pub use pipeline::{Event, Summary, ingest, process_bytes, process_file};
pub use record::Story;

/// Helpers for the tests of several modules.
#[cfg(test)]
pub(crate) mod testing {
    /// The next value of a xorshift generator: fixed seeds keep the tests that check a fast path
    /// against a plain one on generated text repeatable.
    pub(crate) fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// A line of 1 to `max_pieces` (at most 8: seven bits of `seed` choose each) of `pieces`,
    /// chosen by the bits of `seed`, ending in `é` (so that it is never all ASCII).
    pub(crate) fn mixed_line(seed: u64, pieces: &[&str], max_pieces: usize) -> String {
        assert!((1..=8).contains(&max_pieces), "seven bits a piece");
        let len = 1 + (seed % max_pieces as u64) as usize;
        let mut line: String = (0..len)
            .map(|k| pieces[((seed >> (7 * k + 3)) % pieces.len() as u64) as usize])
            .collect();
        line.push('é');
        line
    }
}

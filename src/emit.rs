//! Writing records as JSON lines to any `io::Write`.
//!
//! One `serde_json` object per line, `\n`-terminated, no pretty-printing. Errors (a closed pipe
//! included) are returned to the caller, who decides that a broken pipe is a quiet end.

use std::io::{self, Write};

use crate::record::Story;

/// Writes one story as a JSON line.
pub fn write_story<W: Write>(out: &mut W, story: &Story) -> io::Result<()> {
    serde_json::to_writer(&mut *out, story).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

//! `zyz text FILE`: a document's text, one paragraph or heading per line and a table row's cells
//! separated by ` | `, read from the file alone. As a git `textconv` it turns the archived PDFs
//! into text for `git diff` and `git log -p`.

use std::io::Write;

use anyhow::Context;

use crate::Exit;
use crate::cli::TextArgs;

/// Entry point of `zyz text`.
pub fn run(args: &TextArgs) -> anyhow::Result<Exit> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let text = crate::extract::read(&bytes)
        .map_err(|err| anyhow::anyhow!("{}: {err}", args.file.display()))?;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.to_text().as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(Exit::Success),
    }
}

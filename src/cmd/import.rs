//! `zyz import FILE.xlsx…`: what the towns filled in, written back into the YAML in place. Every
//! row is checked first (the same rules as `zyz check`); any error, conflict included, means no
//! file is written. `--dry-run` prints the changes as a unified diff of the YAML instead.

use std::io::IsTerminal;

use similar::TextDiff;

use crate::Exit;
use crate::archive::Staged;
use crate::cli::ImportArgs;
use crate::diag::Diagnostic;
use crate::writeback;

/// Entry point of `zyz import`.
pub fn run(args: &ImportArgs) -> anyhow::Result<Exit> {
    if let Some(missing) = args.files.iter().find(|f| !f.is_file()) {
        anyhow::bail!("no such workbook: {} (找不到文件)", missing.display());
    }
    let outcome = writeback::import(&args.project.content, &args.files)?;
    let color = std::io::stderr().is_terminal();
    for d in &outcome.findings {
        eprint!("{}", render(d, color));
    }
    let errors = outcome.findings.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        eprintln!("{errors} errors: nothing written (改正后重新导入；未写入任何文件)");
        return Ok(Exit::Failure);
    }
    if args.dry_run {
        print!("{}", diff(&outcome.files));
        eprintln!(
            "{} files would change ({} workbooks; --dry-run: nothing written)",
            outcome.files.len(),
            outcome.books
        );
        return Ok(Exit::Success);
    }
    // every file staged before any is renamed into place: a write error leaves all as they were
    let staged = outcome
        .files
        .iter()
        .map(|f| Staged::new(&f.path, f.new.as_bytes()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for s in staged {
        s.commit()?;
    }
    for f in &outcome.files {
        eprintln!("updated {}", f.path.display());
    }
    eprintln!(
        "{} files updated from {} workbooks",
        outcome.files.len(),
        outcome.books
    );
    Ok(Exit::Success)
}

/// A finding: at a workbook cell `开张镇.xlsx!问题台账!J7: …`, else with its YAML source line.
fn render(d: &Diagnostic, color: bool) -> String {
    let at = d.file.display().to_string();
    if d.line == 0 && at.contains('!') {
        let mut s = format!("{at}: {}[{}]: {}\n", d.severity.label(), d.rule, d.message);
        if let Some(hint) = &d.hint {
            s += &format!("  = hint: {hint}\n");
        }
        s
    } else {
        let source = std::fs::read_to_string(&d.file).ok();
        d.render(source.as_deref(), color)
    }
}

/// The unified diff of every changed file, paths as given.
pub(super) fn diff(files: &[writeback::FileChange]) -> String {
    let mut out = String::new();
    for f in files {
        let name = f.path.display().to_string();
        let diff = TextDiff::from_lines(&f.old, &f.new);
        out += &diff
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{name}"), &format!("b/{name}"))
            .to_string();
    }
    out
}

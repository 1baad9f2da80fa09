//! `zyz import FILE.xlsx…`: what the towns filled in, written back into the YAML in place. Every
//! row is checked first (the same rules as `zyz check`); any error, conflict included, means no
//! file is written. `--dry-run` prints the changes as a unified diff of the YAML instead.
//! `zyz import FILE.docx…`: returned drafts the same way (`drafts.rs`). At most the first
//! [`MAX_SHOWN`] findings of a file are printed, then how many more there are.

use std::io::IsTerminal;

use similar::TextDiff;

use crate::Exit;
use crate::archive::Staged;
use crate::cli::ImportArgs;
use crate::diag::Diagnostic;
use crate::writeback::{self, FileChange};

mod drafts;

/// Findings printed per file; the rest are counted.
pub const MAX_SHOWN: usize = 50;

/// Entry point of `zyz import`.
pub fn run(args: &ImportArgs) -> anyhow::Result<Exit> {
    if let Some(missing) = args.files.iter().find(|f| !f.is_file()) {
        anyhow::bail!("no such file: {} (找不到文件)", missing.display());
    }
    let is_docx = |f: &std::path::PathBuf| {
        f.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("docx"))
    };
    let docx = args.files.iter().filter(|f| is_docx(f)).count();
    if docx == args.files.len() {
        return drafts::run(args);
    }
    if docx > 0 {
        anyhow::bail!(
            "import workbooks (.xlsx) and drafts (.docx) separately (填报表和征求意见稿请分开导入)"
        );
    }
    if args.summary.is_some() || args.reject_tracked {
        anyhow::bail!("--summary and --reject-tracked are for drafts (.docx) only");
    }
    let outcome = writeback::import(&args.project.content, &args.files, args.merge_older)?;
    let errors = print_findings(&outcome.findings);
    let sources = format!("{} workbooks", outcome.books);
    finish(&outcome.files, errors, args.dry_run, &sources)
}

/// The end of both imports: nothing written when there are errors; else the changed files shown
/// (`--dry-run`) or written. `sources` says what was read ("3 workbooks", "2 drafts").
pub(super) fn finish(
    files: &[FileChange],
    errors: usize,
    dry_run: bool,
    sources: &str,
) -> anyhow::Result<Exit> {
    if errors > 0 {
        eprintln!("{errors} errors: nothing written (改正后重新导入；未写入任何文件)");
        return Ok(Exit::Failure);
    }
    if dry_run {
        print!("{}", diff(files));
        eprintln!(
            "{} files would change ({sources}; --dry-run: nothing written)",
            files.len()
        );
        return Ok(Exit::Success);
    }
    commit(files)?;
    eprintln!("{} files updated from {sources}", files.len());
    Ok(Exit::Success)
}

/// Every file staged before any is renamed into place: a write error leaves all as they were.
fn commit(files: &[FileChange]) -> anyhow::Result<()> {
    let staged = files
        .iter()
        .map(|f| Staged::new(&f.path, f.new.as_bytes()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for s in staged {
        s.commit()?;
    }
    for f in files {
        eprintln!("updated {}", f.path.display());
    }
    Ok(())
}

/// Prints the findings, at most [`MAX_SHOWN`] per file (a workbook's or draft's cells and fields
/// count as its own), then a count of the rest; returns the number of errors.
fn print_findings(findings: &[Diagnostic]) -> usize {
    eprint!("{}", shown(findings, std::io::stderr().is_terminal()));
    findings.iter().filter(|d| d.is_error()).count()
}

/// What [`print_findings`] prints.
fn shown(findings: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    let mut per_file: std::collections::BTreeMap<String, usize> = Default::default();
    for d in findings {
        let file = d.file.display().to_string();
        let owner = file.split('!').next().unwrap_or_default().to_owned();
        let n = per_file.entry(owner).or_default();
        *n += 1;
        if *n <= MAX_SHOWN {
            out += &render(d, color);
        }
    }
    for (file, n) in &per_file {
        if *n > MAX_SHOWN {
            out += &format!("{file}: …另有 {} 处错误\n", group(*n - MAX_SHOWN));
        }
    }
    out
}

/// `7999951` → `7,999,951`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_shows_its_first_50_findings_then_a_count() {
        let at = |r: usize| {
            Diagnostic::error(
                format!("开张镇.xlsx!问题台账!J{r}"),
                0,
                0,
                "import.choice",
                "x",
            )
        };
        let mut findings: Vec<Diagnostic> = (1..=120).map(at).collect();
        findings.push(Diagnostic::error("城北.xlsx!问题台账!J2", 0, 0, "r", "y"));
        let text = shown(&findings, false);
        assert_eq!(text.matches("开张镇.xlsx!问题台账!J").count(), 50);
        assert!(text.contains("开张镇.xlsx!问题台账!J50:"));
        assert!(!text.contains("开张镇.xlsx!问题台账!J51:"));
        assert!(text.contains("开张镇.xlsx: …另有 70 处错误"), "{text}");
        assert!(text.contains("城北.xlsx!问题台账!J2"));
        assert_eq!(group(7_999_951), "7,999,951");
    }
}

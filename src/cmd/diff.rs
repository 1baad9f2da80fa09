//! `zyz diff [REV_A] [REV_B] [--format json] [--redline DIR]`: what changed in the documents
//! between two git revisions of the content and templates (default: HEAD and the working tree),
//! built in memory. Exit 0 when nothing changed, 1 when something did, 2 on a usage error.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

use crate::Exit;
use crate::cli::{DiffArgs, Format};
use crate::compare::git::{Repo, Side};
use crate::compare::text::{Change, marked};
use crate::compare::{DocReport, Version};
use crate::model::OutputFormat;
use crate::pipeline::{Options, Session};
use crate::typeset::Standard;

/// Entry point of `zyz diff`.
pub fn run(args: &DiffArgs) -> anyhow::Result<Exit> {
    let repo = Repo::discover(&args.project.content)?;
    let (content, templates) = (&args.project.content, &args.project.templates);
    let from = args.from.as_deref().unwrap_or("HEAD");
    let old_side = repo.revision(from, content, templates)?;
    let new_side = match &args.to {
        Some(rev) => repo.revision(rev, content, templates)?,
        None => repo.working_tree(content, templates),
    };
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let scratch = tempfile::Builder::new().prefix("zyz-diff-out-").tempdir()?;
    let old = version(args, &old_side, scratch.path(), jobs)?;
    let new = version(args, &new_side, scratch.path(), jobs)?;
    for version in [&old, &new] {
        if version.errors > 0 {
            eprintln!(
                "warning: {}: {} content error(s); its documents are compared as planned (hint: `zyz check` lists them; `zyz build` would not make the documents they block)",
                version.label, version.errors
            );
        }
    }
    let reports = crate::compare::compare(&old, &new, jobs);
    let mut findings = Vec::new();
    let mut redlines = Vec::new();
    if let Some(dir) = &args.redline {
        (redlines, findings) = crate::compare::write_redlines(&old, &new, &reports, dir);
    }
    let text = match args.format {
        Format::Json => json(&old.label, &new.label, &reports, &redlines)?,
        Format::Human => human(
            &old.label,
            &new.label,
            &reports,
            &redlines,
            args.redline.as_deref(),
        ),
    };
    for finding in &findings {
        eprintln!("{}", finding.render(None, false));
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e.into());
    }
    // an issued document whose data changed is not a change of its PDF (it stays as issued)
    let changed = reports
        .iter()
        .any(|r| r.status != "unchanged" && r.status != "frozen");
    Ok(if changed {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// Plans one side with its own templates and font roles; nothing is written (`out` is scratch).
fn version(args: &DiffArgs, side: &Side, out: &Path, jobs: usize) -> anyhow::Result<Version> {
    let options = Options {
        content: side.content.clone(),
        templates: side.templates.clone(),
        out: out.to_path_buf(),
        fonts: super::build::font_options(&args.fonts, &side.content)?,
        jobs,
        force: false,
        kinds: Vec::new(),
        towns: Vec::new(),
        shard: None,
        emit_typ: false,
        standard: Standard::PdfA2b,
        strict_layout: false,
        issuing: Default::default(),
        as_of: None,
        // what a document shows is compared on its PDF
        formats: Some(vec![OutputFormat::Pdf]),
    };
    let session = Session::new(options).with_context(|| format!("cannot set up {}", side.label))?;
    Version::plan(&side.label, session)
}

fn json(
    from: &str,
    to: &str,
    reports: &[DocReport],
    redlines: &[String],
) -> anyhow::Result<String> {
    let value = serde_json::json!({
        "from": from,
        "to": to,
        "documents": reports,
        "redlines": redlines,
    });
    Ok(serde_json::to_string_pretty(&value)? + "\n")
}

fn human(
    from: &str,
    to: &str,
    reports: &[DocReport],
    redlines: &[String],
    dir: Option<&Path>,
) -> String {
    let count = |s: &str| reports.iter().filter(|r| r.status == s).count();
    let mut out = format!(
        "zyz diff {from} → {to}: {} changed, {} added, {} removed, {} unchanged{}\n",
        count("changed"),
        count("added"),
        count("removed"),
        count("unchanged"),
        match count("frozen") {
            0 => String::new(),
            n => format!(", {n} issued (frozen)"),
        }
    );
    for report in reports.iter().filter(|r| r.status != "unchanged") {
        if let Some([wenhao, note]) = &report.issued {
            out.push_str(&format!("{:<8} {}\n", "issued", report.path));
            out.push_str(&format!("  {wenhao} {note}\n"));
            continue;
        }
        out.push_str(&format!("{:<8} {}\n", report.status, report.path));
        out.push_str(&details(report));
    }
    if let Some(dir) = dir {
        for path in redlines {
            out.push_str(&format!("redline  {}\n", dir.join(path).display()));
        }
    }
    out
}

/// A changed document's lines: page count, 文号, date, layout, then each changed place.
fn details(report: &DocReport) -> String {
    let mut out = String::new();
    if let Some([a, b]) = report.pages {
        out.push_str(&format!("  pages: {a} → {b}\n"));
    }
    if let Some([a, b]) = &report.wenhao {
        out.push_str(&format!("  文号: {a} → {b}\n"));
    }
    if let Some([a, b]) = &report.date {
        out.push_str(&format!("  date: {a} → {b}\n"));
    }
    if report.layout_only {
        out.push_str(
            "  layout only: the text is the same, the PDF differs (layout, drawing or structure)\n",
        );
    }
    for change in &report.changes {
        out.push_str(&format!("  {}: {}\n", place(change), excerpt(change, 20)));
    }
    for error in &report.errors {
        out.push_str(&format!("  not built: {}\n", error.trim_end()));
    }
    out
}

fn place(change: &Change) -> String {
    let p = &change.place;
    let what = match (p.what, p.number, p.table, p.row) {
        ("cell", _, Some(t), Some(r)) => {
            let column = p
                .column_name
                .clone()
                .unwrap_or_else(|| format!("column {}", p.column.unwrap_or(0)));
            format!("table {t} row {r}, {column}")
        }
        ("row", _, Some(t), Some(r)) => format!("table {t} row {r}"),
        (what, Some(n), _, _) => format!("{what} {n}"),
        (what, _, _, _) => what.to_owned(),
    };
    format!("{what} (p. {})", p.page)
}

/// The marked text with at most `context` unchanged characters around each change.
fn excerpt(change: &Change, context: usize) -> String {
    let n = change.spans.len();
    let mut spans = change.spans.clone();
    for (k, span) in spans.iter_mut().enumerate() {
        if span.op != "equal" {
            continue;
        }
        let chars: Vec<char> = span.text.chars().collect();
        let keep_head = k + 1 < n;
        let keep_tail = k > 0;
        if chars.len() > 2 * context + 1 || (!(keep_head && keep_tail) && chars.len() > context) {
            let head: String = chars[..context.min(chars.len())].iter().collect();
            let tail: String = chars[chars.len().saturating_sub(context)..]
                .iter()
                .collect();
            span.text = match (keep_tail, keep_head) {
                (true, true) => format!("{head}…{tail}"),
                (true, false) => format!("{head}…"),
                (false, true) => format!("…{tail}"),
                (false, false) => span.text.clone(),
            };
        }
    }
    marked(&spans)
}

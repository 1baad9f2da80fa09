//! Compare stage: the documents of two versions of the content and templates, planned and built
//! in memory (nothing in the output folder is touched), compared document by document: added,
//! removed, unchanged (same input hash: not even typeset) or changed — then what changed, in
//! document terms: the text of paragraphs, headings and table cells (read back from the PDFs by
//! the extract stage), the page count, the 文号 and the date, or "layout only". `--redline`
//! typesets each changed document once more from its marked context (a 修改对照稿).

pub mod git;
pub mod redline;
pub mod text;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::pipeline::{InMemory, Session, Timings};
use crate::plan::Doc;
use text::Change;

/// One version: its session (fonts, templates) and its planned documents by output path.
pub struct Version {
    pub label: String,
    pub session: Session,
    pub docs: BTreeMap<String, Doc>,
    /// Content errors of this version (its documents are compared all the same).
    pub errors: usize,
}

impl Version {
    /// Plans the documents of `session`'s content.
    pub fn plan(label: &str, session: Session) -> anyhow::Result<Self> {
        let prepared = session.prepare(&Timings::default())?;
        let errors = prepared
            .findings
            .iter()
            .filter(|d| d.is_error() && !d.rule.starts_with("standard"))
            .count();
        let docs = prepared
            .docs
            .into_iter()
            .map(|d| (d.path.clone(), d))
            .collect();
        Ok(Self {
            label: label.to_owned(),
            session,
            docs,
            errors,
        })
    }
}

/// What changed in one document.
#[derive(Debug, Clone, Serialize)]
pub struct DocReport {
    pub path: String,
    /// `added`, `removed`, `changed` or `unchanged`.
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<[usize; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wenhao: Option<[String; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<[String; 2]>,
    /// The text is the same and the pages differ.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub layout_only: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// Why a side could not be built (its changes are then unknown).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}

impl DocReport {
    fn new(path: &str, status: &'static str) -> Self {
        Self {
            path: path.to_owned(),
            status,
            pages: None,
            wenhao: None,
            date: None,
            layout_only: false,
            changes: Vec::new(),
            errors: Vec::new(),
        }
    }
}

/// Both sides of a changed document, built.
struct Built {
    pub old: Result<InMemory, Vec<Diagnostic>>,
    pub new: Result<InMemory, Vec<Diagnostic>>,
}

/// Compares the documents of two versions; `jobs` threads typeset the changed ones.
pub fn compare(old: &Version, new: &Version, jobs: usize) -> Vec<DocReport> {
    let mut reports = Vec::new();
    let mut stale = Vec::new();
    let paths: std::collections::BTreeSet<&String> =
        old.docs.keys().chain(new.docs.keys()).collect();
    for path in paths {
        match (old.docs.get(path), new.docs.get(path)) {
            (Some(_), None) => reports.push(DocReport::new(path, "removed")),
            (None, Some(_)) => reports.push(DocReport::new(path, "added")),
            (Some(a), Some(b)) if a.inputs_sha256 == b.inputs_sha256 => {
                reports.push(DocReport::new(path, "unchanged"))
            }
            _ => stale.push(path.clone()),
        }
    }
    let built = build_both(old, new, &stale, jobs);
    for path in &stale {
        reports.push(changed(&old.docs[path], &new.docs[path], &built[path]));
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    reports
}

/// The PDF identifier of a document built for comparison: the same on both sides, so the bytes
/// differ only where the pages do.
fn ident(path: &str) -> String {
    format!("zyz-diff/{path}")
}

/// Typesets both versions of each path on `jobs` threads (each takes the next document).
fn build_both(
    old: &Version,
    new: &Version,
    paths: &[String],
    jobs: usize,
) -> BTreeMap<String, Built> {
    // old and new side of each path, one after the other: results pair up by position
    let work: Vec<(&Version, &Doc)> = paths
        .iter()
        .flat_map(|p| [(old, &old.docs[p]), (new, &new.docs[p])])
        .collect();
    let next = AtomicUsize::new(0);
    let done = Mutex::new(BTreeMap::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, work.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&(version, doc)) = work.get(k) else {
                        break;
                    };
                    let context = doc.context.value();
                    let made = version
                        .session
                        .pdf_in_memory(doc, &context, "", &ident(&doc.path));
                    done.lock().unwrap().insert(k, made);
                }
            });
        }
    });
    let mut made = done.into_inner().unwrap().into_values();
    paths
        .iter()
        .map(|p| {
            let (old, new) = (made.next().expect("built"), made.next().expect("built"));
            (p.clone(), Built { old, new })
        })
        .collect()
}

/// The report of a document whose inputs differ.
fn changed(a: &Doc, b: &Doc, built: &Built) -> DocReport {
    let mut report = DocReport::new(&b.path, "changed");
    let wenhao = |d: &Doc| {
        d.number
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    };
    if wenhao(a) != wenhao(b) {
        report.wenhao = Some([wenhao(a), wenhao(b)]);
    }
    if a.date != b.date {
        report.date = Some([a.date.to_string(), b.date.to_string()]);
    }
    let (old, new) = match (&built.old, &built.new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            for side in [old, new] {
                if let Err(diagnostics) = side {
                    report
                        .errors
                        .extend(diagnostics.iter().map(|d| d.render(None, false)));
                }
            }
            return report;
        }
    };
    if old.pages != new.pages {
        report.pages = Some([old.pages, new.pages]);
    }
    match (
        crate::extract::read(&old.pdf),
        crate::extract::read(&new.pdf),
    ) {
        (Ok(x), Ok(y)) => report.changes = text::changes(&x, &y),
        (x, y) => report.errors.extend(x.err().into_iter().chain(y.err())),
    }
    let nothing_else = report.pages.is_none() && report.wenhao.is_none() && report.date.is_none();
    if report.changes.is_empty() && nothing_else {
        if old.pdf == new.pdf {
            report.status = "unchanged";
        } else {
            report.layout_only = true;
        }
    }
    report
}

/// Writes a 修改对照稿 of each changed document into `dir` (atomically, at the document's
/// output path); returns the paths written and the findings of those that could not be made.
pub fn write_redlines(
    old: &Version,
    new: &Version,
    reports: &[DocReport],
    dir: &Path,
) -> (Vec<String>, Vec<Diagnostic>) {
    let label = |v: &Version| match v.label.as_str() {
        "working tree" => "工作区".to_owned(),
        other => other.to_owned(),
    };
    let note = format!(
        "修改对照稿：{} → {}（删除的文字加删除线，增加的文字加下划线）",
        label(old),
        label(new)
    );
    let preamble = format!(
        "#import \"gongwen/lib.typ\": redline-note\n#redline-note.update({})\n",
        crate::render::escape::typst_string(&note)
    );
    let mut written = Vec::new();
    let mut findings = Vec::new();
    for report in reports.iter().filter(|r| r.status == "changed") {
        let (a, b) = (&old.docs[&report.path], &new.docs[&report.path]);
        let context = redline::marked(&a.context.value(), &b.context.value());
        let made = new
            .session
            .pdf_in_memory(b, &context, &preamble, &ident(&b.path));
        match made {
            Ok(made) => {
                let target = dir.join(&report.path);
                match crate::archive::write_atomic(&target, &made.pdf) {
                    Ok(()) => written.push(report.path.clone()),
                    Err(err) => findings.push(Diagnostic::error(
                        &target,
                        0,
                        0,
                        "write",
                        format!("{err:#}"),
                    )),
                }
                findings.extend(made.warnings.into_iter().map(|mut d| {
                    d.file = target.clone();
                    d
                }));
            }
            Err(errors) => findings.extend(errors),
        }
    }
    (written, findings)
}

//! Stage `writeback`: returned fill-in workbooks (填报表) and Word drafts (征求意见稿, `draft`,
//! `drafts`: fields, tracked changes, comments; `summary`: the 意见采纳情况汇总表) into the YAML,
//! in place; `package` opens either safely (bounds, no DTD, encrypted and truncated files named). `read` takes a
//! workbook apart with calamine; `changes` matches its rows to problems and tasks and compares
//! each value with the YAML and with the hash of what the workbook was made from (edits,
//! conflicts); `yamledit` rewrites only the changed scalars of a town's file at their source
//! locations; `verify` loads and checks the edited content with the model and check stages and
//! reports what the edits broke at the cell they came from. [`import`] does all of it and writes
//! nothing: the caller writes [`Outcome::files`] (atomically, through the archive stage) only
//! when [`Outcome::findings`] has no error.

#![allow(
    clippy::result_large_err,
    reason = "a finding is the error; one per workbook or row, never in a hot loop"
)]

mod changes;
pub mod draft;
pub mod drafts;
pub mod fix;
pub mod opinions;
pub mod package;
mod read;
pub mod summary;
mod verify;
mod yamledit;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

pub use changes::Edit;
pub use read::column_letters;

use crate::diag::Diagnostic;
use crate::model::{self, Content, Date};

/// One file the import changes.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// Relative to the content folder.
    pub rel: PathBuf,
    /// Where it is (content folder joined).
    pub path: PathBuf,
    pub old: String,
    pub new: String,
}

/// What importing the workbooks would do.
#[derive(Debug, Default)]
pub struct Outcome {
    pub files: Vec<FileChange>,
    /// Errors (any means nothing may be written) and warnings, cells first.
    pub findings: Vec<Diagnostic>,
    /// How many workbooks were read.
    pub books: usize,
}

impl Outcome {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }
}

/// Reads the workbooks and works out the edited YAML; writes nothing. A workbook made from older
/// content is refused unless `merge_older` (then merged cell by cell, conflicts reported).
pub fn import(content_dir: &Path, files: &[PathBuf], merge_older: bool) -> anyhow::Result<Outcome> {
    let loaded = model::load(content_dir)?;
    let mut out = Outcome {
        books: files.len(),
        ..Outcome::default()
    };
    let read: Vec<_> = files.par_iter().map(|f| read::read(f)).collect();
    let mut books = Vec::new();
    for r in read {
        match r {
            Ok(b) => books.push(b),
            Err(d) => out.findings.push(d),
        }
    }
    let changes = changes::changes(&loaded.content, &books, merge_older);
    out.findings.extend(changes.findings.iter().cloned());
    let ids = new_ids(&loaded.content, &changes.towns);
    let edited = edit_files(
        content_dir,
        &changes.towns,
        |(_, (rel, _))| rel.clone(),
        |old, (town, (_, edits))| {
            let town_ids = ids.get(*town).map(Vec::as_slice).unwrap_or_default();
            yamledit::apply(old, edits, town_ids)
        },
        "把表中的改动手工写入这个文件",
        &mut out.files,
        &mut out.findings,
    )?;
    if !out.has_errors() && !edited.is_empty() {
        out.findings
            .extend(verify::verify(&loaded, &edited, &changes, &ids)?);
    }
    Ok(out)
}

/// Applies `apply` to the file of each group of edits (`rel` names it): each changed file becomes
/// a [`FileChange`]; a file that cannot be edited in place is an error at the line it names.
/// Returns the edited text by file.
fn edit_files<G>(
    content_dir: &Path,
    groups: impl IntoIterator<Item = G>,
    rel: impl Fn(&G) -> PathBuf,
    apply: impl Fn(&str, &G) -> Result<String, (usize, String)>,
    hint: &str,
    files: &mut Vec<FileChange>,
    findings: &mut Vec<Diagnostic>,
) -> anyhow::Result<BTreeMap<PathBuf, String>> {
    let mut edited = BTreeMap::new();
    for group in groups {
        let rel = rel(&group);
        let path = content_dir.join(&rel);
        let old = std::fs::read_to_string(&path)?;
        match apply(&old, &group) {
            Ok(new) if new != old => {
                edited.insert(rel.clone(), new.clone());
                files.push(FileChange {
                    rel,
                    path,
                    old,
                    new,
                });
            }
            Ok(_) => {}
            Err((line, message)) => findings.push(
                Diagnostic::error(
                    &path,
                    line,
                    1,
                    "import.in-place",
                    format!("无法原地修改：{message}"),
                )
                .with_hint(hint),
            ),
        }
    }
    Ok(edited)
}

/// Fresh ids for the new problems, per town in edit order: `YYYY-Qn-NNN` after the year and
/// quarter of 发现时间, the serial one past the highest the city uses for that quarter (ids are
/// unique city-wide; see `check`'s `problem.id` and `problem.duplicate-id`).
fn new_ids(
    content: &Content,
    towns: &BTreeMap<String, (PathBuf, Vec<Edit>)>,
) -> BTreeMap<String, Vec<String>> {
    let mut highest: BTreeMap<String, u32> = BTreeMap::new();
    for p in content.towns.iter().flat_map(|t| &t.problems) {
        if let Some((prefix, serial)) = p.id.rsplit_once('-')
            && let Ok(n) = serial.parse::<u32>()
        {
            let e = highest.entry(format!("{prefix}-")).or_default();
            *e = (*e).max(n);
        }
    }
    let mut out = BTreeMap::new();
    for (town, (_, edits)) in towns {
        for edit in edits {
            let Edit::Append { fields } = edit else {
                continue;
            };
            let found = fields
                .iter()
                .find(|(k, _)| *k == "found")
                .and_then(|(_, v)| Date::parse(v).ok());
            let prefix = found.map_or("0000-Q0-".to_owned(), |d| {
                format!("{}-Q{}-", d.year, d.quarter())
            });
            let serial = highest.entry(prefix.clone()).or_default();
            *serial += 1;
            let id = format!("{prefix}{serial:03}");
            out.entry(town.clone()).or_insert_with(Vec::new).push(id);
        }
    }
    out
}

/// What importing returned drafts would do.
#[derive(Debug, Default)]
pub struct DraftOutcome {
    pub files: Vec<FileChange>,
    pub findings: Vec<Diagnostic>,
    /// Field edits, template edits and comments, in draft order (fields after the others).
    pub items: Vec<drafts::Item>,
    pub drafts: usize,
    /// `opinions.yaml` as it stands (before this import).
    pub opinions: Option<model::Opinions>,
}

impl DraftOutcome {
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(Diagnostic::is_error)
    }
}

/// How returned drafts are read.
#[derive(Debug, Clone, Copy, Default)]
pub struct DraftOptions {
    /// Ignore tracked changes (`--reject-tracked`).
    pub reject_tracked: bool,
    /// Merge drafts made from older content field by field (`--merge-older`).
    pub merge_older: bool,
}

/// Reads the returned drafts and works out the edited YAML and `opinions.yaml`; writes nothing.
pub fn import_drafts(
    content_dir: &Path,
    files: &[PathBuf],
    options: DraftOptions,
) -> anyhow::Result<DraftOutcome> {
    let loaded = model::load(content_dir)?;
    let mut out = DraftOutcome {
        drafts: files.len(),
        opinions: loaded.content.opinions.clone(),
        ..DraftOutcome::default()
    };
    let returned = read_drafts(files, options.reject_tracked, &mut out.findings);
    let now = drafts::Current {
        data: planned_data(&loaded.content),
        merge_older: options.merge_older,
    };
    let changes = drafts::changes(&loaded.content, content_dir, &returned, &now);
    out.findings.extend(changes.findings);
    out.items = changes.items;
    let edited = edit_files(
        content_dir,
        &by_file(&changes.edits),
        |(rel, _)| (*rel).clone(),
        |old, (_, edits)| yamledit::set_paths(old, edits),
        "把稿子中的改动手工写入这个文件",
        &mut out.files,
        &mut out.findings,
    )?;
    if !out.has_errors() && !edited.is_empty() {
        out.findings
            .extend(verify::verify_drafts(&loaded, &edited, &changes.edits)?);
    }
    if out.has_errors() {
        out.items.iter_mut().for_each(|item| item.adopted = false);
    } else {
        let opinions = out.opinions.as_ref();
        let file = opinions::file_change(content_dir, opinions, &out.items, &changes.titles)?;
        out.files.extend(file);
    }
    Ok(out)
}

/// The field edits by file: (path, YAML text) each.
fn by_file(edits: &[drafts::FieldEdit]) -> BTreeMap<PathBuf, Vec<(String, String)>> {
    let mut out: BTreeMap<PathBuf, Vec<(String, String)>> = BTreeMap::new();
    for e in edits {
        let edit = (e.path.clone(), e.value.clone());
        out.entry(e.rel.clone()).or_default().push(edit);
    }
    out
}

/// Each draft read, or why it cannot be (a finding).
fn read_drafts(
    files: &[PathBuf],
    reject_tracked: bool,
    findings: &mut Vec<Diagnostic>,
) -> Vec<draft::Returned> {
    let read: Vec<_> = files
        .par_iter()
        .map(|f| draft::read(f, reject_tracked).map_err(|r| (f, r)))
        .collect();
    let mut returned = Vec::new();
    for r in read {
        match r {
            Ok(d) => returned.push(d),
            Err((f, r)) => {
                findings.push(Diagnostic::error(f, 0, 0, r.rule, r.message).with_hint(r.hint))
            }
        }
    }
    returned
}

/// The data hash of every document the content plans now, by its path.
fn planned_data(content: &Content) -> BTreeMap<String, String> {
    let report = crate::check::check(content);
    crate::plan::documents(content, &report, &Default::default())
        .iter()
        .map(|d| (d.path.clone(), d.data_sha256()))
        .collect()
}

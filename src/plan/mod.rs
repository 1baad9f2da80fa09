//! Plan stage: which documents the content calls for — (kind, town, year) → output path,
//! template, the data the template reads (its context), the content files it depends on and the
//! hash of its inputs — and the glyph-coverage check of the data that goes into them. One file per
//! document family: `application`, `action_plan` (city and towns), `assessment` (ranking,
//! commendation, supervision notices), `ledger`, `designation` (public notice and decision),
//! `followup` (reminders and circulars after issued supervision notices), `cultivation`
//! (cultivation plans), `report` (the yearly report upwards), `opinions` (the 意见采纳情况汇总表
//! of returned drafts); `titles` breaks long titles.

mod action_plan;
mod application;
mod assessment;
mod cultivation;
pub mod designation;
mod followup;
mod ledger;
mod numbers;
mod opinions;
mod report;
pub mod sheets;
mod titles;

pub use assessment::add_days;
pub use ledger::ledger_rows;
pub use numbers::duplicate_numbers;
pub use titles::title_lines;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::check::Report;
use crate::diag::Diagnostic;
use crate::model::{Content, IssuedDoc, OutputFormat, Stage, Town};

pub use crate::model::KINDS;

/// One document to make.
#[derive(Debug, Clone)]
pub struct Doc {
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// The town id, or `None` for a city-wide document.
    pub town: Option<String>,
    pub year: i32,
    /// Relative to the output folder, `/`-separated, e.g. `2025/city/action-plan.pdf`.
    pub path: String,
    /// The template under `templates/`, e.g. `city-plan.typ.j2`.
    pub template: String,
    /// What the template reads.
    pub context: Context,
    /// The document date (成文日期).
    pub date: crate::model::Date,
    /// The content files it reads, relative to the content folder.
    pub inputs: Vec<PathBuf>,
    /// Filled in by the build: SHA-256 over the inputs, templates, fonts and tool version.
    pub inputs_sha256: String,
    /// Files made beside the PDF from the same context (the ledger's spreadsheet).
    pub sidecars: Vec<Sidecar>,
    /// The 文号, for the documents that carry one.
    pub number: Option<Number>,
    /// The register's entry once the document has been issued: it is never made again.
    pub issued: Option<Issued>,
    /// Why a follow-up (a reminder, a circular) is due, for `zyz build` to say.
    pub due: Option<String>,
}

/// An issued document's register entry, with its 文号 as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub entry: IssuedDoc,
    /// E.g. `永专领办发〔2025〕20号`.
    pub wenhao: String,
}

/// A document's 文号: the organ, the year and the serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number {
    /// The organ's id (city.yaml `organs`).
    pub organ: String,
    pub year: u16,
    pub serial: u32,
    /// As printed once issued, e.g. `永专领办发〔2025〕20号`.
    pub text: String,
    /// Where the YAML fixes the serial: the file and the field (e.g. `plan.yaml`, `issue.serial`);
    /// `None` when the plan gives it (supervision notices, numbered in rank order).
    pub fixed_at: Option<(PathBuf, String)>,
}

impl Doc {
    /// A document of `kind` at `path`, made by `template` from `context`; the build fills in its
    /// input hash.
    #[expect(
        clippy::too_many_arguments,
        reason = "one named field each, called once per family"
    )]
    fn new(
        kind: &'static str,
        town: Option<String>,
        year: i32,
        path: String,
        template: &str,
        context: Value,
        date: crate::model::Date,
        inputs: &[PathBuf],
    ) -> Self {
        Self {
            kind,
            town,
            year,
            path,
            template: template.to_owned(),
            context: context.into(),
            date,
            inputs: inputs.to_vec(),
            inputs_sha256: String::new(),
            sidecars: Vec::new(),
            number: None,
            issued: None,
            due: None,
        }
    }

    /// SHA-256 of what the document shows from the content: its context and date (not the
    /// templates, fonts or tool version the input hash also covers). A Word draft or workbook
    /// records it, and `zyz import` refuses one whose data the content no longer makes.
    pub fn data_sha256(&self) -> String {
        use sha2::{Digest, Sha256};
        let text = format!("date {}\ncontext {}", self.date, self.context.as_str());
        format!("{:x}", Sha256::digest(text.as_bytes()))
    }

    /// The document with its 文号.
    fn numbered(self, number: Number) -> Self {
        Self {
            number: Some(number),
            ..self
        }
    }
}

/// A file made beside a document's PDF from the same context, written atomically with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sidecar {
    /// Relative to the output folder, like [`Doc::path`].
    pub path: String,
    pub format: Format,
}

/// The format of a planned file; the export stage has one exporter for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The document itself.
    Pdf,
    /// A spreadsheet of the document's rows (the problem ledger's `ledger.xlsx`).
    Xlsx,
    /// The document as OFD (GB/T 33190-2016), `NAME.ofd` beside `NAME.pdf`.
    Ofd,
    /// The document as an editable Word draft (DOCX), `NAME.docx` beside `NAME.pdf`.
    Docx,
}

impl Format {
    /// The planned file format of an output format the configuration names (`None` for the PDF,
    /// which every document is anyway).
    pub fn of(format: OutputFormat) -> Option<Self> {
        match format {
            OutputFormat::Pdf => None,
            OutputFormat::Ofd => Some(Format::Ofd),
            OutputFormat::Docx => Some(Format::Docx),
        }
    }
}

/// Plans the files of `formats` beside every document's PDF (`NAME.ofd` for `ofd`), after
/// the files a family plans itself.
pub fn add_formats(docs: &mut [Doc], formats: &[OutputFormat]) {
    let mut formats = formats.to_vec();
    formats.sort();
    formats.dedup();
    for doc in docs {
        for &format in &formats {
            if let Some(planned) = Format::of(format) {
                let path = Path::new(&doc.path).with_extension(format.name());
                doc.sidecars.push(Sidecar {
                    path: path.to_string_lossy().replace('\\', "/"),
                    format: planned,
                });
            }
        }
    }
}

/// A document's context, kept as compact JSON text from the moment it is planned: text costs a
/// few kilobytes a document where a `Value` tree costs tens (2,003 planned documents held ~100 MB
/// of trees). The text is also what the document's input hash covers.
#[derive(Debug, Clone)]
pub struct Context(String);

impl From<Value> for Context {
    fn from(value: Value) -> Self {
        Self(value.to_string())
    }
}

impl Context {
    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tree the template reads.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).expect("a context is JSON we wrote")
    }
}

/// The register of issued documents, relative to the content folder.
pub const REGISTER: &str = crate::model::register::FILE;

/// The documents the content calls for, in a stable order. `issuing`: the paths `zyz issue` is
/// giving their 文号 now (a draft shows none where the serial is given at issue).
/// A town's application (when applying), and its cultivation plan (not yet designated) or
/// action plan (when it has tasks).
fn town_documents(
    content: &Content,
    report: &Report,
    town: &Town,
    year: i32,
    shared: &[PathBuf],
) -> Vec<Doc> {
    let inputs = town_inputs(content, town, shared);
    let mut docs = Vec::new();
    if town.designation.stage == Stage::Applying
        && let Some(verdict) = report.verdict(&town.id)
    {
        docs.push(application::application(
            content, town, verdict, year, &inputs,
        ));
    }
    if town.designation.stage == Stage::Cultivating {
        // a town not yet designated makes a cultivation plan instead of an action plan
        let verdict = report.verdict(&town.id);
        docs.push(cultivation::cultivation_plan(
            content, town, verdict, year, &inputs,
        ));
    } else if !town.tasks.is_empty() {
        docs.push(action_plan::town_plan(content, town, year, &inputs));
    }
    docs
}

pub fn documents(content: &Content, report: &Report, issuing: &BTreeSet<String>) -> Vec<Doc> {
    let city = &content.city;
    let year = i32::from(city.plan_year);
    // The register is not an input: issuing a document must not make the others stale.
    // Nor is opinions.yaml: it is read only by the summaries of the opinions it holds.
    let register = Path::new(REGISTER);
    let opinions_file = Path::new(crate::model::opinions::FILE);
    let files = || {
        content
            .files
            .iter()
            .filter(|f| f.path != register && f.path != opinions_file)
    };
    let shared: Vec<PathBuf> = files()
        .filter(|f| f.town.is_none())
        .map(|f| f.path.clone())
        .collect();
    let all: Vec<PathBuf> = files().map(|f| f.path.clone()).collect();

    let mut docs = vec![action_plan::city_plan(content, year, &shared)];
    // each town's own documents, planned in parallel (1,000 towns: a third of a rebuild's time
    // on one thread), in town order
    let own: Vec<Vec<Doc>> = (content.towns.par_iter())
        .map(|town| town_documents(content, report, town, year, &shared))
        .collect();
    docs.extend(own.into_iter().flatten());
    if content.towns.iter().any(|t| !t.problems.is_empty()) {
        // the ledger reads the office and the towns, not the plan or the assessment
        let ledger_inputs: Vec<PathBuf> = content
            .files
            .iter()
            .filter(|f| f.town.is_some() || f.path == Path::new("city.yaml"))
            .map(|f| f.path.clone())
            .collect();
        docs.push(ledger::ledger(content, year, &ledger_inputs));
    }
    docs.extend(designation::documents(content, report, year, &all));
    docs.extend(report::annual_report(content, report, year, &all));
    if let Some(assessment) = &content.assessment {
        docs.extend(assessment::documents(
            content, assessment, year, &all, issuing,
        ));
        // last: follow-ups take the serials nothing else holds
        let due = followup::documents(content, assessment, &all, issuing, &docs);
        docs.extend(due);
    }
    docs.extend(opinions::documents(content, year));
    mark_issued(content, &mut docs);
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    docs
}

/// Gives each document in the register its entry.
fn mark_issued(content: &Content, docs: &mut [Doc]) {
    let Some(register) = &content.register else {
        return;
    };
    for doc in docs {
        doc.issued = register.entry(&doc.path).map(|e| Issued {
            wenhao: wenhao(&organ(content, &e.organ).1, e.year, e.serial),
            entry: e.clone(),
        });
    }
}

/// The documents that carry a 文号 — the city plan, the designation notice and decision, the
/// yearly report, the assessment's notices and the follow-ups due — for `zyz check`'s number
/// check without planning every town's documents.
pub fn numbered_documents(content: &Content, report: &Report) -> Vec<Doc> {
    let year = i32::from(content.city.plan_year);
    let mut docs = vec![action_plan::city_plan(content, year, &[])];
    docs.extend(designation::documents(content, report, year, &[]));
    docs.extend(report::annual_report(content, report, year, &[]));
    if let Some(assessment) = &content.assessment {
        let issuing = BTreeSet::new();
        docs.extend(assessment::documents(
            content,
            assessment,
            year,
            &[],
            &issuing,
        ));
        let due = followup::documents(content, assessment, &[], &issuing, &docs);
        docs.extend(due);
    }
    mark_issued(content, &mut docs);
    docs
}

/// The shared files plus the town's own file.
fn town_inputs(content: &Content, town: &Town, shared: &[PathBuf]) -> Vec<PathBuf> {
    let own = content
        .files
        .iter()
        .filter(|f| f.town.as_deref() == Some(town.id.as_str()))
        .map(|f| f.path.clone());
    let mut inputs: Vec<PathBuf> = shared.iter().cloned().chain(own).collect();
    inputs.sort();
    inputs
}

/// An issuing organ's name and 文号 prefix (the id itself when city.yaml does not know it; the
/// check reports that).
fn organ(content: &Content, id: &str) -> (String, String) {
    match content.city.organs.iter().find(|o| o.id == id) {
        Some(o) => (o.name.clone(), o.prefix.clone()),
        None => (id.to_owned(), String::new()),
    }
}

fn wenhao(prefix: &str, year: u16, serial: u32) -> String {
    crate::model::wenhao(prefix, year, serial)
}

/// A draft's 文号 with the serial left blank (one full-width space), as offices print drafts:
/// `永专领办发〔2025〕　号`.
fn draft_wenhao(prefix: &str, year: u16) -> String {
    crate::model::wenhao(prefix, year, '\u{3000}')
}

fn date_json(date: crate::model::Date) -> Value {
    json!({"iso": date, "cn": date.to_chinese(), "year": date.year, "month": date.month, "day": date.day})
}

/// Towns whose file is present but did not load (their old documents are kept, not removed).
pub fn broken_towns(
    content: &Content,
    findings: &[Diagnostic],
    content_dir: &Path,
) -> BTreeSet<String> {
    let loaded: BTreeSet<&str> = content.towns.iter().map(|t| t.id.as_str()).collect();
    findings
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| {
            let rel = crate::diag::display_path(&d.file, content_dir);
            let mut parts = rel.components();
            let first = parts.next()?.as_os_str().to_str()?;
            (first == "towns")
                .then(|| rel.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
                .flatten()
        })
        .filter(|id| !loaded.contains(id.as_str()))
        .collect()
}

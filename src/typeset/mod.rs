//! Typeset stage: compiles generated Typst source in-process and exports PDF.
//!
//! One [`Typesetter`] per process holds the standard library, the shared [`fonts::FontSet`] and a
//! cache of the template files; each document gets a light [`DocWorld`] over it, so documents can
//! be typeset from many threads at once. The world is a sandbox: the main source is served from
//! memory under one fixed virtual path (Typst interns file ids process-wide, capped at 65,535), and
//! only files under `templates/` are readable — no symlinks out, no packages, no network.

pub mod coverage;
pub mod fonts;
pub mod measure;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt as _, World, WorldExt as _};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use crate::diag::{Diagnostic, Severity};
use fonts::FontSet;

/// The virtual path every document's main source is served under. One fixed path for all
/// documents, so no file id is minted per document.
const MAIN_PATH: &str = "/__zyz_document__.typ";

static MAIN_ID: LazyLock<FileId> = LazyLock::new(|| {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(MAIN_PATH).expect("valid path"),
    )
    .intern()
});

/// A calendar date (the document date; never the wall clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Which PDF standard to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standard {
    /// PDF/A-2b (archival; the default).
    PdfA2b,
    /// Plain PDF 1.7.
    Pdf17,
}

/// One document to typeset.
#[derive(Debug, Clone)]
pub struct Job {
    /// The generated Typst source.
    pub source: String,
    /// Where that source is (or would be) written, for diagnostics: `output/…/x.typ`.
    pub source_name: PathBuf,
    /// The document date: `today()` in Typst and the PDF's creation date.
    pub date: Date,
    /// A stable identifier of the document (derived from its inputs) for the PDF /ID.
    pub ident: String,
    pub standard: Standard,
}

/// A typeset document.
#[derive(Debug)]
pub struct Typeset {
    pub pdf: Vec<u8>,
    pub pages: usize,
    pub warnings: Vec<Diagnostic>,
}

/// The process-wide typesetting engine.
pub struct Typesetter {
    library: LazyHash<Library>,
    fonts: Arc<FontSet>,
    /// The templates folder, canonicalised: the only place files are read from.
    root: PathBuf,
    /// Template files read so far (bytes by file id); cleared by [`Typesetter::reset`].
    files: Mutex<HashMap<FileId, FileResult<Bytes>>>,
    /// Template sources parsed so far: parsed once per process, not once per document.
    sources: Mutex<HashMap<FileId, FileResult<Source>>>,
}

impl Typesetter {
    /// A typesetter reading templates under `templates` with the given fonts.
    pub fn new(templates: &Path, fonts: Arc<FontSet>) -> anyhow::Result<Self> {
        let root = templates.canonicalize().map_err(|err| {
            anyhow::anyhow!("the templates folder {} cannot be opened: {err} (hint: run zyz from the project folder or pass --templates DIR)", templates.display())
        })?;
        Ok(Self {
            library: LazyHash::new(Library::default()),
            fonts,
            root,
            files: Mutex::new(HashMap::new()),
            sources: Mutex::new(HashMap::new()),
        })
    }

    pub fn fonts(&self) -> &FontSet {
        &self.fonts
    }

    /// Forgets cached template files (after a template changed on disk, e.g. in watch mode).
    pub fn reset(&self) {
        self.files.lock().expect("file cache poisoned").clear();
        self.sources.lock().expect("source cache poisoned").clear();
    }

    /// Compiles `job` into pages (for PDF export or PNG preview).
    pub fn compile(&self, job: &Job) -> Result<(PagedDocument, Vec<Diagnostic>), Vec<Diagnostic>> {
        let world = DocWorld {
            engine: self,
            main: Source::new(*MAIN_ID, job.source.clone()),
            date: job.date,
        };
        let warned = typst::compile::<PagedDocument>(&world);
        let warnings = self.convert(&world, &job.source_name, &warned.warnings);
        match warned.output {
            Ok(document) => Ok((document, warnings)),
            Err(errors) => {
                let mut all = self.convert(&world, &job.source_name, &errors);
                all.extend(warnings);
                Err(all)
            }
        }
    }

    /// Compiles `job` and exports it as PDF.
    pub fn typeset(&self, job: &Job) -> Result<Typeset, Vec<Diagnostic>> {
        let (document, warnings) = self.compile(job)?;
        let pdf = self
            .export(&document, job)
            .map_err(|errors| self.diagnostics(job, &errors))?;
        Ok(Typeset {
            pdf,
            pages: document.pages().len(),
            warnings,
        })
    }

    /// PDF export with a fixed date, a creator naming the tool, and an identifier from the inputs.
    pub fn export(
        &self,
        document: &PagedDocument,
        job: &Job,
    ) -> Result<Vec<u8>, typst::ecow::EcoVec<SourceDiagnostic>> {
        let standards = match job.standard {
            Standard::PdfA2b => PdfStandards::new(&[PdfStandard::A_2b]),
            Standard::Pdf17 => PdfStandards::new(&[PdfStandard::V_1_7]),
        }
        .expect("a single standard is always valid");
        let options = PdfOptions {
            ident: Smart::Custom(job.ident.clone()),
            creator: Smart::Custom(Some(format!(
                "zyz {} (Typst 0.15)",
                env!("CARGO_PKG_VERSION")
            ))),
            timestamp: Some(timestamp(job.date)),
            page_ranges: None,
            standards,
            tagged: true,
            pretty: false,
        };
        typst_pdf::pdf(document, &options)
    }

    /// Turns Typst diagnostics about `job` (e.g. from [`Typesetter::export`]) into ours.
    pub fn diagnostics(&self, job: &Job, errors: &[SourceDiagnostic]) -> Vec<Diagnostic> {
        let world = DocWorld {
            engine: self,
            main: Source::new(*MAIN_ID, job.source.clone()),
            date: job.date,
        };
        self.convert(&world, &job.source_name, errors)
    }

    /// Turns Typst diagnostics into ours: `file:line:col`, message, hints.
    fn convert(
        &self,
        world: &DocWorld,
        source_name: &Path,
        diagnostics: &[SourceDiagnostic],
    ) -> Vec<Diagnostic> {
        diagnostics
            .iter()
            .map(|d| {
                let severity = match d.severity {
                    TypstSeverity::Error => Severity::Error,
                    TypstSeverity::Warning => Severity::Warning,
                };
                let (file, line, column) = match d.span.id() {
                    Some(id) => {
                        let file = if id == *MAIN_ID {
                            source_name.to_path_buf()
                        } else {
                            Path::new("templates").join(id.vpath().get_without_slash())
                        };
                        let position = world.range(d.span).and_then(|range| {
                            world
                                .source(id)
                                .ok()
                                .and_then(|s| s.lines().byte_to_line_column(range.start))
                        });
                        match position {
                            Some((line, column)) => (file, line + 1, column + 1),
                            None => (file, 0, 0),
                        }
                    }
                    None => (source_name.to_path_buf(), 0, 0),
                };
                let mut out = Diagnostic {
                    severity,
                    file,
                    line,
                    column,
                    path: String::new(),
                    rule: "typst".to_owned(),
                    message: d.message.to_string(),
                    hint: None,
                };
                let hints: Vec<String> = d.hints.iter().map(|h| h.v.to_string()).collect();
                if !hints.is_empty() {
                    out.hint = Some(hints.join("; "));
                }
                out
            })
            .collect()
    }
}

/// The PDF timestamp: `SOURCE_DATE_EPOCH` when set (reproducible-builds convention), else the
/// document date at midnight UTC.
fn timestamp(date: Date) -> Timestamp {
    if let Some(dt) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(datetime_from_epoch)
    {
        return Timestamp::new_utc(dt);
    }
    let dt = Datetime::from_ymd_hms(date.year, date.month, date.day, 0, 0, 0)
        .unwrap_or_else(|| Datetime::from_ymd_hms(1970, 1, 1, 0, 0, 0).expect("valid"));
    Timestamp::new_utc(dt)
}

/// Seconds since 1970-01-01 UTC to a Typst datetime (proleptic Gregorian, days-from-civil).
fn datetime_from_epoch(secs: i64) -> Option<Datetime> {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Datetime::from_ymd_hms(
        i32::try_from(y).ok()?,
        m,
        d,
        (rem / 3600) as u8,
        ((rem % 3600) / 60) as u8,
        (rem % 60) as u8,
    )
}

/// Howard Hinnant's civil-from-days algorithm (public domain description), written out here.
fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The world of one document: its main source, the shared engine, its date.
pub struct DocWorld<'a> {
    engine: &'a Typesetter,
    main: Source,
    date: Date,
}

impl DocWorld<'_> {
    /// Reads a template file, refusing anything outside the templates folder.
    fn read(&self, id: FileId) -> FileResult<Bytes> {
        if let VirtualRoot::Package(spec) = id.root() {
            return Err(FileError::Other(Some(
                format!(
                    "package {spec} is not available: zyz works offline and never downloads packages (hint: copy the package's files into templates/ and import them by relative path)"
                )
                .into(),
            )));
        }
        let mut cache = self.engine.files.lock().expect("file cache poisoned");
        if let Some(cached) = cache.get(&id) {
            return cached.clone();
        }
        let result = self.read_uncached(id);
        cache.insert(id, result.clone());
        result
    }

    fn read_uncached(&self, id: FileId) -> FileResult<Bytes> {
        let root = &self.engine.root;
        let path = id.vpath().realize(root).map_err(FileError::Realize)?;
        let real = path
            .canonicalize()
            .map_err(|err| FileError::from_io(err, &path))?;
        if !real.starts_with(root) {
            return Err(FileError::Other(Some(
                format!(
                    "{} leads outside the templates folder ({}): only files under templates/ may be read",
                    id.vpath().get_with_slash(),
                    real.display()
                )
                .into(),
            )));
        }
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&real)
            .map(Bytes::new)
            .map_err(|err| FileError::from_io(err, &path))
    }
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.engine.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.book()
    }

    fn main(&self) -> FileId {
        *MAIN_ID
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN_ID {
            return Ok(self.main.clone());
        }
        if let Some(cached) = self
            .engine
            .sources
            .lock()
            .expect("source cache poisoned")
            .get(&id)
        {
            return cached.clone();
        }
        let result = self.read(id).and_then(|bytes| {
            let text = std::str::from_utf8(bytes.as_slice()).map_err(|_| FileError::InvalidUtf8)?;
            Ok(Source::new(id, text.to_owned()))
        });
        self.engine
            .sources
            .lock()
            .expect("source cache poisoned")
            .insert(id, result.clone());
        result
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *MAIN_ID {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.read(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.engine.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Datetime::from_ymd(self.date.year, self.date.month, self.date.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_converts_to_calendar_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_783), (2024, 3, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }
}

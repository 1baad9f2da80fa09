//! Typeset stage: compiles generated Typst source in-process into laid-out pages (a
//! `PagedDocument`); the export stage writes them as PDF and other formats.
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
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use typst::diag::{FileError, FileResult, Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Dict, Duration, Value};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Feature, Library, LibraryExt as _, World, WorldExt as _};
use typst_html::HtmlDocument;
use typst_layout::PagedDocument;

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

impl From<crate::model::Date> for Date {
    fn from(date: crate::model::Date) -> Self {
        Self {
            year: i32::from(date.year),
            month: date.month,
            day: date.day,
        }
    }
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

/// The process-wide typesetting engine.
pub struct Typesetter {
    library: LazyHash<Library>,
    /// The library of the DOCX target: HTML enabled, `sys.inputs.gongwen` = "docx" (gongwen
    /// then emits semantic elements; `export/docx/` writes them as WordprocessingML). Made on
    /// first use: a PDF-only build never makes it.
    docx_library: OnceLock<LazyHash<Library>>,
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
            docx_library: OnceLock::new(),
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
            docx: false,
        };
        self.compile_world(&world, &job.source_name)
    }

    /// Compiles the Typst file at `path` under the templates folder (e.g. `examples/notice.typ`)
    /// as a document of its own, its imports resolved from where it is: a hand-written document
    /// over the gongwen package, with no render stage in between (how the package's examples are
    /// checked). `date` is `today()`; the file is read through the same sandbox as templates.
    pub fn compile_file(
        &self,
        path: &Path,
        date: Date,
    ) -> Result<(PagedDocument, Vec<Diagnostic>), Vec<Diagnostic>> {
        let shown = Path::new("templates").join(path);
        let fail = |message: String| vec![Diagnostic::error(&shown, 0, 0, "typst", message)];
        let vpath = VirtualPath::new(path.to_string_lossy())
            .map_err(|err| fail(format!("not a path under the templates folder: {err}")))?;
        let id = RootedPath::new(VirtualRoot::Project, vpath).intern();
        let reader = DocWorld {
            engine: self,
            main: Source::new(*MAIN_ID, String::new()),
            date,
            docx: false,
        };
        let main = reader
            .source(id)
            .map_err(|err| fail(format!("cannot be read: {err}")))?;
        let world = DocWorld {
            engine: self,
            main,
            date,
            docx: false,
        };
        self.compile_world(&world, &shown)
    }

    /// Compiles `world` into pages; diagnostics in its main source are shown at `source_name`.
    fn compile_world(
        &self,
        world: &DocWorld,
        source_name: &Path,
    ) -> Result<(PagedDocument, Vec<Diagnostic>), Vec<Diagnostic>> {
        let warned = typst::compile::<PagedDocument>(world);
        let warnings = self.convert(world, source_name, &warned.warnings);
        match warned.output {
            Ok(document) => Ok((document, warnings)),
            Err(errors) => {
                let mut all = self.convert(world, source_name, &errors);
                all.extend(warnings);
                Err(all)
            }
        }
    }

    /// Compiles `job` for the DOCX target: the same source for Typst's HTML target, where
    /// gongwen emits its semantic elements. Only errors are returned (the HTML target warns
    /// about every piece of page layout it leaves out, which is what the DOCX target wants).
    pub fn compile_docx(&self, job: &Job) -> Result<HtmlDocument, Vec<Diagnostic>> {
        let world = DocWorld {
            engine: self,
            main: Source::new(*MAIN_ID, job.source.clone()),
            date: job.date,
            docx: true,
        };
        typst::compile::<HtmlDocument>(&world)
            .output
            .map_err(|errors| self.convert(&world, &job.source_name, &errors))
    }

    /// Turns Typst diagnostics about `job` (e.g. from the PDF export) into ours.
    pub fn diagnostics(&self, job: &Job, errors: &[SourceDiagnostic]) -> Vec<Diagnostic> {
        let world = DocWorld {
            engine: self,
            main: Source::new(*MAIN_ID, job.source.clone()),
            date: job.date,
            docx: false,
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
                        let file = if id == world.main.id() {
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

/// The standard library with Typst's HTML target and the input that turns gongwen's DOCX
/// elements on.
fn docx_library() -> Library {
    let mut inputs = Dict::new();
    inputs.insert("gongwen".into(), Value::Str("docx".into()));
    Library::builder()
        .with_features([Feature::Html].into_iter().collect())
        .with_inputs(inputs)
        .build()
}

/// The world of one document: its main source (generated, under one fixed virtual path, or a
/// file under the templates folder), the shared engine, its date.
pub struct DocWorld<'a> {
    engine: &'a Typesetter,
    main: Source,
    date: Date,
    /// Compiled for the DOCX target (its library).
    docx: bool,
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
        if self.docx {
            self.engine
                .docx_library
                .get_or_init(|| LazyHash::new(docx_library()))
        } else {
            &self.engine.library
        }
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.engine.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
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
        if id == self.main.id() {
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

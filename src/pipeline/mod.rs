//! Pipeline: the build runner. It drives the stages over the content — load, check, plan; decide what is
//! stale; remove what is gone; render, typeset and export the rest in parallel with one shared
//! font set; commit every file atomically and keep `output/manifest.json` true to what is on disk.
//! [`Session::build`] reads as those steps, each a method below; `make` makes one document.
//!
//! A [`Session`] lives as long as the process (one for `zyz build`, one for all rebuilds of
//! `zyz watch`): fonts are scanned once and the Typst caches are shared.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;

mod frozen;
mod make;
mod pool;
mod select;
pub mod watch;

pub use make::InMemory;

use crate::archive::{self, Entry, FileEntry, Manifest, Staged};
use crate::diag::{self, Diagnostic};
use crate::model::OutputFormat;
use crate::plan::{self, Doc};
use crate::render::Renderer;
use crate::typeset::fonts::{FontOptions, FontSet};
use crate::typeset::{self, Standard, Typesetter};
use typst_layout::PagedDocument;

/// How long finished documents wait to be committed together (see [`Session::build`]).
const COMMIT_WINDOW: Duration = Duration::from_millis(250);

/// A build of at most this many town documents per thread is an edit's: its town documents are
/// typeset first, and each finished document is committed at once (no commit window).
const EDITED_FIRST: usize = 4;

/// Sets its flag when dropped: at the end of a scope, however it ends.
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Everything a build needs to know, resolved from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub content: PathBuf,
    pub templates: PathBuf,
    pub out: PathBuf,
    pub fonts: FontOptions,
    pub jobs: usize,
    pub force: bool,
    pub kinds: Vec<String>,
    pub towns: Vec<String>,
    /// `(k, n)`: build the k-th (1-based) of n shares.
    pub shard: Option<(u32, u32)>,
    pub emit_typ: bool,
    pub standard: Standard,
    /// Layout findings (GB/T 9704 measured on the pages) fail their document.
    pub strict_layout: bool,
    /// `zyz issue`: the documents being given their 文号 now; when not empty, only these are built.
    pub issuing: BTreeSet<String>,
    /// `--formats`: the files to write for each document, instead of city.yaml's `formats`.
    pub formats: Option<Vec<OutputFormat>>,
    /// `--as-of`: the day the follow-ups of supervision notices are judged on (default: city.yaml
    /// `document_date`).
    pub as_of: Option<crate::model::Date>,
}

/// Time spent per stage, summed over documents (nanoseconds).
#[derive(Debug, Default)]
pub struct Timings {
    pub load: AtomicU64,
    pub check: AtomicU64,
    pub render: AtomicU64,
    pub typeset: AtomicU64,
    pub pdf: AtomicU64,
    /// The other formats (OFD, the ledger's spreadsheet).
    pub files: AtomicU64,
    pub write: AtomicU64,
}

impl Timings {
    fn add(counter: &AtomicU64, since: Instant) {
        counter.fetch_add(since.elapsed().as_nanos() as u64, Ordering::Relaxed);
    }

    /// `stage  seconds` lines.
    pub fn report(&self) -> String {
        let rows = [
            ("load", &self.load),
            ("check", &self.check),
            ("render", &self.render),
            ("typeset", &self.typeset),
            ("pdf", &self.pdf),
            ("files", &self.files),
            ("write", &self.write),
        ];
        rows.iter()
            .map(|(name, v)| {
                format!(
                    "  {name:<8} {:>9.3} s\n",
                    v.load(Ordering::Relaxed) as f64 / 1e9
                )
            })
            .collect()
    }
}

/// What happened to one document.
#[derive(Debug)]
pub enum Event {
    Built {
        path: String,
        pages: usize,
        warnings: Vec<Diagnostic>,
    },
    Failed {
        path: String,
        diagnostics: Vec<Diagnostic>,
    },
}

/// The outcome of one build.
#[derive(Debug, Default)]
pub struct Summary {
    pub planned: usize,
    pub built: Vec<String>,
    pub skipped: usize,
    pub removed: Vec<String>,
    /// Stale documents left for the next build: a newer save came while this one ran
    /// ([`Session::set_interrupt`]); they are still stale, so the next build makes them.
    pub deferred: Vec<String>,
    /// What became due (a reminder, a circular) and is planned now, one line each.
    pub due: Vec<String>,
    /// Documents that failed, each with the findings that explain why.
    pub failed: Vec<(String, Vec<Diagnostic>)>,
    /// Content findings (load, check, glyph coverage): errors and warnings.
    pub findings: Vec<Diagnostic>,
    /// Warnings Typst gave while typesetting.
    pub typst_warnings: Vec<Diagnostic>,
    /// Source texts of content files, for rendering findings with their line.
    pub sources: BTreeMap<PathBuf, String>,
    /// What the build planned from: the content, the verdicts and the documents (`zyz serve`
    /// shows them).
    pub view: Option<View>,
    pub timings: Timings,
    pub elapsed: Duration,
}

impl Summary {
    /// Whether the build should exit with 1 (a content error or a failed document).
    pub fn has_errors(&self) -> bool {
        !self.failed.is_empty() || self.findings.iter().any(Diagnostic::is_error)
    }
}

/// A long-lived build context: fonts, templates and Typst caches shared by every build.
pub struct Session {
    pub options: Options,
    typesetter: Arc<Typesetter>,
    renderer: Renderer,
    /// Sees each document's laid-out pages as the build makes it (`zyz serve` draws them).
    on_laid: Option<OnLaid>,
    /// The documents someone is looking at (`zyz serve`'s open pages): typeset first.
    looked_at: Option<LookedAt>,
    /// Set when a newer save is waiting (`zyz watch`, `zyz serve`): documents not yet started
    /// are left for the next build, except those looked at.
    interrupt: Option<Arc<AtomicBool>>,
}

/// Whether a document (by output path) is looked at now.
pub type LookedAt = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// A hook on each document's laid-out pages and layout findings, called from the typesetting
/// threads.
pub type OnLaid = Arc<dyn Fn(&Doc, &PagedDocument, &[Diagnostic]) + Send + Sync>;

/// The content as one build saw it: loaded, checked and planned.
#[derive(Debug, Clone)]
pub struct View {
    pub content: crate::model::Content,
    /// One verdict per town measured against a standard (the check stage's).
    pub verdicts: Vec<crate::check::Verdict>,
    /// Every planned document, with its input hash.
    pub docs: Vec<Doc>,
    /// The errors of files that could not be read or parsed (YAML syntax, types, unknown
    /// fields): their data is missing from `content`.
    pub load_errors: Vec<Diagnostic>,
}

/// The result of [`Session::prepare`].
pub struct Prepared {
    pub docs: Vec<Doc>,
    pub findings: Vec<Diagnostic>,
    /// Content files (relative to the content folder) with errors that block their documents.
    pub blocked: BTreeSet<PathBuf>,
    /// Towns whose file exists but could not be loaded: their old documents are kept.
    pub broken_towns: BTreeSet<String>,
    /// The output paths in the register of issued documents: never removed, never made again.
    pub registered: BTreeSet<String>,
    pub sources: BTreeMap<PathBuf, String>,
    /// The loaded content, its verdicts and its load errors.
    pub content: crate::model::Content,
    pub verdicts: Vec<crate::check::Verdict>,
    pub load_errors: Vec<Diagnostic>,
}

/// A typeset document whose files wait to be moved into place.
struct Finished {
    sha256: String,
    pages: usize,
    staged: Staged,
    /// Files made beside the PDF (OFD, the ledger's spreadsheet), committed with it.
    sidecars: Vec<(FileEntry, Staged)>,
    warnings: Vec<Diagnostic>,
}

/// One document's result, as the typesetting threads hand it to the committer.
type Made<'a> = (&'a Doc, Result<Finished, Vec<Diagnostic>>);

impl Session {
    /// Scans the fonts (once) and opens the templates.
    pub fn new(options: Options) -> anyhow::Result<Self> {
        let fonts = Arc::new(FontSet::load(&options.fonts)?);
        let typesetter = Arc::new(Typesetter::new(&options.templates, fonts.clone())?);
        let renderer = Renderer::new(&options.templates, &fonts.typst_roles())?;
        Ok(Self {
            options,
            typesetter,
            renderer,
            on_laid: None,
            looked_at: None,
            interrupt: None,
        })
    }

    /// Hands each document's laid-out pages to `hook` as the build makes them.
    pub fn set_on_laid(&mut self, hook: OnLaid) {
        self.on_laid = Some(hook);
    }

    /// Typesets the documents `looked_at` names before the others.
    pub fn set_looked_at(&mut self, looked_at: LookedAt) {
        self.looked_at = Some(looked_at);
    }

    /// Lets a build stop taking documents once `flag` is set (a newer save is waiting): what it
    /// has not started is listed in [`Summary::deferred`] and stays stale.
    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.interrupt = Some(flag);
    }

    /// Whether `doc` should be left for the next build: a newer save waits and nobody is
    /// looking at it.
    fn deferrable(&self, doc: &Doc) -> bool {
        self.interrupt
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Acquire))
            && !self.is_looked_at(doc)
    }

    fn is_looked_at(&self, doc: &Doc) -> bool {
        self.looked_at.as_ref().is_some_and(|f| f(&doc.path))
    }

    pub fn typesetter(&self) -> &Typesetter {
        &self.typesetter
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    /// Forgets cached templates (call after a template file changed).
    pub fn reload_templates(&mut self) {
        self.renderer.reset();
        self.typesetter.reset();
    }

    /// Loads, checks and plans: the documents of the current content, with their input hashes,
    /// plus the content findings. Shared by `build`, `watch` and `preview`.
    pub fn prepare(&self, timings: &Timings) -> anyhow::Result<Prepared> {
        let start = Instant::now();
        let mut loaded = crate::check::load(&self.options.content)?;
        loaded.content.as_of = self.options.as_of;
        Timings::add(&timings.load, start);

        let start = Instant::now();
        let report = crate::check::check(&loaded.content);
        let load_errors: Vec<Diagnostic> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        let mut findings = loaded.diagnostics;
        findings.extend(report.findings.iter().cloned());
        findings.extend(typeset::coverage::of_content(
            &loaded.content,
            &loaded.sources,
            self.typesetter.fonts(),
        ));
        let mut docs = plan::documents(&loaded.content, &report, &self.options.issuing);
        findings.extend(plan::duplicate_numbers(&loaded.content, &docs));
        diag::sort(&mut findings);
        findings.dedup();
        Timings::add(&timings.check, start);

        self.hash_inputs(&mut docs)?;
        // after hashing: which formats are written does not change what a document shows (nor
        // its PDF); a missing file makes its document stale (`stale`)
        let formats = self.options.formats.as_ref();
        plan::add_formats(&mut docs, formats.unwrap_or(&loaded.content.city.formats));
        // Files with errors block the documents that read them (a town with a broken file keeps
        // its previous documents); designation-standard findings do not block anything.
        let blocked: BTreeSet<PathBuf> = findings
            .iter()
            .filter(|d| d.is_error() && !d.rule.starts_with("standard"))
            .map(|d| diag::display_path(&d.file, &self.options.content))
            .collect();
        let broken_towns = plan::broken_towns(&loaded.content, &findings, &self.options.content);
        let registered = loaded.content.register.iter().flat_map(|r| &r.issued);
        Ok(Prepared {
            docs,
            findings,
            blocked,
            broken_towns,
            registered: registered.map(|e| e.path.clone()).collect(),
            sources: loaded.sources,
            verdicts: report.verdicts,
            load_errors,
            content: loaded.content,
        })
    }

    /// A document's input hash covers exactly what its template can read: its context (the data
    /// planned for it), its date, the template folder, the fonts and the tool version. So an edit
    /// rebuilds only the documents whose data it changes, wherever the data came from; `inputs`
    /// still says which files a document is built from (an error in one of them blocks it).
    fn hash_inputs(&self, docs: &mut [Doc]) -> anyhow::Result<()> {
        let salt = format!(
            "zyz {}\ntemplates {}\nfonts {}\nstandard {:?}\nSOURCE_DATE_EPOCH {}\n",
            env!("CARGO_PKG_VERSION"),
            hash_folder(&self.options.templates)?,
            self.typesetter.fonts().fingerprint(),
            self.options.standard,
            std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default()
        );
        for doc in docs {
            let mut text = salt.clone();
            text.push_str(&format!(
                "kind {}\npath {}\ntemplate {}\ndate {:?}\ncontext ",
                doc.kind,
                doc.path,
                doc.template,
                typeset::Date::from(doc.date)
            ));
            text.push_str(doc.context.as_str());
            for side in &doc.sidecars {
                text.push_str(&format!("\nsidecar {}", side.path));
            }
            doc.inputs_sha256 = archive::sha256_hex(text.as_bytes());
        }
        Ok(())
    }

    /// Builds what is stale (or everything with `force`), removes what is gone, writes the
    /// manifest. `on_event` sees each document as it finishes (progress display).
    pub fn build(
        &self,
        on_event: &(dyn Fn(&Event, usize, usize) + Sync),
    ) -> anyhow::Result<Summary> {
        let started = Instant::now();
        let mut summary = Summary::default();
        let prepared = self.prepare(&summary.timings)?;
        if let Some(usage) = self.unselectable(&prepared) {
            anyhow::bail!(usage);
        }
        let mut manifest = self.open_output()?;
        let todo = self.stale(&prepared, &mut manifest, &mut summary);
        self.remove_gone(&prepared, &mut manifest, &mut summary)?;
        manifest.write_to(&self.options.out, self.options.shard)?;
        let events = self.make_all(&todo, &mut manifest, &summary.timings, on_event)?;
        manifest.write_to(&self.options.out, self.options.shard)?;
        for event in events {
            match event {
                Event::Built { path, warnings, .. } => {
                    summary.built.push(path);
                    summary.typst_warnings.extend(warnings);
                }
                Event::Failed { path, diagnostics } => summary.failed.push((path, diagnostics)),
            }
        }
        summary.built.sort();
        summary.failed.sort_by(|a, b| a.0.cmp(&b.0));
        summary.deferred = deferred(&todo, &summary);
        // the content's findings first, then what the build found (issued documents)
        let frozen = std::mem::replace(&mut summary.findings, prepared.findings);
        summary.findings.extend(frozen);
        summary.sources = prepared.sources;
        summary.due = prepared
            .docs
            .iter()
            .filter(|d| d.issued.is_none())
            .filter_map(|d| d.due.clone())
            .collect();
        summary.view = Some(View {
            content: prepared.content,
            verdicts: prepared.verdicts,
            docs: prepared.docs,
            load_errors: prepared.load_errors,
        });
        summary.elapsed = started.elapsed();
        Ok(summary)
    }

    /// Creates the output folder, removes a killed build's temporary files and reads the
    /// manifest, taking in the manifests of shard builds copied here.
    fn open_output(&self) -> anyhow::Result<Manifest> {
        let out = &self.options.out;
        std::fs::create_dir_all(out)
            .with_context(|| format!("cannot create the output folder {}", out.display()))?;
        archive::remove_leftovers(out);
        let mut manifest = Manifest::read(out);
        archive::manifest::adopt_shard_manifests(out, &mut manifest);
        Ok(manifest)
    }

    /// The selected documents that must be made: not blocked by a content error, and not already
    /// on disk with the same input hash (unless `force`). Blocked ones are counted as failed.
    fn stale<'a>(
        &self,
        prepared: &'a Prepared,
        manifest: &mut Manifest,
        summary: &mut Summary,
    ) -> Vec<&'a Doc> {
        let out = &self.options.out;
        let mut todo = Vec::new();
        for doc in prepared.docs.iter().filter(|d| self.selects(d)) {
            summary.planned += 1;
            if let Some(issued) = &doc.issued {
                frozen::check(out, doc, issued, manifest, summary);
                continue;
            }
            if let Some(bad) = doc.inputs.iter().find(|i| prepared.blocked.contains(*i)) {
                let why: Vec<Diagnostic> = prepared
                    .findings
                    .iter()
                    .filter(|d| {
                        d.is_error() && diag::display_path(&d.file, &self.options.content) == *bad
                    })
                    .cloned()
                    .collect();
                summary.failed.push((doc.path.clone(), why));
                continue;
            }
            if let Err(err) = make::retire_files(out, doc, manifest) {
                summary
                    .failed
                    .push((doc.path.clone(), vec![make::write_error(out, &err)]));
                continue;
            }
            let fresh = manifest.get(&doc.path).is_some_and(|e| {
                e.inputs_sha256 == doc.inputs_sha256 && out.join(&e.path).is_file()
            }) && doc.sidecars.iter().all(|s| out.join(&s.path).is_file());
            if fresh && !self.options.force {
                summary.skipped += 1;
            } else {
                todo.push(doc);
            }
        }
        todo
    }

    /// Removes the documents that are no longer planned (within the selection being built); a
    /// town whose file failed to load keeps its documents.
    fn remove_gone(
        &self,
        prepared: &Prepared,
        manifest: &mut Manifest,
        summary: &mut Summary,
    ) -> anyhow::Result<()> {
        let out = &self.options.out;
        let planned: BTreeSet<&str> = prepared.docs.iter().map(|d| d.path.as_str()).collect();
        // an issued document stays, planned or not (its town may no longer be supervised)
        let issued = |e: &Entry| e.issued.is_some() || prepared.registered.contains(&e.path);
        let mut kept = Vec::new();
        for entry in std::mem::take(&mut manifest.documents) {
            let gone = !planned.contains(entry.path.as_str())
                && !issued(&entry)
                && self.selects_entry(&entry)
                && !entry
                    .town
                    .as_ref()
                    .is_some_and(|t| prepared.broken_towns.contains(t));
            if !gone {
                kept.push(entry);
                continue;
            }
            for path in entry.paths() {
                archive::remove_file(&out.join(path))?;
            }
            archive::remove_empty_parents(&out.join(&entry.path), out);
            summary.removed.push(entry.path);
        }
        manifest.documents = kept;
        Ok(())
    }
}

/// A digest of every file under `dir` (names and bytes), so any template change is seen.
fn hash_folder(dir: &Path) -> anyhow::Result<String> {
    let mut text = String::new();
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for file in files {
        let bytes =
            std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        text.push_str(&format!(
            "{} {}\n",
            diag::display_path(&file, dir).display(),
            archive::sha256_hex(&bytes)
        ));
    }
    Ok(archive::sha256_hex(text.as_bytes()))
}

/// The documents of `todo` the build neither made nor failed: left because a newer save came.
fn deferred(todo: &[&Doc], summary: &Summary) -> Vec<String> {
    let done: BTreeSet<&str> = (summary.built.iter().map(String::as_str))
        .chain(summary.failed.iter().map(|(p, _)| p.as_str()))
        .collect();
    let left = todo.iter().filter(|d| !done.contains(d.path.as_str()));
    left.map(|d| d.path.clone()).collect()
}

//! Build stage: plan the documents, skip the unchanged ones, render and typeset the rest in
//! parallel with one shared font set, write every file atomically, and keep
//! `output/manifest.json` true to what is on disk.
//!
//! A [`Session`] lives as long as the process (one for `zyz build`, one for all rebuilds of
//! `zyz watch`): fonts are scanned once and the Typst caches are shared.

pub mod output;
pub mod plan;
pub mod sheet;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::diag::{self, Diagnostic};
use crate::render::Renderer;
use crate::typeset::fonts::{FontOptions, FontSet};
use crate::typeset::{self, Standard, Typesetter};
use output::{Entry, Manifest};
use plan::Doc;

/// Runs a Typst stage, turning a panic inside Typst (a bug of Typst's, such as typst#8667, set off
/// by some markup) into an error on this one document: the other documents are still built and the
/// summary names this one. The generated source is kept beside the output to reproduce it.
fn typst_guarded<T>(
    job: &typeset::Job,
    typ_path: &Path,
    stage: impl FnOnce() -> T,
) -> Result<T, Vec<Diagnostic>> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(stage)).map_err(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        keep_source(job, typ_path);
        vec![
            Diagnostic::error(
                typ_path,
                0,
                0,
                "typst.panic",
                format!("Typst stopped with an internal error on this document: {what}"),
            )
            .with_hint(
                "a bug in Typst itself, set off by this generated source (kept here); the other \
                 documents are built. Change the template's markup that produces the failing part, \
                 or report the source to Typst",
            ),
        ]
    })
}

/// Keeps a failed document's generated source beside its output, so that the positions in its
/// diagnostics can be read (best effort: the diagnostics are reported either way).
fn keep_source(job: &typeset::Job, typ_path: &Path) {
    let _ = output::write_atomic(typ_path, job.source.as_bytes());
}

/// How long finished documents wait to be committed together (see [`Session::build`]).
const COMMIT_WINDOW: Duration = Duration::from_millis(250);

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
}

/// Time spent per stage, summed over documents (nanoseconds).
#[derive(Debug, Default)]
pub struct Timings {
    pub load: AtomicU64,
    pub check: AtomicU64,
    pub render: AtomicU64,
    pub typeset: AtomicU64,
    pub pdf: AtomicU64,
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
    /// Documents that failed, each with the findings that explain why.
    pub failed: Vec<(String, Vec<Diagnostic>)>,
    /// Content findings (load, check, glyph coverage): errors and warnings.
    pub findings: Vec<Diagnostic>,
    /// Warnings Typst gave while typesetting.
    pub typst_warnings: Vec<Diagnostic>,
    /// Source texts of content files, for rendering findings with their line.
    pub sources: BTreeMap<PathBuf, String>,
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
}

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
        })
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
        let loaded = crate::model::load(&self.options.content)?;
        Timings::add(&timings.load, start);

        let start = Instant::now();
        let report = crate::standards::check(&loaded.content);
        let mut findings = loaded.diagnostics;
        findings.extend(report.findings.iter().cloned());
        findings.extend(plan::coverage(
            &loaded.content,
            &loaded.sources,
            self.typesetter.fonts(),
        ));
        diag::sort(&mut findings);
        findings.dedup();
        Timings::add(&timings.check, start);

        let templates_sha = hash_folder(&self.options.templates)?;
        let mut docs = plan::documents(&loaded.content, &report);
        let salt = format!(
            "zyz {}\ntemplates {templates_sha}\nfonts {}\nstandard {:?}\nSOURCE_DATE_EPOCH {}\n",
            env!("CARGO_PKG_VERSION"),
            self.typesetter.fonts().fingerprint(),
            self.options.standard,
            std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default()
        );
        // A document's input hash covers exactly what its template can read: its context (the
        // data planned for it), its date, the template folder, the fonts and the tool version.
        // So an edit rebuilds only the documents whose data it changes, wherever the data came
        // from; `inputs` still says which files a document is built from (an error in one of
        // them blocks it).
        for doc in &mut docs {
            let mut text = salt.clone();
            text.push_str(&format!(
                "kind {}\npath {}\ntemplate {}\ndate {:?}\ncontext ",
                doc.kind, doc.path, doc.template, doc.date
            ));
            text.push_str(doc.context.as_str());
            for side in &doc.sidecars {
                text.push_str(&format!("\nsidecar {}", side.path));
            }
            doc.inputs_sha256 = output::sha256_hex(text.as_bytes());
        }
        // Files with errors block the documents that read them (a town with a broken file keeps
        // its previous documents); designation-standard findings do not block anything.
        let blocked: BTreeSet<PathBuf> = findings
            .iter()
            .filter(|d| d.is_error() && !d.rule.starts_with("standard"))
            .map(|d| diag::display_path(&d.file, &self.options.content))
            .collect();
        let broken_towns = plan::broken_towns(&loaded.content, &findings, &self.options.content);
        Ok(Prepared {
            docs,
            findings,
            blocked,
            broken_towns,
            sources: loaded.sources,
        })
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
        let out = &self.options.out;
        std::fs::create_dir_all(out)
            .with_context(|| format!("cannot create the output folder {}", out.display()))?;
        output::remove_leftovers(out);

        let mut manifest = Manifest::read(out);
        adopt_shard_manifests(out, &mut manifest);
        let selected: Vec<&Doc> = prepared.docs.iter().filter(|d| self.selects(d)).collect();
        summary.planned = selected.len();

        // Decide what to build.
        let mut todo = Vec::new();
        for doc in &selected {
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
            let fresh = manifest.get(&doc.path).is_some_and(|e| {
                e.inputs_sha256 == doc.inputs_sha256 && out.join(&e.path).is_file()
            }) && doc.sidecars.iter().all(|s| out.join(&s.path).is_file());
            if fresh && !self.options.force {
                summary.skipped += 1;
            } else {
                todo.push(*doc);
            }
        }

        // Remove documents that are no longer planned (within the selection being built).
        let planned: BTreeSet<&str> = prepared.docs.iter().map(|d| d.path.as_str()).collect();
        let mut kept = Vec::new();
        for entry in std::mem::take(&mut manifest.documents) {
            let gone = !planned.contains(entry.path.as_str())
                && self.selects_entry(&entry)
                && !entry
                    .town
                    .as_ref()
                    .is_some_and(|t| prepared.broken_towns.contains(t));
            if gone {
                let path = out.join(&entry.path);
                match std::fs::remove_file(&path) {
                    Ok(()) => {}
                    Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                    Err(err) => {
                        return Err(err)
                            .with_context(|| format!("cannot remove {}", path.display()));
                    }
                }
                remove_empty_parents(&path, out);
                summary.removed.push(entry.path);
            } else {
                kept.push(entry);
            }
        }
        manifest.documents = kept;
        manifest.write_to(out, self.options.shard)?;

        // Typeset in parallel; the committer (this thread) moves files into place and keeps the
        // manifest in step, batch by batch.
        let total = todo.len();
        let done = AtomicUsize::new(0);
        // City-wide documents grow with the number of towns (the ranking of 1,000 towns holds
        // ~300 MB while Typst lays it out): one thread typesets them one at a time, clearing
        // Typst's cache after each (nothing else reuses their layout), while the other threads
        // start on the town documents.
        let (heavy, light): (Vec<&Doc>, Vec<&Doc>) =
            todo.iter().copied().partition(|doc| doc.town.is_none());
        let (tx, rx) = mpsc::channel::<(&Doc, Result<Finished, Vec<Diagnostic>>)>();
        let timings = &summary.timings;
        let mut events = Vec::new();
        // The typesetting threads are a rayon pool of their own. Typst splits its own work with
        // rayon (page runs, PDF fonts): inside the pool a thread waiting for such a split helps
        // with it instead of sleeping while another spins. Documents are never rayon jobs, so a
        // waiting thread cannot pick up another whole document and nest it on its stack (that
        // overflowed at 2,000 documents, docs/benchmarks.md).
        let pool = rayon::ThreadPoolBuilder::new()
            // `jobs` threads even for fewer documents: the idle ones help Typst's own splits.
            .num_threads(self.options.jobs.max(1))
            .thread_name(|i| format!("zyz-typeset-{i}"))
            .build()
            .context("cannot start the typesetting threads")?;
        std::thread::scope(|scope| -> anyhow::Result<()> {
            scope.spawn(|| {
                // One loop per thread (`broadcast`). The first thread takes the city-wide
                // documents, one after the other; every thread then takes town documents in
                // order until none is left.
                let next = AtomicUsize::new(0);
                pool.broadcast(|thread| {
                    if thread.index() == 0 {
                        for &doc in &heavy {
                            let result = self.make(doc, timings);
                            comemo::evict(0);
                            if tx.send((doc, result)).is_err() {
                                return;
                            }
                        }
                    }
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&doc) = light.get(i) else { break };
                        let result = self.make(doc, timings);
                        // Bounded memory over long batches: drop Typst's cached results that have
                        // not been used recently.
                        if i % 16 == 15 {
                            comemo::evict(1);
                        }
                        if tx.send((doc, result)).is_err() {
                            break;
                        }
                    }
                });
                // The committer's `recv` ends once the last sender is gone.
                drop(tx);
            });
            while let Ok(first) = rx.recv() {
                // Documents finished within a short window are committed together, so that at a
                // thousand towns the manifest is rewritten a few times a second, not after every
                // document. The last batch goes as soon as the threads are done.
                let mut batch = vec![first];
                let until = Instant::now() + COMMIT_WINDOW;
                while let Ok(more) =
                    rx.recv_timeout(until.saturating_duration_since(Instant::now()))
                {
                    batch.push(more);
                }
                let start = Instant::now();
                // The manifest only ever names files exactly as they are on disk: first the
                // entries about to be replaced are dropped (and that manifest written), then the
                // files are renamed into place, then their new entries are written.
                let replaced: BTreeSet<&str> = batch
                    .iter()
                    .filter(|(_, r)| r.is_ok())
                    .map(|(d, _)| d.path.as_str())
                    .collect();
                if manifest
                    .documents
                    .iter()
                    .any(|e| replaced.contains(e.path.as_str()))
                {
                    manifest
                        .documents
                        .retain(|e| !replaced.contains(e.path.as_str()));
                    manifest.write_to(out, self.options.shard)?;
                }
                for (doc, result) in batch {
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    let event = match result {
                        Ok(Finished {
                            sha256,
                            pages,
                            staged,
                            sidecars,
                            warnings,
                        }) => match staged.commit().and_then(|()| {
                            sidecars.into_iter().try_for_each(output::Staged::commit)
                        }) {
                            Ok(()) => {
                                manifest.documents.push(Entry {
                                    path: doc.path.clone(),
                                    kind: doc.kind.to_owned(),
                                    town: doc.town.clone(),
                                    year: doc.year,
                                    inputs_sha256: doc.inputs_sha256.clone(),
                                    sha256,
                                    pages,
                                });
                                Event::Built {
                                    path: doc.path.clone(),
                                    pages,
                                    warnings,
                                }
                            }
                            Err(err) => Event::Failed {
                                path: doc.path.clone(),
                                diagnostics: vec![Diagnostic::error(
                                    out.join(&doc.path),
                                    0,
                                    0,
                                    "write",
                                    format!("{err:#}"),
                                )],
                            },
                        },
                        Err(diagnostics) => Event::Failed {
                            path: doc.path.clone(),
                            diagnostics,
                        },
                    };
                    on_event(&event, n, total);
                    events.push(event);
                }
                manifest.write_to(out, self.options.shard)?;
                Timings::add(&timings.write, start);
            }
            Ok(())
        })?;
        for event in events {
            match event {
                Event::Built { path, warnings, .. } => {
                    summary.built.push(path);
                    summary.typst_warnings.extend(warnings);
                }
                Event::Failed { path, diagnostics } => summary.failed.push((path, diagnostics)),
            }
        }
        manifest.write_to(out, self.options.shard)?;
        summary.built.sort();
        summary.failed.sort_by(|a, b| a.0.cmp(&b.0));
        summary.findings = prepared.findings;
        summary.sources = prepared.sources;
        summary.elapsed = started.elapsed();
        Ok(summary)
    }

    /// Renders and typesets one document; the PDF waits in a temporary file beside its target.
    fn make(&self, doc: &Doc, timings: &Timings) -> Result<Finished, Vec<Diagnostic>> {
        let out = &self.options.out;
        let typ_path = out.join(&doc.path).with_extension("typ");
        let start = Instant::now();
        let context = doc.context.value();
        let source = self
            .renderer
            .render(&doc.template, &context)
            .map_err(|d| vec![*d])?;
        Timings::add(&timings.render, start);
        let job = typeset::Job {
            source,
            source_name: typ_path.clone(),
            date: doc.date,
            ident: format!("zyz/{}/{}", doc.path, doc.inputs_sha256),
            standard: self.options.standard,
        };
        let start = Instant::now();
        let compiled = typst_guarded(&job, &typ_path, || self.typesetter.compile(&job))?;
        Timings::add(&timings.typeset, start);
        let (document, mut warnings) = match compiled {
            Ok(ok) => ok,
            Err(errors) => {
                keep_source(&job, &typ_path);
                return Err(errors);
            }
        };
        let strict = self.options.strict_layout;
        let layout = typeset::measure::diagnostics(&document, &out.join(&doc.path), strict);
        if strict && !layout.is_empty() {
            return Err(layout.into_iter().chain(warnings).collect());
        }
        warnings.extend(layout);
        let start = Instant::now();
        let pdf = typst_guarded(&job, &typ_path, || self.typesetter.export(&document, &job))?;
        Timings::add(&timings.pdf, start);
        let pdf = match pdf {
            Ok(pdf) => pdf,
            Err(errors) => {
                keep_source(&job, &typ_path);
                return Err(self.typesetter.diagnostics(&job, &errors));
            }
        };
        let start = Instant::now();
        let staged = output::Staged::new(&out.join(&doc.path), &pdf).map_err(|err| {
            vec![Diagnostic::error(
                out.join(&doc.path),
                0,
                0,
                "write",
                format!("{err:#}"),
            )]
        })?;
        let mut sidecars = Vec::new();
        for side in &doc.sidecars {
            let target = out.join(&side.path);
            let staged = side
                .render(&context)
                .and_then(|bytes| output::Staged::new(&target, &bytes));
            sidecars.push(staged.map_err(|err| {
                vec![Diagnostic::error(
                    &target,
                    0,
                    0,
                    "write",
                    format!("{err:#}"),
                )]
            })?);
        }
        if self.options.emit_typ {
            output::write_if_changed(&typ_path, job.source.as_bytes()).map_err(|err| {
                vec![Diagnostic::error(
                    &typ_path,
                    0,
                    0,
                    "write",
                    format!("{err:#}"),
                )]
            })?;
        }
        Timings::add(&timings.write, start);
        Ok(Finished {
            sha256: output::sha256_hex(&pdf),
            pages: document.pages().len(),
            staged,
            sidecars,
            warnings,
        })
    }

    fn selects(&self, doc: &Doc) -> bool {
        self.selects_parts(doc.kind, doc.town.as_deref(), &doc.path)
    }

    fn selects_entry(&self, entry: &Entry) -> bool {
        self.selects_parts(&entry.kind, entry.town.as_deref(), &entry.path)
    }

    fn selects_parts(&self, kind: &str, town: Option<&str>, path: &str) -> bool {
        let o = &self.options;
        (o.kinds.is_empty() || o.kinds.iter().any(|k| k == kind))
            && (o.towns.is_empty() || town.is_some_and(|t| o.towns.iter().any(|x| x == t)))
            && o.shard.is_none_or(|(k, n)| shard_of(path, n) == k)
    }
}

/// The result of [`Session::prepare`].
pub struct Prepared {
    pub docs: Vec<Doc>,
    pub findings: Vec<Diagnostic>,
    /// Content files (relative to the content folder) with errors that block their documents.
    pub blocked: BTreeSet<PathBuf>,
    /// Towns whose file exists but could not be loaded: their old documents are kept.
    pub broken_towns: BTreeSet<String>,
    pub sources: BTreeMap<PathBuf, String>,
}

/// A typeset document waiting to be moved into place.
struct Finished {
    sha256: String,
    pages: usize,
    staged: output::Staged,
    /// Files made beside the PDF (the ledger's spreadsheet), committed with it.
    sidecars: Vec<output::Staged>,
    warnings: Vec<Diagnostic>,
}

/// Which share (1..=n) a document belongs to: FNV-1a of its path, so every machine agrees.
pub fn shard_of(path: &str, n: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % u64::from(n.max(1))) as u32 + 1
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
            output::sha256_hex(&bytes)
        ));
    }
    Ok(output::sha256_hex(text.as_bytes()))
}

fn remove_empty_parents(path: &Path, stop: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == stop || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Takes in the per-shard manifests (`manifest.shard-K-of-N.json`) of shard builds whose files
/// were copied into this folder: entries whose file is present with the recorded hash join the
/// main manifest, and the shard manifest is removed.
fn adopt_shard_manifests(out: &Path, manifest: &mut Manifest) {
    let Ok(read) = std::fs::read_dir(out) else {
        return;
    };
    let mut shard_files: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("manifest.shard-") && n.ends_with(".json"))
        })
        .collect();
    shard_files.sort();
    for file in shard_files {
        let Some(shard) = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        else {
            continue;
        };
        for entry in shard.documents {
            let ok = std::fs::read(out.join(&entry.path))
                .is_ok_and(|bytes| output::sha256_hex(&bytes) == entry.sha256);
            if ok {
                manifest.documents.retain(|e| e.path != entry.path);
                manifest.documents.push(entry);
            }
        }
        let _ = std::fs::remove_file(&file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_document_exactly_once() {
        let paths: Vec<String> = (0..500)
            .map(|i| format!("2025/town-{i}/application.pdf"))
            .collect();
        let n = 4;
        let mut counts = vec![0; n as usize];
        for p in &paths {
            let k = shard_of(p, n);
            assert!((1..=n).contains(&k));
            counts[(k - 1) as usize] += 1;
        }
        assert_eq!(counts.iter().sum::<usize>(), 500);
        assert!(counts.iter().all(|&c| c > 80), "{counts:?}");
    }
}

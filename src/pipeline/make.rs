//! Pipeline, one document: render its template, typeset the source, export the PDF and the files
//! beside it into temporary files that wait for the committer. A failure (even a panic inside
//! Typst) stays this document's own.

use std::path::Path;
use std::time::Instant;

use serde_json::Value;
use typst_layout::PagedDocument;

use super::{Finished, Session, Timings};
use crate::archive::{self, FileEntry, Manifest, Staged};
use crate::diag::Diagnostic;
use crate::export::{self, DocxDraft, Laid};
use crate::plan::{Doc, Format};
use crate::render::fields;
use crate::typeset;

/// Why a document was not made: it failed (the findings say why), or it was left for the next
/// build because a newer save came ([`Session::set_interrupt`]).
pub(super) enum Unmade {
    Failed(Vec<Diagnostic>),
    /// Left after its layout, of this many pages.
    Deferred(usize),
}

impl Unmade {
    /// What the committer is sent: the document or its failure; `None` when it was left.
    pub(super) fn sendable(
        made: Result<Finished, Unmade>,
    ) -> Option<Result<Finished, Vec<Diagnostic>>> {
        match made {
            Ok(finished) => Some(Ok(finished)),
            Err(Unmade::Failed(findings)) => Some(Err(findings)),
            Err(Unmade::Deferred(_)) => None,
        }
    }
}

impl From<Vec<Diagnostic>> for Unmade {
    fn from(findings: Vec<Diagnostic>) -> Self {
        Unmade::Failed(findings)
    }
}

impl Session {
    /// Renders, typesets and exports one document; its files wait in temporary files beside
    /// their targets.
    pub(super) fn make(&self, doc: &Doc, timings: &Timings) -> Result<Finished, Unmade> {
        let typ_path = self.options.out.join(&doc.path).with_extension("typ");
        let context = doc.context.value();
        let (job, document, warnings) = self.lay_out(doc, &context, "", &typ_path, timings)?;
        if let Some(hook) = &self.on_laid {
            hook(doc, &document, &warnings);
        }
        // a newer save waits: the export and the files beside it would be made again after it
        if self.deferrable(doc) {
            return Err(Unmade::Deferred(document.pages().len()));
        }
        let draft = self.draft(doc, &context)?;
        let laid = Laid {
            doc,
            context: &context,
            job: &job,
            document: &document,
            typesetter: &self.typesetter,
            draft: draft.as_ref(),
        };
        let start = Instant::now();
        let pdf = typst_guarded(&job, &typ_path, || {
            export::exporter(Format::Pdf).export(&laid)
        })?
        .inspect_err(|_| keep_source(&job, &typ_path))?;
        Timings::add(&timings.pdf, start);
        if self.deferrable(doc) {
            return Err(Unmade::Deferred(document.pages().len()));
        }
        let start = Instant::now();
        let staged = self.stage(&laid, &pdf, timings)?;
        Timings::add(&timings.write, start);
        Ok(Finished {
            sha256: archive::sha256_hex(&pdf),
            pages: document.pages().len(),
            staged: staged.0,
            sidecars: staged.1,
            warnings,
        })
    }

    /// Renders and typesets `doc` from `context` into a PDF in memory, writing nothing (`zyz
    /// diff` and its redlines). `preamble` is Typst source put before the template's; `ident`
    /// fixes the PDF's identifier, so two versions' bytes differ only where their pages do.
    pub fn pdf_in_memory(
        &self,
        doc: &Doc,
        context: &Value,
        preamble: &str,
        ident: &str,
    ) -> Result<InMemory, Vec<Diagnostic>> {
        let typ_path = self.options.out.join(&doc.path).with_extension("typ");
        let timings = Timings::default();
        let (mut job, document, warnings) =
            self.lay_out(doc, context, preamble, &typ_path, &timings)?;
        job.ident = ident.to_owned();
        let laid = Laid {
            doc,
            context,
            job: &job,
            document: &document,
            typesetter: &self.typesetter,
            draft: None,
        };
        let pdf = typst_guarded(&job, &typ_path, || {
            export::exporter(Format::Pdf).export(&laid)
        })??;
        Ok(InMemory {
            pdf,
            pages: document.pages().len(),
            warnings,
        })
    }

    /// Renders and typesets `doc` from `context` into pages in memory, writing nothing (`zyz
    /// serve` draws them); with Typst's warnings and the layout check's findings. `preamble` as
    /// for [`Self::pdf_in_memory`].
    pub fn pages_in_memory(
        &self,
        doc: &Doc,
        context: &Value,
        preamble: &str,
    ) -> Result<(PagedDocument, Vec<Diagnostic>), Vec<Diagnostic>> {
        let typ_path = self.options.out.join(&doc.path).with_extension("typ");
        let (_, document, warnings) =
            self.lay_out(doc, context, preamble, &typ_path, &Timings::default())?;
        Ok((document, warnings))
    }

    /// The Word draft's source, for a document with a DOCX: the template rendered again from the
    /// context with each value from the content marked with its source (the document's input
    /// files read for their field paths).
    fn draft(&self, doc: &Doc, context: &Value) -> Result<Option<DocxDraft>, Vec<Diagnostic>> {
        if !doc.sidecars.iter().any(|s| s.format == Format::Docx) {
            return Ok(None);
        }
        // the town's own file first: a value several files hold (`镇`) is taken from it
        let own = |rel: &&std::path::PathBuf| {
            doc.town.is_none() || rel.file_stem().and_then(|s| s.to_str()) != doc.town.as_deref()
        };
        let mut inputs: Vec<&std::path::PathBuf> = doc.inputs.iter().collect();
        inputs.sort_by_key(own);
        let sources: Vec<(String, String)> = inputs
            .into_iter()
            .filter_map(|rel| {
                let text = std::fs::read_to_string(self.options.content.join(rel)).ok()?;
                let name = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                Some((name, text))
            })
            .collect();
        let (marked, fields) = fields::mark(context, &sources);
        let mut source = self
            .renderer
            .render(&doc.template, &marked)
            .map_err(|d| vec![*d])?;
        source.insert_str(0, fields::PREAMBLE);
        Ok(Some(DocxDraft { source, fields }))
    }

    /// Renders the document's template and typesets the source into pages.
    fn lay_out(
        &self,
        doc: &Doc,
        context: &Value,
        preamble: &str,
        typ_path: &Path,
        timings: &Timings,
    ) -> Result<(typeset::Job, PagedDocument, Vec<Diagnostic>), Vec<Diagnostic>> {
        let start = Instant::now();
        let mut source = self
            .renderer
            .render(&doc.template, context)
            .map_err(|d| vec![*d])?;
        if !preamble.is_empty() {
            source.insert_str(0, preamble);
        }
        Timings::add(&timings.render, start);
        let job = typeset::Job {
            source,
            source_name: typ_path.to_path_buf(),
            date: doc.date.into(),
            ident: format!("zyz/{}/{}", doc.path, doc.inputs_sha256),
            standard: self.options.standard,
        };
        let start = Instant::now();
        let compiled = typst_guarded(&job, typ_path, || self.typesetter.compile(&job))?;
        Timings::add(&timings.typeset, start);
        let (document, mut warnings) = compiled.inspect_err(|_| keep_source(&job, typ_path))?;
        warnings.extend(self.measure(doc, &document)?);
        Ok((job, document, warnings))
    }

    /// GB/T 9704 measured on the laid-out pages: warnings, or the document's errors with
    /// `--strict-layout`.
    fn measure(
        &self,
        doc: &Doc,
        document: &PagedDocument,
    ) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let pdf = self.options.out.join(&doc.path);
        let layout = typeset::measure::diagnostics(document, &pdf, self.options.strict_layout);
        if self.options.strict_layout && !layout.is_empty() {
            return Err(layout);
        }
        Ok(layout)
    }

    /// Writes the PDF and the document's other files to temporary files beside their targets
    /// (and the generated source with `--emit-typ`).
    fn stage(
        &self,
        laid: &Laid,
        pdf: &[u8],
        timings: &Timings,
    ) -> Result<(Staged, Vec<StagedFile>), Vec<Diagnostic>> {
        let out = &self.options.out;
        let target = out.join(&laid.doc.path);
        let staged = Staged::new(&target, pdf).map_err(|err| vec![write_error(&target, &err)])?;
        let mut sidecars = Vec::new();
        for side in &laid.doc.sidecars {
            let target = out.join(&side.path);
            let start = Instant::now();
            let exporter = export::exporter(side.format);
            let bytes = typst_guarded(laid.job, &laid.job.source_name, || exporter.export(laid))??;
            Timings::add(&timings.files, start);
            let entry = FileEntry {
                path: side.path.clone(),
                sha256: archive::sha256_hex(&bytes),
            };
            let file =
                Staged::new(&target, &bytes).map_err(|err| vec![write_error(&target, &err)])?;
            sidecars.push((entry, file));
        }
        if self.options.emit_typ {
            let typ_path = &laid.job.source_name;
            archive::write_if_changed(typ_path, laid.job.source.as_bytes())
                .map_err(|err| vec![write_error(typ_path, &err)])?;
        }
        Ok((staged, sidecars))
    }
}

/// A document typeset in memory.
pub struct InMemory {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Typst's warnings and the layout check's findings.
    pub warnings: Vec<Diagnostic>,
}

/// A file beside the PDF: its manifest entry and its bytes waiting beside the target.
type StagedFile = (FileEntry, Staged);

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
    let _ = archive::write_atomic(typ_path, job.source.as_bytes());
}

/// A failed write as a finding on the file.
pub(super) fn write_error(path: &Path, err: &anyhow::Error) -> Diagnostic {
    Diagnostic::error(path, 0, 0, "write", format!("{err:#}"))
}

/// Removes the files of `doc`'s manifest entry that are no longer planned beside it.
pub(super) fn retire_files(out: &Path, doc: &Doc, manifest: &mut Manifest) -> anyhow::Result<()> {
    let planned: Vec<&str> = doc.sidecars.iter().map(|s| s.path.as_str()).collect();
    match manifest.documents.iter_mut().find(|e| e.path == doc.path) {
        Some(entry) => entry.retire_files(out, &planned),
        None => Ok(()),
    }
}

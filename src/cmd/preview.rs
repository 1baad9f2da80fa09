//! `zyz preview KIND TOWN`: load, check and plan like `zyz build`, then render and typeset one
//! document and write its pages as PNG images (typst-render) — a quick look without a PDF viewer.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use anyhow::bail;
use typst_layout::PagedDocument;

use crate::Exit;
use crate::archive;
use crate::cli::PreviewArgs;
use crate::diag::Diagnostic;
use crate::export::png;
use crate::pipeline::{Options, Prepared, Session, Timings};
use crate::plan::{Doc, KINDS};
use crate::typeset::{self, Standard};

/// Entry point of `zyz preview`.
pub fn run(args: &PreviewArgs) -> anyhow::Result<Exit> {
    validate(args)?;
    let town = (args.town != "-").then(|| args.town.clone());
    let session = Session::new(options(args, town.as_ref())?)?;
    let prepared = session.prepare(&Timings::default())?;
    let Some(doc) = prepared
        .docs
        .iter()
        .find(|d| d.kind == args.kind && d.town == town)
    else {
        return Err(no_such_doc(&prepared, &args.kind, town.as_deref()));
    };
    let color = std::io::stderr().is_terminal();
    let print = |diagnostics: &[Diagnostic]| print_all(&prepared.sources, diagnostics, color);
    let Some((document, stem)) = typeset_doc(&session, doc, &args.out, &print) else {
        return Ok(Exit::Failure);
    };
    let pages = png::pages(&document, args.scale)?;
    for (i, png) in pages.iter().enumerate() {
        let path = args.out.join(format!("{stem}-{}.png", i + 1));
        archive::write_atomic(&path, png)?;
        println!("{}", path.display());
    }
    eprintln!(
        "{} pages of {} written to {}",
        pages.len(),
        doc.path,
        args.out.display()
    );
    Ok(Exit::Success)
}

/// Refuses an unknown kind, a scale out of range and a missing content folder.
fn validate(args: &PreviewArgs) -> anyhow::Result<()> {
    if !KINDS.contains(&args.kind.as_str()) {
        bail!(
            "unknown document kind `{}` (hint: one of {})",
            args.kind,
            KINDS.join(", ")
        );
    }
    if args.scale.is_nan() || args.scale <= 0.0 || args.scale > 10.0 {
        bail!(
            "--scale {}: expected pixels per point between 0 and 10, e.g. --scale 1.5",
            args.scale
        );
    }
    if !args.project.content.is_dir() {
        bail!(
            "the content folder {} does not exist (hint: run zyz in the project folder, or pass --content DIR)",
            args.project.content.display()
        );
    }
    Ok(())
}

/// The pipeline options for one document of `args.kind` for `town` (None: the city).
fn options(args: &PreviewArgs, town: Option<&String>) -> anyhow::Result<Options> {
    Ok(Options {
        content: args.project.content.clone(),
        templates: args.project.templates.clone(),
        out: args.out.clone(),
        fonts: super::build::font_options(&args.fonts, &args.project.content)?,
        jobs: 1,
        force: true,
        kinds: vec![args.kind.clone()],
        towns: town.into_iter().cloned().collect(),
        shard: None,
        emit_typ: false,
        standard: Standard::PdfA2b,
        strict_layout: false,
        issuing: Default::default(),
        as_of: args.as_of,
        formats: None,
    })
}

/// The error for a kind and town the content has no document for: the towns it has one for,
/// and a guess when the town looks like a typo.
fn no_such_doc(prepared: &Prepared, kind: &str, town: Option<&str>) -> anyhow::Error {
    let mut have: Vec<&str> = prepared
        .docs
        .iter()
        .filter(|d| d.kind == kind)
        .map(|d| d.town.as_deref().unwrap_or("-"))
        .collect();
    have.dedup();
    let guess = town
        .and_then(|t| crate::model::de::did_you_mean(t, have.iter().copied()))
        .map(|g| format!("did you mean `{g}`? "))
        .unwrap_or_default();
    anyhow::anyhow!(
        "no `{}` document for {} (hint: {guess}the content has one for: {})",
        kind,
        town.map_or("the city (-)".to_owned(), |t| format!("town `{t}`")),
        if have.is_empty() {
            "none".to_owned()
        } else {
            have.join(", ")
        }
    )
}

/// Prints diagnostics to stderr, each with its source lines (from the loaded content, else read
/// from disk).
fn print_all(sources: &BTreeMap<PathBuf, String>, diagnostics: &[Diagnostic], color: bool) {
    for d in diagnostics {
        let source = sources
            .get(&d.file)
            .cloned()
            .or_else(|| std::fs::read_to_string(&d.file).ok());
        eprint!("{}", d.render(source.as_deref(), color));
    }
}

/// Renders and typesets the document, printing warnings; with the file stem its pages are named
/// after. None (the errors printed) when the template or Typst fails.
fn typeset_doc(
    session: &Session,
    doc: &Doc,
    out: &Path,
    print: &dyn Fn(&[Diagnostic]),
) -> Option<(PagedDocument, String)> {
    let source = match session
        .renderer()
        .render(&doc.template, &doc.context.value())
    {
        Ok(source) => source,
        Err(d) => {
            print(&[*d]);
            return None;
        }
    };
    let stem = doc.path.trim_end_matches(".pdf").replace('/', "-");
    let job = typeset::Job {
        source,
        source_name: out.join(format!("{stem}.typ")),
        date: doc.date.into(),
        ident: format!("zyz/{}/{}", doc.path, doc.inputs_sha256),
        standard: Standard::PdfA2b,
    };
    let (document, warnings) = match session.typesetter().compile(&job) {
        Ok(ok) => ok,
        Err(errors) => {
            // keep the generated source so the positions in the messages can be read
            let _ = archive::write_atomic(&job.source_name, job.source.as_bytes());
            print(&errors);
            return None;
        }
    };
    print(&warnings);
    Some((document, stem))
}

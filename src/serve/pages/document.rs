//! Serve, 文档: one document's pages as SVG (zoomable), its downloads (the PDF and every file
//! the manifest lists beside it), the findings that concern it (the layout check's on its pages,
//! the content's in the files it reads, why it failed), and 修改对照 — the compare stage's
//! redline of this document against `HEAD`, built in memory. `/pages/<path>` is the same pages'
//! keys and text as JSON (the live script redraws the changed ones), `/svg/<v>/<n>/<path>` one
//! page's drawing.

use std::sync::Arc;

use minijinja::context;
use serde::Serialize;

use super::Pages;
use crate::diag::Diagnostic;
use crate::serve::http::Reply;
use crate::serve::svg;
use crate::serve::view::doc_row;

/// A page as the templates and the live script see it.
#[derive(Serialize)]
struct PageRef {
    n: usize,
    key: String,
    text: String,
    width: f64,
    height: f64,
    src: String,
}

/// A download beside the document.
#[derive(Serialize)]
struct Download {
    name: String,
    href: String,
}

impl Pages<'_> {
    /// `/doc/<path>` (`?redline=1`: the 修改对照稿 against HEAD).
    pub fn document(&self, path: &str) -> Reply {
        let snapshot = self.state.snapshot();
        let Some(doc) = snapshot.doc(path) else {
            return Reply::not_found();
        };
        let redline = self.asked.query("redline") == Some("1");
        let drawn = if redline {
            self.redline(doc)
        } else {
            let session = self.state.session.read().expect("session lock");
            self.state.pages.get(&session, doc)
        };
        let (pages, mut findings) = match &drawn {
            Ok(pages) => (page_refs(path, pages, redline), pages.warnings.clone()),
            Err(errors) => (Vec::new(), errors.clone()),
        };
        if let Some(why) = snapshot.failed.get(path) {
            findings.extend(why.iter().cloned());
        }
        let inputs: Vec<_> = doc
            .inputs
            .iter()
            .map(|i| snapshot.content_dir.join(i))
            .collect();
        findings.extend(
            snapshot
                .findings
                .iter()
                .filter(|d| inputs.contains(&d.file) && !d.rule.starts_with("standard"))
                .cloned(),
        );
        let shown: Vec<String> = findings
            .iter()
            .map(|d| d.render(snapshot.source_of(d), false))
            .collect();
        let downloads = downloads(&snapshot, path);
        self.render(
            &snapshot,
            "document.html",
            context! {
                doc => doc_row(&snapshot, doc), pages => pages, findings => shown,
                downloads => downloads, redline => redline, version => doc.inputs_sha256,
                failed => drawn.is_err(), page => "document",
            },
        )
    }

    /// `/pages/<path>`: the current pages' keys and text, as JSON.
    pub fn document_pages(&self, path: &str) -> Reply {
        let snapshot = self.state.snapshot();
        let Some(doc) = snapshot.doc(path) else {
            return Reply::not_found();
        };
        // the version a live change named (drawn while its build goes on), else the snapshot's
        let told = self
            .asked
            .query("v")
            .and_then(|v| self.state.pages.kept(path, v));
        let session = self.state.session.read().expect("session lock");
        let json = match told.map_or_else(|| self.state.pages.get(&session, doc), Ok) {
            Ok(pages) => serde_json::json!({
                "version": pages.version,
                "pages": page_refs(path, &pages, false),
            }),
            Err(errors) => serde_json::json!({
                "version": doc.inputs_sha256,
                "pages": [],
                "errors": errors.iter().map(|d| d.render(None, false)).collect::<Vec<_>>(),
            }),
        };
        Reply::bytes(
            200,
            "application/json",
            serde_json::to_vec(&json).unwrap_or_default(),
        )
        .with("Cache-Control", "no-store".to_owned())
    }

    /// `/svg/<version>/<n>/<path>`: page n (from 1) of a document's kept drawing.
    pub fn page_svg(&self, rest: &str) -> Reply {
        let mut parts = rest.splitn(3, '/');
        let (Some(version), Some(n), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            return Reply::not_found();
        };
        let Ok(n) = n.parse::<usize>() else {
            return Reply::not_found();
        };
        let pages = if version == "redline" {
            let snapshot = self.state.snapshot();
            let Some(doc) = snapshot.doc(path) else {
                return Reply::not_found();
            };
            self.redline(doc).ok()
        } else {
            self.state.pages.kept(path, version).or_else(|| {
                let snapshot = self.state.snapshot();
                let doc = snapshot.doc(path).filter(|d| d.inputs_sha256 == version)?;
                let session = self.state.session.read().expect("session lock");
                self.state.pages.get(&session, doc).ok()
            })
        };
        match pages.as_ref().and_then(|p| p.pages.get(n.wrapping_sub(1))) {
            Some(page) => Reply::bytes(200, "image/svg+xml", page.svg.as_bytes().to_vec())
                .with("Cache-Control", "max-age=3600".to_owned()),
            None => Reply::not_found(),
        }
    }

    /// The 修改对照稿 of `doc` against HEAD, drawn.
    fn redline(&self, doc: &crate::plan::Doc) -> Result<Arc<svg::Pages>, Vec<Diagnostic>> {
        let session = self.state.session.read().expect("session lock");
        super::super::redline::draw(&session, doc)
    }
}

fn page_refs(path: &str, pages: &svg::Pages, redline: bool) -> Vec<PageRef> {
    let version = if redline { "redline" } else { &pages.version };
    pages
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| PageRef {
            n: i + 1,
            key: p.key.clone(),
            text: p.text.clone(),
            width: p.width_pt,
            height: p.height_pt,
            src: format!("/svg/{version}/{}/{path}?k={}", i + 1, p.key),
        })
        .collect()
}

/// The document's files in the manifest: the PDF first, then those beside it.
fn downloads(snapshot: &crate::serve::state::Snapshot, path: &str) -> Vec<Download> {
    let Some(entry) = snapshot.manifest.get(path) else {
        return Vec::new();
    };
    std::iter::once(entry.path.as_str())
        .chain(entry.files.iter().map(|f| f.path.as_str()))
        .map(|p| Download {
            name: p.rsplit('/').next().unwrap_or(p).to_owned(),
            href: format!("/files/{p}"),
        })
        .collect()
}

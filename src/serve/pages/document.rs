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

/// A page as the templates and the live script see it: `src` is its whole SVG, `src` with
/// `&part=body` its drawing without the glyph outlines `glyphs` names.
#[derive(Serialize)]
struct PageRef {
    n: usize,
    key: String,
    text: String,
    width: f64,
    height: f64,
    src: String,
    glyphs: Vec<String>,
    /// The drawing itself, sent with `/pages` for the pages whose key the live page lacks
    /// (`?have=`): one request instead of two after a save.
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
}

/// How many page keys `/pages?have=` is read for (a document page holds one per page).
const MAX_PAGES_HELD: usize = 2_000;

/// How many glyph outlines one `/glyphs` request may ask for (the live script asks in batches).
const MAX_GLYPHS_ASKED: usize = 400;

/// A download beside the document.
#[derive(Serialize)]
struct Download {
    name: String,
    href: String,
}

impl Pages<'_> {
    /// `/doc/<path>` (`?redline=1`: the 修改对照稿 against HEAD; `?info=1`: without the pages,
    /// what the live script swaps in after a build).
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
        // each page's drawing inline, every glyph outline once for all of them (not when the
        // live script asks for the parts around the pages, `?info=1`)
        let info = self.asked.query("info") == Some("1");
        let (bodies, glyphs) = match &drawn {
            Ok(drawn) if !info => (
                drawn.pages.iter().map(|p| p.body.to_string()).collect(),
                self.state
                    .pages
                    .glyphs
                    .outlines(drawn.pages.iter().flat_map(|p| p.glyphs.iter())),
            ),
            _ => (Vec::new(), String::new()),
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
        // information only (text reproduced verbatim) is counted here and shown on 检查: a
        // dozen notes on city.yaml's seed text pushed every document's pages off the screen
        let (notes, findings): (Vec<_>, Vec<_>) = findings
            .into_iter()
            .partition(|d| d.severity == crate::diag::Severity::Info);
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
                notes => notes.len(),
                downloads => downloads, redline => redline, version => doc.inputs_sha256,
                bodies => bodies, glyphs => glyphs, info => info,
                failed => drawn.is_err(), page => "document",
            },
        )
    }

    /// `/pages/<path>`: the current pages' keys and text, as JSON (`?redline=1`: the
    /// 修改对照稿's).
    pub fn document_pages(&self, path: &str) -> Reply {
        let snapshot = self.state.snapshot();
        let Some(doc) = snapshot.doc(path) else {
            return Reply::not_found();
        };
        let redline = self.asked.query("redline") == Some("1");
        // the version a live change named (drawn while its build goes on), else the snapshot's
        let told = self
            .asked
            .query("v")
            .and_then(|v| self.state.pages.kept(path, v));
        let drawn = match told {
            Some(pages) => Ok(pages),
            None if redline => self.redline(doc),
            None => {
                let session = self.state.session.read().expect("session lock");
                self.state.pages.get(&session, doc)
            }
        };
        let have: Vec<&str> = (self.asked.query("have").unwrap_or_default().split(','))
            .take(MAX_PAGES_HELD)
            .collect();
        let json = match drawn {
            Ok(pages) => {
                let mut refs = page_refs(path, &pages, redline);
                for (r, page) in refs.iter_mut().zip(&pages.pages) {
                    if !have.contains(&r.key.as_str()) {
                        r.body = Some(page.body.to_string());
                    }
                }
                serde_json::json!({
                    "version": if redline { &doc.inputs_sha256 } else { &pages.version },
                    "pages": refs,
                })
            }
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
        let Some(page) = pages.as_ref().and_then(|p| p.pages.get(n.wrapping_sub(1))) else {
            return Reply::not_found();
        };
        let svg = if self.asked.query("part") == Some("body") {
            page.body.to_string()
        } else {
            self.state.pages.glyphs.whole(&page.body, &page.glyphs)
        };
        Reply::bytes(200, "image/svg+xml", svg.into_bytes())
            .with("Cache-Control", "max-age=3600".to_owned())
    }

    /// `/glyphs?ids=g…,g…`: the glyph outlines a redrawn page uses that its document page does
    /// not hold yet, as `<symbol>`s in an SVG.
    pub fn glyphs(&self) -> Reply {
        let ids: Vec<String> = self
            .asked
            .query("ids")
            .unwrap_or_default()
            .split(',')
            .take(MAX_GLYPHS_ASKED)
            .map(str::to_owned)
            .collect();
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><defs>{}</defs></svg>",
            self.state.pages.glyphs.outlines(&ids)
        );
        Reply::bytes(200, "image/svg+xml", svg.into_bytes())
            .with("Cache-Control", "max-age=3600".to_owned())
    }

    /// The 修改对照稿 of `doc` against HEAD, drawn.
    fn redline(&self, doc: &crate::plan::Doc) -> Result<Arc<svg::Pages>, Vec<Diagnostic>> {
        let session = self.state.session.read().expect("session lock");
        super::super::redline::draw(&session, doc, &self.state.pages.glyphs)
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
            glyphs: p.glyphs.to_vec(),
            body: None,
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

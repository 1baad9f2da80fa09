//! Serve, pages: a document's laid-out pages drawn as SVG (typst-svg, the same Typst as the
//! PDF; the glyph outlines kept apart, [`Glyphs`]), each with its text (for the page's text
//! layer and search), kept per document and version. The build hands over the pages of open documents as it lays them out; any other is
//! laid out in memory when first asked for.

use std::collections::{BTreeMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

use crate::diag::Diagnostic;
use crate::pipeline::Session;
use crate::plan::Doc;

use super::glyphs::Glyphs;

/// How many documents' pages are kept (the oldest drawn is dropped first).
const KEPT: usize = 48;

/// One page, drawn.
pub struct Page {
    /// The drawing without its glyph outlines ([`Glyphs`] keeps those).
    pub body: Arc<str>,
    /// The ids of the glyph outlines the drawing uses.
    pub glyphs: Arc<[String]>,
    /// A digest of the SVG: a page whose drawing did not change keeps its key.
    pub key: String,
    /// The page's text, line by line, in reading order.
    pub text: String,
    pub width_pt: f64,
    pub height_pt: f64,
    /// A digest of the laid-out frame: a page laid out the same as before is not drawn again.
    frame: u128,
}

/// A document's pages at one version (its input hash).
pub struct Pages {
    pub version: String,
    pub pages: Vec<Page>,
    /// Typst's warnings and the layout check's findings on these pages.
    pub warnings: Vec<Diagnostic>,
}

impl Pages {
    /// Draws a laid-out document; a page laid out exactly as one of `before` (the document's
    /// last drawing) keeps that drawing (an edit changes one page or two of a document: drawing
    /// the others again was a third of the time from a save to the new page on screen).
    pub fn draw(
        version: &str,
        document: &PagedDocument,
        warnings: &[Diagnostic],
        before: Option<&Pages>,
        glyphs: &Glyphs,
    ) -> Self {
        let options = typst_svg::SvgOptions::default();
        let kept: BTreeMap<u128, &Page> = before
            .map(|b| b.pages.iter().map(|p| (p.frame, p)).collect())
            .unwrap_or_default();
        // pages drawn in parallel (a 12-page document opened for the first time: each page's
        // outlines are made anew by typst-svg)
        let pages = document
            .pages()
            .par_iter()
            .map(|page| {
                let frame = typst::utils::hash128(&Drawn(&page.frame));
                if let Some(old) = kept.get(&frame) {
                    return Page {
                        body: old.body.clone(),
                        glyphs: old.glyphs.clone(),
                        key: old.key.clone(),
                        text: old.text.clone(),
                        ..**old
                    };
                }
                let svg = typst_svg::svg(page, &options);
                let key = crate::archive::sha256_hex(svg.as_bytes())[..16].to_owned();
                let (body, ids) = glyphs.split(&svg);
                Page {
                    body: body.into(),
                    glyphs: ids.into(),
                    key,
                    text: text_of(&page.frame),
                    width_pt: page.frame.width().to_pt(),
                    height_pt: page.frame.height().to_pt(),
                    frame,
                }
            })
            .collect();
        Self {
            version: version.to_owned(),
            pages,
            warnings: warnings.to_vec(),
        }
    }
}

/// The kept pages by key, and the keys oldest first.
type Kept = (BTreeMap<String, Arc<Pages>>, VecDeque<String>);

/// The drawn pages of recently shown documents, by output path and version (a live page may
/// ask for the version just drawn while the snapshot still names the one before).
#[derive(Default)]
pub struct PageCache {
    docs: Mutex<Kept>,
    /// The glyph outlines of every page drawn.
    pub glyphs: Glyphs,
}

impl PageCache {
    /// The pages of `doc` at its current version: kept, or laid out now.
    pub fn get(&self, session: &Session, doc: &Doc) -> Result<Arc<Pages>, Vec<Diagnostic>> {
        if let Some(pages) = self.kept(&doc.path, &doc.inputs_sha256) {
            return Ok(pages);
        }
        let (document, warnings) = session.pages_in_memory(doc, &doc.context.value(), "")?;
        let before = self.latest(&doc.path);
        let pages = Arc::new(Pages::draw(
            &doc.inputs_sha256,
            &document,
            &warnings,
            before.as_deref(),
            &self.glyphs,
        ));
        self.put(&doc.path, pages.clone());
        Ok(pages)
    }

    /// The kept pages of `path` at `version`.
    pub fn kept(&self, path: &str, version: &str) -> Option<Arc<Pages>> {
        let docs = self.docs.lock().expect("page cache lock");
        docs.0.get(&key(path, version)).cloned()
    }

    /// The pages of `path` drawn last, at whatever version.
    pub fn latest(&self, path: &str) -> Option<Arc<Pages>> {
        let docs = self.docs.lock().expect("page cache lock");
        let prefix = key(path, "");
        let newest = docs.1.iter().rev().find(|k| k.starts_with(&prefix))?;
        docs.0.get(newest).cloned()
    }

    /// Keeps `pages` as the pages of `path` at their version.
    pub fn put(&self, path: &str, pages: Arc<Pages>) {
        let mut docs = self.docs.lock().expect("page cache lock");
        let (map, order) = &mut *docs;
        let key = key(path, &pages.version);
        if map.insert(key.clone(), pages).is_none() {
            order.push_back(key);
        }
        while order.len() > KEPT {
            if let Some(old) = order.pop_front() {
                map.remove(&old);
            }
        }
    }
}

/// A frame as far as its drawing goes: its hash leaves out what the SVG never shows (the tags of
/// introspection and the source spans of glyphs, which change on every page when one value of
/// the document changes) and keeps everything drawn.
struct Drawn<'a>(&'a Frame);

impl Hash for Drawn<'_> {
    fn hash<H: Hasher>(&self, h: &mut H) {
        self.0.size().hash(h);
        for (pos, item) in self.0.items() {
            match item {
                FrameItem::Tag(_) => continue,
                FrameItem::Group(group) => {
                    (0u8, pos, group.transform, &group.clip).hash(h);
                    Drawn(&group.frame).hash(h);
                }
                FrameItem::Text(text) => {
                    (1u8, pos, &text.font, text.size, &text.fill, &text.stroke).hash(h);
                    text.text.hash(h);
                    for g in &text.glyphs {
                        (g.id, g.x_advance, g.x_offset, g.y_advance, g.y_offset).hash(h);
                    }
                }
                FrameItem::Shape(shape, _) => (2u8, pos, shape).hash(h),
                FrameItem::Image(image, size, _) => (3u8, pos, image, size).hash(h),
                FrameItem::Link(dest, size) => (4u8, pos, dest, size).hash(h),
            }
        }
    }
}

fn key(path: &str, version: &str) -> String {
    format!("{path}\n{version}")
}

/// The text of a page, as lines in reading order (runs on one baseline joined).
fn text_of(frame: &Frame) -> String {
    let mut runs = Vec::new();
    walk(frame, Transform::identity(), &mut runs);
    runs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut out = String::new();
    let mut line_y = f64::NAN;
    for (y, _, text) in runs {
        if !out.is_empty() && (y - line_y).abs() > 2.0 {
            out.push('\n');
        }
        line_y = y;
        out.push_str(&text);
    }
    out
}

/// Text runs of a frame: (baseline y, x, text) in page points.
fn walk(frame: &Frame, ts: Transform, runs: &mut Vec<(f64, f64, String)>) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let ts = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(group.transform);
                walk(&group.frame, ts, runs);
            }
            FrameItem::Text(text) => {
                let at = Point::new(pos.x, pos.y).transform(ts);
                runs.push((at.y.to_pt(), at.x.to_pt(), text.text.to_string()));
            }
            _ => {}
        }
    }
}

//! Layout check: measures a typeset document's own pages (Typst's frames, no PDF parsing) against
//! the rules of GB/T 9704-2012 that can be measured, as corrected in docs/gbt9704.md.
//!
//! What is measured, page by page (positions in mm from the page's top-left corner):
//! - `layout.page-size`: A4 portrait, 210 × 297 mm (§5.1; §8 keeps sideways tables on portrait
//!   pages). A page of another size is reported and not measured further.
//! - `layout.margins`: the type area's top (37 ± 1 mm) and left (28 ± 1 mm) edges, taken from
//!   where the content actually is (the grid line of the topmost line, the left end of lines
//!   and rules spanning the type area), and nothing outside the type area but the page number.
//! - `layout.line-pitch`: consecutive 16 pt body lines (nothing else between them) are a whole
//!   number of grid lines apart, the grid being 225 mm / 22.
//! - `layout.line-cells`: a full body line (16 pt text reaching the type area's right edge)
//!   holds 28 cells: its indent in characters plus its characters (full-width 1, others ½).
//! - `layout.stretched-line`: a full body line holds at least 26 of those 28 cells of text, so
//!   that at most two cells' worth is spread over it (one character pushed out is ordinary
//!   practice, five is not).
//! - `layout.page-number`: "— N —", 14 pt, upright, N the page's place in the document, the
//!   dashes 7 mm below the type area, odd pages 1 character in from the right edge, even pages
//!   1 character in from the left edge; on every page but a blank page before the 版记 page and
//!   that 版记 page (§7.5).
//! - `layout.colophon`: the 版记 (the 14 pt block with 印发 and its rules) on the last page,
//!   which is even, its rules as wide as the type area, the last on its bottom edge (§7.4).
//! - `layout.red`: red text and rules within the type area's width, the red rule as wide as
//!   the type area and 4 mm below the 文号 (§7.2.7), the 发文机关标志's top 35 mm below the top
//!   of the type area (§7.2.4).
//! - `layout.turned`: on a page with turned (rotated) content, its head faces the left edge
//!   (§8). The grid rules (top and left edges, pitch, cells) are not applied to such pages.
//!
//! The check is one walk over the frames and a few sorts per page: cheap enough to run after
//! every document is typeset.

use typst_layout::PagedDocument;

mod page;
mod rules;
#[cfg(test)]
mod tests;

use page::{Colophon, Line, PageView, body_lines, find_colophon};
use rules::{
    colophon_rules, contained, line_cells, line_pitch, margins, numbered, page_number, page_size,
    red, stretched_lines, turned,
};

use crate::diag::{Diagnostic, Severity};

/// One layout rule a document breaks, on one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutFinding {
    /// `layout.page-size`, `layout.margins`, `layout.line-pitch`, `layout.line-cells`,
    /// `layout.stretched-line`, `layout.page-number`, `layout.colophon`, `layout.red` or
    /// `layout.turned`.
    pub rule: &'static str,
    /// The page (1-based).
    pub page: usize,
    /// What was measured and what the standard asks, starting with "page N: ".
    pub message: String,
}

/// The findings as diagnostics of the document at `file` (its output path): warnings, or
/// errors when `strict` (`zyz build --strict-layout`).
pub fn diagnostics(doc: &PagedDocument, file: &std::path::Path, strict: bool) -> Vec<Diagnostic> {
    check(doc)
        .into_iter()
        .map(|f| {
            let d = Diagnostic::warning(file, 0, 0, f.rule, f.message);
            if strict {
                Diagnostic {
                    severity: Severity::Error,
                    ..d
                }
            } else {
                d
            }
        })
        .collect()
}

// Geometry of GB/T 9704 §5, in points.
const MM: f64 = 72.0 / 25.4;
const PAGE_W: f64 = 210.0 * MM;
const PAGE_H: f64 = 297.0 * MM;
const LEFT: f64 = 28.0 * MM;
const TOP: f64 = 37.0 * MM;
const TYPE_W: f64 = 156.0 * MM;
const TYPE_H: f64 = 225.0 * MM;
const RIGHT: f64 = LEFT + TYPE_W;
const BOTTOM: f64 = TOP + TYPE_H;
const PITCH: f64 = TYPE_H / 22.0;
const CELL: f64 = TYPE_W / 28.0;
const BODY: f64 = 16.0;
const NUMBER: f64 = 14.0;
/// The standard's tolerance on margins, used for every position.
const TOL: f64 = 1.0 * MM;

/// Millimetres, for messages.
fn mm(pt: f64) -> f64 {
    pt / MM
}

/// Checks a typeset document's pages; an empty list when every measured rule holds.
pub fn check(doc: &PagedDocument) -> Vec<LayoutFinding> {
    let pages: Vec<PageView> = doc.pages().iter().map(|p| PageView::of(&p.frame)).collect();
    let colophon = find_colophon(&pages);
    // The body lines of each upright page on the grid (none on blank and turned pages).
    let body: Vec<Vec<Line>> = pages
        .iter()
        .enumerate()
        .map(|(i, page)| {
            let measured = !page.blank() && !page.turned();
            let lines = measured.then(|| body_lines(page, body_end(colophon.as_ref(), i)));
            lines.unwrap_or_default()
        })
        .collect();
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let mut f = Sink {
            page: i + 1,
            out: &mut out,
        };
        if !page_size(page, &mut f) {
            continue;
        }
        page_number(page, numbered(&pages, colophon.as_ref(), i), &mut f);
        if page.blank() {
            continue;
        }
        if page.turned() {
            turned(page, &mut f);
        } else {
            let colophon_top = body_end(colophon.as_ref(), i);
            let lines = &body[i];
            let left = margins(page, lines, colophon_top, &mut f).unwrap_or(LEFT);
            line_pitch(page, lines, &mut f);
            let next_page = body.get(i + 1).and_then(|l| l.first());
            line_cells(lines, next_page, left, &mut f);
            stretched_lines(lines, left, &mut f);
        }
        contained(page, &mut f);
        red(page, &mut f);
    }
    if let Some(c) = &colophon {
        colophon_rules(c, pages.len(), &mut out);
    }
    out.sort_by_key(|f| f.page);
    out
}

/// Where the body of page `i` ends: above the 版记 on its page, else nowhere.
fn body_end(colophon: Option<&Colophon>, i: usize) -> f64 {
    colophon
        .filter(|c| c.page == i)
        .map_or(f64::INFINITY, |c| c.top - 0.5)
}

/// Collects the findings of one page.
pub(super) struct Sink<'a> {
    pub(super) page: usize,
    pub(super) out: &'a mut Vec<LayoutFinding>,
}

impl Sink<'_> {
    pub(super) fn push(&mut self, rule: &'static str, message: String) {
        self.out.push(LayoutFinding {
            rule,
            page: self.page,
            message: format!("page {}: {message}", self.page),
        });
    }
}

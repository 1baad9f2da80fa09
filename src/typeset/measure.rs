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

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst::text::TextItem;
use typst::visualize::{Geometry, Paint, Shape};
use typst_layout::PagedDocument;

use crate::diag::{Diagnostic, Severity};

/// One layout rule a document breaks, on one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutFinding {
    /// `layout.page-size`, `layout.margins`, `layout.line-pitch`, `layout.line-cells`,
    /// `layout.page-number`, `layout.colophon`, `layout.red` or `layout.turned`.
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

/// A run of text in page coordinates.
struct Run {
    /// Approximate ink box (0.8 em above the baseline to 0.1 em below), transformed.
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    /// The baseline (meaningful for upright runs).
    base: f64,
    size: f64,
    text: typst::ecow::EcoString,
    /// Cells the characters take (see [`glyph_cells`]).
    cells: f64,
    red: bool,
    upright: bool,
    /// Rotated runs only: their top faces the left edge of the page.
    head_left: bool,
    /// The glyphs' ink top, for the big red organ mark only.
    ink_top: Option<f64>,
    /// Below the type area (or a turned "— N —"): the page number.
    footer: bool,
}

/// A shape or image in page coordinates.
struct Mark {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    /// Stroke thickness of a line, height of a filled rectangle, else 0.
    thick: f64,
    red: bool,
}

impl Mark {
    fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// A horizontal rule spanning most of the type area.
    fn wide_rule(&self) -> bool {
        self.width() >= 0.8 * TYPE_W && self.y1 - self.y0 <= 1.0 * MM
    }
}

/// Everything measurable on one page.
#[derive(Default)]
struct PageView {
    w: f64,
    h: f64,
    runs: Vec<Run>,
    marks: Vec<Mark>,
}

impl PageView {
    fn of(frame: &Frame) -> Self {
        let mut page = PageView {
            w: frame.width().to_pt(),
            h: frame.height().to_pt(),
            ..Default::default()
        };
        walk(frame, Transform::identity(), &mut page);
        page
    }

    /// Text runs other than the page number.
    fn content(&self) -> impl Iterator<Item = &Run> {
        self.runs.iter().filter(|r| !r.footer)
    }

    fn blank(&self) -> bool {
        self.marks.is_empty() && self.content().next().is_none()
    }

    /// Whether the page carries turned content (a sideways table).
    fn turned(&self) -> bool {
        self.content().any(|r| !r.upright)
    }
}

fn walk(frame: &Frame, ts: Transform, page: &mut PageView) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let ts = ts
                    .pre_concat(Transform::translate(pos.x, pos.y))
                    .pre_concat(group.transform);
                walk(&group.frame, ts, page);
            }
            FrameItem::Text(text) => page.runs.push(run(text, *pos, ts)),
            FrameItem::Shape(shape, _) => {
                if let Some(mark) = shape_mark(shape, *pos, ts) {
                    page.marks.push(mark);
                }
            }
            FrameItem::Image(_, size, _) => {
                let (x0, y0, x1, y1) = bounds(*pos, *size, ts);
                page.marks.push(Mark {
                    x0,
                    x1,
                    y0,
                    y1,
                    thick: 0.0,
                    red: false,
                });
            }
            FrameItem::Link(..) | FrameItem::Tag(_) => {}
        }
    }
}

/// The page-coordinate box of the rectangle at `pos` of `size` under `ts`.
fn bounds(pos: Point, size: Size, ts: Transform) -> (f64, f64, f64, f64) {
    let corners = [
        pos,
        pos + Point::new(size.x, Abs::zero()),
        pos + Point::new(Abs::zero(), size.y),
        pos + Point::new(size.x, size.y),
    ];
    let mut b = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for c in corners {
        let p = c.transform(ts);
        let (x, y) = (p.x.to_pt(), p.y.to_pt());
        b = (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y));
    }
    b
}

fn run(text: &TextItem, pos: Point, ts: Transform) -> Run {
    let size = text.size.to_pt();
    let top = pos + Point::new(Abs::zero(), Abs::pt(-0.8 * size));
    let (x0, y0, x1, y1) = bounds(top, Size::new(text.width(), Abs::pt(0.9 * size)), ts);
    let upright = ts.kx.get().abs() < 1e-6 && ts.ky.get().abs() < 1e-6;
    let origin = pos.transform(ts);
    let red = is_red(&text.fill);
    let ink_top = (red && upright && size > 22.5).then(|| {
        let b = text.bbox();
        origin.y.to_pt() + b.min.y.to_pt().min(b.max.y.to_pt()) * ts.sy.get()
    });
    Run {
        x0,
        x1,
        y0,
        y1,
        base: origin.y.to_pt(),
        size,
        text: text.text.clone(),
        cells: glyph_cells(text),
        red,
        upright,
        head_left: ts.kx.get() > 0.5,
        ink_top,
        footer: (upright && y0 > BOTTOM + 0.5 * MM)
            || (!upright && (10.0..=18.0).contains(&size) && text.text.contains('—')),
    }
}

fn shape_mark(shape: &Shape, pos: Point, ts: Transform) -> Option<Mark> {
    let stroke = shape.stroke.as_ref();
    let (size, thick) = match &shape.geometry {
        Geometry::Line(to) => {
            // A line from pos to pos + to: its box, normalised.
            let a = pos.min(pos + *to);
            let b = pos.max(pos + *to);
            let (x0, y0, x1, y1) = bounds(a, (b - a).to_size(), ts);
            let red = stroke.is_some_and(|s| is_red(&s.paint));
            let thick = stroke.map_or(0.0, |s| s.thickness.to_pt());
            return Some(Mark {
                x0,
                x1,
                y0,
                y1,
                thick,
                red,
            });
        }
        Geometry::Rect(size) => (*size, size.y.to_pt().min(size.x.to_pt())),
        Geometry::Curve(_) => {
            let b = shape.bbox(false);
            ((b.max - b.min).to_size(), 0.0)
        }
    };
    let at = match &shape.geometry {
        Geometry::Curve(_) => pos + shape.bbox(false).min,
        _ => pos,
    };
    let (x0, y0, x1, y1) = bounds(at, size, ts);
    if x1 - x0 >= PAGE_W - 1.0 && y1 - y0 >= PAGE_H - 1.0 {
        return None; // a page background
    }
    let red = shape.fill.as_ref().is_some_and(is_red) || stroke.is_some_and(|s| is_red(&s.paint));
    let thick = if shape.fill.is_some() {
        thick
    } else {
        stroke.map_or(0.0, |s| s.thickness.to_pt())
    };
    Some(Mark {
        x0,
        x1,
        y0,
        y1,
        thick,
        red,
    })
}

/// Spot red of the 版头 (§6.3): a strong red in any colour space.
fn is_red(paint: &Paint) -> bool {
    match paint {
        Paint::Solid(color) => {
            let rgb = color.to_rgb();
            rgb.red >= 0.6 && rgb.green <= 0.4 && rgb.blue <= 0.4
        }
        _ => false,
    }
}

/// The 版记: its page (0-based) and its rules.
struct Colophon {
    page: usize,
    /// Where the 版记 begins (its first rule, or the 印发 line's top).
    top: f64,
    rules: Vec<(f64, f64, f64, f64)>,
}

/// The last page with a 14 pt line holding 印发, and the thin full-width rules around it.
fn find_colophon(pages: &[PageView]) -> Option<Colophon> {
    let (page, line) = pages.iter().enumerate().rev().find_map(|(i, p)| {
        p.content()
            .filter(|r| r.upright && (13.0..=15.0).contains(&r.size) && r.text.contains("印发"))
            .last()
            .map(|r| (i, r))
    })?;
    let rules: Vec<(f64, f64, f64, f64)> = pages[page]
        .marks
        .iter()
        .filter(|m| {
            m.wide_rule()
                && (0.2 * MM..=0.5 * MM).contains(&m.thick)
                && m.y0 >= line.base - 6.0 * PITCH
                && m.y0 <= BOTTOM + 2.0 * MM
        })
        .map(|m| (m.x0, m.x1, m.y0, m.y1))
        .collect();
    let top = rules.iter().map(|r| r.2).fold(line.y0, f64::min);
    Some(Colophon { page, top, rules })
}

/// Checks a typeset document's pages; an empty list when every measured rule holds.
pub fn check(doc: &PagedDocument) -> Vec<LayoutFinding> {
    let pages: Vec<PageView> = doc.pages().iter().map(|p| PageView::of(&p.frame)).collect();
    let colophon = find_colophon(&pages);
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
        let colophon_top = colophon
            .as_ref()
            .filter(|c| c.page == i)
            .map_or(f64::INFINITY, |c| c.top - 0.5);
        if page.turned() {
            turned(page, &mut f);
        } else {
            let lines = body_lines(page, colophon_top);
            let left = margins(page, &lines, colophon_top, &mut f).unwrap_or(LEFT);
            line_pitch(page, &lines, &mut f);
            line_cells(&lines, left, &mut f);
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

/// Collects the findings of one page.
struct Sink<'a> {
    page: usize,
    out: &'a mut Vec<LayoutFinding>,
}

impl Sink<'_> {
    fn push(&mut self, rule: &'static str, message: String) {
        self.out.push(LayoutFinding {
            rule,
            page: self.page,
            message: format!("page {}: {message}", self.page),
        });
    }
}

fn page_size(page: &PageView, f: &mut Sink) -> bool {
    if (page.w - PAGE_W).abs() <= 0.5 && (page.h - PAGE_H).abs() <= 0.5 {
        return true;
    }
    let shape = if page.w > page.h {
        "landscape"
    } else {
        "portrait"
    };
    f.push(
        "layout.page-size",
        format!(
            "the page is {:.1} × {:.1} mm ({shape}); GB/T 9704 §5.1 and §8 keep every page A4 \
             portrait (210 × 297 mm), a sideways table turned on it",
            mm(page.w),
            mm(page.h)
        ),
    );
    false
}

/// Whether page `i` carries a number: all do but a blank page before the 版记 page and that
/// 版记 page (§7.5).
fn numbered(pages: &[PageView], colophon: Option<&Colophon>, i: usize) -> bool {
    match colophon {
        Some(c) if c.page >= 1 && pages[c.page - 1].blank() => i != c.page && i + 1 != c.page,
        _ => true,
    }
}

fn page_number(page: &PageView, expected: bool, f: &mut Sink) {
    let mut runs: Vec<&Run> = page.runs.iter().filter(|r| r.footer).collect();
    let n = f.page;
    if runs.is_empty() {
        if expected {
            f.push(
                "layout.page-number",
                format!(
                    "the page has no page number; GB/T 9704 §7.5 numbers every page (“— {n} —” \
                     here), the 版记 page too, unless a blank page stands before the 版记 page"
                ),
            );
        }
        return;
    }
    if !expected {
        f.push(
            "layout.page-number",
            "the page is numbered, but a blank page stands before the 版记 page: GB/T 9704 \
             §7.5 leaves that blank page and the 版记 page unnumbered"
                .to_owned(),
        );
        return;
    }
    runs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    let text: String = runs.iter().map(|r| r.text.as_str()).collect();
    let text = text.trim();
    if text != format!("— {n} —") {
        f.push(
            "layout.page-number",
            format!(
                "the page number reads “{text}”; GB/T 9704 §7.5 asks “— {n} —” (half-width \
                 Arabic numerals between em dashes, the pages numbered on from 1)"
            ),
        );
    }
    if let Some(r) = runs.iter().find(|r| (r.size - NUMBER).abs() > 0.3) {
        f.push(
            "layout.page-number",
            format!(
                "the page number is set in {:.1} pt; GB/T 9704 §7.5 asks 4号 (14 pt)",
                r.size
            ),
        );
    }
    if runs.iter().any(|r| !r.upright) {
        f.push(
            "layout.page-number",
            "the page number is turned sideways; GB/T 9704 §8 keeps it upright where it is on \
             every other page"
                .to_owned(),
        );
        return;
    }
    number_position(&runs, f);
}

fn number_position(runs: &[&Run], f: &mut Sink) {
    let x0 = runs.iter().map(|r| r.x0).fold(f64::INFINITY, f64::min);
    let x1 = runs.iter().map(|r| r.x1).fold(f64::NEG_INFINITY, f64::max);
    let dash = runs[0].base - 0.30 * runs[0].size;
    if (dash - (BOTTOM + 7.0 * MM)).abs() > TOL {
        f.push(
            "layout.page-number",
            format!(
                "the page number's dashes are {:.1} mm below the type area; GB/T 9704 §7.5 puts \
                 them 7 mm below",
                mm(dash - BOTTOM)
            ),
        );
    }
    let (odd, wrong) = if f.page % 2 == 1 {
        (true, (x1 - (RIGHT - NUMBER)).abs() > TOL)
    } else {
        (false, (x0 - (LEFT + NUMBER)).abs() > TOL)
    };
    if wrong {
        let side = if odd {
            "odd pages 1 character in from the right edge of the type area (ending at 179.1 mm)"
        } else {
            "even pages 1 character in from the left edge of the type area (starting at 32.9 mm)"
        };
        f.push(
            "layout.page-number",
            format!(
                "the page number is at {:.1}–{:.1} mm from the left edge; GB/T 9704 §7.5 puts it \
                 on {side}",
                mm(x0),
                mm(x1)
            ),
        );
    }
}

/// Top and left edges of the type area, from where the content is.
/// Returns the measured left edge, when lines or rules span the type area.
fn margins(page: &PageView, lines: &[Line], colophon_top: f64, f: &mut Sink) -> Option<f64> {
    // The topmost item: a text line gives the top of its grid line (its em box centred on it),
    // a rule or table its own top; the big organ mark cannot tell (§7.2.4 is checked apart).
    let top_run = page
        .content()
        .filter(|r| r.y0 < colophon_top)
        .min_by(|a, b| a.y0.total_cmp(&b.y0));
    let top_mark = page
        .marks
        .iter()
        .filter(|m| m.y0 < colophon_top)
        .min_by(|a, b| a.y0.total_cmp(&b.y0));
    let top = match (top_run, top_mark) {
        (Some(r), m) if m.is_none_or(|m| r.y0 <= m.y0) => {
            (r.size <= 22.5).then(|| r.base - 0.38 * r.size - BODY / 2.0)
        }
        (_, Some(m)) => Some(m.y0),
        _ => None,
    };
    if let Some(top) = top.filter(|t| (t - TOP).abs() > TOL) {
        f.push(
            "layout.margins",
            format!(
                "the type area starts {:.1} mm below the top edge; GB/T 9704 §5.2.1 sets the top \
                 margin to 37 ± 1 mm",
                mm(top)
            ),
        );
    }
    let left = lines
        .iter()
        .filter(|l| l.x1 - l.x0 >= 150.0 * MM)
        .map(|l| l.x0)
        .chain(
            page.marks
                .iter()
                .filter(|m| m.width() >= 150.0 * MM)
                .map(|m| m.x0),
        )
        .fold(f64::INFINITY, f64::min);
    if left.is_finite() && (left - LEFT).abs() > TOL {
        f.push(
            "layout.margins",
            format!(
                "lines spanning the type area start {:.1} mm from the left edge; GB/T 9704 \
                 §5.2.1 sets the left margin to 28 ± 1 mm",
                mm(left)
            ),
        );
    }
    left.is_finite().then_some(left)
}

/// Nothing but the page number outside the type area.
fn contained(page: &PageView, f: &mut Sink) {
    let boxes = page
        .content()
        .map(|r| (r.x0, r.x1, r.y0, r.y1, Some(r)))
        .chain(page.marks.iter().map(|m| (m.x0, m.x1, m.y0, m.y1, None)));
    for (x0, x1, y0, y1, run) in boxes {
        let (edge, at) = if x0 < LEFT - TOL {
            ("starts", format!("{:.1} mm from the left edge", mm(x0)))
        } else if x1 > RIGHT + TOL {
            ("reaches", format!("{:.1} mm from the left edge", mm(x1)))
        } else if y0 < TOP - TOL {
            ("starts", format!("{:.1} mm from the top edge", mm(y0)))
        } else if y1 > BOTTOM + TOL {
            ("reaches", format!("{:.1} mm from the top edge", mm(y1)))
        } else {
            continue;
        };
        let what = match run {
            Some(r) => format!("text “{}”", r.text.chars().take(12).collect::<String>()),
            None => "a rule or shape".to_owned(),
        };
        f.push(
            "layout.margins",
            format!(
                "{what} {edge} {at}, outside the type area (28–184 mm across, 37–262 mm down; \
                 GB/T 9704 §5.2.1)"
            ),
        );
        return;
    }
}

/// One line of 16 pt body text: the upright runs sharing a baseline.
struct Line {
    base: f64,
    x0: f64,
    x1: f64,
    /// Characters in cells: full-width 1, others by their advance.
    chars: f64,
}

fn body_lines(page: &PageView, colophon_top: f64) -> Vec<Line> {
    let mut runs: Vec<&Run> = page
        .content()
        .filter(|r| r.upright && !r.red && (r.size - BODY).abs() < 0.3 && r.y0 < colophon_top)
        .collect();
    runs.sort_by(|a, b| a.base.total_cmp(&b.base));
    let mut lines: Vec<Line> = Vec::new();
    for r in runs {
        let chars = r.cells;
        match lines.last_mut() {
            Some(l) if (r.base - l.base).abs() < 0.5 => {
                l.x0 = l.x0.min(r.x0);
                l.x1 = l.x1.max(r.x1);
                l.chars += chars;
            }
            _ => lines.push(Line {
                base: r.base,
                x0: r.x0,
                x1: r.x1,
                chars,
            }),
        }
    }
    lines
}

/// Cells taken by a run's glyphs: a full-width character 1, spaces and invisible characters 0,
/// others (digits, Latin) their advance over the cell pitch (half-width digits ½).
fn glyph_cells(text: &TextItem) -> f64 {
    text.glyphs
        .iter()
        .map(
            |g| match text.text[g.range()].chars().next().map_or(0.0, cell) {
                0.5 => g.x_advance.at(text.size).to_pt() / CELL,
                n => n,
            },
        )
        .sum()
}

/// Cells of one character: full-width 1, spaces and invisible ones 0, others ½.
fn cell(c: char) -> f64 {
    match c as u32 {
        _ if c.is_whitespace() => 0.0,
        0x200B..=0x200D | 0x2060 | 0xFEFF | 0xAD => 0.0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x2014
        | 0x2018..=0x201D
        | 0x2026
        | 0x20000..=0x3FFFD => 1.0,
        _ => 0.5,
    }
}

/// Consecutive body lines (nothing else between them) a whole number of grid lines apart.
fn line_pitch(page: &PageView, lines: &[Line], f: &mut Sink) {
    let others: Vec<f64> = page
        .content()
        .filter(|r| r.red || !r.upright || (r.size - BODY).abs() >= 0.3)
        .map(|r| (r.y0 + r.y1) / 2.0)
        .chain(page.marks.iter().map(|m| (m.y0 + m.y1) / 2.0))
        .collect();
    // Vertical rules beside both lines: they are inside a table cell or a box, off the grid.
    let boxed = |a: f64, b: f64| {
        page.marks
            .iter()
            .any(|m| m.x1 - m.x0 <= 1.0 * MM && m.y0 <= a - 0.8 * BODY && m.y1 >= b + 0.1 * BODY)
    };
    let mut bad = lines.windows(2).filter(|w| {
        let (a, b) = (w[0].base, w[1].base);
        let apart = !others.iter().any(|&y| y > a && y < b - 0.88 * BODY) && !boxed(a, b);
        let k = ((b - a) / PITCH).round();
        apart && k >= 1.0 && (b - a - k * PITCH).abs() > 0.3
    });
    if let Some(w) = bad.next() {
        let more = bad.count();
        f.push(
            "layout.line-pitch",
            format!(
                "body lines at {:.1} and {:.1} mm from the top edge are {:.2} pt apart{}; GB/T \
                 9704 §5.2.2 sets 22 lines to the 225 mm type area, a pitch of 28.99 pt",
                mm(w[0].base),
                mm(w[1].base),
                w[1].base - w[0].base,
                plural_more(more)
            ),
        );
    }
}

fn plural_more(more: usize) -> String {
    match more {
        0 => String::new(),
        1 => " (and 1 more pair)".to_owned(),
        n => format!(" (and {n} more pairs)"),
    }
}

/// Full body lines hold 28 cells: the indent plus the characters.
fn line_cells(lines: &[Line], left: f64, f: &mut Sink) {
    let mut bad = lines
        .iter()
        .filter(|l| l.x1 >= left + TYPE_W - 1.0)
        // whole cells of indent: an opening mark sits at the right of its cell
        .map(|l| (l, ((l.x0 - left) / CELL + 0.05).floor() + l.chars))
        // more than 28, or room left for one more full-width character
        .filter(|(_, n)| *n > 28.01 || *n <= 27.01);
    if let Some((l, n)) = bad.next() {
        let more = bad.count();
        f.push(
            "layout.line-cells",
            format!(
                "the full line at {:.1} mm from the top edge holds {} characters{}; GB/T 9704 \
                 §5.2.2 sets 28 characters to a line",
                mm(l.base),
                figure(n),
                match more {
                    0 => String::new(),
                    1 => " (and 1 more line)".to_owned(),
                    k => format!(" (and {k} more lines)"),
                }
            ),
        );
    }
}

/// A count of cells as read: "27", "26.5".
fn figure(n: f64) -> String {
    let r = (n * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// Turned pages: the content's head faces the left edge.
fn turned(page: &PageView, f: &mut Sink) {
    if page.content().any(|r| !r.upright && !r.head_left) {
        f.push(
            "layout.turned",
            "the turned content's head faces the right edge; GB/T 9704 §8 turns a sideways table \
             so that its head faces the left edge of the page"
                .to_owned(),
        );
    }
}

/// Red text and rules (§7.2.4, §7.2.7).
fn red(page: &PageView, f: &mut Sink) {
    let red_runs: Vec<&Run> = page.content().filter(|r| r.red).collect();
    for r in &red_runs {
        if r.x0 < LEFT - TOL || r.x1 > RIGHT + TOL {
            f.push(
                "layout.red",
                format!(
                    "the red text “{}” spans {:.1}–{:.1} mm from the left edge; GB/T 9704 §7.2.4 \
                     keeps the 发文机关标志 within the type area (28–184 mm)",
                    r.text,
                    mm(r.x0),
                    mm(r.x1)
                ),
            );
            break;
        }
    }
    let top = red_runs
        .iter()
        .filter_map(|r| r.ink_top)
        .fold(f64::INFINITY, f64::min);
    if top.is_finite() && (top - (TOP + 35.0 * MM)).abs() > TOL {
        f.push(
            "layout.red",
            format!(
                "the 发文机关标志's top is {:.1} mm below the top of the type area; GB/T 9704 \
                 §7.2.4 puts it 35 mm below",
                mm(top - TOP)
            ),
        );
    }
    for m in page
        .marks
        .iter()
        .filter(|m| m.red && m.width() >= 50.0 * MM && m.y1 - m.y0 <= 2.0 * MM)
    {
        red_rule(page, m, f);
    }
}

fn red_rule(page: &PageView, m: &Mark, f: &mut Sink) {
    if (m.x0 - LEFT).abs() > TOL || (m.x1 - RIGHT).abs() > TOL {
        f.push(
            "layout.red",
            format!(
                "the red rule spans {:.1}–{:.1} mm from the left edge ({:.1} mm); GB/T 9704 \
                 §7.2.7 makes it as wide as the type area (28–184 mm)",
                mm(m.x0),
                mm(m.x1),
                mm(m.width())
            ),
        );
    }
    let y = (m.y0 + m.y1) / 2.0;
    let number = page
        .content()
        .filter(|r| r.upright && !r.red && (r.size - BODY).abs() < 0.3 && r.base < y)
        .map(|r| r.base)
        .fold(f64::NEG_INFINITY, f64::max);
    let gap = y - (number + 0.12 * BODY);
    if y - number < 3.0 * PITCH && (gap - 4.0 * MM).abs() > TOL {
        f.push(
            "layout.red",
            format!(
                "the red rule is {:.1} mm below the 文号; GB/T 9704 §7.2.7 puts it 4 mm below",
                mm(gap)
            ),
        );
    }
}

/// The 版记 on the last page, an even one, its rules spanning the type area, the last on its
/// bottom edge (§7.4).
fn colophon_rules(c: &Colophon, pages: usize, out: &mut Vec<LayoutFinding>) {
    let mut f = Sink {
        page: c.page + 1,
        out,
    };
    let n = c.page + 1;
    if n != pages {
        f.push(
            "layout.colophon",
            format!(
                "the 版记 is on page {n} of {pages}; GB/T 9704 §7.4 puts it at the bottom of the \
                 last page"
            ),
        );
    }
    if n % 2 == 1 {
        f.push(
            "layout.colophon",
            "the 版记 is on an odd page; GB/T 9704 §7.4 puts it on an even page, the back of the \
             last sheet (the next page when the body ends on an odd page)"
                .to_owned(),
        );
    }
    if let Some(r) = c
        .rules
        .iter()
        .find(|r| (r.0 - LEFT).abs() > TOL || (r.1 - RIGHT).abs() > TOL)
    {
        f.push(
            "layout.colophon",
            format!(
                "a 版记 rule spans {:.1}–{:.1} mm from the left edge; GB/T 9704 §7.4 makes them as \
                 wide as the type area (28–184 mm)",
                mm(r.0),
                mm(r.1)
            ),
        );
    }
    let last = c
        .rules
        .iter()
        .map(|r| r.3)
        .fold(f64::NEG_INFINITY, f64::max);
    if last.is_finite() && (last - BOTTOM).abs() > TOL {
        f.push(
            "layout.colophon",
            format!(
                "the 版记's last rule ends {:.1} mm from the top edge; GB/T 9704 §7.4 puts it on \
                 the bottom edge of the type area (262 mm)",
                mm(last)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    //! Small gongwen documents typeset through the project's engine, each breaking one rule.

    use super::*;
    use std::path::{Path, PathBuf};
    use std::sync::{Arc, LazyLock};

    use crate::typeset::fonts::{FontOptions, FontSet};
    use crate::typeset::{Date, Job, Standard, Typesetter};

    static ENGINE: LazyLock<Typesetter> = LazyLock::new(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let fonts = FontSet::load(&FontOptions {
            bundled: repo.join("fonts"),
            ..FontOptions::default()
        })
        .expect("bundled fonts load");
        Typesetter::new(&repo.join("templates"), Arc::new(fonts)).expect("templates")
    });

    const FILLER: &str =
        "永济市专业镇高质量发展行动计划推动产业集群成链打造知名品牌强化要素保障激发发展活力";

    /// `paragraphs` paragraphs of 80 characters each: 3 lines with the 2-character indent.
    fn body(paragraphs: usize) -> String {
        let p: String = FILLER.chars().cycle().take(79).collect();
        vec![format!("{p}。"); paragraphs].join("\n\n")
    }

    const HEAD: &str = "#banner(organ: \"永济市人民政府办公室\", number: \"永政办发〔2025〕3号\")\n\
        #doc-title[关于测试版面的通知]\n#recipients[各乡镇人民政府：]\n";

    const SIGN: &str =
        "#signature(organ: \"永济市人民政府办公室\", date: \"2025年3月31日\", sealed: false)\n";

    fn colophon(args: &str) -> String {
        format!(
            "#colophon(cc: [市委办公室。], issuer: \"永济市人民政府办公室\", date: \
             \"2025年3月31日\"{args})\n"
        )
    }

    /// Typesets `markup` on the gongwen layout and checks it.
    fn measure(markup: &str) -> Vec<LayoutFinding> {
        let source = format!(
            "#import \"gongwen.typ\": *\n#show: gongwen.with(fonts: {})\n{markup}\n",
            ENGINE.fonts().typst_roles()
        );
        let job = Job {
            source,
            source_name: PathBuf::from("output/test.typ"),
            date: Date {
                year: 2025,
                month: 3,
                day: 31,
            },
            ident: "test".into(),
            standard: Standard::PdfA2b,
        };
        let (doc, _) = ENGINE
            .compile(&job)
            .unwrap_or_else(|e| panic!("typeset failed: {e:#?}"));
        check(&doc)
    }

    fn finding(rule: &'static str, page: usize, message: &str) -> LayoutFinding {
        LayoutFinding {
            rule,
            page,
            message: format!("page {page}: {message}"),
        }
    }

    #[test]
    fn a_two_page_notice_with_its_numbered_colophon_on_page_2_passes() {
        let doc = format!(
            "{HEAD}{}\n{SIGN}{}",
            body(6),
            colophon(", page-number: true, even: true")
        );
        assert_eq!(measure(&doc), vec![]);
    }

    #[test]
    fn a_colophon_on_odd_page_1_without_a_number_is_reported() {
        let doc = format!(
            "{HEAD}{}\n{SIGN}{}",
            body(1),
            colophon(", even: false, page-number: false")
        );
        assert_eq!(
            measure(&doc),
            vec![
                finding(
                    "layout.page-number",
                    1,
                    "the page has no page number; GB/T 9704 §7.5 numbers every page (“— 1 —” \
                     here), the 版记 page too, unless a blank page stands before the 版记 page"
                ),
                finding(
                    "layout.colophon",
                    1,
                    "the 版记 is on an odd page; GB/T 9704 §7.4 puts it on an even page, the \
                     back of the last sheet (the next page when the body ends on an odd page)"
                ),
            ]
        );
    }

    #[test]
    fn a_page_number_on_the_wrong_side_is_reported() {
        // Every number 1 character in from the right: right for page 1, wrong for page 2.
        let footer = "#set page(footer: context place(top + right, dx: -14pt, dy: 7mm - 0.58 * 14pt, \
            text(size: 14pt, tracking: 0pt, top-edge: 0.88em, bottom-edge: -0.12em)[— #counter(page).display() —]))\n";
        let found = measure(&format!("{footer}{}", body(14)));
        assert_eq!(
            found,
            vec![finding(
                "layout.page-number",
                2,
                "the page number is at 164.4–180.0 mm from the left edge; GB/T 9704 §7.5 puts it \
                 on even pages 1 character in from the left edge of the type area (starting at \
                 32.9 mm)"
            )]
        );
    }

    #[test]
    fn margins_moved_by_3_mm_are_reported_with_what_moved_with_them() {
        let margins = "#set page(margin: (top: 40mm, left: 31mm, bottom: 32mm, right: 23mm))\n";
        let found = measure(&format!("{margins}{}", body(4)));
        let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            [
                "layout.page-number",
                "layout.page-number",
                "layout.margins",
                "layout.margins",
                "layout.margins"
            ],
            "{found:#?}"
        );
        assert_eq!(
            found[2],
            finding(
                "layout.margins",
                1,
                "the type area starts 40.0 mm below the top edge; GB/T 9704 §5.2.1 sets the top \
                 margin to 37 ± 1 mm"
            )
        );
        assert_eq!(
            found[3],
            finding(
                "layout.margins",
                1,
                "lines spanning the type area start 31.0 mm from the left edge; GB/T 9704 §5.2.1 \
                 sets the left margin to 28 ± 1 mm"
            )
        );
        assert!(
            found[4].message.ends_with(
                "reaches 187.0 mm from the left edge, outside the type area (28–184 mm across, \
                 37–262 mm down; GB/T 9704 §5.2.1)"
            ),
            "{found:#?}"
        );
        assert_eq!(
            found[0].message,
            "page 1: the page number's dashes are 10.0 mm below the type area; GB/T 9704 §7.5 \
             puts them 7 mm below"
        );
    }

    #[test]
    fn a_fixed_28_pt_line_pitch_is_reported() {
        let found = measure(&format!(
            "#set par(leading: 12pt, spacing: 12pt)\n{}",
            body(4)
        ));
        assert_eq!(
            found,
            vec![finding(
                "layout.line-pitch",
                1,
                "body lines at 42.0 and 51.8 mm from the top edge are 28.00 pt apart (and 10 more \
                 pairs); GB/T 9704 §5.2.2 sets 22 lines to the 225 mm type area, a pitch of \
                 28.99 pt"
            )]
        );
    }

    #[test]
    fn lines_of_27_characters_are_reported() {
        // Without the negative tracking, 16 pt characters fit 27 to the 156 mm line.
        let found = measure(&format!("#set text(tracking: 0pt)\n{}", body(2)));
        assert_eq!(
            found,
            vec![finding(
                "layout.line-cells",
                1,
                "the full line at 42.0 mm from the top edge holds 27 characters (and 5 more \
                 lines); GB/T 9704 §5.2.2 sets 28 characters to a line"
            )]
        );
    }

    #[test]
    fn a_landscape_page_is_reported() {
        let found = measure(&format!("{}\n#landscape[{}]", body(2), body(1)));
        assert_eq!(
            found,
            vec![finding(
                "layout.page-size",
                2,
                "the page is 297.0 × 210.0 mm (landscape); GB/T 9704 §5.1 and §8 keep every page \
                 A4 portrait (210 × 297 mm), a sideways table turned on it"
            )]
        );
    }

    #[test]
    fn a_red_rule_shorter_than_the_type_area_is_reported() {
        let doc = format!(
            "#banner(organ: \"永济市人民政府办公室\", number: \"永政办发〔2025〕3号\", rule: \
             false)\n#place(top + left, line(length: 100mm, stroke: 1pt + rgb(\"#E60012\")))\n{}",
            body(1)
        );
        assert_eq!(
            measure(&doc),
            vec![finding(
                "layout.red",
                1,
                "the red rule spans 28.0–128.0 mm from the left edge (100.0 mm); GB/T 9704 \
                 §7.2.7 makes it as wide as the type area (28–184 mm)"
            )]
        );
    }

    fn turned_table(angle: &str) -> String {
        format!(
            "{}\n#pagebreak()\n#rotate({angle}, reflow: true, block(width: 200mm, grid-table(\
             columns: (1fr, 3fr), header: (\"编号\", \"内容\"), rows: ((\"1\", \"测试内容\"), \
             (\"2\", \"测试内容\")))))\n",
            body(1)
        )
    }

    #[test]
    fn a_table_turned_on_a_portrait_page_passes_with_its_head_to_the_left_only() {
        assert_eq!(measure(&turned_table("-90deg")), vec![]);
        assert_eq!(
            measure(&turned_table("90deg")),
            vec![finding(
                "layout.turned",
                2,
                "the turned content's head faces the right edge; GB/T 9704 §8 turns a sideways \
                 table so that its head faces the left edge of the page"
            )]
        );
    }

    #[test]
    fn a_blank_page_before_the_colophon_page_leaves_both_unnumbered() {
        let hidden = "#place([#metadata(\"blank\") <gongwen-no-number>])\n";
        let doc = |blank: &str| {
            format!(
                "{}\n#pagebreak()\n{blank}#pagebreak()\n{}",
                body(14),
                colophon(", even: false, page-number: false")
            )
        };
        assert_eq!(measure(&doc(hidden)), vec![]);
        assert_eq!(
            measure(&doc("")),
            vec![finding(
                "layout.page-number",
                3,
                "the page is numbered, but a blank page stands before the 版记 page: GB/T 9704 \
                 §7.5 leaves that blank page and the 版记 page unnumbered"
            )]
        );
    }
}

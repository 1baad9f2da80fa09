//! Layout check, the page as measured: text runs, rules and shapes in page coordinates, walked
//! out of Typst's frames; the body lines and the 版记 found among them.

use typst::layout::{Abs, Frame, FrameItem, Point, Size, Transform};
use typst::text::TextItem;
use typst::visualize::{Geometry, Paint, Shape};

use crate::render::punct::{CLOSING, OPENING};

use super::{BODY, BOTTOM, CELL, MM, PAGE_H, PAGE_W, PITCH, RIGHT, TOP, TYPE_W};

/// A run of text in page coordinates.
pub(super) struct Run {
    /// Approximate ink box (0.8 em above the baseline to 0.1 em below), transformed.
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
    /// The baseline (meaningful for upright runs).
    pub(super) base: f64,
    pub(super) size: f64,
    pub(super) text: typst::ecow::EcoString,
    /// Cells the characters take (see [`glyph_cells`]).
    pub(super) cells: f64,
    /// The same as the grid counts them (see [`grid_cells`]).
    pub(super) grid: f64,
    pub(super) red: bool,
    pub(super) upright: bool,
    /// Rotated runs only: their top faces the left edge of the page.
    pub(super) head_left: bool,
    /// The glyphs' ink top, for the big red organ mark only.
    pub(super) ink_top: Option<f64>,
    /// Below the type area (or a turned "— N —"): the page number.
    pub(super) footer: bool,
    /// Small text well above the type area: a note in the page header (the redline's, from
    /// `zyz diff --redline`; the standard's documents have none).
    pub(super) header: bool,
}

/// A shape or image in page coordinates.
pub(super) struct Mark {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
    /// Stroke thickness of a line, height of a filled rectangle, else 0.
    pub(super) thick: f64,
    pub(super) red: bool,
}

impl Mark {
    pub(super) fn width(&self) -> f64 {
        self.x1 - self.x0
    }

    /// A horizontal rule spanning most of the type area.
    pub(super) fn wide_rule(&self) -> bool {
        self.width() >= 0.8 * TYPE_W && self.y1 - self.y0 <= 1.0 * MM
    }
}

/// Everything measurable on one page.
#[derive(Default)]
pub(super) struct PageView {
    pub(super) w: f64,
    pub(super) h: f64,
    pub(super) runs: Vec<Run>,
    pub(super) marks: Vec<Mark>,
}

impl PageView {
    pub(super) fn of(frame: &Frame) -> Self {
        let mut page = PageView {
            w: frame.width().to_pt(),
            h: frame.height().to_pt(),
            ..Default::default()
        };
        walk(frame, Transform::identity(), &mut page);
        page
    }

    /// Text runs other than the page number and a header note.
    pub(super) fn content(&self) -> impl Iterator<Item = &Run> {
        self.runs.iter().filter(|r| !r.footer && !r.header)
    }

    pub(super) fn blank(&self) -> bool {
        self.marks.is_empty() && self.content().next().is_none()
    }

    /// Whether the page carries turned content (a sideways table).
    pub(super) fn turned(&self) -> bool {
        self.content().any(|r| !r.upright)
    }
}

pub(super) fn walk(frame: &Frame, ts: Transform, page: &mut PageView) {
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
pub(super) fn bounds(pos: Point, size: Size, ts: Transform) -> (f64, f64, f64, f64) {
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

pub(super) fn run(text: &TextItem, pos: Point, ts: Transform) -> Run {
    let size = text.size.to_pt();
    let top = pos + Point::new(Abs::zero(), Abs::pt(-0.8 * size));
    let (x0, y0, x1, y1) = bounds(top, Size::new(text.width(), Abs::pt(0.9 * size)), ts);
    let upright = ts.kx.get().abs() < 1e-6 && ts.ky.get().abs() < 1e-6;
    // A closing mark's right half is blank: at a line's end it may take half a cell (gongwen's
    // `fw-close-next`, GB/T 15834 §5.1.10), its blank half past the type area's right edge.
    let x1 = if upright && !text.text.is_empty() && text.text.chars().all(|c| CLOSING.contains(&c))
    {
        x1.min(RIGHT.max(x0 + 0.5 * size))
    } else {
        x1
    };
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
        grid: grid_cells(text),
        red,
        upright,
        head_left: ts.kx.get() > 0.5,
        ink_top,
        footer: (upright && y0 > BOTTOM + 0.5 * MM)
            || (!upright && (10.0..=18.0).contains(&size) && text.text.contains('—')),
        header: upright && size < BODY && y1 < TOP - 5.0 * MM,
    }
}

pub(super) fn shape_mark(shape: &Shape, pos: Point, ts: Transform) -> Option<Mark> {
    let stroke = shape.stroke.as_ref();
    let red = shape.fill.as_ref().is_some_and(is_red) || stroke.is_some_and(|s| is_red(&s.paint));
    let stroked = stroke.map_or(0.0, |s| s.thickness.to_pt());
    let filled = shape.fill.is_some();
    // Where the shape's box starts, its size, and how thick it draws.
    let (at, size, thick) = match &shape.geometry {
        Geometry::Line(to) => {
            let (a, b) = (pos.min(pos + *to), pos.max(pos + *to));
            (a, (b - a).to_size(), stroked)
        }
        Geometry::Rect(size) => {
            let solid = size.y.to_pt().min(size.x.to_pt());
            (pos, *size, if filled { solid } else { stroked })
        }
        Geometry::Curve(_) => {
            let b = shape.bbox(false);
            let thick = if filled { 0.0 } else { stroked };
            (pos + b.min, (b.max - b.min).to_size(), thick)
        }
    };
    let (x0, y0, x1, y1) = bounds(at, size, ts);
    if x1 - x0 >= PAGE_W - 1.0 && y1 - y0 >= PAGE_H - 1.0 {
        return None; // a page background
    }
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
pub(super) fn is_red(paint: &Paint) -> bool {
    match paint {
        Paint::Solid(color) => {
            let rgb = color.to_rgb();
            rgb.red >= 0.6 && rgb.green <= 0.4 && rgb.blue <= 0.4
        }
        _ => false,
    }
}

/// The 版记: its page (0-based) and its rules.
pub(super) struct Colophon {
    pub(super) page: usize,
    /// Where the 版记 begins (its first rule, or the 印发 line's top).
    pub(super) top: f64,
    pub(super) rules: Vec<(f64, f64, f64, f64)>,
}

/// The last page with a 14 pt line holding 印发, and the thin full-width rules around it.
pub(super) fn find_colophon(pages: &[PageView]) -> Option<Colophon> {
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

/// One line of 16 pt body text: the upright runs sharing a baseline.
pub(super) struct Line {
    pub(super) base: f64,
    pub(super) x0: f64,
    pub(super) x1: f64,
    /// Characters in cells: full-width 1, others by their advance.
    pub(super) chars: f64,
    /// The line's text, left to right.
    pub(super) text: String,
    /// Characters as the grid counts them (full-width 1, half-width at least ½), compressed marks
    /// as set.
    pub(super) nominal: f64,
    /// Cells given up by the closing marks ending it (see [`compression`]): they take
    /// them back when anything follows them on the line.
    pub(super) compressed: f64,
}

pub(super) fn body_lines(page: &PageView, colophon_top: f64) -> Vec<Line> {
    let mut runs: Vec<&Run> = page
        .content()
        .filter(|r| r.upright && !r.red && (r.size - BODY).abs() < 0.3 && r.y0 < colophon_top)
        .collect();
    runs.sort_by(|a, b| a.base.total_cmp(&b.base));
    let mut lines: Vec<(Line, Vec<&Run>)> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            Some((l, parts)) if (r.base - l.base).abs() < 0.5 => {
                l.x0 = l.x0.min(r.x0);
                l.x1 = l.x1.max(r.x1);
                l.chars += r.cells;
                parts.push(r);
            }
            _ => {
                let line = Line {
                    base: r.base,
                    x0: r.x0,
                    x1: r.x1,
                    chars: r.cells,
                    text: String::new(),
                    nominal: 0.0,
                    compressed: 0.0,
                };
                lines.push((line, vec![r]));
            }
        }
    }
    lines
        .into_iter()
        .map(|(l, mut parts)| {
            parts.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            // an opening mark sits at the right of its cell: the line starts at the cell
            let first = parts[0];
            let x0 = if first.text.starts_with(OPENING) {
                l.x0.min(first.x1 - CELL)
            } else {
                l.x0
            };
            let (given, compressed) = compression(&parts);
            let chars = l.chars - given;
            let text: String = parts.iter().map(|r| r.text.as_str()).collect();
            let nominal = parts.iter().map(|r| r.grid).sum::<f64>() - given;
            Line {
                x0,
                text,
                chars,
                nominal,
                compressed,
                ..l
            }
        })
        .collect()
}

/// Cells that closing marks set closer than a cell give up, counted as 1 each, and how much of
/// that the line's last mark would take back if anything followed it: a closing mark followed by
/// another takes half a cell (gongwen's `fw-close-tight`, CLREQ's adjacent marks), and the last
/// of them at a full line's end half a cell too (GB/T 15834 §5.1.10).
fn compression(parts: &[&Run]) -> (f64, f64) {
    let visible: Vec<&Run> = parts
        .iter()
        .filter(|r| r.text.chars().any(|c| cell(c) > 0.0))
        .copied()
        .collect();
    let mark = |r: &Run| {
        r.text
            .chars()
            .all(|c| CLOSING.contains(&c) || cell(c) == 0.0)
    };
    let half = 0.75 * CELL;
    let mut given = 0.0;
    for pair in visible.windows(2) {
        if mark(pair[0]) && mark(pair[1]) && pair[1].x0 - pair[0].x0 < half {
            given += 0.5;
        }
    }
    let last = visible
        .last()
        .filter(|r| mark(r) && r.x1 >= RIGHT - 1.0 && r.x0 > RIGHT - half);
    let end = if last.is_some() { 0.5 } else { 0.0 };
    (given + end, end)
}

/// Cells taken by a run's glyphs: a full-width character 1, spaces and invisible characters 0,
/// others (digits, Latin) their advance over the cell pitch (half-width digits ½).
pub(super) fn glyph_cells(text: &TextItem) -> f64 {
    cells_of(text, 0.0)
}

/// Cells of a run's glyphs as the grid counts them: like [`glyph_cells`], but a half-width
/// character at least ½ whatever its advance (a digit or a stop is ½, a capital its width).
pub(super) fn grid_cells(text: &TextItem) -> f64 {
    cells_of(text, 0.5)
}

fn cells_of(text: &TextItem, least_half: f64) -> f64 {
    text.glyphs
        .iter()
        .map(
            |g| match text.text[g.range()].chars().next().map_or(0.0, cell) {
                0.5 => (g.x_advance.at(text.size).to_pt() / CELL).max(least_half),
                n => n,
            },
        )
        .sum()
}

/// Cells of one character: full-width 1, spaces and invisible ones 0, others ½.
pub(super) fn cell(c: char) -> f64 {
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

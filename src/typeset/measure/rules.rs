//! Layout check, the rules: one function per rule of GB/T 9704 measured on a page (or on the
//! document, for the 版记), each pushing its findings with what the standard asks.

use super::page::{Colophon, Line, Mark, PageView, Run, cell};
use super::{
    BODY, BOTTOM, CELL, LEFT, LayoutFinding, MM, NUMBER, PAGE_H, PAGE_W, PITCH, RIGHT, Sink, TOL,
    TOP, TYPE_W, mm,
};
use crate::render::punct::{CLOSING, OPENING};

pub(super) fn page_size(page: &PageView, f: &mut Sink) -> bool {
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
pub(super) fn numbered(pages: &[PageView], colophon: Option<&Colophon>, i: usize) -> bool {
    match colophon {
        Some(c) if c.page >= 1 && pages[c.page - 1].blank() => i != c.page && i + 1 != c.page,
        _ => true,
    }
}

pub(super) fn page_number(page: &PageView, expected: bool, f: &mut Sink) {
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
pub(super) fn margins(
    page: &PageView,
    lines: &[Line],
    colophon_top: f64,
    f: &mut Sink,
) -> Option<f64> {
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
pub(super) fn contained(page: &PageView, f: &mut Sink) {
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

/// Consecutive body lines (nothing else between them) a whole number of grid lines apart.
pub(super) fn line_pitch(page: &PageView, lines: &[Line], f: &mut Sink) {
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
    let tail = tightened_tail(lines);
    let mut bad = lines[..(tail + 1).min(lines.len())].windows(2).filter(|w| {
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

/// Where the page's last lines begin to be set closer than the grid to keep the signature and
/// 成文日期 with the body, as §7.3.5.1 allows ("调整行距、字距"): the longest tail of lines
/// evenly spaced at 80–100 % of the pitch that holds the date ("2024年3月1日"); `lines.len()`
/// when there is none.
fn tightened_tail(lines: &[Line]) -> usize {
    let n = lines.len();
    if n < 2 {
        return n;
    }
    let pitch = lines[n - 1].base - lines[n - 2].base;
    if !(0.8 * PITCH - 0.3..PITCH - 0.3).contains(&pitch) {
        return n;
    }
    let mut start = n - 2;
    while start > 0 && (lines[start].base - lines[start - 1].base - pitch).abs() <= 0.3 {
        start -= 1;
    }
    let dated = lines[start..].iter().any(|l| is_date(&l.text));
    if dated { start } else { n }
}

/// A 成文日期 as the signature block writes it: "2024年3月1日".
fn is_date(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(rest) = t.strip_suffix('日') else {
        return false;
    };
    let parts: Vec<&str> = rest.split(['年', '月']).collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

fn plural_more(more: usize) -> String {
    match more {
        0 => String::new(),
        1 => " (and 1 more pair)".to_owned(),
        n => format!(" (and {n} more pairs)"),
    }
}

/// Full body lines hold 28 cells: the indent plus the characters. A line holds fewer only where
/// the line-breaking rules force it: what begins the next line (`next_page`'s first line after
/// the page's last) would not have fitted — see [`lead_cells`].
pub(super) fn line_cells(lines: &[Line], next_page: Option<&Line>, left: f64, f: &mut Sink) {
    let mut bad = lines.iter().enumerate().filter_map(|(i, l)| {
        if l.x1 < left + TYPE_W - 1.0 {
            return None; // a last line, or a line not meant to be full
        }
        // whole cells of indent (x0 is the left of the first cell, see `body_lines`)
        let n = ((l.x0 - left) / CELL).round() + l.chars;
        let next = lines.get(i + 1).or(next_page);
        // what begins the next line would also give the compressed marks their full cells back
        let forced = next.is_some_and(|next| n + l.compressed + lead_cells(&next.text) > 28.01);
        // more than 28, or room left for what begins the next line
        (n > 28.01 || (n <= 27.01 && !forced)).then_some((l, n))
    });
    if let Some((l, n)) = bad.next() {
        let more = bad.count();
        f.push(
            "layout.line-cells",
            format!(
                "the full line at {:.1} mm from the top edge holds {} characters, and what begins \
                 the next line would fit{}; GB/T 9704 §5.2.2 sets 28 characters to a line",
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

/// The fewest cells of text a justified full line may hold: one character pushed out to the next
/// line (what line breaking must do before a mark that may not begin a line) and its space spread
/// over the line is ordinary practice; more, and the characters stand visibly apart.
const LEAST_CELLS: f64 = 26.0;

/// Justified full lines hold at least [`LEAST_CELLS`] of their 28 cells of text, the indent
/// counted, half-width characters ½ each. Lines that do not reach the right edge (a paragraph's last line, a centred or
/// right-set line) are not measured.
pub(super) fn stretched_lines(lines: &[Line], left: f64, f: &mut Sink) {
    let mut bad = lines.iter().filter_map(|l| {
        if l.x1 < left + TYPE_W - 1.0 {
            return None;
        }
        // characters as the grid counts them: a digit or a stop ½, whatever its advance
        let n = ((l.x0 - left) / CELL).round() + l.nominal;
        (n < LEAST_CELLS - 0.01).then_some((l, n))
    });
    if let Some((l, n)) = bad.next() {
        let more = bad.count();
        let start: String = l
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(8)
            .collect();
        f.push(
            "layout.stretched-line",
            format!(
                "the full line at {:.1} mm from the top edge (“{start}…”) holds {} characters \
                 spread over the 28 cells of the line{}; a justified line holds at least 26 (one \
                 character pushed out to the next line and its space spread is ordinary practice, \
                 CLREQ 行内调整; more leaves the characters visibly apart)",
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

/// Cells of what must begin a line together: its first character with the closing marks after
/// it (none may begin a line), what follows an opening mark (none may end a line), and the rest
/// of a number or Latin word (no break inside one but after a hyphen between digits, which
/// render/punct.rs allows; a space ends it). Full-width marks as in render/punct.rs, half-width
/// brackets and stops alike.
fn lead_cells(text: &str) -> f64 {
    let word = |c: char| c.is_ascii_alphanumeric() || ".-%/:,+".contains(c);
    let closing = |c: char| CLOSING.contains(&c) || ")]}.,;:!?%".contains(c);
    let opening = |c: char| OPENING.contains(&c) || "([{".contains(c);
    let mut chars = text.chars().filter(|c| cell(*c) > 0.0 || c.is_whitespace());
    let Some(mut prev) = chars.find(|c| !c.is_whitespace()) else {
        return 0.0;
    };
    let (mut n, mut before) = (cell(prev), ' ');
    for c in chars {
        let range_break = prev == '-' && c.is_ascii_digit() && before.is_ascii_digit();
        if !(closing(c) || opening(prev) || (word(prev) && word(c) && !range_break)) {
            break;
        }
        n += cell(c);
        (before, prev) = (prev, c);
    }
    n
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
pub(super) fn turned(page: &PageView, f: &mut Sink) {
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
pub(super) fn red(page: &PageView, f: &mut Sink) {
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
pub(super) fn colophon_rules(c: &Colophon, pages: usize, out: &mut Vec<LayoutFinding>) {
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

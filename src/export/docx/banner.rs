//! DOCX export, the 版头 and the title (GB/T 9704 §7.2, §7.3.1): 份号/密级/紧急程度 lines, the
//! issuing mark (red, 35 mm down, squeezed when too wide), the 文号 with 签发人, the red rule, and
//! the title counted from the 文号's line.

use typst_html::HtmlElement;

use super::fonts::RoleFonts;
use super::styles::{Border, Ind, PITCH, PPr, RPr, TYPE_WIDTH, chars};
use super::tree::{attr, number, text_of, width_in_chars};

/// The red rule's paragraph: one line of 4 mm (the rule is 4 mm under the 文号), in twips.
pub(super) const RULE_LINE: i32 = 227;

/// What the 版头's paragraphs depend on besides their element.
pub(super) struct Banner<'a> {
    pub fonts: &'a RoleFonts,
    /// The 版头 red as `RRGGBB`.
    pub red: &'a str,
    /// The width of the type area, in twips.
    pub width: i32,
    /// Lines of 份号/密级/紧急程度 above the issuing mark so far.
    pub meta_lines: i32,
}

/// The paragraph and run properties of a 版头 paragraph (by its role), or `None` for another role.
pub(super) fn format(el: &HtmlElement, role: &str, banner: &Banner) -> Option<(PPr, RPr)> {
    let flush = Some(Ind::default());
    Some(match role {
        "meta" => {
            let font = match attr(el, "data-font") {
                Some("heading1") => &banner.fonts.heading1,
                _ => &banner.fonts.body,
            };
            let rpr = RPr {
                font: Some(font.clone()),
                ..RPr::default()
            };
            (
                PPr {
                    ind: flush,
                    ..PPr::default()
                },
                rpr,
            )
        }
        "mark" => mark(el, banner.meta_lines),
        "number" => {
            let ppr = PPr {
                style: Some("zyzNumber"),
                before: Some(2 * PITCH),
                ..PPr::default()
            };
            (ppr, RPr::default())
        }
        "number-signer" => {
            let ppr = PPr {
                before: Some(2 * PITCH),
                ind: Some(Ind {
                    left: chars(1.0),
                    ..Ind::default()
                }),
                tabs: vec![("right", banner.width - chars(1.0))],
                jc: Some("left"),
                ..PPr::default()
            };
            (ppr, RPr::default())
        }
        "rule" => rule(banner.red),
        _ => return None,
    })
}

/// The red rule 4 mm under the 文号: a paragraph of one 4 mm line with a bottom border.
fn rule(red: &str) -> (PPr, RPr) {
    let ppr = PPr {
        border: Some(Border::Bottom {
            color: red.to_owned(),
            size: 8,
        }),
        no_grid: true,
        line: Some((RULE_LINE, "exact")),
        ind: Some(Ind::default()),
        ..PPr::default()
    };
    (
        ppr,
        RPr {
            size: Some(2.0),
            ..RPr::default()
        },
    )
}

/// Whether a paragraph is the red rule's.
pub(super) fn is_rule(ppr: &PPr) -> bool {
    matches!(ppr.border, Some(Border::Bottom { .. }))
}

/// The title: the blank rows above it count from the 文号's line, the red rule (when it is the
/// paragraph just before, `after_rule`) between.
pub(super) fn title(el: &HtmlElement, after_rule: bool) -> PPr {
    let lines = |name| (number(el, name).unwrap_or(0.0) as i32) * PITCH;
    let rule = if after_rule { RULE_LINE } else { 0 };
    PPr {
        style: Some("zyzTitle"),
        before: Some((lines("data-above") - rule).max(0)),
        after: Some(lines("data-below")),
        ..PPr::default()
    }
}

/// 发文机关标志: red, in the title face at the mark size, 35 mm below the top of the type
/// area; a name wider than the type area squeezed (长体) down to 50 %.
fn mark(el: &HtmlElement, meta_lines: i32) -> (PPr, RPr) {
    let size = number(el, "data-size").unwrap_or(45.0);
    let longest = text_of(&el.children)
        .lines()
        .map(width_in_chars)
        .fold(0.0, f64::max);
    let natural = longest * size * 20.0;
    let scale = (natural > f64::from(TYPE_WIDTH))
        .then(|| ((f64::from(TYPE_WIDTH) / natural * 100.0).floor() as u32).max(50));
    // the line box is 5 % taller than the glyphs: the tops then sit 35 mm down
    let top = (35.0 * 1440.0 / 25.4 - size * 0.05 * 20.0) as i32 - meta_lines * PITCH;
    let ppr = PPr {
        style: Some("zyzMark"),
        before: Some(top.max(0)),
        line: Some(((size * 1.05 * 20.0) as i32, "exact")),
        ..PPr::default()
    };
    (
        ppr,
        RPr {
            size: Some(size),
            scale,
            ..RPr::default()
        },
    )
}

//! DOCX export, the layout in Word's own terms: paragraph and run properties (written in the
//! schema's element order) and the styles per GB/T 9704 role with their east-Asian fonts and
//! sizes (`page.rs` has the page setup, settings and footers).

use super::fonts::RoleFonts;
use crate::export::xml::Xml;

/// The WordprocessingML namespace.
pub(super) const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The office document relationships namespace.
pub(super) const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// The type area's width: 156 mm in twentieths of a point.
pub(super) const TYPE_WIDTH: i32 = 8844;
/// The turned type area's width (landscape sections): 225 mm.
pub(super) const TYPE_HEIGHT: i32 = 12756;
/// Every character 0.25 pt narrower (in twips): 28 characters of 16 pt to a 156 mm line.
pub(super) const CONDENSED: i32 = -5;
/// Baseline to baseline: 225 mm / 22 = 579.8 twips, rounded down so that 22 lines fit.
pub(super) const PITCH: i32 = 579;

/// `n` characters of the body grid (156 mm / 28 each) in twips.
pub(super) fn chars(n: f64) -> i32 {
    (n * f64::from(TYPE_WIDTH) / 28.0).round() as i32
}

/// What the document's root element says about the whole document (gongwen's settings).
#[derive(Debug, Clone)]
pub(super) struct Config {
    /// The 版头 red as `RRGGBB`.
    pub red: String,
    pub title_bold: bool,
    pub mark_bold: bool,
    pub page_numbers: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            red: "E60012".into(),
            title_bold: true,
            mark_bold: true,
            page_numbers: true,
        }
    }
}

/// Run properties.
#[derive(Debug, Clone, Default)]
pub(super) struct RPr {
    pub font: Option<String>,
    pub bold: Option<bool>,
    pub color: Option<String>,
    /// Character spacing in twips (negative: condensed).
    pub spacing: Option<i32>,
    /// Horizontal scale in percent (长体 of a long issuing mark).
    pub scale: Option<u32>,
    /// Size in points.
    pub size: Option<f64>,
    pub underline: bool,
}

impl RPr {
    pub fn write(&self, xml: &mut Xml) {
        let mut inner = Xml::fragment();
        if let Some(font) = &self.font {
            inner.leaf_empty("w:rFonts", &fonts(font));
        }
        if let Some(bold) = self.bold {
            inner.leaf_empty("w:b", &[("w:val", on(bold))]);
            inner.leaf_empty("w:bCs", &[("w:val", on(bold))]);
        }
        if let Some(color) = &self.color {
            inner.leaf_empty("w:color", &[("w:val", color.clone())]);
        }
        if let Some(spacing) = self.spacing {
            inner.leaf_empty("w:spacing", &[("w:val", spacing.to_string())]);
        }
        if let Some(scale) = self.scale {
            inner.leaf_empty("w:w", &[("w:val", scale.to_string())]);
        }
        if let Some(size) = self.size {
            let half = ((size * 2.0).round() as i64).to_string();
            inner.leaf_empty("w:sz", &[("w:val", half.clone())]);
            inner.leaf_empty("w:szCs", &[("w:val", half)]);
        }
        if self.underline {
            inner.leaf_empty("w:u", &[("w:val", "single".into())]);
        }
        let inner = inner.into_markup();
        if !inner.is_empty() {
            xml.open("w:rPr", &[]);
            xml.raw(&inner);
            xml.close("w:rPr");
        }
    }
}

fn on(value: bool) -> String {
    if value { "1" } else { "0" }.into()
}

/// One family in every font slot, the east-Asian one first among them.
fn fonts(family: &str) -> Vec<(&'static str, String)> {
    ["w:ascii", "w:eastAsia", "w:hAnsi", "w:cs"]
        .into_iter()
        .map(|slot| (slot, family.to_owned()))
        .collect()
}

/// Indents in twips; `first` below zero is a hanging indent.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Ind {
    pub left: i32,
    pub right: i32,
    pub first: i32,
}

/// A paragraph border: below it (the red rule), or all round (a boxed remark).
#[derive(Debug, Clone)]
pub(super) enum Border {
    Bottom {
        color: String,
        /// Eighths of a point.
        size: u32,
    },
    Box,
    /// A 版记 line: a 0.35 mm rule above the first; below, 0.25 mm between lines, 0.35 mm under
    /// the last (sizes in eighths of a point).
    Colophon {
        top: bool,
        bottom: u32,
    },
}

/// Paragraph properties.
#[derive(Debug, Clone, Default)]
pub(super) struct PPr {
    pub style: Option<&'static str>,
    pub keep_next: bool,
    pub page_break: bool,
    pub border: Option<Border>,
    /// Tab stops: (`left`/`right`, position in twips).
    pub tabs: Vec<(&'static str, i32)>,
    /// As the PDF: no extra space between Chinese and Latin letters or digits. Punctuation may
    /// hang past a line's end (Word's default for Chinese, said explicitly: LibreOffice, told
    /// nothing or told not to hang it, squeezes a mark at the end of a justified line out of
    /// sight).
    pub like_pdf: bool,
    /// Off the document grid (banner, tables, 版记: their own line heights).
    pub no_grid: bool,
    pub before: Option<i32>,
    pub after: Option<i32>,
    /// Line spacing: (value, `auto`/`exact`/`atLeast`).
    pub line: Option<(i32, &'static str)>,
    pub ind: Option<Ind>,
    pub jc: Option<&'static str>,
    /// A section ends with this paragraph (its `w:sectPr` markup).
    pub sect: Option<String>,
}

impl PPr {
    pub fn write(&self, xml: &mut Xml) {
        xml.open("w:pPr", &[]);
        if let Some(style) = self.style {
            xml.leaf_empty("w:pStyle", &[("w:val", style.into())]);
        }
        if self.keep_next {
            xml.leaf_empty("w:keepNext", &[]);
        }
        if self.page_break {
            xml.leaf_empty("w:pageBreakBefore", &[]);
        }
        if let Some(border) = &self.border {
            write_border(xml, border);
        }
        if !self.tabs.is_empty() {
            xml.open("w:tabs", &[]);
            for (kind, pos) in &self.tabs {
                xml.leaf_empty(
                    "w:tab",
                    &[("w:val", (*kind).into()), ("w:pos", pos.to_string())],
                );
            }
            xml.close("w:tabs");
        }
        if self.like_pdf {
            xml.leaf_empty("w:overflowPunct", &[("w:val", "1".into())]);
            xml.leaf_empty("w:autoSpaceDE", &[("w:val", "0".into())]);
            xml.leaf_empty("w:autoSpaceDN", &[("w:val", "0".into())]);
        }
        if self.no_grid {
            xml.leaf_empty("w:snapToGrid", &[("w:val", "0".into())]);
        }
        self.write_spacing(xml);
        if let Some(ind) = self.ind {
            let mut attrs = vec![
                ("w:left", ind.left.to_string()),
                ("w:right", ind.right.to_string()),
            ];
            if ind.first < 0 {
                attrs.push(("w:hanging", (-ind.first).to_string()));
            } else {
                attrs.push(("w:firstLine", ind.first.to_string()));
            }
            xml.leaf_empty("w:ind", &attrs);
        }
        if let Some(jc) = self.jc {
            xml.leaf_empty("w:jc", &[("w:val", jc.into())]);
        }
        if let Some(sect) = &self.sect {
            xml.raw(sect);
        }
        xml.close("w:pPr");
    }

    fn write_spacing(&self, xml: &mut Xml) {
        let mut attrs = Vec::new();
        if let Some(before) = self.before {
            attrs.push(("w:before", before.to_string()));
        }
        if let Some(after) = self.after {
            attrs.push(("w:after", after.to_string()));
        }
        if let Some((line, rule)) = self.line {
            attrs.push(("w:line", line.to_string()));
            attrs.push(("w:lineRule", rule.into()));
        }
        if !attrs.is_empty() {
            xml.leaf_empty("w:spacing", &attrs);
        }
    }
}

/// A paragraph: its properties, then its runs.
pub(super) fn write_para(xml: &mut Xml, ppr: &PPr, runs: &str) {
    xml.open("w:p", &[]);
    ppr.write(xml);
    xml.raw(runs);
    xml.close("w:p");
}

fn write_border(xml: &mut Xml, border: &Border) {
    xml.open("w:pBdr", &[]);
    let line = |xml: &mut Xml, side: &str, color: &str, size: u32, space: u32| {
        xml.leaf_empty(
            side,
            &[
                ("w:val", "single".into()),
                ("w:sz", size.to_string()),
                ("w:space", space.to_string()),
                ("w:color", color.into()),
            ],
        );
    };
    match border {
        Border::Bottom { color, size } => line(xml, "w:bottom", color, *size, 0),
        Border::Colophon { top, bottom } => {
            if *top {
                line(xml, "w:top", "000000", 8, 0);
            }
            line(xml, "w:bottom", "000000", *bottom, 0);
        }
        Border::Box => {
            for side in ["w:top", "w:left", "w:bottom", "w:right"] {
                line(xml, side, "000000", 4, 4);
            }
        }
    }
    xml.close("w:pBdr");
}

/// One paragraph style: its id, name, paragraph and run properties.
struct Style {
    id: &'static str,
    name: &'static str,
    outline: Option<u8>,
    ppr: PPr,
    rpr: RPr,
}

impl Style {
    fn new(id: &'static str, name: &'static str, lay: Lay, rpr: RPr) -> Self {
        Self {
            id,
            name,
            outline: None,
            ppr: lay.ppr(),
            rpr,
        }
    }

    /// Kept with the next paragraph (titles, captions, headings).
    fn kept(mut self) -> Self {
        self.ppr.keep_next = true;
        self
    }
}

/// How a role's paragraphs sit: indents, alignment, on the grid or not.
#[derive(Clone, Copy)]
enum Lay {
    /// Two characters in, justified (body text, headings, 附注).
    Body,
    /// No indent, justified (主送机关).
    Flush,
    /// No indent, left (附件说明, 附件标识).
    Left,
    /// No indent, right (署名, 日期: their indents from the right are the paragraph's).
    Right,
    Centred,
    /// Centred, off the grid (发文机关标志: its own line height).
    Mark,
    /// Table cells, off the grid.
    Cell,
    CellCentred,
    /// 版记 lines: one character (of 14 pt) in on both sides, off the grid.
    Colophon,
    Footer,
}

impl Lay {
    fn ppr(self) -> PPr {
        let ind = |left, first| {
            Some(Ind {
                left,
                right: left,
                first,
            })
        };
        let (ind, jc, no_grid) = match self {
            Lay::Body => (ind(0, chars(2.0)), "both", false),
            Lay::Flush => (ind(0, 0), "both", false),
            Lay::Left => (ind(0, 0), "left", false),
            Lay::Right => (ind(0, 0), "right", false),
            Lay::Centred => (ind(0, 0), "center", false),
            Lay::Mark => (ind(0, 0), "center", true),
            Lay::Cell => (ind(0, 0), "left", true),
            Lay::CellCentred => (ind(0, 0), "center", true),
            Lay::Colophon => (ind(chars(1.0) * 14 / 16, 0), "both", true),
            Lay::Footer => (None, "left", true),
        };
        PPr {
            ind,
            jc: Some(jc),
            no_grid,
            ..PPr::default()
        }
    }
}

/// `word/styles.xml`: the defaults (the body font at 三号, 16 pt, on the grid) and one style per
/// role.
pub(super) fn styles(fonts: &RoleFonts, config: &Config) -> Vec<u8> {
    let mut xml = Xml::new("w:styles", &[("xmlns:w", W.into())]);
    xml.open("w:docDefaults", &[]);
    xml.open("w:rPrDefault", &[]);
    let condensed = Some(CONDENSED);
    RPr {
        font: Some(fonts.body.clone()),
        size: Some(16.0),
        spacing: condensed,
        ..RPr::default()
    }
    .write(&mut xml);
    xml.close("w:rPrDefault");
    xml.open("w:pPrDefault", &[]);
    PPr {
        like_pdf: true,
        after: Some(0),
        line: Some((240, "auto")),
        ..PPr::default()
    }
    .write(&mut xml);
    xml.close("w:pPrDefault");
    xml.close("w:docDefaults");
    for style in role_styles(fonts, config) {
        write_style(&mut xml, &style);
    }
    xml.finish("w:styles").into_bytes()
}

fn write_style(xml: &mut Xml, style: &Style) {
    let mut attrs = vec![
        ("w:type", "paragraph".to_owned()),
        ("w:styleId", style.id.into()),
    ];
    if style.id == "Normal" {
        attrs.push(("w:default", "1".into()));
    }
    xml.open("w:style", &attrs);
    xml.leaf_empty("w:name", &[("w:val", style.name.into())]);
    if style.id != "Normal" {
        xml.leaf_empty("w:basedOn", &[("w:val", "Normal".into())]);
        xml.leaf_empty("w:next", &[("w:val", "Normal".into())]);
    }
    xml.leaf_empty("w:qFormat", &[]);
    let mut ppr = style.ppr.clone();
    ppr.style = None;
    let mut ppr_xml = Xml::fragment();
    ppr.write(&mut ppr_xml);
    let mut markup = ppr_xml.into_markup();
    if let Some(level) = style.outline {
        let tag = format!("<w:outlineLvl w:val=\"{level}\"/></w:pPr>");
        markup = markup.replacen("</w:pPr>", &tag, 1);
    }
    xml.raw(&markup);
    style.rpr.write(xml);
    xml.close("w:style");
}

fn role_styles(fonts: &RoleFonts, config: &Config) -> Vec<Style> {
    let face = |family: &str| RPr {
        font: Some(family.to_owned()),
        ..RPr::default()
    };
    let plain = RPr::default;
    let mut all = vec![Style::new("Normal", "Normal", Lay::Body, plain())];
    for level in 1..=4u8 {
        let (id, name) = HEADINGS[usize::from(level) - 1];
        let rpr = RPr {
            bold: Some(false),
            ..face(fonts.heading(level))
        };
        let mut style = Style::new(id, name, Lay::Body, rpr).kept();
        style.outline = Some(level - 1);
        all.push(style);
    }
    let title = RPr {
        bold: Some(config.title_bold),
        size: Some(22.0),
        ..face(&fonts.title)
    };
    let mark = RPr {
        bold: Some(config.mark_bold),
        color: Some(config.red.clone()),
        ..face(&fonts.title)
    };
    all.extend([
        Style::new("zyzTitle", "公文标题", Lay::Centred, title).kept(),
        Style::new("zyzMark", "发文机关标志", Lay::Mark, mark),
        Style::new("zyzNumber", "发文字号", Lay::Centred, plain()),
        Style::new("zyzRecipients", "主送机关", Lay::Flush, plain()),
        Style::new("zyzAttachment", "附件说明", Lay::Left, plain()),
        Style::new(
            "zyzSignature",
            "发文机关署名和成文日期",
            Lay::Right,
            plain(),
        ),
        Style::new("zyzNote", "附注", Lay::Body, plain()),
        Style::new(
            "zyzAttachmentNumber",
            "附件标识",
            Lay::Left,
            face(&fonts.heading1),
        )
        .kept(),
        Style::new("zyzCaption", "表题", Lay::Centred, face(&fonts.heading1)).kept(),
        Style::new("zyzTable", "表格文字", Lay::Cell, plain()),
        Style::new(
            "zyzTableHeader",
            "表头",
            Lay::CellCentred,
            face(&fonts.heading1),
        ),
        Style::new(
            "zyzColophon",
            "版记",
            Lay::Colophon,
            RPr {
                size: Some(14.0),
                ..plain()
            },
        ),
        Style::new(
            "Footer",
            "footer",
            Lay::Footer,
            RPr {
                size: Some(14.0),
                ..face(&fonts.number)
            },
        ),
    ]);
    all
}

/// Word's built-in heading styles (ids and names), so the navigation pane lists the headings.
const HEADINGS: [(&str, &str); 4] = [
    ("Heading1", "heading 1"),
    ("Heading2", "heading 2"),
    ("Heading3", "heading 3"),
    ("Heading4", "heading 4"),
];

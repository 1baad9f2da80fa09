//! DOCX export, the body: the HTML target's element tree (gongwen's roles) written as
//! WordprocessingML. Paragraphs are collected first and written at the end, so that a section
//! (a landscape 横排 part) can end on its last paragraph and a page break can go to the next one.

use typst_html::{HtmlElement, HtmlFrame, HtmlNode, tag};

use super::RoleFonts;
use super::styles::{
    self, Border, Config, Ind, PITCH, PPr, RPr, TYPE_HEIGHT, TYPE_WIDTH, W, chars,
};
use super::table;
use crate::export::xml::Xml;

/// The red rule's paragraph: one line of 4 mm (the rule is 4 mm under the 文号), in twips.
const RULE_LINE: i32 = 227;

/// The document part and what it refers to.
pub(super) struct Written {
    pub document: String,
    /// Pictures (`word/media/NAME`, PNG), numbered as the relationships `rIdImgN`.
    pub media: Vec<(String, Vec<u8>)>,
    pub config: Config,
}

/// One block of the body.
pub(super) enum Block {
    Para {
        ppr: PPr,
        runs: String,
    },
    /// A table's markup.
    Table(String),
}

/// Writes the body of the document whose HTML root is `root`.
pub(super) fn write(root: &HtmlElement, fonts: &RoleFonts) -> Result<Written, String> {
    let mut writer = Writer {
        fonts,
        config: Config::default(),
        blocks: Vec::new(),
        media: Vec::new(),
        page_break: false,
        keep: false,
        landscape: false,
        section_start: 0,
        meta_lines: 0,
        align: None,
    };
    writer.blocks(&root.children)?;
    Ok(writer.finish())
}

pub(super) struct Writer<'a> {
    pub fonts: &'a RoleFonts,
    config: Config,
    blocks: Vec<Block>,
    media: Vec<(String, Vec<u8>)>,
    /// The next paragraph starts a page.
    page_break: bool,
    /// Paragraphs are kept with the next (the closing paragraph before the signature).
    keep: bool,
    /// Inside a landscape section.
    landscape: bool,
    /// The index of the current section's first block.
    section_start: usize,
    /// Lines of 份号/密级/紧急程度 above the issuing mark.
    meta_lines: i32,
    /// Paragraphs are aligned so (inside `align`), flush.
    align: Option<&'static str>,
}

/// An element's `data-zyz` role.
pub(super) fn role(el: &HtmlElement) -> Option<&str> {
    attr(el, "data-zyz")
}

/// An attribute's value.
pub(super) fn attr<'e>(el: &'e HtmlElement, name: &str) -> Option<&'e str> {
    el.attrs
        .0
        .iter()
        .find(|(key, _)| key.resolve().as_str() == name)
        .map(|(_, value)| value.as_str())
}

/// A number attribute.
fn number(el: &HtmlElement, name: &str) -> Option<f64> {
    attr(el, name).and_then(|v| v.parse().ok())
}

/// The child elements of an element (its text and tags left out).
pub(super) fn elements(el: &HtmlElement) -> impl Iterator<Item = &HtmlElement> {
    el.children.iter().filter_map(|n| match n {
        HtmlNode::Element(e) => Some(e),
        _ => None,
    })
}

/// The text of some nodes, without markup.
pub(super) fn text_of(nodes: &[HtmlNode]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            HtmlNode::Text(text, _) => out.push_str(text),
            HtmlNode::Element(el) => out.push_str(&text_of(&el.children)),
            _ => {}
        }
    }
    out
}

/// Text, line breaks and inline elements (the HTML target puts text straight into a `<div>`).
fn is_inline(node: &HtmlNode) -> bool {
    match node {
        HtmlNode::Text(..) => true,
        HtmlNode::Element(el) => {
            el.tag == tag::span || el.tag == tag::br || el.tag == tag::strong || el.tag == tag::em
        }
        _ => false,
    }
}

/// Width of a text in characters of the body size: full-width characters 1, others ½.
pub(super) fn width_in_chars(text: &str) -> f64 {
    text.chars()
        .map(|c| if (c as u32) < 0x2E80 { 0.5 } else { 1.0 })
        .sum()
}

impl Writer<'_> {
    /// Block-level nodes; a stretch of inline ones (text, spans, line breaks) between them is one
    /// body paragraph.
    pub(super) fn blocks(&mut self, nodes: &[HtmlNode]) -> Result<(), String> {
        let mut inline_from = None;
        for (i, node) in nodes.iter().enumerate() {
            if is_inline(node) {
                inline_from.get_or_insert(i);
                continue;
            }
            if matches!(node, HtmlNode::Tag(_)) {
                // an introspection tag (of a `context`, a counter): inside a run of text or not
                continue;
            }
            if let Some(from) = inline_from.take() {
                self.inline_paragraph(&nodes[from..i])?;
            }
            match node {
                HtmlNode::Element(el) => self.block(el)?,
                HtmlNode::Frame(frame) => self.figure(frame)?,
                HtmlNode::Text(..) | HtmlNode::Tag(_) => {}
            }
        }
        if let Some(from) = inline_from {
            self.inline_paragraph(&nodes[from..])?;
        }
        Ok(())
    }

    /// Inline content standing at block level: a body paragraph, unless it is only whitespace.
    fn inline_paragraph(&mut self, nodes: &[HtmlNode]) -> Result<(), String> {
        if text_of(nodes).trim().is_empty() {
            return Ok(());
        }
        let runs = self.runs(nodes, &RPr::default())?;
        self.para(PPr::default(), runs);
        Ok(())
    }

    fn block(&mut self, el: &HtmlElement) -> Result<(), String> {
        if el.tag == tag::div || el.tag == tag::html || el.tag == tag::body {
            return self.div(el);
        }
        if el.tag == tag::head {
            return Ok(());
        }
        if el.tag == tag::table {
            let markup = table::write(self, el)?;
            self.push_table(markup);
            return Ok(());
        }
        self.paragraph(el)
    }

    fn div(&mut self, el: &HtmlElement) -> Result<(), String> {
        match role(el) {
            Some("document") => {
                self.config = Config {
                    red: attr(el, "data-red")
                        .unwrap_or("#E60012")
                        .trim_start_matches('#')
                        .to_uppercase(),
                    title_bold: attr(el, "data-title-weight") != Some("regular"),
                    mark_bold: attr(el, "data-mark-weight") != Some("regular"),
                    page_numbers: attr(el, "data-page-numbers") != Some("false"),
                };
                self.blocks(&el.children)
            }
            Some("keep") => {
                let outer = std::mem::replace(&mut self.keep, true);
                self.blocks(&el.children)?;
                self.keep = outer;
                Ok(())
            }
            Some("attachments") => self.attachments(el),
            Some("signature") => self.signature(el),
            Some("colophon") => self.colophon(el),
            Some("landscape") => self.landscape(el),
            Some("align") => {
                let side = match attr(el, "data-side") {
                    Some("center") => "center",
                    Some("right") => "right",
                    _ => "left",
                };
                let outer = self.align.replace(side);
                self.blocks(&el.children)?;
                self.align = outer;
                Ok(())
            }
            _ => self.blocks(&el.children),
        }
    }

    /// A `<p>` (or any other element at block level) by its role.
    fn paragraph(&mut self, el: &HtmlElement) -> Result<(), String> {
        let role = role(el).unwrap_or("");
        if role == "pagebreak" {
            self.page_break = true;
            return Ok(());
        }
        let (ppr, rpr) = self.role_format(el, role);
        let mut runs = self.runs(&el.children, &rpr)?;
        if role == "field" {
            // the underline runs on to the right edge of the field
            runs.push_str(&tab_run(&RPr {
                underline: true,
                ..rpr
            }));
        }
        if role == "meta" {
            self.meta_lines += 1;
        }
        self.para(ppr, runs);
        Ok(())
    }

    /// The paragraph and run properties of a paragraph role.
    fn role_format(&self, el: &HtmlElement, role: &str) -> (PPr, RPr) {
        if let Some(banner) = self.banner_format(el, role) {
            return banner;
        }
        let style = |name| PPr {
            style: Some(name),
            ..PPr::default()
        };
        let lines = |name| (number(el, name).unwrap_or(0.0) as i32) * PITCH;
        let ppr = match role {
            "h1" | "h2" | "h3" | "h4" => style(heading_style(role)),
            // the blank rows above the title count from the 文号's line, the red rule between
            "title" => PPr {
                before: Some((lines("data-above") - self.rule_height()).max(0)),
                after: Some(lines("data-below")),
                ..style("zyzTitle")
            },
            "recipients" => style("zyzRecipients"),
            "note" => style("zyzNote"),
            "caption" => style("zyzCaption"),
            "attachment-number" => style("zyzAttachmentNumber"),
            // a field of the application's cover: the underline runs on to the right
            "field" => PPr {
                ind: Some(Ind {
                    left: chars(2.0),
                    right: chars(2.0),
                    first: 0,
                }),
                tabs: vec![("right", self.width() - chars(2.0))],
                jc: Some("left"),
                ..PPr::default()
            },
            "boxed" => PPr {
                border: Some(Border::Box),
                ind: Some(Ind::default()),
                ..PPr::default()
            },
            _ => PPr::default(),
        };
        (ppr, RPr::default())
    }

    /// The 版头's paragraphs (§7.2): 份号/密级/紧急程度 lines, the mark, the 文号 two lines
    /// below it (with 签发人 on the right), the red rule 4 mm under the 文号.
    fn banner_format(&self, el: &HtmlElement, role: &str) -> Option<(PPr, RPr)> {
        let flush = Some(Ind::default());
        Some(match role {
            "meta" => {
                let font = match attr(el, "data-font") {
                    Some("heading1") => &self.fonts.heading1,
                    _ => &self.fonts.body,
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
            "mark" => self.mark_format(el),
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
                    tabs: vec![("right", self.width() - chars(1.0))],
                    jc: Some("left"),
                    ..PPr::default()
                };
                (ppr, RPr::default())
            }
            "rule" => {
                let red = self.config.red.clone();
                let ppr = PPr {
                    border: Some(Border::Bottom {
                        color: red,
                        size: 8,
                    }),
                    no_grid: true,
                    line: Some((RULE_LINE, "exact")),
                    ind: flush,
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
            _ => return None,
        })
    }

    /// The height of the red rule's paragraph when it is the last one so far, else 0.
    fn rule_height(&self) -> i32 {
        match self.blocks.last() {
            Some(Block::Para { ppr, .. }) if matches!(ppr.border, Some(Border::Bottom { .. })) => {
                RULE_LINE
            }
            _ => 0,
        }
    }

    /// 发文机关标志: red, in the title face at the mark size, 35 mm below the top of the type
    /// area; a name wider than the type area squeezed (长体) down to 50 %.
    fn mark_format(&self, el: &HtmlElement) -> (PPr, RPr) {
        let size = number(el, "data-size").unwrap_or(45.0);
        let longest = text_of(&el.children)
            .lines()
            .map(width_in_chars)
            .fold(0.0, f64::max);
        let natural = longest * size * 20.0;
        let scale = (natural > f64::from(TYPE_WIDTH))
            .then(|| ((f64::from(TYPE_WIDTH) / natural * 100.0).floor() as u32).max(50));
        // the line box is 5 % taller than the glyphs: the tops then sit 35 mm down
        let top = (35.0 * 1440.0 / 25.4 - size * 0.05 * 20.0) as i32 - self.meta_lines * PITCH;
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

    /// The width of the type area of the current section, in twips.
    pub(super) fn width(&self) -> i32 {
        if self.landscape {
            TYPE_HEIGHT
        } else {
            TYPE_WIDTH
        }
    }

    /// 附件说明: "附件：" before the first item, the items' later lines under their names.
    fn attachments(&mut self, el: &HtmlElement) -> Result<(), String> {
        let above = (number(el, "data-above").unwrap_or(1.0) as i32) * PITCH;
        let mut first = true;
        for item in elements(el) {
            let numbered = attr(item, "data-numbered") == Some("true");
            let hang = if numbered { 2.0 } else { 0.0 };
            let left = chars(5.0 + hang);
            let start = if first { chars(2.0) } else { chars(5.0) };
            let ppr = PPr {
                style: Some("zyzAttachment"),
                before: first.then_some(above),
                ind: Some(Ind {
                    left,
                    right: 0,
                    first: start - left,
                }),
                ..PPr::default()
            };
            let runs = self.runs(&item.children, &RPr::default())?;
            self.para(ppr, runs);
            first = false;
        }
        Ok(())
    }

    /// 发文机关署名 and 成文日期 (§7.3.5): sealed, the date 右空四字 with the name centred on it
    /// and two blank lines above for the seal; unsealed, the name 右空二字 one blank line below
    /// the body and the date two characters further right.
    fn signature(&mut self, el: &HtmlElement) -> Result<(), String> {
        let parts: Vec<&HtmlElement> = elements(el).collect();
        let [organ, date] = parts.as_slice() else {
            return Err("a signature needs the organ and the date".into());
        };
        let sealed = attr(el, "data-sealed") != Some("false");
        let wn = width_in_chars(&text_of(&organ.children));
        let wd = width_in_chars(&text_of(&date.children));
        let (organ_right, date_right, blank) = if sealed {
            ((4.0 + (wd - wn) / 2.0).max(0.0), 4.0, 2)
        } else {
            let span = wn.max(wd + 2.0);
            (2.0 + span - wn, span - wd, 1)
        };
        let line = |right: f64, before: Option<i32>| PPr {
            style: Some("zyzSignature"),
            before,
            ind: Some(Ind {
                left: 0,
                right: chars(right),
                first: 0,
            }),
            keep_next: true,
            ..PPr::default()
        };
        self.keep_before_signature();
        let runs = self.runs(&organ.children, &RPr::default())?;
        self.para(line(organ_right, Some(blank * PITCH)), runs);
        let runs = self.runs(&date.children, &RPr::default())?;
        let mut ppr = line(date_right, None);
        ppr.keep_next = false;
        self.para(ppr, runs);
        Ok(())
    }

    /// 版记 (§7.4): 抄送 and 印发 lines in 4号, one grid line each, between rules as wide as the
    /// type area (0.35 mm above and below, 0.25 mm between), the organ left and the date 印发
    /// right; after the signature at the end of the document. (A frame at the foot of the type
    /// area, `w:framePr`, is lost on LibreOffice, which then drops its rules too.)
    fn colophon(&mut self, el: &HtmlElement) -> Result<(), String> {
        let lines: Vec<&HtmlElement> = elements(el).collect();
        let indent = chars(1.0) * 14 / 16;
        let width = self.width();
        for (i, line) in lines.iter().enumerate() {
            let last = i + 1 == lines.len();
            let ppr = PPr {
                style: Some("zyzColophon"),
                border: Some(Border::Colophon {
                    top: i == 0,
                    bottom: if last { 8 } else { 6 },
                }),
                tabs: vec![("right", width - indent)],
                line: Some((PITCH, "exact")),
                ..PPr::default()
            };
            let runs = self.runs(&line.children, &RPr::default())?;
            self.para(ppr, runs);
        }
        Ok(())
    }

    /// The signature never stands alone on a page (§7.3.5): the 附件说明 before it and the last
    /// paragraph of the body are kept with it.
    fn keep_before_signature(&mut self) {
        for block in self.blocks.iter_mut().rev() {
            let Block::Para { ppr, .. } = block else {
                break;
            };
            ppr.keep_next = true;
            if ppr.style != Some("zyzAttachment") {
                break;
            }
        }
    }

    /// A landscape section (横排 tables): the portrait section before it ends, the tables are set
    /// 225 mm wide, and the section after it is portrait again.
    fn landscape(&mut self, el: &HtmlElement) -> Result<(), String> {
        self.end_section(false);
        self.landscape = true;
        self.page_break = false;
        self.blocks(&el.children)?;
        self.end_section(true);
        self.landscape = false;
        Ok(())
    }

    /// Ends the section that holds the blocks since `section_start` (nothing when it is empty).
    fn end_section(&mut self, landscape: bool) {
        if self.blocks.len() == self.section_start {
            return;
        }
        let sect = styles::sect_pr(landscape);
        match self.blocks.last_mut() {
            Some(Block::Para { ppr, .. }) if ppr.sect.is_none() => ppr.sect = Some(sect),
            _ => self.blocks.push(Block::Para {
                ppr: PPr {
                    sect: Some(sect),
                    ..PPr::default()
                },
                runs: String::new(),
            }),
        }
        self.section_start = self.blocks.len();
    }

    /// A chart (a frame Typst laid out) as a picture in a paragraph of its own.
    fn figure(&mut self, frame: &HtmlFrame) -> Result<(), String> {
        let run = self.picture(frame)?;
        let ppr = PPr {
            no_grid: true,
            ind: Some(Ind::default()),
            jc: Some("center"),
            ..PPr::default()
        };
        self.para(ppr, run);
        Ok(())
    }

    pub(super) fn para(&mut self, mut ppr: PPr, runs: String) {
        ppr.keep_next |= self.keep;
        if let Some(side) = self.align {
            ppr.jc = Some(side);
            ppr.ind = Some(Ind::default());
        }
        ppr.page_break |= std::mem::take(&mut self.page_break);
        self.blocks.push(Block::Para { ppr, runs });
    }

    fn push_table(&mut self, markup: String) {
        if self.page_break || matches!(self.blocks.last(), Some(Block::Table(_))) {
            // Word joins tables that touch; a page break needs a paragraph to carry it
            self.para(
                PPr {
                    no_grid: true,
                    line: Some((20, "exact")),
                    ..PPr::default()
                },
                String::new(),
            );
        }
        self.blocks.push(Block::Table(markup));
    }

    /// The document part: the blocks, then the last section's page setup.
    fn finish(mut self) -> Written {
        let mut last = styles::sect_pr(self.landscape);
        if let Some(Block::Para { ppr, runs }) = self.blocks.last_mut()
            && let Some(sect) = ppr.sect.take()
        {
            // a landscape section at the very end is the body's last section
            last = sect;
            if runs.is_empty() {
                self.blocks.pop();
            }
        }
        if !matches!(self.blocks.last(), Some(Block::Para { .. })) {
            self.blocks.push(Block::Para {
                ppr: PPr::default(),
                runs: String::new(),
            });
        }
        let mut xml = Xml::new("w:document", &namespaces());
        xml.open("w:body", &[]);
        for block in &self.blocks {
            match block {
                Block::Para { ppr, runs } => write_para(&mut xml, ppr, runs),
                Block::Table(markup) => xml.raw(markup),
            }
        }
        xml.raw(&last);
        xml.close("w:body");
        Written {
            document: xml.finish("w:document"),
            media: self.media,
            config: self.config,
        }
    }
}

fn heading_style(role: &str) -> &'static str {
    match role {
        "h1" => "Heading1",
        "h2" => "Heading2",
        "h3" => "Heading3",
        _ => "Heading4",
    }
}

pub(super) fn write_para(xml: &mut Xml, ppr: &PPr, runs: &str) {
    xml.open("w:p", &[]);
    ppr.write(xml);
    xml.raw(runs);
    xml.close("w:p");
}

fn namespaces() -> Vec<(&'static str, String)> {
    vec![
        ("xmlns:w", W.into()),
        ("xmlns:r", super::REL.into()),
        (
            "xmlns:wp",
            "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing".into(),
        ),
        (
            "xmlns:a",
            "http://schemas.openxmlformats.org/drawingml/2006/main".into(),
        ),
        (
            "xmlns:pic",
            "http://schemas.openxmlformats.org/drawingml/2006/picture".into(),
        ),
    ]
}

/// A run holding a tab.
fn tab_run(rpr: &RPr) -> String {
    let mut xml = Xml::fragment();
    xml.open("w:r", &[]);
    rpr.write(&mut xml);
    xml.leaf_empty("w:tab", &[]);
    xml.close("w:r");
    xml.into_markup()
}

impl Writer<'_> {
    /// The runs of inline content: text in `rpr`, run-in headings in their level's face, line
    /// breaks, tabs, underlined fill-ins and pictures.
    pub(super) fn runs(&mut self, nodes: &[HtmlNode], rpr: &RPr) -> Result<String, String> {
        let mut xml = Xml::fragment();
        for node in nodes {
            match node {
                HtmlNode::Text(text, _) => {
                    xml.open("w:r", &[]);
                    rpr.write(&mut xml);
                    xml.leaf("w:t", &[("xml:space", "preserve".into())], text);
                    xml.close("w:r");
                }
                HtmlNode::Element(el) if el.tag == tag::br => {
                    xml.open("w:r", &[]);
                    rpr.write(&mut xml);
                    xml.leaf_empty("w:br", &[]);
                    xml.close("w:r");
                }
                HtmlNode::Element(el) => {
                    let inner = self.span_format(el, rpr);
                    if role(el) == Some("tab") {
                        xml.raw(&tab_run(&inner));
                    } else {
                        let runs = self.runs(&el.children, &inner)?;
                        xml.raw(&runs);
                    }
                }
                HtmlNode::Frame(frame) => {
                    let run = self.picture(frame)?;
                    xml.raw(&run);
                }
                HtmlNode::Tag(_) => {}
            }
        }
        Ok(xml.into_markup())
    }

    /// The run properties inside an inline element.
    fn span_format(&self, el: &HtmlElement, outer: &RPr) -> RPr {
        let mut rpr = outer.clone();
        match role(el) {
            Some(lead) if lead.starts_with("lead-") => {
                let level = lead[5..].parse().unwrap_or(3);
                rpr.font = Some(self.fonts.heading(level).to_owned());
            }
            Some("signer") => rpr.font = Some(self.fonts.heading2.clone()),
            Some("fill") => rpr.underline = true,
            _ => {}
        }
        rpr
    }

    /// A frame as an inline PNG picture at 216 dpi, its size as laid out.
    fn picture(&mut self, frame: &HtmlFrame) -> Result<String, String> {
        let page = typst_layout::Page {
            frame: frame.inner.clone(),
            bleed: Default::default(),
            fill: typst::foundations::Smart::Auto,
            numbering: None,
            supplement: typst::foundations::Content::empty(),
            number: 1,
        };
        let options = typst_render::RenderOptions {
            pixel_per_pt: typst::utils::Scalar::new(3.0),
            render_bleed: false,
        };
        let png = typst_render::render(&page, &options)
            .encode_png()
            .map_err(|err| format!("cannot encode a chart as PNG: {err}"))?;
        let n = self.media.len() + 1;
        self.media.push((format!("image{n}.png"), png));
        let size = frame.inner.size();
        let emu = |pt: f64| ((pt * 12700.0).round() as i64).to_string();
        let mut words = Vec::new();
        frame_text(&frame.inner, &mut words);
        let alt = words.join(" ");
        Ok(drawing(n, &emu(size.x.to_pt()), &emu(size.y.to_pt()), &alt))
    }
}

/// The text drawn in a frame, run by run in drawing order: the picture's alternative text (what a
/// screen reader says, what a search finds).
fn frame_text(frame: &typst::layout::Frame, out: &mut Vec<String>) {
    for (_, item) in frame.items() {
        match item {
            typst::layout::FrameItem::Group(group) => frame_text(&group.frame, out),
            typst::layout::FrameItem::Text(text) => out.push(text.text.to_string()),
            _ => {}
        }
    }
}

/// The inline drawing of picture `n` (relationship `rIdImgN`), `cx` × `cy` EMU, described by
/// `alt`.
fn drawing(n: usize, cx: &str, cy: &str, alt: &str) -> String {
    let mut xml = Xml::fragment();
    xml.open("w:r", &[]);
    xml.open("w:drawing", &[]);
    let zero = || "0".to_owned();
    let distances = [
        ("distT", zero()),
        ("distB", zero()),
        ("distL", zero()),
        ("distR", zero()),
    ];
    xml.open("wp:inline", &distances);
    xml.leaf_empty("wp:extent", &[("cx", cx.into()), ("cy", cy.into())]);
    let name = format!("图{n}");
    let doc_pr = [
        ("id", n.to_string()),
        ("name", name.clone()),
        ("descr", alt.to_owned()),
    ];
    xml.leaf_empty("wp:docPr", &doc_pr);
    xml.open("a:graphic", &[]);
    let uri = "http://schemas.openxmlformats.org/drawingml/2006/picture";
    xml.open("a:graphicData", &[("uri", uri.into())]);
    picture(&mut xml, n, &name, cx, cy);
    xml.close("a:graphicData");
    xml.close("a:graphic");
    xml.close("wp:inline");
    xml.close("w:drawing");
    xml.close("w:r");
    xml.into_markup()
}

/// The `pic:pic` of a drawing: the image by its relationship, stretched over `cx` × `cy`.
fn picture(xml: &mut Xml, n: usize, name: &str, cx: &str, cy: &str) {
    xml.open("pic:pic", &[]);
    xml.open("pic:nvPicPr", &[]);
    xml.leaf_empty("pic:cNvPr", &[("id", n.to_string()), ("name", name.into())]);
    xml.leaf_empty("pic:cNvPicPr", &[]);
    xml.close("pic:nvPicPr");
    xml.open("pic:blipFill", &[]);
    xml.leaf_empty("a:blip", &[("r:embed", format!("rIdImg{n}"))]);
    xml.open("a:stretch", &[]);
    xml.leaf_empty("a:fillRect", &[]);
    xml.close("a:stretch");
    xml.close("pic:blipFill");
    xml.open("pic:spPr", &[]);
    xml.open("a:xfrm", &[]);
    xml.leaf_empty("a:off", &[("x", "0".into()), ("y", "0".into())]);
    xml.leaf_empty("a:ext", &[("cx", cx.into()), ("cy", cy.into())]);
    xml.close("a:xfrm");
    xml.open("a:prstGeom", &[("prst", "rect".into())]);
    xml.leaf_empty("a:avLst", &[]);
    xml.close("a:prstGeom");
    xml.close("pic:spPr");
    xml.close("pic:pic");
}

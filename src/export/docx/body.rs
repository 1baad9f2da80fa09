//! DOCX export, the body: the HTML target's element tree (gongwen's roles) walked block by
//! block and written as paragraphs — body text and headings here, the 版头 and title from
//! `banner.rs`, the 附件说明, signature and 版记 from `closing.rs`, tables from `table.rs`, runs
//! and pictures from `runs.rs`. Paragraphs are collected first (`sections.rs`) and written at the
//! end, so that a section (a landscape 横排 part) can end on its last paragraph and a page break
//! can go to the next one.

use typst_html::{HtmlElement, HtmlFrame, HtmlNode, tag};

use super::banner::{self, Banner};
use super::closing::{self, Paras};
use super::draft::Fields;
use super::fonts::RoleFonts;
use super::runs::{Inline, tab_run};
use super::sections::{Block, Sections};
use super::styles::{Border, Config, Ind, PPr, RPr, chars};
use super::table;
use super::tree::{attr, is_inline, role, text_of};

/// The document part and what it refers to.
pub(super) struct Written<'a> {
    pub document: String,
    /// Pictures (`word/media/NAME`, PNG), numbered as the relationships `rIdImgN`.
    pub media: Vec<(String, Vec<u8>)>,
    pub config: Config,
    /// The fields written, for the hidden part.
    pub fields: Fields<'a>,
}

/// Writes the body of the document whose HTML root is `root`; `fields`: the values from the
/// content (render stage's `fields`), each of which becomes a content control.
pub(super) fn write<'a>(
    root: &HtmlElement,
    fonts: &'a RoleFonts,
    fields: &'a [crate::render::fields::Field],
) -> Result<Written<'a>, String> {
    let mut writer = Writer {
        inline: Inline {
            fonts,
            media: Vec::new(),
            fields: Fields {
                fields,
                occurrences: Vec::new(),
            },
        },
        sections: Sections::default(),
        config: Config::default(),
        page_break: false,
        keep: false,
        meta_lines: 0,
        align: None,
    };
    writer.blocks(&root.children)?;
    Ok(Written {
        document: writer.sections.document(),
        media: writer.inline.media,
        config: writer.config,
        fields: writer.inline.fields,
    })
}

struct Writer<'a> {
    inline: Inline<'a>,
    sections: Sections,
    config: Config,
    /// The next paragraph starts a page.
    page_break: bool,
    /// Paragraphs are kept with the next (the closing paragraph before the signature).
    keep: bool,
    /// Lines of 份号/密级/紧急程度 above the issuing mark.
    meta_lines: i32,
    /// Paragraphs are aligned so (inside `align`), flush.
    align: Option<&'static str>,
}

impl Writer<'_> {
    /// Block-level nodes; a stretch of inline ones (text, spans, line breaks) between them is one
    /// body paragraph.
    fn blocks(&mut self, nodes: &[HtmlNode]) -> Result<(), String> {
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
        let runs = self.inline.runs(nodes, &RPr::default())?;
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
            let markup = table::write(&mut self.inline, self.sections.width(), el)?;
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
            Some("attachments") => {
                let paras = closing::attachments(el, &mut self.inline)?;
                self.paras(paras);
                Ok(())
            }
            Some("signature") => {
                self.sections.keep_before_signature();
                let paras = closing::signature(el, &mut self.inline)?;
                self.paras(paras);
                Ok(())
            }
            Some("colophon") => {
                let width = self.sections.width();
                let paras = closing::colophon(el, &mut self.inline, width)?;
                self.paras(paras);
                Ok(())
            }
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
        let mut runs = self.inline.runs(&el.children, &rpr)?;
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
        let banner = Banner {
            fonts: self.inline.fonts,
            red: &self.config.red,
            width: self.sections.width(),
            meta_lines: self.meta_lines,
        };
        if let Some(format) = banner::format(el, role, &banner) {
            return format;
        }
        let style = |name| PPr {
            style: Some(name),
            ..PPr::default()
        };
        let ppr = match role {
            "h1" | "h2" | "h3" | "h4" => style(heading_style(role)),
            "title" => banner::title(el, self.after_rule()),
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
                tabs: vec![("right", self.sections.width() - chars(2.0))],
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

    /// Whether the last paragraph so far is the red rule's.
    fn after_rule(&self) -> bool {
        matches!(self.sections.blocks.last(), Some(Block::Para { ppr, .. }) if banner::is_rule(ppr))
    }

    /// A landscape section (横排 tables): the portrait section before it ends, the tables are set
    /// 225 mm wide, and the section after it is portrait again.
    fn landscape(&mut self, el: &HtmlElement) -> Result<(), String> {
        self.sections.end(false);
        self.sections.landscape = true;
        self.page_break = false;
        self.blocks(&el.children)?;
        self.sections.end(true);
        self.sections.landscape = false;
        Ok(())
    }

    /// A chart (a frame Typst laid out) as a picture in a paragraph of its own.
    fn figure(&mut self, frame: &HtmlFrame) -> Result<(), String> {
        let run = self.inline.picture(frame)?;
        let ppr = PPr {
            no_grid: true,
            ind: Some(Ind::default()),
            jc: Some("center"),
            ..PPr::default()
        };
        self.para(ppr, run);
        Ok(())
    }

    fn paras(&mut self, paras: Paras) {
        for (ppr, runs) in paras {
            self.para(ppr, runs);
        }
    }

    fn para(&mut self, mut ppr: PPr, runs: String) {
        ppr.keep_next |= self.keep;
        if let Some(side) = self.align {
            ppr.jc = Some(side);
            ppr.ind = Some(Ind::default());
        }
        ppr.page_break |= std::mem::take(&mut self.page_break);
        self.sections.blocks.push(Block::Para { ppr, runs });
    }

    fn push_table(&mut self, markup: String) {
        if self.page_break || matches!(self.sections.blocks.last(), Some(Block::Table(_))) {
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
        self.sections.blocks.push(Block::Table(markup));
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

//! DOCX export, runs: inline content (text, run-in headings in their level's face, line breaks,
//! tabs, underlined fill-ins) as WordprocessingML runs, and charts (frames Typst laid out) as
//! inline PNG pictures with their text as the description.

use typst_html::{HtmlElement, HtmlFrame, HtmlNode, tag};

use super::draft::Fields;
use super::fonts::RoleFonts;
use super::styles::RPr;
use super::tree::{attr, role};
use crate::export::xml::Xml;

/// What writes runs: the role fonts, the pictures made so far (`word/media/NAME`, PNG,
/// numbered as the relationships `rIdImgN`) and the fields (content controls) written so far.
pub(super) struct Inline<'a> {
    pub fonts: &'a RoleFonts,
    pub media: Vec<(String, Vec<u8>)>,
    pub fields: Fields<'a>,
}

/// A run holding a tab.
pub(super) fn tab_run(rpr: &RPr) -> String {
    let mut xml = Xml::fragment();
    xml.open("w:r", &[]);
    rpr.write(&mut xml);
    xml.leaf_empty("w:tab", &[]);
    xml.close("w:r");
    xml.into_markup()
}

impl Inline<'_> {
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
                    } else if role(el) == Some("value") {
                        let runs = self.runs(&el.children, &inner)?;
                        let n = attr(el, "data-n").and_then(|n| n.parse().ok());
                        xml.raw(&self.fields.control(n, &runs));
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
    pub(super) fn picture(&mut self, frame: &HtmlFrame) -> Result<String, String> {
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

//! DOCX export, the end of a document (GB/T 9704 §7.3.4–§7.4): the 附件说明, the signature
//! (发文机关署名 and 成文日期) and the 版记 between its rules. Each gives its paragraphs; the
//! body writer places them.

use typst_html::HtmlElement;

use super::runs::Inline;
use super::styles::{Border, Ind, PITCH, PPr, RPr, chars};
use super::tree::{attr, elements, number, text_of, width_in_chars};

/// Paragraphs: their properties and runs.
pub(super) type Paras = Vec<(PPr, String)>;

/// 附件说明: "附件：" before the first item, the items' later lines under their names.
pub(super) fn attachments(el: &HtmlElement, inline: &mut Inline) -> Result<Paras, String> {
    let above = (number(el, "data-above").unwrap_or(1.0) as i32) * PITCH;
    let mut paras = Vec::new();
    for (i, item) in elements(el).enumerate() {
        let first = i == 0;
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
        paras.push((ppr, inline.runs(&item.children, &RPr::default())?));
    }
    Ok(paras)
}

/// 发文机关署名 and 成文日期 (§7.3.5): sealed, the date 右空四字 with the name centred on it
/// and two blank lines above for the seal; unsealed, the name 右空二字 one blank line below
/// the body and the date two characters further right. Both kept with the next paragraph but
/// the date.
pub(super) fn signature(el: &HtmlElement, inline: &mut Inline) -> Result<Paras, String> {
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
    let organ_runs = inline.runs(&organ.children, &RPr::default())?;
    let date_runs = inline.runs(&date.children, &RPr::default())?;
    let mut date_ppr = line(date_right, None);
    date_ppr.keep_next = false;
    Ok(vec![
        (line(organ_right, Some(blank * PITCH)), organ_runs),
        (date_ppr, date_runs),
    ])
}

/// 版记 (§7.4): 抄送 and 印发 lines in 4号, one grid line each, between rules as wide as the
/// type area (0.35 mm above and below, 0.25 mm between), the organ left and the date 印发
/// right; after the signature at the end of the document. (A frame at the foot of the type
/// area, `w:framePr`, is lost on LibreOffice, which then drops its rules too.)
pub(super) fn colophon(el: &HtmlElement, inline: &mut Inline, width: i32) -> Result<Paras, String> {
    let lines: Vec<&HtmlElement> = elements(el).collect();
    let indent = chars(1.0) * 14 / 16;
    let mut paras = Vec::new();
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
        paras.push((ppr, inline.runs(&line.children, &RPr::default())?));
    }
    Ok(paras)
}

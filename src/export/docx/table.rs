//! DOCX export, tables: gongwen's tables with the PDF's column widths, thin rules, the header
//! row repeated on every page (`w:tblHeader`) in the header face; the application's opinion boxes.

use typst_html::{HtmlElement, tag};

use super::runs::Inline;
use super::styles::{Ind, PITCH, PPr, RPr, chars, write_para};
use super::tree::{attr, elements, role};
use crate::export::xml::Xml;

/// One row: header or not, and its cells.
struct Row<'a> {
    header: bool,
    cells: Vec<&'a HtmlElement>,
}

/// A table (`data-zyz` table or opinion) in a type area `width` twips wide.
pub(super) fn write(inline: &mut Inline, width: i32, el: &HtmlElement) -> Result<String, String> {
    let size: f64 = attr(el, "data-size")
        .and_then(|s| s.parse().ok())
        .unwrap_or(16.0);
    let mut widths: Vec<i32> = attr(el, "data-widths")
        .unwrap_or("")
        .split_whitespace()
        .filter_map(|w| w.parse::<f64>().ok())
        .map(|pt| (pt * 20.0).round() as i32)
        .collect();
    let opinion = role(el) == Some("opinion");
    if opinion {
        widths.push(width - widths.iter().sum::<i32>());
    }
    let aligns: Vec<&str> = attr(el, "data-align")
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let rows = rows(el);
    let columns = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    if widths.len() != columns {
        let even = width / i32::try_from(columns.max(1)).unwrap_or(1);
        widths = vec![even; columns];
    }
    let mut xml = Xml::fragment();
    xml.open("w:tbl", &[]);
    table_properties(&mut xml, widths.iter().sum(), size);
    xml.open("w:tblGrid", &[]);
    for w in &widths {
        xml.leaf_empty("w:gridCol", &[("w:w", w.to_string())]);
    }
    xml.close("w:tblGrid");
    for row in &rows {
        xml.open("w:tr", &[]);
        xml.open("w:trPr", &[]);
        if opinion {
            xml.leaf_empty(
                "w:trHeight",
                &[
                    ("w:val", (5 * PITCH).to_string()),
                    ("w:hRule", "atLeast".into()),
                ],
            );
        }
        if row.header {
            xml.leaf_empty("w:tblHeader", &[]);
        }
        xml.close("w:trPr");
        for (i, cell) in row.cells.iter().enumerate() {
            let align = if row.header {
                "center"
            } else {
                side(aligns.get(i).copied())
            };
            let format = if opinion {
                opinion_cell(i)
            } else {
                plain_cell(row.header, align, size)
            };
            write_cell(
                inline,
                &mut xml,
                cell,
                widths.get(i).copied().unwrap_or(0),
                &format,
            )?;
        }
        xml.close("w:tr");
    }
    xml.close("w:tbl");
    Ok(xml.into_markup())
}

/// The rows of a table, header rows (in `<thead>` or of `<th>` cells) marked.
fn rows(el: &HtmlElement) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for part in elements(el) {
        if part.tag == tag::tr {
            out.push(row(part, false));
        } else {
            let header = part.tag == tag::thead;
            let trs = elements(part).filter(|tr| tr.tag == tag::tr);
            out.extend(trs.map(|tr| row(tr, header)));
        }
    }
    out
}

fn row(tr: &HtmlElement, header: bool) -> Row<'_> {
    let cells: Vec<&HtmlElement> = elements(tr)
        .filter(|c| c.tag == tag::td || c.tag == tag::th)
        .collect();
    let header = header || (!cells.is_empty() && cells.iter().all(|c| c.tag == tag::th));
    Row { header, cells }
}

fn side(code: Option<&str>) -> &'static str {
    match code {
        Some("c") => "center",
        Some("r") => "right",
        _ => "left",
    }
}

/// How a cell is set: its paragraph and run properties and vertical alignment.
struct CellFormat {
    ppr: PPr,
    rpr: RPr,
    valign: &'static str,
}

fn plain_cell(header: bool, align: &'static str, size: f64) -> CellFormat {
    let style = if header { "zyzTableHeader" } else { "zyzTable" };
    CellFormat {
        ppr: PPr {
            style: Some(style),
            jc: Some(align),
            ..PPr::default()
        },
        rpr: RPr {
            size: Some(size),
            ..RPr::default()
        },
        valign: "center",
    }
}

/// The opinion box: the label centred on the left; 盖章 and the date at the bottom right.
fn opinion_cell(column: usize) -> CellFormat {
    let (jc, valign, ind) = if column == 0 {
        ("center", "center", Ind::default())
    } else {
        (
            "right",
            "bottom",
            Ind {
                right: chars(2.0),
                ..Ind::default()
            },
        )
    };
    CellFormat {
        ppr: PPr {
            style: Some("zyzTable"),
            ind: Some(ind),
            jc: Some(jc),
            ..PPr::default()
        },
        rpr: RPr::default(),
        valign,
    }
}

fn write_cell(
    inline: &mut Inline,
    xml: &mut Xml,
    cell: &HtmlElement,
    width: i32,
    format: &CellFormat,
) -> Result<(), String> {
    xml.open("w:tc", &[]);
    xml.open("w:tcPr", &[]);
    xml.leaf_empty(
        "w:tcW",
        &[("w:w", width.to_string()), ("w:type", "dxa".into())],
    );
    xml.leaf_empty("w:vAlign", &[("w:val", format.valign.into())]);
    xml.close("w:tcPr");
    let runs = inline.runs(&cell.children, &format.rpr)?;
    write_para(xml, &format.ppr, &runs);
    xml.close("w:tc");
    Ok(())
}

/// Table properties: fixed layout at `width`, centred, 0.5 pt rules, cell margins of gongwen
/// (0.35 em across, 0.45 em down, at the table's text size).
fn table_properties(xml: &mut Xml, width: i32, size: f64) {
    xml.open("w:tblPr", &[]);
    xml.leaf_empty(
        "w:tblW",
        &[("w:w", width.to_string()), ("w:type", "dxa".into())],
    );
    xml.leaf_empty("w:jc", &[("w:val", "center".into())]);
    xml.open("w:tblBorders", &[]);
    for side in [
        "w:top",
        "w:left",
        "w:bottom",
        "w:right",
        "w:insideH",
        "w:insideV",
    ] {
        rule(xml, side, 4);
    }
    xml.close("w:tblBorders");
    xml.leaf_empty("w:tblLayout", &[("w:type", "fixed".into())]);
    let across = ((0.35 * size * 20.0).round() as i32).to_string();
    let down = ((0.45 * size * 20.0).round() as i32).to_string();
    cell_margins(xml, &down, &across);
    xml.close("w:tblPr");
}

fn cell_margins(xml: &mut Xml, down: &str, across: &str) {
    xml.open("w:tblCellMar", &[]);
    for (side, value) in [
        ("w:top", down),
        ("w:left", across),
        ("w:bottom", down),
        ("w:right", across),
    ] {
        xml.leaf_empty(side, &[("w:w", value.into()), ("w:type", "dxa".into())]);
    }
    xml.close("w:tblCellMar");
}

/// A single black rule of `size` eighths of a point.
fn rule(xml: &mut Xml, side: &str, size: u32) {
    xml.leaf_empty(
        side,
        &[
            ("w:val", "single".into()),
            ("w:sz", size.to_string()),
            ("w:space", "0".into()),
            ("w:color", "000000".into()),
        ],
    );
}

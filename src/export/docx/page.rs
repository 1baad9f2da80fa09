//! DOCX export, the page in Word's own terms: a section's page setup (A4 portrait or landscape,
//! the margins of the 156 × 225 mm type area, the 22-line document grid), the settings and the
//! odd/even footers with a PAGE field (GB/T 9704 §5.2, §7.5).

use super::styles::{Config, Ind, PITCH, PPr, REL, W, chars};
use crate::export::xml::Xml;

/// The page setup of a section: A4 portrait with GB/T 9704's margins and the 22 × 28 grid, or A4
/// landscape (横排 tables) with the margins turned, and the footers of every section.
pub(super) fn sect_pr(landscape: bool) -> String {
    let mut xml = Xml::fragment();
    xml.open("w:sectPr", &[]);
    for (kind, id) in [("default", "rIdFooterOdd"), ("even", "rIdFooterEven")] {
        xml.leaf_empty(
            "w:footerReference",
            &[("w:type", kind.into()), ("r:id", id.into())],
        );
    }
    if landscape {
        xml.leaf_empty(
            "w:pgSz",
            &[
                ("w:w", "16838".into()),
                ("w:h", "11906".into()),
                ("w:orient", "landscape".into()),
            ],
        );
        // the portrait margins turned: the head of the table at the binding edge
        page_margins(&mut xml, [28.0, 37.0, 26.0, 35.0], 12.0);
        xml.leaf_empty("w:docGrid", &[("w:linePitch", "312".into())]);
    } else {
        xml.leaf_empty(
            "w:pgSz",
            &[("w:w", "11906".into()), ("w:h", "16838".into())],
        );
        // the page number's dashes 7 mm below the type area (§7.5)
        page_margins(&mut xml, [37.0, 26.0, 35.0, 28.0], 23.5);
        // 22 lines of 28 characters. Word's character grid would set 28 characters of 16 pt in
        // 156 mm by squeezing each to 15.785 pt (charSpace -879/4096 pt); LibreOffice gives a
        // glyph wider than its cell two cells (about 20 characters a line). So the grid is of
        // lines, and the 28 characters come from the text: every style is condensed by 0.25 pt
        // (15.75 pt a character, 28 to a line in both).
        xml.leaf_empty(
            "w:docGrid",
            &[
                ("w:type", "lines".into()),
                ("w:linePitch", PITCH.to_string()),
            ],
        );
    }
    xml.close("w:sectPr");
    xml.into_markup()
}

/// `w:pgMar`: top, right, bottom and left margins and the footer's distance from the edge, in mm.
fn page_margins(xml: &mut Xml, margins: [f64; 4], footer: f64) {
    let twips = |v: f64| ((v * 1440.0 / 25.4).round() as i32).to_string();
    let sides = ["w:top", "w:right", "w:bottom", "w:left"];
    let mut attrs: Vec<_> = sides
        .into_iter()
        .zip(margins)
        .map(|(k, v)| (k, twips(v)))
        .collect();
    attrs.extend([
        ("w:header", twips(15.0)),
        ("w:footer", twips(footer)),
        ("w:gutter", "0".into()),
    ]);
    xml.leaf_empty("w:pgMar", &attrs);
}

/// `word/settings.xml`: odd and even footers differ (page numbers right and left).
pub(super) fn settings() -> Vec<u8> {
    let mut xml = Xml::new("w:settings", &[("xmlns:w", W.into())]);
    xml.leaf_empty("w:evenAndOddHeaders", &[]);
    xml.leaf_empty("w:defaultTabStop", &[("w:val", chars(2.0).to_string())]);
    xml.leaf_empty(
        "w:characterSpacingControl",
        &[("w:val", "compressPunctuation".into())],
    );
    xml.open("w:compat", &[]);
    xml.leaf_empty(
        "w:compatSetting",
        &[
            ("w:name", "compatibilityMode".into()),
            ("w:uri", "http://schemas.microsoft.com/office/word".into()),
            ("w:val", "15".into()),
        ],
    );
    xml.close("w:compat");
    xml.finish("w:settings").into_bytes()
}

/// The odd and even footers: "— N —" in the number font at 14 pt (4号), odd pages right and even
/// pages left, one character in from the edge of the type area (§7.5); N is a PAGE field.
pub(super) fn footers(config: &Config) -> Vec<(&'static str, String)> {
    [("footer1.xml", "right"), ("footer2.xml", "left")]
        .into_iter()
        .map(|(name, side)| (name, footer(config, side)))
        .collect()
}

fn footer(config: &Config, side: &'static str) -> String {
    let mut xml = Xml::new("w:ftr", &[("xmlns:w", W.into()), ("xmlns:r", REL.into())]);
    xml.open("w:p", &[]);
    let one = chars(1.0);
    let ind = if side == "right" {
        Ind {
            right: one,
            ..Ind::default()
        }
    } else {
        Ind {
            left: one,
            ..Ind::default()
        }
    };
    PPr {
        style: Some("Footer"),
        ind: Some(ind),
        jc: Some(side),
        ..PPr::default()
    }
    .write(&mut xml);
    if config.page_numbers {
        run_text(&mut xml, "— ");
        xml.open("w:fldSimple", &[("w:instr", " PAGE ".into())]);
        run_text(&mut xml, "1");
        xml.close("w:fldSimple");
        run_text(&mut xml, " —");
    }
    xml.close("w:p");
    xml.finish("w:ftr")
}

fn run_text(xml: &mut Xml, text: &str) {
    xml.open("w:r", &[]);
    xml.leaf("w:t", &[("xml:space", "preserve".into())], text);
    xml.close("w:r");
}

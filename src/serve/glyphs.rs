//! Serve, glyph outlines: typst-svg draws each glyph once per page as a `<symbol>` (named by a
//! hash of its font and glyph) and uses it where the glyph stands. A Chinese page's outlines are
//! nine tenths of its SVG (a table page of the sample: 684 of 746 KB) and the same on every
//! page, so they are split off: a document page holds each outline once, in one hidden `<svg>`,
//! and a redrawn page sends only its drawing and the outlines the browser does not have yet.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const SYMBOL: &str = "<symbol id=\"";
const SYMBOL_END: &str = "</symbol>";

/// Every glyph outline drawn since the server started, by id (bounded by the glyphs of the
/// bundled fonts).
#[derive(Default)]
pub struct Glyphs {
    outlines: Mutex<HashMap<String, Arc<str>>>,
}

impl Glyphs {
    /// Splits a page's SVG: its drawing without the glyph outlines, and the ids of the outlines
    /// it uses (kept here).
    pub fn split(&self, svg: &str) -> (String, Vec<String>) {
        let Some((start, end)) = defs(svg) else {
            return (svg.to_owned(), Vec::new());
        };
        let inner = &svg[start + "<defs>".len()..end];
        let mut rest = String::new();
        let mut ids = Vec::new();
        let mut outlines = self.outlines.lock().expect("glyph lock");
        let mut at = 0;
        while let Some(found) = inner[at..].find(SYMBOL) {
            let from = at + found;
            let Some(len) = inner[from..].find(SYMBOL_END) else {
                break;
            };
            let to = from + len + SYMBOL_END.len();
            let symbol = &inner[from..to];
            let id = symbol[SYMBOL.len()..].split('"').next().unwrap_or_default();
            rest.push_str(&inner[at..from]);
            if is_glyph_id(id) {
                outlines
                    .entry(id.to_owned())
                    .or_insert_with(|| Arc::from(symbol));
                ids.push(id.to_owned());
            } else {
                rest.push_str(symbol);
            }
            at = to;
        }
        rest.push_str(&inner[at..]);
        let mut body = String::with_capacity(start + rest.len() + svg.len() - end);
        body.push_str(&svg[..start]);
        if !rest.trim().is_empty() {
            body.push_str("<defs>");
            body.push_str(&rest);
            body.push_str("</defs>");
        }
        body.push_str(&svg[end + "</defs>".len()..]);
        (body, ids)
    }

    /// The outlines of `ids` (those known), one after another.
    pub fn outlines<'a>(&self, ids: impl IntoIterator<Item = &'a String>) -> String {
        let outlines = self.outlines.lock().expect("glyph lock");
        let mut seen = std::collections::HashSet::new();
        ids.into_iter()
            .filter(|id| seen.insert(*id))
            .filter_map(|id| outlines.get(id.as_str()).cloned())
            .collect::<Vec<_>>()
            .concat()
    }

    /// A page's whole SVG again, its outlines put back: what `/svg/…` serves.
    pub fn whole(&self, body: &str, ids: &[String]) -> String {
        let Some(close) = body.rfind("</svg>") else {
            return body.to_owned();
        };
        format!(
            "{}<defs>{}</defs></svg>",
            &body[..close],
            self.outlines(ids)
        )
    }
}

/// The span of the page's last top-level `<defs>…</defs>` (typst-svg puts its definitions
/// after the drawing).
fn defs(svg: &str) -> Option<(usize, usize)> {
    let start = svg.rfind("<defs>")?;
    let end = start + svg[start..].find("</defs>")?;
    Some((start, end))
}

/// typst-svg names a glyph `g` and a 128-bit hash of its font and glyph in hexadecimal (without
/// leading zeros): the same name is the same outline on every page of every document.
fn is_glyph_id(id: &str) -> bool {
    (2..=33).contains(&id.len())
        && id.starts_with('g')
        && id[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = concat!(
        r##"<svg viewBox="0 0 10 10"><g><use xlink:href="#gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"/>"##,
        r##"<use xlink:href="#c1"/></g><defs><symbol id="gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" "##,
        r##"overflow="visible"><path d="M 0 0Z"/></symbol><clipPath id="c1"><path d="M 1 1Z"/>"##,
        r##"</clipPath></defs></svg>"##
    );

    #[test]
    fn glyph_outlines_are_split_off_and_put_back_other_definitions_stay() {
        let glyphs = Glyphs::default();
        let (body, ids) = glyphs.split(PAGE);
        assert_eq!(ids, ["gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]);
        assert!(!body.contains("<symbol"), "{body}");
        assert!(body.contains(r#"<defs><clipPath id="c1">"#), "{body}");
        assert!(body.ends_with("</defs></svg>"), "{body}");
        let whole = glyphs.whole(&body, &ids);
        assert!(whole.contains(r#"<symbol id="gAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" overflow"#));
        assert_eq!(whole.len(), PAGE.len() + "<defs></defs>".len());
        assert_eq!(
            glyphs.outlines(&ids),
            glyphs.outlines(&[ids[0].clone(), ids[0].clone()])
        );
    }
}

//! DOCX export, the draft's fields: each value the document takes from the content is a content
//! control (`w:sdt`) whose tag is its source (`towns/kaizhang.yaml#tasks[0].lead`) and whose alias
//! is the field's Chinese name, with a bookmark `zyz_N` inside it (LibreOffice 7.4 keeps the
//! control but drops its tag; it keeps bookmarks). A hidden custom XML part
//! (`customXml/item1.xml`) names the draft — its document, town, year, input hash, the hash of
//! the data it shows (`data`, [`crate::plan::Doc::data_sha256`]) and the day it was made — and lists
//! every field by N: tag, alias, the hash of the YAML value it was made from and (as its text)
//! the text shown,
//! so `zyz import` can tell a returned change from a change made in the YAML since (a conflict)
//! and refuse a draft of another document or year.

use crate::export::xml::Xml;
use crate::plan::sheets::value_hash;
use crate::render::fields::Field;

/// The hidden part's namespace, path and format.
pub const DRAFT_NS: &str = "urn:zyz:draft";
pub const DRAFT_PART: &str = "customXml/item1.xml";
pub const FORMAT: &str = "zyz-draft/1";

/// What names a draft.
pub(super) struct Identity<'a> {
    pub doc: String,
    pub kind: &'a str,
    pub town: Option<&'a str>,
    pub year: i32,
    pub inputs: &'a str,
    /// The hash of the data the document shows.
    pub data: String,
    /// The day it was made (`2025-10-20`).
    pub made: String,
}

/// The fields of the document and the occurrences written so far (each names its field).
#[derive(Default)]
pub(super) struct Fields<'a> {
    pub fields: &'a [Field],
    pub occurrences: Vec<usize>,
}

impl Fields<'_> {
    /// The content control around `runs` of field `n`: its next occurrence, or the runs as they
    /// are when there is no such field.
    pub fn control(&mut self, n: Option<usize>, runs: &str) -> String {
        let Some(field) = n.and_then(|n| self.fields.get(n)) else {
            return runs.to_owned();
        };
        self.occurrences.push(n.unwrap_or_default());
        let k = self.occurrences.len().to_string();
        let mut xml = Xml::fragment();
        xml.open("w:sdt", &[]);
        xml.open("w:sdtPr", &[]);
        xml.leaf_empty("w:alias", &[("w:val", field.alias.clone())]);
        xml.leaf_empty("w:tag", &[("w:val", field.tag.clone())]);
        xml.leaf_empty("w:id", &[("w:val", k.clone())]);
        xml.close("w:sdtPr");
        xml.open("w:sdtContent", &[]);
        let bookmark = [("w:id", k.clone()), ("w:name", format!("zyz_{k}"))];
        xml.leaf_empty("w:bookmarkStart", &bookmark);
        xml.raw(runs);
        xml.leaf_empty("w:bookmarkEnd", &[("w:id", k)]);
        xml.close("w:sdtContent");
        xml.close("w:sdt");
        xml.into_markup()
    }

    /// `customXml/item1.xml`: the draft's identity and each occurrence's field.
    pub fn part(&self, id: &Identity) -> Vec<u8> {
        let mut attrs = vec![
            ("xmlns", DRAFT_NS.to_owned()),
            ("format", FORMAT.to_owned()),
            ("doc", id.doc.clone()),
            ("kind", id.kind.to_owned()),
        ];
        if let Some(town) = id.town {
            attrs.push(("town", town.to_owned()));
        }
        attrs.push(("year", id.year.to_string()));
        attrs.push(("inputs", id.inputs.to_owned()));
        attrs.push(("data", id.data.clone()));
        attrs.push(("made", id.made.clone()));
        let mut xml = Xml::new("draft", &attrs);
        for (k, n) in self.occurrences.iter().enumerate() {
            let f = &self.fields[*n];
            let attrs = [
                ("n", (k + 1).to_string()),
                ("tag", f.tag.clone()),
                ("alias", f.alias.clone()),
                ("hash", value_hash(&f.tag, &f.value)),
            ];
            xml.leaf("field", &attrs, &f.shown);
        }
        xml.finish("draft").into_bytes()
    }
}

/// `customXml/itemProps1.xml`: the part's store item id (from the document's path, so the same
/// draft always has the same) and schema.
pub(super) fn item_props(doc: &str) -> Vec<u8> {
    let hash = value_hash("item", doc);
    let guid = format!(
        "{{{}-{}-{}-{}-{}{}}}",
        &hash[..8],
        &hash[8..12],
        &hash[12..16],
        &value_hash("a", doc)[..4],
        &value_hash("b", doc)[..4],
        &value_hash("c", doc)[..8],
    )
    .to_uppercase();
    let mut xml = Xml::new(
        "ds:datastoreItem",
        &[
            ("ds:itemID", guid),
            (
                "xmlns:ds",
                "http://schemas.openxmlformats.org/officeDocument/2006/customXml".into(),
            ),
        ],
    );
    xml.open("ds:schemaRefs", &[]);
    xml.leaf_empty("ds:schemaRef", &[("ds:uri", DRAFT_NS.into())]);
    xml.close("ds:schemaRefs");
    xml.finish("ds:datastoreItem").into_bytes()
}

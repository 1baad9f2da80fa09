//! Export stage, XML packages: elements written in order with escaped text and attributes, and
//! the deterministic ZIP the XML formats (OFD, DOCX) are packed in. Hand-written: the XML crates
//! in the tree either pull a parser in or leave `&` in text unescaped (xmlwriter 0.1), and these
//! formats need nothing beyond elements, attributes and text.

use std::io::Write as _;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// An XML document being written.
pub struct Xml(String);

impl Xml {
    /// A document whose root element is `root` with `attrs` (namespace declarations among them).
    pub fn new(root: &str, attrs: &[(&str, String)]) -> Self {
        let mut xml = Xml(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        xml.open(root, attrs);
        xml
    }

    pub fn open(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.start(name, attrs);
        self.0.push('>');
    }

    pub fn close(&mut self, name: &str) {
        self.0.push_str("</");
        self.0.push_str(name);
        self.0.push('>');
    }

    /// `<name attrs>text</name>`.
    pub fn leaf(&mut self, name: &str, attrs: &[(&str, String)], text: &str) {
        self.open(name, attrs);
        escape_into(&mut self.0, text);
        self.close(name);
    }

    /// `<name attrs/>`.
    pub fn leaf_empty(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.start(name, attrs);
        self.0.push_str("/>");
    }

    /// Markup written by the caller as it is (a fragment made by another `Xml`).
    pub fn raw(&mut self, markup: &str) {
        self.0.push_str(markup);
    }

    /// The document, its root closed.
    pub fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.0.push('\n');
        self.0
    }

    /// A fragment: elements without a declaration or root, for [`Xml::raw`].
    pub fn fragment() -> Self {
        Xml(String::new())
    }

    /// The fragment's markup.
    pub fn into_markup(self) -> String {
        self.0
    }

    fn start(&mut self, name: &str, attrs: &[(&str, String)]) {
        self.0.push('<');
        self.0.push_str(name);
        for (key, value) in attrs {
            self.0.push(' ');
            self.0.push_str(key);
            self.0.push_str("=\"");
            escape_into(&mut self.0, value);
            self.0.push('"');
        }
    }
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A ZIP of `parts` in the given order, deflated, each dated `date` at midnight with mode 0644:
/// the same parts give the same bytes.
pub fn zip_package(
    parts: &[(String, Vec<u8>)],
    date: crate::model::Date,
) -> zip::result::ZipResult<Vec<u8>> {
    let stamp =
        DateTime::from_date_and_time(date.year, date.month, date.day, 0, 0, 0).unwrap_or_default();
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(stamp)
        .unix_permissions(0o644);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(name.as_str(), options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut xml = Xml::new("X", &[]);
        xml.leaf("T", &[("A", "a\"b".into())], "R&D <x>");
        let text = xml.finish("X");
        assert!(
            text.contains("<T A=\"a&quot;b\">R&amp;D &lt;x&gt;</T>"),
            "{text}"
        );
    }
}

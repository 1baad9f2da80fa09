//! OFD export, XML text: elements written in order with escaped text and attributes, and the
//! number format (millimetres to 3 decimals, no trailing zeros). Hand-written: the XML crates in
//! the tree either pull a parser in or leave `&` in text unescaped (xmlwriter 0.1), and OFD needs
//! nothing beyond elements, attributes and text.

/// The namespace of every OFD part.
pub(super) const NS: &str = "http://www.ofdspec.org/2016";

/// An XML document being written.
pub(super) struct Xml(String);

impl Xml {
    /// A document whose root element `root` declares the OFD namespace.
    pub fn new(root: &str, attrs: &[(&str, String)]) -> Self {
        let mut xml = Xml(String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        let mut all = vec![("xmlns:ofd", NS.to_owned())];
        all.extend(attrs.iter().cloned());
        xml.open(root, &all);
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

    /// The document, its root closed.
    pub fn finish(mut self, root: &str) -> String {
        self.close(root);
        self.0.push('\n');
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

/// Points as millimetres.
pub(super) fn mm(pt: f64) -> String {
    num(pt * 25.4 / 72.0)
}

/// A number to 3 decimals without trailing zeros (`-0` as `0`).
pub(super) fn num(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_escapes() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(2.54), "2.54");
        assert_eq!(mm(72.0), "25.4");
        let mut xml = Xml::new("ofd:X", &[]);
        xml.leaf("ofd:T", &[("A", "a\"b".into())], "R&D <x>");
        let text = xml.finish("ofd:X");
        assert!(
            text.contains("<ofd:T A=\"a&quot;b\">R&amp;D &lt;x&gt;</ofd:T>"),
            "{text}"
        );
    }
}

//! OFD export, XML: the parts' namespace and the number format (millimetres to 3 decimals, no
//! trailing zeros); the writer itself is the export stage's (`export/xml.rs`).

/// The namespace of every OFD part.
pub(super) const NS: &str = "http://www.ofdspec.org/2016";

pub(super) use crate::export::xml::Xml;

/// An OFD part whose root element `root` declares the OFD namespace.
pub(super) fn part(root: &str, attrs: &[(&str, String)]) -> Xml {
    let mut all = vec![("xmlns:ofd", NS.to_owned())];
    all.extend(attrs.iter().cloned());
    Xml::new(root, &all)
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
        let mut xml = part("ofd:X", &[]);
        xml.leaf("ofd:T", &[("A", "a\"b".into())], "R&D <x>");
        let text = xml.finish("ofd:X");
        assert!(
            text.contains("<ofd:T A=\"a&quot;b\">R&amp;D &lt;x&gt;</ofd:T>"),
            "{text}"
        );
    }
}

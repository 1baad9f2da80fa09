//! DOCX export, reading the HTML target's element tree: an element's `data-zyz` role and other
//! attributes, its child elements, its text, and the width of a text on the 28-character grid.

use typst_html::{HtmlElement, HtmlNode, tag};

/// An element's `data-zyz` role.
pub(super) fn role(el: &HtmlElement) -> Option<&str> {
    attr(el, "data-zyz")
}

/// An attribute's value.
pub(super) fn attr<'e>(el: &'e HtmlElement, name: &str) -> Option<&'e str> {
    el.attrs
        .0
        .iter()
        .find(|(key, _)| key.resolve().as_str() == name)
        .map(|(_, value)| value.as_str())
}

/// A number attribute.
pub(super) fn number(el: &HtmlElement, name: &str) -> Option<f64> {
    attr(el, name).and_then(|v| v.parse().ok())
}

/// The child elements of an element (its text and tags left out).
pub(super) fn elements(el: &HtmlElement) -> impl Iterator<Item = &HtmlElement> {
    el.children.iter().filter_map(|n| match n {
        HtmlNode::Element(e) => Some(e),
        _ => None,
    })
}

/// The text of some nodes, without markup.
pub(super) fn text_of(nodes: &[HtmlNode]) -> String {
    let mut out = String::new();
    for node in nodes {
        match node {
            HtmlNode::Text(text, _) => out.push_str(text),
            HtmlNode::Element(el) => out.push_str(&text_of(&el.children)),
            _ => {}
        }
    }
    out
}

/// Text, line breaks and inline elements (the HTML target puts text straight into a `<div>`).
pub(super) fn is_inline(node: &HtmlNode) -> bool {
    match node {
        HtmlNode::Text(..) => true,
        HtmlNode::Element(el) => {
            el.tag == tag::span || el.tag == tag::br || el.tag == tag::strong || el.tag == tag::em
        }
        _ => false,
    }
}

/// Width of a text in characters of the body size: full-width characters 1, others ½.
pub(super) fn width_in_chars(text: &str) -> f64 {
    text.chars()
        .map(|c| if (c as u32) < 0x2E80 { 0.5 } else { 1.0 })
        .sum()
}

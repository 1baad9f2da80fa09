//! Render stage, full-width punctuation: after a template is rendered, every full-width mark in the
//! Typst markup is wrapped in a call to gongwen's `fw-close` / `fw-open`, which set it in a box one
//! character pitch wide, so each line keeps exactly 28 cells as in the office's word processor.
//!
//! Typst itself trims such marks to half width at line ends and between neighbours (GB/T 15834
//! style) and has no switch to turn that off. gongwen can do the wrapping with a regex show rule
//! (`punctuation: "full"`, for hand-written documents), but that rule costs about a third of the
//! layout time of a table-heavy document and fails on a paragraph with more than ~500 marks
//! ("maximum grouping depth exceeded", e.g. the ranking report of 1,000 towns). Doing it here, once,
//! on the syntax tree, costs a parse and is exact: only `Text` nodes of markup change; strings,
//! raw text, equations, comments and labels are copied as they are. Templates that use this pass
//! say `punctuation: "source"` to gongwen.

use typst::syntax::{SyntaxKind, SyntaxNode};

/// Marks whose ink sits on the left of the cell; no line may start with one. (The same sets are
/// `_closing-marks` / `_opening-marks` in templates/gongwen/punct.typ.)
pub const CLOSING: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '〗', '〉', '”',
    '’', '．',
];
/// Marks whose ink sits on the right of the cell; no line may end with one.
pub const OPENING: &[char] = &['（', '《', '「', '『', '【', '〔', '〖', '〈', '“', '‘'];

/// `source` with every full-width mark of its markup text boxed (see the module text).
pub fn box_fullwidth(source: &str) -> String {
    if !source.contains(|c| CLOSING.contains(&c) || OPENING.contains(&c)) {
        return source.to_owned();
    }
    let root = typst::syntax::parse(source);
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    copy(&root, &mut out);
    out
}

fn copy(node: &SyntaxNode, out: &mut String) {
    match node.kind() {
        // Verbatim: nothing inside is markup text.
        SyntaxKind::Raw | SyntaxKind::Equation => out.push_str(&node.full_text()),
        SyntaxKind::Text => boxed_text(node.leaf_text(), out),
        _ if node.children().len() == 0 => out.push_str(node.leaf_text()),
        _ => node.children().for_each(|child| copy(child, out)),
    }
}

/// Markup text with each mark replaced by `#fw-close("，");` or `#fw-open("（");`, or by their
/// `-next` forms where the mark follows another mark or opens a line (Typst leaves the tracking
/// off the last glyph of a text run, and only a box after text has that to give back). The `;`
/// ends the embedded call, so what follows (a `[`, a `.`, a letter) stays text.
fn boxed_text(text: &str, out: &mut String) {
    for c in text.chars() {
        let function = if CLOSING.contains(&c) {
            "fw-close"
        } else if OPENING.contains(&c) {
            "fw-open"
        } else {
            out.push(c);
            continue;
        };
        let after_text = !(out.is_empty()
            || out.ends_with(CALL_END)
            || out.ends_with('\n')
            || (out.ends_with('[') && !out.ends_with("\\[")));
        out.push('#');
        out.push_str(function);
        if !after_text {
            out.push_str("-next");
        }
        out.push_str("(\"");
        out.push(c);
        out.push_str(CALL_END);
    }
}

/// How every call this pass writes ends.
const CALL_END: &str = "\");";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_in_markup_are_boxed() {
        assert_eq!(
            box_fullwidth("按照《规划》，推进。"),
            "按照#fw-open(\"《\");规划#fw-close(\"》\");#fw-close-next(\"，\");推进#fw-close(\"。\");"
        );
    }

    #[test]
    fn strings_comments_raw_and_labels_are_untouched() {
        let source = "#banner(number: \"永政办发〔2024〕12号\") // 注：一、\n`代码，` $x，$ <a>";
        assert_eq!(box_fullwidth(source), source);
    }

    #[test]
    fn marks_after_marks_or_at_a_start_take_the_next_form() {
        assert_eq!(
            box_fullwidth("（一）甲。”\n“乙”"),
            "#fw-open-next(\"（\");一#fw-close(\"）\");甲#fw-close(\"。\");#fw-close-next(\"”\");\n#fw-open-next(\"“\");乙#fw-close(\"”\");"
        );
    }

    #[test]
    fn content_blocks_inside_code_are_markup() {
        assert_eq!(
            box_fullwidth("#lead(level: 2)[予以表扬。]后文"),
            "#lead(level: 2)[予以表扬#fw-close(\"。\");]后文"
        );
        // a mark followed by `[` stays text, not a trailing content argument
        assert_eq!(
            box_fullwidth("甲：\\[乙\\]"),
            "甲#fw-close(\"：\");\\[乙\\]"
        );
    }

    #[test]
    fn text_without_marks_is_returned_as_is() {
        let source = "#let x = 1\n正文 *粗* _斜_";
        assert_eq!(box_fullwidth(source), source);
    }
}

#[cfg(test)]
mod same_sets {
    use super::*;

    /// The pass and gongwen's `fw-*` helpers (templates/gongwen/punct.typ) must agree on which marks are which.
    #[test]
    fn gongwen_lists_the_same_marks() {
        let gongwen = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/templates/gongwen/punct.typ"
        ))
        .unwrap();
        let set = |name: &str| -> String {
            let line = gongwen
                .lines()
                .find(|l| l.starts_with(&format!("#let {name} = \"")))
                .unwrap_or_else(|| panic!("{name} in gongwen/punct.typ"));
            line.split('"').nth(1).unwrap().to_owned()
        };
        assert_eq!(set("_closing-marks"), CLOSING.iter().collect::<String>());
        assert_eq!(set("_opening-marks"), OPENING.iter().collect::<String>());
    }
}

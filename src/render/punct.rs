//! Render stage, full-width punctuation and line breaks: after a template is rendered, every
//! full-width mark in the Typst markup is wrapped in a call to gongwen's `fw-close` / `fw-open`,
//! which set it in a box one character pitch wide, so each line keeps exactly 28 cells as in the
//! office's word processor; in table cells a number is joined to its unit (`#run-join;`), a
//! range of numbers may break after its hyphen (`#range-break;`), and the text around a redline
//! mark gives back the tracking its run end loses (`#run-join;`).
//!
//! Typst itself trims such marks to half width at line ends and between neighbours (GB/T 15834
//! style) and has no switch to turn that off. gongwen can do the wrapping with a regex show rule
//! (`punctuation: "full"`, for hand-written documents), but that rule costs about a third of the
//! layout time of a table-heavy document and fails on a paragraph with more than ~500 marks
//! ("maximum grouping depth exceeded", e.g. the ranking report of 1,000 towns). Doing it here, once,
//! on the syntax tree, costs a parse and is exact: only `Text` nodes of markup change (and an
//! escaped hyphen between digits gains a break after it); strings, raw text, equations, comments
//! and labels are copied as they are. Templates that use this pass say `punctuation: "source"` to
//! gongwen.
//!
//! Line breaks, as CLREQ (Requirements for Chinese Text Layout) has them: in a table cell, where
//! columns are narrow, a number and its unit ("5分", "1.35亿元") are one unit that no line break
//! separates (符号分离禁则: 数字及其相应的前后缀单位符号), so "（5分）" stays whole. In body text a
//! break between a number and a Han measure word stays allowed: a line of 28 cells would
//! otherwise push out "45100人。" whole and spread 4½ cells over the line. A range "2024-2025" may
//! break after its hyphen, as a word processor breaks it (a connector may end a line, not begin
//! one, 行首行尾禁则), which Unicode's line breaking forbids between digits (UAX #14 LB25).
//! Without that break "（2024-2025年）》，" is 9½ cells that no break divides, and the line before
//! it is spread over five empty cells.

use typst::syntax::{SyntaxKind, SyntaxNode};

/// Marks whose ink sits on the left of the cell; no line may start with one. (The same sets are
/// `_closing-marks` / `_opening-marks` in templates/gongwen/punct.typ.)
pub const CLOSING: &[char] = &[
    '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '〗', '〉', '”',
    '’', '．',
];
/// Marks whose ink sits on the right of the cell; no line may end with one.
pub const OPENING: &[char] = &['（', '《', '「', '『', '【', '〔', '〖', '〈', '“', '‘'];

/// Units that stay on the line of the number before them in a table cell, longest first where
/// one begins another (CLREQ 符号分离禁则).
#[rustfmt::skip]
pub const UNITS: &[&str] = &[
    "万平方米", "平方米", "万人次", "人次", "亿元", "万元", "万人", "万吨", "万亩", "公里", "公顷",
    "小时", "个月", "年", "月", "日", "天", "时", "分", "秒", "号", "个", "家", "人", "名", "位",
    "项", "件", "条", "次", "批", "期", "届", "倍", "岁", "户", "亩", "吨", "元", "万", "亿", "米",
    "台", "套", "座", "所", "处", "种", "类", "份", "场", "篇",
];

/// `source` with every full-width mark of its markup text boxed, every number of a table cell
/// joined to its unit and every range of numbers breakable after its hyphen (see the module text).
pub fn fullwidth_and_breaks(source: &str) -> String {
    let marks = |c: char| CLOSING.contains(&c) || OPENING.contains(&c);
    if !source.contains(|c: char| marks(c) || c.is_ascii_digit()) {
        return source.to_owned();
    }
    let root = typst::syntax::parse(source);
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    copy(&root, false, &mut out);
    out
}

/// Copies `node` into `out`, its markup text changed; `cells` inside a table's arguments.
fn copy(node: &SyntaxNode, cells: bool, out: &mut String) {
    match node.kind() {
        // Verbatim: nothing inside is markup text.
        SyntaxKind::Raw | SyntaxKind::Equation => out.push_str(&node.full_text()),
        SyntaxKind::Text => boxed_text(node.leaf_text(), cells, out),
        _ if node.children().len() == 0 => out.push_str(node.leaf_text()),
        _ => {
            let cells = cells || call_of(node, TABLES);
            let children: Vec<&SyntaxNode> = node.children().collect();
            for (i, child) in children.iter().enumerate() {
                let next = children.get(i + 1).copied();
                let marked = child.kind() == SyntaxKind::Hash
                    && next.is_some_and(|n| call_of(n, REDLINE_MARKS));
                if marked && ends_in_text(out) {
                    out.push_str(RUN_JOIN);
                }
                copy(child, cells, out);
                if call_of(child, REDLINE_MARKS) && !out.ends_with(BOX_END) {
                    out.push_str(RUN_JOIN);
                }
                if range_hyphen(child, out, next) {
                    out.push_str(RANGE_BREAK);
                }
            }
        }
    }
}

/// gongwen's tables: the content blocks of their arguments are table cells, where a number is
/// joined to its unit.
const TABLES: &[&str] = &["grid-table", "sideways-table"];
/// gongwen's redline marks (`zyz diff --redline`): the text of each is a run of its own, so the
/// runs on both sides of it give back their tracking.
const REDLINE_MARKS: &[&str] = &["redline-del", "redline-ins"];

/// Whether `node` is a call of one of `functions`.
fn call_of(node: &SyntaxNode, functions: &[&str]) -> bool {
    node.kind() == SyntaxKind::FuncCall
        && node.children().next().is_some_and(|callee| {
            callee.kind() == SyntaxKind::Ident && functions.contains(&callee.leaf_text().as_str())
        })
}

/// Whether markup written so far ends in a character of text (not a call, a line start or the
/// start of a content block).
fn ends_in_text(out: &str) -> bool {
    let escaped = |c: char| out.ends_with(&format!("\\{c}"));
    match out.chars().last() {
        None => false,
        Some(c @ ('[' | ']' | ';')) => escaped(c),
        Some(c) => !c.is_whitespace(),
    }
}

/// Whether `node`, just copied, is an escaped hyphen between digits ("2024\\-2025").
fn range_hyphen(node: &SyntaxNode, out: &str, next: Option<&SyntaxNode>) -> bool {
    let digit_next = next.is_some_and(|n| {
        n.kind() == SyntaxKind::Text && n.leaf_text().starts_with(|c: char| c.is_ascii_digit())
    });
    node.kind() == SyntaxKind::Escape
        && node.leaf_text() == "\\-"
        && out[..out.len() - 2].ends_with(|c: char| c.is_ascii_digit())
        && digit_next
}

/// A break opportunity after a range's hyphen (gongwen's `range-break`).
const RANGE_BREAK: &str = "#range-break;";
/// Ends a text run with no break after it, giving back its tracking (gongwen's `run-join`): a
/// number before its unit, and the text on both sides of a redline mark.
const RUN_JOIN: &str = "#run-join;";
/// How a marked run ends when its last character is a boxed mark (or a run of them).
const BOX_END: &str = ");]";

/// The unit that `rest` begins with, if any.
fn unit_at(rest: &str) -> Option<&'static str> {
    UNITS.iter().copied().find(|u| rest.starts_with(u))
}

/// Markup text with each mark replaced by `#fw-close("，");` or `#fw-open("（");`, or by their
/// `-next` forms where the mark follows another mark or opens a line (Typst leaves the tracking
/// off the last glyph of a text run, and only a box after text has that to give back). Two or
/// more closing marks in a row are `fw-close-tight` each and `#fw-close-fill(n);` after them
/// (half a cell each and half a cell after them within a line, the half after dropped at its
/// end: CLREQ's adjacent marks, GB/T 15834 §5.1.10). The `;` ends the embedded call, so what
/// follows (a `[`, a `.`, a letter) stays text.
fn boxed_text(text: &str, cells: bool, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = chars[i..]
            .iter()
            .take_while(|c| CLOSING.contains(c))
            .count();
        if run >= 2 {
            for &mark in &chars[i..i + run] {
                call(out, "fw-close-tight", mark);
            }
            out.push_str(&format!("#fw-close-fill({run});"));
            i += run;
            continue;
        }
        i += 1;
        if CLOSING.contains(&c) {
            call(out, "fw-close", c);
        } else if OPENING.contains(&c) {
            call(out, "fw-open", c);
        } else {
            out.push(c);
            let rest: String = chars[i..].iter().take(4).collect();
            if cells && c.is_ascii_digit() && unit_at(&rest).is_some() {
                out.push_str(RUN_JOIN);
            }
        }
    }
}

/// `#function("mark");`, or its `-next` form where the mark does not follow text.
fn call(out: &mut String, function: &str, mark: char) {
    let after_text = !(out.is_empty()
        || out.ends_with(");")
        || out.ends_with(RUN_JOIN)
        || out.ends_with('\n')
        || (out.ends_with('[') && !out.ends_with("\\[")));
    out.push('#');
    out.push_str(function);
    if !after_text {
        out.push_str("-next");
    }
    out.push_str("(\"");
    out.push(mark);
    out.push_str(CALL_END);
}

/// How every call this pass writes ends.
const CALL_END: &str = "\");";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_in_markup_are_boxed() {
        assert_eq!(
            fullwidth_and_breaks("按照《规划》，推进。"),
            "按照#fw-open(\"《\");规划#fw-close-tight(\"》\");#fw-close-tight-next(\"，\");\
             #fw-close-fill(2);推进#fw-close(\"。\");"
        );
    }

    #[test]
    fn strings_comments_raw_and_labels_are_untouched() {
        let source = "#banner(number: \"永政办发〔2024〕12号\") // 注：一、\n`代码，` $x，$ <a>";
        assert_eq!(fullwidth_and_breaks(source), source);
    }

    #[test]
    fn marks_after_marks_or_at_a_start_take_the_next_form() {
        assert_eq!(
            fullwidth_and_breaks("（一）甲。”\n“乙”"),
            "#fw-open-next(\"（\");一#fw-close(\"）\");甲#fw-close-tight(\"。\");\
             #fw-close-tight-next(\"”\");#fw-close-fill(2);\n#fw-open-next(\"“\");乙#fw-close(\"”\");"
        );
    }

    #[test]
    fn content_blocks_inside_code_are_markup() {
        assert_eq!(
            fullwidth_and_breaks("#lead(level: 2)[予以表扬。]后文"),
            "#lead(level: 2)[予以表扬#fw-close(\"。\");]后文"
        );
        // a mark followed by `[` stays text, not a trailing content argument
        assert_eq!(
            fullwidth_and_breaks("甲：\\[乙\\]"),
            "甲#fw-close(\"：\");\\[乙\\]"
        );
    }

    #[test]
    fn numbers_in_table_cells_are_joined_to_their_units() {
        let cells = |text: &str| format!("#grid-table(header: ([指标],), rows: (([{text}],),))");
        assert_eq!(
            fullwidth_and_breaks(&cells("企业集聚（5分）共1\\.35亿元，第3名")),
            cells(
                "企业集聚#fw-open(\"（\");5#run-join;分#fw-close(\"）\");共1\\.35#run-join;亿元\
                 #fw-close(\"，\");第3#run-join;名"
            )
        );
        // a number before anything but a unit, and a unit after no number, are left alone
        let plain = cells("增长15\\%以上，分项");
        assert_eq!(
            fullwidth_and_breaks(&plain),
            cells("增长15\\%以上#fw-close(\"，\");分项")
        );
        // in body text a break between a number and a measure word stays allowed
        assert_eq!(fullwidth_and_breaks("户籍人口45100人"), "户籍人口45100人");
    }

    #[test]
    fn a_range_of_numbers_may_break_after_its_hyphen() {
        assert_eq!(
            fullwidth_and_breaks("计划（2024\\-2025年）"),
            "计划#fw-open(\"（\");2024\\-#range-break;2025年#fw-close(\"）\");"
        );
        // a hyphen between letters, or with no number on one side, keeps no break
        for text in ["A\\-B", "2024\\-年", "甲\\-2025", "2024\\- 2025"] {
            assert_eq!(fullwidth_and_breaks(text), text);
        }
    }

    #[test]
    fn the_text_around_a_redline_mark_gives_back_its_tracking() {
        assert_eq!(
            fullwidth_and_breaks("由市#redline-del[市场监管]#redline-ins[工科]局牵头，"),
            "由市#run-join;#redline-del[市场监管]#run-join;#redline-ins[工科]#run-join;局牵头\
             #fw-close(\"，\");"
        );
        // a mark inside the marked run is a box: nothing to give back after it
        assert_eq!(
            fullwidth_and_breaks("甲#redline-ins[，乙，]丙"),
            "甲#run-join;#redline-ins[#fw-close-next(\"，\");乙#fw-close(\"，\");]丙"
        );
    }

    #[test]
    fn text_without_marks_is_returned_as_is() {
        let source = "#let x = 1\n正文 *粗* _斜_";
        assert_eq!(fullwidth_and_breaks(source), source);
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

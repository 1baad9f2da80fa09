//! Small gongwen documents typeset through the project's engine, each breaking one rule.

use super::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use crate::typeset::fonts::{FontOptions, FontSet};
use crate::typeset::{Date, Job, Standard, Typesetter};

static ENGINE: LazyLock<Typesetter> = LazyLock::new(|| {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fonts = FontSet::load(&FontOptions {
        bundled: repo.join("fonts"),
        ..FontOptions::default()
    })
    .expect("bundled fonts load");
    Typesetter::new(&repo.join("templates"), Arc::new(fonts)).expect("templates")
});

const FILLER: &str =
    "永济市专业镇高质量发展行动计划推动产业集群成链打造知名品牌强化要素保障激发发展活力";

/// `paragraphs` paragraphs of 80 characters each: 3 lines with the 2-character indent.
fn body(paragraphs: usize) -> String {
    let p: String = FILLER.chars().cycle().take(79).collect();
    vec![format!("{p}。"); paragraphs].join("\n\n")
}

const HEAD: &str = "#banner(organ: \"永济市人民政府办公室\", number: \"永政办发〔2025〕3号\")\n\
    #doc-title[关于测试版面的通知]\n#recipients[各乡镇人民政府：]\n";

const SIGN: &str =
    "#signature(organ: \"永济市人民政府办公室\", date: \"2025年3月31日\", sealed: false)\n";

fn colophon(args: &str) -> String {
    format!(
        "#colophon(cc: [市委办公室。], issuer: \"永济市人民政府办公室\", date: \
         \"2025年3月31日\"{args})\n"
    )
}

/// Typesets `markup` on the gongwen layout and checks it.
fn measure(markup: &str) -> Vec<LayoutFinding> {
    let source = format!(
        "#import \"gongwen/lib.typ\": *\n#show: gongwen.with(fonts: {})\n{markup}\n",
        ENGINE.fonts().typst_roles()
    );
    let job = Job {
        source,
        source_name: PathBuf::from("output/test.typ"),
        date: Date {
            year: 2025,
            month: 3,
            day: 31,
        },
        ident: "test".into(),
        standard: Standard::PdfA2b,
    };
    let (doc, _) = ENGINE
        .compile(&job)
        .unwrap_or_else(|e| panic!("typeset failed: {e:#?}"));
    check(&doc)
}

fn finding(rule: &'static str, page: usize, message: &str) -> LayoutFinding {
    LayoutFinding {
        rule,
        page,
        message: format!("page {page}: {message}"),
    }
}

#[test]
fn a_two_page_notice_with_its_numbered_colophon_on_page_2_passes() {
    let doc = format!(
        "{HEAD}{}\n{SIGN}{}",
        body(6),
        colophon(", page-number: true, even: true")
    );
    assert_eq!(measure(&doc), vec![]);
}

#[test]
fn a_colophon_on_odd_page_1_without_a_number_is_reported() {
    let doc = format!(
        "{HEAD}{}\n{SIGN}{}",
        body(1),
        colophon(", even: false, page-number: false")
    );
    assert_eq!(
        measure(&doc),
        vec![
            finding(
                "layout.page-number",
                1,
                "the page has no page number; GB/T 9704 §7.5 numbers every page (“— 1 —” \
                 here), the 版记 page too, unless a blank page stands before the 版记 page"
            ),
            finding(
                "layout.colophon",
                1,
                "the 版记 is on an odd page; GB/T 9704 §7.4 puts it on an even page, the \
                 back of the last sheet (the next page when the body ends on an odd page)"
            ),
        ]
    );
}

#[test]
fn a_page_number_on_the_wrong_side_is_reported() {
    // Every number 1 character in from the right: right for page 1, wrong for page 2.
    let footer = "#set page(footer: context place(top + right, dx: -14pt, dy: 7mm - 0.58 * 14pt, \
        text(size: 14pt, tracking: 0pt, top-edge: 0.88em, bottom-edge: -0.12em)[— #counter(page).display() —]))\n";
    let found = measure(&format!("{footer}{}", body(14)));
    assert_eq!(
        found,
        vec![finding(
            "layout.page-number",
            2,
            "the page number is at 163.4–179.1 mm from the left edge; GB/T 9704 §7.5 puts it \
             on even pages 1 character in from the left edge of the type area (starting at \
             32.9 mm)"
        )]
    );
}

#[test]
fn margins_moved_by_3_mm_are_reported_with_what_moved_with_them() {
    let margins = "#set page(margin: (top: 40mm, left: 31mm, bottom: 32mm, right: 23mm))\n";
    let found = measure(&format!("{margins}{}", body(4)));
    let rules: Vec<&str> = found.iter().map(|f| f.rule).collect();
    assert_eq!(
        rules,
        [
            "layout.page-number",
            "layout.page-number",
            "layout.margins",
            "layout.margins",
            "layout.margins"
        ],
        "{found:#?}"
    );
    assert_eq!(
        found[2],
        finding(
            "layout.margins",
            1,
            "the type area starts 40.0 mm below the top edge; GB/T 9704 §5.2.1 sets the top \
             margin to 37 ± 1 mm"
        )
    );
    assert_eq!(
        found[3],
        finding(
            "layout.margins",
            1,
            "lines spanning the type area start 31.0 mm from the left edge; GB/T 9704 §5.2.1 \
             sets the left margin to 28 ± 1 mm"
        )
    );
    assert!(
        found[4].message.ends_with(
            "reaches 187.0 mm from the left edge, outside the type area (28–184 mm across, \
             37–262 mm down; GB/T 9704 §5.2.1)"
        ),
        "{found:#?}"
    );
    assert_eq!(
        found[0].message,
        "page 1: the page number's dashes are 10.0 mm below the type area; GB/T 9704 §7.5 \
         puts them 7 mm below"
    );
}

#[test]
fn a_fixed_28_pt_line_pitch_is_reported() {
    let found = measure(&format!(
        "#set par(leading: 12pt, spacing: 12pt)\n{}",
        body(4)
    ));
    assert_eq!(
        found,
        vec![finding(
            "layout.line-pitch",
            1,
            "body lines at 42.0 and 51.8 mm from the top edge are 28.00 pt apart (and 10 more \
             pairs); GB/T 9704 §5.2.2 sets 22 lines to the 225 mm type area, a pitch of \
             28.99 pt"
        )]
    );
}

#[test]
fn lines_of_27_characters_are_reported() {
    // Without the negative tracking, 16 pt characters fit 27 to the 156 mm line.
    let found = measure(&format!("#set text(tracking: 0pt)\n{}", body(2)));
    assert_eq!(
        found,
        vec![finding(
            "layout.line-cells",
            1,
            "the full line at 42.0 mm from the top edge holds 27 characters, and what begins the \
             next line would fit (and 5 more lines); GB/T 9704 §5.2.2 sets 28 characters to a \
             line"
        )]
    );
}

#[test]
fn a_line_short_because_a_closing_mark_cannot_begin_the_next_passes() {
    // 2 cells of indent and 25 characters, then 号 with its closing mark: 号 alone would fit the
    // 28th cell, but "）" may not begin a line, so both begin the next one.
    let head: String = FILLER.chars().cycle().take(25).collect();
    let tail: String = FILLER.chars().cycle().skip(3).take(40).collect();
    assert_eq!(measure(&format!("{head}号）{tail}。")), vec![]);
}

#[test]
fn lines_that_all_begin_with_an_opening_mark_start_at_the_left_edge() {
    // "（" sits at the right of its cell: its ink starts half a cell in, its line does not.
    let inner: String = FILLER.chars().cycle().take(26).collect();
    let paragraph = format!("（{inner}）");
    let body = vec![paragraph; 4].join("\n\n");
    assert_eq!(
        measure(&format!("#set par(first-line-indent: 0pt)\n{body}")),
        vec![]
    );
}

#[test]
fn a_landscape_page_is_reported() {
    let found = measure(&format!("{}\n#landscape[{}]", body(2), body(1)));
    assert_eq!(
        found,
        vec![finding(
            "layout.page-size",
            2,
            "the page is 297.0 × 210.0 mm (landscape); GB/T 9704 §5.1 and §8 keep every page \
             A4 portrait (210 × 297 mm), a sideways table turned on it"
        )]
    );
}

#[test]
fn a_red_rule_shorter_than_the_type_area_is_reported() {
    let doc = format!(
        "#banner(organ: \"永济市人民政府办公室\", number: \"永政办发〔2025〕3号\", rule: \
         false)\n#place(top + left, line(length: 100mm, stroke: 1pt + rgb(\"#E60012\")))\n{}",
        body(1)
    );
    assert_eq!(
        measure(&doc),
        vec![finding(
            "layout.red",
            1,
            "the red rule spans 28.0–128.0 mm from the left edge (100.0 mm); GB/T 9704 \
             §7.2.7 makes it as wide as the type area (28–184 mm)"
        )]
    );
}

fn turned_table(angle: &str) -> String {
    format!(
        "{}\n#pagebreak()\n#rotate({angle}, reflow: true, block(width: 200mm, grid-table(\
         columns: (1fr, 3fr), header: (\"编号\", \"内容\"), rows: ((\"1\", \"测试内容\"), \
         (\"2\", \"测试内容\")))))\n",
        body(1)
    )
}

#[test]
fn a_table_turned_on_a_portrait_page_passes_with_its_head_to_the_left_only() {
    assert_eq!(measure(&turned_table("-90deg")), vec![]);
    assert_eq!(
        measure(&turned_table("90deg")),
        vec![finding(
            "layout.turned",
            2,
            "the turned content's head faces the right edge; GB/T 9704 §8 turns a sideways \
             table so that its head faces the left edge of the page"
        )]
    );
}

#[test]
fn a_blank_page_before_the_colophon_page_leaves_both_unnumbered() {
    let hidden = "#place([#metadata(\"blank\") <gongwen-no-number>])\n";
    let doc = |blank: &str| {
        format!(
            "{}\n#pagebreak()\n{blank}#pagebreak()\n{}",
            body(14),
            colophon(", even: false, page-number: false")
        )
    };
    assert_eq!(measure(&doc(hidden)), vec![]);
    assert_eq!(
        measure(&doc("")),
        vec![finding(
            "layout.page-number",
            3,
            "the page is numbered, but a blank page stands before the 版记 page: GB/T 9704 \
             §7.5 leaves that blank page and the 版记 page unnumbered"
        )]
    );
}

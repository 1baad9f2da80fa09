//! The gongwen package on its own: every hand-written example in `templates/examples/` is
//! compiled as it stands (its `#import "../gongwen/lib.typ"`, no render stage, no generated
//! markup) through zyz's own Typst world, and its PDF read back as a user reads it: A4 pages,
//! the document title, the text of its 版头 and title, and the layout check's GB/T 9704 rules.

mod common;

use std::path::{Path, PathBuf};

use common::engine::ENGINE;
use common::pdf::{Pdf, pt};
use zyz::typeset::{Date, Job, Standard};

/// What each example must show: text of its 版头, title or tables (whitespace removed), in order.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "grid.typ",
        &["永济市专业镇高质量发展行动计划推动产业集群成链打造知名品牌"],
    ),
    (
        "minimal.typ",
        &[
            "永济市人民政府办公室文件",
            "永政办发〔2024〕12号",
            "永济市人民政府办公室关于做好专业镇统计工作的通知",
            "各镇人民政府、街道办事处，市直各有关单位：",
            "一、统计范围",
            "永济市人民政府办公室2024年3月1日",
            "永济市人民政府办公室2024年3月1日印发",
        ],
    ),
    (
        "notice.typ",
        &[
            "永济市人民政府办公室文件",
            "永政办发〔2024〕12号",
            "永济市人民政府办公室关于印发",
            "附件：永济市促进专业镇高质量发展行动计划",
            "永济市人民政府办公室",
        ],
    ),
    (
        "report.typ",
        &[
            "卿政发〔2024〕7号",
            "签发人：",
            "永济市卿头镇人民政府关于申报运城市级机电制造专业镇",
            "附件1",
            "永济市卿头镇机电制造专业镇申报表",
        ],
    ),
    (
        "table.typ",
        &["2024年度专业镇综合评价排名情况的通报", "卿头镇"],
    ),
];

fn examples() -> Vec<PathBuf> {
    let mut files = common::files_with_extension(&common::repo().join("templates/examples"), "typ");
    files.sort();
    files
}

/// The `title:` passed to `gongwen.with(..)`: the PDF's document title.
fn declared_title(source: &str) -> String {
    let line = source
        .lines()
        .find(|l| l.trim_start().starts_with("title: \""))
        .expect("the example names its title in gongwen.with(title: \"…\")");
    line.split('"').nth(1).unwrap().to_owned()
}

/// Compiles `templates/examples/<name>` and exports it as PDF/A-2b: (pages, PDF).
fn compile(name: &str) -> (typst_layout::PagedDocument, Pdf) {
    let date = Date {
        year: 2024,
        month: 3,
        day: 1,
    };
    let (document, warnings) = ENGINE
        .compile_file(&Path::new("examples").join(name), date)
        .unwrap_or_else(|errors| panic!("{name} does not compile: {errors:#?}"));
    assert!(warnings.is_empty(), "{name} warns: {warnings:#?}");
    let job = Job {
        source: String::new(),
        source_name: PathBuf::from("templates/examples").join(name),
        date,
        ident: name.to_owned(),
        standard: Standard::PdfA2b,
    };
    let bytes = zyz::export::pdf::pdf(&document, &job)
        .unwrap_or_else(|errors| panic!("{name} does not export: {errors:?}"));
    (document, Pdf::from_bytes(&bytes).unwrap())
}

#[test]
fn every_example_compiles_on_its_own_into_a4_pages_that_pass_the_layout_check() {
    let files = examples();
    assert!(files.len() >= 4, "templates/examples holds the examples");
    for file in files {
        let name = file.file_name().unwrap().to_str().unwrap();
        let (_, phrases) = EXPECTED
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("add what {name} must show to EXPECTED"));
        let (document, pdf) = compile(name);

        assert!(!pdf.pages.is_empty(), "{name}: no pages");
        for (i, page) in pdf.pages.iter().enumerate() {
            assert!(
                (page.width_pt - pt(210.0)).abs() < 0.5 && (page.height_pt - pt(297.0)).abs() < 0.5,
                "{name}: page {} is {:.1} × {:.1} pt, not A4 portrait",
                i + 1,
                page.width_pt,
                page.height_pt
            );
        }

        let source = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            pdf.info.get("Title"),
            Some(&declared_title(&source)),
            "{name}: the PDF's title"
        );

        let text: String = pdf.text().split_whitespace().collect();
        let mut from = 0;
        for phrase in *phrases {
            match text[from..].find(phrase) {
                Some(at) => from += at + phrase.len(),
                None => panic!("{name}: {phrase:?} is missing (or out of order) in the PDF's text"),
            }
        }

        let findings = zyz::typeset::measure::check(&document);
        assert!(findings.is_empty(), "{name}: layout check: {findings:#?}");
    }
}

/// The grid example is two full pages of unpunctuated 汉字: 22 lines of 28 characters each.
#[test]
fn the_grid_example_fills_22_lines_of_28_characters() {
    let (_, pdf) = compile("grid.typ");
    let page = &pdf.pages[0];
    let lines: Vec<String> = page
        .lines()
        .into_iter()
        .map(|l| l.text.replace(' ', ""))
        .filter(|t| !t.contains('—'))
        .collect();
    assert_eq!(lines.len(), 22, "{lines:#?}");
    for line in &lines {
        assert_eq!(line.chars().count(), 28, "{line}");
    }
}

/// A file that is not under the templates folder is refused, naming the file.
#[test]
fn a_file_outside_the_templates_folder_is_refused() {
    let date = Date {
        year: 2024,
        month: 3,
        day: 1,
    };
    let errors = ENGINE
        .compile_file(Path::new("../Cargo.toml"), date)
        .expect_err("refused");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file, Path::new("templates/../Cargo.toml"));
    assert!(
        errors[0].message.contains("templates folder"),
        "{}",
        errors[0].message
    );
}

//! The typesetting engine as a user sees its output: page geometry of the GB/T 9704 grid, page
//! numbers, fonts, escaping of hostile values, the sandbox, glyph coverage, and Typst errors
//! reported with file:line:col. PDFs are read with tests/common/pdf.rs (text and positions).

mod common;

use std::path::Path;

use common::engine::{ENGINE, FONTS, gongwen, job};
use common::pdf::{Pdf, mm};
use zyz::render::Renderer;
use zyz::typeset::Typesetter;

fn typeset(engine: &Typesetter, source: String) -> Pdf {
    let out = zyz::export::pdf::typeset(engine, &job(source))
        .unwrap_or_else(|errors| panic!("typeset failed: {errors:#?}"));
    Pdf::from_bytes(&out.pdf).unwrap()
}

const FILLER: &str =
    "永济市专业镇高质量发展行动计划推动产业集群成链打造知名品牌强化要素保障激发发展活力";

#[test]
fn a_full_body_page_holds_22_lines_of_28_characters_inside_the_type_area() {
    let text: String = FILLER.chars().cycle().take(28 * 30).collect();
    let pdf = typeset(
        &ENGINE,
        gongwen(&format!("#set par(first-line-indent: 0pt)\n{text}")),
    );
    assert!(pdf.pages.len() >= 2, "the text runs on to a second page");
    let page = &pdf.pages[0];
    assert!(
        (page.width_pt - 595.276).abs() < 0.01 && (page.height_pt - 841.89).abs() < 0.01,
        "A4: {}x{}",
        page.width_pt,
        page.height_pt
    );
    // Body lines: the 16 pt lines (the page number is 14 pt).
    let lines: Vec<_> = page
        .lines()
        .into_iter()
        .filter(|l| (l.size - 16.0).abs() < 0.1)
        .collect();
    assert_eq!(
        lines.len(),
        22,
        "{:#?}",
        lines.iter().map(|l| &l.text).collect::<Vec<_>>()
    );
    for line in &lines {
        assert_eq!(
            line.text.chars().filter(|c| !c.is_whitespace()).count(),
            28,
            "line {:?}",
            line.text
        );
        assert!(
            (mm(line.x_min) - 28.0).abs() < 0.5,
            "left edge {} mm",
            mm(line.x_min)
        );
        assert!(
            mm(line.x_max) <= 184.0 + 0.5,
            "right edge {} mm",
            mm(line.x_max)
        );
    }
    assert!(
        (mm(lines[0].y_top) - 37.0).abs() < 0.5,
        "top edge {} mm",
        mm(lines[0].y_top)
    );
    let pitch = (lines[21].baseline - lines[0].baseline) / 21.0;
    assert!(
        (mm(pitch) * 22.0 - 225.0).abs() < 0.5,
        "22 lines fill the 225 mm type area: pitch {pitch} pt"
    );
}

#[test]
fn page_numbers_read_dash_n_dash_seven_mm_below_the_type_area_alternating_sides() {
    let text: String = FILLER.chars().cycle().take(28 * 22 * 2).collect();
    let pdf = typeset(&ENGINE, gongwen(&text));
    for (i, page) in pdf.pages.iter().enumerate() {
        let number = page
            .lines()
            .into_iter()
            .find(|l| (l.size - 14.0).abs() < 0.1)
            .expect("a 14 pt page number");
        let compact: String = number.text.chars().filter(|c| !c.is_whitespace()).collect();
        assert_eq!(compact, format!("—{}—", i + 1));
        // 7 mm below the type area's bottom edge (297 - 35 = 262 mm), measured to the number's box.
        assert!(
            mm(number.y_top) > 262.0 + 3.0 && mm(number.y_top) < 262.0 + 8.0,
            "number top at {} mm",
            mm(number.y_top)
        );
        if i % 2 == 0 {
            assert!(
                mm(number.x_max) > 170.0,
                "odd page: right side, ends at {} mm",
                mm(number.x_max)
            );
        } else {
            assert!(
                mm(number.x_min) < 40.0,
                "even page: left side, starts at {} mm",
                mm(number.x_min)
            );
        }
    }
}

#[test]
fn fonts_are_embedded_subsets_and_the_pdf_is_pdfa_2b_with_chinese_metadata() {
    let pdf = typeset(&ENGINE, gongwen("= 总体要求\n== 工作目标\n正文仿宋。"));
    let names = pdf.font_names();
    for family in ["FandolFang", "FandolHei", "FandolKai"] {
        assert!(
            names.iter().any(|n| n.contains(family)),
            "{family} used: {names:?}"
        );
    }
    assert!(
        pdf.fonts.iter().all(|f| f.embedded && f.subset),
        "{:#?}",
        pdf.fonts
    );
    assert_eq!(pdf.info.get("Title").map(String::as_str), Some("测试"));
    assert_eq!(
        pdf.info.get("Author").map(String::as_str),
        Some("永济市人民政府办公室")
    );
    let xmp = pdf.xmp.as_deref().expect("XMP metadata");
    assert!(
        xmp.contains("pdfaid:part>2<") || xmp.contains("pdfaid:part=\"2\""),
        "PDF/A part 2 declared"
    );
    assert!(
        xmp.contains("pdfaid:conformance>B<") || xmp.contains("pdfaid:conformance=\"B\""),
        "conformance B declared"
    );
    assert!(
        pdf.info
            .get("CreationDate")
            .is_some_and(|d| d.starts_with("D:20250331")),
        "date from the job: {:?}",
        pdf.info.get("CreationDate")
    );
    assert_eq!(
        pdf.text().replace(char::is_whitespace, ""),
        "一、总体要求（一）工作目标正文仿宋。—1—"
    );
}

/// Renders `template` (a `.typ.j2` text over the project's gongwen package) with `context`, as the
/// build does, and typesets it: the rendered source and the PDF.
fn render_and_typeset(template: &str, context: serde_json::Value) -> (String, Pdf) {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::repo().join("templates/gongwen"),
        &dir.path().join("gongwen"),
    );
    std::fs::write(dir.path().join("t.typ.j2"), template).unwrap();
    let renderer = Renderer::new(dir.path(), &FONTS.typst_roles()).unwrap();
    let source = renderer.render("t.typ.j2", &context).unwrap();
    let engine = Typesetter::new(dir.path(), FONTS.clone()).unwrap();
    let pdf = typeset(&engine, source.clone());
    (source, pdf)
}

#[test]
fn hostile_values_appear_verbatim_and_nothing_is_executed() {
    let hostile = [
        "#read(\"/etc/passwd\")",
        "$x$",
        "*b*",
        "_i_",
        "<l>",
        "@r",
        "\\",
        "// not a comment",
        "]",
        "#{",
        "= not a heading",
        "- not a list",
        "1. not an enum",
        "`raw`",
        "#panic(\"boom\")",
    ];
    let (_, pdf) = render_and_typeset(
        "#import \"gongwen/lib.typ\": *\n#show: gongwen.with(fonts: {{ fonts }}, date: datetime(year: 2025, month: 1, day: 1))\n{% for v in values %}{{ v }}\n\n{% endfor %}#table(columns: 1, [{{ values[0] }}])\n",
        serde_json::json!({ "values": hostile }),
    );
    let lines: Vec<String> = pdf.pages[0]
        .lines()
        .into_iter()
        .map(|l| l.text.replace(' ', ""))
        .collect();
    for value in hostile {
        let want = value.replace(' ', "");
        assert!(
            lines.contains(&want),
            "{value:?} not shown verbatim on its own line: {lines:#?}"
        );
    }
    assert!(
        !pdf.text().contains("root:"),
        "nothing was read from /etc/passwd"
    );
}

fn engine_over(files: &[(&str, &str)]) -> (tempfile::TempDir, Typesetter) {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    for (name, text) in files {
        std::fs::write(templates.join(name), text).unwrap();
    }
    std::fs::write(dir.path().join("secret.txt"), "top secret").unwrap();
    let engine = Typesetter::new(&templates, FONTS.clone()).unwrap();
    (dir, engine)
}

fn errors_of(engine: &Typesetter, source: &str) -> Vec<zyz::diag::Diagnostic> {
    match zyz::export::pdf::typeset(engine, &job(source.to_owned())) {
        Ok(_) => panic!("expected an error for {source:?}"),
        Err(errors) => errors,
    }
}

#[test]
fn templates_cannot_read_outside_their_folder() {
    let (dir, engine) = engine_over(&[("inside.txt", "ok")]);
    assert!(zyz::export::pdf::typeset(&engine, &job("#read(\"inside.txt\")".into())).is_ok());

    let errors = errors_of(&engine, "#read(\"../secret.txt\")");
    assert_eq!(errors[0].file, Path::new("output/test.typ"));
    assert_eq!((errors[0].line, errors[0].column), (1, 7));
    assert!(
        errors[0].message.contains("escape the project root"),
        "{}",
        errors[0].message
    );

    let errors = errors_of(&engine, "#read(\"/etc/passwd\")");
    assert!(
        errors[0].message.contains("not found") || errors[0].message.contains("not exist"),
        "{}",
        errors[0].message
    );

    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            dir.path().join("secret.txt"),
            dir.path().join("templates/link.txt"),
        )
        .unwrap();
        let errors = errors_of(&engine, "#read(\"link.txt\")");
        assert!(
            errors[0]
                .message
                .contains("leads outside the templates folder"),
            "{}",
            errors[0].message
        );
    }
}

#[test]
fn packages_are_refused_with_a_clear_message() {
    let (_dir, engine) = engine_over(&[]);
    let errors = errors_of(&engine, "#import \"@preview/cetz:0.3.0\": canvas\n");
    let text = format!(
        "{} {}",
        errors[0].message,
        errors[0].hint.clone().unwrap_or_default()
    );
    assert!(
        text.contains("@preview/cetz:0.3.0") && text.contains("offline"),
        "{text}"
    );
}

#[test]
fn typst_errors_point_at_file_line_and_column_of_the_generated_source() {
    let (_dir, engine) = engine_over(&[("lib.typ", "#let f(x) = x +\n")]);
    let errors = errors_of(&engine, "第一行\n第二行 #undefined-thing\n");
    assert_eq!(errors[0].file, Path::new("output/test.typ"));
    assert_eq!(
        (errors[0].line, errors[0].column),
        (2, 6),
        "{:?}",
        errors[0]
    );
    assert!(
        errors[0]
            .message
            .contains("unknown variable: undefined-thing"),
        "{}",
        errors[0].message
    );
    let rendered = errors[0].render(Some("第一行\n第二行 #undefined-thing\n"), false);
    assert!(rendered.contains("--> output/test.typ:2:6"), "{rendered}");

    let errors = errors_of(&engine, "#import \"lib.typ\": f\n");
    assert_eq!(errors[0].file, Path::new("templates/lib.typ"));
    assert_eq!(errors[0].line, 1, "{:?}", errors[0]);
}

#[test]
fn coverage_errors_name_the_field_and_character_and_fallbacks_warn() {
    let data = serde_json::json!({"name": "㙟镇", "tasks": [{"title": "推动𓀀发展"}]});
    let source = "name: 㙟镇\ntasks:\n  - title: 推动𓀀发展\n";
    let findings = zyz::typeset::coverage::check(
        &FONTS,
        Path::new("content/towns/x.yaml"),
        Some(source),
        &data,
    );
    let lines: Vec<String> = findings
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {} {}",
                d.severity.label(),
                d.line,
                d.column,
                d.path,
                d.rule
            )
        })
        .collect();
    assert!(
        lines.contains(&"error 3:14 tasks[0].title glyph.missing".to_owned()),
        "{lines:#?}"
    );
    assert!(
        lines.contains(&"warning 1:7 name glyph.fallback".to_owned()),
        "{lines:#?}"
    );
    let missing = findings.iter().find(|d| d.rule == "glyph.missing").unwrap();
    assert!(
        missing.message.contains("𓀀") && missing.message.contains("U+13000"),
        "{}",
        missing.message
    );
    let fallback = findings
        .iter()
        .find(|d| d.rule == "glyph.fallback")
        .unwrap();
    assert!(
        fallback.message.contains("Noto Serif CJK SC"),
        "{}",
        fallback.message
    );
}

/// Renders `text` as one body paragraph through a `.typ.j2` template (so the render stage boxes
/// its full-width marks) and typesets it with the project's gongwen package.
fn rendered_paragraph(text: &str) -> Pdf {
    let (source, pdf) = render_and_typeset(
        "#import \"gongwen/lib.typ\": *\n#show: gongwen.with(punctuation: \"source\", fonts: {{ fonts }}, date: datetime(year: 2025, month: 1, day: 1))\n#set par(first-line-indent: 0pt)\n{{ text }}\n",
        serde_json::json!({ "text": text }),
    );
    assert!(
        source.contains("#fw-close(\"，\");"),
        "the render stage boxed the marks: {source}"
    );
    pdf
}

/// The glyphs of a rendered paragraph's first line, and the grid's pitch (156 mm / 28 cells).
fn first_line(text: &str) -> (Vec<common::pdf::Glyph>, String, f64) {
    let pdf = rendered_paragraph(text);
    let page = &pdf.pages[0];
    let lines = page.lines();
    let first: Vec<_> = page
        .glyphs
        .iter()
        .filter(|g| (g.baseline - lines[0].baseline).abs() < 0.5)
        .cloned()
        .collect();
    (first, lines[0].text.replace(' ', ""), 156.0 / 28.0)
}

#[test]
fn a_full_width_mark_standing_alone_takes_one_cell_of_the_28_character_grid() {
    // Marks Typst would set half width, none next to another mark: a closing mark ending the
    // line, closing marks before text, opening marks after text. Each line is 28 cells.
    let line = "要推动产业，集群成链。打造“知名”品牌（强化）要素保障，";
    assert_eq!(line.chars().count(), 28);
    let (first, text, pitch) = first_line(&line.repeat(3));
    assert_eq!(text, line, "the first line holds exactly the 28 cells");
    assert_eq!(first.len(), 28);
    for (i, g) in first.iter().enumerate() {
        // a closing mark sits at its cell's left edge, an opening one at its right edge (the
        // glyph's advance is 1 em, the cell 0.21 pt narrower)
        let cell = 28.0 + i as f64 * pitch;
        assert!(
            (mm(g.x) - cell).abs() < 0.15,
            "cell {i} ({}) starts at {:.2} mm, not {cell:.2} mm",
            g.text,
            mm(g.x)
        );
    }
}

#[test]
fn a_run_of_two_closing_marks_takes_one_and_a_half_cells() {
    // CLREQ's compression of adjacent marks (issue 26 §4): in “）、” and “。”” each mark takes
    // half a cell and the run half a cell after it, so the two runs of this line give back one
    // cell and the first line holds 29 characters; the text after each run sits half a cell
    // earlier than on the plain grid.
    let line = "推动（产业）、集群成链。”打造“知名”品牌（强化）要素，";
    let (first, text, pitch) = first_line(&line.repeat(3));
    assert_eq!(text.chars().count(), 29, "{text}");
    assert!(text.starts_with(line), "{text}");
    let chars: Vec<char> = text.chars().collect();
    let closing = |c: char| "）、。”，".contains(c);
    let mut shift = 0.0;
    for (i, g) in first.iter().enumerate() {
        if i > 0 && closing(chars[i]) && closing(chars[i - 1]) {
            shift += 0.5;
        }
        let cell = 28.0 + (i as f64 - shift) * pitch;
        assert!(
            (mm(g.x) - cell).abs() < 0.15,
            "glyph {i} ({}) starts at {:.2} mm, not {cell:.2} mm",
            g.text,
            mm(g.x)
        );
    }
    assert_eq!(shift, 1.0, "two runs on the line");
}

#[test]
fn a_paragraph_of_more_than_500_marks_typesets() {
    // gongwen's regex show rule fails here ("maximum grouping depth exceeded"); the render
    // stage's boxing does not.
    let text = "镇，".repeat(600);
    let pdf = rendered_paragraph(&text);
    let shown: String = pdf.text().chars().filter(|c| *c == '，').collect();
    assert_eq!(shown.chars().count(), 600);
}

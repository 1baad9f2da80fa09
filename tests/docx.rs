//! DOCX drafts (issue 14) as a user and an independent reader check them: `zyz build --formats
//! pdf,docx` writes `NAME.docx` beside every PDF, in the manifest, the same bytes twice; the
//! unzipped parts carry the Word layout (page setup, the 22 × 28 grid, east-Asian fonts per role,
//! header rows, PAGE fields, the red mark); hostile values come out verbatim; and LibreOffice
//! (Debian's `libreoffice-writer-nogui`, installed by `.ci/run`) opens every document and prints
//! it with the same text as the zyz PDF, the same number of pages ±1, 22 body lines on a full
//! page and the red mark and rule. The LibreOffice test skips, saying why, only where `soffice`
//! or poppler's `pdftotext` is missing.

mod common;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use common::pdf::Pdf;
use common::{Project, build, stderr};

/// The sample built once with DOCX on.
static SAMPLE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = build(&common::sample(), &out, &["--formats", "pdf,docx"]);
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    assert!(stderr(&run).contains(" 0 failed in "), "{}", stderr(&run));
    (dir, out)
});

fn files(out: &Path, ext: &str) -> Vec<PathBuf> {
    common::files_with_extension(out, ext)
}

/// One part of a DOCX package as text.
fn part(docx: &Path, name: &str) -> String {
    let file = std::fs::File::open(docx).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|_| panic!("{}: no {name}", docx.display()))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// The document's text as an XML reader sees it: every `w:t`, paragraphs on their own lines.
fn document_text(docx: &Path) -> String {
    let xml = part(docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let mut out = String::new();
    for node in doc.descendants() {
        match node.tag_name().name() {
            "t" => out.push_str(node.text().unwrap_or("")),
            "p" => out.push('\n'),
            _ => {}
        }
    }
    out
}

fn find(out: &Path, suffix: &str) -> PathBuf {
    files(out, "docx")
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in {}", out.display()))
}

#[test]
fn every_pdf_has_its_docx_in_the_manifest_with_the_same_bytes_twice() {
    let out = &SAMPLE.1;
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    // an issued document is never made again (the sample's register): its files are as archived
    let documents: Vec<&serde_json::Value> = manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("issued").is_none())
        .collect();
    assert!(documents.len() >= 10);
    for doc in &documents {
        let docx = doc["path"].as_str().unwrap().replace(".pdf", ".docx");
        let entry = doc["files"]
            .as_array()
            .and_then(|f| f.iter().find(|f| f["path"] == docx.as_str()))
            .unwrap_or_else(|| panic!("{docx} is not in the manifest"));
        let bytes = std::fs::read(out.join(&docx)).unwrap();
        assert_eq!(entry["sha256"], zyz::archive::sha256_hex(&bytes), "{docx}");
    }
    assert_eq!(files(out, "docx").len(), documents.len());

    let again = tempfile::tempdir().unwrap();
    let run = build(
        &common::sample(),
        again.path(),
        &["--formats", "pdf,docx", "-j", "1"],
    );
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    for (a, b) in files(out, "docx").iter().zip(files(again.path(), "docx")) {
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{}",
            a.display()
        );
    }
}

/// The attribute `name` (local name, any namespace) of the first element `tag` whose ancestors'
/// or own attributes match `filter`.
fn attr_of(xml: &roxmltree::Document, tag: &str, name: &str) -> Vec<String> {
    xml.descendants()
        .filter(|n| n.tag_name().name() == tag)
        .filter_map(|n| {
            n.attributes()
                .find(|a| a.name() == name)
                .map(|a| a.value().to_owned())
        })
        .collect()
}

/// The east-Asian font and size of a style.
fn style_font(styles: &roxmltree::Document, id: &str) -> (Option<String>, Option<String>) {
    let style = styles
        .descendants()
        .find(|n| {
            n.tag_name().name() == "style"
                && n.attributes()
                    .any(|a| a.name() == "styleId" && a.value() == id)
        })
        .unwrap_or_else(|| panic!("no style {id}"));
    let get = |tag: &str, name: &str| {
        style
            .descendants()
            .find(|n| n.tag_name().name() == tag)
            .and_then(|n| {
                n.attributes()
                    .find(|a| a.name() == name)
                    .map(|a| a.value().to_owned())
            })
    };
    (get("rFonts", "eastAsia"), get("sz", "val"))
}

#[test]
fn the_parts_carry_the_page_setup_grid_fonts_header_rows_and_page_fields() {
    let out = &SAMPLE.1;
    let ranking = find(out, "city/ranking.docx");
    let document = part(&ranking, "word/document.xml");
    let doc = roxmltree::Document::parse(&document).unwrap();
    // A4, margins for the 156 × 225 mm type area, 22 lines × 28 characters
    assert_eq!(attr_of(&doc, "pgSz", "w"), ["11906"]);
    assert_eq!(attr_of(&doc, "pgSz", "h"), ["16838"]);
    assert_eq!(attr_of(&doc, "pgMar", "top"), ["2098"]);
    assert_eq!(attr_of(&doc, "pgMar", "bottom"), ["1984"]);
    assert_eq!(attr_of(&doc, "pgMar", "left"), ["1587"]);
    assert_eq!(attr_of(&doc, "pgMar", "right"), ["1474"]);
    // the line grid: 22 lines (579 twips apart); 28 characters a line by the body's spacing
    assert_eq!(attr_of(&doc, "docGrid", "type"), ["lines"]);
    assert_eq!(attr_of(&doc, "docGrid", "linePitch"), ["579"]);
    // the tables: a repeated header row each, columns spanning the type area
    let tables: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "tbl")
        .collect();
    assert!(tables.len() >= 2, "{} tables", tables.len());
    for table in tables
        .iter()
        .filter(|t| !t.descendants().any(|n| n.tag_name().name() == "tblpPr"))
    {
        assert!(
            table
                .descendants()
                .any(|n| n.tag_name().name() == "tblHeader"),
            "a table without a header row"
        );
        let width: i64 = table
            .descendants()
            .filter(|n| n.tag_name().name() == "gridCol")
            .map(|n| {
                n.attributes()
                    .next()
                    .unwrap()
                    .value()
                    .parse::<i64>()
                    .unwrap()
            })
            .sum();
        assert!(
            (width - 8844).abs() <= 30,
            "table {width} twips wide, not 156 mm"
        );
    }
    // the red issuing mark and the red rule under the 文号
    assert!(document.contains("<w:pStyle w:val=\"zyzMark\"/>"));
    assert!(document.contains("w:color=\"E60012\""), "the red rule");
    assert!(
        document_text(&ranking).contains("永济市"),
        "the organ in the mark"
    );
    // the chart is a picture
    assert!(document.contains("r:embed=\"rIdImg1\""));
    // styles per role, east-Asian fonts and sizes (三号 16 pt body, 二号 22 pt title)
    let styles = part(&ranking, "word/styles.xml");
    let styles = roxmltree::Document::parse(&styles).unwrap();
    assert_eq!(
        attr_of(&styles, "rFonts", "eastAsia")[0],
        "FandolFang R",
        "the default: body"
    );
    // 156 mm / 28 = 15.785 pt a character: 16 pt condensed by 0.25 pt (-5 twentieths)
    assert_eq!(attr_of(&styles, "spacing", "val")[0], "-5");
    assert_eq!(
        style_font(&styles, "Heading1").0.as_deref(),
        Some("FandolHei")
    );
    assert_eq!(
        style_font(&styles, "Heading2").0.as_deref(),
        Some("FandolKai")
    );
    assert_eq!(
        style_font(&styles, "zyzTitle"),
        (Some("FandolSong".into()), Some("44".into()))
    );
    assert_eq!(
        style_font(&styles, "zyzTableHeader").0.as_deref(),
        Some("FandolHei")
    );
    // page numbers: a PAGE field, odd pages right and even pages left
    let settings = part(&ranking, "word/settings.xml");
    assert!(settings.contains("<w:evenAndOddHeaders/>"));
    for (footer, side) in [("word/footer1.xml", "right"), ("word/footer2.xml", "left")] {
        let xml = part(&ranking, footer);
        assert!(xml.contains("w:instr=\" PAGE \""), "{footer}: {xml}");
        assert!(
            xml.contains(&format!("<w:jc w:val=\"{side}\"/>")),
            "{footer}: {xml}"
        );
        assert!(xml.contains("— ") && xml.contains(" —"), "{footer}");
    }
}

#[test]
fn the_landscape_list_is_a_section_of_its_own() {
    let plan = find(&SAMPLE.1, "towns/kaizhang/action-plan.docx");
    let document = part(&plan, "word/document.xml");
    let doc = roxmltree::Document::parse(&document).unwrap();
    assert_eq!(attr_of(&doc, "pgSz", "orient"), ["landscape"], "{plan:?}");
    let header = document_text(&plan);
    assert!(
        header.replace('\n', "").contains("序号重点任务具体措施"),
        "{header}"
    );
}

#[test]
fn fonts_yaml_names_the_east_asian_font_of_each_role() {
    let project = Project::sample();
    project.write(
        "fonts.yaml",
        "title: [FZXiaoBiaoSong-B05S, FandolSong]\nbody: [FangSong_GB2312, FandolFang R]\nheading1: [SimHei, FandolHei]\nheading2: [KaiTi_GB2312, FandolKai]\nnumber: [SimSun, FandolSong]\n",
    );
    let out = project.dir.path().join("out");
    let run = build(
        &project.content(),
        &out,
        &["--formats", "pdf,docx", "--kind", "ranking"],
    );
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    let docx = find(&out, ".docx");
    let styles = part(&docx, "word/styles.xml");
    let styles = roxmltree::Document::parse(&styles).unwrap();
    assert_eq!(attr_of(&styles, "rFonts", "eastAsia")[0], "FangSong_GB2312");
    assert_eq!(style_font(&styles, "Heading1").0.as_deref(), Some("SimHei"));
    assert_eq!(
        style_font(&styles, "Heading2").0.as_deref(),
        Some("KaiTi_GB2312")
    );
    assert_eq!(
        style_font(&styles, "zyzTitle").0.as_deref(),
        Some("FZXiaoBiaoSong-B05S")
    );
    assert_eq!(style_font(&styles, "Footer").0.as_deref(), Some("SimSun"));
}

#[test]
fn hostile_values_appear_verbatim_in_the_docx() {
    let project = Project::sample();
    let path = project.content().join("towns/kaizhang.yaml");
    let yaml = std::fs::read_to_string(&path).unwrap();
    let hostile = r#"#read("/etc/passwd") <w:t>&amp; ]*_$x$"#;
    let quoted = serde_json::to_string(hostile).unwrap();
    let (before, after) = yaml.split_once("  - title: ").unwrap();
    let rest = after.split_once('\n').unwrap().1;
    std::fs::write(&path, format!("{before}  - title: {quoted}\n{rest}")).unwrap();
    let out = project.dir.path().join("out");
    let run = build(
        &project.content(),
        &out,
        &["--formats", "pdf,docx", "--town", "kaizhang"],
    );
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    let plan = find(&out, "towns/kaizhang/action-plan.docx");
    let text = document_text(&plan);
    assert!(text.contains(hostile), "{hostile} not verbatim in {text}");
    assert!(!text.contains("root:"), "nothing was read from /etc/passwd");
}

/// LibreOffice's PDFs of every DOCX, made once (`soffice --convert-to pdf`, the bundled fonts
/// given to LibreOffice through a fontconfig file), or why they cannot be made here.
/// LibreOffice's PDFs: their folder, and each DOCX with the PDF made of it.
type Printed = (tempfile::TempDir, Vec<(PathBuf, PathBuf)>);

static OFFICE: LazyLock<Result<Printed, String>> = LazyLock::new(|| {
    for tool in ["soffice", "pdftotext"] {
        if Command::new(tool).arg("--version").output().is_err() {
            return Err(format!("{tool} is not installed (.ci/run installs it)"));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("fonts.conf");
    std::fs::write(
            &conf,
            format!(
                "<?xml version=\"1.0\"?>\n<fontconfig><include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include><dir>{}</dir><cachedir>{}</cachedir></fontconfig>\n",
                common::repo().join("fonts").display(),
                dir.path().join("cache").display()
            ),
        )
        .unwrap();
    // one folder of inputs named by their paths (every town has an action-plan.docx)
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let docs = files(&SAMPLE.1, "docx");
    let named: Vec<PathBuf> = docs
        .iter()
        .map(|d| {
            let rel = d
                .strip_prefix(&SAMPLE.1)
                .unwrap()
                .to_string_lossy()
                .replace('/', "_");
            let to = inputs.join(rel);
            std::fs::copy(d, &to).unwrap();
            to
        })
        .collect();
    let run = Command::new("soffice")
        .env("FONTCONFIG_FILE", &conf)
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.path().display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .args(&named)
        .output()
        .unwrap();
    let mut pairs = Vec::new();
    for (docx, input) in docs.into_iter().zip(&named) {
        let pdf = dir
            .path()
            .join(input.file_name().unwrap())
            .with_extension("pdf");
        if !pdf.exists() {
            return Err(format!(
                "LibreOffice made no PDF of {}: {}",
                docx.display(),
                String::from_utf8_lossy(&run.stderr)
            ));
        }
        pairs.push((docx, pdf));
    }
    Ok((dir, pairs))
});

/// Text without whitespace and page numbers ("— 3 —").
fn normalise(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        let number = line.strip_prefix('—').and_then(|l| l.strip_suffix('—'));
        if number.is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())) {
            continue;
        }
        out.push_str(&line);
    }
    out
}

fn pdftotext(pdf: &Path) -> String {
    // -raw: in content order, and a hyphen ending a line stays (the default mode drops it)
    let run = Command::new("pdftotext")
        .arg("-raw")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&run.stdout).into_owned()
}

/// The characters of `a` that `b` lacks and those `b` has beyond `a` (as multisets).
fn char_difference(a: &str, b: &str) -> (String, String) {
    let mut count = std::collections::BTreeMap::<char, i64>::new();
    for c in a.chars() {
        *count.entry(c).or_default() += 1;
    }
    for c in b.chars() {
        *count.entry(c).or_default() -= 1;
    }
    let (mut missing, mut extra) = (String::new(), String::new());
    for (c, n) in count {
        let run = c.to_string().repeat(n.unsigned_abs() as usize);
        if n > 0 {
            missing.push_str(&run)
        } else {
            extra.push_str(&run)
        }
    }
    (missing, extra)
}

#[test]
fn libreoffice_prints_every_document_with_the_text_and_pages_of_the_pdf() {
    let (_, pairs) = match &*OFFICE {
        Ok(made) => made,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let mut report = Vec::new();
    for (docx, office_pdf) in pairs {
        let zyz_pdf = docx.with_extension("pdf");
        // the zyz PDF's text by the zyz reader (logical order, no repeated headers or page
        // numbers); LibreOffice's by poppler, its repeated table headers removed
        let ours = common::zyz(&common::repo(), &["text", zyz_pdf.to_str().unwrap()]);
        let ours = normalise(&String::from_utf8_lossy(&ours.stdout).replace('|', ""));
        // a chart is a picture: its text is the picture's description
        let office = normalise(&pdftotext(office_pdf)) + &normalise(&descriptions(docx));
        let name = docx.strip_prefix(&SAMPLE.1).unwrap().display().to_string();
        let (missing, mut extra) = char_difference(&ours, &office);
        // LibreOffice repeats a table's header row on every page it runs over
        for header in header_rows(docx) {
            while let Some(rest) = without(&extra, &header) {
                extra = rest;
            }
        }
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}: LibreOffice's text lacks {missing:?} and has {extra:?} more than the PDF's"
        );
        let pages = |pdf: &Path| Pdf::open(pdf).unwrap().pages.len();
        let (a, b) = (pages(&zyz_pdf), pages(office_pdf));
        assert!(
            a.abs_diff(b) <= 1,
            "{name}: {a} pages in the PDF, {b} in LibreOffice's"
        );
        report.push(format!("{name}: {a} / {b} pages"));
    }
    eprintln!("{}", report.join("\n"));
}

/// `text` without one of each character of `part`, if it has them all.
fn without(text: &str, part: &str) -> Option<String> {
    if part.is_empty() {
        return None;
    }
    let mut chars: Vec<char> = text.chars().collect();
    for c in part.chars() {
        let at = chars.iter().position(|&x| x == c)?;
        chars.remove(at);
    }
    Some(chars.into_iter().collect())
}

/// The descriptions (alternative texts) of a DOCX's pictures.
fn descriptions(docx: &Path) -> String {
    let xml = part(docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| n.tag_name().name() == "docPr")
        .filter_map(|n| n.attribute("descr"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The header rows' text (whitespace removed) of a DOCX's tables.
fn header_rows(docx: &Path) -> Vec<String> {
    let xml = part(docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    doc.descendants()
        .filter(|n| {
            n.tag_name().name() == "tr"
                && n.descendants().any(|d| d.tag_name().name() == "tblHeader")
        })
        .map(|tr| {
            tr.descendants()
                .filter(|n| n.tag_name().name() == "t")
                .filter_map(|n| n.text())
                .collect::<String>()
                .replace(char::is_whitespace, "")
        })
        .collect()
}

#[test]
fn libreoffice_sets_22_body_lines_on_a_full_page_and_the_red_mark_and_rule() {
    let (_, pairs) = match &*OFFICE {
        Ok(made) => made,
        Err(why) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    // the city plan's attachment runs over full pages of body text: none holds more than 22
    // lines of 16 pt, and a full one holds 22
    let (_, city) = pairs
        .iter()
        .find(|(d, _)| d.ends_with("city/action-plan.docx"))
        .expect("the city plan");
    let pdf = Pdf::open(city).unwrap();
    let per_page: Vec<Vec<_>> = pdf
        .pages
        .iter()
        .map(|page| {
            let lines = page.lines().into_iter();
            lines.filter(|l| (l.size - 16.0).abs() < 0.6).collect()
        })
        .collect();
    let body_lines = per_page.iter().max_by_key(|lines| lines.len()).unwrap();
    assert_eq!(
        body_lines.len(),
        22,
        "{:#?}",
        body_lines.iter().map(|l| &l.text).collect::<Vec<_>>()
    );
    let pitch = (body_lines[21].baseline - body_lines[0].baseline) / 21.0;
    assert!((pitch - 28.95).abs() < 0.2, "line pitch {pitch:.2} pt");

    // a document with the 版头: red pixels in the mark and a red rule across the type area
    let (_, notice) = pairs
        .iter()
        .find(|(d, _)| d.ends_with("reminder.docx"))
        .expect("a reminder (the sample's supervision notices are issued: no DOCX)");
    let png = tempfile::tempdir().unwrap();
    let stem = png.path().join("p");
    let run = Command::new("pdftoppm")
        .args(["-r", "50", "-f", "1", "-l", "1", "-png"])
        .arg(notice)
        .arg(&stem)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let file = std::fs::read_dir(png.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(file).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.line_size / info.width as usize;
    let red = |x: usize, y: usize| {
        let i = y * info.line_size + x * channels;
        buf[i] > 180 && buf[i + 1] < 90 && buf[i + 2] < 100
    };
    let (w, h) = (info.width as usize, info.height as usize);
    let red_pixels = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| red(x, y))
        .count();
    assert!(
        red_pixels > 500,
        "{red_pixels} red pixels: no red issuing mark"
    );
    let rule = (0..h).any(|y| (0..w).filter(|&x| red(x, y)).count() > w * 6 / 10);
    assert!(rule, "no red rule across the page");
}

#[test]
fn tables_have_the_pdfs_column_widths() {
    let ranking = find(&SAMPLE.1, "city/ranking.docx");
    let xml = part(&ranking, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let first = doc
        .descendants()
        .find(|n| n.tag_name().name() == "tblGrid")
        .expect("a table");
    let widths: Vec<f64> = first
        .children()
        .filter_map(|c| c.attributes().find(|a| a.name() == "w"))
        .map(|a| a.value().parse::<f64>().unwrap() / 20.0)
        .collect();
    assert_eq!(widths.len(), 4, "the assessment method table: 4 columns");
    // the PDF's vertical rules on the page of that table, from the left margin (28 mm)
    let pdf = Pdf::open(&ranking.with_extension("pdf")).unwrap();
    let page = pdf
        .pages
        .iter()
        .find(|p| p.text().contains("计算口径"))
        .expect("the table's page");
    let rules: Vec<f64> = page
        .strokes
        .iter()
        .filter(|s| (s.from.0 - s.to.0).abs() < 0.01 && (s.from.1 - s.to.1).abs() > 5.0)
        .map(|s| s.from.0)
        .collect();
    let mut x = common::pdf::pt(28.0);
    for (i, w) in widths.iter().enumerate() {
        x += w;
        assert!(
            rules.iter().any(|r| (r - x).abs() < 0.6),
            "column {} ends at {x:.1} pt in the DOCX; the PDF's rules are at {rules:?}",
            i + 1
        );
    }
}

//! The shipped sample as a reviewer measures it (issue 9, "What it must show"): zyz's own layout
//! check finds nothing, and poppler's view of the built PDFs (`pdftotext -bbox-layout`) agrees
//! on the rules it can see: A4 portrait pages, the left and top edges of the type area, "— N —"
//! on every page but a blank page before the 版记 page and that 版记 page, and the 版记 (its 印发
//! line) on an even page.
//!
//! The sample and 100 towns made by benches/gen-towns.py are each built once (`zyz build
//! --format json` into a temporary folder) and shared by the tests. The poppler tests skip, saying so, when `pdftotext` is absent (CI installs
//! poppler-utils).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

const MM: f64 = 72.0 / 25.4;

/// A content folder built into a temporary folder: the folder, every PDF in it, the JSON report.
struct Built {
    _dir: tempfile::TempDir,
    /// The generated content folder, kept while the tests run.
    _content: Option<tempfile::TempDir>,
    pdfs: Vec<(String, PathBuf)>,
    report: serde_json::Value,
}

static SAMPLE: LazyLock<Built> = LazyLock::new(|| build(&common::sample(), "sample"));

/// 100 towns from benches/gen-towns.py: other names, numbers, lengths and table sizes.
static GENERATED: LazyLock<Built> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let run = Command::new("python3")
        .arg(common::repo().join("benches/gen-towns.py"))
        .args(["100"])
        .arg(&content)
        .args(["--content"])
        .arg(common::sample())
        .output()
        .expect("python3 runs benches/gen-towns.py");
    assert!(run.status.success(), "gen-towns: {}", common::stderr(&run));
    let built = build(&content, "generated");
    Built {
        _content: Some(dir),
        ..built
    }
});

/// Both content folders.
fn both() -> [&'static Built; 2] {
    [&SAMPLE, &GENERATED]
}

/// Builds `content`; its PDFs are named `label/` and their path in the output folder.
fn build(content: &Path, label: &str) -> Built {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("output");
    let run = common::build(content, &out, &["--format", "json", "-q"]);
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap_or_else(|e| {
        panic!(
            "zyz build --format json printed no JSON ({e}): {}",
            common::stderr(&run)
        )
    });
    let mut pdfs: Vec<(String, PathBuf)> = walk(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .map(|p| {
            let name = format!("{label}/{}", p.strip_prefix(&out).unwrap().display());
            (name, p)
        })
        .collect();
    pdfs.sort();
    assert!(
        pdfs.len() >= 5,
        "{} builds its documents: {pdfs:?}",
        content.display()
    );
    Built {
        _dir: dir,
        _content: None,
        pdfs,
        report,
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(walk(&path));
        } else {
            all.push(path);
        }
    }
    all
}

#[test]
fn zyz_finds_no_layout_rule_broken_in_the_sample_or_100_generated_towns() {
    let layout: Vec<String> = both()
        .iter()
        .flat_map(|b| b.report["findings"].as_array().expect("findings"))
        .filter(|f| f["rule"].as_str().is_some_and(|r| r.starts_with("layout.")))
        .map(|f| format!("{} [{}] {}", f["file"], f["rule"], f["message"]))
        .collect();
    assert!(layout.is_empty(), "layout findings:\n{}", layout.join("\n"));
}

/// A word of `pdftotext -bbox-layout`, in points from the page's top-left corner.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

#[derive(Debug, Default)]
struct Page {
    width: f64,
    height: f64,
    /// Words grouped as poppler's lines.
    lines: Vec<Vec<Word>>,
}

impl Page {
    /// The page number line: words entirely below the type area (262 mm), joined by spaces.
    fn footer(&self) -> Option<String> {
        let words: Vec<&Word> = self
            .lines
            .iter()
            .flatten()
            .filter(|w| w.y0 > 263.0 * MM)
            .collect();
        (!words.is_empty()).then(|| {
            words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// Words of the type area (everything but the footer).
    fn body(&self) -> impl Iterator<Item = &Word> {
        self.lines.iter().flatten().filter(|w| w.y0 <= 263.0 * MM)
    }

    fn blank(&self) -> bool {
        self.body().next().is_none()
    }

    fn has_colophon(&self) -> bool {
        self.lines.iter().any(|l| {
            let text: String = l.iter().map(|w| w.text.as_str()).collect();
            text.ends_with("印发") && l[0].y0 > 150.0 * MM
        })
    }
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).expect("attribute") + key.len();
    let end = tag[start..].find('"').unwrap() + start;
    tag[start..end].parse().unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Pages, lines and words of `pdftotext -bbox-layout`, or None when pdftotext is absent.
fn poppler(pdf: &Path) -> Option<Vec<Page>> {
    let out = Command::new("pdftotext")
        .args(["-bbox-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let html = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<Page> = Vec::new();
    for piece in html.split('<').skip(1) {
        let (tag, rest) = piece.split_once('>').unwrap_or((piece, ""));
        if tag.starts_with("page ") {
            pages.push(Page {
                width: attr(tag, "width"),
                height: attr(tag, "height"),
                lines: Vec::new(),
            });
        } else if tag.starts_with("line ") {
            pages.last_mut().unwrap().lines.push(Vec::new());
        } else if tag.starts_with("word ") {
            let word = Word {
                x0: attr(tag, "xMin"),
                y0: attr(tag, "yMin"),
                x1: attr(tag, "xMax"),
                y1: attr(tag, "yMax"),
                text: unescape(rest),
            };
            pages
                .last_mut()
                .unwrap()
                .lines
                .last_mut()
                .unwrap()
                .push(word);
        }
    }
    Some(pages)
}

/// Every PDF built from the sample and the generated towns with its pages as poppler reads them;
/// None (after saying so) without poppler.
fn sample_pages() -> Option<Vec<(String, Vec<Page>)>> {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!(
            "SKIPPED: pdftotext (poppler-utils) is not installed; install it to compare zyz's \
             layout with poppler's view of the PDFs"
        );
        return None;
    }
    let pdfs = both().into_iter().flat_map(|b| &b.pdfs);
    Some(
        pdfs.map(|(name, path)| (name.clone(), poppler(path).expect("pdftotext runs")))
            .collect(),
    )
}

/// Fails with every problem found, one per line.
fn report(problems: Vec<String>) {
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn poppler_sees_a4_portrait_pages_only() {
    let Some(docs) = sample_pages() else { return };
    let mut problems = Vec::new();
    for (name, pages) in &docs {
        for (i, p) in pages.iter().enumerate() {
            if (p.width - 595.276).abs() > 0.5 || (p.height - 841.89).abs() > 0.5 {
                problems.push(format!(
                    "{name} page {}: {:.1} × {:.1} pt, not A4 portrait (595.3 × 841.9 pt)",
                    i + 1,
                    p.width,
                    p.height
                ));
            }
        }
    }
    report(problems);
}

/// Lines of body text (words about 16 pt tall) with their left end and top. Where a line opens
/// with a full-width opening mark, poppler's box may start at the mark's ink, half a character
/// into its cell (Typst sets the mark half wide, at the right of the cell): that half is taken
/// back from the left end.
fn body_lines(page: &Page) -> impl Iterator<Item = (f64, f64, f64)> + '_ {
    page.lines.iter().filter_map(|l| {
        let tall = l.iter().all(|w| (w.y1 - w.y0 - 16.0).abs() < 1.0);
        let x0 = l.iter().map(|w| w.x0).fold(f64::INFINITY, f64::min);
        let opening = l[0].text.starts_with(['（', '《', '“', '〔', '【', '「']);
        let half_cell = 156.0 / 28.0 / 2.0 * MM;
        let x0 = if opening && (x0 - 28.0 * MM - half_cell).abs() < 1.0 * MM {
            x0 - half_cell
        } else {
            x0
        };
        let x1 = l.iter().map(|w| w.x1).fold(f64::NEG_INFINITY, f64::max);
        let y0 = l.iter().map(|w| w.y0).fold(f64::INFINITY, f64::min);
        (tall && l[0].y0 <= 263.0 * MM).then_some((x0, x1, y0))
    })
}

#[test]
fn poppler_sees_the_body_text_on_the_28_mm_left_and_37_mm_top_edges() {
    let Some(docs) = sample_pages() else { return };
    let mut problems = Vec::new();
    for (name, pages) in &docs {
        for (i, p) in pages.iter().enumerate() {
            if p.width > p.height || p.blank() {
                continue;
            }
            let lines: Vec<(f64, f64, f64)> = body_lines(p).collect();
            // Full lines (spanning 150 mm or more) start on the left edge of the type area.
            for &(x0, x1, _) in lines.iter().filter(|l| l.1 - l.0 >= 150.0 * MM) {
                if (x0 / MM - 28.0).abs() > 1.0 || x1 / MM > 185.0 {
                    problems.push(format!(
                        "{name} page {}: a full body line spans {:.1}–{:.1} mm (type area 28–184 mm)",
                        i + 1,
                        x0 / MM,
                        x1 / MM
                    ));
                }
            }
            // When a full body line is the topmost text, its top is the type area's top (37 mm).
            // (Rules are not text: a page opening with a table or box starts at its rule.)
            let top = p.body().map(|w| w.y0).fold(f64::INFINITY, f64::min);
            if let Some(&(_, _, y0)) = lines
                .iter()
                .find(|l| (l.2 - top).abs() < 0.01 && l.1 - l.0 >= 150.0 * MM)
                && (y0 / MM - 37.0).abs() > 1.0
            {
                problems.push(format!(
                    "{name} page {}: the body text starts {:.1} mm below the top edge (37 ± 1 mm)",
                    i + 1,
                    y0 / MM
                ));
            }
        }
    }
    report(problems);
}

#[test]
fn poppler_sees_dash_n_dash_on_every_page_but_a_blank_page_and_the_colophon_after_it() {
    let Some(docs) = sample_pages() else { return };
    let mut problems = Vec::new();
    for (name, pages) in &docs {
        let colophon = pages.iter().rposition(Page::has_colophon);
        let after_blank = colophon.filter(|&c| c >= 1 && pages[c - 1].blank());
        for (i, p) in pages.iter().enumerate() {
            let n = i + 1;
            let unnumbered = after_blank.is_some_and(|c| i == c || i + 1 == c);
            match (p.footer(), unnumbered) {
                (Some(text), false) if text == format!("— {n} —") => {}
                (None, true) => {}
                (found, _) => problems.push(format!(
                    "{name} page {n}: page number {found:?}, expected {}",
                    if unnumbered {
                        "none (blank page before the 版记 page, or that 版记 page)".to_owned()
                    } else {
                        format!("“— {n} —”")
                    }
                )),
            }
        }
    }
    report(problems);
}

#[test]
fn poppler_sees_the_colophon_on_the_last_page_and_an_even_one() {
    let Some(docs) = sample_pages() else { return };
    let mut problems = Vec::new();
    let mut seen = 0;
    for (name, pages) in &docs {
        let Some(c) = pages.iter().rposition(Page::has_colophon) else {
            continue;
        };
        seen += 1;
        if (c + 1) % 2 == 1 || c + 1 != pages.len() {
            problems.push(format!(
                "{name}: the 版记 (印发) is on page {} of {}; GB/T 9704 §7.4 puts it on the last \
                 page, an even one",
                c + 1,
                pages.len()
            ));
        }
    }
    assert!(seen >= 3, "the sample's notices carry a 版记");
    report(problems);
}

/// What the check costs: every sample document typeset in-process, then measured.
/// `cargo test --release --test layout_sample -- --ignored --nocapture cost`
#[test]
#[ignore]
fn cost_of_the_layout_check_per_document() {
    use zyz::pipeline::{Options, Session, Timings};
    use zyz::typeset::fonts::{FontOptions, RoleMap};
    let repo = common::repo();
    let session = Session::new(Options {
        content: common::sample(),
        templates: repo.join("templates"),
        out: std::env::temp_dir(),
        fonts: FontOptions {
            bundled: repo.join("fonts"),
            extra: vec![],
            system: false,
            roles: RoleMap::default(),
        },
        jobs: 1,
        force: true,
        kinds: vec![],
        towns: vec![],
        shard: None,
        emit_typ: false,
        standard: zyz::typeset::Standard::PdfA2b,
        strict_layout: false,
        issuing: Default::default(),
        formats: None,
    })
    .unwrap();
    let prepared = session.prepare(&Timings::default()).unwrap();
    let (mut check, mut compile, mut pages) = (0.0, 0.0, 0);
    for doc in &prepared.docs {
        let source = session
            .renderer()
            .render(&doc.template, &doc.context.value())
            .unwrap();
        let job = zyz::typeset::Job {
            source,
            source_name: PathBuf::from("x.typ"),
            date: doc.date.into(),
            ident: doc.path.clone(),
            standard: zyz::typeset::Standard::PdfA2b,
        };
        let t = std::time::Instant::now();
        let (typeset, _) = session.typesetter().compile(&job).unwrap();
        compile += t.elapsed().as_secs_f64();
        pages += typeset.pages().len();
        let t = std::time::Instant::now();
        for _ in 0..10 {
            std::hint::black_box(zyz::typeset::measure::check(&typeset));
        }
        check += t.elapsed().as_secs_f64() / 10.0;
    }
    let n = prepared.docs.len() as f64;
    eprintln!(
        "{} documents, {pages} pages: layout check {:.0} µs per document ({:.0} µs per page), \
         Typst compile {:.1} ms per document",
        prepared.docs.len(),
        check / n * 1e6,
        check / pages as f64 * 1e6,
        compile / n * 1e3
    );
}

/// `zyz build` over templates whose top margin is 45 mm: the layout findings come as warnings
/// naming the PDF, page and rule (in `--format json` too); `--strict-layout` fails the document.
#[test]
fn layout_findings_are_warnings_and_strict_layout_makes_them_errors() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    common::copy_dir(&common::repo().join("templates"), &templates);
    let lib = templates.join("gongwen/page.typ");
    let text = std::fs::read_to_string(&lib).unwrap();
    let moved = text.replace("margins = (top: 37mm,", "margins = (top: 45mm,");
    assert_ne!(text, moved, "gongwen/page.typ names its margins");
    std::fs::write(&lib, moved).unwrap();
    let run = |out: &str, strict: bool| {
        let mut args = vec![
            "build".to_owned(),
            "--content".to_owned(),
            common::sample().display().to_string(),
            "--templates".to_owned(),
            templates.display().to_string(),
            "--fonts".to_owned(),
            common::repo().join("fonts").display().to_string(),
            "--out".to_owned(),
            dir.path().join(out).display().to_string(),
            "--kind".to_owned(),
            "commendation".to_owned(),
            "--format".to_owned(),
            "json".to_owned(),
        ];
        if strict {
            args.push("--strict-layout".to_owned());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = common::zyz(&common::repo(), &refs);
        let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let margins: Vec<serde_json::Value> = value["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "layout.margins")
            .cloned()
            .collect();
        (value, margins)
    };
    let top = "page 2: the type area starts 45.0 mm below the top edge; GB/T 9704 §5.2.1 sets the \
               top margin to 37 ± 1 mm";
    let (lenient, margins) = run("lenient", false);
    assert_eq!(
        lenient["built"],
        serde_json::json!(["2025/city/commendation.pdf"])
    );
    let first = margins.first().expect("a layout.margins finding");
    assert_eq!(first["severity"], "warning");
    assert!(
        first["file"]
            .as_str()
            .unwrap()
            .ends_with("lenient/2025/city/commendation.pdf")
    );
    assert!(margins.iter().any(|f| f["message"] == top), "{margins:#?}");
    let (strict, margins) = run("strict", true);
    assert_eq!(strict["built"], serde_json::json!([]));
    assert_eq!(
        strict["failed"],
        serde_json::json!(["2025/city/commendation.pdf"])
    );
    assert!(
        margins.iter().all(|f| f["severity"] == "error"),
        "{margins:#?}"
    );
    assert!(
        !dir.path()
            .join("strict/2025/city/commendation.pdf")
            .exists()
    );
}

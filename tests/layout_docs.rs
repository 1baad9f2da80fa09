//! GB/T 9704 layout of documents that are long, wide or odd, read back from their PDFs as a
//! reviewer checks them: A4 portrait pages; a page number on every page, on the right of odd and
//! the left of even pages, absent only on a blank page and the 版记 page after it; the 版记 at the
//! bottom of an even last page; sideways tables turned with their head towards the left edge and
//! their header on every page; no date, status or name cell wrapped.

mod common;

use std::path::Path;

use common::engine::{ENGINE, gongwen, job};
use common::pdf::{Page, Pdf, mm};

// ------------------------------------------------------------------------------------------------
// Reading the pages

/// Runs `zyz build` and panics with its output when a document was not built.
fn build(content: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec!["--quiet"];
    args.extend_from_slice(extra);
    let output = common::build(content, out, &args);
    let stderr = common::stderr(&output);
    assert!(
        matches!(output.status.code(), Some(0 | 1)) && !stderr.contains("was not built"),
        "zyz build failed ({:?}):\n{stderr}",
        output.status,
    );
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_a4_portrait(pdf: &Pdf, what: &str) {
    for (i, page) in pdf.pages.iter().enumerate() {
        assert!(
            (page.width_pt - 595.276).abs() < 0.1 && (page.height_pt - 841.89).abs() < 0.1,
            "{what}, page {}: A4 portrait, got {:.1} x {:.1} pt",
            i + 1,
            page.width_pt,
            page.height_pt
        );
    }
}

/// The upright "— N —" under the type area (which ends 262 mm down): its number, and whether it
/// stands on the right half of the page.
fn page_number(page: &Page) -> Option<(usize, bool)> {
    page.upright().lines().into_iter().find_map(|l| {
        if mm(l.y_top) < 262.0 + 3.0 || mm(l.y_top) > 262.0 + 8.0 {
            return None;
        }
        let t = squeeze(&l.text);
        let n = t.strip_prefix('—')?.strip_suffix('—')?.parse().ok()?;
        Some((n, l.x_min > page.width_pt / 2.0))
    })
}

/// Every page carries its number on its side (odd right, even left), except the pages listed
/// (1-based), which carry none.
fn assert_page_numbers(pdf: &Pdf, unnumbered: &[usize], what: &str) {
    for (i, page) in pdf.pages.iter().enumerate() {
        let p = i + 1;
        let got = page_number(page);
        if unnumbered.contains(&p) {
            assert_eq!(got, None, "{what}, page {p} must have no page number");
        } else {
            assert_eq!(
                got,
                Some((p, p % 2 == 1)),
                "{what}, page {p}: (number, on the right) expected"
            );
        }
    }
}

/// The 版记 is on the last page, which is even, at the bottom: the 印发 line sits right above
/// the last rule, on the type area's bottom edge (262 mm).
fn assert_colophon_at_foot_of_even_last_page(pdf: &Pdf, what: &str) {
    let n = pdf.pages.len();
    let pages: Vec<usize> = (1..=n)
        .filter(|&p| {
            pdf.pages[p - 1]
                .lines()
                .iter()
                .any(|l| mm(l.y_top) > 200.0 && squeeze(&l.text).ends_with("印发"))
        })
        .collect();
    assert_eq!(
        pages,
        vec![n],
        "{what}: the 版记 (印发) is on the last page only"
    );
    assert!(
        n.is_multiple_of(2),
        "{what}: the 版记 is on page {n}, an odd page"
    );
    let line = pdf.pages[n - 1]
        .lines()
        .into_iter()
        .find(|l| l.text.contains("印发"))
        .unwrap();
    assert!(
        mm(line.y_bottom) > 255.0 && mm(line.y_bottom) < 262.0,
        "{what}: the 印发 line ends {:.1} mm down, not at the foot of the type area",
        mm(line.y_bottom)
    );
}

/// Pages (0-based) whose text is turned (reads from the bottom of the page to its top).
fn turned_pages(pdf: &Pdf) -> Vec<usize> {
    (0..pdf.pages.len())
        .filter(|&i| pdf.pages[i].turned().glyphs.len() > 20)
        .collect()
}

/// On a turned page: the table's header row comes first as the reader sees it (in order, before
/// every line holding `row_marker`), i.e. the head faces the left edge of the page; only the page
/// number is upright; the turned text stays in the type area (28 mm from the left, 156 mm wide,
/// 225 mm tall from 37 mm down).
fn assert_turned_table_page(page: &Page, header: &[&str], row_marker: &str, what: &str) {
    assert!(
        page.upright().glyphs.len() <= 12,
        "{what}: only the page number is upright"
    );
    let turned = page.turned();
    let lines = turned.lines();
    let head = lines
        .iter()
        .find(|l| {
            let t = squeeze(&l.text);
            let at: Vec<Option<usize>> = header.iter().map(|h| t.find(h)).collect();
            at.iter().all(Option::is_some) && at.windows(2).all(|w| w[0] < w[1])
        })
        .unwrap_or_else(|| panic!("{what}: no header row {header:?}"));
    let rows: Vec<_> = lines
        .iter()
        .filter(|l| l.text.contains(row_marker))
        .collect();
    assert!(!rows.is_empty(), "{what}: no table row");
    for row in rows {
        assert!(
            row.y_top > head.y_bottom - 0.5,
            "{what}: row {:?} is nearer the left edge than the header",
            row.text
        );
    }
    for g in &turned.glyphs {
        // turned.y runs across the page from its left edge, turned.x up from its bottom edge
        let (left, right) = (mm(g.y_top), mm(g.y_bottom));
        let (top, bottom) = (297.0 - mm(g.x_max), 297.0 - mm(g.x));
        assert!(
            left > 28.0 - 1.0 && right < 184.0 + 1.0,
            "{what}: {:?} outside the type area's width ({left:.1}-{right:.1} mm)",
            g.text
        );
        assert!(
            top > 37.0 - 1.0 && bottom < 262.0 + 1.0,
            "{what}: {:?} outside the type area's height ({top:.1}-{bottom:.1} mm)",
            g.text
        );
    }
}

/// Whitespace-separated tokens of the turned lines of `pages` (cells of a row are apart).
fn turned_tokens(pdf: &Pdf, pages: &[usize]) -> Vec<String> {
    pages
        .iter()
        .flat_map(|&i| pdf.pages[i].turned().lines())
        .flat_map(|l| {
            l.text
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// `2025年3月1日`: a whole date, as one token.
fn is_date(t: &str) -> bool {
    let Some(rest) = t.strip_suffix('日') else {
        return false;
    };
    let parts: Vec<&str> = rest.split(['年', '月']).collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

// ------------------------------------------------------------------------------------------------
// Content that is long, wide or odd

/// 开张镇 with `n` tasks: the responsibility list of its action plan has `n` rows, every one due
/// 2025年12月31日.
fn town_with_tasks(n: usize) -> String {
    let base = std::fs::read_to_string(common::sample().join("towns/kaizhang.yaml")).unwrap();
    let (head, rest) = base.split_once("\ntasks:\n").unwrap();
    let problems = &rest[rest.find("\nproblems:").unwrap()..];
    let mut yaml = format!("{head}\ntasks:\n");
    for i in 1..=n {
        yaml.push_str(&format!(
            "  - title: 推进冬枣产业第{i}项重点工作\n    measures: [落实用地和资金保障措施{i}, 按月调度推进]\n    target: 新增冷库容量{i}00吨\n    lead: 开张镇人民政府\n    support: [市农业农村局, 市自然资源局]\n    responsible: 李{i:02}\n    deadline: 2025-12-31\n    status: 进行中\n    progress: 50%\n"
        ));
    }
    yaml + problems
}

/// 开张镇 with 200 problems (2025-Q1-101 …), of every status, some with long descriptions.
fn town_with_problems(n: usize) -> String {
    let base = std::fs::read_to_string(common::sample().join("towns/kaizhang.yaml")).unwrap();
    let head = base.split("\nproblems:").next().unwrap();
    let mut yaml = format!("{head}\nproblems:\n");
    for i in 0..n {
        let (month, day) = (1 + i % 3, 1 + i % 28);
        let description = if i % 7 == 0 {
            "部分枣农冷链设施不足，损耗较高，冬枣错峰销售能力弱，影响种植户收益和产业链延伸"
                .to_owned()
        } else {
            format!("冷链设施不足{i}")
        };
        let status = match i % 3 {
            0 => "已整改\n    closed_on: 2025-04-30".to_owned(),
            1 => "整改中".to_owned(),
            _ => "未整改".to_owned(),
        };
        yaml.push_str(&format!(
            "  - id: 2025-Q1-{:03}\n    found: 2025-{month:02}-{day:02}\n    source: {}\n    description: {description}\n    measures: 推进冷库建设\n    unit: 开张镇人民政府\n    person: 李娜\n    deadline: 2025-12-31\n    status: {status}\n",
            101 + i,
            if i % 2 == 0 { "专项检查" } else { "年度目标责任考核" },
        ));
    }
    yaml
}

// ------------------------------------------------------------------------------------------------
// The typesetter, for bodies of an exact length

/// A gongwen document of `lines` full body lines (28 characters each), then a 版记.
fn notice_of_lines(lines: usize) -> Pdf {
    let filler = "永济市专业镇高质量发展行动计划推动产业集群成链打造知名品牌强化要素保障";
    let body: String = filler.chars().cycle().take(28 * lines).collect();
    typeset(&format!(
        "#set par(first-line-indent: 0pt)\n{body}\n\n{COLOPHON}"
    ))
}

const COLOPHON: &str =
    "#colophon(cc: \"市委办公室。\", issuer: \"永济市人民政府办公室\", date: \"2025年3月31日\")\n";

/// Typesets `markup` on the gongwen layout.
fn typeset(markup: &str) -> Pdf {
    let out = zyz::export::pdf::typeset(&ENGINE, &job(gongwen(markup)))
        .unwrap_or_else(|e| panic!("typeset failed: {e:#?}"));
    Pdf::from_bytes(&out.pdf).unwrap()
}

// ------------------------------------------------------------------------------------------------
// The tests

/// Every document of the shipped sample: A4 portrait; every page numbered on its side but a blank
/// page and the 版记 page after it; every 版记 at the foot of an even last page.
#[test]
fn every_sample_document_is_portrait_numbered_and_ends_its_colophon_on_an_even_page() {
    let out = tempfile::tempdir().unwrap();
    build(&common::sample(), out.path(), &[]);
    let mut pdfs = Vec::new();
    let mut dirs = vec![out.path().to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                pdfs.push(path);
            }
        }
    }
    assert!(pdfs.len() >= 20, "{} documents", pdfs.len());
    let mut colophons = 0;
    for path in &pdfs {
        let what = path.strip_prefix(out.path()).unwrap().display().to_string();
        let pdf = Pdf::open(path).unwrap();
        let n = pdf.pages.len();
        assert_a4_portrait(&pdf, &what);
        let blank: Vec<usize> = (1..=n)
            .filter(|&p| pdf.pages[p - 1].glyphs.is_empty())
            .collect();
        let has_colophon = pdf
            .pages
            .iter()
            .any(|p| p.lines().iter().any(|l| squeeze(&l.text).ends_with("印发")));
        if has_colophon {
            colophons += 1;
            assert_colophon_at_foot_of_even_last_page(&pdf, &what);
            assert!(
                blank.is_empty() || blank == [n - 1],
                "{what}: blank pages {blank:?}"
            );
            let unnumbered = if blank.is_empty() {
                vec![]
            } else {
                vec![n - 1, n]
            };
            assert_page_numbers(&pdf, &unnumbered, &what);
        } else {
            assert!(blank.is_empty(), "{what}: blank pages {blank:?}");
            assert_page_numbers(&pdf, &[], &what);
        }
    }
    // the city plan, the ranking, the commendation and the supervision notices
    assert!(colophons >= 4, "{colophons} documents with a 版记");
}

/// A notice whose banner, title, body and signature fit on page 1 (the 版记 would fit under
/// them): the 版记 goes to the bottom of page 2, which is numbered (no blank page before it).
#[test]
fn a_one_page_notice_has_its_colophon_on_a_numbered_page_two() {
    let pdf = typeset(&format!(
        "#banner(organ: \"永济市人民政府办公室\", number: \"永政办发〔2025〕3号\")\n#doc-title[关于召开专业镇建设推进会的通知]\n#recipients[各镇人民政府、街道办事处：]\n\n定于2025年4月8日召开全市专业镇建设推进会，请各镇（街道）分管负责同志参加。\n\n#signature(organ: \"永济市人民政府办公室\", date: \"2025年3月31日\")\n{COLOPHON}"
    ));
    assert_eq!(
        pdf.pages.len(),
        2,
        "the notice on page 1, the 版记 on page 2"
    );
    let first = squeeze(&pdf.pages[0].text());
    assert!(first.contains("推进会的通知") && first.contains("2025年3月31日"));
    assert!(!first.contains("印发"), "the 版记 is not on page 1");
    assert_colophon_at_foot_of_even_last_page(&pdf, "one-page notice");
    assert_page_numbers(&pdf, &[], "one-page notice");
}

/// Bodies of an exact number of full lines (22 a page): the 版记 under the body on an even page
/// when there is room, on page 2 after a body on page 1, and two pages on (a blank page between,
/// neither numbered) when the body ends at the foot of an even page.
#[test]
fn the_colophon_moves_to_an_even_page_and_after_a_blank_page_goes_unnumbered() {
    // (body lines, pages, unnumbered pages)
    let cases: [(usize, usize, &[usize]); 5] = [
        (10, 2, &[]),
        (22, 2, &[]),
        (30, 2, &[]),
        (43, 4, &[3, 4]),
        (44, 4, &[3, 4]),
    ];
    for (lines, pages, unnumbered) in cases {
        let what = format!("{lines} body lines");
        let pdf = notice_of_lines(lines);
        assert_eq!(pdf.pages.len(), pages, "{what}: pages");
        assert_colophon_at_foot_of_even_last_page(&pdf, &what);
        assert_page_numbers(&pdf, unnumbered, &what);
        if pages == 4 {
            assert!(pdf.pages[2].glyphs.is_empty(), "{what}: page 3 is blank");
            let body = pdf.pages[1]
                .lines()
                .into_iter()
                .filter(|l| (l.size - 16.0).abs() < 0.1)
                .count();
            assert_eq!(body, lines - 22, "{what}: body lines on page 2");
        }
    }
}

/// The responsibility list of a town with 60 tasks: turned onto A4 portrait pages, head towards
/// the left edge, the header on every page, every row there, no date or status wrapped.
#[test]
fn a_60_row_responsibility_list_runs_over_turned_portrait_pages() {
    let project = common::Project::sample();
    project.write("towns/kaizhang.yaml", town_with_tasks(60));
    let out = tempfile::tempdir().unwrap();
    build(
        &project.content(),
        out.path(),
        &["--kind", "action-plan", "--town", "kaizhang"],
    );
    let pdf = Pdf::open(&out.path().join("2025/towns/kaizhang/action-plan.pdf")).unwrap();
    assert_a4_portrait(&pdf, "action plan");
    assert_page_numbers(&pdf, &[], "action plan");
    let list = turned_pages(&pdf);
    assert!(list.len() >= 3, "60 rows take several pages: {list:?}");
    assert_eq!(
        *list.last().unwrap(),
        pdf.pages.len() - 1,
        "the list ends the document"
    );
    assert!(
        squeeze(&pdf.pages[list[0]].turned().text()).starts_with("附件1"),
        "the attachment's head opens the first turned page"
    );
    let header = [
        "序号",
        "重点任务",
        "具体措施",
        "量化目标",
        "牵头单位",
        "配合单位",
        "责任人",
        "完成时限",
        "进展",
    ];
    for &i in &list {
        let what = format!("action plan, page {}", i + 1);
        assert_turned_table_page(&pdf.pages[i], &header, "李", &what);
    }
    let tokens = turned_tokens(&pdf, &list);
    for i in 1..=60 {
        let name = format!("李{i:02}");
        assert_eq!(tokens.iter().filter(|t| **t == name).count(), 1, "{name}");
    }
    let dates = tokens.iter().filter(|t| is_date(t)).count();
    assert_eq!(dates, 60, "every 完成时限 whole on one line");
    let status = tokens.iter().filter(|t| t.starts_with("进行中")).count();
    assert_eq!(status, 60, "every 进展 whole on one line");
}

/// A ledger of 200 problems: turned portrait pages with the header on each, every problem there,
/// and no date, status or id cell wrapped.
#[test]
fn a_ledger_of_200_problems_runs_over_turned_portrait_pages() {
    let project = common::Project::sample();
    project.write("towns/kaizhang.yaml", town_with_problems(200));
    let out = tempfile::tempdir().unwrap();
    build(&project.content(), out.path(), &["--kind", "ledger"]);
    let pdf = Pdf::open(&out.path().join("2025/city/ledger.pdf")).unwrap();
    assert_a4_portrait(&pdf, "ledger");
    assert_page_numbers(&pdf, &[], "ledger");
    let pages = turned_pages(&pdf);
    assert_eq!(pages.len(), pdf.pages.len(), "every page is turned");
    assert!(pages.len() >= 6, "200 problems take several pages");
    let header = common::LEDGER_HEADER;
    for &i in &pages {
        let page = &pdf.pages[i];
        if squeeze(&page.turned().text()).contains("2025-Q1-") {
            let what = format!("ledger, page {}", i + 1);
            assert_turned_table_page(page, &header, "2025-Q1-", &what);
        }
    }
    let tokens = turned_tokens(&pdf, &pages);
    for i in 101..=300 {
        let id = format!("2025-Q1-{i}");
        assert!(tokens.contains(&id), "{id} whole on one line");
    }
    // every problem has its 发现时间 and 整改时限, the fixed ones a 销号日期 too
    let problems: Vec<_> = zyz::model::load(&project.content())
        .unwrap()
        .content
        .towns
        .into_iter()
        .flat_map(|t| t.problems)
        .collect();
    assert_eq!(problems.len(), 205, "200 and the sample's other 5");
    let closed = problems.iter().filter(|p| p.closed_on.is_some()).count();
    let dates = tokens.iter().filter(|t| is_date(t)).count();
    assert_eq!(
        dates,
        2 * problems.len() + closed,
        "dates whole on one line"
    );
    // each row's 状态, and the three headers of the summary table on each of its pages
    let status = |t: &String| ["已整改", "整改中", "未整改"].contains(&t.as_str());
    let summary_heads = tokens.iter().filter(|t| *t == "问题数").count();
    assert_eq!(
        tokens.iter().filter(|t| status(t)).count(),
        problems.len() + 3 * summary_heads,
        "statuses whole on one line"
    );
}

/// The ranking of 1,000 generated towns: A4 portrait, every page numbered on its side, the 版记
/// at the foot of an even last page, and every town's name whole on one line of the table.
#[test]
fn a_ranking_of_1000_towns_keeps_names_whole_and_its_colophon_on_an_even_page() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let status = std::process::Command::new("python3")
        .arg(common::repo().join("benches/gen-towns.py"))
        .arg("1000")
        .arg(&content)
        .arg("--content")
        .arg(common::sample())
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let out = dir.path().join("out");
    build(&content, &out, &["--kind", "ranking"]);
    let pdf = Pdf::open(&out.join("2025/city/ranking.pdf")).unwrap();
    assert_a4_portrait(&pdf, "ranking");
    let n = pdf.pages.len();
    assert!(n >= 20, "1,000 rows: {n} pages");
    assert_colophon_at_foot_of_even_last_page(&pdf, "ranking");
    let blank = n >= 2 && pdf.pages[n - 2].glyphs.is_empty();
    let unnumbered = if blank { vec![n - 1, n] } else { vec![] };
    assert_page_numbers(&pdf, &unnumbered, "ranking");
    let tokens: Vec<String> = pdf
        .pages
        .iter()
        .flat_map(|p| p.lines())
        .flat_map(|l| {
            l.text
                .split_whitespace()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    for i in 1..=1000 {
        let town = format!("测{i:04}镇");
        let street = format!("测{i:04}街道");
        assert!(
            tokens.contains(&town) || tokens.contains(&street),
            "town {i:04} whole on one line"
        );
    }
}

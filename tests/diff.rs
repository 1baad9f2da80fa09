//! What changed between two versions (issue 12), tried as an office would, in a git repository
//! the test makes: `zyz diff` between revisions, the 修改对照稿 (`--redline`), and `zyz text` as
//! git's diff driver for the archived PDFs. `zyz text` is checked against poppler's `pdftotext`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::pdf::Pdf;
use serde_json::Value;

/// A git repository holding a copy of the sample content and the templates.
struct Office {
    dir: tempfile::TempDir,
}

impl Office {
    fn new(commit: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        common::copy_dir(&common::sample(), &dir.path().join("content"));
        common::copy_dir(
            &common::repo().join("templates"),
            &dir.path().join("templates"),
        );
        let office = Office { dir };
        office.git(&["init", "-q"]);
        if commit {
            office.commit("sample");
        }
        office
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> Output {
        let out = Command::new("git")
            .current_dir(self.path())
            .args([
                "-c",
                "user.name=办公室",
                "-c",
                "user.email=office@example.cn",
            ])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            common::stderr(&out)
        );
        out
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", message]);
    }

    /// Replaces `from` by `to` in a content file (exactly once).
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.path().join("content").join(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches(from).count(), 1, "{from} once in {rel}");
        std::fs::write(&path, text.replace(from, to)).unwrap();
    }

    fn zyz(&self, args: &[&str]) -> Output {
        let fonts = common::repo().join("fonts").display().to_string();
        let mut all = args.to_vec();
        all.extend(["--fonts", &fonts]);
        common::zyz(self.path(), &all)
    }

    /// `zyz diff ARGS --format json`, its exit code and report.
    fn diff_json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["diff"];
        all.extend(args);
        all.extend(["--format", "json"]);
        let out = self.zyz(&all);
        let code = out.status.code().unwrap_or(-1);
        let report = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("json ({e}): {}", common::stderr(&out)));
        (code, report)
    }
}

/// The three edits of the issue: one task's lead unit, one town's output figure, a task title.
fn three_edits(office: &Office) {
    office.edit(
        "towns/kaizhang.yaml",
        "lead: 市市场监管局",
        "lead: 市工科局",
    );
    office.edit("towns/kaizhang.yaml", "value: 1.35亿元", "value: 1.42亿元");
    office.edit(
        "towns/kaizhang.yaml",
        "title: 冬枣电商直播培训",
        "title: 冬枣电商直播带货培训",
    );
}

fn documents<'a>(report: &'a Value, status: &str) -> BTreeMap<String, &'a Value> {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["status"] == status)
        .map(|d| (d["path"].as_str().unwrap().to_owned(), d))
        .collect()
}

/// The (old, new) texts of a document's changes.
fn pairs(doc: &Value) -> Vec<(String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    doc["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (text(&c["old"]), text(&c["new"])))
        .collect()
}

#[test]
fn three_edits_show_in_exactly_the_documents_that_print_them() {
    let office = Office::new(true);
    let (code, report) = office.diff_json(&[]);
    assert_eq!(code, 0, "nothing changed yet: {report}");
    three_edits(&office);
    let (code, report) = office.diff_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        (report["from"].as_str(), report["to"].as_str()),
        (Some("HEAD"), Some("working tree"))
    );
    let changed: BTreeSet<String> = documents(&report, "changed").into_keys().collect();
    let expected = [
        // the yearly report lists the overdue tasks by title
        "2025/city/annual-report.pdf",
        // the growth of the output figure moves 开张镇's score in the ranking and its notice
        "2025/city/ranking.pdf",
        "2025/towns/kaizhang/action-plan.pdf",
        "2025/towns/kaizhang/application.pdf",
    ];
    assert_eq!(changed, expected.iter().map(|s| s.to_string()).collect());
    // 开张镇's notice, which it also moves, is issued (the sample's register): frozen
    let frozen: BTreeSet<String> = documents(&report, "frozen").into_keys().collect();
    assert_eq!(
        frozen,
        BTreeSet::from(["2025/towns/kaizhang/supervision-notice.pdf".to_owned()])
    );
    assert!(documents(&report, "added").is_empty() && documents(&report, "removed").is_empty());

    let changed = documents(&report, "changed");
    let plan = pairs(changed["2025/towns/kaizhang/action-plan.pdf"]);
    let cells: Vec<&Value> = changed["2025/towns/kaizhang/action-plan.pdf"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["place"]["what"] == "cell")
        .collect();
    let lead = cells
        .iter()
        .find(|c| c["place"]["column_name"] == "牵头单位")
        .expect("the lead cell");
    assert_eq!(
        (lead["old"].as_str(), lead["new"].as_str()),
        (Some("市市场监管局"), Some("市工科局"))
    );
    let title = cells
        .iter()
        .find(|c| c["place"]["column_name"] == "重点任务")
        .expect("the title cell");
    assert_eq!(
        (title["old"].as_str(), title["new"].as_str()),
        (Some("冬枣电商直播培训"), Some("冬枣电商直播带货培训"))
    );
    // the body paragraphs of those two tasks, and nothing else
    assert_eq!(plan.len(), 4, "{plan:?}");
    for (old, new) in &plan {
        let edited = (old.contains("市市场监管局") && new.contains("市工科局"))
            || (old.contains("冬枣电商直播培训") && new.contains("冬枣电商直播带货培训"));
        assert!(
            edited,
            "a change that is not one of the edits: {old} → {new}"
        );
    }
    let application = pairs(changed["2025/towns/kaizhang/application.pdf"]);
    assert!(!application.is_empty());
    for (old, new) in &application {
        assert!(
            old.contains("1.35亿元") && new.contains("1.42亿元"),
            "{old} → {new}"
        );
    }

    // the human report names the places with the changed characters marked
    let out = office.zyz(&["diff"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("table 1 row 3, 牵头单位 (p. 3): 市[-市场监管-]{+工科+}局"),
        "{text}"
    );
    assert!(text.contains("冬枣电商直播{+带货+}培训"), "{text}");
    assert!(
        text.contains("4 changed, 0 added, 0 removed, 25 unchanged, 1 issued (frozen)"),
        "{text}"
    );
}

#[test]
fn the_redline_strikes_the_old_unit_and_underlines_the_new_one() {
    let office = Office::new(true);
    three_edits(&office);
    let dir = office.path().join("redline");
    let out = office.zyz(&["diff", "--redline", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    // The layout check runs on each redline and finds nothing: the note in the header is page
    // furniture, like the page number, and the text on both sides of a marked run gives back the
    // tracking its run end loses, so no line breaks a character early (issue 26).
    let stderr = common::stderr(&out);
    let layout: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning[layout."))
        .collect();
    assert!(layout.is_empty(), "{stderr}");
    let file = dir.join("2025/towns/kaizhang/action-plan.pdf");
    let pdf = Pdf::open(&file).unwrap();
    let text: String = pdf.text().split_whitespace().collect();
    assert!(
        text.contains("修改对照稿：HEAD→工作区"),
        "the note heads the page"
    );
    // the old unit kept in place, the new one after it
    assert!(text.contains("由市市场监管工科局牵头"), "{text}");

    let red = |s: &&common::pdf::Stroke| s.rgb[0] > 0.8 && s.rgb[1] < 0.1 && s.rgb[2] < 0.2;
    let page = &pdf.pages[0];
    let glyphs = |word: &str| -> Vec<&common::pdf::Glyph> {
        let chars: Vec<&common::pdf::Glyph> = page.glyphs.iter().collect();
        let n = word.chars().count();
        let at = (0..chars.len() - n)
            .find(|&i| {
                chars[i..i + n]
                    .iter()
                    .map(|g| g.text.as_str())
                    .collect::<String>()
                    == word
            })
            .unwrap_or_else(|| panic!("{word} on page 1"));
        chars[at..at + n].to_vec()
    };
    let covered = |word: &str, under: bool| {
        let gs = glyphs(word);
        let (x0, x1) = (gs[0].x, gs[gs.len() - 1].x_max);
        let (top, bottom, base) = (gs[0].y_top, gs[0].y_bottom, gs[0].baseline);
        page.strokes.iter().filter(red).any(|s| {
            let y = s.from.1;
            let spans = s.from.0.min(s.to.0) <= x0 + 0.5 && s.from.0.max(s.to.0) >= x1 - 0.5;
            let level = if under {
                y > base && y < bottom + 4.0
            } else {
                y > top && y < base
            };
            spans && level && (s.from.1 - s.to.1).abs() < 0.01
        })
    };
    assert!(
        covered("场监管", false),
        "the deleted unit is struck through in red"
    );
    assert!(
        covered("工科", true),
        "the inserted unit is underlined in red"
    );
    assert!(
        !covered("牵头", true) && !covered("牵头", false),
        "unchanged text is not marked"
    );
}

#[test]
fn added_and_removed_towns_and_bad_revisions() {
    let office = Office::new(true);
    std::fs::remove_file(office.path().join("content/towns/chengdong.yaml")).unwrap();
    let out = common::zyz(office.path(), &["new", "town", "xinzhen", "--name", "新镇"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let (code, report) = office.diff_json(&[]);
    assert_eq!(code, 1);
    let added: BTreeSet<String> = documents(&report, "added").into_keys().collect();
    let removed: BTreeSet<String> = documents(&report, "removed").into_keys().collect();
    assert!(
        // a new town is at 培育: it makes a cultivation plan
        added.contains("2025/towns/xinzhen/cultivation-plan.pdf"),
        "{added:?}"
    );
    assert!(
        added.iter().all(|p| p.starts_with("2025/towns/xinzhen/")),
        "{added:?}"
    );
    assert!(
        removed.contains("2025/towns/chengdong/cultivation-plan.pdf"),
        "{removed:?}"
    );
    assert!(
        removed
            .iter()
            .all(|p| p.starts_with("2025/towns/chengdong/")),
        "{removed:?}"
    );

    // between two commits, the working tree aside
    office.commit("towns");
    let (code, report) = office.diff_json(&["HEAD~1", "HEAD"]);
    assert_eq!(code, 1);
    assert_eq!(documents(&report, "added").len(), added.len());
    let (code, _) = office.diff_json(&["HEAD", "HEAD"]);
    assert_eq!(code, 0);

    let out = office.zyz(&["diff", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("there is no revision `no-such-rev`"),
        "{}",
        common::stderr(&out)
    );

    let empty = Office::new(false);
    let out = empty.zyz(&["diff"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("has no commits yet"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn git_log_shows_the_changed_paragraph_of_an_archived_pdf() {
    let office = Office::new(false);
    let build = |o: &Office| {
        let out = o.zyz(&["build", "-q"]);
        assert!(
            out.status.code().unwrap_or(9) <= 1,
            "{}",
            common::stderr(&out)
        );
    };
    std::fs::write(office.path().join(".gitattributes"), "*.pdf diff=zyz\n").unwrap();
    let textconv = format!("{} text", env!("CARGO_BIN_EXE_zyz"));
    office.git(&["config", "diff.zyz.textconv", &textconv]);
    build(&office);
    office.commit("sample");
    office.edit(
        "towns/kaizhang.yaml",
        "lead: 市市场监管局",
        "lead: 市工科局",
    );
    build(&office);
    office.commit("lead unit");
    let log = office.git(&[
        "log",
        "-p",
        "-1",
        "--",
        "output/2025/towns/kaizhang/action-plan.pdf",
    ]);
    let log = String::from_utf8_lossy(&log.stdout);
    assert!(!log.contains("Binary files"), "{log}");
    let minus = log
        .lines()
        .find(|l| l.starts_with("-（二）老粗布商标注册"))
        .expect(&log);
    let plus = log
        .lines()
        .find(|l| l.starts_with("+（二）老粗布商标注册"))
        .expect(&log);
    assert!(minus.contains("由市市场监管局牵头") && plus.contains("由市工科局牵头"));
    assert!(log.contains("-2 | 老粗布商标注册与品牌推广 | 1．注册集体商标；2．参加展销会 | 注册集体商标1件 | 市市场监管局 |"), "{log}");
}

#[test]
fn zyz_text_reads_what_poppler_reads() {
    let out = common::repo().join("output");
    let mut pdfs: Vec<PathBuf> = walk(&out, "pdf");
    pdfs.sort();
    assert!(pdfs.len() >= 20);
    let first = common::zyz(
        &common::repo(),
        &["text", "output/2025/towns/kaizhang/action-plan.pdf"],
    );
    let text = String::from_utf8_lossy(&first.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "开张冬枣专业镇2025年度行动计划");
    assert_eq!(lines[2], "一、年度目标");
    assert!(lines.contains(
        &"序号 | 重点任务 | 具体措施 | 量化目标 | 牵头单位 | 配合单位 | 责任人 | 完成时限 | 进展"
    ));
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!(
            "skipped the poppler cross-check: pdftotext is not installed (apt-get install poppler-utils)"
        );
        return;
    }
    for pdf in pdfs {
        let ours = common::zyz(&common::repo(), &["text", pdf.to_str().unwrap()]);
        assert!(ours.status.success(), "{}", common::stderr(&ours));
        let ours = String::from_utf8_lossy(&ours.stdout).replace(" | ", "");
        let theirs = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let theirs = String::from_utf8_lossy(&theirs.stdout).into_owned();
        // poppler reads the page numbers and each repeated table header; zyz reads neither
        let read = zyz::extract::read(&std::fs::read(&pdf).unwrap()).unwrap();
        let headers: String = read
            .blocks
            .iter()
            .filter(|b| matches!(b.kind, zyz::extract::Kind::Row { header: true, .. }))
            .map(|b| b.text())
            .collect();
        let mut left = counts(&theirs);
        // A range may break after its hyphen ("（2024-" / "2025年）", issue 26), and poppler
        // takes a hyphen ending a line for a word break and drops it: hyphens are not compared.
        for c in ours.chars().filter(|c| !c.is_whitespace() && *c != '-') {
            let n = left.entry(c).or_insert(0);
            assert!(
                *n > 0,
                "{}: zyz reads {c:?} more often than poppler",
                pdf.display()
            );
            *n -= 1;
        }
        let rest: String = left
            .iter()
            .flat_map(|(c, n)| std::iter::repeat_n(*c, *n))
            .collect();
        for c in rest.chars() {
            let furniture = c.is_ascii_digit() || c == '—' || c == '-' || headers.contains(c);
            assert!(
                furniture,
                "{}: poppler reads {c:?} that zyz text misses ({rest})",
                pdf.display()
            );
        }
    }
}

#[test]
fn zyz_text_reads_the_ofd_files_as_drawn() {
    let mut ofds: Vec<PathBuf> = walk(&common::repo().join("output"), "ofd");
    ofds.sort();
    assert!(ofds.len() >= 20, "the sample writes OFD beside every PDF");
    let first = common::zyz(
        &common::repo(),
        &["text", "output/2025/towns/kaizhang/action-plan.ofd"],
    );
    let text = String::from_utf8_lossy(&first.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "开张冬枣专业镇2025年度行动计划",
            "为落实《永济市促进专业镇高质量发展行动计划（2024-"
        ]
    );
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!(
            "skipped the poppler cross-check: pdftotext is not installed (apt-get install poppler-utils)"
        );
        return;
    }
    // The same characters as poppler reads from the PDF beside it (page numbers included: OFD
    // text is everything drawn).
    for ofd in ofds {
        let ours = common::zyz(&common::repo(), &["text", ofd.to_str().unwrap()]);
        assert!(ours.status.success(), "{}", common::stderr(&ours));
        let pdf = ofd.with_extension("pdf");
        let theirs = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let ours = counts(&String::from_utf8_lossy(&ours.stdout));
        assert_eq!(
            ours,
            counts(&String::from_utf8_lossy(&theirs.stdout)),
            "{}",
            ofd.display()
        );
    }
}

/// Characters and their counts, hyphens left out (poppler drops a hyphen that ends a line: a range
/// of numbers may break after its hyphen, issue 26 §4).
fn counts(text: &str) -> BTreeMap<char, usize> {
    let mut out = BTreeMap::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        *out.entry(c).or_insert(0) += 1;
    }
    out
}

fn walk(dir: &Path, extension: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path, extension));
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
    out
}

/// An issued document (in content/register.yaml on both sides) whose data changed is reported as
/// issued and frozen, with the correction it needs, never as a change to review (issue 23).
#[test]
fn an_issued_document_whose_data_changed_is_frozen_not_changed() {
    let office = Office::new(false);
    let content = office.path().join("content").display().to_string();
    let out = office.path().join("output").display().to_string();
    let templates = office.path().join("templates").display().to_string();
    let project = [
        "--content",
        content.as_str(),
        "--out",
        out.as_str(),
        "--templates",
        templates.as_str(),
    ];
    let mut build = vec!["build", "-q"];
    build.extend(project);
    common::archive(
        &office.path().join("content"),
        &office.path().join("output"),
    );
    let made = office.zyz(&build);
    assert!(made.status.success(), "{}", common::stderr(&made));
    let mut issue = vec!["issue", "2025/city/ranking.pdf"];
    issue.extend(project);
    let issued = office.zyz(&issue);
    assert!(issued.status.success(), "{}", common::stderr(&issued));
    std::fs::write(office.path().join(".gitignore"), "output/\n").unwrap();
    office.commit("ranking issued");
    // kaizhang's figure moves the ranking, which was issued: its PDF stays as issued
    office.edit("towns/kaizhang.yaml", "value: 1.35亿元", "value: 1.42亿元");
    let (code, report) = office.diff_json(&[]);
    assert_eq!(code, 1, "kaizhang's own documents did change");
    let frozen = documents(&report, "frozen");
    let ranking = frozen
        .get("2025/city/ranking.pdf")
        .unwrap_or_else(|| panic!("ranking frozen: {report:#}"));
    assert_eq!(
        ranking["issued"],
        serde_json::json!([
            "永专领办发〔2025〕18号",
            "已印发：数据在印发后有改动，需另行发文更正"
        ])
    );
    assert!(ranking.get("changes").is_none(), "{ranking:#}");
    assert!(!documents(&report, "changed").contains_key("2025/city/ranking.pdf"));
    assert!(documents(&report, "changed").contains_key("2025/towns/kaizhang/application.pdf"));
    let human = office.zyz(&["diff"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("issued   2025/city/ranking.pdf\n  永专领办发〔2025〕18号 已印发：数据在印发后有改动，需另行发文更正"),
        "{text}"
    );
    // 开张镇's notice, issued in the sample, moves with the figure too
    assert!(text.contains("2 issued (frozen)"), "{text}");
}

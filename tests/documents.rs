//! The document set on the shipped sample: the real binary builds every kind into a temporary
//! folder, and each document's extracted text is checked for the office's data, formatted as
//! offices write it. Plus a generated long town (60 tasks, a 300-character task, a 40-character
//! government name) that must break well.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::pdf::Pdf;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs `zyz build` with the given content folder into `out`; panics with its output when a
/// document was not built.
fn build(content: &Path, out: &Path, extra: &[&str]) {
    common::archive(content, out);
    let output =
        Command::new(std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into()))
            .arg("build")
            .arg("--quiet")
            .arg("--content")
            .arg(content)
            .arg("--templates")
            .arg(repo("templates"))
            .arg("--fonts")
            .arg(repo("fonts"))
            .arg("--out")
            .arg(out)
            .args(extra)
            .output()
            .expect("zyz runs");
    // the sample has a town that does not meet the standard: that is exit 1 with every document
    // built (its application says so), so what matters is that no document failed
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1)) && !stderr.contains("was not built"),
        "zyz build failed ({:?}):\n{stderr}",
        output.status,
    );
}

/// The sample, built once for all tests of this file.
fn sample() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build(&repo("content"), dir.path(), &[]);
        dir
    })
    .path()
}

/// The text of a built document with all whitespace removed (lines wrap anywhere in Chinese).
fn text(rel: &str) -> String {
    let pdf = Pdf::open(&sample().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    squeeze(&pdf.text())
}

/// Whitespace and page numbers removed: lines wrap anywhere in Chinese, pages anywhere.
fn squeeze(s: &str) -> String {
    without_page_numbers(&squeeze_space(s))
}

fn squeeze_space(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{c}')
        .collect()
}

fn loaded() -> zyz::model::Content {
    zyz::model::load(&repo("content")).unwrap().content
}

#[test]
fn every_kind_is_built_and_in_the_manifest() {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sample().join("manifest.json")).unwrap()).unwrap();
    let docs = manifest["documents"].as_array().unwrap();
    // a reminder or a circular exists only once an issued notice's deadline has passed (the
    // sample has no register): tests/cycle.rs builds them; an opinion summary once drafts came
    // back (the sample has no opinions.yaml): tests/docx_import.rs builds one
    let follow_ups = ["reminder", "circular", "opinion-summary"];
    for kind in zyz::plan::KINDS.iter().filter(|k| !follow_ups.contains(k)) {
        assert!(
            docs.iter().any(|d| d["kind"] == *kind),
            "no {kind} in the manifest"
        );
    }
    for d in docs {
        assert!(sample().join(d["path"].as_str().unwrap()).is_file(), "{d}");
    }
    assert!(sample().join("2025/city/ledger.xlsx").is_file());
}

/// GB/T 9704: the signature never stands on a page without body text; when it does not fit
/// below the body, the spacing is tightened. The sample's covering notice is short and leaves
/// about 4½ grid lines under it for the attachment note (2 lines), the organ, the date and the note.
#[test]
fn the_city_plans_signature_shares_its_page_with_the_body() {
    let pdf = Pdf::open(&sample().join("2025/city/action-plan.pdf")).unwrap();
    // the list is turned on its pages (GB/T 9704 §8): read it the way a reader turns the page
    let pages: Vec<String> = pdf
        .pages
        .iter()
        .map(|p| squeeze(&p.upright().text()) + &squeeze(&p.turned().text()))
        .collect();
    let signature = "永济市人民政府办公室2024年3月1日";
    let sig = pages
        .iter()
        .position(|p| p.contains(signature))
        .unwrap_or_else(|| panic!("no page holds the signature {signature}: {pages:#?}"));
    assert_eq!(sig, 0, "the signature is on the notice's first page");
    for part in [
        "贯彻落实。",
        "附件：永济市促进专业镇高质量发展行动计划",
        "（此件公开发布）",
    ] {
        assert!(pages[0].contains(part), "page 1 lacks {part}: {}", pages[0]);
    }
}

#[test]
fn city_plan_carries_the_seeds_twelve_tasks_and_units_verbatim() {
    let content = loaded();
    let t = text("2025/city/action-plan.pdf");
    let tasks: Vec<_> = content
        .plan
        .headings
        .iter()
        .flat_map(|h| &h.tasks)
        .collect();
    assert_eq!(tasks.len(), 12);
    for task in tasks {
        assert!(
            t.contains(&format!("{}.{}。", task.number, task.title)),
            "task {} {}",
            task.number,
            task.title
        );
        let mut units = format!("（{}牵头", task.lead.join("、"));
        if !task.responsible.is_empty() {
            units.push_str(&format!(
                "，{}按职责分工负责）",
                task.responsible.join("、")
            ));
        }
        assert!(t.contains(&units), "units of task {}: {units}", task.number);
    }
    let issued = content
        .plan
        .issue
        .date
        .unwrap_or(content.city.document_date);
    assert!(t.contains(&format!(
        "永政办发〔{}〕{}号",
        issued.year, content.plan.issue.serial
    )));
    assert!(t.contains(&issued.to_chinese()));
    assert!(t.contains("抄送："));
}

#[test]
fn applications_for_every_applying_town_with_the_checklist() {
    let content = loaded();
    let report = zyz::check::check(&content);
    let mut failing = 0;
    for town in content
        .towns
        .iter()
        .filter(|t| t.designation.stage == zyz::model::Stage::Applying)
    {
        let t = text(&format!("2025/towns/{}/application.pdf", town.id));
        assert!(t.contains(&town.name), "{}", town.id);
        assert!(t.contains("统一社会信用代码"));
        for e in town
            .enterprises
            .leading
            .iter()
            .chain(&town.enterprises.supporting)
        {
            assert!(t.contains(e.credit_code.as_str()), "{} {}", town.id, e.name);
        }
        assert!(t.contains("认定条件对照表"));
        for opinion in ["镇政府", "主管部门", "推荐意见", "市政府"] {
            assert!(t.contains(opinion), "{} {opinion}", town.id);
        }
        let verdict = report.verdict(&town.id).unwrap();
        for row in &verdict.rows {
            assert!(
                t.contains(&squeeze(&row.criterion)),
                "{} {}",
                town.id,
                row.criterion
            );
        }
        let line = "本镇（街道）目前尚不符合认定标准";
        if verdict.meets {
            assert!(!t.contains(line), "{} meets the standard", town.id);
        } else {
            failing += 1;
            assert!(
                t.contains(line),
                "{} fails but its cover does not say so",
                town.id
            );
            assert!(t.contains("不符合"), "{}", town.id);
        }
        assert!(t.contains("2025年10月20日"));
    }
    assert!(
        failing > 0,
        "the sample has a town that does not meet the standard"
    );
    // not applying: no form
    assert!(!sample().join("2025/towns/chengxi/application.pdf").exists());
}

#[test]
fn applications_write_money_as_offices_do() {
    let t = text("2025/towns/kaizhang/application.pdf");
    assert!(t.contains("1.35亿元"), "{t}");
    assert!(t.contains("4200万元"));
    assert!(t.contains("开张冬枣专业镇"));
}

#[test]
fn town_plans_have_targets_tasks_and_the_responsibility_list() {
    let content = loaded();
    // a town at 培育 gets a cultivation plan instead (tests/cycle.rs)
    let cultivating = |t: &&zyz::model::Town| t.designation.stage == zyz::model::Stage::Cultivating;
    for town in content
        .towns
        .iter()
        .filter(|t| !t.tasks.is_empty() && !cultivating(t))
    {
        let t = text(&format!("2025/towns/{}/action-plan.pdf", town.id));
        assert!(
            t.contains("年度目标") && t.contains("重点任务"),
            "{}",
            town.id
        );
        assert!(t.contains("责任清单"));
        for header in [
            "序号",
            "具体措施",
            "量化目标",
            "牵头单位",
            "配合单位",
            "责任人",
            "完成时限",
        ] {
            assert!(t.contains(header), "{} {header}", town.id);
        }
        for task in &town.tasks {
            assert!(
                t.contains(&squeeze(&task.title)),
                "{} {}",
                town.id,
                task.title
            );
            assert!(t.contains(&task.deadline.to_chinese()));
        }
        assert!(t.contains(&town.government_name()));
    }
}

/// Who the rule picks on the sample, computed by the library.
fn outcome() -> (Vec<zyz::assess::Scored>, zyz::assess::Outcome) {
    let content = loaded();
    let a = content
        .assessment
        .as_ref()
        .expect("the sample has assessment.yaml");
    // the assessment's own day (the sample: 2025-09-05), else the document date
    let as_of = a.as_of.unwrap_or(content.city.document_date);
    let ranking = zyz::assess::score(&content.towns, a, as_of);
    let outcome = zyz::assess::select(&ranking, &a.selection);
    (ranking, outcome)
}

#[test]
fn supervision_notices_go_to_exactly_the_selected_towns() {
    let content = loaded();
    let (ranking, outcome) = outcome();
    let supervised: Vec<&str> = outcome.supervised.iter().map(|s| s.0.as_str()).collect();
    // kaizhang has tasks behind schedule in the sample; the last-ranked town is supervised too
    assert!(supervised.contains(&"kaizhang"), "{supervised:?}");
    assert!(supervised.contains(&ranking.last().unwrap().town.as_str()));
    for (i, town) in content.towns.iter().enumerate() {
        let path = sample().join(format!("2025/towns/{}/supervision-notice.pdf", town.id));
        assert_eq!(
            path.exists(),
            supervised.contains(&town.id.as_str()),
            "{} ({i})",
            town.id
        );
    }
    let register = content.register.as_ref().expect("the sample's register");
    for (id, _) in &outcome.supervised {
        let town = content.towns.iter().find(|t| &t.id == id).unwrap();
        let path = format!("2025/towns/{id}/supervision-notice.pdf");
        let t = text(&path);
        // the sample's notices are issued (2025-09-05): the archived PDF with its 文号
        let issued = register.entry(&path).expect("issued");
        assert!(
            t.contains(&format!("永专领办发〔2025〕{}号", issued.serial)),
            "{id}: {t}"
        );
        assert!(
            t.contains(&format!("{}：", town.government_name())),
            "{id} 主送"
        );
        assert!(
            t.contains("2025年10月5日前"),
            "{id}: deadline 30 days after 2025年9月5日"
        );
        for word in [
            "书面报告",
            "一事一文",
            "催办",
            "通报",
            "抄送：",
            "2025年9月5日",
        ] {
            assert!(t.contains(word), "{id} {word}");
        }
        // its place is a finding only for a town supervised for it (the last 2 places)
        let s = ranking.iter().find(|s| &s.town == id).unwrap();
        let low = s.rank as usize + 2 > ranking.len();
        assert_eq!(t.contains("评价排名靠后"), low, "{id}: {t}");
        assert_eq!(t.contains(&format!("排名第{}位", s.rank)), low, "{id}");
        for &task in &s.overdue_tasks {
            assert!(
                t.contains(&squeeze(&town.tasks[task].title)),
                "{id} overdue task"
            );
        }
        for &p in &s.open_problems {
            assert!(t.contains(&town.problems[p].id), "{id} open problem");
        }
    }
}

#[test]
fn ranking_and_commendation_follow_the_scores() {
    let (ranking, outcome) = outcome();
    let t = text("2025/city/ranking.pdf");
    for s in &ranking {
        assert!(t.contains(&s.name), "{}", s.name);
        assert!(t.contains(&s.score_text), "{} {}", s.name, s.score_text);
    }
    assert!(t.contains("永专领办发〔2025〕18号"));
    let c = text("2025/city/commendation.pdf");
    assert!(!outcome.commended.is_empty());
    let content = loaded();
    for town in &content.towns {
        let praised = outcome.commended.contains(&town.id);
        assert_eq!(
            c.contains(&format!("{}。", town.name)),
            praised,
            "{}",
            town.id
        );
    }
    assert!(c.contains("永专领办发〔2025〕19号"));
}

#[test]
fn ledger_lists_every_problem_with_totals_and_a_spreadsheet() {
    let content = loaded();
    let t = text("2025/city/ledger.pdf");
    let all: Vec<_> = content.towns.iter().flat_map(|t| &t.problems).collect();
    for p in &all {
        assert!(t.contains(&p.id), "{}", p.id);
    }
    // closed in the ledger itself or through a written report (开张镇's, 2025-09-26)
    let day = content.city.document_date;
    let fixed = content
        .towns
        .iter()
        .flat_map(|t| (0..t.problems.len()).map(move |k| t.problem_state(k, day).status))
        .filter(|&s| s == zyz::model::ProblemStatus::Fixed)
        .count();
    assert!(
        t.contains(&format!("共{}个问题，其中已整改{fixed}个", all.len())),
        "{t}"
    );
    for h in common::LEDGER_HEADER {
        assert!(t.contains(h), "{h}");
    }
    let xlsx = std::fs::read(sample().join("2025/city/ledger.xlsx")).unwrap();
    assert!(xlsx.starts_with(b"PK"));
}

#[test]
fn ledger_spreadsheet_is_byte_identical_across_builds() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    build(&repo("content"), a.path(), &["--kind", "ledger"]);
    build(&repo("content"), b.path(), &["--kind", "ledger", "--force"]);
    for f in ["2025/city/ledger.xlsx", "2025/city/ledger.pdf"] {
        assert_eq!(
            std::fs::read(a.path().join(f)).unwrap(),
            std::fs::read(b.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn editing_a_lead_unit_changes_exactly_that() {
    let project = common::Project::sample();
    let out = tempfile::tempdir().unwrap();
    let plan = std::fs::read_to_string(project.content().join("plan.yaml")).unwrap();
    // task 3's lead unit, 市发改局, becomes 市招商投资促进中心
    let marker = "      - number: 3\n";
    let at = plan.find(marker).unwrap();
    let lead = plan[at..]
        .find("        lead:\n          - \"市发改局\"")
        .unwrap()
        + at;
    let edited = format!(
        "{}{}",
        &plan[..lead],
        plan[lead..].replacen("\"市发改局\"", "\"市招商投资促进中心\"", 1)
    );
    project.write("plan.yaml", edited);
    build(&project.content(), out.path(), &["--kind", "action-plan"]);
    let after = squeeze(
        &Pdf::open(&out.path().join("2025/city/action-plan.pdf"))
            .unwrap()
            .text(),
    );
    let before = text("2025/city/action-plan.pdf");
    assert!(before.contains("（市发改局牵头，开发区管委会"));
    assert!(after.contains("（市招商投资促进中心牵头，开发区管委会"));
    // task 3 (the first 市发改局-led task; task 6 keeps its lead), and nothing else changed
    // (page numbers aside: a longer unit may move a line to the next page)
    assert_eq!(
        without_page_numbers(&before.replacen(
            "（市发改局牵头，开发区管委会",
            "（市招商投资促进中心牵头，开发区管委会",
            1
        )),
        without_page_numbers(&after)
    );
}

/// Text without the `—N—` page numbers.
fn without_page_numbers(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '—' {
            let digits = chars[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            if digits > 0 && chars.get(i + 1 + digits) == Some(&'—') {
                i += digits + 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// A town file with 60 tasks, one with a 300-character title, and a 40-character government name.
fn long_town() -> (String, String, String) {
    let base = std::fs::read_to_string(repo("content/towns/kaizhang.yaml")).unwrap();
    let government =
        "永济市开张镇人民政府（永济市开张冬枣产业发展服务中心暨镇农业农村综合服务中心站）"
            .to_owned();
    assert_eq!(government.chars().count(), 40);
    let long_title: String = "推动冬枣产业全链条提质增效和品牌化市场化数字化发展"
        .chars()
        .cycle()
        .take(300)
        .collect();
    let head = base.split("\ntasks:\n").next().unwrap();
    let head = head
        .replace("id: kaizhang", "id: longtown")
        .replace("name: 开张镇", "name: 长安镇")
        .replace(
            "kind: 镇\n",
            &format!("kind: 镇\ngovernment: {government}\n"),
        );
    let head = head.replace("开张冬枣专业镇", "长安冬枣专业镇");
    let mut yaml = format!("{head}\ntasks:\n");
    for i in 1..=60 {
        let title = if i == 7 {
            long_title.clone()
        } else {
            format!("任务{i:02}号")
        };
        yaml.push_str(&format!(
            "  - title: {title}\n    measures: [落实措施{i}]\n    target: 目标{i}\n    lead: 市工科局\n    support: [市发改局]\n    responsible: 李{i:02}\n    deadline: 2025-12-31\n    status: 进行中\n    progress: 50%\n"
        ));
    }
    (yaml, long_title, government)
}

#[test]
fn a_long_responsibility_list_breaks_well() {
    let project = common::Project::sample();
    let (yaml, long_title, government) = long_town();
    project.write("towns/longtown.yaml", yaml);
    let out = tempfile::tempdir().unwrap();
    build(
        &project.content(),
        out.path(),
        &["--kind", "action-plan", "--town", "longtown"],
    );
    let pdf = Pdf::open(&out.path().join("2025/towns/longtown/action-plan.pdf")).unwrap();
    let all = squeeze(&pdf.text());
    // the 300-character task wraps in the body and in its cell
    assert!(
        all.contains(&long_title),
        "the long title is whole in the body"
    );
    // the 40-character government name is whole in the signature (balanced lines)
    // the list is turned on its pages (GB/T 9704 §8): read it the way a reader turns the page
    let pages: Vec<String> = pdf
        .pages
        .iter()
        .map(|p| squeeze(&p.upright().text()) + &squeeze(&p.turned().text()))
        .collect();
    let list_start = pages
        .iter()
        .position(|p| p.contains("附件1"))
        .expect("the attachment");
    let sig_page = &pages[list_start - 1];
    assert!(
        sig_page.contains(&government),
        "the signature page holds the whole government name"
    );
    // the header is repeated on every page of the list
    let list = &pdf.pages[list_start..];
    assert!(
        list.len() >= 3,
        "60 rows take several pages, got {}",
        list.len()
    );
    for (i, page) in list.iter().enumerate() {
        let header = page.turned().lines().into_iter().any(|l| {
            let t = squeeze(&l.text);
            [
                "序号",
                "重点任务",
                "具体措施",
                "量化目标",
                "牵头单位",
                "配合单位",
                "责任人",
                "完成时限",
            ]
            .iter()
            .all(|h| t.contains(h))
        });
        assert!(header, "page {} of the list has no header row", i + 1);
    }
    // every row is present
    let list_text: String = list.iter().map(|p| squeeze(&p.turned().text())).collect();
    for i in 1..=60 {
        if i != 7 {
            assert!(list_text.contains(&format!("任务{i:02}号")), "row {i}");
        }
        assert!(list_text.contains(&format!("李{i:02}")), "row {i}");
    }
    // the long title's cell wraps inside the table: nothing runs past the type area (turned,
    // its 225 mm run from 35 mm to 260 mm above the page's foot)
    for page in list {
        for line in page.turned().lines() {
            assert!(
                line.x_max <= common::pdf::pt(297.0 - 37.0) + 1.0,
                "{} ends at {}",
                line.text,
                line.x_max
            );
        }
    }
}

#[test]
fn assessment_settings_are_checked_with_their_location() {
    let project = common::Project::sample();
    let text = std::fs::read_to_string(project.content().join("assessment.yaml")).unwrap();
    let text = text
        .replace("weight: 30", "weight: 20")
        .replace("    full_count: 3000", "")
        .replace(
            "organ: leading-group-office\n  date: 2025-09-05\n  first_serial",
            "organ: nobody\n  date: 2025-09-05\n  first_serial",
        );
    project.write("assessment.yaml", text);
    let (lines, _, _) = common::run(&project.content());
    let ours: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("assessment.yaml"))
        .collect();
    assert!(
        ours.iter()
            .any(|l| l.contains("[assessment.weights] indicators | 指标权重之和为90，应为100")),
        "{ours:#?}"
    );
    assert!(
        ours.iter()
            .any(|l| l.contains("[assessment.full-marks] indicators[5]")),
        "{ours:#?}"
    );
    assert!(
        ours.iter()
            .any(|l| l.contains("[ref.unknown-organ] supervision.organ") && l.contains("`nobody`")),
        "{ours:#?}"
    );
    assert!(
        ours.iter().all(|l| !l.contains(":0:0 ")),
        "located: {ours:#?}"
    );
}

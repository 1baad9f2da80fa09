//! The register of issued documents (issue 11) as an office uses it: build, `zyz issue`, edit,
//! build again. Issued PDFs never change, numbers are never given twice, a damaged archive is
//! reported and left alone, and a broken register gets located messages.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Output;

use common::Project;
use common::pdf::Pdf;

/// `zyz check` of the project's content.
fn check(p: &Project) -> Output {
    let content = p.content().display().to_string();
    common::zyz(p.dir.path(), &["check", "--content", &content])
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// SHA-256 of every PDF in the output folder, by path relative to it.
fn pdfs(p: &Project) -> BTreeMap<String, Vec<u8>> {
    let out = p.dir.path().join("output");
    let mut all = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "pdf") {
            let rel = entry.path().strip_prefix(&out).unwrap();
            all.insert(
                rel.display().to_string(),
                std::fs::read(entry.path()).unwrap(),
            );
        }
    }
    all
}

/// The 永专领办发 文号 each PDF carries: the first one printed (its banner's; a follow-up's body
/// cites the notice's too), drafts' blank serials left out.
fn numbers(p: &Project) -> BTreeMap<String, BTreeSet<String>> {
    let mut by_number: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, bytes) in pdfs(p) {
        let text: String = Pdf::from_bytes(&bytes)
            .unwrap()
            .text()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let Some(i) = text.find("永专领办发〔") else {
            continue;
        };
        let tail = &text[i..];
        let end = tail.find('号').map_or(tail.len(), |j| j + '号'.len_utf8());
        if !tail[..end].ends_with("〕号") {
            by_number
                .entry(tail[..end].to_owned())
                .or_default()
                .insert(path.clone());
        }
    }
    by_number
}

/// A town falls to the bottom of the ranking: its latest output shrinks below the year before.
fn drop_in_ranking(p: &Project, town: &str, from: &str, to: &str) {
    let path = p.content().join(format!("towns/{town}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{town}.yaml holds {from}");
    std::fs::write(path, text.replace(from, to)).unwrap();
}

#[test]
fn issued_documents_stay_as_issued_and_numbers_are_never_given_twice() {
    let p = Project::unissued();
    assert!(code(&p.zyz("build", &["-q"])) <= 1);
    let dry = p.zyz(
        "issue",
        &[
            "--dry-run",
            "--kind",
            "supervision-notice",
            "--kind",
            "ranking",
        ],
    );
    assert_eq!(code(&dry), 0, "{}", common::stderr(&dry));
    assert!(
        !p.content().join("register.yaml").exists(),
        "--dry-run writes nothing"
    );
    let issued = p.zyz(
        "issue",
        &["--kind", "supervision-notice", "--kind", "ranking"],
    );
    assert_eq!(code(&issued), 0, "{}", common::stderr(&issued));
    let stdout = String::from_utf8_lossy(&issued.stdout).into_owned();
    assert!(
        stdout.contains("issued 2025/city/ranking.pdf as 永专领办发〔2025〕18号"),
        "{stdout}"
    );
    assert!(
        stdout
            .contains("issued 2025/towns/puzhou/supervision-notice.pdf as 永专领办发〔2025〕20号"),
        "{stdout}"
    );
    let before = pdfs(&p);
    let register = std::fs::read_to_string(p.content().join("register.yaml")).unwrap();
    let issued_paths: Vec<String> = before
        .keys()
        .filter(|k| register.contains(k.as_str()))
        .cloned()
        .collect();
    assert_eq!(
        issued_paths.len(),
        4,
        "ranking and three notices: {register}"
    );

    // 城北街道 falls to the bottom: the ranking changes and it is supervised too
    drop_in_ranking(
        &p,
        "chengbei",
        "{year: 2024, value: 2.6亿元}",
        "{year: 2024, value: 1.2亿元}",
    );
    let rebuilt = p.zyz("build", &[]);
    let stderr = common::stderr(&rebuilt);
    assert!(code(&rebuilt) <= 1, "{stderr}");
    assert!(
        stderr.contains("warning[issue.frozen]: 永专领办发〔2025〕18号 已印发，不再重新生成"),
        "{stderr}"
    );
    let after = pdfs(&p);
    for path in &issued_paths {
        assert!(
            after[path] == before[path],
            "{path} is byte-identical to the issued PDF"
        );
    }
    let changed: BTreeSet<&str> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(
        changed.contains("2025/towns/chengbei/supervision-notice.pdf"),
        "{changed:?}"
    );
    assert!(
        changed.iter().all(|k| k.contains("chengbei")
            || [
                "commendation",
                "annual-report",
                "designation-notice",
                "designation"
            ]
            .iter()
            .any(|kind| k.ends_with(&format!("city/{kind}.pdf")))
            // the notices just issued (2025-09-05) were due by 2025-10-05: as of the document
            // date the two towns with no written report get their reminders
            || ["puzhou", "zhangying"]
                .iter()
                .any(|town| k == &format!("2025/towns/{town}/reminder.pdf"))),
        "only 城北's documents, the city-wide drafts that name it and the reminders now due \
         change: {changed:?}"
    );
    // the new notice is a draft: its serial is left blank until it is issued
    let draft: String = Pdf::from_bytes(&after["2025/towns/chengbei/supervision-notice.pdf"])
        .unwrap()
        .text()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(
        draft.contains("永专领办发〔2025〕号"),
        "a blank serial: {draft}"
    );
    let issue = p.zyz("issue", &["2025/towns/chengbei/supervision-notice.pdf"]);
    assert_eq!(code(&issue), 0, "{}", common::stderr(&issue));
    assert!(
        String::from_utf8_lossy(&issue.stdout).contains("as 永专领办发〔2025〕23号"),
        "the next free serial: {}",
        String::from_utf8_lossy(&issue.stdout)
    );
    let numbers = numbers(&p);
    for (number, holders) in &numbers {
        assert_eq!(
            holders.len(),
            1,
            "{number} is in one document only: {holders:?}"
        );
    }
    let new_notice = numbers
        .iter()
        .find(|(_, h)| h.contains("2025/towns/chengbei/supervision-notice.pdf"))
        .map(|(n, _)| n.as_str());
    assert_eq!(
        new_notice,
        Some("永专领办发〔2025〕23号"),
        "issued with its number"
    );
    // the notice is dated 2025-09-05: by the document date its deadline has passed and, with no
    // written report from 城北街道, the next build makes its reminder
    assert!(code(&p.zyz("build", &["-q"])) <= 1);
    let after = pdfs(&p);
    assert!(after.contains_key("2025/towns/chengbei/reminder.pdf"));

    // a second build in a fresh process changes nothing
    let again = p.zyz("build", &["-q"]);
    assert!(code(&again) <= 1);
    assert!(
        pdfs(&p) == after,
        "byte-identical output from a fresh process"
    );
}

#[test]
fn a_changed_issued_pdf_is_reported_and_left_as_it_is() {
    let p = Project::unissued();
    assert!(code(&p.zyz("build", &["-q"])) <= 1);
    let issued = p.zyz("issue", &["2025/city/ranking.pdf"]);
    assert_eq!(code(&issued), 0, "{}", common::stderr(&issued));
    let file = p.dir.path().join("output/2025/city/ranking.pdf");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\n% edited\n");
    std::fs::write(&file, &bytes).unwrap();
    let build = p.zyz("build", &["--force"]);
    let stderr = common::stderr(&build);
    assert_eq!(code(&build), 1, "{stderr}");
    assert!(
        stderr.contains("error[issue.mismatch]: 已印发的 永专领办发〔2025〕18号 与登记时不同"),
        "{stderr}"
    );
    assert!(
        stderr.contains("output/2025/city/ranking.pdf"),
        "names the file: {stderr}"
    );
    assert_eq!(
        std::fs::read(&file).unwrap(),
        bytes,
        "--force does not typeset it again"
    );
}

#[test]
fn issue_refuses_what_is_not_built_or_carries_no_number_and_writes_nothing() {
    let p = Project::unissued();
    let unbuilt = p.zyz("issue", &["2025/city/ranking.pdf"]);
    assert_eq!(code(&unbuilt), 1);
    assert!(
        common::stderr(&unbuilt).contains("2025/city/ranking.pdf: not built, or not up to date"),
        "{}",
        common::stderr(&unbuilt)
    );
    assert!(code(&p.zyz("build", &["-q"])) <= 1);
    let plan = p.zyz(
        "issue",
        &[
            "2025/city/ranking.pdf",
            "2025/towns/qingtou/action-plan.pdf",
        ],
    );
    assert_eq!(code(&plan), 1);
    assert!(
        common::stderr(&plan).contains("a action-plan carries no 文号"),
        "{}",
        common::stderr(&plan)
    );
    assert!(
        !p.content().join("register.yaml").exists(),
        "all or nothing"
    );
    let unknown = p.zyz("issue", &["2025/city/nothing.pdf"]);
    assert_eq!(code(&unknown), 2, "a usage error");
}

/// One `error[rule]` line with its `-->` location, as `zyz check` prints them.
fn findings(o: &Output) -> Vec<String> {
    let text = String::from_utf8_lossy(&o.stdout).into_owned() + &common::stderr(o);
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("error[") && w[1].trim_start().starts_with("-->"))
        .map(|w| format!("{} {}", w[0], w[1].trim()))
        .collect()
}

#[test]
fn a_broken_register_gets_located_messages() {
    let p = Project::unissued();
    let entry = |organ: &str, serial: u32, path: &str, sha: &str| {
        format!(
            "  - organ: {organ}\n    year: 2025\n    serial: {serial}\n    kind: supervision-notice\n    title: 督办通知书\n    date: 2025-10-20\n    path: {path}\n    {sha}\n"
        )
    };
    let good = format!("sha256: {}", "a".repeat(64));
    let register = format!(
        "issued:\n{}{}{}",
        entry(
            "leading-group-office",
            20,
            "2025/towns/puzhou/supervision-notice.pdf",
            &good
        ),
        entry(
            "leading-group-office",
            20,
            "2025/towns/kaizhang/supervision-notice.pdf",
            &good
        ),
        entry(
            "no-such-office",
            30,
            "2025/towns/zhangying/supervision-notice.pdf",
            &good
        ),
    );
    p.write("register.yaml", &register);
    let found = findings(&check(&p));
    let root = p.content().display().to_string();
    let found: Vec<String> = found.iter().map(|l| l.replace(&root, "content")).collect();
    assert!(
        found.contains(&"error[register.duplicate]: 文号 永专领办发〔2025〕20号 已登记给 2025/towns/puzhou/supervision-notice.pdf（issued[0]），一个文号只能用一次 --> content/register.yaml:12:13".to_owned()),
        "{found:#?}"
    );
    assert!(
        found.contains(&"error[register.unknown-organ]: 发文机关 `no-such-office` 不在 city.yaml 的 organs 中 --> content/register.yaml:18:12".to_owned()),
        "{found:#?}"
    );
    p.write(
        "register.yaml",
        format!(
            "issued:\n{}",
            entry("leading-group-office", 20, "a.pdf", "sha: 12")
        ),
    );
    let found = findings(&check(&p));
    assert!(
        found.iter().any(|l| l
            .starts_with("error[field.unknown]: 未知字段 `sha`，是否想写 `sha256`？")
            && l.ends_with("register.yaml:9:5")),
        "{found:#?}"
    );
}

#[test]
fn a_yaml_serial_taken_by_an_issued_document_is_an_error_naming_both() {
    let p = Project::unissued();
    assert!(code(&p.zyz("build", &["-q"])) <= 1);
    assert_eq!(
        code(&p.zyz("issue", &["2025/towns/puzhou/supervision-notice.pdf"])),
        0
    );
    // the commendation is given the serial the notice was issued with
    let a = std::fs::read_to_string(p.content().join("assessment.yaml")).unwrap();
    p.write("assessment.yaml", a.replace("  serial: 19", "  serial: 20"));
    let check = check(&p);
    assert_eq!(code(&check), 1);
    let found = findings(&check);
    assert!(
        found.iter().any(|l| l.contains("error[wenhao.duplicate]: 2025/city/commendation.pdf 与 2025/towns/puzhou/supervision-notice.pdf 同为 永专领办发〔2025〕20号（已印发）")
            && l.contains("assessment.yaml:")),
        "{found:#?}"
    );
}

/// The text of one built PDF, whitespace removed.
fn text_of(p: &Project, path: &str) -> String {
    let pdf = Pdf::open(&p.dir.path().join("output").join(path)).unwrap();
    pdf.text().chars().filter(|c| !c.is_whitespace()).collect()
}

#[test]
fn a_draft_notice_leaves_its_serial_blank_or_provisional_and_may_carry_a_draft_marking() {
    let p = Project::unissued();
    let notice = "2025/towns/kaizhang/supervision-notice.pdf";
    assert!(code(&p.zyz("build", &["-q"])) <= 1);
    let draft = text_of(&p, notice);
    assert!(draft.contains("永专领办发〔2025〕号"), "{draft}");
    let a = std::fs::read_to_string(p.content().join("assessment.yaml")).unwrap();
    let a = a.replace(
        "supervision:\n",
        "supervision:\n  draft_number: provisional\n",
    );
    let a = a.replace("chart_bars:", "draft_marking: 征求意见稿\nchart_bars:");
    p.write("assessment.yaml", a);
    assert!(code(&p.zyz("build", &["-q"])) <= 1);
    let draft = text_of(&p, notice);
    assert!(draft.contains("永专领办发〔2025〕21号"), "{draft}");
    assert!(
        draft.contains("督办通知书（征求意见稿）开张镇人民政府："),
        "{draft}"
    );
    // issued, the notice carries no mark of a draft
    let issued = p.zyz("issue", &[notice]);
    assert_eq!(code(&issued), 0, "{}", common::stderr(&issued));
    let issued = text_of(&p, notice);
    assert!(!issued.contains("征求意见稿"), "{issued}");
    assert!(issued.contains("永专领办发〔2025〕21号"), "{issued}");
}

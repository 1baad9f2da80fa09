//! Proofreading (校对) as a user meets it: findings at the file, line and column of the
//! offending characters in `zyz check` (human and JSON) and `zyz build`; `zyz check --fix` on a
//! copy of the sample with mistakes planted in five files; `--show-allowed`; the skeleton's
//! placeholders; `zyz schema proofread`; the shipped sample proofreads clean.

mod common;

use std::path::Path;

use common::{Project, zyz};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Replaces the one occurrence of `from` in `rel` by `to`.
fn plant(p: &Project, rel: &str, from: &str, to: &str) {
    let path = p.content().join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches(from).count(), 1, "{rel}: {from}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// 1-based (line, column in characters) of the first `needle` in `rel`.
fn where_is(p: &Project, rel: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(p.content().join(rel)).unwrap();
    let at = text.find(needle).unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].chars().count() + 1)
}

fn json_check(dir: &Path) -> serde_json::Value {
    let out = zyz(dir, &["check", "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_shipped_sample_proofreads_clean_but_for_verbatim_text() {
    let p = Project::sample();
    let v = json_check(p.dir.path());
    let proof: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("proofread."))
        .collect();
    for f in &proof {
        assert_eq!(f["severity"], "info", "{f:#}");
        assert!(f.get("fix").is_none(), "{f:#}");
    }
    let mut places: Vec<String> = proof
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["file"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["rule"].as_str().unwrap()
            )
        })
        .collect();
    places.dedup();
    let expected = [
        "content/city.yaml departments[4].short[0] proofread.halfwidth",
        "content/city.yaml annual_report.targets[1].text proofread.range",
        "content/plan.yaml subtitle proofread.range",
        "content/plan.yaml goals[1] proofread.range",
        "content/plan.yaml headings[0].tasks[0].lead[4] proofread.halfwidth",
        "content/plan.yaml headings[0].tasks[1].lead[5] proofread.halfwidth",
        "content/plan.yaml headings[0].tasks[2].responsible[4] proofread.halfwidth",
        "content/plan.yaml headings[2].tasks[1].responsible[7] proofread.halfwidth",
        "content/plan.yaml headings[2].tasks[2].responsible[7] proofread.halfwidth",
        "content/plan.yaml headings[3].tasks[0].responsible[5] proofread.halfwidth",
        "content/plan.yaml issue.body proofread.range",
        "content/standards/county.yaml source proofread.range",
    ];
    assert_eq!(places, expected);
}

#[test]
fn a_mistake_is_shown_at_its_column_with_the_suggestion_in_check_json_and_build() {
    let p = Project::sample();
    plant(
        &p,
        "towns/kaizhang.yaml",
        "电商配套（示例）。",
        "电商配套(示例)。",
    );
    let (line, column) = where_is(&p, "towns/kaizhang.yaml", "(示例)");
    let out = zyz(p.dir.path(), &["check"]);
    let text = stdout(&out);
    let at = format!("--> content/towns/kaizhang.yaml:{line}:{column}\n");
    assert!(
        text.contains("warning[proofread.halfwidth]: 中文里用了半角括号“(”"),
        "{text}"
    );
    assert!(text.contains(&at), "{text}");
    assert!(text.contains("= field: narrative.industry"), "{text}");
    assert!(
        text.contains("= hint: 建议改为“（”（依据：GB/T 15834-2011"),
        "{text}"
    );

    let v = json_check(p.dir.path());
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "proofread.halfwidth" && f["column"] == column)
        .unwrap();
    assert_eq!(
        (f["line"].as_u64(), f["severity"].as_str()),
        (Some(line as u64), Some("warning"))
    );
    assert_eq!(f["fix"]["text"], "（");
    assert_eq!(f["fix"]["old"], "(");

    let repo = common::repo();
    let out = zyz(
        p.dir.path(),
        &[
            "build",
            "--town",
            "kaizhang",
            "--kind",
            "application",
            "--templates",
            repo.join("templates").to_str().unwrap(),
            "--fonts",
            repo.join("fonts").to_str().unwrap(),
        ],
    );
    let all = stdout(&out) + &common::stderr(&out);
    let one_line = format!(
        "warning[proofread.halfwidth]: 中文里用了半角括号“(”  --> content/towns/kaizhang.yaml:{line}\n"
    );
    assert!(all.contains(&one_line), "{all}");
}

/// (file, the sample's text, the mistake planted, the text `--fix` gives).
const PLANTS: [(&str, &str, &str, &str); 5] = [
    (
        "towns/kaizhang.yaml",
        "电商配套（示例）。",
        "电商配套(示例)。",
        "电商配套（示例）。",
    ),
    (
        "plan.yaml",
        "现印发给你们，请结合实际",
        "现印发给你们,请结合实际",
        "现印发给你们，请结合实际",
    ),
    (
        "assessment.yaml",
        "逐项制定整改措施，明确",
        "逐项制定整改措施,明确",
        "逐项制定整改措施，明确",
    ),
    (
        "towns/qingtou.yaml",
        "plan: 2025年主导产业",
        "plan: 25年度主导产业",
        "plan: 2025年度主导产业",
    ),
    (
        "towns/hanyang.yaml",
        "种植面积至5000亩",
        "种植面积至4000-5000亩",
        "种植面积至4000～5000亩",
    ),
];

#[test]
fn fix_changes_only_the_planted_characters_and_a_second_fix_nothing() {
    let p = Project::sample();
    let sample = common::sample();
    for (rel, from, to, _) in PLANTS {
        plant(&p, rel, from, to);
    }
    // a mistake with no single fix, and one in verbatim text: both stay
    plant(
        &p,
        "towns/chengbei.yaml",
        "brand: 培育企业品牌",
        "brand: 培育“企业品牌",
    );
    let planted: Vec<String> = PLANTS
        .iter()
        .map(|(rel, ..)| std::fs::read_to_string(p.content().join(rel)).unwrap())
        .collect();
    // the copy with its mistakes committed, so `git diff` can show what --fix changed
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "core.autocrlf=false",
            ])
            .args(args)
            .current_dir(p.dir.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            common::stderr(&out)
        );
        stdout(&out)
    };
    git(&["init", "-q"]);
    git(&["add", "content"]);
    git(&["commit", "-q", "-m", "planted"]);

    let dry = zyz(p.dir.path(), &["check", "--fix", "--dry-run"]);
    let diff = stdout(&dry);
    assert_eq!(
        diff.matches("\n--- a/").count() + usize::from(diff.starts_with("--- a/")),
        5,
        "{diff}"
    );
    let removed = diff
        .lines()
        .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        .count();
    let added = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .count();
    assert_eq!((removed, added), (5, 5), "{diff}");
    assert!(
        common::stderr(&dry).contains("6 处可自动修改，涉及 5 个文件"),
        "{}",
        common::stderr(&dry)
    );
    for ((rel, ..), text) in PLANTS.iter().zip(&planted) {
        assert_eq!(
            &std::fs::read_to_string(p.content().join(rel)).unwrap(),
            text,
            "dry run wrote {rel}"
        );
    }

    let out = zyz(p.dir.path(), &["check", "--fix"]);
    let report = stdout(&out);
    assert!(
        report.contains("--fix：已自动修改 6 处（5 个文件）；需要人工处理的校对发现 1 个："),
        "{report}"
    );
    assert!(report.contains("content/towns/chengbei.yaml"), "{report}");
    for ((rel, from, to, fixed), before) in PLANTS.iter().zip(&planted) {
        let after = std::fs::read_to_string(p.content().join(rel)).unwrap();
        let original = std::fs::read_to_string(sample.join(rel)).unwrap();
        assert_eq!(after, original.replacen(from, fixed, 1), "{rel}");
        // one line changed, every comment and other byte kept
        let changed: Vec<(&str, &str)> = before
            .lines()
            .zip(after.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(changed.len(), 1, "{rel}");
        assert!(changed[0].0.contains(to) && changed[0].1.contains(fixed));
        assert_eq!(before.lines().count(), after.lines().count());
        let comments = |t: &str| {
            t.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .count()
        };
        assert_eq!(comments(before), comments(&after));
    }
    // `git diff`: one line out and one in for each of the five files, nothing else
    let mut numstat: Vec<String> = git(&["diff", "--numstat"])
        .lines()
        .map(str::to_owned)
        .collect();
    numstat.sort();
    let mut expected: Vec<String> = PLANTS
        .iter()
        .map(|(rel, ..)| format!("1\t1\tcontent/{rel}"))
        .collect();
    expected.sort();
    assert_eq!(numstat, expected);
    let plan = std::fs::read_to_string(p.content().join("plan.yaml")).unwrap();
    assert!(
        plan.contains("打造1个市级专业镇和3-5个县级专业镇"),
        "verbatim text was changed"
    );
    assert!(
        std::fs::read_to_string(p.content().join("towns/chengbei.yaml"))
            .unwrap()
            .contains("培育“企业品牌")
    );

    let snapshot: Vec<String> = PLANTS
        .iter()
        .map(|(rel, ..)| std::fs::read_to_string(p.content().join(rel)).unwrap())
        .collect();
    let again = zyz(p.dir.path(), &["check", "--fix"]);
    assert!(
        stdout(&again).contains("--fix：已自动修改 0 处（0 个文件）"),
        "{}",
        stdout(&again)
    );
    for ((rel, ..), text) in PLANTS.iter().zip(&snapshot) {
        assert_eq!(
            &std::fs::read_to_string(p.content().join(rel)).unwrap(),
            text,
            "{rel}"
        );
    }
}

#[test]
fn an_allow_comment_silences_one_rule_and_show_allowed_lists_it() {
    let p = Project::sample();
    plant(
        &p,
        "towns/hanyang.yaml",
        "plan: 恢复种植面积至5000亩（示例）。",
        "plan: 恢复种植面积至4000-5000亩（示例）。  # 校对: 允许 proofread.range",
    );
    let out = zyz(p.dir.path(), &["check"]);
    assert!(!stdout(&out).contains("4000-5000"), "{}", stdout(&out));
    let out = zyz(p.dir.path(), &["check", "--show-allowed"]);
    let text = stdout(&out);
    assert!(
        text.contains("已允许（# 校对: 允许）的校对发现：1 个"),
        "{text}"
    );
    assert!(
        text.contains("[proofread.range]: 数值范围用了“-”：4000-5000"),
        "{text}"
    );
}

#[test]
fn the_skeleton_placeholders_are_errors_naming_each_field() {
    let p = Project::sample();
    let out = zyz(p.dir.path(), &["new", "town", "xinzhen", "--name", "新镇"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json_check(p.dir.path());
    let mine: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "content/towns/xinzhen.yaml" && f["severity"] == "error")
        .collect();
    assert!(
        mine.iter().all(|f| f["rule"] == "proofread.placeholder"),
        "{mine:#?}"
    );
    let fields: Vec<&str> = mine.iter().map(|f| f["path"].as_str().unwrap()).collect();
    for field in [
        "leading_industry",
        "products[0]",
        "output[0].value",
        "output[1].value",
        "market_share.yuncheng",
        "local_jobs",
        "enterprises.leading[0].name",
        "enterprises.leading[0].output",
        "contact.person",
        "contact.phone",
        "targets[0].value",
        "tasks[0].title",
        "tasks[0].measures[0]",
        "tasks[0].milestones.q4",
    ] {
        assert!(fields.contains(&field), "{field} not reported: {fields:?}");
    }
    // every （…） value the skeleton writes is known as a placeholder
    let text = std::fs::read_to_string(p.content().join("towns/xinzhen.yaml")).unwrap();
    let written: usize = text
        .lines()
        .map(|l| {
            l.split('#')
                .next()
                .unwrap_or_default()
                .matches('（')
                .count()
        })
        .sum();
    let reported = mine
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("占位内容“（"))
        .count();
    assert_eq!(written, reported, "{fields:?}");
}

#[test]
fn the_schema_and_located_errors_of_proofread_yaml() {
    let p = Project::sample();
    let out = zyz(p.dir.path(), &["schema", "proofread"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in ["words", "rules", "verbatim"] {
        assert!(schema["properties"].get(key).is_some(), "{schema:#}");
    }
    p.write(
        "proofread.yaml",
        "words: []\nrules:\n  proofread.yaer: off\nverbatim: []\n",
    );
    let out = zyz(p.dir.path(), &["check"]);
    let text = stdout(&out);
    assert!(
        text.contains("error[proofread.config]: 没有校对规则 `proofread.yaer`"),
        "{text}"
    );
    assert!(text.contains("--> content/proofread.yaml:3:3"), "{text}");
    p.write("proofread.yaml", "words:\n  - {wrong: 永济县}\n");
    let text = stdout(&zyz(p.dir.path(), &["check"]));
    assert!(text.contains("content/proofread.yaml:2:5"), "{text}");
    assert!(text.contains("right"), "{text}");
}

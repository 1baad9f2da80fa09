//! One test per rule family: the mistake (finding at its exact column, the suggested text), the
//! corrected text (nothing), the standard's exception (nothing), and verbatim text (information
//! only, no fix).

use std::path::Path;

use super::*;
use crate::model::proofread::{Verbatim, WordPair};
use crate::model::yaml::parse;

/// One finding as the tests compare it: (rule, line, column, suggested text, severity).
type Found = (String, usize, usize, Option<String>, Severity);

/// Every finding in `src` as `rel`, and how many were silenced.
fn run_as(office: &Proofread, rel: &str, src: &str) -> (Vec<Found>, usize) {
    let tree = parse(src).unwrap();
    let pr = Proofreader::new(office);
    let found = pr.inspect(Path::new(rel), &Path::new("content").join(rel), &tree, src);
    let list = found
        .findings
        .iter()
        .map(|d| {
            (
                d.rule.clone(),
                d.line,
                d.column,
                d.fix.as_ref().map(|f| f.text.clone()),
                d.severity,
            )
        })
        .collect();
    (list, found.allowed.len())
}

fn run(src: &str) -> Vec<(String, usize, usize, Option<String>, Severity)> {
    run_as(&Proofread::default(), "towns/t.yaml", src).0
}

/// The one finding of a one-line value `a: TEXT`: (rule, column, fix).
fn one(text: &str) -> (String, usize, Option<String>) {
    let f = run(&format!("a: {text}\n"));
    assert_eq!(f.len(), 1, "{text}: {f:?}");
    (f[0].0.clone(), f[0].2, f[0].3.clone())
}

fn none(text: &str) {
    let f = run(&format!("a: {text}\n"));
    assert!(f.is_empty(), "{text}: {f:?}");
}

fn fix(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[test]
fn the_rule_file_parses_and_every_rule_has_a_clause() {
    assert!(RULES.rules.len() >= 13);
    for r in &RULES.rules {
        assert!(r.id.starts_with("proofread."), "{}", r.id);
        assert!(!r.clause.is_empty() && !r.looks_for.is_empty() && !r.suggest.is_empty());
        assert!(
            r.clause.starts_with("GB/T 15834-2011")
                || r.clause.starts_with("GB/T 15835-2011")
                || r.clause.starts_with("GB/T 9704-2012")
                || r.clause.starts_with("办公室惯例"),
            "{}: {}",
            r.id,
            r.clause
        );
        assert!(
            Path::new("src/check/proofread")
                .join(format!("{}.rs", r.family))
                .exists(),
            "{}",
            r.family
        );
    }
}

#[test]
fn halfwidth_punctuation_in_chinese_text() {
    // "a: " is three characters: the value starts at column 4
    assert_eq!(
        one("推进冷库建设,落实用地"),
        ("proofread.halfwidth".into(), 10, fix("，"))
    );
    assert_eq!(
        one("是否完成?"),
        ("proofread.halfwidth".into(), 8, fix("？"))
    );
    none("推进冷库建设，落实用地");
    // the standard's exceptions: inside numbers, URLs, Latin text
    none("产值1,000万元");
    none("每天8:00开始");
    none("详见http://www.yongji.gov.cn/a.html网页");
    none("使用Hello, world软件");
    none("按ISO 9001:2015认证");
}

#[test]
fn halfwidth_parentheses_are_flagged_as_a_pair() {
    let f = run("a: 开张镇(示例)\n");
    let cols: Vec<(usize, Option<String>)> = f.iter().map(|x| (x.2, x.3.clone())).collect();
    assert_eq!(cols, vec![(7, fix("（")), (10, fix("）"))]);
    none("开张镇（示例）");
}

#[test]
fn ellipsis_and_dash_forms() {
    assert_eq!(
        one("冷链、电商..."),
        ("proofread.ellipsis".into(), 9, fix("……"))
    );
    assert_eq!(
        one("冷链、电商…"),
        ("proofread.ellipsis".into(), 9, fix("……"))
    );
    none("冷链、电商……");
    assert_eq!(
        one("目标--新增冷库"),
        ("proofread.dash".into(), 6, fix("——"))
    );
    none("目标——新增冷库");
    none("型号A--B");
}

#[test]
fn paired_marks_unbalanced_or_misnested() {
    assert_eq!(
        one("根据《山西省促进专业镇高质量发展实施方案"),
        ("proofread.pairs".into(), 6, None)
    );
    // the crossing is reported at the ）, and the ” left without its “
    let f = run("a: 打造（示例“开张）”\n");
    let cols: Vec<usize> = f.iter().map(|x| x.2).collect();
    assert_eq!(cols, vec![12, 13]);
    let f = run("a: “开张冬枣“老粗布”\n");
    let cols: Vec<(&str, usize)> = f.iter().map(|x| (x.0.as_str(), x.2)).collect();
    assert_eq!(cols, vec![("proofread.pairs", 4), ("proofread.pairs", 9)]);
    none("“开张冬枣”“开张老粗布”（示例）");
    none("书名《〈中国工人〉发刊词》");
}

#[test]
fn ranges_take_the_dash_or_the_wave() {
    assert_eq!(
        one("（2024-2025年）"),
        ("proofread.range".into(), 9, fix("—"))
    );
    assert_eq!(
        one("打造3-5个县级专业镇"),
        ("proofread.range".into(), 7, fix("～"))
    );
    assert_eq!(one("1-3月完成"), ("proofread.range".into(), 5, fix("—")));
    assert_eq!(one("培训3~5天"), ("proofread.range".into(), 7, fix("～")));
    none("（2024—2025年）");
    none("打造3～5个县级专业镇");
    // short hyphens of codes, telephone numbers, numeric dates, standards
    none("联系电话0359-8000004");
    none("依据GB/T 15834-2011执行");
    none("于2025-03-31前完成");
    none("安宁里3-2-11室");
}

#[test]
fn percent_ranges_keep_both_signs() {
    assert_eq!(
        one("增长10~20%"),
        ("proofread.percent-range".into(), 8, fix("%～"))
    );
    assert_eq!(
        one("增长10-20%"),
        ("proofread.percent-range".into(), 8, fix("%～"))
    );
    assert_eq!(
        one("增长10～20%"),
        ("proofread.percent-range".into(), 8, fix("%～"))
    );
    none("增长10%～20%");
    // the magnitude likewise: 5万～10万元
    assert_eq!(
        one("投资5-10万元"),
        ("proofread.percent-range".into(), 7, fix("万～"))
    );
    none("投资5万～10万元");
}

#[test]
fn years_are_written_in_full_when_unambiguous() {
    assert_eq!(
        one("计划25年3月开工"),
        ("proofread.year".into(), 6, fix("2025"))
    );
    assert_eq!(
        one("完成25年度任务"),
        ("proofread.year".into(), 6, fix("2025"))
    );
    none("计划2025年3月开工");
    // a duration, not a year
    none("经营25年的老字号");
}

#[test]
fn approximate_numbers_take_no_enumeration_comma() {
    assert_eq!(
        one("培训三、四个月"),
        ("proofread.approx".into(), 7, fix(""))
    );
    none("培训三四个月");
    // the standard's counter-examples: not approximate but a list
    none("获一、二等奖的企业");
    none("第一、二批名单");
    none("一、二年级学生");
    // false positives found on probe text: 一、二 before a measure word is a list
    none("一、二次融合成套设备");
    none("一、二次设备年产5000台");
    assert_eq!(
        one("覆盖一、二十个村"),
        ("proofread.approx".into(), 7, fix(""))
    );
}

#[test]
fn heading_numbers_in_form_and_order() {
    let f =
        run("a: |-\n  一.总体要求\n  二、重点任务\n  四、保障措施\n  1、落实用地\n  （1）、选址\n");
    let got: Vec<(&str, usize, usize, Option<String>)> = f
        .iter()
        .map(|x| (x.0.as_str(), x.1, x.2, x.3.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("proofread.heading", 2, 4, fix("、")),
            ("proofread.heading-order", 4, 3, None),
            ("proofread.heading", 5, 4, fix(".")),
            ("proofread.heading", 6, 6, fix("")),
        ]
    );
    assert!(
        run("a: |-\n  一、总体要求\n  （一）目标\n  1.落实用地\n  （1）选址\n  二、重点任务\n")
            .is_empty()
    );
    none("1、2号楼建设");
    // a list of numerals at a line start is no heading (a false positive of heading-order)
    assert!(run("a: |-\n  一、二季度完成选址\n  三、四季度完成验收\n").is_empty());
}

#[test]
fn wenhao_years_take_the_hexagonal_brackets() {
    assert_eq!(
        one("根据晋政办发[2022]80号"),
        ("proofread.wenhao".into(), 10, fix("〔2022〕"))
    );
    assert_eq!(
        one("根据晋政办发(2022)80号"),
        ("proofread.wenhao".into(), 10, fix("〔2022〕"))
    );
    none("根据晋政办发〔2022〕80号");
}

#[test]
fn word_pairs_by_context() {
    assert_eq!(
        one("截止2025年6月底"),
        ("proofread.word".into(), 4, fix("截至"))
    );
    assert_eq!(one("工作布署"), ("proofread.word".into(), 6, fix("部署")));
    assert_eq!(
        one("既使困难也要完成"),
        ("proofread.word".into(), 4, fix("即使"))
    );
    none("报名6月30日截止");
    none("截止日期为6月30日");
    none("截至2025年6月底");
    none("既使企业受益，又使农民增收");
    none("按装修标准验收");
    none("其它事项");
    let office = Proofread {
        words: vec![WordPair {
            wrong: "永济县".into(),
            right: "永济市".into(),
            note: Some("1994年撤县设市".into()),
            followed_by: vec![],
            not_followed_by: vec![],
            unless_later: vec![],
        }],
        ..Proofread::default()
    };
    let (f, _) = run_as(&office, "towns/t.yaml", "a: 永济县开张镇\n");
    assert_eq!(f[0].0, "proofread.word");
    assert_eq!(f[0].3, fix("永济市"));
}

#[test]
fn verbatim_text_and_document_titles_are_information_only() {
    let office = Proofread {
        verbatim: vec![Verbatim {
            file: "plan.yaml".into(),
            fields: vec!["goals".into()],
            note: Some("原文".into()),
        }],
        ..Proofread::default()
    };
    let (f, _) = run_as(&office, "plan.yaml", "goals:\n  - 打造3-5个县级专业镇\n");
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].2, f[0].3.clone(), f[0].4), (8, None, Severity::Info));
    // a document's title inside 《》 is reproduced as published
    let f = run("a: 《行动计划（2024-2025年）》已印发\n");
    assert_eq!(
        (f[0].0.as_str(), f[0].3.clone(), f[0].4),
        ("proofread.range", None, Severity::Info)
    );
}

#[test]
fn every_family_in_verbatim_text_is_information_without_a_fix() {
    let office = Proofread {
        verbatim: vec![Verbatim {
            file: "plan.yaml".into(),
            fields: vec!["goals".into()],
            note: None,
        }],
        ..Proofread::default()
    };
    for (text, rule) in [
        ("推进冷库建设,落实用地", "proofread.halfwidth"),
        ("冷链、电商...", "proofread.ellipsis"),
        ("目标--新增冷库", "proofread.dash"),
        (
            "根据《山西省促进专业镇高质量发展实施方案",
            "proofread.pairs",
        ),
        ("打造3-5个县级专业镇", "proofread.range"),
        ("增长10-20%", "proofread.percent-range"),
        ("计划25年3月开工", "proofread.year"),
        ("培训三、四个月", "proofread.approx"),
        ("一.总体要求", "proofread.heading"),
        ("根据晋政办发[2022]80号", "proofread.wenhao"),
        ("工作布署", "proofread.word"),
    ] {
        let (f, _) = run_as(&office, "plan.yaml", &format!("goals:\n  - {text}\n"));
        assert_eq!(
            f.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(),
            vec![rule],
            "{text}"
        );
        assert!(
            f.iter().all(|x| x.4 == Severity::Info && x.3.is_none()),
            "{text}: {f:?}"
        );
    }
}

#[test]
fn levels_and_allow_comments_silence_rules() {
    let office = Proofread {
        rules: [("proofread.range".to_owned(), RuleLevel::Off)].into(),
        ..Proofread::default()
    };
    assert!(
        run_as(&office, "towns/t.yaml", "a: 打造3-5个\n")
            .0
            .is_empty()
    );
    let (f, allowed) = run_as(
        &Proofread::default(),
        "towns/t.yaml",
        "a: 打造3-5个  # 校对: 允许 range\n",
    );
    assert!(f.is_empty());
    assert_eq!(allowed, 1);
}

#[test]
fn skeleton_placeholders_are_errors_naming_the_field() {
    let src = "leading_industry: （主导产业）\noutput:\n  - {year: 2024, value: 0万元}\ntasks:\n  - progress: 0%\n    title: （重点任务）\n";
    let tree = parse(src).unwrap();
    let found = Proofreader::new(&Proofread::default()).inspect(
        Path::new("towns/x.yaml"),
        Path::new("x.yaml"),
        &tree,
        src,
    );
    let got: Vec<(&str, &str, usize, Severity)> = found
        .findings
        .iter()
        .map(|d| (d.rule.as_str(), d.path.as_str(), d.line, d.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "proofread.placeholder",
                "leading_industry",
                1,
                Severity::Error
            ),
            (
                "proofread.placeholder",
                "output[0].value",
                3,
                Severity::Error
            ),
            (
                "proofread.placeholder",
                "tasks[0].title",
                6,
                Severity::Error
            ),
        ]
    );
}

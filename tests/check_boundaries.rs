//! Table-driven boundaries of every designation criterion (county standard, exact and inclusive).
//! Each row edits one town of the loaded sample in memory, runs the real check, and asserts the
//! verdict, the outcome of the criterion, and the finding (rule, severity, exact message).

mod common;

use zyz::check::{Outcome, check};
use zyz::diag::Severity;
use zyz::model::{
    Content, Enterprise, Feature, FeatureKind, Money, NationalClaim, Percent, Stage, Town,
};

/// qingtou (制造业, county, 申报) and hanyang (特优农业, county, 申报) from the sample, reset to
/// plain passing values so each row changes exactly one thing.
fn content() -> Content {
    let mut content = zyz::model::load(&common::sample()).unwrap().content;
    for town in &mut content.towns {
        if town.id == "qingtou" || town.id == "hanyang" {
            town.local_jobs = 800;
            town.market_share.yuncheng = Some(Percent::basis_points(2000));
            town.market_share.national = None;
            town.traditional_features.clear();
            let last = town
                .output
                .iter_mut()
                .filter(|o| !o.target)
                .max_by_key(|o| o.year)
                .unwrap();
            last.value = Money::yuan(300_000_000);
        }
    }
    content
}

fn town<'a>(content: &'a mut Content, id: &str) -> &'a mut Town {
    content.towns.iter_mut().find(|t| t.id == id).unwrap()
}

fn set_output(t: &mut Town, yuan: i64) {
    let last = t
        .output
        .iter_mut()
        .filter(|o| !o.target)
        .max_by_key(|o| o.year)
        .unwrap();
    last.value = Money::yuan(yuan);
}

fn gi(t: &mut Town, evidence: &str) {
    t.traditional_features.push(Feature {
        kind: FeatureKind::GeographicalIndication,
        name: "永济芦笋".into(),
        evidence: evidence.into(),
    });
}

fn supporting(t: &mut Town, n: usize) {
    let template = t.enterprises.supporting[0].clone();
    t.enterprises.supporting = (0..n).map(|_| Enterprise { ..template.clone() }).collect();
}

struct Row {
    name: &'static str,
    town: &'static str,
    edit: fn(&mut Town),
    criterion: &'static str,
    outcome: Outcome,
    meets: bool,
    relaxed: bool,
    /// (rule, severity, message) of the finding this row must produce, if any.
    finding: Option<(&'static str, Severity, &'static str)>,
}

#[test]
fn every_criterion_at_its_boundary() {
    use Outcome::*;
    let rows = [
        Row {
            name: "制造业 exactly 2亿元 passes",
            town: "qingtou",
            edit: |t| set_output(t, 200_000_000),
            criterion: "规模相对较大",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "制造业 1 元 under 2亿元 fails",
            town: "qingtou",
            edit: |t| set_output(t, 199_999_999),
            criterion: "规模相对较大",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.output",
                Severity::Verdict,
                "规模相对较大：制造业类年产值不低于2亿元，卿头镇2024年产值为1.99999999亿元",
            )),
        },
        Row {
            name: "特优农业 exactly 1亿元 passes",
            town: "hanyang",
            edit: |t| set_output(t, 100_000_000),
            criterion: "规模相对较大",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "特优农业 1 元 under 1亿元 without a traditional feature fails",
            town: "hanyang",
            edit: |t| set_output(t, 99_999_999),
            criterion: "规模相对较大",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.output",
                Severity::Verdict,
                "规模相对较大：特优农业类年产值不低于1亿元，韩阳镇2024年产值为9999.9999万元",
            )),
        },
        Row {
            name: "relaxation with a geographical indication: exactly 5000万元 passes, relaxed",
            town: "hanyang",
            edit: |t| {
                set_output(t, 50_000_000);
                gi(t, "地理标志产品保护公告");
            },
            criterion: "规模相对较大",
            outcome: Pass,
            meets: true,
            relaxed: true,
            finding: None,
        },
        Row {
            name: "relaxation floor: 1 元 under 5000万元 fails even with the feature",
            town: "hanyang",
            edit: |t| {
                set_output(t, 49_999_999);
                gi(t, "地理标志产品保护公告");
            },
            criterion: "规模相对较大",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.output",
                Severity::Verdict,
                "规模相对较大：即使适用放宽条件（地理标志），年产值也不得少于5000万元，韩阳镇2024年产值为4999.9999万元",
            )),
        },
        Row {
            name: "relaxation needs evidence: an empty one does not count",
            town: "hanyang",
            edit: |t| {
                set_output(t, 78_000_000);
                gi(t, "  ");
            },
            criterion: "规模相对较大",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.output",
                Severity::Verdict,
                "规模相对较大：特优农业类年产值不低于1亿元，韩阳镇2024年产值为7800万元",
            )),
        },
        Row {
            name: "relaxation needs the market-share criterion met",
            town: "hanyang",
            edit: |t| {
                set_output(t, 78_000_000);
                gi(t, "地理标志产品保护公告");
                t.market_share.yuncheng = Some(Percent::basis_points(999));
            },
            criterion: "规模相对较大",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.output",
                Severity::Verdict,
                "规模相对较大：特优农业类年产值不低于1亿元，韩阳镇2024年产值为7800万元；虽有地理标志（永济芦笋），但市场占有率未达标，不能适用放宽条件",
            )),
        },
        Row {
            name: "relaxation is not used when the town passes anyway",
            town: "hanyang",
            edit: |t| {
                set_output(t, 100_000_000);
                gi(t, "地理标志产品保护公告");
            },
            criterion: "规模相对较大",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "market share exactly 10% passes",
            town: "qingtou",
            edit: |t| t.market_share.yuncheng = Some(Percent::basis_points(1000)),
            criterion: "市场占有率较高",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "market share 9.99% fails",
            town: "qingtou",
            edit: |t| t.market_share.yuncheng = Some(Percent::basis_points(999)),
            criterion: "市场占有率较高",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.market-share",
                Severity::Verdict,
                "市场占有率较高：主导产品占全运城市场10%以上，或全国拥有较大市场空间，卿头镇运城市场占有率为9.99%",
            )),
        },
        Row {
            name: "market share 9.99% with a justified national market passes",
            town: "qingtou",
            edit: |t| {
                t.market_share.yuncheng = Some(Percent::basis_points(999));
                t.market_share.national = Some(NationalClaim {
                    claim: "全国销售".into(),
                    justification: "销售数据".into(),
                });
            },
            criterion: "市场占有率较高",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "a national claim without justification does not count",
            town: "qingtou",
            edit: |t| {
                t.market_share.yuncheng = None;
                t.market_share.national = Some(NationalClaim {
                    claim: "全国销售".into(),
                    justification: "".into(),
                });
            },
            criterion: "市场占有率较高",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.market-share",
                Severity::Verdict,
                "市场占有率较高：主导产品占全运城市场10%以上，或全国拥有较大市场空间，卿头镇全国市场空间的说明缺少依据",
            )),
        },
        Row {
            name: "500 local jobs pass",
            town: "qingtou",
            edit: |t| t.local_jobs = 500,
            criterion: "就业带动性强",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "499 local jobs fail",
            town: "qingtou",
            edit: |t| t.local_jobs = 499,
            criterion: "就业带动性强",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.employment",
                Severity::Verdict,
                "就业带动性强：应能够解决当地就业500人以上，卿头镇填报499人",
            )),
        },
        Row {
            name: "499 local jobs while only cultivating: a warning, still not meeting",
            town: "qingtou",
            edit: |t| {
                t.local_jobs = 499;
                t.designation.stage = Stage::Cultivating;
            },
            criterion: "就业带动性强",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.employment",
                Severity::Warning,
                "就业带动性强：应能够解决当地就业500人以上，卿头镇填报499人（培育阶段，仅作提示）",
            )),
        },
        Row {
            name: "no leading enterprise fails",
            town: "qingtou",
            edit: |t| t.enterprises.leading.clear(),
            criterion: "产业相对集中",
            outcome: Fail,
            meets: false,
            relaxed: false,
            finding: Some((
                "standard.leading-enterprises",
                Severity::Verdict,
                "产业相对集中：主导产业应至少1家实力较强、行业知名的龙头企业，卿头镇填报0家",
            )),
        },
        Row {
            name: "4 supporting enterprises are “about 5”",
            town: "qingtou",
            edit: |t| supporting(t, 4),
            criterion: "产业相对集中",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "6 supporting enterprises are “about 5”",
            town: "qingtou",
            edit: |t| supporting(t, 6),
            criterion: "产业相对集中",
            outcome: Pass,
            meets: true,
            relaxed: false,
            finding: None,
        },
        Row {
            name: "3 supporting enterprises: a warning band, the town still meets",
            town: "qingtou",
            edit: |t| supporting(t, 3),
            criterion: "产业相对集中",
            outcome: Warn,
            meets: true,
            relaxed: false,
            finding: Some((
                "standard.supporting-enterprises",
                Severity::Warning,
                "产业相对集中：关联配套企业应在5家左右，卿头镇填报3家（“左右”是判断性要求，少于4家给出警告，不作为不符合）",
            )),
        },
    ];
    let mut failures = Vec::new();
    for row in &rows {
        let mut content = content();
        (row.edit)(town(&mut content, row.town));
        let report = check(&content);
        let v = report.verdict(row.town).unwrap();
        let outcomes: Vec<Outcome> = v
            .rows
            .iter()
            .filter(|r| r.criterion == row.criterion)
            .map(|r| r.outcome)
            .collect();
        let finding = report.findings.iter().find(|d| {
            d.rule.starts_with("standard.")
                && d.file.ends_with(format!("{}.yaml", row.town))
                && d.rule != "standard.unconfirmed"
        });
        let got_finding = finding.map(|d| (d.rule.as_str(), d.severity, d.message.as_str()));
        let ok = outcomes.contains(&row.outcome)
            && v.meets == row.meets
            && v.relaxation_used == row.relaxed
            && got_finding == row.finding;
        if !ok {
            failures.push(format!(
                "{}: outcomes {:?} meets {} relaxed {} finding {:?}",
                row.name, outcomes, v.meets, v.relaxation_used, got_finding
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn relaxed_verdict_says_so() {
    let report = check(&zyz::model::load(&common::sample()).unwrap().content);
    let v = report.verdict("hanyang").unwrap();
    assert_eq!(v.summary(), "符合县级专业镇认定标准（适用放宽条件）");
    let row = v
        .rows
        .iter()
        .find(|r| r.criterion == "规模相对较大")
        .unwrap();
    assert_eq!(row.value, "7800万元（2024年）");
    assert_eq!(
        row.note,
        "适用放宽条件：地理标志（永济芦笋（地理标志产品）），放宽后不低于5000万元"
    );
}

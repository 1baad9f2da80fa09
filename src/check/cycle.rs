//! The cycle's data (issue 23): a designated town's decision is in the register; the public
//! notice's period is a period and the decision follows it; a town's written report answers an
//! issued supervision notice of its own and names problems of its ledger; clusters cover towns of
//! the content; the yearly report's targets carry what their measure needs.

use std::path::Path;

use super::At;
use crate::diag::{Diagnostic, Severity};
use crate::model::cycle::{PlanTarget, TargetMeasure};
use crate::model::{Content, Stage, Town, wenhao};

/// Every rule of this file.
pub(super) fn check(content: &Content, out: &mut Vec<Diagnostic>) {
    for town in &content.towns {
        let at = At {
            content,
            rel: &town.file,
        };
        decision(content, &at, town, out);
        reports(content, &at, town, out);
    }
    let rel = Path::new("city.yaml");
    if content.trees.contains_key(rel) {
        let at = At { content, rel };
        designation_dates(content, &at, out);
        clusters(content, &at, out);
        if let Some(r) = &content.city.annual_report {
            for (i, t) in r.targets.iter().enumerate() {
                target(content, &at, i, t, out);
            }
        }
    }
}

/// Whether the register's 文号 can be written: they take city.yaml's prefixes, unknown when it
/// did not load (its own findings say why), and then nothing is compared with them.
fn organs_known(content: &Content) -> bool {
    content.trees.contains_key(Path::new("city.yaml"))
}

/// The 文号 of every issued document of `kind` (and of `town`, when given).
fn issued(content: &Content, kind: &str, town: Option<&str>) -> Vec<String> {
    let prefix = |id: &str| {
        content
            .city
            .organs
            .iter()
            .find(|o| o.id == id)
            .map_or(String::new(), |o| o.prefix.clone())
    };
    content
        .register
        .iter()
        .flat_map(|r| &r.issued)
        .filter(|e| e.kind == kind && (town.is_none() || e.town.as_deref() == town))
        .map(|e| wenhao(&prefix(&e.organ), e.year, e.serial))
        .collect()
}

/// A designated town's `decision` is a designation zyz issued (in the register).
fn decision(content: &Content, at: &At, town: &Town, out: &mut Vec<Diagnostic>) {
    let d = &town.designation;
    let Some(number) = &d.decision else { return };
    if d.stage != Stage::Designated || !organs_known(content) {
        return;
    }
    if !issued(content, "designation", None).contains(number) {
        out.push(at.finding(
            Severity::Warning,
            "designation.decision",
            "designation.unregistered",
            format!(
                "{}的认定文件 {number} 不在发文登记簿（register.yaml）中",
                town.name
            ),
            "核对文号；由 zyz 生成的认定通知须经 zyz issue 印发登记（上级或往年的认定文件可不写 decision）".into(),
        ));
    }
}

/// A town's written reports answer its own issued notices and name problems of its ledger.
fn reports(content: &Content, at: &At, town: &Town, out: &mut Vec<Diagnostic>) {
    let notices = issued(content, "supervision-notice", Some(&town.id));
    for (i, r) in town.supervision_reports.iter().enumerate() {
        let base = format!("supervision_reports[{i}]");
        if organs_known(content) && !notices.contains(&r.notice) {
            out.push(at.finding(
                Severity::Warning,
                &format!("{base}.notice"),
                "supervision.report-unregistered",
                format!(
                    "{}的书面报告所答复的督办通知书 {} 不在发文登记簿中（尚未印发？）",
                    town.name, r.notice
                ),
                if notices.is_empty() {
                    "督办通知书经 zyz issue 印发后，催办和通报才按其期限计算".into()
                } else {
                    format!("本镇（街道）已印发的督办通知书：{}", notices.join("、"))
                },
            ));
        }
        for (j, p) in r.problems.iter().enumerate() {
            if !town.problems.iter().any(|x| x.id == p.id) {
                out.push(at.finding(
                    Severity::Error,
                    &format!("{base}.problems[{j}].id"),
                    "supervision.report-problem",
                    format!("问题台账中没有编号为 {} 的问题", p.id),
                    "写 problems 中已有的台账编号（如 2025-Q2-003）".into(),
                ));
            }
            if let Some(on) = p.rectified
                && on > r.received
            {
                out.push(at.finding(
                    Severity::Warning,
                    &format!("{base}.problems[{j}].rectified"),
                    "supervision.report-date",
                    format!(
                        "问题 {} 的销号日期 {on} 晚于收到书面报告的日期 {}",
                        p.id, r.received
                    ),
                    "书面报告只能报告已整改到位的问题：核对两个日期".into(),
                ));
            }
        }
    }
}

/// The public notice's period runs forwards and the decision is dated after it.
fn designation_dates(content: &Content, at: &At, out: &mut Vec<Diagnostic>) {
    let Some(d) = &content.city.designation else {
        return;
    };
    let n = &d.notice;
    if n.to < n.from {
        out.push(at.finding(
            Severity::Error,
            "designation.notice.to",
            "designation.period",
            format!("公示期的最后一天 {} 早于第一天 {}", n.to, n.from),
            "公示期写成 from（第一天）和 to（最后一天）".into(),
        ));
    }
    let decided = d.decision.date.unwrap_or(content.city.document_date);
    if decided <= n.to {
        out.push(at.finding(
            Severity::Warning,
            if d.decision.date.is_some() {
                "designation.decision.date"
            } else {
                "designation.decision"
            },
            "designation.before-notice-ends",
            format!(
                "认定通知的成文日期 {decided} 不在公示期（至 {}）结束之后",
                n.to
            ),
            "公示期满无异议后才能认定：给 decision 写公示期后的 date".into(),
        ));
    }
}

/// A cluster's towns are towns of the content.
fn clusters(content: &Content, at: &At, out: &mut Vec<Diagnostic>) {
    for (i, c) in content.city.clusters.iter().enumerate() {
        for (j, id) in c.towns.iter().enumerate() {
            if !content.towns.iter().any(|t| &t.id == id) {
                out.push(at.finding(
                    Severity::Error,
                    &format!("clusters[{i}].towns[{j}]"),
                    "cluster.unknown-town",
                    format!(
                        "专业镇集群“{}”列出的镇（街道）`{id}` 不在 towns/ 中",
                        c.name
                    ),
                    "写 towns/<id>.yaml 的 id，如 kaolao".into(),
                ));
            }
        }
    }
}

/// A target of the yearly report has the fields its measure needs.
fn target(content: &Content, at: &At, i: usize, t: &PlanTarget, out: &mut Vec<Diagnostic>) {
    let base = format!("annual_report.targets[{i}]");
    let mut need = |ok: bool, field: &str, what: &str| {
        if !ok {
            out.push(at.finding(
                Severity::Error,
                &base,
                "report.target",
                format!("目标“{}”缺少 {field}（{what}）", t.text),
                format!("在这一项下写 {field}"),
            ));
        }
    };
    match t.measure {
        TargetMeasure::Designated => {
            need(t.level.is_some(), "level", "按哪一级别计数");
            need(t.min.is_some(), "min", "至少几个");
        }
        TargetMeasure::Coverage => {}
        TargetMeasure::Output => {
            need(t.town.is_some(), "town", "哪个镇的产值");
            need(t.value.is_some(), "value", "产值目标");
        }
        TargetMeasure::Doubling => need(t.base_year.is_some(), "base_year", "与哪一年相比"),
    }
    if let Some(id) = &t.town
        && !content.towns.iter().any(|x| &x.id == id)
    {
        out.push(at.finding(
            Severity::Error,
            &format!("{base}.town"),
            "report.unknown-town",
            format!("目标“{}”的镇（街道）`{id}` 不在 towns/ 中", t.text),
            "写 towns/<id>.yaml 的 id".into(),
        ));
    }
}

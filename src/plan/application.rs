//! Plan stage, applications (认定申报表): one per town applying for designation, with the
//! checklist the designation check produced.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Doc, date_json};
use crate::check::{Outcome, Verdict};
use crate::model::{Content, Money, Town};

/// The Chinese word for a criterion's outcome on the checklist.
fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "符合",
        Outcome::Warn => "基本符合",
        Outcome::Fail => "不符合",
    }
}

/// One row of the enterprise tables.
fn enterprise(e: &crate::model::Enterprise) -> Value {
    json!({
        "name": e.name,
        "credit_code": e.credit_code.as_str(),
        "products": e.products.join("、"),
        "output": Money::as_yuan(e.output),
        "jobs": e.jobs,
        "honours": if e.honours.is_empty() { "—".to_owned() } else { e.honours.join("、") },
    })
}

/// The designation checklist, one row per criterion.
fn checklist(verdict: &Verdict) -> Vec<Value> {
    verdict
        .rows
        .iter()
        .map(|r| {
            json!({
                "criterion": r.criterion,
                "requirement": r.requirement,
                "value": r.value,
                "outcome": outcome_text(r.outcome),
                "fail": r.outcome == Outcome::Fail,
                "note": if r.note.is_empty() { "—".to_owned() } else { r.note.clone() },
            })
        })
        .collect()
}

/// The attachment list, which follows from what the form claims.
fn attachments(town: &Town, output: &[&crate::model::YearOutput]) -> Vec<String> {
    let e = &town.enterprises;
    let mut attachments = vec![format!(
        "龙头企业和关联配套企业营业执照复印件（{}家）",
        e.leading.len() + e.supporting.len()
    )];
    if let (Some(first), Some(last)) = (
        output.iter().find(|o| !o.target),
        output.iter().rev().find(|o| !o.target),
    ) {
        attachments.push(if first.year == last.year {
            format!("{}年主导产业产值统计证明", last.year)
        } else {
            format!("{}—{}年主导产业产值统计证明", first.year, last.year)
        });
    }
    if town.market_share.yuncheng.is_some() || town.market_share.national.is_some() {
        attachments.push("主导产品市场占有率依据材料".to_owned());
    }
    for f in &town.traditional_features {
        attachments.push(format!("{}依据材料（{}）", f.name, f.evidence));
    }
    attachments.push(format!("{}就业人数统计表", town.name));
    attachments
}

/// 认定申报表: one per town applying for designation, with the checklist from the check.
pub(super) fn application(
    content: &Content,
    town: &Town,
    verdict: &Verdict,
    year: i32,
    inputs: &[PathBuf],
) -> Doc {
    let city = &content.city;
    let date = city.document_date;
    let level = town.designation.level.chinese();
    let name = town
        .specialty_name
        .clone()
        .unwrap_or_else(|| format!("{}{}专业镇", town.name, town.leading_industry));
    let mut output: Vec<&crate::model::YearOutput> = town.output.iter().collect();
    output.sort_by_key(|o| o.year);
    let failed: Vec<&str> = verdict
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|r| r.criterion.as_str())
        .collect();
    let e = &town.enterprises;
    let government = town.government_name();
    let title = format!("{level}专业镇认定申报书");
    Doc::new(
        "application",
        Some(town.id.clone()),
        year,
        format!("{year}/towns/{}/application.pdf", town.id),
        "application.typ.j2",
        json!({
            "city": city,
            "town": town,
            "doc": {
                "title": title,
                "name": name,
                "level": level,
                "category": town.category.chinese(),
                "kind": town.kind.chinese(),
                "government": government,
                "date": date_json(date),
                "meets": verdict.meets,
                "summary": verdict.summary(),
                "failed": failed,
                "relaxation_used": verdict.relaxation_used,
                "rows": checklist(verdict),
                "leading": e.leading.iter().map(enterprise).collect::<Vec<_>>(),
                "supporting": e.supporting.iter().map(enterprise).collect::<Vec<_>>(),
                "output": output.iter().map(|o| json!({"year": o.year, "value": o.value.as_yuan(), "target": o.target})).collect::<Vec<_>>(),
                "enterprise_count": e.leading.len() + e.supporting.len(),
                "products": town.products.join("、"),
                "market_share": town.market_share.yuncheng.map(|p| p.to_string()),
                "features": town.traditional_features.iter().map(|f| json!({"kind": f.kind.chinese(), "name": f.name, "evidence": f.evidence})).collect::<Vec<_>>(),
                "attachments": attachments(town, &output),
            },
        }),
        date,
        inputs,
    )
}

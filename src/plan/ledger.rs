//! Plan stage, the problem ledger (问题台账) across towns: one PDF with `ledger.xlsx` beside it,
//! both from the same rows.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Doc, Format, Sidecar, date_json, organ};
use crate::model::{Content, ProblemStatus, Town};

fn problem_status(status: ProblemStatus) -> &'static str {
    match status {
        ProblemStatus::Fixed => "已整改",
        ProblemStatus::Fixing => "整改中",
        ProblemStatus::Open => "未整改",
    }
}

pub(super) fn problem_json(town: &Town, p: &crate::model::Problem) -> Value {
    json!({
        "id": p.id,
        "town": town.name,
        "found": p.found.to_chinese(),
        "source": p.source,
        "description": p.description,
        "measures": p.measures,
        "unit": p.unit,
        "person": p.person,
        "deadline": p.deadline.to_chinese(),
        "status": problem_status(p.status),
        "closed_on": p.closed_on.map(|d| d.to_chinese()).unwrap_or_else(|| "—".to_owned()),
    })
}

/// The ledger's rows across towns (sorted by id) and the status totals; shared with the xlsx.
pub fn ledger_rows(content: &Content) -> (Vec<Value>, Value) {
    let mut all: Vec<(&Town, &crate::model::Problem)> = content
        .towns
        .iter()
        .flat_map(|t| t.problems.iter().map(move |p| (t, p)))
        .collect();
    all.sort_by(|a, b| a.1.id.cmp(&b.1.id).then_with(|| a.0.id.cmp(&b.0.id)));
    let count = |s| all.iter().filter(|(_, p)| p.status == s).count();
    let totals = json!({
        "all": all.len(),
        "fixed": count(ProblemStatus::Fixed),
        "fixing": count(ProblemStatus::Fixing),
        "open": count(ProblemStatus::Open),
    });
    (
        all.iter().map(|(t, p)| problem_json(t, p)).collect(),
        totals,
    )
}

/// 问题台账 across towns (PDF, with the same rows as `ledger.xlsx` beside it).
pub(super) fn ledger(content: &Content, year: i32, inputs: &[PathBuf]) -> Doc {
    let city = &content.city;
    let date = city.document_date;
    let (rows, totals) = ledger_rows(content);
    let by_town: Vec<Value> = content
        .towns
        .iter()
        .filter(|t| !t.problems.is_empty())
        .map(|t| {
            let c = |s| t.problems.iter().filter(|p| p.status == s).count();
            json!({"town": t.name, "all": t.problems.len(), "fixed": c(ProblemStatus::Fixed), "fixing": c(ProblemStatus::Fixing), "open": c(ProblemStatus::Open)})
        })
        .collect();
    let (organ_name, _) = organ(content, &city.leading_group.office_organ);
    let mut doc = Doc::new(
        "ledger",
        None,
        year,
        format!("{year}/city/ledger.pdf"),
        "ledger.typ.j2",
        json!({
            "city": city,
            "doc": {
                "title": format!("{}专业镇建设问题台账", city.name),
                "organ": organ_name,
                "date": date_json(date),
                "rows": rows,
                "totals": totals,
                "by_town": by_town,
            },
        }),
        date,
        inputs,
    );
    doc.sidecars.push(Sidecar {
        path: format!("{year}/city/ledger.xlsx"),
        format: Format::Xlsx,
    });
    doc
}

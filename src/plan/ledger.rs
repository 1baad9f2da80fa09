//! Plan stage, the problem ledger (问题台账) across towns: one PDF with `ledger.xlsx` beside it,
//! both from the same rows.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Doc, Format, Sidecar, date_json, organ};
use crate::model::{Content, Date, ProblemStatus, Town};

fn problem_status(status: ProblemStatus) -> &'static str {
    match status {
        ProblemStatus::Fixed => "已整改",
        ProblemStatus::Fixing => "整改中",
        ProblemStatus::Open => "未整改",
    }
}

/// Problem `k` of `town` as it stands on `as_of` (a rectification reported after a supervision
/// notice closes it on its date).
pub(super) fn problem_json(town: &Town, k: usize, as_of: Date) -> Value {
    let p = &town.problems[k];
    let state = town.problem_state(k, as_of);
    let mut row = json!({
        "id": p.id,
        "town": town.name,
        "found": p.found.to_chinese(),
        "source": p.source,
        "description": p.description,
        "measures": p.measures,
        "unit": p.unit,
        "person": p.person,
        "deadline": p.deadline.to_chinese(),
        "status": problem_status(state.status),
        "closed_on": state.closed_on.map(|d| d.to_chinese()).unwrap_or_else(|| "—".to_owned()),
    });
    if let Some(notice) = state.notice {
        row["notice"] = json!(notice);
    }
    row
}

/// The ledger's rows across towns (sorted by id) and the status totals; shared with the xlsx.
pub fn ledger_rows(content: &Content) -> (Vec<Value>, Value) {
    let as_of = content.as_of.unwrap_or(content.city.document_date);
    let mut all: Vec<(&Town, usize, ProblemStatus)> = content
        .towns
        .iter()
        .flat_map(|t| (0..t.problems.len()).map(move |k| (t, k, t.problem_state(k, as_of).status)))
        .collect();
    all.sort_by(|a, b| {
        let id = |x: &(&Town, usize, ProblemStatus)| x.0.problems[x.1].id.clone();
        id(a).cmp(&id(b)).then_with(|| a.0.id.cmp(&b.0.id))
    });
    let count = |s| all.iter().filter(|x| x.2 == s).count();
    let totals = json!({
        "all": all.len(),
        "fixed": count(ProblemStatus::Fixed),
        "fixing": count(ProblemStatus::Fixing),
        "open": count(ProblemStatus::Open),
    });
    (
        all.iter()
            .map(|&(t, k, _)| problem_json(t, k, as_of))
            .collect(),
        totals,
    )
}

/// 问题台账 across towns (PDF, with the same rows as `ledger.xlsx` beside it).
pub(super) fn ledger(content: &Content, year: i32, inputs: &[PathBuf]) -> Doc {
    let city = &content.city;
    let date = city.document_date;
    let as_of = content.as_of.unwrap_or(date);
    let (rows, totals) = ledger_rows(content);
    let by_town: Vec<Value> = content
        .towns
        .iter()
        .filter(|t| !t.problems.is_empty())
        .map(|t| {
            let c = |s| (0..t.problems.len()).filter(|&k| t.problem_state(k, as_of).status == s).count();
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

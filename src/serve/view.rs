//! Serve, facts: what the pages show, taken from the stages' own results — the check stage's
//! verdicts (criterion by criterion), the assess stage's scores, ranks and overdue items, the plan
//! stage's documents with their 文号, the manifest's pages — arranged for the templates. Nothing
//! here decides a rule; the 30-day window of 待办 is a view, not a finding.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::assess::Scored;
use crate::check::{Outcome, Verdict};
use crate::model::{Content, Date, ProblemStatus, Town};
use crate::plan::Doc;

use super::state::Snapshot;

/// One criterion of a town's designation check.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub name: String,
    pub requirement: String,
    pub value: String,
    /// ✓, ✗ or ⚠.
    pub mark: &'static str,
    /// `pass`, `fail` or `warn` (the CSS class).
    pub class: &'static str,
    pub note: String,
}

/// A task of a town's responsibility list.
#[derive(Debug, Clone, Serialize)]
pub struct TaskRow {
    pub title: String,
    /// 0–100.
    pub progress: u32,
    pub progress_text: String,
    pub deadline: String,
    pub status: &'static str,
    pub overdue: bool,
}

/// An open problem of a town's ledger.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemRow {
    pub id: String,
    pub description: String,
    pub deadline: String,
    pub status: &'static str,
    pub overdue: bool,
}

/// A document and its state.
#[derive(Debug, Clone, Serialize)]
pub struct DocRow {
    pub path: String,
    pub kind: &'static str,
    pub title: String,
    /// `draft`, `issued`, `failed` or `missing` (the CSS class).
    pub state: &'static str,
    pub state_text: &'static str,
    pub wenhao: String,
    pub date: String,
    pub pages: usize,
}

/// One town, everything the overview and the town page show.
#[derive(Debug, Clone, Serialize)]
pub struct TownRow {
    pub id: String,
    pub name: String,
    pub category: String,
    pub level: String,
    pub stage: &'static str,
    pub verdict: String,
    /// `pass`, `fail` or `warn`.
    pub verdict_class: &'static str,
    pub criteria: Vec<Criterion>,
    pub score: String,
    pub rank: Option<u32>,
    /// The score as a share of 100 points (0–100), for the bar.
    pub bar: u32,
    pub tasks: Vec<TaskRow>,
    pub problems: Vec<ProblemRow>,
    pub docs: Vec<DocRow>,
    pub errors: usize,
    pub warnings: usize,
}

/// The facts of one snapshot, arranged once.
#[derive(Debug, Clone, Serialize)]
pub struct Facts {
    pub city: String,
    pub year: String,
    pub as_of: String,
    pub towns: Vec<TownRow>,
    pub city_docs: Vec<DocRow>,
}

/// The Chinese name of a document kind.
pub fn kind_name(kind: &str) -> &'static str {
    match kind {
        "application" => "申报书",
        "action-plan" => "行动计划",
        "supervision-notice" => "督办通知书",
        "commendation" => "表扬通报",
        "ledger" => "问题台账",
        "ranking" => "评价排名通报",
        _ => "文件",
    }
}

impl Facts {
    pub fn of(snapshot: &Snapshot) -> Self {
        let content = &snapshot.view.content;
        let as_of = as_of(content);
        let ranking: Vec<Scored> = content
            .assessment
            .as_ref()
            .map(|a| crate::assess::score(&content.towns, a, as_of))
            .unwrap_or_default();
        let mut docs: BTreeMap<Option<&str>, Vec<DocRow>> = BTreeMap::new();
        for doc in &snapshot.view.docs {
            docs.entry(doc.town.as_deref())
                .or_default()
                .push(doc_row(snapshot, doc));
        }
        let towns = content
            .towns
            .iter()
            .map(|town| {
                let verdict = snapshot.view.verdicts.iter().find(|v| v.town == town.id);
                let scored = ranking.iter().find(|s| s.town == town.id);
                let own = docs.remove(&Some(town.id.as_str())).unwrap_or_default();
                town_row(snapshot, town, verdict, scored, own)
            })
            .collect();
        Self {
            city: content.city.name.clone(),
            year: content.city.plan_year.to_string(),
            as_of: as_of.to_chinese(),
            towns,
            city_docs: docs.remove(&None).unwrap_or_default(),
        }
    }
}

/// The date tasks and problems are measured at: the assessment's, else the document date.
pub fn as_of(content: &Content) -> Date {
    content
        .assessment
        .as_ref()
        .and_then(|a| a.as_of)
        .unwrap_or(content.city.document_date)
}

fn town_row(
    snapshot: &Snapshot,
    town: &Town,
    verdict: Option<&Verdict>,
    scored: Option<&Scored>,
    docs: Vec<DocRow>,
) -> TownRow {
    let criteria = verdict
        .map(|v| v.rows.iter().map(criterion).collect())
        .unwrap_or_default();
    let overdue_tasks = scored.map(|s| s.overdue_tasks.as_slice()).unwrap_or(&[]);
    let tasks = town
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| task_row(t, overdue_tasks.contains(&i)))
        .collect();
    let overdue_problems = scored.map(|s| s.overdue_problems.as_slice()).unwrap_or(&[]);
    let problems = town
        .problems
        .iter()
        .enumerate()
        .filter(|(_, p)| p.status != ProblemStatus::Fixed)
        .map(|(i, p)| problem_row(p, overdue_problems.contains(&i)))
        .collect();
    let file = snapshot.content_dir.join(&town.file);
    let mine = snapshot.findings.iter().filter(|d| d.file == file);
    let (errors, warnings) = mine.fold(
        (0, 0),
        |(e, w), d| {
            if d.is_error() { (e + 1, w) } else { (e, w + 1) }
        },
    );
    TownRow {
        id: town.id.clone(),
        name: town.name.clone(),
        category: town.category.chinese().to_owned(),
        level: town.designation.level.chinese().to_owned(),
        stage: town.designation.stage.chinese(),
        verdict: verdict.map(Verdict::summary).unwrap_or_default(),
        verdict_class: match verdict {
            Some(v) if !v.meets => "fail",
            Some(v) if v.rows.iter().any(|r| r.outcome == Outcome::Warn) => "warn",
            _ => "pass",
        },
        criteria,
        score: scored.map(|s| s.score_text.clone()).unwrap_or_default(),
        rank: scored.map(|s| s.rank),
        bar: scored.map_or(0, |s| (s.score.clamp(0, 1_000_000) / 10_000) as u32),
        tasks,
        problems,
        docs,
        errors,
        warnings,
    }
}

fn criterion(row: &crate::check::CriterionRow) -> Criterion {
    let (mark, class) = match row.outcome {
        Outcome::Pass => ("✓", "pass"),
        Outcome::Warn => ("⚠", "warn"),
        Outcome::Fail => ("✗", "fail"),
    };
    Criterion {
        name: row.criterion.clone(),
        requirement: row.requirement.clone(),
        value: row.value.clone(),
        mark,
        class,
        note: row.note.clone(),
    }
}

fn task_row(task: &crate::model::Task, overdue: bool) -> TaskRow {
    TaskRow {
        title: task.title.clone(),
        progress: task.progress.as_basis_points().min(10_000) / 100,
        progress_text: task.progress.to_string(),
        deadline: task.deadline.to_chinese(),
        status: crate::plan::sheets::task_status(task.status),
        overdue,
    }
}

fn problem_row(problem: &crate::model::Problem, overdue: bool) -> ProblemRow {
    ProblemRow {
        id: problem.id.clone(),
        description: problem.description.clone(),
        deadline: problem.deadline.to_chinese(),
        status: crate::plan::sheets::problem_status(problem.status),
        overdue,
    }
}

/// A planned document's row: its state from the register, the build and the manifest.
pub fn doc_row(snapshot: &Snapshot, doc: &Doc) -> DocRow {
    let entry = snapshot.manifest.get(&doc.path);
    let (state, state_text) = if doc.issued.is_some() {
        ("issued", "已印发")
    } else if snapshot.failed.contains_key(&doc.path) {
        ("failed", "生成失败")
    } else if entry.is_some_and(|e| e.inputs_sha256 != doc.inputs_sha256) {
        // made from other data: left for the next build (a newer save came) or not selected
        ("pending", "待更新")
    } else if entry.is_some() {
        ("draft", "草稿")
    } else {
        ("missing", "未生成")
    };
    let (wenhao, date) = match &doc.issued {
        Some(issued) => (issued.wenhao.clone(), issued.entry.date.to_chinese()),
        None => (String::new(), doc.date.to_chinese()),
    };
    DocRow {
        path: doc.path.clone(),
        kind: kind_name(doc.kind),
        title: title_of(doc),
        state,
        state_text,
        wenhao,
        date,
        pages: entry.map_or(0, |e| e.pages),
    }
}

/// The title the plan gave the document (its context's `doc.title`).
pub fn title_of(doc: &Doc) -> String {
    #[derive(serde::Deserialize)]
    struct Context {
        doc: Option<Inner>,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        title: Option<String>,
    }
    serde_json::from_str::<Context>(doc.context.as_str())
        .ok()
        .and_then(|c| c.doc)
        .and_then(|d| d.title)
        .unwrap_or_else(|| kind_name(doc.kind).to_owned())
}

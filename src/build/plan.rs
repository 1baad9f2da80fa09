//! Build stage, planning: which documents the content calls for — (kind, town, year) → output
//! path, template, the data the template reads (its context) and the content files it depends
//! on (for the input hash) — and the glyph-coverage check of the data that goes into them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::assess::{format_score, score, select};
use crate::check::{Outcome, Report, Verdict};
use crate::diag::Diagnostic;
use crate::model::{Assessment, Content, Measure, Money, ProblemStatus, Stage, TaskStatus, Town};
use crate::typeset::Date;
use crate::typeset::fonts::FontSet;

/// The document kinds (the manifest's `kind` values).
pub const KINDS: [&str; 6] = [
    "application",
    "action-plan",
    "supervision-notice",
    "commendation",
    "ledger",
    "ranking",
];

/// One document to make.
#[derive(Debug, Clone)]
pub struct Doc {
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// The town id, or `None` for a city-wide document.
    pub town: Option<String>,
    pub year: i32,
    /// Relative to the output folder, `/`-separated, e.g. `2025/city/action-plan.pdf`.
    pub path: String,
    /// The template under `templates/`, e.g. `city-plan.typ.j2`.
    pub template: String,
    /// What the template reads.
    pub context: Context,
    /// The document date (成文日期).
    pub date: Date,
    /// The content files it reads, relative to the content folder.
    pub inputs: Vec<PathBuf>,
    /// Filled in by the build: SHA-256 over the inputs, templates, fonts and tool version.
    pub inputs_sha256: String,
    /// Files made beside the PDF from the same context (the ledger's spreadsheet).
    pub sidecars: Vec<Sidecar>,
}

/// A file made beside a document's PDF from the same context, written atomically with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sidecar {
    /// Relative to the output folder, like [`Doc::path`].
    pub path: String,
    pub format: SidecarFormat,
}

/// What a [`Sidecar`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SidecarFormat {
    /// `ledger.xlsx`: the problem ledger as a spreadsheet ([`super::sheet::ledger_xlsx`]).
    LedgerXlsx,
}

/// A document's context, kept as compact JSON text from the moment it is planned: text costs a
/// few kilobytes a document where a `Value` tree costs tens (2,003 planned documents held ~100 MB
/// of trees). The text is also what the document's input hash covers.
#[derive(Debug, Clone)]
pub struct Context(String);

impl From<Value> for Context {
    fn from(value: Value) -> Self {
        Self(value.to_string())
    }
}

impl Context {
    /// The compact JSON text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The tree the template reads.
    pub fn value(&self) -> Value {
        serde_json::from_str(&self.0).expect("a context is JSON we wrote")
    }
}

impl Sidecar {
    /// The file's bytes, from the document's context.
    pub fn render(&self, context: &Value) -> anyhow::Result<Vec<u8>> {
        match self.format {
            SidecarFormat::LedgerXlsx => super::sheet::ledger_xlsx(context),
        }
    }
}

/// The documents the content calls for, in a stable order.
pub fn documents(content: &Content, report: &Report) -> Vec<Doc> {
    let city = &content.city;
    let year = i32::from(city.plan_year);
    let shared: Vec<PathBuf> = content
        .files
        .iter()
        .filter(|f| f.town.is_none())
        .map(|f| f.path.clone())
        .collect();
    let all: Vec<PathBuf> = content.files.iter().map(|f| f.path.clone()).collect();

    let mut docs = vec![city_plan(content, year, &shared)];
    for town in &content.towns {
        let inputs = town_inputs(content, town, &shared);
        if town.designation.stage == Stage::Applying
            && let Some(verdict) = report.verdict(&town.id)
        {
            docs.push(application(content, town, verdict, year, &inputs));
        }
        if !town.tasks.is_empty() {
            docs.push(town_plan(content, town, year, &inputs));
        }
    }
    if content.towns.iter().any(|t| !t.problems.is_empty()) {
        // the ledger reads the office and the towns, not the plan or the assessment
        let ledger_inputs: Vec<PathBuf> = content
            .files
            .iter()
            .filter(|f| f.town.is_some() || f.path == Path::new("city.yaml"))
            .map(|f| f.path.clone())
            .collect();
        docs.push(ledger(content, year, &ledger_inputs));
    }
    if let Some(assessment) = &content.assessment {
        docs.extend(assessment_documents(content, assessment, year, &all));
    }
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    docs
}

/// The shared files plus the town's own file.
fn town_inputs(content: &Content, town: &Town, shared: &[PathBuf]) -> Vec<PathBuf> {
    let own = content
        .files
        .iter()
        .filter(|f| f.town.as_deref() == Some(town.id.as_str()))
        .map(|f| f.path.clone());
    let mut inputs: Vec<PathBuf> = shared.iter().cloned().chain(own).collect();
    inputs.sort();
    inputs
}

/// An issuing organ's name and 文号 prefix (the id itself when city.yaml does not know it; the
/// check reports that).
fn organ(content: &Content, id: &str) -> (String, String) {
    match content.city.organs.iter().find(|o| o.id == id) {
        Some(o) => (o.name.clone(), o.prefix.clone()),
        None => (id.to_owned(), String::new()),
    }
}

fn wenhao(prefix: &str, year: u16, serial: u32) -> String {
    crate::render::filters::format_wenhao(prefix, year, serial)
}

fn date_json(date: crate::model::Date) -> Value {
    json!({"iso": date, "cn": date.to_chinese(), "year": date.year, "month": date.month, "day": date.day})
}

/// Display width of a title in half-width units (a CJK character counts 2).
fn width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Explicit line breaks for a 2号 title: at most 20 characters (40 half-width units) per line,
/// broken only where a title may break — before `关于`, after `关于印发`/`关于转发`, before `（`, after
/// `）`, before `的通知`/`的通报`/`的督办通知书` — with the fewest lines, then the most even ones.
/// A part longer than a line is left to the typesetter.
pub fn title_lines(title: &str) -> Vec<String> {
    const MAX: usize = 40;
    let mut cuts: BTreeSet<usize> = BTreeSet::new();
    for (i, _) in title.char_indices() {
        let rest = &title[i..];
        if rest.starts_with("关于") && i > 0 {
            cuts.insert(i);
        }
        for lead in ["关于印发", "关于转发"] {
            if rest.starts_with(lead) {
                cuts.insert(i + lead.len());
            }
        }
        if rest.starts_with("关于对") {
            cuts.insert(i + "关于对".len());
        }
        if rest.starts_with("予以") && i > 0 {
            cuts.insert(i);
        }
        // not inside 镇（街道）
        if rest.starts_with('（') && !rest.starts_with("（街道）") && i > 0 {
            cuts.insert(i);
        }
        if rest.starts_with('）')
            && !title[..i].ends_with("（街道")
            && i + '）'.len_utf8() < title.len()
        {
            cuts.insert(i + '）'.len_utf8());
        }
        if (rest.starts_with("的通知")
            || rest.starts_with("的通报")
            || rest.starts_with("的督办通知书"))
            && i > 0
        {
            cuts.insert(i);
        }
    }
    let cuts: Vec<usize> = cuts
        .into_iter()
        .filter(|&c| c > 0 && c < title.len())
        .collect();
    if width(title) <= MAX || cuts.len() > 12 {
        return vec![title.to_owned()];
    }
    let mut best: Option<(usize, usize, Vec<String>)> = None;
    for mask in 0u32..(1 << cuts.len()) {
        let mut lines = Vec::new();
        let mut from = 0;
        for (k, &c) in cuts.iter().enumerate() {
            if mask & (1 << k) != 0 {
                lines.push(title[from..c].to_owned());
                from = c;
            }
        }
        lines.push(title[from..].to_owned());
        if lines.iter().any(|l| width(l) > MAX) {
            continue;
        }
        let widest = lines.iter().map(|l| width(l)).max().unwrap_or(0);
        let key = (lines.len(), widest);
        if best.as_ref().is_none_or(|b| key < (b.0, b.1)) {
            best = Some((key.0, key.1, lines));
        }
    }
    best.map(|b| b.2).unwrap_or_else(|| vec![title.to_owned()])
}

/// The city-wide plan, regenerated from data and issued under a transmitting notice (印发通知).
fn city_plan(content: &Content, year: i32, shared: &[PathBuf]) -> Doc {
    let city = &content.city;
    let plan = &content.plan;
    let issue = &plan.issue;
    let date = issue.date.unwrap_or(city.document_date);
    let (organ_name, prefix) = organ(content, &issue.organ);
    let attachment_title = format!(
        "{}{}",
        plan.title,
        plan.subtitle.clone().unwrap_or_default()
    );
    let title = format!("{organ_name}关于印发{attachment_title}的通知");
    Doc {
        kind: "action-plan",
        town: None,
        year,
        path: format!("{year}/city/action-plan.pdf"),
        template: "city-plan.typ.j2".into(),
        context: json!({
            "city": city,
            "plan": plan,
            "doc": {
                "kind": "action-plan",
                "year": year,
                "title": title,
                "title_lines": title_lines(&title),
                "attachment_title": attachment_title,
                "organ": {"name": organ_name, "prefix": prefix},
                "wenhao": wenhao(&prefix, date.year, issue.serial),
                "notice": issue,
                "date": date,
                "date_parts": {"year": date.year, "month": date.month, "day": date.day},
            },
        })
        .into(),
        date: typeset_date(date),
        inputs: shared.to_vec(),
        inputs_sha256: String::new(),
        sidecars: Vec::new(),
    }
}

/// The Chinese word for a criterion's outcome on the checklist.
fn outcome_text(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "符合",
        Outcome::Warn => "基本符合",
        Outcome::Fail => "不符合",
    }
}

/// 认定申报表: one per town applying for designation, with the checklist from the check.
fn application(
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
    let enterprise = |e: &crate::model::Enterprise| {
        json!({
            "name": e.name,
            "credit_code": e.credit_code.as_str(),
            "products": e.products.join("、"),
            "output": Money::as_yuan(e.output),
            "jobs": e.jobs,
            "honours": if e.honours.is_empty() { "—".to_owned() } else { e.honours.join("、") },
        })
    };
    let mut output: Vec<&crate::model::YearOutput> = town.output.iter().collect();
    output.sort_by_key(|o| o.year);
    let rows: Vec<Value> = verdict
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
        .collect();
    let failed: Vec<&str> = verdict
        .rows
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|r| r.criterion.as_str())
        .collect();
    // The attachment list follows from what the form claims.
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
    let government = town.government_name();
    let title = format!("{level}专业镇认定申报书");
    Doc {
        kind: "application",
        town: Some(town.id.clone()),
        year,
        path: format!("{year}/towns/{}/application.pdf", town.id),
        template: "application.typ.j2".into(),
        context: json!({
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
                "rows": rows,
                "leading": e.leading.iter().map(enterprise).collect::<Vec<_>>(),
                "supporting": e.supporting.iter().map(enterprise).collect::<Vec<_>>(),
                "output": output.iter().map(|o| json!({"year": o.year, "value": o.value.as_yuan(), "target": o.target})).collect::<Vec<_>>(),
                "enterprise_count": e.leading.len() + e.supporting.len(),
                "products": town.products.join("、"),
                "market_share": town.market_share.yuncheng.map(|p| p.to_string()),
                "features": town.traditional_features.iter().map(|f| json!({"kind": f.kind.chinese(), "name": f.name, "evidence": f.evidence})).collect::<Vec<_>>(),
                "attachments": attachments,
            },
        }).into(),
        date: typeset_date(date),
        inputs: inputs.to_vec(),
        inputs_sha256: String::new(),
        sidecars: Vec::new(),
    }
}

/// The responsibility-list rows of a town's tasks.
fn task_rows(town: &Town) -> Vec<Value> {
    town.tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let milestones: Vec<Value> = [("一季度", &t.milestones.q1), ("二季度", &t.milestones.q2), ("三季度", &t.milestones.q3), ("四季度", &t.milestones.q4)]
                .into_iter()
                .filter_map(|(q, m)| m.as_ref().map(|m| json!({"quarter": q, "text": m})))
                .collect();
            json!({
                "number": i + 1,
                "title": t.title,
                "measures": t.measures,
                "measures_text": t.measures.iter().enumerate().map(|(k, m)| if t.measures.len() > 1 { format!("{}．{m}", k + 1) } else { m.clone() }).collect::<Vec<_>>().join("；"),
                "target": t.target,
                "lead": t.lead,
                "support": if t.support.is_empty() { "—".to_owned() } else { t.support.join("、") },
                "responsible": t.responsible,
                "milestones": milestones,
                "deadline": t.deadline.to_chinese(),
                "status": format!("{}（{}）", status_text(t.status), t.progress),
            })
        })
        .collect()
}

fn status_text(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::NotStarted => "未开始",
        TaskStatus::InProgress => "进行中",
        TaskStatus::Done => "已完成",
    }
}

/// 年度行动计划 of one town, with its responsibility list as an attachment.
fn town_plan(content: &Content, town: &Town, year: i32, inputs: &[PathBuf]) -> Doc {
    let city = &content.city;
    let date = city.document_date;
    let name = town
        .specialty_name
        .clone()
        .unwrap_or_else(|| town.name.clone());
    let title = format!("{name}{year}年度行动计划");
    let targets: Vec<&crate::model::Target> = town
        .targets
        .iter()
        .filter(|t| i32::from(t.year) == year)
        .collect();
    Doc {
        kind: "action-plan",
        town: Some(town.id.clone()),
        year,
        path: format!("{year}/towns/{}/action-plan.pdf", town.id),
        template: "town-plan.typ.j2".into(),
        context: json!({
            "city": city,
            "town": town,
            "plan": {"title": content.plan.title, "subtitle": content.plan.subtitle},
            "doc": {
                "title": title,
                "title_lines": title_lines(&title),
                "year": year,
                "government": town.government_name(),
                "date": date_json(date),
                "targets": targets,
                "tasks": task_rows(town),
                "list_title": format!("{}{year}年度重点任务责任清单", town.name),
            },
        })
        .into(),
        date: typeset_date(date),
        inputs: inputs.to_vec(),
        inputs_sha256: String::new(),
        sidecars: Vec::new(),
    }
}

fn problem_status(status: ProblemStatus) -> &'static str {
    match status {
        ProblemStatus::Fixed => "已整改",
        ProblemStatus::Fixing => "整改中",
        ProblemStatus::Open => "未整改",
    }
}

fn problem_json(town: &Town, p: &crate::model::Problem) -> Value {
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
fn ledger(content: &Content, year: i32, inputs: &[PathBuf]) -> Doc {
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
    Doc {
        kind: "ledger",
        town: None,
        year,
        path: format!("{year}/city/ledger.pdf"),
        template: "ledger.typ.j2".into(),
        context: json!({
            "city": city,
            "doc": {
                "title": format!("{}专业镇建设问题台账", city.name),
                "organ": organ_name,
                "date": date_json(date),
                "rows": rows,
                "totals": totals,
                "by_town": by_town,
            },
        })
        .into(),
        date: typeset_date(date),
        inputs: inputs.to_vec(),
        inputs_sha256: String::new(),
        sidecars: vec![Sidecar {
            path: format!("{year}/city/ledger.xlsx"),
            format: SidecarFormat::LedgerXlsx,
        }],
    }
}

/// `date` plus `days` days (proleptic Gregorian).
pub fn add_days(date: crate::model::Date, days: u32) -> crate::model::Date {
    let month = time::Month::try_from(date.month).unwrap_or(time::Month::January);
    let start = time::Date::from_calendar_date(i32::from(date.year), month, date.day)
        .unwrap_or(time::Date::MIN);
    let end = start.saturating_add(time::Duration::days(i64::from(days)));
    crate::model::Date {
        year: u16::try_from(end.year()).unwrap_or(date.year),
        month: u8::from(end.month()),
        day: end.day(),
    }
}

/// Ranking, commendation and supervision notices, from `assessment.yaml`.
fn assessment_documents(
    content: &Content,
    assessment: &Assessment,
    year: i32,
    inputs: &[PathBuf],
) -> Vec<Doc> {
    let city = &content.city;
    let as_of = assessment.as_of.unwrap_or(city.document_date);
    let ranking = score(&content.towns, assessment, as_of);
    let outcome = select(&ranking, &assessment.selection);
    let town_of = |id: &str| content.towns.iter().find(|t| t.id == id);
    let scored_of = |id: &str| ranking.iter().find(|s| s.town == id);
    let n = ranking.len();
    let indicators: Vec<Value> = assessment
        .indicators
        .iter()
        .map(|i| {
            let full = match (i.measure, i.full_growth, i.full_count) {
                (Measure::OutputGrowth, Some(g), _) => format!("增长{g}及以上记满分"),
                (Measure::Enterprises, _, Some(c)) => format!("{c}家及以上记满分"),
                (Measure::Jobs, _, Some(c)) => format!("{c}人及以上记满分"),
                _ => "按比例计分".to_owned(),
            };
            json!({"name": i.name, "measure": i.measure.chinese(), "weight": i.weight, "full": full})
        })
        .collect();
    let rows: Vec<Value> = ranking
        .iter()
        .map(|s| {
            json!({
                "town": s.town,
                "name": s.name,
                "rank": s.rank,
                "score": s.score_text,
                "parts": s.parts.iter().map(|p| json!({"points": format_score(p.points), "figure": p.figure})).collect::<Vec<_>>(),
            })
        })
        .collect();
    // the chart gets the score as a Typst float literal written from the exact integer; above
    // `chart_bars` towns it shows the top and bottom halves, the middle elided
    let bar = |s: &crate::assess::Scored| json!({"name": s.name, "value": s.score_text});
    let limit = (assessment.chart_bars as usize).max(2);
    let (chart, chart_elided): (Vec<Value>, Value) = if n <= limit {
        (ranking.iter().map(bar).collect(), Value::Null)
    } else {
        let (top, bottom) = (limit / 2, limit - limit / 2);
        let bars = ranking[..top]
            .iter()
            .chain(&ranking[n - bottom..])
            .map(bar)
            .collect();
        (
            bars,
            json!({"after": top, "from": top + 1, "to": n - bottom}),
        )
    };
    let commended: Vec<Value> = outcome
        .commended
        .iter()
        .filter_map(|id| {
            let (t, s) = (town_of(id)?, scored_of(id)?);
            let done: Vec<&str> = t.tasks.iter().filter(|x| x.status == TaskStatus::Done).map(|x| x.title.as_str()).collect();
            let growth = s.parts.iter().zip(&assessment.indicators).find(|(_, i)| i.measure == Measure::OutputGrowth).map(|(p, _)| p.figure.clone());
            Some(json!({
                "name": t.name, "government": t.government_name(), "rank": s.rank, "score": s.score_text,
                "specialty": t.specialty_name.clone().unwrap_or_else(|| t.leading_industry.clone()),
                "done": done, "growth": growth, "tasks": t.tasks.len(),
            }))
        })
        .collect();
    let supervised: Vec<Value> = outcome
        .supervised
        .iter()
        .filter_map(|(id, reasons)| {
            let t = town_of(id)?;
            Some(json!({"name": t.name, "reasons": reasons}))
        })
        .collect();
    let selection = json!({
        "commend_top": assessment.selection.commend_top,
        "supervise_bottom": assessment.selection.supervise_bottom,
        "overdue_tasks": assessment.selection.supervise_overdue_tasks,
        "overdue_problems": assessment.selection.supervise_overdue_problems,
    });
    let issue_doc = |issue: &crate::model::assessment::Issue, title: String| {
        let date = issue.date.unwrap_or(city.document_date);
        let (organ_name, prefix) = organ(content, &issue.organ);
        let title = format!("{organ_name}{title}");
        json!({
            "title_lines": title_lines(&title),
            "title": title,
            "organ": organ_name,
            "wenhao": wenhao(&prefix, date.year, issue.serial),
            "recipients": issue.recipients,
            "cc": issue.cc,
            "date": date_json(date),
        })
    };
    let common = json!({
        "year": year,
        "as_of": date_json(as_of),
        "plan_title": format!("{}{}", content.plan.title, content.plan.subtitle.clone().unwrap_or_default()),
        "group": city.leading_group.short,
        "town_count": n,
        "indicators": indicators,
        "rows": rows,
        "chart": chart,
        "chart_elided": chart_elided,
        "commended": commended,
        "supervised": supervised,
        "selection": selection,
    });
    let mut docs = Vec::new();
    let r = &assessment.ranking;
    docs.push(Doc {
        kind: "ranking",
        town: None,
        year,
        path: format!("{year}/city/ranking.pdf"),
        template: "ranking.typ.j2".into(),
        context: json!({"city": city, "a": common, "doc": issue_doc(r, format!("关于{year}年度专业镇建设评价排名情况的通报"))}).into(),
        date: typeset_date(r.date.unwrap_or(city.document_date)),
        inputs: inputs.to_vec(),
        inputs_sha256: String::new(),
        sidecars: Vec::new(),
    });
    if !outcome.commended.is_empty() {
        let c = &assessment.commendation;
        docs.push(Doc {
            kind: "commendation",
            town: None,
            year,
            path: format!("{year}/city/commendation.pdf"),
            template: "commendation.typ.j2".into(),
            context: json!({"city": city, "a": common, "doc": issue_doc(c, format!("关于对{year}年度专业镇建设成效突出的镇（街道）予以表扬的通报"))}).into(),
            date: typeset_date(c.date.unwrap_or(city.document_date)),
            inputs: inputs.to_vec(),
            inputs_sha256: String::new(),
            sidecars: Vec::new(),
        });
    }
    let sup = &assessment.supervision;
    let date = sup.date.unwrap_or(city.document_date);
    let deadline = sup
        .deadline
        .unwrap_or_else(|| add_days(date, sup.deadline_days.unwrap_or(30)));
    let (organ_name, prefix) = organ(content, &sup.organ);
    for (i, (id, reasons)) in outcome.supervised.iter().enumerate() {
        let (Some(town), Some(s)) = (town_of(id), scored_of(id)) else {
            continue;
        };
        let overdue: Vec<Value> = s
            .overdue_tasks
            .iter()
            .map(|&k| {
                let t = &town.tasks[k];
                json!({"title": t.title, "deadline": t.deadline.to_chinese(), "progress": t.progress.to_string(), "status": status_text(t.status), "lead": t.lead, "responsible": t.responsible})
            })
            .collect();
        let open: Vec<Value> = s
            .open_problems
            .iter()
            .map(|&k| {
                let mut p = problem_json(town, &town.problems[k]);
                p["overdue"] = json!(s.overdue_problems.contains(&k));
                p
            })
            .collect();
        let title = format!("{organ_name}关于对{}专业镇建设工作的督办通知书", town.name);
        let fill = |text: &str| {
            crate::model::assessment::Wording::fill(
                text,
                town.kind.chinese(),
                &deadline.to_chinese(),
                &sup.report_to,
                &city.leading_group.short,
            )
        };
        let serial = sup.first_serial + i as u32;
        docs.push(Doc {
            kind: "supervision-notice",
            town: Some(town.id.clone()),
            year,
            path: format!("{year}/towns/{}/supervision-notice.pdf", town.id),
            template: "supervision-notice.typ.j2".into(),
            context: json!({
                "city": city,
                "town": {"name": town.name, "kind": town.kind.chinese(), "government": town.government_name()},
                "a": {"year": year, "as_of": date_json(as_of), "town_count": n, "group": city.leading_group.short},
                "doc": {
                    "title": title,
                    "title_lines": title_lines(&title),
                    "organ": organ_name,
                    "wenhao": wenhao(&prefix, date.year, serial),
                    "date": date_json(date),
                    "deadline": date_json(deadline),
                    "report_to": sup.report_to,
                    "wording": {
                        "rectify": fill(&sup.wording.rectify),
                        "report": fill(&sup.wording.report),
                        "overdue": fill(&sup.wording.overdue),
                    },
                    "cc": sup.cc,
                    "rank": s.rank,
                    "score": s.score_text,
                    "reasons": reasons,
                    "overdue": overdue,
                    "open": open,
                },
            }).into(),
            date: typeset_date(date),
            inputs: inputs.to_vec(),
            inputs_sha256: String::new(),
            sidecars: Vec::new(),
        });
    }
    docs
}

fn typeset_date(date: crate::model::Date) -> Date {
    Date {
        year: i32::from(date.year),
        month: date.month,
        day: date.day,
    }
}

/// Glyph coverage of every content file's data, against the fonts of its role.
pub fn coverage(
    content: &Content,
    sources: &BTreeMap<PathBuf, String>,
    fonts: &FontSet,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut check = |relative: &Path, value: Value| {
        let file = content.root.join(relative);
        let source = sources
            .get(&file)
            .or_else(|| sources.get(relative))
            .map(String::as_str);
        out.extend(crate::typeset::coverage::check(
            fonts, &file, source, &value,
        ));
    };
    for town in &content.towns {
        let relative = town
            .file
            .strip_prefix(&content.root)
            .unwrap_or(&town.file)
            .to_path_buf();
        check(&relative, serde_json::to_value(town).unwrap_or(Value::Null));
    }
    check(
        Path::new("city.yaml"),
        serde_json::to_value(&content.city).unwrap_or(Value::Null),
    );
    check(
        Path::new("plan.yaml"),
        serde_json::to_value(&content.plan).unwrap_or(Value::Null),
    );
    if let Some(assessment) = &content.assessment {
        check(
            Path::new("assessment.yaml"),
            serde_json::to_value(assessment).unwrap_or(Value::Null),
        );
    }
    out
}

/// Towns whose file is present but did not load (their old documents are kept, not removed).
pub fn broken_towns(
    content: &Content,
    findings: &[Diagnostic],
    content_dir: &Path,
) -> BTreeSet<String> {
    let loaded: BTreeSet<&str> = content.towns.iter().map(|t| t.id.as_str()).collect();
    findings
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| {
            let rel = crate::diag::display_path(&d.file, content_dir);
            let mut parts = rel.components();
            let first = parts.next()?.as_os_str().to_str()?;
            (first == "towns")
                .then(|| rel.file_stem().and_then(|s| s.to_str()).map(str::to_owned))
                .flatten()
        })
        .filter(|id| !loaded.contains(id.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_break_at_phrase_boundaries() {
        assert_eq!(
            title_lines(
                "永济市人民政府办公室关于印发永济市促进专业镇高质量发展行动计划（2024-2025年）的通知"
            ),
            [
                "永济市人民政府办公室关于印发",
                "永济市促进专业镇高质量发展行动计划",
                "（2024-2025年）的通知"
            ]
        );
        assert_eq!(
            title_lines(
                "永济市专业镇发展领导小组办公室关于对2025年度专业镇建设成效突出的镇（街道）予以表扬的通报"
            ),
            [
                "永济市专业镇发展领导小组办公室关于对",
                "2025年度专业镇建设成效突出的镇（街道）",
                "予以表扬的通报"
            ]
        );
        // short titles and titles without break points are left to the typesetter
        assert_eq!(
            title_lines("开张冬枣专业镇2025年度行动计划"),
            ["开张冬枣专业镇2025年度行动计划"]
        );
        let long = "甲".repeat(45);
        assert_eq!(title_lines(&long), std::slice::from_ref(&long));
    }

    #[test]
    fn deadlines_count_calendar_days() {
        let d = |y, m, d| crate::model::Date::new(y, m, d).unwrap();
        assert_eq!(add_days(d(2025, 10, 20), 30), d(2025, 11, 19));
        assert_eq!(add_days(d(2025, 12, 15), 30), d(2026, 1, 14));
        assert_eq!(add_days(d(2024, 2, 28), 1), d(2024, 2, 29));
        assert_eq!(add_days(d(2025, 2, 28), 1), d(2025, 3, 1));
    }
}

//! Plan stage, designation (认定) of county-level towns: the public notice of the towns proposed
//! (拟认定名单公示, the towns that pass only through the relaxation marked) and the decision
//! (关于认定……为永济市县级专业镇的通知). Both list the county-level towns at stage 申报 that meet
//! the standard, and the towns already designated by this very decision (so the documents stay
//! what they were once the YAML says 已认定); a town that fails is in neither.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Doc, Number, date_json, organ, title_lines, wenhao};
use crate::check::{Report, Verdict};
use crate::model::cycle::DesignationIssues;
use crate::model::{Content, Date, Level, Stage, Town};

/// The county-level towns the decision designates, with their verdicts.
pub fn designated<'a>(
    content: &'a Content,
    report: &'a Report,
    decision: &str,
) -> Vec<(&'a Town, &'a Verdict)> {
    content
        .towns
        .iter()
        .filter(|t| t.designation.level == Level::County)
        .filter(|t| match t.designation.stage {
            Stage::Applying => true,
            Stage::Designated => t.designation.decision.as_deref() == Some(decision),
            Stage::Cultivating => false,
        })
        .filter_map(|t| Some((t, report.verdict(&t.id)?)))
        .filter(|(_, v)| v.meets)
        .collect()
}

/// The decision's 文号 as printed.
pub fn decision_wenhao(content: &Content, issues: &DesignationIssues) -> String {
    let d = &issues.decision;
    let year = d.date.unwrap_or(content.city.document_date).year;
    wenhao(&organ(content, &d.organ).1, year, d.serial)
}

/// The name a town's specialty town goes by.
pub(super) fn specialty(town: &Town) -> String {
    town.specialty_name
        .clone()
        .unwrap_or_else(|| format!("{}{}专业镇", town.name, town.leading_industry))
}

/// One row of the list: the town, its specialty town, category, leading industry, and (public
/// notice) the relaxation it passed through.
fn row(town: &Town, verdict: &Verdict) -> Value {
    // 适用放宽条件（地理标志）: the kinds of the town's traditional features
    let relaxed = verdict.relaxation_used.then(|| {
        let mut kinds: Vec<&str> = town
            .traditional_features
            .iter()
            .filter(|f| !f.evidence.trim().is_empty())
            .map(|f| f.kind.chinese())
            .collect();
        kinds.dedup();
        if kinds.is_empty() {
            "适用放宽条件".to_owned()
        } else {
            format!("适用放宽条件（{}）", kinds.join("、"))
        }
    });
    json!({
        "id": town.id,
        "name": town.name,
        "specialty": specialty(town),
        "category": town.category.chinese(),
        "industry": town.leading_industry,
        "relaxed": relaxed,
    })
}

/// The public notice and the decision, when city.yaml says how they are issued and a town passes.
pub(super) fn documents(
    content: &Content,
    report: &Report,
    year: i32,
    inputs: &[PathBuf],
) -> Vec<Doc> {
    let Some(issues) = &content.city.designation else {
        return Vec::new();
    };
    let towns = designated(content, report, &decision_wenhao(content, issues));
    if towns.is_empty() {
        return Vec::new();
    }
    let rows: Vec<Value> = towns.iter().map(|(t, v)| row(t, v)).collect();
    vec![
        public_notice(content, issues, &rows, year, inputs),
        decision(content, issues, &rows, year, inputs),
    ]
}

/// What every city-wide document with a 文号 fixed in city.yaml shows (the designation notice
/// and decision, the yearly report): `YEAR/city/KIND.pdf` from `KIND.typ.j2`, its context `city`
/// and a `doc` with the title and its lines, the organ, the 文号, the date, the year and the
/// plan's title, plus the kind's own fields.
pub(super) struct CityDoc {
    pub kind: &'static str,
    pub title: String,
    /// The issuing organ's id (city.yaml `organs`).
    pub organ: String,
    pub date: Date,
    /// The serial and where city.yaml fixes it (`designation.notice.serial`).
    pub serial: u32,
    pub field: String,
}

impl CityDoc {
    /// The document, its `doc` holding `fields` too.
    pub fn doc(self, content: &Content, year: i32, fields: Value, inputs: &[PathBuf]) -> Doc {
        let (organ_name, prefix) = organ(content, &self.organ);
        let number = Number {
            organ: self.organ,
            year: self.date.year,
            serial: self.serial,
            text: wenhao(&prefix, self.date.year, self.serial),
            fixed_at: Some(("city.yaml".into(), self.field)),
        };
        let mut doc = json!({
            "title": self.title,
            "title_lines": title_lines(&self.title),
            "organ": organ_name,
            "wenhao": number.text,
            "date": date_json(self.date),
            "year": year,
            "plan_title": plan_title(content),
        });
        if let (Some(doc), Value::Object(more)) = (doc.as_object_mut(), fields) {
            doc.extend(more);
        }
        Doc::new(
            self.kind,
            None,
            year,
            format!("{year}/city/{}.pdf", self.kind),
            &format!("{}.typ.j2", self.kind),
            json!({"city": content.city, "doc": doc}),
            self.date,
            inputs,
        )
        .numbered(number)
    }
}

/// 拟认定名单公示.
fn public_notice(
    content: &Content,
    issues: &DesignationIssues,
    rows: &[Value],
    year: i32,
    inputs: &[PathBuf],
) -> Doc {
    let city = &content.city;
    let n = &issues.notice;
    let issue = CityDoc {
        kind: "designation-notice",
        title: format!(
            "{}关于{year}年度{}县级专业镇拟认定名单的公示",
            organ(content, &n.organ).0,
            city.name
        ),
        organ: n.organ.clone(),
        date: n.date.unwrap_or(city.document_date),
        serial: n.serial,
        field: "designation.notice.serial".into(),
    };
    let fields = json!({
        "from": date_json(n.from),
        "to": date_json(n.to),
        "period": period(n.from, n.to),
        "working_days": n.working_days,
        "contact": n.contact,
        "towns": rows,
        "relaxed": rows.iter().filter(|r| !r["relaxed"].is_null()).count(),
    });
    issue.doc(content, year, fields, inputs)
}

/// 认定通知.
fn decision(
    content: &Content,
    issues: &DesignationIssues,
    rows: &[Value],
    year: i32,
    inputs: &[PathBuf],
) -> Doc {
    let city = &content.city;
    let (d, n) = (&issues.decision, &issues.notice);
    let first = rows[0]["specialty"].as_str().unwrap_or_default();
    let which = if rows.len() == 1 {
        first.to_owned()
    } else {
        format!("{first}等{}个专业镇", rows.len())
    };
    let issue = CityDoc {
        kind: "designation",
        title: format!(
            "{}关于认定{which}为{}县级专业镇的通知",
            organ(content, &d.organ).0,
            city.name
        ),
        organ: d.organ.clone(),
        date: d.date.unwrap_or(city.document_date),
        serial: d.serial,
        field: "designation.decision.serial".into(),
    };
    let fields = json!({
        "notice_organ": organ(content, &n.organ).0,
        "period": period(n.from, n.to),
        "recipients": d.recipients,
        "cc": d.cc,
        "towns": rows,
        "count": rows.len(),
    });
    issue.doc(content, year, fields, inputs)
}

/// `2025年10月21日至10月27日`: the end's year left out when it is the start's.
fn period(from: crate::model::Date, to: crate::model::Date) -> String {
    let end = if from.year == to.year {
        format!("{}月{}日", to.month, to.day)
    } else {
        to.to_chinese()
    };
    format!("{}至{end}", from.to_chinese())
}

/// 《永济市促进专业镇高质量发展行动计划（2024-2025年）》's title.
pub(super) fn plan_title(content: &Content) -> String {
    format!(
        "{}{}",
        content.plan.title,
        content.plan.subtitle.clone().unwrap_or_default()
    )
}

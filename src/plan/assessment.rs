//! Plan stage, the assessment documents (from `assessment.yaml`): the ranking (评价排名通报), the
//! commendation (表扬通报) and one supervision notice (督办通知书) per town the rule selects.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use serde_json::{Value, json};

use super::action_plan::status_text;
use super::ledger::problem_json;
use super::{Doc, Number, date_json, draft_wenhao, organ, title_lines, wenhao};
use crate::assess::{Outcome, Scored, format_score, score, select};
use crate::model::assessment::{DraftNumber, Issue, SupervisionIssue, Wording};
use crate::model::{Assessment, Content, Date, Measure, Task, TaskStatus, Town};

/// `date` plus `days` days (proleptic Gregorian).
pub fn add_days(date: Date, days: u32) -> Date {
    let month = time::Month::try_from(date.month).unwrap_or(time::Month::January);
    let start = time::Date::from_calendar_date(i32::from(date.year), month, date.day)
        .unwrap_or(time::Date::MIN);
    let end = start.saturating_add(time::Duration::days(i64::from(days)));
    Date {
        year: u16::try_from(end.year()).unwrap_or(date.year),
        month: u8::from(end.month()),
        day: end.day(),
    }
}

/// Ranking, commendation and supervision notices, from `assessment.yaml`.
pub(super) fn documents(
    content: &Content,
    assessment: &Assessment,
    year: i32,
    inputs: &[PathBuf],
    issuing: &BTreeSet<String>,
) -> Vec<Doc> {
    let city = &content.city;
    let as_of = assessment.as_of.unwrap_or(city.document_date);
    let ranking = score(&content.towns, assessment, as_of);
    let outcome = select(&ranking, &assessment.selection);
    let common = common_context(content, assessment, &ranking, &outcome, year, as_of);
    let mut docs = Vec::new();
    let r = &assessment.ranking;
    docs.push(Doc::new(
        "ranking",
        None,
        year,
        format!("{year}/city/ranking.pdf"),
        "ranking.typ.j2",
        json!({"city": city, "a": common, "doc": issue_doc(content, r, format!("关于{year}年度专业镇建设评价排名情况的通报"), marking(content, assessment, issuing, &format!("{year}/city/ranking.pdf")))}),
        r.date.unwrap_or(city.document_date),
        inputs,
    ).numbered(fixed_number(content, r, "ranking")));
    if !outcome.commended.is_empty() {
        let c = &assessment.commendation;
        docs.push(Doc::new(
            "commendation",
            None,
            year,
            format!("{year}/city/commendation.pdf"),
            "commendation.typ.j2",
            json!({"city": city, "a": common, "doc": issue_doc(content, c, format!("关于对{year}年度专业镇建设成效突出的镇（街道）予以表扬的通报"), marking(content, assessment, issuing, &format!("{year}/city/commendation.pdf")))}),
            c.date.unwrap_or(city.document_date),
            inputs,
        ).numbered(fixed_number(content, c, "commendation")));
    }
    let notices = Notices {
        content,
        assessment,
        sup: &assessment.supervision,
        year,
        as_of,
        town_count: ranking.len(),
        inputs,
        issuing,
    };
    let mut serials = Serials::new(content, &assessment.supervision, &docs);
    // by id, and the scores sorted: searching them per supervised town was quadratic (10,000
    // generated towns: 6 % of `zyz check`)
    let towns: HashMap<&str, &Town> = content.towns.iter().map(|t| (t.id.as_str(), t)).collect();
    let scores: HashMap<&str, _> = ranking.iter().map(|s| (s.town.as_str(), s)).collect();
    let mut sorted: Vec<i64> = ranking.iter().map(|s| s.score).collect();
    sorted.sort_unstable();
    for (id, reasons) in &outcome.supervised {
        let town = towns.get(id.as_str()).copied();
        let scored = scores.get(id.as_str()).copied();
        if let (Some(town), Some(scored)) = (town, scored) {
            let serial = serials.next(&notices.path(town));
            // in the last places the rule supervises (ties sharing a place, as `select` counts)
            let below = sorted.partition_point(|x| *x < scored.score);
            let low = below < assessment.selection.supervise_bottom as usize;
            docs.push(notices.notice(town, scored, reasons, low, serial));
        }
    }
    docs
}

/// The 文号 a ranking or commendation is given in `assessment.yaml` (`field`: its section).
fn fixed_number(content: &Content, issue: &Issue, field: &str) -> Number {
    let year = issue.date.unwrap_or(content.city.document_date).year;
    Number {
        organ: issue.organ.clone(),
        year,
        serial: issue.serial,
        text: wenhao(&organ(content, &issue.organ).1, year, issue.serial),
        fixed_at: Some(("assessment.yaml".into(), format!("{field}.serial"))),
    }
}

/// Serials for supervision notices in rank order: an issued notice keeps the serial it was issued
/// with; the others take the free serials from `first_serial` on, skipping those the register and
/// the other documents of the organ and year already hold.
struct Serials<'a> {
    register: Option<&'a crate::model::Register>,
    taken: BTreeSet<u32>,
    next: u32,
}

impl<'a> Serials<'a> {
    fn new(content: &'a Content, sup: &SupervisionIssue, docs: &[Doc]) -> Self {
        let num_year = sup.date.unwrap_or(content.city.document_date).year;
        let mine = |organ: &str, y: u16| organ == sup.organ && y == num_year;
        let register = content.register.as_ref();
        let taken = register
            .into_iter()
            .flat_map(|r| &r.issued)
            .filter(|e| mine(&e.organ, e.year))
            .map(|e| e.serial)
            .chain(
                docs.iter()
                    .filter_map(|d| d.number.as_ref())
                    .filter(|n| mine(&n.organ, n.year))
                    .map(|n| n.serial),
            )
            .collect();
        Self {
            register,
            taken,
            next: sup.first_serial,
        }
    }

    /// The serial of the notice at `path`.
    fn next(&mut self, path: &str) -> u32 {
        if let Some(e) = self.register.and_then(|r| r.entry(path)) {
            return e.serial;
        }
        while self.taken.contains(&self.next) {
            self.next += 1;
        }
        self.taken.insert(self.next);
        self.next
    }
}

/// What the ranking and the commendation share: the indicators, every town's scores, the chart,
/// who is commended and who supervised.
fn common_context(
    content: &Content,
    assessment: &Assessment,
    ranking: &[Scored],
    outcome: &Outcome,
    year: i32,
    as_of: Date,
) -> Value {
    let (chart, chart_elided) = chart(ranking, assessment.chart_bars);
    let selection = json!({
        "commend_top": assessment.selection.commend_top,
        "supervise_bottom": assessment.selection.supervise_bottom,
        "overdue_tasks": assessment.selection.supervise_overdue_tasks,
        "overdue_problems": assessment.selection.supervise_overdue_problems,
    });
    json!({
        "year": year,
        "as_of": date_json(as_of),
        "plan_title": format!("{}{}", content.plan.title, content.plan.subtitle.clone().unwrap_or_default()),
        "group": content.city.leading_group.short,
        "town_count": ranking.len(),
        "indicators": indicators(assessment),
        "rows": ranking.iter().map(ranking_row).collect::<Vec<_>>(),
        "chart": chart,
        "chart_elided": chart_elided,
        "commended": commended(content, assessment, ranking, outcome),
        "supervised": supervised(content, outcome),
        "selection": selection,
    })
}

/// The indicators with their weights and what scores full marks.
fn indicators(assessment: &Assessment) -> Vec<Value> {
    assessment
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
        .collect()
}

/// One row of the ranking table.
fn ranking_row(s: &Scored) -> Value {
    json!({
        "town": s.town,
        "name": s.name,
        "rank": s.rank,
        "score": s.score_text,
        "parts": s.parts.iter().map(|p| json!({"points": format_score(p.points), "figure": p.figure})).collect::<Vec<_>>(),
    })
}

/// The chart's bars: the score as a Typst float literal written from the exact integer; above
/// `chart_bars` towns the top and bottom halves, the middle elided.
fn chart(ranking: &[Scored], chart_bars: u32) -> (Vec<Value>, Value) {
    let bar = |s: &Scored| json!({"name": s.name, "value": s.score_text});
    let n = ranking.len();
    let limit = (chart_bars as usize).max(2);
    if n <= limit {
        return (ranking.iter().map(bar).collect(), Value::Null);
    }
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
}

/// The commended towns with what the commendation says of them.
fn commended(
    content: &Content,
    assessment: &Assessment,
    ranking: &[Scored],
    outcome: &Outcome,
) -> Vec<Value> {
    outcome
        .commended
        .iter()
        .filter_map(|id| {
            let t = content.towns.iter().find(|t| &t.id == id)?;
            let s = ranking.iter().find(|s| &s.town == id)?;
            let done: Vec<&str> = t.tasks.iter().filter(|x| x.status == TaskStatus::Done).map(|x| x.title.as_str()).collect();
            let growth = s.parts.iter().zip(&assessment.indicators).find(|(_, i)| i.measure == Measure::OutputGrowth).map(|(p, _)| p.figure.clone());
            Some(json!({
                "name": t.name, "government": t.government_name(), "rank": s.rank, "score": s.score_text,
                "specialty": t.specialty_name.clone().unwrap_or_else(|| t.leading_industry.clone()),
                "done": done, "growth": growth, "tasks": t.tasks.len(),
            }))
        })
        .collect()
}

/// The supervised towns with the reasons.
fn supervised(content: &Content, outcome: &Outcome) -> Vec<Value> {
    outcome
        .supervised
        .iter()
        .filter_map(|(id, reasons)| {
            let t = content.towns.iter().find(|t| &t.id == id)?;
            Some(json!({"name": t.name, "reasons": reasons}))
        })
        .collect()
}

/// The issuing part of a city-wide notice: title, organ, 文号, recipients, 抄送, date.
fn issue_doc(content: &Content, issue: &Issue, title: String, marking: Option<&str>) -> Value {
    let date = issue.date.unwrap_or(content.city.document_date);
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
        "draft_marking": marking,
    })
}

/// Whether the document at `path` is a draft: neither issued (in the register) nor being
/// issued now.
pub(super) fn is_draft(content: &Content, issuing: &BTreeSet<String>, path: &str) -> bool {
    let issued = content
        .register
        .as_ref()
        .is_some_and(|r| r.entry(path).is_some());
    !issued && !issuing.contains(path)
}

/// The draft marking (征求意见稿) the document at `path` shows: none once it is issued or being
/// issued.
fn marking<'a>(
    content: &Content,
    assessment: &'a Assessment,
    issuing: &BTreeSet<String>,
    path: &str,
) -> Option<&'a str> {
    let draft = is_draft(content, issuing, path);
    assessment.draft_marking.as_deref().filter(|_| draft)
}

/// What every supervision notice of one assessment shares.
struct Notices<'a> {
    content: &'a Content,
    assessment: &'a Assessment,
    sup: &'a SupervisionIssue,
    year: i32,
    as_of: Date,
    town_count: usize,
    inputs: &'a [PathBuf],
    /// The notices being issued now: they show their serial, other drafts may not.
    issuing: &'a BTreeSet<String>,
}

impl Notices<'_> {
    /// The 文号 as printed: the serial once issued or being issued (or for every draft with
    /// `draft_number: provisional`), else left blank.
    fn wenhao(&self, town: &Town, prefix: &str, year: u16, serial: u32) -> String {
        let draft = is_draft(self.content, self.issuing, &self.path(town));
        if !draft || self.sup.draft_number == DraftNumber::Provisional {
            wenhao(prefix, year, serial)
        } else {
            draft_wenhao(prefix, year)
        }
    }

    /// Where a town's notice is archived.
    fn path(&self, town: &Town) -> String {
        format!("{}/towns/{}/supervision-notice.pdf", self.year, town.id)
    }

    /// The supervision notice of a town, with its serial (see [`Serials`]); `low`: supervised
    /// for its place in the ranking (else the ranking is no finding of the notice).
    fn notice(&self, town: &Town, s: &Scored, reasons: &[String], low: bool, serial: u32) -> Doc {
        let (content, sup, year) = (self.content, self.sup, self.year);
        let city = &content.city;
        let date = sup.date.unwrap_or(city.document_date);
        let deadline = sup
            .deadline
            .unwrap_or_else(|| add_days(date, sup.deadline_days.unwrap_or(30)));
        let (organ_name, prefix) = organ(content, &sup.organ);
        let title = format!("{organ_name}关于对{}专业镇建设工作的督办通知书", town.name);
        let fill = |text: &str| {
            Wording::fill(
                text,
                town.kind.chinese(),
                &deadline.to_chinese(),
                &sup.report_to,
                &city.leading_group.short,
            )
        };
        Doc::new(
            "supervision-notice",
            Some(town.id.clone()),
            year,
            self.path(town),
            "supervision-notice.typ.j2",
            json!({
                "city": city,
                "town": {"name": town.name, "kind": town.kind.chinese(), "government": town.government_name()},
                "a": {"year": year, "as_of": date_json(self.as_of), "town_count": self.town_count, "group": city.leading_group.short},
                "doc": {
                    "title": title,
                    "title_lines": title_lines(&title),
                    "organ": organ_name,
                    "wenhao": self.wenhao(town, &prefix, date.year, serial),
                    "draft_marking": marking(self.content, self.assessment, self.issuing, &self.path(town)),
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
                    "low_rank": low,
                    "score": s.score_text,
                    "reasons": reasons,
                    "overdue": overdue_tasks(town, s),
                    "open": open_problems(town, s, self.as_of),
                },
            }),
            date,
            self.inputs,
        )
        .numbered(Number {
            organ: sup.organ.clone(),
            year: date.year,
            serial,
            text: wenhao(&prefix, date.year, serial),
            fixed_at: None,
        })
    }
}

/// A supervised town's overdue tasks.
fn overdue_tasks(town: &Town, s: &Scored) -> Vec<Value> {
    s.overdue_tasks
        .iter()
        .map(|&k| task_json(&town.tasks[k]))
        .collect()
}

/// A task as the supervision notice and its follow-ups print it.
pub(super) fn task_json(t: &Task) -> Value {
    json!({"title": t.title, "deadline": t.deadline.to_chinese(), "progress": t.progress.to_string(), "status": status_text(t.status), "lead": t.lead, "responsible": t.responsible})
}

/// A supervised town's open problems, each marked when overdue.
fn open_problems(town: &Town, s: &Scored, as_of: Date) -> Vec<Value> {
    s.open_problems
        .iter()
        .map(|&k| {
            let mut p = problem_json(town, k, as_of);
            p["overdue"] = json!(s.overdue_problems.contains(&k));
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_count_calendar_days() {
        let d = |y, m, d| crate::model::Date::new(y, m, d).unwrap();
        assert_eq!(add_days(d(2025, 10, 20), 30), d(2025, 11, 19));
        assert_eq!(add_days(d(2025, 12, 15), 30), d(2026, 1, 14));
        assert_eq!(add_days(d(2024, 2, 28), 1), d(2024, 2, 29));
        assert_eq!(add_days(d(2025, 2, 28), 1), d(2025, 3, 1));
    }
}

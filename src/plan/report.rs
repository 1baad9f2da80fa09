//! Plan stage, the yearly report upwards (关于永济市2025年度专业镇建设工作情况的报告, 上行文 to
//! Yuncheng's office, 签发人 in the banner): the plan's targets against the data (target, actual,
//! met), designations (towns and clusters), tasks done and overdue, problems found and closed,
//! the ranking's top and bottom and the next year's focus. Every figure comes from the content.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::designation::{CityDoc, decision_wenhao, designated, specialty};
use super::{Doc, organ};
use crate::check::Report;
use crate::model::cycle::{AnnualReport, Cluster, PlanTarget, TargetMeasure};
use crate::model::{Content, Date, Level, Money, ProblemStatus, Stage, TaskStatus, Town};

/// One designated unit: a town or a cluster, its level and when it was designated.
struct Unit<'a> {
    name: String,
    level: Level,
    /// The day it counts from (a town's designation year counts from its first day).
    on: Date,
    town: Option<&'a Town>,
    cluster: Option<&'a Cluster>,
}

/// Every designated town and cluster.
fn units(content: &Content) -> Vec<Unit<'_>> {
    let towns = content
        .towns
        .iter()
        .filter(|t| t.designation.stage == Stage::Designated)
        .map(|t| Unit {
            name: specialty(t),
            level: t.designation.level,
            on: Date::new(t.designation.year.unwrap_or(1900), 1, 1).unwrap_or_default(),
            town: Some(t),
            cluster: None,
        });
    let clusters = content.city.clusters.iter().map(|c| Unit {
        name: format!("{}专业镇", c.name),
        level: c.level,
        on: c.designated,
        town: None,
        cluster: Some(c),
    });
    towns.chain(clusters).collect()
}

/// The last day a target counts designations to: the end of its year when that year is past at
/// the report's plan year, else the report's date.
fn cutoff(t: &PlanTarget, plan_year: u16, date: Date) -> Date {
    if t.by < plan_year {
        Date::new(t.by, 12, 31).unwrap_or(date)
    } else {
        date
    }
}

/// The latest actual output of a list of yearly figures, and the figure of `year`.
fn latest(output: &[crate::model::YearOutput]) -> Option<(u16, Money)> {
    output
        .iter()
        .filter(|o| !o.target)
        .max_by_key(|o| o.year)
        .map(|o| (o.year, o.value))
}

fn of_year(output: &[crate::model::YearOutput], year: u16) -> Option<Money> {
    output
        .iter()
        .find(|o| o.year == year && !o.target)
        .map(|o| o.value)
}

/// A target row: the target's text, what it asks, what the data show, whether it is met, and
/// the gap for the next year's focus.
fn row(text: &str, target: String, actual: String, met: bool, focus: Option<String>) -> Value {
    json!({"text": text, "target": target, "actual": actual, "met": met, "verdict": if met { "已完成" } else { "未完成" }, "focus": focus})
}

/// The rows of one target (a doubling target has one per unit it covers).
fn target_rows(content: &Content, t: &PlanTarget, units: &[Unit], date: Date) -> Vec<Value> {
    let upto = cutoff(t, content.city.plan_year, date);
    let upto_text = if upto == date {
        format!("截至{}", date.to_chinese())
    } else {
        format!("{}年底", upto.year)
    };
    match t.measure {
        TargetMeasure::Designated => {
            let level = t.level.unwrap_or(Level::County);
            let have: Vec<&Unit> = units
                .iter()
                .filter(|u| u.level == level && u.on <= upto)
                .collect();
            let min = t.min.unwrap_or(0);
            let want = match t.max {
                Some(max) if max > min => format!("{min}-{max}个"),
                _ => format!("{min}个"),
            };
            let names: Vec<&str> = have.iter().map(|u| u.name.as_str()).collect();
            let actual = if names.is_empty() {
                format!("{upto_text}0个")
            } else {
                format!("{upto_text}{}个（{}）", have.len(), names.join("、"))
            };
            let met = have.len() as u32 >= min;
            let focus = (!met).then(|| {
                format!(
                    "加快{}专业镇培育认定：{}，现有{}个",
                    level.chinese(),
                    t.text,
                    have.len()
                )
            });
            vec![row(&t.text, want, actual, met, focus)]
        }
        TargetMeasure::Coverage => {
            let all = content.towns.len();
            let covered: std::collections::HashSet<&str> = units
                .iter()
                .filter(|u| u.on <= upto)
                .filter_map(|u| u.town.map(|y| y.id.as_str()))
                .collect();
            let missing: Vec<&str> = content
                .towns
                .iter()
                .filter(|x| !covered.contains(x.id.as_str()))
                .map(|x| x.name.as_str())
                .collect();
            let met = missing.is_empty();
            let focus = (!met).then(|| {
                format!(
                    "推进县级专业镇镇域全覆盖：尚有{}个镇（街道）未认定专业镇（{}）",
                    missing.len(),
                    missing.join("、")
                )
            });
            vec![row(
                &t.text,
                format!("{all}个镇（街道）全覆盖"),
                format!("{upto_text}{}个镇（街道）有已认定的专业镇", covered.len()),
                met,
                focus,
            )]
        }
        TargetMeasure::Output => {
            let town = content
                .towns
                .iter()
                .find(|x| Some(&x.id) == t.town.as_ref());
            let want = t.value.unwrap_or_default();
            let got = town.and_then(|x| latest(&x.output));
            let name = town.map_or(String::new(), specialty);
            let (actual, met, gap) = match got {
                Some((y, v)) => (
                    format!("{name}{}（{y}年）", v.to_chinese()),
                    v >= want,
                    Money::yuan(want.as_yuan() - v.as_yuan()),
                ),
                None => (format!("{name}未填报产值"), false, want),
            };
            let focus = (!met).then(|| {
                format!(
                    "推动{name}产值突破{}，距目标差{}",
                    want.to_chinese(),
                    gap.to_chinese()
                )
            });
            vec![row(&t.text, want.to_chinese(), actual, met, focus)]
        }
        TargetMeasure::Doubling => doubling_rows(content, t, units, upto),
    }
}

/// One row per other Yuncheng-level unit: its latest output against twice its base year's.
fn doubling_rows(content: &Content, t: &PlanTarget, units: &[Unit], upto: Date) -> Vec<Value> {
    let base_year = t.base_year.unwrap_or(content.city.plan_year);
    let targeted: Vec<&String> = content
        .city
        .annual_report
        .iter()
        .flat_map(|r| &r.targets)
        .filter(|x| x.measure == TargetMeasure::Output)
        .filter_map(|x| x.town.as_ref())
        .collect();
    let others = units
        .iter()
        .filter(|u| u.level == Level::Yuncheng && u.on <= upto)
        .filter(|u| u.town.is_none_or(|x| !targeted.contains(&&x.id)));
    let mut rows = Vec::new();
    for u in others {
        let output = u
            .town
            .map(|x| &x.output[..])
            .or(u.cluster.map(|c| &c.output[..]))
            .unwrap_or(&[]);
        let text = format!("{}：{}", u.name, t.text);
        let Some(base) = of_year(output, base_year) else {
            rows.push(row(
                &text,
                format!("{base_year}年产值的2倍"),
                format!("未填报{base_year}年产值"),
                false,
                None,
            ));
            continue;
        };
        let want = Money::yuan(base.as_yuan() * 2);
        let (actual, met, gap) = match latest(output) {
            Some((y, v)) => (
                format!("{}（{y}年）", v.to_chinese()),
                v >= want,
                Money::yuan(want.as_yuan() - v.as_yuan()),
            ),
            None => ("未填报".to_owned(), false, want),
        };
        let focus = (!met).then(|| format!("推动{}产值翻番，距目标差{}", u.name, gap.to_chinese()));
        rows.push(row(
            &text,
            format!(
                "{}（{base_year}年{}的2倍）",
                want.to_chinese(),
                base.to_chinese()
            ),
            actual,
            met,
            focus,
        ));
    }
    if rows.is_empty() {
        rows.push(row(
            &t.text,
            "翻一番".into(),
            "暂无其他运城市级专业镇".into(),
            false,
            None,
        ));
    }
    rows
}

/// Designations by level, the towns proposed, the towns being cultivated.
fn designations(content: &Content, verdicts: &Report, units: &[Unit]) -> Value {
    let by = |level: Level| -> Vec<Value> {
        units
            .iter()
            .filter(|u| u.level == level)
            .map(|u| {
                let towns: Vec<&str> = u
                    .cluster
                    .map(|c| c.towns.iter().filter_map(|id| content.towns.iter().find(|t| &t.id == id)).map(|t| t.name.as_str()).collect())
                    .unwrap_or_default();
                json!({"name": u.name, "year": u.on.year, "town": u.town.map(|t| t.name.clone()), "covers": towns})
            })
            .collect()
    };
    let proposed: Vec<String> = content
        .city
        .designation
        .as_ref()
        .map(|d| {
            designated(content, verdicts, &decision_wenhao(content, d))
                .into_iter()
                .filter(|(t, _)| t.designation.stage == Stage::Applying)
                .map(|(t, _)| specialty(t))
                .collect()
        })
        .unwrap_or_default();
    // towns being cultivated, as their cultivation plans say: those that already meet the
    // standard and those still short of it
    let cultivating = |meets: bool| -> Vec<&str> {
        content
            .towns
            .iter()
            .filter(|t| t.designation.stage == Stage::Cultivating)
            .filter(|t| verdicts.verdict(&t.id).is_some_and(|v| v.meets) == meets)
            .map(|t| t.name.as_str())
            .collect()
    };
    json!({"county": by(Level::County), "yuncheng": by(Level::Yuncheng), "provincial": by(Level::Provincial), "proposed": proposed, "cultivating": {"ready": cultivating(true), "short": cultivating(false)}})
}

/// Tasks done and overdue, problems found and closed, as of `date`.
fn work(content: &Content, date: Date) -> Value {
    let tasks = content.towns.iter().flat_map(|t| &t.tasks);
    let total = tasks.clone().count();
    let done = tasks
        .clone()
        .filter(|t| t.status == TaskStatus::Done)
        .count();
    let overdue: Vec<String> = content
        .towns
        .iter()
        .flat_map(|town| {
            town.tasks
                .iter()
                .filter(|t| t.status != TaskStatus::Done && t.deadline < date)
                .map(move |t| format!("{}“{}”", town.name, t.title))
        })
        .collect();
    let year = content.city.plan_year;
    let mut found = 0;
    let mut closed = 0;
    let mut through = 0;
    for town in &content.towns {
        for (k, p) in town.problems.iter().enumerate() {
            if p.found.year != year {
                continue;
            }
            found += 1;
            let state = town.problem_state(k, date);
            if state.status == ProblemStatus::Fixed {
                closed += 1;
                through += usize::from(state.notice.is_some());
            }
        }
    }
    json!({"tasks": total, "done": done, "overdue": overdue.len(), "overdue_list": overdue, "found": found, "closed": closed, "through_notice": through, "open": found - closed})
}

/// The ranking's top (commended places) and bottom (supervised places), with scores, and what
/// followed the issued supervision notices by `date`: written reports received, reminders and
/// circulars issued (the register's).
fn ranking(content: &Content, date: Date) -> Value {
    let Some(a) = &content.assessment else {
        return Value::Null;
    };
    let as_of = a.as_of.unwrap_or(content.city.document_date);
    let scored = crate::assess::score(&content.towns, a, as_of);
    let show =
        |s: &crate::assess::Scored| json!({"name": s.name, "rank": s.rank, "score": s.score_text});
    let top = (a.selection.commend_top as usize).min(scored.len());
    let bottom = (a.selection.supervise_bottom as usize).min(scored.len() - top);
    let outcome = crate::assess::select(&scored, &a.selection);
    let supervised: Vec<&str> = outcome
        .supervised
        .iter()
        .filter_map(|(id, _)| content.towns.iter().find(|t| &t.id == id))
        .map(|t| t.name.as_str())
        .collect();
    let issued = |kind: &str| -> Vec<&str> {
        let register = content.register.iter().flat_map(|r| &r.issued);
        register
            .filter(|e| e.kind == kind && e.date <= date)
            .filter_map(|e| {
                content
                    .towns
                    .iter()
                    .find(|t| Some(&t.id) == e.town.as_ref())
            })
            .map(|t| t.name.as_str())
            .collect()
    };
    let notified = issued("supervision-notice");
    let reported: Vec<&str> = content
        .towns
        .iter()
        .filter(|t| notified.contains(&t.name.as_str()))
        .filter(|t| t.supervision_reports.iter().any(|r| r.received <= date))
        .map(|t| t.name.as_str())
        .collect();
    json!({
        "count": scored.len(),
        "top": scored[..top].iter().map(show).collect::<Vec<_>>(),
        "bottom": scored[scored.len() - bottom..].iter().map(show).collect::<Vec<_>>(),
        "supervised": supervised,
        "reported": reported,
        "reminded": issued("reminder"),
        "circulated": issued("circular"),
    })
}

/// The yearly report, when city.yaml says how it is issued.
pub(super) fn annual_report(
    content: &Content,
    verdicts: &Report,
    year: i32,
    inputs: &[PathBuf],
) -> Option<Doc> {
    let r: &AnnualReport = content.city.annual_report.as_ref()?;
    let city = &content.city;
    let date = r.date.unwrap_or(city.document_date);
    let organ_name = organ(content, &r.organ).0;
    let signer = r.signer.clone().or_else(|| {
        city.signers
            .iter()
            .find(|s| s.organ == r.organ)
            .map(|s| s.name.clone())
    });
    let title = format!(
        "{organ_name}关于{}{year}年度专业镇建设工作情况的报告",
        city.name
    );
    let units = units(content);
    let mut rows = Vec::new();
    let mut focus = Vec::new();
    for t in &r.targets {
        for row in target_rows(content, t, &units, date) {
            // a past year's target is reported, not carried into next year's focus
            if t.by >= city.plan_year
                && let Some(f) = row["focus"].as_str()
            {
                focus.push(f.to_owned());
            }
            rows.push(row);
        }
    }
    let work = work(content, date);
    let designations = designations(content, verdicts, &units);
    if let Some(n) = designations["proposed"]
        .as_array()
        .map(Vec::len)
        .filter(|&n| n > 0)
    {
        focus.insert(
            0,
            format!("完成{n}个拟认定县级专业镇的认定发文，指导其制定年度行动计划"),
        );
    }
    if work["overdue"].as_u64().unwrap_or(0) > 0 {
        focus.push(format!(
            "督促{}项逾期未完成的重点任务加快推进",
            work["overdue"]
        ));
    }
    if work["open"].as_u64().unwrap_or(0) > 0 {
        focus.push(format!(
            "推动{}个未销号问题整改到位，落实督办、催办和通报制度",
            work["open"]
        ));
    }
    let issue = CityDoc {
        kind: "annual-report",
        title,
        organ: r.organ.clone(),
        date,
        serial: r.serial,
        field: "annual_report.serial".into(),
    };
    let fields = json!({
        "signer": signer,
        "recipient": r.recipient,
        "contact": r.contact,
        "next_year": year + 1,
        "targets": rows,
        "met": rows.iter().filter(|x| x["met"] == true).count(),
        "designations": designations,
        "work": work,
        "ranking": ranking(content, date),
        "focus": focus,
    });
    Some(issue.doc(content, year, fields, inputs))
}

//! Plan stage, action plans (年度行动计划): the city-wide plan under its transmitting notice, and
//! each town's plan with its responsibility list (责任清单).

use std::path::PathBuf;

use serde_json::{Value, json};

use super::{Doc, Number, date_json, organ, title_lines, wenhao};
use crate::model::{Content, TaskStatus, Town};

/// The city-wide plan, regenerated from data and issued under a transmitting notice (印发通知).
pub(super) fn city_plan(content: &Content, year: i32, shared: &[PathBuf]) -> Doc {
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
    Doc::new(
        "action-plan",
        None,
        year,
        format!("{year}/city/action-plan.pdf"),
        "city-plan.typ.j2",
        json!({
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
        }),
        date,
        shared,
    )
    .numbered(Number {
        organ: issue.organ.clone(),
        year: date.year,
        serial: issue.serial,
        text: wenhao(&prefix, date.year, issue.serial),
        fixed_at: Some(("plan.yaml".into(), "issue.serial".into())),
    })
}

/// The responsibility-list rows of a town's tasks.
pub(super) fn task_rows(town: &Town) -> Vec<Value> {
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

pub(super) fn status_text(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::NotStarted => "未开始",
        TaskStatus::InProgress => "进行中",
        TaskStatus::Done => "已完成",
    }
}

/// 年度行动计划 of one town, with its responsibility list as an attachment.
pub(super) fn town_plan(content: &Content, town: &Town, year: i32, inputs: &[PathBuf]) -> Doc {
    let city = &content.city;
    let date = city.document_date;
    let name = town
        .specialty_name
        .clone()
        .unwrap_or_else(|| town.name.clone());
    let title = format!("{name}{year}年度行动计划");
    Doc::new(
        "action-plan",
        Some(town.id.clone()),
        year,
        format!("{year}/towns/{}/action-plan.pdf", town.id),
        "town-plan.typ.j2",
        json!({
            "city": city,
            "town": town,
            "plan": {"title": content.plan.title, "subtitle": content.plan.subtitle},
            "doc": own_plan(content, town, year, &title, "重点任务责任清单"),
        }),
        date,
        inputs,
    )
}

/// What a town's own plan shows, action plan or cultivation plan alike: the title and its lines,
/// the year, the government, the date, the year's targets, the task rows and the title of the
/// responsibility list (`list`, e.g. `重点任务责任清单`).
pub(super) fn own_plan(
    content: &Content,
    town: &Town,
    year: i32,
    title: &str,
    list: &str,
) -> Value {
    let targets: Vec<&crate::model::Target> = town
        .targets
        .iter()
        .filter(|t| i32::from(t.year) == year)
        .collect();
    json!({
        "title": title,
        "title_lines": title_lines(title),
        "year": year,
        "government": town.government_name(),
        "date": date_json(content.city.document_date),
        "targets": targets,
        "tasks": task_rows(town),
        "list_title": format!("{}{year}年度{list}", town.name),
    })
}

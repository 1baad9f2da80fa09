//! A town's own data: its kind matches its name, output years, evidence for traditional
//! features, credit codes, and the ledgers (tasks: units, deadline, plan task, progress; problems:
//! id, unit, dates, overdue).

use std::collections::HashMap;
use std::path::Path;

use super::At;
use super::units::{TownNames, check_unit};
use crate::diag::{Diagnostic, Severity};
use crate::model::{Content, Problem, ProblemStatus, Task, TaskStatus, Town, TownKind};

/// One town's file being checked, with what its rules need.
struct TownCheck<'a> {
    content: &'a Content,
    towns: &'a TownNames<'a>,
    at: At<'a>,
    town: &'a Town,
    /// `city.yaml` loaded: the units, the plan year and the document date are known.
    city_ok: bool,
}

/// Runs every rule about one town's own file.
pub(super) fn town_data(
    content: &Content,
    towns: &TownNames,
    town: &Town,
    out: &mut Vec<Diagnostic>,
) {
    let check = TownCheck {
        content,
        towns,
        at: At {
            content,
            rel: &town.file,
        },
        town,
        city_ok: content.trees.contains_key(Path::new("city.yaml")),
    };
    check.kind(out);
    check.output_years(out);
    check.feature_evidence(out);
    check.credit_codes(out);
    if check.city_ok {
        for (i, task) in town.tasks.iter().enumerate() {
            check.task(i, task, out);
        }
    }
    for (i, p) in town.problems.iter().enumerate() {
        check.problem(i, p, out);
    }
}

/// `问题编号` as `YYYY-Qn-NNN`: the year and quarter, or None when malformed.
fn valid_problem_id(id: &str) -> Option<(u16, u8)> {
    let b = id.as_bytes();
    let ok = b.len() == 11
        && b[..4].iter().all(u8::is_ascii_digit)
        && &b[4..6] == b"-Q"
        && (b'1'..=b'4').contains(&b[6])
        && b[7] == b'-'
        && b[8..].iter().all(u8::is_ascii_digit);
    ok.then(|| (id[..4].parse().unwrap_or(0), b[6] - b'0'))
}

impl TownCheck<'_> {
    /// A 镇 is named `…镇`, a 街道 `…街道`.
    fn kind(&self, out: &mut Vec<Diagnostic>) {
        let town = self.town;
        let kind_ok = match town.kind {
            TownKind::Town => town.name.ends_with('镇'),
            TownKind::Subdistrict => town.name.ends_with("街道"),
        };
        if !kind_ok {
            out.push(self.at.finding(
                Severity::Warning,
                "kind",
                "town.kind",
                format!(
                    "`{}` 的类型写作{}，但名称不以“{}”结尾",
                    town.name,
                    town.kind.chinese(),
                    town.kind.chinese()
                ),
                "kind 取 镇 或 街道，与名称一致".into(),
            ));
        }
    }

    /// Output years unique; an actual (not target) figure not after the plan year.
    fn output_years(&self, out: &mut Vec<Diagnostic>) {
        let city = &self.content.city;
        let mut years: HashMap<u16, usize> = HashMap::new();
        for (i, o) in self.town.output.iter().enumerate() {
            if let Some(first) = years.insert(o.year, i) {
                out.push(self.at.finding(
                    Severity::Error,
                    &format!("output[{i}].year"),
                    "town.output-year",
                    format!("{}年的产值重复填报（output[{first}] 已有）", o.year),
                    "每年只填一项；目标值用 `target: true` 标明".into(),
                ));
            }
            if !o.target && self.city_ok && o.year > city.plan_year {
                out.push(self.at.finding(
                    Severity::Error,
                    &format!("output[{i}].year"),
                    "town.output-future",
                    format!(
                        "{}年的产值写作实际值，但计划年度是{}年",
                        o.year, city.plan_year
                    ),
                    "未来年份的产值是目标值：加上 `target: true`".into(),
                ));
            }
        }
    }

    /// A traditional feature without evidence cannot relax the output criterion.
    fn feature_evidence(&self, out: &mut Vec<Diagnostic>) {
        for (i, f) in self.town.traditional_features.iter().enumerate() {
            if f.evidence.trim().is_empty() {
                out.push(self.at.finding(
                    Severity::Warning,
                    &format!("traditional_features[{i}].evidence"),
                    "town.feature-evidence",
                    format!(
                        "传统特色“{}”（{}）没有依据，不能据以放宽认定条件",
                        f.name,
                        f.kind.chinese()
                    ),
                    "写明批文、证书编号或史料出处".into(),
                ));
            }
        }
    }

    /// Credit codes unique within the town, leading and supporting enterprises together.
    fn credit_codes(&self, out: &mut Vec<Diagnostic>) {
        let enterprises = &self.town.enterprises;
        let mut codes: HashMap<&str, String> = HashMap::new();
        let all = enterprises
            .leading
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("enterprises.leading[{i}]"), e))
            .chain(
                enterprises
                    .supporting
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (format!("enterprises.supporting[{i}]"), e)),
            );
        for (field, e) in all {
            if let Some(first) = codes.insert(e.credit_code.as_str(), field.clone()) {
                out.push(self.at.finding(
                    Severity::Error,
                    &format!("{field}.credit_code"),
                    "town.duplicate-credit-code",
                    format!("统一社会信用代码 {} 重复（{first} 已使用）", e.credit_code),
                    "同一企业只列一次".into(),
                ));
            }
        }
    }

    /// Task `i` (only with `city.yaml` loaded): its units exist, its deadline lies in the plan
    /// year, its plan task exists, its progress agrees with its status, it is not behind.
    fn task(&self, i: usize, task: &Task, out: &mut Vec<Diagnostic>) {
        let base = format!("tasks[{i}]");
        check_unit(
            self.content,
            self.towns,
            &self.at,
            &format!("{base}.lead"),
            &task.lead,
            out,
        );
        for (j, u) in task.support.iter().enumerate() {
            let field = format!("{base}.support[{j}]");
            check_unit(self.content, self.towns, &self.at, &field, u, out);
        }
        super::units::lead_not_supporting(self.content, &self.at, &base, task, out);
        let plan_year = self.content.city.plan_year;
        if task.deadline.year != plan_year {
            out.push(self.at.finding(
                Severity::Error,
                &format!("{base}.deadline"),
                "task.deadline-year",
                format!(
                    "任务“{}”的完成时限 {} 不在计划年度 {} 年内",
                    task.title, task.deadline, plan_year
                ),
                format!(
                    "年度行动计划的任务须在 {} 年内完成；跨年任务拆分到各年度",
                    plan_year
                ),
            ));
        }
        self.task_plan_reference(&base, task, out);
        self.task_progress(&base, task, out);
    }

    /// `plan_task` names a task number of the city-wide plan.
    fn task_plan_reference(&self, base: &str, task: &Task, out: &mut Vec<Diagnostic>) {
        let Some(n) = task.plan_task else { return };
        let exists = self
            .content
            .plan
            .headings
            .iter()
            .flat_map(|h| &h.tasks)
            .any(|t| t.number == n);
        if !exists {
            out.push(self.at.finding(
                Severity::Error,
                &format!("{base}.plan_task"),
                "ref.unknown-plan-task",
                format!("全市行动计划中没有第 {n} 项重点任务"),
                "plan_task 取 plan.yaml 中的任务序号（1–12）".into(),
            ));
        }
    }

    /// Done means 100 % and 100 % means done; a task not done past its deadline is behind.
    fn task_progress(&self, base: &str, task: &Task, out: &mut Vec<Diagnostic>) {
        let progress = task.progress.as_basis_points();
        if task.status == TaskStatus::Done && progress != 10_000 {
            out.push(self.at.finding(
                Severity::Error,
                &format!("{base}.progress"),
                "task.progress",
                format!(
                    "任务“{}”状态为已完成，但进度为{}",
                    task.title, task.progress
                ),
                "已完成的任务进度应为 100%".into(),
            ));
        } else if task.status != TaskStatus::Done && progress == 10_000 {
            out.push(self.at.finding(
                Severity::Warning,
                &format!("{base}.status"),
                "task.progress",
                format!("任务“{}”进度为100%，但状态不是已完成", task.title),
                "把 status 改为 已完成".into(),
            ));
        }
        let today = self.content.city.document_date;
        if task.status != TaskStatus::Done && task.deadline < today {
            out.push(self.at.finding(
                Severity::Warning,
                &format!("{base}.deadline"),
                "task.behind-schedule",
                format!(
                    "任务“{}”进度滞后：完成时限 {} 已过（成文日期 {}），当前进度{}",
                    task.title,
                    task.deadline.to_chinese(),
                    today.to_chinese(),
                    task.progress
                ),
                "督促牵头单位加快进度；排名靠后或进度较慢的可发督办通知书".into(),
            ));
        }
    }

    /// Problem `i` of the ledger: its id, its unit, its dates and whether it is overdue.
    fn problem(&self, i: usize, p: &Problem, out: &mut Vec<Diagnostic>) {
        let base = format!("problems[{i}]");
        match valid_problem_id(&p.id) {
            None => out.push(self.at.finding(
                Severity::Error,
                &format!("{base}.id"),
                "problem.id",
                format!("问题编号 `{}` 格式不对", p.id),
                "编号写作 年份-季度-三位序号，如 `2025-Q3-007`".into(),
            )),
            Some((y, q)) if (y, q) != (p.found.year, p.found.quarter()) => {
                out.push(self.at.finding(
                    Severity::Warning,
                    &format!("{base}.id"),
                    "problem.id-date",
                    format!(
                        "问题编号 `{}` 与发现时间 {} 不一致（应为 {}-Q{}-…）",
                        p.id,
                        p.found,
                        p.found.year,
                        p.found.quarter()
                    ),
                    "编号中的年份和季度取发现时间".into(),
                ))
            }
            Some(_) => {}
        }
        if self.city_ok {
            let field = format!("{base}.unit");
            check_unit(self.content, self.towns, &self.at, &field, &p.unit, out);
        }
        if p.deadline < p.found {
            out.push(self.at.finding(
                Severity::Error,
                &format!("{base}.deadline"),
                "problem.deadline",
                format!(
                    "问题 {} 的整改时限 {} 早于发现时间 {}",
                    p.id, p.deadline, p.found
                ),
                "核对日期".into(),
            ));
        }
        self.problem_closing(&base, p, out);
    }

    /// Fixed means closed on a date not before it was found; not fixed means no closing date,
    /// and overdue once its deadline has passed.
    fn problem_closing(&self, base: &str, p: &Problem, out: &mut Vec<Diagnostic>) {
        let today = self.content.city.document_date;
        match (p.status, p.closed_on) {
            (ProblemStatus::Fixed, None) => out.push(self.at.finding(
                Severity::Error,
                base,
                "problem.closed-on",
                format!("问题 {} 已整改，但没有销号日期", p.id),
                "加上 `closed_on: YYYY-MM-DD`".into(),
            )),
            (ProblemStatus::Fixing | ProblemStatus::Open, Some(_)) => out.push(self.at.finding(
                Severity::Error,
                &format!("{base}.closed_on"),
                "problem.closed-on",
                format!("问题 {} 尚未整改完毕，不应有销号日期", p.id),
                "整改完成后把 status 改为 已整改，再填销号日期".into(),
            )),
            (ProblemStatus::Fixed, Some(c)) if c < p.found => out.push(self.at.finding(
                Severity::Error,
                &format!("{base}.closed_on"),
                "problem.closed-on",
                format!("问题 {} 的销号日期 {} 早于发现时间 {}", p.id, c, p.found),
                "核对日期".into(),
            )),
            (ProblemStatus::Fixing | ProblemStatus::Open, None)
                if self.city_ok && p.deadline < today =>
            {
                let status = if p.status == ProblemStatus::Open {
                    "未整改"
                } else {
                    "整改中"
                };
                out.push(self.at.finding(
                    Severity::Warning,
                    &format!("{base}.deadline"),
                    "problem.overdue",
                    format!(
                        "问题 {} 逾期：整改时限 {} 已过（成文日期 {}），状态仍为{status}",
                        p.id,
                        p.deadline.to_chinese(),
                        today.to_chinese()
                    ),
                    "限期整改；逾期未改的予以催办、通报".into(),
                ))
            }
            _ => {}
        }
    }
}

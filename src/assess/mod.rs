//! Stage `assess`: the yearly ranking of towns from the indicators and weights in
//! `content/assessment.yaml`, and the selection rule that picks the towns to commend and the
//! towns to supervise.
//!
//! Pure functions over the model. Arithmetic is exact: every indicator yields a share in basis
//! points (0–10000, capped), a town's score is `Σ weight × share` in units of 1/10000 point (so
//! 100 points = 1,000,000), and scores are compared as integers. Shares round down.

use serde::Serialize;

use crate::model::{Assessment, Date, Measure, ProblemStatus, Selection, TaskStatus, Town};

/// One basis-point share of 100 %.
const FULL: i64 = 10_000;

/// One indicator's contribution to a town's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// The indicator's name.
    pub name: String,
    /// The share achieved, in basis points (0–10000).
    pub share_bp: i64,
    /// The points earned, in 1/10000 point.
    pub points: i64,
    /// The underlying figure, formatted (e.g. `增长14.1%`, `3项中2项按期`).
    pub figure: String,
}

/// A town's score and place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scored {
    pub town: String,
    pub name: String,
    /// In 1/10000 point (100 points = 1,000,000).
    pub score: i64,
    /// `87.5` (one decimal, rounded half up).
    pub score_text: String,
    /// 1-based; equal scores share a rank (1, 2, 2, 4).
    pub rank: u32,
    pub parts: Vec<Part>,
    /// Tasks not done whose deadline has passed.
    pub overdue_tasks: Vec<usize>,
    /// Problems not fixed whose deadline has passed.
    pub overdue_problems: Vec<usize>,
    /// Problems not yet fixed (整改中 or 未整改).
    pub open_problems: Vec<usize>,
}

/// Who is commended and who is supervised, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// Town ids in rank order.
    pub commended: Vec<String>,
    /// Town ids in rank order, each with the reasons (e.g. `评价排名后2位`).
    pub supervised: Vec<(String, Vec<String>)>,
}

/// `score` (1/10000 point) as points with one decimal, rounded half up: 875_000 → `87.5`.
pub fn format_score(score: i64) -> String {
    let tenths = (score.max(0) + 500) / 1000;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// `share_bp` as a percentage with one decimal, rounded half up: 1412 → `14.1%`.
pub fn format_bp(bp: i64) -> String {
    let sign = if bp < 0 { "-" } else { "" };
    let tenths = (bp.abs() + 5) / 10;
    format!("{sign}{}.{}%", tenths / 10, tenths % 10)
}

/// `value / full` in basis points, rounded down and capped to 0..=10000 (a zero `full` gives 100 %).
fn share(value: i64, full: i64) -> i64 {
    if full <= 0 {
        return FULL;
    }
    (value.max(0) * FULL / full).min(FULL)
}

/// Task `i` of `town` is overdue: not done and its deadline is before `as_of`.
fn task_overdue(town: &Town, i: usize, as_of: Date) -> bool {
    let t = &town.tasks[i];
    t.status != TaskStatus::Done && t.deadline < as_of
}

/// One indicator for one town.
fn part(town: &Town, indicator: &crate::model::Indicator, as_of: Date) -> Part {
    let (share_bp, figure) = match indicator.measure {
        Measure::OutputGrowth => {
            let mut actual: Vec<_> = town.output.iter().filter(|o| !o.target).collect();
            actual.sort_by_key(|o| o.year);
            match actual.as_slice() {
                [.., prev, last] if prev.value.as_yuan() > 0 => {
                    let growth =
                        (last.value.as_yuan() - prev.value.as_yuan()) * FULL / prev.value.as_yuan();
                    let full = indicator
                        .full_growth
                        .map_or(FULL, |p| i64::from(p.as_basis_points()));
                    (
                        share(growth, full),
                        format!("{}年增长{}", last.year, format_bp(growth)),
                    )
                }
                _ => (0, "无连续两年实际产值".to_owned()),
            }
        }
        Measure::TasksOnTime => {
            let n = town.tasks.len();
            let late = (0..n).filter(|&i| task_overdue(town, i, as_of)).count();
            let on_time = (n - late) as i64;
            (share(on_time, n as i64), format!("{n}项中{on_time}项按期"))
        }
        Measure::TaskProgress => {
            let n = town.tasks.len() as i64;
            let sum: i64 = town
                .tasks
                .iter()
                .map(|t| i64::from(t.progress.as_basis_points()))
                .sum();
            let avg = if n == 0 { 0 } else { sum / n };
            (share(avg, FULL), format!("平均{}", format_bp(avg)))
        }
        Measure::ProblemsClosed => {
            let n = town.problems.len() as i64;
            // a problem rectified through a supervision notice counts from its date on
            let fixed = (0..town.problems.len())
                .filter(|&k| town.problem_state(k, as_of).status == ProblemStatus::Fixed)
                .count() as i64;
            (share(fixed, n), format!("{n}个中{fixed}个销号"))
        }
        Measure::Enterprises => {
            let e = &town.enterprises;
            let count = (e.leading.len() + e.supporting.len()) as i64;
            (
                share(count, i64::from(indicator.full_count.unwrap_or(1))),
                format!("{count}家"),
            )
        }
        Measure::Jobs => {
            let jobs = i64::from(town.local_jobs);
            (
                share(jobs, i64::from(indicator.full_count.unwrap_or(1))),
                format!("{jobs}人"),
            )
        }
    };
    Part {
        name: indicator.name.clone(),
        share_bp,
        points: i64::from(indicator.weight) * share_bp,
        figure,
    }
}

/// Scores and ranks every town (highest score first, then by id).
pub fn score(towns: &[Town], assessment: &Assessment, as_of: Date) -> Vec<Scored> {
    let mut scored: Vec<Scored> = towns
        .iter()
        .map(|town| {
            let parts: Vec<Part> = assessment
                .indicators
                .iter()
                .map(|i| part(town, i, as_of))
                .collect();
            let score = parts.iter().map(|p| p.points).sum();
            Scored {
                town: town.id.clone(),
                name: town.name.clone(),
                score,
                score_text: format_score(score),
                rank: 0,
                parts,
                overdue_tasks: (0..town.tasks.len())
                    .filter(|&i| task_overdue(town, i, as_of))
                    .collect(),
                overdue_problems: (0..town.problems.len())
                    .filter(|&i| {
                        town.problem_state(i, as_of).status != ProblemStatus::Fixed
                            && town.problems[i].deadline < as_of
                    })
                    .collect(),
                open_problems: (0..town.problems.len())
                    .filter(|&i| town.problem_state(i, as_of).status != ProblemStatus::Fixed)
                    .collect(),
            }
        })
        .collect();
    scored.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.town.cmp(&b.town)));
    let scores: Vec<i64> = scored.iter().map(|s| s.score).collect();
    for s in &mut scored {
        s.rank = 1 + scores.iter().filter(|&&x| x > s.score).count() as u32;
    }
    scored
}

/// Applies the selection rule to a ranking (as returned by [`score`]).
///
/// Supervised: ranked in the last `supervise_bottom` places (ties included), or with overdue
/// tasks (when `supervise_overdue_tasks`), or with overdue problems (when
/// `supervise_overdue_problems`). Commended: ranked in the first `commend_top` places (ties
/// included) and not supervised.
pub fn select(ranking: &[Scored], rule: &Selection) -> Outcome {
    let mut out = Outcome::default();
    for s in ranking {
        // place counted from the bottom, ties sharing it (like `rank` from the top)
        let from_bottom = 1 + ranking.iter().filter(|x| x.score < s.score).count() as u32;
        let mut reasons = Vec::new();
        if rule.supervise_bottom > 0 && from_bottom <= rule.supervise_bottom {
            reasons.push(format!(
                "评价排名第{}位、列后{}位",
                s.rank, rule.supervise_bottom
            ));
        }
        if rule.supervise_overdue_tasks && !s.overdue_tasks.is_empty() {
            reasons.push(format!("有{}项重点任务逾期未完成", s.overdue_tasks.len()));
        }
        if rule.supervise_overdue_problems && !s.overdue_problems.is_empty() {
            reasons.push(format!("有{}个问题逾期未整改", s.overdue_problems.len()));
        }
        if reasons.is_empty() {
            if s.rank <= rule.commend_top {
                out.commended.push(s.town.clone());
            }
        } else {
            out.supervised.push((s.town.clone(), reasons));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scored(town: &str, score: i64, overdue: usize) -> Scored {
        Scored {
            town: town.into(),
            name: town.into(),
            score,
            score_text: format_score(score),
            rank: 0,
            parts: vec![],
            overdue_tasks: (0..overdue).collect(),
            overdue_problems: vec![],
            open_problems: vec![],
        }
    }

    fn ranked(mut v: Vec<Scored>) -> Vec<Scored> {
        v.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.town.cmp(&b.town)));
        let scores: Vec<i64> = v.iter().map(|s| s.score).collect();
        for s in &mut v {
            s.rank = 1 + scores.iter().filter(|&&x| x > s.score).count() as u32;
        }
        v
    }

    fn rule(top: u32, bottom: u32, overdue: bool) -> Selection {
        Selection {
            commend_top: top,
            supervise_bottom: bottom,
            supervise_overdue_tasks: overdue,
            supervise_overdue_problems: false,
        }
    }

    #[test]
    fn top_commended_bottom_supervised() {
        let r = ranked(vec![
            scored("a", 900_000, 0),
            scored("b", 800_000, 0),
            scored("c", 700_000, 0),
            scored("d", 600_000, 0),
            scored("e", 500_000, 0),
        ]);
        let out = select(&r, &rule(2, 1, true));
        assert_eq!(out.commended, ["a", "b"]);
        assert_eq!(
            out.supervised
                .iter()
                .map(|s| s.0.as_str())
                .collect::<Vec<_>>(),
            ["e"]
        );
        assert_eq!(out.supervised[0].1, ["评价排名第5位、列后1位"]);
    }

    #[test]
    fn overdue_tasks_are_supervised_and_not_commended() {
        let r = ranked(vec![
            scored("a", 900_000, 1),
            scored("b", 800_000, 0),
            scored("c", 700_000, 0),
            scored("d", 600_000, 0),
        ]);
        let out = select(&r, &rule(2, 1, true));
        assert_eq!(out.commended, ["b"]);
        let sup: Vec<&str> = out.supervised.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(sup, ["a", "d"]);
        assert_eq!(out.supervised[0].1, ["有1项重点任务逾期未完成"]);
        // the overdue rule can be switched off
        let out = select(&r, &rule(2, 1, false));
        assert_eq!(out.commended, ["a", "b"]);
        assert_eq!(out.supervised.len(), 1);
    }

    #[test]
    fn ties_share_a_place_and_are_selected_together() {
        let r = ranked(vec![
            scored("a", 900_000, 0),
            scored("b", 900_000, 0),
            scored("c", 700_000, 0),
            scored("d", 500_000, 0),
            scored("e", 500_000, 0),
        ]);
        assert_eq!(
            r.iter().map(|s| s.rank).collect::<Vec<_>>(),
            [1, 1, 3, 4, 4]
        );
        let out = select(&r, &rule(1, 1, true));
        assert_eq!(out.commended, ["a", "b"]);
        assert_eq!(
            out.supervised
                .iter()
                .map(|s| s.0.as_str())
                .collect::<Vec<_>>(),
            ["d", "e"]
        );
    }

    #[test]
    fn zero_counts_select_nobody() {
        let r = ranked(vec![scored("a", 900_000, 0), scored("b", 100, 0)]);
        assert_eq!(select(&r, &rule(0, 0, true)), Outcome::default());
    }

    #[test]
    fn shares_are_exact_and_capped() {
        assert_eq!(share(1, 3), 3333);
        assert_eq!(share(5, 4), FULL);
        assert_eq!(share(-5, 4), 0);
        assert_eq!(share(0, 0), FULL);
        assert_eq!(format_score(875_000), "87.5");
        assert_eq!(format_score(874_500), "87.5");
        assert_eq!(format_score(874_499), "87.4");
        assert_eq!(format_score(1_000_000), "100.0");
        assert_eq!(format_bp(1412), "14.1%");
        assert_eq!(format_bp(-250), "-2.5%");
    }

    #[test]
    fn scores_from_a_small_town() {
        let yaml = r#"
id: t
name: 甲镇
kind: 镇
category: 制造业
designation: {level: county, stage: 申报}
leading_industry: 机电
products: [电机]
output:
  - {year: 2023, value: 1亿元}
  - {year: 2024, value: 1.1亿元}
  - {year: 2025, value: 2亿元, target: true}
market_share: {yuncheng: 10%}
local_jobs: 1500
enterprises:
  leading:
    - {name: 甲公司, credit_code: 91140881MA0K09KFP6, products: [电机], output: 1亿元, jobs: 100}
contact: {person: 张三, phone: "1"}
area_km2: 1.0
population: 1
tasks:
  - {title: 甲, measures: [a], target: x, lead: 甲镇, responsible: 张三, deadline: 2025-03-31, status: 进行中, progress: 50%}
  - {title: 乙, measures: [a], target: x, lead: 甲镇, responsible: 张三, deadline: 2025-12-31, status: 进行中, progress: 40%}
problems:
  - {id: 2025-Q1-001, found: 2025-01-05, source: s, description: d, measures: m, unit: 甲镇, person: p, deadline: 2025-02-01, status: 已整改, closed_on: 2025-01-30}
  - {id: 2025-Q1-002, found: 2025-01-05, source: s, description: d, measures: m, unit: 甲镇, person: p, deadline: 2025-02-01, status: 未整改}
"#;
        let town: Town = serde_yaml::from_str(yaml).unwrap();
        let assessment: Assessment = serde_yaml::from_str(
            r#"
indicators:
  - {name: 增长, measure: output_growth, weight: 40, full_growth: 20%}
  - {name: 按期, measure: tasks_on_time, weight: 20}
  - {name: 进度, measure: task_progress, weight: 10}
  - {name: 销号, measure: problems_closed, weight: 10}
  - {name: 企业, measure: enterprises, weight: 10, full_count: 4}
  - {name: 就业, measure: jobs, weight: 10, full_count: 1000}
selection: {commend_top: 1, supervise_bottom: 1}
ranking: {organ: o, serial: 1, recipients: r, cc: c}
commendation: {organ: o, serial: 2, recipients: r, cc: c}
supervision: {organ: o, first_serial: 3, deadline_days: 30, report_to: x, cc: c}
"#,
        )
        .unwrap();
        let as_of = Date::new(2025, 10, 20).unwrap();
        let s = &score(std::slice::from_ref(&town), &assessment, as_of)[0];
        let shares: Vec<i64> = s.parts.iter().map(|p| p.share_bp).collect();
        // growth 10 % of 20 % → 5000; 1 of 2 on time; progress 45 %; 1 of 2 fixed; 1 of 4; capped
        assert_eq!(shares, [5000, 5000, 4500, 5000, 2500, 10_000]);
        assert_eq!(
            s.score,
            40 * 5000 + 20 * 5000 + 10 * 4500 + 10 * 5000 + 10 * 2500 + 10 * 10_000
        );
        assert_eq!(s.score_text, "52.0");
        assert_eq!(s.overdue_tasks, [0]);
        assert_eq!(s.overdue_problems, [1]);
        assert_eq!(s.parts[0].figure, "2024年增长10.0%");
    }
}

//! Stage `check`: the designation check. Every town is measured against the standard of the
//! level it applies for (`content/standards/<level>.yaml`, data, not code), criterion by criterion,
//! and every cross-file rule runs (departments and towns referenced must exist, deadlines inside
//! the plan year, ledger ids unique, tasks behind schedule, overdue problems). Nothing stops at the
//! first finding: [`check`] returns all of them, sorted, plus one [`Verdict`] per town for the
//! application form's checklist.
//!
//! Boundaries are inclusive and exact (integer 元, basis points, whole people). A town that fails
//! a criterion gets a verdict-severity `standard.*` finding when it applies for designation or is
//! designated (`stage: 申报 / 已认定`): a verdict about the town, not an error in the data, which
//! exits 0 unless `--fail-on-verdicts`; a warning when it is only being cultivated (`stage: 培育`).
//! "关联配套企业在5家左右" is a judgement call and only ever warns.
//!
//! One file per subject: `designation` (the criteria), `units` (departments and towns named as
//! units), `city` (`city.yaml`, `plan.yaml`), `towns` (a town's own file), `across` (rules across
//! towns) and `assessment` (`assessment.yaml`). Each rule pushes located findings through `At`;
//! none stops the others.

mod across;
mod assessment;
mod city;
mod cycle;
mod designation;
mod opinions;
pub mod proofread;
mod register;
mod towns;
mod units;

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::model::Content;

/// The outcome of one criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
}

/// One row of the designation checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionRow {
    /// The criterion's Chinese name, e.g. `规模相对较大`.
    pub criterion: String,
    /// What the standard requires, e.g. `制造业类年产值不低于2亿元`.
    pub requirement: String,
    /// The town's value, formatted, e.g. `2.35亿元（2024年）`.
    pub value: String,
    pub outcome: Outcome,
    /// Why, when it is not a plain pass (e.g. `适用放宽条件：地理标志（永济芦笋）`).
    pub note: String,
}

/// A town measured against the standard of the level it applies for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The town id.
    pub town: String,
    /// The level's Chinese name, e.g. `县级`.
    pub level: String,
    /// The category's Chinese name, e.g. `制造业`.
    pub category: String,
    /// True when no criterion failed (warnings allowed).
    pub meets: bool,
    /// True when the output criterion passed only through the relaxation.
    pub relaxation_used: bool,
    pub rows: Vec<CriterionRow>,
}

impl Verdict {
    /// The one-line summary: `符合县级专业镇认定标准`, `…（适用放宽条件）`, or `不符合…：规模相对较大`.
    pub fn summary(&self) -> String {
        let standard = format!("{}专业镇认定标准", self.level);
        if self.meets {
            if self.relaxation_used {
                format!("符合{standard}（适用放宽条件）")
            } else {
                format!("符合{standard}")
            }
        } else {
            let failed: Vec<&str> = self
                .rows
                .iter()
                .filter(|r| r.outcome == Outcome::Fail)
                .map(|r| r.criterion.as_str())
                .collect();
            format!("不符合{standard}：{}", failed.join("、"))
        }
    }
}

/// The result of [`check`].
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Every finding of every rule, sorted with [`crate::diag::sort`].
    pub findings: Vec<Diagnostic>,
    /// One verdict per town that has a standard to be measured against, in town order.
    pub verdicts: Vec<Verdict>,
    /// Town id → place in `verdicts`, made by [`check`] (the plan asks once per town).
    by_town: HashMap<String, usize>,
}

impl Report {
    /// The verdict for a town id.
    pub fn verdict(&self, town: &str) -> Option<&Verdict> {
        if self.by_town.len() == self.verdicts.len() {
            self.by_town.get(town).map(|&i| &self.verdicts[i])
        } else {
            self.verdicts.iter().find(|v| v.town == town)
        }
    }
}

/// Loads the content folder with proofreading at load ([`proofread::Proofreader`] looks at every
/// file's values while their text is at hand): what `zyz check` and `zyz build` use.
pub fn load(content_dir: &Path) -> anyhow::Result<crate::model::Loaded> {
    let make = |office: &crate::model::Proofread| proofread::Proofreader::make(office);
    crate::model::load_with(content_dir, Some(&make))
}

/// Runs every rule over the loaded content.
pub fn check(content: &Content) -> Report {
    let mut report = Report::default();
    let towns: units::TownNames = content.towns.iter().map(|t| t.name.as_str()).collect();
    city::city(content, &towns, &mut report.findings);
    city::plan(content, &towns, &mut report.findings);
    let per_town: Vec<(Option<Verdict>, Vec<Diagnostic>)> = content
        .towns
        .par_iter()
        .map(|town| {
            let mut findings = Vec::new();
            let verdict = designation::designation(content, town, &mut findings);
            towns::town_data(content, &towns, town, &mut findings);
            (verdict, findings)
        })
        .collect();
    for (verdict, mut findings) in per_town {
        report.verdicts.extend(verdict);
        report.findings.append(&mut findings);
    }
    report.by_town = (report.verdicts.iter().enumerate())
        .map(|(i, v)| (v.town.clone(), i))
        .collect();
    across::across_towns(content, &mut report.findings);
    assessment::check(content, &mut report.findings);
    register::check(content, &mut report.findings);
    opinions::check(content, &mut report.findings);
    proofread::check_config(content, &mut report.findings);
    cycle::check(content, &mut report.findings);
    crate::diag::sort(&mut report.findings);
    report
}

/// Builds a finding located at `field` of the file `rel`; every rule reports through one.
struct At<'a> {
    content: &'a Content,
    rel: &'a Path,
}

impl At<'_> {
    fn finding(
        &self,
        severity: Severity,
        field: &str,
        rule: &str,
        message: String,
        hint: String,
    ) -> Diagnostic {
        let (line, column) = self.content.locate(self.rel, field);
        let file = self.content.display_path(self.rel);
        let d = Diagnostic::new(severity, file, line, column, rule, message);
        let d = d.with_path(field);
        if hint.is_empty() {
            d
        } else {
            d.with_hint(hint)
        }
    }
}

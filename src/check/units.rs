//! Units named in the content (a lead unit, a responsible unit, where an office sits) must be a
//! department of `city.yaml`, by full or short name, or a town of `towns/`; a task's lead unit is
//! not also among its supporting units.

use std::collections::HashSet;

use super::At;
use crate::diag::{Diagnostic, Severity};
use crate::model::Content;
use crate::model::de::did_you_mean;

/// The names of the towns in the content, for resolving units like `卿头镇人民政府`.
pub(super) type TownNames<'a> = HashSet<&'a str>;

/// Checks that a unit names a department (full or short form) or a town of the content.
pub(super) fn check_unit(
    content: &Content,
    towns: &TownNames,
    at: &At,
    field: &str,
    unit: &str,
    out: &mut Vec<Diagnostic>,
) {
    let unit = unit.trim();
    if content.city.department(unit).is_some() {
        return;
    }
    let town_name = unit
        .strip_suffix("人民政府")
        .or_else(|| unit.strip_suffix("办事处"))
        .unwrap_or(unit);
    if town_name.ends_with('镇') || town_name.ends_with("街道") {
        if towns.contains(town_name) {
            return;
        }
        let guess = did_you_mean(town_name, content.towns.iter().map(|t| t.name.as_str()))
            .map(|g| format!("是否想写 `{g}`？"))
            .unwrap_or_default();
        out.push(at.finding(
            Severity::Error,
            field,
            "ref.unknown-town",
            format!("不认识的镇（街道）`{unit}`：towns/ 中没有名为“{town_name}”的镇（街道）"),
            format!("{guess}镇（街道）名须与 towns/<id>.yaml 中的 name 一致"),
        ));
        return;
    }
    let guess = did_you_mean(unit, content.city.unit_names())
        .map(|g| format!("是否想写 `{g}`？"))
        .unwrap_or_default();
    out.push(at.finding(
        Severity::Error,
        field,
        "ref.unknown-department",
        format!("不认识的单位 `{unit}`：city.yaml 的 departments 中没有这个全称或简称"),
        format!(
            "{guess}单位须写 city.yaml 中的全称或简称（如 `市工科局`），或在 departments 中补充"
        ),
    ));
}

/// What a unit name stands for: a department's full name, or a town's name without
/// `人民政府`/`办事处` (so `市农业农村局` and `永济市农业农村局` are one unit).
pub(super) fn unit_key<'a>(content: &'a Content, unit: &'a str) -> &'a str {
    let unit = unit.trim();
    if let Some(d) = content.city.department(unit) {
        return &d.name;
    }
    unit.strip_suffix("人民政府")
        .or_else(|| unit.strip_suffix("办事处"))
        .unwrap_or(unit)
}

/// A task whose lead unit is also among its supporting units would print
/// "由市农业农村局牵头，市农业农村局、……配合": a warning at the supporting unit.
pub(super) fn lead_not_supporting(
    content: &Content,
    at: &At,
    base: &str,
    task: &crate::model::Task,
    out: &mut Vec<Diagnostic>,
) {
    let lead = unit_key(content, &task.lead);
    for (j, u) in task.support.iter().enumerate() {
        if unit_key(content, u) == lead {
            out.push(at.finding(
                Severity::Warning,
                &format!("{base}.support[{j}]"),
                "task.lead-supporting",
                format!(
                    "任务“{}”的牵头单位{}也列在配合单位中（{u}）：文件会写成“由{}牵头，{u}……配合”",
                    task.title, task.lead, task.lead
                ),
                format!("从 support 中删去 {u}：牵头单位不再列为配合单位"),
            ));
        }
    }
}

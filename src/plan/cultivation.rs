//! Plan stage, cultivation plans (培育方案) of the towns at stage 培育 ("其他镇（街道）结合实际，
//! 制定出台培育方案"): in form a town action plan, its goals the gaps to each criterion of the
//! standard of the level the town is cultivated for ("产值距认定标准差X亿元"), its tasks the
//! town's own. It takes the place of the town's action plan.

use std::path::PathBuf;

use serde_json::{Value, json};

use super::Doc;
use super::action_plan::own_plan;
use crate::check::Verdict;
use crate::model::{Content, Money, Standard, Town};

/// One criterion: what the standard asks, where the town stands, and the gap as a goal.
fn gap(criterion: &str, requirement: String, value: String, short: Option<String>) -> Value {
    let goal = match &short {
        Some(gap) => format!("{criterion}距认定标准{gap}"),
        None => format!("{criterion}已达到认定标准，巩固提升"),
    };
    json!({
        "criterion": criterion,
        "requirement": requirement,
        "value": value,
        "gap": short.unwrap_or_else(|| "已达到".to_owned()),
        "goal": goal,
    })
}

/// The gaps of `town` to `standard`, criterion by criterion.
pub(super) fn gaps(town: &Town, standard: &Standard) -> Vec<Value> {
    let e = &town.enterprises;
    let mut out = Vec::new();
    let min = standard.leading_enterprises.min as usize;
    out.push(gap(
        "龙头企业",
        format!("至少{min}家"),
        format!("{}家", e.leading.len()),
        (e.leading.len() < min).then(|| format!("差{}家", min - e.leading.len())),
    ));
    // "5家左右": short only below about − tolerance, as the check judges it
    let about = standard.supporting_enterprises.about as usize;
    let least = about.saturating_sub(standard.supporting_enterprises.tolerance as usize);
    out.push(gap(
        "关联配套企业",
        format!("{about}家左右"),
        format!("{}家", e.supporting.len()),
        (e.supporting.len() < least).then(|| format!("差{}家", about - e.supporting.len())),
    ));
    if let Some(floor) = standard.output_floor(town.category) {
        let (value, latest) = match town.assessed_output() {
            Some((_, o)) => (format!("{}（{}年）", o.value.to_chinese(), o.year), o.value),
            None => ("未填报".to_owned(), Money::yuan(0)),
        };
        let short = Money::yuan(floor.as_yuan() - latest.as_yuan());
        out.push(gap(
            "产值",
            format!(
                "{}类年产值不低于{}",
                town.category.chinese(),
                floor.to_chinese()
            ),
            value,
            (latest < floor).then(|| format!("差{}", short.to_chinese())),
        ));
    }
    let share = standard.market_share.min_yuncheng;
    let has = town.market_share.yuncheng;
    let national = town.market_share.national.is_some() && standard.market_share.national_claim;
    out.push(gap(
        "市场占有率",
        format!("运城市场占有率{share}以上或全国拥有较大市场空间"),
        has.map_or("未填报".to_owned(), |p| format!("运城市场占有率{p}")),
        (!national && has.is_none_or(|p| p < share)).then(|| {
            let now = has.map_or(0, |p| p.as_basis_points());
            let pts = crate::model::Percent::basis_points(share.as_basis_points() - now);
            format!("差{}个百分点", pts.to_string().trim_end_matches('%'))
        }),
    ));
    let jobs = standard.employment.min_local_jobs;
    out.push(gap(
        "就业",
        format!("解决当地就业{jobs}人以上"),
        format!("{}人", town.local_jobs),
        (town.local_jobs < jobs).then(|| format!("差{}人", jobs - town.local_jobs)),
    ));
    out
}

/// The name the plan is titled with: the specialty name without a "（培育）" mark.
fn name(town: &Town) -> String {
    let name = super::designation::specialty(town);
    name.strip_suffix("（培育）").unwrap_or(&name).to_owned()
}

/// 培育方案 of a town at stage 培育.
pub(super) fn cultivation_plan(
    content: &Content,
    town: &Town,
    verdict: Option<&Verdict>,
    year: i32,
    inputs: &[PathBuf],
) -> Doc {
    let city = &content.city;
    let date = city.document_date;
    let level = town.designation.level;
    let standard = content.standard(level);
    let title = format!("{}培育方案", name(town));
    let gaps = standard.map(|s| gaps(town, s)).unwrap_or_default();
    let short = gaps.iter().filter(|g| g["gap"] != "已达到").count();
    let mut doc = own_plan(content, town, year, &title, "培育任务责任清单");
    doc["level"] = json!(level.chinese());
    doc["standard"] = json!(standard.map(|s| s.name.clone()));
    doc["gaps"] = json!(gaps);
    doc["short"] = json!(short);
    doc["meets"] = json!(verdict.is_some_and(|v| v.meets));
    Doc::new(
        "cultivation-plan",
        Some(town.id.clone()),
        year,
        format!("{year}/towns/{}/cultivation-plan.pdf", town.id),
        "cultivation-plan.typ.j2",
        json!({
            "city": city,
            "town": {"name": town.name, "kind": town.kind.chinese(), "industry": town.leading_industry},
            "plan": {"title": content.plan.title, "subtitle": content.plan.subtitle},
            "doc": doc,
        }),
        date,
        inputs,
    )
}

//! `assessment.yaml` itself, checked with the rest of the content: weights adding up to 100,
//! the figure that earns full marks, organs that exist, one way to give the supervision deadline.
//! The check stage owns this so that `assess` stays pure arithmetic over content already checked.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::model::{Content, Measure};

/// Findings about `assessment.yaml` itself: weights that do not add up to 100, an indicator
/// without the figure that earns full marks, unknown organs, an ambiguous deadline.
pub(super) fn check(content: &Content, out: &mut Vec<Diagnostic>) {
    let Some(a) = &content.assessment else { return };
    let rel = Path::new("assessment.yaml");
    let error = |field: &str, rule: &str, message: String, hint: &str| {
        let (line, column) = content.locate(rel, field);
        Diagnostic::error(content.display_path(rel), line, column, rule, message)
            .with_path(field)
            .with_hint(hint)
    };
    let sum: u32 = a.indicators.iter().map(|i| i.weight).sum();
    if sum != 100 {
        out.push(error(
            "indicators",
            "assessment.weights",
            format!("指标权重之和为{sum}，应为100"),
            "调整各指标的 weight，使其之和为 100",
        ));
    }
    for (i, ind) in a.indicators.iter().enumerate() {
        let missing = match ind.measure {
            Measure::OutputGrowth => ind
                .full_growth
                .is_none_or(|p| p.as_basis_points() == 0)
                .then_some("full_growth"),
            Measure::Enterprises | Measure::Jobs => ind
                .full_count
                .is_none_or(|c| c == 0)
                .then_some("full_count"),
            _ => None,
        };
        if let Some(field) = missing {
            out.push(error(
                &format!("indicators[{i}]"),
                "assessment.full-marks",
                format!("指标“{}”缺少满分条件 `{field}`（须大于0）", ind.name),
                "output_growth 填 full_growth（如 20%），enterprises、jobs 填 full_count（家数、人数）",
            ));
        }
    }
    // organs are only known when city.yaml loaded (its own findings say why not)
    let city_ok = content.trees.contains_key(Path::new("city.yaml"));
    for (field, organ) in [
        ("ranking.organ", &a.ranking.organ),
        ("commendation.organ", &a.commendation.organ),
        ("supervision.organ", &a.supervision.organ),
    ] {
        if city_ok && !content.city.organs.iter().any(|o| &o.id == organ) {
            out.push(error(
                field,
                "ref.unknown-organ",
                format!("不认识的发文机关 `{organ}`：city.yaml 的 organs 中没有这个 id"),
                "填 city.yaml 中某个发文机关的 id，如 `leading-group-office`",
            ));
        }
    }
    if a.supervision.deadline.is_some() == a.supervision.deadline_days.is_some() {
        out.push(error(
            "supervision",
            "assessment.deadline",
            "督办整改期限须在 deadline 与 deadline_days 中二选一".to_owned(),
            "如 `deadline_days: 30`（成文日期后30日）或 `deadline: 2025-11-30`",
        ));
    }
}

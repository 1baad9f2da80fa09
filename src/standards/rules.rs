//! The rules. Each pushes located findings; none stops the others.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::{CriterionRow, Outcome, Verdict};
use crate::diag::{Diagnostic, Severity};
use crate::model::de::did_you_mean;
use crate::model::{Content, ProblemStatus, Stage, TaskStatus, Town};

/// The names of the towns in the content, for resolving units like `卿头镇人民政府`.
pub(super) type TownNames<'a> = HashSet<&'a str>;

/// Builds a finding located at `field` of the file `rel`.
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
        let d = match severity {
            Severity::Error => Diagnostic::error(file, line, column, rule, message),
            Severity::Warning => Diagnostic::warning(file, line, column, rule, message),
        };
        let d = d.with_path(field);
        if hint.is_empty() {
            d
        } else {
            d.with_hint(hint)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Designation

/// Measures a town against the standard of its level; None when there is no such standard.
pub(super) fn designation(
    content: &Content,
    town: &Town,
    out: &mut Vec<Diagnostic>,
) -> Option<Verdict> {
    let at = At {
        content,
        rel: &town.file,
    };
    let level = town.designation.level;
    let Some(standard) = content.standard(level) else {
        out.push(at.finding(
            Severity::Error,
            "designation.level",
            "standard.missing",
            format!(
                "没有{}专业镇认定标准：缺少 standards/{}.yaml",
                level.chinese(),
                level.id()
            ),
            "认定标准是数据：从示例内容复制该文件并填写数值".into(),
        ));
        return None;
    };
    if !standard.confirmed {
        let note = standard.note.clone().unwrap_or_default();
        out.push(at.finding(
            Severity::Warning,
            "designation.level",
            "standard.unconfirmed",
            format!(
                "{}的数值尚未核实（confirmed: false），以下认定结论仅供参考",
                standard.name
            ),
            if note.is_empty() {
                format!(
                    "核实后在 standards/{}.yaml 中改为 confirmed: true",
                    level.id()
                )
            } else {
                note
            },
        ));
    }
    let cultivating = town.designation.stage == Stage::Cultivating;
    let fail_severity = if cultivating {
        Severity::Warning
    } else {
        Severity::Error
    };
    let suffix = if cultivating {
        "（培育阶段，仅作提示）"
    } else {
        ""
    };
    let name = &town.name;
    let mut rows = Vec::new();
    let mut failures: Vec<Diagnostic> = Vec::new();
    let mut fail = |field: &str, rule: &str, message: String, hint: String| {
        failures.push(at.finding(
            fail_severity,
            field,
            rule,
            format!("{message}{suffix}"),
            hint,
        ));
    };

    // 1. 产业相对集中 — 龙头企业
    let leading = town.enterprises.leading.len() as u32;
    let min = standard.leading_enterprises.min;
    let requirement = format!("至少{min}家实力较强、行业知名的龙头企业");
    let ok = leading >= min;
    rows.push(CriterionRow {
        criterion: "产业相对集中".into(),
        requirement: requirement.clone(),
        value: format!("龙头企业{leading}家"),
        outcome: if ok { Outcome::Pass } else { Outcome::Fail },
        note: String::new(),
    });
    if !ok {
        fail(
            "enterprises.leading",
            "standard.leading-enterprises",
            format!("产业相对集中：主导产业应{requirement}，{name}填报{leading}家"),
            "在 enterprises.leading 中列出龙头企业（名称、统一社会信用代码、产品、产值、就业）"
                .into(),
        );
    }

    // 1b. 产业相对集中 — 关联配套企业（“5家左右”：判断性要求，只作警告）
    let supporting = town.enterprises.supporting.len() as u32;
    let rule = &standard.supporting_enterprises;
    let low = rule.about.saturating_sub(rule.tolerance);
    let ok = supporting >= low;
    rows.push(CriterionRow {
        criterion: "产业相对集中".into(),
        requirement: format!("关联配套企业{}家左右", rule.about),
        value: format!("关联配套企业{supporting}家"),
        outcome: if ok { Outcome::Pass } else { Outcome::Warn },
        note: if ok {
            String::new()
        } else {
            format!("“{}家左右”为判断性要求，少于{low}家按警告处理", rule.about)
        },
    });
    if !ok {
        let field = if town.enterprises.supporting.is_empty() {
            "enterprises"
        } else {
            "enterprises.supporting"
        };
        out.push(at.finding(
            Severity::Warning,
            field,
            "standard.supporting-enterprises",
            format!(
                "产业相对集中：关联配套企业应在{}家左右，{name}填报{supporting}家（“左右”是判断性要求，少于{low}家给出警告，不作为不符合）",
                rule.about
            ),
            "补充关联配套企业，或在申报书中说明配套情况".into(),
        ));
    }

    // 3 (evaluated first: the relaxation depends on it). 市场占有率较高
    let ms = &town.market_share;
    let min_share = standard.market_share.min_yuncheng;
    let share_requirement = if standard.market_share.national_claim {
        format!("主导产品占全运城市场{min_share}以上，或全国拥有较大市场空间")
    } else {
        format!("主导产品占全运城市场{min_share}以上")
    };
    let yuncheng_ok = ms.yuncheng.is_some_and(|p| p >= min_share);
    let national = ms
        .national
        .as_ref()
        .filter(|_| standard.market_share.national_claim);
    let national_ok =
        national.is_some_and(|n| !n.justification.trim().is_empty() && !n.claim.trim().is_empty());
    let share_ok = yuncheng_ok || national_ok;
    let share_value = match (ms.yuncheng, &ms.national) {
        (Some(p), Some(_)) => format!("运城市场占有率{p}；全国市场空间见说明"),
        (Some(p), None) => format!("运城市场占有率{p}"),
        (None, Some(_)) => "全国拥有较大市场空间（见说明）".into(),
        (None, None) => "未填报".into(),
    };
    let share_note = if !yuncheng_ok && national_ok {
        format!(
            "依据全国市场空间：{}",
            national.map(|n| n.claim.as_str()).unwrap_or_default()
        )
    } else {
        String::new()
    };

    // 2. 规模相对较大
    let category = town.category;
    let mut relaxation_used = false;
    match (standard.output_floor(category), town.assessed_output()) {
        (None, _) => {
            rows.push(CriterionRow {
                criterion: "规模相对较大".into(),
                requirement: format!("{}未规定{}类的年产值", standard.name, category.chinese()),
                value: town.assessed_output().map_or("未填报".into(), |(_, o)| {
                    format!("{}（{}年）", o.value, o.year)
                }),
                outcome: Outcome::Fail,
                note: "标准中没有该领域".into(),
            });
            out.push(at.finding(
                Severity::Error,
                "category",
                "standard.category",
                format!(
                    "{}没有规定{}类专业镇的年产值标准",
                    standard.name,
                    category.chinese()
                ),
                format!(
                    "在 standards/{}.yaml 的 output 中加上 {} 类，或改正 category",
                    level.id(),
                    category.chinese()
                ),
            ));
        }
        (Some(floor), None) => {
            let requirement = format!("{}类年产值不低于{}", category.chinese(), floor);
            rows.push(CriterionRow {
                criterion: "规模相对较大".into(),
                requirement: requirement.clone(),
                value: "未填报实际产值".into(),
                outcome: Outcome::Fail,
                note: String::new(),
            });
            fail(
                "output",
                "standard.output",
                format!(
                    "规模相对较大：{requirement}，{name}没有填报实际年产值（只有目标值或为空）"
                ),
                "在 output 中加上最近一年的实际产值，如 `- {year: 2024, value: 2.35亿元}`".into(),
            );
        }
        (Some(floor), Some((index, assessed))) => {
            let requirement = format!("{}类年产值不低于{}", category.chinese(), floor);
            let value = assessed.value;
            let field = format!("output[{index}].value");
            let shown = format!("{}（{}年）", value, assessed.year);
            let feature = standard.relaxation.as_ref().and_then(|r| {
                town.traditional_features
                    .iter()
                    .find(|f| r.features.contains(&f.kind) && !f.evidence.trim().is_empty())
            });
            let relax = standard.relaxation.as_ref();
            let (outcome, note) = if value >= floor {
                (Outcome::Pass, String::new())
            } else if let (Some(r), Some(f)) = (relax, feature) {
                let share_condition = !r.requires_market_share || share_ok;
                if share_condition && value >= r.min_output {
                    relaxation_used = true;
                    (
                        Outcome::Pass,
                        format!(
                            "适用放宽条件：{}（{}），放宽后不低于{}",
                            f.kind.chinese(),
                            f.name,
                            r.min_output
                        ),
                    )
                } else if !share_condition {
                    fail(
                        &field,
                        "standard.output",
                        format!(
                            "规模相对较大：{requirement}，{name}{}年产值为{value}；虽有{}（{}），但市场占有率未达标，不能适用放宽条件",
                            assessed.year,
                            f.kind.chinese(),
                            f.name
                        ),
                        "放宽条件要求主导产品在行业内影响力大、市场占有率高：补充 market_share"
                            .into(),
                    );
                    (
                        Outcome::Fail,
                        "有传统特色，但市场占有率未达标，不能放宽".into(),
                    )
                } else {
                    fail(
                        &field,
                        "standard.output",
                        format!(
                            "规模相对较大：即使适用放宽条件（{}），年产值也不得少于{}，{name}{}年产值为{value}",
                            f.kind.chinese(),
                            r.min_output,
                            assessed.year
                        ),
                        "核对产值；放宽后的下限不能再放宽".into(),
                    );
                    (Outcome::Fail, format!("低于放宽后下限{}", r.min_output))
                }
            } else {
                let hint = match relax {
                    Some(r) if value >= r.min_output => format!(
                        "主导产品如具有{}等传统特色且市场占有率高，可在 traditional_features 中写明依据，按放宽条件（不低于{}）认定",
                        r.features
                            .iter()
                            .map(|k| k.chinese())
                            .collect::<Vec<_>>()
                            .join("、"),
                        r.min_output
                    ),
                    _ => format!("核对 output 中 {} 年的产值", assessed.year),
                };
                fail(
                    &field,
                    "standard.output",
                    format!(
                        "规模相对较大：{requirement}，{name}{}年产值为{value}",
                        assessed.year
                    ),
                    hint,
                );
                (Outcome::Fail, String::new())
            };
            rows.push(CriterionRow {
                criterion: "规模相对较大".into(),
                requirement,
                value: shown,
                outcome,
                note,
            });
        }
    }

    // 3. 市场占有率较高 (row and finding)
    rows.push(CriterionRow {
        criterion: "市场占有率较高".into(),
        requirement: share_requirement.clone(),
        value: share_value.clone(),
        outcome: if share_ok {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        note: share_note,
    });
    if !share_ok {
        let (field, why) = match (&ms.national, ms.yuncheng) {
            (Some(n), _)
                if standard.market_share.national_claim && n.justification.trim().is_empty() =>
            {
                (
                    "market_share.national.justification".to_owned(),
                    "全国市场空间的说明缺少依据".to_owned(),
                )
            }
            (_, Some(p)) => (
                "market_share.yuncheng".to_owned(),
                format!("运城市场占有率为{p}"),
            ),
            _ => (
                "market_share".to_owned(),
                "未填报运城市场占有率，也未说明全国市场空间".to_owned(),
            ),
        };
        fail(
            &field,
            "standard.market-share",
            format!("市场占有率较高：{share_requirement}，{name}{why}"),
            "填写 market_share.yuncheng（如 `12.5%`），或 market_share.national 的 claim 和 justification（依据）".into(),
        );
    }

    // 4. 就业带动性强
    let jobs = town.local_jobs;
    let min_jobs = standard.employment.min_local_jobs;
    let requirement = format!("能够解决当地就业{min_jobs}人以上");
    let ok = jobs >= min_jobs;
    rows.push(CriterionRow {
        criterion: "就业带动性强".into(),
        requirement: requirement.clone(),
        value: format!("{jobs}人"),
        outcome: if ok { Outcome::Pass } else { Outcome::Fail },
        note: String::new(),
    });
    if !ok {
        fail(
            "local_jobs",
            "standard.employment",
            format!("就业带动性强：应{requirement}，{name}填报{jobs}人"),
            "local_jobs 填写专业镇主导产业解决的当地就业人数".into(),
        );
    }

    out.append(&mut failures);
    let meets = rows.iter().all(|r| r.outcome != Outcome::Fail);
    Some(Verdict {
        town: town.id.clone(),
        level: level.chinese().into(),
        category: category.chinese().into(),
        meets,
        relaxation_used: meets && relaxation_used,
        rows,
    })
}

// ---------------------------------------------------------------------------------------------
// Units (departments and towns)

/// Checks that a unit names a department (full or short form) or a town of the content.
fn check_unit(
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

// ---------------------------------------------------------------------------------------------
// city.yaml and plan.yaml

pub(super) fn city(content: &Content, towns: &TownNames, out: &mut Vec<Diagnostic>) {
    let rel = Path::new("city.yaml");
    if !content.trees.contains_key(rel) {
        return;
    }
    let at = At { content, rel };
    let city = &content.city;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, d) in city.departments.iter().enumerate() {
        for (j, n) in std::iter::once(&d.name).chain(d.short.iter()).enumerate() {
            if let Some(first) = seen.insert(n.as_str(), i)
                && first != i
            {
                let field = if j == 0 {
                    format!("departments[{i}].name")
                } else {
                    format!("departments[{i}].short[{}]", j - 1)
                };
                out.push(at.finding(
                    Severity::Error,
                    &field,
                    "city.duplicate-department",
                    format!("单位名称 `{n}` 重复（departments[{first}] 已使用）"),
                    "每个全称和简称只能指向一个单位".into(),
                ));
            }
        }
    }
    let organ_ids: Vec<&str> = city.organs.iter().map(|o| o.id.as_str()).collect();
    let check_organ = |field: &str, id: &str, out: &mut Vec<Diagnostic>| {
        if !organ_ids.contains(&id) {
            let guess = did_you_mean(id, organ_ids.iter().copied())
                .map(|g| format!("是否想写 `{g}`？"))
                .unwrap_or_default();
            out.push(at.finding(
                Severity::Error,
                field,
                "ref.unknown-organ",
                format!("不认识的发文机关 `{id}`：organs 中没有这个 id"),
                format!("{guess}可用：{}", organ_ids.join("、")),
            ));
        }
    };
    check_organ(
        "leading_group.office_organ",
        &city.leading_group.office_organ,
        out,
    );
    for (i, s) in city.signers.iter().enumerate() {
        check_organ(&format!("signers[{i}].organ"), &s.organ, out);
    }
    check_unit(
        content,
        towns,
        &at,
        "leading_group.office_at",
        &city.leading_group.office_at,
        out,
    );
    for (i, o) in city.organs.iter().enumerate() {
        if let Some(u) = &o.located_at {
            check_unit(
                content,
                towns,
                &at,
                &format!("organs[{i}].located_at"),
                u,
                out,
            );
        }
        if o.prefix.trim().is_empty() || o.prefix.contains(['〔', '〕', '号']) {
            out.push(at.finding(
                Severity::Error,
                &format!("organs[{i}].prefix"),
                "city.prefix",
                format!("文号前缀 `{}` 应只含机关代字", o.prefix),
                "如 `永政办发`；年份〔2025〕和序号由程序生成".into(),
            ));
        }
    }
    if city.document_date.year != city.plan_year {
        out.push(at.finding(
            Severity::Warning,
            "document_date",
            "city.document-date",
            format!(
                "成文日期 {} 不在计划年度 {} 内",
                city.document_date, city.plan_year
            ),
            "核对 plan_year 和 document_date".into(),
        ));
    }
}

pub(super) fn plan(content: &Content, towns: &TownNames, out: &mut Vec<Diagnostic>) {
    let rel = Path::new("plan.yaml");
    if !content.trees.contains_key(rel) || !content.trees.contains_key(Path::new("city.yaml")) {
        return;
    }
    let at = At { content, rel };
    let mut expected = 1;
    for (h, heading) in content.plan.headings.iter().enumerate() {
        for (t, task) in heading.tasks.iter().enumerate() {
            let base = format!("headings[{h}].tasks[{t}]");
            if task.number != expected {
                out.push(at.finding(
                    Severity::Error,
                    &format!("{base}.number"),
                    "plan.task-number",
                    format!("任务序号应为 {expected}，实际是 {}", task.number),
                    "重点任务按 1、2、3… 连续编号".into(),
                ));
            }
            expected = task.number + 1;
            for (i, u) in task.lead.iter().enumerate() {
                check_unit(content, towns, &at, &format!("{base}.lead[{i}]"), u, out);
            }
            for (i, u) in task.responsible.iter().enumerate() {
                check_unit(
                    content,
                    towns,
                    &at,
                    &format!("{base}.responsible[{i}]"),
                    u,
                    out,
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Town data: tasks, problems, enterprises

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

pub(super) fn town_data(
    content: &Content,
    towns: &TownNames,
    town: &Town,
    out: &mut Vec<Diagnostic>,
) {
    let at = At {
        content,
        rel: &town.file,
    };
    let city = &content.city;
    let city_ok = content.trees.contains_key(Path::new("city.yaml"));
    let today = city.document_date;

    let kind_ok = match town.kind {
        crate::model::TownKind::Town => town.name.ends_with('镇'),
        crate::model::TownKind::Subdistrict => town.name.ends_with("街道"),
    };
    if !kind_ok {
        out.push(at.finding(
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

    // Output years unique.
    let mut years: HashMap<u16, usize> = HashMap::new();
    for (i, o) in town.output.iter().enumerate() {
        if let Some(first) = years.insert(o.year, i) {
            out.push(at.finding(
                Severity::Error,
                &format!("output[{i}].year"),
                "town.output-year",
                format!("{}年的产值重复填报（output[{first}] 已有）", o.year),
                "每年只填一项；目标值用 `target: true` 标明".into(),
            ));
        }
        if !o.target && city_ok && o.year > city.plan_year {
            out.push(at.finding(
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

    for (i, f) in town.traditional_features.iter().enumerate() {
        if f.evidence.trim().is_empty() {
            out.push(at.finding(
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

    // Credit codes unique within the town.
    let mut codes: HashMap<&str, String> = HashMap::new();
    let all = town
        .enterprises
        .leading
        .iter()
        .enumerate()
        .map(|(i, e)| (format!("enterprises.leading[{i}]"), e))
        .chain(
            town.enterprises
                .supporting
                .iter()
                .enumerate()
                .map(|(i, e)| (format!("enterprises.supporting[{i}]"), e)),
        );
    for (field, e) in all {
        if let Some(first) = codes.insert(e.credit_code.as_str(), field.clone()) {
            out.push(at.finding(
                Severity::Error,
                &format!("{field}.credit_code"),
                "town.duplicate-credit-code",
                format!("统一社会信用代码 {} 重复（{first} 已使用）", e.credit_code),
                "同一企业只列一次".into(),
            ));
        }
    }

    if city_ok {
        for (i, task) in town.tasks.iter().enumerate() {
            let base = format!("tasks[{i}]");
            check_unit(
                content,
                towns,
                &at,
                &format!("{base}.lead"),
                &task.lead,
                out,
            );
            for (j, u) in task.support.iter().enumerate() {
                check_unit(content, towns, &at, &format!("{base}.support[{j}]"), u, out);
            }
            if task.deadline.year != city.plan_year {
                out.push(at.finding(
                    Severity::Error,
                    &format!("{base}.deadline"),
                    "task.deadline-year",
                    format!(
                        "任务“{}”的完成时限 {} 不在计划年度 {} 年内",
                        task.title, task.deadline, city.plan_year
                    ),
                    format!(
                        "年度行动计划的任务须在 {} 年内完成；跨年任务拆分到各年度",
                        city.plan_year
                    ),
                ));
            }
            if let Some(n) = task.plan_task {
                let exists = content
                    .plan
                    .headings
                    .iter()
                    .flat_map(|h| &h.tasks)
                    .any(|t| t.number == n);
                if !exists {
                    out.push(at.finding(
                        Severity::Error,
                        &format!("{base}.plan_task"),
                        "ref.unknown-plan-task",
                        format!("全市行动计划中没有第 {n} 项重点任务"),
                        "plan_task 取 plan.yaml 中的任务序号（1–12）".into(),
                    ));
                }
            }
            let progress = task.progress.as_basis_points();
            if task.status == TaskStatus::Done && progress != 10_000 {
                out.push(at.finding(
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
                out.push(at.finding(
                    Severity::Warning,
                    &format!("{base}.status"),
                    "task.progress",
                    format!("任务“{}”进度为100%，但状态不是已完成", task.title),
                    "把 status 改为 已完成".into(),
                ));
            }
            if task.status != TaskStatus::Done && task.deadline < today {
                out.push(at.finding(
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
    }

    for (i, p) in town.problems.iter().enumerate() {
        let base = format!("problems[{i}]");
        match valid_problem_id(&p.id) {
            None => out.push(at.finding(
                Severity::Error,
                &format!("{base}.id"),
                "problem.id",
                format!("问题编号 `{}` 格式不对", p.id),
                "编号写作 年份-季度-三位序号，如 `2025-Q3-007`".into(),
            )),
            Some((y, q)) if (y, q) != (p.found.year, p.found.quarter()) => out.push(at.finding(
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
            )),
            Some(_) => {}
        }
        if city_ok {
            check_unit(content, towns, &at, &format!("{base}.unit"), &p.unit, out);
        }
        if p.deadline < p.found {
            out.push(at.finding(
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
        match (p.status, p.closed_on) {
            (ProblemStatus::Fixed, None) => out.push(at.finding(
                Severity::Error,
                &base,
                "problem.closed-on",
                format!("问题 {} 已整改，但没有销号日期", p.id),
                "加上 `closed_on: YYYY-MM-DD`".into(),
            )),
            (ProblemStatus::Fixing | ProblemStatus::Open, Some(_)) => out.push(at.finding(
                Severity::Error,
                &format!("{base}.closed_on"),
                "problem.closed-on",
                format!("问题 {} 尚未整改完毕，不应有销号日期", p.id),
                "整改完成后把 status 改为 已整改，再填销号日期".into(),
            )),
            (ProblemStatus::Fixed, Some(c)) if c < p.found => out.push(at.finding(
                Severity::Error,
                &format!("{base}.closed_on"),
                "problem.closed-on",
                format!("问题 {} 的销号日期 {} 早于发现时间 {}", p.id, c, p.found),
                "核对日期".into(),
            )),
            (ProblemStatus::Fixing | ProblemStatus::Open, None)
                if city_ok && p.deadline < today =>
            {
                let status = if p.status == ProblemStatus::Open {
                    "未整改"
                } else {
                    "整改中"
                };
                out.push(at.finding(
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

// ---------------------------------------------------------------------------------------------
// Across towns: names, ledger ids, enterprises

pub(super) fn across_towns(content: &Content, out: &mut Vec<Diagnostic>) {
    let mut names: HashMap<&str, &Town> = HashMap::new();
    let mut problems: HashMap<&str, (&Town, usize)> = HashMap::new();
    let mut codes: HashMap<&str, &Town> = HashMap::new();
    for town in &content.towns {
        let at = At {
            content,
            rel: &town.file,
        };
        if let Some(first) = names.insert(&town.name, town) {
            out.push(at.finding(
                Severity::Error,
                "name",
                "town.duplicate-name",
                format!(
                    "镇（街道）名称“{}”重复：{} 中已使用",
                    town.name,
                    content.display_path(&first.file).display()
                ),
                "每个镇（街道）只有一个文件".into(),
            ));
            names.insert(&first.name, first);
        }
        for (i, p) in town.problems.iter().enumerate() {
            if let Some((first, j)) = problems.get(p.id.as_str()) {
                out.push(at.finding(
                    Severity::Error,
                    &format!("problems[{i}].id"),
                    "problem.duplicate-id",
                    format!(
                        "问题编号 {} 重复：{} 的 problems[{j}] 已使用",
                        p.id,
                        content.display_path(&first.file).display()
                    ),
                    "台账编号全市唯一；改用下一个序号".into(),
                ));
            } else {
                problems.insert(&p.id, (town, i));
            }
        }
        let mut mine: Vec<(&str, String)> = Vec::new();
        for (i, e) in town.enterprises.leading.iter().enumerate() {
            mine.push((
                e.credit_code.as_str(),
                format!("enterprises.leading[{i}].credit_code"),
            ));
        }
        for (i, e) in town.enterprises.supporting.iter().enumerate() {
            mine.push((
                e.credit_code.as_str(),
                format!("enterprises.supporting[{i}].credit_code"),
            ));
        }
        for (code, field) in mine {
            match codes.get(code) {
                Some(first) if first.id != town.id => out.push(at.finding(
                    Severity::Warning,
                    &field,
                    "town.shared-enterprise",
                    format!(
                        "统一社会信用代码 {code} 的企业也列在{}（{}）",
                        first.name,
                        content.display_path(&first.file).display()
                    ),
                    "同一企业一般只计入一个专业镇；如确属两地，在申报书中说明".into(),
                )),
                Some(_) => {}
                None => {
                    codes.insert(code, town);
                }
            }
        }
    }
}

//! Designation: a town measured against the standard of its level, one function per criterion,
//! giving the rows of its checklist [`Verdict`] and the located findings of what it misses.

use super::{At, CriterionRow, Outcome, Verdict};
use crate::diag::{Diagnostic, Severity};
use crate::model::standard::Relaxation;
use crate::model::{Content, Feature, Level, Money, Stage, Standard, Town, YearOutput};

/// Measures a town against the standard of its level; None when there is no such standard.
///
/// Findings come in this order: the standard's own, the warnings and errors that do not depend
/// on the stage (supporting enterprises, a category without a floor), then the criteria failed.
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
        out.push(missing_standard(&at, level));
        return None;
    };
    if !standard.confirmed {
        out.push(unconfirmed_standard(&at, level, standard));
    }
    let mut measure = Measure::new(at, town, standard);
    measure.leading_enterprises();
    measure.supporting_enterprises(out);
    // 3 is evaluated first: the relaxation of 2 depends on it.
    let share = MarketShare::evaluate(town, standard);
    measure.output(share.ok, out);
    measure.market_share(share);
    measure.employment();
    out.append(&mut measure.failures);
    Some(measure.verdict())
}

/// No `standards/<level>.yaml` for the level the town applies for.
fn missing_standard(at: &At, level: Level) -> Diagnostic {
    at.finding(
        Severity::Error,
        "designation.level",
        "standard.missing",
        format!(
            "没有{}专业镇认定标准：缺少 standards/{}.yaml",
            level.chinese(),
            level.id()
        ),
        "认定标准是数据：从示例内容复制该文件并填写数值".into(),
    )
}

/// The standard's numbers are not yet confirmed (`confirmed: false`).
fn unconfirmed_standard(at: &At, level: Level, standard: &Standard) -> Diagnostic {
    let note = standard.note.clone().unwrap_or_default();
    at.finding(
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
    )
}

/// Criterion 3, 市场占有率较高, as evaluated before its row is written.
struct MarketShare {
    /// What the standard requires.
    requirement: String,
    /// The Yuncheng share reaches the floor, or a national claim with a justification counts.
    ok: bool,
    /// The town's figure, formatted.
    value: String,
    /// Why it passed, when it passed on the national claim.
    note: String,
}

impl MarketShare {
    fn evaluate(town: &Town, standard: &Standard) -> MarketShare {
        let ms = &town.market_share;
        let min_share = standard.market_share.min_yuncheng;
        let requirement = if standard.market_share.national_claim {
            format!("主导产品占全运城市场{min_share}以上，或全国拥有较大市场空间")
        } else {
            format!("主导产品占全运城市场{min_share}以上")
        };
        let yuncheng_ok = ms.yuncheng.is_some_and(|p| p >= min_share);
        let national = ms
            .national
            .as_ref()
            .filter(|_| standard.market_share.national_claim);
        let national_ok = national
            .is_some_and(|n| !n.justification.trim().is_empty() && !n.claim.trim().is_empty());
        let value = match (ms.yuncheng, &ms.national) {
            (Some(p), Some(_)) => format!("运城市场占有率{p}；全国市场空间见说明"),
            (Some(p), None) => format!("运城市场占有率{p}"),
            (None, Some(_)) => "全国拥有较大市场空间（见说明）".into(),
            (None, None) => "未填报".into(),
        };
        let note = if !yuncheng_ok && national_ok {
            format!(
                "依据全国市场空间：{}",
                national.map(|n| n.claim.as_str()).unwrap_or_default()
            )
        } else {
            String::new()
        };
        MarketShare {
            requirement,
            ok: yuncheng_ok || national_ok,
            value,
            note,
        }
    }
}

/// One town's measurement in progress: the checklist rows so far and the criteria failed.
struct Measure<'a> {
    at: At<'a>,
    town: &'a Town,
    standard: &'a Standard,
    /// Error when the town applies or is designated, warning while it is cultivated.
    fail_severity: Severity,
    /// Added to every failure's message while the town is cultivated.
    suffix: &'static str,
    /// The output criterion passed only through the relaxation.
    relaxation_used: bool,
    rows: Vec<CriterionRow>,
    /// Findings of failed criteria; they follow the town's other designation findings.
    failures: Vec<Diagnostic>,
}

impl<'a> Measure<'a> {
    fn new(at: At<'a>, town: &'a Town, standard: &'a Standard) -> Self {
        let cultivating = town.designation.stage == Stage::Cultivating;
        Measure {
            at,
            town,
            standard,
            fail_severity: if cultivating {
                Severity::Warning
            } else {
                Severity::Verdict
            },
            suffix: if cultivating {
                "（培育阶段，仅作提示）"
            } else {
                ""
            },
            relaxation_used: false,
            rows: Vec::new(),
            failures: Vec::new(),
        }
    }

    /// Records a failed criterion, with the stage's severity and suffix.
    fn fail(&mut self, field: &str, rule: &str, message: String, hint: String) {
        let suffix = self.suffix;
        self.failures.push(self.at.finding(
            self.fail_severity,
            field,
            rule,
            format!("{message}{suffix}"),
            hint,
        ));
    }

    /// 1. 产业相对集中 — 龙头企业.
    fn leading_enterprises(&mut self) {
        let town = self.town;
        let name = &town.name;
        let leading = town.enterprises.leading.len() as u32;
        let min = self.standard.leading_enterprises.min;
        let requirement = format!("至少{min}家实力较强、行业知名的龙头企业");
        let ok = leading >= min;
        self.rows.push(CriterionRow {
            criterion: "产业相对集中".into(),
            requirement: requirement.clone(),
            value: format!("龙头企业{leading}家"),
            outcome: if ok { Outcome::Pass } else { Outcome::Fail },
            note: String::new(),
        });
        if !ok {
            self.fail(
                "enterprises.leading",
                "standard.leading-enterprises",
                format!("产业相对集中：主导产业应{requirement}，{name}填报{leading}家"),
                "在 enterprises.leading 中列出龙头企业（名称、统一社会信用代码、产品、产值、就业）"
                    .into(),
            );
        }
    }

    /// 1b. 产业相对集中 — 关联配套企业 (“5家左右”: a judgement call, so only ever a warning).
    fn supporting_enterprises(&mut self, out: &mut Vec<Diagnostic>) {
        let town = self.town;
        let name = &town.name;
        let supporting = town.enterprises.supporting.len() as u32;
        let rule = &self.standard.supporting_enterprises;
        let low = rule.about.saturating_sub(rule.tolerance);
        let ok = supporting >= low;
        self.rows.push(CriterionRow {
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
            out.push(self.at.finding(
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
    }

    /// 2. 规模相对较大: the latest actual output against the category's floor.
    fn output(&mut self, share_ok: bool, out: &mut Vec<Diagnostic>) {
        let town = self.town;
        match (
            self.standard.output_floor(town.category),
            town.assessed_output(),
        ) {
            (None, _) => self.output_without_floor(out),
            (Some(floor), None) => self.output_not_reported(floor),
            (Some(floor), Some((index, assessed))) => {
                self.output_measured(floor, index, assessed, share_ok)
            }
        }
    }

    /// The standard sets no output floor for the town's category.
    fn output_without_floor(&mut self, out: &mut Vec<Diagnostic>) {
        let (town, standard) = (self.town, self.standard);
        let category = town.category;
        self.rows.push(CriterionRow {
            criterion: "规模相对较大".into(),
            requirement: format!("{}未规定{}类的年产值", standard.name, category.chinese()),
            value: town.assessed_output().map_or("未填报".into(), |(_, o)| {
                format!("{}（{}年）", o.value, o.year)
            }),
            outcome: Outcome::Fail,
            note: "标准中没有该领域".into(),
        });
        out.push(self.at.finding(
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
                town.designation.level.id(),
                category.chinese()
            ),
        ));
    }

    /// The town reports no actual output (only targets, or nothing).
    fn output_not_reported(&mut self, floor: Money) {
        let town = self.town;
        let name = &town.name;
        let requirement = format!("{}类年产值不低于{}", town.category.chinese(), floor);
        self.rows.push(CriterionRow {
            criterion: "规模相对较大".into(),
            requirement: requirement.clone(),
            value: "未填报实际产值".into(),
            outcome: Outcome::Fail,
            note: String::new(),
        });
        self.fail(
            "output",
            "standard.output",
            format!("规模相对较大：{requirement}，{name}没有填报实际年产值（只有目标值或为空）"),
            "在 output 中加上最近一年的实际产值，如 `- {year: 2024, value: 2.35亿元}`".into(),
        );
    }

    /// The latest actual output against the floor, or against the relaxed floor when the town
    /// has a traditional feature (with evidence) that the standard's relaxation names.
    fn output_measured(
        &mut self,
        floor: Money,
        index: usize,
        assessed: &YearOutput,
        share_ok: bool,
    ) {
        let (town, standard) = (self.town, self.standard);
        let requirement = format!("{}类年产值不低于{}", town.category.chinese(), floor);
        let value = assessed.value;
        let field = format!("output[{index}].value");
        let shown = format!("{}（{}年）", value, assessed.year);
        let relax = standard.relaxation.as_ref();
        let feature = relax.and_then(|r| {
            town.traditional_features
                .iter()
                .find(|f| r.features.contains(&f.kind) && !f.evidence.trim().is_empty())
        });
        let (outcome, note) = if value >= floor {
            (Outcome::Pass, String::new())
        } else if let (Some(r), Some(f)) = (relax, feature) {
            self.output_relaxed(r, f, &requirement, &field, assessed, share_ok)
        } else {
            self.output_below(relax, &requirement, &field, assessed);
            (Outcome::Fail, String::new())
        };
        self.rows.push(CriterionRow {
            criterion: "规模相对较大".into(),
            requirement,
            value: shown,
            outcome,
            note,
        });
    }

    /// Below the floor with a traditional feature: passes on the relaxed floor, when the market
    /// share holds (if the relaxation asks for it). Returns the row's outcome and note.
    fn output_relaxed(
        &mut self,
        r: &Relaxation,
        f: &Feature,
        requirement: &str,
        field: &str,
        assessed: &YearOutput,
        share_ok: bool,
    ) -> (Outcome, String) {
        let town = self.town;
        let name = &town.name;
        let value = assessed.value;
        let share_condition = !r.requires_market_share || share_ok;
        if share_condition && value >= r.min_output {
            self.relaxation_used = true;
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
            self.fail(
                field,
                "standard.output",
                format!(
                    "规模相对较大：{requirement}，{name}{}年产值为{value}；虽有{}（{}），但市场占有率未达标，不能适用放宽条件",
                    assessed.year,
                    f.kind.chinese(),
                    f.name
                ),
                "放宽条件要求主导产品在行业内影响力大、市场占有率高：补充 market_share".into(),
            );
            (
                Outcome::Fail,
                "有传统特色，但市场占有率未达标，不能放宽".into(),
            )
        } else {
            self.fail(
                field,
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
    }

    /// Below the floor, and no relaxation applies: the hint says whether one could.
    fn output_below(
        &mut self,
        relax: Option<&Relaxation>,
        requirement: &str,
        field: &str,
        assessed: &YearOutput,
    ) {
        let town = self.town;
        let name = &town.name;
        let value = assessed.value;
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
        self.fail(
            field,
            "standard.output",
            format!(
                "规模相对较大：{requirement}，{name}{}年产值为{value}",
                assessed.year
            ),
            hint,
        );
    }

    /// 3. 市场占有率较高: the row, and the failure naming what is missing.
    fn market_share(&mut self, share: MarketShare) {
        self.rows.push(CriterionRow {
            criterion: "市场占有率较高".into(),
            requirement: share.requirement.clone(),
            value: share.value,
            outcome: if share.ok {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            note: share.note,
        });
        if share.ok {
            return;
        }
        let town = self.town;
        let name = &town.name;
        let ms = &town.market_share;
        let (field, why) = match (&ms.national, ms.yuncheng) {
            (Some(n), _)
                if self.standard.market_share.national_claim
                    && n.justification.trim().is_empty() =>
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
        let share_requirement = share.requirement;
        self.fail(
            &field,
            "standard.market-share",
            format!("市场占有率较高：{share_requirement}，{name}{why}"),
            "填写 market_share.yuncheng（如 `12.5%`），或 market_share.national 的 claim 和 justification（依据）".into(),
        );
    }

    /// 4. 就业带动性强.
    fn employment(&mut self) {
        let town = self.town;
        let name = &town.name;
        let jobs = town.local_jobs;
        let min_jobs = self.standard.employment.min_local_jobs;
        let requirement = format!("能够解决当地就业{min_jobs}人以上");
        let ok = jobs >= min_jobs;
        self.rows.push(CriterionRow {
            criterion: "就业带动性强".into(),
            requirement: requirement.clone(),
            value: format!("{jobs}人"),
            outcome: if ok { Outcome::Pass } else { Outcome::Fail },
            note: String::new(),
        });
        if !ok {
            self.fail(
                "local_jobs",
                "standard.employment",
                format!("就业带动性强：应{requirement}，{name}填报{jobs}人"),
                "local_jobs 填写专业镇主导产业解决的当地就业人数".into(),
            );
        }
    }

    /// The verdict: meets when no criterion failed (warnings allowed).
    fn verdict(self) -> Verdict {
        let meets = self.rows.iter().all(|r| r.outcome != Outcome::Fail);
        Verdict {
            town: self.town.id.clone(),
            level: self.town.designation.level.chinese().into(),
            category: self.town.category.chinese().into(),
            meets,
            relaxation_used: meets && self.relaxation_used,
            rows: self.rows,
        }
    }
}

//! `content/towns/<id>.yaml`: one town or sub-district — what it applies for, its industry,
//! figures, enterprises, contact, yearly targets, tasks (the responsibility list) and its
//! problem ledger (问题台账).

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use super::cycle::{Rectification, SupervisionReport};
use super::standard::{Category, FeatureKind, Level};
use super::types::{CreditCode, Date, Money, Percent};

/// 一个镇（街道）的专业镇资料。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Town {
    /// 标识，小写字母、数字和 `-`，须与文件名一致，如 `qingtou`。
    pub id: String,
    /// 名称，如 `卿头镇`。
    pub name: String,
    /// 镇 或 街道。
    pub kind: TownKind,
    /// 镇人民政府（街道办事处）全称（可选；缺省为名称加 `人民政府` 或 `办事处`），用于落款和主送。
    #[serde(default)]
    pub government: Option<String>,
    /// 专业镇领域。
    pub category: Category,
    /// 申报/认定情况。
    pub designation: Designation,
    /// 专业镇名称（可选），如 `卿头机电制造专业镇`。
    #[serde(default)]
    pub specialty_name: Option<String>,
    /// 主导产业。
    pub leading_industry: String,
    /// 主导产品。
    pub products: Vec<String>,
    /// 传统特色（历史发源地、地理标志），附依据。
    #[serde(default)]
    pub traditional_features: Vec<Feature>,
    /// 主导产业年产值，按年份；`target: true` 为目标值（不参与认定）。
    pub output: Vec<YearOutput>,
    /// 市场占有率。
    pub market_share: MarketShare,
    /// 解决当地就业人数。
    pub local_jobs: u32,
    /// 企业。
    pub enterprises: Enterprises,
    /// 联系人。
    pub contact: Contact,
    /// 面积（平方公里）。
    pub area_km2: f64,
    /// 户籍人口（人）。
    pub population: u32,
    /// 申报书叙述部分（可选）。
    #[serde(default)]
    pub narrative: Option<Narrative>,
    /// 年度目标。
    #[serde(default)]
    pub targets: Vec<Target>,
    /// 年度重点任务（责任清单）。
    #[serde(default)]
    pub tasks: Vec<Task>,
    /// 问题台账。
    #[serde(default)]
    pub problems: Vec<Problem>,
    /// 对督办通知书的书面报告和整改结果（收到后由办公室填写）：所列问题整改到位的，
    /// 在问题台账和评价排名中按销号日期计为已整改。
    #[serde(default)]
    pub supervision_reports: Vec<SupervisionReport>,
    /// 读入的文件（相对内容目录），由加载程序填写。
    #[serde(skip_deserializing, default)]
    #[schemars(skip)]
    pub file: PathBuf,
}

/// 镇 或 街道。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TownKind {
    /// 镇。
    #[serde(rename = "镇")]
    Town,
    /// 街道。
    #[serde(rename = "街道")]
    Subdistrict,
}

impl TownKind {
    pub fn chinese(self) -> &'static str {
        match self {
            TownKind::Town => "镇",
            TownKind::Subdistrict => "街道",
        }
    }
}

/// 申报/认定情况。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Designation {
    /// 申报或已认定的级别：county（县级）、yuncheng（运城市级）、provincial（省级）。
    pub level: Level,
    /// 阶段：申报（本次申请认定）、已认定（年度复核）、培育（尚未申报：不达标只作警告）。
    pub stage: Stage,
    /// 认定年份（已认定时）。
    #[serde(default)]
    pub year: Option<u16>,
    /// 认定文件的文号（已认定时），如 `永政发〔2025〕30号`：由 zyz 印发的认定通知须在
    /// register.yaml 中登记。
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
}

/// 申报阶段。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Stage {
    /// 本次申请认定：不达标为错误。
    #[serde(rename = "申报")]
    Applying,
    /// 已认定，年度复核：不达标为错误。
    #[serde(rename = "已认定")]
    Designated,
    /// 培育中，尚未申报：不达标只作警告。
    #[serde(rename = "培育")]
    Cultivating,
}

impl Stage {
    pub fn chinese(self) -> &'static str {
        match self {
            Stage::Applying => "申报",
            Stage::Designated => "已认定",
            Stage::Cultivating => "培育",
        }
    }
}

/// 一项传统特色。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Feature {
    /// 种类：历史发源地 或 地理标志。
    pub kind: FeatureKind,
    /// 名称，如 `永济芦笋（国家地理标志产品）`。
    pub name: String,
    /// 依据（批文、证书、史料）；放宽认定条件时必填且不能为空。
    pub evidence: String,
}

/// 某年的产值。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YearOutput {
    /// 年份。
    pub year: u16,
    /// 产值。
    pub value: Money,
    /// 是否为目标值（预计），默认 false。
    #[serde(default)]
    pub target: bool,
}

/// 市场占有率：运城市场份额，和/或全国市场空间（附依据）。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketShare {
    /// 主导产品占全运城市场的份额，如 `12.5%`。
    #[serde(default)]
    pub yuncheng: Option<Percent>,
    /// 全国拥有较大市场空间的说明。
    #[serde(default)]
    pub national: Option<NationalClaim>,
}

/// 全国市场空间的说明。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NationalClaim {
    /// 主张，如 `牵引电机国内市场占有率居前列`。
    pub claim: String,
    /// 依据（统计、行业报告、销售数据）；不能为空。
    pub justification: String,
}

/// 龙头企业与关联配套企业。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enterprises {
    /// 龙头企业。
    pub leading: Vec<Enterprise>,
    /// 关联配套企业。
    #[serde(default)]
    pub supporting: Vec<Enterprise>,
}

/// 一家企业。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Enterprise {
    /// 企业名称。
    pub name: String,
    /// 统一社会信用代码（18 位，校验位须正确）。
    pub credit_code: CreditCode,
    /// 主要产品。
    pub products: Vec<String>,
    /// 年营业收入（产值）。
    pub output: Money,
    /// 从业人数。
    pub jobs: u32,
    /// 荣誉（可选）。
    #[serde(default)]
    pub honours: Vec<String>,
}

/// 联系人。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// 姓名。
    pub person: String,
    /// 职务（可选）。
    #[serde(default)]
    pub title: Option<String>,
    /// 电话。
    pub phone: String,
}

/// 申报书叙述部分。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Narrative {
    /// 产业发展现状。
    #[serde(default)]
    pub industry: Option<String>,
    /// 品牌建设。
    #[serde(default)]
    pub brand: Option<String>,
    /// 发展规划。
    #[serde(default)]
    pub plan: Option<String>,
    /// 政策措施。
    #[serde(default)]
    pub policy: Option<String>,
}

/// 一项年度目标。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// 年份。
    pub year: u16,
    /// 指标，如 `主导产业产值`。
    pub indicator: String,
    /// 目标值（文字），如 `3亿元`。
    pub value: String,
}

/// 一项年度重点任务（责任清单中的一行）。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Task {
    /// 重点任务。
    pub title: String,
    /// 对应全市行动计划的第几项任务（1–12，可选）。
    #[serde(default)]
    pub plan_task: Option<u32>,
    /// 具体措施。
    pub measures: Vec<String>,
    /// 量化目标。
    pub target: String,
    /// 牵头单位（须是 city.yaml 中的部门全称或简称，或本市某镇/街道）。
    pub lead: String,
    /// 配合单位。
    #[serde(default)]
    pub support: Vec<String>,
    /// 责任人。
    pub responsible: String,
    /// 季度节点。
    #[serde(default)]
    pub milestones: Milestones,
    /// 完成时限（须在计划年度内）。
    pub deadline: Date,
    /// 进展状态。
    pub status: TaskStatus,
    /// 完成百分比，如 `60%`。
    pub progress: Percent,
}

/// 季度节点。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestones {
    /// 第一季度。
    #[serde(default)]
    pub q1: Option<String>,
    /// 第二季度。
    #[serde(default)]
    pub q2: Option<String>,
    /// 第三季度。
    #[serde(default)]
    pub q3: Option<String>,
    /// 第四季度。
    #[serde(default)]
    pub q4: Option<String>,
}

/// 任务进展状态。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaskStatus {
    /// 未开始。
    #[serde(rename = "未开始")]
    NotStarted,
    /// 进行中。
    #[serde(rename = "进行中")]
    InProgress,
    /// 已完成。
    #[serde(rename = "已完成")]
    Done,
}

/// 问题台账中的一条。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    /// 编号，如 `2025-Q3-007`（年份-季度-序号）。
    pub id: String,
    /// 发现时间。
    pub found: Date,
    /// 来源，如 `领导小组成员单位调研`。
    pub source: String,
    /// 问题描述。
    pub description: String,
    /// 整改措施。
    pub measures: String,
    /// 责任单位。
    pub unit: String,
    /// 责任人。
    pub person: String,
    /// 整改时限。
    pub deadline: Date,
    /// 状态：已整改、整改中、未整改。
    pub status: ProblemStatus,
    /// 销号日期（已整改时必填）。
    #[serde(default)]
    pub closed_on: Option<Date>,
}

/// 问题整改状态。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ProblemStatus {
    /// 已整改。
    #[serde(rename = "已整改")]
    Fixed,
    /// 整改中。
    #[serde(rename = "整改中")]
    Fixing,
    /// 未整改。
    #[serde(rename = "未整改")]
    Open,
}

impl Town {
    /// The town government's full name: `government`, or `开张镇人民政府` / `城西街道办事处`.
    pub fn government_name(&self) -> String {
        self.government.clone().unwrap_or_else(|| match self.kind {
            TownKind::Town => format!("{}人民政府", self.name),
            TownKind::Subdistrict => format!("{}办事处", self.name),
        })
    }

    /// Problem `k` as it stands on `as_of`: its own ledger entry, unless a supervision report
    /// says it was rectified on or before `as_of` (then 已整改 on that date, through that notice).
    pub fn problem_state(&self, k: usize, as_of: Date) -> ProblemState {
        let p = &self.problems[k];
        let own = ProblemState {
            status: p.status,
            closed_on: p.closed_on,
            notice: None,
        };
        if p.status == ProblemStatus::Fixed {
            return own;
        }
        let through = self.supervision_reports.iter().find_map(|r| {
            let on = r
                .problems
                .iter()
                .find(|x| x.id == p.id)
                .and_then(|x| x.rectified)?;
            (on <= as_of).then(|| (on, r.notice.clone()))
        });
        match through {
            Some((on, notice)) => ProblemState {
                status: ProblemStatus::Fixed,
                closed_on: Some(on),
                notice: Some(notice),
            },
            None => own,
        }
    }

    /// The latest year with an actual (not target) output figure: the one designation looks at.
    pub fn assessed_output(&self) -> Option<(usize, &YearOutput)> {
        self.output
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.target)
            .max_by_key(|(_, o)| o.year)
    }
}

/// A problem as it stands on a date (see [`Town::problem_state`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemState {
    pub status: ProblemStatus,
    pub closed_on: Option<Date>,
    /// The supervision notice through which it was rectified, if so.
    pub notice: Option<String>,
}

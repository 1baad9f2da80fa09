//! The cycle around the documents (issue 23), as data: how a county-level designation is
//! published and decided (`city.yaml` `designation`), clusters the city itself holds a
//! designation for (`city.yaml` `clusters`), the yearly report upwards and the plan's targets it
//! measures (`city.yaml` `annual_report`), and what follows a supervision notice
//! (`assessment.yaml` `reminder`, `circular`; the town's written report in its own file).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::standard::{Category, Level};
use super::town::YearOutput;
use super::types::{Date, Money};

/// 县级专业镇认定的两件公文：拟认定名单公示和认定通知。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DesignationIssues {
    /// 拟认定名单公示。
    pub notice: PublicNotice,
    /// 认定通知（关于认定……为永济市县级专业镇的通知）。
    pub decision: DecisionIssue,
}

/// 拟认定名单公示：发文机关、文号、公示期和受理异议的单位及联系方式。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicNotice {
    /// 发文机关 `id`（见 organs），通常为领导小组办公室。
    pub organ: String,
    /// 文号序号。
    pub serial: u32,
    /// 成文日期（可选；缺省为 document_date）。
    #[serde(default)]
    pub date: Option<Date>,
    /// 公示期第一天。
    pub from: Date,
    /// 公示期最后一天。
    pub to: Date,
    /// 公示期的工作日数（可选），如 5：印作“（5个工作日）”。
    #[serde(default)]
    pub working_days: Option<u32>,
    /// 受理异议的单位和联系方式，如 `市领导小组办公室（设在市工科局），联系电话：0359-8000000`。
    pub contact: String,
}

/// 认定通知的发文设置。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIssue {
    /// 发文机关 `id`，通常为市人民政府。
    pub organ: String,
    /// 文号序号。
    pub serial: u32,
    /// 成文日期（可选；缺省为 document_date）：应在公示期结束之后。
    #[serde(default)]
    pub date: Option<Date>,
    /// 主送机关，以全角冒号结尾。
    pub recipients: String,
    /// 抄送机关，以句号结尾。
    pub cc: String,
}

/// 以全市（或几个镇）名义认定的专业镇集群，如运城市级的“永济面食”。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// 名称（县名+产业），如 `永济面食`。
    pub name: String,
    /// 认定级别：yuncheng（运城市级）或 provincial（省级）。
    pub level: Level,
    /// 领域。
    pub category: Category,
    /// 认定日期。
    pub designated: Date,
    /// 认定文件（可选），如上级文件的文号。
    #[serde(default)]
    pub decision: Option<String>,
    /// 覆盖的镇（街道）标识，如 `[kaolao, chengxi]`。
    pub towns: Vec<String>,
    /// 主导产业产值，按年份（翻番目标用）。
    #[serde(default)]
    pub output: Vec<YearOutput>,
}

/// 向运城市报送的年度专业镇建设工作情况报告（上行文）。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnualReport {
    /// 发文机关 `id`。
    pub organ: String,
    /// 文号序号。
    pub serial: u32,
    /// 成文日期（可选；缺省为 document_date）：认定情况截至这一天。
    #[serde(default)]
    pub date: Option<Date>,
    /// 主送机关（运城市的办公室），以全角冒号结尾。
    pub recipient: String,
    /// 签发人（可选；缺省为 signers 中该发文机关的签发人）。
    #[serde(default)]
    pub signer: Option<String>,
    /// 联系人和电话（附注），如 `联系人：张伟，电话：0359-8000000`。
    #[serde(default)]
    pub contact: Option<String>,
    /// 行动计划第二部分的目标，按数值写出（原文见 plan.yaml 的 goals）。
    pub targets: Vec<PlanTarget>,
}

/// 行动计划的一项目标。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTarget {
    /// 目标原文，如 `到2024年底打造1个市级专业镇`。
    pub text: String,
    /// 目标年份（年底）：到这一年底为止的认定才计入；本年度的目标计入到报告日期。
    pub by: u16,
    /// 口径。
    pub measure: TargetMeasure,
    /// 级别（designated 口径必填）。
    #[serde(default)]
    pub level: Option<Level>,
    /// 个数下限（designated 口径必填）。
    #[serde(default)]
    pub min: Option<u32>,
    /// 个数上限（可选），如 3-5个 的 5。
    #[serde(default)]
    pub max: Option<u32>,
    /// 镇（街道）标识（output 口径必填），如机电制造专业镇所在的 `chengxi`。
    #[serde(default)]
    pub town: Option<String>,
    /// 产值目标（output 口径必填），如 `100亿元`。
    #[serde(default)]
    pub value: Option<Money>,
    /// 基期年份（doubling 口径必填），如 2023：产值与该年相比翻一番。
    #[serde(default)]
    pub base_year: Option<u16>,
}

/// 目标的计算口径。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetMeasure {
    /// 该级别已认定的专业镇个数（镇和集群）。
    Designated,
    /// 已认定专业镇的镇（街道）占全部镇（街道）：镇域全覆盖。
    Coverage,
    /// 某镇主导产业最近一年实际产值达到 value。
    Output,
    /// 其他运城市级专业镇（及集群）最近一年实际产值达到基期的两倍。
    Doubling,
}

/// 催办通知：督办通知书的整改期限已过、尚未收到书面报告时发出。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderIssue {
    /// 发文机关 `id`。
    pub organ: String,
    /// 催办后的限期：催办通知成文日期后多少天。
    pub deadline_days: u32,
    /// 抄送机关，以句号结尾。
    pub cc: String,
}

/// 通报：催办期限已过仍未整改到位的，在全市范围内通报。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CircularIssue {
    /// 发文机关 `id`。
    pub organ: String,
    /// 主送机关（各镇街和领导小组成员单位），以全角冒号结尾。
    pub recipients: String,
    /// 抄送机关，以句号结尾。
    pub cc: String,
}

/// 镇（街道）对一份督办通知书的书面报告和整改结果。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionReport {
    /// 督办通知书的文号，如 `永专领办发〔2025〕20号`（须已登记在 register.yaml）。
    pub notice: String,
    /// 收到书面报告的日期。
    pub received: Date,
    /// 通知书所列问题的整改结果：台账编号和销号日期（未整改的不写 rectified）。
    #[serde(default)]
    pub problems: Vec<Rectification>,
}

/// 一个问题的整改结果。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rectification {
    /// 台账编号，如 `2025-Q2-003`。
    pub id: String,
    /// 整改到位（销号）的日期；未整改到位的不写。
    #[serde(default)]
    pub rectified: Option<Date>,
}

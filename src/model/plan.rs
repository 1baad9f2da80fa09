//! `content/plan.yaml`: the city-wide action plan, verbatim from the seed — guiding ideology, goals,
//! the designation standard's text, four headings with twelve tasks (lead and responsible units),
//! and the safeguard mechanisms.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// 全市专业镇行动计划（原文）。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CityPlan {
    /// 标题，如 `永济市促进专业镇高质量发展行动计划`。
    pub title: String,
    /// 副标题（年度范围等），如 `（2024-2025年）`。
    #[serde(default)]
    pub subtitle: Option<String>,
    /// 开头段（制定依据）。
    pub preamble: String,
    /// 一、指导思想。
    pub guiding_ideology: String,
    /// 二、总体目标（若干段）。
    pub goals: Vec<String>,
    /// 三、县级专业镇认定标准（原文）。
    pub standard_text: String,
    /// 四、重点任务：四个方面，每个方面若干任务。
    pub headings: Vec<Heading>,
    /// 五、保障措施。
    pub safeguards: Vec<Safeguard>,
    /// 印发本计划的通知（发文机关、文号、主送、抄送等）。
    pub issue: PlanIssue,
}

/// 印发通知：以哪个机关的名义、什么文号、发给谁。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanIssue {
    /// 发文机关 `id`（见 city.yaml 的 organs），如 `government-office`。
    pub organ: String,
    /// 发文字号的序号，如 12（文号写作 永政办发〔年份〕12号）。
    pub serial: u32,
    /// 主送机关，以全角冒号结尾，如 `各镇人民政府、街道办事处，市直各有关单位：`。
    pub recipients: String,
    /// 通知正文（一段）。
    pub body: String,
    /// 抄送机关，以句号结尾。
    pub cc: String,
    /// 附注（可选），如 `此件公开发布`。
    #[serde(default)]
    pub note: Option<String>,
    /// 是否加盖印章（有印章的落款格式）。
    #[serde(default = "yes")]
    pub sealed: bool,
    /// 成文日期（可选；缺省为 city.yaml 的 document_date）。
    #[serde(default)]
    pub date: Option<super::types::Date>,
}

fn yes() -> bool {
    true
}

/// 重点任务的一个方面，如 `（一）加快专业镇集群成链`。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Heading {
    /// 标题（不含序号），如 `加快专业镇集群成链`。
    pub title: String,
    /// 本方面的任务。
    pub tasks: Vec<PlanTask>,
}

/// 一项重点任务。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTask {
    /// 序号 1–12。
    pub number: u32,
    /// 任务名称，如 `推动专业镇市场主体培育`。
    pub title: String,
    /// 任务内容（原文）。
    pub text: String,
    /// 牵头单位（原文括号中“牵头”之前的单位，按顺序）。
    pub lead: Vec<String>,
    /// 按职责分工负责的单位。
    #[serde(default)]
    pub responsible: Vec<String>,
}

/// 一项保障措施。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Safeguard {
    /// 标题，如 `建立高效协同推进机制`。
    pub title: String,
    /// 内容（原文）。
    pub text: String,
}

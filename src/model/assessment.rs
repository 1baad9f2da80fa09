//! `content/assessment.yaml`: how the towns are assessed each year — the indicators and their
//! weights, the selection rule (who is commended, who gets a supervision notice), and how the
//! resulting notices are issued (organ, first 文号 serial, deadline, 抄送).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::Date;

/// 年度评价排名的指标、权重、选定规则和发文设置。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// 评价截止日（可选；缺省为 city.yaml 的 document_date）：任务、问题是否逾期以此为准。
    #[serde(default)]
    pub as_of: Option<Date>,
    /// 评价指标；权重之和须为 100。
    pub indicators: Vec<Indicator>,
    /// 表扬与督办的选定规则。
    pub selection: Selection,
    /// 评价排名通报（发文机关、文号、主送、抄送）。
    pub ranking: Issue,
    /// 得分条形图最多画几个镇（街道），缺省 40：镇数更多时只画前一半和后一半名次，
    /// 中间以省略行代替（完整名次见排名表）。
    #[serde(default = "default_chart_bars")]
    pub chart_bars: u32,
    /// 稿本标记（可选）：未印发的评价排名通报、表扬通报和督办通知书在标题下另起一行印
    /// “（征求意见稿）”之类，如 `征求意见稿`、`送审稿`；`zyz issue` 印发时不再印。
    #[serde(default)]
    pub draft_marking: Option<String>,
    /// 表扬通报。
    pub commendation: Issue,
    /// 督办通知书。
    pub supervision: SupervisionIssue,
    /// 催办通知（可选）：督办期限已过、未收到书面报告的镇（街道）。
    #[serde(default)]
    pub reminder: Option<super::cycle::ReminderIssue>,
    /// 通报（可选）：催办期限已过仍未整改到位的，在全市范围内通报。
    #[serde(default)]
    pub circular: Option<super::cycle::CircularIssue>,
}

/// 一项评价指标。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 名称，如 `主导产业产值增长`。
    pub name: String,
    /// 计算口径。
    pub measure: Measure,
    /// 权重（分），各指标之和为 100。
    pub weight: u32,
    /// 满分对应的增长率（仅 `output_growth`），如 `20%`：增长率达到它记满分。
    #[serde(default)]
    pub full_growth: Option<super::types::Percent>,
    /// 满分对应的数量（仅 `enterprises` 家数、`jobs` 人数）：达到它记满分。
    #[serde(default)]
    pub full_count: Option<u32>,
}

/// 指标的计算口径（得分 = 权重 × 完成比例，完成比例封顶 100%）。
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 最近一年实际产值比上一年的增长率，与 `full_at` 相比。
    OutputGrowth,
    /// 按期推进的任务占比：已完成，或完成时限未到。
    TasksOnTime,
    /// 任务平均进度。
    TaskProgress,
    /// 问题台账中已整改（销号）的问题占比；没有问题记满分。
    ProblemsClosed,
    /// 龙头和关联配套企业家数，与 `full_at` 相比。
    Enterprises,
    /// 解决当地就业人数，与 `full_at` 相比。
    Jobs,
}

impl Measure {
    /// The Chinese description shown under the ranking table.
    pub fn chinese(self) -> &'static str {
        match self {
            Measure::OutputGrowth => "最近一年主导产业实际产值同比增长率",
            Measure::TasksOnTime => "已完成或未到完成时限的任务占比",
            Measure::TaskProgress => "年度重点任务平均进度",
            Measure::ProblemsClosed => "问题台账已整改销号的占比",
            Measure::Enterprises => "龙头企业和关联配套企业家数",
            Measure::Jobs => "解决当地就业人数",
        }
    }
}

/// 表扬与督办的选定规则。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Selection {
    /// 排名前几位的予以表扬（并列者一并表扬；被督办的镇不予表扬）。
    pub commend_top: u32,
    /// 排名后几位的发出督办通知书（并列者一并督办）。
    pub supervise_bottom: u32,
    /// 有逾期未完成任务的镇（街道）一律督办，默认 true。
    #[serde(default = "yes")]
    pub supervise_overdue_tasks: bool,
    /// 有逾期未整改问题的镇（街道）一律督办，默认 false。
    #[serde(default)]
    pub supervise_overdue_problems: bool,
}

fn default_chart_bars() -> u32 {
    40
}

fn yes() -> bool {
    true
}

/// 一份通报的发文设置。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    /// 发文机关 `id`（见 city.yaml 的 organs）。
    pub organ: String,
    /// 文号序号。
    pub serial: u32,
    /// 主送机关，以全角冒号结尾。
    pub recipients: String,
    /// 抄送机关，以句号结尾。
    pub cc: String,
    /// 成文日期（可选；缺省为 city.yaml 的 document_date）。
    #[serde(default)]
    pub date: Option<Date>,
}

/// 督办通知书的发文设置。
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionIssue {
    /// 发文机关 `id`，通常为领导小组办公室。
    pub organ: String,
    /// 第一份督办通知书的文号序号；其余按排名顺序依次加一。
    pub first_serial: u32,
    /// 整改期限：成文日期后多少天（与 `deadline` 二选一）。
    #[serde(default)]
    pub deadline_days: Option<u32>,
    /// 整改期限：指定日期（与 `deadline_days` 二选一）。
    #[serde(default)]
    pub deadline: Option<Date>,
    /// 书面报告报送到哪里，如 `市领导小组办公室（设在市工科局）`。
    pub report_to: String,
    /// 抄送机关，以句号结尾。
    pub cc: String,
    /// 成文日期（可选；缺省为 city.yaml 的 document_date）。
    #[serde(default)]
    pub date: Option<Date>,
    /// 未印发（未经 `zyz issue` 登记）的督办通知书怎样印文号：`blank`（缺省）留空序号，
    /// 如 永专领办发〔2025〕　号，印发时再编号；`provisional` 先印拟用的序号。
    #[serde(default)]
    pub draft_number: DraftNumber,
    /// 督办通知书的固定段落（可选；缺省为 [`Wording::default`]）。可用占位符：
    /// `{镇街}`（镇或街道）、`{期限}`（整改期限）、`{报送}`（report_to）、`{领导小组}`。
    #[serde(default)]
    pub wording: Wording,
}

/// 草稿的文号印法。
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftNumber {
    /// 序号留空：永专领办发〔2025〕　号（办公室印草稿的习惯写法）。
    #[default]
    Blank,
    /// 印拟用的序号（按排名从 first_serial 起，跳过已用的序号）。
    Provisional,
}

/// 督办通知书中“整改要求”“报告要求”“逾期处理”三段的措辞。
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Wording {
    /// 整改要求。
    pub rectify: String,
    /// 报告要求。
    pub report: String,
    /// 逾期处理。
    pub overdue: String,
}

impl Default for Wording {
    fn default() -> Self {
        Self {
            rectify: "请你{镇街}高度重视，对照上述问题逐项制定整改措施，明确责任领导、责任人和整改时限，于{期限}前整改到位。".into(),
            report: "请于{期限}前将整改情况形成书面报告，报送{报送}。书面报告实行“一事一文”，每个问题单独说明整改措施、完成情况和佐证材料。".into(),
            overdue: "逾期未完成整改或未按时报送书面报告的，{领导小组}办公室将予以催办；催办后仍未整改到位的，在全市范围内通报，并纳入年度目标责任考核。".into(),
        }
    }
}

impl Wording {
    /// `text` with its placeholders filled in.
    pub fn fill(
        text: &str,
        town_kind: &str,
        deadline: &str,
        report_to: &str,
        group: &str,
    ) -> String {
        text.replace("{镇街}", town_kind)
            .replace("{期限}", deadline)
            .replace("{报送}", report_to)
            .replace("{领导小组}", group)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_placeholders_are_filled() {
        let w = Wording::default();
        let text = Wording::fill(&w.rectify, "镇", "2025年11月19日", "市工科局", "市领导小组");
        assert_eq!(
            text,
            "请你镇高度重视，对照上述问题逐项制定整改措施，明确责任领导、责任人和整改时限，于2025年11月19日前整改到位。"
        );
        let text = Wording::fill(&w.overdue, "镇", "", "", "市领导小组");
        assert!(text.starts_with("逾期未完成整改"), "{text}");
        assert!(text.contains("市领导小组办公室将予以催办"), "{text}");
    }
}

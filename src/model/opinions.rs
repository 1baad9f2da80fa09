//! `content/opinions.yaml` (optional): the 意见采纳情况汇总表 of returned Word drafts, one list
//! per document. `zyz import FILE.docx…` writes it with the YAML edits (each field edit, template
//! edit and comment, with who, where, what, and whether it was adopted); the office fills in
//! 理由 (and decides 采纳 for template edits and comments), and a re-run keeps what it filled in.
//! `zyz build` makes the table as an attachment document of its own (kind `opinion-summary`).
//! It lives in the content folder because it is data the office edits and the build reads, like
//! the register; it is no input of the documents it is about.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The file, relative to the content folder.
pub const FILE: &str = "opinions.yaml";

/// 意见采纳情况汇总表：`zyz import` 导入征求意见稿时写入；办公室填写“理由”（模板修改和批注另定“是否采纳”），重新导入时保留。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opinions {
    /// 每份征求意见的文件一项。
    #[serde(default)]
    pub documents: Vec<OpinionDoc>,
}

/// 一份征求意见的文件及其收回的意见。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionDoc {
    /// 稿子在输出目录中的路径，如 `2025/towns/kaizhang/action-plan.docx`。
    pub doc: String,
    /// 文件标题。
    #[serde(default)]
    pub title: String,
    /// 各条意见，按导入先后排列。
    #[serde(default)]
    pub items: Vec<Opinion>,
}

/// 一条意见：字段修改、模板修改或批注。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opinion {
    /// 提出单位/人（修订或批注的作者）。
    pub who: String,
    /// 修改或批注的时间（可空）。
    #[serde(default)]
    pub date: String,
    /// 位置：收回的文件、段落、字段。
    pub place: String,
    /// 原文。
    #[serde(default)]
    pub original: String,
    /// 修改意见/批注。
    pub opinion: String,
    /// 是否采纳：采纳、未采纳、部分采纳或待定。字段修改由导入填写。
    pub adopted: String,
    /// 理由（办公室填写）。
    #[serde(default)]
    pub reason: String,
}

impl Opinion {
    /// What identifies an item across re-runs: who, when, where and what.
    pub fn key(&self) -> (&str, &str, &str, &str) {
        (&self.who, &self.date, &self.place, &self.opinion)
    }
}

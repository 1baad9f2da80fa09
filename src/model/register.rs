//! `content/register.yaml`: the register of issued documents (发文登记簿). One entry per document
//! sent out: its 文号 (organ, year, serial), what it is, where its PDF is archived and the SHA-256
//! of that PDF as issued. `zyz issue` writes it; builds read it and never typeset an issued
//! document again.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::Date;

/// The register's file, relative to the content folder.
pub const FILE: &str = "register.yaml";

/// The document kinds zyz makes (the manifest's and the register's `kind` values).
pub const KINDS: [&str; 13] = [
    "application",
    "action-plan",
    "supervision-notice",
    "commendation",
    "ledger",
    "ranking",
    "designation-notice",
    "designation",
    "reminder",
    "circular",
    "cultivation-plan",
    "annual-report",
    "opinion-summary",
];

/// 发文登记簿：已印发的公文，每件一条。由 `zyz issue` 登记，不要手工改动已登记的条目。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Register {
    /// 已印发的公文，按登记先后排列。
    #[serde(default)]
    pub issued: Vec<IssuedDoc>,
}

/// 一件已印发的公文。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuedDoc {
    /// 发文机关标识（city.yaml 的 organs 之一），如 `leading-group-office`。
    pub organ: String,
    /// 文号年份，如 2025。
    pub year: u16,
    /// 文号序号，如 21（文号写作 永专领办发〔2025〕21号）。
    pub serial: u32,
    /// 文种：application、action-plan、supervision-notice、commendation、ledger、ranking、
    /// designation-notice（拟认定名单公示）、designation（认定通知）、reminder（催办通知）、
    /// circular（通报）、cultivation-plan（培育方案）、annual-report（年度报告）、opinion-summary（意见采纳情况汇总表）之一。
    pub kind: String,
    /// 镇（街道）标识；全市性文件不写。
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub town: Option<String>,
    /// 标题。
    pub title: String,
    /// 成文日期。
    pub date: Date,
    /// 归档 PDF 在输出目录中的路径，如 `2025/towns/kaizhang/supervision-notice.pdf`。
    pub path: String,
    /// 印发时 PDF 的 SHA-256（64 位小写十六进制）。
    pub sha256: String,
    /// 签发人（可选）。
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_off_by: Option<String>,
}

impl Register {
    /// The entry of the document archived at `path`, if it was issued.
    pub fn entry(&self, path: &str) -> Option<&IssuedDoc> {
        self.issued.iter().find(|e| e.path == path)
    }
}

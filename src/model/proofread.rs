//! `content/proofread.yaml` (optional): the office's own proofreading settings — word pairs it
//! wants caught (错 → 正, with a note), shipped rules turned off or down, and the fields whose text
//! is reproduced verbatim (the seed plan, other organs' document titles): findings there are
//! information only and never fixed. The rules themselves ship with zyz (`check::proofread`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The file, relative to the content folder.
pub const FILE: &str = "proofread.yaml";

/// 本单位的校对设置：自定词表、规则开关、原文照录的字段。
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Proofread {
    /// 本单位的校对词表（错 → 正），与 zyz 自带的词表一起使用。
    #[serde(default)]
    pub words: Vec<WordPair>,
    /// 调整自带规则：规则编号（如 `proofread.year`）→ `off`（关闭）、`info`、`warning`、`error`。
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    /// 原文照录的文本：这些字段中的发现只作提示（info），不自动修改。
    #[serde(default)]
    pub verbatim: Vec<Verbatim>,
}

/// 一组易错词：`wrong` 写成了 `right`。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WordPair {
    /// 错误写法，如 `布署`。
    pub wrong: String,
    /// 正确写法，如 `部署`。
    pub right: String,
    /// 说明（显示在提示中）。
    #[serde(default)]
    pub note: Option<String>,
    /// 只在错误写法后面紧跟这些文字之一时才算错（`0-9` 表示任一数字）；不写则处处算错。
    #[serde(default)]
    pub followed_by: Vec<String>,
    /// 错误写法后面紧跟这些文字之一时不算错（如 `按装` 后接 `修`：按装修标准）。
    #[serde(default)]
    pub not_followed_by: Vec<String>,
    /// 同一段文字后文出现这些文字之一时不算错（如 `既使……又使……`）。
    #[serde(default)]
    pub unless_later: Vec<String>,
}

/// 规则的级别。
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// 关闭。
    Off,
    /// 只作提示。
    Info,
    /// 警告。
    Warning,
    /// 错误（所在文件的文件不再生成）。
    Error,
}

/// 原文照录的一组字段。
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Verbatim {
    /// 文件（相对内容目录），如 `plan.yaml`、`towns/kaizhang.yaml`；`*` 代表文件名的任意部分，如 `standards/*.yaml`。
    pub file: String,
    /// 字段路径（不写序号，前缀即可），如 `preamble`、`headings`、`departments.short`。
    pub fields: Vec<String>,
    /// 说明，如 `原文照录（征求意见稿）`。
    #[serde(default)]
    pub note: Option<String>,
}

impl Proofread {
    /// The note of the verbatim entry covering `field` of the file `rel`, if one does
    /// (`Some("")` when it has no note). Indices in `field` are ignored: `headings` covers
    /// `headings[0].tasks[2].text`.
    pub fn verbatim(&self, rel: &str, field: &str) -> Option<&str> {
        let bare = strip_indices(field);
        self.verbatim
            .iter()
            .filter(|v| file_matches(&v.file, rel))
            .find(|v| v.fields.iter().any(|f| covers(f, &bare)))
            .map(|v| v.note.as_deref().unwrap_or(""))
    }
}

/// True when `rel` is the file `pattern` names; one `*` stands for any part of a name
/// (`standards/*.yaml`).
fn file_matches(pattern: &str, rel: &str) -> bool {
    match pattern.split_once('*') {
        Some((head, tail)) => {
            rel.len() >= head.len() + tail.len() && rel.starts_with(head) && rel.ends_with(tail)
        }
        None => pattern == rel,
    }
}

/// `headings[0].tasks[2].text` → `headings.tasks.text`.
pub fn strip_indices(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut depth = 0;
    for c in field.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// True when the dotted `prefix` is `field` or one of its ancestors.
fn covers(prefix: &str, field: &str) -> bool {
    field == prefix
        || field
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_prefixes_ignore_indices() {
        let p = Proofread {
            verbatim: vec![Verbatim {
                file: "plan.yaml".into(),
                fields: vec!["headings".into(), "departments.short".into()],
                note: None,
            }],
            ..Proofread::default()
        };
        assert_eq!(
            p.verbatim("plan.yaml", "headings[0].tasks[2].text"),
            Some("")
        );
        assert_eq!(p.verbatim("plan.yaml", "departments[3].short[0]"), Some(""));
        assert_eq!(p.verbatim("plan.yaml", "headingsx"), None);
        assert_eq!(p.verbatim("city.yaml", "headings"), None);
        assert!(file_matches("standards/*.yaml", "standards/county.yaml"));
        assert!(!file_matches("standards/*.yaml", "towns/county.yaml"));
    }
}

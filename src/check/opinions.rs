//! `opinions.yaml` itself (the 意见采纳情况汇总表 of returned drafts): every item's 是否采纳 is one
//! of the states the table prints, so a typo does not reach a document sent for sign-off.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::model::Content;

/// What 是否采纳 may say (the last one is written by `zyz import` for a field edit it could not
/// make).
pub const STATES: [&str; 5] = [
    "采纳",
    "未采纳",
    "部分采纳",
    "待定",
    "未采纳（有错误或冲突）",
];

/// Findings about `opinions.yaml`'s items.
pub(super) fn check(content: &Content, out: &mut Vec<Diagnostic>) {
    let Some(opinions) = &content.opinions else {
        return;
    };
    let rel = Path::new(crate::model::opinions::FILE);
    for (i, doc) in opinions.documents.iter().enumerate() {
        for (j, item) in doc.items.iter().enumerate() {
            if STATES.contains(&item.adopted.as_str()) {
                continue;
            }
            let field = format!("documents[{i}].items[{j}].adopted");
            let (line, column) = content.locate(rel, &field);
            out.push(
                Diagnostic::error(
                    content.display_path(rel),
                    line,
                    column,
                    "opinions.adopted",
                    format!("是否采纳写成了 `{}`", item.adopted),
                )
                .with_path(field)
                .with_hint(format!("写 {} 之一", STATES[..4].join("、"))),
            );
        }
    }
}

//! Plan stage, the 意见采纳情况汇总表 (kind `opinion-summary`): for each document with returned
//! opinions in `opinions.yaml` (written by `zyz import` of Word drafts), the table of every field
//! edit, template edit and comment — 序号, 提出单位/人, 位置, 原文, 修改意见/批注, 是否采纳, 理由 —
//! as an attachment (GB/T 9704 §7.3.7) beside the document it is about:
//! `2025/towns/kaizhang/action-plan.docx` → `2025/towns/kaizhang/action-plan-opinions.pdf`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{Doc, date_json, organ};
use crate::model::{Content, OpinionDoc, opinions};

/// The kind.
pub const KIND: &str = "opinion-summary";

/// One summary per document that has opinions.
pub(super) fn documents(content: &Content, year: i32) -> Vec<Doc> {
    let Some(list) = &content.opinions else {
        return Vec::new();
    };
    list.documents
        .iter()
        .filter(|d| !d.items.is_empty())
        .filter_map(|d| summary(content, d, year))
        .collect()
}

/// The output path of a document's summary, and its town (`YEAR/towns/ID/…`).
fn placed(doc: &str) -> Option<(String, Option<String>, i32)> {
    let path = Path::new(doc);
    let stem = path.file_stem()?.to_str()?;
    let dir = path.parent()?.to_str()?;
    let parts: Vec<&str> = dir.split('/').collect();
    let year = parts.first()?.parse().ok()?;
    let town = match parts.as_slice() {
        [_, "towns", id] => Some((*id).to_owned()),
        _ => None,
    };
    Some((format!("{dir}/{stem}-opinions.pdf"), town, year))
}

fn summary(content: &Content, d: &OpinionDoc, plan_year: i32) -> Option<Doc> {
    let (path, town, year) = placed(&d.doc)?;
    if year != plan_year {
        return None;
    }
    let city = &content.city;
    let date = city.document_date;
    let (organ_name, _) = organ(content, &city.leading_group.office_organ);
    let title = if d.title.is_empty() {
        "意见采纳情况汇总表".to_owned()
    } else {
        format!("《{}》意见采纳情况汇总表", d.title)
    };
    let rows: Vec<Value> = d
        .items
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let who = if o.date.is_empty() {
                o.who.clone()
            } else {
                format!(
                    "{}（{}）",
                    o.who,
                    o.date.chars().take(10).collect::<String>()
                )
            };
            json!({
                "number": i + 1,
                "who": who,
                "place": o.place,
                "original": o.original,
                "opinion": o.opinion,
                "adopted": o.adopted,
                "reason": o.reason,
            })
        })
        .collect();
    let adopted = d.items.iter().filter(|o| o.adopted == "采纳").count();
    Some(Doc::new(
        KIND,
        town,
        year,
        path,
        "opinion-summary.typ.j2",
        json!({
            "city": city,
            "doc": {
                "title": title,
                "organ": organ_name,
                "date": date_json(date),
                "rows": rows,
                "count": d.items.len(),
                "adopted": adopted,
            },
        }),
        date,
        &[PathBuf::from(opinions::FILE)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_sits_beside_its_document() {
        assert_eq!(
            placed("2025/towns/kaizhang/action-plan.docx"),
            Some((
                "2025/towns/kaizhang/action-plan-opinions.pdf".to_owned(),
                Some("kaizhang".to_owned()),
                2025
            ))
        );
        assert_eq!(
            placed("2025/city/action-plan.docx"),
            Some(("2025/city/action-plan-opinions.pdf".to_owned(), None, 2025))
        );
        assert_eq!(placed("nowhere"), None);
    }
}

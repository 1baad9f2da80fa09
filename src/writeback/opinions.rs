//! `opinions.yaml`, the 意见采纳情况汇总表 of returned drafts kept in the content folder (the
//! model's `opinions`): an import adds each field edit, template edit and comment to its
//! document's list, and keeps what the office filled in — 理由 always, 是否采纳 for template edits
//! and comments — for items it has seen before (the same author, time, place and text). Written
//! with the YAML edits, atomically, and only when the import has no error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::FileChange;
use super::drafts::{Item, ItemKind};
use crate::model::{Opinion, OpinionDoc, Opinions, opinions::FILE};

/// The first lines of the file.
const HEAD: &str = "# 意见采纳情况汇总表：zyz import 导入征求意见稿时写入。\n\
# 请填写 reason（理由）；模板修改和批注的 adopted（是否采纳）由办公室决定：采纳、未采纳、部分采纳或待定。\n\
# 重新导入时保留这里填写的内容。zyz build 据此生成每份文件的意见采纳情况汇总表。\n";

/// An item as the file keeps it.
fn opinion(item: &Item) -> Opinion {
    Opinion {
        who: item.who.clone(),
        date: item.date.clone(),
        place: format!("{}：{}", item.draft, item.place),
        original: item.original.clone(),
        opinion: item.proposal.clone(),
        adopted: adopted(item).to_owned(),
        reason: String::new(),
    }
}

/// 是否采纳 as the import knows it: a field edit is adopted when it went into the YAML.
pub fn adopted(item: &Item) -> &'static str {
    match (item.kind, item.adopted) {
        (ItemKind::Field, true) => "采纳",
        (ItemKind::Field, false) => "未采纳（有错误或冲突）",
        _ => "待定",
    }
}

/// The office's entry for an item, if the file has one.
pub fn kept<'o>(opinions: Option<&'o Opinions>, item: &Item) -> Option<&'o Opinion> {
    let new = opinion(item);
    opinions?
        .documents
        .iter()
        .filter(|d| d.doc == item.doc)
        .flat_map(|d| &d.items)
        .find(|o| o.key() == new.key())
}

/// `existing` with `items` merged in.
fn merged(
    existing: Option<&Opinions>,
    items: &[Item],
    titles: &BTreeMap<String, String>,
) -> Opinions {
    let mut out = existing.cloned().unwrap_or_default();
    for item in items {
        let i = match out.documents.iter().position(|d| d.doc == item.doc) {
            Some(i) => i,
            None => {
                out.documents.push(OpinionDoc {
                    doc: item.doc.clone(),
                    ..OpinionDoc::default()
                });
                out.documents.len() - 1
            }
        };
        let doc = &mut out.documents[i];
        if doc.title.is_empty()
            && let Some(title) = titles.get(&item.doc)
        {
            doc.title = title.clone();
        }
        let new = opinion(item);
        match doc.items.iter_mut().find(|o| o.key() == new.key()) {
            // a field edit's state is the import's; the rest is the office's
            Some(o) if item.kind == ItemKind::Field => o.adopted = new.adopted,
            Some(_) => {}
            None => doc.items.push(new),
        }
    }
    out
}

/// The change to `opinions.yaml` that `items` make, if any.
pub fn file_change(
    content_dir: &Path,
    existing: Option<&Opinions>,
    items: &[Item],
    titles: &BTreeMap<String, String>,
) -> anyhow::Result<Option<FileChange>> {
    if items.is_empty() {
        return Ok(None);
    }
    let path = content_dir.join(FILE);
    let old = if path.exists() {
        std::fs::read_to_string(&path)?
    } else {
        String::new()
    };
    let opinions = merged(existing, items, titles);
    if existing == Some(&opinions) {
        return Ok(None);
    }
    let new = format!("{HEAD}{}", serde_yaml::to_string(&opinions)?);
    Ok((new != old).then(|| FileChange {
        rel: PathBuf::from(FILE),
        path,
        old,
        new,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(kind: ItemKind, proposal: &str) -> Item {
        Item {
            kind,
            who: "发改局王五".into(),
            date: "2025-10-20T09:00:00Z".into(),
            draft: "fgj.docx".into(),
            doc: "2025/towns/kaizhang/action-plan.docx".into(),
            place: "第 3 段".into(),
            original: "原文".into(),
            proposal: proposal.into(),
            adopted: kind == ItemKind::Field,
            source: None,
        }
    }

    #[test]
    fn a_rerun_keeps_the_reason_and_the_offices_decision_and_adds_new_items() {
        let titles = BTreeMap::from([(
            "2025/towns/kaizhang/action-plan.docx".to_owned(),
            "开张镇2025年度行动计划".to_owned(),
        )]);
        let first = merged(None, &[item(ItemKind::Comment, "建议写明地点")], &titles);
        assert_eq!(first.documents[0].title, "开张镇2025年度行动计划");
        assert_eq!(first.documents[0].items[0].adopted, "待定");
        let mut filled = first.clone();
        filled.documents[0].items[0].adopted = "未采纳".into();
        filled.documents[0].items[0].reason = "地点尚未确定".into();
        let again = merged(
            Some(&filled),
            &[
                item(ItemKind::Comment, "建议写明地点"),
                item(ItemKind::Field, "市农业农村局"),
            ],
            &titles,
        );
        let items = &again.documents[0].items;
        assert_eq!(items.len(), 2);
        assert_eq!(
            (items[0].adopted.as_str(), items[0].reason.as_str()),
            ("未采纳", "地点尚未确定")
        );
        assert_eq!(items[1].adopted, "采纳");
    }
}

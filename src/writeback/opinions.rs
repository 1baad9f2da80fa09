//! `opinions.yaml`, the 意见采纳情况汇总表 of returned drafts kept in the content folder (the
//! model's `opinions`): an import adds each field edit, template edit and comment to its
//! document's list, and keeps what the office filled in — 理由 always, 是否采纳 for template edits
//! and comments — for items it has seen before (the same author, time, place and text). Written
//! with the YAML edits, atomically, and only when the import has no error; in place where the
//! file allows it (`in_place`: the office's comments and layout kept).

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
    // the office's comments and layout kept where the file has zyz's shape; else written anew
    let new = match existing.and_then(|e| in_place(&old, e, &opinions)) {
        Some(text) => text,
        None => format!("{HEAD}{}", serde_yaml::to_string(&opinions)?),
    };
    Ok((new != old).then(|| FileChange {
        rel: PathBuf::from(FILE),
        path,
        old,
        new,
    }))
}

/// `old` (the file as it stands, read as `existing`) with the merge into `merged` done in place:
/// new items inserted after their document's last item, new documents after the last one, and
/// field edits' 是否采纳 replaced where they stand — every other byte, the office's comments
/// among them, kept. `None` when the file's shape does not allow it (then it is written anew);
/// the result is read back and must equal `merged`.
fn in_place(old: &str, existing: &Opinions, merged: &Opinions) -> Option<String> {
    let tree = crate::model::yaml::parse(old).ok()?;
    let docs = tree.get("documents")?;
    let crate::model::yaml::Value::Seq(doc_nodes) = &docs.value else {
        return None;
    };
    let lines = super::yamledit::LineIndex::new(old);
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for (i, (had, now)) in existing.documents.iter().zip(&merged.documents).enumerate() {
        if had.title != now.title {
            return None;
        }
        let added = now.items.get(had.items.len()..)?;
        if added.is_empty() {
            continue;
        }
        let items = doc_nodes.get(i)?.get("items")?;
        let crate::model::yaml::Value::Seq(item_nodes) = &items.value else {
            return None;
        };
        let dash = item_nodes.first()?.pos.column.checked_sub(3)?;
        let at = match doc_nodes.get(i + 1) {
            Some(next) => lines.line_start(next.pos.line),
            None => old.len(),
        };
        inserts.push((at, indented(&serde_yaml::to_string(added).ok()?, dash)));
    }
    if let Some(added) = merged.documents.get(existing.documents.len()..)
        && !added.is_empty()
    {
        let dash = doc_nodes.first()?.pos.column.checked_sub(3)?;
        inserts.push((
            old.len(),
            indented(&serde_yaml::to_string(added).ok()?, dash),
        ));
    }
    let mut text = old.to_owned();
    if !text.ends_with('\n') && inserts.iter().any(|(at, _)| *at == old.len()) {
        text.push('\n');
    }
    // the end of the file stays where it was for every insertion there (they go in in order)
    let end = text.len();
    for (at, lines) in inserts.iter().rev() {
        text.insert_str(if *at == old.len() { end } else { *at }, lines);
    }
    let adopted: Vec<(String, String)> = (existing.documents.iter().zip(&merged.documents))
        .enumerate()
        .flat_map(|(i, (had, now))| {
            (had.items.iter().zip(&now.items).enumerate())
                .filter(|(_, (a, b))| a.adopted != b.adopted)
                .map(move |(k, (_, b))| {
                    (
                        format!("documents[{i}].items[{k}].adopted"),
                        b.adopted.clone(),
                    )
                })
        })
        .collect();
    let text = super::yamledit::set_paths(&text, &adopted).ok()?;
    let back: Opinions = serde_yaml::from_str(&text).ok()?;
    (back == *merged).then_some(text)
}

/// YAML lines, each indented by `by` spaces.
fn indented(yaml: &str, by: usize) -> String {
    let pad = " ".repeat(by);
    yaml.lines().map(|l| format!("{pad}{l}\n")).collect()
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

    #[test]
    fn a_rerun_keeps_the_offices_comments_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let doc = "2025/towns/kaizhang/action-plan.docx";
        let titles = BTreeMap::from([(doc.to_owned(), "开张镇2025年度行动计划".to_owned())]);
        let mut other = item(ItemKind::Comment, "另一份");
        other.doc = "2025/towns/puzhou/action-plan.docx".into();
        let field = item(ItemKind::Field, "市农业农村局");
        let first = file_change(dir.path(), None, std::slice::from_ref(&field), &titles)
            .unwrap()
            .unwrap();
        // the office fills in a reason and leaves notes of its own
        let written = first.new.replacen(
            "reason: ''",
            "reason: 已与发改局电话核实 # 10月25日 张三",
            1,
        );
        let written = format!("{written}# 其余意见待主任审定\n");
        std::fs::write(dir.path().join(FILE), &written).unwrap();
        let existing: Opinions = serde_yaml::from_str(&written).unwrap();
        let mut refused = field.clone();
        refused.adopted = false;
        let items = [refused, item(ItemKind::Comment, "建议写明地点"), other];
        let change = file_change(dir.path(), Some(&existing), &items, &titles)
            .unwrap()
            .unwrap();
        for kept in [
            "# 10月25日 张三",
            "# 其余意见待主任审定",
            "reason: 已与发改局电话核实",
        ] {
            assert!(change.new.contains(kept), "{kept} kept:\n{}", change.new);
        }
        let back: Opinions = serde_yaml::from_str(&change.new).unwrap();
        assert_eq!(back, merged(Some(&existing), &items, &titles));
        assert_eq!(back.documents[0].items[0].adopted, "未采纳（有错误或冲突）");
        assert_eq!(back.documents[0].items.len(), 2);
        assert_eq!(back.documents[1].doc, "2025/towns/puzhou/action-plan.docx");
        // only lines were added and one value replaced: the old lines are all still there
        let new_lines: Vec<&str> = change.new.lines().collect();
        let replaced = written.lines().filter(|l| !new_lines.contains(l)).count();
        assert_eq!(replaced, 1, "{}", change.new);
    }
}

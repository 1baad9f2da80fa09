//! The edited YAML, checked as `zyz check` would check it: the content folder is copied to a
//! temporary folder with the edited files in place, loaded and checked by the model and check
//! stages themselves (no rule is repeated here). Findings the edits brought (absent before) are
//! reported at the workbook cell they came from. Each edited town must also read back exactly as
//! intended — the old town with the edited values — or the in-place edit is refused.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::{Value, json};

use super::changes::{Changes, Edit, Landing, at_cell};
use crate::diag::Diagnostic;
use crate::model::{self, Content, Loaded};
use crate::plan::sheets::{Column, PROBLEM_COLUMNS, TASK_COLUMNS};

/// What a finding says, without where the content folder is.
type Key = (PathBuf, String, String, String);

fn key(d: &Diagnostic, root: &Path) -> Key {
    let rel = d.file.strip_prefix(root).unwrap_or(&d.file).to_path_buf();
    let message = d.message.replace(&root.display().to_string(), "");
    (rel, d.rule.clone(), d.path.clone(), message)
}

fn all_findings(loaded: &Loaded) -> Vec<Diagnostic> {
    let mut findings = loaded.diagnostics.clone();
    findings.extend(crate::check::check(&loaded.content).findings);
    findings
}

/// Copies the content folder's regular files (links are left out: the loader refuses those that
/// lead out anyway) and writes the edited files over them.
fn staged_copy(
    root: &Path,
    edited: &BTreeMap<PathBuf, String>,
) -> anyhow::Result<tempfile::TempDir> {
    let tmp = tempfile::tempdir().context("cannot make a temporary folder")?;
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = entry?;
        let rel = entry.path().strip_prefix(root)?;
        let to = tmp.path().join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &to)
                .with_context(|| format!("cannot copy {}", entry.path().display()))?;
        }
    }
    for (rel, text) in edited {
        std::fs::write(tmp.path().join(rel), text)?;
    }
    Ok(tmp)
}

/// The findings the edits bring, at their cells, plus any town that does not read back as
/// intended. `ids`: the new problems' ids, per town in order.
pub fn verify(
    before: &Loaded,
    edited: &BTreeMap<PathBuf, String>,
    changes: &Changes,
    ids: &BTreeMap<String, Vec<String>>,
) -> anyhow::Result<Vec<Diagnostic>> {
    let root = &before.content.root;
    let tmp = staged_copy(root, edited)?;
    let after = model::load(tmp.path())?;
    let old: HashSet<Key> = all_findings(before).iter().map(|d| key(d, root)).collect();
    let mut out = Vec::new();
    for d in all_findings(&after) {
        let k = key(&d, tmp.path());
        if old.contains(&k) {
            continue;
        }
        out.push(at_landing(
            d,
            &k.0,
            &after.content,
            &changes.landings,
            root,
            tmp.path(),
        ));
    }
    for (town, (rel, edits)) in &changes.towns {
        let expected = intended(&before.content, town, edits, ids.get(town));
        let actual = after.content.towns.iter().find(|t| &t.id == town);
        if let (Some(expected), Some(actual)) = (expected, actual)
            && serde_json::to_value(actual)? != expected
        {
            out.push(
                Diagnostic::error(
                    root.join(rel),
                    0,
                    0,
                    "import.in-place",
                    "无法原地修改这个文件：修改后读回的内容与表中所填不符（文件的写法特殊）",
                )
                .with_hint("把表中的改动手工写入这个文件"),
            );
        }
    }
    Ok(out)
}

/// A new finding at the workbook cell its field came from; else at its file in the real folder.
fn at_landing(
    d: Diagnostic,
    rel: &Path,
    content: &Content,
    landings: &[Landing],
    root: &Path,
    tmp: &Path,
) -> Diagnostic {
    let town = content
        .files
        .iter()
        .find(|f| f.path == rel)
        .and_then(|f| f.town.clone())
        .or_else(|| rel.file_stem().map(|s| s.to_string_lossy().into_owned()));
    let (list, index, field) = split_path(&d.path);
    let landing = landings
        .iter()
        .find(|l| Some(&l.town) == town.as_ref() && l.list == list && Some(l.index) == index);
    match landing {
        Some(l) => {
            let default = if list == "problems" {
                "closed_on"
            } else {
                "number"
            };
            let key = if l.cells.contains_key(field) {
                field
            } else {
                default
            };
            let cell = l.cells.get(key).cloned().unwrap_or_default();
            let hint = d.hint.as_deref().map(|h| sheet_hint(h, list, key, &cell));
            let mut out = at_cell(cell, &d.rule, d.message.clone(), "");
            out.severity = d.severity;
            out.hint = hint;
            out
        }
        None => {
            let mut d = d;
            d.file = root.join(d.file.strip_prefix(tmp).unwrap_or(&d.file));
            d.message = d
                .message
                .replace(&tmp.display().to_string(), &root.display().to_string());
            d
        }
    }
}

/// A check's hint, written for the YAML (`加上 \`closed_on: YYYY-MM-DD\``, `把 status 改为 …`),
/// said in the workbook's terms: the cell and the column headers (`在 K2 填写销号日期`).
fn sheet_hint(hint: &str, list: &str, field: &str, cell: &str) -> String {
    let columns: &[Column] = if list == "problems" {
        &PROBLEM_COLUMNS
    } else {
        &TASK_COLUMNS
    };
    let header = |key: &str| columns.iter().find(|c| c.field == key).map(|c| c.header);
    let at = cell.rsplit('!').next().unwrap_or(cell);
    let here = header(field).unwrap_or("这一格");
    if hint.starts_with("加上") {
        return format!("在 {at} 填写{here}");
    }
    // `key: value` snippets and bare keys become the columns' headers
    let mut out = String::new();
    for (i, part) in hint.split('`').enumerate() {
        let part = if i % 2 == 1 {
            let key = part.split(':').next().unwrap_or(part).trim();
            header(key).unwrap_or(part).to_owned()
        } else {
            part.to_owned()
        };
        out += &part;
    }
    let words: Vec<String> = out
        .split_inclusive(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map(|w| {
            let (word, tail) = w.split_at(
                w.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .len(),
            );
            format!("{}{tail}", header(word).unwrap_or(word))
        })
        .collect();
    format!("{at}（{here}）：{}", words.concat())
}

/// `problems[3].closed_on` → (`problems`, 3, `closed_on`).
fn split_path(path: &str) -> (&str, Option<usize>, &str) {
    let (head, field) = path.split_once('.').unwrap_or((path, ""));
    let (list, index) = head.split_once('[').unwrap_or((head, ""));
    (list, index.trim_end_matches(']').parse().ok(), field)
}

/// The town as the edits mean it to read back: the old town's JSON with the values set.
fn intended(
    content: &Content,
    town: &str,
    edits: &[Edit],
    ids: Option<&Vec<String>>,
) -> Option<Value> {
    let t = content.towns.iter().find(|t| t.id == town)?;
    let mut value = serde_json::to_value(t).ok()?;
    let mut ids = ids.into_iter().flatten();
    for edit in edits {
        match edit {
            Edit::Set {
                list,
                index,
                field,
                value: v,
            } => {
                let v = if v.is_empty() { Value::Null } else { json!(v) };
                value[*list][*index][*field] = v;
            }
            Edit::Append { fields } => {
                let mut p = json!({"id": ids.next(), "closed_on": null});
                for (k, v) in fields {
                    p[*k] = json!(v);
                }
                value["problems"].as_array_mut()?.push(p);
            }
        }
    }
    Some(value)
}

/// The findings the edits of returned drafts bring, at the draft field they came from (a finding
/// on the line of an edited value, or under its path), else at the YAML file.
pub fn verify_drafts(
    before: &Loaded,
    edited: &BTreeMap<PathBuf, String>,
    edits: &[super::drafts::FieldEdit],
) -> anyhow::Result<Vec<Diagnostic>> {
    let root = &before.content.root;
    let tmp = staged_copy(root, edited)?;
    let after = model::load(tmp.path())?;
    let old: HashSet<Key> = all_findings(before).iter().map(|d| key(d, root)).collect();
    let mut out = Vec::new();
    for mut d in all_findings(&after) {
        let k = key(&d, tmp.path());
        if old.contains(&k) {
            continue;
        }
        let field = edits.iter().find(|e| {
            e.rel == k.0 && (e.line == d.line || (!d.path.is_empty() && d.path == e.path))
        });
        match field {
            Some(e) => {
                d.message = format!("{}（{}:{}）", d.message, e.rel.display(), e.line);
                d.file = PathBuf::from(&e.at);
                d.line = 0;
                d.column = 0;
            }
            None => {
                d.file = root.join(d.file.strip_prefix(tmp.path()).unwrap_or(&d.file));
            }
        }
        out.push(d);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_name_the_cell_and_column_not_the_yaml_key() {
        let cell = "开张镇.xlsx!问题台账!K2";
        assert_eq!(
            sheet_hint(
                "加上 `closed_on: YYYY-MM-DD`",
                "problems",
                "closed_on",
                cell
            ),
            "在 K2 填写销号日期"
        );
        assert_eq!(
            sheet_hint(
                "整改完成后把 status 改为 已整改，再填销号日期",
                "problems",
                "closed_on",
                cell
            ),
            "K2（销号日期）：整改完成后把 状态 改为 已整改，再填销号日期"
        );
    }
}

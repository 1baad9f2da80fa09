//! `zyz check --fix`: the safe proofreading fixes of one file applied in place, through the
//! splicing of `yamledit` (the in-place editing `zyz import` uses). Each fix replaces only the
//! characters of its finding, at their bytes in the file (comments, quoting, layout and every
//! other byte stay); the edited text must parse to the same tree with exactly the fixed
//! values changed, each as its fixes say, or nothing of the file is changed.

use std::collections::BTreeMap;

use super::yamledit::{Splice, splice};
use crate::diag::{Diagnostic, Fix};
use crate::model::yaml::{self, Node, Value};

/// The safe fixes among `findings` that do not overlap an earlier one, in file order (a fix left
/// out is picked up by the next round, when the text it stood in has settled).
pub fn safe_fixes(findings: &[Diagnostic]) -> Vec<(String, Fix)> {
    let mut fixes: Vec<(String, Fix)> = findings
        .iter()
        .filter(|d| d.severity != crate::diag::Severity::Info)
        .filter_map(|d| d.fix.clone().map(|f| (d.path.clone(), f)))
        .collect();
    fixes.sort_by_key(|(_, f)| (f.start, f.end));
    let mut out: Vec<(String, Fix)> = Vec::new();
    for (path, fix) in fixes {
        if out.last().is_none_or(|(_, last)| last.end <= fix.start) {
            out.push((path, fix));
        }
    }
    out
}

/// `text` with the fixes applied, checked: every fix's bytes held what it replaces, and the
/// result reads as the same YAML with only the fixed values changed, as the fixes say.
pub fn apply(text: &str, fixes: &[(String, Fix)]) -> Result<String, String> {
    if let Some((_, f)) = fixes
        .iter()
        .find(|(_, f)| text.get(f.start..f.end) != Some(f.old.as_str()))
    {
        return Err(format!("第 {} 字节处的文字已不是“{}”", f.start, f.old));
    }
    let splices = fixes.iter().map(|(_, f)| Splice {
        start: f.start,
        end: f.end,
        text: f.text.clone(),
    });
    let out =
        splice(text, splices.collect()).map_err(|at| format!("第 {at} 字节处的两处修改重叠"))?;
    let before = scalars(&yaml::parse(text).map_err(|e| e.message)?);
    let after = scalars(&yaml::parse(&out).map_err(|e| format!("修改后无法解析：{}", e.message))?);
    let mut expected = before.clone();
    let mut by_path: BTreeMap<&str, Vec<&Fix>> = BTreeMap::new();
    for (path, f) in fixes {
        by_path.entry(path.as_str()).or_default().push(f);
    }
    for (path, fs) in by_path {
        let value = expected.get_mut(path).ok_or(format!("找不到字段 {path}"))?;
        *value = replaced(value, &fs).ok_or(format!("字段 {path} 的值与修改对不上"))?;
    }
    if after != expected {
        return Err("修改后的值与预期不同".to_owned());
    }
    Ok(out)
}

/// A value with its fixes applied at their offsets in the value.
fn replaced(value: &str, fixes: &[&Fix]) -> Option<String> {
    let mut fixes = fixes.to_vec();
    fixes.sort_by_key(|f| f.at);
    let mut out = String::new();
    let mut cursor = 0;
    for f in fixes {
        if f.at < cursor || value.get(f.at..f.at + f.old.len()) != Some(f.old.as_str()) {
            return None;
        }
        out.push_str(&value[cursor..f.at]);
        out.push_str(&f.text);
        cursor = f.at + f.old.len();
    }
    out.push_str(value.get(cursor..)?);
    Some(out)
}

/// Every scalar of the tree (keys too, as `path#key`) by field path.
fn scalars(tree: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    collect(tree, String::new(), &mut out);
    out
}

fn collect(node: &Node, path: String, out: &mut BTreeMap<String, String>) {
    match &node.value {
        Value::Scalar { text, .. } => {
            out.insert(path, text.clone());
        }
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, format!("{path}[{i}]"), out);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                let key = k.scalar().unwrap_or_default();
                let child = if path.is_empty() {
                    key.to_owned()
                } else {
                    format!("{path}.{key}")
                };
                out.insert(format!("{child}#key"), key.to_owned());
                collect(v, child, out);
            }
        }
        Value::Alias(target) => collect(target, path, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(path: &str, start: usize, old: &str, text: &str, at: usize) -> (String, Fix) {
        (
            path.to_owned(),
            Fix {
                start,
                end: start + old.len(),
                old: old.to_owned(),
                text: text.to_owned(),
                at,
            },
        )
    }

    #[test]
    fn only_the_fixed_characters_change_and_comments_stay() {
        let text = "# 注释\na: 中文,句子   # 行尾注释\nb: 不变\n";
        let at = text.find(',').unwrap();
        let out = apply(text, &[fix("a", at, ",", "，", "中文".len())]).unwrap();
        assert_eq!(out, "# 注释\na: 中文，句子   # 行尾注释\nb: 不变\n");
    }

    #[test]
    fn a_fix_that_would_change_the_tree_otherwise_is_refused() {
        let text = "a: 中文,句子\n";
        let at = text.find(',').unwrap();
        // claims the wrong offset in the value
        assert!(apply(text, &[fix("a", at, ",", "，", 0)]).is_err());
        // the file no longer holds what the fix replaces
        assert!(apply(text, &[fix("a", at, ";", "；", 6)]).is_err());
    }
}

//! Typeset stage, glyph coverage: before any document is typeset, every character of every string
//! of the data is checked against the fonts of its role. A character no font of the role covers
//! would print as an empty box with no warning from Typst: that is an error naming the field and
//! the character. One covered only by a fallback family is a warning (it will look different).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_json::Value;

use super::fonts::{Coverage, FontSet, Role};
use crate::diag::Diagnostic;
use crate::model::Content;

/// Fields whose text is also set in the title face (document titles, the issuing-organ mark).
const TITLE_FIELDS: &[&str] = &["name", "title", "organ", "full_name"];

/// Checks every string in `data` (one content file's values, as JSON) and reports per field and
/// character. `source` is the file's text, used to find the line where the character appears.
pub fn check(
    fonts: &FontSet,
    file: &Path,
    source: Option<&str>,
    data: &serde_json::Value,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    walk(data, &mut String::new(), &mut |path, key, text| {
        let mut roles = vec![Role::Body];
        if TITLE_FIELDS.contains(&key) {
            roles.push(Role::Title);
        }
        for c in text
            .chars()
            .filter(|c| !c.is_whitespace() && !c.is_control())
        {
            for &role in &roles {
                let coverage = fonts.coverage(role, c);
                if coverage == Coverage::Primary || !seen.insert((path.to_owned(), c, role)) {
                    continue;
                }
                let (line, column) = locate(source, c);
                let primary = fonts
                    .present_families(role)
                    .first()
                    .map(|s| s.to_string())
                    .unwrap_or_default();
                let d = match coverage {
                    Coverage::Missing => Diagnostic::error(
                        file,
                        line,
                        column,
                        "glyph.missing",
                        format!("字符“{c}”(U+{:04X}) 没有任何{}字体可以显示 (no {} font covers it; it would print as an empty box)", c as u32, role.class(), role.key()),
                    )
                    .with_hint(format!(
                        "use a common variant of the character, or add a font that has it with --font-path DIR and list its family under `{}` in fonts.yaml",
                        role.key()
                    )),
                    Coverage::Fallback(family) => Diagnostic::warning(
                        file,
                        line,
                        column,
                        "glyph.fallback",
                        format!("字符“{c}”(U+{:04X}) 不在{}字体 {primary} 中，将以备用字体 {family} 显示 (covered only by the fallback)", c as u32, role.class()),
                    )
                    .with_hint("the character will look different from the text around it; check it is the intended one"),
                    Coverage::Primary => unreachable!("skipped above"),
                };
                out.push(d.with_path(path));
            }
        }
    });
    out
}

/// The first line:column (1-based, in characters) where `c` appears in `source`.
fn locate(source: Option<&str>, c: char) -> (usize, usize) {
    let Some(source) = source else { return (0, 0) };
    for (i, line) in source.lines().enumerate() {
        if let Some(col) = line.chars().position(|x| x == c) {
            return (i + 1, col + 1);
        }
    }
    (0, 0)
}

/// Calls `f(path, last_key, text)` for every string leaf, with paths like `a.b[2].c`.
fn walk(value: &serde_json::Value, path: &mut String, f: &mut impl FnMut(&str, &str, &str)) {
    match value {
        serde_json::Value::String(s) => {
            let key = path
                .rsplit('.')
                .next()
                .unwrap_or("")
                .split('[')
                .next()
                .unwrap_or("");
            let key = key.to_owned();
            f(path, &key, s);
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, f);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                walk(v, path, f);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Glyph coverage of every content file's data, against the fonts of its role.
pub fn of_content(
    content: &Content,
    sources: &BTreeMap<PathBuf, String>,
    fonts: &FontSet,
) -> Vec<Diagnostic> {
    // the towns' files in parallel (1,000 towns: a tenth of a rebuild on one thread)
    let towns: Vec<Vec<Diagnostic>> = (content.towns.par_iter())
        .map(|town| {
            let relative = town.file.strip_prefix(&content.root).unwrap_or(&town.file);
            let file = content.root.join(relative);
            let source = (sources.get(&file).or_else(|| sources.get(relative))).map(String::as_str);
            let value = serde_json::to_value(town).unwrap_or(Value::Null);
            check(fonts, &file, source, &value)
        })
        .collect();
    let mut out: Vec<Diagnostic> = towns.into_iter().flatten().collect();
    let mut check = |relative: &Path, value: Value| {
        let file = content.root.join(relative);
        let source = sources
            .get(&file)
            .or_else(|| sources.get(relative))
            .map(String::as_str);
        out.extend(check(fonts, &file, source, &value));
    };
    check(
        Path::new("city.yaml"),
        serde_json::to_value(&content.city).unwrap_or(Value::Null),
    );
    check(
        Path::new("plan.yaml"),
        serde_json::to_value(&content.plan).unwrap_or(Value::Null),
    );
    if let Some(assessment) = &content.assessment {
        check(
            Path::new("assessment.yaml"),
            serde_json::to_value(assessment).unwrap_or(Value::Null),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_gives_paths_and_keys() {
        let v = serde_json::json!({"a": {"name": "x", "list": ["y"]}});
        let mut seen = Vec::new();
        walk(&v, &mut String::new(), &mut |p, k, t| {
            seen.push((p.to_owned(), k.to_owned(), t.to_owned()))
        });
        assert_eq!(
            seen,
            vec![
                ("a.list[0]".into(), "list".into(), "y".into()),
                ("a.name".into(), "name".into(), "x".into())
            ]
        );
    }

    #[test]
    fn locate_counts_characters() {
        assert_eq!(locate(Some("a: b\nname: 㙟镇\n"), '㙟'), (2, 7));
        assert_eq!(locate(Some("x"), '㙟'), (0, 0));
    }
}

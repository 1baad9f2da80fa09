//! `register.yaml` itself (the register of issued documents): every entry names a known organ and
//! document kind, carries a well-formed SHA-256, and no 文号 or output path is registered twice.
//! Whether a planned document's 文号 collides with the register is the plan stage's finding
//! (`wenhao.duplicate`), since only the plan knows every document's number.

use std::collections::HashMap;
use std::path::Path;

use crate::diag::Diagnostic;
use crate::model::{Content, IssuedDoc, KINDS, wenhao};

/// Findings about `register.yaml`'s entries.
pub(super) fn check(content: &Content, out: &mut Vec<Diagnostic>) {
    let Some(register) = &content.register else {
        return;
    };
    for (i, e) in register.issued.iter().enumerate() {
        fields(content, i, e, out);
    }
    twice(content, &register.issued, out);
}

/// An error at `field` of register.yaml.
fn error(content: &Content, field: &str, rule: &str, message: String, hint: &str) -> Diagnostic {
    let rel = Path::new(crate::model::register::FILE);
    let (line, column) = content.locate(rel, field);
    Diagnostic::error(content.display_path(rel), line, column, rule, message)
        .with_path(field)
        .with_hint(hint)
}

/// One entry's own fields: a known organ and kind, a well-formed SHA-256.
fn fields(content: &Content, i: usize, e: &IssuedDoc, out: &mut Vec<Diagnostic>) {
    let at = |field: &str| format!("issued[{i}].{field}");
    // organs are only known when city.yaml loaded (its own findings say why not)
    let city_ok = content.trees.contains_key(Path::new("city.yaml"));
    if city_ok && !content.city.organs.iter().any(|o| o.id == e.organ) {
        let known: Vec<&str> = content.city.organs.iter().map(|o| o.id.as_str()).collect();
        out.push(error(
            content,
            &at("organ"),
            "register.unknown-organ",
            format!("发文机关 `{}` 不在 city.yaml 的 organs 中", e.organ),
            &format!("改为 {} 之一", known.join("、")),
        ));
    }
    if !KINDS.contains(&e.kind.as_str()) {
        out.push(error(
            content,
            &at("kind"),
            "register.unknown-kind",
            format!("文种 `{}` 不是 zyz 生成的公文", e.kind),
            &format!("改为 {} 之一", KINDS.join("、")),
        ));
    }
    let hex = e
        .sha256
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if e.sha256.len() != 64 || !hex {
        out.push(error(
            content,
            &at("sha256"),
            "register.sha256",
            format!("`{}` 不是 SHA-256（64 位小写十六进制）", e.sha256),
            "sha256 由 zyz issue 写入；不要手工改动已登记的条目",
        ));
    }
}

/// A 文号 or a path registered twice: the later entry is reported, naming the earlier.
fn twice(content: &Content, issued: &[IssuedDoc], out: &mut Vec<Diagnostic>) {
    let mut numbers: HashMap<(&str, u16, u32), usize> = HashMap::new();
    let mut paths: HashMap<&str, usize> = HashMap::new();
    for (i, e) in issued.iter().enumerate() {
        if let Some(&first) = numbers.get(&(e.organ.as_str(), e.year, e.serial)) {
            let prefix = content.city.organs.iter().find(|o| o.id == e.organ);
            let prefix = prefix.map_or(e.organ.as_str(), |o| o.prefix.as_str());
            out.push(error(
                content,
                &format!("issued[{i}].serial"),
                "register.duplicate",
                format!(
                    "文号 {} 已登记给 {}（issued[{first}]），一个文号只能用一次",
                    wenhao(prefix, e.year, e.serial),
                    issued[first].path
                ),
                "核对发文登记：两件公文不能同号；错登的一条应删除后重新 zyz issue",
            ));
        } else {
            numbers.insert((e.organ.as_str(), e.year, e.serial), i);
        }
        if let Some(&first) = paths.get(e.path.as_str()) {
            out.push(error(
                content,
                &format!("issued[{i}].path"),
                "register.duplicate-path",
                format!("{} 已在 issued[{first}] 登记过", e.path),
                "一件公文只登记一次；更正已印发的公文应另发新文（如更正通知）",
            ));
        } else {
            paths.insert(e.path.as_str(), i);
        }
    }
}

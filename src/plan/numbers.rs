//! 文号 across all documents: a number is given once, whether to a planned document or to one in
//! the register of issued documents. Two planned documents with the same number, or a planned
//! document whose number the register gives to another document, are errors naming both.

use std::collections::HashMap;
use std::path::Path;

use super::{Doc, REGISTER, organ, wenhao};
use crate::diag::Diagnostic;
use crate::model::Content;

/// Findings for numbers used twice, located where the YAML fixes the later number.
pub fn duplicate_numbers(content: &Content, docs: &[Doc]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // who holds each number: the register's documents first, then the planned ones
    let mut holder: HashMap<(&str, u16, u32), &str> = HashMap::new();
    for e in content.register.iter().flat_map(|r| &r.issued) {
        holder
            .entry((&e.organ, e.year, e.serial))
            .or_insert(&e.path);
    }
    for doc in docs {
        let Some(n) = &doc.number else { continue };
        if let Some(issued) = &doc.issued {
            // the register's own check covers its numbers; a number the YAML fixes must still
            // be the one the document was issued with
            let e = &issued.entry;
            if n.fixed_at.is_some()
                && (e.organ != n.organ || e.year != n.year || e.serial != n.serial)
            {
                out.push(changed(content, doc, &issued.wenhao));
            }
            continue;
        }
        let key = (n.organ.as_str(), n.year, n.serial);
        match holder.get(&key) {
            Some(&other) if other != doc.path => out.push(duplicate(content, doc, other)),
            Some(_) => {}
            None => {
                holder.insert(key, &doc.path);
            }
        }
    }
    out
}

/// The YAML gives an issued document another number than the one it was issued with.
fn changed(content: &Content, doc: &Doc, issued: &str) -> Diagnostic {
    let n = doc.number.as_ref().expect("numbered");
    let (rel, field) = n.fixed_at.clone().expect("fixed");
    let (_, prefix) = organ(content, &n.organ);
    let (line, column) = content.locate(&rel, &field);
    Diagnostic::error(
        content.display_path(&rel),
        line,
        column,
        "wenhao.changed",
        format!(
            "{} 已以 {issued} 印发，此处写的是 {}：已印发公文的文号不能改",
            doc.path,
            wenhao(&prefix, n.year, n.serial)
        ),
    )
    .with_path(&field)
    .with_hint(format!("改回 {issued} 的序号；新的公文另用新序号"))
}

/// "永专领办发〔2025〕19号 is also …": at the field that fixes the number, else at the register.
fn duplicate(content: &Content, doc: &Doc, other: &str) -> Diagnostic {
    let n = doc.number.as_ref().expect("numbered");
    let (_, prefix) = organ(content, &n.organ);
    let shown = wenhao(&prefix, n.year, n.serial);
    let (rel, field) = match &n.fixed_at {
        Some((rel, field)) => (rel.clone(), field.clone()),
        None => (Path::new(REGISTER).to_path_buf(), "issued".to_owned()),
    };
    let (line, column) = content.locate(&rel, &field);
    let registered = content
        .register
        .as_ref()
        .is_some_and(|r| r.entry(other).is_some());
    Diagnostic::error(
        content.display_path(&rel),
        line,
        column,
        "wenhao.duplicate",
        format!(
            "{} 与 {} 同为 {shown}{}：一个文号只能用一次",
            doc.path,
            other,
            if registered { "（已印发）" } else { "" }
        ),
    )
    .with_path(&field)
    .with_hint("改用未用过的序号（已印发的文号见 register.yaml）")
}

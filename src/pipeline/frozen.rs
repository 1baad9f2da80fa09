//! Pipeline, issued documents: a document in the register is never typeset again. Its archived
//! PDF must still be the one issued (same SHA-256), else the build reports the file as damaged or
//! tampered with and leaves it as it is; when the data it shows changed since (its data hash,
//! not its templates or fonts), the build says that the document stays as issued.

use std::path::Path;

use super::Summary;
use crate::archive::manifest::{Entry, IssuedMark, Manifest};
use crate::archive::sha256_hex;
use crate::diag::Diagnostic;
use crate::plan::{Doc, Issued};

/// Checks the issued document `doc` on disk and keeps its manifest entry, marked issued.
pub(super) fn check(
    out: &Path,
    doc: &Doc,
    issued: &Issued,
    manifest: &mut Manifest,
    summary: &mut Summary,
) {
    let file = out.join(&doc.path);
    let found = std::fs::read(&file).ok().map(|bytes| sha256_hex(&bytes));
    if found.as_deref() != Some(issued.entry.sha256.as_str()) {
        summary
            .failed
            .push((doc.path.clone(), vec![mismatch(&file, issued, found)]));
        return;
    }
    summary.skipped += 1;
    let mark = IssuedMark {
        wenhao: issued.wenhao.clone(),
        date: issued.entry.date.to_string(),
    };
    match manifest.documents.iter_mut().find(|e| e.path == doc.path) {
        Some(entry) => {
            let data = doc.data_sha256();
            // by what it shows; a manifest from before data hashes knows only all its inputs
            let changed = match &entry.data_sha256 {
                Some(was) => *was != data,
                None => entry.inputs_sha256 != doc.inputs_sha256,
            };
            if changed {
                summary.findings.push(changed_since(&file, issued));
            } else if entry.data_sha256.is_none() {
                entry.data_sha256 = Some(data);
            }
            entry.issued = Some(mark);
        }
        None => manifest.documents.push(Entry {
            path: doc.path.clone(),
            kind: doc.kind.to_owned(),
            town: doc.town.clone(),
            year: doc.year,
            inputs_sha256: doc.inputs_sha256.clone(),
            data_sha256: Some(doc.data_sha256()),
            sha256: issued.entry.sha256.clone(),
            pages: 0,
            files: Vec::new(),
            issued: Some(mark),
        }),
    }
}

/// The archived file is missing or not the one issued.
fn mismatch(file: &Path, issued: &Issued, found: Option<String>) -> Diagnostic {
    let message = match found {
        None => format!(
            "已印发的 {}（{}）不在输出目录中",
            file.display(),
            issued.wenhao
        ),
        Some(sha) => format!(
            "已印发的 {} 与登记时不同：SHA-256 为 {sha}，发文登记为 {}（文件损坏或被改动）",
            issued.wenhao, issued.entry.sha256
        ),
    };
    Diagnostic::error(file, 0, 0, "issue.mismatch", message).with_hint(
        "从 git 历史或存档中取回印发时的文件（git checkout -- 该文件）；zyz 不会重新生成已印发的公文",
    )
}

/// The data changed since the document was issued: it stays as issued.
fn changed_since(file: &Path, issued: &Issued) -> Diagnostic {
    Diagnostic::warning(
        file,
        0,
        0,
        "issue.frozen",
        format!(
            "{} 已印发，不再重新生成：其数据在印发后有改动",
            issued.wenhao
        ),
    )
    .with_hint("已印发的公文保持原样；要更正内容，请另发新文（如更正通知）")
}

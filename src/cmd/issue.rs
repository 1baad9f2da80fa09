//! `zyz issue`: takes documents as they are built and records them in `content/register.yaml`
//! (文号, kind, town, title, 成文日期, path, SHA-256 of the PDF, 签发人). From then on a build
//! never makes them again. All or nothing: one document that cannot be issued (content errors,
//! not built or not up to date, no 文号, a 文号 used twice) and nothing is written.

use anyhow::{Context as _, bail};

use crate::Exit;
use crate::archive::manifest::{IssuedMark, Manifest};
use crate::archive::{self, sha256_hex};
use crate::cli::IssueArgs;
use crate::model::{IssuedDoc, Register};
use crate::pipeline::{Prepared, Session, Timings};
use crate::plan::{Doc, REGISTER};

/// Entry point of `zyz issue`.
pub fn run(args: &IssueArgs) -> anyhow::Result<Exit> {
    if args.paths.is_empty() && args.kind.is_empty() {
        bail!(
            "say which documents to issue: their paths (as in output/manifest.json) or --kind KIND \
             [--town ID] (hint: zyz issue 2025/city/ranking.pdf)"
        );
    }
    let mut session = Session::new(super::build::options_from(&args.build_args())?)?;
    let prepared = session.prepare(&Timings::default())?;
    let manifest = Manifest::read(&args.out);
    let chosen = select(args, &prepared)?;
    let mut entries = Vec::new();
    let mut refused = 0;
    for doc in &chosen {
        match entry(doc, &prepared, &manifest, args) {
            Ok(e) => entries.push((e, number_of(doc))),
            Err(why) => {
                refused += 1;
                eprintln!("error[issue]: {}: {why}", doc.path);
            }
        }
    }
    if refused > 0 {
        eprintln!(
            "nothing issued: {refused} of {} documents cannot be issued",
            chosen.len()
        );
        return Ok(Exit::Failure);
    }
    if !args.dry_run {
        numbered(&mut session, &mut entries)?;
        record(args, &entries)?;
    }
    let verb = if args.dry_run {
        "would issue"
    } else {
        "issued"
    };
    for (e, number) in &entries {
        println!("{verb} {} as {number}", e.path);
    }
    if !args.dry_run {
        for (e, number) in entries.iter().filter(|(e, _)| e.kind == "designation") {
            print!("{}", designation_edits(args, &prepared, e, number)?);
        }
    }
    Ok(Exit::Success)
}

/// After a designation decision is issued: the lines of each designated town's file to change
/// (stage 申报 → 已认定, the year, the decision's 文号), so `zyz check` accepts it as designated.
fn designation_edits(
    args: &IssueArgs,
    prepared: &Prepared,
    e: &IssuedDoc,
    number: &str,
) -> anyhow::Result<String> {
    let Some(doc) = prepared.docs.iter().find(|d| d.path == e.path) else {
        return Ok(String::new());
    };
    let content = crate::model::load(&args.project.content)?.content;
    let listed = doc.context.value()["doc"]["towns"].clone();
    let mut out = format!("认定通知已印发（{number}）。请在以下镇（街道）的文件中登记认定结果：\n");
    for id in listed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["id"].as_str())
    {
        let Some(town) = content.towns.iter().find(|t| t.id == id) else {
            continue;
        };
        if town.designation.stage != crate::model::Stage::Applying {
            continue;
        }
        let (line, _) = content.locate(&town.file, "designation.stage");
        out.push_str(&format!(
            "  {}:{line}: designation.stage: 申报 → 已认定；其下加 year: {} 和 decision: {number}\n",
            content.display_path(&town.file).display(),
            e.date.year
        ));
    }
    Ok(out)
}

/// Builds the documents again with their 文号 (a draft may show none) and takes the SHA-256 of
/// the PDFs as issued.
fn numbered(session: &mut Session, entries: &mut [(IssuedDoc, String)]) -> anyhow::Result<()> {
    // the same session (fonts, templates, caches), now building only these documents
    session.options.issuing = entries.iter().map(|(e, _)| e.path.clone()).collect();
    let out = session.options.out.clone();
    let summary = session.build(&|_, _, _| {})?;
    if let Some((path, why)) = summary.failed.first() {
        let first = why
            .first()
            .map_or(String::new(), |d| format!(": {}", d.message));
        bail!("{path} failed to build with its 文号{first}; nothing was issued");
    }
    let manifest = Manifest::read(&out);
    for (e, _) in entries {
        let built = manifest
            .get(&e.path)
            .context("issued documents are in the manifest")?;
        e.sha256 = built.sha256.clone();
    }
    Ok(())
}

/// The 文号 a document is issued with (its draft may leave the serial blank).
fn number_of(doc: &Doc) -> String {
    doc.number
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

/// The planned documents named by paths, or by --kind (and --town); unknown names are usage
/// errors.
fn select<'a>(args: &IssueArgs, prepared: &'a Prepared) -> anyhow::Result<Vec<&'a Doc>> {
    let mut chosen = Vec::new();
    for path in &args.paths {
        let path = path.trim_start_matches("output/");
        match prepared.docs.iter().find(|d| d.path == path) {
            Some(doc) => chosen.push(doc),
            None => bail!(
                "{path}: no such document in the current plan (hint: the paths are those of \
                 output/manifest.json, e.g. 2025/city/ranking.pdf)"
            ),
        }
    }
    let by_kind = prepared.docs.iter().filter(|d| {
        args.kind.iter().any(|k| k == d.kind)
            && (args.town.is_empty() || d.town.as_ref().is_some_and(|t| args.town.contains(t)))
    });
    for doc in by_kind {
        if !chosen.iter().any(|c| c.path == doc.path) {
            chosen.push(doc);
        }
    }
    if chosen.is_empty() {
        bail!("no document of kind {} to issue", args.kind.join(", "));
    }
    Ok(chosen)
}

/// The register entry for `doc`, or why it cannot be issued.
fn entry(
    doc: &Doc,
    prepared: &Prepared,
    manifest: &Manifest,
    args: &IssueArgs,
) -> Result<IssuedDoc, String> {
    if let Some(issued) = &doc.issued {
        return Err(format!(
            "already issued as {} (it is never issued again)",
            issued.wenhao
        ));
    }
    let Some(number) = &doc.number else {
        return Err(format!(
            "a {} carries no 文号; only documents with a 文号 are registered",
            doc.kind
        ));
    };
    let blocked = doc.inputs.iter().any(|i| prepared.blocked.contains(i));
    let twice = prepared
        .findings
        .iter()
        .any(|d| d.rule == "wenhao.duplicate" && d.message.contains(&doc.path));
    if blocked || twice {
        return Err("its content has errors (hint: run zyz check and fix them first)".into());
    }
    let built = manifest
        .get(&doc.path)
        .filter(|e| e.inputs_sha256 == doc.inputs_sha256);
    let file = args.out.join(&doc.path);
    let sha = std::fs::read(&file).ok().map(|b| sha256_hex(&b));
    let Some(built) = built.filter(|e| sha.as_deref() == Some(e.sha256.as_str())) else {
        return Err(
            "not built, or not up to date with the content (hint: run zyz build first, \
                    look at the document, then issue it)"
                .into(),
        );
    };
    Ok(IssuedDoc {
        organ: number.organ.clone(),
        year: number.year,
        serial: number.serial,
        kind: doc.kind.to_owned(),
        town: doc.town.clone(),
        title: title_of(doc),
        date: doc.date,
        path: doc.path.clone(),
        sha256: built.sha256.clone(),
        signed_off_by: args.signed_off_by.clone(),
    })
}

/// The document's title as its template prints it.
fn title_of(doc: &Doc) -> String {
    let context = doc.context.value();
    context["doc"]["title"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Appends the entries to the register and marks them issued in the manifest, each file written
/// atomically.
fn record(args: &IssueArgs, entries: &[(IssuedDoc, String)]) -> anyhow::Result<()> {
    let path = args.project.content.join(REGISTER);
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let text = appended(old.as_deref(), entries.iter().map(|(e, _)| e))?;
    archive::write_atomic(&path, text.as_bytes())?;
    let mut manifest = Manifest::read(&args.out);
    for (issued, number) in entries {
        if let Some(entry) = manifest
            .documents
            .iter_mut()
            .find(|e| e.path == issued.path)
        {
            entry.issued = Some(IssuedMark {
                wenhao: number.clone(),
                date: issued.date.to_string(),
            });
        }
    }
    manifest.write(&args.out)
}

/// The register's text with `entries` added at the end, comments and earlier entries kept as they
/// were; checked to read back as a register before anything is written.
fn appended<'a>(
    old: Option<&str>,
    entries: impl Iterator<Item = &'a IssuedDoc>,
) -> anyhow::Result<String> {
    let empty =
        old.is_none_or(|t| serde_yaml::from_str::<Register>(t).is_ok_and(|r| r.issued.is_empty()));
    let mut text = match old {
        Some(t) if !empty => t.trim_end_matches('\n').to_owned() + "\n",
        _ => "# 发文登记簿：已印发的公文，由 zyz issue 登记。已登记的条目不要改动。\nissued:\n"
            .to_owned(),
    };
    for e in entries {
        text.push_str(&yaml_entry(e));
    }
    let back: Register = serde_yaml::from_str(&text)
        .with_context(|| format!("{REGISTER} would not read back; nothing was written"))?;
    anyhow::ensure!(
        !back.issued.is_empty(),
        "{REGISTER} would not read back; nothing was written"
    );
    Ok(text)
}

/// One entry in block style; text values as double-quoted scalars.
fn yaml_entry(e: &IssuedDoc) -> String {
    let q = |s: &str| serde_json::to_string(s).expect("a string serialises");
    let mut s = format!(
        "  - organ: {}\n    year: {}\n    serial: {}\n    kind: {}\n",
        q(&e.organ),
        e.year,
        e.serial,
        e.kind
    );
    if let Some(town) = &e.town {
        s += &format!("    town: {}\n", q(town));
    }
    s += &format!(
        "    title: {}\n    date: {}\n    path: {}\n    sha256: {}\n",
        q(&e.title),
        e.date,
        q(&e.path),
        e.sha256
    );
    if let Some(who) = &e.signed_off_by {
        s += &format!("    signed_off_by: {}\n", q(who));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(serial: u32) -> IssuedDoc {
        IssuedDoc {
            organ: "leading-group-office".into(),
            year: 2025,
            serial,
            kind: "ranking".into(),
            town: None,
            title: "关于“2025”年度的通报".into(),
            date: crate::model::Date::new(2025, 10, 20).unwrap(),
            path: "2025/city/ranking.pdf".into(),
            sha256: "a".repeat(64),
            signed_off_by: Some("王五".into()),
        }
    }

    #[test]
    fn entries_append_below_the_comments_and_read_back() {
        let old = "# 登记簿\nissued:\n  # 第一件\n";
        let first = appended(None, [entry(18)].iter()).unwrap();
        let r: Register = serde_yaml::from_str(&first).unwrap();
        assert_eq!(r.issued, vec![entry(18)]);
        let second = appended(Some(&first), [entry(19)].iter()).unwrap();
        assert!(second.starts_with(&first), "earlier text kept:\n{second}");
        let r: Register = serde_yaml::from_str(&second).unwrap();
        assert_eq!(r.issued, vec![entry(18), entry(19)]);
        let from_comment_only = appended(Some(old), [entry(20)].iter()).unwrap();
        let r: Register = serde_yaml::from_str(&from_comment_only).unwrap();
        assert_eq!(r.issued, vec![entry(20)]);
    }
}

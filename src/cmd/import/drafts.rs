//! `zyz import FILE.docx…`: returned drafts. Lists every field edit (old, new, who and when, the
//! YAML file and line), every template edit and comment (paragraph, field), checks the edited
//! YAML, and writes it — with the items added to `opinions.yaml`, from which `zyz build` makes the
//! 意见采纳情况汇总表 — only when all is clean; `--summary` also writes the table as a workbook.

use super::print_findings;
use crate::Exit;
use crate::cli::ImportArgs;
use crate::writeback::drafts::{Item, ItemKind};
use crate::writeback::{self, summary};

/// Entry point for drafts.
pub fn run(args: &ImportArgs) -> anyhow::Result<Exit> {
    let options = writeback::DraftOptions {
        reject_tracked: args.reject_tracked,
        merge_older: args.merge_older,
    };
    let outcome = writeback::import_drafts(&args.project.content, &args.files, options)?;
    print!("{}", listing(&outcome.items));
    let errors = print_findings(&outcome.findings);
    if let Some(path) = &args.summary {
        summary::write(path, &outcome.items, outcome.opinions.as_ref())?;
        eprintln!("wrote {} ({} items)", path.display(), outcome.items.len());
    }
    let sources = format!("{} drafts", outcome.drafts);
    super::finish(&outcome.files, errors, args.dry_run, &sources)
}

/// One line per item: `字段修改`, `模板修改` or `批注`, where, what, who and when.
fn listing(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        let who = if item.date.is_empty() {
            item.who.clone()
        } else {
            format!("{}，{}", item.who, item.date)
        };
        let line = match item.kind {
            ItemKind::Field => {
                let source = item
                    .source
                    .as_ref()
                    .map(|(f, l)| format!(" → {}:{l}", f.display()))
                    .unwrap_or_default();
                format!(
                    "字段修改 {}：{}：「{}」→「{}」（{who}）{source}",
                    item.draft, item.place, item.original, item.proposal
                )
            }
            ItemKind::Template => format!(
                "模板修改 {}：{}：{}（{who}）",
                item.draft, item.place, item.proposal
            ),
            ItemKind::Comment => format!(
                "批注 {}：{}：「{}」（{who}）",
                item.draft, item.place, item.proposal
            ),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

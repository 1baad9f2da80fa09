//! `zyz export sheets`: the fill-in workbooks (填报表) of the quarterly round trip, one per town
//! and one for the whole city, written to `sheets/<year>/<name>.xlsx` (atomically, and only when
//! the bytes differ). A separate command rather than a build sidecar: a workbook is a snapshot the
//! office sends out on a given day, it needs no typesetting, and towns without tasks have no
//! document to hang it on.

use std::collections::BTreeSet;

use crate::Exit;
use crate::archive;
use crate::cli::{ExportArgs, ExportWhat};
use crate::model;
use crate::plan::sheets;

/// Entry point of `zyz export`.
pub fn run(args: &ExportArgs) -> anyhow::Result<Exit> {
    match args.what {
        ExportWhat::Sheets => export_sheets(args),
    }
}

fn export_sheets(args: &ExportArgs) -> anyhow::Result<Exit> {
    let loaded = model::load(&args.project.content)?;
    let content = &loaded.content;
    let known: BTreeSet<&str> = content.towns.iter().map(|t| t.id.as_str()).collect();
    if let Some(unknown) = args.town.iter().find(|t| !known.contains(t.as_str())) {
        anyhow::bail!(
            "no town `{unknown}` in {} (没有这个镇)\n  hint: town ids are the file names under towns/",
            args.project.content.display()
        );
    }
    // a town whose file does not load has no workbook: say so rather than leave it out quietly
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    for d in &errors {
        eprintln!(
            "{}",
            d.render(loaded.sources.get(&d.file).map(String::as_str), false)
        );
    }
    let dir = args.out.join(content.city.plan_year.to_string());
    let mut written = 0;
    for plan in sheets::sheets(content) {
        let wanted = match &plan.town {
            None => args.town.is_empty(),
            Some((id, _)) => args.town.is_empty() || args.town.contains(id),
        };
        if !wanted {
            continue;
        }
        let bytes = crate::export::sheets::sheets_xlsx(&plan)?;
        let path = dir.join(&plan.file_name);
        archive::write_if_changed(&path, &bytes)?;
        written += 1;
    }
    eprintln!("{written} workbooks in {}", dir.display());
    Ok(if errors.is_empty() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

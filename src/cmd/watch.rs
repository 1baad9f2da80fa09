//! `zyz watch`: build once, then rebuild whenever a content or template file is saved. Fonts and
//! Typst's caches live as long as the process, and the incremental build typesets only the
//! documents whose inputs changed. Only writes, creates, removes and renames count as changes
//! (never the build's own reads). Errors are reported and watching goes on.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher as _};

use crate::Exit;
use crate::cli::BuildArgs;
use crate::pipeline::Session;

/// How long a bare write waits for the rest of its save (editors save in several steps). A save
/// that is complete (the file closed after writing, renamed into place, or removed) starts the
/// build at once.
const SETTLE: Duration = Duration::from_millis(120);

/// The paths of one change event, and whether it completes a save.
type Saved = (Vec<PathBuf>, bool);

/// Entry point of `zyz watch`.
pub fn run(args: &BuildArgs) -> anyhow::Result<Exit> {
    let options = super::build::options_from(args)?;
    let mut session = Session::new(options)?;
    let content = session.options.content.clone();
    let templates = session.options.templates.clone();
    let out = session.options.out.clone();

    // the first build's errors (a selection that builds nothing) are usage errors: stop
    let summary = super::build::build_once(&session, args.quiet)?;
    super::build::print_summary(&summary, args, &content);

    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event
            && is_change(&event.kind)
        {
            let _ = tx.send((event.paths, is_complete(&event.kind)));
        }
    })
    .context("cannot watch files on this system")?;
    for dir in [&content, &templates] {
        watcher
            .watch(dir, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
    }
    eprintln!(
        "watching {} and {} (Ctrl-C to stop)",
        content.display(),
        templates.display()
    );

    while let Ok(first) = rx.recv() {
        let paths = settle(&rx, first);
        // one line per file, however many events its save made
        let relevant: BTreeSet<&PathBuf> = paths.iter().filter(|p| is_source(p, &out)).collect();
        if relevant.is_empty() {
            continue;
        }
        if relevant.iter().any(|p| {
            p.starts_with(&templates)
                || p.canonicalize()
                    .is_ok_and(|c| templates.canonicalize().is_ok_and(|t| c.starts_with(t)))
        }) {
            session.reload_templates();
        }
        if !args.quiet {
            // notify reports absolute paths: show them as the user would type them
            let cwd = std::env::current_dir().unwrap_or_default();
            let names: Vec<String> = relevant
                .iter()
                .map(|p| p.strip_prefix(&cwd).unwrap_or(p).display().to_string())
                .collect();
            eprintln!("changed: {}", names.join(", "));
        }
        rebuild(&session, args);
    }
    Ok(Exit::Success)
}

/// The paths of one batch of saves: `first` and what has arrived since, waiting (at most
/// [`SETTLE`]) for more only while no save is complete.
fn settle(rx: &mpsc::Receiver<Saved>, first: Saved) -> Vec<PathBuf> {
    let (mut paths, mut complete) = first;
    let deadline = Instant::now() + SETTLE;
    loop {
        let wait = if complete {
            Duration::ZERO
        } else {
            deadline.saturating_duration_since(Instant::now())
        };
        let Ok((more, done)) = rx.recv_timeout(wait) else {
            return paths;
        };
        paths.extend(more);
        complete |= done;
    }
}

/// One incremental build; errors are printed, never fatal.
fn rebuild(session: &Session, args: &BuildArgs) {
    match super::build::build_once(session, args.quiet) {
        Ok(summary) => super::build::print_summary(&summary, args, &session.options.content),
        Err(err) => eprintln!("error: {err:#}"),
    }
}

/// Whether an event changes a file: a write, a create, a remove or a rename. Not an open, a read
/// or a close after reading (the build itself reads every source file: counting those reads as
/// changes made watch rebuild for ever), nor a change of metadata only.
fn is_change(kind: &EventKind) -> bool {
    is_complete(kind)
        || matches!(
            kind,
            EventKind::Create(_)
                | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Name(_) | ModifyKind::Any)
        )
}

/// Whether an event ends a save: the file closed after writing, renamed into place, or removed.
fn is_complete(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(_))
            | EventKind::Remove(_)
    )
}

/// YAML, templates and Typst files — not editor swap files, not our own output.
fn is_source(path: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.starts_with('.') || name.ends_with('~') {
        return false;
    }
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "j2" | "typ")
    )
}

#[cfg(test)]
mod tests {
    use notify::event::{CreateKind, DataChange, MetadataKind, RenameMode};

    use super::*;

    #[test]
    fn reads_are_not_changes() {
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn a_save_is_complete_when_closed_after_writing_renamed_or_removed() {
        let close_write = EventKind::Access(AccessKind::Close(AccessMode::Write));
        assert!(is_change(&close_write) && is_complete(&close_write));
        assert!(is_complete(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
        // a bare write may be the first of several: the build waits for the rest
        assert!(!is_complete(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(!is_complete(&EventKind::Create(CreateKind::File)));
    }
}

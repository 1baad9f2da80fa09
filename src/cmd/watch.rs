//! `zyz watch`: build once, then rebuild whenever a content or template file is saved. Fonts and
//! Typst's caches live as long as the process, and the incremental build typesets only the
//! documents whose inputs changed. One save is one build (`pipeline::watch`). Errors are reported
//! and watching goes on. [`follow`] is the loop `zyz serve` shares.

use std::path::Path;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use crate::Exit;
use crate::cli::BuildArgs;
use crate::pipeline::watch::{Batch, Waited, Watch};
use crate::pipeline::{Session, Summary};

/// How long saves must pause before the documents a build left for a newer save are made.
const RESUME: Duration = Duration::from_millis(300);

/// Entry point of `zyz watch`.
pub fn run(args: &BuildArgs) -> anyhow::Result<Exit> {
    let options = super::build::options_from(args)?;
    let session = Session::new(options)?;
    // the first build's errors (a selection that builds nothing) are usage errors: stop
    let summary = super::build::build_once(&session, args.quiet)?;
    super::build::print_summary(&summary, args, &session.options.content);
    follow(&RwLock::new(session), args, |_, _, _| {})?;
    Ok(Exit::Success)
}

/// Watches the session's content and templates and rebuilds once per save, printing what changed
/// and the build's summary; `after` sees each rebuild's outcome (the batch, the summary or the
/// error). Returns when watching ends.
pub fn follow(
    session: &RwLock<Session>,
    args: &BuildArgs,
    mut after: impl FnMut(&Session, &Batch, Result<&Summary, &anyhow::Error>),
) -> anyhow::Result<()> {
    let mut watch = {
        let s = session.read().expect("session lock");
        let o = &s.options;
        let watch = Watch::start(&o.content, &o.templates, &o.out)?;
        eprintln!(
            "watching {} and {} (Ctrl-C to stop)",
            o.content.display(),
            o.templates.display()
        );
        watch
    };
    session
        .write()
        .expect("session lock")
        .set_interrupt(watch.pending());
    let mut deferred = false;
    loop {
        // documents left for a newer save are made as soon as the saves pause
        let deadline = deferred.then(|| Instant::now() + RESUME);
        let batch = match watch.save_before(deadline) {
            Waited::Save(batch) => batch,
            Waited::Quiet => Batch::default(),
            Waited::Ended => break,
        };
        if batch.templates {
            session.write().expect("session lock").reload_templates();
        }
        if !args.quiet && !batch.paths.is_empty() {
            eprintln!("changed: {}", shown(&batch));
        }
        let s = session.read().expect("session lock");
        match super::build::build_once(&s, args.quiet) {
            Ok(summary) => {
                deferred = !summary.deferred.is_empty();
                super::build::print_summary(&summary, args, &s.options.content);
                after(&s, &batch, Ok(&summary));
            }
            Err(err) => {
                deferred = false;
                eprintln!("error: {err:#}");
                after(&s, &batch, Err(&err));
            }
        }
    }
    Ok(())
}

/// The changed files as the user would type them (notify reports absolute paths).
fn shown(batch: &Batch) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = cwd.canonicalize().unwrap_or(cwd);
    let names: Vec<String> = batch
        .paths
        .iter()
        .map(|p| {
            p.strip_prefix(&cwd)
                .unwrap_or(p as &Path)
                .display()
                .to_string()
        })
        .collect();
    names.join(", ")
}

//! Pipeline, watching: the saves of content and template files, one batch per save, for `zyz
//! watch` and `zyz serve`. Only writes, creates, removes and renames count as changes (never the
//! build's own reads), and a file counts only when its bytes differ from what the last build saw:
//! an editor's save makes several events (write-and-rename, `sed -i`'s temporary file renamed
//! over the original, inotify's rename pair), and the ones that arrive while the build runs would
//! otherwise start a second build of the same save.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher as _};

/// How long a bare write waits for the rest of its save (editors save in several steps). A save
/// that is complete (the file closed after writing, renamed into place, or removed) starts the
/// build at once.
const SETTLE: Duration = Duration::from_millis(120);

/// The paths of one change event, and whether it completes a save.
type Saved = (Vec<PathBuf>, bool);

/// What a file held when the last build read it: its SHA-256, or `None` when it was absent.
type Seen = Option<String>;

/// The content and template folders, watched.
pub struct Watch {
    rx: mpsc::Receiver<Saved>,
    /// Set by every change event of a source file, cleared when a batch is taken: while a build
    /// runs it says a newer save waits ([`crate::pipeline::Session::set_interrupt`]).
    pending: Arc<AtomicBool>,
    // kept alive: dropping it stops the events
    _watcher: notify::RecommendedWatcher,
    templates: PathBuf,
    out: PathBuf,
    /// Shared with the event callback, which sets `pending` only for bytes not seen yet.
    seen: Arc<Mutex<BTreeMap<PathBuf, Seen>>>,
}

/// What waiting for a save found.
#[derive(Debug)]
pub enum Waited {
    Save(Batch),
    /// No save before the deadline.
    Quiet,
    /// Watching ended.
    Ended,
}

/// One save's changed files (none: a build that makes what the last one left).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Batch {
    /// The source files whose bytes changed (absolute, as the system reports them).
    pub paths: BTreeSet<PathBuf>,
    /// A template changed: the session's cached templates must be forgotten.
    pub templates: bool,
}

impl Watch {
    /// Starts watching `content` and `templates` (recursively); `out` is never a source.
    pub fn start(content: &Path, templates: &Path, out: &Path) -> anyhow::Result<Self> {
        let (tx, rx) = mpsc::channel();
        let pending = Arc::new(AtomicBool::new(false));
        let seen: Arc<Mutex<BTreeMap<PathBuf, Seen>>> = Arc::default();
        let (flag, known) = (pending.clone(), seen.clone());
        let out_dir = absolute(out);
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event
                    && is_change(&event.kind)
                {
                    // a newer save: a source file whose bytes the last batch did not have (not
                    // the trailing events of the save being built)
                    let newer = |p: &PathBuf| {
                        let path = absolute_file(p);
                        if path.starts_with(&out_dir) || !is_source_name(&path) {
                            return false;
                        }
                        let now = fingerprint(&path);
                        known.lock().expect("seen lock").get(&path) != Some(&now)
                    };
                    if event.paths.iter().any(newer) {
                        flag.store(true, Ordering::Release);
                    }
                    let _ = tx.send((event.paths, is_complete(&event.kind)));
                }
            })
            .context("cannot watch files on this system")?;
        for dir in [content, templates] {
            watcher
                .watch(dir, RecursiveMode::Recursive)
                .with_context(|| format!("cannot watch {}", dir.display()))?;
        }
        let watch = Self {
            rx,
            pending,
            _watcher: watcher,
            templates: absolute(templates),
            out: absolute(out),
            seen,
        };
        for dir in [content, templates] {
            for entry in walkdir::WalkDir::new(absolute(dir))
                .into_iter()
                .filter_map(Result::ok)
            {
                let path = entry.into_path();
                if watch.is_source(&path) {
                    let now = fingerprint(&path);
                    watch.seen.lock().expect("seen lock").insert(path, now);
                }
            }
        }
        Ok(watch)
    }

    /// The flag set while a newer save waits (cleared as each batch is taken).
    pub fn pending(&self) -> Arc<AtomicBool> {
        self.pending.clone()
    }

    /// Waits for the next save whose bytes differ from what was seen; `None` when watching ended.
    pub fn next_save(&mut self) -> Option<Batch> {
        match self.save_before(None) {
            Waited::Save(batch) => Some(batch),
            Waited::Quiet | Waited::Ended => None,
        }
    }

    /// Waits, until `deadline` if one is given, for the next save whose bytes differ from what
    /// was seen.
    pub fn save_before(&mut self, deadline: Option<Instant>) -> Waited {
        loop {
            let first = match deadline {
                None => self.rx.recv().map_err(|_| Waited::Ended),
                Some(d) => self
                    .rx
                    .recv_timeout(d.saturating_duration_since(Instant::now()))
                    .map_err(|e| match e {
                        mpsc::RecvTimeoutError::Timeout => Waited::Quiet,
                        mpsc::RecvTimeoutError::Disconnected => Waited::Ended,
                    }),
            };
            let first = match first {
                Ok(first) => first,
                Err(waited) => return waited,
            };
            let paths = settle(&self.rx, first);
            let mut changed = BTreeSet::new();
            for path in paths {
                let path = absolute_file(&path);
                if !self.is_source(&path) || changed.contains(&path) {
                    continue;
                }
                let now = fingerprint(&path);
                let mut seen = self.seen.lock().expect("seen lock");
                if seen.get(&path) != Some(&now) {
                    seen.insert(path.clone(), now);
                    changed.insert(path);
                }
            }
            // what came before this point is in this batch
            self.pending.store(false, Ordering::Release);
            if changed.is_empty() {
                continue;
            }
            let templates = changed.iter().any(|p| p.starts_with(&self.templates));
            return Waited::Save(Batch {
                paths: changed,
                templates,
            });
        }
    }

    /// YAML, templates and Typst files — not editor swap files, not our own output.
    fn is_source(&self, path: &Path) -> bool {
        !path.starts_with(&self.out) && is_source_name(path)
    }
}

/// The file's SHA-256, or `None` when it cannot be read (removed).
fn fingerprint(path: &Path) -> Seen {
    std::fs::read(path)
        .ok()
        .map(|bytes| crate::archive::sha256_hex(&bytes))
}

/// `path` with symlinks and `..` resolved, when it exists.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// `path` with its folder resolved (symlinks, `..`), so that one file has one name; the file
/// itself may be gone.
fn absolute_file(path: &Path) -> PathBuf {
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => dir
            .canonicalize()
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
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

/// YAML, templates and Typst files — not editor swap files.
fn is_source_name(path: &Path) -> bool {
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

    #[test]
    fn a_save_counts_once_whatever_events_it_makes() {
        let dir = tempfile::tempdir().unwrap();
        let (content, templates, out) = (
            dir.path().join("content"),
            dir.path().join("templates"),
            dir.path().join("output"),
        );
        for d in [&content, &templates, &out] {
            std::fs::create_dir_all(d).unwrap();
        }
        let town = content.join("a.yaml");
        std::fs::write(&town, "x: 1\n").unwrap();
        let mut watch = Watch::start(&content, &templates, &out).unwrap();
        // `sed -i`: a temporary file written, then renamed over the original
        let temp = content.join("sedAbC12");
        std::fs::write(&temp, "x: 2\n").unwrap();
        std::fs::rename(&temp, &town).unwrap();
        let batch = watch.next_save().unwrap();
        assert_eq!(
            batch.paths.into_iter().collect::<Vec<_>>(),
            [absolute_file(&town)]
        );
        // the rename's later events and a rewrite of the same bytes are not a second save
        std::fs::write(&town, "x: 2\n").unwrap();
        std::fs::write(content.join("b.yaml"), "y: 1\n").unwrap();
        let batch = watch.next_save().unwrap();
        assert_eq!(
            batch.paths.into_iter().collect::<Vec<_>>(),
            [absolute_file(&content.join("b.yaml"))]
        );
    }
}

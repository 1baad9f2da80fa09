//! Serve, state: what the last build saw (a [`Snapshot`], replaced whole after each build and
//! read by every request), the generation counter the live connections wait on, and which
//! documents are open in a browser.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Duration;

use crate::archive::Manifest;
use crate::diag::Diagnostic;
use crate::pipeline::{Session, Summary, View};

use super::svg::PageCache;

/// The content, verdicts, documents and findings of one build, and the manifest after it.
pub struct Snapshot {
    /// Counts the builds since the server started (0: the first).
    pub generation: u64,
    pub view: View,
    pub manifest: Manifest,
    /// Every finding of the build: content, Typst's, and why each failed document failed.
    pub findings: Vec<Diagnostic>,
    /// Failed documents by output path.
    pub failed: BTreeMap<String, Vec<Diagnostic>>,
    /// Content files' text, by the path findings name (for the line under each finding).
    pub sources: BTreeMap<PathBuf, String>,
    /// The content folder (findings are shown relative to its parent, as `zyz check` does).
    pub content_dir: PathBuf,
    /// The load errors of the last save when it broke a file: shown over the page, while the
    /// rest of this snapshot is the last good one.
    pub overlay: Vec<Diagnostic>,
}

/// What one build changed, as the live connections are told.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Change {
    /// Counts the changes told (what a live connection waits past).
    pub seq: u64,
    /// The snapshot's generation.
    pub generation: u64,
    /// Documents whose pages changed: output path → the new version (its input hash).
    pub docs: BTreeMap<String, String>,
    /// Whether the overlay (a broken file) is shown.
    pub overlay: bool,
}

/// Everything the request threads share.
pub struct State {
    pub session: Arc<RwLock<Session>>,
    snapshot: RwLock<Arc<Snapshot>>,
    last: Mutex<Change>,
    changed: Condvar,
    pub pages: PageCache,
    /// Documents open in a browser (one count per live connection): their pages are drawn as
    /// the build lays them out.
    open: Mutex<BTreeMap<String, usize>>,
    /// Required of every request when set (`--host` not loopback).
    pub token: Option<String>,
    /// The facts the pages show, arranged once per snapshot (by generation).
    pub facts: Mutex<Option<(u64, Arc<super::view::Facts>)>>,
}

impl State {
    pub fn new(session: Arc<RwLock<Session>>, first: Snapshot, token: Option<String>) -> Self {
        Self {
            session,
            snapshot: RwLock::new(Arc::new(first)),
            last: Mutex::new(Change::default()),
            changed: Condvar::new(),
            pages: PageCache::default(),
            open: Mutex::new(BTreeMap::new()),
            token,
            facts: Mutex::new(None),
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().expect("snapshot lock").clone()
    }

    /// Takes in a build's outcome: a new snapshot (or, when the save broke a file, the last good
    /// one with the overlay), then wakes the live connections.
    pub fn update(&self, session: &Session, result: Result<&Summary, &anyhow::Error>) {
        let old = self.snapshot();
        let generation = old.generation + 1;
        let next = match result {
            Ok(summary) => match Snapshot::of(session, summary, generation) {
                Some(next) => next,
                None => return,
            },
            Err(err) => {
                let content = &session.options.content;
                let why = Diagnostic::error(content, 0, 0, "build", format!("{err:#}"));
                old.with_overlay(generation, vec![why])
            }
        };
        // a broken file's data is missing from this build: the last good view stays underneath
        let next = if next.view.load_errors.is_empty() {
            next
        } else {
            old.with_overlay(generation, next.overlay)
        };
        let docs = changed_docs(&old, &next);
        let overlay = !next.overlay.is_empty();
        *self.snapshot.write().expect("snapshot lock") = Arc::new(next);
        self.tell(Change {
            seq: 0,
            generation,
            docs,
            overlay,
        });
    }

    /// Tells the live connections at once that a document's pages were drawn anew (while its
    /// build goes on: its PDF and the other documents follow).
    pub fn drawn(&self, path: &str, version: &str) {
        let snapshot = self.snapshot();
        self.tell(Change {
            seq: 0,
            generation: snapshot.generation,
            docs: [(path.to_owned(), version.to_owned())].into(),
            overlay: !snapshot.overlay.is_empty(),
        });
    }

    fn tell(&self, mut change: Change) {
        let mut last = self.last.lock().expect("change lock");
        change.seq = last.seq + 1;
        *last = change;
        self.changed.notify_all();
    }

    /// The number of the last change told.
    pub fn seq(&self) -> u64 {
        self.last.lock().expect("change lock").seq
    }

    /// Waits (at most `limit`) for a change after the `seen`-th; the change, if one came.
    pub fn wait_change(&self, seen: u64, limit: Duration) -> Option<Change> {
        let last = self.last.lock().expect("change lock");
        let (last, _) = self
            .changed
            .wait_timeout_while(last, limit, |c| c.seq <= seen)
            .expect("change lock");
        (last.seq > seen).then(|| last.clone())
    }

    /// Marks a document open for as long as the returned guard lives.
    pub fn open(&self, path: &str) -> OpenGuard<'_> {
        *self
            .open
            .lock()
            .expect("open lock")
            .entry(path.to_owned())
            .or_default() += 1;
        OpenGuard {
            state: self,
            path: path.to_owned(),
        }
    }

    /// Whether a document is open in some browser.
    pub fn is_open(&self, path: &str) -> bool {
        self.open.lock().expect("open lock").contains_key(path)
    }
}

/// Keeps a document marked open (see [`State::open`]).
pub struct OpenGuard<'a> {
    state: &'a State,
    path: String,
}

impl Drop for OpenGuard<'_> {
    fn drop(&mut self) {
        let mut open = self.state.open.lock().expect("open lock");
        if let Some(n) = open.get_mut(&self.path) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.path);
            }
        }
    }
}

impl Snapshot {
    /// The snapshot of a finished build (`None` when the build planned nothing to show).
    pub fn of(session: &Session, summary: &Summary, generation: u64) -> Option<Self> {
        let view = summary.view.clone()?;
        let mut findings = summary.findings.clone();
        findings.extend(summary.typst_warnings.iter().cloned());
        Some(Self {
            generation,
            manifest: Manifest::read(&session.options.out),
            findings,
            failed: summary.failed.iter().cloned().collect(),
            sources: summary.sources.clone(),
            content_dir: session.options.content.clone(),
            overlay: view.load_errors.clone(),
            view,
        })
    }

    /// This snapshot, kept under a new generation with an overlay.
    fn with_overlay(&self, generation: u64, overlay: Vec<Diagnostic>) -> Snapshot {
        Snapshot {
            generation,
            view: self.view.clone(),
            manifest: self.manifest.clone(),
            findings: self.findings.clone(),
            failed: self.failed.clone(),
            sources: self.sources.clone(),
            content_dir: self.content_dir.clone(),
            overlay,
        }
    }

    /// The planned document at an output path.
    pub fn doc(&self, path: &str) -> Option<&crate::plan::Doc> {
        self.view.docs.iter().find(|d| d.path == path)
    }

    /// The text of the file a finding names, for the line shown under it.
    pub fn source_of(&self, d: &Diagnostic) -> Option<&str> {
        if d.line == 0 {
            return None;
        }
        let rel = crate::diag::display_path(&d.file, &self.content_dir);
        self.sources
            .get(&d.file)
            .or_else(|| self.sources.get(&rel))
            .map(String::as_str)
    }
}

/// The documents whose input hash differs between two snapshots (or that are new).
fn changed_docs(old: &Snapshot, new: &Snapshot) -> BTreeMap<String, String> {
    let before: BTreeMap<&str, &str> = old
        .view
        .docs
        .iter()
        .map(|d| (d.path.as_str(), d.inputs_sha256.as_str()))
        .collect();
    let kept: BTreeSet<&str> = before.keys().copied().collect();
    new.view
        .docs
        .iter()
        .filter(|d| !kept.contains(d.path.as_str()) || before[d.path.as_str()] != d.inputs_sha256)
        .map(|d| (d.path.clone(), d.inputs_sha256.clone()))
        .collect()
}

//! The typesetting pool and the committer: documents typeset in parallel on a rayon pool of the
//! build's own, their files moved into place and the manifest kept in step, batch by batch.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::make::Unmade;
use super::{COMMIT_WINDOW, EDITED_FIRST, Event, Finished, Made, Session, SetOnDrop, Timings};
use crate::archive::{Entry, FileEntry, Manifest, Staged};
use crate::plan::Doc;

/// A city-wide document of more pages than this drops Typst's whole cache after it even in an
/// edit's build: its layout is large (the ranking of 1,000 towns held ~300 MB) and nothing else
/// reuses it. The sample's largest has 12.
const LARGE_CITY_PAGES: usize = 24;

/// After an edit's build, what Typst cached and the last this many builds did not use is dropped:
/// the open document's next edit is laid out from the cache (the sample's application: ~30 ms
/// instead of ~100 ms), while memory stays bounded.
const KEPT_EDITS: usize = 4;

impl Session {
    /// Typesets `todo` in parallel; the committer (this thread) moves finished files into place
    /// and keeps the manifest in step, batch by batch. Returns every document's event.
    pub(super) fn make_all(
        &self,
        todo: &[&Doc],
        manifest: &mut Manifest,
        timings: &Timings,
        on_event: &(dyn Fn(&Event, usize, usize) + Sync),
    ) -> anyhow::Result<Vec<Event>> {
        let (tx, rx) = mpsc::channel::<Made>();
        let pool = self.pool()?;
        let mut events = Vec::new();
        std::thread::scope(|scope| -> anyhow::Result<()> {
            scope.spawn(|| {
                self.typeset_all(&pool, todo, timings, tx);
            });
            while let Ok(first) = rx.recv() {
                // Documents finished within a short window are committed together, so that at a
                // thousand towns the manifest is rewritten a few times a second, not after every
                // document. The last batch goes as soon as the threads are done; a small build
                // (an edit's) commits each document as it comes.
                let mut batch = vec![first];
                let window = if todo.len() <= EDITED_FIRST * self.options.jobs.max(1) {
                    Duration::ZERO // an edit's few documents: each on disk as soon as it is made
                } else {
                    COMMIT_WINDOW
                };
                let until = Instant::now() + window;
                while let Ok(more) =
                    rx.recv_timeout(until.saturating_duration_since(Instant::now()))
                {
                    batch.push(more);
                }
                let start = Instant::now();
                for event in self.commit(batch, manifest)? {
                    on_event(&event, events.len() + 1, todo.len());
                    events.push(event);
                }
                Timings::add(&timings.write, start);
            }
            Ok(())
        })?;
        Ok(events)
    }

    /// The typesetting threads: a rayon pool of their own. Typst splits its own work with rayon
    /// (page runs, PDF fonts): inside the pool a thread waiting for such a split helps with it
    /// instead of sleeping while another spins. Documents are never rayon jobs, so a waiting
    /// thread cannot pick up another whole document and nest it on its stack (that overflowed at
    /// 2,000 documents, docs/benchmarks.md). `jobs` threads even for fewer documents: the idle
    /// ones help Typst's own splits.
    fn pool(&self) -> anyhow::Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.options.jobs.max(1))
            .thread_name(|i| format!("zyz-typeset-{i}"))
            .build()
            .context("cannot start the typesetting threads")
    }

    /// One loop per thread (`broadcast`). City-wide documents grow with the number of towns (the
    /// ranking and the ledger of 1,000 towns each hold ~300 MB while Typst lays them out): the
    /// first thread typesets them one at a time, clearing Typst's cache after each (nothing else
    /// reuses their layout), while the other threads only help with Typst's own parallel work;
    /// then every thread takes town documents in order until none is left. Town documents
    /// typeset beside a city-wide one made the build's peak memory (N = 1,000: 644–666 MB with
    /// them beside it, 506–507 MB without, same wall time; docs/benchmarks.md). After an edit (a
    /// few town documents stale) every thread takes the town documents first, and the first
    /// thread the city-wide ones after them.
    fn typeset_all<'a>(
        &self,
        pool: &rayon::ThreadPool,
        todo: &[&'a Doc],
        timings: &Timings,
        tx: mpsc::Sender<Made<'a>>,
    ) {
        let (heavy, mut light): (Vec<&Doc>, Vec<&Doc>) =
            todo.iter().copied().partition(|doc| doc.town.is_none());
        light.sort_by_key(|doc| !self.is_looked_at(doc));
        // After an edit only a few town documents are stale: those are what the user is looking
        // at, so every thread takes them first and the city-wide ones follow.
        let edited_first = light.len() <= EDITED_FIRST * self.options.jobs.max(1);
        let next = AtomicUsize::new(0);
        let towns = || {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&doc) = light.get(i) else { break };
                if self.deferrable(doc) {
                    continue;
                }
                let Some(result) = Unmade::sendable(self.make(doc, timings)) else {
                    continue;
                };
                // Bounded memory over long batches: drop Typst's cached results that have not
                // been used recently.
                if i % 16 == 15 {
                    comemo::evict(1);
                }
                if tx.send((doc, result)).is_err() {
                    break;
                }
            }
        };
        let city_done = AtomicBool::new(heavy.is_empty());
        let city = || {
            // set however the loop ends (an error, a panic), so no thread waits for ever
            let _done = SetOnDrop(&city_done);
            for &doc in &heavy {
                if self.deferrable(doc) {
                    continue;
                }
                let made = self.make(doc, timings);
                // a large one's layout is dropped at once; after an edit a small one's stays
                // with the town documents' (the next edit lays them out again from the cache)
                let pages = match &made {
                    Ok(finished) => finished.pages,
                    Err(Unmade::Deferred(pages)) => *pages,
                    Err(Unmade::Failed(_)) => 0,
                };
                if !edited_first || pages > LARGE_CITY_PAGES {
                    comemo::evict(0);
                }
                let Some(result) = Unmade::sendable(made) else {
                    continue;
                };
                if tx.send((doc, result)).is_err() {
                    return;
                }
            }
        };
        pool.broadcast(|thread| match (thread.index() == 0, edited_first) {
            (true, true) => {
                towns();
                city();
            }
            (true, false) => {
                city();
                towns();
            }
            (false, true) => towns(),
            (false, false) => {
                // help with Typst's splits of the city-wide documents until they are done
                while !city_done.load(Ordering::Acquire) {
                    if rayon::yield_now() != Some(rayon::Yield::Executed) {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                }
                towns();
            }
        });
        // The committer's `recv` ends once the last sender (this one) is gone.
        drop(tx);
        if edited_first {
            comemo::evict(KEPT_EDITS);
        }
    }

    /// Commits one batch. The manifest only ever names files exactly as they are on disk: first
    /// the entries about to be replaced are dropped (and that manifest written), then the files
    /// are renamed into place, then their new entries are written.
    fn commit(&self, batch: Vec<Made>, manifest: &mut Manifest) -> anyhow::Result<Vec<Event>> {
        let out = &self.options.out;
        let replaced: BTreeSet<&str> = batch
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(d, _)| d.path.as_str())
            .collect();
        if manifest
            .documents
            .iter()
            .any(|e| replaced.contains(e.path.as_str()))
        {
            manifest
                .documents
                .retain(|e| !replaced.contains(e.path.as_str()));
            manifest.write_to(out, self.options.shard)?;
        }
        let mut events = Vec::new();
        for (doc, result) in batch {
            events.push(match result {
                Ok(finished) => self.commit_one(doc, finished, manifest),
                Err(diagnostics) => Event::Failed {
                    path: doc.path.clone(),
                    diagnostics,
                },
            });
        }
        manifest.write_to(out, self.options.shard)?;
        Ok(events)
    }

    /// Renames one document's files into place and records it in the manifest.
    fn commit_one(&self, doc: &Doc, finished: Finished, manifest: &mut Manifest) -> Event {
        let Finished {
            sha256,
            pages,
            staged,
            sidecars,
            warnings,
        } = finished;
        let (files, sidecars): (Vec<FileEntry>, Vec<Staged>) = sidecars.into_iter().unzip();
        let committed = staged
            .commit()
            .and_then(|()| sidecars.into_iter().try_for_each(Staged::commit));
        if let Err(err) = committed {
            return Event::Failed {
                path: doc.path.clone(),
                diagnostics: vec![super::make::write_error(
                    &self.options.out.join(&doc.path),
                    &err,
                )],
            };
        }
        manifest.documents.push(Entry {
            path: doc.path.clone(),
            kind: doc.kind.to_owned(),
            town: doc.town.clone(),
            year: doc.year,
            inputs_sha256: doc.inputs_sha256.clone(),
            data_sha256: Some(doc.data_sha256()),
            sha256,
            pages,
            files,
            issued: None,
        });
        Event::Built {
            path: doc.path.clone(),
            pages,
            warnings,
        }
    }
}

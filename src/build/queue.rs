//! Build stage, scheduling: the queue the typesetting threads pull documents from.
//!
//! City-wide documents (the ranking, the ledger, the city plan, the commendation) grow with the
//! number of towns: at 1,000 towns the ranking alone holds ~300 MB while Typst lays it out. So a
//! "heavy" document runs alone: it starts when nothing else is in flight, and nothing starts until
//! it is done. Heavy documents go first (one at a time, a few seconds at 1,000 towns), then the
//! town documents in parallel.

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex};

/// Documents to typeset, handed out one at a time to worker threads.
pub struct Queue<T> {
    state: Mutex<State<T>>,
    ready: Condvar,
}

struct State<T> {
    heavy: VecDeque<T>,
    light: VecDeque<T>,
    heavy_running: bool,
    /// Items handed out and not yet done.
    in_flight: usize,
}

/// What a worker got: the item, and whether it is heavy (pass that back to [`Queue::done`]).
pub struct Taken<T> {
    pub item: T,
    pub heavy: bool,
}

impl<T> Queue<T> {
    /// `items` in their order, `is_heavy` telling the heavy ones apart.
    pub fn new(items: impl IntoIterator<Item = T>, is_heavy: impl Fn(&T) -> bool) -> Self {
        let (mut heavy, mut light) = (VecDeque::new(), VecDeque::new());
        for item in items {
            if is_heavy(&item) {
                heavy.push_back(item);
            } else {
                light.push_back(item);
            }
        }
        Self {
            state: Mutex::new(State {
                heavy,
                light,
                heavy_running: false,
                in_flight: 0,
            }),
            ready: Condvar::new(),
        }
    }

    /// The next item: a heavy one once nothing is in flight, else (no heavy one running) a light
    /// one; waits otherwise. `None` when everything has been handed out.
    pub fn take(&self) -> Option<Taken<T>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if state.heavy.is_empty() && state.light.is_empty() {
                return None;
            }
            if !state.heavy_running {
                if !state.heavy.is_empty() {
                    if state.in_flight == 0
                        && let Some(item) = state.heavy.pop_front()
                    {
                        state.heavy_running = true;
                        state.in_flight += 1;
                        return Some(Taken { item, heavy: true });
                    }
                } else if let Some(item) = state.light.pop_front() {
                    state.in_flight += 1;
                    return Some(Taken { item, heavy: false });
                }
            }
            state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A guard that calls [`Queue::done`] when dropped, also when the worker unwinds from a
    /// panic, so the other workers never wait for an item that will not finish.
    pub fn done_on_drop(&self, heavy: bool) -> DoneOnDrop<'_, T> {
        DoneOnDrop { queue: self, heavy }
    }

    /// A worker finished an item it took; `heavy` as [`Taken::heavy`] said.
    pub fn done(&self, heavy: bool) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.in_flight -= 1;
        if heavy {
            state.heavy_running = false;
        }
        drop(state);
        self.ready.notify_all();
    }
}

/// See [`Queue::done_on_drop`].
pub struct DoneOnDrop<'q, T> {
    queue: &'q Queue<T>,
    heavy: bool,
}

impl<T> Drop for DoneOnDrop<'_, T> {
    fn drop(&mut self) {
        self.queue.done(self.heavy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_heavy_item_runs_alone() {
        let items: Vec<u32> = (0..40).collect();
        let queue = Queue::new(items, |n| n % 10 == 0);
        let (running, heavy_overlapped, seen) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            Mutex::new(Vec::new()),
        );
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    while let Some(t) = queue.take() {
                        let others = running.fetch_add(1, Ordering::SeqCst);
                        if t.heavy && others > 0 {
                            heavy_overlapped.fetch_add(1, Ordering::SeqCst);
                        }
                        std::thread::sleep(std::time::Duration::from_millis(2));
                        if t.heavy && running.load(Ordering::SeqCst) > 1 {
                            heavy_overlapped.fetch_add(1, Ordering::SeqCst);
                        }
                        seen.lock().unwrap().push(t.item);
                        running.fetch_sub(1, Ordering::SeqCst);
                        queue.done(t.heavy);
                    }
                });
            }
        });
        assert_eq!(heavy_overlapped.load(Ordering::SeqCst), 0);
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (0..40).collect::<Vec<_>>(), "every item exactly once");
    }

    #[test]
    fn heavy_items_go_first_then_light_ones() {
        let queue = Queue::new(0..6, |n| *n == 0 || *n == 3);
        let a = queue.take().unwrap();
        assert_eq!((a.item, a.heavy), (0, true));
        queue.done(a.heavy);
        let b = queue.take().unwrap();
        assert_eq!((b.item, b.heavy), (3, true));
        queue.done(b.heavy);
        let rest: Vec<u32> = std::iter::from_fn(|| {
            let t = queue.take()?;
            queue.done(t.heavy);
            Some(t.item)
        })
        .collect();
        assert_eq!(rest, vec![1, 2, 4, 5]);
    }

    #[test]
    fn a_queue_of_only_heavy_items_drains() {
        let queue = Queue::new(vec![1, 2, 3], |_| true);
        let mut order = Vec::new();
        while let Some(t) = queue.take() {
            order.push(t.item);
            queue.done(t.heavy);
        }
        assert_eq!(order, vec![1, 2, 3]);
    }
}

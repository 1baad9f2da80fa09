//! Build stage, scheduling: the queue the typesetting threads pull documents from.
//!
//! City-wide documents (the ranking, the ledger, the city plan, the commendation) grow with the
//! number of towns: at 1,000 towns the ranking alone holds ~300 MB while Typst lays it out. Two of
//! them side by side would double that, so at most one "heavy" document is in flight at a time; the
//! other threads keep taking town documents meanwhile. Heavy documents go first, so the last
//! seconds of a build are never one long document with the other cores idle.

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
            }),
            ready: Condvar::new(),
        }
    }

    /// The next item: a heavy one if none is in flight, else a light one; waits while only heavy
    /// items are left and one is in flight. `None` when everything has been handed out.
    pub fn take(&self) -> Option<Taken<T>> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if !state.heavy_running
                && let Some(item) = state.heavy.pop_front()
            {
                state.heavy_running = true;
                return Some(Taken { item, heavy: true });
            }
            if let Some(item) = state.light.pop_front() {
                return Some(Taken { item, heavy: false });
            }
            if state.heavy.is_empty() {
                return None;
            }
            state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// A worker finished an item it took; `heavy` as [`Taken::heavy`] said.
    pub fn done(&self, heavy: bool) {
        if heavy {
            let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            state.heavy_running = false;
            drop(state);
            self.ready.notify_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn never_two_heavy_items_at_once() {
        let items: Vec<u32> = (0..40).collect();
        let queue = Queue::new(items, |n| n % 10 == 0);
        let (running, most, seen) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            Mutex::new(Vec::new()),
        );
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    while let Some(t) = queue.take() {
                        seen.lock().unwrap().push(t.item);
                        if t.heavy {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(5));
                            running.fetch_sub(1, Ordering::SeqCst);
                        }
                        queue.done(t.heavy);
                    }
                });
            }
        });
        assert_eq!(most.load(Ordering::SeqCst), 1);
        let mut seen = seen.into_inner().unwrap();
        seen.sort();
        assert_eq!(seen, (0..40).collect::<Vec<_>>(), "every item exactly once");
    }

    #[test]
    fn heavy_items_go_first_and_light_ones_fill_in() {
        let queue = Queue::new(0..6, |n| *n == 0 || *n == 3);
        let a = queue.take().unwrap();
        assert_eq!((a.item, a.heavy), (0, true));
        // a heavy item is in flight: the next heavy one waits, light ones go
        let b = queue.take().unwrap();
        assert_eq!((b.item, b.heavy), (1, false));
        queue.done(a.heavy);
        let c = queue.take().unwrap();
        assert_eq!((c.item, c.heavy), (3, true));
        let rest: Vec<u32> = std::iter::from_fn(|| queue.take().map(|t| t.item)).collect();
        assert_eq!(rest, vec![2, 4, 5]);
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

//! One memory budget for every full decode a process runs (`--deep`, and
//! `fix`'s image rewrites): a decode reserves what it may allocate before it
//! starts and waits while others hold the budget, so eight huge images
//! decode one after another inside the budget instead of all at once.

use std::sync::{Condvar, Mutex};
use std::time::Instant;

/// Bytes all decodes together may hold.
pub(crate) const DECODE_BUDGET: u64 = 1 << 30;

pub(crate) struct MemBudget {
    total: u64,
    used: Mutex<u64>,
    freed: Condvar,
}

/// Bytes held until dropped.
pub(crate) struct Reservation<'a> {
    budget: &'a MemBudget,
    /// What was reserved: the decode's allocation cap.
    pub(crate) bytes: u64,
}

impl MemBudget {
    pub(crate) const fn new(total: u64) -> Self {
        MemBudget {
            total,
            used: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Reserves `want` bytes (at most the whole budget), waiting while
    /// others hold too much; `None` when `deadline` passes first.
    pub(crate) fn reserve(&self, want: u64, deadline: Option<Instant>) -> Option<Reservation<'_>> {
        let want = want.clamp(1, self.total);
        let mut used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        while *used + want > self.total {
            used = match deadline {
                None => self.freed.wait(used).unwrap_or_else(|e| e.into_inner()),
                Some(d) => {
                    let left = d.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return None;
                    }
                    self.freed
                        .wait_timeout(used, left)
                        .unwrap_or_else(|e| e.into_inner())
                        .0
                }
            };
        }
        *used += want;
        Some(Reservation {
            budget: self,
            bytes: want,
        })
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|e| e.into_inner());
        *used = used.saturating_sub(self.bytes);
        self.budget.freed.notify_all();
    }
}

/// The process's decode budget.
pub(crate) static DECODES: MemBudget = MemBudget::new(DECODE_BUDGET);

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn reservations_wait_for_the_budget_and_give_up_at_the_deadline() {
        let b = MemBudget::new(100);
        let first = b.reserve(80, None).unwrap();
        // Capped at the whole budget; does not fit beside the first.
        let soon = Instant::now() + Duration::from_millis(50);
        assert!(b.reserve(1000, Some(soon)).is_none());
        assert!(b.reserve(20, Some(soon)).is_some());
        std::thread::scope(|s| {
            let waiter = s.spawn(|| b.reserve(50, None).map(|r| r.bytes));
            std::thread::sleep(Duration::from_millis(20));
            drop(first);
            assert_eq!(waiter.join().unwrap(), Some(50));
        });
    }
}

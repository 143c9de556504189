//! One simulated browser for every native test of the core (the unit tests
//! of `tests/core_*.rs` and the multi-tab simulator of `tests/sim.rs`): a
//! clock, pages of one origin with a guard each, driven the way the
//! browser shell drives the core, over one `localStorage`, a
//! `BroadcastChannel` and `storage` events with delivery delays, Web Locks,
//! timers that may fire late, and a wall clock that may be set back.
//!
//! The files, by role: `world.rs` (the world, the app's calls, what a test
//! reads), `door.rs` (the one place a core is made and driven: the door
//! and the shell's effect loop), `time.rs` (timers, deliveries, the
//! answers of the app and of the locks), `bus.rs` (storage, the channel
//! and the messages in flight), `tab.rs` (a page's guard and the log of
//! what it was told), `opts.rs` (options, and the habits of a page and its
//! app), `away.rs` (pages that go away for good, vanish, sit in the
//! back-forward cache and come back), `monitor.rs` (hooks for a test's own
//! model and invariants).
#![allow(dead_code, unused_imports)]

mod away;
mod bus;
mod door;
mod monitor;
mod opts;
mod tab;
mod time;
mod world;

pub use bus::{Bus, Logged, Op, NEWER_FIELDS};
pub use door::{brief, describe, parse, Call, View};
pub use monitor::{Fact, Monitor};
pub use opts::Opts;
pub use tab::{Effect, Tab};
pub use world::World;

use session_guard::core::{Horizon, Record, ServerDeadlines};

/// An epoch time to start the clock at; traces print times from here.
pub const T0: u64 = 1_700_000_000_000;
pub const SEC: u64 = 1_000;
pub const MIN: u64 = 60 * SEC;
pub const HOUR: u64 = 60 * MIN;
pub const DAY: u64 = 24 * HOUR;

/// How a guard shares its session: not at all, through storage and the
/// channel only, or with Web Locks as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub cross_tab: bool,
    pub locks: bool,
}

pub const LOCAL: Mode = Mode {
    cross_tab: false,
    locks: false,
};
pub const SHARED: Mode = Mode {
    cross_tab: true,
    locks: false,
};
pub const LOCKED: Mode = Mode {
    cross_tab: true,
    locks: true,
};
/// Every way a single guard can run.
pub const MODES: [Mode; 3] = [LOCAL, SHARED, LOCKED];
/// Every way a shared session can run.
pub const TAB_MODES: [Mode; 2] = [SHARED, LOCKED];

/// A live record as another tab would store it.
pub fn live_record(started_at: u64, last_activity: u64) -> Record {
    Record {
        id: started_at,
        login: false,
        after: 0,
        after_end: None,
        left_at: 0,
        ping: None,
        sign_in: started_at,
        server: ServerDeadlines::default(),
        keep_alive_at: started_at,
        started_at,
        last_activity,
        remember_me: false,
        remember_at: started_at,
        ended: None,
        held: false,
        hold_changed: None,
        horizon: Horizon::default(),
    }
}

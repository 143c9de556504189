//! The sans-IO core: every rule of the contract once, as a state machine
//! fed with inputs and `now`. Nothing here touches the browser, and
//! `cargo test` runs all of it natively.
//!
//! This module is a supported API (the browser guard is a shell around
//! it): a Rust app that keeps its own event loop, a test that needs a
//! guard's decisions without a browser, or a shell for another host drives
//! a [`Session`] directly. Its shape is that of quinn-proto and str0m:
//! - [`Session::start`] reads the stored session through a [`Storage`]
//!   port (the browser backs it with `localStorage`) and begins or resumes
//!   it;
//! - every input then goes through one door, [`Session::handle`]: the
//!   page's activity, the timer, another tab's message, the app's calls,
//!   and the answers to the core's own requests ([`Answer`]);
//! - outputs are pulled and split by who receives them: [`Session::poll`]
//!   gives [`Event`]s for the app (its callbacks), [`Session::poll_command`]
//!   gives [`Command`]s for the host (post a message to the other tabs, take
//!   or drop a lock), and [`Session::next_wake`] says when to hand it
//!   [`Input::Wake`].
//!
//! Time is epoch milliseconds, because deadlines are compared across tabs
//! and reloads; a late wake (a sleeping laptop) ends a session, never
//! extends it.
//!
//! ```
//! use session_guard::core::{Config, Event, Input, RawOptions, Reason, Session, Storage, StorageFailed};
//!
//! /// One tab alone: the record lives in memory.
//! #[derive(Default)]
//! struct Memory(Option<String>);
//!
//! impl Storage for Memory {
//!     fn read(&mut self) -> Result<Option<String>, StorageFailed> {
//!         Ok(self.0.clone())
//!     }
//!     fn store(&mut self, record: &str) -> Result<(), StorageFailed> {
//!         self.0 = Some(record.to_string());
//!         Ok(())
//!     }
//! }
//!
//! let config: Config = RawOptions {
//!     idle_timeout_ms: Some(60_000.0),
//!     warn_before_ms: Some(10_000.0),
//!     ..RawOptions::new()
//! }
//! .validate()
//! .expect("valid options");
//! let mut store = Memory::default();
//! let t0 = 1_700_000_000_000;
//! let mut session = Session::start(&config, false, t0, &mut store);
//!
//! // Activity at +20 s moves the idle end to +80 s.
//! session.handle(Input::Activity, t0 + 20_000, &mut store);
//! assert_eq!(session.expires_at(), Some(t0 + 80_000));
//!
//! // The host's timer fires when the core asks, here first for the warning.
//! let wake = session.next_wake().unwrap();
//! assert_eq!(wake, t0 + 70_000);
//! session.handle(Input::Wake, wake, &mut store);
//!
//! // A laptop that sleeps through the end: the first wake after it ends
//! // the session at its deadline, whatever the input.
//! session.handle(Input::Activity, t0 + 3_600_000, &mut store);
//! let mut events = Vec::new();
//! while let Some(e) = session.poll() {
//!     events.push(e);
//! }
//! assert!(matches!(events[..], [
//!     Event::Activity { .. },
//!     Event::Warning { reason: Reason::Idle, remaining_ms: 10_000, .. },
//!     Event::SignedOut { reason: Reason::Idle, at, remote: false, restored: false },
//! ] if at == t0 + 80_000));
//! // Commands (channel posts, locks) are for the host: none without other tabs to tell.
//! while session.poll_command().is_some() {}
//! ```

mod json;
mod options;
mod output;
mod record;
mod session;

#[cfg(target_arch = "wasm32")]
pub(crate) use json::push_int;
pub use options::{
    problem, Config, Limits, Opt, OptDefault, OptionError, RawOptions, DEFAULT_EVENTS,
    DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_DURATION_MS, DEFAULT_REMEMBER_ME_PERIOD_MS,
    DEFAULT_STORAGE_KEY, FUTURE_TOLERANCE_MS, MIN_EPOCH_MS, NOT_DURATION,
};
pub use output::{Command, Event, Problem, Snapshot};
pub use record::{End, Horizon, Learned, Record, RecordError, ServerDeadlines, VERSION};
pub use session::{
    Answer, Input, ServerSync, Session, Storage, StorageFailed, SyncError,
    ACTIVITY_CALLBACK_INTERVAL_MS, DELIVERY_MARGIN_MS, KEEP_ALIVE_RETRY_MS, PING_WAIT_MS,
    PUBLISH_INTERVAL_MS,
};

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No activity for the idle window.
    Idle,
    /// The absolute lifetime ran out.
    Absolute,
    /// `signOut()` was called.
    Manual,
    /// No page of the session was open for `closedTimeoutMs`.
    Closed,
}

impl Reason {
    /// The contract's name: `"idle"`, `"absolute"`, `"manual"` or
    /// `"closed"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Idle => "idle",
            Reason::Absolute => "absolute",
            Reason::Manual => "manual",
            Reason::Closed => "closed",
        }
    }

    /// The reason with this contract name.
    pub fn parse(s: &str) -> Option<Reason> {
        Some(match s {
            "idle" => Reason::Idle,
            "absolute" => Reason::Absolute,
            "manual" => Reason::Manual,
            "closed" => Reason::Closed,
            _ => return None,
        })
    }
}

/// What `state()` returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Enforcing.
    Active,
    /// The warning window is open.
    Warning,
    /// This guard paused idle enforcement.
    Paused,
    /// Ended; nothing revives it.
    SignedOut,
}

impl State {
    /// The contract's name.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Active => "active",
            State::Warning => "warning",
            State::Paused => "paused",
            State::SignedOut => "signedOut",
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::Reason;

    #[test]
    fn each_reason_is_read_back_from_its_name() {
        for r in [
            Reason::Idle,
            Reason::Absolute,
            Reason::Manual,
            Reason::Closed,
        ] {
            assert_eq!(Reason::parse(r.as_str()), Some(r));
        }
        assert_eq!(Reason::parse("Idle"), None);
        assert_eq!(Reason::parse(""), None);
    }
}

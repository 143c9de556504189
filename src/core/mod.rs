//! The pure core: options, rules, deadlines and the shared-session record.
//!
//! Nothing here touches the browser. Time comes in as `now` (epoch
//! milliseconds, because deadlines are compared across tabs and reloads) and
//! decisions come out as [`Effect`]s. `cargo test` runs all of it natively.

mod options;
mod record;
mod session;

pub use options::{
    Config, Limits, Opt, OptDefault, OptionError, RawOptions, DEFAULT_EVENTS,
    DEFAULT_IDLE_TIMEOUT_MS, DEFAULT_MAX_DURATION_MS, DEFAULT_REMEMBER_ME_PERIOD_MS,
    DEFAULT_STORAGE_KEY, FUTURE_TOLERANCE_MS, MIN_EPOCH_MS, NOT_DURATION,
};
#[cfg(target_arch = "wasm32")]
pub(crate) use record::decimal;
pub use record::{End, Horizon, Learned, Record, RecordError, ServerDeadlines, VERSION};
pub use session::{
    Effect, Problem, ServerSync, Session, Shared, Snapshot, StorageFailed, SyncError,
    ACTIVITY_CALLBACK_INTERVAL_MS, DELIVERY_MARGIN_MS, KEEP_ALIVE_RETRY_MS, PUBLISH_INTERVAL_MS,
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
}

impl Reason {
    /// The contract's name: `"idle"`, `"absolute"` or `"manual"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Idle => "idle",
            Reason::Absolute => "absolute",
            Reason::Manual => "manual",
        }
    }

    /// The reason with this contract name.
    pub fn parse(s: &str) -> Option<Reason> {
        [Reason::Idle, Reason::Absolute, Reason::Manual]
            .into_iter()
            .find(|r| r.as_str() == s)
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

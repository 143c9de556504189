//! The options of one guard, as the JS object would give them, and the
//! habits of the page and the app around it: the one options helper of the
//! native tests.

use std::fmt;

use session_guard::core::{Config, RawOptions};

use super::{HOUR, MIN};

/// The options of one guard (`-1` disables a limit), and what its page and
/// app do.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Opts {
    /// `idleTimeoutMs`
    pub idle: i64,
    /// `maxDurationMs`
    pub max: i64,
    /// `rememberMePeriodMs`
    pub remember: i64,
    /// `warnBeforeMs`
    pub warn: i64,
    /// `rememberMe`
    pub remember_me: bool,
    /// `startedAt`
    pub started_at: Option<u64>,
    /// `keepAliveMs` (with an `onKeepAlive`), or off.
    pub keep_alive: Option<u64>,
    /// `confirmToStay`
    pub confirm_to_stay: bool,
    /// `closedTimeoutMs`, or off.
    pub closed: Option<u64>,
    /// The page's timers fire this late (a sleeping laptop, a throttled
    /// background tab).
    pub late: u64,
    /// `onKeepAlive` settles this long after it is called, with nothing to
    /// sync; `None`: when the test answers it, or never.
    pub answer_after: Option<u64>,
    /// The app's `onSignOut` makes a new guard in the page at once, with
    /// the same options (but this one): `Some(true)` with a `startedAt` of
    /// that moment (a new sign-in), `Some(false)` without one.
    pub sign_in_again: Option<bool>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            idle: MIN as i64,
            max: HOUR as i64,
            remember: (10 * MIN) as i64,
            warn: 0,
            remember_me: false,
            started_at: None,
            keep_alive: None,
            confirm_to_stay: false,
            closed: None,
            late: 0,
            answer_after: None,
            sign_in_again: None,
        }
    }
}

/// A limit as the core takes it: `None` when disabled (`-1`).
fn enabled(v: i64) -> Option<u64> {
    u64::try_from(v).ok()
}

impl Opts {
    /// Idle window `idle` ms (with remember-me too) and nothing else: no
    /// warning, no absolute limit.
    pub fn idle(idle: u64) -> Opts {
        Opts {
            idle: idle as i64,
            remember: idle as i64,
            max: -1,
            ..Opts::default()
        }
    }

    /// The validated config; panics on options the contract rejects.
    pub fn config(&self, cross_tab: bool) -> Config {
        let raw = RawOptions {
            idle_timeout_ms: Some(self.idle as f64),
            max_duration_ms: Some(self.max as f64),
            remember_me_period_ms: Some(self.remember as f64),
            warn_before_ms: Some(self.warn as f64),
            started_at: self.started_at.map(|t| t as f64),
            remember_me: self.remember_me,
            cross_tab,
            keep_alive_ms: self.keep_alive.map(|ms| ms as f64),
            on_keep_alive: self.keep_alive.is_some(),
            confirm_to_stay: self.confirm_to_stay,
            closed_timeout_ms: self.closed.map(|ms| ms as f64),
        };
        raw.validate()
            .unwrap_or_else(|e| panic!("invalid options {self:?}: {e}"))
    }

    /// The idle window in force for a remember-me setting (`u64::MAX`:
    /// none).
    pub fn window(&self, remember_me: bool) -> u64 {
        let w = if remember_me {
            self.remember
        } else {
            self.idle
        };
        enabled(w).unwrap_or(u64::MAX)
    }

    /// The absolute limit, if enabled.
    pub fn max_ms(&self) -> Option<u64> {
        enabled(self.max)
    }

    /// The warning lead.
    pub fn warn_ms(&self) -> u64 {
        enabled(self.warn).unwrap_or(0)
    }
}

/// Only what differs from a plain guard, in words (plans print it).
impl fmt::Debug for Opts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |v: i64| match enabled(v) {
            Some(v) => format!("{v} ms"),
            None => "none".into(),
        };
        write!(
            f,
            "idle {}, remember-me window {}, warn {}, max {}",
            ms(self.idle),
            ms(self.remember),
            ms(self.warn),
            ms(self.max)
        )?;
        let on = if self.remember_me { "on" } else { "off" };
        write!(f, ", remember-me {on}")?;
        if let Some(t) = self.started_at {
            write!(f, ", startedAt {t}")?;
        }
        if self.confirm_to_stay {
            f.write_str(", confirmToStay")?;
        }
        if let Some(c) = self.closed {
            write!(f, ", closedTimeoutMs {c}")?;
        }
        if let Some(k) = self.keep_alive {
            write!(f, ", keep-alive every {k} ms")?;
            match self.answer_after {
                Some(a) => write!(f, " (onKeepAlive settles in {a} ms)")?,
                None => f.write_str(" (onKeepAlive never settles)")?,
            }
        }
        if self.late > 0 {
            write!(f, ", timers {} ms late", self.late)?;
        }
        match self.sign_in_again {
            Some(true) => f.write_str(", onSignOut signs in again (startedAt: now)"),
            Some(false) => f.write_str(", onSignOut signs in again (no startedAt)"),
            None => Ok(()),
        }
    }
}

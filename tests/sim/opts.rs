//! The options of one guard and the habits of its page, as the plans give
//! them (the simulator makes a core's config from them in `drive.rs`).

use std::fmt;

/// The options of one guard (every limit enabled except, possibly, the
/// absolute one; `crossTab` is always on here), and the habits of its page.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Opts {
    /// `idleTimeoutMs`
    pub idle: u64,
    /// `rememberMePeriodMs`
    pub remember: u64,
    /// `warnBeforeMs` (smaller than both windows, so it stays valid whatever
    /// remember-me does later)
    pub warn: u64,
    /// `maxDurationMs`, `None` for `-1`
    pub max: Option<u64>,
    /// `rememberMe`
    pub remember_me: bool,
    /// `keepAliveMs` (with an `onKeepAlive` that the simulated app answers
    /// [`crate::world::ANSWER_MS`] later), `None` for `-1`
    pub keep_alive: Option<u64>,
    /// The page's timers fire this late (sleep, a throttled background tab).
    pub late: u64,
    /// The page's `onSignOut` makes a new guard with the same options at
    /// once (a new sign-in): `Some(true)` with a `startedAt` of that moment,
    /// `Some(false)` without one. The new guard does not do it again.
    pub sign_in_again: Option<bool>,
    /// The page's `onKeepAlive` returns a promise that never settles.
    pub hangs: bool,
}

impl Opts {
    /// Idle window `idle` and nothing else (no warning, no absolute limit).
    pub fn idle(idle: u64) -> Opts {
        Opts {
            idle,
            remember: idle,
            warn: 0,
            max: None,
            remember_me: false,
            keep_alive: None,
            late: 0,
            sign_in_again: None,
            hangs: false,
        }
    }

    /// The idle window in force for a remember-me setting.
    pub fn window(&self, remember_me: bool) -> u64 {
        if remember_me {
            self.remember
        } else {
            self.idle
        }
    }
}

impl fmt::Debug for Opts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "idle {} ms, remember-me window {} ms, warn {} ms, max ",
            self.idle, self.remember, self.warn
        )?;
        match self.max {
            Some(m) => write!(f, "{m} ms")?,
            None => f.write_str("none")?,
        }
        let on = if self.remember_me { "on" } else { "off" };
        write!(f, ", remember-me {on}")?;
        if let Some(k) = self.keep_alive {
            write!(f, ", keep-alive every {k} ms")?;
            if self.hangs {
                f.write_str(" (onKeepAlive never settles)")?;
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

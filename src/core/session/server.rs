//! Following the server: its deadlines (`sync`) and the keep-alive.
//!
//! - `sync` takes the server's absolute end (`expiresAt`) and the end its
//!   idle limit gives (`idleExpiresAt`), corrects them by the difference
//!   between the server's clock (`now`) and this page's, and keeps them in
//!   the shared record with the time they were learned (a later sync wins,
//!   in every tab). They join the guard's own ends: the earliest one ends
//!   the session and is warned of. Activity never moves them, and a pause
//!   does not hold them.
//! - A keep-alive is due when the period has passed since the session's
//!   previous one (or its start) and there was activity since, a pause's
//!   held time included; an idle user causes none. One tab calls: the
//!   record carries the session's latest call, and where the shell has Web
//!   Locks a tab first takes the keep-alive lock (only if no tab holds it)
//!   and keeps it while its call is pending, so two tabs never both call. A
//!   call still pending one period after it began counts as failed; when
//!   there was activity since, the next call is made then, at once, under
//!   the lock this tab still holds (claiming it again could be refused by
//!   the hung call's own lock, whose release the browser has not carried
//!   out yet, and would put the call off by a retry).

use super::{Deadline, Session, Storage, Turn};
use crate::core::options::{is_whole, MAX_SAFE_INTEGER, MIN_EPOCH_MS};
use crate::core::record::Learned;
use crate::core::{Command, Event, Problem};

/// After the keep-alive lock was taken by another tab, ask again this much
/// later (that tab's call normally reaches this one as news before then).
pub const KEEP_ALIVE_RETRY_MS: u64 = 1_000;

/// The server's deadlines, as `sync()` takes them: epoch ms on the server's
/// clock; a field left out (or `null`) is not given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerSync {
    /// The server's absolute end (`expiresAt`).
    pub expires_at: Option<u64>,
    /// The end the server's idle limit gives (`idleExpiresAt`).
    pub idle_expires_at: Option<u64>,
    /// The server's clock when it answered (`now`).
    pub now: Option<u64>,
}

/// A field of `sync()`'s argument that is not an epoch time in ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncError {
    /// The field's JS name.
    pub field: &'static str,
}

impl SyncError {
    /// What is wrong, in words.
    pub const PROBLEM: &'static str =
        "must be an integer epoch time in milliseconds (at least 100000000000; seconds such as a JWT exp must be multiplied by 1000)";
}

impl core::fmt::Display for SyncError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}", self.field, Self::PROBLEM)
    }
}

impl ServerSync {
    /// Validates the fields as JS numbers (`None`: not given).
    pub fn from_numbers(
        expires_at: Option<f64>,
        idle_expires_at: Option<f64>,
        now: Option<f64>,
    ) -> Result<ServerSync, SyncError> {
        // A value that is not a whole number of ms becomes one below the
        // minimum, which `checked` refuses.
        let time = |v: Option<f64>| v.map(|v| if is_whole(v) { v as u64 } else { 0 });
        ServerSync {
            expires_at: time(expires_at),
            idle_expires_at: time(idle_expires_at),
            now: time(now),
        }
        .checked()
    }

    /// Checks that every time given is epoch ms: at least
    /// [`MIN_EPOCH_MS`] (below, it is seconds) and a number JS holds exactly.
    pub fn checked(self) -> Result<ServerSync, SyncError> {
        let bad = |v: Option<u64>| matches!(v, Some(v) if v < MIN_EPOCH_MS || v as f64 > MAX_SAFE_INTEGER);
        let field = if bad(self.expires_at) {
            "expiresAt"
        } else if bad(self.idle_expires_at) {
            "idleExpiresAt"
        } else if bad(self.now) {
            "now"
        } else {
            return Ok(self);
        };
        Err(SyncError { field })
    }
}

impl Session {
    /// `sync(server)` at `now` (see the module docs). A deadline that has
    /// passed ends the session at once with its reason (the door settles
    /// after every input); nothing revives a session that has ended.
    pub(super) fn sync(&mut self, sync: ServerSync, now: u64, storage: &mut dyn Storage) {
        // The server's clock read `sync.now` when this page's read `now`.
        let shift = |t: u64| match sync.now {
            Some(server_now) => (t + now).saturating_sub(server_now),
            None => t,
        };
        let learned = |t: Option<u64>| {
            t.map(|t| Learned {
                at: shift(t),
                learned: now,
            })
        };
        if sync.expires_at.is_some() {
            self.server.end = learned(sync.expires_at);
        }
        if sync.idle_expires_at.is_some() {
            self.server.idle_end = learned(sync.idle_expires_at);
        }
        // A deadline that has passed ends the session here, and the end
        // reaches the other tabs as this tab's; else every tab learns the
        // server's deadlines at once.
        self.settle_due(now, storage);
        if self.ended.is_none() {
            self.dirty = true;
            self.publish(now, storage);
        }
    }

    /// The answer to [`Event::KeepAlive`] `call`: the server's deadlines
    /// it answered with, if any. A late answer to a call that timed out is
    /// ignored.
    pub(super) fn keep_alive_done(
        &mut self,
        call: u32,
        answer: Option<ServerSync>,
        now: u64,
        storage: &mut dyn Storage,
    ) {
        if !matches!(self.turn, Turn::Calling { id, .. } if id == call) {
            return;
        }
        self.stop_keep_alive();
        if let Some(sync) = answer {
            self.sync(sync, now, storage);
        }
    }

    /// The answer to [`Command::ClaimKeepAlive`]: whether this tab got the
    /// keep-alive lock.
    pub(super) fn keep_alive_lock(&mut self, granted: bool, now: u64, storage: &mut dyn Storage) {
        if self.turn != Turn::Claiming {
            if granted {
                self.commands.push(Command::ReleaseKeepAlive);
            }
            return;
        }
        if !granted {
            // Another tab is calling (or checking): its call reaches this
            // tab as news; look again a little later.
            self.turn = Turn::RetryAt(now + KEEP_ALIVE_RETRY_MS);
            return;
        }
        self.turn = Turn::Free;
        self.call_keep_alive(now, storage);
        if self.turn == Turn::Free {
            // No longer due: another tab called meanwhile.
            self.commands.push(Command::ReleaseKeepAlive);
        }
    }

    /// When a keep-alive falls due, if one will: the period since the
    /// session's latest, once there was activity since (the held time of
    /// a pause counts).
    pub(super) fn keep_alive_due(&self) -> Option<u64> {
        let period = self.keep_alive?;
        let due = self.keep_alive_at.saturating_add(period);
        let due = if self.last > self.keep_alive_at {
            due
        } else if self.paused || self.held {
            // Held time since the previous call: some must have passed.
            due.max(self.held_since.max(self.keep_alive_at) + 1)
        } else {
            return None;
        };
        match self.turn {
            Turn::Free => Some(due),
            Turn::RetryAt(t) => Some(due.max(t)),
            _ => None,
        }
    }

    /// Acts on a keep-alive that is due, or a call that timed out.
    pub(super) fn keep_alive_check(&mut self, now: u64, storage: &mut dyn Storage) {
        if self.due(Deadline::KeepAliveTimeout, now) {
            let period = self.keep_alive.unwrap_or(0);
            self.error(Problem::KeepAliveTimedOut(period));
            // The hung call no longer blocks the next: with activity since,
            // it is due now, and made under the lock this tab holds.
            self.turn = Turn::Free;
            self.call_keep_alive(now, storage);
            if self.turn == Turn::Free {
                self.commands.push(Command::ReleaseKeepAlive);
            }
            return;
        }
        if !self.due(Deadline::KeepAlive, now) {
            return;
        }
        if self.locks {
            self.turn = Turn::Claiming;
            self.commands.push(Command::ClaimKeepAlive);
        } else {
            self.turn = Turn::Free;
            self.call_keep_alive(now, storage);
        }
    }

    /// Calls, unless the stored record shows that another tab did.
    fn call_keep_alive(&mut self, now: u64, storage: &mut dyn Storage) {
        if self.cross_tab {
            self.reread(now, storage);
        }
        if self.ended.is_some() || !self.due(Deadline::KeepAlive, now) {
            return;
        }
        let id = self.next_call;
        self.next_call = self.next_call.wrapping_add(1);
        self.turn = Turn::Calling { id, at: now };
        self.keep_alive_at = now;
        // The claim reaches the other tabs at once.
        self.dirty = true;
        self.publish(now, storage);
        // The time a pause holds counts as activity, up to this call.
        let last_activity = if self.paused || self.held {
            now
        } else {
            self.last
        };
        self.events.push(Event::KeepAlive {
            call: id,
            last_activity,
        });
    }

    /// This tab's part in the keep-alive is over (an answer, the end):
    /// release the lock.
    pub(super) fn stop_keep_alive(&mut self) {
        if self.turn != Turn::Free {
            self.turn = Turn::Free;
            self.commands.push(Command::ReleaseKeepAlive);
        }
    }
}

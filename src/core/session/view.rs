//! What the shell and the app read of a session: its state, its end, the
//! snapshot a UI shows and the record as it stands.

use super::super::output::Snapshot;
use super::super::record::Record;
use super::super::State;
use super::{Deadline, Session};

impl Session {
    /// The state a user sees.
    pub fn state(&self) -> State {
        if self.ended.is_some() {
            State::SignedOut
        } else if self.paused {
            State::Paused
        } else if self.warned.is_some() {
            State::Warning
        } else {
            State::Active
        }
    }

    /// Epoch ms of the end as it now stands (`None`: no end while paused with
    /// no absolute limit).
    pub fn expires_at(&self) -> Option<u64> {
        match self.ended {
            Some(end) => Some(end.at),
            None => self.earliest_end().map(|(at, _)| at),
        }
    }

    /// Ms until the end: `Some(0)` once ended, `None` while there is no end.
    pub fn remaining_ms(&self, now: u64) -> Option<u64> {
        match self.ended {
            Some(_) => Some(0),
            None => self.earliest_end().map(|(at, _)| at.saturating_sub(now)),
        }
    }

    /// Everything a UI shows about the session, as it stands at `now`.
    pub fn snapshot(&self, now: u64) -> Snapshot {
        Snapshot {
            state: self.state(),
            started_at: self.start,
            last_activity: self.last,
            remember_me: self.remember_me,
            idle_window: self.limits.idle_window(self.remember_me),
            idle_expires_at: self.deadline(Deadline::IdleEnd),
            absolute_expires_at: self.deadline(Deadline::AbsoluteEnd),
            server_expires_at: self.deadline(Deadline::ServerEnd),
            server_idle_expires_at: self.deadline(Deadline::ServerIdleEnd),
            expires_at: self.expires_at(),
            remaining_ms: self.remaining_ms(now),
            warning: self
                .earliest_end()
                .filter(|(at, _)| self.warned == Some(*at))
                .map(|(at, reason)| (reason, at)),
            held: self.held,
            ended: self.ended,
        }
    }

    /// The session record as it stands.
    pub fn record(&self) -> Record {
        Record {
            id: self.id,
            login: self.login,
            after: self.after,
            after_end: self.after_end,
            sign_in: self.sign_in,
            server: self.server,
            keep_alive_at: self.keep_alive_at,
            started_at: self.start,
            last_activity: self.last,
            remember_me: self.remember_me,
            remember_at: self.remember_at,
            ended: self.ended,
            held: self.held || self.holding,
            hold_changed: None,
            horizon: self.horizon,
            left_at: self.left_at,
            ping: self.ping,
        }
    }
}

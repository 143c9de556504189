//! The pause protocol: a paused tab holds the session for every tab.
//!
//! A paused tab takes a hold (a Web Lock in the browser, asked for with
//! [`Effect::Hold`]) and announces it only once it is granted
//! ([`Session::announce_hold`]), so no tab sees a pause that does not hold
//! yet. The other tabs stop enforcing idleness (`held`) and wait for the
//! hold's end ([`Effect::AwaitRelease`], answered by
//! [`Session::hold_released`]); the browser drops a lock when its page
//! goes away, so a closed tab never leaves the session held. The stored
//! record says `held` meanwhile, and a tab that opens during a pause checks
//! whether the hold still stands ([`Effect::ProbeHold`], answered by
//! [`Session::hold_probed`]). Without locks the paused tab announces the end
//! of its hold itself, and the others restart their idle window then. The
//! held time counts as activity: the idle window runs again from the
//! hold's end.

use super::{Effect, Session, Shared};
use crate::core::record::Record;

impl Session {
    /// Stops idle enforcement in every tab until [`Session::resume`].
    pub fn pause(&mut self, now: u64, shared: &mut dyn Shared) {
        // A due end is settled first: a pause never revives a session.
        self.check(now, shared);
        if self.ended.is_some() || self.paused {
            return;
        }
        self.paused = true;
        if !self.held {
            self.held_since = now;
        }
        if self.cross_tab {
            self.effects.push_back(Effect::Hold(true));
        }
        self.check(now, shared);
    }

    /// Ends a pause; counts as activity.
    pub fn resume(&mut self, now: u64, shared: &mut dyn Shared) {
        if self.ended.is_some() || !self.paused {
            return;
        }
        self.paused = false;
        if self.cross_tab {
            self.effects.push_back(Effect::Hold(false));
            self.announce_hold(false, now, shared);
        }
        self.restart_idle(now);
        self.activity_callback(now, false);
        self.check(now, shared);
    }

    /// The shell holds this tab's pause (`true`: the hold was granted), or
    /// the pause ended (`false`): tell the others, and keep the stored record's
    /// `held` flag right for tabs that open meanwhile. Only a granted hold is
    /// announced, so no tab sees a pause that does not hold yet.
    pub fn announce_hold(&mut self, on: bool, now: u64, shared: &mut dyn Shared) {
        if !self.cross_tab || self.ended.is_some() || (on && !self.paused) {
            return;
        }
        self.holding = on;
        // Read, merge, store: never overwrite another tab's later facts.
        self.reread(now, shared);
        let message = Record {
            hold_changed: Some(on),
            ..self.record()
        };
        shared.announce(&message.encode());
        self.write(false, shared);
    }

    /// The answer to [`Effect::ProbeHold`]: a tab still holds the session
    /// (wait for its end), or the stored flag was stale (a crashed tab): the
    /// session was held until some unknown moment, so nothing counts as
    /// activity and the stored last activity stands (fails closed).
    pub fn hold_probed(&mut self, held: bool, now: u64, shared: &mut dyn Shared) {
        if !self.held || self.ended.is_some() {
            return;
        }
        if held {
            self.effects.push_back(Effect::AwaitRelease);
        } else {
            self.held = false;
            self.dirty = true;
            self.check(now, shared);
        }
    }

    /// No tab holds the session any more: the idle window runs again from now.
    pub fn hold_released(&mut self, now: u64, shared: &mut dyn Shared) {
        if !self.held || self.ended.is_some() {
            return;
        }
        self.held = false;
        self.restart_idle(now);
        self.check(now, shared);
    }

    /// A message said that the sender's pause began (`Some(true)`) or ended.
    pub(super) fn hear_hold(&mut self, changed: Option<bool>, now: u64) {
        match changed {
            Some(true) => {
                if !self.held && !self.paused {
                    self.held_since = now;
                }
                self.hold(true)
            }
            Some(false) if !self.locks && self.held => {
                // The held time counts as activity: the idle window
                // runs again from the end of the hold.
                self.hold(false);
                self.restart_idle(now);
            }
            _ => {}
        }
    }

    fn hold(&mut self, on: bool) {
        if on && !self.held && self.locks {
            self.effects.push_back(Effect::AwaitRelease);
        }
        self.held = on;
    }
}

//! The pause protocol: a paused tab holds the session for every tab.
//!
//! Where the shell has Web Locks, a paused tab takes a hold (a shared lock,
//! asked for with [`Command::Hold`]) and announces it only once it is
//! granted ([`Answer::HoldGranted`]), so no tab sees a pause that does not
//! hold yet. The other tabs stop enforcing idleness (`held`) and wait for
//! the hold's end ([`Command::AwaitRelease`], answered by
//! [`Answer::HoldReleased`]); the browser drops a lock when its page goes
//! away, so a closed tab never leaves the session held. The stored record
//! says `held` meanwhile, and a tab that opens checks whether a hold stands
//! ([`Command::Probe`], answered by [`Answer::Probed`]: presence.rs); a
//! stored flag holds its idle end until the answer. Without locks a pause
//! is announced at once, the
//! paused tab announces the end of its hold itself, and the others restart
//! their idle window then. The held time counts as activity: the idle
//! window runs again from the hold's end.
//!
//! [`Answer::HoldGranted`]: super::Answer::HoldGranted
//! [`Answer::HoldReleased`]: super::Answer::HoldReleased
//! [`Answer::Probed`]: super::Answer::Probed

use crate::core::record::Record;
use crate::core::Command;

use super::{Session, Storage};

impl Session {
    /// `pause()`: stops idle enforcement in every tab until `resume()`.
    pub(super) fn pause(&mut self, now: u64, storage: &mut dyn Storage) {
        if self.paused {
            return;
        }
        self.paused = true;
        if !self.held {
            self.held_since = now;
        }
        if self.locks {
            self.commands.push(Command::Hold(true));
        } else {
            // Nothing to wait for: the pause holds the others from now.
            self.announce_hold(true, now, storage);
        }
    }

    /// `resume()`: ends a pause; counts as activity.
    pub(super) fn resume(&mut self, now: u64, storage: &mut dyn Storage) {
        if !self.paused {
            return;
        }
        self.paused = false;
        // Activity first: the message that ends the hold carries its time.
        self.active_at(now);
        self.end_hold(now, storage);
        self.activity_callback(now, false);
    }

    /// This tab's hold ends (a resume, the page going away): drop the lock
    /// and tell the tabs that cannot see it go.
    pub(super) fn end_hold(&mut self, now: u64, storage: &mut dyn Storage) {
        if self.locks {
            self.commands.push(Command::Hold(false));
        }
        self.announce_hold(false, now, storage);
    }

    /// This tab's pause holds the session (`true`: granted, or no locks),
    /// or its hold ended (`false`): tell the others, and keep the stored
    /// record's `held` flag right for tabs that open meanwhile.
    pub(super) fn announce_hold(&mut self, on: bool, now: u64, storage: &mut dyn Storage) {
        if !self.cross_tab || (on && !self.paused) {
            return;
        }
        self.holding = on;
        // Read, merge, store: never overwrite another tab's later facts.
        self.reread(now, storage);
        if self.ended.is_some() {
            return;
        }
        let message = Record {
            hold_changed: Some(on),
            ..self.record()
        };
        self.commands.push(Command::Post(message.encode()));
        self.save(false, storage);
    }

    /// No tab holds the session any more: the idle window runs again from
    /// now.
    pub(super) fn hold_released(&mut self, now: u64) {
        if self.held {
            self.held = false;
            self.active_at(now);
        }
    }

    /// A message said that the sender's pause began (`Some(true)`) or ended.
    pub(super) fn hear_hold(&mut self, changed: Option<bool>, now: u64) {
        match changed {
            Some(true) => {
                if !self.held && !self.paused {
                    self.held_since = now;
                }
                if !self.held && self.locks {
                    self.commands.push(Command::AwaitRelease);
                }
                self.held = true;
            }
            Some(false) if !self.locks && self.held => {
                // The held time counts as activity: the idle window runs
                // again from the end of the hold, which the message carries
                // as its last activity (taken with its other facts), not
                // from when it arrived.
                self.held = false;
            }
            _ => {}
        }
    }
}

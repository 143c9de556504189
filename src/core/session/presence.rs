//! Which pages of a session are open, for `closedTimeoutMs`, and the back-
//! forward cache.
//!
//! A live page counts as open: where the shell has Web Locks it holds the
//! session's presence lock, a shared lock the browser drops when the page
//! goes away ([`Command::Presence`]); where it has not, it answers a ping
//! (any message of the session it posts counts). The record keeps when a
//! page last went away (`leftAt`, written on `pagehide`), so a guard that
//! starts (a reload, a new tab, a page the back-forward cache shows again)
//! knows how long the session may have had no page: past `closedTimeoutMs`
//! since then (or since its last activity, for pages that vanished without
//! `pagehide`), it asks whether a page is open, and ends the session with
//! reason `"closed"` if none is. Within it, the session goes on. No write per
//! event, no timer per page.
//!
//! A page that goes into the back-forward cache has gone away: it drops
//! every lock ([`Input::Leave`]), and one shown again ([`Input::Shown`])
//! starts again: it re-reads the stored session before anything else,
//! checks that the session is still open, and takes its locks back.
//!
//! [`Input::Leave`]: super::Input::Leave
//! [`Input::Shown`]: super::Input::Shown

use crate::core::record::Record;
use crate::core::{Command, Reason};

use super::{Session, Storage};

/// Without Web Locks, how long a page that pings waits for an open page of
/// the session to answer.
pub const PING_WAIT_MS: u64 = 200;

/// A question this page asked about the other pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Asking {
    /// Nothing asked.
    Nothing,
    /// The locks were asked ([`Command::Probe`]).
    Locks,
    /// A ping was posted: an open page answers before this time.
    Ping(u64),
}

impl Session {
    /// This page starts (or starts again): ask the locks whether a tab
    /// holds the session and whether another page is open, or, without
    /// locks, ping the open pages when the answer matters.
    pub(super) fn start_here(&mut self, stored: Option<&Record>, now: u64) {
        if !self.cross_tab {
            return;
        }
        if self.locks {
            // Always asked: a stored `held` flag may have been lost (a
            // page that had not heard of the hold wrote the record), and
            // only a flag that was found holds the idle end meanwhile.
            if stored.is_some_and(|r| r.held) {
                self.held = true;
            }
            self.asking = Asking::Locks;
            self.commands.push(Command::Probe);
        } else if self.closing_at(now).is_some() {
            self.asking = Asking::Ping(now + PING_WAIT_MS);
            self.ping = Some(true);
        } else {
            self.present = true;
        }
    }

    /// When the session closed, if it may have: no page has been open
    /// (or shown a sign of life) for `closedTimeoutMs` as far as the record
    /// says. Whether a page is open still must be asked.
    pub(super) fn closing_at(&self, now: u64) -> Option<u64> {
        let window = self.closed?;
        let since = self.left_at.max(self.last);
        let at = since.saturating_add(window);
        (now > at).then_some(at)
    }

    /// The answer to [`Command::Probe`].
    pub(super) fn probed(&mut self, held: bool, open: bool, now: u64, storage: &mut dyn Storage) {
        if self.asking != Asking::Locks {
            return;
        }
        self.asking = Asking::Nothing;
        // (A paused page holds the session itself.)
        match (held && !self.paused, self.held) {
            // A tab still holds the session: wait for its end.
            (true, was) => {
                if !was {
                    self.held = true;
                    self.held_since = now;
                }
                self.commands.push(Command::AwaitRelease);
            }
            // The stored flag was stale (a crashed tab): the session was
            // held until some unknown moment, so nothing counts as activity
            // and the stored last activity stands (fails closed).
            (false, true) => {
                self.held = false;
                self.dirty = true;
            }
            (false, false) => {}
        }
        self.answered(open, now, storage);
    }

    /// Whether another page is open is known: without one past the window,
    /// the session closed; with one (or within it), this page is open too.
    fn answered(&mut self, open: bool, now: u64, storage: &mut dyn Storage) {
        match self.closing_at(now) {
            Some(at) if !open => self.end_here(Reason::Closed, at, storage),
            _ => self.present(),
        }
    }

    /// The wait for an answer to a ping is over with none.
    pub(super) fn ping_unanswered(&mut self, now: u64, storage: &mut dyn Storage) {
        if let Asking::Ping(until) = self.asking {
            if now >= until {
                self.asking = Asking::Nothing;
                self.answered(false, now, storage);
            }
        }
    }

    /// A ping of the session: an open page answers that it is there, and a
    /// page waiting for an answer has one.
    pub(super) fn heard_ping(&mut self, ping: Option<bool>, now: u64, storage: &mut dyn Storage) {
        match ping {
            Some(true) if self.present => self.ping = Some(false),
            Some(false) if matches!(self.asking, Asking::Ping(_)) => {
                self.asking = Asking::Nothing;
                self.answered(true, now, storage);
            }
            _ => {}
        }
    }

    /// This page counts as open.
    pub(super) fn present(&mut self) {
        if !self.present {
            self.present = true;
            if self.locks {
                self.commands.push(Command::Presence(true));
            }
        }
    }

    /// This page no longer counts as open (it goes away).
    pub(super) fn absent(&mut self) {
        if self.present {
            self.present = false;
            if self.locks {
                self.commands.push(Command::Presence(false));
            }
        }
        self.asking = Asking::Nothing;
    }

    /// The back-forward cache shows the page again: the stored session
    /// first (it may have ended, or moved on, meanwhile), then as a page
    /// that starts: whether it is still open, its locks back.
    pub(super) fn shown(&mut self, now: u64, storage: &mut dyn Storage) {
        if !self.cross_tab {
            return;
        }
        let stored = match self.read(storage) {
            Some(Ok(r)) => {
                self.hear(&r, now, storage);
                Some(r)
            }
            _ => None,
        };
        if self.ended.is_some() {
            return;
        }
        self.start_here(stored.as_ref(), now);
        if self.paused {
            if self.locks {
                self.commands.push(Command::Hold(true));
            } else {
                self.announce_hold(true, now, storage);
            }
        }
    }
}

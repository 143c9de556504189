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

use super::news::Verdict;
use super::{Session, Storage};

/// Without Web Locks, how long a page that pings waits for an open page of
/// the session to answer.
pub const PING_WAIT_MS: u64 = 200;

/// A question this page asked about the other pages, with when the session
/// closed if no page is open: judged on the facts the page had when it
/// started, so nothing that happens while it waits for the answer (its
/// own activity) moves that moment, as no activity moves an end that fell
/// due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Asking {
    /// Nothing asked.
    Nothing,
    /// The locks were asked ([`Command::Probe`]).
    Locks(Option<u64>),
    /// A ping was posted: an open page answers before the first time; the
    /// second is when the session closed if none does.
    Ping(u64, u64),
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
            self.asking = Asking::Locks(self.closing_at(now));
            self.commands.push(Command::Probe);
        } else if let Some(at) = self.closing_at(now) {
            self.asking = Asking::Ping(now + PING_WAIT_MS, at);
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
        let Asking::Locks(closing) = self.asking else {
            return;
        };
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
        self.answered(open, closing, now, storage);
    }

    /// Whether another page is open is known: without one past the window
    /// (`closing`: when it ran out, as the page knew when it asked, or
    /// later if a page that was open meanwhile went away since), the
    /// session closed; with one (or within it), this page is open too.
    fn answered(&mut self, open: bool, closing: Option<u64>, now: u64, storage: &mut dyn Storage) {
        let left = self.left_at.saturating_add(self.closed.unwrap_or(0));
        match closing.map(|at| at.max(left)) {
            Some(at) if !open && at < now => self.end_here(Reason::Closed, at, storage),
            _ => self.present(),
        }
    }

    /// The wait for an answer to a ping is over with none.
    pub(super) fn ping_unanswered(&mut self, now: u64, storage: &mut dyn Storage) {
        if let Asking::Ping(until, at) = self.asking {
            if now >= until {
                self.asking = Asking::Nothing;
                self.answered(false, Some(at), now, storage);
            }
        }
    }

    /// A ping of the session: an open page answers that it is there, and a
    /// page waiting for an answer has one.
    pub(super) fn heard_ping(&mut self, ping: Option<bool>) {
        match ping {
            Some(true) if self.present => self.ping = Some(false),
            Some(false) if matches!(self.asking, Asking::Ping(..)) => {
                // An open page answered: this one is open too.
                self.asking = Asking::Nothing;
                self.present();
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
                match self.verdict(&r) {
                    // The session ended while this page was away, and the
                    // next one began: the end as the pages that saw it tell
                    // it (this page's own facts are older than theirs, and
                    // the next session's record no longer holds them).
                    Verdict::Followed(end) => {
                        self.end_session(end, true);
                        return;
                    }
                    // Another session holds storage, and this page cannot
                    // tell whether its own ended meanwhile (sessions may
                    // have come and gone): an end its own facts make due
                    // stands, and an ended session is never put back over
                    // the next one.
                    Verdict::Stand => self.settle_due(now, storage),
                    _ => {}
                }
                if self.ended.is_some() {
                    return;
                }
                self.hear(&r, now, storage);
                Some(r)
            }
            _ => None,
        };
        if self.ended.is_some() {
            return;
        }
        if stored.is_some_and(|r| !self.locks && r.id == self.id && !r.held) && !self.paused {
            // Without locks a hold is known from messages, and this page
            // heard none while it was away: a hold it knew of that ended
            // meanwhile left its end as the stored last activity (the
            // paused tab wrote it, taken above) and no stored flag. (A
            // stored flag it cannot check binds it no more than it binds a
            // page that opens: a crashed tab would hold it for ever.)
            self.held = false;
        }
        // What fell due while the page was away, on the facts as they now
        // stand, before a pause of its own holds the session again: away,
        // its pause held no page, this one neither.
        let paused = core::mem::replace(&mut self.paused, false);
        self.settle_due(now, storage);
        self.paused = paused;
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

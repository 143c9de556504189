//! The one door: every input reaches a [`Session`] through
//! [`Session::handle`], which first settles what is due on the facts the
//! tab already had, then takes the input's news.

use crate::core::record::Record;
use crate::core::Reason;
use crate::core::{Problem, FUTURE_TOLERANCE_MS};

use super::server::ServerSync;
use super::{Session, Storage};

/// Something that happens to a guard: the page's events, the app's calls,
/// the other tabs' news, and the shell's answers to the core's commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input<'a> {
    /// Activity events that the shell recorded without asking (before
    /// [`Session::quiet_until`]): the time of the latest. The shell hands
    /// it over before any other input.
    Recorded(u64),
    /// An activity event in this page (a trusted one, or any with
    /// `allowSyntheticEvents`). With `confirmToStay`, one during a warning
    /// counts for nothing: moving the pointer to the dialog's button must
    /// not dismiss the dialog.
    Activity,
    /// `touch()`: activity by definition (an API call, a playing video,
    /// "Stay signed in").
    Touch,
    /// The page became visible or got focus: act on whatever is due.
    Wake,
    /// The timer fired that was set to fire when the page's clock reads
    /// this (epoch ms): act on whatever is due. Timers never fire early, so
    /// a clock that reads more than a minute less has been set back.
    Timer(u64),
    /// The back-forward cache shows the page again (`pageshow` with
    /// `persisted`): a page starting again. After the end, the end is told
    /// once more ([`Event::SignedOut`](super::Event::SignedOut) with
    /// `restored`), so the app can leave a page it had left before.
    Shown,
    /// Another tab's record or message (the channel, or a `storage` event
    /// with the key's new value).
    Message(&'a str),
    /// The stored record was removed (a `storage` event for the key, or
    /// for a `clear()`, with no new value).
    Removed,
    /// `setRememberMe(on)`.
    RememberMe(bool),
    /// `pause()`.
    Pause,
    /// `resume()`.
    Resume,
    /// `signOut()`.
    SignOut,
    /// `sync(server)`, checked ([`ServerSync::checked`]).
    Sync(ServerSync),
    /// The page goes away (`pagehide`, into the back-forward cache too) or
    /// the guard is destroyed: write what the others must know, and drop
    /// every lock (the hold ends, the page no longer counts as open).
    Leave,
    /// The shell's answer to one of the core's requests.
    Answer(Answer),
}

/// The answers to the core's requests ([`Command`](super::Command)s and
/// [`Event::KeepAlive`](super::Event::KeepAlive)), one variant each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// [`Command::Hold(true)`](super::Command::Hold): the hold is granted.
    /// (A hold that fails is never answered: the pause stays this tab's.)
    HoldGranted,
    /// [`Command::Probe`](super::Command::Probe) (a probe that fails
    /// answers `false` twice).
    Probed {
        /// A tab holds the session (its hold lock is held).
        held: bool,
        /// Another page of the session is open (its presence lock is held).
        open: bool,
    },
    /// [`Command::AwaitRelease`](super::Command::AwaitRelease): no tab
    /// holds the session any more (a wait that fails answers this too).
    HoldReleased,
    /// [`Command::ClaimKeepAlive`](super::Command::ClaimKeepAlive): whether
    /// this tab got the keep-alive lock.
    KeepAliveLock(bool),
    /// [`Event::KeepAlive`](super::Event::KeepAlive) `call` has settled:
    /// with the server's deadlines it answered with, if any. A failed call
    /// answers `None` (the shell reports its error).
    KeepAliveDone {
        /// The call, as the event named it.
        call: u32,
        /// The server's deadlines, checked.
        answer: Option<ServerSync>,
    },
}

impl Input<'_> {
    /// Whether this input may move an end later (activity, a pause, a
    /// longer window, another tab's facts, a hold's end), as against one
    /// that only brings it nearer or answers a request.
    fn may_postpone(&self) -> bool {
        !matches!(
            self,
            Input::Sync(_)
                | Input::SignOut
                | Input::Leave
                | Input::Removed
                | Input::Wake
                | Input::Timer(_)
                | Input::Answer(Answer::KeepAliveLock(_) | Answer::KeepAliveDone { .. })
        )
    }
}

impl Session {
    /// The one door: takes `input` at `now` (epoch ms, the page's clock).
    /// Afterwards, drain [`Session::poll`] and [`Session::poll_command`]
    /// and keep a timer no later than [`Session::next_wake`].
    ///
    /// **A tab settles what is due before it takes news.** Timers lie: a
    /// laptop sleeps, a background tab's timers are throttled by up to a
    /// minute. So an input may come long after this tab's warning or end
    /// fell due, and whatever it brings (activity here, another tab's
    /// activity, remember-me or pause, a sync, another session) must not
    /// revive what was due before it. Every input is therefore taken in
    /// time order: first, whatever fell due on the facts this tab already
    /// had is acted on, up to the moment the input's news happened; then the
    /// news is taken; then whatever it makes due is acted on. For the
    /// page's own events and the app's calls that moment is `now`. Another
    /// tab's record carries the times of its facts, and the moment of its
    /// news is the latest of them (see `news_moment`): activity another tab
    /// had before this tab's end was due, whose message arrives a little
    /// after it, still counts, as the contract's "no tab ends while another
    /// had activity within its window" wants; activity after it never does.
    ///
    /// One input does not settle first: [`Input::Recorded`]. Its time lies
    /// before the `quiet_until` it was recorded under, which is never after
    /// a deadline, so nothing was due when it happened: taking it first is
    /// taking events in time order.
    ///
    /// Nor does [`Input::Shown`]: a page the back-forward cache shows again
    /// had gone away ([`Input::Leave`] when it went in) and hears nothing
    /// while it is there, so the facts it had are not the latest this tab
    /// can know: the other pages may have been used all along. Like a guard
    /// that starts, it reads the stored session first, then acts on what is
    /// due. (Its own facts are not lost: the stored record only adds the
    /// others' to them.)
    ///
    /// Before anything, the clock: a `now` more than a minute behind the
    /// latest this session has seen, or behind the time its timer was set
    /// for (the system clock set back) is handled as a record from the
    /// future is: reported, and the session ends. A smaller step back
    /// changes nothing: the latest `now` stands, so no clock that goes back
    /// buys time.
    pub fn handle(&mut self, input: Input<'_>, now: u64, storage: &mut dyn Storage) {
        if let Input::Recorded(at) = input {
            self.active_at(at);
            return;
        }
        if let Some(end) = self.ended {
            if input == Input::Shown {
                self.events.push(super::Event::SignedOut {
                    reason: end.reason,
                    at: end.at,
                    remote: self.ended_remote,
                    restored: true,
                });
            }
            return;
        }
        let now = self.clock(now, input, storage);
        if self.ended.is_some() {
            return;
        }
        if input == Input::Shown {
            self.shown(now, storage);
            return self.settle(now, storage);
        }
        let message = match input {
            Input::Message(text) => Some(Record::parse(text, now)),
            _ => None,
        };
        let moment = match &message {
            Some(Ok(r)) => self.news_moment(r, now),
            _ => now,
        };
        self.settle_due(moment, storage);
        if self.ended.is_some() {
            return;
        }
        if !self.news_counts(moment) && input.may_postpone() {
            // An end fell due and waits only for what the others held back
            // from before it: this news came after it.
            return self.settle(now, storage);
        }
        match input {
            Input::Recorded(_) | Input::Wake | Input::Timer(_) => {}
            Input::Shown => {}
            Input::Activity if self.confirm_to_stay && self.warned.is_some() => {}
            Input::Activity | Input::Touch => self.touch(now),
            Input::Message(_) => match message {
                Some(Ok(r)) => self.hear(&r, now, storage),
                Some(Err(e)) => self.reject(Problem::Rejected(e), now, storage),
                None => {}
            },
            Input::Removed => {
                // Another tab cleared storage: put the session back at
                // once, for the tabs that open meanwhile.
                self.dirty = true;
                self.publish(now, storage);
            }
            Input::RememberMe(on) => self.set_remember_me(on, now, storage),
            Input::Pause => self.pause(now, storage),
            Input::Resume => self.resume(now, storage),
            Input::SignOut => self.sign_out(now, storage),
            Input::Sync(sync) => self.sync(sync, now, storage),
            Input::Leave => self.leave(now, storage),
            Input::Answer(answer) => self.answer(answer, now, storage),
        }
        self.settle(now, storage);
    }

    /// The clock rule (see [`Session::handle`]): the time to decide with.
    fn clock(&mut self, now: u64, input: Input<'_>, storage: &mut dyn Storage) -> u64 {
        let latest = self.latest;
        let floor = match input {
            Input::Timer(set_for) => latest.max(set_for),
            _ => latest,
        };
        if now.saturating_add(FUTURE_TOLERANCE_MS) < floor {
            // The end is written on the page's clock.
            self.reject(Problem::ClockBack(floor - now), now, storage);
            return now;
        }
        self.latest = latest.max(now);
        self.latest
    }

    fn answer(&mut self, answer: Answer, now: u64, storage: &mut dyn Storage) {
        match answer {
            Answer::HoldGranted => self.announce_hold(true, now, storage),
            Answer::Probed { held, open } => self.probed(held, open, now, storage),
            Answer::HoldReleased => self.hold_released(now),
            Answer::KeepAliveLock(granted) => self.keep_alive_lock(granted, now, storage),
            Answer::KeepAliveDone { call, answer } => {
                self.keep_alive_done(call, answer, now, storage)
            }
        }
    }

    /// Activity at `at`: the idle window runs again from there.
    pub(super) fn active_at(&mut self, at: u64) {
        self.last = self.last.max(at);
    }

    /// Activity in this page now (an event, `touch()`, the end of a pause).
    fn touch(&mut self, now: u64) {
        if now > self.last {
            self.active_at(now);
            self.activity_callback(now, false);
        }
    }

    /// `signOut()`: an end that is due already, here or in the stored
    /// record (another tab's end, not heard yet), keeps its reason and time.
    fn sign_out(&mut self, now: u64, storage: &mut dyn Storage) {
        if self.cross_tab {
            self.reread(now, storage);
        }
        // (An end waiting only for what the others held back is due.)
        match self.ends(true) {
            Some((at, reason)) if at <= now => self.end_here(reason, at, storage),
            _ => self.end_here(Reason::Manual, now, storage),
        }
    }

    /// `setRememberMe(on)`, in every tab at once.
    fn set_remember_me(&mut self, on: bool, now: u64, storage: &mut dyn Storage) {
        self.remember_me = on;
        // Later than the setting it replaces, even in the same millisecond.
        self.remember_at = (self.remember_at + 1).max(now);
        self.publish(now, storage);
    }

    /// The page goes away: the other tabs must know what this page knew.
    /// The stored record is checked too (an app that cleared storage and
    /// reloads must find its session again), and a pause ends with the
    /// page: its time counts as activity.
    fn leave(&mut self, now: u64, storage: &mut dyn Storage) {
        if self.paused {
            self.active_at(now);
        }
        if self.cross_tab {
            // The last page to leave says when (`closedTimeoutMs`).
            self.left_at = self.left_at.max(now);
            self.dirty = true;
            self.publish(now, storage);
        }
        if self.paused {
            self.end_hold(now, storage);
        }
        self.absent();
        self.stop_keep_alive();
    }
}

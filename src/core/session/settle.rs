//! Acting on what is due: the end, the warning, the keep-alive and the
//! record's write, and the one place a session ends.

use crate::core::record::{min_some, End};
use crate::core::{Command, Event, Problem, Reason};

use super::{Deadline, Session, Storage};

/// Under constant activity, the record is written at most this often
/// (unless another tab would act on idleness sooner: see
/// `Session::publish_due`).
pub const PUBLISH_INTERVAL_MS: u64 = 1_000;
/// How long before another tab could act on older facts this tab's write
/// must go out: time for the write and the message to reach that tab.
pub const DELIVERY_MARGIN_MS: u64 = 100;
/// `onActivity` fires at most this often.
pub const ACTIVITY_CALLBACK_INTERVAL_MS: u64 = 1_000;

impl Session {
    /// Everything due at `now`: the end or the warning, then the
    /// keep-alive and the record's write.
    pub(super) fn settle(&mut self, now: u64, storage: &mut dyn Storage) {
        self.settle_due(now, storage);
        if self.ended.is_none() {
            self.ping_unanswered(now, storage);
        }
        if self.ended.is_none() {
            self.keep_alive_check(now, storage);
        }
        if self.ended.is_some() {
            return;
        }
        if self.ping.is_some() {
            // A ping, or its answer, goes out at once.
            self.dirty = true;
            self.publish(now, storage);
            self.ping = None;
        } else if self.due(Deadline::Publish, now) {
            self.publish(now, storage);
        }
    }

    /// The end or the warning that is due at `t`, on what this tab knows
    /// and what the stored record says happened before it fell due.
    pub(super) fn settle_due(&mut self, t: u64, storage: &mut dyn Storage) {
        self.end_or_warn(t, storage);
        if self.ended.is_some() {
            return;
        }
        // A write that fell due goes out before the news too, with the facts
        // as they stood (a tab whose timers ran late would tell its earlier
        // activity only with the later one, too late for a tab with a short
        // window). Not at an earlier moment: storage holds later news.
        if t == self.latest && self.due(Deadline::Publish, t) {
            self.publish(t, storage);
        }
        // Nothing is due at `t` any more (but an end waiting for what the
        // others held back): whatever falls due at or before it from now on,
        // news this tab takes has made due.
        if self.end_fell_due().map_or(true, |due| t < due) {
            self.settled = self.settled.max(t);
        }
    }

    /// The end, or the warning, that is due at `t`.
    fn end_or_warn(&mut self, t: u64, storage: &mut dyn Storage) {
        if let (true, Some(until)) = (self.cross_tab, self.reread_until(t)) {
            // Another tab may have been active, synced or ended just before
            // (its message on its way): an end found there wins, so every
            // tab ends with the same reason.
            self.reread(until, storage);
            if self.ended.is_some() {
                return;
            }
        }
        let Some((at, reason)) = self.earliest_end() else {
            self.warned = None;
            return;
        };
        if self.warned != Some(at) {
            // The end moved: a warning given for the old one is over.
            self.warned = None;
        }
        if t >= at {
            // A tab that waited for what the others held back (see
            // `joined_until`) ends when its end fell due.
            let at = self.end_fell_due().map_or(at, |due| due.min(at));
            return self.end_here(reason, at, storage);
        }
        if self.due(Deadline::Warning, t) {
            self.warned = Some(at);
            self.events.push(Event::Warning {
                reason,
                remaining_ms: at - t,
                expires_at: at,
            });
        }
    }

    /// Whether news from `moment` may still count before this tab acts: not
    /// when it comes after an end that fell due, even one that waits for
    /// what the others held back (a due end is never revived), unless that
    /// end was only made due by news this tab took since (see `settled`).
    pub(super) fn news_counts(&self, moment: u64) -> bool {
        self.end_fell_due()
            .map_or(true, |due| moment <= due.max(self.settled))
    }

    /// The moment the end fell due, as the deadlines stand, before any wait
    /// for what the others held back (see `joined_until`).
    fn end_fell_due(&self) -> Option<u64> {
        self.ends(true).map(|(at, _)| at)
    }

    /// When a warning or end is due at `t`: until when the stored record's
    /// news counts before this tab acts. An end that fell due is never
    /// revived: only what happened up to it counts (up to its deadline, or,
    /// for an end that news this tab took has just made due, up to that
    /// news: see `settled`; another tab's activity at the very moment
    /// counts, as that tab could not know it came too late). A warning is
    /// undone by activity: whatever happened up to `t` counts.
    fn reread_until(&self, t: u64) -> Option<u64> {
        let (end, _) = self.earliest_end()?;
        if t >= end {
            self.end_fell_due().map(|due| due.max(self.settled) + 1)
        } else if self.due(Deadline::Warning, t) {
            Some(t + 1)
        } else {
            None
        }
    }

    /// The end as it stands and its reason: the earliest of the guard's
    /// own ends and the server's (`"absolute"` on a tie).
    pub(super) fn earliest_end(&self) -> Option<(u64, Reason)> {
        self.ends(false)
    }

    /// The earliest end and its reason, `fell_due`: at the idle end itself,
    /// not after a wait for what the others held back.
    pub(super) fn ends(&self, fell_due: bool) -> Option<(u64, Reason)> {
        let idle = if fell_due {
            self.idle_end()
        } else {
            self.deadline(Deadline::IdleEnd)
        };
        let absolute = min_some(
            self.deadline(Deadline::AbsoluteEnd),
            self.deadline(Deadline::ServerEnd),
        );
        let idle = min_some(idle, self.deadline(Deadline::ServerIdleEnd));
        // An absolute end wins a tie.
        match (absolute, idle) {
            (Some(a), Some(i)) if i < a => Some((i, Reason::Idle)),
            (Some(a), _) => Some((a, Reason::Absolute)),
            (None, i) => i.map(|i| (i, Reason::Idle)),
        }
    }

    /// The record waits to be written: activity the other tabs were not
    /// told of, or another fact of this tab's.
    pub(super) fn unpublished(&self) -> bool {
        self.dirty || self.last > self.told
    }

    /// When this tab must write the record (and post it) at the latest, if
    /// it has anything to write.
    ///
    /// Writes are batched for cost: at most one per
    /// [`PUBLISH_INTERVAL_MS`]. But activity the other tabs were not told of
    /// must reach them before any of them could warn or end for idleness
    /// on the older activity time they know (`told`), however short its
    /// idle window: the first of them may act at `told + horizon`, the
    /// horizon being the shortest time from an activity to an idle warning
    /// or end over the tabs of the session (each tab's own idle window and
    /// warning lead, carried in the record). [`DELIVERY_MARGIN_MS`] leaves
    /// time for the write and the message to arrive. So activity that
    /// closes a warning, in this tab or another, goes out at once.
    pub(super) fn publish_due(&self) -> Option<u64> {
        if !self.unpublished() {
            return None;
        }
        let slot = self.published_at.map_or(0, |p| p + PUBLISH_INTERVAL_MS);
        // The shorter horizon of both remember-me settings: a tab may
        // switch remember-me to a shorter window at any moment, and then
        // act on the activity it was told of.
        let others_act = self
            .horizon
            .shortest()
            .filter(|_| self.cross_tab && self.last > self.told)
            .map(|h| {
                self.told
                    .saturating_add(h)
                    .saturating_sub(DELIVERY_MARGIN_MS)
            });
        Some(others_act.map_or(slot, |at| at.min(slot)))
    }

    /// Read, merge, write: never overwrite another tab's later facts, and
    /// put this session back where storage lost it or holds a session
    /// this one stands over.
    pub(super) fn publish(&mut self, now: u64, storage: &mut dyn Storage) {
        use super::news::Verdict;
        self.dirty = false;
        if self.cross_tab {
            match self.read(storage) {
                Some(Err(e)) => return self.reject(Problem::Rejected(e), now, storage),
                Some(Ok(r)) => match self.verdict(&r) {
                    Verdict::Stand => {}
                    Verdict::Followed(end) => {
                        self.end_session(end, true);
                    }
                    verdict => {
                        if verdict == Verdict::Join {
                            self.adopt(&r, now);
                        }
                        self.merge(&r, now);
                        if let Some(end) = r.ended {
                            self.end_session(end, true);
                        }
                    }
                },
                None => {}
            }
            if self.ended.is_some() {
                return;
            }
        }
        self.told = self.last;
        self.published_at = Some(now);
        self.save(true, storage);
    }

    /// Stores the record as it stands and, with `post`, posts it to the
    /// other tabs (a `crossTab: false` guard does neither).
    pub(super) fn save(&mut self, post: bool, storage: &mut dyn Storage) {
        if !self.cross_tab {
            return;
        }
        let text = self.record().encode();
        if storage.store(&text).is_err() {
            self.storage_failure();
        }
        if post {
            self.commands.push(Command::Post(text));
        }
    }

    pub(super) fn activity_callback(&mut self, now: u64, remote: bool) {
        if self.activity_cb_at.is_none() || self.due(Deadline::ActivityCallback, now) {
            self.activity_cb_at = Some(now);
            self.events.push(Event::Activity { at: now, remote });
        }
    }

    /// Reports `p` to the app.
    pub(super) fn error(&mut self, p: Problem) {
        self.events.push(Event::Error(p));
    }

    /// Fails closed: a record or message that breaks the rules (or a clock
    /// that went back) ends the session with reason `"absolute"`. Its
    /// limits can no longer be trusted, so it is treated as a session whose
    /// lifetime is over; it is never reported as `"idle"` (the user did
    /// nothing) or `"manual"` (nobody signed out).
    pub(super) fn reject(&mut self, p: Problem, at: u64, storage: &mut dyn Storage) {
        self.error(p);
        self.end_here(Reason::Absolute, at, storage);
    }

    /// This tab ends the session, and tells the others.
    pub(super) fn end_here(&mut self, reason: Reason, at: u64, storage: &mut dyn Storage) {
        if !self.end_session(End { reason, at }, false) || !self.cross_tab {
            return;
        }
        // Never over a later session (a sign-in made in the same moment, in
        // `onSignOut` say): the others hear the end all the same.
        let later = matches!(self.read(storage), Some(Ok(r)) if r.id > self.id);
        if later {
            let text = self.record().encode();
            self.commands.push(Command::Post(text));
        } else {
            self.save(true, storage);
        }
    }

    /// The one place a session ends: once, for good. `false` if it had
    /// ended already.
    pub(super) fn end_session(&mut self, end: End, remote: bool) -> bool {
        if self.ended.is_some() {
            return false;
        }
        self.ended = Some(end);
        self.ended_remote = remote;
        self.warned = None;
        self.paused = false;
        self.stop_keep_alive();
        self.events.push(Event::SignedOut {
            reason: end.reason,
            at: end.at,
            remote,
            restored: false,
        });
        true
    }
}

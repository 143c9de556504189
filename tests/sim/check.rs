//! The invariants, checked as the simulation runs (the simulator's own
//! facts come from `model.rs`, never from a core):
//!
//! - 1 (on every idle warning and every idle end a tab reaches by itself):
//!   no tab acts on idleness while the session had activity within its
//!   window (the shorter, when the call switched remember-me), judged at
//!   the moment the core gave the warning or the end (its `at`, which a
//!   late timer puts before the time it comes out); slack: a message's
//!   delay. Activity in a tab whose timers run late binds the
//!   others only once that tab has posted it (a tab tells the others from a
//!   timer).
//! - a (all the time, and on every call): no tab is still signed in later
//!   than its due end plus its own timers' lateness, and a tab that takes
//!   any news or wakes after its end was due ends in that call.
//! - b (after every call): a tab's absolute end never moves later, except
//!   when it joins a session begun by a sign-in (a guard given its own
//!   `startedAt`).
//! - c (on every end learned from another tab): an end belongs to its
//!   session: a tab ends with another's end only when a tab of its own
//!   session has ended.
//! - d (all the time): after a keep-alive call that never settles, the
//!   session's next call comes one period after the hung one began, when
//!   its tab had activity since (at the latest when that tab's late timer
//!   fires).
//! - keep-alive (on every call): at most one per period in the session, and
//!   only after activity since the previous; during a pause `lastActivity`
//!   is the time of the call.
//! - the clock (on every call): a guard given a time more than a minute
//!   behind the latest it was given reports it and ends in that call.
//! - one end per guard.
//!
//! Invariants 1 to 3, one end per guard and the keep-alive's period and
//! activity are the first simulator's; `Checks::widened` adds the others.
//!
//! Due ends (a) allow the same slack as invariant 1 the other way: a message's
//! delay, and the time a guard that joins a session (at its start, or on
//! news of another session) waits for held-back activity.

use session_guard::core::{Event, Input, Reason};

use crate::common::{describe, parse, Logged, Op, World, T0};
use crate::watch::{Before, Checks};
use crate::MAX_DELAY_MS;

/// How far behind the latest time a guard was given the clock may go before
/// the contract counts it as set back.
pub const CLOCK_TOLERANCE_MS: u64 = 60_000;
/// How long a guard that joins a session may wait before it acts on
/// idleness, for the others to answer with activity they held back.
pub const JOIN_MS: u64 = 100;

pub fn ms(t: u64) -> i64 {
    t as i64 - T0 as i64
}

impl Checks {
    /// The checks of one event.
    pub fn check_event(&self, w: &World, i: usize, e: &Event) -> Result<(), String> {
        match *e {
            Event::Warning {
                reason: Reason::Idle,
                remaining_ms,
                expires_at,
            } => self.check_idle(w, i, true, expires_at - remaining_ms, expires_at),
            Event::SignedOut {
                reason,
                remote,
                at,
                restored: false,
            } => {
                let n = w.tabs[i].sign_outs().len();
                if n > 1 {
                    return Err(format!("tab {i} ended {n} times"));
                }
                if remote && self.widened {
                    self.check_own_end(w, i)?;
                }
                if reason == Reason::Idle && !remote {
                    return self.check_idle(w, i, false, at, at);
                }
                Ok(())
            }
            Event::KeepAlive { last_activity, .. } => self.check_keep_alive(w, i, last_activity),
            _ => Ok(()),
        }
    }

    /// Invariant 1, for a warning or an end the core gave at `at` (wall
    /// clock): judged at that moment, not at the time it came out. A tab
    /// whose timers ran late ends at its deadline, on the facts it had
    /// then (news counts from the moment its facts happened), and activity
    /// at or after that moment never revives it. The server's idle end
    /// (`end`) is not the guard's idleness: activity cannot move it.
    fn check_idle(
        &self,
        w: &World,
        i: usize,
        warning: bool,
        at: u64,
        end: u64,
    ) -> Result<(), String> {
        let tab = &w.tabs[i];
        if self.model.server_idle_end(tab.sid, end + w.back, w.now) {
            return Ok(());
        }
        // A call that switches remember-me settles what was due before.
        let window = tab
            .opts
            .window(w.view(i).remember_me)
            .min(tab.opts.window(self.tabs[i].remember_before));
        let span = if warning {
            window.saturating_sub(tab.opts.warn_ms())
        } else {
            window
        };
        let t = at + w.back;
        // A tab tells the others of its activity from a timer: one whose
        // timers run late cannot be heard before it has written or posted.
        // And activity that a `localStorage.clear()` wiped from storage is
        // heard only from its message, which may take a delay to arrive.
        // A page that vanished without `pagehide` took with it the activity
        // it had not yet written or posted.
        let unheard = |a: u64, j: usize| {
            let unposted = w.tabs[j].published < a - w.back;
            (w.tabs[j].opts.late > 0 || self.closed.vanished(j)) && unposted
                || self.wiped(w, a).is_some_and(|p| w.now < p + MAX_DELAY_MS)
        };
        if let Some((a, what)) = self.model.latest_before(tab.sid, i, t, unheard) {
            if a + span > t + MAX_DELAY_MS {
                let did = if warning { "warned" } else { "ended" };
                return Err(format!(
                    "invariant 1: tab {i} (page {}) {did} for idleness at {} with idle window \
                     {window} ms and warning lead {} ms, but the session had {what}",
                    tab.page,
                    ms(t),
                    tab.opts.warn_ms(),
                ));
            }
        }
        Ok(())
    }

    /// When activity at `a` (real time) was stored, if a
    /// `localStorage.clear()` wiped it since, with no store of it after
    /// the clear: then only its message tells the other tabs.
    fn wiped(&self, w: &World, a: u64) -> Option<u64> {
        let &(_, cut) = self.clears.iter().rev().find(|c| c.0 >= a)?;
        let wall = a - w.back;
        let holds = |l: &&Logged| match &l.op {
            Op::Write(text) => parse(text).is_some_and(|r| r.last_activity >= wall),
            _ => false,
        };
        let log = &w.bus.log;
        if log[cut..].iter().any(|l| holds(&l)) {
            return None;
        }
        log[..cut]
            .iter()
            .filter(|l| l.at >= a)
            .find(holds)
            .map(|l| l.at)
    }

    /// Invariant c.
    fn check_own_end(&self, w: &World, i: usize) -> Result<(), String> {
        let sid = w.tabs[i].sid;
        if !self.model.first_end.contains_key(&sid) {
            return Err(format!(
                "invariant c: tab {i} (page {}) of session {} ended with an end learned from \
                 another tab, though no tab of its session had ended: another session's end",
                w.tabs[i].page,
                ms(sid)
            ));
        }
        Ok(())
    }

    /// A keep-alive call at `now` in tab `i`: at most one per period in the
    /// session, and only after activity (a pause's held time counts) since
    /// the session's previous call, or its start; during a pause,
    /// `lastActivity` is the time of the call.
    fn check_keep_alive(&self, w: &World, i: usize, last_activity: u64) -> Result<(), String> {
        let now = w.now;
        let sid = w.tabs[i].sid;
        let period = w.tabs[i].opts.keep_alive.unwrap_or(0);
        let previous = self.calls.iter().rev().find(|c| c.2 == sid).map(|c| c.0);
        if let Some(p) = previous {
            if now < p + period {
                return Err(format!(
                    "keep-alive: tab {i} called at {} though the session called at {} \
                     (period {period} ms)",
                    ms(now),
                    ms(p)
                ));
            }
        }
        let (start, begun) = self
            .model
            .sessions
            .get(&sid)
            .map_or((0, 0), |s| (s.start, s.begun));
        let since = previous.unwrap_or(start);
        // A hold's end is heard up to MAX_DELAY_MS late, and a tab that
        // hears it counts the held time up to then (without Web Locks).
        let held = self.model.holds.iter().any(|h| {
            h.sid == sid && h.from < now && h.to.map_or(true, |end| end + MAX_DELAY_MS > since)
        });
        // The session's beginning is its first activity (a sign-in older
        // than a period is followed by a call at the first page load).
        let active = held
            || begun > since
            || self.acting.is_some_and(|t| t > since)
            || self
                .model
                .activity
                .get(&sid)
                .is_some_and(|list| list.iter().any(|&(a, _)| a > since && a <= now));
        if !active {
            return Err(format!(
                "keep-alive: tab {i} called at {} with no activity since {}",
                ms(now),
                ms(since)
            ));
        }
        let paused =
            self.model.holds.iter().any(|h| {
                h.to.is_none() && h.binds(i) && (h.tab == i || h.from + MAX_DELAY_MS <= now)
            });
        if self.widened && paused && last_activity != w.wall() {
            return Err(format!(
                "keep-alive: tab {i} called at {} during a pause with lastActivity {}: \
                 the held time counts as activity, so it is the time of the call",
                ms(w.wall()),
                ms(last_activity)
            ));
        }
        Ok(())
    }

    /// The checks after a call: the clock rule, invariant b, and invariant a
    /// for a call that brings news or wakes the guard.
    pub fn after_call(
        &mut self,
        w: &World,
        i: usize,
        input: &Input<'_>,
        before: Before,
    ) -> Result<(), String> {
        if !self.widened {
            return Ok(());
        }
        let v = w.view(i);
        let what = describe(input);
        if let Some(latest) = before.behind {
            if !v.ended || !before.reported {
                return Err(format!(
                    "the clock: tab {i} took {what} at {}, {} ms behind the latest time it \
                     had been given ({}), and did not report it and end",
                    ms(w.wall()),
                    latest - w.wall(),
                    ms(latest)
                ));
            }
        }
        if let (Some(old), Some(max)) = (before.abs_end, w.tabs[i].opts.max_ms()) {
            let abs = v.started_at + max;
            let sign_in =
                v.sid != before.sid && self.model.sessions.get(&v.sid).is_some_and(|s| s.sign_in);
            if abs > old && !sign_in {
                return Err(format!(
                    "invariant b: tab {i} (page {}) took {what} and its absolute end moved \
                     later, from {} to {} (session {} to {}), without a sign-in",
                    w.tabs[i].page,
                    ms(old),
                    ms(abs),
                    ms(before.sid),
                    ms(v.sid)
                ));
            }
            self.tabs[i].abs_end = Some(abs);
        }
        let news = match input {
            Input::Leave | Input::SignOut | Input::Answer(_) => false,
            Input::Resume => before.paused,
            _ => true,
        };
        if news && !v.ended {
            if let Some(due) = self.overdue(w, i, w.now) {
                return Err(format!(
                    "invariant a: tab {i} (page {}) took {what} at {} and is still signed \
                     in, though its end was due at {}: it must settle that end first",
                    w.tabs[i].page,
                    ms(w.now),
                    ms(due)
                ));
            }
        }
        Ok(())
    }

    /// The due end of tab `i`'s session, if `t` lies past it and its slack.
    fn overdue(&self, w: &World, i: usize, t: u64) -> Option<u64> {
        let tab = &w.tabs[i];
        let cache = &self.tabs[i].due_cache;
        let shrinks = self.model.shrinks;
        if let Some((s, sid, bound)) = cache.get() {
            // Only a shrink brings a due end nearer (see `Model::shrinks`).
            if s == shrinks && sid == tab.sid && bound.map_or(true, |b| t <= b) {
                return None;
            }
        }
        let due = self.model.due(tab.sid, i, &tab.opts, tab.opened);
        let joined = self.tabs[i].joined;
        let bound = due.map(|d| d.max(joined + JOIN_MS) + MAX_DELAY_MS);
        cache.set(Some((shrinks, tab.sid, bound)));
        due.filter(|_| bound.is_some_and(|b| t > b))
    }

    /// Before anything happens at real time `e`: invariants a and d.
    pub fn check_time(&mut self, w: &World, e: u64) -> Result<(), String> {
        if !self.widened {
            return Ok(());
        }
        for i in 0..w.tabs.len() {
            let t = &w.tabs[i];
            if !t.open || !t.live {
                continue;
            }
            let late = t.opts.late;
            if let Some(due) = self.overdue(w, i, e.saturating_sub(late)) {
                return Err(format!(
                    "invariant a: tab {i} (page {}) is still signed in at {}, though its end \
                     was due at {} and its timers run {late} ms late",
                    t.page,
                    ms(e),
                    ms(due)
                ));
            }
        }
        let mut k = 0;
        while k < self.hung.len() {
            let h = &self.hung[k];
            let deadline = h.at + h.period + w.tabs[h.tab].opts.late;
            if e <= deadline {
                k += 1;
                continue;
            }
            let h = self.hung.remove(k);
            let t = &w.tabs[h.tab];
            let active = self.model.activity.get(&h.sid).is_some_and(|list| {
                list.iter()
                    .any(|&(a, j)| j == h.tab && a > h.at && a < h.at + h.period)
            });
            let stands = t.open && t.live && t.sid == h.sid;
            let clock = w.clock_set_back.map_or(true, |c| c < h.at);
            let called = self
                .calls
                .iter()
                .any(|c| c.2 == h.sid && c.0 > h.at && c.0 <= deadline);
            if active && stands && clock && !called {
                return Err(format!(
                    "invariant d: tab {} called onKeepAlive at {} and it never settled; it had \
                     activity since, yet the session made no call by {} (one period after, \
                     plus its timers' lateness)",
                    h.tab,
                    ms(h.at),
                    ms(deadline)
                ));
            }
        }
        Ok(())
    }

    /// Invariant 2's "same end": a guard that learns its session's end from
    /// another tab ends as that tab did (the same reason and time), and a
    /// guard that ends by itself after another of its session has ended
    /// does so with the same reason, unless its own end fell due before
    /// that one: a tab settles what is due before it takes news, so one
    /// whose timers ran late ends at its own earlier deadline, with its
    /// reason, whatever end it then hears of (or at the same moment: two
    /// ends that fell due together, each in a tab that had not heard of
    /// the other, keep their reasons).
    pub fn same_end(&self, _w: &World) -> Result<(), String> {
        let ends = &self.model.ends;
        for (k, e) in ends.iter().enumerate() {
            let mut before = ends[..k].iter().filter(|b| b.sid == e.sid);
            let wrong = if e.remote {
                !before.any(|b| !b.remote && (b.reason, b.at) == (e.reason, e.at))
            } else {
                before.any(|b| b.reason != e.reason && e.at > b.at)
            };
            if wrong {
                let all: Vec<_> = ends
                    .iter()
                    .filter(|b| b.sid == e.sid)
                    .map(|b| (b.tab, b.reason, ms(b.at), b.remote))
                    .collect();
                return Err(format!(
                    "invariant 2: tab {} ended ({}, at {}, remote {}) unlike the session's \
                     earlier ends; its ends (tab, reason, at, remote) in order: {all:?}",
                    e.tab,
                    e.reason,
                    ms(e.at),
                    e.remote
                ));
            }
        }
        Ok(())
    }
}

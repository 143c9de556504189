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
//! activity are the first simulator's; `World::widened` adds the others.
//!
//! Due ends (a) allow the same slack as invariant 1 the other way: a message's
//! delay, and the time a guard that joins waits for held-back activity.

use crate::drive::{Out, SimInput};
use crate::model::Sid;
use crate::world::{World, MAX_DELAY_MS, T0};

/// How far behind the latest time a guard was given the clock may go before
/// the contract counts it as set back.
pub const CLOCK_TOLERANCE_MS: u64 = 60_000;
/// How long a guard that joins a session may wait before it acts on
/// idleness, for the others to answer with activity they held back.
pub const JOIN_MS: u64 = 100;

/// What the checks of a call need from before it.
pub struct Before {
    pub remember_me: bool,
    sid: Sid,
    abs_end: Option<u64>,
    /// The latest time the guard was given, when this call's is more than
    /// a minute behind it.
    behind: Option<u64>,
    paused: bool,
}

fn ms(t: u64) -> i64 {
    t as i64 - T0 as i64
}

impl World {
    pub fn before_call(&self, i: usize) -> Before {
        let t = &self.tabs[i];
        Before {
            remember_me: self.view(i).remember_me,
            sid: t.sid,
            abs_end: t.abs_end,
            behind: (t.latest_now > self.wall() + CLOCK_TOLERANCE_MS).then_some(t.latest_now),
            paused: self.view(i).paused,
        }
    }

    /// The checks of one effect.
    pub fn check_effect(&self, i: usize, out: Out) -> Result<(), String> {
        match out {
            Out::IdleWarning { at } => self.check_idle(i, true, at),
            Out::Ended { idle, remote, at } => {
                let n = self.tabs[i].ends.len();
                if n > 1 {
                    return Err(self.fail(format!("tab {i} ended {n} times")));
                }
                if remote && self.widened {
                    self.check_own_end(i)?;
                }
                if idle && !remote {
                    return self.check_idle(i, false, at);
                }
                Ok(())
            }
            Out::KeepAlive { last_activity } => self.check_keep_alive(i, last_activity),
            Out::Other => Ok(()),
        }
    }

    /// Invariant 1, for a warning or an end the core gave at `at` (wall
    /// clock): judged at that moment, not at the time it came out. A tab
    /// whose timers ran late ends at its deadline, on the facts it had
    /// then (news counts from the moment its facts happened), and activity
    /// at or after that moment never revives it.
    fn check_idle(&self, i: usize, warning: bool, at: u64) -> Result<(), String> {
        let tab = &self.tabs[i];
        // A call that switches remember-me settles what was due before.
        let window = tab
            .opts
            .window(self.view(i).remember_me)
            .min(tab.opts.window(tab.remember_before));
        let span = if warning {
            window.saturating_sub(tab.opts.warn)
        } else {
            window
        };
        let t = at + self.back;
        // A tab tells the others of its activity from a timer: one whose
        // timers run late cannot be heard before it has written or posted.
        let unheard = |a: u64, j: usize| {
            let wall = a - self.back;
            self.tabs[j].opts.late > 0
                && !self
                    .io
                    .iter()
                    .any(|r| r.tab == j && r.last_activity >= wall)
        };
        if let Some((a, what)) = self.model.latest_before(tab.sid, i, t, unheard) {
            if a + span > t + MAX_DELAY_MS {
                let did = if warning { "warned" } else { "ended" };
                return Err(self.fail(format!(
                    "invariant 1: tab {i} (page {}) {did} for idleness at {} with idle window \
                     {window} ms and warning lead {} ms, but the session had {what}",
                    tab.page,
                    ms(t),
                    tab.opts.warn,
                )));
            }
        }
        Ok(())
    }

    /// Invariant c.
    fn check_own_end(&self, i: usize) -> Result<(), String> {
        let sid = self.tabs[i].sid;
        if !self.model.first_end.contains_key(&sid) {
            return Err(self.fail(format!(
                "invariant c: tab {i} (page {}) of session {} ended with an end learned from \
                 another tab, though no tab of its session had ended: another session's end",
                self.tabs[i].page,
                ms(sid)
            )));
        }
        Ok(())
    }

    /// A keep-alive call at `now` in tab `i`: at most one per period in the
    /// session, and only after activity (a pause's held time counts) since
    /// the session's previous call, or its start; during a pause,
    /// `lastActivity` is the time of the call.
    fn check_keep_alive(&self, i: usize, last_activity: u64) -> Result<(), String> {
        let now = self.now;
        let sid = self.tabs[i].sid;
        let period = self.tabs[i].opts.keep_alive.unwrap_or(0);
        let previous = self.calls.iter().rev().find(|c| c.2 == sid).map(|c| c.0);
        if let Some(p) = previous {
            if now < p + period {
                return Err(self.fail(format!(
                    "keep-alive: tab {i} called at {} though the session called at {} \
                     (period {period} ms)",
                    ms(now),
                    ms(p)
                )));
            }
        }
        let begun = self.model.sessions.get(&sid).map_or(0, |s| s.begun);
        let since = previous.unwrap_or(begun);
        // A hold's end is heard up to MAX_DELAY_MS late, and a tab that
        // hears it counts the held time up to then (without Web Locks).
        let held = self.model.holds.iter().any(|h| {
            h.sid == sid && h.from < now && h.to.map_or(true, |end| end + MAX_DELAY_MS > since)
        });
        let active = held
            || self.acting.is_some_and(|t| t > since)
            || self
                .model
                .activity
                .get(&sid)
                .is_some_and(|list| list.iter().any(|&(a, _)| a > since && a <= now));
        if !active {
            return Err(self.fail(format!(
                "keep-alive: tab {i} called at {} with no activity since {}",
                ms(now),
                ms(since)
            )));
        }
        let paused = self.model.holds.iter().any(|h| {
            h.to.is_none() && h.binds(sid, i) && (h.tab == i || h.from + MAX_DELAY_MS <= now)
        });
        if self.widened && paused && last_activity != self.wall() {
            return Err(self.fail(format!(
                "keep-alive: tab {i} called at {} during a pause with lastActivity {}: \
                 the held time counts as activity, so it is the time of the call",
                ms(self.wall()),
                ms(last_activity)
            )));
        }
        Ok(())
    }

    /// The checks after a call: the clock rule, invariant b, and invariant a
    /// for a call that brings news or wakes the guard.
    pub fn after_call(
        &mut self,
        i: usize,
        call: &SimInput,
        before: Before,
        reported: bool,
    ) -> Result<(), String> {
        if !self.widened {
            return Ok(());
        }
        let v = self.view(i);
        let input = crate::shell::describe(call);
        if let Some(latest) = before.behind {
            if !v.ended || !reported {
                return Err(self.fail(format!(
                    "the clock: tab {i} took {input} at {}, {} ms behind the latest time it \
                     had been given ({}), and did not report it and end",
                    ms(self.wall()),
                    latest - self.wall(),
                    ms(latest)
                )));
            }
        }
        if let (Some(old), Some(max)) = (before.abs_end, self.tabs[i].opts.max) {
            let abs = v.started_at + max;
            let sign_in =
                v.sid != before.sid && self.model.sessions.get(&v.sid).is_some_and(|s| s.sign_in);
            if abs > old && !sign_in {
                return Err(self.fail(format!(
                    "invariant b: tab {i} (page {}) took {input} and its absolute end moved \
                     later, from {} to {} (session {} to {}), without a sign-in",
                    self.tabs[i].page,
                    ms(old),
                    ms(abs),
                    ms(before.sid),
                    ms(v.sid)
                )));
            }
            self.tabs[i].abs_end = Some(abs);
        }
        let news = match call {
            SimInput::Leave | SimInput::SignOut | SimInput::Answer(_) => false,
            SimInput::Resume => before.paused,
            _ => true,
        };
        if news && !v.ended {
            if let Some(due) = self.overdue(i, self.now) {
                return Err(self.fail(format!(
                    "invariant a: tab {i} (page {}) took {input} at {} and is still signed \
                     in, though its end was due at {}: it must settle that end first",
                    self.tabs[i].page,
                    ms(self.now),
                    ms(due)
                )));
            }
        }
        Ok(())
    }

    /// The due end of tab `i`'s session, if `t` lies past it and its slack.
    fn overdue(&self, i: usize, t: u64) -> Option<u64> {
        let tab = &self.tabs[i];
        let shrinks = self.model.shrinks;
        if let Some((s, sid, bound)) = tab.due_cache.get() {
            // Only a shrink brings a due end nearer (see `Model::shrinks`).
            if s == shrinks && sid == tab.sid && bound.map_or(true, |b| t <= b) {
                return None;
            }
        }
        let due = self.model.due(tab.sid, i, &tab.opts, tab.opened);
        let bound = due.map(|d| d.max(tab.opened + JOIN_MS) + MAX_DELAY_MS);
        tab.due_cache.set(Some((shrinks, tab.sid, bound)));
        due.filter(|_| bound.is_some_and(|b| t > b))
    }

    /// Before anything happens at real time `e`: invariants a and d.
    pub fn check_time(&mut self, e: u64) -> Result<(), String> {
        if !self.widened {
            return Ok(());
        }
        for i in 0..self.tabs.len() {
            let t = &self.tabs[i];
            if !t.open || !t.live {
                continue;
            }
            let late = t.opts.late;
            if let Some(due) = self.overdue(i, e.saturating_sub(late)) {
                return Err(self.fail(format!(
                    "invariant a: tab {i} (page {}) is still signed in at {}, though its end \
                     was due at {} and its timers run {late} ms late",
                    t.page,
                    ms(e),
                    ms(due)
                )));
            }
        }
        let mut k = 0;
        while k < self.hung.len() {
            let h = &self.hung[k];
            let deadline = h.at + h.period + self.tabs[h.tab].opts.late;
            if e <= deadline {
                k += 1;
                continue;
            }
            let h = self.hung.remove(k);
            let t = &self.tabs[h.tab];
            let active = self.model.activity.get(&h.sid).is_some_and(|list| {
                list.iter()
                    .any(|&(a, j)| j == h.tab && a > h.at && a < h.at + h.period)
            });
            let stands = t.open && t.live && t.sid == h.sid;
            let clock = self.clock_set_back.map_or(true, |c| c < h.at);
            let called = self
                .calls
                .iter()
                .any(|c| c.2 == h.sid && c.0 > h.at && c.0 <= deadline);
            if active && stands && clock && !called {
                return Err(self.fail(format!(
                    "invariant d: tab {} called onKeepAlive at {} and it never settled; it had \
                     activity since, yet the session made no call by {} (one period after, \
                     plus its timers' lateness)",
                    h.tab,
                    ms(h.at),
                    ms(deadline)
                )));
            }
        }
        Ok(())
    }
}

//! "Who had activity when", kept by the simulator and not read from any
//! core, and what follows from it: the latest activity that binds a tab
//! (invariant 1) and the moment a tab's end is due (invariant a). Times are
//! the real (monotonic) time of the simulation, which the wall clock only
//! leaves when it is set back.

use std::collections::BTreeMap;

use crate::common::{Opts, T0};
use crate::MAX_DELAY_MS;

/// A session: the `id` its record carries.
pub type Sid = u64;

/// What the simulator knows of a session from the moment it began.
pub struct SessionInfo {
    /// Real time at which it began: the idle window first runs from here
    /// (a guard's beginning of a session is its first activity).
    pub begun: u64,
    /// Real time of its start: the `startedAt` of the guard that began it,
    /// if earlier, else `begun`. The absolute lifetime and the first
    /// keep-alive period count from here.
    pub start: u64,
    /// Remember-me as the guard that began it had it.
    pub remember_me: bool,
    /// Begun by a guard given its own `startedAt` (a sign-in).
    pub sign_in: bool,
}

/// A pause, from the grant of its hold to its end.
pub struct HoldSpan {
    /// The session of the paused tab (it may join another meanwhile: the
    /// hold goes with it).
    pub sid: Sid,
    pub tab: usize,
    pub from: u64,
    pub to: Option<u64>,
    /// The tabs it holds: `None` for every tab of the session (Web Locks: a
    /// tab that opens later finds the hold with a probe). Without locks, the
    /// tabs that were live when it was announced: the core ignores a stored
    /// `held` flag it cannot check (a crashed tab would hold the session for
    /// ever), so a tab that opens during a pause is not held by it.
    pub bound: Option<Vec<usize>>,
}

impl HoldSpan {
    /// Whether the hold holds `tab`: every tab with Web Locks (a tab asks
    /// the lock, whatever session it is in), else the tabs it was
    /// announced to.
    pub fn binds(&self, tab: usize) -> bool {
        self.bound.as_ref().map_or(true, |b| b.contains(&tab))
    }
}

/// A guard's end, as its `onSignOut` was told.
#[derive(Clone, Copy, Debug)]
pub struct Ended {
    pub sid: Sid,
    pub tab: usize,
    pub reason: &'static str,
    /// Wall clock.
    pub at: u64,
    /// Learned from another tab.
    pub remote: bool,
}

/// What one `sync` told a session: the server's deadlines (real time, on
/// the page's clock), and when.
#[derive(Clone, Copy, Debug)]
pub struct Sync {
    pub at: u64,
    pub end: Option<u64>,
    pub idle_end: Option<u64>,
}

#[derive(Default)]
pub struct Model {
    pub sessions: BTreeMap<Sid, SessionInfo>,
    /// Per session: `(time, tab)` of every activity, in time order.
    pub activity: BTreeMap<Sid, Vec<(u64, usize)>>,
    /// Per session: `(time, on)` of every remember-me switch, in time order.
    pub remember: BTreeMap<Sid, Vec<(u64, bool, usize)>>,
    pub holds: Vec<HoldSpan>,
    /// Per session: when a tab of it first ended. Activity after that, in a
    /// tab that has not heard yet, is not activity of a live session.
    pub first_end: BTreeMap<Sid, u64>,
    /// Every guard's end, in the order they came out.
    pub ends: Vec<Ended>,
    /// Per session: the server's deadlines of every `sync`, in order.
    pub server: BTreeMap<Sid, Vec<Sync>>,
    /// Counts the facts that may bring a due end nearer (a remember-me
    /// switch, the end of a hold); other facts only move it later. A cache
    /// key for `due`.
    pub shrinks: u64,
}

impl Model {
    pub fn activity(&mut self, sid: Sid, tab: usize, at: u64) {
        if !self.first_end.contains_key(&sid) {
            self.activity.entry(sid).or_default().push((at, tab));
        }
    }

    pub fn remember_me(&mut self, sid: Sid, tab: usize, on: bool, at: u64) {
        if !self.first_end.contains_key(&sid) {
            self.remember.entry(sid).or_default().push((at, on, tab));
            self.shrinks += 1;
        }
    }

    /// Remember-me as session `sid` has it now.
    pub fn remember_me_of(&self, sid: Sid) -> Option<bool> {
        let first = self.sessions.get(&sid)?.remember_me;
        let last = self.remember.get(&sid).and_then(|v| v.last());
        Some(last.map_or(first, |s| s.1))
    }

    /// A `sync` in a tab of session `sid`.
    pub fn sync(&mut self, sid: Sid, sync: Sync) {
        if !self.first_end.contains_key(&sid) {
            self.server.entry(sid).or_default().push(sync);
            self.shrinks += 1;
        }
    }

    /// The server's deadlines of session `sid` as they stand (a sync
    /// replaces those it names), each due no earlier than the sync that
    /// gave it: a deadline that had passed ends the session then.
    pub fn server_now(&self, sid: Sid) -> (Option<u64>, Option<u64>) {
        let syncs = self.server.get(&sid).map_or(&[][..], |v| &v[..]);
        let last = |f: fn(&Sync) -> Option<u64>| {
            syncs.iter().rev().find_map(|s| f(s).map(|t| t.max(s.at)))
        };
        (last(|s| s.end), last(|s| s.idle_end))
    }

    /// Whether `end` (real time) is the server's idle end of session `sid`
    /// for a tab at `now`: the one in force, or one a later sync replaced
    /// less than a message's delay ago (the tab may not have heard yet).
    pub fn server_idle_end(&self, sid: Sid, end: u64, now: u64) -> bool {
        let syncs = self.server.get(&sid).map_or(&[][..], |v| &v[..]);
        syncs.iter().enumerate().any(|(k, s)| {
            s.idle_end == Some(end)
                && syncs[k + 1..]
                    .iter()
                    .find(|later| later.idle_end.is_some())
                    .map_or(true, |later| now < later.at + MAX_DELAY_MS)
        })
    }

    pub fn first_end(&mut self, sid: Sid, at: u64) {
        self.first_end.entry(sid).or_insert(at);
    }

    pub fn end_hold(&mut self, tab: usize, at: u64) {
        for h in &mut self.holds {
            if h.tab == tab && h.to.is_none() {
                h.to = Some(at);
            }
        }
        self.shrinks += 1;
    }

    /// The remember-me switches of session `sid` as they bind `tab`, in
    /// time order: another tab's switch to a shorter window reaches it up
    /// to a message's delay later (meanwhile it acts on the longer one),
    /// and a switch that the next one overtakes meanwhile never binds it.
    fn switches(&self, sid: Sid, tab: usize, opts: &Opts, first: bool) -> Vec<(u64, bool)> {
        let raw = self.remember.get(&sid).map_or(&[][..], |v| &v[..]);
        let mut before = first;
        let mut out = Vec::new();
        for (k, &(s, on, j)) in raw.iter().enumerate() {
            let shorter = opts.window(on) < opts.window(before);
            let binds = if j != tab && shorter {
                s + MAX_DELAY_MS
            } else {
                s
            };
            if raw.get(k + 1).map_or(true, |next| next.0 > binds) {
                out.push((binds, on));
            }
            before = on;
        }
        out
    }

    /// The latest moment before `t` at which session `sid` had activity that
    /// binds `tab`, and where it came from. A hold counts as activity over
    /// its whole span, from the
    /// moment every other tab has been told of it (`from + MAX_DELAY_MS`) to
    /// its end.
    /// Activity for which `unheard(time, tab)` holds does not count.
    pub fn latest_before(
        &self,
        sid: Sid,
        tab: usize,
        t: u64,
        unheard: impl Fn(u64, usize) -> bool,
    ) -> Option<(u64, String)> {
        let mut best: Option<(u64, String)> = None;
        if let Some(list) = self.activity.get(&sid) {
            let n = list.partition_point(|&(a, _)| a < t);
            if let Some(&(a, j)) = list[..n].iter().rev().find(|&&(a, j)| !unheard(a, j)) {
                best = Some((a, format!("activity in tab {j} at {}", a - T0)));
            }
        }
        for h in &self.holds {
            if !h.binds(tab) {
                continue;
            }
            let from = h.from + MAX_DELAY_MS;
            let to = h.to.unwrap_or(u64::MAX).min(t.saturating_sub(1));
            if from <= to && best.as_ref().map_or(true, |b| to > b.0) {
                let until =
                    h.to.map_or("not over yet".to_string(), |e| format!("until {}", e - T0));
                best = Some((
                    to,
                    format!("a pause in tab {} from {} ({until})", h.tab, h.from - T0),
                ));
            }
        }
        best
    }

    /// When the end of session `sid` is due for a tab with `opts` (`None`:
    /// never, as things stand): the first moment `T` at which the session
    /// had no activity for the idle window in force (remember-me as the
    /// session has it just before `T`), counting the session's beginning
    /// and every hold that binds `tab` as activity (and the end of every
    /// hold of the session), or its absolute end, or the server's.
    /// Activity or a switch at `T` itself does not count: a due end is
    /// never extended; but another tab's activity at that very moment does
    /// (that tab could not know it came too late). Only moments after the
    /// tab opened count.
    pub fn due(&self, sid: Sid, tab: usize, opts: &Opts, opened: u64) -> Option<u64> {
        let info = self.sessions.get(&sid)?;
        let absolute = opts.max_ms().map(|m| info.start + m);
        let spans: Vec<(u64, u64)> = self
            .holds
            .iter()
            .filter(|h| h.binds(tab))
            .map(|h| (h.from, h.to.unwrap_or(u64::MAX)))
            .collect();
        let mut points = vec![info.begun];
        if let Some(list) = self.activity.get(&sid) {
            points.extend(list.iter().map(|a| a.0));
        }
        for &(from, _) in &spans {
            points.push(from);
        }
        // The end of any pause of the session is activity of the session
        // (the held time counts), whether or not the hold bound this tab.
        points.extend(
            self.holds
                .iter()
                .filter(|h| h.sid == sid)
                .filter_map(|h| h.to),
        );
        points.sort_unstable();
        points.dedup();
        let switches = self.switches(sid, tab, opts, info.remember_me);
        let switches = &switches[..];
        // The tab's window binds from the moment it opened: it finds the
        // session as it stands then (activity at that instant included).
        let after = opened.max(info.begun);
        let others_at = |t: u64| {
            self.activity
                .get(&sid)
                .is_some_and(|list| list.iter().any(|&(a, j)| a == t && j != tab))
        };
        let mut idle = None;
        for (k, &p) in points.iter().enumerate() {
            let next = points.get(k + 1).copied().unwrap_or(u64::MAX);
            if next <= after || spans.iter().any(|&(from, to)| from <= p && next <= to) {
                continue;
            }
            let last = if others_at(next) { next - 1 } else { next };
            idle = first_due(p, p.max(after) + 1, last, switches, info.remember_me, opts);
            if idle.is_some() {
                break;
            }
        }
        let (server_end, server_idle_end) = self.server_now(sid);
        [idle, absolute, server_end, server_idle_end]
            .into_iter()
            .flatten()
            .min()
    }
}

/// The first `T` in `[lo, next]` with `T >= p + window(remember-me before T)`.
fn first_due(
    p: u64,
    mut lo: u64,
    next: u64,
    switches: &[(u64, bool)],
    first: bool,
    opts: &Opts,
) -> Option<u64> {
    // Remember-me for T in [lo, next]: a switch at s counts for T > s.
    let mut on = switches
        .iter()
        .take_while(|s| s.0 < lo)
        .last()
        .map_or(first, |s| s.1);
    let from = lo;
    for &(s, v) in switches.iter().filter(|s| s.0 >= from && s.0 < next) {
        let t = lo.max(p.saturating_add(opts.window(on)));
        if t <= s {
            return Some(t);
        }
        on = v;
        lo = s + 1;
    }
    let t = lo.max(p.saturating_add(opts.window(on)));
    (t <= next).then_some(t)
}

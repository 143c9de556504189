//! `closedTimeoutMs` and the back-forward cache: which pages of a session
//! are open, kept by the simulator from what the pages do (never from a
//! core), and the invariants on `"closed"` ends and on Back after the end.
//!
//! A page counts as open from its start (or from being shown again by the
//! back-forward cache) until it goes away: closed, vanished, reloaded,
//! navigated, put into the back-forward cache, or its guard destroyed or
//! ended. A page of a session is a live guard in it.
//!
//! - e (on every `"closed"` end a tab reaches by itself): no other page of
//!   its session that started (or was shown) before it is open then.
//! - f (the same): the tab started (or was shown) more than
//!   `closedTimeoutMs` after the session began and after the last page of
//!   it that went away with `pagehide` (into the back-forward cache too): a
//!   reload, a navigation, a new tab within the window continues the
//!   session.
//! - g (all the time): a guard that starts (or is shown) while no page is
//!   open, more than `closedTimeoutMs` after every page of the session went
//!   away, the session not ended otherwise, ends at once (within the ping's
//!   wait and a message's delay; by itself, or told by a page that started
//!   with it): with reason `"closed"` at the last page's
//!   going away plus the window (no later; exactly then when that page left
//!   with `pagehide`), or, when the idle or absolute end had passed by the
//!   start (or falls due while the guard waits for an answer to its ping),
//!   with that end: both rules of the contract apply then (a stored session
//!   found past its deadline ends with that deadline's reason). A page that vanished may take its unstored activity with it:
//!   then the idle end may come earlier, at no later than the model's.
//! - h (on every `pageshow` of a page whose guard had ended): exactly one
//!   more sign-out, `restored`, with the end's reason and `at`; a page
//!   whose guard was live then gets none; a destroyed guard none ever.

use session_guard::core::{Event, Input, Reason, PING_WAIT_MS};

use crate::check::ms;
use crate::common::{Effect, Fact, Opts, World};
use crate::model::{Model, Sid};
use crate::MAX_DELAY_MS;

/// A live guard's page that went away.
struct Gone {
    sid: Sid,
    at: u64,
    /// With `pagehide` (not vanished).
    pagehide: bool,
}

/// A guard that started past the window with no page open (invariant g).
struct Expect {
    tab: usize,
    sid: Sid,
    start: u64,
    /// When the last page of the session went away, and with `pagehide`.
    last: u64,
    pagehide: bool,
    /// A page of the session vanished.
    vanished: bool,
    window: u64,
    /// The session's idle or absolute end, as the model has it.
    due: Option<u64>,
    /// How long the guard may wait to know whether a page is open (a
    /// ping's wait without Web Locks, none with them).
    wait: u64,
}

#[derive(Default)]
pub struct Presence {
    /// Per tab: real time it last started or was shown.
    since: Vec<u64>,
    /// Per tab: `pagehide` (`Input::Leave`) reached its live guard since.
    left: Vec<bool>,
    /// Per tab: when its guard was destroyed.
    destroyed: Vec<Option<u64>>,
    /// Per tab: its page vanished without `pagehide`.
    vanished: Vec<bool>,
    gone: Vec<Gone>,
    expect: Vec<Expect>,
    /// A `pageshow` under way: the tab, its restored sign-outs before, and
    /// whether its guard had ended.
    showing: Option<(usize, usize, bool)>,
}

fn restored(w: &World, i: usize) -> Vec<(Reason, u64)> {
    w.tabs[i]
        .effects
        .iter()
        .filter_map(|(_, e)| match *e {
            Effect::Restored { reason, at } => Some((reason, at)),
            _ => None,
        })
        .collect()
}

/// The guard of tab `i` is live (it has not ended, nor been destroyed).
fn live(w: &World, i: usize) -> bool {
    w.tabs[i].sign_outs().is_empty() && !w.tabs[i].destroyed
}

impl Presence {
    /// A guard starts in tab `i` (before the model sees its session).
    pub fn started(&mut self, model: &Model, w: &World, i: usize) {
        self.since.push(w.now);
        self.left.push(false);
        self.destroyed.push(None);
        self.vanished.push(false);
        self.expect(model, w, i, false);
    }

    /// The start (or `pageshow`) of tab `i`: invariant g's case?
    fn expect(&mut self, model: &Model, w: &World, i: usize, shown: bool) {
        let Some(window) = w.tabs[i].opts.closed else {
            return;
        };
        let others = (0..w.tabs.len()).any(|j| j != i && w.tabs[j].open && w.tabs[j].live);
        let Some(&sid) = model.sessions.keys().next_back() else {
            return;
        };
        // A page shown again whose own session is over learns that end.
        let shown_elsewhere = shown && w.tabs[i].sid != sid;
        if others || shown_elsewhere || model.first_end.contains_key(&sid) {
            return;
        }
        let Some(last) = self
            .gone
            .iter()
            .filter(|g| g.sid == sid)
            .max_by_key(|g| (g.at, !g.pagehide))
        else {
            return;
        };
        if w.now <= last.at + window {
            return;
        }
        self.expect.push(Expect {
            tab: i,
            sid,
            start: w.now,
            last: last.at,
            pagehide: last.pagehide,
            vanished: self.gone.iter().any(|g| g.sid == sid && !g.pagehide),
            window,
            due: stored_end(model, sid, &w.tabs[i].opts),
            wait: if w.locks { 0 } else { PING_WAIT_MS },
        });
    }

    pub fn before(&mut self, model: &Model, w: &World, i: usize, input: &Input<'_>) {
        match input {
            Input::Leave if w.tabs[i].live => self.left[i] = true,
            Input::Shown => {
                self.since[i] = w.now;
                self.left[i] = false;
                let ended = !live(w, i);
                self.showing = Some((i, restored(w, i).len(), ended));
                if !ended {
                    self.expect(model, w, i, true);
                }
            }
            // The app signs out: the session ends otherwise.
            Input::SignOut => self.expect.retain(|e| e.tab != i),
            _ => {}
        }
    }

    pub fn fact(&mut self, w: &World, i: usize, fact: Fact) {
        let destroyed = fact == Fact::Destroyed;
        if matches!(fact, Fact::Closed | Fact::Cached) || destroyed {
            let was_live = w.tabs[i].sign_outs().is_empty() && self.destroyed[i].is_none();
            if was_live {
                self.gone.push(Gone {
                    sid: w.tabs[i].sid,
                    at: w.now,
                    pagehide: self.left[i],
                });
            }
            // Gone before its end came: nothing more to expect of it.
            self.expect.retain(|e| e.tab != i);
        }
        if destroyed {
            self.destroyed[i] = Some(w.now);
        }
        if fact == Fact::Closed && !self.left[i] {
            self.vanished[i] = true;
        }
    }

    /// The page of tab `i` vanished without `pagehide`.
    pub fn vanished(&self, i: usize) -> bool {
        self.vanished.get(i).copied().unwrap_or(false)
    }

    /// Invariants e, f and g on an end of tab `i`.
    pub fn ended(&mut self, model: &Model, w: &World, i: usize, e: &Event) -> Result<(), String> {
        let Event::SignedOut {
            reason,
            at,
            remote,
            restored: false,
        } = *e
        else {
            return Ok(());
        };
        if let Some(k) = self.expect.iter().position(|x| x.tab == i) {
            let x = self.expect.remove(k);
            check_expected(&x, reason, at, remote)?;
        }
        if reason != Reason::Closed || remote {
            return Ok(());
        }
        let (sid, since) = (w.tabs[i].sid, self.since[i]);
        let page = w.tabs[i].page;
        for j in (0..w.tabs.len()).filter(|&j| j != i) {
            let t = &w.tabs[j];
            if t.open && t.live && t.sid == sid && self.since[j] < since {
                return Err(format!(
                    "invariant e: tab {i} (page {page}), started at {}, ended the session \
                     {} as closed at {}, though tab {j} (page {}) of it, open since {}, is \
                     still open",
                    ms(since),
                    ms(sid),
                    ms(at),
                    t.page,
                    ms(self.since[j])
                ));
            }
        }
        let window = w.tabs[i].opts.closed.unwrap_or(0);
        // Its beginning is the first moment a page of the session was open.
        let begun = model.sessions.get(&sid).map(|s| s.begun);
        let left = self
            .gone
            .iter()
            .filter(|g| g.sid == sid && g.pagehide)
            .map(|g| g.at)
            .chain(begun)
            .max();
        if let Some(left) = left.filter(|&l| since <= l + window) {
            return Err(format!(
                "invariant f: tab {i} (page {page}) started at {}, within {window} ms of the \
                 last moment a page of session {} was open (at {}), yet ended it as closed at {}",
                ms(since),
                ms(sid),
                ms(left),
                ms(at)
            ));
        }
        Ok(())
    }

    /// Invariant h, after a `pageshow`.
    pub fn shown(&mut self, w: &World, i: usize) -> Result<(), String> {
        let Some((tab, before, ended)) = self.showing.take() else {
            return Ok(());
        };
        assert_eq!(tab, i);
        let now = restored(w, i);
        let outs = w.tabs[i].sign_outs();
        let want = if ended { before + 1 } else { before };
        let right = !ended || outs.first().map(|o| (o.0, o.1)) == now.last().copied();
        if now.len() != want || !right {
            return Err(format!(
                "invariant h: tab {i} (page {}) was shown again {} its end {outs:?}; its \
                 restored sign-outs went from {before} to {:?}",
                w.tabs[i].page,
                if ended { "after" } else { "before" },
                now
            ));
        }
        Ok(())
    }

    /// Invariant g, before anything happens at real time `t`.
    pub fn time(&mut self, w: &World, t: u64) -> Result<(), String> {
        for x in &self.expect {
            if t > x.start + PING_WAIT_MS + MAX_DELAY_MS && w.tabs[x.tab].live {
                return Err(format!(
                    "invariant g: tab {} started at {} when every page of session {} had \
                     been gone since {} (closedTimeoutMs {}), and is still signed in at {}",
                    x.tab,
                    ms(x.start),
                    ms(x.sid),
                    ms(x.last),
                    x.window,
                    ms(t)
                ));
            }
        }
        Ok(())
    }

    /// Invariant h for destroyed guards, at the end of the run.
    pub fn rest(&self, w: &World) -> Result<(), String> {
        for (i, d) in self.destroyed.iter().enumerate() {
            let Some(d) = *d else { continue };
            let late = w.tabs[i]
                .effects
                .iter()
                .any(|(t, e)| *t >= d && matches!(e, Effect::Restored { .. }));
            if late {
                return Err(format!(
                    "invariant h: tab {i} told its end again after destroy() at {}",
                    ms(d)
                ));
            }
        }
        Ok(())
    }
}

/// The idle or absolute end of session `sid`, which no page watches, for a
/// guard with `opts`: its last activity (its beginning, an activity, a
/// pause's end) plus the window in force, or its start plus the lifetime.
fn stored_end(model: &Model, sid: Sid, opts: &Opts) -> Option<u64> {
    let info = model.sessions.get(&sid)?;
    let activity = model.activity.get(&sid).into_iter().flatten().map(|a| a.0);
    let holds = model.holds.iter().filter(|h| h.sid == sid);
    let last = activity
        .chain(holds.filter_map(|h| h.to))
        .fold(info.begun, u64::max);
    let window = opts.window(model.remember_me_of(sid).unwrap_or(info.remember_me));
    let idle = last.checked_add(window);
    let absolute = opts.max_ms().map(|m| info.start + m);
    [idle, absolute].into_iter().flatten().min()
}

/// Invariant g: the end of a guard that started past the window.
fn check_expected(x: &Expect, reason: Reason, at: u64, remote: bool) -> Result<(), String> {
    let closed_at = x.last + x.window;
    // An end that had passed by the start, or that falls due at that very
    // moment or while the guard waits to know whether a page is open: then
    // either end may come first.
    let due = x.due.unwrap_or(u64::MAX);
    // Both ends had passed by the start: the contract has the first guard
    // that finds a stored session past its deadline end it with that
    // deadline's reason, and a guard that starts past the window end it as
    // closed; either stands. An idle or absolute end that falls due while
    // the guard waits to know whether a page is open may come first too.
    let passed = due < x.start;
    let racing = due >= x.start && due <= x.start + x.wait;
    let idle_ok = at == due || x.vanished && at <= due;
    let closed_ok = at == closed_at || !x.pagehide && at <= closed_at;
    let ok = match reason {
        // (The absolute end is invariant b's and a's; here only its time.)
        Reason::Absolute => at <= x.start + x.wait,
        Reason::Idle => idle_ok && (passed || racing || x.vanished),
        Reason::Closed => closed_ok,
        Reason::Manual => false,
    };
    if ok {
        return Ok(());
    }
    let want = if passed || racing {
        format!(
            "closed at {} or its idle or absolute end at {}",
            ms(closed_at),
            ms(due)
        )
    } else {
        format!("closed at {}", ms(closed_at))
    };
    Err(format!(
        "invariant g: tab {} started at {} when every page of session {} had been gone since \
         {} ({}; closedTimeoutMs {}); want {want}, got {} at {} (remote {remote})",
        x.tab,
        ms(x.start),
        ms(x.sid),
        ms(x.last),
        if x.pagehide {
            "with pagehide"
        } else {
            "vanished"
        },
        x.window,
        reason.as_str(),
        ms(at)
    ))
}

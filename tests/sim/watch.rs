//! The simulator's watch over the shared simulated browser (`tests/common`):
//! it keeps the model of "who had activity when" (`model.rs`) from what the
//! app does and what the shell carries out, never from a core's state, and
//! checks the invariants (`check.rs`) at every hook.

use std::cell::Cell;

use session_guard::core::{Command, Event, Input, Problem};

use crate::closed::Presence;
use crate::common::{parse, Fact, Monitor, World};
use crate::model::{HoldSpan, Model, SessionInfo, Sid};

/// What the checks keep of one guard.
#[derive(Default)]
pub struct Watch {
    /// The latest wall time its core was given.
    pub latest_now: u64,
    /// Its absolute end as of the last call (wall clock).
    pub abs_end: Option<u64>,
    /// Remember-me as the core had it before the call under way.
    pub remember_before: bool,
    /// `(model shrinks, sid, bound)` of the last due end computed.
    pub due_cache: Cell<Option<(u64, Sid, Option<u64>)>>,
    /// Real time it joined the session it is in (its start, or news of
    /// another session it joined).
    pub joined: u64,
}

/// What the checks of a call need from before it.
pub struct Before {
    pub sid: Sid,
    pub abs_end: Option<u64>,
    /// The latest time the guard was given, when this call's is more than
    /// a minute behind it.
    pub behind: Option<u64>,
    pub paused: bool,
    /// The call is activity (it set `Checks::acting`).
    pub acts: bool,
    /// The core reported a problem in this call.
    pub reported: bool,
}

/// A keep-alive call that never settles.
pub struct Hung {
    pub at: u64,
    pub tab: usize,
    pub sid: Sid,
    pub period: u64,
}

/// The model and the state of the checks.
#[derive(Default)]
pub struct Checks {
    /// Checks the invariants of the widened simulator too (a to d, the
    /// clock, `lastActivity` during a pause), not only those of the first.
    pub widened: bool,
    pub model: Model,
    pub tabs: Vec<Watch>,
    /// The calls under way, innermost last.
    pub before: Vec<Before>,
    /// Every keep-alive call: `(real time, tab, session)`.
    pub calls: Vec<(u64, usize, Sid)>,
    /// Keep-alive calls that never settle, not yet checked (invariant d).
    pub hung: Vec<Hung>,
    /// The time of the activity being handed to a core (a keep-alive it
    /// causes counts it).
    pub acting: Option<u64>,
    /// Every `localStorage.clear()`: its real time, and how many storage
    /// and channel operations came before it.
    pub clears: Vec<(u64, usize)>,
    /// Which pages are open (`closedTimeoutMs`, the back-forward cache).
    pub closed: Presence,
}

impl Checks {
    /// Keeps the model's sessions up to date after a call: a session first
    /// seen begins now.
    fn see(&mut self, w: &World, i: usize) {
        let v = w.view(i);
        self.model.sessions.entry(v.sid).or_insert(SessionInfo {
            begun: w.now,
            start: w.now,
            remember_me: v.remember_me,
            sign_in: false,
        });
    }
}

impl Monitor for Checks {
    fn started(&mut self, w: &World, i: usize) -> Result<(), String> {
        self.closed.started(&self.model, w, i);
        let v = w.view(i);
        let fresh = !self.model.sessions.contains_key(&v.sid);
        self.see(w, i);
        // A guard given a `startedAt` that is in a session begun at this
        // instant began it, or one with the same identity: two guards that
        // begin a session in one millisecond (after the same end, or on no
        // record) give it one id.
        if let Some(at) = w.tabs[i].opts.started_at {
            if let Some(s) = self.model.sessions.get_mut(&v.sid) {
                if s.begun == w.now {
                    s.sign_in = true;
                }
                if fresh {
                    s.start = s.begun.min(at + w.back);
                }
            }
        }
        self.tabs.push(Watch {
            latest_now: w.wall(),
            joined: w.now,
            abs_end: w.tabs[i].opts.max_ms().map(|m| v.started_at + m),
            ..Watch::default()
        });
        // Two guards that begin a session in the same millisecond may give
        // it one identity and different remember-me settings: the shorter
        // window wins (remember-me off).
        if !fresh && self.model.remember_me_of(v.sid) == Some(true) && !v.remember_me {
            self.model.remember_me(v.sid, i, v.remember_me, w.now);
        }
        Ok(())
    }

    fn before(&mut self, w: &World, i: usize, input: &Input<'_>) {
        self.closed.before(&self.model, w, i, input);
        let v = w.view(i);
        let wall = w.wall();
        let watch = &mut self.tabs[i];
        let acts = self.acting.is_none()
            && match input {
                Input::Activity | Input::Touch => true,
                Input::Resume => v.paused,
                _ => false,
            };
        if acts {
            self.acting = Some(w.now);
        }
        if let Input::Sync(sync) = input {
            // As the core corrects them: by the difference between the
            // server's clock and the page's.
            let page = |t: u64| match sync.now {
                Some(server_now) => (t + wall).saturating_sub(server_now) + w.back,
                None => t + w.back,
            };
            let sync = crate::model::Sync {
                at: w.now,
                end: sync.expires_at.map(page),
                idle_end: sync.idle_expires_at.map(page),
            };
            self.model.sync(w.tabs[i].sid, sync);
        }
        self.before.push(Before {
            sid: w.tabs[i].sid,
            abs_end: watch.abs_end,
            behind: (watch.latest_now > wall + crate::check::CLOCK_TOLERANCE_MS)
                .then_some(watch.latest_now),
            paused: v.paused,
            acts,
            reported: false,
        });
        watch.remember_before = v.remember_me;
        watch.latest_now = watch.latest_now.max(wall);
    }

    fn took(&mut self, w: &World, i: usize) {
        self.see(w, i);
        let sid = w.tabs[i].sid;
        if let Some(old) = self.before.last().map(|b| b.sid).filter(|old| *old != sid) {
            self.tabs[i].joined = w.now;
            // The activity its session had is activity of the one it joins
            // (a page of the origin was used), if not its mere beginning.
            let begun = self.model.sessions.get(&old).map(|s| s.begun);
            let latest = self
                .model
                .activity
                .get(&old)
                .and_then(|list| list.iter().map(|&(at, _)| at).max())
                .filter(|at| Some(*at) > begun);
            if let Some(at) = latest {
                self.model.activity(sid, i, at);
                if let Some(list) = self.model.activity.get_mut(&sid) {
                    list.sort_unstable();
                }
            }
            // A paused tab that joins another session holds that one.
            for h in &mut self.model.holds {
                if h.tab == i && h.to.is_none() {
                    h.sid = sid;
                }
            }
        }
    }

    fn command(&mut self, w: &World, i: usize, c: &Command) -> Result<(), String> {
        match c {
            Command::Post(text) => match parse(text).and_then(|r| r.hold_changed) {
                // The hold is announced: from now on it holds the session.
                Some(true) => {
                    let bound = (!w.locks).then(|| {
                        (0..w.tabs.len())
                            .filter(|&j| w.tabs[j].open && w.tabs[j].live)
                            .collect()
                    });
                    self.model.holds.push(HoldSpan {
                        sid: w.tabs[i].sid,
                        tab: i,
                        from: w.now,
                        to: None,
                        bound,
                    });
                }
                Some(false) => self.model.end_hold(i, w.now),
                None => {}
            },
            Command::Hold(false) => self.model.end_hold(i, w.now),
            _ => {}
        }
        Ok(())
    }

    fn event(&mut self, w: &World, i: usize, e: &Event) -> Result<(), String> {
        self.check_event(w, i, e)?;
        if self.widened {
            self.closed.ended(&self.model, w, i, e)?;
        }
        let (now, sid) = (w.now, w.tabs[i].sid);
        match *e {
            Event::SignedOut {
                reason,
                at,
                remote,
                restored: false,
            } => {
                self.model.end_hold(i, now);
                self.model.first_end(sid, now);
                self.model.ends.push(crate::model::Ended {
                    sid,
                    tab: i,
                    reason: reason.as_str(),
                    at,
                    remote,
                });
            }
            Event::Error(
                Problem::Rejected(_)
                | Problem::ClockBack(_)
                | Problem::Storage
                | Problem::StartedAhead(_),
            ) if w.clock_set_back.is_some() => {
                if let Some(b) = self.before.last_mut() {
                    b.reported = true;
                }
            }
            Event::Error(Problem::Rejected(r)) => {
                return Err(format!("tab {i}: a record was rejected: {r:?}"));
            }
            Event::Warning { .. } | Event::Activity { .. } | Event::SignedOut { .. } => {}
            Event::KeepAlive { .. } => {
                self.calls.push((now, i, sid));
                let opts = &w.tabs[i].opts;
                if opts.answer_after.is_none() {
                    let period = opts.keep_alive.unwrap_or(0);
                    self.hung.push(Hung {
                        at: now,
                        tab: i,
                        sid,
                        period,
                    });
                }
            }
            Event::Error(Problem::KeepAliveTimedOut(_)) => {}
            Event::Error(p) => return Err(format!("tab {i}: unexpected {p:?}")),
        }
        Ok(())
    }

    fn after(&mut self, w: &World, i: usize, input: &Input<'_>) -> Result<(), String> {
        let before = self.before.pop().expect("a call under way");
        if before.acts {
            self.acting = None;
        }
        if self.widened && *input == Input::Shown {
            self.closed.shown(w, i)?;
        }
        self.after_call(w, i, input, before)
    }

    fn fact(&mut self, w: &World, i: usize, fact: Fact) {
        self.closed.fact(w, i, fact);
        let sid = w.tabs[i].sid;
        match fact {
            Fact::Activity if w.tabs[i].live => self.model.activity(sid, i, w.now),
            Fact::RememberMe(on) if w.tabs[i].live => self.model.remember_me(sid, i, on, w.now),
            Fact::Closed | Fact::Cached | Fact::Destroyed => self.model.end_hold(i, w.now),
            Fact::Cleared => self.clears.push((w.now, w.bus.log.len())),
            _ => {}
        }
    }

    fn time(&mut self, w: &World, t: u64) -> Result<(), String> {
        if self.widened {
            self.closed.time(w, t)?;
        }
        self.check_time(w, t)
    }

    fn rest(&mut self, w: &World) -> Result<(), String> {
        self.closed.rest(w)?;
        self.same_end(w)
    }
}

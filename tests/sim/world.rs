//! The simulated browser of `tests/sim.rs`: several pages of one origin, each
//! with a guard whose core is driven the way the browser shell drives it (all
//! through `drive.rs`), one `localStorage`, a `BroadcastChannel` with
//! delivery delays, Web Locks, timers, a wall clock, and a model of "who had
//! activity when" kept apart from the cores (`model.rs`).
//!
//! - Time: `now` is real (monotonic) time; the cores see the wall clock,
//!   `now - back`, which only moves apart when the plan sets the clock back.
//! - Storage: one `Option<String>`; a read sees the latest write at once.
//!   `localStorage.clear()` in a page empties it.
//! - Channel: a `Command::Post` posts, the storage port stores. A
//!   message reaches every *other* guard that was live when it was posted, after
//!   a delay taken in turn from the plan's list (each at most
//!   [`MAX_DELAY_MS`]); one sender's messages arrive in the order they were
//!   posted, as on a real channel.
//! - `storage` events (when the plan has them): a change of the stored value
//!   reaches every *other* page (document) with the same delays, and is
//!   handed to whatever guard is live in that document when it arrives (a
//!   guard made in `onSignOut` gets the events queued for its page). A clear
//!   sends one with a `null` value (to the other pages only, as always).
//! - Timers: each guard has the shell's one timer, armed no later than
//!   `next_wake()` after every call (a delay from the wall clock, kept in real
//!   time), never moved later by a call, and firing its page's lateness
//!   after that (then a wake). Messages due at the instant a timer fires are
//!   delivered first; timers due at one instant fire in tab order (lowest
//!   or highest first, from the plan). The app's own events at an instant
//!   (activity, calls, reloads) come after whatever is due then.
//! - Activity: an event at a wall time before `quiet_until()` (as it stood
//!   after the last call) only records its time, like the shell's listener;
//!   it is folded in before the next call into that core. Any other event
//!   is an `Activity` input.
//! - Web Locks: a pause's hold is granted at once and then announced; a
//!   probe is answered with "does another live guard hold?"; a wait for the
//!   release as soon as no live guard holds. The keep-alive lock is claimed
//!   `ifAvailable`; a lock the guard drops is released after the task that
//!   dropped it. An ended guard or a closed page holds nothing.
//! - `onKeepAlive` is answered [`ANSWER_MS`] later, or never (a page that
//!   `hangs`). `onSignOut` may make a new guard in the page at once.

use std::collections::{BTreeMap, VecDeque};

use crate::drive::{Call, Io, SimInput};
use crate::model::{Model, Sid};
use crate::opts::Opts;
use crate::shell::{Msg, Tab};

/// The epoch time every simulation starts at; traces print times from here.
pub const T0: u64 = 1_700_000_000_000;
/// The longest a channel message takes to reach another tab. The model's only
/// slack: a tab cannot know what it has not been told yet.
pub const MAX_DELAY_MS: u64 = 50;
/// How long the simulated server takes to answer a keep-alive.
pub const ANSWER_MS: u64 = 120;
/// How many lines of the latest history a failure shows.
pub const TRACE_LINES: usize = 40;
/// Calls, deliveries and timer wakes one simulation may take before it counts
/// as never settling.
pub const STEP_LIMIT: u64 = 2_000_000;

/// One port operation, for the cost rule.
#[derive(Clone, Debug)]
pub struct IoRec {
    pub at: u64,
    pub tab: usize,
    pub call: Call,
    pub io: Io,
    /// The record written says the session has ended.
    pub ends: bool,
    /// The last activity the record written holds (wall clock).
    pub last_activity: u64,
}

/// A keep-alive call that never settles.
pub struct Hung {
    pub at: u64,
    pub tab: usize,
    pub sid: Sid,
    pub period: u64,
}

/// The pages of one origin and everything they share.
pub struct World {
    /// Real time.
    pub now: u64,
    /// How far the wall clock is behind real time.
    pub back: u64,
    /// Real time the clock was last set back.
    pub clock_set_back: Option<u64>,
    pub locks: bool,
    /// Timers due at one instant fire highest tab first.
    pub high_first: bool,
    /// Storage changes fire `storage` events in the other pages.
    pub storage_events: bool,
    /// Checks the invariants of the widened simulator too (a to d, the
    /// clock, `lastActivity` during a pause), not only those of the first.
    pub widened: bool,
    pub store: Option<String>,
    /// Every guard ever started, in start order.
    pub tabs: Vec<Tab>,
    /// Page -> the tab (guard) now running in it.
    pub pages: Vec<usize>,
    /// Every port operation that changed something.
    pub io: Vec<IoRec>,
    pub flight: BTreeMap<(u64, u64), Msg>,
    pub seq: u64,
    pub delays: Vec<u64>,
    pub next_delay: usize,
    pub next_doc: u64,
    pub model: Model,
    pub trace: VecDeque<String>,
    pub steps: u64,
    /// Every keep-alive call: `(real time, tab, session)`.
    pub calls: Vec<(u64, usize, Sid)>,
    /// Keep-alive answers on their way: `(due, tab, call)`.
    pub answers: Vec<(u64, usize, u32)>,
    /// Keep-alive calls that never settle, not yet checked (invariant d).
    pub hung: Vec<Hung>,
    /// The time of the activity event being handed to a core (the model
    /// records it once the call is over).
    pub acting: Option<u64>,
    /// Pages whose `onSignOut` makes a new guard: `(page, doc, opts, with
    /// startedAt)`.
    pub again: Vec<(usize, u64, Opts, bool)>,
}

impl World {
    /// An origin with no page yet. `delays` (each at most `MAX_DELAY_MS`) are
    /// the channel delays, taken in turn; empty means instant delivery.
    pub fn new(locks: bool, high_first: bool, delays: &[u64]) -> World {
        assert!(delays.iter().all(|&d| d <= MAX_DELAY_MS));
        World {
            now: T0,
            back: 0,
            clock_set_back: None,
            locks,
            high_first,
            storage_events: false,
            widened: true,
            store: None,
            tabs: Vec::new(),
            pages: Vec::new(),
            io: Vec::new(),
            flight: BTreeMap::new(),
            seq: 0,
            delays: delays.to_vec(),
            next_delay: 0,
            next_doc: 0,
            model: Model::default(),
            trace: VecDeque::new(),
            steps: 0,
            calls: Vec::new(),
            answers: Vec::new(),
            hung: Vec::new(),
            acting: None,
            again: Vec::new(),
        }
    }

    /// The wall clock the pages see.
    pub fn wall(&self) -> u64 {
        self.now - self.back
    }

    /// The tab now running in `page`.
    pub fn tab(&self, page: usize) -> &Tab {
        &self.tabs[self.pages[page]]
    }

    // ------------------------------------------------------------ the app

    /// A new page opens now with a guard with `opts`; returns the page.
    pub fn open(&mut self, opts: Opts) -> Result<usize, String> {
        let page = self.pages.len();
        self.next_doc += 1;
        self.start_tab(opts, page, self.next_doc, None)?;
        Ok(page)
    }

    /// A new page opens now with the options of `page`.
    pub fn open_like(&mut self, page: usize) -> Result<usize, String> {
        let opts = self.tab(page).opts;
        self.open(opts)
    }

    /// An activity event in `page` now.
    pub fn activity(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        if !self.tabs[i].live {
            return Ok(());
        }
        let wall = self.wall();
        if wall < self.tabs[i].quiet_until {
            let t = &mut self.tabs[i];
            t.recorded = t.recorded.max(wall);
            self.note(i, "activity (quiet: only its time is recorded)".into());
        } else {
            self.note(i, "activity".into());
            self.act(i, SimInput::Activity)?;
        }
        self.activity_done(i, self.now);
        Ok(())
    }

    /// `touch()` in `page` now.
    pub fn touch(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "touch()".into());
        self.act(i, SimInput::Touch)?;
        self.activity_done(i, self.now);
        Ok(())
    }

    /// Hands activity to a core (for a keep-alive it causes too).
    fn act(&mut self, i: usize, input: SimInput) -> Result<(), String> {
        self.acting = Some(self.now);
        let called = self.drive(i, input);
        self.acting = None;
        called?;
        self.settle()
    }

    fn activity_done(&mut self, i: usize, at: u64) {
        if self.tabs[i].live {
            let sid = self.tabs[i].sid;
            self.model.activity(sid, i, at);
        }
    }

    /// The page comes back (focus, visibility): the shell wakes the core.
    pub fn recheck(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "recheck (focus)".into());
        self.drive(i, SimInput::Wake)?;
        self.settle()
    }

    pub fn sign_out(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "signOut()".into());
        self.drive(i, SimInput::SignOut)?;
        self.settle()
    }

    pub fn set_remember_me(&mut self, page: usize, on: bool) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, format!("setRememberMe({on})"));
        self.drive(i, SimInput::RememberMe(on))?;
        if self.tabs[i].live {
            let sid = self.tabs[i].sid;
            self.model.remember_me(sid, on, self.now);
        }
        self.settle()
    }

    /// Another page's guard is paused.
    pub fn paused_elsewhere(&self, page: usize) -> bool {
        let me = self.pages[page];
        self.pages
            .iter()
            .any(|&i| i != me && self.tabs[i].live && self.view(i).paused)
    }

    pub fn pause(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "pause()".into());
        self.drive(i, SimInput::Pause)?;
        self.settle()
    }

    /// `resume()`: ends the pause and counts as activity.
    pub fn resume(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        let paused = self.tabs[i].live && self.view(i).paused;
        self.note(i, "resume()".into());
        if !paused {
            self.drive(i, SimInput::Resume)?;
            return self.settle();
        }
        self.act(i, SimInput::Resume)?;
        self.activity_done(i, self.now);
        Ok(())
    }

    /// The page reloads: the guard leaves, the page closes (its lock goes),
    /// and a new page with a new guard with the same options takes its place.
    pub fn reload(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "reload: leave(), the page closes".into());
        self.drive(i, SimInput::Leave)?;
        let t = &mut self.tabs[i];
        t.open = false;
        t.live = false;
        t.holding = false;
        t.awaiting = false;
        t.armed = None;
        self.model.end_hold(i, self.now);
        self.settle()?;
        let opts = self.tabs[i].opts;
        self.next_doc += 1;
        self.start_tab(opts, page, self.next_doc, None)?;
        Ok(())
    }

    /// The app's own code in `page` calls `localStorage.clear()`.
    pub fn clear(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "localStorage.clear()".into());
        if self.store.take().is_some() && self.storage_events {
            self.post(i, None);
        }
        Ok(())
    }

    /// The system clock is set back by `ms`: every page sees it at once.
    pub fn set_clock_back(&mut self, ms: u64) {
        self.back += ms;
        self.clock_set_back = Some(self.now);
        let line = format!("  {:>7} the clock is set back by {ms} ms", self.now - T0);
        self.push_trace(line);
    }

    /// Delivers every message and fires every timer due up to `t` (messages
    /// first at one instant), then real time reads `t`. Before each, checks
    /// that no tab has outlived its end (invariants a and d).
    pub fn advance_to(&mut self, t: u64) -> Result<(), String> {
        loop {
            self.steps += 1;
            if self.steps > STEP_LIMIT {
                return Err(self.fail("the simulation never settles".into()));
            }
            let msg = self.flight.keys().next().copied().filter(|k| k.0 <= t);
            let timer = self.next_timer().filter(|k| k.0 <= t);
            let answer = self.answers.iter().map(|a| a.0).min().filter(|&a| a <= t);
            let first = [msg.map(|m| m.0), timer.map(|w| w.0)]
                .into_iter()
                .flatten()
                .min();
            let next = [first, answer].into_iter().flatten().min();
            self.check_time(next.unwrap_or(t))?;
            match (answer, msg, timer) {
                (Some(a), _, _) if first.map_or(true, |f| a <= f) => self.answer(a)?,
                (_, Some(m), Some(w)) if m.0 <= w.0 => self.deliver(m)?,
                (_, Some(m), None) => self.deliver(m)?,
                (_, _, Some((at, i))) => self.fire(at, i)?,
                _ => break,
            }
        }
        self.now = self.now.max(t);
        Ok(())
    }

    /// Invariant 2. Activity stops: the app resumes every pause (a paused
    /// session with no absolute limit never ends), time runs far ahead, and
    /// then every page's guard has ended exactly once, and the guards of one
    /// session all with the same end (see `same_end`).
    pub fn finish(&mut self) -> Result<(), String> {
        for page in 0..self.pages.len() {
            if self.tab(page).live && self.view(self.pages[page]).paused {
                self.resume(page)?;
            }
        }
        self.advance_to(self.now + 2 * 24 * 3_600_000)?;
        for page in 0..self.pages.len() {
            let i = self.pages[page];
            let outs = &self.tabs[i].ends;
            if outs.len() != 1 {
                return Err(self.fail(format!(
                    "invariant 2: long after the last activity, tab {i} (page {page}) \
                     has ended {} times: {outs:?}",
                    outs.len()
                )));
            }
        }
        self.same_end()
    }

    /// Invariant 2's "same end": a guard that learns its session's end from
    /// another tab ends as that tab did (the same reason and time), and a
    /// guard that ends by itself after another of its session has ended
    /// does so with the same reason, unless its own end fell due before
    /// that one: a tab settles what is due before it takes news, so one
    /// whose timers ran late ends at its own earlier deadline, with its
    /// reason, whatever end it then hears of.
    fn same_end(&self) -> Result<(), String> {
        let ends = &self.model.ends;
        for (k, e) in ends.iter().enumerate() {
            let before = ends[..k].iter().filter(|b| b.sid == e.sid);
            let wrong = if e.remote {
                !ends[..k]
                    .iter()
                    .any(|b| b.sid == e.sid && !b.remote && (b.reason, b.at) == (e.reason, e.at))
            } else {
                before.clone().any(|b| b.reason != e.reason && e.at >= b.at)
            };
            if wrong {
                let all: Vec<_> = ends
                    .iter()
                    .filter(|b| b.sid == e.sid)
                    .map(|b| (b.tab, b.reason, b.at as i64 - T0 as i64, b.remote))
                    .collect();
                return Err(self.fail(format!(
                    "invariant 2: tab {} ended ({}, at {}, remote {}) unlike the session's \
                     earlier ends; its ends (tab, reason, at, remote) in order: {all:?}",
                    e.tab,
                    e.reason,
                    e.at as i64 - T0 as i64,
                    e.remote
                )));
            }
        }
        Ok(())
    }
}

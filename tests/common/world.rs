//! The simulated browser: a clock, the pages of one origin with a guard
//! each, and what they share (`bus.rs`); what the app and the user do, and
//! what a test reads. Every call into a core goes through `door.rs`; time
//! moves in `time.rs`.
//!
//! - Time: `now` is real (monotonic) time; the pages see the wall clock,
//!   `now - back`, which moves apart only when the clock is set back.
//! - Activity: an event at a wall time before `quiet_until()` (as it stood
//!   after the last call) only records its time, like the shell's
//!   listener; the time is folded in before the next input, and before a
//!   test reads the core ([`World::session`]), as the guard's getters do.
//! - Web Locks: a pause's hold is granted at once (the core then announces
//!   it); a probe finds whether another live guard holds; a wait for the
//!   release is answered once no live guard holds. The keep-alive lock is
//!   claimed `ifAvailable`, and a lock a guard drops is released after the
//!   task that dropped it. An ended guard or a closed page holds nothing.
//! - After every call of the app's, the world settles: messages that have
//!   arrived are delivered, waits for a release answered, the guards that
//!   `onSignOut` makes started; timers fire only as time moves on.
//! - Failures (a hook of the [`Monitor`], or the harness's own checks: a
//!   lock request without Web Locks, a wake that asks for a wake now, a
//!   world that never settles) panic, or, with a monitor, stop the world:
//!   then [`World::failure`] gives the first.

use std::cell::Ref;
use std::collections::VecDeque;

use session_guard::core::{Answer, Input, Reason, ServerSync, Session, State, Storage};

use super::bus::Bus;
use super::monitor::{Fact, Monitor};
use super::opts::Opts;
use super::tab::Tab;
use super::{Mode, T0};

/// How many lines of the latest history a failure shows.
const TRACE_LINES: usize = 40;

/// A clock, a bus and the pages of one origin.
pub struct World {
    /// Real time.
    pub now: u64,
    /// How far the wall clock is behind real time.
    pub back: u64,
    /// Real time the clock was last set back.
    pub clock_set_back: Option<u64>,
    /// The shell has Web Locks.
    pub locks: bool,
    /// Timers due at one instant fire highest tab first.
    pub high_first: bool,
    pub bus: Bus,
    /// Every guard ever started, in start order.
    pub tabs: Vec<Tab>,
    /// Page -> the tab (guard) now running in it.
    pub pages: Vec<usize>,
    pub(super) next_doc: u64,
    /// Keep-alive answers on their way: `(due, tab, call)`.
    pub(super) answers: Vec<(u64, usize, u32)>,
    /// Pages whose `onSignOut` makes a new guard: `(page, doc, opts, with
    /// startedAt)`.
    pub(super) again: Vec<(usize, u64, Opts, bool)>,
    pub(super) monitor: Option<Box<dyn Monitor>>,
    failed: Option<String>,
    trace: VecDeque<String>,
    /// Calls, deliveries and timer wakes so far (a guard against a world
    /// that never settles).
    pub steps: u64,
}

impl World {
    pub fn new(now: u64, locks: bool) -> World {
        World {
            now,
            back: 0,
            clock_set_back: None,
            locks,
            high_first: false,
            bus: Bus::default(),
            tabs: Vec::new(),
            pages: Vec::new(),
            next_doc: 0,
            answers: Vec::new(),
            again: Vec::new(),
            monitor: None,
            failed: None,
            trace: VecDeque::new(),
            steps: 0,
        }
    }

    /// A world in `mode` with one tab (tab 0) opened now with `opts`.
    pub fn solo(mode: Mode, opts: Opts) -> World {
        let mut w = World::new(T0, mode.locks);
        w.open(opts, mode.cross_tab);
        w
    }

    /// Watches the world with `monitor` from now on.
    pub fn watch_with(&mut self, monitor: Box<dyn Monitor>) {
        self.monitor = Some(monitor);
    }

    /// The first failure, if the world has stopped.
    pub fn failure(&self) -> Result<(), String> {
        self.failed.clone().map_or(Ok(()), Err)
    }

    /// The wall clock the pages see.
    pub fn wall(&self) -> u64 {
        self.now - self.back
    }

    /// Runs one of the app's calls, then settles; a failure panics, or
    /// stops a watched world.
    pub(super) fn act(&mut self, f: impl FnOnce(&mut World) -> Result<(), String>) {
        if self.failed.is_some() {
            return;
        }
        let r = f(self).and_then(|()| self.run_until(self.now, false));
        if let Err(e) = r {
            if self.monitor.is_none() {
                panic!("{e}");
            }
            self.failed = Some(e);
        }
    }

    // ------------------------------------------------------------ the app

    /// A new page opens now with a guard with `opts`; returns its tab.
    pub fn open(&mut self, opts: Opts, cross_tab: bool) -> usize {
        let page = self.pages.len();
        self.next_doc += 1;
        let doc = self.next_doc;
        let mut tab = self.tabs.len();
        self.act(|w| {
            tab = w.start_guard(opts, cross_tab, page, doc)?;
            Ok(())
        });
        tab
    }

    /// Hands tab `tab`'s core an input through its door, then settles.
    pub fn input(&mut self, tab: usize, input: Input<'_>) {
        assert!(self.tabs[tab].open, "tab {tab} is closed");
        self.act(|w| w.drive(tab, input));
    }

    /// An activity event in the page of `tab` now: only its time is recorded
    /// before the core's `quiet_until`, as the shell's listener does.
    pub fn activity(&mut self, tab: usize) {
        self.act(|w| {
            if !w.tabs[tab].live {
                return Ok(());
            }
            let wall = w.wall();
            if wall < w.tabs[tab].quiet_until {
                let t = &mut w.tabs[tab];
                t.recorded = t.recorded.max(wall);
                w.note(tab, "activity (quiet: only its time is recorded)".into());
            } else {
                w.note(tab, "activity".into());
                w.drive(tab, Input::Activity)?;
            }
            w.fact(tab, Fact::Activity);
            Ok(())
        });
    }
    /// `touch()`.
    pub fn touch(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "touch()".into());
            w.drive(tab, Input::Touch)?;
            w.fact(tab, Fact::Activity);
            Ok(())
        });
    }
    /// The timer of `tab` fires now.
    /// A wake at whatever moment the test has reached (the timer, or the
    /// page coming back, early or late): the core acts on what is due.
    pub fn tick(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "wake".into());
            w.drive(tab, Input::Wake)
        });
    }
    /// The page comes back (focus, visibility): the shell wakes the core.
    pub fn recheck(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "recheck (focus)".into());
            w.drive(tab, Input::Wake)
        });
    }
    pub fn sign_out(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "signOut()".into());
            w.drive(tab, Input::SignOut)
        });
    }
    pub fn set_remember_me(&mut self, tab: usize, on: bool) {
        self.act(|w| {
            w.note(tab, format!("setRememberMe({on})"));
            w.drive(tab, Input::RememberMe(on))?;
            w.fact(tab, Fact::RememberMe(on));
            Ok(())
        });
    }
    pub fn pause(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "pause()".into());
            w.drive(tab, Input::Pause)
        });
    }
    /// `resume()`: ends a pause, and counts as activity then.
    pub fn resume(&mut self, tab: usize) {
        self.act(|w| {
            let paused = w.tabs[tab].live && w.view(tab).paused;
            w.note(tab, "resume()".into());
            w.drive(tab, Input::Resume)?;
            if paused {
                w.fact(tab, Fact::Activity);
            }
            Ok(())
        });
    }
    pub fn sync(&mut self, tab: usize, sync: ServerSync) {
        self.act(|w| {
            w.note(tab, format!("sync({sync:?})"));
            w.drive(tab, Input::Sync(sync))
        });
    }
    /// The page goes away (`pagehide`) or the guard is destroyed.
    pub fn leave(&mut self, tab: usize) {
        self.act(|w| w.drive(tab, Input::Leave));
    }
    /// Answers `tab`'s latest keep-alive call.
    pub fn answer(&mut self, tab: usize, answer: Option<ServerSync>) {
        let (_, call, _) = *self.tabs[tab].calls.last().expect("no keep-alive call");
        self.input(tab, Input::Answer(Answer::KeepAliveDone { call, answer }));
    }
    /// A message, or a `storage` event (`None`: the key was removed), handed
    /// to `tab` directly.
    pub fn receive(&mut self, tab: usize, text: Option<&str>) {
        match text {
            Some(text) => self.input(tab, Input::Message(text)),
            None => self.input(tab, Input::Removed),
        }
    }
    /// The page goes away (closed, reloaded, navigated): its locks are
    /// dropped and it hears nothing more.
    pub fn close(&mut self, tab: usize) {
        self.act(|w| {
            w.close_page(tab);
            Ok(())
        });
    }
    pub(super) fn close_page(&mut self, tab: usize) {
        let t = &mut self.tabs[tab];
        t.open = false;
        t.live = false;
        t.drop_handles();
        self.fact(tab, Fact::Closed);
    }
    /// The page reloads: the guard leaves, the page closes, and a new
    /// document with a new guard with the same options takes its place.
    pub fn reload(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "reload: leave(), the page closes".into());
            w.drive(tab, Input::Leave)?;
            w.close_page(tab);
            w.run_until(w.now, false)?;
            let t = &w.tabs[tab];
            let (opts, cross_tab, page) = (t.opts, t.cross_tab, t.page);
            w.next_doc += 1;
            w.start_guard(opts, cross_tab, page, w.next_doc)?;
            Ok(())
        });
    }
    /// The app's own code in the page of `tab` calls
    /// `localStorage.clear()` (the page gets no `storage` event for it).
    pub fn clear(&mut self, tab: usize) {
        self.act(|w| {
            w.note(tab, "localStorage.clear()".into());
            if w.bus.store.take().is_some() && w.bus.storage_events {
                w.storage_event(tab, None);
            }
            w.fact(tab, Fact::Cleared);
            Ok(())
        });
    }
    /// The system clock is set back by `ms`: every page sees it at once.
    pub fn set_clock_back(&mut self, ms: u64) {
        self.back += ms;
        self.clock_set_back = Some(self.now);
        let line = format!("  {:>7} the clock is set back by {ms} ms", self.now - T0);
        self.push_trace(line);
    }

    // ------------------------------------------------------------ reading

    /// The tab now running in `page`.
    pub fn tab(&self, page: usize) -> &Tab {
        &self.tabs[self.pages[page]]
    }
    /// Tab `tab`'s core, read as the guard's getters read it: after folding
    /// in the time of the latest quiet activity event.
    pub fn session(&self, tab: usize) -> Ref<'_, Session> {
        let t = &self.tabs[tab];
        if t.live && t.recorded > 0 {
            t.session
                .borrow_mut()
                .handle(Input::Recorded(t.recorded), self.wall(), &mut Unused);
        }
        t.session.borrow()
    }
    pub fn state(&self, tab: usize) -> State {
        self.session(tab).state()
    }
    pub fn expires_at(&self, tab: usize) -> Option<u64> {
        self.session(tab).expires_at()
    }
    /// The one sign-out of `tab`; panics unless there is exactly one.
    pub fn sign_out_of(&self, tab: usize) -> (Reason, u64, bool) {
        let s = self.tabs[tab].sign_outs();
        assert_eq!(s.len(), 1, "tab {tab}: expected one sign-out, got {s:?}");
        s[0]
    }
    pub fn is_signed_out(&self, tab: usize) -> bool {
        !self.tabs[tab].sign_outs().is_empty()
    }
    /// Every keep-alive call of every tab: (time, tab).
    pub fn all_calls(&self) -> Vec<(u64, usize)> {
        let mut all: Vec<(u64, usize)> = (0..self.tabs.len())
            .flat_map(|i| self.tabs[i].calls.iter().map(move |c| (c.0, i)))
            .collect();
        all.sort();
        all
    }

    // ------------------------------------------------------------ the record

    /// Calls `f` with the monitor, if any; its error stops the world.
    pub(super) fn watch(
        &mut self,
        f: impl FnOnce(&mut dyn Monitor, &World) -> Result<(), String>,
    ) -> Result<(), String> {
        let Some(mut m) = self.monitor.take() else {
            return Ok(());
        };
        let r = f(m.as_mut(), self);
        self.monitor = Some(m);
        r.map_err(|what| self.fail(what))
    }

    pub(super) fn fact(&mut self, tab: usize, fact: Fact) {
        let _ = self.watch(|m, w| {
            m.fact(w, tab, fact);
            Ok(())
        });
    }

    /// The run is over: the monitor's checks of the whole run.
    pub fn rest(&mut self) {
        self.act(|w| w.watch(|m, w| m.rest(w)));
    }

    /// Counts a step; a world that never settles fails.
    pub(super) fn step(&mut self) -> Result<(), String> {
        self.steps += 1;
        if self.steps > 2_000_000 {
            return Err(self.fail("the world never settles".into()));
        }
        Ok(())
    }

    pub fn note(&mut self, i: usize, what: String) {
        let line = format!("  {:>7} tab {i}: {what}", self.now as i64 - T0 as i64);
        self.push_trace(line);
    }

    fn push_trace(&mut self, line: String) {
        if self.trace.len() == TRACE_LINES {
            self.trace.pop_front();
        }
        self.trace.push_back(line);
    }

    /// A failure message: what broke, then the latest history (real times
    /// in ms from the start).
    pub fn fail(&self, what: String) -> String {
        let mut s = what;
        s.push_str("\nlatest history (ms from the start):\n");
        for line in &self.trace {
            s.push_str(line);
            s.push('\n');
        }
        s
    }
}

/// The storage of an input that never touches it (`Input::Recorded`).
struct Unused;

impl Storage for Unused {
    fn read(&mut self) -> Result<Option<String>, session_guard::core::StorageFailed> {
        unreachable!("Input::Recorded reads nothing")
    }
    fn store(&mut self, _: &str) -> Result<(), session_guard::core::StorageFailed> {
        unreachable!("Input::Recorded stores nothing")
    }
}

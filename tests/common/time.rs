//! Time in the simulated browser: each guard's one timer, the messages in
//! flight, the answers of the app's `onKeepAlive` and of the locks.
//!
//! - Timers: each guard has the shell's one timer, armed no later than
//!   `next_wake()` after every call (a delay from the wall clock, kept in
//!   real time), never moved later by a call, and firing its page's
//!   lateness after that (then a wake). [`World::advance_to`] is honest
//!   time: every timer fires as it falls due. [`World::jump_to`] is time
//!   that lies (a sleeping laptop): the clock moves and nothing fires.
//! - At one instant: the app's answers first, then messages, then timers
//!   (lowest or highest tab first, `World::high_first`); the app's own
//!   calls at an instant come after whatever was due then.

use session_guard::core::{Answer, Input};

use super::door::brief;
use super::world::World;
use super::T0;

impl World {
    /// Honest time: delivers every message and fires every timer due up to
    /// `t`, in time order, then the clock reads `t`.
    pub fn advance_to(&mut self, t: u64) {
        self.act(|w| w.run_until(t, true));
        if self.failure().is_ok() {
            self.now = self.now.max(t);
        }
    }

    pub fn advance(&mut self, ms: u64) {
        self.advance_to(self.now + ms);
    }

    /// Timers that lie: the clock moves to `t` and nothing fires.
    pub fn jump_to(&mut self, t: u64) {
        self.now = self.now.max(t);
    }

    /// Delivers the messages held back while `bus.hold_messages` was set.
    pub fn deliver(&mut self) {
        self.bus.hold_messages = false;
        self.settle();
    }

    /// Delivers whatever has arrived by now, and answers the waits for a
    /// release: everything but timers.
    pub fn settle(&mut self) {
        self.act(|_| Ok(()));
    }

    /// Runs whatever is due up to `t` (timers only if `timers`): answers,
    /// messages, timers, in time order. Before each, the monitor sees the
    /// time.
    pub(super) fn run_until(&mut self, t: u64, timers: bool) -> Result<(), String> {
        loop {
            self.step()?;
            self.release()?;
            let msg = self.bus.due(t);
            let timer = self.next_timer().filter(|k| timers && k.0 <= t);
            let answer = self.answers.iter().map(|a| a.0).min().filter(|&a| a <= t);
            let first = [msg.map(|m| m.0), timer.map(|w| w.0)]
                .into_iter()
                .flatten()
                .min();
            let next = [first, answer].into_iter().flatten().min();
            self.watch(|m, w| m.time(w, next.unwrap_or(t).max(w.now)))?;
            match (answer, msg, timer) {
                (Some(a), _, _) if first.map_or(true, |f| a <= f) => self.keep_alive_done(a)?,
                (_, Some(m), Some(w)) if m.0 <= w.0 => self.arrive(m)?,
                (_, Some(m), None) => self.arrive(m)?,
                (_, _, Some((at, i))) => {
                    self.now = self.now.max(at);
                    self.fire(i)?;
                }
                _ => return Ok(()),
            }
        }
    }

    /// The shell's `arm`: the listener's `quiet_until`, and one timer no
    /// later than the next wake (a later wake leaves it where it is).
    pub(super) fn arm(&mut self, i: usize) {
        if !self.tabs[i].open || !self.tabs[i].live {
            self.tabs[i].armed = None;
            self.tabs[i].quiet_until = 0;
            return;
        }
        let v = self.view(i);
        let wall = self.wall();
        let real = v.next_wake.map(|w| self.now + w.saturating_sub(wall));
        let t = &mut self.tabs[i];
        t.quiet_until = v.quiet_until;
        match real {
            None => t.armed = None,
            Some(at) => {
                if !matches!(t.armed, Some(a) if a <= at) {
                    t.armed = Some(at);
                    t.armed_for = wall + (at - self.now);
                }
            }
        }
    }

    /// The earliest timer: `(when it fires, tab)`, ties in tab order.
    fn next_timer(&self) -> Option<(u64, usize)> {
        self.tabs
            .iter()
            .enumerate()
            .filter(|(_, t)| t.open && t.live)
            .filter_map(|(i, t)| t.armed.map(|a| ((a + t.opts.late).max(self.now), i)))
            .min_by_key(|&(at, i)| (at, if self.high_first { usize::MAX - i } else { i }))
    }

    /// Tab `i`'s timer fires now.
    pub(super) fn fire(&mut self, i: usize) -> Result<(), String> {
        self.tabs[i].armed = None;
        self.note(i, "timer".into());
        let set_for = self.tabs[i].armed_for;
        self.drive(i, Input::Timer(set_for))?;
        // A core that asks to be woken now again would make the shell spin.
        if self.tabs[i].open && self.tabs[i].live {
            if let Some(w) = self.view(i).next_wake {
                if w <= self.wall() {
                    return Err(self.fail(format!(
                        "tab {i}: after a wake, next_wake {} is not after now",
                        w as i64 - T0 as i64
                    )));
                }
            }
        }
        Ok(())
    }

    /// The message in flight at `key` arrives.
    fn arrive(&mut self, key: (u64, u64)) -> Result<(), String> {
        let msg = self.bus.flight.remove(&key).expect("a message in flight");
        self.now = self.now.max(key.0);
        let tabs: Vec<usize> = match msg.to {
            super::bus::To::Guards(to) => to,
            super::bus::To::Docs(docs) => docs
                .iter()
                .filter_map(|&d| self.tabs.iter().rposition(|t| t.doc == d && t.open))
                .collect(),
        };
        for j in tabs {
            let t = &self.tabs[j];
            if t.open && t.live && t.cross_tab {
                self.note(j, format!("receives {}", brief(msg.text.as_deref())));
                match &msg.text {
                    Some(text) => self.drive(j, Input::Message(text))?,
                    None => self.drive(j, Input::Removed)?,
                }
            }
        }
        Ok(())
    }

    /// The app's `onKeepAlive` settles (with nothing to sync).
    fn keep_alive_done(&mut self, at: u64) -> Result<(), String> {
        let k = self
            .answers
            .iter()
            .position(|a| a.0 == at)
            .expect("an answer");
        let (_, i, call) = self.answers.remove(k);
        self.now = self.now.max(at);
        self.note(i, format!("keep-alive {call} answered"));
        let done = Answer::KeepAliveDone { call, answer: None };
        self.drive(i, Input::Answer(done))
    }

    /// Answers the waits for a release once no live guard holds.
    fn release(&mut self) -> Result<(), String> {
        loop {
            if self.tabs.iter().any(|t| t.open && t.live && t.holding) {
                return Ok(());
            }
            let Some(j) = self
                .tabs
                .iter()
                .position(|t| t.open && t.live && t.awaiting)
            else {
                return Ok(());
            };
            self.tabs[j].awaiting = false;
            self.note(j, "no tab holds the session any more".into());
            self.drive(j, Input::Answer(Answer::HoldReleased))?;
        }
    }
}

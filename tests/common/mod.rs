//! A simulated browser for the core: a clock, tabs that drive their session
//! the way the shell does, and an in-memory `localStorage` + channel "bus".
//!
//! - Every input goes through the core's one door (`Session::handle`).
//!   After every input the harness drains the events and commands of every
//!   tab and acts on each command (posts, holds, probes, releases),
//!   delivers the queued messages to every *other* open tab, and repeats
//!   until nothing moves. `Effect` logs both, as one list per tab.
//! - Time moves with [`World::advance_to`] (honest timers: every tab is ticked
//!   at its `next_wake()`) or [`World::jump_to`] (timers that lie: nothing
//!   fires, as on a sleeping laptop).
//! - Web Locks: `Hold(true)` is granted at once (`Answer::HoldGranted`);
//!   `ProbeHold` is answered with "does any open tab hold?"; `AwaitRelease`
//!   is answered with `HoldReleased` as soon as no open tab holds.
#![allow(dead_code)]

use std::collections::VecDeque;

use session_guard::core::{
    Answer, Command, Config, Event, Horizon, Input, Problem, RawOptions, Reason, Record,
    RecordError, ServerDeadlines, ServerSync, Session, State, Storage, StorageFailed,
};

/// An epoch time to start the clock at.
pub const T0: u64 = 1_700_000_000_000;
pub const SEC: u64 = 1_000;
pub const MIN: u64 = 60 * SEC;
pub const HOUR: u64 = 60 * MIN;
pub const DAY: u64 = 24 * HOUR;

/// How a guard shares its session: not at all, through storage and the
/// channel only, or with Web Locks as well.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode {
    pub cross_tab: bool,
    pub locks: bool,
}

pub const LOCAL: Mode = Mode {
    cross_tab: false,
    locks: false,
};
pub const SHARED: Mode = Mode {
    cross_tab: true,
    locks: false,
};
pub const LOCKED: Mode = Mode {
    cross_tab: true,
    locks: true,
};
/// Every way a single guard can run.
pub const MODES: [Mode; 3] = [LOCAL, SHARED, LOCKED];
/// Every way a shared session can run.
pub const TAB_MODES: [Mode; 2] = [SHARED, LOCKED];

/// The options of one guard, as the JS object would give them (`-1`
/// disables a limit).
#[derive(Clone, Copy, Debug)]
pub struct Opts {
    pub idle: i64,
    pub max: i64,
    pub remember: i64,
    pub warn: i64,
    pub remember_me: bool,
    pub started_at: Option<u64>,
    /// `keepAliveMs` (with an `onKeepAlive`), or off.
    pub keep_alive: Option<u64>,
    /// `confirmToStay`
    pub confirm_to_stay: bool,
    /// `closedTimeoutMs`, or off.
    pub closed: Option<u64>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            idle: MIN as i64,
            max: HOUR as i64,
            remember: (10 * MIN) as i64,
            warn: 0,
            remember_me: false,
            started_at: None,
            keep_alive: None,
            confirm_to_stay: false,
            closed: None,
        }
    }
}

impl Opts {
    /// The validated config; panics on options the contract rejects.
    pub fn config(&self, cross_tab: bool) -> Config {
        let raw = RawOptions {
            idle_timeout_ms: Some(self.idle as f64),
            max_duration_ms: Some(self.max as f64),
            remember_me_period_ms: Some(self.remember as f64),
            warn_before_ms: Some(self.warn as f64),
            started_at: self.started_at.map(|t| t as f64),
            remember_me: self.remember_me,
            cross_tab,
            keep_alive_ms: self.keep_alive.map(|ms| ms as f64),
            on_keep_alive: self.keep_alive.is_some(),
            confirm_to_stay: self.confirm_to_stay,
            closed_timeout_ms: self.closed.map(|ms| ms as f64),
        };
        raw.validate()
            .unwrap_or_else(|e| panic!("invalid options {self:?}: {e}"))
    }
}

/// One thing a tab was told to do: the core's events (for the app) and
/// commands (for the shell) in one log, channel posts aside (they go to the
/// bus).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Warning {
        reason: Reason,
        remaining_ms: u64,
        expires_at: u64,
    },
    SignedOut {
        reason: Reason,
        at: u64,
        remote: bool,
    },
    Activity {
        at: u64,
        remote: bool,
    },
    KeepAlive {
        call: u32,
        last_activity: u64,
    },
    /// `Event::Error(Problem::Rejected(_))`
    Rejected(RecordError),
    /// Any other `Event::Error`.
    Problem(Problem),
    /// `Event::SignedOut` once more, `restored` (the page was shown again).
    Restored {
        reason: Reason,
        at: u64,
    },
    Hold(bool),
    Probe,
    Presence(bool),
    AwaitRelease,
    ClaimKeepAlive,
    /// `Command::ReleaseKeepAlive`
    KeepAliveOver,
}

impl From<Event> for Effect {
    fn from(e: Event) -> Effect {
        match e {
            Event::Warning {
                reason,
                remaining_ms,
                expires_at,
            } => Effect::Warning {
                reason,
                remaining_ms,
                expires_at,
            },
            Event::SignedOut {
                reason,
                at,
                restored: true,
                ..
            } => Effect::Restored { reason, at },
            Event::SignedOut {
                reason, at, remote, ..
            } => Effect::SignedOut { reason, at, remote },
            Event::Activity { at, remote } => Effect::Activity { at, remote },
            Event::KeepAlive {
                call,
                last_activity,
            } => Effect::KeepAlive {
                call,
                last_activity,
            },
            Event::Error(Problem::Rejected(e)) => Effect::Rejected(e),
            Event::Error(p) => Effect::Problem(p),
        }
    }
}

/// One operation on storage or the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    /// Stored.
    Write(String),
    /// Posted on the channel.
    Post(String),
}

/// `localStorage[storageKey]` plus the `BroadcastChannel`, shared by all tabs.
#[derive(Debug, Default)]
pub struct Bus {
    /// The stored record.
    pub store: Option<String>,
    /// Every operation: (tab, time, op).
    pub log: Vec<(usize, u64, Op)>,
    /// While true, messages wait in the queue until [`World::deliver`].
    pub hold_messages: bool,
    /// Also deliver each write as a `storage` event (the new value), on top
    /// of the channel message.
    pub storage_events: bool,
    /// A tab that runs a newer release: what it writes and posts carries
    /// fields this release does not know.
    pub newer: Option<usize>,
    /// Storage throws on every read and write (the channel still works).
    pub broken: bool,
    queue: VecDeque<(usize, String)>,
}

impl Bus {
    pub fn writes(&self, tab: usize) -> usize {
        self.count(tab, |op| matches!(op, Op::Write(_)))
    }
    pub fn reads(&self, tab: usize) -> usize {
        self.count(tab, |op| matches!(op, Op::Read))
    }
    pub fn posts(&self, tab: usize) -> usize {
        self.count(tab, |op| matches!(op, Op::Post(_)))
    }
    fn count(&self, tab: usize, f: impl Fn(&Op) -> bool) -> usize {
        self.log
            .iter()
            .filter(|(t, _, op)| *t == tab && f(op))
            .count()
    }
    /// The stored record, parsed (panics if it does not parse).
    pub fn record(&self, now: u64) -> Record {
        Record::parse(self.store.as_deref().expect("no stored record"), now)
            .expect("stored record does not parse")
    }
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
    /// Drops the messages in flight, as for a page that opens after they
    /// were posted (its channel did not exist yet).
    pub fn forget_pending(&mut self) {
        self.queue.clear();
    }
    /// What `tab` writes or posts, as its release writes it.
    fn as_written(&self, tab: usize, record: &str) -> String {
        match self.newer {
            Some(newer) if newer == tab => {
                let inner = &record[1..record.len() - 1];
                [NEWER_FIELDS.0, inner, NEWER_FIELDS.1].concat()
            }
            _ => record.to_string(),
        }
    }
    /// Posts `text` from `tab` on the channel.
    fn post(&mut self, tab: usize, now: u64, text: &str) {
        let text = self.as_written(tab, text);
        self.log.push((tab, now, Op::Post(text.clone())));
        self.queue.push_back((tab, text));
    }
}

/// The storage one tab's session sees during one input.
struct Port<'a> {
    bus: &'a mut Bus,
    tab: usize,
    now: u64,
}

/// What a newer release might add to the record: unknown keys of every JSON
/// shape, before and after the known ones.
pub const NEWER_FIELDS: (&str, &str) = (
    "{\"writer\":\"9.1.0\",\"serverDeadlines\":{\"idle\":1700000000000,\"list\":[1,2.5,null]},",
    ",\"claims\":[{\"tab\":\"a\\u00e9\",\"at\":-1e3}],\"flag\":true}",
);

impl Storage for Port<'_> {
    fn read(&mut self) -> Result<Option<String>, StorageFailed> {
        if self.bus.broken {
            return Err(StorageFailed);
        }
        self.bus.log.push((self.tab, self.now, Op::Read));
        Ok(self.bus.store.clone())
    }
    fn store(&mut self, record: &str) -> Result<(), StorageFailed> {
        if self.bus.broken {
            return Err(StorageFailed);
        }
        let record = self.bus.as_written(self.tab, record);
        self.bus
            .log
            .push((self.tab, self.now, Op::Write(record.clone())));
        if self.bus.storage_events {
            self.bus.queue.push_back((self.tab, record.clone()));
        }
        self.bus.store = Some(record);
        Ok(())
    }
}

/// One page with a guard.
#[derive(Debug)]
pub struct Tab {
    pub session: Session,
    /// Every effect the session asked for, with the time it came out.
    pub effects: Vec<(u64, Effect)>,
    /// The tab holds the session (its Web Lock is granted).
    pub holding: bool,
    /// The tab waits for every hold to be released.
    pub awaiting: bool,
    /// The page is open (closing drops the tab and its lock).
    pub open: bool,
    /// The guard listens to the other tabs (`crossTab`).
    pub cross_tab: bool,
    /// The tab holds the session's keep-alive lock.
    pub keep_alive_lock: bool,
    /// The tab holds the session's presence lock.
    pub present: bool,
    /// Every `onKeepAlive` call: (time, call id, last activity).
    pub calls: Vec<(u64, u32, u64)>,
}

impl Tab {
    pub fn sign_outs(&self) -> Vec<(Reason, u64, bool)> {
        self.effects
            .iter()
            .filter_map(|(_, e)| match *e {
                Effect::SignedOut { reason, at, remote } => Some((reason, at, remote)),
                _ => None,
            })
            .collect()
    }
    /// `(time fired, reason, remaining_ms, expires_at)`
    pub fn warnings(&self) -> Vec<(u64, Reason, u64, u64)> {
        self.effects
            .iter()
            .filter_map(|(t, e)| match *e {
                Effect::Warning {
                    reason,
                    remaining_ms,
                    expires_at,
                } => Some((*t, reason, remaining_ms, expires_at)),
                _ => None,
            })
            .collect()
    }
    /// `(time fired, at, remote)`
    pub fn activities(&self) -> Vec<(u64, u64, bool)> {
        self.effects
            .iter()
            .filter_map(|(t, e)| match *e {
                Effect::Activity { at, remote } => Some((*t, at, remote)),
                _ => None,
            })
            .collect()
    }
    pub fn problems(&self) -> Vec<(u64, Problem)> {
        self.effects
            .iter()
            .filter_map(|(t, e)| match *e {
                Effect::Problem(p) => Some((*t, p)),
                _ => None,
            })
            .collect()
    }
    /// Every effect but the questions every start asks where there are Web
    /// Locks (is a tab holding the session, is a page open) and the presence
    /// this page then takes.
    pub fn beyond_start(&self) -> Vec<Effect> {
        self.effects
            .iter()
            .map(|(_, e)| *e)
            .filter(|e| !matches!(e, Effect::Probe | Effect::Presence(true)))
            .collect()
    }
    pub fn rejections(&self) -> usize {
        self.effects
            .iter()
            .filter(|(_, e)| matches!(e, Effect::Rejected(_)))
            .count()
    }
}

/// A clock, a bus and the tabs of one origin.
#[derive(Debug)]
pub struct World {
    pub now: u64,
    pub bus: Bus,
    pub tabs: Vec<Tab>,
    /// The shell has Web Locks.
    pub locks: bool,
    /// Guard against a timer that never stops firing.
    pub ticks: usize,
}

impl World {
    pub fn new(now: u64, locks: bool) -> World {
        World {
            now,
            bus: Bus::default(),
            tabs: Vec::new(),
            locks,
            ticks: 0,
        }
    }

    /// A world in `mode` with one tab (tab 0) opened now with `opts`.
    pub fn solo(mode: Mode, opts: Opts) -> World {
        let mut w = World::new(T0, mode.locks);
        w.open(opts, mode.cross_tab);
        w
    }

    /// Opens a tab now; returns its index.
    pub fn open(&mut self, opts: Opts, cross_tab: bool) -> usize {
        let config = opts.config(cross_tab);
        self.open_config(&config)
    }

    pub fn open_config(&mut self, config: &Config) -> usize {
        let tab = self.tabs.len();
        let session = Session::start(
            config,
            self.locks,
            self.now,
            &mut Port {
                bus: &mut self.bus,
                tab,
                now: self.now,
            },
        );
        self.tabs.push(Tab {
            session,
            effects: Vec::new(),
            holding: false,
            awaiting: false,
            open: true,
            cross_tab: config.cross_tab,
            keep_alive_lock: false,
            present: false,
            calls: Vec::new(),
        });
        self.settle();
        tab
    }

    /// Hands one tab's session an input through its door, then settles.
    pub fn input(&mut self, tab: usize, input: Input<'_>) {
        assert!(self.tabs[tab].open, "tab {tab} is closed");
        self.handle_at(tab, input);
        self.settle();
    }

    pub fn activity(&mut self, tab: usize) {
        self.input(tab, Input::Activity);
    }
    pub fn touch(&mut self, tab: usize) {
        self.input(tab, Input::Touch);
    }
    pub fn tick(&mut self, tab: usize) {
        self.input(tab, Input::Wake);
        // After a wake the tab never asks to be woken now or in the past:
        // the shell's timer would spin.
        if let (true, Some(wake)) = (self.tabs[tab].open, self.session(tab).next_wake()) {
            assert!(
                wake > self.now,
                "tab {tab}: next_wake {wake} is not after now {}",
                self.now
            );
        }
    }
    pub fn sign_out(&mut self, tab: usize) {
        self.input(tab, Input::SignOut);
    }
    pub fn set_remember_me(&mut self, tab: usize, on: bool) {
        self.input(tab, Input::RememberMe(on));
    }
    pub fn pause(&mut self, tab: usize) {
        self.input(tab, Input::Pause);
    }
    pub fn resume(&mut self, tab: usize) {
        self.input(tab, Input::Resume);
    }
    pub fn sync(&mut self, tab: usize, sync: ServerSync) {
        self.input(tab, Input::Sync(sync));
    }
    /// The page goes away (`pagehide`) or the guard is destroyed.
    pub fn leave(&mut self, tab: usize) {
        self.input(tab, Input::Leave);
    }
    /// Answers `tab`'s latest keep-alive call.
    pub fn answer(&mut self, tab: usize, answer: Option<ServerSync>) {
        let (_, call, _) = *self.tabs[tab].calls.last().expect("no keep-alive call");
        self.input(tab, Input::Answer(Answer::KeepAliveDone { call, answer }));
    }
    /// Every keep-alive call of every tab: (time, tab).
    pub fn all_calls(&self) -> Vec<(u64, usize)> {
        let mut all: Vec<(u64, usize)> = (0..self.tabs.len())
            .flat_map(|i| self.tabs[i].calls.iter().map(move |c| (c.0, i)))
            .collect();
        all.sort();
        all
    }
    /// A message, or a `storage` event (`None`: the key was removed).
    pub fn receive(&mut self, tab: usize, text: Option<&str>) {
        match text {
            Some(text) => self.input(tab, Input::Message(text)),
            None => self.input(tab, Input::Removed),
        }
    }

    /// The page goes away (closed, reloaded, navigated): its lock is dropped
    /// and it hears nothing more.
    pub fn close(&mut self, tab: usize) {
        let t = &mut self.tabs[tab];
        t.open = false;
        t.holding = false;
        t.awaiting = false;
        t.keep_alive_lock = false;
        t.present = false;
        self.settle();
    }

    pub fn session(&self, tab: usize) -> &Session {
        &self.tabs[tab].session
    }
    pub fn state(&self, tab: usize) -> State {
        self.tabs[tab].session.state()
    }
    pub fn expires_at(&self, tab: usize) -> Option<u64> {
        self.tabs[tab].session.expires_at()
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

    /// Honest timers: every tab is ticked at each of its wakes up to `t`,
    /// then the clock reads `t`.
    pub fn advance_to(&mut self, t: u64) {
        loop {
            let next = (0..self.tabs.len())
                .filter(|&i| self.tabs[i].open)
                .filter_map(|i| self.tabs[i].session.next_wake().map(|w| (w, i)))
                .min();
            match next {
                Some((wake, tab)) if wake <= t => {
                    self.ticks += 1;
                    assert!(self.ticks < 10_000_000, "the timers never stop firing");
                    self.now = self.now.max(wake);
                    self.tick(tab);
                }
                _ => break,
            }
        }
        self.now = self.now.max(t);
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

    /// Runs every event, command, message and lock release until nothing
    /// moves.
    pub fn settle(&mut self) {
        let now = self.now;
        let mut releases = Vec::new();
        for _round in 0..10_000 {
            let mut moved = false;
            for i in 0..self.tabs.len() {
                if !self.tabs[i].open {
                    continue;
                }
                while let Some(e) = self.tabs[i].session.poll() {
                    moved = true;
                    let e = Effect::from(e);
                    self.tabs[i].effects.push((now, e));
                    if let Effect::KeepAlive {
                        call,
                        last_activity,
                    } = e
                    {
                        self.tabs[i].calls.push((now, call, last_activity));
                    }
                }
                while let Some(c) = self.tabs[i].session.poll_command() {
                    moved = true;
                    let effect = match c {
                        Command::Post(text) => {
                            self.bus.post(i, now, &text);
                            continue;
                        }
                        Command::Hold(on) => Effect::Hold(on),
                        Command::Probe => Effect::Probe,
                        Command::Presence(on) => Effect::Presence(on),
                        Command::AwaitRelease => Effect::AwaitRelease,
                        Command::ClaimKeepAlive => Effect::ClaimKeepAlive,
                        Command::ReleaseKeepAlive => Effect::KeepAliveOver,
                    };
                    self.tabs[i].effects.push((now, effect));
                    match effect {
                        Effect::Hold(on) => {
                            // The lock is granted at once.
                            assert!(self.locks, "tab {i}: Hold without locks");
                            self.tabs[i].holding = on;
                            if on {
                                self.answer_at(i, Answer::HoldGranted);
                            }
                        }
                        Effect::Probe => {
                            assert!(self.locks, "tab {i}: Probe without locks");
                            let held = self.tabs.iter().any(|t| t.open && t.holding);
                            let open = self.tabs.iter().any(|t| t.open && t.present);
                            self.answer_at(i, Answer::Probed { held, open });
                        }
                        Effect::Presence(on) => {
                            assert!(self.locks, "tab {i}: Presence without locks");
                            self.tabs[i].present = on;
                        }
                        Effect::AwaitRelease => {
                            assert!(self.locks, "tab {i}: AwaitRelease without locks");
                            self.tabs[i].awaiting = true;
                        }
                        Effect::ClaimKeepAlive => {
                            assert!(self.locks, "tab {i}: ClaimKeepAlive without locks");
                            // Granted only if no open tab holds it (never waits).
                            let taken = self.tabs.iter().any(|t| t.open && t.keep_alive_lock);
                            self.tabs[i].keep_alive_lock = !taken;
                            self.answer_at(i, Answer::KeepAliveLock(!taken));
                        }
                        // The browser releases a lock after the task that
                        // dropped it: a claim in this task still finds it.
                        _ => releases.push(i),
                    }
                }
            }
            if !self.bus.hold_messages {
                while let Some((from, text)) = self.bus.queue.pop_front() {
                    moved = true;
                    for j in 0..self.tabs.len() {
                        if j != from && self.tabs[j].open && self.tabs[j].cross_tab {
                            self.handle_at(j, Input::Message(&text));
                        }
                    }
                }
            }
            if !self.tabs.iter().any(|t| t.open && t.holding) {
                for j in 0..self.tabs.len() {
                    if self.tabs[j].open && self.tabs[j].awaiting {
                        moved = true;
                        self.tabs[j].awaiting = false;
                        self.answer_at(j, Answer::HoldReleased);
                    }
                }
            }
            if !moved {
                for i in releases {
                    self.tabs[i].keep_alive_lock = false;
                }
                return;
            }
        }
        panic!("the tabs never settle");
    }

    /// Hands `tab` an input at the current time, without settling.
    fn handle_at(&mut self, tab: usize, input: Input<'_>) {
        let now = self.now;
        self.tabs[tab].session.handle(
            input,
            now,
            &mut Port {
                bus: &mut self.bus,
                tab,
                now,
            },
        );
    }

    fn answer_at(&mut self, tab: usize, answer: Answer) {
        self.handle_at(tab, Input::Answer(answer));
    }
}

/// A live record as another tab would store it.
pub fn live_record(started_at: u64, last_activity: u64) -> Record {
    Record {
        id: started_at,
        login: false,
        after: 0,
        left_at: 0,
        ping: None,
        sign_in: started_at,
        server: ServerDeadlines::default(),
        keep_alive_at: started_at,
        started_at,
        last_activity,
        remember_me: false,
        remember_at: started_at,
        ended: None,
        held: false,
        hold_changed: None,
        horizon: Horizon::default(),
    }
}

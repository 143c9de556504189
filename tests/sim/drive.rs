//! The one place the simulator touches a core. Every input reaches a core
//! through [`World::drive`] (a [`SimInput`] that mirrors the inputs of the
//! core's one door), every guard is made by [`World::start_tab`], everything
//! the simulator reads back goes through [`World::view`], and the effect loop
//! is [`World::drain`]. Porting the simulator to another core API means
//! changing this file only.

use session_guard::core::{
    Answer, Command, Config, Event, Input, Problem, RawOptions, Reason, Record, ServerSync,
    Session, Storage, StorageFailed,
};

use crate::model::{HoldSpan, Sid};
use crate::opts::Opts;
use crate::shell::Tab;
use crate::world::World;

/// What the simulator hands a core: the inputs of the core's one door
/// (owned, so that a message can wait in flight), less `Recorded`, which
/// the adapter hands over itself before every input, as the shell does.
#[derive(Clone, Debug)]
pub enum SimInput {
    /// An activity event that the listener does not only record.
    Activity,
    /// `touch()`.
    Touch,
    /// The timer fired, or the page got focus or became visible.
    Wake,
    /// A channel message or a `storage` event with the session's key.
    Message(String),
    /// A `storage` event saying the key was removed (`localStorage.clear()`
    /// in another page: key `null`, new value `null`).
    Removed,
    RememberMe(bool),
    Pause,
    Resume,
    SignOut,
    /// `sync(server)`.
    Sync(ServerSync),
    /// The page goes away (or the guard is destroyed).
    Leave,
    /// The answer to something the core asked the shell for.
    Answer(Answer),
}

impl SimInput {
    /// The core's input.
    fn input(&self) -> Input<'_> {
        match self {
            SimInput::Activity => Input::Activity,
            SimInput::Touch => Input::Touch,
            SimInput::Wake => Input::Wake,
            SimInput::Message(text) => Input::Message(text),
            SimInput::Removed => Input::Removed,
            SimInput::RememberMe(on) => Input::RememberMe(*on),
            SimInput::Pause => Input::Pause,
            SimInput::Resume => Input::Resume,
            SimInput::SignOut => Input::SignOut,
            SimInput::Sync(sync) => Input::Sync(*sync),
            SimInput::Leave => Input::Leave,
            SimInput::Answer(answer) => Input::Answer(*answer),
        }
    }
}

/// The kind of call during which a port operation happened (the cost rule
/// leaves out what is not activity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Start,
    Activity,
    Tick,
    Receive,
    /// `receive` of a hold message (another tab's pause began or ended).
    ReceiveHold,
    SignOut,
    RememberMe,
    Pause,
    Resume,
    Sync,
    Leave,
    AnnounceHold,
    HoldProbed,
    HoldReleased,
}

impl Call {
    fn of(input: &SimInput) -> Call {
        match input {
            SimInput::Activity | SimInput::Touch => Call::Activity,
            SimInput::Message(text) if parse(text).is_some_and(|r| r.hold_changed.is_some()) => {
                Call::ReceiveHold
            }
            SimInput::Message(_) | SimInput::Removed => Call::Receive,
            SimInput::RememberMe(_) => Call::RememberMe,
            SimInput::Pause => Call::Pause,
            SimInput::Resume => Call::Resume,
            SimInput::SignOut => Call::SignOut,
            SimInput::Sync(_) => Call::Sync,
            SimInput::Leave => Call::Leave,
            SimInput::Answer(Answer::HoldGranted) => Call::AnnounceHold,
            SimInput::Answer(Answer::HoldProbed(_)) => Call::HoldProbed,
            SimInput::Answer(Answer::HoldReleased) => Call::HoldReleased,
            SimInput::Wake
            | SimInput::Answer(Answer::KeepAliveLock(_) | Answer::KeepAliveDone { .. }) => {
                Call::Tick
            }
        }
    }
}

/// A port operation that changes something (reads are free).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Io {
    /// Stored (the storage port).
    Store,
    /// Posted on the channel (a `Command::Post`).
    Post,
}

/// The port one core sees during one call.
struct Port<'a> {
    store: &'a mut Option<String>,
    ops: Vec<Op>,
}

/// One port operation: what it did, its text, and whether it changed the
/// stored value (only a change fires `storage` events).
pub type Op = (Io, String, bool);

impl Storage for Port<'_> {
    fn read(&mut self) -> Result<Option<String>, StorageFailed> {
        Ok(self.store.clone())
    }
    fn store(&mut self, record: &str) -> Result<(), StorageFailed> {
        let changed = self.store.as_deref() != Some(record);
        *self.store = Some(record.to_string());
        self.ops.push((Io::Store, record.to_string(), changed));
        Ok(())
    }
}

/// A record or message, parsed without the checks against the clock.
pub fn parse(text: &str) -> Option<Record> {
    Record::parse(text, u64::MAX / 2).ok()
}

/// What the simulator reads from a core.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// The session it is in (the record's `id`).
    pub sid: Sid,
    pub started_at: u64,
    pub remember_me: bool,
    pub ended: bool,
    pub paused: bool,
    pub warning: bool,
    /// The end as it now stands.
    pub expires_at: Option<u64>,
    /// When the next call must be made at the latest.
    pub next_wake: Option<u64>,
    /// Until when activity only needs its time recorded.
    pub quiet_until: u64,
}

/// An effect as the checks see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Out {
    /// An idle warning, and the moment (wall clock) the core gave it at:
    /// its end less the time left.
    IdleWarning {
        at: u64,
    },
    /// The end, and its moment (wall clock).
    Ended {
        idle: bool,
        remote: bool,
        at: u64,
    },
    KeepAlive {
        last_activity: u64,
    },
    Other,
}

/// The validated config of `opts` (with a `startedAt`, if given); panics on
/// options the contract rejects.
fn config(opts: &Opts, started_at: Option<u64>) -> Config {
    let raw = RawOptions {
        idle_timeout_ms: Some(opts.idle as f64),
        max_duration_ms: Some(opts.max.map_or(-1.0, |m| m as f64)),
        remember_me_period_ms: Some(opts.remember as f64),
        warn_before_ms: Some(opts.warn as f64),
        started_at: started_at.map(|t| t as f64),
        remember_me: opts.remember_me,
        cross_tab: true,
        keep_alive_ms: opts.keep_alive.map(|k| k as f64),
        on_keep_alive: opts.keep_alive.is_some(),
        confirm_to_stay: false,
    };
    raw.validate()
        .unwrap_or_else(|e| panic!("invalid options {opts:?}: {e}"))
}

impl World {
    /// The one door: hands `input` to the core of tab `i` at the wall clock's
    /// time, as the shell's `step` does (fold in the quiet activity, call,
    /// send what it wrote, act on its effects, re-arm), then checks the
    /// invariants of the call. Nothing once the guard has ended or its page
    /// has gone.
    pub fn drive(&mut self, i: usize, input: SimInput) -> Result<(), String> {
        self.steps += 1;
        if self.steps > crate::world::STEP_LIMIT {
            return Err(self.fail("the simulation never settles".into()));
        }
        if !self.tabs[i].open || !self.tabs[i].live {
            return Ok(());
        }
        let now = self.wall();
        let before = self.before_call(i);
        let tab = &mut self.tabs[i];
        tab.remember_before = before.remember_me;
        tab.latest_now = tab.latest_now.max(now);
        let mut port = Port {
            store: &mut self.store,
            ops: Vec::new(),
        };
        // The shell's fold: the time of the latest quiet activity event
        // first, then the input.
        tab.session
            .handle(Input::Recorded(tab.recorded), now, &mut port);
        tab.session.handle(input.input(), now, &mut port);
        let ops = port.ops;
        self.refresh(i);
        let call = Call::of(&input);
        self.flush(i, call, ops);
        let reported = self.drain(i, call)?;
        self.after_call(i, &input, before, reported)?;
        self.sign_in_again()
    }

    /// Starts a guard in `page` (a new page, a reload, or `onSignOut`), in
    /// the document `doc`, and makes it the page's guard: the only place a
    /// core is made.
    pub fn start_tab(
        &mut self,
        opts: Opts,
        page: usize,
        doc: u64,
        started_at: Option<u64>,
    ) -> Result<usize, String> {
        let i = self.tabs.len();
        let now = self.wall();
        let mut port = Port {
            store: &mut self.store,
            ops: Vec::new(),
        };
        let session = Session::start(&config(&opts, started_at), self.locks, now, &mut port);
        let ops = port.ops;
        self.tabs
            .push(Tab::new(opts, session, page, doc, self.now, now));
        if page == self.pages.len() {
            self.pages.push(i);
        } else {
            self.pages[page] = i;
        }
        let what = match started_at {
            Some(_) => "a new sign-in (startedAt: now), ",
            None => "",
        };
        self.note(i, format!("opens in page {page}: {what}{opts:?}"));
        self.joined(i, started_at.is_some());
        self.flush(i, Call::Start, ops);
        self.drain(i, Call::Start)?;
        self.settle()?;
        self.sign_in_again()?;
        Ok(i)
    }

    /// What the simulator reads from core `i`.
    pub fn view(&self, i: usize) -> View {
        let s = &self.tabs[i].session;
        let snap = s.snapshot(self.wall());
        let record = s.record();
        View {
            sid: record.id,
            started_at: record.started_at,
            remember_me: record.remember_me,
            ended: snap.ended.is_some(),
            paused: snap.state == session_guard::core::State::Paused,
            warning: snap.state == session_guard::core::State::Warning,
            expires_at: snap.expires_at,
            next_wake: s.next_wake(),
            quiet_until: s.quiet_until(),
        }
    }

    /// The effect loop, as the shell's: carries out every command of core
    /// `i` (posts go out, lock requests are answered once the loop is
    /// over), then takes every event and checks the invariants on each.
    /// Returns whether the core reported a problem (a rejected record, the
    /// clock), which only a clock set back may cause here.
    pub fn drain(&mut self, i: usize, call: Call) -> Result<bool, String> {
        let mut grant = false;
        let mut probe = false;
        let mut claim = false;
        let mut reported = false;
        while let Some(c) = self.tabs[i].session.poll_command() {
            let now = self.now;
            if !matches!(c, Command::Post(_)) {
                self.note(i, format!("{c:?}"));
            }
            match c {
                Command::Post(text) => {
                    match parse(&text).and_then(|r| r.hold_changed) {
                        // The hold is announced: from now on it holds the
                        // session.
                        Some(true) => {
                            let bound = (!self.locks).then(|| {
                                (0..self.tabs.len())
                                    .filter(|&j| self.tabs[j].open && self.tabs[j].live)
                                    .collect()
                            });
                            self.model.holds.push(HoldSpan {
                                sid: self.tabs[i].sid,
                                tab: i,
                                from: now,
                                to: None,
                                bound,
                            });
                        }
                        Some(false) => self.model.end_hold(i, now),
                        None => {}
                    }
                    self.flush(i, call, vec![(Io::Post, text, false)]);
                }
                Command::Hold(_) | Command::ProbeHold | Command::AwaitRelease if !self.locks => {
                    return Err(self.fail(format!("tab {i}: {c:?} without Web Locks")));
                }
                Command::Hold(true) => {
                    self.tabs[i].holding = true;
                    grant = true;
                }
                Command::Hold(false) => {
                    self.tabs[i].holding = false;
                    self.model.end_hold(i, now);
                }
                Command::ProbeHold => probe = true,
                Command::AwaitRelease => self.tabs[i].awaiting = true,
                Command::ClaimKeepAlive => claim = true,
                Command::ReleaseKeepAlive => {
                    // Dropping the lock resolves the promise that holds it;
                    // the browser releases it only once that settles, after
                    // this task: a claim made in this task still finds it.
                    let t = &mut self.tabs[i];
                    t.releasing |= t.keep_alive_lock;
                    t.keep_alive_lock = false;
                }
            }
        }
        while let Some(e) = self.tabs[i].session.poll() {
            self.note(i, format!("{e:?}"));
            let out = match e {
                Event::Warning {
                    reason: Reason::Idle,
                    remaining_ms,
                    expires_at,
                } => Out::IdleWarning {
                    at: expires_at - remaining_ms,
                },
                Event::SignedOut { reason, remote, at } => Out::Ended {
                    idle: reason == Reason::Idle,
                    remote,
                    at,
                },
                Event::KeepAlive { last_activity, .. } => Out::KeepAlive { last_activity },
                _ => Out::Other,
            };
            if let Event::SignedOut { reason, at, remote } = e {
                self.tabs[i].ends.push((reason.as_str(), at, remote));
            }
            self.check_effect(i, out)?;
            match e {
                Event::SignedOut { .. } => self.ended(i),
                Event::Error(
                    Problem::Rejected(_)
                    | Problem::ClockBack(_)
                    | Problem::Storage
                    | Problem::StartedAhead(_),
                ) if self.clock_set_back.is_some() => reported = true,
                Event::Error(Problem::Rejected(r)) => {
                    return Err(self.fail(format!("tab {i}: a record was rejected: {r:?}")));
                }
                Event::Warning { .. } | Event::Activity { .. } => {}
                Event::KeepAlive { call, .. } => self.keep_alive_called(i, call),
                Event::Error(Problem::KeepAliveTimedOut(_)) => {}
                Event::Error(p) => {
                    return Err(self.fail(format!("tab {i}: unexpected {p:?}")));
                }
            }
        }
        if claim {
            // `ifAvailable`: granted only if no live guard holds it, this
            // one's lock included while its release is under way.
            let taken = self.tabs[i].releasing
                || self
                    .tabs
                    .iter()
                    .enumerate()
                    .any(|(j, t)| j != i && t.open && t.live && t.keep_alive_lock);
            if taken {
                let whose = if self.tabs[i].releasing {
                    "its own, whose release is under way"
                } else {
                    "another tab's"
                };
                self.note(i, format!("the keep-alive lock is taken ({whose})"));
            }
            self.tabs[i].keep_alive_lock = !taken;
            self.tabs[i].releasing = false;
            self.drive(i, SimInput::Answer(Answer::KeepAliveLock(!taken)))?;
        }
        self.tabs[i].releasing = false;
        if grant && self.tabs[i].live {
            // The lock is granted at once; the core announces the hold.
            self.drive(i, SimInput::Answer(Answer::HoldGranted))?;
        }
        if probe {
            let held = self
                .tabs
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && t.open && t.live && t.holding);
            self.drive(i, SimInput::Answer(Answer::HoldProbed(held)))?;
        }
        self.arm(i);
        Ok(reported)
    }
}

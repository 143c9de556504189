//! The simulated browser of `tests/sim.rs`: several pages of one origin, each
//! with a guard whose core is driven the way the browser shell drives it, one
//! `localStorage`, a `BroadcastChannel` with delivery delays, Web Locks, honest
//! timers, and a model of "who had activity when" kept apart from the cores.
//!
//! - Storage: one `Option<String>`; a read sees the latest write at once.
//! - Channel: a `Command::Post` posts, the storage port stores. A
//!   message reaches every *other* guard that was live when it was posted, after
//!   a delay taken in turn from the plan's list (each at most
//!   [`MAX_DELAY_MS`]); one sender's messages arrive in the order they were
//!   posted, as on a real channel.
//! - Timers: each guard has the shell's one timer: armed no later than
//!   `next_wake()` after every call, never moved later by a call, and firing
//!   exactly on time (then `tick`). Messages due at the instant a timer fires
//!   are delivered first; timers due at one instant fire in tab order (lowest
//!   or highest first, from the plan). The app's own events at an instant
//!   (activity, calls, reloads) come after whatever is due then.
//! - Activity: an event at `t < quiet_until()` (as it stood after the last
//!   call) only records its time, like the shell's listener; that time is
//!   folded in with `record_activity` before the next call into that core.
//!   Any other event calls `activity`.
//! - Web Locks: `Hold(true)` is granted at once (`Answer::HoldGranted`,
//!   and the core announces it); `ProbeHold` is answered with "does another live
//!   guard hold?"; `AwaitRelease` with `hold_released` as soon as no live guard
//!   holds. An ended guard or a closed page holds nothing (the shell drops its
//!   resources, the browser its locks).

use std::collections::{BTreeMap, VecDeque};
use std::fmt;

use session_guard::core::{
    Answer, Command, Config, Event, Input, Problem, RawOptions, Reason, Record, Session, State,
    Storage, StorageFailed,
};

/// The epoch time every simulation starts at; traces print times from here.
pub const T0: u64 = 1_700_000_000_000;
/// The longest a channel message takes to reach another tab. The model's only
/// slack: a tab cannot know what it has not been told yet.
pub const MAX_DELAY_MS: u64 = 50;
/// How long the simulated server takes to answer a keep-alive.
pub const ANSWER_MS: u64 = 120;
/// How many lines of the latest history a failure shows.
const TRACE_LINES: usize = 40;
/// Calls, deliveries and timer wakes one simulation may take before it counts
/// as never settling.
const STEP_LIMIT: u64 = 2_000_000;

/// The options of one guard (every limit enabled except, possibly, the
/// absolute one; `crossTab` is always on here).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Opts {
    /// `idleTimeoutMs`
    pub idle: u64,
    /// `rememberMePeriodMs`
    pub remember: u64,
    /// `warnBeforeMs` (smaller than both windows, so it stays valid whatever
    /// remember-me does later)
    pub warn: u64,
    /// `maxDurationMs`, `None` for `-1`
    pub max: Option<u64>,
    /// `rememberMe`
    pub remember_me: bool,
    /// `keepAliveMs` (with an `onKeepAlive` that the simulated app answers
    /// [`ANSWER_MS`] later), `None` for `-1`
    pub keep_alive: Option<u64>,
}

impl Opts {
    /// Idle window `idle` and nothing else (no warning, no absolute limit).
    pub fn idle(idle: u64) -> Opts {
        Opts {
            idle,
            remember: idle,
            warn: 0,
            max: None,
            remember_me: false,
            keep_alive: None,
        }
    }

    /// The validated config; panics on options the contract rejects.
    pub fn config(&self) -> Config {
        let raw = RawOptions {
            idle_timeout_ms: Some(self.idle as f64),
            max_duration_ms: Some(self.max.map_or(-1.0, |m| m as f64)),
            remember_me_period_ms: Some(self.remember as f64),
            warn_before_ms: Some(self.warn as f64),
            started_at: None,
            remember_me: self.remember_me,
            cross_tab: true,
            keep_alive_ms: self.keep_alive.map(|k| k as f64),
            on_keep_alive: self.keep_alive.is_some(),
            confirm_to_stay: false,
            closed_timeout_ms: None,
        };
        raw.validate()
            .unwrap_or_else(|e| panic!("invalid options {self:?}: {e}"))
    }

    /// The idle window in force for a remember-me setting.
    pub fn window(&self, remember_me: bool) -> u64 {
        if remember_me {
            self.remember
        } else {
            self.idle
        }
    }
}

impl fmt::Debug for Opts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "idle {} ms, remember-me window {} ms, warn {} ms, max ",
            self.idle, self.remember, self.warn
        )?;
        match self.max {
            Some(m) => write!(f, "{m} ms")?,
            None => f.write_str("none")?,
        }
        let on = if self.remember_me { "on" } else { "off" };
        write!(f, ", remember-me {on}")?;
        match self.keep_alive {
            Some(k) => write!(f, ", keep-alive every {k} ms"),
            None => Ok(()),
        }
    }
}

/// Builds one tab's core: the only place `Session::start` is called. When
/// `Session::start` takes another argument, it is added here (an option goes
/// into [`Opts`] and [`Opts::config`], a shell fact next to `locks`).
pub fn start_session(opts: &Opts, locks: bool, now: u64, storage: &mut dyn Storage) -> Session {
    Session::start(&opts.config(), locks, now, storage)
}

/// The call into a core during which a port operation happened.
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
    Leave,
    AnnounceHold,
    HoldProbed,
    HoldReleased,
}

/// An operation that changes something (reads are free).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Io {
    /// Stored.
    Store,
    /// Posted on the channel.
    Post,
}

/// One port operation, for the cost rule.
#[derive(Clone, Debug)]
pub struct IoRec {
    pub at: u64,
    pub tab: usize,
    pub call: Call,
    pub io: Io,
    /// The record written says the session has ended.
    pub ends: bool,
}

/// The port one core sees during one call.
struct Port<'a> {
    store: &'a mut Option<String>,
    ops: Vec<(Io, String)>,
}

impl Storage for Port<'_> {
    fn read(&mut self) -> Result<Option<String>, StorageFailed> {
        Ok(self.store.clone())
    }
    fn store(&mut self, record: &str) -> Result<(), StorageFailed> {
        *self.store = Some(record.to_string());
        self.ops.push((Io::Store, record.to_string()));
        Ok(())
    }
}

/// One guard in one page.
pub struct Tab {
    pub opts: Opts,
    pub session: Session,
    /// The page in which it runs.
    pub page: usize,
    /// The page is still there (a reload closes it).
    pub open: bool,
    /// The guard has its listeners, timer, channel and locks: not ended.
    pub live: bool,
    /// The shell's timer.
    armed: Option<u64>,
    /// The activity listener's `quiet_until`, as of the last call.
    quiet_until: u64,
    /// The latest time a quiet activity event recorded.
    recorded: u64,
    /// Holds its Web Lock.
    holding: bool,
    /// Waits for every hold to go.
    awaiting: bool,
    /// When the last message this tab posted arrives (keeps its order).
    channel_tail: u64,
    /// Holds the session's keep-alive lock.
    keep_alive_lock: bool,
    /// Holds the session's presence lock.
    present: bool,
    /// Every effect, with the time it came out.
    pub effects: Vec<(u64, Event)>,
    /// The session it is in, as of the last call.
    sid: Sid,
}

impl Tab {
    /// `(reason, at, remote)` of each `SignedOut`.
    pub fn sign_outs(&self) -> Vec<(Reason, u64, bool)> {
        self.effects
            .iter()
            .filter_map(|(_, e)| match *e {
                Event::SignedOut {
                    reason,
                    at,
                    remote,
                    restored: false,
                } => Some((reason, at, remote)),
                _ => None,
            })
            .collect()
    }
}

/// A session: its start, and how many sessions with that same start had
/// ended before it began (a session that ends in the millisecond it began is
/// followed by one with the same start).
type Sid = (u64, u32);

struct Msg {
    to: Vec<usize>,
    text: String,
}

/// A pause, from the grant of its hold to its end.
struct HoldSpan {
    sid: Sid,
    tab: usize,
    from: u64,
    to: Option<u64>,
    /// The tabs it holds: `None` for every tab of the session (Web Locks: a
    /// tab that opens later finds the hold with a probe). Without locks, the
    /// tabs that were live when it was announced: the core ignores a stored
    /// `held` flag it cannot check (a crashed tab would hold the session for
    /// ever), so a tab that opens during a pause is not held by it.
    bound: Option<Vec<usize>>,
}

/// "Who had activity when", kept by the simulator (not read from any core).
#[derive(Default)]
struct Model {
    /// Per session: `(time, tab)` of every activity, in time order.
    activity: BTreeMap<Sid, Vec<(u64, usize)>>,
    holds: Vec<HoldSpan>,
    /// Per session: when a tab of it first ended. Activity after that, in a
    /// tab that has not heard yet, is not activity of a live session.
    first_end: BTreeMap<Sid, u64>,
    /// Per start: how many sessions with that start have ended.
    ended: BTreeMap<u64, u32>,
}

impl Model {
    fn activity(&mut self, sid: Sid, tab: usize, at: u64) {
        if !self.first_end.contains_key(&sid) {
            self.activity.entry(sid).or_default().push((at, tab));
        }
    }

    fn first_end(&mut self, sid: Sid, at: u64) {
        self.first_end.entry(sid).or_insert(at);
        let n = self.ended.entry(sid.0).or_default();
        *n = (*n).max(sid.1 + 1);
    }

    fn end_hold(&mut self, tab: usize, at: u64) {
        for h in &mut self.holds {
            if h.tab == tab && h.to.is_none() {
                h.to = Some(at);
            }
        }
    }

    /// The latest moment before `t` at which session `sid` had activity that
    /// binds `tab`, and where it came from. A hold counts as activity over
    /// its whole span, from the moment every other tab has been told of it
    /// (`from + MAX_DELAY_MS`) to its end.
    fn latest_before(&self, sid: Sid, tab: usize, t: u64) -> Option<(u64, String)> {
        let mut best: Option<(u64, String)> = None;
        if let Some(list) = self.activity.get(&sid) {
            let n = list.partition_point(|&(a, _)| a < t);
            if n > 0 {
                let (a, j) = list[n - 1];
                best = Some((a, format!("activity in tab {j} at {}", a - T0)));
            }
        }
        for h in &self.holds {
            if h.sid != sid || !h.bound.as_ref().map_or(true, |b| b.contains(&tab)) {
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
}

/// The pages of one origin and everything they share.
pub struct World {
    pub now: u64,
    pub locks: bool,
    /// Timers due at one instant fire highest tab first.
    pub high_first: bool,
    pub store: Option<String>,
    /// Every guard ever started, in start order.
    pub tabs: Vec<Tab>,
    /// Page -> the tab (guard) now running in it.
    pub pages: Vec<usize>,
    /// Every port operation that changed something.
    pub io: Vec<IoRec>,
    flight: BTreeMap<(u64, u64), Msg>,
    seq: u64,
    delays: Vec<u64>,
    next_delay: usize,
    model: Model,
    trace: VecDeque<String>,
    steps: u64,
    /// Every keep-alive call: `(time, tab, session)`.
    pub calls: Vec<(u64, usize, Sid)>,
    /// Keep-alive answers on their way: `(due, tab, call)`.
    answers: Vec<(u64, usize, u32)>,
    /// The time of the activity event being handed to a core (the model
    /// records it once the call is over).
    acting: Option<u64>,
    /// The input whose commands are being carried out.
    calling: Call,
}

impl World {
    /// An origin with no page yet. `delays` (each at most `MAX_DELAY_MS`) are
    /// the channel delays, taken in turn; empty means instant delivery.
    pub fn new(locks: bool, high_first: bool, delays: &[u64]) -> World {
        assert!(delays.iter().all(|&d| d <= MAX_DELAY_MS));
        World {
            now: T0,
            locks,
            high_first,
            store: None,
            tabs: Vec::new(),
            pages: Vec::new(),
            io: Vec::new(),
            flight: BTreeMap::new(),
            seq: 0,
            delays: delays.to_vec(),
            next_delay: 0,
            model: Model::default(),
            trace: VecDeque::new(),
            steps: 0,
            calls: Vec::new(),
            answers: Vec::new(),
            acting: None,
            calling: Call::Start,
        }
    }

    /// The tab now running in `page`.
    pub fn tab(&self, page: usize) -> &Tab {
        &self.tabs[self.pages[page]]
    }

    pub fn state(&self, page: usize) -> State {
        self.tab(page).session.state()
    }

    // ------------------------------------------------------------ the app

    /// A new page opens now with a guard with `opts`; returns the page.
    pub fn open(&mut self, opts: Opts) -> Result<usize, String> {
        let page = self.pages.len();
        let tab = self.start_tab(opts, page)?;
        self.pages.push(tab);
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
        let now = self.now;
        if now < self.tabs[i].quiet_until {
            let t = &mut self.tabs[i];
            t.recorded = t.recorded.max(now);
            self.note(i, "activity (quiet: only its time is recorded)".into());
        } else {
            self.note(i, "activity".into());
            self.acting = Some(now);
            let called = self.call(i, Call::Activity, Input::Activity);
            self.acting = None;
            called?;
            self.settle()?;
        }
        if self.tabs[i].live {
            let sid = self.tabs[i].sid;
            self.model.activity(sid, i, now);
        }
        Ok(())
    }

    /// The page comes back (focus, visibility): the shell ticks the core.
    pub fn recheck(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "recheck (focus)".into());
        self.call(i, Call::Tick, Input::Wake)?;
        self.settle()
    }

    pub fn sign_out(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "signOut()".into());
        self.call(i, Call::SignOut, Input::SignOut)?;
        self.settle()
    }

    pub fn set_remember_me(&mut self, page: usize, on: bool) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, format!("setRememberMe({on})"));
        self.call(i, Call::RememberMe, Input::RememberMe(on))?;
        self.settle()
    }

    /// Another page's guard is paused.
    pub fn paused_elsewhere(&self, page: usize) -> bool {
        let me = self.pages[page];
        self.pages
            .iter()
            .any(|&i| i != me && self.tabs[i].live && self.tabs[i].session.state() == State::Paused)
    }

    pub fn pause(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "pause()".into());
        self.call(i, Call::Pause, Input::Pause)?;
        self.settle()
    }

    /// `resume()`: ends the pause and counts as activity.
    pub fn resume(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        let paused = self.tabs[i].live && self.tabs[i].session.state() == State::Paused;
        self.note(i, "resume()".into());
        // `resume()` counts as activity, for a keep-alive it causes too.
        self.acting = paused.then_some(self.now);
        let called = self.call(i, Call::Resume, Input::Resume);
        self.acting = None;
        called?;
        if paused && self.tabs[i].live {
            let sid = self.tabs[i].sid;
            self.model.activity(sid, i, self.now);
        }
        self.settle()
    }

    /// The page reloads: the guard leaves, the page closes (its lock goes),
    /// and a new page with a new guard with the same options takes its place.
    pub fn reload(&mut self, page: usize) -> Result<(), String> {
        let i = self.pages[page];
        self.note(i, "reload: leave(), the page closes".into());
        self.call(i, Call::Leave, Input::Leave)?;
        let t = &mut self.tabs[i];
        t.open = false;
        t.live = false;
        t.holding = false;
        t.awaiting = false;
        t.armed = None;
        self.model.end_hold(i, self.now);
        self.settle()?;
        let opts = self.tabs[i].opts;
        let tab = self.start_tab(opts, page)?;
        self.pages[page] = tab;
        Ok(())
    }

    /// Honest timers: delivers every message and fires every timer due up to
    /// `t` (messages first at one instant), then the clock reads `t`.
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
    /// session all with the same reason.
    pub fn finish(&mut self) -> Result<(), String> {
        for page in 0..self.pages.len() {
            if self.tab(page).live && self.state(page) == State::Paused {
                self.resume(page)?;
            }
        }
        self.advance_to(self.now + 2 * 24 * 3_600_000)?;
        let mut reasons: BTreeMap<Sid, Vec<(usize, Reason)>> = BTreeMap::new();
        for page in 0..self.pages.len() {
            let i = self.pages[page];
            let outs = self.tabs[i].sign_outs();
            if outs.len() != 1 {
                return Err(self.fail(format!(
                    "invariant 2: long after the last activity, tab {i} (page {page}) \
                     has ended {} times: {outs:?}",
                    outs.len()
                )));
            }
            reasons
                .entry(self.tabs[i].sid)
                .or_default()
                .push((i, outs[0].0));
        }
        for (sid, ends) in reasons {
            if ends.iter().any(|e| e.1 != ends[0].1) {
                return Err(self.fail(format!(
                    "invariant 2: the tabs of the session that began at {} \
                     ended with different reasons: {ends:?}",
                    sid.0.wrapping_sub(T0) as i64
                )));
            }
        }
        Ok(())
    }

    // ------------------------------------------------------ the machinery

    fn start_tab(&mut self, opts: Opts, page: usize) -> Result<usize, String> {
        let i = self.tabs.len();
        let now = self.now;
        let mut port = Port {
            store: &mut self.store,
            ops: Vec::new(),
        };
        let session = start_session(&opts, self.locks, now, &mut port);
        let ops = port.ops;
        self.tabs.push(Tab {
            opts,
            session,
            page,
            open: true,
            live: true,
            armed: None,
            quiet_until: 0,
            recorded: 0,
            holding: false,
            awaiting: false,
            channel_tail: 0,
            keep_alive_lock: false,
            present: false,
            effects: Vec::new(),
            sid: (0, 0),
        });
        self.refresh_sid(i);
        self.note(i, format!("opens in page {page}: {opts:?}"));
        self.flush(i, Call::Start, ops);
        self.calling = Call::Start;
        self.drain(i)?;
        self.settle()?;
        Ok(i)
    }

    /// One input into core `i`, as the shell hands it over: the quiet
    /// activity first, then the input; log what it stored, post its
    /// messages, act on its events and commands, re-arm.
    /// Nothing once the guard has ended or its page has gone.
    fn call(&mut self, i: usize, call: Call, input: Input<'_>) -> Result<(), String> {
        let now = self.now;
        self.steps += 1;
        if self.steps > STEP_LIMIT {
            return Err(self.fail("the simulation never settles".into()));
        }
        let tab = &mut self.tabs[i];
        if !tab.open || !tab.live {
            return Ok(());
        }
        let mut port = Port {
            store: &mut self.store,
            ops: Vec::new(),
        };
        tab.session
            .handle(Input::Recorded(tab.recorded), now, &mut port);
        tab.session.handle(input, now, &mut port);
        let ops = port.ops;
        self.refresh_sid(i);
        self.flush(i, call, ops);
        self.calling = call;
        self.drain(i)
    }

    /// Keeps `Tab::sid` up to date after a call (a tab may adopt another
    /// sign-in's session).
    fn refresh_sid(&mut self, i: usize) {
        let start = self.tabs[i].session.record().started_at;
        if self.tabs[i].sid.0 != start {
            let generation = self.model.ended.get(&start).copied().unwrap_or(0);
            self.tabs[i].sid = (start, generation);
        }
    }

    /// Logs what a call wrote and posts its messages.
    fn flush(&mut self, i: usize, call: Call, ops: Vec<(Io, String)>) {
        for (io, text) in ops {
            let ends = Record::parse(&text, self.now).is_ok_and(|r| r.ended.is_some());
            self.io.push(IoRec {
                at: self.now,
                tab: i,
                call,
                io,
                ends,
            });
            if io == Io::Store {
                self.note(i, format!("{call:?}: stores {}", brief(&text)));
                continue;
            }
            let delay = if self.delays.is_empty() {
                0
            } else {
                self.delays[self.next_delay % self.delays.len()]
            };
            self.next_delay += 1;
            let at = (self.now + delay).max(self.tabs[i].channel_tail);
            self.tabs[i].channel_tail = at;
            let to = (0..self.tabs.len())
                .filter(|&j| j != i && self.tabs[j].open && self.tabs[j].live)
                .collect();
            self.seq += 1;
            self.flight.insert(
                (at, self.seq),
                Msg {
                    to,
                    text: text.clone(),
                },
            );
            self.note(
                i,
                format!("{call:?}: posts {} (arrives at {})", brief(&text), at - T0),
            );
        }
    }

    /// Acts on every event and command of core `i` and checks the
    /// invariants on each event.
    fn drain(&mut self, i: usize) -> Result<(), String> {
        let mut grant = false;
        let mut probe = false;
        let mut claim = false;
        while let Some(e) = self.tabs[i].session.poll() {
            let now = self.now;
            self.tabs[i].effects.push((now, e));
            self.note(i, format!("{e:?}"));
            self.check(i, e)?;
            match e {
                Event::SignedOut { .. } => {
                    let sid = self.tabs[i].sid;
                    let t = &mut self.tabs[i];
                    t.live = false;
                    t.holding = false;
                    t.awaiting = false;
                    self.model.end_hold(i, now);
                    self.model.first_end(sid, now);
                }
                Event::Error(Problem::Rejected(r)) => {
                    return Err(self.fail(format!("tab {i}: a record was rejected: {r:?}")));
                }
                Event::Warning { .. } | Event::Activity { .. } => {}
                Event::KeepAlive { call, .. } => {
                    self.check_keep_alive(i, now)?;
                    let sid = self.tabs[i].sid;
                    self.calls.push((now, i, sid));
                    self.answers.push((now + ANSWER_MS, i, call));
                }
                Event::Error(p) => {
                    if !matches!(p, Problem::KeepAliveTimedOut(_)) {
                        return Err(self.fail(format!("tab {i}: unexpected {e:?}")));
                    }
                }
            }
        }
        while let Some(c) = self.tabs[i].session.poll_command() {
            let now = self.now;
            if !matches!(c, Command::Post(_)) {
                self.note(i, format!("{c:?}"));
            }
            match c {
                Command::Post(text) => {
                    let hold = Record::parse(&text, now).ok().and_then(|r| r.hold_changed);
                    match hold {
                        // The hold is announced: from now on it holds the
                        // session.
                        Some(true) => {
                            let sid = self.tabs[i].sid;
                            let bound = (!self.locks).then(|| {
                                (0..self.tabs.len())
                                    .filter(|&j| self.tabs[j].open && self.tabs[j].live)
                                    .collect()
                            });
                            self.model.holds.push(HoldSpan {
                                sid,
                                tab: i,
                                from: now,
                                to: None,
                                bound,
                            });
                        }
                        Some(false) => self.model.end_hold(i, now),
                        None => {}
                    }
                    let call = self.calling;
                    self.flush(i, call, vec![(Io::Post, text)]);
                }
                Command::Hold(true) => {
                    if !self.locks {
                        return Err(self.fail(format!("tab {i}: {c:?} without Web Locks")));
                    }
                    self.tabs[i].holding = true;
                    grant = true;
                }
                Command::Hold(false) => {
                    self.tabs[i].holding = false;
                    self.model.end_hold(i, now);
                }
                Command::Probe | Command::Presence(_) | Command::AwaitRelease if !self.locks => {
                    return Err(self.fail(format!("tab {i}: {c:?} without Web Locks")));
                }
                Command::Probe => probe = true,
                Command::Presence(on) => self.tabs[i].present = on,
                Command::AwaitRelease => self.tabs[i].awaiting = true,
                Command::ClaimKeepAlive => claim = true,
                Command::ReleaseKeepAlive => self.tabs[i].keep_alive_lock = false,
            }
        }
        if grant && self.tabs[i].live {
            // The lock is granted at once; the core announces the hold.
            self.call(i, Call::AnnounceHold, Input::Answer(Answer::HoldGranted))?;
        }
        if claim {
            // Granted only if no other live guard holds it (never waits).
            let taken = self
                .tabs
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && t.open && t.live && t.keep_alive_lock);
            self.tabs[i].keep_alive_lock = !taken;
            self.call(i, Call::Tick, Input::Answer(Answer::KeepAliveLock(!taken)))?;
        }
        if probe {
            let held = self
                .tabs
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && t.open && t.live && t.holding);
            let open = self
                .tabs
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && t.open && t.live && t.present);
            self.call(
                i,
                Call::HoldProbed,
                Input::Answer(Answer::Probed { held, open }),
            )?;
        }
        self.arm(i);
        Ok(())
    }

    /// The shell's `arm`: the listener's `quiet_until`, and one timer no
    /// later than the next wake (a later wake leaves it where it is).
    fn arm(&mut self, i: usize) {
        let t = &mut self.tabs[i];
        if !t.open || !t.live {
            t.armed = None;
            t.quiet_until = 0;
            return;
        }
        t.quiet_until = t.session.quiet_until();
        match t.session.next_wake() {
            None => t.armed = None,
            Some(at) => {
                if !matches!(t.armed, Some(a) if a <= at) {
                    t.armed = Some(at);
                }
            }
        }
    }

    /// Answers `AwaitRelease` once no live guard holds.
    fn settle(&mut self) -> Result<(), String> {
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
            self.call(j, Call::HoldReleased, Input::Answer(Answer::HoldReleased))?;
        }
    }

    /// The earliest timer: `(due, tab)`, ties in the plan's tab order.
    fn next_timer(&self) -> Option<(u64, usize)> {
        self.tabs
            .iter()
            .enumerate()
            .filter(|(_, t)| t.open && t.live)
            .filter_map(|(i, t)| t.armed.map(|a| (a.max(self.now), i)))
            .min_by_key(|&(at, i)| (at, if self.high_first { usize::MAX - i } else { i }))
    }

    fn deliver(&mut self, key: (u64, u64)) -> Result<(), String> {
        let msg = self.flight.remove(&key).expect("a message in flight");
        self.now = self.now.max(key.0);
        let hold = Record::parse(&msg.text, self.now).is_ok_and(|r| r.hold_changed.is_some());
        let call = if hold {
            Call::ReceiveHold
        } else {
            Call::Receive
        };
        for j in msg.to {
            if self.tabs[j].open && self.tabs[j].live {
                self.note(j, format!("receives {}", brief(&msg.text)));
                self.call(j, call, Input::Message(&msg.text))?;
            }
        }
        self.settle()
    }

    /// The simulated server answers a keep-alive (with nothing to sync).
    fn answer(&mut self, at: u64) -> Result<(), String> {
        let k = self
            .answers
            .iter()
            .position(|a| a.0 == at)
            .expect("an answer");
        let (_, i, call) = self.answers.remove(k);
        self.now = self.now.max(at);
        self.note(i, format!("keep-alive {call} answered"));
        self.call(
            i,
            Call::Tick,
            Input::Answer(Answer::KeepAliveDone { call, answer: None }),
        )?;
        self.settle()
    }

    /// A keep-alive call at `now` in tab `i`: at most one per period in the
    /// session, and only after activity (a pause's held time counts) since
    /// the session's previous call, or its start.
    fn check_keep_alive(&self, i: usize, now: u64) -> Result<(), String> {
        let sid = self.tabs[i].sid;
        let period = self.tabs[i].opts.keep_alive.unwrap_or(0);
        let previous = self.calls.iter().rev().find(|c| c.2 == sid).map(|c| c.0);
        if let Some(p) = previous {
            if now < p + period {
                return Err(self.fail(format!(
                    "keep-alive: tab {i} called at {} though the session called at {} \
                     (period {period} ms)",
                    now - T0,
                    p - T0
                )));
            }
        }
        let since = previous.unwrap_or(sid.0);
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
                now - T0,
                since.wrapping_sub(T0) as i64
            )));
        }
        Ok(())
    }

    fn fire(&mut self, at: u64, i: usize) -> Result<(), String> {
        self.now = self.now.max(at);
        self.tabs[i].armed = None;
        self.note(i, "timer".into());
        self.call(i, Call::Tick, Input::Wake)?;
        // A core that asks to be woken now again would make the shell spin.
        if self.tabs[i].live {
            if let Some(w) = self.tabs[i].session.next_wake() {
                if w <= self.now {
                    return Err(self.fail(format!(
                        "tab {i}: after a tick, next_wake {} is not after now",
                        w as i64 - T0 as i64
                    )));
                }
            }
        }
        self.settle()
    }

    /// Invariant 1 (and "one end per guard"), on every effect.
    fn check(&self, i: usize, e: Event) -> Result<(), String> {
        let tab = &self.tabs[i];
        let warning = match e {
            Event::Warning {
                reason: Reason::Idle,
                ..
            } => true,
            Event::SignedOut { reason, remote, .. } => {
                let n = tab.sign_outs().len();
                if n > 1 {
                    return Err(self.fail(format!("tab {i} ended {n} times")));
                }
                if reason != Reason::Idle || remote {
                    return Ok(());
                }
                false
            }
            _ => return Ok(()),
        };
        let record = tab.session.record();
        let window = tab.opts.window(record.remember_me);
        let span = if warning {
            window.saturating_sub(tab.opts.warn)
        } else {
            window
        };
        let t = self.now;
        if let Some((a, what)) = self.model.latest_before(tab.sid, i, t) {
            if a + span > t + MAX_DELAY_MS {
                let did = if warning {
                    "warned for idleness"
                } else {
                    "ended for idleness"
                };
                return Err(self.fail(format!(
                    "invariant 1: tab {i} (page {}) {did} at {} ({e:?}) with idle window \
                     {window} ms and warning lead {} ms, but the session had {what}",
                    tab.page,
                    t - T0,
                    tab.opts.warn,
                )));
            }
        }
        Ok(())
    }

    fn note(&mut self, i: usize, what: String) {
        if self.trace.len() == TRACE_LINES {
            self.trace.pop_front();
        }
        let line = format!("  {:>7} tab {i}: {what}", self.now - T0);
        self.trace.push_back(line);
    }

    /// A failure message: what broke, then the latest history (times in ms
    /// from the start).
    fn fail(&self, what: String) -> String {
        let mut s = what;
        s.push_str("\nlatest history (ms from the start):\n");
        for line in &self.trace {
            s.push_str(line);
            s.push('\n');
        }
        s
    }
}

/// A record or message in a few words, times in ms from the start.
fn brief(text: &str) -> String {
    let Ok(r) = Record::parse(text, u64::MAX / 2) else {
        return text.to_string();
    };
    let ms = |t: u64| t as i64 - T0 as i64;
    let mut s = format!(
        "{{started {}, last activity {}",
        ms(r.started_at),
        ms(r.last_activity)
    );
    if r.remember_me {
        s.push_str(", remember-me");
    }
    if r.held {
        s.push_str(", held");
    }
    if let Some(on) = r.hold_changed {
        s.push_str(if on { ", hold begins" } else { ", hold ends" });
    }
    if let Some(end) = r.ended {
        s.push_str(&format!(
            ", ended {} at {}",
            end.reason.as_str(),
            ms(end.at)
        ));
    }
    s.push('}');
    s
}

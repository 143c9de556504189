//! The session state machine: every rule of the contract, once.
//!
//! Time is an input (`now`, epoch ms) and decisions are outputs ([`Effect`]s
//! drained with [`Session::poll`], and [`Session::next_wake`] for the one
//! timer). The shared record is read and written through the [`Shared`] port,
//! which the browser shell backs with `localStorage` and a `BroadcastChannel`
//! and the tests back with memory.
//!
//! Why the record is read through a port, inside the decision, and not
//! handed in as an input: two decisions need the freshest facts of the
//! other tabs at the moment they are made. Before it warns or ends for
//! idleness a tab re-reads the record (another tab may have been active a
//! moment ago), and every write is a read-merge-write (never overwrite a
//! later fact of another tab). Whether a read is needed is only known in
//! the middle of the decision (is an idle action due, once the facts of
//! this call are in?), and `localStorage` answers synchronously, so the
//! read, the merge and the write happen in one step of the page's event
//! loop with no other tab's message in between. As an input, every call
//! would have to read storage up front (a read per call, on the activity
//! path too) or be split in two halves with a pending decision kept
//! between them.
//!
//! Driving contract, after every call that takes `now`:
//! 1. drain [`Session::poll`] until it returns `None` and act on each effect;
//! 2. make sure a timer wakes no later than [`Session::next_wake`] and call
//!    [`Session::tick`] then. Early or late wakes are harmless: a late one (a
//!    sleeping laptop, a throttled tab) ends the session, never extends it.

use alloc::string::String;

use alloc::collections::VecDeque;

use super::options::FUTURE_TOLERANCE_MS;
use super::options::{Config, Limits};
use super::record::{End, Horizon, Learned, Record, RecordError, ServerDeadlines};
use super::{Reason, State};

mod hold;
mod server;

pub use server::{ServerSync, SyncError, KEEP_ALIVE_RETRY_MS};

/// Under constant activity, the record is written at most this often
/// (unless another tab would act on idleness sooner: see
/// `Session::publish_due`).
pub const PUBLISH_INTERVAL_MS: u64 = 1_000;
/// How long before another tab could act on older facts this tab's write
/// must go out: time for the write and the message to reach that tab.
pub const DELIVERY_MARGIN_MS: u64 = 100;
/// `onActivity` fires at most this often.
pub const ACTIVITY_CALLBACK_INTERVAL_MS: u64 = 1_000;

/// Storage could not be read or written (disabled, full, throwing). The
/// guard goes on enforcing in the page; the core reports the first failure
/// ([`Problem::Storage`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageFailed;

/// The shared state of a session: `localStorage` plus a broadcast in the
/// browser.
pub trait Shared {
    /// The stored record's text, if any.
    fn read(&mut self) -> Result<Option<String>, StorageFailed>;
    /// Stores `record` and tells the other tabs (told even when storing
    /// fails).
    fn write(&mut self, record: &str) -> Result<(), StorageFailed>;
    /// Stores `record` without telling anyone.
    fn store(&mut self, record: &str) -> Result<(), StorageFailed>;
    /// Tells the other tabs without storing (hold messages).
    fn announce(&mut self, message: &str);
}

/// What the shell must do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Call `onWarning`.
    Warning {
        /// The deadline that will end the session.
        reason: Reason,
        /// Ms left at the time of the warning.
        remaining_ms: u64,
        /// Epoch ms of the end.
        expires_at: u64,
    },
    /// Call `onSignOut`, then drop every listener, timer and channel.
    SignedOut {
        /// Which deadline ended it.
        reason: Reason,
        /// Epoch ms of the end.
        at: u64,
        /// Learned from another tab.
        remote: bool,
    },
    /// Call `onActivity` (already throttled).
    Activity {
        /// Epoch ms of the activity.
        at: u64,
        /// The activity happened in another tab.
        remote: bool,
    },
    /// A stored record or message was rejected: report it to `onError`. The
    /// session has ended (fails closed).
    Rejected(RecordError),
    /// This tab paused (`true`): take its hold on the session and, once it
    /// is granted, call [`Session::announce_hold`]. Resumed (`false`): drop
    /// the hold (the core has announced the end already).
    Hold(bool),
    /// The stored record says a tab holds the session (found at start): find
    /// out whether one still does, and answer with [`Session::hold_probed`].
    ProbeHold,
    /// Another tab holds the session: wait until no tab does, then call
    /// [`Session::hold_released`].
    AwaitRelease,
    /// A keep-alive is due and tabs may race for it: take the session's
    /// keep-alive lock if no tab holds it (never wait for it), and answer
    /// with [`Session::keep_alive_lock`]. Keep a granted lock until
    /// [`Effect::KeepAliveOver`].
    ClaimKeepAlive,
    /// Call `onKeepAlive({ lastActivity })`, and answer with
    /// [`Session::keep_alive_done`] once it has settled.
    KeepAlive {
        /// Names the call in the answer.
        call: u32,
        /// Epoch ms of the latest activity known.
        last_activity: u64,
    },
    /// This tab's keep-alive call or claim is over: release the keep-alive
    /// lock if it holds it.
    KeepAliveOver,
    /// Report to `onError`; the session goes on.
    Problem(Problem),
}

/// What goes wrong without ending the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// `startedAt` lay this many ms (more than a minute) ahead of the
    /// page's clock, and was taken as now.
    StartedAhead(u64),
    /// `onKeepAlive` was still pending one period after it began: it
    /// counts as failed.
    KeepAliveTimedOut(u64),
    /// Storage failed (reported once per guard): the guard enforces both
    /// deadlines in this page, and tabs learn of each other only through
    /// the channel.
    Storage,
}

/// The instants a guard acts at, each named once; [`Session::deadline`]
/// holds the rule that makes each one due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Deadline {
    /// The idle window runs out (none while paused or held).
    IdleEnd,
    /// The absolute lifetime runs out.
    AbsoluteEnd,
    /// The warning window before the earlier end opens.
    Warning,
    /// The record must be written (see [`Session::publish_due`]).
    Publish,
    /// `onActivity` may fire again (a throttle: it wakes no timer).
    ActivityCallback,
    /// The server's absolute end.
    ServerEnd,
    /// The end the server's idle limit gives.
    ServerIdleEnd,
    /// A keep-alive is due: a period since the last one, and activity since.
    KeepAlive,
    /// This tab's keep-alive call counts as failed.
    KeepAliveTimeout,
}

impl Deadline {
    const ALL: [Deadline; 9] = [
        Deadline::IdleEnd,
        Deadline::AbsoluteEnd,
        Deadline::Warning,
        Deadline::Publish,
        Deadline::ActivityCallback,
        Deadline::ServerEnd,
        Deadline::ServerIdleEnd,
        Deadline::KeepAlive,
        Deadline::KeepAliveTimeout,
    ];

    /// Whether the shell's timer must wake for it.
    fn wakes(self) -> bool {
        self != Deadline::ActivityCallback
    }
}

/// Where a record comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum From {
    /// Another tab's message or `storage` event: news, as it was sent.
    Message,
    /// This tab's re-read of storage, which may lag the news.
    Storage,
}

/// Everything a UI shows about the session ([`Session::snapshot`]); times
/// are epoch ms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// What `state()` says.
    pub state: State,
    /// When the session began: the absolute deadline counts from here.
    pub started_at: u64,
    /// The latest activity in any tab, as far as this tab knows.
    pub last_activity: u64,
    /// Remember-me.
    pub remember_me: bool,
    /// The idle window in force (`None`: no idle limit).
    pub idle_window: Option<u64>,
    /// The idle deadline (`None`: no idle limit, or a pause holds it).
    pub idle_expires_at: Option<u64>,
    /// The absolute deadline (`None`: no absolute limit).
    pub absolute_expires_at: Option<u64>,
    /// The server's absolute end, on this page's clock (`None`: not synced).
    pub server_expires_at: Option<u64>,
    /// The end the server's idle limit gives, on this page's clock.
    pub server_idle_expires_at: Option<u64>,
    /// The end as it stands (`None`: nothing ends the session now).
    pub expires_at: Option<u64>,
    /// Ms until the end (`Some(0)` once ended).
    pub remaining_ms: Option<u64>,
    /// The open warning: the reason of the end it warns of, and its time.
    pub warning: Option<(Reason, u64)>,
    /// Another tab's pause holds the session.
    pub held: bool,
    /// How the session ended, once it has.
    pub ended: Option<End>,
}

impl Snapshot {
    /// A snapshot that knows only the state: what a shell that is busy
    /// (inside a call into the core) can say.
    pub fn of_state(state: State) -> Snapshot {
        Snapshot {
            state,
            started_at: 0,
            last_activity: 0,
            remember_me: false,
            idle_window: None,
            idle_expires_at: None,
            absolute_expires_at: None,
            server_expires_at: None,
            server_idle_expires_at: None,
            expires_at: None,
            remaining_ms: None,
            warning: None,
            held: false,
            ended: None,
        }
    }
}

/// One guard's view of the shared session.
#[derive(Debug)]
pub struct Session {
    limits: Limits,
    cross_tab: bool,
    /// `confirmToStay`: activity events do not close an open warning.
    confirm_to_stay: bool,
    /// The shell can probe and await holds (Web Locks).
    locks: bool,
    /// The session's identity (see the record's docs).
    id: u64,
    /// The `startedAt` the session was begun with.
    sign_in: u64,
    start: u64,
    last: u64,
    /// The latest activity every tab of the session has been told of.
    told: u64,
    /// The shortest time from an activity to an idle warning or end over the
    /// tabs of the session, this one included.
    horizon: Horizon,
    /// This tab joined the session with a shorter horizon than it had: the
    /// others may hold back activity it has not heard of yet, so it takes
    /// no idle action before this time (see `Deadline::IdleEnd`).
    joined_until: u64,
    remember_me: bool,
    remember_at: u64,
    paused: bool,
    /// Another tab holds the session.
    held: bool,
    /// When the hold in force (this tab's pause, or another's) began here.
    held_since: u64,
    /// This tab's own hold is granted and announced.
    holding: bool,
    warned: Option<u64>,
    ended: Option<End>,
    /// The stored session this guard replaced at start: its end belongs to
    /// that session, not to this one.
    superseded: Option<u64>,
    /// The record must be written for something other than activity (it
    /// was removed, or it misses a fact of this tab's).
    dirty: bool,
    published_at: Option<u64>,
    activity_cb_at: Option<u64>,
    /// The server's deadlines, on this page's clock.
    server: ServerDeadlines,
    /// The keep-alive period.
    keep_alive: Option<u64>,
    /// The session's latest keep-alive call (its start before the first).
    keep_alive_at: u64,
    /// This tab's part in the keep-alive.
    caller: Caller,
    /// Names the next keep-alive call.
    next_call: u32,
    /// A storage failure was reported.
    storage_failed: bool,
    effects: VecDeque<Effect>,
}

/// What this tab is doing about the keep-alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    /// Nothing under way.
    Idle,
    /// Waiting for the keep-alive lock.
    Claiming,
    /// Another tab had the lock: try again at this time.
    RetryAt(u64),
    /// Its call `id`, begun at `at`, is pending.
    Calling { id: u32, at: u64 },
}

impl Session {
    /// Starts a guard at `now`: resumes the stored session when it is live
    /// and the same sign-in, else begins a new one. `locks` says whether the
    /// shell can answer [`Effect::ProbeHold`] and [`Effect::AwaitRelease`].
    pub fn start(config: &Config, locks: bool, now: u64, shared: &mut dyn Shared) -> Session {
        // A start ahead of the page's clock (the server's clock runs ahead of
        // the user's) is taken as now: the guard never fails open over a
        // wrong clock, and a sync with the server's `now` corrects the end.
        let sign_in = config.started_at.unwrap_or(now);
        let begin = sign_in.min(now);
        let read = if config.cross_tab {
            shared.read()
        } else {
            Ok(None)
        };
        let stored = read
            .as_ref()
            .ok()
            .and_then(Option::as_deref)
            .map(|text| Record::parse(text, now));
        let last = now.max(begin);
        let mut s = Session {
            limits: config.limits,
            cross_tab: config.cross_tab,
            confirm_to_stay: config.confirm_to_stay,
            locks: locks && config.cross_tab,
            // A later session always has the greater id.
            id: match stored {
                Some(Ok(r)) => now.max(r.id + 1),
                _ => now,
            },
            sign_in,
            start: begin,
            last,
            told: last,
            horizon: own_horizon(&config.limits),
            joined_until: 0,
            remember_me: config.remember_me,
            remember_at: now,
            paused: false,
            held: false,
            held_since: now,
            holding: false,
            warned: None,
            ended: None,
            superseded: None,
            dirty: true,
            published_at: None,
            activity_cb_at: None,
            server: ServerDeadlines::default(),
            keep_alive: config.keep_alive,
            keep_alive_at: begin,
            caller: Caller::Idle,
            next_call: 0,
            storage_failed: false,
            effects: VecDeque::new(),
        };
        if read.is_err() {
            s.storage_failure();
        }
        if sign_in > now.saturating_add(FUTURE_TOLERANCE_MS) {
            s.effects
                .push_back(Effect::Problem(Problem::StartedAhead(sign_in - now)));
        }
        if !s.cross_tab {
            s.dirty = false;
            s.check(now, shared);
            return s;
        }
        match stored {
            Some(Err(e)) => {
                s.reject(e, now, shared);
                return s;
            }
            Some(Ok(r))
                if r.ended.is_none() && config.started_at.map_or(true, |b| b == r.sign_in) =>
            {
                s.adopt(&r);
                // Tell the others at once if this tab acts on idleness
                // sooner, and give them the time to answer with activity
                // they held back for the longer horizon.
                s.dirty = s.horizon != r.horizon;
                // (Held back at most one write slot: a session idle for
                // longer than that ends at once.)
                let recent = s
                    .limits
                    .idle_window(s.remember_me)
                    .is_some_and(|w| r.last_activity + w + PUBLISH_INTERVAL_MS > now);
                if s.dirty && recent {
                    s.joined_until = now + DELIVERY_MARGIN_MS;
                }
                if r.held && s.locks {
                    // A tab held the session when it last wrote: hold until
                    // the locks say whether one still does. (Without locks
                    // the flag cannot be checked, and a stale one would hold
                    // the session for ever: it is ignored.)
                    s.held = true;
                    s.effects.push_back(Effect::ProbeHold);
                }
            }
            // An ended session is never resumed, even by the same start.
            Some(Ok(r)) => s.superseded = Some(r.id),
            None => {}
        }
        s.check(now, shared);
        s
    }

    /// The next effect to act on.
    pub fn poll(&mut self) -> Option<Effect> {
        self.effects.pop_front()
    }

    /// When the shell's timer must wake next, if ever.
    pub fn next_wake(&self) -> Option<u64> {
        Deadline::ALL
            .into_iter()
            .filter(|d| d.wakes())
            .filter_map(|d| self.deadline(d))
            .min()
    }

    /// The table of deadlines: when each falls due, if it is set. Every
    /// rule that makes something due at a time is here, once.
    fn deadline(&self, d: Deadline) -> Option<u64> {
        if self.ended.is_some() {
            return None;
        }
        match d {
            Deadline::IdleEnd => self.idle_end().map(|at| at.max(self.joined_until)),
            Deadline::AbsoluteEnd => self.limits.max.map(|m| self.start.saturating_add(m)),
            Deadline::Warning => self
                .earliest_end()
                .filter(|(at, _)| self.limits.warn > 0 && self.warned != Some(*at))
                .map(|(at, reason)| {
                    let warn = at.saturating_sub(self.limits.warn);
                    // No idle action of a tab that just joined before the
                    // others could answer (see `joined_until`).
                    match reason {
                        Reason::Idle => warn.max(self.joined_until),
                        _ => warn,
                    }
                }),
            Deadline::Publish => self.publish_due(),
            Deadline::ActivityCallback => self
                .activity_cb_at
                .map(|t| t + ACTIVITY_CALLBACK_INTERVAL_MS),
            Deadline::ServerEnd => self.server.end.map(|l| l.at),
            Deadline::ServerIdleEnd => self.server.idle_end.map(|l| l.at),
            Deadline::KeepAlive => self.keep_alive_due(),
            Deadline::KeepAliveTimeout => match self.caller {
                Caller::Calling { at, .. } => self.keep_alive.map(|p| at.saturating_add(p)),
                _ => None,
            },
        }
    }

    fn due(&self, d: Deadline, now: u64) -> bool {
        self.deadline(d).is_some_and(|at| now >= at)
    }

    /// The state a user sees.
    pub fn state(&self) -> State {
        if self.ended.is_some() {
            State::SignedOut
        } else if self.paused {
            State::Paused
        } else if self.warned.is_some() {
            State::Warning
        } else {
            State::Active
        }
    }

    /// Epoch ms of the end as it now stands (`None`: no end while paused with
    /// no absolute limit).
    pub fn expires_at(&self) -> Option<u64> {
        match self.ended {
            Some(end) => Some(end.at),
            None => self.earliest_end().map(|(at, _)| at),
        }
    }

    /// Ms until the end: `Some(0)` once ended, `None` while there is no end.
    pub fn remaining_ms(&self, now: u64) -> Option<u64> {
        match self.ended {
            Some(_) => Some(0),
            None => self.earliest_end().map(|(at, _)| at.saturating_sub(now)),
        }
    }

    /// Everything a UI shows about the session, as it stands at `now`.
    pub fn snapshot(&self, now: u64) -> Snapshot {
        Snapshot {
            state: self.state(),
            started_at: self.start,
            last_activity: self.last,
            remember_me: self.remember_me,
            idle_window: self.limits.idle_window(self.remember_me),
            idle_expires_at: self.deadline(Deadline::IdleEnd),
            absolute_expires_at: self.deadline(Deadline::AbsoluteEnd),
            server_expires_at: self.deadline(Deadline::ServerEnd),
            server_idle_expires_at: self.deadline(Deadline::ServerIdleEnd),
            expires_at: self.expires_at(),
            remaining_ms: self.remaining_ms(now),
            warning: self
                .earliest_end()
                .filter(|(at, _)| self.warned == Some(*at))
                .map(|(at, reason)| (reason, at)),
            held: self.held,
            ended: self.ended,
        }
    }

    /// The session record as it stands.
    pub fn record(&self) -> Record {
        Record {
            id: self.id,
            sign_in: self.sign_in,
            server: self.server,
            keep_alive_at: self.keep_alive_at,
            started_at: self.start,
            last_activity: self.last,
            remember_me: self.remember_me,
            remember_at: self.remember_at,
            ended: self.ended,
            held: self.held || self.holding,
            hold_changed: None,
            horizon: self.horizon,
        }
    }

    /// The timer fired, or the page became visible, got focus or came back
    /// from the back-forward cache: act on whatever is due.
    pub fn tick(&mut self, now: u64, shared: &mut dyn Shared) {
        self.check(now, shared);
    }

    /// An activity event in this tab (a trusted one, or any with
    /// `allowSyntheticEvents`). With `confirmToStay`, an event while the
    /// warning is open counts for nothing: moving the pointer to the
    /// dialog's button must not dismiss the dialog; only [`Session::touch`]
    /// (the app's "Stay signed in") does.
    pub fn activity(&mut self, now: u64, shared: &mut dyn Shared) {
        if now < self.quiet_until() {
            self.record_activity(now);
            return;
        }
        // A due end is never extended: settle it before recording anything.
        self.check(now, shared);
        if self.confirm_to_stay && self.warned.is_some() {
            return;
        }
        self.touch(now, shared);
    }

    /// `touch()`: activity by definition (an API call, a playing video, the
    /// answer "Stay signed in" to a warning).
    pub fn touch(&mut self, now: u64, shared: &mut dyn Shared) {
        // A due end is never extended: settle it before recording anything.
        self.check(now, shared);
        if self.ended.is_some() || now <= self.last {
            return;
        }
        self.restart_idle(now);
        self.activity_callback(now, false);
        self.check(now, shared);
    }

    /// Until when (epoch ms, exclusive) activity in this tab only needs its
    /// time recorded, with [`Session::record_activity`]: nothing can fall due
    /// before the next wake, the record already waits to be written, no
    /// warning is open and `onActivity` fired less than a second ago. The
    /// shell lets the events of a burst (a moving pointer) record their time
    /// without asking the core until then; `0` when the next activity must
    /// go through [`Session::activity`].
    pub fn quiet_until(&self) -> u64 {
        // Only while activity waits to be written: folding in more of it
        // then moves no deadline (see `publish_due`).
        let keep_alive_waits = self.keep_alive.is_some() && self.last <= self.keep_alive_at;
        if self.ended.is_some()
            || self.last <= self.told
            || self.warned.is_some()
            || keep_alive_waits
        {
            return 0;
        }
        match (self.deadline(Deadline::ActivityCallback), self.next_wake()) {
            (Some(cb), Some(wake)) => wake.min(cb),
            _ => 0,
        }
    }

    /// Records activity at `at`, a time before [`Session::quiet_until`] as it
    /// stood then: no effect, and the next wake stays where it was. The shell
    /// calls it before any other call with the latest time so recorded.
    pub fn record_activity(&mut self, at: u64) {
        self.last = self.last.max(at);
    }

    /// Ends the session now with reason `"manual"`, in every tab.
    pub fn sign_out(&mut self, now: u64, shared: &mut dyn Shared) {
        // An end that is already due, here or in the record (another tab's,
        // not heard yet), keeps its reason and time.
        if self.cross_tab {
            self.reread(now, shared);
        }
        self.check(now, shared);
        self.end_here(Reason::Manual, now, shared);
    }

    /// Switches the idle window at once, in every tab.
    pub fn set_remember_me(&mut self, on: bool, now: u64, shared: &mut dyn Shared) {
        // A due end is never extended by a longer window.
        self.check(now, shared);
        if self.ended.is_some() {
            return;
        }
        self.remember_me = on;
        self.remember_at = self.remember_at.max(now);
        self.publish(now, shared);
        self.check(now, shared);
    }

    /// The page goes away or the guard is destroyed: write pending activity
    /// now, and end this tab's pause where no lock ends it by itself.
    pub fn leave(&mut self, now: u64, shared: &mut dyn Shared) {
        if self.ended.is_some() {
            return;
        }
        if self.paused {
            // The hold ends with the page: its time counts as activity.
            self.restart_idle(now);
        }
        if self.unpublished() {
            self.publish(now, shared);
        }
        if self.paused {
            self.announce_hold(false, now, shared);
        }
    }

    /// A record or message from another tab (the `storage` event or the
    /// channel). A rejected one ends the session.
    pub fn receive(&mut self, text: Option<&str>, now: u64, shared: &mut dyn Shared) {
        if self.ended.is_some() {
            return;
        }
        match text.map(|t| Record::parse(t, now)) {
            // The record was removed: put it back with the next write.
            None => self.dirty = true,
            Some(Err(e)) => self.reject(e, now, shared),
            Some(Ok(r)) => {
                self.merge(&r, From::Message, now);
                if self.holding && !r.held && r.id == self.id && self.ended.is_none() {
                    // A tab that had not heard of this tab's hold wrote the
                    // record without its flag: put it back at once, for the
                    // tabs that open meanwhile (read, merge, store: never
                    // over a later fact, an end above all).
                    self.reread(now, shared);
                    if self.ended.is_none() {
                        self.write(false, shared);
                    }
                }
                self.check(now, shared);
            }
        }
    }

    /// Joins the session of `r`, as it stands there.
    fn adopt(&mut self, r: &Record) {
        self.id = r.id;
        self.sign_in = r.sign_in;
        self.server = r.server;
        self.keep_alive_at = r.keep_alive_at;
        self.start = r.started_at;
        self.last = r.last_activity;
        self.told = r.last_activity;
        self.remember_me = r.remember_me;
        self.remember_at = r.remember_at;
        self.horizon = own_horizon(&self.limits).min(r.horizon);
    }

    /// Takes another tab's facts. A re-read of storage may lag a message,
    /// so it only brings facts that never go backwards: later activity, a
    /// later remember-me setting, the end.
    fn merge(&mut self, r: &Record, from: From, now: u64) {
        let news = from == From::Message;
        if let Some(end) = r.ended {
            // An end of this session, or of another session of this key that
            // ended after this one began: two tabs that started at once
            // (each before seeing the other's record) are one session, and
            // an end in any tab ends every tab. An end from before this
            // session began belongs to an earlier sign-in.
            let ours = r.id == self.id || end.at >= self.start;
            if !ours || self.superseded == Some(r.id) {
                return;
            }
            self.end_session(end, true);
            return;
        }
        if r.id != self.id {
            // A different sign-in: news of a later one replaces this
            // session. (Two tabs that each began a session before seeing
            // the other's both end up in the later one.)
            if news && r.id > self.id {
                self.adopt(r);
                self.dirty = false;
            }
            return;
        }
        // Every tab was told of what the record holds.
        self.told = self.told.max(r.last_activity);
        self.horizon = self.horizon.min(r.horizon);
        if r.last_activity > self.last {
            self.last = r.last_activity;
            self.activity_callback(now, true);
        }
        if r.remember_at > self.remember_at {
            self.remember_me = r.remember_me;
            self.remember_at = r.remember_at;
        }
        self.server.end = Learned::later(self.server.end, r.server.end);
        self.server.idle_end = Learned::later(self.server.idle_end, r.server.idle_end);
        self.keep_alive_at = self.keep_alive_at.max(r.keep_alive_at);
        if news {
            self.hear_hold(r.hold_changed, now);
        }
    }

    /// Activity, or the end of a pause or hold, at `now`: the idle window
    /// runs again from here, and the other tabs must be told.
    fn restart_idle(&mut self, now: u64) {
        self.last = self.last.max(now);
    }

    /// The record waits to be written: activity the other tabs were not
    /// told of, or another fact of this tab's.
    fn unpublished(&self) -> bool {
        self.dirty || self.last > self.told
    }

    /// When this tab must write the record (and post it) at the latest, if
    /// it has anything to write.
    ///
    /// Writes are batched for cost: at most one per
    /// [`PUBLISH_INTERVAL_MS`]. But activity the other tabs were not told of
    /// must reach them before any of them could warn or end for idleness
    /// on the older activity time they know (`told`), however short its
    /// idle window: the first of them may act at `told + horizon`, the
    /// horizon being the shortest time from an activity to an idle warning
    /// or end over the tabs of the session (each tab's own idle window and
    /// warning lead, carried in the record). [`DELIVERY_MARGIN_MS`] leaves
    /// time for the write and the message to arrive. So activity that
    /// closes a warning, in this tab or another, goes out at once.
    fn publish_due(&self) -> Option<u64> {
        if !self.unpublished() {
            return None;
        }
        let slot = self.published_at.map_or(0, |p| p + PUBLISH_INTERVAL_MS);
        // The shorter horizon of both remember-me settings: a tab may
        // switch remember-me to a shorter window at any moment, and then
        // act on the activity it was told of.
        let others_act = self
            .horizon
            .shortest()
            .filter(|_| self.cross_tab && self.last > self.told)
            .map(|h| {
                self.told
                    .saturating_add(h)
                    .saturating_sub(DELIVERY_MARGIN_MS)
            });
        Some(others_act.map_or(slot, |at| at.min(slot)))
    }

    fn activity_callback(&mut self, now: u64, remote: bool) {
        if self.activity_cb_at.is_none() || self.due(Deadline::ActivityCallback, now) {
            self.activity_cb_at = Some(now);
            self.effects.push_back(Effect::Activity { at: now, remote });
        }
    }

    fn idle_end(&self) -> Option<u64> {
        if self.paused || self.held {
            return None;
        }
        self.limits
            .idle_window(self.remember_me)
            .map(|w| self.last.saturating_add(w))
    }

    /// The end as it stands and its reason: the earliest of the guard's
    /// own ends and the server's (`"absolute"` on a tie).
    fn earliest_end(&self) -> Option<(u64, Reason)> {
        [
            (Deadline::AbsoluteEnd, Reason::Absolute),
            (Deadline::ServerEnd, Reason::Absolute),
            (Deadline::IdleEnd, Reason::Idle),
            (Deadline::ServerIdleEnd, Reason::Idle),
        ]
        .into_iter()
        .filter_map(|(d, reason)| self.deadline(d).map(|at| (at, reason)))
        // The first of equal minima: an absolute end wins a tie.
        .reduce(|best, next| if next.0 < best.0 { next } else { best })
    }

    /// An end, or a warning not yet given, is due at `now`.
    fn action_due(&self, now: u64) -> bool {
        matches!(self.earliest_end(), Some((at, _))
            if now >= at || self.due(Deadline::Warning, now))
    }

    /// Takes what the stored record holds: another tab may have news that
    /// has not arrived yet.
    pub(super) fn reread(&mut self, now: u64, shared: &mut dyn Shared) {
        if let Some(Ok(r)) = self.read(now, shared) {
            self.merge(&r, From::Storage, now);
        }
    }

    /// The stored record, parsed; `None` when there is none or storage
    /// failed.
    fn read(&mut self, now: u64, shared: &mut dyn Shared) -> Option<Result<Record, RecordError>> {
        match shared.read() {
            Ok(text) => text.map(|t| Record::parse(&t, now)),
            Err(StorageFailed) => {
                self.storage_failure();
                None
            }
        }
    }

    /// Writes the record as it stands, and tells the other tabs (`post`).
    pub(super) fn write(&mut self, post: bool, shared: &mut dyn Shared) {
        let text = self.record().encode();
        let stored = if post {
            shared.write(&text)
        } else {
            shared.store(&text)
        };
        if stored.is_err() {
            self.storage_failure();
        }
    }

    /// Reports the first storage failure; the guard goes on in the page.
    fn storage_failure(&mut self) {
        if !self.storage_failed {
            self.storage_failed = true;
            self.effects.push_back(Effect::Problem(Problem::Storage));
        }
    }

    /// The one place that decides: end, warn, or write the record.
    fn check(&mut self, now: u64, shared: &mut dyn Shared) {
        if self.ended.is_some() {
            return;
        }
        if self.cross_tab && self.action_due(now) {
            // Another tab may have been active, synced or ended since the
            // last news (an end found there wins: every tab ends with the
            // same reason).
            self.reread(now, shared);
            if self.ended.is_some() {
                return;
            }
        }
        self.keep_alive_check(now, shared);
        if self.ended.is_some() {
            return;
        }
        let Some((at, reason)) = self.earliest_end() else {
            self.warned = None;
            return self.publish_if_due(now, shared);
        };
        if self.warned != Some(at) {
            // The end moved: a warning given for the old one is over.
            self.warned = None;
        }
        if now >= at {
            return self.end_here(reason, at, shared);
        }
        if self.due(Deadline::Warning, now) {
            self.warned = Some(at);
            self.effects.push_back(Effect::Warning {
                reason,
                remaining_ms: at - now,
                expires_at: at,
            });
        }
        self.publish_if_due(now, shared);
    }

    fn publish_if_due(&mut self, now: u64, shared: &mut dyn Shared) {
        if self.due(Deadline::Publish, now) {
            self.publish(now, shared);
        }
    }

    /// Read, merge, write: never overwrite another tab's later facts.
    fn publish(&mut self, now: u64, shared: &mut dyn Shared) {
        self.dirty = false;
        if !self.cross_tab {
            // Nothing to write, but the same pace keeps `next_wake` steady
            // under constant activity.
            self.told = self.last;
            self.published_at = Some(now);
            return;
        }
        match self.read(now, shared) {
            Some(Err(e)) => return self.reject(e, now, shared),
            Some(Ok(r)) => self.merge(&r, From::Storage, now),
            None => {}
        }
        if self.ended.is_none() {
            self.told = self.last;
            self.published_at = Some(now);
            self.write(true, shared);
        }
    }

    /// Fails closed: a record or message that breaks the rules ends the
    /// session with reason `"absolute"`. Its limits can no longer be trusted,
    /// so it is treated as a session whose lifetime is over; it is never
    /// reported as `"idle"` (the user did nothing) or `"manual"` (nobody
    /// signed out).
    fn reject(&mut self, e: RecordError, now: u64, shared: &mut dyn Shared) {
        self.effects.push_back(Effect::Rejected(e));
        self.end_here(Reason::Absolute, now, shared);
    }

    /// This tab ends the session, and tells the others.
    fn end_here(&mut self, reason: Reason, at: u64, shared: &mut dyn Shared) {
        if self.end_session(End { reason, at }, false) && self.cross_tab {
            self.write(true, shared);
        }
    }

    /// The one place a session ends: once, for good. `false` if it had
    /// ended already.
    fn end_session(&mut self, end: End, remote: bool) -> bool {
        if self.ended.is_some() {
            return false;
        }
        self.ended = Some(end);
        self.warned = None;
        self.paused = false;
        if self.caller != Caller::Idle {
            self.caller = Caller::Idle;
            self.effects.push_back(Effect::KeepAliveOver);
        }
        self.effects.push_back(Effect::SignedOut {
            reason: end.reason,
            at: end.at,
            remote,
        });
        true
    }
}

/// The shortest time from an activity to this tab's first idle action (a
/// warning, or the end), for each remember-me setting. A warning lead that
/// does not fit the window (remember-me switched to a shorter one) warns at
/// once on every activity whatever the others write; the end still counts.
fn own_horizon(limits: &Limits) -> Horizon {
    let first_action = |window: Option<u64>| {
        window.map(|w| match w.checked_sub(limits.warn) {
            Some(lead) if lead > 0 => lead,
            _ => w,
        })
    };
    Horizon {
        off: first_action(limits.idle),
        on: first_action(limits.remember_window),
    }
}

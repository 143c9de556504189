//! The session state machine: every rule of the contract, once.
//!
//! Time is an input (`now`, epoch ms) and every input goes through one
//! door, [`Session::handle`] (door.rs); decisions come out as [`Event`]s
//! for the app and [`Command`]s for the shell (output.rs), drained with
//! [`Session::poll`] and [`Session::poll_command`], and
//! [`Session::next_wake`] says when the one timer must fire. The shared
//! record is read and stored through the [`Storage`] port, which the
//! browser shell backs with `localStorage` and the tests with memory.
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
//! The files: door.rs (the inputs and the door), news.rs (the other tabs'
//! news and the sessions' identities), settle.rs (ends, warnings, writes),
//! hold.rs (the pause protocol), presence.rs (closedTimeoutMs), server.rs
//! (sync and keep-alive), view.rs (what the shell and the app read).

use alloc::string::String;
use alloc::vec::Vec;

use super::options::{Config, Limits};
use super::output::{Command, Event, Problem};
use super::record::{min_some, End, Horizon, Record, ServerDeadlines};
use super::FUTURE_TOLERANCE_MS;

mod door;
mod hold;
mod news;
mod presence;
mod server;
mod settle;
mod view;

pub use door::{Answer, Input};
pub use presence::PING_WAIT_MS;
pub use server::{ServerSync, SyncError, KEEP_ALIVE_RETRY_MS};
pub use settle::{ACTIVITY_CALLBACK_INTERVAL_MS, DELIVERY_MARGIN_MS, PUBLISH_INTERVAL_MS};

/// Storage could not be read or written (disabled, full, throwing). The
/// guard goes on enforcing in the page; the core reports the first failure
/// ([`Problem::Storage`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageFailed;

/// Where the session's record is kept (`localStorage[storageKey]` in the
/// browser). It only reads and stores: telling the other tabs is a
/// [`Command::Post`].
pub trait Storage {
    /// The stored record's text, if any.
    fn read(&mut self) -> Result<Option<String>, StorageFailed>;
    /// Stores `record`.
    fn store(&mut self, record: &str) -> Result<(), StorageFailed>;
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
    /// The record must be written (see `Session::publish_due`).
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
    /// No open page answered this page's ping.
    PingWait,
}

impl Deadline {
    const ALL: [Deadline; 10] = [
        Deadline::IdleEnd,
        Deadline::AbsoluteEnd,
        Deadline::Warning,
        Deadline::Publish,
        Deadline::ActivityCallback,
        Deadline::ServerEnd,
        Deadline::ServerIdleEnd,
        Deadline::KeepAlive,
        Deadline::KeepAliveTimeout,
        Deadline::PingWait,
    ];

    /// Whether the shell's timer must wake for it.
    fn wakes(self) -> bool {
        self != Deadline::ActivityCallback
    }
}

/// This tab's part in the session's keep-alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Turn {
    /// No claim or call of this tab's under way.
    Free,
    /// Waiting for the keep-alive lock.
    Claiming,
    /// Another tab had the lock: try again at this time.
    RetryAt(u64),
    /// Its call `id`, begun at `at`, is pending.
    Calling { id: u32, at: u64 },
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
    /// The session's identity (see news.rs).
    id: u64,
    /// The session began with a sign-in (a `startedAt` given to its guard).
    login: bool,
    /// The `startedAt` the session was begun with.
    sign_in: u64,
    start: u64,
    last: u64,
    /// The latest `now` this session has seen (the clock rule).
    latest: u64,
    /// The latest moment up to which everything due has been acted on
    /// (see `Session::settle_due`).
    settled: u64,
    /// The latest activity every tab of the session has been told of.
    told: u64,
    /// The shortest time from an activity to an idle warning or end over the
    /// tabs of the session, this one included.
    horizon: Horizon,
    /// This tab joined the session with a shorter horizon than it had: the
    /// others may hold back activity it has not heard of yet (up to a write
    /// slot), so it takes no idle action before this time (see
    /// `Deadline::IdleEnd`), and takes what they held back until then.
    joined_until: u64,
    remember_me: bool,
    remember_at: u64,
    paused: bool,
    /// Another tab holds the session.
    held: bool,
    /// When the hold in force (this tab's pause, or another's) began here.
    held_since: u64,
    /// This tab's own hold is announced.
    holding: bool,
    warned: Option<u64>,
    ended: Option<End>,
    /// The end was learned from another tab.
    ended_remote: bool,
    /// `closedTimeoutMs`.
    closed: Option<u64>,
    /// When a page of the session last went away (`0`: none yet).
    left_at: u64,
    /// This page counts as open (holds the presence lock, or answers pings).
    present: bool,
    /// What this page asked about the other pages.
    asking: presence::Asking,
    /// A ping (`true`) or its answer (`false`) for the next write.
    ping: Option<bool>,
    /// The ended session this one began after (`0`: none): its end, and
    /// those of older sessions, are not this session's.
    after: u64,
    /// How that session ended.
    after_end: Option<End>,
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
    turn: Turn,
    /// Names the next keep-alive call.
    next_call: u32,
    /// A storage failure was reported.
    storage_failed: bool,
    events: Vec<Event>,
    commands: Vec<Command>,
}

impl Session {
    /// Starts a guard at `now`: resumes the stored session when it is live
    /// and the same sign-in, else begins a new one. `locks` says whether the
    /// shell has Web Locks (and carries out [`Command::Probe`],
    /// [`Command::Presence`], [`Command::Hold`], [`Command::AwaitRelease`]
    /// and [`Command::ClaimKeepAlive`]).
    pub fn start(config: &Config, locks: bool, now: u64, storage: &mut dyn Storage) -> Session {
        // A start ahead of the page's clock (the server's clock runs ahead of
        // the user's) is taken as now: the guard never fails open over a
        // wrong clock, and a sync with the server's `now` corrects the end.
        let sign_in = config.started_at.unwrap_or(now);
        let begin = sign_in.min(now);
        let read = if config.cross_tab {
            storage.read()
        } else {
            Ok(None)
        };
        let stored = read
            .as_ref()
            .ok()
            .and_then(Option::as_deref)
            .map(|text| Record::parse(text, now));
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
            login: config.started_at.is_some(),
            sign_in,
            start: begin,
            last: now,
            latest: now,
            settled: now,
            told: now,
            horizon: news::own_horizon(&config.limits),
            joined_until: 0,
            remember_me: config.remember_me,
            remember_at: now,
            paused: false,
            held: false,
            held_since: now,
            holding: false,
            warned: None,
            ended: None,
            ended_remote: false,
            closed: config.closed,
            left_at: 0,
            present: false,
            asking: presence::Asking::Nothing,
            ping: None,
            after: 0,
            after_end: None,
            dirty: config.cross_tab,
            published_at: None,
            activity_cb_at: None,
            server: ServerDeadlines::default(),
            keep_alive: config.keep_alive,
            keep_alive_at: begin,
            turn: Turn::Free,
            next_call: 0,
            storage_failed: false,
            events: Vec::new(),
            commands: Vec::new(),
        };
        if read.is_err() {
            s.storage_failure();
        }
        if sign_in > now.saturating_add(FUTURE_TOLERANCE_MS) {
            s.error(Problem::StartedAhead(sign_in - now));
        }
        match stored {
            Some(Err(e)) => {
                s.reject(Problem::Rejected(e), now, storage);
                return s;
            }
            Some(Ok(r))
                if r.ended.is_none() && config.started_at.map_or(true, |b| b == r.sign_in) =>
            {
                s.resume_stored(&r, now);
                s.start_here(Some(&r), now);
            }
            // An ended session is never resumed, even by the same start: a
            // new one begins (with a greater id).
            other => {
                // The end this one begins after: the stored session's, or
                // the one that a live session it replaces began after.
                if let Some(Ok(r)) = other {
                    (s.after, s.after_end) = match r.ended {
                        Some(end) => (r.id, Some(end)),
                        None => (r.after, r.after_end),
                    };
                }
                s.start_here(None, now);
            }
        }
        s.settle(now, storage);
        s
    }

    /// Joins the live stored session `r` at start.
    fn resume_stored(&mut self, r: &Record, now: u64) {
        self.adopt(r, now);
        // A new page is no activity.
        self.last = r.last_activity;
        self.dirty = self.horizon != r.horizon;
    }

    /// The next event for the app, if any.
    pub fn poll(&mut self) -> Option<Event> {
        (!self.events.is_empty()).then(|| self.events.remove(0))
    }

    /// The next command for the shell, if any.
    pub fn poll_command(&mut self) -> Option<Command> {
        (!self.commands.is_empty()).then(|| self.commands.remove(0))
    }

    /// When the shell's timer must wake next, if ever: then it hands the
    /// core [`Input::Timer`]. Early or late wakes are harmless: a late one
    /// (a sleeping laptop, a throttled tab) ends the session, never extends
    /// it.
    pub fn next_wake(&self) -> Option<u64> {
        let mut next = None;
        for d in Deadline::ALL {
            if d.wakes() {
                next = min_some(next, self.deadline(d));
            }
        }
        next
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
                        super::Reason::Idle => warn.max(self.joined_until),
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
            Deadline::KeepAliveTimeout => match self.turn {
                Turn::Calling { at, .. } => self.keep_alive.map(|p| at.saturating_add(p)),
                _ => None,
            },
            Deadline::PingWait => match self.asking {
                presence::Asking::Ping(until, _) => Some(until),
                _ => None,
            },
        }
    }

    fn due(&self, d: Deadline, now: u64) -> bool {
        self.deadline(d).is_some_and(|at| now >= at)
    }

    fn idle_end(&self) -> Option<u64> {
        if self.paused || self.held {
            return None;
        }
        self.limits
            .idle_window(self.remember_me)
            .map(|w| self.last.saturating_add(w))
    }

    /// Until when (epoch ms, exclusive) activity in this tab only needs its
    /// time recorded, to be handed over later as [`Input::Recorded`]:
    /// nothing can fall due before the next wake, the record already waits
    /// to be written, no warning is open and `onActivity` fired less than a
    /// second ago. The shell lets the events of a burst (a moving pointer)
    /// record their time without asking the core until then; `0` when the
    /// next activity must go through the door as [`Input::Activity`].
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
}

//! One page's guard as the shell keeps it, and what it was told to do.

use std::cell::RefCell;

use session_guard::core::{Command, Event, Problem, Reason, RecordError, Session};

use super::opts::Opts;

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

impl Effect {
    /// A command as logged (`None`: a post, which goes to the bus).
    pub fn of_command(c: &Command) -> Option<Effect> {
        Some(match c {
            Command::Post(_) => return None,
            Command::Hold(on) => Effect::Hold(*on),
            Command::Probe => Effect::Probe,
            Command::Presence(on) => Effect::Presence(*on),
            Command::AwaitRelease => Effect::AwaitRelease,
            Command::ClaimKeepAlive => Effect::ClaimKeepAlive,
            Command::ReleaseKeepAlive => Effect::KeepAliveOver,
        })
    }
}

/// One guard in one page.
#[derive(Debug)]
pub struct Tab {
    /// Reached through the door only (`World::session` reads it).
    pub(super) session: RefCell<Session>,
    pub opts: Opts,
    /// The page in which it runs, and its document (a reload makes a new
    /// one; a guard made in `onSignOut` shares it).
    pub page: usize,
    pub doc: u64,
    /// The guard listens to the other tabs (`crossTab`).
    pub cross_tab: bool,
    /// The page is open (closing drops the tab and its locks; a page in the
    /// back-forward cache is not open either).
    pub open: bool,
    /// The page sits in the back-forward cache: it hears nothing, its
    /// timers do not fire, it holds no lock.
    pub cached: bool,
    /// The guard was destroyed (`destroy()`): no listener is left, not even
    /// `pageshow`.
    pub destroyed: bool,
    /// The guard has its listeners, timer, channel and locks: it has not
    /// ended.
    pub live: bool,
    /// The shell's one timer, in real time.
    pub armed: Option<u64>,
    /// What the page's clock should read when the timer fires.
    pub armed_for: u64,
    /// The activity listener's `quiet_until` (wall clock), as of the last
    /// call.
    pub quiet_until: u64,
    /// The latest (wall) time a quiet activity event recorded.
    pub recorded: u64,
    /// The tab holds the session (its Web Lock is granted).
    pub holding: bool,
    /// The tab waits for every hold to be released.
    pub awaiting: bool,
    /// The tab holds the session's keep-alive lock.
    pub keep_alive_lock: bool,
    /// The tab holds the session's presence lock.
    pub present: bool,
    /// It dropped the keep-alive lock in the call under way.
    pub releasing: bool,
    /// When the last message this page sent arrives (keeps their order).
    pub channel_tail: u64,
    /// Every effect the session asked for, with the (real) time it came out.
    pub effects: Vec<(u64, Effect)>,
    /// Every `onKeepAlive` call: (real time, call id, last activity).
    pub calls: Vec<(u64, u32, u64)>,
    /// The session it is in (its record's `id`), as of the last call.
    pub sid: u64,
    /// Real time it started.
    pub opened: u64,
    /// The latest last activity its stores and posts carried (wall clock).
    pub published: u64,
}

impl Tab {
    /// The guard's shell lets go of what it holds: its locks, its waits,
    /// its timer.
    pub(super) fn drop_handles(&mut self) {
        self.holding = false;
        self.awaiting = false;
        self.keep_alive_lock = false;
        self.present = false;
        self.armed = None;
    }

    pub(super) fn new(session: Session, opts: Opts, page: usize, doc: u64, now: u64) -> Tab {
        Tab {
            session: RefCell::new(session),
            opts,
            page,
            doc,
            cross_tab: true,
            open: true,
            cached: false,
            destroyed: false,
            live: true,
            armed: None,
            armed_for: 0,
            quiet_until: 0,
            recorded: 0,
            holding: false,
            awaiting: false,
            keep_alive_lock: false,
            present: false,
            releasing: false,
            channel_tail: 0,
            effects: Vec::new(),
            calls: Vec::new(),
            sid: 0,
            opened: now,
            published: 0,
        }
    }

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

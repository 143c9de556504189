//! What the core says, split by who receives it (as quinn-proto and str0m
//! do): [`Event`]s for the app (its callbacks), [`Command`]s for the shell
//! (locks and channel posts), drained with [`Session::poll`] and
//! [`Session::poll_command`]. Storage is not an output: the [`Storage`]
//! port reads and stores inside the decision that needs it.
//!
//! [`Session::poll`]: super::Session::poll
//! [`Session::poll_command`]: super::Session::poll_command
//! [`Storage`]: super::Storage

use alloc::string::String;

use super::record::{End, RecordError};
use super::{Reason, State};

/// What the app hears: one call of one of its callbacks each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    /// Call `onWarning`.
    Warning {
        /// The deadline that will end the session.
        reason: Reason,
        /// Ms left at the time of the warning.
        remaining_ms: u64,
        /// Epoch ms of the end.
        expires_at: u64,
    },
    /// Call `onSignOut`: the session ended (the shell then drops every
    /// listener, timer, channel and lock but the `pageshow` listener). Once
    /// more, `restored`, when the back-forward cache shows the page again
    /// after the end.
    SignedOut {
        /// Which deadline ended it.
        reason: Reason,
        /// Epoch ms of the end.
        at: u64,
        /// Learned from another tab.
        remote: bool,
        /// The page was shown again after the end ([`Input::Shown`]).
        ///
        /// [`Input::Shown`]: super::Input::Shown
        restored: bool,
    },
    /// Call `onActivity` (already throttled).
    Activity {
        /// Epoch ms of the activity.
        at: u64,
        /// The activity happened in another tab.
        remote: bool,
    },
    /// Call `onKeepAlive({ lastActivity })`, and answer with
    /// [`Answer::KeepAliveDone`](super::Answer::KeepAliveDone) naming
    /// `call` once it has settled.
    KeepAlive {
        /// Names the call in the answer.
        call: u32,
        /// Epoch ms of the latest activity known (during a pause, now).
        last_activity: u64,
    },
    /// Report to `onError`. [`Problem::ends`] says whether the session
    /// ends with it (its [`Event::SignedOut`] follows).
    Error(Problem),
}

/// What the shell must do for the core. Each request is answered through
/// the door with the [`Answer`](super::Answer) its docs name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Post this message to the other tabs (the `BroadcastChannel`).
    Post(String),
    /// This tab paused (`true`): take its hold on the session (a shared Web
    /// Lock) and answer [`Answer::HoldGranted`](super::Answer::HoldGranted)
    /// once it is granted. `false`: drop the hold.
    Hold(bool),
    /// Find out whether a tab holds the session (its hold lock) and whether
    /// another page of it is open (its presence lock), and answer
    /// [`Answer::Probed`](super::Answer::Probed). (Issued only where the
    /// shell has Web Locks.)
    Probe,
    /// This page is open (`true`: take the session's presence lock, a
    /// shared Web Lock; nothing to answer) or goes away (`false`: drop it).
    Presence(bool),
    /// Another tab holds the session: wait until no tab does, then answer
    /// [`Answer::HoldReleased`](super::Answer::HoldReleased).
    AwaitRelease,
    /// A keep-alive is due and tabs may race for it: take the session's
    /// keep-alive lock if no tab holds it (never wait), answer
    /// [`Answer::KeepAliveLock`](super::Answer::KeepAliveLock), and keep a
    /// granted lock until [`Command::ReleaseKeepAlive`].
    ClaimKeepAlive,
    /// This tab's keep-alive calls are over: release the keep-alive lock if
    /// it holds it.
    ReleaseKeepAlive,
}

/// What goes to `onError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A stored record or message was rejected: the session ends (fails
    /// closed).
    Rejected(RecordError),
    /// The page's clock moved back this many ms (more than a minute): time
    /// can no longer be trusted, and the session ends (fails closed).
    ClockBack(u64),
    /// `startedAt` lay this many ms (more than a minute) ahead of the
    /// page's clock, and was taken as now.
    StartedAhead(u64),
    /// `onKeepAlive` was still pending one period (this many ms) after it
    /// began: it counts as failed.
    KeepAliveTimedOut(u64),
    /// Storage failed (reported once per guard): the guard enforces both
    /// deadlines in this page, and tabs learn of each other only through
    /// the channel.
    Storage,
}

impl Problem {
    /// The session ends with this problem.
    pub fn ends(self) -> bool {
        matches!(self, Problem::Rejected(_) | Problem::ClockBack(_))
    }
}

/// Everything a UI shows about the session ([`Session::snapshot`]); times
/// are epoch ms.
///
/// [`Session::snapshot`]: super::Session::snapshot
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

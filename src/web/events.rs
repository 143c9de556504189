//! What the callbacks receive: [`SignOut`], [`Warning`], [`Activity`],
//! [`KeepAlive`] with its [`KeepAliveReply`], as Rust structs and (built by
//! `glue.js`) as the JS objects of the contract; and `snapshot()`'s object.

use alloc::boxed::Box;
use alloc::rc::Rc;
use core::time::Duration;

use wasm_bindgen::JsValue;

use super::error::GuardError;
use super::glue;
use crate::core::{Reason, ServerSync, Snapshot};

/// A callback the guard calls with an event: `Fn`, not `FnMut`, because a
/// callback may call back into the guard, which may call it again (keep
/// mutable state in a `Cell` or `RefCell`). A call into the guard from a
/// callback is carried out at once. To reach the guard from its own
/// callbacks, keep it where they can find it, e.g. an
/// `Rc<RefCell<Option<Guard>>>`, and never hold that `RefCell`'s borrow
/// across a call into the guard: the call may end the session and run
/// `on_sign_out` inside it (take `try_borrow` there).
pub type Callback<T> = Rc<dyn Fn(T)>;

/// How a session ended: what `on_sign_out` receives (`onSignOut`'s
/// `{ reason, at, remote, restored }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignOut {
    /// Which deadline ended the session (or `signOut()`).
    pub reason: Reason,
    /// Epoch ms of the end.
    pub at: u64,
    /// This tab learned of the end from another tab.
    pub remote: bool,
    /// The back-forward cache shows the page again after the end (the user
    /// went Back to it): the end is told once more, so the app can leave
    /// the page again or hide its content.
    pub restored: bool,
}

/// The warning window opened: what `on_warning` receives (`onWarning`'s
/// `{ reason, remainingMs, expiresAt }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The deadline that will end the session.
    pub reason: Reason,
    /// Time left when the warning opened.
    pub remaining: Duration,
    /// Epoch ms of the end.
    pub expires_at: u64,
}

/// Activity moved the idle deadline: what `on_activity` receives (at most
/// once a second; `onActivity`'s `{ at, remote }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activity {
    /// Epoch ms of the activity.
    pub at: u64,
    /// The activity happened in another tab.
    pub remote: bool,
}

/// A keep-alive is due: what `on_keep_alive` receives, beside its
/// [`KeepAliveReply`] (`onKeepAlive`'s `{ lastActivity }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAlive {
    /// Epoch ms of the latest activity known.
    pub last_activity: u64,
}

/// An event as the JS callback receives it.
pub(crate) trait ToJs {
    fn to_js(&self) -> JsValue;
}

impl ToJs for SignOut {
    fn to_js(&self) -> JsValue {
        let flags = i32::from(self.remote) | i32::from(self.restored) << 1;
        glue::event(0, glue::reason(self.reason), self.at as f64, 0.0, flags)
    }
}

impl ToJs for Warning {
    fn to_js(&self) -> JsValue {
        let remaining = self.remaining.as_millis() as f64;
        let at = self.expires_at as f64;
        glue::event(1, glue::reason(self.reason), remaining, at, 0)
    }
}

impl ToJs for Activity {
    fn to_js(&self) -> JsValue {
        glue::event(2, 0, self.at as f64, 0.0, i32::from(self.remote))
    }
}

impl ToJs for KeepAlive {
    fn to_js(&self) -> JsValue {
        glue::event(3, 0, self.last_activity as f64, 0.0, 0)
    }
}

/// `snapshot()`'s object (`SessionSnapshot` in the types): times in epoch
/// ms, `null` where there is none; an end that nothing sets is `Infinity`.
pub(crate) fn snapshot_js(s: &Snapshot) -> JsValue {
    let time = |t: Option<u64>| t.map_or(-1.0, |t| t as f64);
    let (warned, warned_at) = s.warning.map_or((0, 0), |(r, at)| (glue::reason(r), at));
    let (ended, ended_at) = s.ended.map_or((0, 0), |e| (glue::reason(e.reason), e.at));
    glue::snapshot(
        s.state as i32,
        s.started_at as f64,
        s.last_activity as f64,
        i32::from(s.remember_me),
        time(s.idle_window),
        time(s.idle_expires_at),
        time(s.absolute_expires_at),
        time(s.server_expires_at),
        time(s.server_idle_expires_at),
        time(s.expires_at),
        time(s.remaining_ms),
        warned,
        warned_at as f64,
        i32::from(s.held),
        ended,
        ended_at as f64,
    )
}

/// How a keep-alive call ended: `None` is done without deadlines; an error
/// is reported, and the call counts as failed.
pub(crate) type Outcome = Option<Result<ServerSync, GuardError>>;

/// Answers one keep-alive call: [`done`](KeepAliveReply::done),
/// [`sync`](KeepAliveReply::sync) with the server's deadlines, or
/// [`failed`](KeepAliveReply::failed). The call stays pending (no other
/// keep-alive starts, in any tab) until it is answered, dropped (which
/// counts as done) or one period has passed (which counts as failed).
///
/// A handle rather than a returned future: the guard needs no executor
/// (none is linked into the package), an answer may come at once or from
/// any runtime's task (`wasm_bindgen_futures::spawn_local`, Leptos,
/// Yew...), and a task that is cancelled drops its reply, which ends the
/// call instead of leaving it pending.
#[must_use = "the keep-alive is pending until the reply is answered or dropped"]
pub struct KeepAliveReply {
    finish: Option<Box<dyn FnOnce(Outcome)>>,
}

impl KeepAliveReply {
    /// A reply whose answer goes to `finish`, once.
    pub(crate) fn new(finish: impl FnOnce(Outcome) + 'static) -> KeepAliveReply {
        KeepAliveReply {
            finish: Some(Box::new(finish)),
        }
    }

    /// The server was told; it sent no deadlines.
    pub fn done(self) {}

    /// The server was told and answered with its deadlines: applied as
    /// [`Guard::sync`](crate::Guard::sync). Deadlines that are not epoch ms
    /// go to `on_error` instead.
    pub fn sync(mut self, server: ServerSync) {
        self.finish(Some(server.checked().map_err(GuardError::Sync)));
    }

    /// The call failed: `error` goes to `on_error`. The session goes on (a
    /// failed request is no sign-out).
    pub fn failed(mut self, error: impl Into<JsValue>) {
        self.finish(Some(Err(GuardError::KeepAliveFailed(error.into()))));
    }

    fn finish(&mut self, outcome: Outcome) {
        if let Some(finish) = self.finish.take() {
            finish(outcome);
        }
    }
}

impl Drop for KeepAliveReply {
    fn drop(&mut self) {
        self.finish(None);
    }
}

impl core::fmt::Debug for KeepAliveReply {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("KeepAliveReply")
    }
}

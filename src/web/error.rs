//! [`GuardError`]: what goes to `on_error` (`onError` in JS), and the
//! messages of the errors that carry no JS value.

use alloc::string::String;
use core::time::Duration;

use wasm_bindgen::JsValue;

use super::glue;
use crate::core::{push_int, Problem, RecordError, SyncError};

/// What goes to `on_error`: nothing here ends the session by itself, except
/// a rejected record or the clock going back, whose sign-out follows.
#[derive(Clone, Debug)]
pub enum GuardError {
    /// A JS callback threw this (the JS class only: Rust closures do not
    /// throw).
    Callback(JsValue),
    /// `localStorage` threw this: the guard enforces both deadlines in this
    /// page, and tabs learn of each other only through the channel.
    Storage(Option<JsValue>),
    /// A stored record or channel message failed validation; the session
    /// ends (fails closed).
    Rejected(RecordError),
    /// The page's clock moved back this far (more than a minute): the
    /// session ends (fails closed), since time can no longer be trusted.
    ClockBack(Duration),
    /// `started_at` lay this far ahead of the page's clock and was taken as
    /// now.
    StartedAhead(Duration),
    /// A keep-alive was still pending one period (this long) after it
    /// began: it counts as failed.
    KeepAliveTimedOut(Duration),
    /// A keep-alive call failed with this.
    KeepAliveFailed(JsValue),
    /// A keep-alive answered with server deadlines that are not epoch ms.
    Sync(SyncError),
    /// Web Locks failed with this; the tab fails closed where it must.
    Locks(JsValue),
}

impl GuardError {
    /// The core's report, as the shell tells it (`failure`: what storage
    /// threw, where the shell has it).
    pub(crate) fn of(problem: Problem, failure: Option<JsValue>) -> GuardError {
        let ms = Duration::from_millis;
        match problem {
            Problem::Rejected(e) => GuardError::Rejected(e),
            Problem::ClockBack(by) => GuardError::ClockBack(ms(by)),
            Problem::StartedAhead(by) => GuardError::StartedAhead(ms(by)),
            Problem::KeepAliveTimedOut(period) => GuardError::KeepAliveTimedOut(ms(period)),
            Problem::Storage => GuardError::Storage(failure),
        }
    }

    /// The JS value `onError` receives: what JS threw, as it threw it, or a
    /// JS `Error` with [`GuardError`]'s message.
    pub fn to_js(&self) -> JsValue {
        match self.thrown() {
            Some(e) => e.clone(),
            None => glue::error(&self.text()),
        }
    }

    /// What JS threw, for the errors that carry it.
    fn thrown(&self) -> Option<&JsValue> {
        match self {
            GuardError::Callback(e)
            | GuardError::Storage(Some(e))
            | GuardError::KeepAliveFailed(e)
            | GuardError::Locks(e) => Some(e),
            _ => None,
        }
    }

    /// The message of an error that carries no JS value.
    fn text(&self) -> String {
        // The words before a number, the number, the words after it.
        let (head, n, tail) = match self {
            GuardError::Rejected(e) => {
                let mut s = String::from("session-guard: a shared session record or message ");
                s.push_str(e.as_str());
                s.push_str("; the session ends");
                return s;
            }
            GuardError::StartedAhead(by) => (
                "startedAt lies ",
                by.as_secs(),
                " s ahead of this page's clock; the session is taken to start now (a sync() with the server's now and expiresAt corrects its end)",
            ),
            GuardError::KeepAliveTimedOut(period) => (
                "onKeepAlive was still pending ",
                period.as_millis() as u64,
                " ms (keepAliveMs) after it began; it counts as failed",
            ),
            GuardError::Sync(e) => return sync_message(e.field),
            GuardError::ClockBack(by) => (
                "this page's clock went back ",
                by.as_secs(),
                " s; the session ends",
            ),
            _ => return "session-guard: localStorage failed; the session is enforced in this tab".into(),
        };
        let mut s = String::from("session-guard: ");
        s.push_str(head);
        push_int(&mut s, n);
        s.push_str(tail);
        s
    }
}

/// `sync()`'s message for a field that is not an epoch time in ms: the
/// error `sync()` throws and the one a keep-alive's answer reports.
pub(crate) fn sync_message(field: &str) -> String {
    let mut s = String::from("session-guard: sync() ");
    s.push_str(field);
    s.push(' ');
    s.push_str(SyncError::PROBLEM);
    s
}

impl core::fmt::Display for GuardError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let what = match self {
            GuardError::Callback(_) => "a callback threw",
            GuardError::Storage(Some(_)) => "localStorage failed",
            GuardError::KeepAliveFailed(_) => "the keep-alive failed",
            GuardError::Locks(_) => "Web Locks failed",
            _ => return f.write_str(&self.text()),
        };
        // As JS prints it: an `Error` shows its name and message.
        let shown = self.thrown().map(glue::text).unwrap_or_default();
        write!(f, "session-guard: {what}: {shown}")
    }
}

impl core::error::Error for GuardError {}

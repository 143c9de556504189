//! The JS objects the callbacks and `snapshot()` receive, built from the
//! core's effects and snapshot.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::core::{decimal, Problem, Reason, RecordError, Snapshot};

/// A plain object with these fields.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn reason(r: Reason) -> JsValue {
    JsValue::from_str(r.as_str())
}

fn ms(t: u64) -> JsValue {
    JsValue::from_f64(t as f64)
}

/// `onSignOut`'s `{ reason, at, remote }`.
pub fn sign_out(r: Reason, at: u64, remote: bool) -> JsValue {
    object(&[
        ("reason", reason(r)),
        ("at", ms(at)),
        ("remote", JsValue::from_bool(remote)),
    ])
}

/// `onWarning`'s `{ reason, remainingMs, expiresAt }`.
pub fn warning(r: Reason, remaining_ms: u64, expires_at: u64) -> JsValue {
    object(&[
        ("reason", reason(r)),
        ("remainingMs", ms(remaining_ms)),
        ("expiresAt", ms(expires_at)),
    ])
}

/// `onActivity`'s `{ at, remote }`.
pub fn activity(at: u64, remote: bool) -> JsValue {
    object(&[("at", ms(at)), ("remote", JsValue::from_bool(remote))])
}

/// `onKeepAlive`'s `{ lastActivity }`.
pub fn keep_alive(last_activity: u64) -> JsValue {
    object(&[("lastActivity", ms(last_activity))])
}

/// The `Error` for a record or message the core rejected.
pub fn rejected(e: RecordError) -> JsValue {
    let message = [
        "session-guard: a shared session record or message ",
        e.as_str(),
        "; the session ends",
    ]
    .concat();
    js_sys::Error::new(&message).into()
}

/// The `Error` for a problem that does not end the session (storage
/// failures are reported with the browser's own error, see the driver).
pub fn problem(p: Problem) -> JsValue {
    let message = match p {
        Problem::StartedAhead(by) => [
            "session-guard: startedAt lies ",
            &decimal(by / 1000),
            " s ahead of this page's clock; the session is taken to start now (a sync() with the server's now and expiresAt corrects its end)",
        ]
        .concat(),
        Problem::KeepAliveTimedOut(period) => [
            "session-guard: onKeepAlive was still pending ",
            &decimal(period),
            " ms (keepAliveMs) after it began; it counts as failed",
        ]
        .concat(),
        Problem::Storage => {
            "session-guard: localStorage failed; the session is enforced in this tab".into()
        }
    };
    js_sys::Error::new(&message).into()
}

/// `snapshot()`'s object (`SessionSnapshot` in the types).
pub fn snapshot(s: &Snapshot) -> JsValue {
    let time = |t: Option<u64>| t.map_or(JsValue::NULL, ms);
    let endless = |t: Option<u64>| t.map_or(JsValue::from_f64(f64::INFINITY), ms);
    let warning = s.warning.map_or(JsValue::NULL, |(r, at)| {
        object(&[("reason", reason(r)), ("expiresAt", ms(at))])
    });
    let signed_out = s.ended.map_or(JsValue::NULL, |e| {
        object(&[("reason", reason(e.reason)), ("at", ms(e.at))])
    });
    object(&[
        ("state", JsValue::from_str(s.state.as_str())),
        ("startedAt", ms(s.started_at)),
        ("lastActivity", ms(s.last_activity)),
        ("rememberMe", JsValue::from_bool(s.remember_me)),
        ("idleWindowMs", time(s.idle_window)),
        ("idleExpiresAt", time(s.idle_expires_at)),
        ("absoluteExpiresAt", time(s.absolute_expires_at)),
        ("serverExpiresAt", time(s.server_expires_at)),
        ("serverIdleExpiresAt", time(s.server_idle_expires_at)),
        ("expiresAt", endless(s.expires_at)),
        ("remainingMs", endless(s.remaining_ms)),
        ("warning", warning),
        ("held", JsValue::from_bool(s.held)),
        ("signedOut", signed_out),
    ])
}

//! Web Locks, in gloo's RAII style: [`Locks`] is the session's set of lock
//! requests (dropping it withdraws every request still queued, and no
//! answer comes after it), and [`LockGuard`] one lock this page takes and
//! keeps until it is dropped: the hold of a paused tab, the presence of an
//! open page, the keep-alive of the tab that calls.
//!
//! The browser drops a page's locks when it goes away, so a closed tab
//! never leaves the session held or open. Every answer comes through the
//! port later, from a promise reaction or a lock grant, never from inside
//! the call that asked.

use wasm_bindgen::JsValue;

use super::glue::{self, Code};
use super::port::Port;

/// The lock a [`LockGuard`] holds; the name is "session-guard:" + its kind +
/// ":" + the `storageKey`. The snippet's `take` knows each by its number.
#[derive(Clone, Copy)]
#[repr(i32)]
pub enum Lock {
    /// A paused tab's hold on the session (shared).
    Hold = 0,
    /// An open page of the session (shared).
    Presence = 1,
    /// The tab that calls `onKeepAlive` (exclusive, only if free).
    KeepAlive = 2,
}

/// `navigator.locks` for one session; `Drop` withdraws what is queued.
pub struct Locks(JsValue);

impl Locks {
    /// The session's locks, where the browser has Web Locks.
    pub fn new(key: &str) -> Option<Locks> {
        let locks = glue::locks(key);
        if locks.is_undefined() {
            return None;
        }
        Some(Locks(locks))
    }

    /// Takes `lock` until the guard is dropped; answers through `port` with
    /// `code` (whether it was granted) or the code after it (the failure);
    /// `None`: no answer.
    pub fn take(&self, lock: Lock, port: &Port, code: Option<Code>) -> LockGuard {
        let code = code.map_or(0, Code::get);
        LockGuard(glue::take(&self.0, lock as i32, port.js(), code))
    }

    /// Answers [`Code::Released`] once no tab holds the session.
    pub fn wait(&self, port: &Port) {
        glue::wait(&self.0, port.js(), Code::Released.get());
    }

    /// Answers [`Code::Probed`]: whether a tab holds the session and whether
    /// a page of it is open.
    pub fn probe(&self, port: &Port) {
        glue::probe(&self.0, port.js(), Code::Probed.get());
    }
}

impl Drop for Locks {
    fn drop(&mut self) {
        glue::unlock(&self.0);
    }
}

/// One lock of this page, from its request until `Drop`, which lets go of
/// it (or of the request, if it is not granted yet).
pub struct LockGuard(JsValue);

impl Drop for LockGuard {
    fn drop(&mut self) {
        glue::release(&self.0);
    }
}

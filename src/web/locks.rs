//! Web Locks: a paused tab holds a shared lock named after the session; the
//! browser drops it when the page goes away, so a closed tab never leaves the
//! session held. Other tabs wait for its end with an exclusive request; a tab
//! that finds a `held` flag in the stored record checks it with `query()`.
//!
//! Every request and probe is answered, failures too (the shell reports them
//! and decides what the tab assumes), and never from inside the call that
//! asked, while the shell is busy: a grant comes from a task of the browser's
//! lock queue, everything else from a promise reaction, a call that threw
//! included. Every
//! request carries the guard's `AbortSignal`, which the `Drop` of its
//! [`Locks`] aborts, so a destroyed or ended guard leaves nothing queued. The
//! answers hold the shell weakly, and the rejection of an aborted request is
//! expected: it reaches a guard whose resources are gone, which does nothing.

use alloc::{boxed::Box, string::String};

use alloc::rc::Rc;
use core::cell::Cell;

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortController;

use super::keep_alive::{get, when_settled};

/// What every lock name starts with: the name is this prefix followed by
/// the `storageKey`. Web Locks reserve the names that start with `-`, and a
/// `storageKey` may be any non-empty string, so it never comes first; the
/// prefix also keeps the guard's locks apart from the page's own.
pub const NAME_PREFIX: &str = "session-guard:hold:";
/// The same for the session's keep-alive lock.
pub const KEEP_ALIVE_PREFIX: &str = "session-guard:keep-alive:";
/// The same for the lock every open page of the session holds.
pub const PRESENCE_PREFIX: &str = "session-guard:presence:";

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    pub type LockManager;

    #[wasm_bindgen(method, catch)]
    fn request(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn query(this: &LockManager) -> Result<JsValue, JsValue>;
}

/// How a request or probe went: `Err` with its failure; a probe's `Ok`
/// says whether the hold lock and the presence lock are held, a request's
/// is `Ok((true, true))`.
pub type Answer = Box<dyn FnOnce(Result<(bool, bool), JsValue>)>;

/// Calls `answer` once `result` settles, from a promise reaction: `Err`
/// with the rejection or with what the call threw; when it fulfilled,
/// `Ok((true, true))`, or for a `query()` of `names`, whether each lock is
/// held.
fn settled(result: Result<JsValue, JsValue>, query_of: Option<[JsValue; 2]>, answer: Answer) {
    when_settled(result, move |outcome| {
        answer(outcome.map(|state| {
            query_of.map_or((true, true), |[a, b]| {
                let held = get(&state, "held").dyn_into::<Array>().ok();
                let has = |name: &JsValue| {
                    held.as_ref()
                        .is_some_and(|h| h.iter().any(|l| get(&l, "name") == *name))
                };
                (has(&a), has(&b))
            })
        }))
    });
}

/// The guard's locks: `navigator.locks`, the session's lock name, and the
/// signal of its probes and waits, which `Drop` aborts.
pub struct Locks {
    manager: LockManager,
    name: String,
    keep_alive_name: String,
    presence_name: String,
    abort: AbortController,
}

impl Locks {
    /// `navigator.locks` for the session `storage_key`, where the browser
    /// has Web Locks. (`AbortController` and `Promise.allSettled` come with
    /// every browser the package supports.)
    pub fn new(storage_key: &str) -> Option<Locks> {
        let navigator = web_sys::window()?.navigator();
        let manager = get(&navigator, "locks");
        if !manager.is_object() {
            return None;
        }
        Some(Locks {
            manager: manager.unchecked_into(),
            name: [NAME_PREFIX, storage_key].concat(),
            keep_alive_name: [KEEP_ALIVE_PREFIX, storage_key].concat(),
            presence_name: [PRESENCE_PREFIX, storage_key].concat(),
            abort: AbortController::new().ok()?,
        })
    }

    /// `navigator.locks.request()` of the session's lock, with the guard's
    /// signal.
    fn request(&self, name: &str, exclusive: bool, callback: &JsValue) -> Result<JsValue, JsValue> {
        let mode = if exclusive { "exclusive" } else { "shared" };
        let signal = self.abort.signal().into();
        let options = super::events::object(&[("mode", mode.into()), ("signal", signal)]);
        self.manager.request(name, &options, callback)
    }

    /// Requests the shared lock: `granted(Ok(true))` once it is held, or
    /// `granted(Err(e))` when the request fails; neither once the [`Hold`]
    /// is dropped, which releases the lock.
    ///
    /// A request still queued when the hold is dropped (a resume before the
    /// grant) stays queued until granted, and lets go at once then: its
    /// callback is gone, so the call throws. The guard's signal withdraws it
    /// on `destroy()` or the end.
    pub fn hold(&self, granted: Answer) -> Hold {
        self.shared(&self.name, granted)
    }

    /// Requests the presence lock (shared): held while this page is open.
    pub fn presence(&self) -> Hold {
        self.shared(&self.presence_name, Box::new(drop))
    }

    fn shared(&self, name: &str, granted: Answer) -> Hold {
        let granted = Rc::new(Cell::new(Some(granted)));
        let release = Rc::new(Cell::new(None));
        let (slot, on_grant) = (release.clone(), granted.clone());
        let callback = Closure::new(move |_lock| {
            let promise = Promise::new(&mut |resolve, _| slot.set(Some(resolve)));
            if let Some(f) = on_grant.take() {
                f(Ok((true, true)));
            }
            promise.into()
        });
        let result = self.request(name, false, callback.as_ref());
        let failed = granted.clone();
        settled(
            result,
            None,
            Box::new(move |outcome| {
                if let (Err(e), Some(f)) = (outcome, failed.take()) {
                    f(Err(e));
                }
            }),
        );
        Hold {
            release,
            granted,
            _callback: callback,
        }
    }

    /// Requests the session's keep-alive lock only if no tab holds it:
    /// `callback` gets the lock, or `null` when another tab has it. (Such a
    /// request never waits in the queue, so it needs no signal: Web Locks
    /// refuse `ifAvailable` with a `signal`.)
    pub fn claim_keep_alive(&self, callback: &JsValue) -> Result<JsValue, JsValue> {
        let options = super::events::object(&[("ifAvailable", JsValue::TRUE)]);
        self.manager
            .request(&self.keep_alive_name, &options, callback)
    }

    /// `answer(Ok((held, open)))`: whether any tab of the origin holds the
    /// session (its hold lock), and whether a page of it is open (its
    /// presence lock).
    pub fn probe(&self, answer: Answer) {
        let names = [&self.name, &self.presence_name].map(|n| JsValue::from_str(n));
        settled(self.manager.query(), Some(names), answer);
    }

    /// `released(Ok(true))` once no tab holds the lock (an exclusive request
    /// is granted only then; it lets go at once), or `Err` when the request
    /// fails.
    pub fn await_release(&self, released: Answer) {
        // `Function.prototype` does nothing: the lock goes at once.
        let nothing = get(&get(&js_sys::global(), "Function"), "prototype");
        settled(self.request(&self.name, true, &nothing), None, released);
    }
}

impl Drop for Locks {
    fn drop(&mut self) {
        self.abort.abort();
    }
}

/// This tab's hold, from request until `Drop`, which releases it.
pub struct Hold {
    release: Rc<Cell<Option<Function>>>,
    /// Taken by whichever comes first: the grant, the failure, the `Drop`.
    granted: Rc<Cell<Option<Answer>>>,
    _callback: Closure<dyn FnMut(JsValue) -> JsValue>,
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.granted.take();
        if let Some(resolve) = self.release.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

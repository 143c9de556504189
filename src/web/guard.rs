//! The exported `SessionGuard` class: the JS contract's constructor and
//! methods, each a call through the driver.

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;

use super::driver::{apply, call_back, handle};
use super::io::Io;
use super::locks::Locks;
use super::{
    dom, events, keep_alive, listeners, now, options, Guarded, Inner, Life, Resources, Shell,
};
use crate::core::Session;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

/// Signs people out when they should be: idle and absolute timeouts, a warning
/// before the end, remember-me, and one session across the tabs and reloads of
/// an origin. The guard runs until it signs out or `destroy()` is called, even
/// if no reference to it is kept: garbage collection of the handle never
/// stops it. `free()`, `[Symbol.dispose]()` and `using` stop it as
/// `destroy()` does.
#[wasm_bindgen]
pub struct SessionGuard {
    inner: Inner,
}

impl core::fmt::Debug for SessionGuard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SessionGuard")
    }
}

#[wasm_bindgen]
impl SessionGuard {
    /// Starts a guard. Bad options throw an `Error` naming the option and the
    /// value, and start nothing.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SessionGuardOptions")] options: JsValue,
    ) -> Result<SessionGuard, JsValue> {
        let now = now();
        let o = options::read(&options)?;
        let cross_tab = o.config.cross_tab;
        let mut io = Io::new(o.storage_key.clone(), cross_tab);
        let locks = if cross_tab {
            Locks::new(&o.storage_key)
        } else {
            None
        };
        let core = Session::start(&o.config, locks.is_some(), now, &mut io);
        let inner: Inner = Rc::new(Guarded {
            state: Cell::new(core.state()),
            shell: RefCell::new(Shell {
                core,
                callbacks: o.callbacks,
                life: Life::Starting,
            }),
        });
        let activity = o.allow_synthetic;
        let (activity, listeners) =
            listeners::attach(&inner, &o.target, &o.events, activity, cross_tab, &io);
        let calls = {
            let mut shell = inner.shell.borrow_mut();
            shell.life = Life::Running(Resources {
                io,
                locks,
                timer: None,
                hold: None,
                keep_alive_lock: None,
                activity,
                _listeners: listeners,
            });
            shell.drain(&inner, now)
        };
        if !calls.is_empty() {
            // Never call back from inside the constructor: `guard` is not
            // assigned yet. A microtask runs before any other task.
            let i = inner.clone();
            let later = dom::once(move |_| {
                call_back(&i, calls);
                JsValue::UNDEFINED
            });
            queue_microtask(&later);
        }
        Ok(SessionGuard { inner })
    }

    /// Counts as activity (API calls, a playing video, ...).
    pub fn touch(&self) {
        handle(&self.inner, |core, io, now| core.touch(now, io));
    }

    /// Ends the session now with reason `"manual"`, in every tab.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) {
        handle(&self.inner, |core, io, now| core.sign_out(now, io));
    }

    /// Switches the idle window to the remember-me period (or back), at once,
    /// in every tab.
    #[wasm_bindgen(js_name = setRememberMe)]
    pub fn set_remember_me(&self, #[wasm_bindgen(unchecked_param_type = "boolean")] on: JsValue) {
        let on = on.is_truthy();
        handle(&self.inner, |core, io, now| {
            core.set_remember_me(on, now, io)
        });
    }

    /// Stops idle enforcement, in every tab, until `resume()`. The absolute
    /// deadline still holds.
    pub fn pause(&self) {
        handle(&self.inner, |core, io, now| core.pause(now, io));
    }

    /// Ends a pause; counts as activity.
    pub fn resume(&self) {
        handle(&self.inner, |core, io, now| core.resume(now, io));
    }

    /// Ms until the session ends; `0` once signed out; `Infinity` while
    /// paused with no absolute limit.
    #[wasm_bindgen(js_name = remainingMs)]
    pub fn remaining_ms(&self) -> f64 {
        self.number(|core| core.remaining_ms(now()))
    }

    /// Epoch ms of the end as it now stands.
    #[wasm_bindgen(js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.number(|core| core.expires_at())
    }

    /// `"active"`, `"warning"`, `"paused"` or `"signedOut"`.
    #[wasm_bindgen(unchecked_return_type = "SessionState")]
    pub fn state(&self) -> JsValue {
        // While the shell is busy (never from a callback), the state it
        // last showed.
        let state = self
            .read(Session::state)
            .unwrap_or_else(|| self.inner.state.get());
        JsValue::from_str(state.as_str())
    }

    /// Applies the server's deadlines `{ expiresAt, idleExpiresAt, now }`
    /// (epoch ms on the server's clock, each optional). Bad input throws an
    /// `Error` naming the field and changes nothing.
    pub fn sync(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ServerDeadlines")] server: JsValue,
    ) -> Result<(), JsValue> {
        let sync = keep_alive::read_sync(&server)?;
        handle(&self.inner, |core, io, now| core.sync(sync, now, io));
        Ok(())
    }

    /// Everything a UI shows about the session, as it stands now (see
    /// `SessionSnapshot` in the types).
    #[wasm_bindgen(unchecked_return_type = "SessionSnapshot")]
    pub fn snapshot(&self) -> JsValue {
        let now = now();
        self.read(|core| events::snapshot(&core.snapshot(now)))
            .unwrap_or(JsValue::NULL)
    }

    /// Removes every listener, timer and channel without signing out.
    /// Idempotent; no callback fires after it.
    pub fn destroy(&self) {
        let calls = apply(&self.inner, |core, io, now| core.leave(now, io));
        drop(calls);
        if let Some(mut s) = self.inner.try_borrow_mut() {
            let gone = core::mem::replace(&mut s.life, Life::Destroyed);
            drop(s);
            drop(gone);
        }
    }

    /// Stops the guard as `destroy()` does; `[Symbol.dispose]()` and `using`
    /// call it. The handle's memory goes with garbage collection, which
    /// never stops a guard.
    // It replaces the `free()` that wasm-bindgen generates, which would
    // release the handle and leave the guard running with no way to stop it
    // (scripts/free-is-destroy.mjs removes the generated one).
    pub fn free(&self) {
        self.destroy();
    }

    /// Reads the core after folding in the latest quiet activity; `None`
    /// while the shell is busy (never from a callback: see `apply`).
    fn read<T>(&self, f: impl FnOnce(&Session) -> T) -> Option<T> {
        let mut s = self.inner.try_borrow_mut()?;
        let s = &mut *s;
        if let Life::Running(res) = &s.life {
            res.fold(&mut s.core);
        }
        Some(f(&s.core))
    }

    fn number(&self, f: impl FnOnce(&Session) -> Option<u64>) -> f64 {
        self.read(f)
            .map_or(f64::NAN, |v| v.map_or(f64::INFINITY, |v| v as f64))
    }
}

/// The package's TypeScript types, added to `pkg/session_guard.d.ts` beside the
/// generated class declaration. `tests/docs.rs` checks the defaults written
/// there against the core's option table.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

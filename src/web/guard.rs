//! The Rust API's [`Guard`]: it starts the shell and owns it; the JS class
//! is a thin layer over it.

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::time::Duration;

use wasm_bindgen::prelude::*;

use super::api::OptionsError;
use super::driver::{apply, call_back, handle};
use super::io::Io;
use super::locks::Locks;
use super::{dom, listeners, now, Guarded, Inner, Life, Options, Resources, Setup, Shell};
use crate::core::{Input, ServerSync, Session, Snapshot, State, SyncError};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

/// A running guard: it signs the user out when the session ends, and shares
/// the session with every tab and reload of the origin.
///
/// Dropping it stops it, as `destroy()` does in JS: every listener, timer,
/// channel and lock goes, without signing out, and no callback runs after
/// it. [`Guard::forget`] keeps it running for the page's life instead.
///
/// ```no_run
/// # #[cfg(target_arch = "wasm32")] {
/// use std::time::Duration;
/// use session_guard::{Guard, Options};
///
/// let guard = Guard::start(Options {
///     idle_timeout: Some(Duration::from_secs(15 * 60)),
///     ..Options::default()
/// }
/// .on_sign_out(|e| web_sys::console::log_1(&e.reason.as_str().into())))
/// .expect("valid options");
/// guard.touch(); // an API call counts as activity
/// # }
/// ```
#[must_use = "dropping a Guard stops it; call `forget()` to keep it running"]
pub struct Guard {
    inner: Inner,
    /// `forget()` was called: dropping the handle leaves the guard running.
    pub(super) forgotten: bool,
}

impl core::fmt::Debug for Guard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Guard")
            .field("state", &self.inner.state.get())
            .finish_non_exhaustive()
    }
}

impl Guard {
    /// Starts a guard: resumes the stored session when it is live, else
    /// begins one. Options that break a rule of the contract are refused
    /// with the option's name, and nothing starts.
    ///
    /// The first callbacks (the sign-out of a session that ended while no
    /// page was open, for one) run in a microtask, after `start` returns.
    pub fn start(options: Options) -> Result<Guard, OptionsError> {
        Ok(Guard::from_setup(options.setup()?))
    }

    pub(super) fn from_setup(o: Setup) -> Guard {
        let now = now();
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
        let (activity, listeners) = listeners::attach(
            &inner,
            &o.target,
            &o.events,
            o.allow_synthetic,
            cross_tab,
            &io,
        );
        let calls = {
            let mut shell = inner.shell.borrow_mut();
            shell.life = Life::Running(Resources {
                io,
                locks,
                timer: None,
                hold: None,
                presence: None,
                keep_alive_lock: None,
                activity,
                _listeners: listeners,
            });
            shell.drain(&inner, now)
        };
        if !calls.is_empty() {
            // Never call back from inside the constructor: the caller does
            // not hold the guard yet. A microtask runs before any other task.
            let i = inner.clone();
            let later = dom::once(move |_| {
                call_back(&i, calls);
                JsValue::UNDEFINED
            });
            queue_microtask(&later);
        }
        Guard {
            inner,
            forgotten: false,
        }
    }

    /// Keeps the guard running for the page's life (until the session
    /// ends), without a handle to it.
    pub fn forget(mut self) {
        self.forgotten = true;
    }

    /// Stops the guard without signing out, as dropping it does (the JS
    /// `destroy()`): no callback runs after it.
    pub fn destroy(self) {}

    /// Counts as activity (an API call, a playing video...); closes an idle
    /// warning, also with `confirm_to_stay`.
    pub fn touch(&self) {
        handle(&self.inner, Input::Touch);
    }

    /// Ends the session now with reason `Manual`, in every tab.
    pub fn sign_out(&self) {
        handle(&self.inner, Input::SignOut);
    }

    /// Switches the idle window to the remember-me period (or back), at
    /// once, in every tab.
    pub fn set_remember_me(&self, on: bool) {
        handle(&self.inner, Input::RememberMe(on));
    }

    /// Stops idle enforcement, in every tab, until [`Guard::resume`]. The
    /// absolute deadline still holds.
    pub fn pause(&self) {
        handle(&self.inner, Input::Pause);
    }

    /// Ends a pause; counts as activity.
    pub fn resume(&self) {
        handle(&self.inner, Input::Resume);
    }

    /// Time until the session ends: zero once signed out, `None` while
    /// nothing ends it (paused with no absolute limit).
    pub fn remaining(&self) -> Option<Duration> {
        self.read(|core| core.remaining_ms(now()))
            .flatten()
            .map(Duration::from_millis)
    }

    /// Epoch ms of the end as it now stands (`None`: nothing ends it).
    pub fn expires_at(&self) -> Option<u64> {
        self.read(Session::expires_at).flatten()
    }

    /// Active, warning, paused or signed out.
    pub fn state(&self) -> State {
        // While the shell is busy (never from a callback), the state it
        // last showed.
        self.read(Session::state)
            .unwrap_or_else(|| self.inner.state.get())
    }

    /// Applies the server's deadlines (epoch ms on the server's clock): see
    /// the README's "Following the server". A time that is not epoch ms is
    /// refused, and changes nothing; the error names the field as the
    /// server's JSON does (`expiresAt`, `idleExpiresAt`, `now`).
    pub fn sync(&self, server: ServerSync) -> Result<(), SyncError> {
        let server = server.checked()?;
        handle(&self.inner, Input::Sync(server));
        Ok(())
    }

    /// Everything a UI shows about the session, as it stands now.
    pub fn snapshot(&self) -> Snapshot {
        let now = now();
        self.read(|core| core.snapshot(now))
            .unwrap_or_else(|| Snapshot::of_state(self.inner.state.get()))
    }

    /// Removes every listener, timer, channel and lock without signing out.
    pub(super) fn stop(&self) {
        let calls = apply(&self.inner, Input::Leave);
        drop(calls);
        if let Some(mut s) = self.inner.try_borrow_mut() {
            let gone = core::mem::replace(&mut s.life, Life::Destroyed);
            drop(s);
            drop(gone);
        }
    }

    /// The shell, for the JS class.
    pub(super) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Reads the core after folding in the latest quiet activity; `None`
    /// while the shell is busy (never from a callback: see `apply`).
    pub(super) fn read<T>(&self, f: impl FnOnce(&Session) -> T) -> Option<T> {
        let mut s = self.inner.try_borrow_mut()?;
        let s = &mut *s;
        if let Life::Running(res) = &mut s.life {
            res.fold(&mut s.core, now());
        }
        Some(f(&s.core))
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.forgotten {
            self.stop();
        }
    }
}

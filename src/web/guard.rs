//! The Rust API's [`Guard`]: a handle on the shell.

use alloc::rc::Rc;
use core::time::Duration;

use super::options::{Options, OptionsError};
use super::setup::Setup;
use super::shell::{Pending, Shell};
use crate::core::{Input, ServerSync, Snapshot, State, SyncError};

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
    shell: Rc<Shell>,
    /// `forget()` was called: dropping the handle leaves the guard running.
    forgotten: bool,
}

impl core::fmt::Debug for Guard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Guard")
            .field("state", &self.state())
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
        let setup = options.given().setup()?;
        Ok(Guard::from_setup(setup))
    }

    pub(crate) fn from_setup(setup: Setup) -> Guard {
        Guard {
            shell: Shell::start(setup),
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
        self.input(Input::Touch);
    }

    /// Ends the session now with reason `Manual`, in every tab.
    pub fn sign_out(&self) {
        self.input(Input::SignOut);
    }

    /// Switches the idle window to the remember-me period (or back), at
    /// once, in every tab.
    pub fn set_remember_me(&self, on: bool) {
        self.input(Input::RememberMe(on));
    }

    /// Stops idle enforcement, in every tab, until [`Guard::resume`]. The
    /// absolute deadline still holds.
    pub fn pause(&self) {
        self.input(Input::Pause);
    }

    /// Ends a pause; counts as activity.
    pub fn resume(&self) {
        self.input(Input::Resume);
    }

    /// Time until the session ends: zero once signed out, `None` while
    /// nothing ends it (paused with no absolute limit).
    pub fn remaining(&self) -> Option<Duration> {
        self.shell
            .view(|core, now| core.remaining_ms(now))
            .flatten()
            .map(Duration::from_millis)
    }

    /// Epoch ms of the end as it now stands (`None`: nothing ends it).
    pub fn expires_at(&self) -> Option<u64> {
        self.shell.view(|core, _| core.expires_at()).flatten()
    }

    /// Active, warning, paused or signed out.
    pub fn state(&self) -> State {
        self.shell.state()
    }

    /// Applies the server's deadlines (epoch ms on the server's clock): see
    /// the README's "Following the server". A time that is not epoch ms is
    /// refused, and changes nothing; the error names the field as the
    /// server's JSON does (`expiresAt`, `idleExpiresAt`, `now`).
    pub fn sync(&self, server: ServerSync) -> Result<(), SyncError> {
        self.input(Input::Sync(server.checked()?));
        Ok(())
    }

    /// Everything a UI shows about the session, as it stands now (while a
    /// call of the guard's own is under way, only the state).
    pub fn snapshot(&self) -> Snapshot {
        self.shell
            .view(|core, now| core.snapshot(now))
            .unwrap_or_else(|| Snapshot::of_state(self.state()))
    }

    /// Hands `input` to the guard: now, or right after what it is doing.
    pub(crate) fn input(&self, input: Input<'static>) {
        self.shell.input(Pending::Input(input));
    }

    pub(crate) fn shell(&self) -> &Rc<Shell> {
        &self.shell
    }

    /// A guard whose handle may go (the JS object's garbage collection)
    /// while it runs.
    pub(crate) fn detached(mut self) -> Guard {
        self.forgotten = true;
        self
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.forgotten {
            self.shell.destroy();
        }
    }
}

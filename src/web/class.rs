//! The JS class `SessionGuard`: the contract's constructor and methods over
//! the Rust API's [`Guard`], turning JS values into Rust ones and back.

use wasm_bindgen::prelude::*;

use super::events::snapshot_js;
use super::guard::Guard;
use super::js_options;
use crate::core::{Input, Session};

/// Signs people out when they should be: idle and absolute timeouts, a warning
/// before the end, remember-me, and one session across the tabs and reloads of
/// an origin. The guard runs until it signs out or `destroy()` is called, even
/// if no reference to it is kept: garbage collection of the handle never
/// stops it. `free()`, `[Symbol.dispose]()` and `using` stop it as
/// `destroy()` does.
#[wasm_bindgen]
#[derive(Debug)]
pub struct SessionGuard {
    guard: Guard,
}

#[wasm_bindgen]
impl SessionGuard {
    /// Starts a guard. Bad options throw an `Error` naming the option and the
    /// value, and start nothing.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SessionGuardOptions")] options: JsValue,
    ) -> Result<SessionGuard, JsValue> {
        let setup = js_options::setup(&options)?;
        Ok(SessionGuard {
            guard: Guard::from_setup(setup).detached(),
        })
    }

    /// Counts as activity (API calls, a playing video, ...).
    pub fn touch(&self) {
        self.guard.touch();
    }

    /// Ends the session now with reason `"manual"`, in every tab.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) {
        self.guard.sign_out();
    }

    /// Switches the idle window to the remember-me period (or back), at once,
    /// in every tab.
    #[wasm_bindgen(js_name = setRememberMe)]
    pub fn set_remember_me(&self, #[wasm_bindgen(unchecked_param_type = "boolean")] on: JsValue) {
        self.guard.set_remember_me(on.is_truthy());
    }

    /// Stops idle enforcement, in every tab, until `resume()`. The absolute
    /// deadline still holds.
    pub fn pause(&self) {
        self.guard.pause();
    }

    /// Ends a pause; counts as activity.
    pub fn resume(&self) {
        self.guard.resume();
    }

    /// Ms until the session ends; `0` once signed out; `Infinity` while
    /// paused with no absolute limit.
    #[wasm_bindgen(js_name = remainingMs)]
    pub fn remaining_ms(&self) -> f64 {
        self.number(|core, now| core.remaining_ms(now))
    }

    /// Epoch ms of the end as it now stands.
    #[wasm_bindgen(js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.number(|core, _| core.expires_at())
    }

    /// `"active"`, `"warning"`, `"paused"` or `"signedOut"`.
    #[wasm_bindgen(unchecked_return_type = "SessionState")]
    pub fn state(&self) -> JsValue {
        super::glue::state_name(self.guard.state() as i32)
    }

    /// Applies the server's deadlines `{ expiresAt, idleExpiresAt, now }`
    /// (epoch ms on the server's clock, each optional). Bad input throws an
    /// `Error` naming the field and changes nothing.
    pub fn sync(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ServerDeadlines")] server: JsValue,
    ) -> Result<(), JsValue> {
        // Checked by the reader already.
        self.guard
            .input(Input::Sync(js_options::read_sync(&server)?));
        Ok(())
    }

    /// Everything a UI shows about the session, as it stands now (see
    /// `SessionSnapshot` in the types).
    #[wasm_bindgen(unchecked_return_type = "SessionSnapshot")]
    pub fn snapshot(&self) -> JsValue {
        let shell = self.guard.shell();
        shell
            .view(|core, now| snapshot_js(&core.snapshot(now)))
            .unwrap_or(JsValue::NULL)
    }

    /// Removes every listener, timer and channel without signing out.
    /// Idempotent; no callback fires after it.
    pub fn destroy(&self) {
        self.guard.shell().destroy();
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

    /// A time or duration of the core as JS has it: `NaN` while the guard
    /// is busy (a read from inside a storage wrapper), `Infinity` for none.
    fn number(&self, f: impl FnOnce(&Session, u64) -> Option<u64>) -> f64 {
        self.guard
            .shell()
            .view(f)
            .map_or(f64::NAN, |v| v.map_or(f64::INFINITY, |v| v as f64))
    }
}

/// The package's TypeScript types, added to `pkg/session_guard.d.ts` beside the
/// generated class declaration. `tests/docs.rs` checks the defaults written
/// there against the core's option table.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

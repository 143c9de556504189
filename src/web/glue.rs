//! The bottom layer: the shell's JS snippet (`glue.js`) as Rust sees it.
//!
//! Every JS call the shell makes that could throw is a function of
//! `glue.js` that cannot (it catches inside, and returns what it caught:
//! see [`settled`] for why), so no JS exception
//! unwinds through a wasm frame (which would leave the wasm stack pointer
//! behind, and the shell's state borrowed). Everything that comes back
//! later goes through the guard's one port (`port(code, value)`), with a
//! [`Code`].

use alloc::string::String;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

use crate::core::Reason;

#[wasm_bindgen(module = "/src/web/glue.js")]
extern "C" {
    /// `String(v)`, or what can still be said of `v` when that throws.
    pub fn text(v: &JsValue) -> String;

    /// The Error of a refused option, naming it and showing the value.
    pub fn refuse(name: &str, problem: &str, value: &JsValue) -> JsValue;

    /// A JS `Error` with this message.
    pub fn error(message: &str) -> JsValue;

    /// The options object's values by position (the names and the type of
    /// each as `kinds` letters), then a copy of `events`; or the message of
    /// the Error to throw for an unknown option, a wrong type or an
    /// unreadable option. (No `catch` import here: see [`settled`].)
    pub fn read(options: &JsValue, names: &str, kinds: &str) -> JsValue;

    /// `[expiresAt, idleExpiresAt, now]` of `sync()`'s argument
    /// (`undefined`: not given; `NaN`: no number); or the message of the
    /// Error to throw.
    pub fn deadlines(server: &JsValue) -> JsValue;

    /// Calls `f(arg)`: `undefined`, or `[what it threw]`.
    pub fn call(f: &Function, arg: &JsValue) -> JsValue;

    /// `state()`'s name of a [`State`](crate::core::State) (its number).
    #[wasm_bindgen(js_name = stateName)]
    pub fn state_name(state: i32) -> JsValue;

    /// The object a callback receives (see `glue.js`): `kind` 0 `onSignOut`,
    /// 1 `onWarning`, 2 `onActivity`, 3 `onKeepAlive`; `flags` bit 1
    /// `remote`, bit 2 `restored`; `reason` as [`reason`] numbers it.
    pub fn event(kind: i32, reason: i32, a: f64, b: f64, flags: i32) -> JsValue;

    /// `snapshot()`'s object (a time of -1 is `null`, or `Infinity` for
    /// the end; the state its number, a reason as [`reason`] numbers it, 0
    /// for no warning or no end; the flags 0 or 1).
    #[allow(clippy::too_many_arguments)]
    pub fn snapshot(
        state: i32,
        started_at: f64,
        last_activity: f64,
        remember_me: i32,
        idle_window: f64,
        idle_at: f64,
        absolute_at: f64,
        server_at: f64,
        server_idle_at: f64,
        expires_at: f64,
        remaining_ms: f64,
        warned: i32,
        warned_at: f64,
        held: i32,
        ended: i32,
        ended_at: f64,
    ) -> JsValue;

    /// Calls `on_error` (`undefined`: `console.error`); never throws.
    pub fn report(on_error: &JsValue, e: &JsValue);

    /// The JS face of the guard's port (`port(code, value)` calls `f` until
    /// `close`); it calls `f(start)` from a microtask first.
    pub fn port(f: &JsValue, start: i32) -> JsValue;

    #[wasm_bindgen(js_name = close)]
    pub fn close_port(port: &JsValue);

    /// Calls `onKeepAlive(event)`; its outcome goes to `port(code, value)`
    /// or `port(code + 1, error)` once settled.
    #[wasm_bindgen(js_name = keepAlive)]
    pub fn keep_alive(f: &Function, event: &JsValue, port: &JsValue, code: i32);

    /// `document`, or `undefined`.
    pub fn doc() -> JsValue;

    /// The activity listeners (see `glue.js`): `types`, or `defaults`
    /// (comma-separated) when that is `undefined`.
    pub fn listen(
        target: &EventTarget,
        types: &JsValue,
        defaults: &str,
        synthetic: i32,
        port: &JsValue,
        code: i32,
    ) -> Listening;

    /// A handle of `listen`, `page`, `shown` or `timer`.
    pub type Listening;

    /// Until when (epoch ms) an activity event only records its time.
    #[wasm_bindgen(method, setter = q)]
    pub fn set_quiet_until(this: &Listening, until: f64);

    /// The latest time a quiet activity event recorded (`0`: none).
    #[wasm_bindgen(method, getter = t)]
    pub fn recorded(this: &Listening) -> f64;

    /// Removes the listeners.
    #[wasm_bindgen(method)]
    pub fn stop(this: &Listening);

    /// The page's focus, `visibilitychange`, `pagehide` and `storage`.
    pub fn page(port: &JsValue, code: i32, cross_tab: i32, key: &str) -> Listening;

    /// The page's `pageshow`.
    pub fn shown(port: &JsValue, code: i32) -> Listening;

    /// A timer: `port(code, set_for)` after `delay` ms, until `stop()`.
    pub fn timer(port: &JsValue, code: i32, delay: f64, set_for: f64) -> Listening;

    /// `localStorage[key]`: its text, `undefined` when there is none (or
    /// no storage), or `[what storage threw]`.
    #[wasm_bindgen(js_name = load)]
    fn load_js(key: &str) -> JsValue;

    /// Stores `value` at `localStorage[key]`: `undefined`, or `[what
    /// storage threw]`.
    #[wasm_bindgen(js_name = save)]
    fn save_js(key: &str, value: &str) -> JsValue;

    /// The session's BroadcastChannel (`undefined` where there is none).
    pub fn channel(name: &str, port: &JsValue, code: i32) -> JsValue;

    /// A handle of `channel`.
    pub type Channel;

    #[wasm_bindgen(method)]
    pub fn post(this: &Channel, text: &str);

    #[wasm_bindgen(method)]
    pub fn close(this: &Channel);

    #[wasm_bindgen(method)]
    pub fn open(this: &Channel);

    /// The session's Web Locks (`undefined` where there are none).
    pub fn locks(key: &str) -> JsValue;

    pub fn unlock(locks: &JsValue);

    /// Takes lock `what` (0 the hold, 1 the presence, 2 the keep-alive:
    /// [`Lock`](super::lock::Lock)'s numbers) until `release`;
    /// answers `port(code, granted)` or `port(code + 1, error)` (code `0`:
    /// nothing).
    pub fn take(locks: &JsValue, what: i32, port: &JsValue, code: i32) -> JsValue;

    pub fn release(handle: &JsValue);

    pub fn wait(locks: &JsValue, port: &JsValue, code: i32);

    pub fn probe(locks: &JsValue, port: &JsValue, code: i32);
}

/// What `read` or `deadlines` gave: the values, or the `Error` to throw.
///
/// An import declared `catch` that returns a value leaves one slot of
/// wasm-bindgen's table of JS values behind each time it throws (the value
/// it would have returned is never taken back): a page that made guards
/// with bad options over and over would grow that table without end. So
/// the snippet's functions that can fail return the failure instead.
pub fn settled(value: JsValue) -> Result<Array, JsValue> {
    match value.as_string() {
        Some(message) => Err(error(&message)),
        None => Ok(value.unchecked_into()),
    }
}

/// A [`Reason`] as the snippet's `REASONS` number it (0 is none).
pub fn reason(r: Reason) -> i32 {
    r as i32 + 1
}

/// Calls the JS function `f` with `arg`: what it threw comes back as `Err`.
pub fn call_with(f: &Function, arg: &JsValue) -> Result<(), JsValue> {
    thrown(call(f, arg))
}

/// `localStorage[key]` (`None`: no record, or no storage); what storage
/// threw comes back as `Err`.
pub fn load(key: &str) -> Result<Option<String>, JsValue> {
    let value = load_js(key);
    match value.as_string() {
        Some(text) => Ok(Some(text)),
        None => thrown(value).map(|()| None),
    }
}

/// Stores `value` at `localStorage[key]`; what storage threw comes back
/// as `Err`.
pub fn save(key: &str, value: &str) -> Result<(), JsValue> {
    thrown(save_js(key, value))
}

/// What a snippet function that catches gave: `undefined`, or `[what was
/// thrown]`.
fn thrown(value: JsValue) -> Result<(), JsValue> {
    if value.is_undefined() {
        return Ok(());
    }
    Err(value.unchecked_into::<Array>().get(0))
}

/// What comes through the port: the `code` of `port(code, value)`. An
/// answer that can fail has the next code for its failure; `0` is no code
/// (a lock request that answers nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum Code {
    /// An activity event that needs the core (no value).
    Activity = 1,
    /// Focus or `visibilitychange`: check the clock (no value).
    Wake = 2,
    /// `pagehide` (`page()`'s code + 1): whether the page goes into the
    /// back-forward cache.
    Hide = 3,
    /// Another tab wrote (`page()`'s code + 2): the new value, `null` when
    /// removed.
    Storage = 4,
    /// `pageshow`: whether the page comes from the back-forward cache.
    Show = 5,
    /// A channel message: its text.
    Message = 6,
    /// The microtask after the constructor: the first callbacks.
    Start = 7,
    /// The hold lock is granted (its failure: `HoldFailed`).
    Held = 8,
    HoldFailed = 9,
    /// No tab holds the session any more.
    Released = 10,
    ReleaseFailed = 11,
    /// Which of the hold and presence locks are held (bits 1 and 2).
    Probed = 12,
    ProbeFailed = 13,
    /// Whether the keep-alive lock was free and is now this tab's.
    Claimed = 14,
    ClaimFailed = 15,
    /// The timer fired: the moment it was set to fire.
    Timer = 16,
    /// `onKeepAlive` settled: its answer, as `KeepAlive + 2 × call` (its
    /// failure, one more).
    KeepAlive = 17,
}

impl Code {
    /// The code of this number (`KeepAlive` for every settled keep-alive);
    /// the inverse of the numbers above, which the check below holds it to.
    pub const fn of(code: u32) -> Option<Code> {
        use Code::*;
        Some(match code {
            1 => Activity,
            2 => Wake,
            3 => Hide,
            4 => Storage,
            5 => Show,
            6 => Message,
            7 => Start,
            8 => Held,
            9 => HoldFailed,
            10 => Released,
            11 => ReleaseFailed,
            12 => Probed,
            13 => ProbeFailed,
            14 => Claimed,
            15 => ClaimFailed,
            16 => Timer,
            17.. => KeepAlive,
            _ => return None,
        })
    }

    /// The code a JS call answers with. (An `i32` to the snippet, as every
    /// small number it is handed: wasm-bindgen passes those as they are,
    /// where a `u32` needs a conversion in the glue.)
    pub fn get(self) -> i32 {
        self as i32
    }

    /// The code of a settled `onKeepAlive` call. (The call id wraps at
    /// 2²⁹, so the code stays a positive `i32` and never wraps into another
    /// one; an id that comes back wrong after 2²⁹ calls is one the core
    /// does not wait for.)
    pub fn keep_alive(call: u32) -> i32 {
        Code::KeepAlive as i32 + 2 * (call % (1 << 29)) as i32
    }
}

// `Code::of` answers each code's own number (checked when compiling).
const _: () = {
    let mut n = 1;
    while n <= Code::KeepAlive as u32 {
        assert!(matches!(Code::of(n), Some(c) if c as u32 == n));
        n += 1;
    }
};

/// Whether `text` is `list` joined with commas (for the constants that
/// hand the snippet a list as one string, checked when compiling).
pub const fn joined(list: &[&str], text: &str) -> bool {
    let (text, mut at, mut i) = (text.as_bytes(), 0, 0);
    while i < list.len() {
        let item = list[i].as_bytes();
        if i > 0 {
            if at >= text.len() || text[at] != b',' {
                return false;
            }
            at += 1;
        }
        let mut j = 0;
        while j < item.len() {
            if at + j >= text.len() || text[at + j] != item[j] {
                return false;
            }
            j += 1;
        }
        at += item.len();
        i += 1;
    }
    at == text.len()
}

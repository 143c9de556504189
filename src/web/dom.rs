//! RAII handles for DOM listeners, and the shell's one-shot callbacks (the
//! timer is gloo-timers' `Timeout`). Each closure type costs download
//! size: listeners share one.
//!
//! The listeners themselves are a few lines of JS (`listen.js`): an activity
//! event of a burst only records its time in the handle, without a call into
//! wasm; the guard folds that time in before anything else it does.

use alloc::boxed::Box;

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use web_sys::EventTarget;

/// The one closure type of listeners.
type Callback = Closure<dyn FnMut(JsValue)>;

#[wasm_bindgen(module = "/src/web/listen.js")]
extern "C" {
    type Handle;

    fn listen(
        target: &EventTarget,
        types: &Array,
        capture: bool,
        activity: u8,
        call: &Callback,
    ) -> Handle;

    #[wasm_bindgen(method)]
    fn stop(this: &Handle);

    #[wasm_bindgen(method, setter)]
    fn set_q(this: &Handle, until: f64);

    #[wasm_bindgen(method, getter)]
    fn t(this: &Handle) -> f64;
}

/// A JS array of the given strings (event types).
pub fn strings(types: &[&str]) -> Array {
    types.iter().map(|t| JsValue::from_str(t)).collect()
}

/// Which events a listener hands over.
#[derive(Clone, Copy)]
pub enum Filter {
    /// Every event: not an activity listener.
    Every = 0,
    /// Activity: trusted events only.
    TrustedActivity = 1,
    /// Activity: synthetic events too (`allowSyntheticEvents`).
    AnyActivity = 2,
}

/// One callback listening for several event types on one target. `Drop`
/// removes every registration, with the same capture flag it was added with.
pub struct Listener {
    handle: Handle,
    _callback: Callback,
}

impl Listener {
    /// Adds a passive listener for each of `types`. A type the target refuses
    /// is skipped.
    pub fn new(
        target: &EventTarget,
        types: &Array,
        capture: bool,
        filter: Filter,
        callback: impl FnMut(JsValue) + 'static,
    ) -> Listener {
        let callback = Callback::new(callback);
        let handle = listen(target, types, capture, filter as u8, &callback);
        Listener {
            handle,
            _callback: callback,
        }
    }

    /// Until when (epoch ms) an activity event only records its time.
    pub fn set_quiet_until(&self, until: u64) {
        self.handle.set_q(until as f64);
    }

    /// The latest time recorded by a quiet activity event (`0`: none yet).
    pub fn recorded(&self) -> u64 {
        self.handle.t() as u64
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.handle.stop();
    }
}

/// A JS function that runs `f` with its argument, once. For callbacks that
/// the browser always calls (promise reactions, lock grants, microtasks): one
/// never called would keep `f` alive.
pub fn once(f: impl FnOnce(JsValue) -> JsValue + 'static) -> JsValue {
    let f: Box<dyn FnOnce(JsValue) -> JsValue> = Box::new(f);
    Closure::once_into_js(move |v: JsValue| f(v))
}

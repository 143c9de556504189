//! RAII handles for DOM listeners: dropping one removes its listeners.
//!
//! The listeners themselves are a few lines of JS (`listen.js`): an activity
//! event of a burst only records its time in the handle, without a call into
//! wasm; the guard folds that time in before anything else it does.

use js_sys::Array;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use web_sys::{Event, EventTarget};

#[wasm_bindgen(module = "/src/web/listen.js")]
extern "C" {
    type Handle;

    fn listen(
        target: &EventTarget,
        types: &Array,
        capture: bool,
        activity: u8,
        call: &Closure<dyn FnMut(Event)>,
    ) -> Handle;

    #[wasm_bindgen(method)]
    fn stop(this: &Handle);

    #[wasm_bindgen(method, setter)]
    fn set_q(this: &Handle, until: f64);

    #[wasm_bindgen(method, getter)]
    fn t(this: &Handle) -> f64;
}

/// Which events a listener hands over.
#[derive(Clone, Copy)]
pub enum Filter {
    /// Every event.
    All = 0,
    /// Activity: trusted events only.
    Trusted = 1,
    /// Activity: synthetic events too.
    Any = 2,
}

/// One callback listening for several event types on one target. `Drop`
/// removes every registration, with the same capture flag it was added with.
pub struct Listener {
    handle: Handle,
    _callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Adds a passive listener for each of `types`. A type the target refuses
    /// is skipped.
    pub fn new(
        target: &EventTarget,
        types: &Array,
        capture: bool,
        filter: Filter,
        callback: impl FnMut(Event) + 'static,
    ) -> Listener {
        let callback = Closure::<dyn FnMut(Event)>::new(callback);
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

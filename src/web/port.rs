//! The guard's port: the one closure through which JS hands the guard
//! everything that happens later (events, lock answers, settled
//! keep-alives, the microtask after the constructor), as
//! `port(code, value)` with a [`Code`](super::glue::Code). One closure type
//! for all of it (each costs download size), and an `Fn`, which JS may call
//! again from inside a call (a listener an app fires synchronously).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;

use super::glue::{self, Code};

/// The port, from creation until `Drop`, after which a late call (a lock
/// answer, a promise) finds nobody and does nothing.
pub struct Port {
    js: JsValue,
    _closure: Closure<dyn Fn(u32, JsValue)>,
}

impl Port {
    /// The port to `f`, which it first calls with [`Code::Start`] from a
    /// microtask (after the call that makes the port, before any other
    /// task).
    pub fn new(f: impl Fn(u32, JsValue) + 'static) -> Port {
        let closure = Closure::<dyn Fn(u32, JsValue)>::new(f);
        Port {
            js: glue::port(closure.as_ref(), Code::Start.get()),
            _closure: closure,
        }
    }

    /// The JS function to hand to the snippet's functions.
    pub fn js(&self) -> &JsValue {
        &self.js
    }
}

impl Drop for Port {
    fn drop(&mut self) {
        glue::close_port(&self.js);
    }
}

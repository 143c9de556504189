//! The shared record's storage and channel: the core's [`Shared`] port.

use alloc::{string::String, vec::Vec};

use js_sys::Function;
use wasm_bindgen::JsValue;
use web_sys::{BroadcastChannel, Storage};

use crate::core::Shared;

/// `localStorage[key]` plus `BroadcastChannel(key)`. Storage failures are
/// collected once (the guard goes on enforcing in the page).
pub struct Io {
    pub key: String,
    storage: Option<Storage>,
    pub channel: Option<BroadcastChannel>,
    storage_failed: bool,
    /// Failures to hand to `onError`.
    pub errors: Vec<JsValue>,
}

impl Io {
    /// Opens storage and the channel when `cross_tab`; otherwise a port that
    /// reads nothing and writes nowhere.
    pub fn new(key: String, cross_tab: bool) -> Io {
        let mut io = Io {
            key,
            storage: None,
            channel: None,
            storage_failed: false,
            errors: Vec::new(),
        };
        if cross_tab {
            if let Some(w) = web_sys::window() {
                match w.local_storage() {
                    Ok(s) => io.storage = s,
                    Err(e) => io.fail(e),
                }
            }
            // Missing in old browsers: the `storage` event still carries news.
            if has_global("BroadcastChannel") {
                io.channel = BroadcastChannel::new(&io.key).ok();
            }
        }
        io
    }

    fn fail(&mut self, e: JsValue) {
        if !self.storage_failed {
            self.storage_failed = true;
            self.errors.push(e);
        }
    }

    fn post(&self, text: &str) {
        if let Some(c) = &self.channel {
            let _ = c.post_message(&JsValue::from_str(text));
        }
    }
}

impl Drop for Io {
    fn drop(&mut self) {
        if let Some(c) = &self.channel {
            c.close();
        }
    }
}

impl Shared for Io {
    fn read(&mut self) -> Option<String> {
        match self.storage.as_ref()?.get_item(&self.key) {
            Ok(v) => v,
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    fn write(&mut self, record: &str) {
        self.store(record);
        self.post(record);
    }

    fn store(&mut self, record: &str) {
        if let Some(s) = &self.storage {
            if let Err(e) = s.set_item(&self.key, record) {
                self.fail(e);
            }
        }
    }

    fn announce(&mut self, message: &str) {
        self.post(message);
    }
}

/// `name in globalThis`, without throwing.
pub fn has_global(name: &str) -> bool {
    js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str(name)).unwrap_or(false)
}

/// `globalThis.console.error`, the default `onError`.
pub fn console_error(e: &JsValue) {
    web_sys::console::error_1(e);
}

/// Calls `f(arg)`; what it throws comes back as `Err`.
pub fn call(f: &Function, arg: &JsValue) -> Result<JsValue, JsValue> {
    f.call1(&JsValue::UNDEFINED, arg)
}

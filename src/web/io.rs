//! The shared record's storage (the core's [`Storage`] port) and channel.

use alloc::string::String;

use js_sys::Function;
use wasm_bindgen::JsValue;
use web_sys::BroadcastChannel;

use crate::core::{Storage, StorageFailed};

/// `localStorage[key]` plus `BroadcastChannel(key)`. A failure of storage
/// goes to the core as [`StorageFailed`] (it decides what to report); the
/// JS error is kept for the report.
pub struct Io {
    pub key: String,
    /// `Err`: `localStorage` itself could not be had (disabled, sandboxed).
    storage: Result<Option<web_sys::Storage>, ()>,
    pub channel: Option<BroadcastChannel>,
    /// The latest JS error storage threw.
    pub failure: Option<JsValue>,
}

impl Io {
    /// Opens storage and the channel when `cross_tab`; otherwise a port that
    /// reads nothing and writes nowhere.
    pub fn new(key: String, cross_tab: bool) -> Io {
        let mut io = Io {
            key,
            storage: Ok(None),
            channel: None,
            failure: None,
        };
        if cross_tab {
            if let Some(w) = web_sys::window() {
                match w.local_storage() {
                    Ok(s) => io.storage = Ok(s),
                    Err(e) => {
                        io.storage = Err(());
                        io.failure = Some(e);
                    }
                }
            }
            // Missing in old browsers: the `storage` event still carries news.
            if has_global("BroadcastChannel") {
                io.channel = BroadcastChannel::new(&io.key).ok();
            }
        }
        io
    }

    /// Posts `text` to the other tabs.
    pub fn post(&self, text: &str) {
        if let Some(c) = &self.channel {
            let _ = c.post_message(&JsValue::from_str(text));
        }
    }

    fn failed(&mut self, e: JsValue) -> StorageFailed {
        self.failure = Some(e);
        StorageFailed
    }
}

impl Drop for Io {
    fn drop(&mut self) {
        if let Some(c) = &self.channel {
            c.close();
        }
    }
}

impl Storage for Io {
    fn read(&mut self) -> Result<Option<String>, StorageFailed> {
        match &self.storage {
            Err(()) => Err(StorageFailed),
            Ok(None) => Ok(None),
            Ok(Some(s)) => s.get_item(&self.key).map_err(|e| self.failed(e)),
        }
    }

    fn store(&mut self, record: &str) -> Result<(), StorageFailed> {
        match &self.storage {
            Err(()) => Err(StorageFailed),
            Ok(None) => Ok(()),
            Ok(Some(s)) => s.set_item(&self.key, record).map_err(|e| self.failed(e)),
        }
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

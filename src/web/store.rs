//! The shared session's storage and channel: `localStorage[key]`, which
//! backs the core's [`Storage`] port, and `BroadcastChannel(key)`, which
//! carries the core's posts. The channel closes when the page goes into the
//! back-forward cache (any message would evict it) and opens again when it
//! comes back; `Drop` closes it.

use alloc::string::String;

use wasm_bindgen::{JsCast, JsValue};

use super::glue::{self, Code};
use super::port::Port;
use crate::core::{Storage, StorageFailed};

pub struct Store {
    key: String,
    /// The session is shared (`crossTab`): without it, nothing is read or
    /// written.
    shared: bool,
    channel: Option<glue::Channel>,
    /// The latest JS error storage threw, for the report.
    pub failure: Option<JsValue>,
}

impl Store {
    pub fn new(key: String, shared: bool) -> Store {
        Store {
            key,
            shared,
            channel: None,
            failure: None,
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Opens the channel, whose messages go to `port` (with `crossTab`,
    /// where the browser has one: the `storage` event still carries news
    /// without it).
    pub fn open_channel(&mut self, port: &Port) {
        if self.shared {
            let channel = glue::channel(&self.key, port.js(), Code::Message.get());
            if !channel.is_undefined() {
                self.channel = Some(channel.unchecked_into());
            }
        }
    }

    /// Posts `text` to the other tabs.
    pub fn post(&self, text: &str) {
        if let Some(c) = &self.channel {
            c.post(text);
        }
    }

    /// Closes the channel until `reopen` (the back-forward cache).
    pub fn close_channel(&self) {
        if let Some(c) = &self.channel {
            c.close();
        }
    }

    pub fn reopen_channel(&self) {
        if let Some(c) = &self.channel {
            c.open();
        }
    }

    fn failed(&mut self, e: JsValue) -> StorageFailed {
        self.failure = Some(e);
        StorageFailed
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        self.close_channel();
    }
}

impl Storage for Store {
    fn read(&mut self) -> Result<Option<String>, StorageFailed> {
        if !self.shared {
            return Ok(None);
        }
        glue::load(&self.key).map_err(|e| self.failed(e))
    }

    fn store(&mut self, record: &str) -> Result<(), StorageFailed> {
        if !self.shared {
            return Ok(());
        }
        glue::save(&self.key, record).map_err(|e| self.failed(e))
    }
}

/// Storage for a guard whose session has ended: the core reads and writes
/// nothing then.
pub struct Nowhere;

impl Storage for Nowhere {
    fn read(&mut self) -> Result<Option<String>, StorageFailed> {
        Ok(None)
    }

    fn store(&mut self, _: &str) -> Result<(), StorageFailed> {
        Ok(())
    }
}

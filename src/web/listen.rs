//! DOM listeners in gloo's RAII style: a [`Listener`] removes every
//! registration it made when dropped, with the capture flag it made it
//! with. The handlers themselves are a few lines of `glue.js`: an activity
//! event of a burst only records its time in the handle, without a call
//! into wasm (the shell hands that time to the core before anything else).

use js_sys::Array;
use wasm_bindgen::JsValue;
use web_sys::EventTarget;

use crate::core::DEFAULT_EVENTS;

use super::glue::{self, Code};
use super::port::Port;

/// The default activity events, as one string for the snippet.
const DEFAULTS: &str = "pointerdown,pointermove,keydown,wheel,touchstart";

const _: () = assert!(glue::joined(&DEFAULT_EVENTS, DEFAULTS));

/// Listeners on one or more targets, until `Drop`.
pub struct Listener(glue::Listening);

impl Listener {
    /// The activity listeners: each of `events` (`None`: the defaults) on
    /// `target` (capture, passive), trusted events only unless `synthetic`.
    pub fn activity(
        target: &EventTarget,
        events: Option<&Array>,
        synthetic: bool,
        port: &Port,
    ) -> Listener {
        let code = Code::Activity.get();
        let none = JsValue::UNDEFINED;
        let events: &JsValue = events.map_or(&none, |e| e);
        Listener(glue::listen(
            target,
            events,
            DEFAULTS,
            i32::from(synthetic),
            port.js(),
            code,
        ))
    }

    /// The page's focus and `visibilitychange` (check the clock), and with
    /// `cross_tab` its `pagehide` and the other tabs' `storage` writes to
    /// `key`.
    pub fn page(port: &Port, cross_tab: bool, key: &str) -> Listener {
        Listener(glue::page(
            port.js(),
            Code::Wake.get(),
            i32::from(cross_tab),
            key,
        ))
    }

    /// `pageshow`: the one listener a guard keeps after the end.
    pub fn shown(port: &Port) -> Listener {
        Listener(glue::shown(port.js(), Code::Show.get()))
    }

    /// Until when (epoch ms) an activity event only records its time.
    pub fn quiet_until(&self, until: u64) {
        self.0.set_quiet_until(until as f64);
    }

    /// The latest time a quiet activity event recorded (`0`: none yet).
    pub fn recorded(&self) -> u64 {
        self.0.recorded() as u64
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.0.stop();
    }
}

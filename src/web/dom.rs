//! RAII handles for DOM listeners: dropping one removes its listeners.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{AddEventListenerOptions, Event, EventTarget};

/// One callback listening for several event types on one target. `Drop`
/// removes every registration, with the same capture flag it was added with.
pub struct Listener {
    target: EventTarget,
    types: Vec<String>,
    capture: bool,
    callback: Closure<dyn FnMut(Event)>,
}

impl Listener {
    /// Adds a passive listener for each of `types`. A type the target refuses
    /// is skipped.
    pub fn new(
        target: &EventTarget,
        types: Vec<String>,
        capture: bool,
        callback: impl FnMut(Event) + 'static,
    ) -> Listener {
        let callback = Closure::<dyn FnMut(Event)>::new(callback);
        let options = AddEventListenerOptions::new();
        options.set_capture(capture);
        options.set_passive(true);
        for t in &types {
            let _ = target.add_event_listener_with_callback_and_add_event_listener_options(
                t,
                callback.as_ref().unchecked_ref(),
                &options,
            );
        }
        Listener {
            target: target.clone(),
            types,
            capture,
            callback,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        for t in &self.types {
            let _ = self.target.remove_event_listener_with_callback_and_bool(
                t,
                self.callback.as_ref().unchecked_ref(),
                self.capture,
            );
        }
    }
}

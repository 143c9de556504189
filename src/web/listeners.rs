//! Which DOM events the guard listens to, and where each one goes.

use alloc::vec::Vec;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{EventTarget, MessageEvent, StorageEvent};

use super::dom::{strings, Filter, Listener};
use super::driver::handle;
use super::io::Io;
use super::Inner;
use crate::core::Input;

/// What a DOM listener of the guard is for. One closure type serves them all
/// (each closure type costs download size).
#[derive(Clone, Copy)]
enum Heard {
    /// An activity event that needs the core (the listener filters out
    /// synthetic events unless they count, and records quiet ones itself).
    Activity,
    /// The page came back (focus, visibility).
    Recheck,
    /// The page was shown (`pageshow`): from the back-forward cache when
    /// `persisted`.
    Shown,
    /// The page goes away.
    Leave,
    /// Another tab wrote the record.
    Storage,
    /// A channel message.
    Message,
}

fn listen(
    inner: &Inner,
    target: &EventTarget,
    types: &Array,
    filter: Filter,
    heard: Heard,
) -> Listener {
    let inner = inner.clone();
    // Activity is listened for in the capture phase, so a handler that stops
    // propagation cannot hide it; the page's own events bubble normally.
    let capture = matches!(heard, Heard::Activity);
    Listener::new(target, types, capture, filter, move |e: JsValue| {
        on_event(&inner, heard, e)
    })
}

fn on_event(inner: &Inner, heard: Heard, e: JsValue) {
    match heard {
        Heard::Activity => handle(inner, Input::Activity),
        Heard::Recheck => handle(inner, Input::Wake),
        Heard::Shown => {
            let persisted = super::keep_alive::get(&e, "persisted").is_truthy();
            handle(inner, if persisted { Input::Shown } else { Input::Wake })
        }
        Heard::Leave => handle(inner, Input::Leave),
        Heard::Storage => {
            let Some(e) = e.dyn_ref::<StorageEvent>() else {
                return;
            };
            // A `null` key means the whole storage was cleared.
            if e.key().map_or(true, |k| Some(k) == key(inner)) {
                match e.new_value() {
                    Some(text) => handle(inner, Input::Message(&text)),
                    None => handle(inner, Input::Removed),
                }
            }
        }
        Heard::Message => {
            let text = e
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
                .unwrap_or_default();
            handle(inner, Input::Message(&text));
        }
    }
}

/// The storage key of the guard's session (`None` while the shell is busy
/// or gone).
fn key(inner: &Inner) -> Option<alloc::string::String> {
    let s = inner.shell.try_borrow().ok()?;
    match &s.life {
        super::Life::Running(res) => Some(res.io.key.clone()),
        _ => None,
    }
}

/// Adds the guard's listeners: the activity listener (returned first, it
/// records the time of quiet events itself), and the page's comings and
/// goings, the other tabs' storage writes and the channel's messages.
pub fn attach(
    inner: &Inner,
    target: &EventTarget,
    events: &Array,
    allow_synthetic: bool,
    cross_tab: bool,
    io: &Io,
) -> (Listener, Vec<Listener>) {
    let filter = if allow_synthetic {
        Filter::AnyActivity
    } else {
        Filter::TrustedActivity
    };
    let activity = listen(inner, target, events, filter, Heard::Activity);
    let mut listeners = Vec::new();
    let mut add = |target: &EventTarget, types: &[&str], heard| {
        listeners.push(listen(inner, target, &strings(types), Filter::Every, heard));
    };
    if let Some(window) = web_sys::window() {
        // Timers lie (sleep, throttled background tabs): check the clock
        // whenever the page comes back.
        add(&window, &["focus"], Heard::Recheck);
        add(&window, &["pageshow"], Heard::Shown);
        if let Some(document) = window.document() {
            add(&document, &["visibilitychange"], Heard::Recheck);
        }
        if cross_tab {
            add(&window, &["pagehide"], Heard::Leave);
            add(&window, &["storage"], Heard::Storage);
        }
    }
    if let Some(channel) = &io.channel {
        add(channel, &["message"], Heard::Message);
    }
    (activity, listeners)
}

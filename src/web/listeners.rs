//! Which DOM events the guard listens to, and where each one goes.

use alloc::vec::Vec;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{EventTarget, MessageEvent, StorageEvent};

use super::dom::{strings, Filter, Listener};
use super::driver::handle;
use super::io::Io;
use super::Inner;

/// What a DOM listener of the guard is for. One closure type serves them all
/// (each closure type costs download size).
#[derive(Clone, Copy)]
enum Heard {
    /// An activity event that needs the core (the listener filters out
    /// synthetic events unless they count, and records quiet ones itself).
    Activity,
    /// The page came back (focus, visibility, back-forward cache).
    Recheck,
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
        Heard::Activity => handle(inner, |core, io, now| core.activity(now, io)),
        Heard::Recheck => handle(inner, |core, io, now| core.tick(now, io)),
        Heard::Leave => handle(inner, |core, io, now| core.leave(now, io)),
        Heard::Storage => {
            let Some(e) = e.dyn_ref::<StorageEvent>() else {
                return;
            };
            handle(inner, |core, io, now| {
                // A `null` key means the whole storage was cleared.
                if e.key().map_or(true, |k| k == io.key) {
                    core.receive(e.new_value().as_deref(), now, io);
                }
            })
        }
        Heard::Message => {
            let text = e
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
                .unwrap_or_default();
            handle(inner, |core, io, now| core.receive(Some(&text), now, io));
        }
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
        add(&window, &["focus", "pageshow"], Heard::Recheck);
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

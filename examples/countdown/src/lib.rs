//! A front end written only in Rust: it shows the time left in the session,
//! a warning with a "Stay signed in" button, and the sign-out. The page
//! (`index.html`) only loads it.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use gloo_timers::callback::Interval;
use session_guard::State;
use session_guard::{Guard, Options};
use wasm_bindgen::prelude::*;
use web_sys::{Document, HtmlElement};

fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

/// The element with this id (the page has them all).
fn element(id: &str) -> HtmlElement {
    document()
        .get_element_by_id(id)
        .expect("the page's element")
        .unchecked_into()
}

/// `123` seconds as `2:03`.
fn clock(left: Duration) -> String {
    let s = left.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

/// What the page shows, from the guard's state (`None`: signed out).
fn render(guard: Option<&Guard>) {
    let (state, left) = match guard {
        Some(g) => (g.state(), g.remaining()),
        None => (State::SignedOut, None),
    };
    element("remaining").set_text_content(Some(&match left {
        _ if state == State::SignedOut => "signed out".to_string(),
        Some(left) => clock(left),
        None => "no end".to_string(),
    }));
    element("warning").set_hidden(state != State::Warning);
}

#[wasm_bindgen(start)]
pub fn main() {
    let idle = Duration::from_secs(60);
    let guard: Rc<RefCell<Option<Guard>>> = Rc::default();
    let ends = guard.clone();
    let options = Options {
        idle_timeout: Some(idle),
        warn_before: Duration::from_secs(20),
        // Moving the pointer to the button must not close the warning.
        confirm_to_stay: true,
        ..Options::default()
    }
    .on_warning(|_| element("warning").set_hidden(false))
    .on_sign_out(move |e| {
        element("reason").set_text_content(Some(e.reason.as_str()));
        // The guard is done: drop its handle. When the end comes inside a
        // call into the guard (the button's `touch()`), that call holds the
        // slot, and the handle stays: harmless, the guard released every
        // listener and timer at its end.
        if let Ok(mut slot) = ends.try_borrow_mut() {
            slot.take();
        }
        render(None);
    });
    match Guard::start(options) {
        Ok(g) => *guard.borrow_mut() = Some(g),
        Err(e) => {
            element("remaining").set_text_content(Some(&e.to_string()));
            return;
        }
    }
    let stay = guard.clone();
    let button = Closure::<dyn Fn()>::new(move || {
        if let Some(g) = stay.borrow().as_ref() {
            g.touch();
            render(Some(g));
        }
    });
    element("stay").set_onclick(Some(button.as_ref().unchecked_ref()));
    button.forget(); // the page's button lives as long as the page
    let ticking = guard.clone();
    render(guard.borrow().as_ref());
    Interval::new(1_000, move || render(ticking.borrow().as_ref())).forget();
}

//! The page's comings and goings as the guard sees them: the back-forward
//! cache (`pagehide` and `pageshow` with `persisted`) closes and reopens the
//! channel, drops and takes back the locks, and after the end tells the end
//! once more (`restored`), through the one listener a guard keeps. The
//! events are dispatched by the test (the real cache is the end-to-end
//! tests'). Run with `wasm-pack test --headless --chrome` (and `--firefox`).
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object};
use session_guard::{Guard, Options, Reason, SessionGuard, SignOut};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[path = "browser/mod.rs"]
mod browser;
use browser::{get, set, unique_key, until};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test;

/// Dispatches `pagehide` or `pageshow` on the window.
fn page_event(kind: &str, persisted: bool) {
    let fire = Function::new_with_args(
        "kind, persisted",
        "window.dispatchEvent(new PageTransitionEvent(kind, { persisted }));",
    );
    fire.call2(&JsValue::NULL, &kind.into(), &persisted.into())
        .unwrap();
}

/// The onSignOut events a JS guard received.
fn recorder() -> (JsValue, Rc<RefCell<Vec<JsValue>>>) {
    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let s = seen.clone();
    let f = Closure::<dyn Fn(JsValue)>::new(move |e| s.borrow_mut().push(e)).into_js_value();
    (f, seen)
}

#[wasm_bindgen_test]
fn a_page_shown_again_after_the_end_tells_the_end_once_more() {
    let (on_sign_out, seen) = recorder();
    let o = Object::new();
    set(&o, "onSignOut", on_sign_out);
    set(&o, "crossTab", false);
    let guard = SessionGuard::new(o.into()).unwrap();
    // Shown again before the end: nothing to tell.
    page_event("pageshow", true);
    assert!(seen.borrow().is_empty());
    guard.sign_out();
    assert_eq!(seen.borrow().len(), 1);
    let first = seen.borrow()[0].clone();
    assert_eq!(get(&first, "restored"), JsValue::UNDEFINED);
    // The back-forward cache shows the page again: the end once more.
    page_event("pageshow", true);
    assert_eq!(seen.borrow().len(), 2);
    let again = seen.borrow()[1].clone();
    assert_eq!(get(&again, "restored"), JsValue::TRUE);
    for field in ["reason", "at", "remote"] {
        assert_eq!(get(&again, field), get(&first, field), "{field}");
    }
    // A pageshow that is no restore (the first load) tells nothing.
    page_event("pageshow", false);
    assert_eq!(seen.borrow().len(), 2);
    // Each restore tells it again; destroy() removes the listener.
    page_event("pageshow", true);
    assert_eq!(seen.borrow().len(), 3);
    guard.destroy();
    page_event("pageshow", true);
    assert_eq!(seen.borrow().len(), 3, "a callback after destroy()");
}

#[wasm_bindgen_test]
fn the_rust_api_tells_a_restored_end_too() {
    let ends: Rc<RefCell<Vec<SignOut>>> = Rc::default();
    let e = ends.clone();
    let guard = Guard::start(
        Options {
            cross_tab: false,
            ..Options::default()
        }
        .on_sign_out(move |s| e.borrow_mut().push(s)),
    )
    .unwrap();
    guard.sign_out();
    page_event("pageshow", true);
    let got = ends.borrow().clone();
    assert_eq!(got.len(), 2);
    assert_eq!((got[0].reason, got[0].restored), (Reason::Manual, false));
    assert_eq!(
        got[1],
        SignOut {
            restored: true,
            ..got[0]
        }
    );
    drop(guard);
    page_event("pageshow", true);
    assert_eq!(
        ends.borrow().len(),
        2,
        "a callback after the guard was dropped"
    );
}

/// The session's locks held now: the names `navigator.locks.query()` lists.
async fn held() -> Vec<String> {
    let query = Function::new_no_args(
        "return navigator.locks.query().then((s) => s.held.map((l) => l.name));",
    );
    let names = JsFuture::from(
        query
            .call0(&JsValue::NULL)
            .unwrap()
            .unchecked_into::<js_sys::Promise>(),
    )
    .await
    .unwrap();
    names
        .unchecked_into::<Array>()
        .iter()
        .map(|n| n.as_string().unwrap())
        .collect()
}

async fn until_held(name: &str, wanted: bool) {
    for _ in 0..6_000 {
        if held().await.iter().any(|n| n == name) == wanted {
            return;
        }
        browser::sleep(10).await;
    }
    panic!(
        "{name} still {}held after a minute",
        if wanted { "not " } else { "" }
    );
}

/// Posts `text` on the session's channel, then waits until a listener of
/// the channel has heard a later message: by then the guard's channel, if
/// open, has heard `text`.
async fn post(key: &str, text: &str) {
    let send = Function::new_with_args(
        "key, text",
        "const heard = new BroadcastChannel(key);
         const done = new Promise((resolve) => (heard.onmessage = (e) => e.data === 'marker' && resolve()));
         const c = new BroadcastChannel(key);
         c.postMessage(text);
         c.postMessage('marker');
         c.close();
         return done.then(() => heard.close());",
    );
    let done = send
        .call2(&JsValue::NULL, &key.into(), &text.into())
        .unwrap();
    JsFuture::from(done.unchecked_into::<js_sys::Promise>())
        .await
        .unwrap();
}

#[wasm_bindgen_test]
async fn into_the_cache_the_channel_closes_and_the_locks_go_and_out_of_it_they_come_back() {
    let (on_sign_out, seen) = recorder();
    let key = key("cache");
    let presence = format!("session-guard:presence:{key}");
    let o = Object::new();
    set(&o, "onSignOut", on_sign_out);
    set(&o, "storageKey", key.clone());
    let guard = SessionGuard::new(o.into()).unwrap();
    // An open page holds the session's presence lock.
    until_held(&presence, true).await;
    // Into the back-forward cache: the page has gone away.
    page_event("pagehide", true);
    until_held(&presence, false).await;
    // Its channel is closed: a message (here one that would end the
    // session) does not reach it, and no lock is asked for.
    post(&key, "garbage").await;
    assert_eq!(guard.state(), "active", "a closed channel heard a message");
    assert!(seen.borrow().is_empty());
    // Out of the cache: the channel opens again and the lock comes back.
    page_event("pageshow", true);
    until_held(&presence, true).await;
    post(&key, "garbage").await;
    until("the reopened channel to hear the message", || {
        !seen.borrow().is_empty()
    })
    .await;
    assert_eq!(guard.state(), "signedOut");
    // The end took the lock with it.
    until_held(&presence, false).await;
    guard.destroy();
}

/// A storage key no other test uses.
fn key(name: &str) -> String {
    unique_key("pages", name)
}

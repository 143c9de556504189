//! The browser shell in a real browser: listeners, the trusted-event filter,
//! callbacks, errors, destroy. Run with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use session_guard::SessionGuard;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::EventTarget;

#[path = "browser/mod.rs"]
mod browser;
use browser::{
    get, listener_types, memory_bytes, message, ping, set, sleep, until_clock_moves, Clock, Log,
};

wasm_bindgen_test_configure!(run_in_browser);

/// `o[method]()` (a guard handed to JS).
fn call(o: &JsValue, method: &str) -> JsValue {
    get(o, method)
        .unchecked_into::<Function>()
        .call0(o)
        .unwrap()
}

/// Options with every callback logged, a private target and no sharing.
fn options(log: &Log, target: &EventTarget) -> Object {
    let o = Object::new();
    for name in ["onSignOut", "onWarning", "onActivity", "onError"] {
        set(&o, name, log.callback(name));
    }
    set(&o, "target", target.clone());
    set(&o, "events", Array::of1(&JsValue::from_str("ping")));
    set(&o, "crossTab", false);
    o
}

/// A target of the test's own, whose listeners `live(&t)` lists (counted
/// by the page's listener counter, installed here, before the guard comes).
/// A leaked listener shows there even when every entry point of a destroyed
/// guard returns early.
fn counting_target() -> EventTarget {
    let target = EventTarget::new().unwrap();
    assert_eq!(live(&target), Vec::<String>::new());
    target
}

/// The types of the listeners now registered on a `counting_target()`.
fn live(target: &EventTarget) -> Vec<String> {
    listener_types(target)
}

#[wasm_bindgen_test]
async fn untrusted_events_are_ignored_by_default() {
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let guard = SessionGuard::new(options(&log, &target).into()).unwrap();
    let expires = guard.expires_at();
    // Not in the millisecond the guard was built, where activity moves
    // nothing anyway: a counted event would move the deadline now.
    until_clock_moves(js_sys::Date::now()).await;
    ping(&target);
    assert_eq!(log.count("onActivity"), 0);
    assert_eq!(
        guard.expires_at(),
        expires,
        "an untrusted event moved the deadline"
    );
    guard.destroy();
}

#[wasm_bindgen_test]
async fn synthetic_events_count_when_allowed_and_stop_after_destroy() {
    let (log, target) = (Log::default(), counting_target());
    let o = options(&log, &target);
    set(&o, "allowSyntheticEvents", true);
    let guard = SessionGuard::new(o.into()).unwrap();
    assert_eq!(live(&target), ["ping"]);
    // Activity in the very millisecond the session began moves nothing.
    until_clock_moves(js_sys::Date::now()).await;
    ping(&target);
    assert_eq!(log.count("onActivity"), 1);
    assert_eq!(get(&log.first("onActivity"), "remote"), JsValue::FALSE);
    guard.destroy();
    assert_eq!(
        live(&target),
        Vec::<String>::new(),
        "a listener survived destroy()"
    );
    guard.destroy(); // idempotent
    let expires = guard.expires_at();
    ping(&target);
    assert_eq!(log.count("onActivity"), 1, "a listener survived destroy()");
    guard.touch();
    assert_eq!(
        guard.expires_at(),
        expires,
        "touch() after destroy() did something"
    );
}

#[wasm_bindgen_test]
fn idle_timeout_signs_out_once_on_time_and_removes_listeners() {
    let clock = Clock::install();
    let (log, target) = (Log::default(), counting_target());
    let o = options(&log, &target);
    set(&o, "idleTimeoutMs", 50);
    set(&o, "allowSyntheticEvents", true);
    let guard = SessionGuard::new(o.into()).unwrap();
    let end = clock.now() + 50;
    assert_eq!(guard.state(), "active");
    assert_eq!(live(&target), ["ping"]);
    clock.tick(49);
    assert_eq!(log.count("onSignOut"), 0, "signed out early");
    clock.tick(1);
    assert_eq!(log.count("onSignOut"), 1);
    assert_eq!(
        live(&target),
        Vec::<String>::new(),
        "a listener survived the idle sign-out"
    );
    let e = log.first("onSignOut");
    assert_eq!(get(&e, "reason"), "idle");
    assert_eq!(get(&e, "at"), end as f64, "the end is at the deadline");
    assert_eq!(get(&e, "remote"), JsValue::FALSE);
    assert_eq!(get(&e, "restored"), JsValue::UNDEFINED);
    assert_eq!(guard.state(), "signedOut");
    assert_eq!(guard.remaining_ms(), 0.0);
    assert_eq!(clock.pending(), 0, "a timer survived the end");
    ping(&target);
    guard.touch();
    clock.tick(1_000);
    assert_eq!(
        log.count("onActivity"),
        0,
        "activity after the end was heard"
    );
    assert_eq!(log.count("onSignOut"), 1);
    guard.destroy();
}

#[wasm_bindgen_test]
fn destroy_leaves_nothing_firing() {
    let clock = Clock::install();
    let (log, target) = (Log::default(), counting_target());
    let o = options(&log, &target);
    set(&o, "idleTimeoutMs", 40);
    set(&o, "warnBeforeMs", 20);
    let guard = SessionGuard::new(o.into()).unwrap();
    guard.destroy();
    assert_eq!(
        live(&target),
        Vec::<String>::new(),
        "a listener survived destroy()"
    );
    assert_eq!(clock.pending(), 0, "a timer survived destroy()");
    clock.tick(1_000);
    assert!(
        log.0.borrow().is_empty(),
        "a callback fired after destroy()"
    );
}

#[wasm_bindgen_test]
fn every_activity_listener_goes_with_destroy_and_with_sign_out() {
    // The default event types, and duplicates in `events`: each registration
    // the guard makes on its target is removed again, by destroy() and by
    // every way the session ends here (signOut(), and from a callback).
    let events = session_guard::core::DEFAULT_EVENTS;
    let log = Log::default();
    let make = |target: &EventTarget| {
        let o = options(&log, target);
        let list: Array = events.iter().map(|t| JsValue::from_str(t)).collect();
        list.push(&JsValue::from_str("keydown"));
        set(&o, "events", list);
        SessionGuard::new(o.into()).unwrap()
    };
    let none = Vec::<String>::new();

    let target = counting_target();
    let guard = make(&target);
    let mut types = live(&target);
    types.sort();
    let mut expected: Vec<String> = events.iter().map(|t| t.to_string()).collect();
    expected.sort();
    assert_eq!(types, expected, "one listener per event type");
    guard.destroy();
    assert_eq!(live(&target), none, "listeners left after destroy()");

    let target = counting_target();
    let guard = make(&target);
    guard.sign_out();
    assert_eq!(guard.state(), "signedOut");
    assert_eq!(live(&target), none, "listeners left after signOut()");
    guard.destroy();
    assert_eq!(live(&target), none);
}

#[wasm_bindgen_test]
fn listeners_go_when_a_callback_ends_or_destroys_the_guard() {
    // onWarning signs out (an end from inside a callback), onSignOut destroys.
    let clock = Clock::install();
    let (log, target) = (Log::default(), counting_target());
    let o = options(&log, &target);
    let holder = Object::new();
    let sign_out = Function::new_with_args("e", "this.guard.signOut();");
    set(&o, "onWarning", sign_out.bind0(&holder));
    set(&o, "idleTimeoutMs", 60);
    set(&o, "warnBeforeMs", 40);
    let guard = SessionGuard::new(o.into()).unwrap();
    set(&holder, "guard", guard);
    assert_eq!(live(&target), ["ping"]);
    clock.tick(20);
    assert_eq!(log.count("onSignOut"), 1);
    assert_eq!(get(&log.first("onSignOut"), "reason"), "manual");
    assert_eq!(
        live(&target),
        Vec::<String>::new(),
        "a listener survived a sign-out made by a callback"
    );
    call(&get(&holder, "guard"), "destroy");
}

#[wasm_bindgen_test]
fn a_throwing_callback_is_reported_and_the_guard_goes_on() {
    let clock = Clock::install();
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let o = options(&log, &target);
    let thrower = Function::new_no_args("throw new Error('boom')");
    set(&o, "onWarning", thrower);
    set(&o, "idleTimeoutMs", 80);
    set(&o, "warnBeforeMs", 60);
    let guard = SessionGuard::new(o.into()).unwrap();
    clock.tick(20);
    assert_eq!(log.count("onError"), 1);
    assert_eq!(message(&log.first("onError")), "boom");
    assert_eq!(guard.state(), "warning");
    clock.tick(60);
    assert_eq!(log.count("onSignOut"), 1, "the guard stopped after a throw");
    assert_eq!(get(&log.first("onSignOut"), "reason"), "idle");
    guard.destroy();
}

#[wasm_bindgen_test]
fn callbacks_may_call_back_into_the_guard() {
    let clock = Clock::install();
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let o = options(&log, &target);
    // onWarning touches the guard (from JS) and reads its state at once;
    // onSignOut reads its state and destroys it.
    let holder = Object::new();
    let touch = Function::new_with_args(
        "e",
        "this.guard.touch(); this.touched = (this.touched || 0) + 1; this.after = this.guard.state();",
    );
    set(&o, "onWarning", touch.bind0(&holder));
    let read = Function::new_with_args(
        "e",
        "this.state = this.guard.state(); this.guard.destroy();",
    );
    set(&o, "onSignOut", read.bind0(&holder));
    set(&o, "idleTimeoutMs", 100);
    set(&o, "maxDurationMs", 300);
    set(&o, "warnBeforeMs", 50);
    let guard = SessionGuard::new(o.into()).unwrap();
    set(&holder, "guard", guard);
    // The idle warning at 50 ms: touch() moves the idle end to 150 ms.
    clock.tick(50);
    assert_eq!(get(&holder, "touched"), 1.0);
    assert_eq!(
        get(&holder, "after"),
        "active",
        "touch() from a callback is carried out at once"
    );
    // The idle warning again at 100 ms, then the absolute one at 250 ms;
    // the touches never pass the absolute end, at 300 ms.
    clock.tick(250);
    assert_eq!(log.count("onError"), 0, "{:?}", log.first("onError"));
    assert_eq!(get(&holder, "state"), "signedOut");
    assert!(get(&holder, "touched").as_f64().unwrap() >= 2.0);
}

#[wasm_bindgen_test]
fn bad_options_throw_an_error_naming_the_option() {
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let cases: [(&str, JsValue); 5] = [
        ("idleTimeoutMs", JsValue::from_f64(1.5)),
        ("maxDurationMs", JsValue::from_str("100")),
        ("onWarning", JsValue::from_f64(1.0)),
        ("events", Array::new().into()),
        ("idleTimeout", JsValue::from_f64(1000.0)),
    ];
    for (key, value) in cases {
        let o = options(&log, &target);
        set(&o, key, value);
        let e = SessionGuard::new(o.into()).unwrap_err();
        let message = message(&e);
        assert!(message.contains(key), "{message}");
    }
    let o = options(&log, &target);
    Reflect::delete_property(&o, &JsValue::from_str("onSignOut")).unwrap();
    let message = message(&SessionGuard::new(o.into()).unwrap_err());
    assert!(message.contains("onSignOut"), "{message}");
    assert!(log.0.borrow().is_empty());
}

#[wasm_bindgen_test]
fn storage_that_throws_is_reported_once_and_deadlines_still_hold() {
    let clock = Clock::install();
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let storage_proto = get(&js_sys::global(), "Storage")
        .dyn_into::<Object>()
        .unwrap();
    let proto = get(&storage_proto, "prototype");
    let real = get(&proto, "setItem");
    let thrower = Function::new_no_args("throw new DOMException('full', 'QuotaExceededError')");
    Reflect::set(&proto, &JsValue::from_str("setItem"), &thrower).unwrap();
    let o = options(&log, &target);
    set(&o, "crossTab", true);
    set(&o, "storageKey", "web-test-throwing-storage");
    set(&o, "idleTimeoutMs", 200);
    set(&o, "allowSyntheticEvents", true);
    let guard = SessionGuard::new(o.into()).unwrap();
    for _ in 0..4 {
        clock.tick(40);
        ping(&target);
    }
    let end = clock.now() + 200;
    clock.tick(200);
    Reflect::set(&proto, &JsValue::from_str("setItem"), &real).unwrap();
    assert_eq!(
        log.count("onError"),
        1,
        "storage failures reported more than once"
    );
    assert_eq!(log.count("onSignOut"), 1, "the idle deadline did not hold");
    assert_eq!(get(&log.first("onSignOut"), "reason"), "idle");
    assert_eq!(get(&log.first("onSignOut"), "at"), end as f64);
    guard.destroy();
}

#[wasm_bindgen_test]
async fn memory_is_reused_across_guards_and_events() {
    // A page that makes and drops guards, and a guard that sees activity and
    // its shared record for hours, must not grow the wasm memory without
    // bound: the allocator reuses what was freed.
    // One set of logged callbacks for all (the test's own closures live
    // until the JS garbage collector frees them), and a log emptied each time.
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let base = options(&log, &target);
    let round = |i: u32| {
        log.0.borrow_mut().clear();
        let o = Object::assign(&Object::new(), &base);
        set(&o, "crossTab", true);
        set(&o, "storageKey", format!("memory-test-{}", i % 7));
        set(&o, "allowSyntheticEvents", true);
        set(&o, "warnBeforeMs", 1_000);
        let guard = SessionGuard::new(o.into()).unwrap();
        for _ in 0..50 {
            ping(&target);
            guard.touch();
            guard.set_remember_me(JsValue::from_bool(i % 2 == 0));
        }
        guard.destroy();
    };
    // The page yields now and then: a long synchronous run keeps the test
    // runner's driver from reading the page (its requests time out).
    for i in 0..200 {
        round(i);
        if i % 20 == 19 {
            sleep(0).await;
        }
    }
    let warm = memory_bytes();
    for i in 200..2_000 {
        round(i);
        if i % 20 == 19 {
            sleep(0).await;
        }
    }
    assert_eq!(
        memory_bytes() - warm,
        0.0,
        "wasm memory grew after warm-up (from {warm} bytes)"
    );
}

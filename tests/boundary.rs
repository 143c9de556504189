//! The boundary between the guard and JS, which JS cannot break: values
//! that throw when the guard reads or prints them, callbacks and reporting
//! that throw, and calls made into the guard from inside what it is doing.
//! Run with `wasm-pack test --headless --chrome` (and `--firefox`).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use session_guard::SessionGuard;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::EventTarget;

#[path = "browser/mod.rs"]
mod browser;
use browser::{get, memory_bytes, message, ping, set, sleep, unique_key, until, Clock, Log};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
use wasm_bindgen_test::wasm_bindgen_test;

/// `f(args...)` of a JS function written here.
fn js(args: &str, body: &str) -> Function {
    Function::new_with_args(args, body)
}

/// Options with every callback logged and a private target.
fn options(log: &Log, target: &EventTarget, key: Option<&str>) -> Object {
    let o = Object::new();
    for name in ["onSignOut", "onWarning", "onActivity", "onError"] {
        set(&o, name, log.callback(name));
    }
    set(&o, "target", target.clone());
    set(&o, "events", Array::of1(&"ping".into()));
    set(&o, "allowSyntheticEvents", true);
    match key {
        Some(key) => set(&o, "storageKey", key),
        None => set(&o, "crossTab", false),
    }
    o
}

/// The hostile options: case `i` of `base` (valid options), as `[options,
/// the option its error must name]`. Each value throws when it is read or
/// printed, or both.
const HOSTILE: &str = r#"
    const o = Object.assign({}, base);
    const boom = () => { throw new Error("boom"); };
    const revoked = () => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; };
    switch (i) {
      case 0: o.idleTimeoutMs = Object.create(null); return [o, "idleTimeoutMs"];
      case 1: o.storageKey = { toString: boom }; return [o, "storageKey"];
      case 2: return [new Proxy(o, { ownKeys: boom }), "options"];
      case 3: return [revoked(), "options"];
      case 4: {
        const events = ["keydown"];
        Object.defineProperty(events, 0, { get: boom });
        o.events = events;
        return [o, "events"];
      }
      case 5: Object.defineProperty(o, "maxDurationMs", { get: boom, enumerable: true }); return [o, "maxDurationMs"];
      case 6: o.target = revoked(); return [o, "target"];
      case 7:
        o.events = new Proxy(["keydown"], { get: (t, k) => (k === "length" ? boom() : t[k]) });
        return [o, "events"];
      case 8: o.startedAt = { valueOf: boom, toString: boom, [Symbol.toPrimitive]: boom }; return [o, "startedAt"];
      case 9: o.idleTimeout = Object.create(null); return [o, "idleTimeout"];
      case 10: Object.defineProperty(o, "warnBefore", { get: boom, enumerable: true }); return [o, "warnBefore"];
      case 11: o.onWarning = new Proxy({}, { getPrototypeOf: boom, get: boom }); return [o, "onWarning"];
      case 12: o.crossTab = revoked(); return [o, "crossTab"];
      case 13: o.events = revoked(); return [o, "events"];
      case 14: o.target = new Proxy(new EventTarget(), { getPrototypeOf: boom }); return [o, "target"];
      case 15: o.idleTimeoutMs = Symbol("s"); return [o, "idleTimeoutMs"];
      case 16: Object.defineProperty(o, "onSignOut", { get: boom, enumerable: true }); return [o, "onSignOut"];
      case 17: o.storageKey = revoked(); return [o, "storageKey"];
    }
"#;
const KINDS: u32 = 18;

/// `sync()`'s hostile arguments: case `i`, as `[server, the field its error
/// must name]`.
const HOSTILE_SYNC: &str = r#"
    const boom = () => { throw new Error("boom"); };
    const r = Proxy.revocable({}, {});
    r.revoke();
    switch (i) {
      case 0: return [r.proxy, "expiresAt"];
      case 1: return [new Proxy({}, { get: boom }), "expiresAt"];
      case 2: return [Object.defineProperty({}, "now", { get: boom }), "now"];
      case 3: return [{ idleExpiresAt: Object.create(null) }, "idleExpiresAt"];
    }
"#;

#[wasm_bindgen_test]
async fn hostile_options_harm_no_guard_however_often_and_each_error_names_the_option() {
    let clock = Clock::install();
    // A guard that runs all along: no activity, so it ends at its idle
    // deadline, five minutes from now.
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let running = SessionGuard::new(options(&log, &target, None).into()).unwrap();
    let end = clock.now() as f64 + 300_000.0;
    assert_eq!(running.expires_at(), end);

    let (bad, bad_target) = (Log::default(), EventTarget::new().unwrap());
    let base = options(&bad, &bad_target, None);
    let make = js("i, base", HOSTILE);
    let make_sync = js("i", HOSTILE_SYNC);
    let mut warm = 0.0;
    for round in 0..5_000u32 {
        for i in 0..KINDS {
            let case = make.call2(&JsValue::NULL, &i.into(), &base).unwrap();
            let (hostile, name) = (get(&case, "0"), get(&case, "1").as_string().unwrap());
            let e = SessionGuard::new(hostile).expect_err("hostile options accepted");
            let text = message(&e);
            assert!(
                text.starts_with(&format!("session-guard: {name} ")),
                "case {i}: {text}"
            );
        }
        for i in 0..4u32 {
            let case = make_sync.call1(&JsValue::NULL, &i.into()).unwrap();
            let e = running.sync(get(&case, "0")).expect_err("a hostile sync()");
            let text = message(&e);
            let name = get(&case, "1").as_string().unwrap();
            assert!(
                text.starts_with(&format!("session-guard: sync() {name} ")),
                "{text}"
            );
        }
        // The running guard's clock goes on meanwhile: 50 s in all.
        clock.tick(10);
        if round % 100 == 99 {
            // Let the test runner read the page now and then.
            sleep(0).await;
        }
        if round == 500 {
            warm = memory_bytes();
        }
    }
    assert_eq!(memory_bytes(), warm, "wasm memory grew with the refusals");
    assert!(bad.0.borrow().is_empty(), "a refused guard called back");
    assert_eq!(running.state(), "active");
    assert_eq!(running.expires_at(), end);
    assert_eq!(log.count("onSignOut"), 0);
    // It signs out on time.
    clock.tick(end as u64 - clock.now() - 1);
    assert_eq!(log.count("onSignOut"), 0, "signed out early");
    clock.tick(1);
    assert_eq!(
        log.count("onSignOut"),
        1,
        "the running guard did not sign out"
    );
    assert_eq!(get(&log.first("onSignOut"), "at"), end);
    assert_eq!(get(&log.first("onSignOut"), "reason"), "idle");
    assert_eq!(log.count("onError"), 0, "{:?}", log.first("onError"));
    // And a new guard starts, and hears activity.
    let fresh = Log::default();
    let again = SessionGuard::new(options(&fresh, &target, None).into()).unwrap();
    clock.tick(5_000);
    ping(&target);
    assert_eq!(fresh.count("onActivity"), 1);
    assert_eq!(again.state(), "active");
    again.destroy();
    running.destroy();
}

#[wasm_bindgen_test]
async fn on_sign_out_runs_when_on_error_throws() {
    // A corrupt channel message ends the session (fails closed); the report
    // goes to an onError that throws; the sign-out still comes.
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let key = key("on-error-throws");
    let o = options(&log, &target, Some(&key));
    let on_error = log.callback("onError");
    let throwing = js(
        "log",
        "return (e) => { log(e); throw new Error('onError threw'); };",
    );
    set(
        &o,
        "onError",
        throwing.call1(&JsValue::NULL, &on_error).unwrap(),
    );
    let guard = SessionGuard::new(o.into()).unwrap();
    let post = js(
        "key",
        "const c = new BroadcastChannel(key); c.postMessage('garbage'); c.close();",
    );
    post.call1(&JsValue::NULL, &key.clone().into()).unwrap();
    until("the sign-out", || log.count("onSignOut") == 1).await;
    assert_eq!(log.count("onError"), 1);
    assert_eq!(guard.state(), "signedOut");
    guard.destroy();
}

#[wasm_bindgen_test]
async fn on_sign_out_runs_when_console_error_throws() {
    // No onError, and a console.error that throws (a test setup that fails
    // on console.error): a corrupt stored record ends the session at the
    // start, and onSignOut is called all the same.
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let key = key("console-throws");
    let o = options(&log, &target, Some(&key));
    Reflect::delete_property(&o, &"onError".into()).unwrap();
    let console = get(&js_sys::global(), "console");
    let real = get(&console, "error");
    let thrower = js(
        "",
        "globalThis.__consoleErrors = (globalThis.__consoleErrors || 0) + 1; throw new Error('console.error threw');",
    );
    set(&console, "error", thrower);
    let storage = get(&js_sys::global(), "localStorage");
    let set_item = get(&storage, "setItem").unchecked_into::<Function>();
    set_item
        .call2(&storage, &key.clone().into(), &"garbage".into())
        .unwrap();
    let guard = SessionGuard::new(o.into()).unwrap();
    until("the sign-out", || log.count("onSignOut") == 1).await;
    set(&console, "error", real);
    let calls = get(&js_sys::global(), "__consoleErrors");
    assert_eq!(calls, 1.0, "the rejected record was reported once");
    assert_eq!(guard.state(), "signedOut");
    guard.destroy();
}

/// Wraps `Storage.prototype.setItem`: after each write of `key`, runs
/// `window.__reenter` once (if set). Returns the real one, to put back.
fn wrap_set_item(key: &str) -> JsValue {
    let proto = get(&get(&js_sys::global(), "Storage"), "prototype");
    let real = get(&proto, "setItem");
    let wrapper = js(
        "real, key",
        "return function (k, v) {
           real.call(this, k, v);
           const f = globalThis.__reenter;
           if (k === key && f) { globalThis.__reenter = null; f(); }
         };",
    );
    let wrapped = wrapper.call2(&JsValue::NULL, &real, &key.into()).unwrap();
    set(&proto, "setItem", wrapped);
    real
}

fn unwrap_set_item(real: JsValue) {
    let proto = get(&get(&js_sys::global(), "Storage"), "prototype");
    set(&proto, "setItem", real);
}

#[wasm_bindgen_test]
fn a_call_from_inside_a_storage_write_is_carried_out_after_it() {
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let key = key("reentrant");
    let guard =
        JsValue::from(SessionGuard::new(options(&log, &target, Some(&key)).into()).unwrap());
    let real = wrap_set_item(&key);
    // While the guard writes the record (remember-me is written at once),
    // the wrapper reads the guard and signs out.
    let seen = Object::new();
    let reenter = js(
        "g, seen",
        "return () => { seen.state = g.state(); seen.snapshot = g.snapshot(); g.signOut(); };",
    );
    let f = reenter.call2(&JsValue::NULL, &guard, &seen).unwrap();
    set(&js_sys::global(), "__reenter", f);
    get(&guard, "setRememberMe")
        .unchecked_into::<Function>()
        .call1(&guard, &JsValue::TRUE)
        .unwrap();
    unwrap_set_item(real);
    assert!(
        get(&js_sys::global(), "__reenter").is_null(),
        "the wrapper never ran"
    );
    assert_eq!(
        get(&seen, "state"),
        "active",
        "a read from inside the write"
    );
    assert!(get(&seen, "snapshot").is_null());
    assert_eq!(log.count("onSignOut"), 1, "the signOut() was dropped");
    assert_eq!(get(&log.first("onSignOut"), "reason"), "manual");
    let state = get(&guard, "state").unchecked_into::<Function>();
    assert_eq!(state.call0(&guard).unwrap(), "signedOut");
    get(&guard, "destroy")
        .unchecked_into::<Function>()
        .call0(&guard)
        .unwrap();
}

#[wasm_bindgen_test]
fn destroy_from_inside_a_storage_write_leaves_nothing_firing() {
    let clock = Clock::install();
    let (log, target) = (Log::default(), EventTarget::new().unwrap());
    let key = key("reentrant-destroy");
    let o = options(&log, &target, Some(&key));
    set(&o, "idleTimeoutMs", 1_000);
    let guard = JsValue::from(SessionGuard::new(o.into()).unwrap());
    let real = wrap_set_item(&key);
    let reenter = js("g", "return () => g.destroy();");
    set(
        &js_sys::global(),
        "__reenter",
        reenter.call1(&JsValue::NULL, &guard).unwrap(),
    );
    get(&guard, "signOut")
        .unchecked_into::<Function>()
        .call0(&guard)
        .unwrap();
    unwrap_set_item(real);
    // The sign-out was written, then destroy() came: no callback after it.
    assert_eq!(log.count("onSignOut"), 0, "a callback after destroy()");
    assert_eq!(clock.pending(), 0, "a timer survived destroy()");
    ping(&target);
    clock.tick(10_000);
    assert!(log.0.borrow().is_empty(), "a callback after destroy()");
}

/// A storage key no other test uses.
fn key(name: &str) -> String {
    unique_key("boundary", name)
}

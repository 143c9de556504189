//! The Rust API in a real browser: what a Rust front end relies on. Run
//! with `wasm-pack test --headless --chrome`.
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Function, Reflect};
use session_guard::{Guard, GuardError, Options, OptionsError, SignOut};
use session_guard::{Reason, ServerSync, State};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[path = "browser/mod.rs"]
mod browser;
use browser::{listener_types, sleep, unique_key};

wasm_bindgen_test_configure!(run_in_browser);

/// Counts, page-wide, the event listeners and timers now registered: every
/// `addEventListener` not yet removed (the listener counter every test
/// layer shares), every `setTimeout` not yet cleared or fired. Installed
/// once; returns `[listeners, timers]`.
fn live() -> (u32, u32) {
    let listeners = listener_types(&JsValue::UNDEFINED).len() as u32;
    let timers = Function::new_no_args(
        r#"
        const g = globalThis;
        if (!g.__timers) {
          const timers = (g.__timers = new Set());
          const set = g.setTimeout, clear = g.clearTimeout;
          g.setTimeout = function (f, ms, ...args) {
            const id = set.call(g, (...a) => { timers.delete(id); return f(...a); }, ms, ...args);
            timers.add(id);
            return id;
          };
          g.clearTimeout = function (id) { timers.delete(id); return clear.call(g, id); };
        }
        return g.__timers.size;
        "#,
    );
    let timers = timers.call0(&JsValue::UNDEFINED).unwrap().as_f64().unwrap() as u32;
    (listeners, timers)
}

/// The types of the listeners registered now (see `live`), sorted.
fn live_types() -> Vec<String> {
    let mut types = listener_types(&JsValue::UNDEFINED);
    types.sort();
    types
}

/// Every `SignOut` a guard reported.
#[derive(Clone, Default)]
struct Ends(Rc<RefCell<Vec<SignOut>>>);

impl Ends {
    fn options(&self, name: &str) -> Options {
        let ends = self.clone();
        Options {
            storage_key: key(name),
            ..Options::default()
        }
        .on_sign_out(move |e| ends.0.borrow_mut().push(e))
    }

    fn get(&self) -> Vec<SignOut> {
        self.0.borrow().clone()
    }
}

#[wasm_bindgen_test]
async fn dropping_the_guard_removes_every_listener_and_timer() {
    let before = live();
    let ends = Ends::default();
    let guard = Guard::start(Options {
        warn_before: Duration::from_secs(10),
        ..ends.options("drop")
    })
    .unwrap();
    let running = live();
    assert!(running.0 > before.0, "no listener added: {running:?}");
    assert!(running.1 > before.1, "no timer armed: {running:?}");
    assert_eq!(guard.state(), State::Active);
    drop(guard);
    assert_eq!(live(), before, "listeners or timers left after drop");
    sleep(50).await;
    assert!(ends.get().is_empty(), "dropping signed out");
}

#[wasm_bindgen_test]
async fn destroy_is_drop() {
    let before = live();
    let guard = Guard::start(Ends::default().options("destroy")).unwrap();
    guard.destroy();
    assert_eq!(live(), before, "listeners or timers left after destroy()");
}

#[wasm_bindgen_test]
async fn a_forgotten_guard_keeps_running_and_ends_once() {
    let before = live();
    let before_types = live_types();
    let ends = Ends::default();
    let warnings = Rc::new(Cell::new(0));
    let w = warnings.clone();
    Guard::start(
        Options {
            idle_timeout: Some(Duration::from_millis(120)),
            warn_before: Duration::from_millis(60),
            ..ends.options("forget")
        }
        .on_warning(move |e| {
            assert_eq!(e.reason, Reason::Idle);
            w.set(w.get() + 1);
        }),
    )
    .unwrap()
    .forget();
    assert!(live().0 > before.0, "a forgotten guard has no listener");
    sleep(600).await;
    let got = ends.get();
    assert_eq!(got.len(), 1, "on_sign_out calls: {got:?}");
    assert_eq!(got[0].reason, Reason::Idle);
    assert!(!got[0].remote);
    assert_eq!(warnings.get(), 1, "on_warning calls");
    // After the end the guard keeps one listener, `pageshow` (a page shown
    // again by the back-forward cache tells the end once more), and no
    // timer.
    assert_eq!(
        live(),
        (before.0 + 1, before.1),
        "listeners or timers left after the end"
    );
    let mut expected = before_types;
    expected.push("pageshow".to_string());
    expected.sort();
    assert_eq!(live_types(), expected);
}

#[wasm_bindgen_test]
async fn the_first_callbacks_run_after_start_returns() {
    // A callback may reach the guard: it runs only once `start` returned.
    let slot: Rc<RefCell<Option<Guard>>> = Rc::default();
    let seen = Rc::new(Cell::new(None));
    let (s, seen2) = (slot.clone(), seen.clone());
    let guard = Guard::start(
        Options {
            started_at: Some(js_sys::Date::now() as u64 - 10_000),
            max_duration: Some(Duration::from_secs(1)),
            idle_timeout: Some(Duration::from_secs(1)),
            ..Ends::default().options("first")
        }
        .on_sign_out(move |e| {
            // The session lay past its end at start: it ends at once.
            seen2.set(Some((e.reason, s.borrow().as_ref().map(Guard::state))));
        }),
    )
    .unwrap();
    *slot.borrow_mut() = Some(guard);
    sleep(10).await;
    assert_eq!(seen.get(), Some((Reason::Absolute, Some(State::SignedOut))));
}

fn refused(options: Options) -> OptionsError {
    match Guard::start(options.on_sign_out(|_| {})) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[wasm_bindgen_test]
fn bad_options_are_typed_errors_naming_the_option() {
    let minute = Duration::from_secs(60);
    let cases: Vec<(Options, &str, &str)> = vec![
        (
            Options {
                idle_timeout: None,
                max_duration: None,
                ..Options::default()
            },
            "idle_timeout",
            "nothing to enforce",
        ),
        (
            Options {
                idle_timeout: Some(minute * 10),
                max_duration: Some(minute),
                ..Options::default()
            },
            "idle_timeout",
            "may not exceed max_duration",
        ),
        (
            Options {
                idle_timeout: Some(minute),
                warn_before: minute,
                ..Options::default()
            },
            "warn_before",
            "idle_timeout = 60000 ms",
        ),
        (
            Options {
                remember_me: true,
                remember_me_period: Some(minute),
                warn_before: minute * 2,
                ..Options::default()
            },
            "warn_before",
            "remember_me_period = 60000 ms",
        ),
        (
            Options {
                idle_timeout: Some(Duration::from_micros(1500)),
                ..Options::default()
            },
            "idle_timeout",
            "whole number of milliseconds",
        ),
        (
            Options {
                events: vec![],
                ..Options::default()
            },
            "events",
            "must not be empty",
        ),
        (
            Options {
                storage_key: String::new(),
                ..Options::default()
            },
            "storage_key",
            "must not be empty",
        ),
        (
            Options {
                started_at: Some(1_700_000_000),
                ..Options::default()
            },
            "started_at",
            "seconds",
        ),
        (
            Options {
                keep_alive: Some(minute),
                ..Options::default()
            },
            "keep_alive",
            "on_keep_alive",
        ),
        (
            Options::default().keep_alive(Duration::ZERO, |_, _| {}),
            "keep_alive",
            "positive",
        ),
        (
            Options {
                keep_alive: None,
                ..Options::default().keep_alive(minute, |_, _| {})
            },
            "on_keep_alive",
            "keep_alive is off",
        ),
    ];
    for (options, option, words) in cases {
        let e = refused(options);
        assert_eq!(e.option, option, "{e}");
        let shown = e.to_string();
        assert!(shown.starts_with("session-guard: "), "{shown}");
        assert!(shown.contains(words), "{shown:?} lacks {words:?}");
        let _: &dyn std::error::Error = &e;
    }
    let e = Guard::start(Options::default()).unwrap_err();
    assert_eq!(e.option, "on_sign_out");
}

#[wasm_bindgen_test]
async fn guards_share_a_session_by_storage_key_only() {
    let (a, b, other) = (Ends::default(), Ends::default(), Ends::default());
    let shared = key("shared");
    let g1 = Guard::start(Options {
        storage_key: shared.clone(),
        ..a.options("")
    })
    .unwrap();
    let g2 = Guard::start(Options {
        storage_key: shared,
        ..b.options("")
    })
    .unwrap();
    let g3 = Guard::start(other.options("other")).unwrap();
    g1.sign_out();
    sleep(100).await;
    assert_eq!(a.get().len(), 1);
    assert_eq!(
        (a.get()[0].reason, a.get()[0].remote),
        (Reason::Manual, false)
    );
    let got = b.get();
    assert_eq!(got.len(), 1, "the other guard of the session did not end");
    assert_eq!((got[0].reason, got[0].remote), (Reason::Manual, true));
    assert_eq!(g2.state(), State::SignedOut);
    assert!(other.get().is_empty(), "a guard of another key ended");
    assert_eq!(g3.state(), State::Active);
}

#[wasm_bindgen_test]
async fn sync_applies_the_servers_deadlines_and_refuses_seconds() {
    let ends = Ends::default();
    let guard = Guard::start(ends.options("sync")).unwrap();
    let err = guard
        .sync(ServerSync {
            expires_at: Some(1_700_000_000),
            ..ServerSync::default()
        })
        .unwrap_err();
    assert_eq!(err.field, "expiresAt");
    assert_eq!(
        guard.state(),
        State::Active,
        "a refused sync changed something"
    );
    // The server's clock runs an hour ahead; its end is a minute away.
    let now = js_sys::Date::now() as u64;
    let server_now = now + 3_600_000;
    guard
        .sync(ServerSync {
            expires_at: Some(server_now + 60_000),
            now: Some(server_now),
            ..ServerSync::default()
        })
        .unwrap();
    let left = guard.remaining().unwrap();
    assert!(
        left <= Duration::from_secs(60) && left > Duration::from_secs(55),
        "{left:?}"
    );
    let end = guard.snapshot().server_expires_at.unwrap();
    assert!(
        end.abs_diff(now + 60_000) < 2_000,
        "{end} vs {}",
        now + 60_000
    );
    guard
        .sync(ServerSync {
            expires_at: Some(now - 1_000),
            ..ServerSync::default()
        })
        .unwrap();
    sleep(10).await;
    assert_eq!(ends.get().len(), 1);
    assert_eq!(ends.get()[0].reason, Reason::Absolute);
}

#[wasm_bindgen_test]
async fn keep_alive_replies_from_a_future_and_errors_go_to_on_error() {
    let calls = Rc::new(Cell::new(0));
    let errors: Rc<RefCell<Vec<String>>> = Rc::default();
    let (c, e) = (calls.clone(), errors.clone());
    let guard = Guard::start(
        Ends::default()
            .options("keep-alive")
            .keep_alive(Duration::from_millis(100), move |event, reply| {
                c.set(c.get() + 1);
                assert!(event.last_activity > 0);
                let n = c.get();
                wasm_bindgen_futures::spawn_local(async move {
                    sleep(20).await;
                    if n == 1 {
                        let now = js_sys::Date::now() as u64;
                        reply.sync(ServerSync {
                            idle_expires_at: Some(now + 30_000),
                            now: Some(now),
                            ..ServerSync::default()
                        });
                    } else {
                        reply.failed(js_sys::Error::new("server down"));
                    }
                });
            })
            .on_error(move |err: GuardError| e.borrow_mut().push(err.to_string())),
    )
    .unwrap();
    // Activity before the period's end: the keep-alive is due at 100 ms.
    sleep(10).await;
    guard.touch();
    sleep(140).await;
    assert_eq!(calls.get(), 1, "keep-alive calls at 150 ms");
    let idle_end = guard.snapshot().server_idle_expires_at;
    assert!(idle_end.is_some(), "the reply's deadlines were not applied");
    // No activity since: none is due, however long.
    sleep(110).await;
    assert_eq!(calls.get(), 1, "a keep-alive without activity");
    // The first activity after the period calls at once.
    guard.touch();
    sleep(60).await;
    assert_eq!(calls.get(), 2, "keep-alive calls");
    assert_eq!(
        errors.borrow().as_slice(),
        ["session-guard: the keep-alive failed: Error: server down"]
    );
    assert_eq!(
        guard.state(),
        State::Active,
        "a failed keep-alive signed out"
    );
}

#[wasm_bindgen_test]
async fn nothing_but_errors_is_told_after_a_callback_ended_the_session() {
    // Storage throws when read, so the start reports an error first; the
    // session is 10 s from its absolute end, so the same start then opens
    // the warning. The app's
    // on_error signs out: the warning queued behind it must not follow.
    let proto = Reflect::get(&js_sys::global(), &"Storage".into()).unwrap();
    let proto = Reflect::get(&proto, &"prototype".into()).unwrap();
    let real = Reflect::get(&proto, &"getItem".into()).unwrap();
    let thrower = Function::new_no_args("throw new DOMException('denied', 'SecurityError')");
    Reflect::set(&proto, &"getItem".into(), &thrower).unwrap();

    let slot: Rc<RefCell<Option<Guard>>> = Rc::default();
    let (warnings, errors) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    let ends = Ends::default();
    let (w, e, s) = (warnings.clone(), errors.clone(), slot.clone());
    let guard = Guard::start(
        Options {
            started_at: Some(js_sys::Date::now() as u64 - 50_000),
            max_duration: Some(Duration::from_secs(60)),
            idle_timeout: Some(Duration::from_secs(30)),
            warn_before: Duration::from_secs(20),
            ..ends.options("ended-in-callback")
        }
        .on_warning(move |_| w.set(w.get() + 1))
        .on_error(move |_| {
            e.set(e.get() + 1);
            if let Some(g) = s.borrow().as_ref() {
                g.sign_out();
            }
        }),
    );
    *slot.borrow_mut() = Some(guard.unwrap());
    sleep(20).await;
    Reflect::set(&proto, &"getItem".into(), &real).unwrap();
    assert_eq!(errors.get(), 1, "the storage failure");
    let got = ends.get();
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].reason, Reason::Manual);
    assert_eq!(warnings.get(), 0, "a warning after the end");
}

/// A storage key no other test uses.
fn key(name: &str) -> String {
    unique_key("rust-api", name)
}

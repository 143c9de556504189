//! What the browser tests share: waiting for a condition (never a fixed
//! sleep: the machine may be slow), and a fake clock that makes the guard's
//! timers fire exactly when a test says.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
#[wasm_bindgen(module = "/tests/common/listeners.js")]
extern "C" {
    /// The listener counter every test layer shares.
    type Counter;

    /// Installs the counter in the page (once; later calls return it).
    #[wasm_bindgen(js_name = countListeners)]
    fn count_listeners() -> Counter;

    /// The listeners registered now, on `target` (all when undefined).
    #[wasm_bindgen(method)]
    fn listeners(this: &Counter, target: &JsValue) -> Array;
}

/// The types of the listeners now registered on `target`, or in the whole
/// page when it is undefined. Counts from the first call on: make one
/// before the guard is made.
pub fn listener_types(target: &JsValue) -> Vec<String> {
    count_listeners()
        .listeners(target)
        .iter()
        .map(|e| {
            Reflect::get(&e, &JsValue::from_str("type"))
                .unwrap()
                .as_string()
                .unwrap()
        })
        .collect()
}

/// `o[key] = v`.
pub fn set(o: &JsValue, key: &str, v: impl Into<JsValue>) {
    Reflect::set(o, &JsValue::from_str(key), &v.into()).unwrap();
}

/// `o[key]`.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap()
}

/// A trusted-enough `ping` event on `target` (the tests' activity event).
pub fn ping(target: &web_sys::EventTarget) {
    target
        .dispatch_event(&web_sys::Event::new("ping").unwrap())
        .unwrap();
}

/// The message of the `Error` `e` (fails if it is none).
pub fn message(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| panic!("not an Error: {e:?}"))
}

/// A storage key no other test uses: `prefix-name-random`.
pub fn unique_key(prefix: &str, name: &str) -> String {
    format!("{prefix}-{name}-{}", js_sys::Math::random())
}

/// Bytes of wasm memory the module has grown to.
pub fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buffer: js_sys::ArrayBuffer = memory.buffer().unchecked_into();
    buffer.byte_length() as f64
}

/// Everything the callbacks a test gives a guard received, by name.
#[derive(Clone, Default)]
pub struct Log(pub Rc<RefCell<Vec<(String, JsValue)>>>);

impl Log {
    /// A JS callback that logs what it receives under `name`.
    pub fn callback(&self, name: &str) -> JsValue {
        let log = self.clone();
        let name = name.to_string();
        Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
            log.0.borrow_mut().push((name.clone(), e));
        })
        .into_js_value()
    }

    /// How many times the callback `name` was called.
    pub fn count(&self, name: &str) -> usize {
        self.0.borrow().iter().filter(|(n, _)| n == name).count()
    }

    /// What the first call of `name` received (`undefined`: none).
    pub fn first(&self, name: &str) -> JsValue {
        let log = self.0.borrow();
        let found = log.iter().find(|(n, _)| n == name);
        found.map_or(JsValue::UNDEFINED, |(_, e)| e.clone())
    }
}

/// Waits `ms` of real time (the real `setTimeout`, also under a fake
/// clock), letting the page run.
pub async fn sleep(ms: i32) {
    let wait = Function::new_with_args(
        "ms",
        "const set = globalThis.__clock ? globalThis.__clock.real.set : setTimeout;
         return new Promise((resolve) => set(resolve, ms));",
    );
    let promise = wait.call1(&JsValue::UNDEFINED, &ms.into()).unwrap();
    JsFuture::from(promise.unchecked_into::<js_sys::Promise>())
        .await
        .unwrap();
}

/// Waits until `done()` holds, letting the page run; fails after a minute
/// of real time (a bound for a hung test, not a timing assertion).
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    for _ in 0..6_000 {
        if done() {
            return;
        }
        sleep(10).await;
    }
    panic!("still waiting, after a minute, for {what}");
}

/// Waits until the page's clock has moved on from `from` (epoch ms).
pub async fn until_clock_moves(from: f64) {
    until("the clock to move", || js_sys::Date::now() > from).await;
}

/// A fake clock: while it lives, `Date.now()`, `setTimeout` and
/// `clearTimeout` (what the guard reads and arms) run on it, and only
/// [`Clock::tick`] moves it on. Dropping it puts the real ones back.
pub struct Clock(JsValue);

impl Clock {
    pub fn install() -> Clock {
        let install = Function::new_no_args(
            r#"
            const g = globalThis;
            if (g.__clock) throw new Error("a fake clock is installed already");
            const real = { now: Date.now, set: g.setTimeout, clear: g.clearTimeout };
            let now = Math.floor(real.now());
            let next = 1;
            const timers = new Map();
            Date.now = () => now;
            g.setTimeout = (f, ms, ...args) => {
              const id = next++;
              timers.set(id, { id, at: now + Math.max(0, Number(ms) || 0), f, args });
              return id;
            };
            g.clearTimeout = (id) => void timers.delete(id);
            return (g.__clock = {
              real,
              now: () => now,
              pending: () => timers.size,
              tick(ms) {
                const end = now + ms;
                for (;;) {
                  let first;
                  for (const t of timers.values()) {
                    if (t.at <= end && (!first || t.at < first.at || (t.at === first.at && t.id < first.id))) first = t;
                  }
                  if (!first) break;
                  timers.delete(first.id);
                  now = Math.max(now, first.at);
                  first.f(...first.args);
                }
                now = end;
              },
              restore() {
                Date.now = real.now;
                g.setTimeout = real.set;
                g.clearTimeout = real.clear;
                delete g.__clock;
              },
            });
            "#,
        );
        Clock(install.call0(&JsValue::UNDEFINED).unwrap())
    }

    fn method(&self, name: &str) -> Function {
        js_sys::Reflect::get(&self.0, &name.into())
            .unwrap()
            .unchecked_into()
    }

    /// Moves the clock on by `ms`, firing every timer that falls due, in
    /// order, at its time.
    pub fn tick(&self, ms: u64) {
        self.method("tick")
            .call1(&self.0, &(ms as f64).into())
            .unwrap();
    }

    /// The clock's time, epoch ms.
    pub fn now(&self) -> u64 {
        self.method("now").call0(&self.0).unwrap().as_f64().unwrap() as u64
    }

    /// Timers armed and not yet fired or cleared.
    pub fn pending(&self) -> u32 {
        self.method("pending")
            .call0(&self.0)
            .unwrap()
            .as_f64()
            .unwrap() as u32
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        let _ = self.method("restore").call0(&self.0);
    }
}

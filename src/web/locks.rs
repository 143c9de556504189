//! Web Locks: a paused tab holds a shared lock named after the session; the
//! browser drops it when the page goes away, so a closed tab never leaves the
//! session held. Other tabs wait for its end with an exclusive request; a tab
//! that finds a `held` flag in the stored record checks it with `query()`.

use alloc::string::String;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell};

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::once;

#[wasm_bindgen]
extern "C" {
    /// `navigator.locks`.
    pub type LockManager;

    #[wasm_bindgen(method, catch)]
    pub(super) fn request(
        this: &LockManager,
        name: &str,
        options: &JsValue,
        callback: &JsValue,
    ) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn query(this: &LockManager) -> Result<Thenable, JsValue>;

    /// Any promise, seen only through its `then`.
    pub type Thenable;

    #[wasm_bindgen(method)]
    fn then(this: &Thenable, on_fulfilled: &JsValue) -> JsValue;
}

/// `navigator.locks`, where the browser has it.
pub fn lock_manager() -> Option<LockManager> {
    let navigator = web_sys::window()?.navigator();
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    locks.is_object().then(|| locks.unchecked_into())
}

fn mode(exclusive: bool) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(
        &o,
        &JsValue::from_str("mode"),
        &JsValue::from_str(if exclusive { "exclusive" } else { "shared" }),
    );
    o.into()
}

/// This tab's hold, from request until `Drop`, which releases it (or cancels
/// a request not yet granted).
pub struct Hold {
    release: Rc<RefCell<Option<Function>>>,
    cancelled: Rc<Cell<bool>>,
}

impl Hold {
    /// Requests the shared lock `name`; `granted` runs once it is held.
    pub fn take(locks: &LockManager, name: &str, granted: impl FnOnce() + 'static) -> Hold {
        let release = Rc::new(RefCell::new(None));
        let cancelled = Rc::new(Cell::new(false));
        let (slot, gone) = (release.clone(), cancelled.clone());
        let callback = once(move |_lock| {
            if gone.get() {
                return JsValue::UNDEFINED; // released before it was granted
            }
            let promise = Promise::new(&mut |resolve, _| *slot.borrow_mut() = Some(resolve));
            granted();
            promise.into()
        });
        let _ = locks.request(name, &mode(false), &callback);
        Hold { release, cancelled }
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        self.cancelled.set(true);
        if let Some(resolve) = self.release.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Calls `answer(held)`: whether any tab of the origin holds `name`.
pub fn probe(locks: &LockManager, name: String, answer: impl FnOnce(bool) + 'static) {
    let on_state = once(move |state| {
        let held = Reflect::get(&state, &JsValue::from_str("held"))
            .ok()
            .and_then(|h| h.dyn_into::<Array>().ok())
            .is_some_and(|held| {
                held.iter().any(|l| {
                    Reflect::get(&l, &JsValue::from_str("name"))
                        .ok()
                        .and_then(|n| n.as_string())
                        == Some(name.clone())
                })
            });
        answer(held);
        JsValue::UNDEFINED
    });
    match locks.query() {
        Ok(p) => {
            p.then(&on_state);
        }
        Err(_) => {
            let _ = on_state
                .unchecked_ref::<Function>()
                .call1(&JsValue::UNDEFINED, &JsValue::UNDEFINED);
        }
    }
}

/// Calls `released()` once no tab holds `name` (an exclusive request is
/// granted only then), and lets go at once.
pub fn await_release(locks: &LockManager, name: &str, released: impl FnOnce() + 'static) {
    let callback = once(move |_lock| {
        released();
        JsValue::UNDEFINED
    });
    let _ = locks.request(name, &mode(true), &callback);
}

//! The shell's side of following the server: calling `onKeepAlive` and
//! taking its answer, the keep-alive lock, and reading `sync()`'s argument.

use alloc::{boxed::Box, rc::Rc};
use core::cell::RefCell;

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dom::once;
use super::locks::Locks;
use crate::core::{ServerSync, SyncError};

#[wasm_bindgen]
extern "C" {
    /// Any promise-like value, seen only through its `then`.
    pub type Thenable;

    #[wasm_bindgen(method, js_name = then)]
    pub fn settle(this: &Thenable, on_fulfilled: &JsValue, on_rejected: &JsValue) -> JsValue;
}

/// The session's keep-alive lock while this tab holds it; `Drop` releases it.
pub struct KeepAliveLock {
    release: Rc<RefCell<Option<Function>>>,
}

impl Drop for KeepAliveLock {
    fn drop(&mut self) {
        if let Some(resolve) = self.release.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// Asks for the session's keep-alive lock only if no tab holds it; calls
/// `answer(Some(lock), None)` once it is held, `answer(None, None)` if
/// another tab has it, `answer(None, Some(error))` if the request failed.
pub fn claim(locks: &Locks, answer: impl FnOnce(Option<KeepAliveLock>, Option<JsValue>) + 'static) {
    let answer = Rc::new(RefCell::new(Some(answer)));
    let reply = answer.clone();
    let granted = once(move |lock| {
        let Some(answer) = reply.borrow_mut().take() else {
            return JsValue::UNDEFINED;
        };
        if lock.is_null() {
            answer(None, None);
            return JsValue::UNDEFINED;
        }
        let release = Rc::new(RefCell::new(None));
        let slot = release.clone();
        let held = Promise::new(&mut |resolve, _| *slot.borrow_mut() = Some(resolve));
        answer(Some(KeepAliveLock { release }), None);
        held.into()
    });
    // A request that throws is answered from a reaction too: never under the
    // shell's borrow.
    when_settled(locks.claim_keep_alive(&granted), move |result| {
        if let Err(e) = result {
            if let Some(answer) = answer.borrow_mut().take() {
                answer(None, Some(e));
            }
        }
    });
}

#[wasm_bindgen]
extern "C" {
    /// `Promise.allSettled`: fulfills with `[{ status, value | reason }]`.
    #[wasm_bindgen(js_namespace = Promise, js_name = allSettled)]
    fn all_settled(promises: &Array) -> Thenable;

    #[wasm_bindgen(js_namespace = Promise, js_name = reject)]
    fn rejected(reason: &JsValue) -> JsValue;
}

/// `o[key]`, `undefined` when it cannot be read.
pub fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(key)).unwrap_or_default()
}

/// Calls `f` once `result` settles (a value, a promise or thenable, or what
/// a call threw as `Err`), always from a promise reaction, so never inside
/// the call that asked. One JS function, which is always called: a reaction
/// that never runs would keep its closure for the page's life.
pub fn when_settled(
    result: Result<JsValue, JsValue>,
    f: impl FnOnce(Result<JsValue, JsValue>) + 'static,
) {
    settle_boxed(result, Box::new(f));
}

/// `when_settled`, once for all its callers (each closure type costs size).
fn settle_boxed(result: Result<JsValue, JsValue>, f: Box<dyn FnOnce(Result<JsValue, JsValue>)>) {
    let promise = result.unwrap_or_else(|e| rejected(&e));
    let on_settled = once(move |all| {
        let outcome = get(&all, "0");
        f(if get(&outcome, "status") == "fulfilled" {
            Ok(get(&outcome, "value"))
        } else {
            Err(get(&outcome, "reason"))
        });
        JsValue::UNDEFINED
    });
    all_settled(&Array::of1(&promise)).settle(&on_settled, &JsValue::UNDEFINED);
}

/// `value` itself when it is a thenable (has a `then` function).
pub fn thenable(value: &JsValue) -> Option<&Thenable> {
    let then = Reflect::get(value, &"then".into()).ok()?;
    (value.is_object() && then.is_function()).then(|| value.unchecked_ref())
}

/// Reads `sync()`'s argument (or an object `onKeepAlive` resolved to):
/// `expiresAt`, `idleExpiresAt`, `now`, each `null` or `undefined` when not
/// given; unknown fields are ignored. Bad input is a JS `Error` naming the
/// field.
pub fn read_sync(value: &JsValue) -> Result<ServerSync, JsValue> {
    let fail = |what: &str| -> JsValue {
        js_sys::Error::new(&["session-guard: sync() ", what].concat()).into()
    };
    if !value.is_object() || value.is_function() {
        return Err(fail(
            "takes an object { expiresAt, idleExpiresAt, now } of epoch ms",
        ));
    }
    let mut numbers = [None; 3];
    for (slot, field) in numbers
        .iter_mut()
        .zip(["expiresAt", "idleExpiresAt", "now"])
    {
        let v = Reflect::get(value, &field.into()).unwrap_or(JsValue::UNDEFINED);
        if v.is_null() || v.is_undefined() {
            continue;
        }
        *slot = Some(v.as_f64().ok_or_else(|| fail(&problem(field)))?);
    }
    ServerSync::from_numbers(numbers[0], numbers[1], numbers[2])
        .map_err(|SyncError { field }| fail(&problem(field)))
}

fn problem(field: &str) -> alloc::string::String {
    [field, " ", SyncError::PROBLEM].concat()
}

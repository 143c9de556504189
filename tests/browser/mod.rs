//! What the browser tests share.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
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

/// Waits `ms` of real time (a `setTimeout`), letting the page run.
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

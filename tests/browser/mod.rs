//! What the browser tests share.

use wasm_bindgen_futures::JsFuture;

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

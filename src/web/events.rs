//! The JS values of the events and snapshots: serde-wasm-bindgen
//! serializes the same Rust structs that Rust callbacks receive, with the
//! contract's field names and times as numbers (epoch ms).

use js_sys::{Object, Reflect};
use serde::ser::{Serialize, Serializer};
use wasm_bindgen::JsValue;

use super::api::{num, Value};
use crate::core::Snapshot;

/// A plain object with these fields.
pub fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// `value` as a JS value: structs become plain objects, `None` is `null`.
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(
            &serde_wasm_bindgen::Serializer::new()
                .serialize_missing_as_null(true)
                .serialize_maps_as_objects(true),
        )
        .unwrap_or(JsValue::UNDEFINED)
}

/// `snapshot()`'s object (`SessionSnapshot` in the types): times in epoch
/// ms, `null` where there is none; an end that nothing sets is `Infinity`.
impl Serialize for Snapshot {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let time = |t: Option<u64>| t.map_or(Value::Null, num);
        let endless = |t: Option<u64>| t.map_or(Value::Num(f64::INFINITY), num);
        let warning = self
            .warning
            .map(|(r, at)| [("reason", Value::Str(r.as_str())), ("expiresAt", num(at))]);
        let ended = self
            .ended
            .map(|e| [("reason", Value::Str(e.reason.as_str())), ("at", num(e.at))]);
        fn obj<'a>(o: &'a Option<[(&'static str, Value<'static>); 2]>) -> Value<'a> {
            o.as_ref().map_or(Value::Null, |f| Value::Obj(f))
        }
        Value::Obj(&[
            ("state", Value::Str(self.state.as_str())),
            ("startedAt", num(self.started_at)),
            ("lastActivity", num(self.last_activity)),
            ("rememberMe", Value::Bool(self.remember_me)),
            ("idleWindowMs", time(self.idle_window)),
            ("idleExpiresAt", time(self.idle_expires_at)),
            ("absoluteExpiresAt", time(self.absolute_expires_at)),
            ("serverExpiresAt", time(self.server_expires_at)),
            ("serverIdleExpiresAt", time(self.server_idle_expires_at)),
            ("expiresAt", endless(self.expires_at)),
            ("remainingMs", endless(self.remaining_ms)),
            ("warning", obj(&warning)),
            ("held", Value::Bool(self.held)),
            ("signedOut", obj(&ended)),
        ])
        .serialize(s)
    }
}

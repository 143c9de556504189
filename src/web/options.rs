//! Reading the JS options object: known keys only, JS types checked here,
//! numeric rules checked by the core.

use alloc::{string::String, string::ToString};

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::EventTarget;

use crate::core::{Config, Opt, OptionError, RawOptions, DEFAULT_EVENTS, DEFAULT_STORAGE_KEY};

/// The JS callbacks.
pub struct Callbacks {
    pub on_sign_out: Function,
    pub on_warning: Option<Function>,
    pub on_activity: Option<Function>,
    pub on_error: Option<Function>,
    pub on_keep_alive: Option<Function>,
}

/// Everything the shell needs from the options object.
pub struct Options {
    pub config: Config,
    pub events: Array,
    pub target: EventTarget,
    pub allow_synthetic: bool,
    pub storage_key: String,
    pub callbacks: Callbacks,
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `String(value)`: how JS prints any value.
    #[wasm_bindgen(js_name = String)]
    fn js_string(value: &JsValue) -> String;
}

/// A JS `Error` whose message names the option and the value.
fn error(option: &str, problem: &str, value: &JsValue) -> JsValue {
    let shown = match value.as_string() {
        Some(s) => ["\"", &s, "\""].concat(),
        // `String(["a", null])` would hide the null: arrays print as JSON.
        None if Array::is_array(value) => js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| js_string(value)),
        None => js_string(value),
    };
    let message = [
        "session-guard: ",
        option,
        " ",
        problem,
        " (got ",
        &shown,
        ")",
    ]
    .concat();
    js_sys::Error::new(&message).into()
}

struct Reader<'a> {
    options: &'a JsValue,
}

impl Reader<'_> {
    /// The value, or `None` when absent or `undefined`.
    fn get(&self, option: Opt) -> Option<JsValue> {
        Reflect::get(self.options, &JsValue::from_str(option.name()))
            .ok()
            .filter(|v| !v.is_undefined())
    }

    fn number(&self, key: Opt) -> Result<Option<f64>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) => Ok(Some(n)),
                None => Err(error(key.name(), "must be a number", &v)),
            },
        }
    }

    fn boolean(&self, key: Opt) -> Result<bool, JsValue> {
        match self.get(key) {
            None => Ok(key.default_flag()),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| error(key.name(), "must be true or false", &v)),
        }
    }

    fn callback(&self, key: Opt) -> Result<Option<Function>, JsValue> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .dyn_into::<Function>()
                .map(Some)
                .map_err(|v| error(key.name(), "must be a function", &v)),
        }
    }
}

/// Reads and validates the options object at time `now`.
pub fn read(options: &JsValue) -> Result<Options, JsValue> {
    if !options.is_object() || options.is_function() {
        return Err(error(
            "options",
            "must be an object with at least onSignOut",
            options,
        ));
    }
    let object: &Object = options.unchecked_ref();
    for key in Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        if Opt::named(&name).is_none() {
            let value = Reflect::get(options, &key).unwrap_or(JsValue::UNDEFINED);
            return Err(error(&name, "is not a known option", &value));
        }
    }
    let r = Reader { options };
    let on_keep_alive = r.callback(Opt::OnKeepAlive)?;
    let raw = RawOptions {
        idle_timeout_ms: r.number(Opt::IdleTimeoutMs)?,
        max_duration_ms: r.number(Opt::MaxDurationMs)?,
        remember_me_period_ms: r.number(Opt::RememberMePeriodMs)?,
        warn_before_ms: r.number(Opt::WarnBeforeMs)?,
        started_at: r.number(Opt::StartedAt)?,
        remember_me: r.boolean(Opt::RememberMe)?,
        cross_tab: r.boolean(Opt::CrossTab)?,
        keep_alive_ms: r.number(Opt::KeepAliveMs)?,
        on_keep_alive: on_keep_alive.is_some(),
        confirm_to_stay: r.boolean(Opt::ConfirmToStay)?,
    };
    let config = raw.validate().map_err(|OptionError { option, problem }| {
        error(
            option,
            problem,
            &Opt::named(option)
                .and_then(|o| r.get(o))
                .unwrap_or(JsValue::UNDEFINED),
        )
    })?;
    let events = match r.get(Opt::Events) {
        None => super::dom::strings(&DEFAULT_EVENTS),
        // A copy: a later change to the caller's array changes nothing.
        Some(v) => match v.dyn_ref::<Array>().map(|a| a.slice(0, a.length())) {
            Some(list) if list.length() > 0 && list.iter().all(|e| e.is_string()) => list,
            _ => {
                return Err(error(
                    "events",
                    "must be a non-empty array of event type strings",
                    &v,
                ))
            }
        },
    };
    let target = match r.get(Opt::Target) {
        None => web_sys::window()
            .and_then(|w| w.document())
            .map(Into::into)
            .ok_or_else(|| {
                error(
                    "target",
                    "has no default: there is no document",
                    &JsValue::NULL,
                )
            })?,
        Some(v) => v
            .dyn_into::<EventTarget>()
            .map_err(|v| error("target", "must be an EventTarget", &v))?,
    };
    let storage_key = match r.get(Opt::StorageKey) {
        None => DEFAULT_STORAGE_KEY.to_string(),
        Some(v) => match v.as_string() {
            Some(s) if !s.is_empty() => s,
            _ => return Err(error("storageKey", "must be a non-empty string", &v)),
        },
    };
    let on_sign_out = r
        .callback(Opt::OnSignOut)?
        .ok_or_else(|| error("onSignOut", "is required: a function", &JsValue::UNDEFINED))?;
    Ok(Options {
        config,
        events,
        target,
        allow_synthetic: r.boolean(Opt::AllowSyntheticEvents)?,
        storage_key,
        callbacks: Callbacks {
            on_sign_out,
            on_warning: r.callback(Opt::OnWarning)?,
            on_activity: r.callback(Opt::OnActivity)?,
            on_error: r.callback(Opt::OnError)?,
            on_keep_alive,
        },
    })
}

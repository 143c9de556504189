//! Reading the JS options object: known keys only, JS types checked here,
//! numeric rules checked by the core. The JS functions become the shell's
//! callbacks, which hand them the events as JS values.

use alloc::{rc::Rc, string::String, string::ToString};

use js_sys::{Array, Function, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::EventTarget;

use super::{events, io, keep_alive, Callbacks, GuardError, Handler, KeepAliveReply, Setup};
use crate::core::{decimal, Opt, OptionError, RawOptions, DEFAULT_EVENTS, DEFAULT_STORAGE_KEY};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// `String(value)`: how JS prints any value.
    #[wasm_bindgen(js_name = String)]
    pub(super) fn js_string(value: &JsValue) -> String;
}

/// A JS `Error` whose message names the option and the value.
fn error(option: &str, problem: &str, value: &JsValue) -> JsValue {
    js_sys::Error::new(&message(option, problem, value)).into()
}

/// The message that names the option and the value.
fn message(option: &str, problem: &str, value: &JsValue) -> String {
    let shown = match value.as_string() {
        Some(s) => ["\"", &s, "\""].concat(),
        // `String(["a", null])` would hide the null: arrays print as JSON.
        None if Array::is_array(value) => js_sys::JSON::stringify(value)
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_else(|| js_string(value)),
        None => js_string(value),
    };
    [
        "session-guard: ",
        option,
        " ",
        problem,
        " (got ",
        &shown,
        ")",
    ]
    .concat()
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

/// A JS function as a callback of the shell: it gets the event as a JS
/// value; what it throws comes back as `Err`.
fn handler<T: Serialize + 'static>(f: Function) -> Handler<T> {
    Rc::new(move |e: T| io::call(&f, &events::to_js(&e)).map(drop))
}

/// `onKeepAlive`: a Promise it returns is awaited, and an object it (or the
/// call) gives is applied as `sync`; a throw, a rejection or a bad answer
/// counts as a failed call and is reported (before the call ends).
fn keep_alive_handler(f: Function) -> Handler<(super::KeepAlive, KeepAliveReply)> {
    Rc::new(move |(e, reply)| {
        match io::call(&f, &events::to_js(&e)) {
            Err(thrown) => reply.failed(thrown),
            Ok(value) if keep_alive::thenable(&value).is_none() => answer(reply, value),
            Ok(promise) => keep_alive::when_settled(Ok(promise), move |outcome| match outcome {
                Ok(value) => answer(reply, value),
                Err(e) => reply.failed(e),
            }),
        }
        Ok(())
    })
}

/// What `onKeepAlive` gave: an object is the server's deadlines.
fn answer(reply: KeepAliveReply, value: JsValue) {
    if !value.is_object() {
        return reply.done();
    }
    match keep_alive::read_sync(&value) {
        Ok(sync) => reply.sync(sync),
        Err(e) => reply.failed(e),
    }
}

/// `onError`: what it throws goes to the console.
fn error_handler(f: Function) -> super::Callback<GuardError> {
    Rc::new(move |e: GuardError| {
        if let Err(again) = io::call(&f, &e.to_js()) {
            io::console_error(&again);
        }
    })
}

/// Reads and validates the options object.
pub fn read(options: &JsValue) -> Result<Setup, JsValue> {
    if !options.is_object() || options.is_function() {
        return Err(error(
            "options",
            "must be an object with at least onSignOut",
            options,
        ));
    }
    let object: &Object = options.unchecked_ref();
    // Every unknown option in one error: a typo hides no other.
    let mut unknown = String::new();
    for key in Object::keys(object).iter() {
        let name = key.as_string().unwrap_or_default();
        if Opt::named(&name).is_none() {
            let value = Reflect::get(options, &key).unwrap_or(JsValue::UNDEFINED);
            if !unknown.is_empty() {
                unknown.push_str("; ");
            }
            unknown.push_str(&message(&name, "is not a known option", &value));
        }
    }
    if !unknown.is_empty() {
        return Err(js_sys::Error::new(&unknown).into());
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
        closed_timeout_ms: r.number(Opt::ClosedTimeoutMs)?,
    };
    let config = raw.validate().map_err(
        |OptionError {
             option,
             problem,
             compared,
         }| {
            let compared =
                compared.map(|(other, value)| [" ", other.name(), " = ", &decimal(value)].concat());
            let problem = [problem, compared.as_deref().unwrap_or_default()].concat();
            error(
                option,
                &problem,
                &Opt::named(option)
                    .and_then(|o| r.get(o))
                    .unwrap_or(JsValue::UNDEFINED),
            )
        },
    )?;
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
    Ok(Setup {
        config,
        events,
        target,
        allow_synthetic: r.boolean(Opt::AllowSyntheticEvents)?,
        storage_key,
        callbacks: Callbacks {
            on_sign_out: handler(on_sign_out),
            on_warning: r.callback(Opt::OnWarning)?.map(handler),
            on_activity: r.callback(Opt::OnActivity)?.map(handler),
            on_error: r.callback(Opt::OnError)?.map(error_handler),
            on_keep_alive: on_keep_alive.map(keep_alive_handler),
        },
    })
}

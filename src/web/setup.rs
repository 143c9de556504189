//! The one setup of both APIs: the Rust [`Options`](super::options::Options)
//! and the JS options object are each read into a [`Given`] (the JS types
//! checked by the reader, `js_options.rs`), and [`Given::setup`] checks
//! every rule once, for both: the numeric ones in the core, the others
//! here. A refusal is the core's [`OptionError`], which each API words for
//! its users (the JS names and the value; the Rust fields).

use alloc::string::String;

use js_sys::{Array, Function};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::EventTarget;

use super::error::GuardError;
use super::events::{Activity, Callback, KeepAlive, KeepAliveReply, SignOut, ToJs, Warning};
use super::glue;
use crate::core::{Config, Opt, OptionError, RawOptions, DEFAULT_STORAGE_KEY};

/// What the shell's own rules say (the core's are in
/// [`crate::core::problem`]).
pub mod problem {
    /// `events` empty (or, in JS, not an array of strings).
    pub const EVENTS: &str = "must be a non-empty array of event type strings";
    /// `storageKey` empty (or, in JS, not a string).
    pub const STORAGE_KEY: &str = "must be a non-empty string";
    /// No `onSignOut`.
    pub const SIGN_OUT: &str = "is required: a function";
    /// No `target`, and no document for the default.
    pub const NO_DOCUMENT: &str = "has no default: there is no document";
}

/// A callback of either API: a Rust closure, or a JS function (which may
/// throw: `call` gives back what it threw).
pub(crate) enum Handler<T> {
    Rust(Callback<T>),
    Js(Function),
}

impl<T: ToJs> Handler<T> {
    pub fn call(&self, e: T) -> Result<(), JsValue> {
        match self {
            Handler::Rust(f) => {
                f(e);
                Ok(())
            }
            Handler::Js(f) => glue::call_with(f, &e.to_js()),
        }
    }
}

/// The callbacks, checked.
pub(crate) struct Handlers {
    pub sign_out: Handler<SignOut>,
    pub warning: Option<Handler<Warning>>,
    pub activity: Option<Handler<Activity>>,
    /// `onError` (`None`: `console.error`).
    pub error: Option<Handler<GuardError>>,
    pub keep_alive: Option<Handler<(KeepAlive, KeepAliveReply)>>,
}

/// The options as given, before the rules: `None` is "not given".
pub(crate) struct Given {
    /// The numbers and flags, for the core's rules.
    pub numbers: RawOptions,
    /// The activity event types (in JS, one that is not an array of
    /// strings comes as an empty list, which the rule refuses).
    pub events: Option<Array>,
    pub target: Option<EventTarget>,
    pub allow_synthetic: bool,
    /// The key (in JS, one that is not a string comes as `""`).
    pub storage_key: Option<String>,
    pub sign_out: Option<Handler<SignOut>>,
    pub warning: Option<Handler<Warning>>,
    pub activity: Option<Handler<Activity>>,
    pub error: Option<Handler<GuardError>>,
    pub keep_alive: Option<Handler<(KeepAlive, KeepAliveReply)>>,
}

/// Checked options: everything a guard starts from.
pub(crate) struct Setup {
    pub config: Config,
    /// The activity event types (`None`: the defaults).
    pub events: Option<Array>,
    pub target: EventTarget,
    pub allow_synthetic: bool,
    pub storage_key: String,
    pub handlers: Handlers,
}

fn refused(option: Opt, problem: &'static str) -> OptionError {
    OptionError {
        option: option.name(),
        problem,
        compared: None,
    }
}

/// A JS array of strings (the activity event types).
pub(crate) fn strings<'a>(list: impl IntoIterator<Item = &'a str>) -> Array {
    list.into_iter().map(JsValue::from_str).collect()
}

impl Given {
    /// Checks every rule of the contract.
    pub fn setup(self) -> Result<Setup, OptionError> {
        let config = self.numbers.validate()?;
        let events = match self.events {
            Some(list) if list.length() == 0 => return Err(refused(Opt::Events, problem::EVENTS)),
            events => events,
        };
        let target = match self.target {
            Some(target) => target,
            None => {
                let document = glue::doc();
                if document.is_undefined() {
                    return Err(refused(Opt::Target, problem::NO_DOCUMENT));
                }
                document.unchecked_into()
            }
        };
        let storage_key = match self.storage_key {
            None => DEFAULT_STORAGE_KEY.into(),
            Some(key) if !key.is_empty() => key,
            Some(_) => return Err(refused(Opt::StorageKey, problem::STORAGE_KEY)),
        };
        let Some(sign_out) = self.sign_out else {
            return Err(refused(Opt::OnSignOut, problem::SIGN_OUT));
        };
        Ok(Setup {
            config,
            events,
            target,
            allow_synthetic: self.allow_synthetic,
            storage_key,
            handlers: Handlers {
                sign_out,
                warning: self.warning,
                activity: self.activity,
                error: self.error,
                keep_alive: self.keep_alive,
            },
        })
    }
}

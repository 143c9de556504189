//! The JS options object, read into the one setup (`setup.rs`): `glue.js`
//! reads it (unknown names, JS types, getters and Proxies that throw are its
//! part, and its errors name the option), the rules are the setup's, and a
//! refusal becomes the JS `Error` naming the option and showing its value.
//! Also `sync()`'s argument.

use alloc::string::String;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use super::error::sync_message;
use super::glue;
use super::setup::{Given, Handler, Setup};
use crate::core::{push_int, Opt, OptionError, RawOptions, ServerSync};

/// How `glue.js`'s reader checks each option of [`Opt::ALL`], by position:
/// n a number, b true or false, f a function, t an EventTarget; e (the
/// events) and s (the key) are the rules' to check. Held to the table when
/// compiling (below).
const KINDS: &str = "nnbnnbetbnsbffffnnf";

const fn kind(option: Opt) -> u8 {
    match option {
        Opt::IdleTimeoutMs
        | Opt::MaxDurationMs
        | Opt::RememberMePeriodMs
        | Opt::WarnBeforeMs
        | Opt::StartedAt
        | Opt::ClosedTimeoutMs
        | Opt::KeepAliveMs => b'n',
        Opt::RememberMe | Opt::ConfirmToStay | Opt::AllowSyntheticEvents | Opt::CrossTab => b'b',
        Opt::OnSignOut | Opt::OnWarning | Opt::OnActivity | Opt::OnError | Opt::OnKeepAlive => b'f',
        Opt::Target => b't',
        Opt::Events => b'e',
        Opt::StorageKey => b's',
    }
}

/// The names of [`Opt::ALL`], comma-separated, for the reader: held to the
/// table when compiling (below).
const NAMES: &str = "idleTimeoutMs,maxDurationMs,rememberMe,rememberMePeriodMs,warnBeforeMs,\
confirmToStay,events,target,allowSyntheticEvents,startedAt,storageKey,crossTab,onSignOut,\
onWarning,onActivity,onError,closedTimeoutMs,keepAliveMs,onKeepAlive";

const _: () = {
    let mut names = [""; Opt::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Opt::ALL[i].name();
        i += 1;
    }
    assert!(glue::joined(&names, NAMES));
};

const _: () = {
    assert!(KINDS.len() == Opt::ALL.len());
    let mut i = 0;
    while i < Opt::ALL.len() {
        assert!(KINDS.as_bytes()[i] == kind(Opt::ALL[i]));
        i += 1;
    }
};

/// The options object's values, by the core's table of options.
struct Values(Array);

impl Values {
    fn get(&self, option: Opt) -> JsValue {
        self.0.get(option as u32)
    }

    fn number(&self, option: Opt) -> Option<f64> {
        number_at(&self.0, option as u32)
    }

    /// A flag the reader checked (true, false, or not given).
    fn flag(&self, option: Opt) -> bool {
        let v = self.get(option);
        match v.is_undefined() {
            true => option.default_flag(),
            false => v.is_truthy(),
        }
    }

    /// A function the reader checked (or not given): out of line, one copy
    /// per callback type rather than one inlined per option.
    #[inline(never)]
    fn handler<T>(&self, option: Opt) -> Option<Handler<T>> {
        let f = self.get(option);
        (!f.is_undefined()).then(|| Handler::Js(f.unchecked_into()))
    }
}

/// The number at `i` of an array the reader gave (`None`: not a number).
#[inline(never)]
fn number_at(values: &Array, i: u32) -> Option<f64> {
    values.get(i).as_f64()
}

// The reader's values come in the table's order, which is the enum's.
const _: () = {
    let mut i = 0;
    while i < Opt::ALL.len() {
        assert!(Opt::ALL[i] as usize == i);
        i += 1;
    }
};

/// Reads and checks the options object: the setup, or the `Error` to throw.
pub(crate) fn setup(options: &JsValue) -> Result<Setup, JsValue> {
    let values = Values(glue::settled(glue::read(options, NAMES, KINDS))?);
    let given_events = values.get(Opt::Events);
    let key = values.get(Opt::StorageKey);
    let given = Given {
        numbers: RawOptions {
            idle_timeout_ms: values.number(Opt::IdleTimeoutMs),
            max_duration_ms: values.number(Opt::MaxDurationMs),
            remember_me_period_ms: values.number(Opt::RememberMePeriodMs),
            warn_before_ms: values.number(Opt::WarnBeforeMs),
            started_at: values.number(Opt::StartedAt),
            remember_me: values.flag(Opt::RememberMe),
            cross_tab: values.flag(Opt::CrossTab),
            keep_alive_ms: values.number(Opt::KeepAliveMs),
            on_keep_alive: !values.get(Opt::OnKeepAlive).is_undefined(),
            confirm_to_stay: values.flag(Opt::ConfirmToStay),
            closed_timeout_ms: values.number(Opt::ClosedTimeoutMs),
        },
        // The reader's copy, after the values: an empty one when `events`
        // was no array of strings, which is then refused as empty.
        events: (!given_events.is_undefined())
            .then(|| values.0.get(Opt::ALL.len() as u32).unchecked_into()),
        target: Some(values.get(Opt::Target))
            .filter(|t| !t.is_undefined())
            .map(JsCast::unchecked_into),
        allow_synthetic: values.flag(Opt::AllowSyntheticEvents),
        storage_key: (!key.is_undefined()).then(|| key.as_string().unwrap_or_default()),
        sign_out: values.handler(Opt::OnSignOut),
        warning: values.handler(Opt::OnWarning),
        activity: values.handler(Opt::OnActivity),
        error: values.handler(Opt::OnError),
        keep_alive: values.handler(Opt::OnKeepAlive),
    };
    given.setup().map_err(|e| refusal(&e, &values))
}

/// The `Error` of a refused option: its name, the problem, the option it was
/// compared with, and the value it was given.
fn refusal(e: &OptionError, values: &Values) -> JsValue {
    let mut problem = String::from(e.problem);
    if let Some((other, value)) = e.compared {
        problem.push(' ');
        problem.push_str(other.name());
        problem.push_str(" = ");
        push_int(&mut problem, value);
    }
    let value = Opt::named(e.option).map_or(JsValue::UNDEFINED, |o| values.get(o));
    glue::refuse(e.option, &problem, &value)
}

/// Reads `sync()`'s argument (or an object `onKeepAlive` resolved to):
/// `expiresAt`, `idleExpiresAt`, `now`, each `null` or `undefined` when not
/// given; unknown fields are ignored. Bad input is a JS `Error` naming the
/// field.
pub(crate) fn read_sync(server: &JsValue) -> Result<ServerSync, JsValue> {
    let numbers = glue::settled(glue::deadlines(server))?;
    let number = |i| number_at(&numbers, i);
    ServerSync::from_numbers(number(0), number(1), number(2))
        .map_err(|e| glue::error(&sync_message(e.field)))
}

//! The Rust API's types: [`Options`], the events the callbacks receive, the
//! keep-alive's [`KeepAliveReply`], and the errors. The JS class hands the
//! same event structs to JS (serialized by serde-wasm-bindgen, with the
//! contract's field names and epoch-ms numbers).

use alloc::{borrow::Cow, format, rc::Rc, string::String, vec::Vec};
use core::time::Duration;

use serde::ser::{Serialize, SerializeMap, Serializer};
use wasm_bindgen::JsValue;
use web_sys::EventTarget;

use super::{Callbacks, Handler, Setup};
use crate::core::{
    decimal, Opt, OptionError, RawOptions, Reason, RecordError, ServerSync, SyncError,
    DEFAULT_EVENTS, NOT_DURATION,
};

/// A callback the guard calls with an event: `Fn`, not `FnMut`, because a
/// callback may call back into the guard, which may call it again (keep
/// mutable state in a `Cell` or `RefCell`). To reach the guard from its own
/// callbacks, keep it where they can find it, e.g. an
/// `Rc<RefCell<Option<Guard>>>`, and never hold that `RefCell`'s borrow
/// across a call into the guard: the call may end the session and run
/// `on_sign_out` inside it (take `try_borrow_mut` there).
pub type Callback<T> = Rc<dyn Fn(T)>;

/// How a session ended: what `on_sign_out` receives (`onSignOut`'s
/// `{ reason, at, remote }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SignOut {
    /// Which deadline ended the session (or `signOut()`).
    pub reason: Reason,
    /// Epoch ms of the end.
    pub at: u64,
    /// This tab learned of the end from another tab.
    pub remote: bool,
}

/// The warning window opened: what `on_warning` receives (`onWarning`'s
/// `{ reason, remainingMs, expiresAt }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Warning {
    /// The deadline that will end the session.
    pub reason: Reason,
    /// Time left when the warning opened.
    pub remaining: Duration,
    /// Epoch ms of the end.
    pub expires_at: u64,
}

/// Activity moved the idle deadline: what `on_activity` receives (at most
/// once a second; `onActivity`'s `{ at, remote }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Activity {
    /// Epoch ms of the activity.
    pub at: u64,
    /// The activity happened in another tab.
    pub remote: bool,
}

/// A keep-alive is due: what `on_keep_alive` receives, beside its
/// [`KeepAliveReply`] (`onKeepAlive`'s `{ lastActivity }` in JS).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeepAlive {
    /// Epoch ms of the latest activity known.
    pub last_activity: u64,
}

/// A value of an event or snapshot field, as JS receives it.
#[derive(Clone, Copy)]
pub(super) enum Value<'a> {
    /// A number (times are epoch ms, durations ms).
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(&'a str),
    /// `null`.
    Null,
    /// A plain object with these fields.
    Obj(&'a [(&'a str, Value<'a>)]),
}

/// Serializes an object as a map, whose string keys serde-wasm-bindgen
/// turns into property names: its struct serializer keeps a cache of field
/// names, which costs more download size than it saves time here.
impl Serialize for Value<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Value::Num(n) => s.serialize_f64(n),
            Value::Bool(b) => s.serialize_bool(b),
            Value::Str(t) => s.serialize_str(t),
            Value::Null => s.serialize_none(),
            Value::Obj(fields) => {
                let mut m = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

/// `t` (epoch ms or ms) as a JS number.
pub(super) fn num(t: u64) -> Value<'static> {
    Value::Num(t as f64)
}

fn object<S: Serializer>(s: S, fields: &[(&str, Value<'_>)]) -> Result<S::Ok, S::Error> {
    Value::Obj(fields).serialize(s)
}

impl Serialize for SignOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object(
            s,
            &[
                ("reason", Value::Str(self.reason.as_str())),
                ("at", num(self.at)),
                ("remote", Value::Bool(self.remote)),
            ],
        )
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object(
            s,
            &[
                ("reason", Value::Str(self.reason.as_str())),
                ("remainingMs", num(self.remaining.as_millis() as u64)),
                ("expiresAt", num(self.expires_at)),
            ],
        )
    }
}

impl Serialize for Activity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object(
            s,
            &[("at", num(self.at)), ("remote", Value::Bool(self.remote))],
        )
    }
}

impl Serialize for KeepAlive {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        object(s, &[("lastActivity", num(self.last_activity))])
    }
}

/// The guard's options: [`Options::default`] holds the contract's defaults,
/// and [`Guard::start`](crate::Guard::start) checks them as the JS
/// constructor does. `None` disables a limit (`-1` in JS).
///
/// ```no_run
/// # #[cfg(target_arch = "wasm32")] {
/// use std::time::Duration;
/// use session_guard::Options;
///
/// let options = Options {
///     idle_timeout: Some(Duration::from_secs(15 * 60)),
///     warn_before: Duration::from_secs(60),
///     ..Options::default()
/// }
/// .on_sign_out(|e| web_sys::console::log_1(&e.reason.as_str().into()));
/// # let _ = options; }
/// ```
pub struct Options {
    /// Sign out after this long with no activity in any tab of the session.
    /// Default: 5 minutes.
    pub idle_timeout: Option<Duration>,
    /// The absolute lifetime, counted from `started_at`; activity never
    /// extends it. Default: 180 minutes.
    pub max_duration: Option<Duration>,
    /// While true, `remember_me_period` replaces `idle_timeout` as the idle
    /// window. Default: false.
    pub remember_me: bool,
    /// The idle window while remember-me is on; it never carries the session
    /// past `max_duration`. Default: 30 days.
    pub remember_me_period: Option<Duration>,
    /// `on_warning` runs this long before the session would end;
    /// `Duration::ZERO` means no warning. Default: zero.
    pub warn_before: Duration,
    /// While true, activity events do not close an open warning: only
    /// [`Guard::touch`](crate::Guard::touch) (the app's "Stay signed in"
    /// button) or a sign-out does. Default: false.
    pub confirm_to_stay: bool,
    /// DOM event types that count as activity. Default: `pointerdown`,
    /// `pointermove`, `keydown`, `wheel`, `touchstart` (not `scroll`: a
    /// page that scrolls itself would keep an absent user signed in).
    pub events: Vec<Cow<'static, str>>,
    /// The `EventTarget` listened on (capture phase, passive listeners).
    /// Default (`None`): the document.
    pub target: Option<EventTarget>,
    /// Events whose `isTrusted` is false (dispatched by scripts) count too.
    /// Default: false.
    pub allow_synthetic_events: bool,
    /// Epoch ms at which the session began, e.g. the sign-in time from the
    /// server. Default (`None`): the stored session's start, or now.
    pub started_at: Option<u64>,
    /// Names the shared session: the localStorage key and the
    /// BroadcastChannel name. Default: `"session-guard"`.
    pub storage_key: String,
    /// Share the session with every tab and reload of the origin and
    /// `storage_key`. Default: true.
    pub cross_tab: bool,
    /// The session ends when no page of it has been open for this long (a
    /// reload, a navigation within the app or a new tab within it continues
    /// the session). Default: `None` (off). Needs `cross_tab`.
    pub closed_timeout: Option<Duration>,
    /// While people are active, `on_keep_alive` runs at most once per this
    /// period for the whole session. Default: `None` (no keep-alive).
    pub keep_alive: Option<Duration>,
    /// Called exactly once when the session ends. Required.
    pub on_sign_out: Option<Callback<SignOut>>,
    /// Called when the warning window opens.
    pub on_warning: Option<Callback<Warning>>,
    /// Called (at most once a second) when activity moves the idle deadline.
    pub on_activity: Option<Callback<Activity>>,
    /// Receives what goes wrong without a panic ([`GuardError`]): storage
    /// failures, rejected records or messages, a `started_at` ahead of the
    /// clock, Web Locks failures, and failed or timed-out keep-alives.
    /// Default (`None`): `console.error`.
    pub on_error: Option<Callback<GuardError>>,
    /// Tells the server the user is active; required with `keep_alive`. The
    /// call is pending until its [`KeepAliveReply`] is answered or dropped.
    pub on_keep_alive: Option<Callback<(KeepAlive, KeepAliveReply)>>,
}

impl Default for Options {
    fn default() -> Self {
        const MINUTE: u64 = 60;
        Options {
            idle_timeout: Some(Duration::from_secs(5 * MINUTE)),
            max_duration: Some(Duration::from_secs(180 * MINUTE)),
            remember_me: false,
            remember_me_period: Some(Duration::from_secs(30 * 24 * 60 * MINUTE)),
            warn_before: Duration::ZERO,
            confirm_to_stay: false,
            events: DEFAULT_EVENTS.iter().map(|e| Cow::Borrowed(*e)).collect(),
            target: None,
            allow_synthetic_events: false,
            started_at: None,
            storage_key: crate::core::DEFAULT_STORAGE_KEY.into(),
            cross_tab: true,
            closed_timeout: None,
            keep_alive: None,
            on_sign_out: None,
            on_warning: None,
            on_activity: None,
            on_error: None,
            on_keep_alive: None,
        }
    }
}

impl Options {
    /// Sets `on_sign_out`.
    pub fn on_sign_out(mut self, f: impl Fn(SignOut) + 'static) -> Self {
        self.on_sign_out = Some(Rc::new(f));
        self
    }

    /// Sets `on_warning`.
    pub fn on_warning(mut self, f: impl Fn(Warning) + 'static) -> Self {
        self.on_warning = Some(Rc::new(f));
        self
    }

    /// Sets `on_activity`.
    pub fn on_activity(mut self, f: impl Fn(Activity) + 'static) -> Self {
        self.on_activity = Some(Rc::new(f));
        self
    }

    /// Sets `on_error`.
    pub fn on_error(mut self, f: impl Fn(GuardError) + 'static) -> Self {
        self.on_error = Some(Rc::new(f));
        self
    }

    /// Sets `keep_alive` and `on_keep_alive`: `f` tells the server, then
    /// answers the reply, at once or later (from a future).
    pub fn keep_alive(
        mut self,
        period: Duration,
        f: impl Fn(KeepAlive, KeepAliveReply) + 'static,
    ) -> Self {
        self.keep_alive = Some(period);
        self.on_keep_alive = Some(Rc::new(move |(e, reply)| f(e, reply)));
        self
    }
}

/// `d` in ms as the JS options give it (a fraction of a ms stays: the
/// check refuses it).
fn ms(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1e6
}

/// A limit in ms: `-1` when disabled.
fn limit(d: Option<Duration>) -> Option<f64> {
    Some(d.map_or(-1.0, ms))
}

/// The field of [`Options`] for an option of the contract.
fn field(option: Opt) -> &'static str {
    match option {
        Opt::IdleTimeoutMs => "idle_timeout",
        Opt::MaxDurationMs => "max_duration",
        Opt::RememberMe => "remember_me",
        Opt::RememberMePeriodMs => "remember_me_period",
        Opt::WarnBeforeMs => "warn_before",
        Opt::ConfirmToStay => "confirm_to_stay",
        Opt::Events => "events",
        Opt::Target => "target",
        Opt::AllowSyntheticEvents => "allow_synthetic_events",
        Opt::StartedAt => "started_at",
        Opt::StorageKey => "storage_key",
        Opt::CrossTab => "cross_tab",
        Opt::OnSignOut => "on_sign_out",
        Opt::OnWarning => "on_warning",
        Opt::OnActivity => "on_activity",
        Opt::OnError => "on_error",
        Opt::ClosedTimeoutMs => "closed_timeout",
        Opt::KeepAliveMs => "keep_alive",
        Opt::OnKeepAlive => "on_keep_alive",
    }
}

impl OptionsError {
    fn new(option: Opt, problem: &str) -> OptionsError {
        OptionsError {
            option: field(option),
            problem: problem.into(),
        }
    }

    /// The core's refusal, in the words of the Rust fields.
    fn from_core(e: OptionError) -> OptionsError {
        let option = Opt::named(e.option).unwrap_or(Opt::OnSignOut);
        let mut problem = if e.problem == NOT_DURATION {
            "must be a whole number of milliseconds".into()
        } else {
            e.problem.replace("-1", "None")
        };
        for o in Opt::ALL {
            problem = problem.replace(o.name(), field(o));
        }
        if let Some((other, value)) = e.compared {
            problem = format!("{problem} {} = {value} ms", field(other));
        }
        OptionsError::new(option, &problem)
    }
}

impl Options {
    /// Checks every rule of the contract, as the JS constructor does.
    pub(super) fn setup(self) -> Result<Setup, OptionsError> {
        let raw = RawOptions {
            idle_timeout_ms: limit(self.idle_timeout),
            max_duration_ms: limit(self.max_duration),
            remember_me_period_ms: limit(self.remember_me_period),
            warn_before_ms: Some(ms(self.warn_before)),
            started_at: self.started_at.map(|t| t as f64),
            remember_me: self.remember_me,
            cross_tab: self.cross_tab,
            keep_alive_ms: self.keep_alive.map(ms),
            on_keep_alive: self.on_keep_alive.is_some(),
            confirm_to_stay: self.confirm_to_stay,
            closed_timeout_ms: self.closed_timeout.map(ms),
        };
        let config = raw.validate().map_err(OptionsError::from_core)?;
        let on_sign_out = self
            .on_sign_out
            .ok_or_else(|| OptionsError::new(Opt::OnSignOut, "is required"))?;
        if self.events.is_empty() {
            return Err(OptionsError::new(Opt::Events, "must not be empty"));
        }
        if self.storage_key.is_empty() {
            return Err(OptionsError::new(Opt::StorageKey, "must not be empty"));
        }
        let target = match self.target {
            Some(t) => t,
            None => web_sys::window()
                .and_then(|w| w.document())
                .map(Into::into)
                .ok_or_else(|| {
                    OptionsError::new(Opt::Target, "has no default: there is no document")
                })?,
        };
        let events = self.events.iter().map(|e| JsValue::from_str(e)).collect();
        Ok(Setup {
            config,
            events,
            target,
            allow_synthetic: self.allow_synthetic_events,
            storage_key: self.storage_key,
            callbacks: Callbacks {
                on_sign_out: lift(on_sign_out),
                on_warning: self.on_warning.map(lift),
                on_activity: self.on_activity.map(lift),
                on_error: self.on_error,
                on_keep_alive: self.on_keep_alive.map(lift),
            },
        })
    }
}

/// A Rust callback as the shell holds one (Rust closures do not throw).
fn lift<T: 'static>(f: Callback<T>) -> Handler<T> {
    Rc::new(move |e| {
        f(e);
        Ok(())
    })
}

impl core::fmt::Debug for Options {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Options")
            .field("idle_timeout", &self.idle_timeout)
            .field("max_duration", &self.max_duration)
            .field("remember_me", &self.remember_me)
            .field("remember_me_period", &self.remember_me_period)
            .field("warn_before", &self.warn_before)
            .field("confirm_to_stay", &self.confirm_to_stay)
            .field("events", &self.events)
            .field("allow_synthetic_events", &self.allow_synthetic_events)
            .field("started_at", &self.started_at)
            .field("storage_key", &self.storage_key)
            .field("cross_tab", &self.cross_tab)
            .field("closed_timeout", &self.closed_timeout)
            .field("keep_alive", &self.keep_alive)
            .finish_non_exhaustive()
    }
}

/// An option [`Guard::start`](crate::Guard::start) refused, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError {
    /// The option's field name in [`Options`], e.g. `"warn_before"`.
    pub option: &'static str,
    /// What is wrong, in words.
    pub problem: String,
}

impl core::fmt::Display for OptionsError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "session-guard: {} {}", self.option, self.problem)
    }
}

impl std::error::Error for OptionsError {}

/// What goes to `on_error`: nothing here ends the session by itself, except
/// a rejected record, whose sign-out follows.
#[derive(Clone, Debug)]
pub enum GuardError {
    /// A JS callback threw this (the JS class only: Rust closures do not
    /// throw).
    Callback(JsValue),
    /// `localStorage` threw this: the guard enforces both deadlines in this
    /// page, and tabs learn of each other only through the channel.
    Storage(Option<JsValue>),
    /// A stored record or channel message failed validation; the session
    /// ends (fails closed).
    Rejected(RecordError),
    /// The page's clock moved back this far (more than a minute): the
    /// session ends (fails closed), since time can no longer be trusted.
    ClockBack(Duration),
    /// `started_at` lay this far ahead of the page's clock and was taken as
    /// now.
    StartedAhead(Duration),
    /// A keep-alive was still pending one period (this long) after it
    /// began: it counts as failed.
    KeepAliveTimedOut(Duration),
    /// A keep-alive call failed with this.
    KeepAliveFailed(JsValue),
    /// A keep-alive answered with server deadlines that are not epoch ms.
    Sync(SyncError),
    /// Web Locks failed with this; the tab fails closed where it must.
    Locks(JsValue),
}

impl GuardError {
    /// The JS value `onError` receives: what JS threw, as it threw it, or a
    /// JS `Error` with [`GuardError`]'s message.
    pub fn to_js(&self) -> JsValue {
        match self {
            GuardError::Callback(e)
            | GuardError::Storage(Some(e))
            | GuardError::KeepAliveFailed(e)
            | GuardError::Locks(e) => e.clone(),
            _ => js_sys::Error::new(&self.text()).into(),
        }
    }

    /// The message of an error that carries no JS value.
    fn text(&self) -> String {
        match self {
            GuardError::Rejected(e) => [
                "session-guard: a shared session record or message ",
                e.as_str(),
                "; the session ends",
            ]
            .concat(),
            GuardError::StartedAhead(by) => [
                "session-guard: startedAt lies ",
                &decimal(by.as_secs()),
                " s ahead of this page's clock; the session is taken to start now (a sync() with the server's now and expiresAt corrects its end)",
            ]
            .concat(),
            GuardError::KeepAliveTimedOut(period) => [
                "session-guard: onKeepAlive was still pending ",
                &decimal(period.as_millis() as u64),
                " ms (keepAliveMs) after it began; it counts as failed",
            ]
            .concat(),
            GuardError::Sync(e) => sync_message(*e),
            GuardError::ClockBack(by) => [
                "session-guard: this page's clock went back ",
                &decimal(by.as_secs()),
                " s; the session ends",
            ]
            .concat(),
            _ => "session-guard: localStorage failed; the session is enforced in this tab".into(),
        }
    }
}

/// `sync()`'s message for a field that is not an epoch time in ms.
pub(crate) fn sync_message(e: SyncError) -> String {
    ["session-guard: sync() ", e.field, " ", SyncError::PROBLEM].concat()
}

impl core::fmt::Display for GuardError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let (what, value) = match self {
            GuardError::Callback(e) => ("a callback threw", e),
            GuardError::Storage(Some(e)) => ("localStorage failed", e),
            GuardError::KeepAliveFailed(e) => ("the keep-alive failed", e),
            GuardError::Locks(e) => ("Web Locks failed", e),
            _ => return f.write_str(&self.text()),
        };
        // As JS prints it: an `Error` shows its name and message.
        let shown = super::options::js_string(value);
        write!(f, "session-guard: {what}: {shown}")
    }
}

impl std::error::Error for GuardError {}

/// Answers one keep-alive call: [`done`](KeepAliveReply::done),
/// [`sync`](KeepAliveReply::sync) with the server's deadlines, or
/// [`failed`](KeepAliveReply::failed). The call stays pending (no other
/// keep-alive starts, in any tab) until it is answered, dropped (which
/// counts as done) or one period has passed (which counts as failed).
///
/// A handle rather than a returned future: the guard needs no executor
/// (none is linked into the package), an answer may come at once or from
/// any runtime's task (`wasm_bindgen_futures::spawn_local`, Leptos,
/// Yew...), and a task that is cancelled drops its reply, which ends the
/// call instead of leaving it pending.
#[must_use = "the keep-alive is pending until the reply is answered or dropped"]
pub struct KeepAliveReply {
    pub(super) guard: Option<alloc::rc::Weak<super::Guarded>>,
    pub(super) call: u32,
}

impl KeepAliveReply {
    /// The server was told; it sent no deadlines.
    pub fn done(self) {}

    /// The server was told and answered with its deadlines: applied as
    /// [`Guard::sync`](crate::Guard::sync). Deadlines that are not epoch ms
    /// go to `on_error` instead.
    pub fn sync(mut self, server: ServerSync) {
        self.finish(Some(Ok(server)));
    }

    /// The call failed: `error` goes to `on_error`. The session goes on (a
    /// failed request is no sign-out).
    pub fn failed(mut self, error: impl Into<JsValue>) {
        self.finish(Some(Err(GuardError::KeepAliveFailed(error.into()))));
    }

    /// Ends the call once: `None` is done without deadlines.
    fn finish(&mut self, answer: Option<Result<ServerSync, GuardError>>) {
        if let Some(inner) = self.guard.take().and_then(|g| g.upgrade()) {
            super::driver::keep_alive_done(&inner, self.call, answer);
        }
    }
}

impl Drop for KeepAliveReply {
    fn drop(&mut self) {
        self.finish(None);
    }
}

impl core::fmt::Debug for KeepAliveReply {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("KeepAliveReply")
            .field("call", &self.call)
            .finish()
    }
}

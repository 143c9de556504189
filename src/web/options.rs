//! The Rust API's [`Options`] and [`OptionsError`]: the options, with the
//! contract's defaults, read into the one setup (`setup.rs`) that the JS
//! options object goes through too; and a refusal worded for the Rust
//! fields.

use alloc::{borrow::Cow, rc::Rc, string::String, vec::Vec};
use core::time::Duration;

use web_sys::EventTarget;

use super::error::GuardError;
use super::events::{Activity, Callback, KeepAlive, KeepAliveReply, SignOut, Warning};
use super::setup::{self, strings, Given, Handler};
use crate::core::{problem, push_int, Opt, OptionError, RawOptions, DEFAULT_EVENTS, NOT_DURATION};

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
    /// Called exactly once when the session ends, and once more
    /// ([`SignOut::restored`]) when the back-forward cache shows the page
    /// again after the end. Required.
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

    /// The options as the one setup takes them (durations in ms, as JS
    /// gives them: a fraction of a ms stays, and the rule refuses it).
    pub(crate) fn given(self) -> Given {
        let ms = |d: Duration| d.as_nanos() as f64 / 1e6;
        // A limit in ms: `-1` when disabled.
        let limit = |d: Option<Duration>| Some(d.map_or(-1.0, ms));
        Given {
            numbers: RawOptions {
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
            },
            events: Some(strings(self.events.iter().map(|e| &**e))),
            target: self.target,
            allow_synthetic: self.allow_synthetic_events,
            storage_key: Some(self.storage_key),
            sign_out: self.on_sign_out.map(Handler::Rust),
            warning: self.on_warning.map(Handler::Rust),
            activity: self.on_activity.map(Handler::Rust),
            error: self.on_error.map(Handler::Rust),
            keep_alive: self.on_keep_alive.map(Handler::Rust),
        }
    }
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

impl core::error::Error for OptionsError {}

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

impl From<OptionError> for OptionsError {
    /// A refusal in the words of [`Options`]: its fields, and `None` where
    /// JS says `-1`.
    fn from(e: OptionError) -> OptionsError {
        let option = Opt::named(e.option).map_or(e.option, field);
        let problem = match e.problem {
            NOT_DURATION => "must be a whole number of milliseconds",
            problem::NOTHING_TO_ENFORCE => {
                "and max_duration are both None: there is nothing to enforce"
            }
            problem::IDLE_OVER_MAX => "may not exceed max_duration",
            problem::WARN_NOT_BELOW_WINDOW => "must be smaller than the idle window in force,",
            problem::KEEP_ALIVE_NOT_POSITIVE => {
                "must be a positive integer number of milliseconds, or None for no keep-alive"
            }
            problem::CLOSED_NOT_POSITIVE => {
                "must be a positive integer number of milliseconds, or None to disable"
            }
            problem::CLOSED_ALONE => {
                "needs cross_tab: a page alone cannot know whether another page is open"
            }
            problem::NO_KEEP_ALIVE_CALL => "needs an on_keep_alive function to call",
            problem::KEEP_ALIVE_OFF => {
                "is given while keep_alive is off (None): set keep_alive too"
            }
            setup::problem::EVENTS | setup::problem::STORAGE_KEY => "must not be empty",
            setup::problem::SIGN_OUT => "is required",
            other => other,
        };
        let mut problem = String::from(problem);
        if let Some((other, value)) = e.compared {
            problem.push(' ');
            problem.push_str(field(other));
            problem.push_str(" = ");
            push_int(&mut problem, value);
            problem.push_str(" ms");
        }
        OptionsError { option, problem }
    }
}

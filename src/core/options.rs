//! Options: the defaults of the contract and every numeric validation rule.
//!
//! The shell reads the JS options object and hands the numbers over as
//! [`RawOptions`]; [`RawOptions::validate`] turns them into a [`Config`] or an
//! [`OptionError`] that names the option. Type checks that need JS (is it a
//! function, an `EventTarget`, an array of strings) stay in the shell.

/// Default idle timeout: 5 minutes.
pub const DEFAULT_IDLE_TIMEOUT_MS: u64 = 300_000;
/// Default absolute lifetime: 180 minutes.
pub const DEFAULT_MAX_DURATION_MS: u64 = 10_800_000;
/// Default idle window while remember-me is on: 30 days.
pub const DEFAULT_REMEMBER_ME_PERIOD_MS: u64 = 2_592_000_000;
/// How far in the future a start or an activity time may lie (clock skew).
pub const FUTURE_TOLERANCE_MS: u64 = 60_000;
/// Epoch times below this are taken for seconds (a JWT `iat` or `exp`), not
/// milliseconds: 100000000000 ms is March 1973.
pub const MIN_EPOCH_MS: u64 = 100_000_000_000;
/// The largest integer a JS number holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;
/// The DOM event types that count as activity by default. Not `scroll`: a
/// scroll that a script makes (an auto-scrolling log, a live feed) is a
/// trusted event too, and would keep an absent user signed in; a user's own
/// scrolling comes with a wheel, touch, key or pointer event.
pub const DEFAULT_EVENTS: [&str; 5] = [
    "pointerdown",
    "pointermove",
    "keydown",
    "wheel",
    "touchstart",
];
/// The default `storageKey`.
pub const DEFAULT_STORAGE_KEY: &str = "session-guard";

/// The options of the JS options object: one row each, the table that the
/// shell's known-keys check and reads, the validation below and the
/// documentation (`tests/docs.rs` holds the README and the TypeScript types
/// to it) all take their names and defaults from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Opt {
    /// `idleTimeoutMs`
    IdleTimeoutMs,
    /// `maxDurationMs`
    MaxDurationMs,
    /// `rememberMe`
    RememberMe,
    /// `rememberMePeriodMs`
    RememberMePeriodMs,
    /// `warnBeforeMs`
    WarnBeforeMs,
    /// `confirmToStay`
    ConfirmToStay,
    /// `events`
    Events,
    /// `target`
    Target,
    /// `allowSyntheticEvents`
    AllowSyntheticEvents,
    /// `startedAt`
    StartedAt,
    /// `storageKey`
    StorageKey,
    /// `crossTab`
    CrossTab,
    /// `onSignOut`
    OnSignOut,
    /// `onWarning`
    OnWarning,
    /// `onActivity`
    OnActivity,
    /// `onError`
    OnError,
    /// `closedTimeoutMs`
    ClosedTimeoutMs,
    /// `keepAliveMs`
    KeepAliveMs,
    /// `onKeepAlive`
    OnKeepAlive,
}

/// An option's default, as the contract states it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptDefault {
    /// A duration in ms.
    Ms(u64),
    /// `-1`: off.
    Off,
    /// A boolean.
    Flag(bool),
    /// A string.
    Text(&'static str),
    /// A list of strings.
    List(&'static [&'static str]),
    /// A JS expression evaluated at construction (`document`).
    Js(&'static str),
    /// No value: what the words say (`"required"`, `"none"`...).
    Words(&'static str),
}

impl Opt {
    /// Every option, in the contract's order.
    pub const ALL: [Opt; 19] = [
        Opt::IdleTimeoutMs,
        Opt::MaxDurationMs,
        Opt::RememberMe,
        Opt::RememberMePeriodMs,
        Opt::WarnBeforeMs,
        Opt::ConfirmToStay,
        Opt::Events,
        Opt::Target,
        Opt::AllowSyntheticEvents,
        Opt::StartedAt,
        Opt::StorageKey,
        Opt::CrossTab,
        Opt::OnSignOut,
        Opt::OnWarning,
        Opt::OnActivity,
        Opt::OnError,
        Opt::ClosedTimeoutMs,
        Opt::KeepAliveMs,
        Opt::OnKeepAlive,
    ];

    /// The JS name, e.g. `"idleTimeoutMs"`.
    pub const fn name(self) -> &'static str {
        match self {
            Opt::IdleTimeoutMs => "idleTimeoutMs",
            Opt::MaxDurationMs => "maxDurationMs",
            Opt::RememberMe => "rememberMe",
            Opt::RememberMePeriodMs => "rememberMePeriodMs",
            Opt::WarnBeforeMs => "warnBeforeMs",
            Opt::ConfirmToStay => "confirmToStay",
            Opt::Events => "events",
            Opt::Target => "target",
            Opt::AllowSyntheticEvents => "allowSyntheticEvents",
            Opt::StartedAt => "startedAt",
            Opt::StorageKey => "storageKey",
            Opt::CrossTab => "crossTab",
            Opt::OnSignOut => "onSignOut",
            Opt::OnWarning => "onWarning",
            Opt::OnActivity => "onActivity",
            Opt::OnError => "onError",
            Opt::ClosedTimeoutMs => "closedTimeoutMs",
            Opt::KeepAliveMs => "keepAliveMs",
            Opt::OnKeepAlive => "onKeepAlive",
        }
    }

    /// The default, as the contract states it.
    pub fn default(self) -> OptDefault {
        use OptDefault::*;
        match self {
            Opt::IdleTimeoutMs => Ms(DEFAULT_IDLE_TIMEOUT_MS),
            Opt::MaxDurationMs => Ms(DEFAULT_MAX_DURATION_MS),
            Opt::RememberMe | Opt::AllowSyntheticEvents | Opt::ConfirmToStay => Flag(false),
            Opt::RememberMePeriodMs => Ms(DEFAULT_REMEMBER_ME_PERIOD_MS),
            Opt::WarnBeforeMs => Ms(0),
            Opt::Events => List(&DEFAULT_EVENTS),
            Opt::Target => Js("document"),
            Opt::StartedAt => Words("the stored session's start, or now"),
            Opt::StorageKey => Text(DEFAULT_STORAGE_KEY),
            Opt::CrossTab => Flag(true),
            Opt::OnSignOut => Words("required"),
            Opt::OnWarning | Opt::OnActivity | Opt::OnKeepAlive => Words("none"),
            Opt::KeepAliveMs | Opt::ClosedTimeoutMs => Off,
            Opt::OnError => Js("console.error"),
        }
    }

    /// The option with this JS name.
    pub fn named(name: &str) -> Option<Opt> {
        Opt::ALL.into_iter().find(|o| o.name() == name)
    }

    /// The default of a duration or a flag (`0` / `false` for the others).
    fn default_number(self) -> u64 {
        match self.default() {
            OptDefault::Ms(ms) => ms,
            OptDefault::Flag(b) => u64::from(b),
            _ => 0,
        }
    }

    /// The default of a flag.
    pub fn default_flag(self) -> bool {
        self.default_number() != 0
    }
}

/// The limits in force: `None` is a limit disabled with `-1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Idle window while remember-me is off.
    pub idle: Option<u64>,
    /// Absolute lifetime counted from the start.
    pub max: Option<u64>,
    /// Idle window while remember-me is on.
    pub remember_window: Option<u64>,
    /// Warning lead time; `0` means no warning.
    pub warn: u64,
}

impl Limits {
    /// The idle window in force for the given remember-me setting.
    pub fn idle_window(&self, remember_me: bool) -> Option<u64> {
        if remember_me {
            self.remember_window
        } else {
            self.idle
        }
    }
}

/// Validated options, ready for a [`crate::core::Session`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// The limits.
    pub limits: Limits,
    /// Remember-me for a session this guard begins.
    pub remember_me: bool,
    /// Epoch ms of the sign-in, when the app knows it.
    pub started_at: Option<u64>,
    /// Share the session with the other tabs of the origin.
    pub cross_tab: bool,
    /// The keep-alive period (`None`: no keep-alive).
    pub keep_alive: Option<u64>,
    /// Activity events do not close an open warning (`confirmToStay`).
    pub confirm_to_stay: bool,
    /// The session ends when no page of it has been open for this long
    /// (`closedTimeoutMs`; `None`: off).
    pub closed: Option<u64>,
}

/// Options as read from JS, before validation. `None` means "not given".
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RawOptions {
    /// `idleTimeoutMs`
    pub idle_timeout_ms: Option<f64>,
    /// `maxDurationMs`
    pub max_duration_ms: Option<f64>,
    /// `rememberMePeriodMs`
    pub remember_me_period_ms: Option<f64>,
    /// `warnBeforeMs`
    pub warn_before_ms: Option<f64>,
    /// `startedAt`
    pub started_at: Option<f64>,
    /// `rememberMe`
    pub remember_me: bool,
    /// `crossTab` (defaults to true in [`RawOptions::new`])
    pub cross_tab: bool,
    /// `keepAliveMs`
    pub keep_alive_ms: Option<f64>,
    /// `onKeepAlive` was given (a function).
    pub on_keep_alive: bool,
    /// `confirmToStay`
    pub confirm_to_stay: bool,
    /// `closedTimeoutMs`
    pub closed_timeout_ms: Option<f64>,
}

/// A rejected option: which one, and what is wrong with it. The shell adds the
/// value as JS prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// The option's JS name, e.g. `"idleTimeoutMs"`.
    pub option: &'static str,
    /// What is wrong, in words, e.g. `"must be an integer number of ms or -1"`.
    pub problem: &'static str,
    /// The other option the value was compared with, and its value (the
    /// idle window in force, for `warnBeforeMs`).
    pub compared: Option<(Opt, u64)>,
}

impl core::fmt::Display for OptionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} {}", self.option, self.problem)?;
        match self.compared {
            Some((other, value)) => write!(f, " {} = {value}", other.name()),
            None => Ok(()),
        }
    }
}

/// What is wrong with a duration that is not one.
pub const NOT_DURATION: &str = "must be an integer number of milliseconds, or -1 to disable";

/// The other problems [`RawOptions::validate`] names, one constant each, so
/// a shell can tell them apart (the Rust API words them for its fields).
pub mod problem {
    /// `idleTimeoutMs` and `maxDurationMs` both `-1`.
    pub const NOTHING_TO_ENFORCE: &str =
        "and maxDurationMs are both -1: there is nothing to enforce";
    /// `idleTimeoutMs` above `maxDurationMs`.
    pub const IDLE_OVER_MAX: &str = "may not exceed maxDurationMs";
    /// `warnBeforeMs` not below the idle window (which `compared` names).
    pub const WARN_NOT_BELOW_WINDOW: &str = "must be smaller than the idle window in force,";
    /// `startedAt` not an integer.
    pub const NOT_EPOCH: &str = "must be an integer epoch time in milliseconds";
    /// `startedAt` in seconds.
    pub const SECONDS: &str =
        "must be epoch milliseconds: below 100000000000 it looks like seconds (a JWT iat: multiply by 1000)";
    /// `keepAliveMs` not a positive integer or `-1`.
    pub const KEEP_ALIVE_NOT_POSITIVE: &str =
        "must be a positive integer number of milliseconds, or -1 for no keep-alive";
    /// `closedTimeoutMs` not a positive integer or `-1`.
    pub const CLOSED_NOT_POSITIVE: &str =
        "must be a positive integer number of milliseconds, or -1 to disable";
    /// `closedTimeoutMs` without `crossTab`.
    pub const CLOSED_ALONE: &str =
        "needs crossTab: a page alone cannot know whether another page is open";
    /// `keepAliveMs` without `onKeepAlive`.
    pub const NO_KEEP_ALIVE_CALL: &str = "needs an onKeepAlive function to call";
    /// `onKeepAlive` without `keepAliveMs`.
    pub const KEEP_ALIVE_OFF: &str = "is given while keepAliveMs is off (-1): set keepAliveMs too";
}

/// A duration: a non-negative integer, or `-1` for "disabled" (`None`).
fn duration(option: Opt, value: Option<f64>) -> Result<Option<u64>, (Opt, &'static str)> {
    match value {
        None => Ok(Some(option.default_number())),
        Some(-1.0) => Ok(None),
        Some(v) if is_whole(v) => Ok(Some(v as u64)),
        Some(_) => Err((option, NOT_DURATION)),
    }
}

/// A non-negative integer a JS number holds exactly.
pub(crate) fn is_whole(v: f64) -> bool {
    (0.0..=MAX_SAFE_INTEGER).contains(&v) && v as u64 as f64 == v
}

impl RawOptions {
    /// Nothing given: every option at its default.
    pub fn new() -> Self {
        RawOptions {
            remember_me: Opt::RememberMe.default_flag(),
            cross_tab: Opt::CrossTab.default_flag(),
            ..Default::default()
        }
    }

    /// Checks every numeric rule of the contract.
    pub fn validate(&self) -> Result<Config, OptionError> {
        let mut compared = None;
        // One exit for every refusal: the option and its problem.
        self.check(&mut compared)
            .map_err(|(option, problem)| OptionError {
                option: option.name(),
                problem,
                compared,
            })
    }

    /// The rules of [`RawOptions::validate`]; a refusal names the option
    /// and the problem (and sets `compared` for `warnBeforeMs`).
    fn check(&self, compared: &mut Option<(Opt, u64)>) -> Result<Config, (Opt, &'static str)> {
        let idle = duration(Opt::IdleTimeoutMs, self.idle_timeout_ms)?;
        let max = duration(Opt::MaxDurationMs, self.max_duration_ms)?;
        let remember = duration(Opt::RememberMePeriodMs, self.remember_me_period_ms)?;
        let warn = duration(Opt::WarnBeforeMs, self.warn_before_ms)?.unwrap_or(0);
        match (idle, max) {
            (None, None) => return Err((Opt::IdleTimeoutMs, problem::NOTHING_TO_ENFORCE)),
            (Some(i), Some(m)) if i > m => {
                return Err((Opt::IdleTimeoutMs, problem::IDLE_OVER_MAX))
            }
            _ => {}
        }
        let limits = Limits {
            idle,
            max,
            remember_window: remember,
            warn,
        };
        if let Some(window) = limits.idle_window(self.remember_me) {
            if warn > 0 && warn >= window {
                let other = if self.remember_me {
                    Opt::RememberMePeriodMs
                } else {
                    Opt::IdleTimeoutMs
                };
                *compared = Some((other, window));
                return Err((Opt::WarnBeforeMs, problem::WARN_NOT_BELOW_WINDOW));
            }
        }
        let started_at = match self.started_at {
            None => None,
            Some(v) if !is_whole(v) => return Err((Opt::StartedAt, problem::NOT_EPOCH)),
            Some(v) if (v as u64) < MIN_EPOCH_MS => return Err((Opt::StartedAt, problem::SECONDS)),
            Some(v) => Some(v as u64),
        };
        let keep_alive = positive(
            Opt::KeepAliveMs,
            self.keep_alive_ms,
            problem::KEEP_ALIVE_NOT_POSITIVE,
        )?;
        let closed = positive(
            Opt::ClosedTimeoutMs,
            self.closed_timeout_ms,
            problem::CLOSED_NOT_POSITIVE,
        )?;
        if closed.is_some() && !self.cross_tab {
            return Err((Opt::ClosedTimeoutMs, problem::CLOSED_ALONE));
        }
        match (keep_alive, self.on_keep_alive) {
            (Some(_), false) => return Err((Opt::KeepAliveMs, problem::NO_KEEP_ALIVE_CALL)),
            (None, true) => return Err((Opt::OnKeepAlive, problem::KEEP_ALIVE_OFF)),
            _ => {}
        }
        Ok(Config {
            limits,
            remember_me: self.remember_me,
            started_at,
            cross_tab: self.cross_tab,
            keep_alive,
            confirm_to_stay: self.confirm_to_stay,
            closed,
        })
    }
}

/// A positive duration, or `-1` (or nothing) for off.
fn positive(
    option: Opt,
    value: Option<f64>,
    problem: &'static str,
) -> Result<Option<u64>, (Opt, &'static str)> {
    match value {
        None | Some(-1.0) => Ok(None),
        Some(v) if is_whole(v) && v > 0.0 => Ok(Some(v as u64)),
        Some(_) => Err((option, problem)),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

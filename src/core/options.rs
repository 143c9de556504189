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
/// The DOM event types that count as activity by default.
pub const DEFAULT_EVENTS: [&str; 6] = [
    "pointerdown",
    "pointermove",
    "keydown",
    "wheel",
    "touchstart",
    "scroll",
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
    pub const ALL: [Opt; 18] = [
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
        Opt::KeepAliveMs,
        Opt::OnKeepAlive,
    ];

    /// The JS name, e.g. `"idleTimeoutMs"`.
    pub fn name(self) -> &'static str {
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
            Opt::KeepAliveMs => Off,
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

fn err(option: &'static str, problem: &'static str) -> OptionError {
    OptionError {
        option,
        problem,
        compared: None,
    }
}

/// A duration: a non-negative integer, or `-1` for "disabled" (`None`).
fn duration(option: Opt, value: Option<f64>) -> Result<Option<u64>, OptionError> {
    match value {
        None => Ok(Some(option.default_number())),
        Some(-1.0) => Ok(None),
        Some(v) if is_whole(v) => Ok(Some(v as u64)),
        Some(_) => Err(err(option.name(), NOT_DURATION)),
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
        let idle = duration(Opt::IdleTimeoutMs, self.idle_timeout_ms)?;
        let max = duration(Opt::MaxDurationMs, self.max_duration_ms)?;
        let remember = duration(Opt::RememberMePeriodMs, self.remember_me_period_ms)?;
        let warn = duration(Opt::WarnBeforeMs, self.warn_before_ms)?.unwrap_or(0);
        match (idle, max) {
            (None, None) => {
                return Err(err(
                    Opt::IdleTimeoutMs.name(),
                    "and maxDurationMs are both -1: there is nothing to enforce",
                ))
            }
            (Some(i), Some(m)) if i > m => {
                return Err(err(
                    Opt::IdleTimeoutMs.name(),
                    "may not exceed maxDurationMs",
                ))
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
                return Err(OptionError {
                    compared: Some((other, window)),
                    ..err(
                        Opt::WarnBeforeMs.name(),
                        "must be smaller than the idle window in force,",
                    )
                });
            }
        }
        let started_at = match self.started_at {
            None => None,
            Some(v) if !is_whole(v) => {
                return Err(err(
                    Opt::StartedAt.name(),
                    "must be an integer epoch time in milliseconds",
                ))
            }
            Some(v) if (v as u64) < MIN_EPOCH_MS => {
                return Err(err(
                    Opt::StartedAt.name(),
                    "must be epoch milliseconds: below 100000000000 it looks like seconds (a JWT iat: multiply by 1000)",
                ))
            }
            Some(v) => Some(v as u64),
        };
        let keep_alive =
            match self.keep_alive_ms {
                None | Some(-1.0) => None,
                Some(v) if is_whole(v) && v > 0.0 => Some(v as u64),
                Some(_) => return Err(err(
                    Opt::KeepAliveMs.name(),
                    "must be a positive integer number of milliseconds, or -1 for no keep-alive",
                )),
            };
        match (keep_alive, self.on_keep_alive) {
            (Some(_), false) => {
                return Err(err(
                    Opt::KeepAliveMs.name(),
                    "needs an onKeepAlive function to call",
                ))
            }
            (None, true) => {
                return Err(err(
                    Opt::OnKeepAlive.name(),
                    "is given while keepAliveMs is off (-1): set keepAliveMs too",
                ))
            }
            _ => {}
        }
        Ok(Config {
            limits,
            remember_me: self.remember_me,
            started_at,
            cross_tab: self.cross_tab,
            keep_alive,
            confirm_to_stay: self.confirm_to_stay,
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    fn with(f: impl FnOnce(&mut RawOptions)) -> Result<Config, OptionError> {
        let mut raw = RawOptions::new();
        f(&mut raw);
        raw.validate()
    }

    #[test]
    fn defaults_match_the_contract() {
        let c = with(|_| {}).unwrap();
        assert_eq!(c.limits.idle, Some(300_000));
        assert_eq!(c.limits.max, Some(10_800_000));
        assert_eq!(c.limits.remember_window, Some(2_592_000_000));
        assert_eq!(c.limits.warn, 0);
        assert!(!c.remember_me);
        assert!(c.cross_tab);
        assert_eq!(c.started_at, None);
        assert_eq!(c.keep_alive, None);
    }

    #[test]
    fn keep_alive_rules() {
        let on = |ms: f64, callback: bool| {
            with(|r| {
                r.keep_alive_ms = Some(ms);
                r.on_keep_alive = callback;
            })
        };
        assert_eq!(on(60_000.0, true).unwrap().keep_alive, Some(60_000));
        assert_eq!(on(-1.0, false).unwrap().keep_alive, None);
        for bad in [0.0, -2.0, 1.5, f64::NAN, f64::INFINITY] {
            assert_eq!(on(bad, true).unwrap_err().option, "keepAliveMs", "{bad}");
        }
        assert_eq!(on(60_000.0, false).unwrap_err().option, "keepAliveMs");
        assert_eq!(on(-1.0, true).unwrap_err().option, "onKeepAlive");
        let e = with(|r| r.on_keep_alive = true).unwrap_err();
        assert_eq!(e.option, "onKeepAlive");
    }

    #[test]
    fn bad_durations_name_their_option() {
        for bad in [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            1.5,
            -2.0,
            -0.5,
            1e300,
        ] {
            let e = with(|r| r.idle_timeout_ms = Some(bad)).unwrap_err();
            assert_eq!(e.option, "idleTimeoutMs");
            let e = with(|r| r.max_duration_ms = Some(bad)).unwrap_err();
            assert_eq!(e.option, "maxDurationMs");
            let e = with(|r| r.remember_me_period_ms = Some(bad)).unwrap_err();
            assert_eq!(e.option, "rememberMePeriodMs");
            let e = with(|r| r.warn_before_ms = Some(bad)).unwrap_err();
            assert_eq!(e.option, "warnBeforeMs");
        }
    }

    #[test]
    fn minus_one_disables_one_limit_but_not_both() {
        assert_eq!(
            with(|r| r.idle_timeout_ms = Some(-1.0))
                .unwrap()
                .limits
                .idle,
            None
        );
        assert_eq!(
            with(|r| r.max_duration_ms = Some(-1.0)).unwrap().limits.max,
            None
        );
        let e = with(|r| {
            r.idle_timeout_ms = Some(-1.0);
            r.max_duration_ms = Some(-1.0);
        })
        .unwrap_err();
        assert_eq!(e.option, "idleTimeoutMs");
    }

    #[test]
    fn idle_may_not_exceed_max() {
        let e = with(|r| {
            r.idle_timeout_ms = Some(2000.0);
            r.max_duration_ms = Some(1000.0);
        })
        .unwrap_err();
        assert_eq!(e.option, "idleTimeoutMs");
        assert!(with(|r| {
            r.idle_timeout_ms = Some(1000.0);
            r.max_duration_ms = Some(1000.0);
        })
        .is_ok());
    }

    #[test]
    fn warning_must_fit_in_the_idle_window_in_force() {
        let e = with(|r| {
            r.idle_timeout_ms = Some(1000.0);
            r.warn_before_ms = Some(1000.0);
        })
        .unwrap_err();
        assert_eq!(e.option, "warnBeforeMs");
        assert!(with(|r| {
            r.idle_timeout_ms = Some(1000.0);
            r.warn_before_ms = Some(999.0);
        })
        .is_ok());
        // With remember-me on, the remember-me window is the one in force.
        assert!(with(|r| {
            r.idle_timeout_ms = Some(1000.0);
            r.warn_before_ms = Some(5000.0);
            r.remember_me = true;
        })
        .is_ok());
        let e = with(|r| {
            r.remember_me_period_ms = Some(5000.0);
            r.warn_before_ms = Some(5000.0);
            r.remember_me = true;
        })
        .unwrap_err();
        assert_eq!(e.option, "warnBeforeMs");
    }

    #[test]
    fn started_at_rules() {
        assert_eq!(
            with(|r| r.started_at = Some(NOW as f64))
                .unwrap()
                .started_at,
            Some(NOW)
        );
        // Ahead of the page's clock is no error (the session takes it as
        // now, see Session::start), however far.
        for ahead in [60_000, 60_001, 86_400_000] {
            let c = with(|r| r.started_at = Some((NOW + ahead) as f64)).unwrap();
            assert_eq!(c.started_at, Some(NOW + ahead));
        }
        // Seconds (a JWT iat) are rejected, not taken for 1970.
        for seconds in [1_700_000_000.0, 99_999_999_999.0, 0.0] {
            let e = with(|r| r.started_at = Some(seconds)).unwrap_err();
            assert_eq!(e.option, "startedAt");
            assert!(e.problem.contains("seconds"), "{}", e.problem);
        }
        assert!(with(|r| r.started_at = Some(100_000_000_000.0)).is_ok());
        for bad in [f64::NAN, -1.0, 1.5, f64::INFINITY] {
            assert_eq!(
                with(|r| r.started_at = Some(bad)).unwrap_err().option,
                "startedAt"
            );
        }
    }
}

//! The options' tests.
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
    assert_eq!(c.closed, None);
}

#[test]
fn closed_timeout_rules() {
    let on = |ms: f64, cross_tab: bool| {
        with(|r| {
            r.closed_timeout_ms = Some(ms);
            r.cross_tab = cross_tab;
        })
    };
    assert_eq!(on(30_000.0, true).unwrap().closed, Some(30_000));
    assert_eq!(on(-1.0, true).unwrap().closed, None);
    assert_eq!(on(-1.0, false).unwrap().closed, None);
    for bad in [0.0, -2.0, 1.5, f64::NAN, f64::INFINITY] {
        assert_eq!(
            on(bad, true).unwrap_err().option,
            "closedTimeoutMs",
            "{bad}"
        );
    }
    let e = on(30_000.0, false).unwrap_err();
    assert_eq!(e.option, "closedTimeoutMs");
    assert!(e.problem.contains("crossTab"), "{}", e.problem);
}

#[test]
fn scroll_is_not_a_default_event() {
    assert!(!DEFAULT_EVENTS.contains(&"scroll"));
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

#![cfg(not(target_arch = "wasm32"))]
//! The orderings of news and time that once broke the contract (issue 19),
//! each as the browser brings it: timers that fire late, storage the app
//! clears, a new sign-in in `onSignOut`, a clock set back, keep-alives
//! during a pause or hung. Every input goes through the core's one door.

mod common;

use common::*;
use session_guard::core::{Input, Problem, Reason, Record, State};

/// Tabs A (idle 60 s) and B (idle 1 s) share a session with no activity
/// after `T0`; B's timers run late: the clock reaches +5 s with none fired.
fn late_b(mode: Mode) -> (World, usize, usize) {
    let mut w = World::new(T0, mode.locks);
    let long = Opts {
        idle: MIN as i64,
        ..Opts::default()
    };
    let short = Opts {
        idle: SEC as i64,
        remember: SEC as i64,
        ..Opts::default()
    };
    let a = w.open(long, true);
    let b = w.open(short, true);
    w.jump_to(T0 + 5 * SEC);
    (w, a, b)
}

#[test]
fn late_news_never_revives_a_due_end() {
    type Act = fn(&mut World, usize);
    let acts: [(&str, Act); 3] = [
        ("a key press", |w, a| w.activity(a)),
        ("setRememberMe(true)", |w, a| w.set_remember_me(a, true)),
        ("pause()", |w, a| w.pause(a)),
    ];
    for mode in TAB_MODES {
        for (what, act) in acts {
            let (mut w, a, b) = late_b(mode);
            act(&mut w, a);
            let ctx = format!("{mode:?}, {what} in A after B's end was due");
            assert_eq!(w.sign_out_of(b), (Reason::Idle, T0 + SEC, false), "{ctx}");
            assert_eq!(w.sign_out_of(a), (Reason::Idle, T0 + SEC, true), "{ctx}");
        }
    }
}

#[test]
fn activity_another_tab_had_before_the_end_still_counts_when_its_news_comes_late() {
    for mode in TAB_MODES {
        let (mut w, a, b) = late_b(mode);
        // A's activity at +900 reaches B (whose timers are late) at +950.
        w.now = T0 + 900;
        w.bus.hold_messages = true;
        w.activity(a);
        w.jump_to(T0 + 950);
        w.deliver();
        assert_eq!(w.expires_at(b), Some(T0 + 1_900), "{mode:?}");
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(b),
            (Reason::Idle, T0 + 1_900, false),
            "{mode:?}"
        );
    }
}

#[test]
fn clearing_storage_never_extends_a_session() {
    for mode in TAB_MODES {
        let absolute = Opts {
            idle: -1,
            max: (5 * SEC) as i64,
            ..Opts::default()
        };
        let mut w = World::new(T0, mode.locks);
        let a = w.open(absolute, true);
        w.advance(2 * SEC);
        // The app's own localStorage.clear() in A: A gets no storage event.
        w.bus.store = None;
        w.advance(500);
        let c = w.open(absolute, true);
        assert_eq!(w.expires_at(a), Some(T0 + 5 * SEC), "{mode:?}");
        assert_eq!(w.expires_at(c), Some(T0 + 5 * SEC), "{mode:?}");
        assert_eq!(w.bus.record(w.now).started_at, T0, "{mode:?}");
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(a),
            (Reason::Absolute, T0 + 5 * SEC, false),
            "{mode:?}"
        );
        assert_eq!(w.sign_out_of(c).0, Reason::Absolute, "{mode:?}");
    }
}

#[test]
fn a_tab_reloaded_after_the_app_cleared_storage_finds_its_session() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(Opts::default(), true);
        w.advance(2 * SEC);
        w.bus.store = None;
        w.leave(a);
        w.close(a);
        let b = w.open(Opts::default(), true);
        assert_eq!(w.session(b).record().started_at, T0, "{mode:?}");
    }
}

#[test]
fn an_end_belongs_to_its_session() {
    for mode in TAB_MODES {
        for sign_in in [true, false] {
            let mut w = World::new(T0, mode.locks);
            let a = w.open(Opts::default(), true);
            let b = w.open(Opts::default(), true);
            w.advance(10 * SEC);
            w.sign_out(a);
            let ended = w.bus.store.clone().expect("the end is stored");
            // Both pages sign in again in the millisecond the session ended
            // (a new guard made in onSignOut).
            let next = Opts {
                started_at: sign_in.then_some(w.now),
                ..Opts::default()
            };
            let a2 = w.open(next, true);
            let b2 = w.open(next, true);
            // The previous end arrives once more, late: as a message and as
            // a storage event.
            w.advance(SEC);
            for tab in [a2, b2] {
                w.receive(tab, Some(&ended));
            }
            let ctx = format!("{mode:?}, sign-in {sign_in}");
            assert_eq!(w.sign_out_of(b).0, Reason::Manual, "{ctx}");
            for tab in [a2, b2] {
                assert_eq!(w.state(tab), State::Active, "{ctx}: tab {tab}");
            }
            assert_eq!(
                w.session(a2).record().id,
                w.session(b2).record().id,
                "{ctx}"
            );
        }
    }
}

#[test]
fn a_clock_set_back_more_than_a_minute_ends_the_session() {
    for mode in MODES {
        let mut w = World::solo(mode, Opts::default());
        w.advance(30 * SEC);
        w.activity(0);
        // The system clock is set back two hours.
        w.now -= 2 * HOUR;
        w.tick(0);
        assert!(
            // (Measured from the latest time the tab saw, or its timer was set
            // for, whichever is later.)
            matches!(w.tabs[0].problems()[..], [(_, Problem::ClockBack(by))] if (2 * HOUR..2 * HOUR + MIN).contains(&by)),
            "{mode:?}: {:?}",
            w.tabs[0].problems()
        );
        assert_eq!(w.sign_out_of(0).0, Reason::Absolute, "{mode:?}");
    }
}

#[test]
fn a_clock_set_back_less_than_a_minute_moves_nothing_back() {
    for mode in MODES {
        let mut w = World::solo(mode, Opts::default());
        w.advance(59 * SEC);
        w.activity(0);
        w.now -= 30 * SEC;
        w.activity(0);
        w.tick(0);
        // The activity counts at the latest time seen, not earlier, and
        // nothing is reported.
        assert_eq!(
            w.session(0).record().last_activity,
            T0 + 59 * SEC,
            "{mode:?}"
        );
        assert_eq!(w.expires_at(0), Some(T0 + 119 * SEC), "{mode:?}");
        assert!(w.tabs[0].problems().is_empty(), "{mode:?}");
    }
}

#[test]
fn a_keep_alive_during_a_pause_reports_the_time_of_the_call() {
    for mode in MODES {
        let opts = Opts {
            keep_alive: Some(SEC),
            ..Opts::default()
        };
        let mut w = World::solo(mode, opts);
        w.advance(300);
        w.activity(0);
        w.pause(0);
        for k in 1..=3 {
            w.advance_to(T0 + k * SEC);
            w.answer(0, None);
        }
        let calls: Vec<(u64, u64)> = w.tabs[0].calls.iter().map(|c| (c.0, c.2)).collect();
        let expected: Vec<(u64, u64)> = (1..=3).map(|k| (T0 + k * SEC, T0 + k * SEC)).collect();
        assert_eq!(calls, expected, "{mode:?}");
    }
}

#[test]
fn a_hung_keep_alive_delays_the_next_by_no_more_than_its_period() {
    for mode in MODES {
        let opts = Opts {
            keep_alive: Some(SEC),
            ..Opts::default()
        };
        let mut w = World::solo(mode, opts);
        // Activity throughout; onKeepAlive never settles.
        for k in 1..=14 {
            w.advance_to(T0 + k * 250);
            w.activity(0);
        }
        let calls: Vec<u64> = w.tabs[0].calls.iter().map(|c| c.0).collect();
        assert_eq!(calls, [T0 + SEC, T0 + 2 * SEC, T0 + 3 * SEC], "{mode:?}");
        let timed_out = w.tabs[0]
            .problems()
            .iter()
            .filter(|(_, p)| matches!(p, Problem::KeepAliveTimedOut(_)))
            .count();
        assert_eq!(timed_out, 2, "{mode:?}");
    }
}

#[test]
fn two_tabs_that_began_at_once_end_up_in_the_older_session() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        w.bus.hold_messages = true;
        let a = w.open(Opts::default(), true);
        // B's page did not see A's record yet (storage lags between pages).
        w.bus.store = None;
        w.bus.forget_pending();
        w.advance(5);
        let b = w.open(Opts::default(), true);
        w.deliver();
        let id = |w: &World, t: usize| w.session(t).record().id;
        assert_eq!(id(&w, a), id(&w, b), "{mode:?}");
        assert_eq!(id(&w, b), T0, "{mode:?}");
        let stored: Record = w.bus.record(w.now);
        assert_eq!(stored.id, T0, "{mode:?}");
        w.input(b, Input::Wake);
        assert_eq!(w.expires_at(a), w.expires_at(b), "{mode:?}");
    }
}

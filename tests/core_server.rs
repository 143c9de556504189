//! Following the server, natively: keep-alives (one caller per period across
//! tabs, none for idle users), the server's deadlines with clock-skew
//! correction, and a `startedAt` ahead of the page's clock.

mod common;

use common::*;
use session_guard::core::{Answer, Input, Problem, Reason, ServerSync, State, SyncError};

const PERIOD: u64 = 5 * MIN;

/// Tabs opened one after another at `T0`, all with `opts`.
fn tabs(mode: Mode, n: usize, opts: Opts) -> World {
    let mut w = World::new(T0, mode.locks);
    for _ in 0..n {
        w.open(opts, true);
    }
    w
}

fn kept(opts: Opts) -> Opts {
    Opts {
        idle: (15 * MIN) as i64,
        max: (8 * HOUR) as i64,
        keep_alive: Some(PERIOD),
        ..opts
    }
}

fn server(expires_at: Option<u64>, idle_expires_at: Option<u64>, now: Option<u64>) -> ServerSync {
    ServerSync {
        expires_at,
        idle_expires_at,
        now,
    }
}

// ------------------------------------------------------------ keep-alive

#[test]
fn an_active_user_keeps_the_server_alive_once_a_period() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        // Active every 30 s for an hour.
        for _ in 0..120 {
            w.advance(30 * SEC);
            w.activity(0);
            if let Some(&(_, _, _)) = w.tabs[0].calls.last() {
                w.answer(0, None);
            }
        }
        let times: Vec<u64> = w.tabs[0].calls.iter().map(|c| c.0 - T0).collect();
        let expected: Vec<u64> = (1..=12).map(|i| i * PERIOD).collect();
        assert_eq!(times, expected, "{mode:?}");
        // The call names the latest activity.
        assert!(w.tabs[0]
            .calls
            .iter()
            .all(|c| c.2 <= c.0 && c.0 - c.2 <= 30 * SEC));
    }
}

#[test]
fn an_idle_user_causes_no_keep_alive_ever() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        w.advance(14 * MIN);
        assert!(w.tabs[0].calls.is_empty(), "{mode:?}");
        w.advance(HOUR);
        assert!(w.tabs[0].calls.is_empty(), "{mode:?}");
        assert_eq!(w.sign_out_of(0), (Reason::Idle, T0 + 15 * MIN, false));
    }
}

#[test]
fn a_user_who_comes_back_after_the_period_calls_at_the_first_activity() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        w.advance(10 * MIN);
        assert!(w.tabs[0].calls.is_empty(), "{mode:?}");
        w.activity(0);
        assert_eq!(w.tabs[0].calls.len(), 1, "{mode:?}");
        assert_eq!(w.tabs[0].calls[0].0, T0 + 10 * MIN, "{mode:?}");
        // The next one a full period after it, not on the old schedule.
        w.answer(0, None);
        w.advance(4 * MIN);
        w.activity(0);
        w.advance(MIN - 1);
        assert_eq!(w.tabs[0].calls.len(), 1, "{mode:?}");
        w.advance(1);
        assert_eq!(w.tabs[0].calls.len(), 2, "{mode:?}");
    }
}

#[test]
fn one_tab_calls_per_period_across_tabs_and_reloads() {
    for mode in TAB_MODES {
        for n in [2, 5, 10] {
            let mut w = tabs(mode, n, kept(Opts::default()));
            for step in 0..240usize {
                let open: Vec<usize> = (0..w.tabs.len()).filter(|&t| w.tabs[t].open).collect();
                w.advance(15 * SEC);
                w.activity(open[(step * 7) % open.len()]);
                if step % 40 == 39 {
                    // A reload of one tab.
                    let t = open[step % open.len()];
                    w.leave(t);
                    w.close(t);
                    w.open(kept(Opts::default()), true);
                }
                for t in 0..w.tabs.len() {
                    if w.tabs[t].open
                        && w.tabs[t].keep_alive_lock
                        && w.tabs[t]
                            .calls
                            .last()
                            .is_some_and(|c| w.now - c.0 >= 2 * SEC)
                    {
                        w.answer(t, None);
                    }
                }
            }
            let calls = w.all_calls();
            // An hour of activity: twelve periods, one call in each.
            assert_eq!(calls.len(), 12, "{mode:?} {n} tabs: {calls:?}");
            for pair in calls.windows(2) {
                assert!(pair[1].0 - pair[0].0 >= PERIOD, "{mode:?} {n}: {calls:?}");
            }
        }
    }
}

#[test]
fn a_pending_call_blocks_the_next_until_it_counts_as_failed() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        for _ in 0..40 {
            w.advance(30 * SEC);
            w.activity(0);
        }
        // Never answered: each call times out a period after it began, is
        // reported, and the next one goes out then.
        let times: Vec<u64> = w.tabs[0].calls.iter().map(|c| c.0 - T0).collect();
        assert_eq!(
            times,
            vec![PERIOD, 2 * PERIOD, 3 * PERIOD, 4 * PERIOD],
            "{mode:?}"
        );
        let problems: Vec<(u64, Problem)> = w.tabs[0].problems();
        assert_eq!(
            problems,
            (2..=4)
                .map(|i| (T0 + i * PERIOD, Problem::KeepAliveTimedOut(PERIOD)))
                .collect::<Vec<_>>(),
            "{mode:?}"
        );
        // A late answer to a timed-out call changes nothing.
        let first = w.tabs[0].calls[0].1;
        let late = server(Some(T0 + 21 * MIN), None, None);
        w.input(
            0,
            Input::Answer(Answer::KeepAliveDone {
                call: first,
                answer: Some(late),
            }),
        );
        assert_ne!(w.expires_at(0), Some(T0 + 21 * MIN), "{mode:?}");
    }
}

#[test]
fn a_failed_call_signs_nobody_out_and_the_next_is_due_a_period_later() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        for _ in 0..10 {
            w.advance(30 * SEC);
            w.activity(0);
        }
        w.answer(0, None); // failed (the shell reported it)
        assert!(!w.is_signed_out(0));
        for _ in 0..10 {
            w.advance(30 * SEC);
            w.activity(0);
        }
        assert_eq!(w.tabs[0].calls.len(), 2, "{mode:?}");
        assert_eq!(w.tabs[0].calls[1].0, T0 + 2 * PERIOD, "{mode:?}");
    }
}

#[test]
fn the_time_a_pause_holds_counts_as_activity() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, kept(Opts::default()));
        w.pause(1);
        // No event in any tab: the held time alone keeps the server alive,
        // a call each period (none answered: each times out as the next
        // falls due).
        w.advance(3 * PERIOD);
        let times: Vec<u64> = w.all_calls().iter().map(|c| c.0 - T0).collect();
        assert_eq!(times, vec![PERIOD, 2 * PERIOD, 3 * PERIOD], "{mode:?}");
    }
}

#[test]
fn no_keep_alive_after_the_end_or_before_the_first_period() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        w.advance(PERIOD - SEC);
        w.activity(0);
        w.advance(SEC - 1);
        assert!(w.tabs[0].calls.is_empty(), "{mode:?}");
        w.sign_out(0);
        w.advance(PERIOD);
        w.activity(0);
        assert!(w.tabs[0].calls.is_empty(), "{mode:?}");
    }
}

// ------------------------------------------------------------ sync

#[test]
fn sync_ends_the_session_no_later_than_the_server() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        w.sync(0, server(Some(T0 + 10 * MIN), None, None));
        assert_eq!(w.expires_at(0), Some(T0 + 10 * MIN), "{mode:?}");
        // Activity never moves a server deadline.
        w.advance(9 * MIN);
        w.activity(0);
        assert_eq!(w.expires_at(0), Some(T0 + 10 * MIN), "{mode:?}");
        w.advance(MIN);
        assert_eq!(
            w.sign_out_of(0),
            (Reason::Absolute, T0 + 10 * MIN, false),
            "{mode:?}"
        );
    }
}

#[test]
fn the_server_idle_end_ends_with_reason_idle_until_a_later_sync_moves_it() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        w.sync(0, server(None, Some(T0 + 5 * MIN), None));
        assert_eq!(w.expires_at(0), Some(T0 + 5 * MIN));
        w.advance(4 * MIN);
        w.sync(0, server(None, Some(T0 + 12 * MIN), None));
        assert_eq!(w.expires_at(0), Some(T0 + 12 * MIN), "{mode:?}");
        // A later sync that names only the absolute end keeps the idle one.
        w.sync(0, server(Some(T0 + 2 * HOUR), None, None));
        assert_eq!(w.expires_at(0), Some(T0 + 12 * MIN), "{mode:?}");
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(0),
            (Reason::Idle, T0 + 12 * MIN, false),
            "{mode:?}"
        );
    }
}

#[test]
fn sync_corrects_for_the_client_clock() {
    for skew in [10 * MIN as i64, -(10 * MIN as i64), 3 * HOUR as i64] {
        let mut w = World::solo(SHARED, kept(Opts::default()));
        // The server's clock reads T0 + skew when the page's reads T0.
        let server_now = (T0 as i64 + skew) as u64;
        w.sync(
            0,
            server(
                Some(server_now + 10 * MIN),
                Some(server_now + 7 * MIN),
                Some(server_now),
            ),
        );
        assert_eq!(w.expires_at(0), Some(T0 + 7 * MIN), "skew {skew}");
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(0),
            (Reason::Idle, T0 + 7 * MIN, false),
            "skew {skew}"
        );
    }
}

#[test]
fn sync_never_moves_the_end_past_the_guards_own_deadlines_nor_revives() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        w.sync(0, server(Some(T0 + 30 * HOUR), Some(T0 + 20 * HOUR), None));
        assert_eq!(w.expires_at(0), Some(T0 + 15 * MIN), "{mode:?}");
        w.advance(HOUR);
        assert!(w.is_signed_out(0));
        w.sync(0, server(Some(T0 + 30 * HOUR), None, None));
        assert_eq!(w.state(0), State::SignedOut);
        assert_eq!(w.tabs[0].sign_outs().len(), 1);
    }
}

#[test]
fn a_server_deadline_that_has_passed_ends_the_session_at_once_with_its_reason() {
    for (sync, reason) in [
        (server(Some(T0 - SEC), None, None), Reason::Absolute),
        (server(None, Some(T0 - SEC), None), Reason::Idle),
        (
            server(Some(T0 - SEC), Some(T0 - SEC), None),
            Reason::Absolute,
        ),
    ] {
        let mut w = World::solo(LOCKED, kept(Opts::default()));
        w.advance(MIN);
        w.sync(0, sync);
        assert_eq!(w.sign_out_of(0), (reason, T0 - SEC, false), "{sync:?}");
    }
}

#[test]
fn the_servers_deadlines_reach_every_tab_and_survive_reloads() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 3, kept(Opts::default()));
        w.sync(1, server(Some(T0 + 10 * MIN), None, None));
        for t in 0..3 {
            assert_eq!(w.expires_at(t), Some(T0 + 10 * MIN), "{mode:?} tab {t}");
        }
        w.close(2);
        let again = w.open(kept(Opts::default()), true);
        assert_eq!(w.expires_at(again), Some(T0 + 10 * MIN), "{mode:?}");
        // An older sync arriving late does not undo a newer one.
        w.advance(SEC);
        w.sync(0, server(Some(T0 + 12 * MIN), None, None));
        let stale = {
            let mut r = w.bus.record(w.now);
            r.server.end = Some(session_guard::core::Learned {
                at: T0 + 5 * MIN,
                learned: T0,
            });
            r.encode()
        };
        w.receive(1, Some(&stale));
        assert_eq!(w.expires_at(1), Some(T0 + 12 * MIN), "{mode:?}");
        w.advance(HOUR);
        for t in [0, 1, again] {
            assert_eq!(w.sign_out_of(t).0, Reason::Absolute, "{mode:?}");
        }
    }
}

#[test]
fn a_keep_alive_answer_is_applied_as_sync_in_every_tab() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, kept(Opts::default()));
        for _ in 0..10 {
            w.advance(30 * SEC);
            w.activity(0);
        }
        let (caller, _) = w.all_calls()[0];
        let _ = caller;
        let t = (0..2).find(|&t| !w.tabs[t].calls.is_empty()).unwrap();
        w.answer(t, Some(server(None, Some(w.now + 15 * MIN), Some(w.now))));
        for tab in 0..2 {
            assert_eq!(
                w.session(tab).snapshot(w.now).expires_at,
                Some(T0 + 20 * MIN)
            );
        }
    }
}

#[test]
fn the_warning_fires_before_a_server_end_and_activity_does_not_close_it() {
    for mode in MODES {
        let mut w = World::solo(
            mode,
            Opts {
                warn: MIN as i64,
                ..kept(Opts::default())
            },
        );
        w.sync(0, server(None, Some(T0 + 5 * MIN), None));
        w.advance(4 * MIN);
        assert_eq!(
            w.tabs[0].warnings(),
            vec![(T0 + 4 * MIN, Reason::Idle, MIN, T0 + 5 * MIN)],
            "{mode:?}"
        );
        w.advance(10 * SEC);
        w.activity(0);
        assert_eq!(w.state(0), State::Warning, "{mode:?}");
        // A sync that moves it does.
        w.sync(0, server(None, Some(T0 + 30 * MIN), None));
        assert_eq!(w.state(0), State::Active, "{mode:?}");
    }
}

#[test]
fn a_pause_holds_the_guards_idle_deadline_not_the_servers() {
    for mode in MODES {
        let mut w = World::solo(mode, kept(Opts::default()));
        w.sync(0, server(None, Some(T0 + 20 * MIN), None));
        w.pause(0);
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(0),
            (Reason::Idle, T0 + 20 * MIN, false),
            "{mode:?}"
        );
        // Keep-alives went on through the pause meanwhile.
        assert!(!w.tabs[0].calls.is_empty(), "{mode:?}");
    }
}

#[test]
fn sync_fields_are_validated_as_epoch_milliseconds() {
    let ok = ServerSync::from_numbers(Some(T0 as f64), None, Some((T0 + 1) as f64)).unwrap();
    assert_eq!(ok, server(Some(T0), None, Some(T0 + 1)));
    assert_eq!(
        ServerSync::from_numbers(None, None, None).unwrap(),
        server(None, None, None)
    );
    for (bad, field) in [
        ((Some(1_700_000_000.0), None, None), "expiresAt"),
        ((None, Some(T0 as f64 + 0.5), None), "idleExpiresAt"),
        ((None, None, Some(f64::NAN)), "now"),
        ((Some(-1.0), None, None), "expiresAt"),
        ((None, Some(f64::INFINITY), None), "idleExpiresAt"),
        ((None, None, Some(99_999_999_999.0)), "now"),
    ] {
        assert_eq!(
            ServerSync::from_numbers(bad.0, bad.1, bad.2),
            Err(SyncError { field }),
            "{bad:?}"
        );
    }
}

// ------------------------------------------------------------ the client's clock

#[test]
fn a_started_at_ahead_of_the_clock_is_taken_as_now_and_reported_past_a_minute() {
    for (ahead, reported) in [
        (30 * SEC, false),
        (MIN, false),
        (MIN + 1, true),
        (10 * MIN, true),
    ] {
        let mut w = World::new(T0, true);
        let t = w.open(
            Opts {
                started_at: Some(T0 + ahead),
                idle: -1,
                max: HOUR as i64,
                ..Opts::default()
            },
            true,
        );
        assert_eq!(w.expires_at(t), Some(T0 + HOUR), "ahead {ahead}");
        let problems = w.tabs[t].problems();
        assert_eq!(
            problems,
            if reported {
                vec![(T0, Problem::StartedAhead(ahead))]
            } else {
                vec![]
            }
        );
        assert!(!w.is_signed_out(t));
        // A second tab with the same startedAt joins the same session.
        w.advance(10 * SEC);
        let u = w.open(
            Opts {
                started_at: Some(T0 + ahead),
                idle: -1,
                max: HOUR as i64,
                ..Opts::default()
            },
            true,
        );
        assert_eq!(w.expires_at(u), Some(T0 + HOUR), "ahead {ahead}");
        // The server's sync then puts the end where the server has it.
        w.sync(
            u,
            server(Some(T0 + ahead + 50 * MIN), None, Some(T0 + ahead)),
        );
        assert_eq!(
            w.expires_at(t),
            Some(T0 + 10 * SEC + 50 * MIN),
            "ahead {ahead}"
        );
    }
}

#[test]
fn keep_alive_effects_come_only_with_a_period() {
    let mut w = World::solo(LOCKED, Opts::default());
    for _ in 0..100 {
        w.advance(30 * SEC);
        w.activity(0);
    }
    assert!(w.tabs[0]
        .effects
        .iter()
        .all(|(_, e)| !matches!(e, Effect::KeepAlive { .. } | Effect::ClaimKeepAlive)));
}

#[test]
fn a_passed_server_deadline_reaches_the_other_tabs_as_this_tabs_end() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 3, kept(Opts::default()));
        w.advance(MIN);
        w.sync(1, server(None, Some(T0 + 30 * SEC), None));
        assert_eq!(
            w.sign_out_of(1),
            (Reason::Idle, T0 + 30 * SEC, false),
            "{mode:?}"
        );
        for t in [0, 2] {
            assert_eq!(
                w.sign_out_of(t),
                (Reason::Idle, T0 + 30 * SEC, true),
                "{mode:?}"
            );
        }
    }
}

#[test]
fn the_snapshot_shows_the_servers_deadlines() {
    let mut w = World::solo(SHARED, kept(Opts::default()));
    let s = w.session(0).snapshot(w.now);
    assert_eq!(
        (s.server_expires_at, s.server_idle_expires_at),
        (None, None)
    );
    w.sync(
        0,
        server(Some(T0 + HOUR), Some(T0 + 10 * MIN), Some(T0 + MIN)),
    );
    let s = w.session(0).snapshot(w.now);
    assert_eq!(
        (s.server_expires_at, s.server_idle_expires_at, s.expires_at),
        (
            Some(T0 + HOUR - MIN),
            Some(T0 + 9 * MIN),
            Some(T0 + 9 * MIN)
        )
    );
}

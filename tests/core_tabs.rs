#![cfg(not(target_arch = "wasm32"))]
//! One session shared by the tabs and reloads of an origin: several guards on
//! one in-memory `localStorage` + channel, with and without Web Locks.

mod common;

use common::*;
use session_guard::core::{End, Reason, Record, RecordError, State, DELIVERY_MARGIN_MS};

/// Tabs opened one after another at `T0`, all with `opts`.
fn tabs(mode: Mode, n: usize, opts: Opts) -> World {
    let mut w = World::new(T0, mode.locks);
    for _ in 0..n {
        w.open(opts, true);
    }
    w
}

fn fired_at(w: &World, tab: usize) -> u64 {
    w.tabs[tab]
        .effects
        .iter()
        .find(|(_, e)| matches!(e, Effect::SignedOut { .. }))
        .map(|(t, _)| *t)
        .expect("no sign-out")
}

/// Every open tab signed out once, with the same reason and time, and
/// exactly one of them (the one that ended it) not remotely.
fn assert_one_end(w: &World, reason: Reason, at: u64, ctx: &str) {
    let ends: Vec<_> = (0..w.tabs.len())
        .filter(|&t| w.tabs[t].open)
        .map(|t| (t, w.sign_out_of(t)))
        .collect();
    for &(t, (r, a, _)) in &ends {
        assert_eq!((r, a), (reason, at), "{ctx}: tab {t}: {ends:?}");
    }
    let local = ends.iter().filter(|(_, e)| !e.2).count();
    assert_eq!(local, 1, "{ctx}: {ends:?}");
}

// ------------------------------------------------------ shared activity

#[test]
fn activity_in_one_tab_keeps_another_alive() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(Opts::default(), true);
        w.advance(SEC);
        let b = w.open(Opts::default(), true);
        for k in 1..=10 {
            w.advance_to(T0 + k * 40 * SEC);
            w.activity(a);
            assert_eq!(w.expires_at(b), Some(w.now + MIN), "{mode:?}");
        }
        assert!(!w.is_signed_out(b), "{mode:?}");
        let remote = w.tabs[b].activities();
        assert_eq!(remote.len(), 10, "{mode:?}: {remote:?}");
        assert!(remote.iter().all(|a| a.2), "{mode:?}: {remote:?}");
        w.advance(HOUR);
        assert_one_end(&w, Reason::Idle, T0 + 400 * SEC + MIN, &format!("{mode:?}"));
        assert_eq!(fired_at(&w, a), fired_at(&w, b), "{mode:?}");
    }
}

#[test]
fn an_idle_end_rereads_the_record_first() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, Opts::default());
        w.advance_to(T0 + 50 * SEC);
        // A's activity is stored, but the message has not arrived.
        w.bus.hold_messages = true;
        w.activity(0);
        assert!(w.bus.pending() > 0, "{mode:?}");
        assert_eq!(w.bus.record(w.now).last_activity, T0 + 50 * SEC, "{mode:?}");
        w.advance_to(T0 + 100 * SEC);
        assert!(!w.is_signed_out(1), "{mode:?}");
        assert_eq!(w.expires_at(1), Some(T0 + 110 * SEC), "{mode:?}");
        w.deliver();
        w.advance(HOUR);
        assert_one_end(&w, Reason::Idle, T0 + 110 * SEC, &format!("{mode:?}"));
    }
}

#[test]
fn an_idle_warning_rereads_the_record_first() {
    for mode in TAB_MODES {
        let opts = Opts {
            warn: (10 * SEC) as i64,
            ..Opts::default()
        };
        let mut w = tabs(mode, 2, opts);
        w.advance_to(T0 + 45 * SEC);
        w.bus.hold_messages = true;
        w.activity(0);
        w.advance_to(T0 + 90 * SEC);
        // Neither tab warned for the stale deadline.
        assert!(w.tabs[1].warnings().is_empty(), "{mode:?}");
        assert_eq!(w.state(1), State::Active, "{mode:?}");
        w.advance_to(T0 + 95 * SEC);
        assert_eq!(
            w.tabs[1].warnings(),
            vec![(T0 + 95 * SEC, Reason::Idle, 10 * SEC, T0 + 105 * SEC)],
            "{mode:?}"
        );
    }
}

// ------------------------------------------------------------- the end

#[test]
fn a_manual_end_reaches_every_tab_at_once() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 3, Opts::default());
        w.advance(20 * SEC);
        w.sign_out(1);
        assert_eq!(
            w.sign_out_of(1),
            (Reason::Manual, T0 + 20 * SEC, false),
            "{mode:?}"
        );
        for t in [0, 2] {
            assert_eq!(
                w.sign_out_of(t),
                (Reason::Manual, T0 + 20 * SEC, true),
                "{mode:?}"
            );
            assert_eq!(fired_at(&w, t), T0 + 20 * SEC, "{mode:?}");
            assert_eq!(w.state(t), State::SignedOut, "{mode:?}");
        }
    }
}

#[test]
fn an_idle_end_reaches_every_tab_with_its_reason() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 3, Opts::default());
        w.advance(30 * SEC);
        w.activity(2);
        w.advance(HOUR);
        assert_one_end(&w, Reason::Idle, T0 + 90 * SEC, &format!("{mode:?}"));
        for t in 0..3 {
            assert_eq!(fired_at(&w, t), T0 + 90 * SEC, "{mode:?}");
        }
    }
}

#[test]
fn an_absolute_end_reaches_every_tab_with_its_reason() {
    for mode in TAB_MODES {
        let opts = Opts {
            max: (5 * MIN) as i64,
            ..Opts::default()
        };
        let mut w = tabs(mode, 3, opts);
        for k in 1..=20 {
            w.advance_to(T0 + k * 30 * SEC);
            w.activity((k % 3) as usize);
        }
        assert_one_end(&w, Reason::Absolute, T0 + 5 * MIN, &format!("{mode:?}"));
    }
}

#[test]
fn without_the_channel_an_end_is_found_in_the_record() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, Opts::default());
        w.bus.hold_messages = true;
        w.advance(10 * SEC);
        w.sign_out(0);
        assert!(!w.is_signed_out(1), "{mode:?}");
        // B's idle deadline comes; it re-reads and learns of the end.
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(1),
            (Reason::Manual, T0 + 10 * SEC, true),
            "{mode:?}"
        );
        w.deliver();
        assert_eq!(w.tabs[1].sign_outs().len(), 1, "{mode:?}");
    }
}

// ---------------------------------------------------------- remember-me

#[test]
fn remember_me_propagates_both_ways() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, Opts::default());
        w.advance(30 * SEC);
        w.set_remember_me(0, true);
        assert_eq!(w.expires_at(1), Some(T0 + 10 * MIN), "{mode:?}");
        w.advance_to(T0 + 5 * MIN);
        assert!(!w.is_signed_out(1), "{mode:?}");
        w.activity(1);
        w.advance(30 * SEC);
        w.set_remember_me(1, false);
        assert_eq!(w.expires_at(0), Some(T0 + 6 * MIN), "{mode:?}");
        w.advance(HOUR);
        assert_one_end(&w, Reason::Idle, T0 + 6 * MIN, &format!("{mode:?}"));
    }
}

#[test]
fn the_later_remember_me_setting_wins() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, Opts::default());
        w.advance(10 * SEC);
        w.bus.hold_messages = true;
        w.set_remember_me(0, true);
        w.advance(SEC);
        w.set_remember_me(1, false);
        w.deliver();
        // B switched last: remember-me is off in both.
        assert_eq!(w.expires_at(0), Some(T0 + MIN), "{mode:?}");
        assert_eq!(w.expires_at(1), Some(T0 + MIN), "{mode:?}");
        assert!(!w.bus.record(w.now).remember_me, "{mode:?}");
    }
}

// ------------------------------------------------------- tabs and reloads

#[test]
fn a_new_tab_resumes_the_live_session_without_counting_as_activity() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let opts = Opts {
            started_at: Some(T0 - 10 * MIN),
            ..Opts::default()
        };
        let a = w.open(opts, true);
        w.advance(30 * SEC);
        w.activity(a);
        w.advance(20 * SEC);
        let stored = w.bus.store.clone();
        let writes = w
            .bus
            .log
            .iter()
            .filter(|l| matches!(l.op, Op::Write(_)))
            .count();
        // A later guard, with or without the sign-in time.
        let b = w.open(Opts::default(), true);
        let c = w.open(opts, true);
        for t in [b, c] {
            let r = w.session(t).record();
            assert_eq!(r.started_at, T0 - 10 * MIN, "{mode:?}");
            assert_eq!(r.last_activity, T0 + 30 * SEC, "{mode:?}");
            assert_eq!(w.expires_at(t), Some(T0 + 90 * SEC), "{mode:?}");
            assert!(w.tabs[t].activities().is_empty(), "{mode:?}");
        }
        assert_eq!(w.bus.store, stored, "{mode:?}");
        let now_writes = w
            .bus
            .log
            .iter()
            .filter(|l| matches!(l.op, Op::Write(_)))
            .count();
        assert_eq!(
            now_writes, writes,
            "{mode:?}: starting a tab wrote the record"
        );
        w.advance(HOUR);
        assert_one_end(&w, Reason::Idle, T0 + 90 * SEC, &format!("{mode:?}"));
    }
}

#[test]
fn a_reload_keeps_the_start_and_the_absolute_deadline() {
    for mode in TAB_MODES {
        let opts = Opts {
            max: (5 * MIN) as i64,
            ..Opts::default()
        };
        let mut w = World::new(T0, mode.locks);
        let a = w.open(opts, true);
        w.advance(40 * SEC);
        w.activity(a);
        w.advance(30 * SEC);
        w.close(a); // reload: the old page goes away...
        w.advance(500);
        let a2 = w.open(opts, true); // ...and the new one starts
        assert_eq!(w.session(a2).record().started_at, T0, "{mode:?}");
        assert_eq!(w.expires_at(a2), Some(T0 + 100 * SEC), "{mode:?}");
        for k in 1..=20 {
            w.advance_to(T0 + 70 * SEC + k * 25 * SEC);
            w.activity(a2);
        }
        assert_eq!(
            w.sign_out_of(a2),
            (Reason::Absolute, T0 + 5 * MIN, false),
            "{mode:?}"
        );
        assert!(w.tabs[a].sign_outs().is_empty(), "{mode:?}");
    }
}

#[test]
fn leaving_writes_the_activity_not_yet_written() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(Opts::default(), true);
        w.advance(300);
        w.activity(a); // within a second of the last write: not written yet
        assert_eq!(w.bus.record(w.now).last_activity, T0, "{mode:?}");
        w.advance(100);
        w.leave(a);
        w.close(a);
        assert_eq!(w.bus.record(w.now).last_activity, T0 + 300, "{mode:?}");
        w.advance(SEC);
        let b = w.open(Opts::default(), true);
        assert_eq!(w.expires_at(b), Some(T0 + 300 + MIN), "{mode:?}");
    }
}

#[test]
fn a_stored_session_past_its_idle_deadline_ends_at_once() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(Opts::default(), true);
        w.advance(10 * SEC);
        w.activity(a);
        w.close(a);
        w.jump_to(T0 + 10 * MIN);
        let b = w.open(Opts::default(), true);
        assert_eq!(
            w.sign_out_of(b),
            (Reason::Idle, T0 + 70 * SEC, false),
            "{mode:?}"
        );
        assert_eq!(fired_at(&w, b), T0 + 10 * MIN, "{mode:?}");
        let end = w.bus.record(w.now).ended;
        assert_eq!(
            end,
            Some(End {
                reason: Reason::Idle,
                at: T0 + 70 * SEC
            }),
            "{mode:?}"
        );
    }
}

#[test]
fn a_stored_session_past_its_absolute_deadline_ends_at_once() {
    for mode in TAB_MODES {
        let opts = Opts {
            remember_me: true,
            remember: DAY as i64,
            ..Opts::default()
        };
        let mut w = World::new(T0, mode.locks);
        let a = w.open(opts, true);
        w.close(a);
        w.jump_to(T0 + 2 * HOUR);
        let b = w.open(opts, true);
        assert_eq!(
            w.sign_out_of(b),
            (Reason::Absolute, T0 + HOUR, false),
            "{mode:?}"
        );
    }
}

#[test]
fn an_ended_session_is_never_resumed() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(Opts::default(), true);
        w.advance(10 * SEC);
        w.sign_out(a);
        w.close(a);
        w.advance(MIN);
        // Without a start: a new session now.
        let b = w.open(Opts::default(), true);
        assert!(w.tabs[b].sign_outs().is_empty(), "{mode:?}");
        assert_eq!(w.state(b), State::Active, "{mode:?}");
        let r = w.bus.record(w.now);
        assert_eq!(
            (r.started_at, r.last_activity, r.ended),
            (T0 + 70 * SEC, T0 + 70 * SEC, None),
            "{mode:?}"
        );
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(b),
            (Reason::Idle, T0 + 130 * SEC, false),
            "{mode:?}"
        );

        // With a start: a new session at that start.
        w.close(b);
        w.advance(MIN);
        let opts = Opts {
            started_at: Some(w.now - 5 * MIN),
            ..Opts::default()
        };
        let c = w.open(opts, true);
        assert!(w.tabs[c].sign_outs().is_empty(), "{mode:?}");
        assert_eq!(
            w.session(c).record().started_at,
            w.now - 5 * MIN,
            "{mode:?}"
        );
        assert_eq!(w.bus.record(w.now).ended, None, "{mode:?}");
    }
}

#[test]
fn an_ended_session_is_not_resumed_by_the_same_started_at() {
    // "A stored session that has ended is never resumed: the next guard
    // begins a new session at startedAt." The app passes the same sign-in
    // time again (a reload after signing out the idle user).
    for mode in TAB_MODES {
        let opts = Opts {
            started_at: Some(T0),
            ..Opts::default()
        };
        let mut w = World::new(T0, mode.locks);
        let a = w.open(opts, true);
        w.advance(HOUR / 2);
        assert_eq!(
            w.sign_out_of(a),
            (Reason::Idle, T0 + MIN, false),
            "{mode:?}"
        );
        w.close(a);
        let b = w.open(opts, true);
        assert!(
            w.tabs[b].sign_outs().is_empty(),
            "{mode:?}: {:?}",
            w.tabs[b].sign_outs()
        );
        assert_eq!(w.expires_at(b), Some(T0 + HOUR / 2 + MIN), "{mode:?}");
        assert_eq!(w.bus.record(w.now).ended, None, "{mode:?}");
    }
}

#[test]
fn a_different_started_at_begins_a_new_session() {
    for mode in TAB_MODES {
        let old = Opts {
            started_at: Some(T0 - 50 * MIN),
            ..Opts::default()
        };
        let mut w = World::new(T0, mode.locks);
        let a = w.open(old, true);
        w.advance(10 * SEC);
        let new = Opts {
            started_at: Some(T0),
            ..Opts::default()
        };
        let b = w.open(new, true);
        assert_eq!(w.session(b).record().started_at, T0, "{mode:?}");
        assert_eq!(
            w.session(b).record().last_activity,
            T0 + 10 * SEC,
            "{mode:?}"
        );
        assert_eq!(w.bus.record(w.now).started_at, T0, "{mode:?}");
        // The older tab joins the new sign-in rather than ending it.
        assert_eq!(w.session(a).record().started_at, T0, "{mode:?}");
        for k in 1..=40 {
            w.advance_to(T0 + k * 30 * SEC);
            w.activity(b);
        }
        assert!(w.tabs[a].sign_outs().is_empty(), "{mode:?}");
        assert!(w.tabs[b].sign_outs().is_empty(), "{mode:?}");
    }
}

// ------------------------------------------------------------ fail closed

fn assert_rejected(w: &World, tab: usize, error: RecordError, at: u64, ctx: &str) {
    let effects: Vec<Effect> = w.tabs[tab].effects.iter().map(|(_, e)| *e).collect();
    let rejected = effects.iter().position(|e| *e == Effect::Rejected(error));
    let ended = effects
        .iter()
        .position(|e| matches!(e, Effect::SignedOut { .. }));
    assert!(
        matches!((rejected, ended), (Some(r), Some(e)) if r < e),
        "{ctx}: {effects:?}"
    );
    assert_eq!(w.sign_out_of(tab), (Reason::Absolute, at, false), "{ctx}");
}

#[test]
fn a_corrupt_record_at_start_fails_closed() {
    let good = live_record(T0 - MIN, T0 - 30 * SEC).encode();
    let cases = [
        ("not json".to_string(), RecordError::Malformed),
        (String::new(), RecordError::Malformed),
        ("{}".to_string(), RecordError::Malformed),
        (good.replace("\"v\":2", "\"v\":3"), RecordError::Version),
        (
            good.replace("\"endedAt\":null", "\"endedAt\":1"),
            RecordError::Malformed,
        ),
        (
            good.replace("\"lastActivity\":", "\"lastActivity\":\"x\",\"y\":"),
            RecordError::Malformed,
        ),
    ];
    for mode in TAB_MODES {
        for (text, error) in &cases {
            let mut w = World::new(T0, mode.locks);
            w.bus.store = Some(text.clone());
            let b = w.open(Opts::default(), true);
            assert_rejected(&w, b, *error, T0, &format!("{mode:?} {text:?}"));
            // The origin is not bricked: the next guard starts afresh.
            w.advance(SEC);
            let c = w.open(Opts::default(), true);
            assert!(w.tabs[c].sign_outs().is_empty(), "{mode:?} {text:?}");
        }
    }
}

#[test]
fn a_corrupt_message_fails_closed_in_every_tab() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, Opts::default());
        w.advance(5 * SEC);
        w.receive(1, Some("{\"v\":1}"));
        assert_rejected(
            &w,
            1,
            RecordError::Malformed,
            T0 + 5 * SEC,
            &format!("{mode:?}"),
        );
        assert_eq!(
            w.sign_out_of(0),
            (Reason::Absolute, T0 + 5 * SEC, true),
            "{mode:?}"
        );
    }
}

#[test]
fn a_time_more_than_a_minute_ahead_is_rejected() {
    for mode in TAB_MODES {
        // In the stored record...
        let mut w = World::new(T0, mode.locks);
        w.bus.store = Some(live_record(T0 - MIN, T0 + 61 * SEC).encode());
        let b = w.open(Opts::default(), true);
        assert_rejected(&w, b, RecordError::Time, T0, &format!("{mode:?}"));

        // ...or a start ahead, in a message.
        let mut w = tabs(mode, 2, Opts::default());
        let ahead = live_record(T0 + 2 * MIN, T0 + 2 * MIN).encode();
        w.receive(1, Some(&ahead));
        assert_rejected(&w, 1, RecordError::Time, T0, &format!("{mode:?}"));

        // Within a minute is clock skew, and accepted.
        let mut w = World::new(T0, mode.locks);
        w.bus.store = Some(live_record(T0 - MIN, T0 + 59 * SEC).encode());
        let b = w.open(Opts::default(), true);
        assert!(w.tabs[b].sign_outs().is_empty(), "{mode:?}");
        assert_eq!(w.expires_at(b), Some(T0 + 119 * SEC), "{mode:?}");
    }
}

#[test]
fn a_removed_record_is_written_again() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, Opts::default());
        w.advance(5 * SEC);
        w.bus.store = None;
        w.receive(1, None); // the storage event of the removal
        w.advance(2 * SEC);
        let r = w.bus.record(w.now);
        assert_eq!((r.started_at, r.ended), (T0, None), "{mode:?}");
        assert!(!w.is_signed_out(0) && !w.is_signed_out(1), "{mode:?}");
    }
}

// ------------------------------------------------------- never backwards

#[test]
fn a_stale_record_or_message_never_moves_anything_backwards() {
    for mode in TAB_MODES {
        let opts = Opts {
            warn: (10 * SEC) as i64,
            ..Opts::default()
        };
        let mut w = tabs(mode, 2, opts);
        let stale = live_record(T0, T0).encode();
        w.advance_to(T0 + 40 * SEC);
        w.activity(0);
        w.advance_to(T0 + 45 * SEC);
        w.set_remember_me(0, true);
        let deadline = T0 + 40 * SEC + 10 * MIN;
        assert_eq!(w.expires_at(1), Some(deadline), "{mode:?}");

        // An older message arrives late...
        w.receive(1, Some(&stale));
        assert_eq!(w.expires_at(1), Some(deadline), "{mode:?}");
        assert!(w.session(1).record().remember_me, "{mode:?}");

        // ...and the store holds an older record when B re-reads it.
        w.bus.store = Some(stale.clone());
        w.advance_to(deadline - 10 * SEC);
        assert_eq!(w.expires_at(1), Some(deadline), "{mode:?}");
        assert!(w.session(1).record().remember_me, "{mode:?}");
        assert_eq!(
            w.tabs[1].warnings(),
            vec![(deadline - 10 * SEC, Reason::Idle, 10 * SEC, deadline)],
            "{mode:?}"
        );
        w.advance(HOUR);
        assert_one_end(&w, Reason::Idle, deadline, &format!("{mode:?}"));
    }
}

// ----------------------------------------------------------- pause, holds

fn warned() -> Opts {
    Opts {
        warn: (10 * SEC) as i64,
        ..Opts::default()
    }
}

#[test]
fn a_pause_in_one_tab_holds_every_tab_until_resume() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, warned());
        w.advance_to(T0 + 10 * SEC);
        w.pause(0);
        assert_eq!(w.state(0), State::Paused, "{mode:?}");
        w.advance_to(T0 + 10 * MIN);
        for t in 0..2 {
            assert!(w.tabs[t].warnings().is_empty(), "{mode:?} tab {t}");
            assert!(!w.is_signed_out(t), "{mode:?} tab {t}");
        }
        assert_eq!(w.state(1), State::Active, "{mode:?}");
        assert_eq!(w.expires_at(1), Some(T0 + HOUR), "{mode:?}");
        w.resume(0);
        assert_eq!(w.expires_at(1), Some(T0 + 11 * MIN), "{mode:?}");
        w.advance(HOUR);
        for t in 0..2 {
            assert_eq!(
                w.tabs[t].warnings(),
                vec![(
                    T0 + 11 * MIN - 10 * SEC,
                    Reason::Idle,
                    10 * SEC,
                    T0 + 11 * MIN
                )],
                "{mode:?} tab {t}"
            );
        }
        assert_one_end(&w, Reason::Idle, T0 + 11 * MIN, &format!("{mode:?}"));
    }
}

#[test]
fn a_paused_tab_going_away_releases_the_hold() {
    let mut w = tabs(LOCKED, 2, warned());
    w.advance_to(T0 + 10 * SEC);
    w.pause(0);
    w.advance_to(T0 + 5 * MIN);
    // Closed without resume(): its lock goes with it.
    w.leave(0);
    w.close(0);
    assert_eq!(w.expires_at(1), Some(T0 + 6 * MIN));
    w.advance(HOUR);
    assert_eq!(
        w.tabs[1].warnings(),
        vec![(
            T0 + 6 * MIN - 10 * SEC,
            Reason::Idle,
            10 * SEC,
            T0 + 6 * MIN
        )]
    );
    assert_eq!(w.sign_out_of(1), (Reason::Idle, T0 + 6 * MIN, false));
}

#[test]
fn without_locks_a_paused_tab_going_away_restarts_the_idle_window() {
    // Without locks, leaving announces the end of the hold.
    let mut w = tabs(SHARED, 2, warned());
    w.advance_to(T0 + 10 * SEC);
    w.pause(0);
    w.advance_to(T0 + 5 * MIN);
    w.leave(0);
    w.close(0);
    assert!(!w.is_signed_out(1), "{:?}", w.tabs[1].sign_outs());
    assert_eq!(w.expires_at(1), Some(T0 + 6 * MIN));
    w.advance(HOUR);
    assert_eq!(w.sign_out_of(1), (Reason::Idle, T0 + 6 * MIN, false));
}

#[test]
fn the_absolute_deadline_holds_during_a_hold() {
    for mode in TAB_MODES {
        let opts = Opts {
            max: (5 * MIN) as i64,
            ..Opts::default()
        };
        let mut w = tabs(mode, 2, opts);
        w.advance(10 * SEC);
        w.pause(0);
        w.advance(HOUR);
        assert_one_end(&w, Reason::Absolute, T0 + 5 * MIN, &format!("{mode:?}"));
    }
}

#[test]
fn a_tab_opened_during_a_hold_finds_it() {
    // It never heard the pause announced: the lock tells it.
    let mut w = tabs(LOCKED, 1, warned());
    w.advance_to(T0 + 10 * SEC);
    w.pause(0);
    w.advance_to(T0 + 10 * MIN);
    let c = w.open(warned(), true);
    assert!(w.tabs[c].sign_outs().is_empty(), "{:?}", w.tabs[c].effects);
    assert!(w.tabs[c].warnings().is_empty());
    assert_eq!(w.state(c), State::Active);
    w.advance_to(T0 + 20 * MIN);
    assert!(!w.is_signed_out(c));
    w.resume(0);
    w.advance(HOUR);
    assert_one_end(&w, Reason::Idle, T0 + 21 * MIN, "locks");
}

#[test]
fn a_hold_ends_when_the_session_ends() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 2, Opts::default());
        w.advance(10 * SEC);
        w.pause(0);
        w.advance(MIN);
        w.sign_out(1);
        assert_eq!(
            w.sign_out_of(0),
            (Reason::Manual, T0 + 70 * SEC, true),
            "{mode:?}"
        );
        assert_eq!(w.state(0), State::SignedOut, "{mode:?}");
        // A new session is not held by the old pause.
        w.close(0);
        w.close(1);
        w.advance(SEC);
        let c = w.open(Opts::default(), true);
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(c),
            (Reason::Idle, T0 + 131 * SEC, false),
            "{mode:?}"
        );
    }
}

// ------------------------------------------------------------ crossTab off

#[test]
fn cross_tab_false_never_reads_or_writes() {
    let ended = Record {
        ended: Some(End {
            reason: Reason::Manual,
            at: T0 - SEC,
        }),
        ..live_record(T0 - MIN, T0 - MIN)
    };
    for stored in [
        None,
        Some("garbage".to_string()),
        Some(ended.encode()),
        Some(live_record(T0 - 50 * MIN, T0).encode()),
    ] {
        let mut w = World::new(T0, false);
        w.bus.store = stored.clone();
        let t = w.open(warned(), false);
        // Whatever is stored, this guard runs its own session from now.
        assert!(w.tabs[t].effects.is_empty(), "{stored:?}");
        assert_eq!(w.expires_at(t), Some(T0 + MIN), "{stored:?}");
        assert_eq!(w.session(t).record().started_at, T0, "{stored:?}");
        w.advance(30 * SEC);
        w.activity(t);
        w.set_remember_me(t, true);
        w.set_remember_me(t, false);
        w.pause(t);
        w.advance(MIN);
        w.resume(t);
        w.advance(55 * SEC);
        w.sign_out(t);
        assert_eq!(
            w.sign_out_of(t),
            (Reason::Manual, T0 + 145 * SEC, false),
            "{stored:?}"
        );
        assert_eq!(
            w.tabs[t].warnings(),
            vec![(T0 + 140 * SEC, Reason::Idle, 10 * SEC, T0 + 150 * SEC)],
            "{stored:?}"
        );
        assert!(w.bus.log.is_empty(), "{stored:?}: {:?}", w.bus.log);
        assert_eq!(w.bus.store, stored);
        let holds = w.tabs[t]
            .effects
            .iter()
            .filter(|(_, e)| matches!(e, Effect::Hold(_)));
        assert_eq!(holds.count(), 0, "{stored:?}");
    }
}

// -------------------------------------------------------------- many tabs

#[test]
fn ten_tabs_end_exactly_once_each() {
    for mode in TAB_MODES {
        for storage_events in [false, true] {
            for ending in ["idle", "manual", "absolute", "corrupt", "pause"] {
                let ctx = format!("{mode:?} storage events {storage_events} {ending}");
                let opts = Opts {
                    max: (20 * MIN) as i64,
                    warn: (10 * SEC) as i64,
                    ..Opts::default()
                };
                let mut w = World::new(T0, mode.locks);
                w.bus.storage_events = storage_events;
                for i in 0..10 {
                    w.open(opts, true);
                    w.advance(100 + i * 37);
                }
                // Activity wandering between the tabs for five minutes.
                let mut k = 0u64;
                while w.now < T0 + 5 * MIN {
                    k += 1;
                    w.advance(1_000 + (k * 7_919) % 20_000);
                    w.activity(((k * 3) % 10) as usize);
                }
                let last = w.now;
                match ending {
                    "idle" => {
                        w.advance(HOUR);
                        assert_one_end(&w, Reason::Idle, last + MIN, &ctx);
                    }
                    "manual" => {
                        w.advance(20 * SEC);
                        w.sign_out(7);
                        w.advance(HOUR);
                        assert_one_end(&w, Reason::Manual, last + 20 * SEC, &ctx);
                        assert!(!w.sign_out_of(7).2, "{ctx}");
                    }
                    "absolute" => {
                        while w.now < T0 + HOUR {
                            k += 1;
                            w.advance(1_000 + (k * 7_919) % 20_000);
                            w.activity(((k * 3) % 10) as usize);
                        }
                        assert_one_end(&w, Reason::Absolute, T0 + 20 * MIN, &ctx);
                    }
                    "corrupt" => {
                        w.receive(3, Some("{\"v\":1,"));
                        w.advance(HOUR);
                        assert_one_end(&w, Reason::Absolute, last, &ctx);
                        assert!(!w.sign_out_of(3).2, "{ctx}");
                    }
                    _ => {
                        w.advance(5 * SEC);
                        w.pause(4);
                        w.advance(10 * MIN);
                        assert!(!(0..10).any(|t| w.is_signed_out(t)), "{ctx}");
                        let released = w.now;
                        // The paused tab goes away still paused.
                        w.leave(4);
                        w.close(4);
                        w.advance(HOUR);
                        assert_one_end(&w, Reason::Idle, released + MIN, &ctx);
                    }
                }
                for t in 0..10 {
                    assert!(w.tabs[t].sign_outs().len() <= 1, "{ctx} tab {t}");
                }
            }
        }
    }
}

#[test]
fn tabs_that_started_at_once_are_one_session_for_the_end() {
    // B opens before A's record reaches it (storage lags between pages), so
    // each begins a session of its own; A then signs out before B's news
    // reaches A. The end must still reach B.
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        w.bus.hold_messages = true;
        let a = w.open(Opts::default(), true);
        w.bus.store = None;
        w.bus.forget_pending();
        w.advance(5);
        let b = w.open(Opts::default(), true);
        w.sign_out(a);
        w.deliver();
        assert_eq!(
            w.sign_out_of(a),
            (Reason::Manual, T0 + 5, false),
            "{mode:?}"
        );
        assert_eq!(w.sign_out_of(b), (Reason::Manual, T0 + 5, true), "{mode:?}");
    }
}

#[test]
fn an_end_from_before_this_session_began_is_not_ours() {
    // An old tab's end that arrives late, after a new sign-in elsewhere,
    // does not end the new session.
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let old = w.open(Opts::default(), true);
        w.advance(MIN);
        let ended = Record {
            ended: Some(End {
                reason: Reason::Idle,
                at: T0 + 30 * SEC,
            }),
            ..live_record(T0, T0)
        };
        let fresh = Opts {
            started_at: Some(T0 + MIN),
            ..Opts::default()
        };
        let new = w.open(fresh, true);
        w.receive(new, Some(&ended.encode()));
        assert!(!w.is_signed_out(new), "{mode:?}");
        let _ = old;
    }
}

#[test]
fn a_stale_held_flag_does_not_revive_the_session() {
    // A paused tab crashed long ago: the record still says `held`, but no
    // tab holds the session. The stored last activity stands.
    for mode in TAB_MODES {
        let mut w = World::new(T0 + 30 * MIN, mode.locks);
        let stale = Record {
            held: true,
            ..live_record(T0, T0 + MIN)
        };
        w.bus.store = Some(stale.encode());
        let c = w.open(Opts::default(), true);
        // The record names no horizon: this tab acts on idleness sooner than
        // the tabs that wrote it, and waits for what they may hold back.
        w.advance(DELIVERY_MARGIN_MS);
        assert_eq!(
            w.sign_out_of(c),
            (Reason::Idle, T0 + 2 * MIN, false),
            "{mode:?}"
        );
    }
}

// ------------------------------------------------------------ releases

#[test]
fn a_record_written_by_a_newer_release_is_resumed() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let text = live_record(T0 - MIN, T0 - 30 * SEC).encode();
        let inner = &text[1..text.len() - 1];
        w.bus.store = Some([NEWER_FIELDS.0, inner, NEWER_FIELDS.1].concat());
        let b = w.open(Opts::default(), true);
        assert!(w.tabs[b].beyond_start().is_empty(), "{mode:?}");
        assert_eq!(w.session(b).record().started_at, T0 - MIN, "{mode:?}");
        assert_eq!(w.expires_at(b), Some(T0 + 30 * SEC), "{mode:?}");
    }
}

#[test]
fn a_record_of_the_first_release_is_resumed() {
    let v1 = format!(
        "{{\"v\":1,\"startedAt\":{},\"lastActivity\":{},\"rememberMe\":false,\"rememberAt\":{},\"endedAt\":null,\"reason\":null}}",
        T0 - MIN,
        T0 - 30 * SEC,
        T0 - MIN
    );
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        w.bus.store = Some(v1.clone());
        let b = w.open(Opts::default(), true);
        assert!(w.tabs[b].beyond_start().is_empty(), "{mode:?}");
        assert_eq!(w.expires_at(b), Some(T0 + 30 * SEC), "{mode:?}");
        // It is the same session for a tab that joins later.
        let c = w.open(Opts::default(), true);
        assert_eq!(w.session(c).record().id, w.session(b).record().id);
    }
}

#[test]
fn tabs_of_two_releases_share_one_session() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        w.bus.newer = Some(1);
        let opts = warned();
        let a = w.open(opts, true);
        let b = w.open(opts, true);
        // Activity in the newer tab keeps the older one alive, and back.
        for _ in 0..3 {
            w.advance(40 * SEC);
            w.activity(b);
            w.advance(40 * SEC);
            w.activity(a);
        }
        assert!(!w.is_signed_out(a) && !w.is_signed_out(b), "{mode:?}");
        assert!(w.tabs[a].rejections() == 0 && w.tabs[b].rejections() == 0);
        w.set_remember_me(b, true);
        assert!(w.session(a).record().remember_me, "{mode:?}");
        w.set_remember_me(a, false);
        w.sign_out(b);
        let at = w.now;
        assert_eq!(w.sign_out_of(a), (Reason::Manual, at, true), "{mode:?}");
        assert_eq!(w.sign_out_of(b), (Reason::Manual, at, false), "{mode:?}");
    }
}

// ------------------------------------------------------------ before others act

/// Two or more tabs with a short idle window: activity in the last tab just
/// before the others would end.
#[test]
fn activity_reaches_every_tab_before_any_ends_however_short_the_window() {
    for mode in TAB_MODES {
        for n in [2, 20] {
            let opts = Opts {
                idle: SEC as i64,
                ..Opts::default()
            };
            let mut w = tabs(mode, n, opts);
            let last = n - 1;
            // The last tab wrote the record a moment after the start...
            w.advance(10);
            w.activity(last);
            // ...and is active again before the others would end.
            w.advance(790);
            w.activity(last);
            // Past the moment the others would have ended on the start.
            w.advance(999);
            for t in 0..n {
                assert!(
                    !w.is_signed_out(t),
                    "{mode:?} {n} tabs: tab {t} ended early"
                );
            }
            w.advance(5 * SEC);
            for t in 0..n {
                assert_eq!(
                    w.sign_out_of(t).0,
                    Reason::Idle,
                    "{mode:?} {n} tabs: tab {t}"
                );
            }
            let ends: Vec<u64> = (0..n).map(|t| w.sign_out_of(t).1).collect();
            assert!(ends.iter().all(|at| *at == T0 + 1800), "{ends:?}");
        }
    }
}

#[test]
fn activity_that_closes_a_warning_goes_out_at_once() {
    for mode in TAB_MODES {
        let opts = Opts {
            idle: SEC as i64,
            warn: 300,
            ..Opts::default()
        };
        let mut w = tabs(mode, 2, opts);
        // Tab 1 wrote the record a moment after the start.
        w.advance(10);
        w.activity(1);
        w.advance(740);
        assert_eq!(w.state(0), State::Warning, "{mode:?}");
        assert_eq!(w.state(1), State::Warning, "{mode:?}");
        w.activity(1);
        // No time passes: the other tab heard of it in the same moment.
        assert_eq!(w.state(1), State::Active, "{mode:?}");
        assert_eq!(w.state(0), State::Active, "{mode:?}");
    }
}

#[test]
fn a_tab_with_a_shorter_window_is_told_in_time() {
    // Tab 0 idles out after a minute, tab 1 after a second: activity in tab
    // 0 is written before tab 1 could end on the older time.
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let long = w.open(Opts::default(), true);
        let short = w.open(
            Opts {
                idle: SEC as i64,
                ..Opts::default()
            },
            true,
        );
        for _ in 0..20 {
            w.advance(600);
            w.activity(long);
        }
        assert!(!w.is_signed_out(short), "{mode:?}");
        w.advance(1000);
        assert_eq!(w.sign_out_of(short).0, Reason::Idle, "{mode:?}");
        assert_eq!(w.sign_out_of(short).1, T0 + 12_000 + 1000, "{mode:?}");
        // The long tab follows the short tab's end.
        assert_eq!(w.sign_out_of(long), (Reason::Idle, T0 + 13_000, true));
    }
}

#[test]
fn constant_activity_with_windows_of_a_minute_writes_once_a_second() {
    for mode in TAB_MODES {
        let mut w = tabs(mode, 3, warned());
        let writes_before = w.bus.writes(0);
        for _ in 0..(30 * SEC / 16) {
            w.advance(16);
            w.activity(0);
        }
        let writes = w.bus.writes(0) - writes_before;
        assert!(
            (29..=31).contains(&writes),
            "{mode:?}: {writes} writes in 30 s"
        );
        assert_eq!(w.bus.writes(1) + w.bus.writes(2), 0, "{mode:?}");
    }
}

// ------------------------------------------------------------ snapshot

#[test]
fn the_snapshot_says_what_a_ui_shows() {
    let mut w = World::new(T0, true);
    let opts = warned();
    let a = w.open(opts, true);
    let b = w.open(opts, true);
    let s = w.session(a).snapshot(w.now);
    assert_eq!(
        (s.state, s.started_at, s.last_activity),
        (State::Active, T0, T0)
    );
    assert_eq!(s.idle_window, Some(MIN));
    assert_eq!(s.idle_expires_at, Some(T0 + MIN));
    assert_eq!(s.absolute_expires_at, Some(T0 + HOUR));
    assert_eq!((s.expires_at, s.remaining_ms), (Some(T0 + MIN), Some(MIN)));
    assert_eq!(
        (s.warning, s.held, s.ended, s.remember_me),
        (None, false, None, false)
    );

    w.advance(55 * SEC);
    let s = w.session(b).snapshot(w.now);
    assert_eq!(s.state, State::Warning);
    assert_eq!(s.warning, Some((Reason::Idle, T0 + MIN)));
    assert_eq!(s.remaining_ms, Some(5 * SEC));

    w.set_remember_me(a, true);
    w.pause(a);
    let (sa, sb) = (w.session(a).snapshot(w.now), w.session(b).snapshot(w.now));
    assert_eq!(
        (sa.state, sa.idle_expires_at, sa.held),
        (State::Paused, None, false)
    );
    assert_eq!(
        (sb.state, sb.idle_expires_at, sb.held),
        (State::Active, None, true)
    );
    assert_eq!((sb.remember_me, sb.idle_window), (true, Some(10 * MIN)));
    assert_eq!(sb.expires_at, Some(T0 + HOUR));

    w.resume(a);
    w.sign_out(b);
    let s = w.session(a).snapshot(w.now);
    assert_eq!(s.state, State::SignedOut);
    assert_eq!(
        s.ended,
        Some(End {
            reason: Reason::Manual,
            at: T0 + 55 * SEC
        })
    );
    assert_eq!(
        (s.remaining_ms, s.expires_at),
        (Some(0), Some(T0 + 55 * SEC))
    );
    assert_eq!((s.idle_expires_at, s.absolute_expires_at), (None, None));
}

// ------------------------------------------------------------ storage fails

#[test]
fn a_storage_failure_is_reported_once_and_the_tab_still_enforces() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        w.bus.broken = true;
        let t = w.open(warned(), true);
        for _ in 0..5 {
            w.advance(20 * SEC);
            w.activity(t);
        }
        w.set_remember_me(t, false);
        assert_eq!(
            w.tabs[t].problems(),
            vec![(T0, session_guard::core::Problem::Storage)],
            "{mode:?}"
        );
        w.advance(HOUR);
        assert_eq!(
            w.sign_out_of(t),
            (Reason::Idle, T0 + 160 * SEC, false),
            "{mode:?}"
        );
    }
}

#[test]
fn with_confirm_to_stay_touch_in_one_tab_closes_the_warning_in_every_tab() {
    for mode in TAB_MODES {
        let opts = Opts {
            warn: (10 * SEC) as i64,
            confirm_to_stay: true,
            ..Opts::default()
        };
        let mut w = tabs(mode, 3, opts);
        w.advance(52 * SEC);
        w.activity(1);
        w.activity(2);
        for t in 0..3 {
            assert_eq!(w.state(t), State::Warning, "{mode:?} tab {t}");
        }
        w.touch(2);
        for t in 0..3 {
            assert_eq!(w.state(t), State::Active, "{mode:?} tab {t}");
            assert_eq!(w.expires_at(t), Some(T0 + 52 * SEC + MIN), "{mode:?}");
        }
    }
}

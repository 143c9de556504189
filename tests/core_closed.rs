#![cfg(not(target_arch = "wasm32"))]
//! `closedTimeoutMs` and the back-forward cache, as the core sees them:
//! pages that go away (`Input::Leave` on `pagehide`, then the page closes and
//! its locks go) and pages that start again (a new guard, or `Input::Shown`
//! when the back-forward cache shows a page again).

mod common;

use common::*;
use session_guard::core::{Input, Reason, State, PING_WAIT_MS};

const WINDOW: u64 = 30 * SEC;

fn closing() -> Opts {
    Opts {
        idle: (10 * MIN) as i64,
        closed: Some(WINDOW),
        ..Opts::default()
    }
}

/// The page goes away for good: `pagehide`, then its locks go.
fn gone(w: &mut World, tab: usize) {
    w.leave(tab);
    w.close(tab);
}

/// Opens a page now and lets a ping (without Web Locks) go unanswered.
fn open_and_wait(w: &mut World) -> usize {
    let tab = w.open(closing(), true);
    w.advance(PING_WAIT_MS);
    tab
}

#[test]
fn a_page_that_starts_after_every_page_was_gone_for_the_window_ends_the_session() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(closing(), true);
        let b = w.open(closing(), true);
        w.advance(5 * SEC);
        gone(&mut w, a);
        w.advance(5 * SEC);
        gone(&mut w, b);
        w.advance(WINDOW + 1);
        let c = open_and_wait(&mut w);
        assert_eq!(
            w.sign_out_of(c),
            (Reason::Closed, T0 + 10 * SEC + WINDOW, false),
            "{mode:?}"
        );
    }
}

#[test]
fn a_reload_a_navigation_or_a_new_tab_within_the_window_continues_the_session() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(closing(), true);
        w.advance(SEC);
        gone(&mut w, a);
        // A reload: the next document starts at once.
        let b = open_and_wait(&mut w);
        assert_eq!(w.state(b), State::Active, "{mode:?}");
        w.advance(10 * SEC);
        gone(&mut w, b);
        // A new tab a moment before the window ends.
        w.advance(WINDOW - 1);
        let c = open_and_wait(&mut w);
        assert_eq!(w.state(c), State::Active, "{mode:?}");
        assert_eq!(w.session(c).record().started_at, T0, "{mode:?}");
    }
}

#[test]
fn a_page_kept_open_keeps_the_session_open_however_long_it_is_idle() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(closing(), true);
        let b = w.open(closing(), true);
        w.advance(SEC);
        gone(&mut w, b);
        // A stays open, idle, and writes nothing for longer than the window.
        w.advance(5 * MIN);
        let c = open_and_wait(&mut w);
        assert_eq!(w.state(c), State::Active, "{mode:?}");
        assert_eq!(w.state(a), State::Active, "{mode:?}");
    }
}

#[test]
fn pages_that_vanished_without_pagehide_count_from_the_last_activity() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(closing(), true);
        w.advance(2 * SEC);
        w.activity(a);
        w.advance(2 * SEC);
        // The browser closes: no pagehide, the record says nothing of it.
        w.close(a);
        w.advance(MIN);
        let b = open_and_wait(&mut w);
        assert_eq!(
            w.sign_out_of(b),
            (Reason::Closed, T0 + 2 * SEC + WINDOW, false),
            "{mode:?}"
        );
    }
}

#[test]
fn without_the_option_a_late_page_resumes_the_session() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let opts = Opts {
            idle: (10 * MIN) as i64,
            ..Opts::default()
        };
        let a = w.open(opts, true);
        w.advance(SEC);
        gone(&mut w, a);
        w.advance(5 * MIN);
        let b = w.open(opts, true);
        w.advance(PING_WAIT_MS);
        assert_eq!(w.state(b), State::Active, "{mode:?}");
    }
}

#[test]
fn back_after_the_end_tells_the_end_once_more() {
    for mode in MODES {
        let mut w = World::solo(mode, Opts::default());
        w.advance(10 * SEC);
        w.sign_out(0);
        // The app navigated away in onSignOut; Back shows the page again.
        w.input(0, Input::Shown);
        w.input(0, Input::Shown);
        let restored: Vec<_> = w.tabs[0]
            .effects
            .iter()
            .filter(|(_, e)| matches!(e, Effect::Restored { .. }))
            .map(|(_, e)| *e)
            .collect();
        let again = Effect::Restored {
            reason: Reason::Manual,
            at: T0 + 10 * SEC,
        };
        assert_eq!(restored, vec![again, again], "{mode:?}");
        assert_eq!(w.tabs[0].sign_outs().len(), 1, "{mode:?}");
    }
}

#[test]
fn a_page_shown_again_reads_the_session_first() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(Opts::default(), true);
        let b = w.open(Opts::default(), true);
        w.advance(SEC);
        // A goes into the back-forward cache: it hears nothing meanwhile.
        w.leave(a);
        w.tabs[a].cross_tab = false;
        w.advance(SEC);
        w.sign_out(b);
        w.tabs[a].cross_tab = true;
        w.input(a, Input::Shown);
        assert_eq!(
            w.sign_out_of(a),
            (Reason::Manual, T0 + 2 * SEC, true),
            "{mode:?}"
        );
    }
}

#[test]
fn a_page_shown_again_after_the_window_with_no_page_open_ends_the_session() {
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let a = w.open(closing(), true);
        w.advance(SEC);
        // Into the back-forward cache: the page drops its locks.
        w.leave(a);
        w.tabs[a].present = false;
        w.advance(WINDOW + SEC);
        w.input(a, Input::Shown);
        w.advance(PING_WAIT_MS);
        assert_eq!(
            w.sign_out_of(a),
            (Reason::Closed, T0 + SEC + WINDOW, false),
            "{mode:?}"
        );
    }
}

#[test]
fn a_paused_page_shown_again_holds_the_session_again() {
    let mut w = World::new(T0, true);
    let a = w.open(Opts::default(), true);
    let b = w.open(Opts::default(), true);
    w.pause(a);
    w.advance(SEC);
    w.leave(a);
    // The page's hold went with pagehide: the other tab runs again.
    w.tabs[a].holding = false;
    w.settle();
    assert!(!w.session(b).snapshot(w.now).held);
    w.input(a, Input::Shown);
    assert_eq!(w.state(a), State::Paused);
    assert!(w.session(b).snapshot(w.now).held);
}

#[test]
fn a_page_shown_again_counts_the_activity_the_others_had_while_it_was_away() {
    // Its own idle end fell due while it was in the cache, but the other
    // page was used all along: shown again, it reads that first and goes on.
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let idle = Opts {
            idle: SEC as i64,
            ..Opts::default()
        };
        let a = w.open(idle, true);
        let b = w.open(idle, true);
        w.hide(a);
        for _ in 0..4 {
            w.advance(SEC / 2);
            w.activity(b);
        }
        w.show(a);
        assert_eq!(w.state(a), State::Active, "{mode:?}");
        assert_eq!(w.state(b), State::Active, "{mode:?}");
    }
}

#[test]
fn a_paused_page_shown_again_after_its_idle_window_ran_out_ends_the_session() {
    // Away, its pause held no page, itself neither.
    for mode in TAB_MODES {
        let mut w = World::new(T0, mode.locks);
        let idle = Opts {
            idle: MIN as i64,
            ..Opts::default()
        };
        let a = w.open(idle, true);
        w.pause(a);
        w.hide(a);
        w.advance(2 * MIN);
        w.show(a);
        assert_eq!(
            w.sign_out_of(a),
            (Reason::Idle, T0 + MIN, false),
            "{mode:?}"
        );
    }
}

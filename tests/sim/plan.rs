//! The plans the properties of `tests/sim.rs` draw (`run.rs` runs one).

use proptest::prelude::*;

use crate::common::Opts;
use crate::{ANSWER_MS, MAX_DELAY_MS};

/// What happens in one step of a plan.
#[derive(Clone, Copy, Debug)]
pub enum Act {
    Activity,
    /// `events` activity events, `every_ms` apart (a moving pointer).
    Burst {
        events: u64,
        every_ms: u64,
    },
    /// `touch()`.
    Touch,
    /// Focus or visibility: the shell wakes the core.
    Recheck,
    Reload,
    RememberMe(bool),
    Pause,
    Resume,
    SignOut,
    /// A new page opens with the options of the step's page.
    Open,
    /// The app's code in the step's page calls `localStorage.clear()`.
    Clear,
    /// The system clock is set back by this many ms (every page sees it).
    ClockBack(u64),
    /// The page goes away for good, or navigates away: `pagehide`, then
    /// gone.
    Close,
    /// The page vanishes without `pagehide` (a crash, the browser killed).
    Crash,
    /// The page goes into the back-forward cache.
    Hide,
    /// The page goes into the back-forward cache if its guard has ended
    /// (the app left it in `onSignOut`).
    HideEnded,
    /// Back: the back-forward cache shows the page again (if it is there).
    Back,
    /// The user comes back to the step's tab: a new page where the page
    /// went away, the page itself where it sits in the back-forward cache,
    /// a navigation within the app where it is open.
    Return,
    /// `destroy()`.
    Destroy,
    /// `sync()` in the step's page with the server's deadlines this far
    /// from now (on the server's clock; a negative one has passed), from a
    /// server whose clock is `skew` ms ahead of the page's.
    Sync {
        expires_in: Option<i64>,
        idle_in: Option<i64>,
        skew: i64,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct Step {
    /// Ms after the previous step (after the last event of a burst).
    pub gap_ms: u64,
    /// Taken modulo the number of pages at that moment.
    pub page: usize,
    pub act: Act,
}

/// One simulation: the tabs that open at the start, the channel's delays,
/// and the steps.
#[derive(Clone)]
pub struct Plan {
    /// Checks the widened invariants (`World::widened`).
    pub widened: bool,
    pub locks: bool,
    pub high_first: bool,
    pub storage_events: bool,
    pub delays: Vec<u64>,
    pub tabs: Vec<Opts>,
    pub steps: Vec<Step>,
}

/// Prints the plan as a script: absolute times (ms from the start) and
/// pages as they are resolved when the plan runs.
impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let order = if self.high_first { "highest" } else { "lowest" };
        let events = if self.storage_events {
            ", storage events on"
        } else {
            ""
        };
        writeln!(
            f,
            "Plan {{ Web Locks {}, timers due together fire {order} tab first, \
             channel delays (ms, in turn) {:?}{events}",
            if self.locks { "on" } else { "off" },
            self.delays
        )?;
        for (page, o) in self.tabs.iter().enumerate() {
            writeln!(f, "    at 0: page {page} opens: {o:?}")?;
        }
        let mut t = 0;
        let mut pages = self.tabs.len();
        for s in &self.steps {
            t += s.gap_ms;
            let page = s.page % pages;
            write!(f, "    at {t}: ")?;
            match s.act {
                Act::ClockBack(ms) => {
                    writeln!(f, "the system clock is set back by {ms} ms")?;
                    continue;
                }
                _ => write!(f, "page {page} ")?,
            }
            match s.act {
                Act::Burst { events, every_ms } => {
                    let last = t + (events - 1) * every_ms;
                    writeln!(
                        f,
                        "{events} activity events every {every_ms} ms (the last at {last})"
                    )?;
                    t = last;
                }
                Act::Open => {
                    writeln!(f, "opens a new page {pages} with its options")?;
                    pages += 1;
                }
                Act::Clear => writeln!(f, "calls localStorage.clear()")?,
                Act::Sync {
                    expires_in,
                    idle_in,
                    skew,
                } => writeln!(
                    f,
                    "syncs: expiresAt now{}, idleExpiresAt now{}, the server's clock {skew:+} ms",
                    offset(expires_in),
                    offset(idle_in)
                )?,
                Act::Touch => writeln!(f, "calls touch()")?,
                Act::Close => writeln!(f, "goes away (pagehide, then closed)")?,
                Act::Crash => writeln!(f, "vanishes without pagehide")?,
                Act::Hide => writeln!(f, "goes into the back-forward cache")?,
                Act::HideEnded => writeln!(f, "goes into the back-forward cache if ended")?,
                Act::Back => writeln!(f, "Back: shown again, if in the back-forward cache")?,
                Act::Return => writeln!(f, "comes back (a new page, Back, or a navigation)")?,
                Act::Destroy => writeln!(f, "calls destroy()")?,
                act => writeln!(f, "{act:?}")?,
            }
        }
        write!(f, "}}")
    }
}

/// A server deadline relative to now, in a plan's script.
fn offset(d: Option<i64>) -> String {
    d.map_or(" (not given)".into(), |d| format!("{d:+} ms"))
}

/// Short windows (1 to 5 s, often exactly 1 s) and long ones (1 to 10 min).
pub fn window() -> impl Strategy<Value = u64> + Clone {
    prop_oneof![Just(1_000u64), 1_000u64..=5_000, 60_000u64..=600_000]
}

pub fn opts_with(window: impl Strategy<Value = u64> + Clone) -> impl Strategy<Value = Opts> {
    (
        window.clone(),
        window,
        0u64..=900,
        prop_oneof![Just(None), (1u64..=30).prop_map(Some)],
        any::<bool>(),
        prop_oneof![2 => Just(None), 1 => (500u64..=120_000).prop_map(Some)],
    )
        .prop_map(
            |(idle, remember, warn_permille, max, remember_me, keep_alive)| Opts {
                remember: remember as i64,
                // Below both windows, so it stays valid whatever remember-me does.
                warn: (idle.min(remember) * warn_permille / 1000) as i64,
                max: max.map_or(-1, |k| (idle * k) as i64),
                remember_me,
                keep_alive,
                answer_after: Some(ANSWER_MS),
                ..Opts::idle(idle)
            },
        )
}

/// Whether the plans of the first simulator check the widened invariants
/// too (a to d, the clock, `lastActivity` during a pause).
pub const WIDENED_INVARIANTS_ON_FIRST_PLANS: bool = true;

/// Which plans a property draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Activity, rechecks, reloads, new tabs and remember-me only, no absolute
    /// limit; the same options everywhere or not, at random.
    Activity,
    /// Everything of the first simulator, the same options in every tab.
    Same,
    /// Everything of the first simulator, each tab its own options.
    Different,
    /// Everything, each tab its own options and habits: late timers, clears,
    /// new sign-ins in `onSignOut`, the clock set back, hung keep-alives,
    /// `storage` events.
    Wide,
    /// Late timers, with activity, remember-me and pauses (bug 1).
    LateTimers,
    /// `localStorage.clear()`, new tabs, an absolute limit (bug 2).
    ClearStorage,
    /// `onSignOut` signs in again; `storage` events (bug 3).
    SignInAgain,
    /// The clock set back (bug 4).
    ClockBack,
    /// Keep-alives through pauses (bug 5).
    PauseKeepAlive,
    /// Keep-alives that never settle (in every page), with Web Locks (bug 6).
    HungKeepAlive,
    /// The server's deadlines (`sync`), with activity, pauses and reloads.
    Server,
    /// `closedTimeoutMs` (or not): pages that close, vanish, navigate away
    /// and come back, sit in the back-forward cache, with activity, pauses,
    /// reloads and new tabs.
    Closed,
    /// As `Closed`, but only pages whose guard has ended go into the
    /// back-forward cache.
    ClosedGone,
    /// Sign-outs, then Back: pages that sit in the back-forward cache across
    /// the end, and `destroy()`.
    BackAfterEnd,
}

fn act(kind: Kind) -> BoxedStrategy<Act> {
    let burst =
        (1u64..=40, 1u64..=50).prop_map(|(events, every_ms)| Act::Burst { events, every_ms });
    let back = prop_oneof![Just(7_200_000u64), 60_001u64..=7_200_000].prop_map(Act::ClockBack);
    let remember = any::<bool>().prop_map(Act::RememberMe);
    let deadline = || {
        prop_oneof![
            1 => Just(None),
            2 => (-2_000i64..=5_000).prop_map(Some),
            1 => (0i64..=600_000).prop_map(Some),
        ]
    };
    let sync = (
        deadline(),
        deadline(),
        prop_oneof![Just(0i64), -120_000i64..=120_000],
    )
        .prop_map(|(expires_in, idle_in, skew)| Act::Sync {
            expires_in,
            idle_in,
            skew,
        });
    use Act::*;
    match kind {
        Kind::Activity => prop_oneof![
            30 => Just(Activity), 10 => burst, 5 => Just(Recheck), 5 => Just(Reload),
            5 => remember, 3 => Just(Open),
        ]
        .boxed(),
        Kind::Same | Kind::Different => prop_oneof![
            30 => Just(Activity), 10 => burst, 5 => Just(Recheck), 5 => Just(Reload),
            5 => remember, 4 => Just(Pause), 4 => Just(Resume), 1 => Just(SignOut),
            3 => Just(Open),
        ]
        .boxed(),
        Kind::Wide => prop_oneof![
            30 => Just(Activity), 10 => burst, 3 => Just(Touch), 5 => Just(Recheck),
            5 => Just(Reload), 5 => remember, 4 => Just(Pause), 4 => Just(Resume),
            1 => Just(SignOut), 3 => Just(Open), 1 => Just(Clear), 1 => back, 1 => sync,
        ]
        .boxed(),
        Kind::LateTimers => prop_oneof![
            30 => Just(Activity), 10 => burst, 5 => Just(Recheck), 5 => remember,
            4 => Just(Pause), 4 => Just(Resume), 3 => Just(Open),
        ]
        .boxed(),
        Kind::ClearStorage => prop_oneof![
            30 => Just(Activity), 5 => burst, 5 => Just(Recheck), 3 => Just(Reload),
            5 => Just(Open), 5 => Just(Clear),
        ]
        .boxed(),
        Kind::SignInAgain => prop_oneof![
            30 => Just(Activity), 5 => burst, 5 => Just(Recheck), 3 => Just(Reload),
            3 => Just(Open), 3 => Just(SignOut),
        ]
        .boxed(),
        Kind::ClockBack => prop_oneof![
            30 => Just(Activity), 5 => Just(Recheck), 3 => Just(Open), 2 => back,
        ]
        .boxed(),
        Kind::PauseKeepAlive => prop_oneof![
            30 => Just(Activity), 10 => burst, 5 => Just(Recheck), 6 => Just(Pause),
            6 => Just(Resume), 3 => Just(Open),
        ]
        .boxed(),
        Kind::HungKeepAlive => prop_oneof![
            30 => Just(Activity), 10 => burst, 5 => Just(Recheck), 2 => Just(Reload),
            3 => Just(Open),
        ]
        .boxed(),
        Kind::Server => prop_oneof![
            30 => Just(Activity), 10 => burst, 5 => Just(Recheck), 3 => Just(Reload),
            3 => Just(Pause), 3 => Just(Resume), 3 => Just(Open), 5 => sync,
        ]
        .boxed(),
        Kind::Closed => prop_oneof![
            30 => Just(Activity), 10 => burst, 5 => Just(Recheck), 5 => Just(Reload),
            3 => remember, 3 => Just(Pause), 3 => Just(Resume), 1 => Just(SignOut),
            4 => Just(Open), 5 => Just(Close), 2 => Just(Crash), 5 => Just(Hide),
            6 => Just(Back), 6 => Just(Return), 1 => Just(Destroy),
        ]
        .boxed(),
        Kind::ClosedGone => prop_oneof![
            20 => Just(Activity), 5 => burst, 3 => Just(Recheck), 5 => Just(Reload),
            2 => remember, 2 => Just(Pause), 2 => Just(Resume), 1 => Just(SignOut),
            4 => Just(Open), 10 => Just(Close), 4 => Just(Crash), 2 => Just(HideEnded),
            2 => Just(Back), 12 => Just(Return), 1 => Just(Destroy),
        ]
        .boxed(),
        Kind::BackAfterEnd => prop_oneof![
            20 => Just(Activity), 3 => Just(Reload), 3 => Just(Open), 4 => Just(SignOut),
            8 => Just(HideEnded), 8 => Just(Back), 3 => Just(Close), 4 => Just(Return),
            2 => Just(Destroy),
        ]
        .boxed(),
    }
}

fn step(kind: Kind) -> impl Strategy<Value = Step> {
    (
        prop_oneof![0u64..=100, 0u64..=1_500, 0u64..=700_000],
        0usize..20,
        act(kind),
    )
        .prop_map(|(gap_ms, page, act)| Step { gap_ms, page, act })
}

/// The plans of pages that go away and come back: every tab with the same
/// options and `closedTimeoutMs` (off in a quarter of them, else 200 ms to 5 s; always
/// off for `BackAfterEnd`), gaps around it, Web Locks as `locks` says (at
/// random for `None`).
pub fn closed_plan(kind: Kind, locks: Option<bool>) -> impl Strategy<Value = Plan> {
    let closed = match kind {
        Kind::BackAfterEnd => Just(None).boxed(),
        _ => prop_oneof![
            1 => Just(None),
            2 => (200u64..=1_000).prop_map(Some),
            2 => (1_000u64..=5_000).prop_map(Some),
        ]
        .boxed(),
    };
    let step = (
        prop_oneof![
            3 => 0u64..=100, 3 => 0u64..=1_500, 3 => 0u64..=3_000, 2 => 0u64..=8_000,
            1 => 0u64..=700_000,
        ],
        0usize..20,
        act(kind),
    )
        .prop_map(|(gap_ms, page, act)| Step { gap_ms, page, act });
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(0..=MAX_DELAY_MS, 0..6),
        prop::collection::vec(opts_with(window()), 1..=4),
        prop::collection::vec(step, 0..40),
        closed,
        any::<bool>(),
    )
        .prop_map(
            move |(random, high_first, delays, mut tabs, steps, closed, same)| {
                // Mixed windows are `Kind::Different`'s question, but for
                // Back after the end.
                if same || kind != Kind::BackAfterEnd {
                    let first = tabs[0];
                    tabs.iter_mut().for_each(|o| *o = first);
                }
                tabs.iter_mut().for_each(|o| o.closed = closed);
                Plan {
                    widened: true,
                    locks: locks.unwrap_or(random),
                    high_first,
                    storage_events: false,
                    delays,
                    tabs,
                    steps,
                }
            },
        )
}

/// The plans of the first simulator: no page habits, no `storage` events.
pub fn plan(kind: Kind) -> impl Strategy<Value = Plan> {
    plan_checking(kind, WIDENED_INVARIANTS_ON_FIRST_PLANS)
}

/// The plans of the first simulator, checking the widened invariants or
/// only the first simulator's.
pub fn plan_checking(kind: Kind, widened: bool) -> impl Strategy<Value = Plan> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(0..=MAX_DELAY_MS, 0..6),
        prop::collection::vec(opts_with(window()), 2..=20),
        prop::collection::vec(step(kind), 0..40),
        any::<bool>(),
    )
        .prop_map(move |(locks, high_first, delays, mut tabs, steps, same)| {
            if matches!(kind, Kind::Same) || matches!(kind, Kind::Activity) && same {
                let first = tabs[0];
                tabs.iter_mut().for_each(|o| *o = first);
            }
            if matches!(kind, Kind::Activity) {
                tabs.iter_mut().for_each(|o| o.max = -1);
            }
            Plan {
                widened,
                locks,
                high_first,
                storage_events: false,
                delays,
                tabs,
                steps,
            }
        })
}

/// One tab's options and habits for the widened plans.
fn wide_opts(kind: Kind) -> impl Strategy<Value = Opts> {
    let late = match kind {
        Kind::Wide | Kind::LateTimers => {
            prop_oneof![2 => Just(0u64), 1 => 0u64..=5_000, 1 => 0u64..=300_000].boxed()
        }
        _ => Just(0u64).boxed(),
    };
    let again = match kind {
        Kind::Wide => prop_oneof![2 => Just(None), 1 => any::<bool>().prop_map(Some)].boxed(),
        Kind::SignInAgain => prop_oneof![Just(None), any::<bool>().prop_map(Some)].boxed(),
        _ => Just(None).boxed(),
    };
    let keep_alive = (500u64..=120_000).prop_map(Some);
    (opts_with(window()), late, again, any::<bool>(), keep_alive).prop_map(
        move |(o, late, sign_in_again, hangs, keep_alive)| {
            let keep_alive = match kind {
                Kind::Wide | Kind::Server => o.keep_alive,
                Kind::PauseKeepAlive | Kind::HungKeepAlive => keep_alive,
                _ => None,
            };
            // Every page's, where hung calls are the point: the pages whose
            // calls settle would only hide them.
            let hangs = match kind {
                Kind::Wide => hangs,
                Kind::HungKeepAlive => true,
                _ => false,
            };
            Opts {
                late,
                sign_in_again,
                answer_after: (!hangs).then_some(ANSWER_MS),
                keep_alive,
                // An absolute limit where clearing storage could stretch it.
                max: match kind {
                    Kind::ClearStorage if o.max < 0 => o.idle * 3,
                    _ => o.max,
                },
                ..o
            }
        },
    )
}

/// The widened plans: each tab its own options and habits.
pub fn wide_plan(kind: Kind) -> impl Strategy<Value = Plan> {
    let most = if kind == Kind::Wide { 20 } else { 8 };
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(0..=MAX_DELAY_MS, 0..6),
        prop::collection::vec(wide_opts(kind), 2..=most),
        prop::collection::vec(step(kind), 0..40),
        any::<bool>(),
    )
        .prop_map(
            move |(locks, high_first, delays, tabs, steps, events)| Plan {
                widened: true,
                locks: locks || kind == Kind::HungKeepAlive,
                high_first,
                storage_events: match kind {
                    Kind::Wide => events,
                    Kind::ClearStorage | Kind::SignInAgain => true,
                    _ => false,
                },
                delays,
                tabs,
                steps,
            },
        )
}

//! Invariant 3, the cost rule: constant activity in one tab with windows of
//! a minute or more.

use proptest::prelude::*;

use crate::common::{parse, Call, Logged, Op, Opts, World, T0};
use crate::plan::opts_with;
use crate::run::world;
use crate::MAX_DELAY_MS;

/// Constant activity in one tab (an event every 16 ms, a frame, for 30 s) with
/// windows of a minute or more, and now and then a remember-me switch in any
/// tab. (No pauses: at the end of a hold every held tab restarts its idle
/// window and writes, and where its throttle defers that write into a timer
/// tick it cannot be told apart from activity by the call that made it.)
#[derive(Clone, Debug)]
pub struct CostPlan {
    locks: bool,
    high_first: bool,
    delays: Vec<u64>,
    tabs: Vec<Opts>,
    /// Taken modulo the number of tabs.
    active: usize,
    /// `(ms from the start, page modulo the number of pages, on)`, in time
    /// order.
    remember_me: Vec<(u64, usize, bool)>,
}

const COST_RUN_MS: u64 = 30_000;
const FRAME_MS: u64 = 16;

pub fn cost_plan() -> impl Strategy<Value = CostPlan> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(0..=MAX_DELAY_MS, 0..6),
        prop::collection::vec(opts_with(60_000u64..=600_000), 2..=20),
        0usize..20,
        prop::collection::vec((0..COST_RUN_MS, 0usize..20, any::<bool>()), 0..4),
    )
        .prop_map(
            |(locks, high_first, delays, mut tabs, active, mut remember_me)| {
                remember_me.sort_by_key(|r| r.0);
                // A keep-alive call writes its claim: one more write per
                // keep-alive period, bounded by the keep-alive invariant of
                // the other properties, not by this one.
                tabs.iter_mut().for_each(|o| o.keep_alive = None);
                CostPlan {
                    locks,
                    high_first,
                    delays,
                    tabs,
                    active,
                    remember_me,
                }
            },
        )
}

/// The cost rule, precisely. Take every operation the tabs made on the shared
/// record during the run (the storage port's stores, and the channel's posts
/// of `Command::Post`). Leave out:
/// - those made in calls that are not activity: the start, remember-me,
///   pause, resume, sign-out, leaving, the answers about holds, and a message
///   about a hold (another tab's pause began or ended);
/// - the write that records the end of the session.
///
/// What is left are the operations made on activity, wakes (and the
/// keep-alive answers) and the other messages: the cost of activity. Among
/// them, across all tabs of the session, no two stores lie less than 1000 ms
/// apart, and no two posts: any
/// 1000 ms of the run hold at most one of each.
fn check_cost(w: &World) -> Result<(), String> {
    let activity_cost = |l: &Logged| {
        let ends = match &l.op {
            Op::Write(text) | Op::Post(text) => parse(text).is_some_and(|r| r.ended.is_some()),
            Op::Read => false,
        };
        matches!(l.by, Call::Activity | Call::Tick | Call::Receive) && !ends
    };
    for (what, kind) in [("writes", true), ("posts", false)] {
        let times: Vec<(u64, usize)> = w
            .bus
            .log
            .iter()
            .filter(|l| match l.op {
                Op::Write(_) => kind,
                Op::Post(_) => !kind,
                Op::Read => false,
            })
            .filter(|l| activity_cost(l))
            .map(|l| (l.at, l.tab))
            .collect();
        for pair in times.windows(2) {
            if pair[1].0 < pair[0].0 + 1_000 {
                return Err(format!(
                    "invariant 3: two {what} of activity within a second: tab {} at {} \
                     and tab {} at {} ({} {what} in all)",
                    pair[0].1,
                    pair[0].0 - T0,
                    pair[1].1,
                    pair[1].0 - T0,
                    times.len()
                ));
            }
        }
    }
    Ok(())
}

pub fn run_cost(plan: &CostPlan) -> Result<(), String> {
    let mut w = world(false, plan.locks, plan.high_first, &plan.delays);
    for o in &plan.tabs {
        w.open(*o, true);
    }
    let active = plan.active % w.pages.len();
    let mut switches = plan.remember_me.iter().peekable();
    let mut t = T0;
    while t <= T0 + COST_RUN_MS {
        while let Some(&&(at, page, on)) = switches.peek().filter(|s| T0 + s.0 <= t) {
            w.advance_to(T0 + at);
            w.set_remember_me(w.pages[page % w.pages.len()], on);
            switches.next();
        }
        w.advance_to(t);
        w.activity(w.pages[active]);
        t += FRAME_MS;
    }
    w.advance_to(t + 1_000);
    w.failure()?;
    if w.tabs.iter().any(|tab| !tab.sign_outs().is_empty()) {
        return Err("a tab ended under constant activity".into());
    }
    check_cost(&w)
}

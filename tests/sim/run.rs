//! How a plan runs: the shared simulated browser (`tests/common`), watched
//! by the simulator's checks (`watch.rs`), driven by the plan's steps, then
//! left alone until every guard has ended (invariant 2).

use session_guard::core::ServerSync;

use crate::common::{World, DAY, T0};
use crate::plan::{Act, Plan};
use crate::watch::Checks;
use crate::MAX_DELAY_MS;

/// A world for the simulator: watched by its checks (the widened ones or
/// not), Web Locks or not, timers due together firing highest tab first or
/// not, and channel delays (each at most `MAX_DELAY_MS`) taken in turn.
pub fn world(widened: bool, locks: bool, high_first: bool, delays: &[u64]) -> World {
    assert!(delays.iter().all(|&d| d <= MAX_DELAY_MS));
    let mut w = World::new(T0, locks);
    w.high_first = high_first;
    w.bus.delays = delays.to_vec();
    w.watch_with(Box::new(Checks {
        widened,
        ..Checks::default()
    }));
    w
}

/// Another page's guard is paused.
fn paused_elsewhere(w: &World, page: usize) -> bool {
    let me = w.pages[page];
    w.pages
        .iter()
        .any(|&i| i != me && w.tabs[i].live && w.view(i).paused)
}

pub fn run(plan: &Plan) -> Result<(), String> {
    let mut w = world(plan.widened, plan.locks, plan.high_first, &plan.delays);
    w.bus.storage_events = plan.storage_events;
    for o in &plan.tabs {
        w.open(*o, true);
    }
    w.failure()?;
    let mut t = T0;
    for s in &plan.steps {
        t += s.gap_ms;
        w.advance_to(t);
        let page = s.page % w.pages.len();
        let tab = w.pages[page];
        let there = w.tabs[tab].open;
        match s.act {
            Act::Back => w.show(tab),
            Act::Return if w.tabs[tab].cached => w.show(tab),
            Act::Return if there => w.reload(tab),
            Act::Return => w.come_back(page),
            Act::Open => {
                w.open(w.tabs[tab].opts, true);
            }
            Act::ClockBack(ms) => w.set_clock_back(ms),
            // A page that has gone (or sits in the back-forward cache) does
            // nothing.
            _ if !there => {}
            Act::Close => w.go_away(tab),
            // (Not a paused page: the others cannot know when a hold whose
            // page vanished ended, and the core then counts none of it; the
            // model has no moment for it.)
            Act::Crash if w.tabs[tab].live && w.view(tab).paused => {}
            Act::Crash => w.vanish(tab),
            Act::Hide => w.hide(tab),
            Act::HideEnded if !w.tabs[tab].live => w.hide(tab),
            Act::HideEnded => {}
            Act::Destroy => w.destroy(tab),
            Act::Activity => w.activity(tab),
            Act::Burst { events, every_ms } => {
                for k in 0..events {
                    if k > 0 {
                        t += every_ms;
                        w.advance_to(t);
                    }
                    w.activity(tab);
                }
            }
            Act::Touch => w.touch(tab),
            Act::Recheck => w.recheck(tab),
            Act::Reload => w.reload(tab),
            Act::RememberMe(on) => w.set_remember_me(tab, on),
            // Without Web Locks a hold message does not say whose pause it
            // is, so the end of one tab's pause ends the hold in every tab
            // even while another tab is paused: a documented limit of the
            // fallback (README, "Sessions, tabs and reloads"). Plans without
            // locks pause one tab at a time.
            Act::Pause if !plan.locks && paused_elsewhere(&w, page) => {}
            Act::Pause => w.pause(tab),
            Act::Resume => w.resume(tab),
            Act::SignOut => w.sign_out(tab),
            Act::Clear => w.clear(tab),
            Act::Sync {
                expires_in,
                idle_in,
                skew,
            } => w.sync(tab, sync(&w, expires_in, idle_in, skew)),
        }
        w.failure()?;
    }
    finish(&mut w)
}

/// The server's deadlines of a sync at the current time: its absolute end
/// and its idle end this far ahead (or behind), on a server clock `skew` ms
/// ahead of the page's.
fn sync(w: &World, expires_in: Option<i64>, idle_in: Option<i64>, skew: i64) -> ServerSync {
    let server_now = w.wall() as i64 + skew;
    let at = |d: Option<i64>| d.map(|d| (server_now + d) as u64);
    ServerSync {
        expires_at: at(expires_in),
        idle_expires_at: at(idle_in),
        now: Some(server_now as u64),
    }
}

/// Invariant 2. Activity stops: the user comes back to every page in the
/// back-forward cache, the app resumes every pause (a paused session with no
/// absolute limit never ends), time runs far ahead, and then every open
/// page's guard (but a destroyed one) has ended exactly once, and the guards
/// of one session all with the same end (see `Checks::same_end`).
pub fn finish(w: &mut World) -> Result<(), String> {
    // The user comes back to every page in the back-forward cache.
    for page in 0..w.pages.len() {
        w.show(w.pages[page]);
    }
    for page in 0..w.pages.len() {
        let i = w.pages[page];
        if w.tabs[i].live && w.view(i).paused {
            w.resume(i);
        }
    }
    w.advance(2 * DAY);
    w.failure()?;
    for page in 0..w.pages.len() {
        let i = w.pages[page];
        // A page that went away, or whose guard was destroyed, ends no more.
        if !w.tabs[i].open || w.tabs[i].destroyed {
            continue;
        }
        let outs = w.tabs[i].sign_outs();
        if outs.len() != 1 {
            return Err(w.fail(format!(
                "invariant 2: long after the last activity, tab {i} (page {page}) \
                 has ended {} times: {outs:?}",
                outs.len()
            )));
        }
    }
    w.rest();
    w.failure()
}

//! What a test may watch the simulated browser with: hooks the world calls
//! as it drives the cores (the multi-tab simulator's model and invariants
//! live behind them). A hook that returns an error stops the world: the
//! error, with the latest history, is what `World::failure` gives.

use session_guard::core::{Command, Event, Input};

use super::world::World;

/// A fact of the app's that a model of the session may need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    /// An activity event in the page (taken by the core, or only recorded
    /// by the listener), `touch()`, or `resume()` of a pause: activity.
    Activity,
    /// `setRememberMe(on)` in a live guard.
    RememberMe(bool),
    /// The page went away.
    Closed,
    /// The page went into the back-forward cache (after `pagehide`).
    Cached,
    /// The back-forward cache shows the page again (before `pageshow`).
    Shown,
    /// `destroy()` (after the guard's `leave`).
    Destroyed,
    /// The app's code in the page called `localStorage.clear()`.
    Cleared,
}

/// Hooks into the world; every one does nothing unless a test says.
#[allow(unused_variables)]
pub trait Monitor {
    /// A guard has started in tab `i` (its start's outputs not yet out).
    fn started(&mut self, w: &World, i: usize) -> Result<(), String> {
        Ok(())
    }
    /// `input` is about to reach tab `i`'s core.
    fn before(&mut self, w: &World, i: usize, input: &Input<'_>) {}
    /// Tab `i`'s core has taken an input (its outputs not yet out).
    fn took(&mut self, w: &World, i: usize) {}
    /// Tab `i`'s core gave `c`, which the shell now carries out.
    fn command(&mut self, w: &World, i: usize, c: &Command) -> Result<(), String> {
        Ok(())
    }
    /// Tab `i`'s core gave `e`, which the app now hears.
    fn event(&mut self, w: &World, i: usize, e: &Event) -> Result<(), String> {
        Ok(())
    }
    /// `input` has reached tab `i`'s core and its outputs were carried out.
    fn after(&mut self, w: &World, i: usize, input: &Input<'_>) -> Result<(), String> {
        Ok(())
    }
    /// The app did something in tab `i`.
    fn fact(&mut self, w: &World, i: usize, fact: Fact) {}
    /// Something is about to happen at real time `t` (a message arrives, a
    /// timer fires), or the clock reaches `t`.
    fn time(&mut self, w: &World, t: u64) -> Result<(), String> {
        Ok(())
    }
    /// The run is over (every guard has had all the time it needs): the
    /// checks of the whole run.
    fn rest(&mut self, w: &World) -> Result<(), String> {
        Ok(())
    }
}

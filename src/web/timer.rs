//! The guard's one timer, in gloo's RAII style (a `setTimeout` of `glue.js`
//! cleared on `Drop`), kept no later than the core's next wake. It fires
//! through the guard's port, so the guard needs no second kind of closure.

use super::glue::{self, Code};
use super::port::Port;

/// The longest delay `setTimeout` keeps; a later wake just re-arms.
const MAX_DELAY_MS: u64 = 0x7fff_ffff;

/// A `setTimeout`, cleared on `Drop`.
struct Timeout(glue::Listening);

impl Drop for Timeout {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// One timer and the time it fires at, or none.
#[derive(Default)]
pub struct Alarm(Option<(Timeout, u64)>);

impl Alarm {
    /// Keeps the timer no later than `at` (`None`: no timer). A wake that
    /// moved later (activity) leaves it alone: it fires early, finds
    /// nothing due, and is set again then; so activity never re-arms it.
    /// It fires as [`Code::Timer`] with the moment it was set to fire (the
    /// core catches a clock set back between two inputs with it).
    pub fn set(&mut self, at: Option<u64>, now: u64, port: &Port) {
        let Some(at) = at else {
            self.0 = None;
            return;
        };
        if matches!(self.0, Some((_, armed)) if armed <= at) {
            return;
        }
        let delay = at.saturating_sub(now).min(MAX_DELAY_MS);
        let set_for = (now + delay) as f64;
        let code = Code::Timer.get();
        let timeout = Timeout(glue::timer(port.js(), code, delay as f64, set_for));
        self.0 = Some((timeout, at));
    }

    /// The timer fired: the next `set` arms a new one.
    pub fn fired(&mut self) {
        self.0 = None;
    }
}

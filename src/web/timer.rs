//! The guard's one timer: gloo-timers' `Timeout`, kept no later than the
//! core's next wake.

use gloo_timers::callback::Timeout;

/// The longest delay `setTimeout` keeps; a later wake just re-arms.
const MAX_DELAY_MS: u64 = 0x7fff_ffff;

/// One timer and the time it fires at, or none.
#[derive(Default)]
pub struct Alarm(Option<(Timeout, u64)>);

impl Alarm {
    /// Keeps the timer no later than `at` (`None`: no timer). A wake that
    /// moved later (activity) leaves it alone: it fires early, finds
    /// nothing due, and is set again then; so activity never re-arms it.
    /// `wake` gets the moment the timer was set to fire (the core catches a
    /// clock set back between two inputs with it).
    pub fn set(&mut self, at: Option<u64>, now: u64, wake: impl FnOnce(u64) + 'static) {
        let Some(at) = at else {
            self.0 = None;
            return;
        };
        if matches!(self.0, Some((_, armed)) if armed <= at) {
            return;
        }
        let delay = at.saturating_sub(now).min(MAX_DELAY_MS);
        let set_for = now + delay;
        self.0 = Some((Timeout::new(delay as u32, move || wake(set_for)), at));
    }

    /// The timer fired: the next `set` arms a new one.
    pub fn fired(&mut self) {
        self.0 = None;
    }
}

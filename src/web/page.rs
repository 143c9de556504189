//! What the shell holds: the core, and the handles it owns in the page
//! while the session runs; and carrying out the core's commands with them.

use super::glue::Code;
use super::listen::Listener;
use super::lock::{Lock, LockGuard, Locks};
use super::port::Port;
use super::store::Store;
use super::timer::Alarm;
use crate::core::{Command, Input, Session};

/// The core and what the guard holds in the page.
pub(crate) struct Page {
    pub core: Session,
    /// The port, until `destroy()`.
    pub port: Option<Port>,
    /// `pageshow`, the one listener kept after the end, until `destroy()`.
    pub pageshow: Option<Listener>,
    /// Everything else, until the end or `destroy()`.
    pub res: Option<Resources>,
}

/// What the guard holds in the page while the session runs; dropping it
/// removes every listener, timer, channel and lock.
pub(crate) struct Resources {
    pub store: Store,
    /// `None` without Web Locks, or while the page is in the back-forward
    /// cache.
    pub locks: Option<Locks>,
    pub hold: Option<LockGuard>,
    pub presence: Option<LockGuard>,
    pub keep_alive: Option<LockGuard>,
    pub alarm: Alarm,
    pub activity: Listener,
    pub _page: Listener,
}

/// The page's clock, epoch ms.
pub(crate) fn now() -> u64 {
    js_sys::Date::now() as u64
}

impl Resources {
    /// Hands the core the time of the latest activity event that only
    /// recorded its time: done before anything else the core is asked.
    pub fn fold(&mut self, core: &mut Session, now: u64) {
        let at = self.activity.recorded();
        core.handle(Input::Recorded(at), now, &mut self.store);
    }

    /// Carries out the core's commands.
    pub fn carry_out(&mut self, core: &mut Session, port: &Port) {
        while let Some(command) = core.poll_command() {
            match command {
                Command::Post(text) => self.store.post(&text),
                Command::Hold(on) => self.hold = self.take(on, Lock::Hold, port, Some(Code::Held)),
                Command::Presence(on) => {
                    self.presence = self.take(on, Lock::Presence, port, None);
                }
                Command::ClaimKeepAlive => {
                    let code = Some(Code::Claimed);
                    self.keep_alive = self.take(true, Lock::KeepAlive, port, code);
                }
                Command::ReleaseKeepAlive => self.keep_alive = None,
                Command::Probe => {
                    if let Some(locks) = &self.locks {
                        locks.probe(port);
                    }
                }
                Command::AwaitRelease => {
                    if let Some(locks) = &self.locks {
                        locks.wait(port);
                    }
                }
            }
        }
    }

    fn take(&self, on: bool, lock: Lock, port: &Port, code: Option<Code>) -> Option<LockGuard> {
        let locks = self.locks.as_ref().filter(|_| on)?;
        Some(locks.take(lock, port, code))
    }
}

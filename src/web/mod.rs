//! The browser shell: it owns every listener, the one timer, storage, the
//! channel and the locks, feeds the core with events and `now`, and carries
//! out what the core decides. Callbacks run only after the shell's borrow is
//! released, so a callback may call back into the guard.
//!
//! - `guard.rs`: the exported `SessionGuard` class, its methods;
//! - `driver.rs`: how a call reaches the core and its effects are carried out
//!   (`apply`, `call_back`, `handle`), the timer, the answers of locks and of
//!   `onKeepAlive`;
//! - `listeners.rs`: which DOM events the guard listens to, and where each goes;
//! - `events.rs`: the JS objects the callbacks and `snapshot()` receive;
//! - `options.rs`: reading the options object; `io.rs`: storage and the
//!   channel; `locks.rs`: Web Locks; `keep_alive.rs`: the keep-alive lock and
//!   `sync()`'s argument; `dom.rs`: RAII listeners and the timer.

use alloc::vec::Vec;

mod dom;
mod driver;
mod events;
mod guard;
mod io;
mod keep_alive;
mod listeners;
mod locks;
mod options;

use alloc::rc::Rc;
use core::cell::{Cell, RefCell, RefMut};

use crate::core::{Session, State};
use dom::{Listener, Timeout};
use io::Io;
use locks::{Hold, Locks};
use options::Callbacks;

pub use guard::SessionGuard;

/// The shell, and the state it last showed (read when the shell is busy).
struct Guarded {
    shell: RefCell<Shell>,
    state: Cell<State>,
}

type Inner = Rc<Guarded>;

impl Guarded {
    fn try_borrow_mut(&self) -> Option<RefMut<'_, Shell>> {
        self.shell.try_borrow_mut().ok()
    }
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// Everything the guard owns in the page. Dropping it removes every listener,
/// timer, channel and lock.
struct Resources {
    io: Io,
    locks: Option<Locks>,
    timer: Option<(Timeout, u64)>,
    hold: Option<Hold>,
    /// The session's keep-alive lock while this tab calls.
    keep_alive_lock: Option<keep_alive::KeepAliveLock>,
    /// The activity listener: it records the time of quiet events itself.
    activity: Listener,
    _listeners: Vec<Listener>,
}

impl Resources {
    /// Hands the core the time of the latest activity event that only
    /// recorded its time: done before anything else the core is asked.
    fn fold(&self, core: &mut Session) {
        core.record_activity(self.activity.recorded());
    }
}

/// Whether the guard runs: the one place that says so.
enum Life {
    /// The constructor is adding the listeners: nothing runs yet.
    Starting,
    /// Enforcing, with everything it owns in the page.
    Running(Resources),
    /// The session ended: every resource went with it, and the callbacks of
    /// the end still run.
    Ended,
    /// `destroy()`: every resource went, and no callback runs any more.
    Destroyed,
}

struct Shell {
    core: Session,
    callbacks: Callbacks,
    life: Life,
}

impl Shell {
    fn resources(&mut self) -> Option<&mut Resources> {
        match &mut self.life {
            Life::Running(res) => Some(res),
            _ => None,
        }
    }
}

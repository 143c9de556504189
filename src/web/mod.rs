//! The browser shell: it owns every listener, the one timer, storage, the
//! channel and the locks, feeds the core with events and `now`, and carries
//! out what the core decides. Callbacks run only after the shell's borrow is
//! released, so a callback may call back into the guard.
//!
//! - `guard.rs`: the Rust API's [`Guard`], which owns the shell; `api.rs`:
//!   its options, events and errors;
//! - `js.rs`: the exported `SessionGuard` class, a thin layer over `Guard`;
//!   `options.rs`: reading its options object; `events.rs`: the JS values
//!   of the events and snapshots;
//! - `driver.rs`: how a call reaches the core and its effects are carried out
//!   (`apply`, `call_back`, `handle`), the timer, the answers of locks and of
//!   `onKeepAlive`;
//! - `listeners.rs`: which DOM events the guard listens to, and where each goes;
//! - `io.rs`: storage and the channel; `locks.rs`: Web Locks; `keep_alive.rs`: the keep-alive lock and
//!   `sync()`'s argument; `dom.rs`: RAII listeners.

use alloc::{rc::Rc, string::String, vec::Vec};

mod api;
mod dom;
mod driver;
mod events;
mod guard;
mod io;
mod js;
mod keep_alive;
mod listeners;
mod locks;
mod options;

use core::cell::{Cell, RefCell, RefMut};

use gloo_timers::callback::Timeout;
use js_sys::Array;
use wasm_bindgen::JsValue;
use web_sys::EventTarget;

use crate::core::{Config, Input, Session, State};
use dom::Listener;
use io::Io;
use locks::{Hold, Locks};

pub use api::{
    Activity, Callback, GuardError, KeepAlive, KeepAliveReply, Options, OptionsError, SignOut,
    Warning,
};
pub use guard::Guard;
pub use js::SessionGuard;

/// A callback as the shell holds it: `Err` is what a JS callback threw.
type Handler<T> = Rc<dyn Fn(T) -> Result<(), JsValue>>;

/// The callbacks, from Rust closures or JS functions.
struct Callbacks {
    on_sign_out: Handler<SignOut>,
    on_warning: Option<Handler<Warning>>,
    on_activity: Option<Handler<Activity>>,
    on_error: Option<Callback<GuardError>>,
    on_keep_alive: Option<Handler<(KeepAlive, KeepAliveReply)>>,
}

/// Checked options, from [`Options`] or the JS options object: everything
/// a guard starts from.
struct Setup {
    config: Config,
    events: Array,
    target: EventTarget,
    allow_synthetic: bool,
    storage_key: String,
    callbacks: Callbacks,
}

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
    /// This page's presence lock (it is open).
    presence: Option<Hold>,
    /// The session's keep-alive lock while this tab calls.
    keep_alive_lock: Option<keep_alive::KeepAliveLock>,
    /// The activity listener: it records the time of quiet events itself.
    activity: Listener,
    _listeners: Vec<Listener>,
}

impl Resources {
    /// Hands the core the time of the latest activity event that only
    /// recorded its time: done before anything else the core is asked.
    fn fold(&mut self, core: &mut Session, now: u64) {
        core.handle(Input::Recorded(self.activity.recorded()), now, &mut self.io);
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

//! The browser shell, as a stack: each layer uses only those listed before
//! it (`tests/layers.rs` holds the files to that order).
//!
//! 1. `glue.js`, `glue.rs`: the few things done in JS (listeners that record
//!    quiet activity, Web Locks, promise settling, reading a JS value
//!    without letting it throw, the globals), each unable to throw into
//!    wasm.
//! 2. Browser handles in gloo's RAII style, each gone on `Drop`: `port.rs`
//!    (the one closure JS calls back), `listen.rs` (listeners), `store.rs`
//!    (storage and channel, the core's `Storage`), `lock.rs` (Web Locks and
//!    the one lock guard), `timer.rs` (the one timer, a `setTimeout`).
//! 3. The public types: `error.rs` ([`GuardError`]), `events.rs` (what the
//!    callbacks receive, [`KeepAliveReply`]), `setup.rs` (the one setup of
//!    both APIs' options), `options.rs` ([`Options`], [`OptionsError`]),
//!    `js_options.rs` (the JS options object, read into the same setup).
//! 4. `page.rs`: what the shell holds (the core and the handles) and how
//!    it carries out the core's commands; `shell.rs`: the driver.
//! 5. `guard.rs`: [`Guard`], the Rust API's handle on the shell.
//! 6. `class.rs`: the JS class [`SessionGuard`], over a `Guard`.

mod glue;

mod port;

mod listen;

mod store;

mod lock;

mod timer;

mod error;

mod events;

mod setup;

mod options;

mod js_options;

mod page;

mod shell;

mod guard;

mod class;

pub use class::SessionGuard;
pub use error::GuardError;
pub use events::{Activity, Callback, KeepAlive, KeepAliveReply, SignOut, Warning};
pub use guard::Guard;
pub use options::{Options, OptionsError};

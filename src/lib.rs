//! # session-guard
//!
//! Signs people out of web apps when they should be signed out: after an idle
//! window, at an absolute lifetime, with a warning before the end, and with one
//! session shared by every tab and reload of an origin. Deadlines are
//! wall-clock instants, so a laptop that wakes from sleep or a throttled
//! background tab signs out on time, and it follows the server (keep-alives
//! for active users, the server's own deadlines with clock skew corrected).
//!
//! From Rust (Leptos, Yew, Dioxus, plain web-sys) on `wasm32-unknown-unknown`:
//!
//! ```no_run
//! # #[cfg(not(target_arch = "wasm32"))] fn main() {}
//! # #[cfg(target_arch = "wasm32")]
//! # fn main() -> Result<(), session_guard::OptionsError> {
//! use std::time::Duration;
//! use session_guard::{Guard, Options};
//!
//! let guard = Guard::start(
//!     Options {
//!         idle_timeout: Some(Duration::from_secs(15 * 60)),
//!         max_duration: Some(Duration::from_secs(8 * 60 * 60)),
//!         warn_before: Duration::from_secs(60),
//!         // A "Stay signed in" button (calling `guard.touch()`) must be
//!         // reachable with the pointer without closing the warning.
//!         confirm_to_stay: true,
//!         ..Options::default()
//!     }
//!     .on_warning(|w| {
//!         let left = w.remaining.as_secs();
//!         web_sys::console::log_1(&format!("signing out in {left} s").into());
//!     })
//!     .on_sign_out(|e| {
//!         // `e.reason`: Idle, Absolute or Manual; `e.remote`: another tab.
//!         web_sys::console::log_1(&e.reason.as_str().into());
//!     })
//!     // While the user is active, tell the server at most once a minute,
//!     // across every tab; answer when the request is done.
//!     .keep_alive(Duration::from_secs(60), |_activity, reply| {
//!         wasm_bindgen_futures::spawn_local(async move {
//!             // ... fetch("/keep-alive").await ...
//!             reply.done();
//!         });
//!     }),
//! )?;
//! // Dropping the guard stops it; keep it for the page's life instead:
//! guard.forget();
//! # Ok(())
//! # }
//! ```
//!
//! - [`Guard`] is the running guard (RAII: dropping it removes every
//!   listener, timer, channel and lock); [`Options`] its options, with the
//!   defaults of the JS contract; [`SignOut`], [`Warning`], [`Activity`],
//!   [`KeepAlive`] what the callbacks receive; [`OptionsError`] and
//!   [`GuardError`] what goes wrong.
//! - [`core`]: pure Rust, every rule once, time as an input: the sans-IO
//!   state machine behind the guard, a supported API of its own for hosts
//!   that drive it themselves (one door for every input, events for the
//!   app and commands for the host); it runs, and is tested, natively.
//! - The JS class `SessionGuard` (the npm package) is a thin layer over
//!   [`Guard`]: one shell for both.
//!
//! The README documents the rules, the JS API and the server side.
// The Rust API is wasm32's: a host build (the core alone) links to nothing.
#![cfg_attr(not(target_arch = "wasm32"), allow(rustdoc::broken_intra_doc_links))]
#![cfg_attr(all(feature = "no-std", target_arch = "wasm32"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations)]

extern crate alloc;

pub mod core;

/// The core's types the Rust API hands out: why a session ended, the
/// guard's state, the server's deadlines for `sync`, and the snapshot.
pub use crate::core::{Reason, ServerSync, Snapshot, State, SyncError};

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::{
    Activity, Callback, Guard, GuardError, KeepAlive, KeepAliveReply, Options, OptionsError,
    SessionGuard, SignOut, Warning,
};

/// A small free-list allocator (adjacent free blocks merge) instead of the
/// standard dlmalloc: about 3 KB less gzip, and the guard allocates little
/// (nothing per quiet event). The browser test
/// `memory_is_reused_across_guards_and_events` holds it to reusing memory.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Without std (feature `no-std`, which the package build turns on): a panic
/// stops the module as `panic = "abort"` does anyway, without std's panic
/// machinery and the formatting it brings.
#[cfg(all(feature = "no-std", target_arch = "wasm32"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

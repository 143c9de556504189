//! # session-guard
//!
//! Signs people out of web apps when they should be signed out: after an idle
//! window, at an absolute lifetime, with a warning before the end, and with one
//! session shared by every tab and reload of an origin.
//!
//! The crate has two halves:
//! - [`core`]: pure Rust, every rule once, time as an input. It runs (and is
//!   tested) natively.
//! - `web` (wasm32 only): the thin browser shell behind the exported
//!   `SessionGuard` class: listeners, the one timer, storage, the channel,
//!   Web Locks and the JS callbacks. It asks the core and never decides.
//!
//! The JS contract is documented in the README.
#![cfg_attr(all(feature = "no-std", target_arch = "wasm32"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]

extern crate alloc;

pub mod core;

#[cfg(target_arch = "wasm32")]
mod web;

#[cfg(target_arch = "wasm32")]
pub use web::SessionGuard;

/// A small free-list allocator (adjacent free blocks merge) instead of the
/// standard dlmalloc: about 3 KB less gzip, and the guard allocates little
/// (nothing per quiet event). The browser test
/// `memory_is_reused_across_guards_and_events` holds it to reusing memory.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// Without std (feature `no-std`, which the package build turns on): a panic
/// stops the module as `panic = "abort"` does anyway, without the formatting
/// machinery of std's panic hook.
#[cfg(all(feature = "no-std", target_arch = "wasm32"))]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo) -> ! {
    ::core::arch::wasm32::unreachable()
}

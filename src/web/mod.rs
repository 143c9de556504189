//! The browser shell: it owns every listener, the one timer, storage, the
//! channel and the locks, feeds the core with events and `now`, and carries
//! out what the core decides. Callbacks run only after the shell's borrow is
//! released, so a callback may call back into the guard.

use alloc::{boxed::Box, vec::Vec};

mod dom;
mod io;
mod locks;
mod options;

use alloc::rc::Rc;
use core::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, StorageEvent};

use crate::core::{Effect, Reason, Session, State};
use dom::{strings, Filter, Listener, Timeout};
use io::Io;
use locks::{Hold, Locks};
use options::Callbacks;

type Inner = Rc<RefCell<Shell>>;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);
}

/// The longest delay `setTimeout` keeps; a later wake just re-arms.
const MAX_DELAY_MS: u64 = 0x7fff_ffff;

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

struct Shell {
    core: Session,
    callbacks: Callbacks,
    resources: Option<Resources>,
    destroyed: bool,
}

/// Callback calls collected under the borrow, made after it is released.
type Calls = Vec<(Function, JsValue)>;

fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

fn reason(r: Reason) -> JsValue {
    JsValue::from_str(r.as_str())
}

fn ms(t: u64) -> JsValue {
    JsValue::from_f64(t as f64)
}

/// Runs `f` on the core with the shell's storage port, then carries out the
/// effects; returns the callbacks to call. Does nothing once destroyed or
/// ended, or when the shell is busy (a nested call from a callback never
/// happens under the borrow, but a panic must never reach JS).
fn step(inner: &Inner, f: impl FnOnce(&mut Session, &mut Io, u64)) -> Calls {
    let Ok(mut shell) = inner.try_borrow_mut() else {
        return Vec::new();
    };
    let shell = &mut *shell;
    let Some(res) = shell.resources.as_mut() else {
        return Vec::new();
    };
    let now = now();
    res.fold(&mut shell.core);
    f(&mut shell.core, &mut res.io, now);
    shell.drain(inner, now)
}

/// Calls each callback, reporting what one throws to `onError`, and stops
/// as soon as the guard is destroyed (a callback may destroy it).
fn run(inner: &Inner, calls: Calls) {
    for (f, arg) in calls {
        let on_error = match inner.try_borrow() {
            Ok(s) if !s.destroyed => s.callbacks.on_error.clone(),
            _ => return,
        };
        if let Err(e) = io::call(&f, &arg) {
            report(on_error.as_ref(), &e);
        }
    }
}

fn report(on_error: Option<&Function>, e: &JsValue) {
    match on_error {
        Some(f) => {
            if let Err(again) = io::call(f, e) {
                io::console_error(&again);
            }
        }
        None => io::console_error(e),
    }
}

/// `step` then `run`: the shape of every entry point.
fn drive(inner: &Inner, f: impl FnOnce(&mut Session, &mut Io, u64)) {
    let calls = step(inner, f);
    run(inner, calls);
}

/// What a lock answer is for.
#[derive(Clone, Copy)]
enum LockAnswer {
    Hold,
    Probe,
    Release,
}

/// Takes a lock's answer, which never comes under the borrow (see `locks`).
/// A failure goes to `onError`, and the tab fails closed. Holds the shell
/// weakly: an answer still pending after `destroy()` keeps nothing alive.
fn lock_answer(inner: &Inner, what: LockAnswer) -> locks::Answer {
    let shell = Rc::downgrade(inner);
    Box::new(move |answer| {
        if let Some(inner) = shell.upgrade() {
            drive(&inner, |core, io, now| {
                let answer = answer.map_err(|e| io.errors.push(e));
                match what {
                    // A hold that fails leaves the pause to this tab.
                    LockAnswer::Hold => {
                        if answer.is_ok() {
                            core.announce_hold(true, io);
                        }
                    }
                    // A probe that fails finds no hold: the stored last
                    // activity stands.
                    LockAnswer::Probe => core.hold_probed(answer == Ok(true), now, io),
                    // A wait that fails ends as if released: the idle window
                    // runs again from now.
                    LockAnswer::Release => core.hold_released(now, io),
                }
            });
        }
    })
}

impl Shell {
    /// Carries out the core's effects and re-arms the timer.
    fn drain(&mut self, inner: &Inner, now: u64) -> Calls {
        let mut calls = Calls::new();
        let Some(res) = self.resources.as_mut() else {
            return calls;
        };
        // Errors first, in the order they happened: a storage failure or a
        // rejected record is reported before the sign-out it causes.
        let on_error = &self.callbacks.on_error;
        let error = |calls: &mut Calls, e: JsValue| match on_error {
            Some(f) => calls.push((f.clone(), e)),
            None => io::console_error(&e),
        };
        for e in core::mem::take(&mut res.io.errors) {
            error(&mut calls, e);
        }
        let mut ended = false;
        while let Some(effect) = self.core.poll() {
            match effect {
                Effect::SignedOut {
                    reason: r,
                    at,
                    remote,
                } => {
                    ended = true;
                    let e = object(&[
                        ("reason", reason(r)),
                        ("at", ms(at)),
                        ("remote", JsValue::from_bool(remote)),
                    ]);
                    calls.push((self.callbacks.on_sign_out.clone(), e));
                }
                Effect::Warning {
                    reason: r,
                    remaining_ms,
                    expires_at,
                } => {
                    if let Some(f) = &self.callbacks.on_warning {
                        let e = object(&[
                            ("reason", reason(r)),
                            ("remainingMs", ms(remaining_ms)),
                            ("expiresAt", ms(expires_at)),
                        ]);
                        calls.push((f.clone(), e));
                    }
                }
                Effect::Activity { at, remote } => {
                    if let Some(f) = &self.callbacks.on_activity {
                        let e = object(&[("at", ms(at)), ("remote", JsValue::from_bool(remote))]);
                        calls.push((f.clone(), e));
                    }
                }
                Effect::Rejected(e) => {
                    let message = [
                        "session-guard: a shared session record or message ",
                        e.as_str(),
                        "; the session ends",
                    ]
                    .concat();
                    error(&mut calls, js_sys::Error::new(&message).into());
                }
                Effect::Hold(true) => match &res.locks {
                    Some(locks) => {
                        res.hold = Some(locks.hold(lock_answer(inner, LockAnswer::Hold)))
                    }
                    None => self.core.announce_hold(true, &mut res.io),
                },
                Effect::Hold(false) => res.hold = None,
                Effect::ProbeHold => {
                    if let Some(locks) = &res.locks {
                        locks.probe(lock_answer(inner, LockAnswer::Probe));
                    }
                }
                Effect::AwaitRelease => {
                    if let Some(locks) = &res.locks {
                        locks.await_release(lock_answer(inner, LockAnswer::Release));
                    }
                }
            }
        }
        for e in core::mem::take(&mut res.io.errors) {
            error(&mut calls, e);
        }
        if ended {
            // Every listener, timer, channel and lock goes with it.
            self.resources = None;
        } else {
            self.arm(inner, now);
        }
        calls
    }

    /// Keeps one timer no later than the core's next wake. A wake that moved
    /// later (activity) leaves the timer alone: it fires early, finds nothing
    /// due, and re-arms then. So activity never re-arms a timer.
    fn arm(&mut self, inner: &Inner, now: u64) {
        let Some(res) = self.resources.as_mut() else {
            return;
        };
        res.activity.set_quiet_until(self.core.quiet_until());
        let Some(at) = self.core.next_wake() else {
            res.timer = None;
            return;
        };
        if matches!(res.timer, Some((_, armed)) if armed <= at) {
            return;
        }
        let delay = at.saturating_sub(now).min(MAX_DELAY_MS) as u32;
        let inner2 = inner.clone();
        let timeout = Timeout::new(delay, move || {
            if let Ok(mut s) = inner2.try_borrow_mut() {
                if let Some(r) = s.resources.as_mut() {
                    // This timer has fired: the tick below arms the next one.
                    r.timer = None;
                }
            }
            drive(&inner2, |core, io, now| core.tick(now, io));
        });
        res.timer = Some((timeout, at));
    }
}

/// What a DOM listener of the guard is for. One closure type serves them all
/// (each closure type costs download size).
#[derive(Clone, Copy)]
enum Heard {
    /// An activity event that needs the core (the listener filters out
    /// synthetic events unless they count, and records quiet ones itself).
    Activity,
    /// The page came back (focus, visibility, back-forward cache).
    Recheck,
    /// The page goes away.
    Leave,
    /// Another tab wrote the record.
    Storage,
    /// A channel message.
    Message,
}

fn listen(
    inner: &Inner,
    target: &web_sys::EventTarget,
    types: &Array,
    filter: Filter,
    heard: Heard,
) -> Listener {
    let inner = inner.clone();
    // Activity is listened for in the capture phase, so a handler that stops
    // propagation cannot hide it; the page's own events bubble normally.
    let capture = matches!(heard, Heard::Activity);
    Listener::new(target, types, capture, filter, move |e: JsValue| {
        on_event(&inner, heard, e)
    })
}

fn on_event(inner: &Inner, heard: Heard, e: JsValue) {
    match heard {
        Heard::Activity => drive(inner, |core, io, now| core.activity(now, io)),
        Heard::Recheck => drive(inner, |core, io, now| core.tick(now, io)),
        Heard::Leave => drive(inner, |core, io, now| core.leave(now, io)),
        Heard::Storage => {
            let Some(e) = e.dyn_ref::<StorageEvent>() else {
                return;
            };
            drive(inner, |core, io, now| {
                // A `null` key means the whole storage was cleared.
                if e.key().map_or(true, |k| k == io.key) {
                    core.receive(e.new_value().as_deref(), now, io);
                }
            })
        }
        Heard::Message => {
            let text = e
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
                .unwrap_or_default();
            drive(inner, |core, io, now| core.receive(Some(&text), now, io));
        }
    }
}

/// Signs people out when they should be: idle and absolute timeouts, a warning
/// before the end, remember-me, and one session across the tabs and reloads of
/// an origin. The guard runs until it signs out or `destroy()` is called, even
/// if no reference to it is kept: garbage collection of the handle never
/// stops it. `free()`, `[Symbol.dispose]()` and `using` stop it as
/// `destroy()` does.
#[wasm_bindgen]
pub struct SessionGuard {
    inner: Inner,
}

impl core::fmt::Debug for SessionGuard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("SessionGuard")
    }
}

#[wasm_bindgen]
impl SessionGuard {
    /// Starts a guard. Bad options throw an `Error` naming the option and the
    /// value, and start nothing.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SessionGuardOptions")] options: JsValue,
    ) -> Result<SessionGuard, JsValue> {
        let now = now();
        let o = options::read(&options, now)?;
        let cross_tab = o.config.cross_tab;
        let mut io = Io::new(o.storage_key.clone(), cross_tab);
        let locks = if cross_tab {
            Locks::new(&o.storage_key)
        } else {
            None
        };
        let core = Session::start(&o.config, locks.is_some(), now, &mut io);
        let inner: Inner = Rc::new(RefCell::new(Shell {
            core,
            callbacks: o.callbacks,
            resources: None,
            destroyed: false,
        }));

        let filter = if o.allow_synthetic {
            Filter::Any
        } else {
            Filter::Trusted
        };
        let activity = listen(&inner, &o.target, &o.events, filter, Heard::Activity);
        let mut listeners = Vec::new();
        let mut add = |target: &web_sys::EventTarget, types: &[&str], heard| {
            listeners.push(listen(&inner, target, &strings(types), Filter::All, heard));
        };
        if let Some(window) = web_sys::window() {
            // Timers lie (sleep, throttled background tabs): check the clock
            // whenever the page comes back.
            add(&window, &["focus", "pageshow"], Heard::Recheck);
            if let Some(document) = window.document() {
                add(&document, &["visibilitychange"], Heard::Recheck);
            }
            if cross_tab {
                add(&window, &["pagehide"], Heard::Leave);
                add(&window, &["storage"], Heard::Storage);
            }
        }
        if let Some(channel) = &io.channel {
            add(channel, &["message"], Heard::Message);
        }

        let calls = {
            let mut shell = inner.borrow_mut();
            shell.resources = Some(Resources {
                io,
                locks,
                timer: None,
                hold: None,
                activity,
                _listeners: listeners,
            });
            shell.drain(&inner, now)
        };
        if !calls.is_empty() {
            // Never call back from inside the constructor: `guard` is not
            // assigned yet. A microtask runs before any other task.
            let i = inner.clone();
            let later = dom::once(move |_| {
                run(&i, calls);
                JsValue::UNDEFINED
            });
            queue_microtask(&later);
        }
        Ok(SessionGuard { inner })
    }

    /// Counts as activity (API calls, a playing video, ...).
    pub fn touch(&self) {
        drive(&self.inner, |core, io, now| core.activity(now, io));
    }

    /// Ends the session now with reason `"manual"`, in every tab.
    #[wasm_bindgen(js_name = signOut)]
    pub fn sign_out(&self) {
        drive(&self.inner, |core, io, now| core.sign_out(now, io));
    }

    /// Switches the idle window to the remember-me period (or back), at once,
    /// in every tab.
    #[wasm_bindgen(js_name = setRememberMe)]
    pub fn set_remember_me(&self, #[wasm_bindgen(unchecked_param_type = "boolean")] on: JsValue) {
        let on = on.is_truthy();
        drive(&self.inner, |core, io, now| {
            core.set_remember_me(on, now, io)
        });
    }

    /// Stops idle enforcement, in every tab, until `resume()`. The absolute
    /// deadline still holds.
    pub fn pause(&self) {
        drive(&self.inner, |core, io, now| core.pause(now, io));
    }

    /// Ends a pause; counts as activity.
    pub fn resume(&self) {
        drive(&self.inner, |core, io, now| core.resume(now, io));
    }

    /// Ms until the session ends; `0` once signed out; `Infinity` while
    /// paused with no absolute limit.
    #[wasm_bindgen(js_name = remainingMs)]
    pub fn remaining_ms(&self) -> f64 {
        self.number(|core| core.remaining_ms(now()))
    }

    /// Epoch ms of the end as it now stands.
    #[wasm_bindgen(js_name = expiresAt)]
    pub fn expires_at(&self) -> f64 {
        self.number(|core| core.expires_at())
    }

    /// `"active"`, `"warning"`, `"paused"` or `"signedOut"`.
    #[wasm_bindgen(unchecked_return_type = "SessionState")]
    pub fn state(&self) -> JsValue {
        let state = self.read(Session::state).unwrap_or(State::Active);
        JsValue::from_str(state.as_str())
    }

    /// Removes every listener, timer and channel without signing out.
    /// Idempotent; no callback fires after it.
    pub fn destroy(&self) {
        let calls = step(&self.inner, |core, io, now| core.leave(now, io));
        drop(calls);
        if let Ok(mut s) = self.inner.try_borrow_mut() {
            s.destroyed = true;
            let gone = s.resources.take();
            drop(s);
            drop(gone);
        }
    }

    /// Stops the guard as `destroy()` does; `[Symbol.dispose]()` and `using`
    /// call it. The handle's memory goes with garbage collection, which
    /// never stops a guard.
    // It replaces the `free()` that wasm-bindgen generates, which would
    // release the handle and leave the guard running with no way to stop it
    // (scripts/free-is-destroy.mjs removes the generated one).
    pub fn free(&self) {
        self.destroy();
    }

    /// Reads the core after folding in the latest quiet activity; `None`
    /// while the shell is busy (never from a callback: see `step`).
    fn read<T>(&self, f: impl FnOnce(&Session) -> T) -> Option<T> {
        let mut s = self.inner.try_borrow_mut().ok()?;
        let s = &mut *s;
        if let Some(res) = &s.resources {
            res.fold(&mut s.core);
        }
        Some(f(&s.core))
    }

    fn number(&self, f: impl FnOnce(&Session) -> Option<u64>) -> f64 {
        self.read(f)
            .map_or(f64::NAN, |v| v.map_or(f64::INFINITY, |v| v as f64))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Why a session ended. */
export type SignOutReason = "idle" | "absolute" | "manual";
/** What `state()` returns. */
export type SessionState = "active" | "warning" | "paused" | "signedOut";

/** Passed to `onSignOut`. */
export interface SignOutEvent {
  /** Which deadline ended the session; `"manual"` after `signOut()`. */
  reason: SignOutReason;
  /** Epoch ms of the end. */
  at: number;
  /** True in a tab that learned of the end from another tab. */
  remote: boolean;
}

/** Passed to `onWarning`. */
export interface WarningEvent {
  /** The deadline that will end the session: `"idle"` or `"absolute"`. */
  reason: Exclude<SignOutReason, "manual">;
  /** Ms left when the warning fired. */
  remainingMs: number;
  /** Epoch ms of the end. */
  expiresAt: number;
}

/** Passed to `onActivity`. */
export interface ActivityEvent {
  /** Epoch ms of the activity. */
  at: number;
  /** True when the activity happened in another tab. */
  remote: boolean;
}

/** Options of `new SessionGuard(options)`. Durations are integer ms; `-1` disables a limit. */
export interface SessionGuardOptions {
  /** Sign out after this long with no activity in any tab. @default 300000 (5 min) */
  idleTimeoutMs?: number;
  /** Absolute lifetime from `startedAt`; activity never extends it. @default 10800000 (180 min) */
  maxDurationMs?: number;
  /** While true, `rememberMePeriodMs` replaces `idleTimeoutMs`. @default false */
  rememberMe?: boolean;
  /** The idle window while remember-me is on; never carries the session past `maxDurationMs`. @default 2592000000 (30 days) */
  rememberMePeriodMs?: number;
  /** `onWarning` fires this long before the end; `0` means no warning. @default 0 */
  warnBeforeMs?: number;
  /** DOM event types that count as activity. @default ["pointerdown","pointermove","keydown","wheel","touchstart","scroll"] */
  events?: string[];
  /** Where activity is listened for (capture phase, passive). @default document */
  target?: EventTarget;
  /** Count events dispatched by scripts (`isTrusted` false). @default false */
  allowSyntheticEvents?: boolean;
  /** Epoch ms the session began, e.g. the sign-in time from the server. @default the stored session's start, or now */
  startedAt?: number;
  /** Names the shared session: the localStorage key and BroadcastChannel name. @default "session-guard" */
  storageKey?: string;
  /** Share the session with every tab and reload of the origin. @default true */
  crossTab?: boolean;
  /** Called exactly once when the session ends. Required. */
  onSignOut: (event: SignOutEvent) => void;
  /** Called when the warning window opens. */
  onWarning?: (event: WarningEvent) => void;
  /** Called (at most once a second) when activity moves the idle deadline. */
  onActivity?: (event: ActivityEvent) => void;
  /** Receives errors thrown by callbacks, storage failures and rejected records. @default console.error */
  onError?: (error: unknown) => void;
}
"#;

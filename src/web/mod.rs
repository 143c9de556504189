//! The browser shell: it owns every listener, the one timer, storage, the
//! channel and the locks, feeds the core with events and `now`, and carries
//! out what the core decides. Callbacks run only after the shell's borrow is
//! released, so a callback may call back into the guard.

use alloc::{boxed::Box, vec::Vec};

mod dom;
mod io;
mod keep_alive;
mod locks;
mod options;

use alloc::rc::Rc;
use core::cell::RefCell;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, StorageEvent};

use crate::core::{decimal, Effect, Problem, Reason, Session, State};
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

struct Shell {
    core: Session,
    callbacks: Callbacks,
    resources: Option<Resources>,
    destroyed: bool,
}

/// A callback call collected under the borrow, made after it is released:
/// the function, its argument, and for `onKeepAlive` the call it answers.
type Call = (Function, JsValue, Option<u32>);
type Calls = Vec<Call>;

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
    for (f, arg, keep_alive) in calls {
        let on_error = match inner.try_borrow() {
            Ok(s) if !s.destroyed => s.callbacks.on_error.clone(),
            _ => return,
        };
        let result = io::call(&f, &arg);
        if let Err(e) = &result {
            report(on_error.as_ref(), e);
        }
        if let Some(call) = keep_alive {
            answer_keep_alive(inner, call, result, on_error);
        }
    }
}

/// Takes what `onKeepAlive` returned: a Promise is awaited, and an object it
/// (or the call) gives is applied as `sync`. A throw, a rejection or a bad
/// answer is reported and counts as a failed call.
fn answer_keep_alive(
    inner: &Inner,
    call: u32,
    result: Result<JsValue, JsValue>,
    on_error: Option<Function>,
) {
    let done = {
        let inner = inner.clone();
        move |value: Option<JsValue>, on_error: Option<&Function>| {
            let answer = match value.filter(|v| v.is_object()) {
                None => None,
                Some(v) => match keep_alive::read_sync(&v) {
                    Ok(sync) => Some(sync),
                    Err(e) => {
                        report(on_error, &e);
                        None
                    }
                },
            };
            drive(&inner, |core, io, now| {
                core.keep_alive_done(call, answer, now, io)
            });
        }
    };
    match result {
        Err(_) => done(None, None),
        Ok(v) => match keep_alive::thenable(&v) {
            None => done(Some(v), on_error.as_ref()),
            Some(promise) => {
                let done = Rc::new(RefCell::new(Some(done)));
                let (resolved, errors) = (done.clone(), on_error.clone());
                let on_ok = dom::once(move |v| {
                    if let Some(done) = resolved.borrow_mut().take() {
                        done(Some(v), errors.as_ref());
                    }
                    JsValue::UNDEFINED
                });
                let on_err = dom::once(move |e| {
                    report(on_error.as_ref(), &e);
                    if let Some(done) = done.borrow_mut().take() {
                        done(None, None);
                    }
                    JsValue::UNDEFINED
                });
                promise.settle(&on_ok, &on_err);
            }
        },
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
            let answer = answer.map_err(|e| {
                let on_error = match inner.try_borrow() {
                    Ok(s) if s.resources.is_some() => s.callbacks.on_error.clone(),
                    _ => return,
                };
                report(on_error.as_ref(), &e);
            });
            drive(&inner, |core, io, now| {
                match what {
                    // A hold that fails leaves the pause to this tab.
                    LockAnswer::Hold => {
                        if answer.is_ok() {
                            core.announce_hold(true, now, io);
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
            Some(f) => calls.push((f.clone(), e, None)),
            None => io::console_error(&e),
        };
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
                    calls.push((self.callbacks.on_sign_out.clone(), e, None));
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
                        calls.push((f.clone(), e, None));
                    }
                }
                Effect::Activity { at, remote } => {
                    if let Some(f) = &self.callbacks.on_activity {
                        let e = object(&[("at", ms(at)), ("remote", JsValue::from_bool(remote))]);
                        calls.push((f.clone(), e, None));
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
                    None => self.core.announce_hold(true, now, &mut res.io),
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
                Effect::ClaimKeepAlive => {
                    if let Some(locks) = &res.locks {
                        let inner = inner.clone();
                        keep_alive::claim(locks, move |lock, failure| {
                            // A failed request is reported, and the tab
                            // calls as without locks (the record still
                            // carries the claim).
                            let granted = lock.is_some() || failure.is_some();
                            if let Some(e) = failure {
                                let on_error = inner
                                    .try_borrow()
                                    .ok()
                                    .and_then(|s| s.callbacks.on_error.clone());
                                report(on_error.as_ref(), &e);
                            }
                            if let Ok(mut s) = inner.try_borrow_mut() {
                                if let Some(r) = s.resources.as_mut() {
                                    r.keep_alive_lock = lock;
                                }
                            }
                            drive(&inner, |core, io, now| {
                                core.keep_alive_lock(granted, now, io)
                            });
                        });
                    }
                }
                Effect::KeepAlive {
                    call,
                    last_activity,
                } => {
                    if let Some(f) = &self.callbacks.on_keep_alive {
                        let e = object(&[("lastActivity", ms(last_activity))]);
                        calls.push((f.clone(), e, Some(call)));
                    }
                }
                Effect::KeepAliveOver => res.keep_alive_lock = None,
                Effect::Problem(p) => {
                    let message = match p {
                        Problem::StartedAhead(by) => [
                            "session-guard: startedAt lies ",
                            &decimal(by / 1000),
                            " s ahead of this page's clock; the session is taken to start now (a sync() with the server's now and expiresAt corrects its end)",
                        ]
                        .concat(),
                        Problem::KeepAliveTimedOut(period) => [
                            "session-guard: onKeepAlive was still pending ",
                            &decimal(period),
                            " ms (keepAliveMs) after it began; it counts as failed",
                        ]
                        .concat(),
                        // What storage threw, as it threw it.
                        Problem::Storage => match res.io.failure.take() {
                            Some(e) => {
                                error(&mut calls, e);
                                continue;
                            }
                            None => "session-guard: localStorage failed; the session is enforced in this tab".into(),
                        },
                    };
                    error(&mut calls, js_sys::Error::new(&message).into());
                }
            }
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
        let o = options::read(&options)?;
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
                keep_alive_lock: None,
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

    /// Applies the server's deadlines `{ expiresAt, idleExpiresAt, now }`
    /// (epoch ms on the server's clock, each optional). Bad input throws an
    /// `Error` naming the field and changes nothing.
    pub fn sync(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ServerDeadlines")] server: JsValue,
    ) -> Result<(), JsValue> {
        let sync = keep_alive::read_sync(&server)?;
        drive(&self.inner, |core, io, now| core.sync(sync, now, io));
        Ok(())
    }

    /// Everything a UI shows about the session, as it stands now (see
    /// `SessionSnapshot` in the types).
    #[wasm_bindgen(unchecked_return_type = "SessionSnapshot")]
    pub fn snapshot(&self) -> JsValue {
        let now = now();
        let Some(s) = self.read(|core| core.snapshot(now)) else {
            return JsValue::NULL;
        };
        let time = |t: Option<u64>| t.map_or(JsValue::NULL, ms);
        let endless = |t: Option<u64>| t.map_or(JsValue::from_f64(f64::INFINITY), ms);
        let warning = s.warning.map_or(JsValue::NULL, |(r, at)| {
            object(&[("reason", reason(r)), ("expiresAt", ms(at))])
        });
        let signed_out = s.ended.map_or(JsValue::NULL, |e| {
            object(&[("reason", reason(e.reason)), ("at", ms(e.at))])
        });
        object(&[
            ("state", JsValue::from_str(s.state.as_str())),
            ("startedAt", ms(s.started_at)),
            ("lastActivity", ms(s.last_activity)),
            ("rememberMe", JsValue::from_bool(s.remember_me)),
            ("idleWindowMs", time(s.idle_window)),
            ("idleExpiresAt", time(s.idle_expires_at)),
            ("absoluteExpiresAt", time(s.absolute_expires_at)),
            ("serverExpiresAt", time(s.server_expires_at)),
            ("serverIdleExpiresAt", time(s.server_idle_expires_at)),
            ("expiresAt", endless(s.expires_at)),
            ("remainingMs", endless(s.remaining_ms)),
            ("warning", warning),
            ("held", JsValue::from_bool(s.held)),
            ("signedOut", signed_out),
        ])
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

/// The package's TypeScript types, added to `pkg/session_guard.d.ts` beside the
/// generated class declaration. `tests/docs.rs` checks the defaults written
/// there against the core's option table.
#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("types.d.ts");

//! The shell: it owns the core, the page's handles (storage and channel,
//! locks, listeners, the timer) and the callbacks; hands the core every
//! input with `now`; carries out its commands; and calls the callbacks its
//! events name.
//!
//! One step at a time: a step hands the core one input and carries out its
//! commands, with the core borrowed. An input that comes while a step runs
//! (a method called from inside a `localStorage` wrapper or a lock call the
//! step made, an event a wrapper dispatched) waits in a queue and is
//! carried out right after the step, never dropped. Then the core's events
//! are pulled one at a time and their callbacks run with nothing borrowed:
//! a method called from a callback is carried out at once, as a step of its
//! own (its callbacks run inside the caller's), and the events still
//! waiting follow it.

use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::time::Duration;

use wasm_bindgen::JsValue;

use super::error::GuardError;
use super::events::{Activity, KeepAlive, KeepAliveReply, Outcome, SignOut, ToJs, Warning};
use super::glue::{self, Code};
use super::js_options::read_sync;
use super::listen::Listener;
use super::lock::Locks;
use super::page::{now, Page, Resources};
use super::port::Port;
use super::setup::{Handler, Handlers, Setup};
use super::store::{Nowhere, Store};
use super::timer::Alarm;
use crate::core::{Answer, Event, Input, Session, State};

/// What the shell hands the core, or does, one step each.
pub(crate) enum Pending {
    /// An input as it is.
    Input(Input<'static>),
    /// Another tab's record or message.
    Message(String),
    /// The timer fired; it was set for this moment.
    Timer(u64),
    /// `pagehide`: whether the page goes into the back-forward cache.
    Hide(bool),
    /// `pageshow`: whether the page comes from the back-forward cache.
    Show(bool),
    /// A failure of the shell's own to report (a lock, a keep-alive).
    Report(GuardError),
    /// `destroy()`.
    Destroy,
}

/// A callback to call, with its event.
enum Call {
    SignOut(SignOut),
    Warning(Warning),
    Activity(Activity),
    /// `onKeepAlive`, and the call it answers.
    KeepAlive(KeepAlive, u32),
    Error(GuardError),
}

pub(crate) struct Shell {
    page: RefCell<Page>,
    /// Inputs that came while a step ran, in order.
    pending: RefCell<Vec<Pending>>,
    /// A step runs (the core is borrowed): new inputs wait in `pending`.
    busy: Cell<bool>,
    /// `destroy()` was called: no callback runs any more.
    destroyed: Cell<bool>,
    /// The state the core last showed, for a read while a step runs.
    shown: Cell<State>,
    handlers: Handlers,
    /// The page has Web Locks (the core was told so at the start).
    locks: bool,
}

impl Shell {
    /// Starts a guard. Its first callbacks (the sign-out of a session that
    /// ended while no page was open, for one) run in a microtask, or in the
    /// first call into the guard, whichever comes first: never before the
    /// caller holds the guard.
    pub fn start(setup: Setup) -> Rc<Shell> {
        let Setup {
            config,
            events,
            target,
            allow_synthetic,
            storage_key,
            handlers,
        } = setup;
        let now = now();
        let mut store = Store::new(storage_key, config.cross_tab);
        let locks = config.cross_tab.then(|| Locks::new(store.key())).flatten();
        let core = Session::start(&config, locks.is_some(), now, &mut store);
        let shell = Rc::new(Shell {
            shown: Cell::new(core.state()),
            page: RefCell::new(Page {
                core,
                port: None,
                pageshow: None,
                res: None,
            }),
            pending: RefCell::default(),
            busy: Cell::new(true),
            destroyed: Cell::new(false),
            handlers,
            locks: locks.is_some(),
        });
        // The port keeps the guard alive while it runs, with or without a
        // handle (garbage collection of the JS object never stops it);
        // `destroy()` lets go of it.
        let me = shell.clone();
        let port = Port::new(move |code, value| me.heard(code, value));
        store.open_channel(&port);
        let res = Resources {
            activity: Listener::activity(&target, events.as_ref(), allow_synthetic, &port),
            _page: Listener::page(&port, config.cross_tab, store.key()),
            store,
            locks,
            hold: None,
            presence: None,
            keep_alive: None,
            alarm: Alarm::default(),
        };
        if let Ok(mut page) = shell.page.try_borrow_mut() {
            page.pageshow = Some(Listener::shown(&port));
            page.port = Some(port);
            page.res = Some(res);
            shell.settle(&mut page, now);
        }
        shell.busy.set(false);
        shell
    }

    /// Hands over `p`: now, or right after the step under way.
    pub fn input(self: &Rc<Self>, p: Pending) {
        self.queue(p);
        self.run();
    }

    fn queue(&self, p: Pending) {
        // The queue is borrowed only here and in `run`, never across a call
        // out: the borrow is always free.
        if let Ok(mut queue) = self.pending.try_borrow_mut() {
            queue.push(p);
        }
    }

    /// Stops the guard without signing out; no callback runs after it.
    pub fn destroy(self: &Rc<Self>) {
        if !self.destroyed.replace(true) {
            self.input(Pending::Destroy);
        }
    }

    /// The steps and callbacks, until nothing is left to do (inside a step,
    /// nothing: the loop that runs it takes what waits).
    fn run(self: &Rc<Self>) {
        if self.busy.get() {
            return;
        }
        loop {
            let next = self
                .pending
                .try_borrow_mut()
                .ok()
                .and_then(|mut q| (!q.is_empty()).then(|| q.remove(0)));
            match next {
                Some(Pending::Report(e)) => self.report(e),
                Some(p) => {
                    self.busy.set(true);
                    self.step(p);
                    self.busy.set(false);
                }
                None => match self.next_call() {
                    Some(call) => self.call(call),
                    None => break,
                },
            }
        }
    }

    /// Reads the core, after handing it the time of the latest quiet
    /// activity event (an input like any other: a read sees every
    /// activity). `None` while a step runs (a read from inside a storage
    /// wrapper).
    pub fn view<T>(&self, f: impl FnOnce(&Session, u64) -> T) -> Option<T> {
        let mut page = self.page.try_borrow_mut().ok()?;
        let page = &mut *page;
        let now = now();
        if let Some(res) = &mut page.res {
            res.fold(&mut page.core, now);
        }
        Some(f(&page.core, now))
    }

    /// The state; while a step runs, the one it last showed.
    pub fn state(&self) -> State {
        self.view(|core, _| core.state())
            .unwrap_or_else(|| self.shown.get())
    }

    /// One step: `p` to the core, then its commands.
    fn step(self: &Rc<Self>, p: Pending) {
        let Ok(mut page) = self.page.try_borrow_mut() else {
            return;
        };
        let now = now();
        let page = &mut *page;
        if page.port.is_none() {
            return;
        }
        let Some(res) = &mut page.res else {
            // The session ended: only a page the back-forward cache shows
            // again hears of it once more.
            match p {
                Pending::Show(true) => page.core.handle(Input::Shown, now, &mut Nowhere),
                Pending::Destroy => {
                    page.pageshow = None;
                    page.port = None;
                }
                _ => {}
            }
            return;
        };
        res.fold(&mut page.core, now);
        let input = match &p {
            Pending::Input(input) => *input,
            Pending::Message(text) => Input::Message(text),
            Pending::Timer(set_for) => {
                res.alarm.fired();
                Input::Timer(*set_for)
            }
            Pending::Hide(_) | Pending::Destroy => Input::Leave,
            Pending::Show(false) => Input::Wake,
            Pending::Show(true) => {
                // Back from the cache: the channel and the locks first, then
                // the core re-reads the session.
                res.store.reopen_channel();
                if self.locks && res.locks.is_none() {
                    res.locks = Locks::new(res.store.key());
                }
                Input::Shown
            }
            Pending::Report(_) => return,
        };
        page.core.handle(input, now, &mut res.store);
        match p {
            Pending::Destroy => {
                if let Some(port) = &page.port {
                    res.carry_out(&mut page.core, port);
                }
                page.res = None;
                page.pageshow = None;
                page.port = None;
            }
            Pending::Hide(true) => {
                if let Some(port) = &page.port {
                    res.carry_out(&mut page.core, port);
                }
                // Into the cache: no channel (a message would evict the
                // page) and no lock request left (the core dropped the
                // locks themselves).
                res.store.close_channel();
                res.locks = None;
            }
            _ => self.settle(page, now),
        }
    }

    /// Carries out the core's commands and keeps the timer no later than
    /// its next wake.
    fn settle(self: &Rc<Self>, page: &mut Page, now: u64) {
        let (Some(res), Some(port)) = (&mut page.res, &page.port) else {
            return;
        };
        let core = &mut page.core;
        res.carry_out(core, port);
        res.activity.quiet_until(core.quiet_until());
        res.alarm.set(core.next_wake(), now, port);
        self.shown.set(core.state());
    }

    /// The core's next event that calls back, if any.
    fn next_call(&self) -> Option<Call> {
        if self.destroyed.get() {
            return None;
        }
        let mut page = self.page.try_borrow_mut().ok()?;
        let page = &mut *page;
        let h = &self.handlers;
        loop {
            let event = page.core.poll()?;
            let ended = page.core.state() == State::SignedOut;
            let call = match event {
                Event::SignedOut {
                    reason,
                    at,
                    remote,
                    restored,
                } => {
                    // The end: every listener, timer, channel and lock goes,
                    // but `pageshow`.
                    page.res = None;
                    Call::SignOut(SignOut {
                        reason,
                        at,
                        remote,
                        restored,
                    })
                }
                // What storage threw, as it threw it, where the shell has it.
                Event::Error(problem) => {
                    let failure = page.res.as_mut().and_then(|r| r.store.failure.take());
                    Call::Error(GuardError::of(problem, failure))
                }
                // A callback may have ended the session meanwhile: nothing
                // but the end and errors is told after it.
                _ if ended => continue,
                Event::Warning {
                    reason,
                    remaining_ms,
                    expires_at,
                } if h.warning.is_some() => Call::Warning(Warning {
                    reason,
                    remaining: Duration::from_millis(remaining_ms),
                    expires_at,
                }),
                Event::Activity { at, remote } if h.activity.is_some() => {
                    Call::Activity(Activity { at, remote })
                }
                Event::KeepAlive {
                    call,
                    last_activity,
                } => Call::KeepAlive(KeepAlive { last_activity }, call),
                _ => continue,
            };
            self.shown.set(page.core.state());
            return Some(call);
        }
    }

    /// Calls a callback with nothing borrowed; what a JS callback throws
    /// goes to `onError`.
    fn call(self: &Rc<Self>, call: Call) {
        let h = &self.handlers;
        let thrown = match call {
            Call::SignOut(e) => h.sign_out.call(e),
            Call::Warning(e) => h.warning.as_ref().map_or(Ok(()), |f| f.call(e)),
            Call::Activity(e) => h.activity.as_ref().map_or(Ok(()), |f| f.call(e)),
            Call::KeepAlive(e, call) => {
                self.keep_alive(e, call);
                Ok(())
            }
            Call::Error(e) => {
                self.report(e);
                Ok(())
            }
        };
        if let Err(e) = thrown {
            self.report(GuardError::Callback(e));
        }
    }

    /// Hands `e` to `onError` (the console without one), unless the guard
    /// was destroyed. Nothing either throws reaches the guard.
    fn report(&self, e: GuardError) {
        if self.destroyed.get() {
            return;
        }
        match &self.handlers.error {
            Some(Handler::Rust(f)) => f(e),
            Some(Handler::Js(f)) => glue::report(f, &e.to_js()),
            None => glue::report(&JsValue::UNDEFINED, &e.to_js()),
        }
    }

    /// Calls `onKeepAlive` for call `call`, whose end comes back through
    /// `keep_alive_done`.
    fn keep_alive(self: &Rc<Self>, e: KeepAlive, call: u32) {
        match &self.handlers.keep_alive {
            Some(Handler::Rust(f)) => {
                let me = Rc::downgrade(self);
                f((
                    e,
                    KeepAliveReply::new(move |outcome| {
                        if let Some(shell) = me.upgrade() {
                            shell.keep_alive_done(call, outcome);
                        }
                    }),
                ))
            }
            Some(Handler::Js(f)) => {
                let port = self.page.try_borrow().ok().and_then(|p| {
                    let port = p.port.as_ref()?;
                    Some(port.js().clone())
                });
                if let Some(port) = port {
                    glue::keep_alive(f, &e.to_js(), &port, Code::keep_alive(call));
                }
            }
            None => self.keep_alive_done(call, None),
        }
    }

    /// Keep-alive call `call` has ended: an error is reported before the
    /// call ends (as failed).
    fn keep_alive_done(self: &Rc<Self>, call: u32, outcome: Outcome) {
        let answer = match outcome {
            Some(Ok(server)) => Some(server),
            Some(Err(e)) => {
                self.queue(Pending::Report(e));
                None
            }
            None => None,
        };
        let done = Answer::KeepAliveDone { call, answer };
        self.input(Pending::Input(Input::Answer(done)));
    }

    /// What comes through the port.
    fn heard(self: &Rc<Self>, code: u32, value: JsValue) {
        let first = Code::KeepAlive as u32;
        if code >= first {
            // `onKeepAlive` settled: what it gave, or what it threw.
            let (call, failed) = ((code - first) / 2, (code - first) % 2 == 1);
            let outcome = if failed {
                Some(Err(GuardError::KeepAliveFailed(value)))
            } else if !value.is_undefined() {
                // An object is the server's deadlines (`glue.js` hands over
                // nothing else).
                Some(read_sync(&value).map_err(GuardError::KeepAliveFailed))
            } else {
                None
            };
            return self.keep_alive_done(call, outcome);
        }
        let answer = |a| Pending::Input(Input::Answer(a));
        let failed = |shell: &Shell, value| shell.queue(Pending::Report(GuardError::Locks(value)));
        let pending = match Code::of(code) {
            Some(Code::Activity) => Pending::Input(Input::Activity),
            Some(Code::Wake) => Pending::Input(Input::Wake),
            Some(Code::Hide) => Pending::Hide(value.is_truthy()),
            Some(Code::Show) => Pending::Show(value.is_truthy()),
            // A `null` value: the key was removed, or storage cleared.
            Some(Code::Storage) => match value.as_string() {
                Some(text) => Pending::Message(text),
                None => Pending::Input(Input::Removed),
            },
            Some(Code::Message) => Pending::Message(value.as_string().unwrap_or_default()),
            Some(Code::Start) => return self.run(),
            Some(Code::Timer) => Pending::Timer(value.as_f64().unwrap_or(0.0) as u64),
            Some(Code::Held) => answer(Answer::HoldGranted),
            // A hold that fails leaves the pause to this tab.
            Some(Code::HoldFailed) => Pending::Report(GuardError::Locks(value)),
            Some(Code::Released) => answer(Answer::HoldReleased),
            // A wait that fails ends as if released: the idle window runs
            // again from now.
            Some(Code::ReleaseFailed) => {
                failed(self, value);
                answer(Answer::HoldReleased)
            }
            Some(Code::Probed) => {
                let bits = value.as_f64().unwrap_or(0.0) as u32;
                let (held, open) = (bits & 1 != 0, bits & 2 != 0);
                answer(Answer::Probed { held, open })
            }
            // A probe that fails finds no hold (the stored last activity
            // stands) and no open page.
            Some(Code::ProbeFailed) => {
                failed(self, value);
                answer(Answer::Probed {
                    held: false,
                    open: false,
                })
            }
            Some(Code::Claimed) => answer(Answer::KeepAliveLock(value.is_truthy())),
            // A claim that fails calls as without locks (the record still
            // carries the claim).
            Some(Code::ClaimFailed) => {
                failed(self, value);
                answer(Answer::KeepAliveLock(true))
            }
            Some(Code::KeepAlive) | None => return,
        };
        self.input(pending);
    }
}

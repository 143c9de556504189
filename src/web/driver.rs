//! How an input reaches the core and what the core decides is carried out:
//! `apply` hands the input to the core's door with the storage port, carries
//! out its commands under the shell's borrow and collects the callbacks its
//! events call; `call_back` calls them once the borrow is released; `handle`
//! is both, the shape of every entry point. Also the one timer, and the
//! answers of Web Locks and of `onKeepAlive`, which come back through
//! `handle`.

use alloc::{boxed::Box, rc::Rc, vec::Vec};
use core::time::Duration;

use gloo_timers::callback::Timeout;

use super::{io, keep_alive, locks, now, Handler, Inner, Life, Shell};
use super::{Activity, GuardError, KeepAlive, KeepAliveReply, SignOut, Warning};
use crate::core::{Answer, Command, Event, Input, Problem, ServerSync};
use locks::Locks;

/// The longest delay `setTimeout` keeps; a later wake just re-arms.
const MAX_DELAY_MS: u64 = 0x7fff_ffff;

/// A callback call collected under the borrow, made after it is released:
/// the callback and its event.
pub enum Call {
    SignOut(Handler<SignOut>, SignOut),
    Warning(Handler<Warning>, Warning),
    Activity(Handler<Activity>, Activity),
    Error(GuardError),
    /// `onKeepAlive`, its event and the call it answers.
    KeepAlive(Handler<(KeepAlive, KeepAliveReply)>, KeepAlive, u32),
}
pub type Calls = Vec<Call>;

/// Hands `input` to the core's door with the shell's storage port (after
/// the time of the latest quiet activity event), then carries out the
/// commands; returns the callbacks to call. Does nothing once destroyed or
/// ended, or when the shell is busy (a nested call from a callback never
/// happens under the borrow, but a panic must never reach JS).
pub fn apply(inner: &Inner, input: Input<'_>) -> Calls {
    let Some(mut shell) = inner.try_borrow_mut() else {
        return Vec::new();
    };
    let shell = &mut *shell;
    let Life::Running(res) = &mut shell.life else {
        return Vec::new();
    };
    let now = now();
    res.fold(&mut shell.core, now);
    shell.core.handle(input, now, &mut res.io);
    let calls = shell.drain(inner, now);
    inner.state.set(shell.core.state());
    calls
}

/// Calls each callback, reporting what one throws to `onError`, and stops
/// as soon as the guard is destroyed (a callback may destroy it).
pub fn call_back(inner: &Inner, calls: Calls) {
    for call in calls {
        let (destroyed, ended) = match inner.shell.try_borrow() {
            Ok(s) => (
                matches!(s.life, Life::Destroyed),
                matches!(s.life, Life::Ended),
            ),
            Err(_) => (true, false),
        };
        if destroyed {
            return;
        }
        // A callback may have ended the session (`signOut()` from
        // `onError`): nothing but the end and errors is told after it.
        if ended && !matches!(call, Call::SignOut(..) | Call::Error(_)) {
            continue;
        }
        let result = match call {
            Call::SignOut(f, e) => f(e),
            Call::Warning(f, e) => f(e),
            Call::Activity(f, e) => f(e),
            Call::KeepAlive(f, e, call) => {
                let reply = KeepAliveReply {
                    guard: Some(Rc::downgrade(inner)),
                    call,
                };
                f((e, reply))
            }
            Call::Error(e) => {
                report(inner, e);
                Ok(())
            }
        };
        if let Err(e) = result {
            report(inner, GuardError::Callback(e));
        }
    }
}

/// Hands `e` to `onError` (the console without one), unless the guard was
/// destroyed.
pub fn report(inner: &Inner, e: GuardError) {
    let on_error = match inner.shell.try_borrow() {
        Ok(s) if !matches!(s.life, Life::Destroyed) => s.callbacks.on_error.clone(),
        _ => return,
    };
    match on_error {
        Some(f) => f(e),
        None => io::console_error(&e.to_js()),
    }
}

/// Ends keep-alive call `call` (see [`KeepAliveReply`]): `None` is done
/// without deadlines; an error is reported, and the call counts as failed.
pub fn keep_alive_done(inner: &Inner, call: u32, answer: Option<Result<ServerSync, GuardError>>) {
    let answer = match answer.map(|a| a.and_then(|s| s.checked().map_err(GuardError::Sync))) {
        Some(Err(e)) => {
            report(inner, e);
            None
        }
        Some(Ok(sync)) => Some(sync),
        None => None,
    };
    handle(inner, Input::Answer(Answer::KeepAliveDone { call, answer }));
}

/// `apply` then `call_back`: the shape of every entry point.
pub fn handle(inner: &Inner, input: Input<'_>) {
    let calls = apply(inner, input);
    call_back(inner, calls);
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
                let running = matches!(
                    inner
                        .shell
                        .try_borrow()
                        .map(|s| matches!(s.life, Life::Running(_))),
                    Ok(true)
                );
                if running {
                    report(&inner, GuardError::Locks(e));
                }
            });
            let answer = match what {
                // A hold that fails leaves the pause to this tab.
                LockAnswer::Hold if answer.is_ok() => Answer::HoldGranted,
                LockAnswer::Hold => return,
                // A probe that fails finds no hold (the stored last
                // activity stands) and no open page.
                LockAnswer::Probe => {
                    let (held, open) = answer.unwrap_or((false, false));
                    Answer::Probed { held, open }
                }
                // A wait that fails ends as if released: the idle window
                // runs again from now.
                LockAnswer::Release => Answer::HoldReleased,
            };
            handle(&inner, Input::Answer(answer));
        }
    })
}

impl Shell {
    /// Carries out the core's commands, collects the callbacks of its
    /// events, and re-arms the timer.
    pub fn drain(&mut self, inner: &Inner, now: u64) -> Calls {
        let mut calls = Calls::new();
        let Life::Running(res) = &mut self.life else {
            return calls;
        };
        while let Some(command) = self.core.poll_command() {
            match command {
                Command::Post(text) => res.io.post(&text),
                Command::Hold(true) => {
                    if let Some(locks) = &res.locks {
                        res.hold = Some(locks.hold(lock_answer(inner, LockAnswer::Hold)));
                    }
                }
                Command::Hold(false) => res.hold = None,
                Command::Probe => {
                    if let Some(locks) = &res.locks {
                        locks.probe(lock_answer(inner, LockAnswer::Probe));
                    }
                }
                Command::Presence(on) => {
                    res.presence = on
                        .then(|| res.locks.as_ref().map(Locks::presence))
                        .flatten();
                }
                Command::AwaitRelease => {
                    if let Some(locks) = &res.locks {
                        locks.await_release(lock_answer(inner, LockAnswer::Release));
                    }
                }
                Command::ClaimKeepAlive => {
                    if let Some(locks) = &res.locks {
                        let inner = inner.clone();
                        keep_alive::claim(locks, move |lock, failure| {
                            // A failed request is reported, and the tab
                            // calls as without locks (the record still
                            // carries the claim).
                            let granted = lock.is_some() || failure.is_some();
                            if let Some(e) = failure {
                                report(&inner, GuardError::Locks(e));
                            }
                            if let Some(mut s) = inner.try_borrow_mut() {
                                if let Some(r) = s.resources() {
                                    r.keep_alive_lock = lock;
                                }
                            }
                            handle(&inner, Input::Answer(Answer::KeepAliveLock(granted)));
                        });
                    }
                }
                Command::ReleaseKeepAlive => res.keep_alive_lock = None,
            }
        }
        // Errors in the order they happened: a storage failure or a
        // rejected record is reported before the sign-out it causes.
        let cb = &self.callbacks;
        let mut ended = false;
        while let Some(event) = self.core.poll() {
            match event {
                Event::SignedOut {
                    reason: r,
                    at,
                    remote,
                    ..
                } => {
                    ended = true;
                    let e = SignOut {
                        reason: r,
                        at,
                        remote,
                    };
                    calls.push(Call::SignOut(cb.on_sign_out.clone(), e));
                }
                Event::Warning {
                    reason: r,
                    remaining_ms,
                    expires_at,
                } => {
                    if let Some(f) = &cb.on_warning {
                        let e = Warning {
                            reason: r,
                            remaining: Duration::from_millis(remaining_ms),
                            expires_at,
                        };
                        calls.push(Call::Warning(f.clone(), e));
                    }
                }
                Event::Activity { at, remote } => {
                    if let Some(f) = &cb.on_activity {
                        calls.push(Call::Activity(f.clone(), Activity { at, remote }));
                    }
                }
                Event::KeepAlive {
                    call,
                    last_activity,
                } => {
                    if let Some(f) = &cb.on_keep_alive {
                        let e = KeepAlive { last_activity };
                        calls.push(Call::KeepAlive(f.clone(), e, call));
                    }
                }
                // What storage threw, as it threw it, where the shell has it.
                Event::Error(p) => calls.push(Call::Error(match p {
                    Problem::Rejected(e) => GuardError::Rejected(e),
                    Problem::ClockBack(by) => GuardError::ClockBack(Duration::from_millis(by)),
                    Problem::Storage => GuardError::Storage(res.io.failure.take()),
                    Problem::StartedAhead(by) => {
                        GuardError::StartedAhead(Duration::from_millis(by))
                    }
                    Problem::KeepAliveTimedOut(period) => {
                        GuardError::KeepAliveTimedOut(Duration::from_millis(period))
                    }
                })),
            }
        }
        if ended {
            // Every listener, timer, channel and lock goes with it.
            self.life = Life::Ended;
        } else {
            self.arm(inner, now);
        }
        calls
    }

    /// Keeps one timer no later than the core's next wake. A wake that moved
    /// later (activity) leaves the timer alone: it fires early, finds nothing
    /// due, and re-arms then. So activity never re-arms a timer.
    fn arm(&mut self, inner: &Inner, now: u64) {
        let Life::Running(res) = &mut self.life else {
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
        let delay = at.saturating_sub(now).min(MAX_DELAY_MS);
        let set_for = now + delay;
        let inner2 = inner.clone();
        let timeout = Timeout::new(delay as u32, move || {
            if let Some(mut s) = inner2.try_borrow_mut() {
                if let Some(r) = s.resources() {
                    // This timer has fired: the tick below arms the next one.
                    r.timer = None;
                }
            }
            handle(&inner2, Input::Timer(set_for));
        });
        res.timer = Some((timeout, at));
    }
}

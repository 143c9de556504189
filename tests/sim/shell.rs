//! The machinery of the simulated browser (see `world.rs`): what the shell
//! and the browser do around the app's calls. The pages' guards, sending
//! messages and `storage` events, timers, the answers about locks and
//! keep-alives, the guards `onSignOut` makes, and the trace a failure shows.

use std::cell::Cell;

use session_guard::core::Session;

use session_guard::core::Answer;

use crate::drive::{parse, Call, Io, Op, SimInput};
use crate::model::Sid;
use crate::opts::Opts;
use crate::world::{Hung, IoRec, World, ANSWER_MS, T0, TRACE_LINES};

/// One guard in one page.
pub struct Tab {
    pub opts: Opts,
    /// Touched only through `drive.rs`.
    pub session: Session,
    /// The page in which it runs, and its document (a reload makes a new
    /// one; a guard made in `onSignOut` shares it).
    pub page: usize,
    pub doc: u64,
    /// The page is still there (a reload closes it).
    pub open: bool,
    /// The guard has its listeners, timer, channel and locks: not ended.
    pub live: bool,
    /// The shell's timer (real time, before the page's lateness).
    pub armed: Option<u64>,
    /// The activity listener's `quiet_until` (wall clock), as of the last call.
    pub quiet_until: u64,
    /// The latest (wall) time a quiet activity event recorded.
    pub recorded: u64,
    /// Holds its Web Lock.
    pub holding: bool,
    /// Waits for every hold to go.
    pub awaiting: bool,
    /// When the last message this tab posted arrives (keeps its order).
    pub channel_tail: u64,
    /// Holds the session's keep-alive lock.
    pub keep_alive_lock: bool,
    /// Dropped the keep-alive lock in the call under way.
    pub releasing: bool,
    /// `(reason, at, remote)` of every `onSignOut`.
    pub ends: Vec<(&'static str, u64, bool)>,
    /// The session it is in, as of the last call.
    pub sid: Sid,
    /// Real time it started.
    pub opened: u64,
    /// The latest wall time its core was given.
    pub latest_now: u64,
    /// Its absolute end as of the last call (wall clock).
    pub abs_end: Option<u64>,
    /// Remember-me as the core had it before the call under way.
    pub remember_before: bool,
    /// `(model shrinks, sid, bound)` of the last bound computed.
    pub due_cache: Cell<Option<(u64, Sid, Option<u64>)>>,
}

impl Tab {
    pub fn new(opts: Opts, session: Session, page: usize, doc: u64, real: u64, wall: u64) -> Tab {
        Tab {
            opts,
            session,
            page,
            doc,
            open: true,
            live: true,
            armed: None,
            quiet_until: 0,
            recorded: 0,
            holding: false,
            awaiting: false,
            channel_tail: 0,
            keep_alive_lock: false,
            releasing: false,
            ends: Vec::new(),
            sid: 0,
            opened: real,
            latest_now: wall,
            abs_end: None,
            remember_before: false,
            due_cache: Cell::new(None),
        }
    }
}

/// Who a message goes to.
pub enum To {
    /// Channel: the guards live when it was posted.
    Guards(Vec<usize>),
    /// `storage` event: whatever guard is live in these documents then.
    Docs(Vec<u64>),
}

pub struct Msg {
    pub to: To,
    /// `None`: the key was removed.
    pub text: Option<String>,
}

impl World {
    /// Keeps `Tab::sid` up to date after a call (a tab may join another
    /// session); a session first seen begins now.
    pub fn refresh(&mut self, i: usize) {
        let v = self.view(i);
        self.tabs[i].sid = v.sid;
        if !self.model.sessions.contains_key(&v.sid) {
            self.model.sessions.insert(
                v.sid,
                crate::model::SessionInfo {
                    begun: self.now,
                    remember_me: v.remember_me,
                    sign_in: false,
                },
            );
        }
    }

    /// A guard has just started: its session, and whether it began one with
    /// its own `startedAt` (a sign-in).
    pub fn joined(&mut self, i: usize, sign_in: bool) {
        let fresh = !self.model.sessions.contains_key(&self.view(i).sid);
        self.refresh(i);
        if fresh && sign_in {
            let sid = self.tabs[i].sid;
            if let Some(s) = self.model.sessions.get_mut(&sid) {
                s.sign_in = true;
            }
        }
        let v = self.view(i);
        self.tabs[i].abs_end = self.tabs[i].opts.max.map(|m| v.started_at + m);
        // Two guards that begin a session in the same millisecond may give
        // it one identity and different remember-me settings: from now on
        // the session has this guard's.
        if !fresh && self.model.remember_me_of(v.sid) != Some(v.remember_me) {
            self.model.remember_me(v.sid, v.remember_me, self.now);
        }
    }

    /// Logs what a call wrote and sends its messages and `storage` events.
    pub fn flush(&mut self, i: usize, call: Call, ops: Vec<Op>) {
        for (io, text, changed) in ops {
            let record = parse(&text);
            self.io.push(IoRec {
                at: self.now,
                tab: i,
                call,
                io,
                ends: record.is_some_and(|r| r.ended.is_some()),
                last_activity: record.map_or(0, |r| r.last_activity),
            });
            let what = brief(Some(&text));
            if io == Io::Store {
                self.note(i, format!("{call:?}: stores {what}"));
                if changed && self.storage_events {
                    self.post(i, Some(text));
                }
            } else {
                let to = (0..self.tabs.len())
                    .filter(|&j| j != i && self.tabs[j].open && self.tabs[j].live)
                    .collect();
                let at = self.send(i, To::Guards(to), Some(text));
                self.note(
                    i,
                    format!("{call:?}: posts {what} (arrives at {})", at - T0),
                );
            }
        }
    }

    /// A `storage` event from tab `i`'s page to every other open page.
    pub fn post(&mut self, i: usize, text: Option<String>) {
        let me = self.tabs[i].doc;
        let docs = self
            .pages
            .iter()
            .map(|&t| &self.tabs[t])
            .filter(|t| t.open && t.doc != me)
            .map(|t| t.doc)
            .collect::<Vec<_>>();
        if docs.is_empty() {
            return;
        }
        let at = self.send(i, To::Docs(docs), text);
        self.note(
            i,
            format!("a storage event goes out (arrives at {})", at - T0),
        );
    }

    pub fn send(&mut self, i: usize, to: To, text: Option<String>) -> u64 {
        let delay = if self.delays.is_empty() {
            0
        } else {
            self.delays[self.next_delay % self.delays.len()]
        };
        self.next_delay += 1;
        let at = (self.now + delay).max(self.tabs[i].channel_tail);
        self.tabs[i].channel_tail = at;
        self.seq += 1;
        self.flight.insert((at, self.seq), Msg { to, text });
        at
    }

    /// The shell's `arm`: the listener's `quiet_until`, and one timer no
    /// later than the next wake (a later wake leaves it where it is).
    pub fn arm(&mut self, i: usize) {
        if !self.tabs[i].open || !self.tabs[i].live {
            self.tabs[i].armed = None;
            self.tabs[i].quiet_until = 0;
            return;
        }
        let v = self.view(i);
        let real = v
            .next_wake
            .map(|w| self.now + w.saturating_sub(self.wall()));
        let t = &mut self.tabs[i];
        t.quiet_until = v.quiet_until;
        match real {
            None => t.armed = None,
            Some(at) => {
                if !matches!(t.armed, Some(a) if a <= at) {
                    t.armed = Some(at);
                }
            }
        }
    }

    /// Answers a wait for the release once no live guard holds.
    pub fn settle(&mut self) -> Result<(), String> {
        loop {
            if self.tabs.iter().any(|t| t.open && t.live && t.holding) {
                return Ok(());
            }
            let Some(j) = self
                .tabs
                .iter()
                .position(|t| t.open && t.live && t.awaiting)
            else {
                return Ok(());
            };
            self.tabs[j].awaiting = false;
            self.note(j, "no tab holds the session any more".into());
            self.drive(j, SimInput::Answer(Answer::HoldReleased))?;
        }
    }

    /// The earliest timer: `(due, tab)`, ties in the plan's tab order.
    pub fn next_timer(&self) -> Option<(u64, usize)> {
        self.tabs
            .iter()
            .enumerate()
            .filter(|(_, t)| t.open && t.live)
            .filter_map(|(i, t)| t.armed.map(|a| ((a + t.opts.late).max(self.now), i)))
            .min_by_key(|&(at, i)| (at, if self.high_first { usize::MAX - i } else { i }))
    }

    pub fn deliver(&mut self, key: (u64, u64)) -> Result<(), String> {
        let msg = self.flight.remove(&key).expect("a message in flight");
        self.now = self.now.max(key.0);
        let input = match &msg.text {
            Some(text) => SimInput::Message(text.clone()),
            None => SimInput::Removed,
        };
        let tabs: Vec<usize> = match msg.to {
            To::Guards(to) => to,
            To::Docs(docs) => docs
                .iter()
                .filter_map(|&d| self.tabs.iter().rposition(|t| t.doc == d && t.open))
                .collect(),
        };
        for j in tabs {
            if self.tabs[j].open && self.tabs[j].live {
                self.note(j, format!("receives {}", brief(msg.text.as_deref())));
                self.drive(j, input.clone())?;
            }
        }
        self.settle()
    }

    /// The simulated server answers a keep-alive (with nothing to sync).
    pub fn answer(&mut self, at: u64) -> Result<(), String> {
        let k = self
            .answers
            .iter()
            .position(|a| a.0 == at)
            .expect("an answer");
        let (_, i, call) = self.answers.remove(k);
        self.now = self.now.max(at);
        self.note(i, format!("keep-alive {call} answered"));
        let done = Answer::KeepAliveDone { call, answer: None };
        self.drive(i, SimInput::Answer(done))?;
        self.settle()
    }

    /// `onKeepAlive` was called: the server answers later, or never.
    pub fn keep_alive_called(&mut self, i: usize, call: u32) {
        let sid = self.tabs[i].sid;
        self.calls.push((self.now, i, sid));
        if self.tabs[i].opts.hangs {
            let period = self.tabs[i].opts.keep_alive.unwrap_or(0);
            let at = self.now;
            self.hung.push(Hung {
                at,
                tab: i,
                sid,
                period,
            });
        } else {
            self.answers.push((self.now + ANSWER_MS, i, call));
        }
    }

    pub fn fire(&mut self, at: u64, i: usize) -> Result<(), String> {
        self.now = self.now.max(at);
        self.tabs[i].armed = None;
        self.note(i, "timer".into());
        self.drive(i, SimInput::Wake)?;
        // A core that asks to be woken now again would make the shell spin.
        if self.tabs[i].live {
            if let Some(w) = self.view(i).next_wake {
                if w <= self.wall() {
                    return Err(self.fail(format!(
                        "tab {i}: after a wake, next_wake {} is not after now",
                        w as i64 - T0 as i64
                    )));
                }
            }
        }
        self.settle()
    }

    /// Guard `i` has ended: it drops everything, and its page's `onSignOut`
    /// may make a new guard.
    pub fn ended(&mut self, i: usize) {
        let sid = self.tabs[i].sid;
        let now = self.now;
        let t = &mut self.tabs[i];
        t.live = false;
        t.holding = false;
        t.awaiting = false;
        let (page, doc, opts) = (t.page, t.doc, t.opts);
        self.model.end_hold(i, now);
        self.model.first_end(sid, now);
        if let Some(&(reason, at, remote)) = self.tabs[i].ends.last() {
            self.model.ends.push(crate::model::Ended {
                sid,
                tab: i,
                reason,
                at,
                remote,
            });
        }
        if let Some(with_start) = opts.sign_in_again {
            if self.tabs[i].open && self.pages.get(page) == Some(&i) {
                let opts = Opts {
                    sign_in_again: None,
                    ..opts
                };
                self.again.push((page, doc, opts, with_start));
            }
        }
    }

    /// Makes the guards that `onSignOut` asked for, at once.
    pub fn sign_in_again(&mut self) -> Result<(), String> {
        for (page, doc, opts, with_start) in std::mem::take(&mut self.again) {
            let started_at = with_start.then(|| self.wall());
            self.start_tab(opts, page, doc, started_at)?;
        }
        Ok(())
    }

    pub fn note(&mut self, i: usize, what: String) {
        let line = format!("  {:>7} tab {i}: {what}", self.now - T0);
        self.push_trace(line);
    }

    pub fn push_trace(&mut self, line: String) {
        if self.trace.len() == TRACE_LINES {
            self.trace.pop_front();
        }
        self.trace.push_back(line);
    }

    /// A failure message: what broke, then the latest history (real times
    /// in ms from the start).
    pub fn fail(&self, what: String) -> String {
        let mut s = what;
        s.push_str("\nlatest history (ms from the start):\n");
        for line in &self.trace {
            s.push_str(line);
            s.push('\n');
        }
        s
    }
}

/// An input in a few words.
pub fn describe(input: &SimInput) -> String {
    match input {
        SimInput::Message(text) => format!("the message {}", brief(Some(text))),
        other => format!("{other:?}"),
    }
}

/// A record or message in a few words, times in ms from the start.
fn brief(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "{the key was removed}".into();
    };
    let Some(r) = parse(text) else {
        return text.to_string();
    };
    let ms = |t: u64| t as i64 - T0 as i64;
    let mut s = format!(
        "{{session {}, started {}, last activity {}",
        ms(r.id),
        ms(r.started_at),
        ms(r.last_activity)
    );
    if r.remember_me {
        s.push_str(", remember-me");
    }
    if r.held {
        s.push_str(", held");
    }
    if let Some(on) = r.hold_changed {
        s.push_str(if on { ", hold begins" } else { ", hold ends" });
    }
    if let Some(end) = r.ended {
        let (reason, at) = (end.reason.as_str(), ms(end.at));
        s.push_str(&format!(", ended {reason} at {at}"));
    }
    s.push('}');
    s
}

//! The one place the native tests touch a core, the way the browser shell
//! does: every guard is made by [`World::start_guard`], every input reaches
//! a core through [`World::drive`] (after the time of the latest quiet
//! activity event, as the shell's fold), and [`World::drain`] is the shell's
//! effect loop: commands carried out (posts sent, lock requests answered
//! once the loop is over), then events heard.

use session_guard::core::{Answer, Command, Event, Input, Record, Session, State};

use super::bus::{Logged, Msg, Op, Port, To};
use super::opts::Opts;
use super::tab::{Effect, Tab};
use super::world::World;
use super::T0;

/// The kind of call during which a storage or channel operation happened
/// (the cost rule leaves out what is not activity).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    Start,
    Activity,
    Tick,
    Receive,
    /// The back-forward cache shows the page again.
    Shown,
    /// A message about a hold (another tab's pause began or ended).
    ReceiveHold,
    SignOut,
    RememberMe,
    Pause,
    Resume,
    Sync,
    Leave,
    AnnounceHold,
    Probed,
    HoldReleased,
}

impl Call {
    pub fn of(input: &Input<'_>) -> Call {
        match input {
            Input::Recorded(_) | Input::Activity | Input::Touch => Call::Activity,
            Input::Message(text) if parse(text).is_some_and(|r| r.hold_changed.is_some()) => {
                Call::ReceiveHold
            }
            Input::Message(_) | Input::Removed => Call::Receive,
            Input::RememberMe(_) => Call::RememberMe,
            Input::Pause => Call::Pause,
            Input::Resume => Call::Resume,
            Input::SignOut => Call::SignOut,
            Input::Sync(_) => Call::Sync,
            Input::Leave => Call::Leave,
            Input::Answer(Answer::HoldGranted) => Call::AnnounceHold,
            Input::Answer(Answer::Probed { .. }) => Call::Probed,
            Input::Shown => Call::Shown,
            Input::Answer(Answer::HoldReleased) => Call::HoldReleased,
            Input::Wake
            | Input::Timer(_)
            | Input::Answer(Answer::KeepAliveLock(_) | Answer::KeepAliveDone { .. }) => Call::Tick,
        }
    }
}

/// What the harness reads from a core without handing it anything.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// The session it is in (the record's `id`).
    pub sid: u64,
    pub started_at: u64,
    pub remember_me: bool,
    pub ended: bool,
    pub paused: bool,
    pub warning: bool,
    /// The end as it now stands.
    pub expires_at: Option<u64>,
    /// When the next call must be made at the latest.
    pub next_wake: Option<u64>,
    /// Until when activity only needs its time recorded.
    pub quiet_until: u64,
}

/// A record or message, parsed without the checks against the clock.
pub fn parse(text: &str) -> Option<Record> {
    Record::parse(text, u64::MAX / 2).ok()
}

impl World {
    /// Makes a guard with `opts` in `page` (a new page, a reload, or
    /// `onSignOut`), in the document `doc`, and makes it the page's guard:
    /// the only place a core is made.
    pub(super) fn start_guard(
        &mut self,
        opts: Opts,
        cross_tab: bool,
        page: usize,
        doc: u64,
    ) -> Result<usize, String> {
        let i = self.tabs.len();
        let (now, wall) = (self.now, self.wall());
        let mut port = Port {
            bus: &mut self.bus,
            tab: i,
            now,
            by: Call::Start,
            stored: Vec::new(),
        };
        let session = Session::start(&opts.config(cross_tab), self.locks, wall, &mut port);
        let stored = port.stored;
        let mut tab = Tab::new(session, opts, page, doc, now);
        tab.cross_tab = cross_tab;
        self.tabs.push(tab);
        if page == self.pages.len() {
            self.pages.push(i);
        } else {
            self.pages[page] = i;
        }
        self.tabs[i].sid = self.view(i).sid;
        self.note(i, format!("opens in page {page}: {opts:?}"));
        self.watch(|m, w| m.started(w, i))?;
        self.stored(i, Call::Start, stored);
        self.drain(i, Call::Start)?;
        self.sign_in_again()?;
        Ok(i)
    }

    /// The one door: hands `input` to the core of tab `i` at the wall
    /// clock's time, as the shell's `apply` does (the quiet activity first,
    /// then the input; what it stored goes out as `storage` events, its
    /// commands are carried out and its events heard, the timer re-armed).
    /// Nothing once its page has gone, or once the guard has ended but
    /// for `Input::Shown` (the one listener an ended guard keeps).
    pub(super) fn drive(&mut self, i: usize, input: Input<'_>) -> Result<(), String> {
        self.step()?;
        let t = &self.tabs[i];
        if !t.open || !(t.live || input == Input::Shown) {
            return Ok(());
        }
        self.watch(|m, w| {
            m.before(w, i, &input);
            Ok(())
        })?;
        let by = Call::of(&input);
        let (now, wall) = (self.now, self.wall());
        let tab = &self.tabs[i];
        let mut port = Port {
            bus: &mut self.bus,
            tab: i,
            now,
            by,
            stored: Vec::new(),
        };
        {
            let mut session = tab.session.borrow_mut();
            session.handle(Input::Recorded(tab.recorded), wall, &mut port);
            session.handle(input, wall, &mut port);
        }
        let stored = port.stored;
        self.tabs[i].sid = self.view(i).sid;
        self.watch(|m, w| {
            m.took(w, i);
            Ok(())
        })?;
        self.stored(i, by, stored);
        self.drain(i, by)?;
        self.watch(|m, w| m.after(w, i, &input))?;
        self.sign_in_again()
    }

    /// What the storage port stored during a call: noted, and sent as
    /// `storage` events where the value changed.
    fn stored(&mut self, i: usize, by: Call, stored: Vec<(String, bool)>) {
        for (text, changed) in stored {
            self.published(i, &text);
            self.note(i, format!("{by:?}: stores {}", brief(Some(&text))));
            if changed && self.bus.storage_events {
                self.storage_event(i, Some(text));
            }
        }
    }

    fn published(&mut self, i: usize, text: &str) {
        if let Some(r) = parse(text) {
            let t = &mut self.tabs[i];
            t.published = t.published.max(r.last_activity);
        }
    }

    /// A `storage` event from tab `i`'s page to every other open page.
    pub(super) fn storage_event(&mut self, i: usize, text: Option<String>) {
        let me = self.tabs[i].doc;
        let docs: Vec<u64> = self
            .pages
            .iter()
            .map(|&t| &self.tabs[t])
            .filter(|t| t.open && t.doc != me)
            .map(|t| t.doc)
            .collect();
        if docs.is_empty() {
            return;
        }
        let at = self.send(i, To::Docs(docs), text);
        self.note(
            i,
            format!("a storage event goes out (arrives at {})", at - T0),
        );
    }

    /// Sends a message from tab `i`'s page: returns when it arrives.
    fn send(&mut self, i: usize, to: To, text: Option<String>) -> u64 {
        let tail = self.tabs[i].channel_tail;
        let at = self.bus.send(self.now, tail, Msg { to, text });
        self.tabs[i].channel_tail = at;
        at
    }

    /// The shell's effect loop for core `i`: carries out every command (a
    /// post goes out; lock requests are answered once the loop is over, as
    /// the browser answers them in a later task), then hears every event.
    pub(super) fn drain(&mut self, i: usize, by: Call) -> Result<(), String> {
        let (mut grant, mut probe, mut claim) = (false, false, false);
        let now = self.now;
        loop {
            let Some(c) = self.tabs[i].session.borrow_mut().poll_command() else {
                break;
            };
            self.watch(|m, w| m.command(w, i, &c))?;
            if let Some(effect) = Effect::of_command(&c) {
                self.tabs[i].effects.push((now, effect));
                self.note(i, format!("{c:?}"));
            }
            match c {
                Command::Post(text) => {
                    let text = self.bus.as_written(i, &text);
                    let (tab, at, op) = (i, now, Op::Post(text.clone()));
                    self.bus.log.push(Logged { tab, at, by, op });
                    self.published(i, &text);
                    let what = brief(Some(&text));
                    let to = (0..self.tabs.len())
                        .filter(|&j| j != i)
                        .filter(|&j| self.tabs[j].open && self.tabs[j].live)
                        .filter(|&j| self.tabs[j].cross_tab)
                        .collect();
                    let at = self.send(i, To::Guards(to), Some(text));
                    self.note(i, format!("{by:?}: posts {what} (arrives at {})", at - T0));
                }
                Command::Hold(_)
                | Command::Probe
                | Command::Presence(_)
                | Command::AwaitRelease
                | Command::ClaimKeepAlive
                    if !self.locks =>
                {
                    return Err(self.fail(format!("tab {i}: {c:?} without Web Locks")));
                }
                Command::Hold(on) => {
                    self.tabs[i].holding = on;
                    grant |= on;
                }
                Command::Probe => probe = true,
                Command::Presence(on) => self.tabs[i].present = on,
                Command::AwaitRelease => self.tabs[i].awaiting = true,
                Command::ClaimKeepAlive => claim = true,
                Command::ReleaseKeepAlive => {
                    // Dropping the lock resolves the promise that holds it;
                    // the browser releases it only once that settles, after
                    // this task: a claim made in this task still finds it.
                    let t = &mut self.tabs[i];
                    t.releasing |= t.keep_alive_lock;
                    t.keep_alive_lock = false;
                }
            }
        }
        loop {
            let Some(e) = self.tabs[i].session.borrow_mut().poll() else {
                break;
            };
            self.tabs[i].effects.push((now, Effect::from(e)));
            self.note(i, format!("{e:?}"));
            if let Event::KeepAlive {
                call,
                last_activity,
            } = e
            {
                self.tabs[i].calls.push((now, call, last_activity));
                if let Some(after) = self.tabs[i].opts.answer_after {
                    self.answers.push((now + after, i, call));
                }
            }
            self.watch(|m, w| m.event(w, i, &e))?;
            if let Event::SignedOut {
                restored: false, ..
            } = e
            {
                self.ended(i);
            }
        }
        if claim {
            // `ifAvailable`: granted only if no live guard holds it, this
            // one's lock included while its release is under way.
            let mine = self.tabs[i].releasing;
            let taken = mine
                || (0..self.tabs.len())
                    .filter(|&j| j != i && self.tabs[j].open && self.tabs[j].live)
                    .any(|j| self.tabs[j].keep_alive_lock);
            if taken {
                let whose = if mine {
                    "its own, whose release is under way"
                } else {
                    "another tab's"
                };
                self.note(i, format!("the keep-alive lock is taken ({whose})"));
            }
            self.tabs[i].keep_alive_lock = !taken;
            self.tabs[i].releasing = false;
            self.drive(i, Input::Answer(Answer::KeepAliveLock(!taken)))?;
        }
        self.tabs[i].releasing = false;
        if grant {
            // The lock is granted at once; the core announces the hold.
            self.drive(i, Input::Answer(Answer::HoldGranted))?;
        }
        if probe {
            // The locks' query sees every page's locks, this one's too.
            let live = |t: &&Tab| t.open && t.live;
            let held = self.tabs.iter().filter(live).any(|t| t.holding);
            let open = self.tabs.iter().filter(live).any(|t| t.present);
            self.drive(i, Input::Answer(Answer::Probed { held, open }))?;
        }
        self.arm(i);
        Ok(())
    }

    /// Guard `i` has ended: the shell drops everything it owns (its locks
    /// too), and the app's `onSignOut` may make a new guard in the page.
    fn ended(&mut self, i: usize) {
        let t = &mut self.tabs[i];
        t.live = false;
        t.drop_handles();
        t.quiet_until = 0;
        if let (Some(with_start), true) = (t.opts.sign_in_again, t.open) {
            let opts = Opts {
                sign_in_again: None,
                ..t.opts
            };
            if self.pages.get(t.page) == Some(&i) {
                self.again.push((t.page, t.doc, opts, with_start));
            }
        }
    }

    /// Makes the guards that `onSignOut` asked for, at once.
    fn sign_in_again(&mut self) -> Result<(), String> {
        for (page, doc, opts, with_start) in std::mem::take(&mut self.again) {
            let opts = Opts {
                started_at: with_start.then(|| self.wall()),
                ..opts
            };
            self.start_guard(opts, true, page, doc)?;
        }
        Ok(())
    }

    /// What the harness reads from core `i` (nothing is folded in).
    pub fn view(&self, i: usize) -> View {
        let s = self.tabs[i].session.borrow();
        let snap = s.snapshot(self.wall());
        let record = s.record();
        View {
            sid: record.id,
            started_at: record.started_at,
            remember_me: record.remember_me,
            ended: snap.ended.is_some(),
            paused: snap.state == State::Paused,
            warning: snap.state == State::Warning,
            expires_at: snap.expires_at,
            next_wake: s.next_wake(),
            quiet_until: s.quiet_until(),
        }
    }
}

/// An input in a few words.
pub fn describe(input: &Input<'_>) -> String {
    match input {
        Input::Message(text) => format!("the message {}", brief(Some(text))),
        other => format!("{other:?}"),
    }
}

/// A record or message in a few words, times in ms from the start.
pub fn brief(text: Option<&str>) -> String {
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
    if let Some(end) = r.server.end {
        s.push_str(&format!(", server end {}", ms(end.at)));
    }
    if let Some(end) = r.server.idle_end {
        s.push_str(&format!(", server idle end {}", ms(end.at)));
    }
    if let Some(end) = r.ended {
        let (reason, at) = (end.reason.as_str(), ms(end.at));
        s.push_str(&format!(", ended {reason} at {at}"));
    }
    s.push('}');
    s
}

//! News from the other tabs: which session it belongs to, when it
//! happened, and what this tab takes from it.
//!
//! **Sessions by identity.** Every record and message names its session
//! (`id`: the moment it was begun, above any id stored before it, so a
//! later session has the greater id). [`Session::verdict`] alone decides
//! what a tab does with another session's news:
//! - a running tab joins a different, younger session only when that one
//!   began with a sign-in (a `startedAt` given to its guard); otherwise the
//!   older session stands. So two tabs that began a session each before
//!   seeing the other's (storage lags between pages) end up in one, and a
//!   guard that found no record because the app cleared storage joins the
//!   session the other tabs still hold, which never moves an absolute end
//!   later;
//! - an end ends only its own session: a tab that joined a later one (a
//!   new sign-in, a guard made in `onSignOut` once the end was stored) is
//!   never ended by an earlier session's end, however late it arrives. The
//!   end of a session this tab would have joined had it heard of it
//!   earlier (a younger sign-in, or an older session its implicit one
//!   began beside without knowing) is that session's end, and ends it;
//! - a tab whose session stands puts its record back when it finds the
//!   stored one gone or another session's, so that a tab opened later
//!   joins it.

use crate::core::options::Limits;
use crate::core::record::{End, Horizon, Record};
use crate::core::{Problem, RecordError};

use super::{Session, Storage, StorageFailed};

/// What a tab does with a record of the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// The tab's own session: take its facts.
    Ours,
    /// A session this tab joins.
    Join,
    /// Another session, which this tab's outranks or whose end it is: the
    /// tab's session stands, and its record belongs in storage.
    Stand,
    /// A session that began after this one ended, and says how it ended.
    Followed(End),
}

impl Session {
    /// The one rule for news of another session (see the module docs).
    pub(super) fn verdict(&self, r: &Record) -> Verdict {
        if r.id == self.id {
            return Verdict::Ours;
        }
        if let (true, Some(end)) = (r.after == self.id, r.after_end) {
            return Verdict::Followed(end);
        }
        let joins = if r.id > self.id {
            r.login
        } else {
            // An older session, beside which this implicit one began
            // without knowing of it (not after its end, or a later one's).
            !self.login && r.id > self.after
        };
        if joins {
            Verdict::Join
        } else {
            Verdict::Stand
        }
    }

    /// When the news of `r` happened, for settling first (see
    /// [`Session::handle`]): the latest of the facts that may move this
    /// tab's deadlines which it brings and this tab had not, no later than
    /// `now`. Another tab's activity at the very moment this tab's end fell
    /// due counts from the millisecond before: that tab could not know it
    /// came too late. An end it tells is taken after them, in time order
    /// (see `take_end`). A hold's change carries no time: it happened now.
    /// Another session's news is decided now.
    pub(super) fn news_moment(&self, r: &Record, now: u64) -> u64 {
        match self.verdict(r) {
            Verdict::Ours if r.hold_changed.is_none() => {}
            Verdict::Followed(_) => return 0,
            _ => return now,
        }
        let newer = |theirs: u64, ours: u64| if theirs > ours { theirs } else { 0 };
        let learned = |l: Option<crate::core::Learned>| l.map_or(0, |l| l.learned);
        newer(r.last_activity, self.last)
            .saturating_sub(1)
            .max(newer(r.remember_at, self.remember_at))
            .max(newer(learned(r.server.end), learned(self.server.end)))
            .max(newer(
                learned(r.server.idle_end),
                learned(self.server.idle_end),
            ))
            .min(now)
    }

    /// This session's end, as another tab tells it: whatever of this tab's
    /// own fell due before it is settled first (its own end keeps its
    /// reason and time), then the end is taken, the same in every tab.
    fn take_end(&mut self, end: End, now: u64, storage: &mut dyn Storage) {
        self.settle_due(end.at.saturating_sub(1).min(now), storage);
        self.end_session(end, true);
    }

    /// Another tab's record or message, settled up to its moment already.
    pub(super) fn hear(&mut self, r: &Record, now: u64, storage: &mut dyn Storage) {
        match self.verdict(r) {
            Verdict::Ours => {
                self.merge(r, now);
                if let Some(end) = r.ended {
                    self.take_end(end, now, storage);
                    return self.store_end(storage);
                }
                self.heard_ping(r.ping);
                self.hear_hold(r.hold_changed, now);
                if self.holding && !r.held && self.ended.is_none() {
                    // A tab that had not heard of this tab's hold wrote the
                    // record without its flag: put it back at once, for the
                    // tabs that open meanwhile.
                    self.dirty = true;
                    self.publish(now, storage);
                }
            }
            // (Storage holds the next session: nothing to store.)
            Verdict::Followed(end) => self.take_end(end, now, storage),
            Verdict::Join => {
                self.adopt(r, now);
                self.merge(r, now);
                if let Some(end) = r.ended {
                    self.take_end(end, now, storage);
                    self.store_end(storage);
                }
            }
            // Its tab wrote it to storage over this session's record (or
            // an end of another session arrived late): put this session
            // back at once, for the tabs that open meanwhile.
            Verdict::Stand => {
                self.dirty = true;
                self.publish(now, storage);
            }
        }
    }

    /// Joins the session of `r` as it stands there. This tab's own
    /// activity is activity of that session too, if it came before that
    /// session's idle end: later activity never revives it.
    pub(super) fn adopt(&mut self, r: &Record, now: u64) {
        // (The moment this tab's own session began is no activity.)
        let own = self.last;
        let active = own > self.start;
        self.id = r.id;
        self.login = r.login;
        self.after = r.after;
        self.after_end = r.after_end;
        self.left_at = r.left_at;
        self.sign_in = r.sign_in;
        self.server = r.server;
        self.keep_alive_at = r.keep_alive_at;
        self.start = r.started_at;
        self.told = r.last_activity;
        self.last = r.last_activity;
        self.remember_me = r.remember_me;
        self.remember_at = r.remember_at;
        self.horizon = own_horizon(&self.limits).min(r.horizon);
        if active && self.idle_end().map_or(true, |end| own < end) {
            self.active_at(own);
        }
        self.dirty = self.last > self.told;
        if self.horizon != r.horizon {
            // This tab acts on idleness sooner than the others knew: tell
            // them at once, and give them the time to answer with activity
            // they held back for the longer horizon.
            self.dirty = true;
            self.published_at = None;
            self.joined_until = now + super::DELIVERY_MARGIN_MS;
        }
    }

    /// Takes the facts of this session's record. Only facts that never go
    /// backwards (a stored record may lag a message): later activity, a
    /// later remember-me setting or server deadline, the end.
    pub(super) fn merge(&mut self, r: &Record, now: u64) {
        // Every tab was told of what the record holds.
        self.told = self.told.max(r.last_activity);
        self.horizon = self.horizon.min(r.horizon);
        if r.last_activity > self.last {
            self.last = r.last_activity;
            self.activity_callback(now, true);
        }
        // The later setting wins; of two at once (two guards that began the
        // session in one millisecond), the shorter window: remember-me off.
        let tie = r.remember_at == self.remember_at && !r.remember_me;
        if r.remember_at > self.remember_at || tie {
            self.remember_me = r.remember_me;
            self.remember_at = r.remember_at;
        }
        self.server.end = crate::core::Learned::later(self.server.end, r.server.end);
        self.server.idle_end = crate::core::Learned::later(self.server.idle_end, r.server.idle_end);
        self.keep_alive_at = self.keep_alive_at.max(r.keep_alive_at);
        self.left_at = self.left_at.max(r.left_at);
    }

    /// A message told this tab its session's end: where this page's view of
    /// storage still shows the session live (storage can lag the channel
    /// between pages), store the end, so that a guard the app makes now (in
    /// `onSignOut`) finds the session ended and begins the next one.
    fn store_end(&mut self, storage: &mut dyn Storage) {
        if let Some(Ok(r)) = self.read(storage) {
            if r.id == self.id && r.ended.is_none() {
                self.save(false, storage);
            }
        }
    }

    /// Takes what the stored record of this session says happened before
    /// `until`: another tab may have been active, or ended, a moment before
    /// this tab acts, with its message still on its way. News from `until`
    /// on is left (it cannot undo what was due by then). A record that is
    /// gone or another session's is put back with the next write.
    pub(super) fn reread(&mut self, until: u64, storage: &mut dyn Storage) {
        let end = match self.read(storage) {
            Some(Ok(r)) => match self.verdict(&r) {
                Verdict::Ours => {
                    if self.news_moment(&r, until) < until {
                        self.merge(&r, self.latest);
                    }
                    r.ended
                }
                Verdict::Followed(end) => Some(end),
                Verdict::Join => None,
                Verdict::Stand => {
                    self.dirty = true;
                    None
                }
            },
            None if !self.storage_failed => {
                self.dirty = true;
                None
            }
            _ => None,
        };
        if let Some(end) = end.filter(|e| e.at.saturating_sub(1) < until) {
            self.end_session(end, true);
        }
    }

    /// The stored record, parsed (validated against the latest time this
    /// session has seen); `None` when there is none or storage failed.
    pub(super) fn read(
        &mut self,
        storage: &mut dyn Storage,
    ) -> Option<Result<Record, RecordError>> {
        match storage.read() {
            Ok(text) => text.map(|t| Record::parse(&t, self.latest)),
            Err(StorageFailed) => {
                self.storage_failure();
                None
            }
        }
    }

    /// Reports the first storage failure; the guard goes on in the page.
    pub(super) fn storage_failure(&mut self) {
        if !self.storage_failed {
            self.storage_failed = true;
            self.error(Problem::Storage);
        }
    }
}

/// The shortest time from an activity to this tab's first idle action (a
/// warning, or the end), for each remember-me setting. A warning lead that
/// does not fit the window (remember-me switched to a shorter one) warns at
/// once on every activity whatever the others write; the end still counts.
pub(super) fn own_horizon(limits: &Limits) -> Horizon {
    let first_action = |window: Option<u64>| {
        window.map(|w| match w.checked_sub(limits.warn) {
            Some(lead) if lead > 0 => lead,
            _ => w,
        })
    };
    Horizon {
        off: first_action(limits.idle),
        on: first_action(limits.remember_window),
    }
}

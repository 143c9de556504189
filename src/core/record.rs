//! The shared-session record: what the tabs of one origin store in
//! `localStorage[storageKey]` and post on the `BroadcastChannel`.
//!
//! It is a flat JSON object:
//!
//! ```json
//! {"v":2,"id":1700000000000,"startedAt":1700000000000,"signIn":1700000000000,
//!  "login":true,"after":1690000000000,"lastActivity":1700000060000,"rememberMe":false,
//!  "rememberAt":1700000000000,"endedAt":null,"reason":null,"horizon":300000,
//!  "rememberHorizon":2592000000,"keepAliveAt":1700000000000}
//! ```
//!
//! - `v` is the format level a reader must know to trust the record. A
//!   release that only adds fields keeps `v`: older readers ignore fields
//!   they do not know, so a deploy never signs out the tabs still running
//!   the previous bundle. A change that older readers must not read raises
//!   `v`, and a reader fails closed on a level above its own ([`VERSION`]).
//!   Records of level 1 (the first release: no `id`, no horizons) are read
//!   too, so a reload into this version keeps the session.
//! - `id` names the session, apart from its start: a new sign-in is a new
//!   `id`, while deadlines may move within one session. It is the moment the
//!   session was begun, raised past the id found in storage, so a later
//!   session always has the greater id.
//! - `horizon` / `rememberHorizon`: the shortest time from an activity to
//!   an idle warning or end over the tabs that joined the session, with
//!   remember-me off / on (absent: no tab acts on idleness that way). A tab
//!   may hold back what it writes until then, never longer.
//! - `signIn`: the `startedAt` the session was begun with (the start
//!   itself may be later: a `startedAt` ahead of the page's clock is taken
//!   as now); a guard given another `startedAt` begins a new session.
//!   `login`: written (`true`) when that `startedAt` was given to the guard
//!   that began it (a sign-in), which outranks an older session (see the
//!   core's news.rs); absent, the session began implicitly. `after`: the
//!   id of the ended session its first guard found stored and began after
//!   (absent: none); that end, and older ones, never end this session.
//!   `afterAt` and `afterReason` say how that session ended, so a tab of it
//!   that has not heard of its end yet (this record replaced the stored end
//!   in the same moment) ends as it did.
//! - `serverEnd`, `serverIdleEnd`: the server's deadlines (on this
//!   browser's clock, corrected for the server's), each with `…At`, when it
//!   was learned: the later one wins.
//! - `keepAliveAt`: the latest keep-alive call of the session (one caller
//!   per period across tabs).
//! - `leftAt`: when a page of the session last went away (`pagehide`); a
//!   page that opens later and finds no page open judges `closedTimeoutMs`
//!   by it. Where Web Locks (which say so at once) are missing, a page asks
//!   whether another page is open with `"ping":true`, and each open page
//!   answers with `"ping":false`.
//! - While a tab holds the session (a pause) the record also says
//!   `"held":true`. A channel message is the same object, optionally with
//!   `"hold":true|false` (the sender's pause began or ended).
//!
//! It holds no secret and no token. Readers ignore unknown keys (whatever
//! JSON their values hold), so fields written by a newer release pass
//! without harm; an older writer drops them again, so a field a newer
//! release adds must be a fact its readers can do without. Tampering still
//! fails closed: a known key with a malformed value, a duplicate known key,
//! or a time that would stretch the session (validated against `now` by
//! [`Record::parse`]) rejects the record. The parser never panics.

use alloc::string::String;

use super::json::{fields, push_int, Value};
use super::options::FUTURE_TOLERANCE_MS;
use super::Reason;

/// The format level this release writes, and the highest it trusts.
pub const VERSION: u64 = 2;

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct End {
    /// Which deadline ended it.
    pub reason: Reason,
    /// Epoch ms of the end.
    pub at: u64,
}

/// The shortest time (ms) from an activity to an idle warning or end, over
/// the tabs of a session, for each remember-me setting; `None` where no tab
/// acts on idleness.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Horizon {
    /// With remember-me off.
    pub off: Option<u64>,
    /// With remember-me on.
    pub on: Option<u64>,
}

impl Horizon {
    /// The shorter horizon of the two settings.
    pub fn shortest(&self) -> Option<u64> {
        min_some(self.off, self.on)
    }

    /// The shorter of the two horizons, for each setting.
    pub fn min(self, other: Horizon) -> Horizon {
        Horizon {
            off: min_some(self.off, other.off),
            on: min_some(self.on, other.on),
        }
    }
}

/// The smaller of two values that may be absent (`None` when both are):
/// the shorter of two horizons, the earlier of two deadlines.
pub(crate) fn min_some(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A server deadline and when this browser learned it (a later one wins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Learned {
    /// Epoch ms of the deadline, on this browser's clock.
    pub at: u64,
    /// Epoch ms the sync that gave it was applied.
    pub learned: u64,
}

impl Learned {
    /// The later learned of two.
    pub fn later(a: Option<Learned>, b: Option<Learned>) -> Option<Learned> {
        match (a, b) {
            (Some(x), Some(y)) if y.learned > x.learned => Some(y),
            (x, y) => x.or(y),
        }
    }
}

/// The server's deadlines as the session knows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerDeadlines {
    /// The server's absolute end.
    pub end: Option<Learned>,
    /// The end the server's idle limit gives.
    pub idle_end: Option<Learned>,
}

/// One session's shared state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// The session's identity (see the module docs).
    pub id: u64,
    /// The session began with a sign-in (`login`).
    pub login: bool,
    /// When a page of the session last went away (`leftAt`, epoch ms; `0`:
    /// none yet): with `closedTimeoutMs`, how long no page has been open.
    pub left_at: u64,
    /// Where Web Locks are missing: the writer asks every open page of the
    /// session whether it is there (`ping: true`), or answers that it is
    /// (`false`).
    pub ping: Option<bool>,
    /// The ended session this one began after, as its first guard found it
    /// stored (`after`; `0`: none): that end, and older ones, are not this
    /// session's.
    pub after: u64,
    /// How that session ended (`afterAt`, `afterReason`): a tab of it that
    /// has not heard of the end yet ends as it did.
    pub after_end: Option<End>,
    /// Epoch ms the session began.
    pub started_at: u64,
    /// The `startedAt` it was begun with (identifies the sign-in).
    pub sign_in: u64,
    /// Epoch ms of the last activity in any tab.
    pub last_activity: u64,
    /// Remember-me.
    pub remember_me: bool,
    /// Epoch ms remember-me was last set (the later setting wins).
    pub remember_at: u64,
    /// The end, once the session has ended.
    pub ended: Option<End>,
    /// A tab holds the session (a pause) as far as the writer knows: tells a
    /// tab that opens meanwhile to check before it ends anything for
    /// idleness. Written only when true.
    pub held: bool,
    /// In a message only: the sender's pause began (`true`) or ended (`false`).
    pub hold_changed: Option<bool>,
    /// How long after an activity the first tab of the session may act on
    /// idleness.
    pub horizon: Horizon,
    /// The server's deadlines.
    pub server: ServerDeadlines,
    /// Epoch ms of the session's latest keep-alive call (its start before
    /// the first).
    pub keep_alive_at: u64,
}

/// Why a record or message was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// Not a JSON object, or a known key with a value of the wrong form.
    Malformed,
    /// A format level above this release's.
    Version,
    /// A time that breaks the rules: before the start, or more than a minute
    /// in the future.
    Time,
}

impl RecordError {
    /// The problem in words.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordError::Malformed => "is not a valid session record",
            RecordError::Version => "has an unknown version",
            RecordError::Time => "holds a time before the start or in the future",
        }
    }
}

impl core::fmt::Display for RecordError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
type Slot<'a> = Option<Value<'a>>;

// The checks of one field each (`None`: malformed), not inlined: one copy
// of each for the record's many fields.
#[inline(never)]
fn int(v: &Slot<'_>) -> Option<u64> {
    match v {
        Some(Value::Int(n)) => Some(*n),
        _ => None,
    }
}

/// A flag that may be absent: `Some(None)` when it is.
#[inline(never)]
fn flag(v: &Slot<'_>) -> Option<Option<bool>> {
    match v {
        None => Some(None),
        Some(Value::Bool(b)) => Some(Some(*b)),
        Some(_) => None,
    }
}

/// A time that may be absent or `null`: `Some(None)` when it is.
#[inline(never)]
fn optional(v: &Slot<'_>) -> Option<Option<u64>> {
    match v {
        None | Some(Value::Null) => Some(None),
        v => int(v).map(Some),
    }
}

/// A server deadline and when it was learned: both or neither.
fn learned(at: &Slot<'_>, learned: &Slot<'_>) -> Option<Option<Learned>> {
    match (optional(at)?, optional(learned)?) {
        (None, None) => Some(None),
        (Some(at), Some(learned)) => Some(Some(Learned { at, learned })),
        _ => None,
    }
}

/// An end: its time and reason (`endedAt`/`reason`, `afterAt`/`afterReason`).
fn end(at: &Slot<'_>, reason: &Slot<'_>) -> Option<End> {
    match (at, reason) {
        (Some(Value::Int(at)), Some(Value::Str(r))) => Some(End {
            reason: Reason::parse(r)?,
            at: *at,
        }),
        _ => None,
    }
}

const KEYS: [&str; 24] = [
    "v",
    "id",
    "startedAt",
    "lastActivity",
    "rememberMe",
    "rememberAt",
    "endedAt",
    "reason",
    "held",
    "hold",
    "horizon",
    "rememberHorizon",
    "signIn",
    "serverEnd",
    "serverEndAt",
    "serverIdleEnd",
    "serverIdleEndAt",
    "keepAliveAt",
    "login",
    "after",
    "leftAt",
    "ping",
    "afterAt",
    "afterReason",
];

impl Record {
    /// Parses and validates a record or message at time `now` (epoch ms).
    pub fn parse(text: &str, now: u64) -> Result<Record, RecordError> {
        let f = fields(text, &KEYS).ok_or(RecordError::Malformed)?;
        let level = match f[0] {
            Some(Value::Int(v @ 1..=VERSION)) => v,
            Some(Value::Int(_)) => return Err(RecordError::Version),
            _ => return Err(RecordError::Malformed),
        };
        let r = Record::read(&f, level).ok_or(RecordError::Malformed)?;
        let latest = now.saturating_add(FUTURE_TOLERANCE_MS);
        let learned = |l: Option<Learned>| l.map_or(0, |l| l.learned);
        let times_ok = r.started_at <= r.last_activity
            && r.started_at <= r.keep_alive_at
            && r.id
                .max(r.started_at)
                .max(r.last_activity)
                .max(r.remember_at)
                .max(r.keep_alive_at)
                .max(r.left_at)
                .max(learned(r.server.end))
                .max(learned(r.server.idle_end))
                <= latest
            // (An end may lie before the start: a server's end that had
            // passed when a sync told it. Ending earlier stretches nothing.)
            && r.ended.map_or(true, |e| e.at <= latest);
        if !times_ok {
            return Err(RecordError::Time);
        }
        Ok(r)
    }

    /// The fields of a record of format `level`, each of its form (`None`:
    /// one is not).
    fn read(f: &[Slot<'_>; 24], level: u64) -> Option<Record> {
        let started_at = int(&f[2])?;
        // Level 1 had no id: its start named the session.
        let id = if level == 1 { started_at } else { int(&f[1])? };
        let Some(Value::Bool(remember_me)) = f[4] else {
            return None;
        };
        let ended = match (f[6], f[7]) {
            (Some(Value::Null), Some(Value::Null)) => None,
            _ => Some(end(&f[6], &f[7])?),
        };
        let after_end = match (f[22], f[23]) {
            (None, None) => None,
            _ => Some(end(&f[22], &f[23])?),
        };
        Some(Record {
            id,
            started_at,
            last_activity: int(&f[3])?,
            remember_me,
            remember_at: int(&f[5])?,
            ended,
            held: flag(&f[8])?.unwrap_or(false),
            hold_changed: flag(&f[9])?,
            horizon: Horizon {
                off: optional(&f[10])?,
                on: optional(&f[11])?,
            },
            // Written by this release and later; absent in older records.
            sign_in: optional(&f[12])?.unwrap_or(started_at),
            server: ServerDeadlines {
                end: learned(&f[13], &f[14])?,
                idle_end: learned(&f[15], &f[16])?,
            },
            keep_alive_at: optional(&f[17])?.unwrap_or(started_at),
            login: flag(&f[18])?.unwrap_or(false),
            after: optional(&f[19])?.unwrap_or(0),
            left_at: optional(&f[20])?.unwrap_or(0),
            after_end,
            ping: flag(&f[21])?,
        })
    }

    /// The record as JSON text.
    pub fn encode(&self) -> String {
        fn int(s: &mut String, key: &str, n: u64) {
            s.push_str(key);
            push_int(s, n);
        }
        let mut s = String::with_capacity(200);
        int(&mut s, "{\"v\":", VERSION);
        int(&mut s, ",\"id\":", self.id);
        int(&mut s, ",\"startedAt\":", self.started_at);
        int(&mut s, ",\"signIn\":", self.sign_in);
        if self.login {
            s.push_str(",\"login\":true");
        }
        if self.after > 0 {
            int(&mut s, ",\"after\":", self.after);
        }
        if let Some(e) = self.after_end {
            int(&mut s, ",\"afterAt\":", e.at);
            s.push_str(",\"afterReason\":\"");
            s.push_str(e.reason.as_str());
            s.push('"');
        }
        int(&mut s, ",\"lastActivity\":", self.last_activity);
        s.push_str(",\"rememberMe\":");
        s.push_str(if self.remember_me { "true" } else { "false" });
        int(&mut s, ",\"rememberAt\":", self.remember_at);
        match self.ended {
            None => s.push_str(",\"endedAt\":null,\"reason\":null"),
            Some(e) => {
                int(&mut s, ",\"endedAt\":", e.at);
                s.push_str(",\"reason\":\"");
                s.push_str(e.reason.as_str());
                s.push('"');
            }
        }
        if let Some(h) = self.horizon.off {
            int(&mut s, ",\"horizon\":", h);
        }
        if let Some(h) = self.horizon.on {
            int(&mut s, ",\"rememberHorizon\":", h);
        }
        if let Some(l) = self.server.end {
            int(&mut s, ",\"serverEnd\":", l.at);
            int(&mut s, ",\"serverEndAt\":", l.learned);
        }
        if let Some(l) = self.server.idle_end {
            int(&mut s, ",\"serverIdleEnd\":", l.at);
            int(&mut s, ",\"serverIdleEndAt\":", l.learned);
        }
        int(&mut s, ",\"keepAliveAt\":", self.keep_alive_at);
        if self.left_at > 0 {
            int(&mut s, ",\"leftAt\":", self.left_at);
        }
        if let Some(p) = self.ping {
            s.push_str(if p {
                ",\"ping\":true"
            } else {
                ",\"ping\":false"
            });
        }
        if self.held {
            s.push_str(",\"held\":true");
        }
        if let Some(h) = self.hold_changed {
            s.push_str(",\"hold\":");
            s.push_str(if h { "true" } else { "false" });
        }
        s.push('}');
        s
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;

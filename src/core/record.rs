//! The shared-session record: what the tabs of one origin store in
//! `localStorage[storageKey]` and post on the `BroadcastChannel`.
//!
//! It is a flat JSON object:
//!
//! ```json
//! {"v":2,"id":1700000000000,"startedAt":1700000000000,"lastActivity":1700000060000,
//!  "rememberMe":false,"rememberAt":1700000000000,"endedAt":null,"reason":null,
//!  "horizon":300000,"rememberHorizon":2592000000}
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
//! - `serverEnd`, `serverIdleEnd`: the server's deadlines (on this
//!   browser's clock, corrected for the server's), each with `…At`, when it
//!   was learned: the later one wins.
//! - `keepAliveAt`: the latest keep-alive call of the session (one caller
//!   per period across tabs).
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

use super::options::{FUTURE_TOLERANCE_MS, MAX_SAFE_INTEGER};
use super::Reason;

/// The format level this release writes, and the highest it trusts.
pub const VERSION: u64 = 2;

/// How deep the values of unknown keys may nest.
const MAX_DEPTH: u8 = 16;

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
        [self.off, self.on].into_iter().flatten().min()
    }

    /// The shorter of the two horizons, for each setting.
    pub fn min(self, other: Horizon) -> Horizon {
        let min = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Horizon {
            off: min(self.off, other.off),
            on: min(self.on, other.on),
        }
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

#[derive(Clone, Copy, PartialEq)]
enum Value<'a> {
    Int(u64),
    Bool(bool),
    Str(&'a str),
    Null,
    /// Any other JSON value (only unknown keys may hold one).
    Other,
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// A string; `None` if malformed. Escapes are valid JSON, but such a
    /// string comes back as `Value::Other` (no known value holds one).
    fn string(&mut self) -> Option<Value<'a>> {
        self.eat(b'"')?;
        let start = self.i;
        let mut escaped = false;
        loop {
            match self.peek()? {
                b'"' => break,
                0..=0x1f => return None,
                b'\\' => {
                    escaped = true;
                    self.i += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.i += 1,
                        b'u' => {
                            let hex = self.s.get(self.i + 1..self.i + 5)?;
                            if !hex.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            self.i += 5;
                        }
                        _ => return None,
                    }
                }
                _ => self.i += 1,
            }
        }
        self.i += 1;
        if escaped {
            return Some(Value::Other);
        }
        // Both ends sit on ASCII quotes, so these are char boundaries.
        self.src.get(start..self.i - 1).map(Value::Str)
    }

    fn word(&mut self, w: &str) -> bool {
        let end = self.i + w.len();
        if self.s.get(self.i..end) == Some(w.as_bytes()) {
            self.i = end;
            true
        } else {
            false
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    /// A JSON number. A non-negative integer that a JS number holds exactly
    /// is an `Int`; any other valid number is `Other`.
    fn number(&mut self) -> Option<Value<'a>> {
        let start = self.i;
        let negative = self.eat_byte(b'-');
        let int_start = self.i;
        let n = self.digits();
        let leading_zero = n > 1 && self.s.get(int_start) == Some(&b'0');
        if n == 0 || leading_zero {
            return None;
        }
        let mut whole = !negative;
        if self.eat_byte(b'.') {
            whole = false;
            if self.digits() == 0 {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            whole = false;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        if !whole {
            return Some(Value::Other);
        }
        let exact = self.s.get(start..self.i)?.iter().try_fold(0u64, |v, &d| {
            v.checked_mul(10)?
                .checked_add(u64::from(d - b'0'))
                .filter(|v| *v as f64 <= MAX_SAFE_INTEGER)
        });
        Some(exact.map_or(Value::Other, Value::Int))
    }

    fn eat_byte(&mut self, c: u8) -> bool {
        let hit = self.peek() == Some(c);
        if hit {
            self.i += 1;
        }
        hit
    }

    /// Any JSON value; objects and arrays are skipped (`Other`).
    fn value(&mut self, depth: u8) -> Option<Value<'a>> {
        self.ws();
        match self.peek()? {
            b'"' => self.string(),
            b'-' | b'0'..=b'9' => self.number(),
            b'{' | b'[' if depth < MAX_DEPTH => {
                let close = if self.peek() == Some(b'{') {
                    b'}'
                } else {
                    b']'
                };
                self.i += 1;
                if self.eat(close).is_some() {
                    return Some(Value::Other);
                }
                loop {
                    if close == b'}' {
                        self.string()?;
                        self.eat(b':')?;
                    }
                    self.value(depth + 1)?;
                    if self.eat(b',').is_none() {
                        self.eat(close)?;
                        return Some(Value::Other);
                    }
                }
            }
            _ if self.word("true") => Some(Value::Bool(true)),
            _ if self.word("false") => Some(Value::Bool(false)),
            _ if self.word("null") => Some(Value::Null),
            _ => None,
        }
    }
}

const KEYS: [&str; 18] = [
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
];

/// Reads the object into one slot per known key; unknown keys are skipped.
fn fields(text: &str) -> Option<[Option<Value<'_>>; KEYS.len()]> {
    let mut p = Parser {
        s: text.as_bytes(),
        src: text,
        i: 0,
    };
    let mut slots = [None; KEYS.len()];
    p.eat(b'{')?;
    if p.eat(b'}').is_none() {
        loop {
            let key = p.string()?;
            p.eat(b':')?;
            let value = p.value(1)?;
            let known = match key {
                Value::Str(k) => KEYS.iter().position(|known| *known == k),
                _ => None,
            };
            if let Some(slot) = known.and_then(|i| slots.get_mut(i)) {
                if slot.is_some() {
                    return None; // a duplicate known key
                }
                *slot = Some(value);
            }
            if p.eat(b',').is_none() {
                p.eat(b'}')?;
                break;
            }
        }
    }
    p.ws();
    (p.i == p.s.len()).then_some(slots)
}

impl Record {
    /// Parses and validates a record or message at time `now` (epoch ms).
    pub fn parse(text: &str, now: u64) -> Result<Record, RecordError> {
        use RecordError::Malformed;
        use Value::*;
        let f = fields(text).ok_or(Malformed)?;
        let level = match f[0] {
            Some(Int(v @ 1..=VERSION)) => v,
            Some(Int(_)) => return Err(RecordError::Version),
            _ => return Err(Malformed),
        };
        let int = |v: Option<Value<'_>>| match v {
            Some(Int(n)) => Ok(n),
            _ => Err(Malformed),
        };
        let flag = |v: Option<Value<'_>>| match v {
            None => Ok(None),
            Some(Bool(b)) => Ok(Some(b)),
            Some(_) => Err(Malformed),
        };
        let optional = |v: Option<Value<'_>>| match v {
            None | Some(Null) => Ok(None),
            v => int(v).map(Some),
        };
        let started_at = int(f[2])?;
        // Level 1 had no id: its start named the session.
        let id = if level == 1 { started_at } else { int(f[1])? };
        let last_activity = int(f[3])?;
        let Some(Bool(remember_me)) = f[4] else {
            return Err(Malformed);
        };
        let remember_at = int(f[5])?;
        let ended = match (f[6], f[7]) {
            (Some(Null), Some(Null)) => None,
            (Some(Int(at)), Some(Str(r))) => Some(End {
                reason: Reason::parse(r).ok_or(Malformed)?,
                at,
            }),
            _ => return Err(Malformed),
        };
        let held = flag(f[8])?.unwrap_or(false);
        let hold_changed = flag(f[9])?;
        let horizon = Horizon {
            off: optional(f[10])?,
            on: optional(f[11])?,
        };
        // Written by this release and later; absent in older records.
        let sign_in = optional(f[12])?.unwrap_or(started_at);
        let learned = |at: Option<Value<'_>>, learned: Option<Value<'_>>| match (
            optional(at)?,
            optional(learned)?,
        ) {
            (None, None) => Ok(None),
            (Some(at), Some(learned)) => Ok(Some(Learned { at, learned })),
            _ => Err(Malformed),
        };
        let server = ServerDeadlines {
            end: learned(f[13], f[14])?,
            idle_end: learned(f[15], f[16])?,
        };
        let keep_alive_at = optional(f[17])?.unwrap_or(started_at);
        let latest = now.saturating_add(FUTURE_TOLERANCE_MS);
        let learned_at = [server.end, server.idle_end].map(|l| l.map_or(0, |l| l.learned));
        let times_ok = started_at <= last_activity
            && started_at <= keep_alive_at
            && [id, started_at, last_activity, remember_at, keep_alive_at]
                .iter()
                .chain(&learned_at)
                .all(|t| *t <= latest)
            && ended.map_or(true, |e| e.at >= started_at && e.at <= latest);
        if !times_ok {
            return Err(RecordError::Time);
        }
        Ok(Record {
            id,
            started_at,
            last_activity,
            remember_me,
            remember_at,
            ended,
            held,
            hold_changed,
            horizon,
            server,
            keep_alive_at,
            sign_in,
        })
    }

    /// The record as JSON text.
    pub fn encode(&self) -> String {
        fn int(s: &mut String, key: &str, n: u64) {
            s.push_str(key);
            push_int(s, n);
        }
        let mut s = String::with_capacity(200);
        s.push_str("{\"v\":2");
        int(&mut s, ",\"id\":", self.id);
        int(&mut s, ",\"startedAt\":", self.started_at);
        int(&mut s, ",\"signIn\":", self.sign_in);
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
        for (key, learned_key, l) in [
            (",\"serverEnd\":", ",\"serverEndAt\":", self.server.end),
            (
                ",\"serverIdleEnd\":",
                ",\"serverIdleEndAt\":",
                self.server.idle_end,
            ),
        ] {
            if let Some(l) = l {
                int(&mut s, key, l.at);
                int(&mut s, learned_key, l.learned);
            }
        }
        int(&mut s, ",\"keepAliveAt\":", self.keep_alive_at);
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

/// `n` in decimal digits, without the `fmt` machinery.
#[cfg(target_arch = "wasm32")]
pub(crate) fn decimal(n: u64) -> String {
    let mut s = String::new();
    push_int(&mut s, n);
    s
}

/// Decimal digits without the `fmt` machinery (it costs download size), and
/// without an index that could panic (a panic's message would bring that
/// machinery back).
fn push_int(s: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in buf.get(start..).unwrap_or_default() {
        s.push(char::from(b));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: u64 = 1_700_000_000_000;

    fn rec() -> Record {
        Record {
            id: NOW - 10_000,
            started_at: NOW - 10_000,
            sign_in: NOW - 10_000,
            server: ServerDeadlines::default(),
            keep_alive_at: NOW - 10_000,
            last_activity: NOW - 5_000,
            remember_me: true,
            remember_at: NOW - 10_000,
            ended: None,
            held: false,
            hold_changed: None,
            horizon: Horizon {
                off: Some(300_000),
                on: None,
            },
        }
    }

    #[test]
    fn round_trips() {
        let r = rec();
        assert_eq!(Record::parse(&r.encode(), NOW), Ok(r));
        let ended = Record {
            ended: Some(End {
                reason: Reason::Manual,
                at: NOW,
            }),
            held: true,
            hold_changed: Some(true),
            horizon: Horizon::default(),
            ..r
        };
        assert_eq!(Record::parse(&ended.encode(), NOW), Ok(ended));
    }

    #[test]
    fn accepts_whitespace_and_any_key_order() {
        let text = " { \"reason\" : null , \"endedAt\":null,\"rememberAt\":5,\n\"rememberMe\":false,\"lastActivity\":20,\"startedAt\":10,\"id\":7,\"v\":2 } ";
        let r = Record::parse(text, NOW).unwrap();
        assert_eq!(
            (r.id, r.started_at, r.last_activity, r.remember_at),
            (7, 10, 20, 5)
        );
        assert_eq!(r.horizon, Horizon::default());
    }

    #[test]
    fn reads_the_first_release_format() {
        // Level 1: no id (the start named the session), no horizons.
        let v1 = "{\"v\":1,\"startedAt\":10,\"lastActivity\":20,\"rememberMe\":false,\"rememberAt\":10,\"endedAt\":null,\"reason\":null,\"held\":true}";
        let r = Record::parse(v1, NOW).unwrap();
        assert_eq!(
            (r.id, r.started_at, r.last_activity, r.held),
            (10, 10, 20, true)
        );
    }

    #[test]
    fn ignores_what_a_newer_release_adds() {
        let good = rec().encode();
        let values = [
            "1",
            "-1.5e-3",
            "0.25",
            "123456789012345678901234567890",
            "\"text with \\\"escapes\\\" \\u00e9 \\n\"",
            "\"\"",
            "true",
            "null",
            "[]",
            "{}",
            "[1,[2,{\"a\":[true,null,\"x\"]}]]",
            "{\"deadlines\":{\"server\":1700000000000,\"list\":[1,2]},\"note\":\"ok\"}",
        ];
        for v in values {
            let text = good.replace('}', &[",\"future\":", v, "}"].concat());
            assert_eq!(Record::parse(&text, NOW), Ok(rec()), "{text}");
            let first = good.replacen('{', &["{\"future\":", v, ","].concat(), 1);
            assert_eq!(Record::parse(&first, NOW), Ok(rec()), "{first}");
        }
        // Unknown keys may repeat, and their names may hold escapes.
        let text = good.replace('}', ",\"x\":1,\"x\":2,\"\\u0041\":3}");
        assert_eq!(Record::parse(&text, NOW), Ok(rec()));
    }

    #[test]
    fn rejects_bad_shapes() {
        let good = rec().encode();
        let deep = ["[".repeat(40), "]".repeat(40)].concat();
        let cases = [
            "".to_string(),
            "garbage".into(),
            "null".into(),
            "[]".into(),
            "{}".into(),
            good.replace("\"v\":2", "\"v\":3"),
            good.replace("\"v\":2", "\"v\":0"),
            good.replace("\"v\":2", "\"v\":\"2\""),
            good.replace(",\"id\":1699999990000", ""),
            good.replace("\"id\":1699999990000", "\"id\":null"),
            good.replace("\"rememberMe\":true", "\"rememberMe\":1"),
            good.replace("\"startedAt\":", "\"startedAt\":-"),
            good.replace("\"startedAt\":", "\"startedAt\":0"),
            good.replace(",\"reason\":null", ",\"reason\":\"idle\""),
            good.replace("\"endedAt\":null", "\"endedAt\":1"),
            good.replace("\"reason\":null", "\"reason\":\"timeout\""),
            good.replace("\"horizon\":300000", "\"horizon\":\"300000\""),
            good.replace("\"horizon\":300000", "\"horizon\":-1"),
            good.replace('}', ",\"held\":1}"),
            good.replace('}', ",\"v\":2}"),
            good.replace('}', ",\"horizon\":1}"),
            good.replace('}', "}}"),
            good.replace('}', ",\"x\":}"),
            good.replace('}', ",\"x\":[1,]}"),
            good.replace('}', ",\"x\":\"\\q\"}"),
            good.replace('}', ",\"x\":01}"),
            good.replace('}', ",\"x\":1.}"),
            good.replace('}', &[",\"x\":", &deep, "}"].concat()),
            good.replace("\"lastActivity\"", "\"last\\u0041ctivity\""),
            good.replace(",\"rememberAt\"", ",,\"rememberAt\""),
            good.replace(
                "\"lastActivity\":1699999995000",
                "\"lastActivity\":1699999995000.5",
            ),
            good.replace("\"lastActivity\":1699999995000", "\"lastActivity\":1e12"),
            good.replace(
                "\"lastActivity\":1699999995000",
                "\"lastActivity\":99999999999999999999999",
            ),
        ];
        for c in cases {
            assert!(Record::parse(&c, NOW).is_err(), "accepted {c}");
        }
        assert_eq!(
            Record::parse(&good.replace("\"v\":2", "\"v\":3"), NOW),
            Err(RecordError::Version)
        );
    }

    #[test]
    fn rejects_times_that_stretch_the_session() {
        let future = Record {
            id: NOW + 60_001,
            started_at: NOW + 60_001,
            last_activity: NOW + 60_001,
            ..rec()
        };
        assert_eq!(Record::parse(&future.encode(), NOW), Err(RecordError::Time));
        let future_id = Record {
            id: NOW + 60_001,
            ..rec()
        };
        assert_eq!(
            Record::parse(&future_id.encode(), NOW),
            Err(RecordError::Time)
        );
        let late_activity = Record {
            last_activity: NOW + 3_600_000,
            ..rec()
        };
        assert_eq!(
            Record::parse(&late_activity.encode(), NOW),
            Err(RecordError::Time)
        );
        let before_start = Record {
            last_activity: NOW - 20_000,
            ..rec()
        };
        assert_eq!(
            Record::parse(&before_start.encode(), NOW),
            Err(RecordError::Time)
        );
        let skew = Record {
            id: NOW + 60_000,
            started_at: NOW + 60_000,
            last_activity: NOW + 60_000,
            keep_alive_at: NOW + 60_000,
            ..rec()
        };
        assert!(Record::parse(&skew.encode(), NOW).is_ok());
        let late_keep_alive = Record {
            keep_alive_at: NOW + 60_001,
            ..rec()
        };
        assert_eq!(
            Record::parse(&late_keep_alive.encode(), NOW),
            Err(RecordError::Time)
        );
        let learned_late = Record {
            server: ServerDeadlines {
                end: Some(Learned {
                    at: NOW + 86_400_000,
                    learned: NOW + 60_001,
                }),
                idle_end: None,
            },
            ..rec()
        };
        assert_eq!(
            Record::parse(&learned_late.encode(), NOW),
            Err(RecordError::Time)
        );
        let keep_alive_before_start = Record {
            keep_alive_at: NOW - 20_000,
            ..rec()
        };
        assert_eq!(
            Record::parse(&keep_alive_before_start.encode(), NOW),
            Err(RecordError::Time)
        );
        assert!(Record::parse(&skew.encode(), NOW).is_ok());
    }

    #[test]
    fn the_shorter_horizon_wins() {
        let a = Horizon {
            off: Some(5),
            on: None,
        };
        let b = Horizon {
            off: Some(9),
            on: Some(7),
        };
        let both = Horizon {
            off: Some(5),
            on: Some(7),
        };
        assert_eq!(a.min(b), both);
        assert_eq!(b.min(a), both);
        assert_eq!(both.shortest(), Some(5));
        assert_eq!(Horizon::default().shortest(), None);
    }

    fn any_reason() -> impl Strategy<Value = Reason> {
        prop_oneof![
            Just(Reason::Idle),
            Just(Reason::Absolute),
            Just(Reason::Manual)
        ]
    }

    fn valid_record() -> impl Strategy<Value = Record> {
        (
            (0..=NOW, 0..100_000u64, 0..1_000u64),
            any::<bool>(),
            0..=NOW,
            proptest::option::of((any_reason(), 0..100_000u64)),
            proptest::option::of(any::<bool>()),
            any::<bool>(),
            (proptest::option::of(0..=NOW), proptest::option::of(0..=NOW)),
        )
            .prop_map(
                |(
                    (start, gap, id_gap),
                    remember_me,
                    remember_at,
                    end,
                    hold_changed,
                    held,
                    (off, on),
                )| {
                    Record {
                        id: start + id_gap,
                        started_at: start,
                        sign_in: start + id_gap,
                        server: ServerDeadlines {
                            end: off.map(|at| Learned { at, learned: start }),
                            idle_end: on.map(|at| Learned {
                                at: at / 2,
                                learned: remember_at,
                            }),
                        },
                        keep_alive_at: start + gap / 2,
                        last_activity: start + gap,
                        remember_me,
                        remember_at,
                        ended: end.map(|(reason, d)| End {
                            reason,
                            at: start + d,
                        }),
                        held,
                        hold_changed,
                        horizon: Horizon { off, on },
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn parsing_never_panics(text in ".{0,200}") {
            let _ = Record::parse(&text, NOW);
        }

        #[test]
        fn parsing_mutated_records_never_panics(r in valid_record(), cut in 0usize..200, byte in any::<u8>()) {
            let mut bytes = r.encode().into_bytes();
            let i = cut % bytes.len();
            bytes[i] = byte;
            let text = String::from_utf8_lossy(&bytes);
            let _ = Record::parse(&text, NOW);
            if let Some(prefix) = text.get(..cut.min(text.len())) {
                let _ = Record::parse(prefix, NOW);
            }
        }

        #[test]
        fn valid_records_round_trip(r in valid_record()) {
            prop_assert_eq!(Record::parse(&r.encode(), NOW), Ok(r));
        }

        #[test]
        fn unknown_keys_change_nothing(r in valid_record(), key in "[a-z]{1,8}", n in any::<u32>()) {
            prop_assume!(!KEYS.contains(&key.as_str()));
            let text = r.encode().replace('}', &format!(",\"{key}\":{{\"n\":[{n},\"{key}\"]}}}}"));
            prop_assert_eq!(Record::parse(&text, NOW), Ok(r));
        }
    }
}

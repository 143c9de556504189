//! The shared-session record: what the tabs of one origin store in
//! `localStorage[storageKey]` and post on the `BroadcastChannel`.
//!
//! It is a flat JSON object with a fixed set of keys:
//!
//! ```json
//! {"v":1,"startedAt":1700000000000,"lastActivity":1700000060000,
//!  "rememberMe":false,"rememberAt":1700000000000,"endedAt":null,"reason":null}
//! ```
//!
//! While a tab holds the session (a pause) the record also says
//! `"held":true`. A channel message is the same object, optionally with
//! `"hold":true|false` (the sender's pause began or ended). It holds no
//! secret and no token. The parser
//! is strict and never panics: unknown, missing or duplicate keys, escapes,
//! fractions, signs and exponents are all rejected, and [`Record::parse`]
//! then validates the times against `now`.

use alloc::string::String;

use super::options::{FUTURE_TOLERANCE_MS, MAX_SAFE_INTEGER};
use super::Reason;

/// The record format version written and accepted.
pub const VERSION: u64 = 1;

/// How a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct End {
    /// Which deadline ended it.
    pub reason: Reason,
    /// Epoch ms of the end.
    pub at: u64,
}

/// One session's shared state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// Epoch ms the session began.
    pub started_at: u64,
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
    pub hold: Option<bool>,
}

/// Why a record or message was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// Not the JSON object this version writes.
    Malformed,
    /// A version this guard does not know.
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
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
}

impl<'a> Parser<'a> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        self.ws();
        (self.s.get(self.i) == Some(&c)).then(|| self.i += 1)
    }

    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match *self.s.get(self.i)? {
                b'"' => break,
                b'\\' | 0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
        self.i += 1;
        // Both ends sit on ASCII quotes, so these are char boundaries.
        self.src.get(start..self.i - 1)
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

    fn value(&mut self) -> Option<Value<'a>> {
        self.ws();
        match *self.s.get(self.i)? {
            b'"' => self.string().map(Value::Str),
            b'0'..=b'9' => {
                let mut n: u64 = 0;
                let start = self.i;
                while let Some(d @ b'0'..=b'9') = self.s.get(self.i).copied() {
                    n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
                    self.i += 1;
                }
                // No leading zeros, fractions or exponents; exact in JS.
                let leading_zero = self.s.get(start) == Some(&b'0') && self.i - start > 1;
                let more = matches!(self.s.get(self.i), Some(b'.' | b'e' | b'E'));
                (!leading_zero && !more && n as f64 <= MAX_SAFE_INTEGER).then_some(Value::Int(n))
            }
            _ if self.word("true") => Some(Value::Bool(true)),
            _ if self.word("false") => Some(Value::Bool(false)),
            _ if self.word("null") => Some(Value::Null),
            _ => None,
        }
    }
}

const KEYS: [&str; 9] = [
    "v",
    "startedAt",
    "lastActivity",
    "rememberMe",
    "rememberAt",
    "endedAt",
    "reason",
    "held",
    "hold",
];

/// Reads the flat object into one slot per known key.
fn fields(text: &str) -> Option<[Option<Value<'_>>; 9]> {
    let mut p = Parser {
        s: text.as_bytes(),
        src: text,
        i: 0,
    };
    let mut slots = [None; 9];
    p.eat(b'{')?;
    if p.eat(b'}').is_none() {
        loop {
            let key = p.string()?;
            p.eat(b':')?;
            let slot = slots.get_mut(KEYS.iter().position(|k| *k == key)?)?;
            if slot.is_some() {
                return None; // duplicate key
            }
            *slot = Some(p.value()?);
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
        use Value::*;
        let f = fields(text).ok_or(RecordError::Malformed)?;
        match f[0] {
            Some(Int(VERSION)) => {}
            Some(Int(_)) => return Err(RecordError::Version),
            _ => return Err(RecordError::Malformed),
        }
        let int = |v: Option<Value<'_>>| match v {
            Some(Int(n)) => Ok(n),
            _ => Err(RecordError::Malformed),
        };
        let started_at = int(f[1])?;
        let last_activity = int(f[2])?;
        let Some(Bool(remember_me)) = f[3] else {
            return Err(RecordError::Malformed);
        };
        let remember_at = int(f[4])?;
        let ended = match (f[5], f[6]) {
            (Some(Null), Some(Null)) => None,
            (Some(Int(at)), Some(Str(r))) => Some(End {
                reason: Reason::parse(r).ok_or(RecordError::Malformed)?,
                at,
            }),
            _ => return Err(RecordError::Malformed),
        };
        let held = match f[7] {
            None => false,
            Some(Bool(b)) => b,
            Some(_) => return Err(RecordError::Malformed),
        };
        let hold = match f[8] {
            None => None,
            Some(Bool(b)) => Some(b),
            Some(_) => return Err(RecordError::Malformed),
        };
        let latest = now.saturating_add(FUTURE_TOLERANCE_MS);
        let times_ok = started_at <= last_activity
            && [started_at, last_activity, remember_at]
                .iter()
                .all(|t| *t <= latest)
            && ended.map_or(true, |e| e.at >= started_at && e.at <= latest);
        if !times_ok {
            return Err(RecordError::Time);
        }
        Ok(Record {
            started_at,
            last_activity,
            remember_me,
            remember_at,
            ended,
            held,
            hold,
        })
    }

    /// The record as JSON text.
    pub fn encode(&self) -> String {
        let mut s = String::with_capacity(160);
        s.push_str("{\"v\":1,\"startedAt\":");
        push_int(&mut s, self.started_at);
        s.push_str(",\"lastActivity\":");
        push_int(&mut s, self.last_activity);
        s.push_str(",\"rememberMe\":");
        s.push_str(if self.remember_me { "true" } else { "false" });
        s.push_str(",\"rememberAt\":");
        push_int(&mut s, self.remember_at);
        match self.ended {
            None => s.push_str(",\"endedAt\":null,\"reason\":null"),
            Some(e) => {
                s.push_str(",\"endedAt\":");
                push_int(&mut s, e.at);
                s.push_str(",\"reason\":\"");
                s.push_str(e.reason.as_str());
                s.push('"');
            }
        }
        if self.held {
            s.push_str(",\"held\":true");
        }
        if let Some(h) = self.hold {
            s.push_str(",\"hold\":");
            s.push_str(if h { "true" } else { "false" });
        }
        s.push('}');
        s
    }
}

/// Decimal digits without the `fmt` machinery (it costs download size).
fn push_int(s: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
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
            started_at: NOW - 10_000,
            last_activity: NOW - 5_000,
            remember_me: true,
            remember_at: NOW - 10_000,
            ended: None,
            held: false,
            hold: None,
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
            hold: Some(true),
            ..r
        };
        assert_eq!(Record::parse(&ended.encode(), NOW), Ok(ended));
    }

    #[test]
    fn accepts_whitespace_and_any_key_order() {
        let text = " { \"reason\" : null , \"endedAt\":null,\"rememberAt\":5,\n\"rememberMe\":false,\"lastActivity\":20,\"startedAt\":10,\"v\":1 } ";
        let r = Record::parse(text, NOW).unwrap();
        assert_eq!((r.started_at, r.last_activity, r.remember_at), (10, 20, 5));
    }

    #[test]
    fn rejects_bad_shapes() {
        let good = rec().encode();
        let cases = [
            "".to_string(),
            "garbage".into(),
            "null".into(),
            "[]".into(),
            "{}".into(),
            good.replace("\"v\":1", "\"v\":2"),
            good.replace("\"v\":1", "\"v\":\"1\""),
            good.replace("\"rememberMe\":true", "\"rememberMe\":1"),
            good.replace("\"startedAt\":", "\"startedAt\":-"),
            good.replace("\"startedAt\":", "\"startedAt\":0"),
            good.replace(",\"reason\":null", ",\"reason\":\"idle\""),
            good.replace("\"endedAt\":null", "\"endedAt\":1"),
            good.replace("\"reason\":null", "\"reason\":\"timeout\""),
            good.replace('}', ",\"extra\":1}"),
            good.replace('}', ",\"v\":1}"),
            good.replace('}', "}}"),
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
    }

    #[test]
    fn rejects_times_that_stretch_the_session() {
        let future = Record {
            started_at: NOW + 60_001,
            last_activity: NOW + 60_001,
            ..rec()
        };
        assert_eq!(Record::parse(&future.encode(), NOW), Err(RecordError::Time));
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
            started_at: NOW + 60_000,
            last_activity: NOW + 60_000,
            ..rec()
        };
        assert!(Record::parse(&skew.encode(), NOW).is_ok());
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
            0..=NOW,
            0..100_000u64,
            any::<bool>(),
            0..=NOW,
            proptest::option::of((any_reason(), 0..100_000u64)),
            proptest::option::of(any::<bool>()),
            any::<bool>(),
        )
            .prop_map(
                |(start, gap, remember_me, remember_at, end, hold, held)| Record {
                    started_at: start,
                    last_activity: start + gap,
                    remember_me,
                    remember_at,
                    ended: end.map(|(reason, d)| End {
                        reason,
                        at: start + d,
                    }),
                    held,
                    hold,
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
    }
}

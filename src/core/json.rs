//! A small JSON object reader and number writer for the session record:
//! no `serde`, no `fmt` machinery (both cost download size), and no panic
//! (a panic's message would bring that machinery back). The reader takes
//! one flat object, keeps the values of the keys it is asked for, checks
//! and skips every other value (whatever JSON it holds), and refuses a
//! duplicate of a known key.

use alloc::string::String;

use super::options::MAX_SAFE_INTEGER;

/// How deep the values of unknown keys may nest.
const MAX_DEPTH: u8 = 16;

#[derive(Clone, Copy, PartialEq)]
pub enum Value<'a> {
    /// A non-negative integer a JS number holds exactly.
    Int(u64),
    /// `true` or `false`.
    Bool(bool),
    /// A string without escapes.
    Str(&'a str),
    /// `null`.
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
        // At most 16 digits: no overflow, then one test against 2^53 - 1.
        if n > 16 {
            return Some(Value::Other);
        }
        let v = self
            .s
            .get(start..self.i)?
            .iter()
            .fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
        Some(if v as f64 <= MAX_SAFE_INTEGER {
            Value::Int(v)
        } else {
            Value::Other
        })
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

/// Reads the object into one slot per known key; unknown keys are skipped.
pub fn fields<'a, const N: usize>(
    text: &'a str,
    keys: &[&str; N],
) -> Option<[Option<Value<'a>>; N]> {
    let mut p = Parser {
        s: text.as_bytes(),
        src: text,
        i: 0,
    };
    let mut slots = [None; N];
    p.eat(b'{')?;
    if p.eat(b'}').is_none() {
        loop {
            let key = p.string()?;
            p.eat(b':')?;
            let value = p.value(1)?;
            let known = match key {
                Value::Str(k) => keys.iter().position(|known| *known == k),
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

/// Decimal digits without the `fmt` machinery (it costs download size), and
/// without an index that could panic (a panic's message would bring that
/// machinery back): the leading digits first, by recursion (at most 20 deep).
pub fn push_int(s: &mut String, n: u64) {
    if n >= 10 {
        push_int(s, n / 10);
    }
    s.push(char::from(b'0' + (n % 10) as u8));
}

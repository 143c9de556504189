//! What the pages of one origin share: `localStorage[storageKey]` (the
//! storage port the cores read and store through), the `BroadcastChannel`
//! and the `storage` events, as messages in flight with their delays.
//!
//! - Storage: one `Option<String>`; a read sees the latest store at once.
//!   It may throw on every read and store (`broken`), and a tab may run a
//!   newer release, whose records carry fields this one does not know.
//! - Messages: a post reaches every *other* guard that listens (`crossTab`)
//!   and was live when it was posted; a `storage` event (when they are on)
//!   reaches every *other* page (document), and whatever guard is live in
//!   it when it arrives, and only for a store that changed the value. Each
//!   takes a delay from `delays`, in turn (none: it arrives at once); one
//!   page's messages arrive in the order it sent them. While
//!   `hold_messages` is set they wait until `World::deliver`.

use std::collections::BTreeMap;

use session_guard::core::{Record, Storage, StorageFailed};

use super::door::Call;

/// One operation on storage or the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    Read,
    /// Stored.
    Write(String),
    /// Posted on the channel.
    Post(String),
}

/// One operation, where and when it happened, and in which kind of call.
#[derive(Clone, Debug)]
pub struct Logged {
    pub tab: usize,
    /// Real time.
    pub at: u64,
    pub by: Call,
    pub op: Op,
}

/// Who a message goes to.
#[derive(Clone, Debug)]
pub enum To {
    /// The channel: these guards (live when it was posted).
    Guards(Vec<usize>),
    /// A `storage` event: whatever guard is live in these documents then.
    Docs(Vec<u64>),
}

/// A message in flight.
#[derive(Clone, Debug)]
pub struct Msg {
    pub to: To,
    /// `None`: the key was removed (a `storage` event of a clear).
    pub text: Option<String>,
}

/// What the tabs of one origin share.
#[derive(Debug, Default)]
pub struct Bus {
    /// The stored record.
    pub store: Option<String>,
    /// Every operation, in order.
    pub log: Vec<Logged>,
    /// While true, messages wait until `World::deliver`.
    pub hold_messages: bool,
    /// Every store that changes the value fires a `storage` event in the
    /// other pages.
    pub storage_events: bool,
    /// A tab that runs a newer release: what it stores and posts carries
    /// fields this release does not know.
    pub newer: Option<usize>,
    /// Storage throws on every read and store (the channel still works).
    pub broken: bool,
    /// The delays of the messages, taken in turn (empty: none).
    pub delays: Vec<u64>,
    next_delay: usize,
    /// Messages in flight, by `(arrival, order)`.
    pub(super) flight: BTreeMap<(u64, u64), Msg>,
    seq: u64,
}

/// What a newer release might add to the record: unknown keys of every JSON
/// shape, before and after the known ones.
pub const NEWER_FIELDS: (&str, &str) = (
    "{\"writer\":\"9.1.0\",\"serverDeadlines\":{\"idle\":1700000000000,\"list\":[1,2.5,null]},",
    ",\"claims\":[{\"tab\":\"a\\u00e9\",\"at\":-1e3}],\"flag\":true}",
);

impl Bus {
    pub fn writes(&self, tab: usize) -> usize {
        self.count(tab, |op| matches!(op, Op::Write(_)))
    }
    pub fn reads(&self, tab: usize) -> usize {
        self.count(tab, |op| matches!(op, Op::Read))
    }
    pub fn posts(&self, tab: usize) -> usize {
        self.count(tab, |op| matches!(op, Op::Post(_)))
    }
    fn count(&self, tab: usize, f: impl Fn(&Op) -> bool) -> usize {
        self.log.iter().filter(|l| l.tab == tab && f(&l.op)).count()
    }
    /// The stored record, parsed (panics if it does not parse).
    pub fn record(&self, now: u64) -> Record {
        Record::parse(self.store.as_deref().expect("no stored record"), now)
            .expect("stored record does not parse")
    }
    /// Messages in flight.
    pub fn pending(&self) -> usize {
        self.flight.len()
    }
    /// Drops the messages in flight.
    pub fn forget_pending(&mut self) {
        self.flight.clear();
    }
    /// The first message in flight that has arrived by `t`, if any may.
    pub(super) fn due(&self, t: u64) -> Option<(u64, u64)> {
        if self.hold_messages {
            return None;
        }
        self.flight.keys().next().copied().filter(|k| k.0 <= t)
    }

    /// What `tab` stores or posts, as its release writes it.
    pub(super) fn as_written(&self, tab: usize, record: &str) -> String {
        match self.newer {
            Some(newer) if newer == tab => {
                let inner = &record[1..record.len() - 1];
                [NEWER_FIELDS.0, inner, NEWER_FIELDS.1].concat()
            }
            _ => record.to_string(),
        }
    }

    /// Sends a message at `now`, no earlier than `tail` (the sender's last
    /// message): returns when it arrives.
    pub(super) fn send(&mut self, now: u64, tail: u64, msg: Msg) -> u64 {
        let delay = match self.delays.len() {
            0 => 0,
            n => self.delays[self.next_delay % n],
        };
        self.next_delay += 1;
        let at = (now + delay).max(tail);
        self.seq += 1;
        self.flight.insert((at, self.seq), msg);
        at
    }
}

/// The storage one tab's core sees during one call: logs every operation,
/// and keeps what was stored (with whether it changed the value) for the
/// `storage` events.
pub(super) struct Port<'a> {
    pub bus: &'a mut Bus,
    pub tab: usize,
    pub now: u64,
    pub by: Call,
    pub stored: Vec<(String, bool)>,
}

impl Port<'_> {
    fn log(&mut self, op: Op) {
        let (tab, at, by) = (self.tab, self.now, self.by);
        self.bus.log.push(Logged { tab, at, by, op });
    }
}

impl Storage for Port<'_> {
    fn read(&mut self) -> Result<Option<String>, StorageFailed> {
        if self.bus.broken {
            return Err(StorageFailed);
        }
        self.log(Op::Read);
        Ok(self.bus.store.clone())
    }
    fn store(&mut self, record: &str) -> Result<(), StorageFailed> {
        if self.bus.broken {
            return Err(StorageFailed);
        }
        let record = self.bus.as_written(self.tab, record);
        self.log(Op::Write(record.clone()));
        let changed = self.bus.store.as_deref() != Some(&record);
        self.bus.store = Some(record.clone());
        self.stored.push((record, changed));
        Ok(())
    }
}

//! The record codec's tests.
use super::*;
use proptest::prelude::*;

const NOW: u64 = 1_700_000_000_000;

fn rec() -> Record {
    Record {
        id: NOW - 10_000,
        login: false,
        after: 0,
        after_end: None,
        left_at: 0,
        ping: None,
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
fn pairs_come_whole_and_every_time_is_checked() {
    let good = rec().encode();
    let after = |tail: &str| good.replace('}', &[",\"after\":1699999980000", tail, "}"].concat());
    assert!(Record::parse(
        &after(",\"afterAt\":1699999985000,\"afterReason\":\"idle\""),
        NOW
    )
    .is_ok());
    for half in [
        after(",\"afterReason\":\"idle\""),
        after(",\"afterAt\":1699999985000"),
        after(",\"afterAt\":1699999985000,\"afterReason\":\"later\""),
        good.replace('}', ",\"serverIdleEnd\":1700000100000}"),
        good.replace('}', ",\"serverEndAt\":1699999990000}"),
    ] {
        assert_eq!(
            Record::parse(&half, NOW),
            Err(RecordError::Malformed),
            "{half}"
        );
    }
    let late = NOW + 60_001;
    let learned = Some(Learned {
        at: NOW + 86_400_000,
        learned: late,
    });
    let end = Some(End {
        reason: Reason::Manual,
        at: late,
    });
    for r in [
        Record {
            server: ServerDeadlines {
                end: None,
                idle_end: learned,
            },
            ..rec()
        },
        Record {
            left_at: late,
            ..rec()
        },
        Record {
            remember_at: late,
            ..rec()
        },
        Record {
            ended: end,
            ..rec()
        },
    ] {
        assert_eq!(
            Record::parse(&r.encode(), NOW),
            Err(RecordError::Time),
            "{r:?}"
        );
    }
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
        any::<bool>(),
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
                login,
            )| {
                Record {
                    id: start + id_gap,
                    login,
                    after: if login { start / 2 } else { 0 },
                    after_end: end.filter(|_| login).map(|(reason, d)| End {
                        reason,
                        at: start / 2 + d,
                    }),
                    left_at: if remember_me { start + gap } else { 0 },
                    ping: (!remember_me).then_some(held),
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

#[test]
fn writes_numbers_in_decimal() {
    for n in [0, 7, 10, 99, 100, 1_700_000_000_000, u64::MAX] {
        let mut s = String::from("x");
        push_int(&mut s, n);
        assert_eq!(s, ["x", &n.to_string()].concat());
    }
}

//! The README's options table and the TypeScript types state the same names
//! and defaults as the core's option table ([`Opt`]), the one the shell reads
//! options by.

use session_guard::core::{Opt, OptDefault};

/// The default as the README and the types write it.
fn written(d: OptDefault) -> String {
    match d {
        OptDefault::Ms(ms) => ms.to_string(),
        OptDefault::Off => "-1".to_string(),
        OptDefault::Flag(b) => b.to_string(),
        OptDefault::Text(t) => format!("\"{t}\""),
        OptDefault::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(",")
        ),
        OptDefault::Js(w) | OptDefault::Words(w) => w.to_string(),
    }
}

fn readme_rows() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let table = readme
        .split("## Options\n")
        .nth(1)
        .expect("README has an Options section");
    table
        .lines()
        .skip_while(|l| !l.starts_with("| option |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let name = cells[0].trim_start_matches("| ").trim_matches('`');
            (name.to_string(), cells[1].to_string())
        })
        .collect()
}

#[test]
fn the_readme_options_table_matches_the_core() {
    let rows = readme_rows();
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    let table: Vec<&str> = Opt::ALL.iter().map(|o| o.name()).collect();
    assert_eq!(names, table, "the README's options, in the core's order");
    for (opt, (_, cell)) in Opt::ALL.iter().zip(&rows) {
        let (name, default) = (opt.name(), opt.default());
        let expected = match default {
            OptDefault::Words(w) => w.to_string(),
            d => format!("`{}`", written(d)),
        };
        assert!(
            cell == &expected || cell.starts_with(&format!("{expected} (")),
            "README default of {name}: {cell:?}, the core says {expected:?}"
        );
    }
}

#[test]
fn the_typescript_options_match_the_core() {
    let types = std::fs::read_to_string("src/web/types.d.ts").unwrap();
    let body = types
        .split("export interface SessionGuardOptions {")
        .nth(1)
        .and_then(|b| b.split("\n}").next())
        .expect("types.d.ts declares SessionGuardOptions");
    let mut seen = Vec::new();
    let mut doc = String::new();
    for line in body.lines().map(str::trim) {
        if line.starts_with("/**") {
            doc = line.to_string();
            continue;
        }
        let Some((field, _)) = line.split_once(':') else {
            continue;
        };
        let optional = field.ends_with('?');
        let name = field.trim_end_matches('?');
        let opt = Opt::named(name).unwrap_or_else(|| panic!("{name} is not in the core's table"));
        let default = doc
            .split_once("@default ")
            .map(|(_, d)| d.trim_end_matches("*/").trim().to_string());
        match opt.default() {
            OptDefault::Words("required") => {
                assert!(!optional && default.is_none(), "{name} is required")
            }
            OptDefault::Words("none") => assert!(optional && default.is_none(), "{name}"),
            d => {
                let expected = written(d);
                let got = default.unwrap_or_else(|| panic!("{name} has no @default"));
                assert!(
                    optional && (got == expected || got.starts_with(&format!("{expected} ("))),
                    "@default of {name}: {got:?}, the core says {expected:?}"
                );
            }
        }
        seen.push(opt);
        doc.clear();
    }
    assert_eq!(
        seen,
        Opt::ALL.to_vec(),
        "the typed options, in the core's order"
    );
}

/// The list `const <name> = [...]` of the shell's JS snippet, its strings.
fn glue_list(name: &str) -> Vec<String> {
    let glue = std::fs::read_to_string("src/web/glue.js").unwrap();
    let list = glue
        .split(&format!("\nconst {name} = ["))
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .unwrap_or_else(|| panic!("glue.js has no list {name}"));
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_string())
        .collect()
}

#[test]
fn the_snippet_names_states_and_reasons_by_the_cores_numbers() {
    use session_guard::core::{Reason, State};
    let states = [
        State::Active,
        State::Warning,
        State::Paused,
        State::SignedOut,
    ];
    let want: Vec<String> = states.iter().map(|s| s.as_str().to_string()).collect();
    assert_eq!(glue_list("STATES"), want);
    for (i, s) in states.into_iter().enumerate() {
        assert_eq!(s as usize, i);
    }
    // 0 is none; a reason is its number + 1 (glue.rs's `reason`).
    let reasons = [
        Reason::Idle,
        Reason::Absolute,
        Reason::Manual,
        Reason::Closed,
    ];
    let mut want = vec![String::new()];
    want.extend(reasons.iter().map(|r| r.as_str().to_string()));
    assert_eq!(glue_list("REASONS"), want);
    for (i, r) in reasons.into_iter().enumerate() {
        assert_eq!(r as usize, i);
    }
}

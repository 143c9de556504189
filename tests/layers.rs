//! The browser shell is a stack (src/web/mod.rs): each module uses only the
//! modules declared before it there, so nothing goes in circles and a layer
//! never reaches up. Files stay under 500 lines, split by role.

use std::collections::HashMap;

/// The modules of src/web in the order mod.rs declares them.
fn layers() -> Vec<String> {
    let root = std::fs::read_to_string("src/web/mod.rs").unwrap();
    root.lines()
        .filter_map(|l| l.trim().strip_prefix("mod "))
        .map(|l| l.trim_end_matches(';').to_string())
        .collect()
}

/// The sibling modules a file names (`super::x`), comments left out.
fn uses(text: &str, modules: &[String]) -> Vec<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for (i, _) in code.match_indices("super::") {
        let rest = &code[i + "super::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut names = vec![name];
        // `super::{a, b::C}`
        if rest.starts_with('{') {
            let group = &rest[1..rest.find('}').unwrap_or(rest.len())];
            names = group
                .split(',')
                .map(|p| p.trim().split("::").next().unwrap_or("").to_string())
                .collect();
        }
        for n in names {
            if modules.contains(&n) && !found.contains(&n) {
                found.push(n);
            }
        }
    }
    found
}

#[test]
fn each_module_of_the_shell_uses_only_those_below_it() {
    let order = layers();
    assert!(order.len() > 5, "mod.rs lists the layers: {order:?}");
    let rank: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    for module in &order {
        let path = format!("src/web/{module}.rs");
        let text = std::fs::read_to_string(&path).unwrap();
        for used in uses(&text, &order) {
            assert!(
                rank[used.as_str()] < rank[module.as_str()],
                "{path} uses {used}, which mod.rs declares after it"
            );
        }
    }
}

#[test]
fn no_source_file_is_over_500_lines() {
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("rs" | "js")) {
                let lines = std::fs::read_to_string(&path).unwrap().lines().count();
                assert!(lines <= 500, "{} has {lines} lines", path.display());
            }
        }
    }
}

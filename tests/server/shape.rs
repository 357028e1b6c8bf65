//! The code's shape, held: server functions in `src/api/` stay thin adapters (decode, call
//! `server/<feature>.rs`, answer) and never reach for the live layer, whose wake-up belongs to
//! the store's commit.

/// Longest body a server function may have.
const MAX_BODY_LINES: usize = 40;

/// Each `pub async fn` in `text`: its name and how many lines its body spans.
fn function_bodies(text: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(rest) = lines[i].trim_start().strip_prefix("pub async fn ") else {
            i += 1;
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut open = i;
        while !lines[open].trim_end().ends_with('{') {
            open += 1;
        }
        let mut depth = 0i32;
        let mut close = open;
        loop {
            depth += lines[close].matches('{').count() as i32;
            depth -= lines[close].matches('}').count() as i32;
            if depth == 0 {
                break;
            }
            close += 1;
        }
        found.push((name, close - open - 1));
        i = close + 1;
    }
    found
}

#[test]
fn server_functions_are_thin_and_leave_the_live_layer_to_the_store() {
    let mut checked = 0;
    for entry in std::fs::read_dir("src/api").expect("src/api") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source");
        for (name, lines) in function_bodies(&text) {
            assert!(
                lines <= MAX_BODY_LINES,
                "{}: {name} has a body of {lines} lines (at most {MAX_BODY_LINES}): move the \
                 workflow into server/<feature>.rs",
                path.display()
            );
            checked += 1;
        }
        assert!(
            !text.contains(".live."),
            "{} reaches for the live layer; the store's commit wakes it",
            path.display()
        );
    }
    assert!(checked > 30, "found only {checked} server functions");
}

#[test]
fn the_body_counter_counts() {
    let text = "pub async fn a(x: u8) -> u8 {\n    let y = {\n        x\n    };\n    y\n}\n";
    assert_eq!(function_bodies(text), [("a".to_string(), 4)]);
}

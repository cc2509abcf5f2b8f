//! The documentation quotes the tool as it prints: every message block of
//! `docs/TROUBLESHOOTING.md` (a fenced block marked `message`, `{...}` standing for what differs
//! between runs) must still be found in the code, piece by piece between its placeholders; and the
//! `cognigy-backup init` run that `docs/SETUP-GUIDE.md` shows must print what the guide says.

use std::path::{Path, PathBuf};

/// Pieces shorter than this (`for`, ` is `) say nothing on their own.
const MIN_PIECE: usize = 10;

/// The text of every `.rs` file under `src/`, with Rust's string continuations (`\` at a line's
/// end and the next line's indentation) joined, as the message reads when printed.
fn source_text() -> String {
    let mut files = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut text = String::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let content = std::fs::read_to_string(&path).unwrap();
            let mut joined = String::new();
            let mut lines = content.lines().peekable();
            while let Some(line) = lines.next() {
                match line.strip_suffix('\\') {
                    Some(continued) => {
                        joined.push_str(continued);
                        if let Some(next) = lines.peek_mut() {
                            *next = next.trim_start();
                        }
                    }
                    None => {
                        joined.push_str(line);
                        joined.push('\n');
                    }
                }
            }
            text.push_str(&joined);
        }
    }
    text
}

/// The message blocks of a markdown file.
fn messages(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```message") => current = Some(Vec::new()),
            (Some(lines), "```") => {
                found.push(lines.join("\n"));
                current = None;
            }
            (Some(lines), line) => lines.push(line),
            (None, _) => {}
        }
    }
    found
}

/// The literal pieces of a message between its `{...}` placeholders, trimmed of the spaces, quotes and
/// punctuation that join them to the placeholders.
fn pieces(message: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = message;
    loop {
        let (piece, after) = match rest.find('{') {
            Some(open) => (
                &rest[..open],
                rest[open..].find('}').map(|close| &rest[open + close + 1..]),
            ),
            None => (rest, None),
        };
        let piece = piece.trim_matches(|c: char| c.is_whitespace() || ":;,.()\"".contains(c));
        if piece.len() >= MIN_PIECE {
            pieces.push(piece.to_owned());
        }
        match after {
            Some(after) => rest = after,
            None => return pieces,
        }
    }
}

fn check(doc: &Path, at_least: usize) {
    let markdown = std::fs::read_to_string(doc).unwrap();
    let code = source_text();
    let messages = messages(&markdown);
    assert!(
        messages.len() >= at_least,
        "{} quotes {} messages",
        doc.display(),
        messages.len()
    );
    let mut missing = Vec::new();
    for message in &messages {
        for piece in pieces(message) {
            if !code.contains(&piece) {
                missing.push(format!("{piece:?}\n    (in: {message})"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{} quotes text the code no longer prints:\n  {}",
        doc.display(),
        missing.join("\n  ")
    );
}

#[test]
fn every_message_the_troubleshooting_guide_quotes_is_in_the_code() {
    check(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/TROUBLESHOOTING.md"),
        15,
    );
}

#[test]
fn a_changed_message_is_noticed() {
    let code = source_text();
    let quoted = "Cognigy answered {status} for {request}{problem}. Check cognigy-api-key: it must be a valid API key";
    assert!(pieces(quoted).iter().all(|p| code.contains(p)));
    let changed = quoted.replace("valid API key", "working API key");
    assert!(pieces(&changed).iter().any(|p| !code.contains(p)));
    assert_eq!(
        pieces(
            "input `{input}` is \"{value}\": is the host of Cognigy's web interface, not of its API; use https://{host}"
        ),
        ["is the host of Cognigy's web interface, not of its API; use https://"]
    );
}

/// The fenced `console` blocks of a markdown file whose first line is `$ <command>`: the command's
/// words (double quotes group words) and the output below it.
fn console_runs(markdown: &str, command: &str) -> Vec<(Vec<String>, String)> {
    let mut runs = Vec::new();
    let mut lines = markdown.lines();
    while let Some(line) = lines.next() {
        if line.trim_end() != "```console" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| l.trim_end() != "```").collect();
        let Some(words) = block.first().and_then(|l| l.strip_prefix("$ ")) else {
            continue;
        };
        let mut args: Vec<String> = words.split('"').enumerate().fold(Vec::new(), |mut args, (i, part)| {
            match i % 2 {
                1 => args.push(part.to_owned()),
                _ => args.extend(part.split_whitespace().map(str::to_owned)),
            }
            args
        });
        if args.first().map(String::as_str) == Some(command) {
            args.remove(0);
            runs.push((args, block[1..].join("\n")));
        }
    }
    runs
}

#[test]
fn the_setup_guide_shows_what_init_prints() {
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/SETUP-GUIDE.md")).unwrap();
    let runs = console_runs(&guide, "cognigy-backup");
    assert_eq!(runs.len(), 1, "the guide shows one run of init");
    let (args, shown) = &runs[0];
    assert_eq!(args[0], "init");
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cognigy-backup"))
        .args(args)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        printed.trim_matches('\n'),
        shown.trim_matches('\n'),
        "docs/SETUP-GUIDE.md shows another output of init"
    );
    assert!(dir.path().join(".github/workflows/setup.yml").is_file());
}

#[test]
fn console_runs_are_split_into_words_and_output() {
    let markdown =
        "```console\n$ cognigy-backup init --name \"Support bot\" --yes\nWrote 6 files.\n```\n```sh\n$ git push\n```\n";
    assert_eq!(
        console_runs(markdown, "cognigy-backup"),
        [(
            ["init", "--name", "Support bot", "--yes"].map(String::from).to_vec(),
            "Wrote 6 files.".to_owned()
        )]
    );
}

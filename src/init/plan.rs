//! What `init` would do to each file, decided before anything is written: create it, leave it
//! (unchanged), update it (`init` wrote it and nobody edited it since), or keep it (edited, or not
//! `init`'s) unless `--force`. `init`'s files carry a header line with the sha256 of the rest of
//! the file as written, which is how an edit is told from an older `init`'s output.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::render::{Rendered, Syntax};

const MARK: &str = "Written by cognigy-backup init";

/// What happens to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// It does not exist yet.
    Create,
    /// It already holds exactly what `init` would write.
    Unchanged,
    /// `init` wrote it and nobody edited it since: it is brought up to date.
    Update,
    /// It was edited since `init` wrote it; `--force` replaces it.
    KeepEdited,
    /// `init` did not write it; `--force` replaces it.
    KeepForeign,
    /// Edited or not `init`'s, and replaced because of `--force`.
    Replace,
}

impl Action {
    /// Whether the file is written.
    pub fn writes(self) -> bool {
        matches!(self, Action::Create | Action::Update | Action::Replace)
    }

    /// The word in the list `init` prints.
    pub fn word(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Unchanged => "unchanged",
            Action::Update => "update",
            Action::KeepEdited | Action::KeepForeign => "keep",
            Action::Replace => "replace",
        }
    }
}

/// One file's plan: what it will hold and what happens to it.
#[derive(Debug, Clone)]
pub struct Step {
    pub file: Rendered,
    /// The whole new content, header line included.
    pub content: String,
    /// What is there now, if anything.
    pub existing: Option<String>,
    pub action: Action,
}

/// The plan for `files` under `dir`.
pub fn plan(dir: &Path, files: Vec<Rendered>, force: bool) -> std::io::Result<Vec<Step>> {
    files
        .into_iter()
        .map(|file| {
            let content = with_header(&file);
            let existing = match std::fs::read(dir.join(file.path)) {
                Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(e) => return Err(e),
            };
            let action = decide(existing.as_deref(), &content, force);
            Ok(Step {
                file,
                content,
                existing,
                action,
            })
        })
        .collect()
}

fn decide(existing: Option<&str>, content: &str, force: bool) -> Action {
    let Some(existing) = existing else {
        return Action::Create;
    };
    if existing == content {
        return Action::Unchanged;
    }
    let kept = match written_by_init(existing) {
        Some(true) => return Action::Update,
        Some(false) => Action::KeepEdited,
        None => Action::KeepForeign,
    };
    if force { Action::Replace } else { kept }
}

/// `Some(unedited)` for a file with `init`'s header, `None` for any other.
fn written_by_init(text: &str) -> Option<bool> {
    let (first, body) = text.split_once('\n')?;
    let recorded = first.split_once(MARK)?.1.split_once("(sha256 ")?.1.split_once(')')?.0;
    Some(recorded == digest(body))
}

/// The first 16 hex digits of the sha256 of `body`.
fn digest(body: &str) -> String {
    Sha256::digest(body.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The header line, then the body.
fn with_header(file: &Rendered) -> String {
    let note = format!(
        "{MARK} {} (sha256 {}). Edit freely: init keeps an edited file unless run with --force.",
        env!("CARGO_PKG_VERSION"),
        digest(&file.body)
    );
    let header = match file.syntax {
        Syntax::Yaml => format!("# {note}"),
        Syntax::Markdown => format!("<!-- {note} -->"),
    };
    format!("{header}\n{}", file.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(body: &str) -> Rendered {
        Rendered {
            path: "a.yml",
            syntax: Syntax::Yaml,
            body: body.to_owned(),
            about: String::new(),
        }
    }

    #[test]
    fn an_edit_is_told_from_an_older_inits_output_and_from_a_foreign_file() {
        let old = with_header(&file("name: old\n"));
        let new = with_header(&file("name: new\n"));
        assert_eq!(decide(None, &new, false), Action::Create);
        assert_eq!(decide(Some(&new), &new, false), Action::Unchanged);
        assert_eq!(decide(Some(&old), &new, false), Action::Update);
        let edited = old.replace("name: old", "name: mine");
        assert_eq!(decide(Some(&edited), &new, false), Action::KeepEdited);
        assert_eq!(decide(Some(&edited), &new, true), Action::Replace);
        assert_eq!(decide(Some("name: theirs\n"), &new, false), Action::KeepForeign);
        assert_eq!(decide(Some("name: theirs\n"), &new, true), Action::Replace);
        let markdown = Rendered {
            syntax: Syntax::Markdown,
            ..file("# Title\n")
        };
        let readme = with_header(&markdown);
        assert!(readme.starts_with("<!-- Written by cognigy-backup init"), "{readme}");
        assert_eq!(written_by_init(&readme), Some(true));
    }
}

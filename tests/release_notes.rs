//! The release check of a tag (`scripts/release-notes.py`): the tag, Cargo.toml's version and a
//! CHANGELOG section agree, and that section becomes the GitHub Release's notes.

mod support;

use std::path::{Path, PathBuf};

use support::scripts;

const CHANGELOG: &str = "# Changelog

All notable changes to this project are documented in this file.

## [Unreleased]

### Added
- Something not yet released.

## [1.2.0] - 2027-02-01

### Added
- The `status` mode.

### Fixed
- A restore names the snapshot it read.

## [1.1.9] - 2027-01-10

## [1.1.0] - 2027-01-01

- First minor.

[Unreleased]: https://github.com/example-org/cognigy-backup-action/compare/v1.2.0...HEAD
[1.2.0]: https://github.com/example-org/cognigy-backup-action/compare/v1.1.0...v1.2.0
";

/// A folder with a CHANGELOG.md and a Cargo.toml of `version`.
fn fixture(version: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let changelog = dir.path().join("CHANGELOG.md");
    let cargo = dir.path().join("Cargo.toml");
    std::fs::write(&changelog, CHANGELOG).unwrap();
    std::fs::write(&cargo, format!("[package]\nname = \"x\"\nversion = \"{version}\"\n")).unwrap();
    (dir, changelog, cargo)
}

fn notes(tag: &str, changelog: &Path, cargo: &Path) -> scripts::Run {
    scripts::run(
        "release-notes.py",
        &[
            tag,
            "--changelog",
            changelog.to_str().unwrap(),
            "--cargo-toml",
            cargo.to_str().unwrap(),
        ],
    )
}

#[test]
fn the_notes_are_the_section_of_the_tagged_version() {
    let (_dir, changelog, cargo) = fixture("1.2.0");
    let run = notes("v1.2.0", &changelog, &cargo);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "### Added\n- The `status` mode.\n\n### Fixed\n- A restore names the snapshot it read.\n"
    );

    // The last section stops at the link definitions.
    let (_dir, changelog, cargo) = fixture("1.1.0");
    let run = notes("v1.1.0", &changelog, &cargo);
    assert_eq!(run.status, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "- First minor.\n");
}

#[test]
fn a_tag_that_is_not_ready_is_refused_with_what_to_fix() {
    let (_dir, changelog, cargo) = fixture("1.2.0");
    let cases = [
        ("1.2.0", "accepted: vMAJOR.MINOR.PATCH"),
        ("v1.2", "accepted: vMAJOR.MINOR.PATCH"),
        ("v1.2.0-rc.1", "accepted: vMAJOR.MINOR.PATCH"),
        ("v01.2.0", "accepted: vMAJOR.MINOR.PATCH"),
        ("v1.3.0", "says version '1.2.0', the tag says '1.3.0'"),
    ];
    for (tag, message) in cases {
        let run = notes(tag, &changelog, &cargo);
        assert_eq!(run.status, Some(2), "{tag} refused: {run:?}");
        assert!(run.stdout.is_empty());
        assert!(run.stderr.contains(message), "{message:?} in {:?}", run.stderr);
    }

    let (_dir, changelog, cargo) = fixture("1.3.0");
    let run = notes("v1.3.0", &changelog, &cargo);
    assert_eq!(run.status, Some(2));
    assert!(
        run.stderr.contains("no section `## [1.3.0] - YYYY-MM-DD`") && run.stderr.contains("## [Unreleased]"),
        "{}",
        run.stderr
    );

    let (_dir, changelog, cargo) = fixture("1.1.9");
    let run = notes("v1.1.9", &changelog, &cargo);
    assert_eq!(run.status, Some(2));
    assert!(run.stderr.contains("section of 1.1.9 is empty"), "{}", run.stderr);
}

#[test]
fn the_repository_changelog_has_an_unreleased_section_for_the_next_release() {
    let text = std::fs::read_to_string(support::action_yml::repo_root().join("CHANGELOG.md")).unwrap();
    assert!(text.contains("[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)"));
    let unreleased = text.find("\n## [Unreleased]\n").expect("an Unreleased section");
    let first_release = text.find("\n## [").unwrap();
    assert_eq!(unreleased, first_release, "Unreleased comes first");
}

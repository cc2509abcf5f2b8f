//! `action.yml`, the binary and the README say the same thing about inputs and outputs.

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use cognigy_backup_action::action::commands::OUTPUT_NAMES;
use cognigy_backup_action::action::inputs::INPUTS;
use support::action_yml::{ActionYml, repo_root};
use support::runner::binary;

#[test]
fn action_yml_declares_exactly_the_inputs_the_binary_reads() {
    let action = ActionYml::load();
    let declared: BTreeSet<&str> = action.inputs.iter().map(|i| i.name.as_str()).collect();
    let read: BTreeSet<&str> = INPUTS.iter().map(|spec| spec.name).collect();
    let not_read: Vec<_> = declared.difference(&read).collect();
    let not_declared: Vec<_> = read.difference(&declared).collect();
    assert!(
        not_read.is_empty(),
        "declared in action.yml but never read by the binary: {not_read:?}"
    );
    assert!(
        not_declared.is_empty(),
        "read by the binary but not declared in action.yml: {not_declared:?}"
    );
}

#[test]
fn every_input_has_a_description_and_the_binary_agrees_on_defaults() {
    let action = ActionYml::load();
    for spec in INPUTS {
        let input = action.input(spec.name).unwrap();
        assert!(input.description.len() > 10, "{} needs a description", spec.name);
        if spec.name == "mode" {
            assert!(
                input.required && input.default.is_none(),
                "mode is required and has no default"
            );
            continue;
        }
        let default = input
            .default
            .as_deref()
            .unwrap_or_else(|| panic!("{} needs a default", spec.name));
        if default.starts_with("${{") {
            // An expression the runner evaluates; the binary documents its own fallback.
            assert!(
                spec.default.starts_with('$'),
                "{}: fallback of {default} should name a variable",
                spec.name
            );
        } else {
            assert_eq!(default, spec.default, "default of {}", spec.name);
        }
    }
}

#[test]
fn action_yml_declares_exactly_the_outputs_the_binary_writes() {
    let action = ActionYml::load();
    let declared: Vec<&str> = action.outputs.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(declared, OUTPUT_NAMES);
    assert!(action.outputs.iter().all(|o| !o.description.is_empty()));
}

#[test]
fn action_yml_runs_the_dockerfile() {
    let action = ActionYml::load();
    assert_eq!(action.raw["runs"]["using"].as_str(), Some("docker"));
    assert_eq!(action.raw["runs"]["image"].as_str(), Some("Dockerfile"));
    assert!(action.raw["branding"]["icon"].as_str().is_some());
}

#[test]
fn readme_tables_match_action_yml() {
    let path = repo_root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (start, end) = ("<!-- action-tables:start -->\n", "<!-- action-tables:end -->");
    let from = readme.find(start).expect("README has the tables' start marker") + start.len();
    let to = readme.find(end).expect("README has the tables' end marker");
    let expected = ActionYml::load().readme_tables();
    if readme[from..to] != expected {
        if std::env::var_os("UPDATE_README").is_some() {
            std::fs::write(&path, format!("{}{}{}", &readme[..from], expected, &readme[to..])).unwrap();
        } else {
            panic!(
                "README's inputs/outputs tables differ from action.yml: run `UPDATE_README=1 cargo test --test action_yml` and commit README.md\n--- expected ---\n{expected}"
            );
        }
    }
}

#[test]
fn help_lists_every_input_with_its_default_and_version_prints_the_version() {
    let help = Command::new(binary()).arg("--help").output().unwrap();
    assert!(help.status.success());
    let help = String::from_utf8(help.stdout).unwrap();
    for spec in INPUTS {
        assert!(
            help.lines().any(|l| l.split_whitespace().next() == Some(spec.name)),
            "--help lacks {}",
            spec.name
        );
    }
    assert!(help.contains("[snapshot/]") && help.contains("[/new/v2.0]") && help.contains("INPUT_COGNIGY-API-KEY"));
    let version = Command::new(binary()).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("cognigy-backup {}\n", env!("CARGO_PKG_VERSION"))
    );
}

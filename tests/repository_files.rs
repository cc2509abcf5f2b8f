//! The files a Marketplace user and a contributor expect, saying what they must: the listing
//! metadata of `action.yml`, the license `Cargo.toml` declares, Dependabot for every ecosystem, and
//! every action in the repository's workflows pinned by commit with its version beside it. (The
//! branding's icon and colour are checked against GitHub's lists by the schema check in `.ci/run`.)

mod support;

use serde_yaml_ng::Value;
use support::action_yml::{ActionYml, repo_root};

fn read(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|err| panic!("{path}: {err}"))
}

fn yaml(path: &str) -> Value {
    serde_yaml_ng::from_str(&read(path)).unwrap_or_else(|err| panic!("{path} is YAML: {err}"))
}

#[test]
fn action_yml_has_the_marketplace_listing() {
    let action = ActionYml::load().raw;
    let text = |key: &str| action[key].as_str().unwrap_or_default().to_owned();
    assert!(!text("name").trim().is_empty(), "a name");
    assert!(!text("author").trim().is_empty(), "an author");
    let description = text("description");
    assert!(
        !description.is_empty() && description.chars().count() < 125 && !description.contains('\n'),
        "the Marketplace shows one line of under 125 characters: {description:?} ({} characters)",
        description.chars().count()
    );
    for key in ["icon", "color"] {
        assert!(
            action["branding"][key].as_str().is_some_and(|v| !v.is_empty()),
            "branding.{key}"
        );
    }
}

#[test]
fn the_license_is_the_mit_license_cargo_toml_declares() {
    let license = read("LICENSE");
    assert!(license.starts_with("MIT License\n\nCopyright (c) "), "{license}");
    assert!(license.contains("Permission is hereby granted, free of charge"));
    for manifest in ["Cargo.toml", "testkit/Cargo.toml"] {
        assert!(
            read(manifest).contains("\nlicense = \"MIT\"\n"),
            "{manifest} declares MIT"
        );
    }
}

#[test]
fn dependabot_watches_the_crates_the_base_image_and_the_actions() {
    let config = yaml(".github/dependabot.yml");
    let mut watched: Vec<(String, String)> = config["updates"]
        .as_sequence()
        .expect("a list of updates")
        .iter()
        .map(|update| {
            let field = |key: &str| update[key].as_str().unwrap_or_default().to_owned();
            (field("package-ecosystem"), field("directory"))
        })
        .collect();
    watched.sort();
    let expected = [("cargo", "/"), ("docker", "/"), ("github-actions", "/")];
    assert_eq!(watched, expected.map(|(e, d)| (e.to_owned(), d.to_owned())));
}

#[test]
fn every_action_in_the_workflows_is_pinned_by_commit_with_its_version_beside_it() {
    let folder = repo_root().join(".github/workflows");
    let mut pins = 0;
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let Some(uses) = line.trim_start().trim_start_matches("- ").strip_prefix("uses: ") else {
                continue;
            };
            if uses.starts_with("./") {
                continue;
            }
            let (reference, comment) = uses.split_once(" # ").unwrap_or((uses, ""));
            let (action, sha) = reference.split_once('@').unwrap_or((reference, ""));
            let pinned = sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
            let version = comment.strip_prefix('v').is_some_and(|v| {
                v.split('.').count() == 3
                    && v.split('.')
                        .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            });
            assert!(
                action.contains('/') && pinned && version,
                "{}: `{uses}` must be OWNER/REPO@<40-hex commit> # vX.Y.Z",
                path.display()
            );
            pins += 1;
        }
    }
    assert!(pins >= 10, "found the workflows' actions ({pins})");
}

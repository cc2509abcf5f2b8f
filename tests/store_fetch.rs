//! Fetching brings the selected refs and nothing else.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use cognigy_backup_action::store::{Remote, Store};
use support::git::{Fixture, git, selection};

/// Every object id in the repository at `git_dir`.
fn all_objects(git_dir: &Path) -> BTreeSet<String> {
    git(
        git_dir,
        &["cat-file", "--batch-all-objects", "--batch-check=%(objectname)"],
    )
    .lines()
    .map(str::to_owned)
    .collect()
}

/// Fills the bare repository `bare` through a work tree: a long `main`, other branches and tags,
/// and the snapshot refs on their own root.
fn populate(bare: &Path, work: &Path) {
    git(
        work.parent().unwrap(),
        &["clone", "--quiet", bare.to_str().unwrap(), work.to_str().unwrap()],
    );
    let commit = |name: &str, contents: &str| {
        std::fs::write(work.join(name), contents).unwrap();
        git(work, &["add", "-A"]);
        git(
            work,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "commit",
                "--quiet",
                "-m",
                contents,
            ],
        );
    };
    git(work, &["checkout", "--quiet", "-b", "main"]);
    for i in 0..60 {
        commit("history.txt", &format!("main history {i}"));
    }
    git(work, &["tag", "v1.0"]);
    git(work, &["checkout", "--quiet", "-b", "feature/x"]);
    commit("feature.txt", "feature work");
    for (branch, contents) in [
        ("snapshot/hourly", "hourly 1"),
        ("snapshot/audit", "audit 1"),
        ("other/hourly", "not ours"),
    ] {
        git(work, &["checkout", "--quiet", "--orphan", branch]);
        git(work, &["rm", "-rfq", "."]);
        commit("snapshot.txt", contents);
    }
    git(work, &["tag", "monthly-2025-01", "snapshot/hourly"]);
    git(work, &["push", "--quiet", "origin", "--all"]);
    git(work, &["push", "--quiet", "origin", "--tags"]);
}

#[test]
fn fetches_only_the_selected_refs_over_http() {
    let fx = Fixture::new();
    populate(&fx.repo, &fx.temp.path().join("work"));
    check_selected_fetch(&fx.repo, &fx.remote(), fx.temp.path());
}

#[test]
fn fetches_only_the_selected_refs_from_a_local_path() {
    let temp = tempfile::tempdir().unwrap();
    let bare = temp.path().join("remote.git");
    git(temp.path(), &["init", "--quiet", "--bare", bare.to_str().unwrap()]);
    populate(&bare, &temp.path().join("work"));
    check_selected_fetch(&bare, &Remote::new(bare.to_str().unwrap(), None), temp.path());
}

fn check_selected_fetch(bare: &Path, remote: &Remote, temp: &Path) {
    let store = Store::create(temp).unwrap();
    let found = store.fetch(remote, &selection()).unwrap();
    let names: Vec<&str> = found.0.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "refs/heads/snapshot/audit",
            "refs/heads/snapshot/hourly",
            "refs/tags/monthly-2025-01"
        ]
    );
    for (name, id) in &found.0 {
        assert_eq!(git(bare, &["rev-parse", name]).trim(), id.to_string(), "{name}");
        assert_eq!(
            git(store.path(), &["rev-parse", name]).trim(),
            id.to_string(),
            "{name} mirrored in the store"
        );
    }
    let mains: BTreeSet<String> = git(bare, &["rev-list", "--objects", "main", "feature/x", "other/hourly"])
        .lines()
        .map(|line| line.split(' ').next().unwrap().to_owned())
        .collect();
    let fetched = all_objects(store.path());
    assert!(!fetched.is_empty());
    assert!(
        fetched.is_disjoint(&mains),
        "objects of unselected refs arrived: {:?}",
        fetched.intersection(&mains).collect::<Vec<_>>()
    );

    // A ref gone from the remote is gone from the store's mirror after the next fetch.
    git(bare, &["update-ref", "-d", "refs/heads/snapshot/audit"]);
    let found = store.fetch(remote, &selection()).unwrap();
    assert_eq!(found.0.len(), 2);
    assert!(
        git(store.path(), &["for-each-ref", "--format=%(refname)"])
            .lines()
            .all(|r| r != "refs/heads/snapshot/audit")
    );
}

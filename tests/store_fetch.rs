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

/// The bare repository `bare` with every object loose (unpacked from its packs), so that one can
/// be deleted.
fn unpack_all(bare: &Path) {
    let pack_dir = bare.join("objects/pack");
    for entry in std::fs::read_dir(&pack_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pack") {
            let moved = bare.join("unpacking.pack");
            std::fs::rename(&path, &moved).unwrap();
            std::fs::remove_file(path.with_extension("idx")).unwrap();
            let status = std::process::Command::new("git")
                .args(["unpack-objects", "-q"])
                .stdin(std::fs::File::open(&moved).unwrap())
                .current_dir(bare)
                .status()
                .unwrap();
            assert!(status.success());
            std::fs::remove_file(moved).unwrap();
        }
    }
}

#[test]
fn refs_fetched_one_by_one_keep_a_damaged_ref_from_hiding_the_others() {
    let fx = Fixture::new();
    populate(&fx.repo, &fx.temp.path().join("work"));
    unpack_all(&fx.repo);
    let blob = git(&fx.repo, &["rev-parse", "snapshot/hourly:snapshot.txt"]);
    let blob = blob.trim();
    std::fs::remove_file(fx.repo.join(format!("objects/{}/{}", &blob[..2], &blob[2..]))).unwrap();

    let store = fx.store();
    let listed = store.list(&fx.remote(), &selection()).unwrap();
    assert_eq!(listed.0.len(), 3, "{listed:?}");
    assert!(all_objects(store.path()).is_empty(), "listing fetches nothing");
    let mut results = Vec::new();
    for (name, id) in &listed.0 {
        results.push((name.as_str(), *id, store.fetch_one(&fx.remote(), name)));
    }
    for (name, id, result) in results {
        match name {
            "refs/heads/snapshot/audit" => {
                assert_eq!(result.unwrap(), Some(id));
                assert_eq!(git(store.path(), &["rev-parse", name]).trim(), id.to_string());
            }
            // The tag points at the hourly commit: both need the deleted blob, and git names it.
            _ => {
                let err = result.unwrap_err().to_string();
                assert!(
                    err.contains(&format!("said: fatal: unable to read {blob}"))
                        && err.contains("run `git fsck` there"),
                    "{name}: {err}"
                );
            }
        }
    }
}

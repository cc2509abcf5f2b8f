//! Writing and reading snapshots, and rewriting tier chains, in the store's own repository.

mod support;

use cognigy_backup_action::store::chain::{self, Change, Step};
use cognigy_backup_action::store::{Error, Files, Store};
use support::git::{files, git};
use time::macros::datetime;

#[test]
fn trees_read_back_as_written_and_subtrees_compare_by_id() {
    let temp = tempfile::tempdir().unwrap();
    let store = Store::create(temp.path()).unwrap();
    let mut snapshot = files(25, "a");
    snapshot.insert(".backup-metadata.json".into(), b"{}\n".to_vec());
    snapshot.insert("native/project.csnap".into(), vec![0, 1, 2, 255]);
    snapshot.insert(
        "project/flows/Caf\u{e9} fr-CA Qu\u{e9}bec/a b.json".into(),
        b"x".to_vec(),
    );
    let tree = store.write_tree(&snapshot).unwrap();
    assert_eq!(store.read_files(tree).unwrap(), snapshot);
    assert_eq!(
        git(store.path(), &["rev-parse", &format!("{tree}:native/project.csnap")]).len(),
        41
    );
    git(store.path(), &["fsck", "--full", "--strict", "--no-dangling"]);

    let c1 = store
        .commit(tree, None, "snapshot 1", datetime!(2025-03-01 10:00 UTC))
        .unwrap();
    let mut only_native = snapshot.clone();
    only_native.insert("native/project.csnap".into(), vec![9]);
    let c2 = store
        .commit(
            store.write_tree(&only_native).unwrap(),
            Some(c1),
            "snapshot 2",
            datetime!(2025-03-01 11:00 UTC),
        )
        .unwrap();
    assert_eq!(
        store.subtree(c1, "project").unwrap(),
        store.subtree(c2, "project").unwrap()
    );
    assert_ne!(
        store.subtree(c1, "native").unwrap(),
        store.subtree(c2, "native").unwrap()
    );
    assert_eq!(store.subtree(c1, "missing").unwrap(), None);
    let log = git(store.path(), &["log", "--format=%an <%ae> %cn %aI %s", &c2.to_string()]);
    assert_eq!(
        log,
        "cognigy-backup <cognigy-backup@users.noreply.github.com> cognigy-backup 2025-03-01T11:00:00Z snapshot 2\n\
         cognigy-backup <cognigy-backup@users.noreply.github.com> cognigy-backup 2025-03-01T10:00:00Z snapshot 1\n"
    );
}

#[test]
fn invalid_paths_are_refused() {
    let temp = tempfile::tempdir().unwrap();
    let store = Store::create(temp.path()).unwrap();
    for bad in ["", "/abs", "a//b", "a/../b", ".git/config", "a/.GIT/x", "dir/"] {
        let files = Files::from([(bad.to_owned(), vec![])]);
        assert!(
            matches!(store.write_tree(&files), Err(Error::InvalidPath { .. })),
            "{bad:?}"
        );
    }
    let clash = Files::from([("a".to_owned(), vec![]), ("a/b".to_owned(), vec![])]);
    assert!(matches!(store.write_tree(&clash), Err(Error::InvalidPath { .. })));
}

#[test]
fn a_re_rooted_chain_keeps_trees_messages_and_dates() {
    let temp = tempfile::tempdir().unwrap();
    let store = Store::create(temp.path()).unwrap();
    let mut tip = None;
    for hour in 0..4u8 {
        let tree = store.write_tree(&files(3, &hour.to_string())).unwrap();
        let at = datetime!(2025-03-01 00:00 UTC) + time::Duration::hours(hour.into());
        tip = Some(
            store
                .commit(tree, tip, &format!("snapshot {hour}\n\nbody {hour}\n"), at)
                .unwrap(),
        );
    }
    let before = store.chain(tip.unwrap()).unwrap();
    assert_eq!(before.len(), 4);

    let next = chain::Commit::captured(before[3].commit.tree, "snapshot 4\n", datetime!(2025-03-01 05:00 UTC));
    let steps = chain::plan(&before, Change::Append(next.clone()), 3);
    assert!(steps.iter().all(|s| matches!(s, Step::Write(_))));
    let new_tip = store.write_chain(&steps).unwrap().unwrap();
    let after = store.chain(new_tip).unwrap();
    let contents: Vec<_> = after.iter().map(|link| link.commit.clone()).collect();
    assert_eq!(contents, [before[2].commit.clone(), before[3].commit.clone(), next]);
    assert_eq!(
        git(store.path(), &["rev-list", "--max-parents=0", &new_tip.to_string()]).trim(),
        after[0].id.to_string()
    );

    let unchanged = chain::plan(&after, Change::Retain, 3);
    assert!(chain::is_unchanged(&unchanged, &after));
    assert_eq!(store.write_chain(&unchanged).unwrap(), Some(new_tip));
}

#[test]
fn objects_missing_from_the_store_are_named_by_path_and_the_rest_still_reads() {
    let temp = tempfile::tempdir().unwrap();
    let store = Store::create(temp.path()).unwrap();
    let snapshot = files(25, "a");
    let tree = store.write_tree(&snapshot).unwrap();
    let first = store
        .commit(tree, None, "snapshot 1", datetime!(2025-03-01 10:00 UTC))
        .unwrap();
    let second = store
        .commit(tree, Some(first), "snapshot 2", datetime!(2025-03-01 11:00 UTC))
        .unwrap();
    assert_eq!(store.parents(second).unwrap(), [first]);
    assert!(store.parents(first).unwrap().is_empty());

    // Loose objects, as the store writes them: delete one blob and one folder's tree.
    let lost_blob = "project/flows/flow-0000--id/chart-3.json";
    let lost_dir = "project/flows/flow-0001--id";
    for path in [lost_blob, lost_dir] {
        let id = git(store.path(), &["rev-parse", &format!("{tree}:{path}")]);
        let id = id.trim();
        std::fs::remove_file(store.path().join(format!("objects/{}/{}", &id[..2], &id[2..]))).unwrap();
    }

    let (read, unreadable) = store.read_files_partly(tree);
    let paths: Vec<&str> = unreadable.iter().map(|u| u.path.as_str()).collect();
    assert_eq!(paths, [lost_blob, &format!("{lost_dir}/")]);
    assert!(
        unreadable
            .iter()
            .all(|u| u.error.to_string().contains("could not read")),
        "{unreadable:?}"
    );
    let expected: Files = snapshot
        .into_iter()
        .filter(|(path, _)| path != lost_blob && !path.starts_with(lost_dir))
        .collect();
    assert_eq!(read, expected, "everything else reads");
    assert!(matches!(store.read_files(tree), Err(Error::Local { .. })));
}

#[test]
fn a_commit_authored_by_a_person_is_committed_by_the_store_and_keeps_its_author_when_rewritten() {
    let temp = tempfile::tempdir().unwrap();
    let store = Store::create(temp.path()).unwrap();
    let tree = store.write_tree(&files(2, "a")).unwrap();
    let mut authored = chain::Commit::captured(tree, "snapshot 1\n", datetime!(2025-03-01 10:00 UTC));
    authored.author = Some(chain::Author {
        name: "ann".to_owned(),
        email: "ann@example.com".to_owned(),
    });
    let first = store.write_commit(&authored, None).unwrap();
    let by = |id: &str| git(store.path(), &["log", "-1", "--format=%an <%ae>|%cn <%ce>", id]);
    assert_eq!(
        by(&first.to_string()).trim(),
        "ann <ann@example.com>|cognigy-backup <cognigy-backup@users.noreply.github.com>"
    );
    assert_eq!(store.read_commit(first).unwrap(), authored, "the author reads back");

    let second = chain::Commit::captured(tree, "snapshot 2\n", datetime!(2025-03-01 11:00 UTC));
    let before = store.chain(store.write_commit(&second, Some(first)).unwrap()).unwrap();
    assert_eq!(
        before[1].commit.author, None,
        "the store's own identity reads back as none"
    );
    let third = chain::Commit::captured(tree, "snapshot 3\n", datetime!(2025-03-01 12:00 UTC));
    let planned = chain::plan(&before, Change::Insert { at: 0, commit: third }, 5);
    let after = store.chain(store.write_chain(&planned).unwrap().unwrap()).unwrap();
    assert_eq!(after[1].commit, authored, "rewritten above a new root, still ann's");
    assert_ne!(after[1].id, first);
}

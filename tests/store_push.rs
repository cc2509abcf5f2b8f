//! Pushing with leases to a real `git http-backend` and to local repositories.

mod support;

use cognigy_backup_action::secrets::Secret;
use cognigy_backup_action::store::{Error, RefUpdate, Remote, Store};
use support::git::{Fixture, TOKEN, commit, files, git, selection};

const HOURLY: &str = "refs/heads/snapshot/hourly";
const DAILY: &str = "refs/heads/snapshot/daily";

#[test]
fn creates_then_updates_a_branch_sending_only_the_new_objects() {
    let fx = Fixture::new();
    let first = files(2_000, "a");
    let store = fx.store();
    assert!(store.fetch(&fx.remote(), &selection()).unwrap().0.is_empty());
    let c1 = commit(&store, &first, None, "snapshot 1");
    let report = store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, None, Some(c1))])
        .unwrap();
    assert_eq!(report.updated, [HOURLY]);
    let first_push = report.bytes_sent;
    fx.assert_fsck_clean();
    fx.assert_clone_holds("snapshot/hourly", &first);

    // The next run: a fresh store, one file changed in the large tree.
    let store = fx.store();
    let lease = store.fetch(&fx.remote(), &selection()).unwrap();
    assert_eq!(lease.get(HOURLY), Some(c1));
    let mut second = first.clone();
    second.insert(
        "project/flows/flow-0100--id/chart-3.json".into(),
        b"{\"changed\": true}\n".to_vec(),
    );
    let c2 = commit(&store, &second, Some(c1), "snapshot 2");
    fx.server.reset_bytes_received();
    let report = store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, lease.get(HOURLY), Some(c2))])
        .unwrap();

    // The blob, four trees (root, project, flows, the flow's folder) and the commit.
    assert_eq!(report.objects_sent, 6);
    let on_the_wire = fx.server.bytes_received("git-receive-pack");
    println!(
        "2,000 files in 200 folders: first push {first_push} bytes; one-file change {} bytes ({on_the_wire} on the wire)",
        report.bytes_sent
    );
    // Dominated by the 200-entry `flows` tree (about 6 KB of names and ids).
    assert!(
        report.bytes_sent < 8_000 && on_the_wire < 9_000,
        "{report:?}, {on_the_wire}"
    );
    fx.assert_fsck_clean();
    fx.assert_clone_holds("snapshot/hourly", &second);

    // Nothing to change: nothing sent.
    assert_eq!(
        store
            .push(&fx.remote(), &[RefUpdate::new(HOURLY, Some(c2), Some(c2))])
            .unwrap()
            .bytes_sent,
        0
    );
}

#[test]
fn a_stale_lease_is_refused_and_the_remote_is_unchanged() {
    let fx = Fixture::new();
    let store = fx.store();
    let c1 = commit(&store, &files(3, "a"), None, "snapshot 1");
    store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, None, Some(c1))])
        .unwrap();

    // Another run pushed c2 meanwhile; this one still believes the branch is at c1's parent-less rival.
    let rival = commit(&store, &files(3, "rival"), None, "rival");
    let c3 = commit(&store, &files(3, "c"), Some(rival), "snapshot 3");
    let err = store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, Some(rival), Some(c3))])
        .unwrap_err();
    assert!(
        matches!(&err, Error::LeaseRefused { refs, .. } if refs == &[HOURLY]),
        "{err}"
    );
    assert!(err.to_string().contains("fetch again and retry"), "{err}");
    // Creating what exists is a stale lease too.
    let err = store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, None, Some(c3))])
        .unwrap_err();
    assert!(matches!(err, Error::LeaseRefused { .. }), "{err}");
    assert_eq!(fx.server_ref(HOURLY), Some(c1.to_string()));
    fx.assert_fsck_clean();
}

#[test]
fn refs_are_updated_together_or_not_at_all() {
    let fx = Fixture::new();
    let store = fx.store();
    let a = files(20, "a");
    let c1 = commit(&store, &a, None, "snapshot 1");
    let report = store
        .push(
            &fx.remote(),
            &[
                RefUpdate::new(HOURLY, None, Some(c1)),
                RefUpdate::new(DAILY, None, Some(c1)),
            ],
        )
        .unwrap();
    assert_eq!(report.updated.len(), 2);
    fx.assert_fsck_clean();
    fx.assert_clone_holds("snapshot/daily", &a);

    // One stale lease: neither ref moves.
    let c2 = commit(&store, &files(20, "b"), Some(c1), "snapshot 2");
    let updates = [
        RefUpdate::new(HOURLY, Some(c1), Some(c2)),
        RefUpdate::new(DAILY, None, Some(c2)),
    ];
    assert!(matches!(
        store.push(&fx.remote(), &updates),
        Err(Error::LeaseRefused { .. })
    ));

    // The server refuses one ref (a hook): the atomic push fails whole, with the server's reason.
    let hook = fx.repo.join("hooks/update");
    std::fs::write(
        &hook,
        "#!/bin/sh\n[ \"$1\" = refs/heads/snapshot/daily ] && { echo 'daily is protected' >&2; exit 1; }\nexit 0\n",
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let updates = [
        RefUpdate::new(HOURLY, Some(c1), Some(c2)),
        RefUpdate::new(DAILY, Some(c1), Some(c2)),
    ];
    let err = store.push(&fx.remote(), &updates).unwrap_err();
    assert!(matches!(err, Error::Rejected { .. }), "{err}");
    assert!(err.to_string().contains("daily is protected"), "{err}");
    assert_eq!(fx.server_ref(HOURLY), Some(c1.to_string()));
    assert_eq!(fx.server_ref(DAILY), Some(c1.to_string()));
    fx.assert_fsck_clean();
}

#[test]
fn deletes_branches_and_pushes_tags() {
    let fx = Fixture::new();
    let store = fx.store();
    let c1 = commit(&store, &files(5, "a"), None, "snapshot 1");
    let tag = "refs/tags/monthly-2025-02";
    store
        .push(
            &fx.remote(),
            &[
                RefUpdate::new(HOURLY, None, Some(c1)),
                RefUpdate::new(tag, None, Some(c1)),
            ],
        )
        .unwrap();
    assert_eq!(fx.server_ref(tag), Some(c1.to_string()));
    let found = fx.store().fetch(&fx.remote(), &selection()).unwrap();
    assert_eq!(found.get(tag), Some(c1));

    store
        .push(
            &fx.remote(),
            &[
                RefUpdate::new(HOURLY, Some(c1), None),
                RefUpdate::new(tag, Some(c1), None),
            ],
        )
        .unwrap();
    assert_eq!(fx.server_ref(HOURLY), None);
    assert_eq!(fx.server_ref(tag), None);
    fx.assert_fsck_clean();
}

#[test]
fn without_atomic_pushes_refs_one_by_one() {
    let fx = Fixture::without_atomic();
    let store = fx.store();
    let a = files(10, "a");
    let c1 = commit(&store, &a, None, "snapshot 1");
    let tag = "refs/tags/monthly-2025-02";
    let updates = [
        RefUpdate::new(tag, None, Some(c1)),
        RefUpdate::new(HOURLY, None, Some(c1)),
    ];
    let report = store.push(&fx.remote(), &updates).unwrap();
    assert_eq!(report.updated, [HOURLY, tag], "branches first");
    // Ten blobs, four trees (root, project, flows, the folder) and the commit, sent once.
    assert_eq!(report.objects_sent, 10 + 4 + 1);
    assert_eq!(fx.server_ref(tag), Some(c1.to_string()));
    fx.assert_fsck_clean();
    fx.assert_clone_holds("snapshot/hourly", &a);
}

#[test]
fn a_wrong_token_gives_a_clear_error_without_the_token() {
    let fx = Fixture::new();
    let wrong = "ghs_wrong-token-77c2";
    let remote = Remote::new(fx.server.url("backup.git"), Some(Secret::new(wrong)));
    let store = fx.store();
    let c1 = commit(&store, &files(1, "a"), None, "snapshot 1");
    for err in [
        store.fetch(&remote, &selection()).unwrap_err(),
        store
            .push(&remote, &[RefUpdate::new(HOURLY, None, Some(c1))])
            .unwrap_err(),
    ] {
        let text = err.to_string();
        assert!(matches!(err, Error::Auth { .. }), "{text}");
        assert!(
            text.starts_with(&format!(
                "authentication failed for {}: check github-token",
                fx.server.url("backup.git")
            )),
            "{text}"
        );
        assert!(!text.contains(wrong) && !text.contains(TOKEN), "{text}");
    }
    let anonymous = Remote::new(fx.server.url("backup.git"), None);
    assert!(matches!(store.fetch(&anonymous, &selection()), Err(Error::Auth { .. })));
}

#[test]
fn a_connection_dropped_in_the_pack_leaves_the_remote_as_it_was() {
    let fx = Fixture::new();
    let store = fx.store();
    let c1 = commit(&store, &files(10, "a"), None, "snapshot 1");
    store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, None, Some(c1))])
        .unwrap();

    let c2 = commit(&store, &files(500, "b"), Some(c1), "snapshot 2");
    fx.server.drop_receive_pack_after(Some(3_000));
    let err = store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, Some(c1), Some(c2))])
        .unwrap_err();
    assert!(matches!(err, Error::Remote { .. }), "{err}");
    assert_eq!(fx.server_ref(HOURLY), Some(c1.to_string()));
    fx.assert_fsck_clean();

    // The same push goes through once the network is back.
    fx.server.drop_receive_pack_after(None);
    store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, Some(c1), Some(c2))])
        .unwrap();
    fx.assert_clone_holds("snapshot/hourly", &files(500, "b"));
}

#[test]
fn pushes_to_a_local_repository() {
    let temp = tempfile::tempdir().unwrap();
    let bare = temp.path().join("local.git");
    git(temp.path(), &["init", "--quiet", "--bare", bare.to_str().unwrap()]);
    let remote = Remote::new(bare.to_str().unwrap(), None);
    let store = Store::create(temp.path()).unwrap();
    assert!(store.fetch(&remote, &selection()).unwrap().0.is_empty());
    let c1 = commit(&store, &files(30, "a"), None, "snapshot 1");
    store.push(&remote, &[RefUpdate::new(HOURLY, None, Some(c1))]).unwrap();
    let c2 = commit(&store, &files(30, "b"), Some(c1), "snapshot 2");
    store
        .push(&remote, &[RefUpdate::new(HOURLY, Some(c1), Some(c2))])
        .unwrap();
    assert!(matches!(
        store.push(&remote, &[RefUpdate::new(HOURLY, Some(c1), Some(c1))]),
        Ok(report) if report.bytes_sent == 0
    ));
    assert!(matches!(
        store.push(&remote, &[RefUpdate::new(HOURLY, Some(c1), None)]),
        Err(Error::LeaseRefused { .. })
    ));
    assert_eq!(git(&bare, &["rev-parse", HOURLY]).trim(), c2.to_string());
    git(&bare, &["fsck", "--full", "--strict"]);
    let fresh = Store::create(temp.path()).unwrap();
    assert_eq!(fresh.fetch(&remote, &selection()).unwrap().get(HOURLY), Some(c2));
}

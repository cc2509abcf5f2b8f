//! A changed file or folder is pushed as a delta against its previous version (a thin pack), to
//! `git http-backend` and to a local repository, and the server holds exactly the files.

mod support;

use cognigy_backup_action::store::{Files, RefUpdate, Remote};
use sha2::{Digest, Sha256};
use support::git::{Fixture, commit, files, selection};

const HOURLY: &str = "refs/heads/snapshot/hourly";

#[test]
fn a_two_line_manifest_change_and_a_one_entry_folder_change_push_small_over_http() {
    let fx = Fixture::new();
    pushes_small_deltas(&fx, &fx.remote());
}

#[test]
fn a_two_line_manifest_change_and_a_one_entry_folder_change_push_small_to_a_local_repository() {
    let fx = Fixture::new();
    pushes_small_deltas(&fx, &Remote::new(fx.repo.to_str().unwrap(), None));
}

/// With 100 objects or more `receive-pack` runs `index-pack --fix-thin` (below, `unpack-objects`):
/// both take bases from the repository.
#[test]
fn many_changed_files_go_through_index_pack_fix_thin() {
    let fx = Fixture::new();
    let store = fx.store();
    let c1 = commit(&store, &digests(500, "first seed"), None, "snapshot 1");
    let first_push = store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, None, Some(c1))])
        .unwrap()
        .bytes_sent;
    let second = digests(500, "second seed");
    let c2 = commit(&store, &second, Some(c1), "snapshot 2");
    let report = store
        .push(&fx.remote(), &[RefUpdate::new(HOURLY, Some(c1), Some(c2))])
        .unwrap();
    // 500 files, 50 folders, `flows`, `project`, the root, the commit, as many as the first push
    // sent whole; each file now a delta of a few dozen bytes.
    assert_eq!(report.objects_sent, 554);
    assert!(
        report.bytes_sent < first_push / 2,
        "{report:?}, first push {first_push} bytes"
    );
    fx.assert_fsck_clean();
    fx.assert_clone_holds("snapshot/hourly", &second);
}

/// A 10,000-line manifest (1.1 MB) and an 800-entry folder; then two manifest lines, its timestamp
/// and one file in one of the 800 sub-folders change, through a fresh store as each run has.
fn pushes_small_deltas(fx: &Fixture, remote: &Remote) {
    let mut first = files(8_000, "a");
    first.insert(".backup-metadata.json".into(), manifest("2025-03-01T10:00:00Z", &[]));
    let store = fx.store();
    let c1 = commit(&store, &first, None, "snapshot 1");
    let report = store.push(remote, &[RefUpdate::new(HOURLY, None, Some(c1))]).unwrap();
    let first_push = report.bytes_sent;

    let store = fx.store();
    let lease = store.fetch(remote, &selection()).unwrap();
    let mut second = first.clone();
    second.insert(
        "project/flows/flow-0417--id/chart-3.json".into(),
        b"{\"changed\": true}\n".to_vec(),
    );
    second.insert(
        ".backup-metadata.json".into(),
        manifest("2025-03-01T11:00:00Z", &[4_173, 9_001]),
    );
    let c2 = commit(&store, &second, Some(c1), "snapshot 2");
    let report = store
        .push(remote, &[RefUpdate::new(HOURLY, lease.get(HOURLY), Some(c2))])
        .unwrap();

    // The manifest, the file, its folder, `flows` (800 entries), `project`, the root and the commit.
    assert_eq!(report.objects_sent, 7);
    println!(
        "{}: first push {first_push} bytes, the change {} bytes",
        remote.display(),
        report.bytes_sent
    );
    // Whole, the manifest alone is over 600 KB compressed and the `flows` tree over 20 KB.
    assert!(report.bytes_sent < 5_000, "{report:?}");
    fx.assert_fsck_clean();
    fx.assert_clone_holds("snapshot/hourly", &second);
}

/// `count` files of 20 digests (1.3 KB that does not compress much) and a line with `seed`, in folders of ten.
fn digests(count: usize, seed: &str) -> Files {
    (0..count)
        .map(|i| {
            let lines: String = (0..20)
                .map(|line| format!("{}\n", digest(&format!("{i}.{line}"))))
                .collect();
            (
                format!("project/flows/flow-{:04}--id/chart-{}.json", i / 10, i % 10),
                format!("{lines}{seed}\n").into_bytes(),
            )
        })
        .collect()
}

/// `.backup-metadata.json`-like: a timestamp, then one `path: sha256` line for each of 10,000 files,
/// those numbered in `changed` with another digest.
fn manifest(captured: &str, changed: &[usize]) -> Vec<u8> {
    let mut text = format!("{{\n  \"captured\": \"{captured}\",\n  \"files\": {{\n");
    for i in 0..10_000 {
        let seed = if changed.contains(&i) {
            format!("{i} changed")
        } else {
            i.to_string()
        };
        text.push_str(&format!(
            "    \"project/resources/item-{i:05}.json\": \"{}\",\n",
            digest(&seed)
        ));
    }
    text.push_str("  }\n}\n");
    text.into_bytes()
}

fn digest(text: &str) -> String {
    Sha256::digest(text).iter().map(|b| format!("{b:02x}")).collect()
}

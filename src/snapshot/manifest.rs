//! The manifest, `.backup-metadata.json` at the root of every snapshot: what was captured, when,
//! from where, how many resources of each kind, and the sha256 of every other file in the tree, so
//! that a snapshot can be checked file by file ([`verify`]) long after it was written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Files, Meta, canonical};

/// Where the manifest sits in the tree.
pub const PATH: &str = ".backup-metadata.json";

/// The manifest layout this version writes and reads.
const FORMAT: u32 = 1;

/// A manifest read back from a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    pub meta: Meta,
    /// Resources per kind.
    pub counts: BTreeMap<String, usize>,
    /// sha256 (lower-case hex) of every file of the tree but the manifest, by path.
    pub digests: BTreeMap<String, String>,
}

/// The manifest as JSON; one definition for writing and reading.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    format: u32,
    snapshot_id: String,
    captured_at: String,
    project_id: String,
    base_url: String,
    tool_version: String,
    counts: BTreeMap<String, usize>,
    files: BTreeMap<String, String>,
}

/// A manifest that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error(
        "{PATH} is not a cognigy-backup manifest ({0}): the snapshot is damaged or was not written by cognigy-backup; choose another snapshot"
    )]
    Json(#[from] serde_json::Error),
    #[error("{PATH} has capturedAt {0:?}, not an RFC 3339 time: the snapshot is damaged; choose another snapshot")]
    CapturedAt(String),
    #[error(
        "{PATH} has format {0}, written by a newer cognigy-backup (this one reads format {FORMAT}): use a newer version of the action"
    )]
    Format(u32),
}

/// Something wrong with a snapshot tree, as [`verify`] finds it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("{PATH} is missing: the tree is not a cognigy-backup snapshot or is damaged")]
    NoManifest,
    #[error("{0}")]
    BadManifest(String),
    #[error("{0} is listed in {PATH} but missing from the snapshot")]
    Missing(String),
    #[error("{0} is in the snapshot but not listed in {PATH}")]
    Extra(String),
    #[error("{path} has sha256 {actual}, but {PATH} lists {expected}: the file was changed after the backup")]
    Digest {
        path: String,
        expected: String,
        actual: String,
    },
}

/// The sha256 of `bytes`, in lower-case hex.
pub fn digest(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// The manifest for a tree of `files` (any manifest already among them is left out), as
/// canonical JSON.
pub fn render(meta: &Meta, counts: &BTreeMap<String, usize>, files: &Files) -> Vec<u8> {
    let raw = Raw {
        format: FORMAT,
        snapshot_id: meta.snapshot_id.clone(),
        captured_at: rfc3339(meta.captured_at),
        project_id: meta.project_id.clone(),
        base_url: meta.base_url.clone(),
        tool_version: meta.tool_version.clone(),
        counts: counts.clone(),
        files: files
            .iter()
            .filter(|(path, _)| *path != PATH)
            .map(|(path, bytes)| (path.clone(), digest(bytes)))
            .collect(),
    };
    let value = serde_json::to_value(raw).expect("a manifest is plain JSON");
    canonical::to_bytes(&value)
}

/// Reads a manifest back.
pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
    let raw: Raw = serde_json::from_slice(bytes)?;
    if raw.format > FORMAT {
        return Err(ManifestError::Format(raw.format));
    }
    let captured_at = OffsetDateTime::parse(&raw.captured_at, &Rfc3339)
        .map_err(|_| ManifestError::CapturedAt(raw.captured_at.clone()))?;
    Ok(Manifest {
        meta: Meta {
            snapshot_id: raw.snapshot_id,
            captured_at,
            project_id: raw.project_id,
            base_url: raw.base_url,
            tool_version: raw.tool_version,
        },
        counts: raw.counts,
        digests: raw.files,
    })
}

/// Every problem of the tree `files` against its own manifest: files missing, extra, or with a
/// wrong digest, in path order. Empty when the snapshot is intact.
pub fn verify(files: &Files) -> Vec<Problem> {
    let Some(bytes) = files.get(PATH) else {
        return vec![Problem::NoManifest];
    };
    let manifest = match parse(bytes) {
        Ok(manifest) => manifest,
        Err(err) => return vec![Problem::BadManifest(err.to_string())],
    };
    let mut problems = Vec::new();
    for (path, expected) in &manifest.digests {
        match files.get(path) {
            None => problems.push(Problem::Missing(path.clone())),
            Some(bytes) => {
                let actual = digest(bytes);
                if actual != *expected {
                    problems.push(Problem::Digest {
                        path: path.clone(),
                        expected: expected.clone(),
                        actual,
                    });
                }
            }
        }
    }
    let extra = files
        .keys()
        .filter(|path| *path != PATH && !manifest.digests.contains_key(*path));
    problems.extend(extra.map(|path| Problem::Extra(path.clone())));
    problems
}

/// `url` without user, password, query or fragment: the base URL as a manifest may show it.
pub fn public_url(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{path}")
}

/// A time as RFC 3339 in UTC (`2026-11-22T00:31:05Z`).
fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .expect("a time between the years 0 and 9999 formats as RFC 3339")
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn meta() -> Meta {
        Meta {
            snapshot_id: "20261122T003105Z".into(),
            captured_at: datetime!(2026-11-22 01:31:05 +01:00),
            project_id: "p-1".into(),
            base_url: "https://api-app.cognigy.ai".into(),
            tool_version: "1.2.3".into(),
        }
    }

    fn tree() -> Files {
        let mut files = Files::new();
        files.insert("project/project.json".into(), b"{}\n".to_vec());
        files.insert("native/project.csnap".into(), vec![0, 1, 2]);
        let counts = BTreeMap::from([("flows".to_owned(), 0)]);
        let manifest = render(&meta(), &counts, &files);
        files.insert(PATH.into(), manifest);
        files
    }

    #[test]
    fn the_manifest_lists_meta_counts_and_digests_canonically() {
        let files = tree();
        let text = String::from_utf8(files[PATH].clone()).unwrap();
        let expected = concat!(
            "{\n",
            "  \"baseUrl\": \"https://api-app.cognigy.ai\",\n",
            "  \"capturedAt\": \"2026-11-22T00:31:05Z\",\n",
            "  \"counts\": {\n",
            "    \"flows\": 0\n",
            "  },\n",
            "  \"files\": {\n",
            "    \"native/project.csnap\": \"ae4b3280e56e2faf83f414a6e3dabe9d5fbe18976544c05fed121accb85b53fc\",\n",
            "    \"project/project.json\": \"ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356\"\n",
            "  },\n",
            "  \"format\": 1,\n",
            "  \"projectId\": \"p-1\",\n",
            "  \"snapshotId\": \"20261122T003105Z\",\n",
            "  \"toolVersion\": \"1.2.3\"\n",
            "}\n",
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn a_manifest_reads_back_to_what_was_written() {
        let manifest = parse(&tree()[PATH]).unwrap();
        assert_eq!(manifest.meta, meta());
        assert_eq!(manifest.counts, BTreeMap::from([("flows".to_owned(), 0)]));
        assert_eq!(manifest.digests.len(), 2);
        assert_eq!(manifest.digests["native/project.csnap"], digest(&[0, 1, 2]));
    }

    #[test]
    fn verify_lists_missing_extra_and_changed_files() {
        let changed = digest(b"{\"changed\":true}");
        type Edit = fn(&mut Files);
        let cases: &[(&str, Edit, Vec<Problem>)] = &[
            ("intact", |_| {}, vec![]),
            (
                "missing",
                |f| {
                    f.remove("native/project.csnap");
                },
                vec![Problem::Missing("native/project.csnap".into())],
            ),
            (
                "extra",
                |f| {
                    f.insert("project/flows/x--1/flow.json".into(), vec![]);
                },
                vec![Problem::Extra("project/flows/x--1/flow.json".into())],
            ),
            (
                "changed",
                |f| {
                    f.insert("project/project.json".into(), b"{\"changed\":true}".to_vec());
                },
                vec![Problem::Digest {
                    path: "project/project.json".into(),
                    expected: "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356".into(),
                    actual: changed.clone(),
                }],
            ),
            (
                "no manifest",
                |f| {
                    f.remove(PATH);
                },
                vec![Problem::NoManifest],
            ),
        ];
        for (name, edit, expected) in cases {
            let mut files = tree();
            edit(&mut files);
            assert_eq!(verify(&files), *expected, "{name}");
        }
    }

    #[test]
    fn unreadable_manifests_say_what_to_do() {
        let newer = String::from_utf8(tree()[PATH].clone())
            .unwrap()
            .replace("\"format\": 1", "\"format\": 2");
        let bad_time = String::from_utf8(tree()[PATH].clone())
            .unwrap()
            .replace("2026-11-22T00:31:05Z", "yesterday");
        let cases: &[(&str, &str)] = &[
            ("not json", "not a cognigy-backup manifest"),
            ("{\"format\": 1}", "missing field"),
            (&newer, "use a newer version of the action"),
            (&bad_time, "capturedAt \"yesterday\", not an RFC 3339 time"),
        ];
        for (bytes, expected) in cases {
            let err = parse(bytes.as_bytes()).unwrap_err().to_string();
            assert!(err.contains(expected) && err.contains(PATH), "{err}");
            let mut files = tree();
            files.insert(PATH.into(), bytes.as_bytes().to_vec());
            assert_eq!(verify(&files), vec![Problem::BadManifest(err)]);
        }
    }

    #[test]
    fn the_base_url_never_carries_credentials() {
        let cases: &[(&str, &str)] = &[
            ("https://api-app.cognigy.ai", "https://api-app.cognigy.ai"),
            (
                "https://api.example.com:8443/base/",
                "https://api.example.com:8443/base/",
            ),
            ("https://user:s3cret@api.example.com/x", "https://api.example.com/x"),
            ("https://a@b@api.example.com", "https://api.example.com"),
            (
                "https://api.example.com/x?api_key=s3cret#frag",
                "https://api.example.com/x",
            ),
            (
                "http://api.example.com/path@not-userinfo",
                "http://api.example.com/path@not-userinfo",
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(public_url(url), *expected, "{url}");
        }
    }
}

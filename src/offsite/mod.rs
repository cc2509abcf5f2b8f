//! Offsite copies (`object-store-url`): the newest snapshot also stored in S3, GCS or Azure Blob as
//! `<snapshot id>.tar.gz` plus its manifest, each upload read back and compared (size, then the
//! sha256 of the bytes), and at most `keep-offsite` snapshots kept there ([`plan`]). Knows object
//! storage and a snapshot's files; no git, no Cognigy. Credentials come from each cloud's standard
//! environment variables (an OIDC login step sets them): [`mask_credentials`] masks them at start-up.

pub mod plan;
mod store;

use futures_util::TryStreamExt as _;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};

use crate::action::config::{OffsiteConfig, is_snapshot_id};
use crate::action::environment::Environment;
use crate::snapshot::{Files, archive, manifest};

/// The environment variables that hold a cloud credential object_store reads: masked like the
/// action's own secrets.
const CREDENTIAL_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "GOOGLE_SERVICE_ACCOUNT_KEY",
    "GOOGLE_BEARER_TOKEN",
    "AZURE_STORAGE_ACCOUNT_KEY",
    "AZURE_STORAGE_ACCESS_KEY",
    "AZURE_STORAGE_MASTER_KEY",
    "AZURE_STORAGE_SAS_KEY",
    "AZURE_STORAGE_SAS_TOKEN",
    "AZURE_STORAGE_TOKEN",
    "AZURE_STORAGE_CLIENT_SECRET",
    "AZURE_CLIENT_SECRET",
];

/// Registers the cloud credentials of `env` as secrets, so that no message can show them.
pub fn mask_credentials(env: &Environment) {
    for name in CREDENTIAL_VARS {
        if let Some(value) = env.var(name) {
            crate::secrets::register(value);
        }
    }
}

/// Why the offsite copy failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the object store {url}: {source}")]
    Store {
        url: String,
        #[source]
        source: object_store::Error,
    },
    #[error("the snapshot has no readable manifest: {0}")]
    Manifest(String),
    #[error("the archive could not be written: {0}")]
    Archive(#[from] std::io::Error),
    #[error("{name} was uploaded, but reading it back gave {found} instead of {expected}")]
    Mismatch {
        name: String,
        expected: String,
        found: String,
    },
}

/// What the copy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The archive's name (`<snapshot id>.tar.gz`).
    pub archive: String,
    /// Bytes uploaded (archive and manifest), `None` when the snapshot was there already.
    pub uploaded: Option<u64>,
    /// Snapshots kept in the object store.
    pub kept: usize,
    /// Snapshots removed from it.
    pub removed: usize,
}

impl Report {
    /// The summary's line.
    pub fn line(&self) -> String {
        let what = match self.uploaded {
            Some(bytes) => format!("uploaded `{}` ({bytes} bytes)", self.archive),
            None => format!("`{}` already there", self.archive),
        };
        format!("Offsite: {what}, kept {}, removed {}.\n", self.kept, self.removed)
    }
}

/// Makes sure the snapshot of `files` (the newest) is in the object store, then removes what
/// `keep-offsite` no longer keeps. Nothing is deleted unless the newest snapshot is there whole.
pub fn copy(config: &OffsiteConfig, files: &Files, runtime: &tokio::runtime::Runtime) -> Result<Report, Error> {
    let found = manifest::parse(files.get(manifest::PATH).map_or(&[][..], Vec::as_slice))
        .map_err(|e| Error::Manifest(e.to_string()))?;
    let id = found.meta.snapshot_id;
    if !is_snapshot_id(&id) {
        return Err(Error::Manifest(format!("{id:?} is not a snapshot id")));
    }
    let failed = |source| Error::Store {
        url: config.url.to_string(),
        source,
    };
    let store = store::open(config).map_err(failed)?;
    runtime.block_on(async {
        let listed = list(&*store, &config.prefix).await.map_err(failed)?;
        let plan = plan::plan(&listed, &id, config.keep);
        let uploaded = if plan.upload {
            let archive = archive::tar_gz(files, &id, found.meta.captured_at)?;
            let mut bytes = put_verified(&*store, config, &format!("{id}{}", plan::ARCHIVE), archive).await?;
            // The manifest last: a snapshot counts as there once both are.
            let manifest = files.get(manifest::PATH).cloned().unwrap_or_default();
            bytes += put_verified(&*store, config, &format!("{id}{}", plan::MANIFEST), manifest).await?;
            Some(bytes)
        } else {
            None
        };
        for name in &plan.delete {
            store.delete(&path(&config.prefix, name)).await.map_err(failed)?;
        }
        Ok(Report {
            archive: format!("{id}{}", plan::ARCHIVE),
            uploaded,
            kept: plan.kept.len(),
            removed: plan.removed.len(),
        })
    })
}

/// The object `name` under `prefix`.
fn path(prefix: &str, name: &str) -> Path {
    Path::from(if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}/{name}")
    })
}

/// The names of every object under `prefix`, relative to it.
async fn list(store: &dyn ObjectStore, prefix: &str) -> Result<Vec<String>, object_store::Error> {
    let under = (!prefix.is_empty()).then(|| Path::from(prefix));
    let objects: Vec<_> = store.list(under.as_ref()).try_collect().await?;
    Ok(objects
        .into_iter()
        .filter_map(|object| {
            let name = object.location.as_ref();
            let relative = if prefix.is_empty() {
                Some(name)
            } else {
                name.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('/'))
            };
            relative.map(str::to_owned)
        })
        .collect())
}

/// Uploads `bytes` as `name`, then reads it back: its size from a `head`, and its content, whose
/// sha256 must be the one sent. Answers the size.
async fn put_verified(
    store: &dyn ObjectStore,
    config: &OffsiteConfig,
    name: &str,
    bytes: Vec<u8>,
) -> Result<u64, Error> {
    let failed = |source| Error::Store {
        url: config.url.to_string(),
        source,
    };
    let location = path(&config.prefix, name);
    let (size, digest) = (bytes.len() as u64, manifest::digest(&bytes));
    store.put(&location, PutPayload::from(bytes)).await.map_err(failed)?;
    let head = store.head(&location).await.map_err(failed)?;
    check(name, size, head.size, None)?;
    let read = store
        .get(&location)
        .await
        .map_err(failed)?
        .bytes()
        .await
        .map_err(failed)?;
    check(name, size, read.len() as u64, Some((&digest, &read)))?;
    Ok(size)
}

/// Whether `name`, `size` bytes whose sha256 was `digest` when sent, read back as `found` bytes
/// (and, with the content, as `read`), is what was sent.
fn check(name: &str, size: u64, found: u64, content: Option<(&str, &[u8])>) -> Result<(), Error> {
    let mismatch = |expected: String, found: String| Error::Mismatch {
        name: name.to_owned(),
        expected,
        found,
    };
    if found != size {
        return Err(mismatch(format!("{size} bytes"), format!("{found} bytes")));
    }
    match content.map(|(digest, read)| (digest, manifest::digest(read))) {
        Some((digest, read)) if read != digest => Err(mismatch(format!("sha256 {digest}"), format!("sha256 {read}"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_read_back_different_is_a_mismatch() {
        let sent = b"the archive".to_vec();
        let digest = manifest::digest(&sent);
        assert!(check("a.tar.gz", 11, 11, Some((&digest, &sent))).is_ok());
        let short = check("a.tar.gz", 11, 10, None).unwrap_err().to_string();
        assert_eq!(
            short,
            "a.tar.gz was uploaded, but reading it back gave 10 bytes instead of 11 bytes"
        );
        let changed = check("a.tar.gz", 11, 11, Some((&digest, b"the archivE")))
            .unwrap_err()
            .to_string();
        assert!(
            changed.starts_with("a.tar.gz was uploaded, but reading it back gave sha256 ")
                && changed.ends_with(&format!("instead of sha256 {digest}")),
            "{changed}"
        );
    }

    #[test]
    fn the_summary_line() {
        let mut report = Report {
            archive: "20261122T073700Z.tar.gz".to_owned(),
            uploaded: Some(1234),
            kept: 3,
            removed: 1,
        };
        assert_eq!(
            report.line(),
            "Offsite: uploaded `20261122T073700Z.tar.gz` (1234 bytes), kept 3, removed 1.\n"
        );
        report.uploaded = None;
        assert_eq!(
            report.line(),
            "Offsite: `20261122T073700Z.tar.gz` already there, kept 3, removed 1.\n"
        );
    }
}

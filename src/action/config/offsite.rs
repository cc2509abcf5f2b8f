//! The backup mode's offsite copies: `object-store-url` (where: `s3://`, `gs://` or `az://`),
//! `object-store-endpoint` (an S3-compatible server instead of AWS) and `keep-offsite`. The URL names
//! a place, never a credential: those come from each cloud's standard environment variables.

use reqwest::Url;

use super::validator::Validator;

/// The object store clouds, by URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    S3,
    Gcs,
    Azure,
}

/// Where every new snapshot is also stored, and how many are kept there.
#[derive(Debug, Clone)]
pub struct OffsiteConfig {
    pub cloud: Cloud,
    /// The `object-store-url` as given (bucket or container, then the prefix).
    pub url: Url,
    /// The bucket (S3, GCS) or container (Azure).
    pub bucket: String,
    /// The folder inside it, without leading or trailing `/` (may be empty).
    pub prefix: String,
    /// An S3-compatible endpoint instead of AWS's.
    pub endpoint: Option<Url>,
    pub keep: usize,
}

const ACCEPTED: &str = "accepted: s3://bucket[/prefix], gs://bucket[/prefix] or az://container[/prefix], without \
                        credentials (they come from the cloud's environment variables), query or fragment";

/// At most this many snapshots kept offsite.
const MAX_KEEP: usize = 10_000;

impl Validator<'_> {
    /// `None` when there is no `object-store-url` (no offsite copies) or a value is invalid.
    pub(super) fn offsite(&mut self) -> Option<Option<OffsiteConfig>> {
        let keep = self.count("keep-offsite", 30, MAX_KEEP);
        let endpoint = self.value("object-store-endpoint").map(str::to_owned);
        let Some(value) = self.value("object-store-url").map(str::to_owned) else {
            if endpoint.is_some() {
                self.fail::<()>(
                    "object-store-endpoint",
                    "is used only with object-store-url, which is not set",
                );
            }
            return keep.map(|_| None);
        };
        let location = self.object_store_url(&value);
        let endpoint = match endpoint {
            None => Some(None),
            Some(_) if location.as_ref().is_some_and(|(cloud, _)| *cloud != Cloud::S3) => self.fail(
                "object-store-endpoint",
                "applies to s3:// only (an S3-compatible server such as MinIO or R2); leave it empty for gs:// and az://",
            ),
            Some(endpoint) => self.endpoint(&endpoint).map(Some),
        };
        let ((cloud, url), endpoint, keep) = (location?, endpoint?, keep?);
        let bucket = url.host_str().unwrap_or_default().to_owned();
        let prefix = url.path().trim_matches('/').to_owned();
        Some(Some(OffsiteConfig {
            cloud,
            url,
            bucket,
            prefix,
            endpoint,
            keep,
        }))
    }

    fn object_store_url(&mut self, value: &str) -> Option<(Cloud, Url)> {
        let Ok(url) = Url::parse(value) else {
            return self.fail("object-store-url", ACCEPTED);
        };
        if !url.username().is_empty() || url.password().is_some() {
            // The value holds a credential: it is masked and never shown.
            return self.fail_hiding_value(
                "object-store-url",
                format!("must not carry credentials (user:secret@); {ACCEPTED}"),
            );
        }
        let cloud = match url.scheme() {
            "s3" => Cloud::S3,
            "gs" => Cloud::Gcs,
            "az" => Cloud::Azure,
            _ => return self.fail("object-store-url", ACCEPTED),
        };
        let bucket = url.host_str().unwrap_or_default();
        if bucket.is_empty() || url.port().is_some() || url.query().is_some() || url.fragment().is_some() {
            return self.fail("object-store-url", ACCEPTED);
        }
        // The prefix as written: the parser would resolve `a/../b` to `b`.
        let written = value.split_once("://").and_then(|(_, rest)| rest.split_once('/'));
        let prefix = written.map_or("", |(_, prefix)| prefix.trim_matches('/'));
        let part_ok = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        };
        if !prefix.is_empty() && !prefix.split('/').all(part_ok) {
            return self.fail(
                "object-store-url",
                format!("the prefix's folders may hold letters, digits, - _ and . (not . or .. alone, none empty); {ACCEPTED}"),
            );
        }
        Some((cloud, url))
    }

    fn endpoint(&mut self, value: &str) -> Option<Url> {
        let accepted = "accepted: an https:// URL of an S3-compatible server such as https://minio.example.com \
                        (http:// to a loopback host), without credentials, path, query or fragment";
        match Url::parse(value) {
            Ok(url)
                if matches!(url.scheme(), "http" | "https")
                    && url.host().is_some()
                    && url.username().is_empty()
                    && url.password().is_none()
                    && url.path() == "/"
                    && url.query().is_none()
                    && url.fragment().is_none() =>
            {
                self.encrypted("object-store-endpoint", url)
            }
            Ok(url) if !url.username().is_empty() || url.password().is_some() => {
                self.fail_hiding_value("object-store-endpoint", accepted)
            }
            _ => self.fail("object-store-endpoint", accepted),
        }
    }
}

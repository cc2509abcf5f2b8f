//! The object store client of `object-store-url`: S3 (or an S3-compatible endpoint), GCS or Azure
//! Blob, each configured from its cloud's standard environment variables (`AWS_*`, `GOOGLE_*`,
//! `AZURE_*`), on the binary's one TLS stack (reqwest with rustls and ring, see `src/tls.rs`), with
//! few, bounded retries: a failed copy is a warning, and the next run tries again.

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::{ClientOptions, ObjectStore, RetryConfig};

use crate::action::config::{Cloud, OffsiteConfig};

/// The client for `config`; no request is sent yet.
pub(super) fn open(config: &OffsiteConfig) -> Result<Arc<dyn ObjectStore>, object_store::Error> {
    crate::tls::install();
    let retry = RetryConfig {
        max_retries: 3,
        retry_timeout: Duration::from_secs(60),
        ..RetryConfig::default()
    };
    let options = ClientOptions::new()
        .with_connect_timeout(Duration::from_secs(10))
        .with_timeout(Duration::from_secs(300));
    Ok(match config.cloud {
        Cloud::S3 => {
            let mut builder = AmazonS3Builder::from_env()
                .with_bucket_name(&config.bucket)
                .with_retry(retry)
                .with_client_options(options);
            if let Some(endpoint) = &config.endpoint {
                builder = builder
                    .with_endpoint(endpoint.as_str().trim_end_matches('/'))
                    .with_allow_http(endpoint.scheme() == "http");
            }
            Arc::new(builder.build()?)
        }
        Cloud::Gcs => Arc::new(
            GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(&config.bucket)
                .with_retry(retry)
                .with_client_options(options)
                .build()?,
        ),
        Cloud::Azure => Arc::new(
            MicrosoftAzureBuilder::from_env()
                .with_container_name(&config.bucket)
                .with_retry(retry)
                .with_client_options(options)
                .build()?,
        ),
    })
}

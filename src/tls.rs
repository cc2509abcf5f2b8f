//! The one TLS stack of the binary: rustls with the ring provider, and the CA certificates it
//! trusts. reqwest (Cognigy, and gix's HTTP transport) is built without a provider of its own, so
//! every HTTP client calls [`install`] first.
//!
//! Every client trusts the same CA certificates, read by `rustls-native-certs`: reqwest's through
//! `rustls-platform-verifier` (which on Linux loads them with it), gix's transport through
//! reqwest's default client (the GitHub client is a reqwest client too). That crate reads the
//! system's store (the image's `/etc/ssl/certs/ca-certificates.crt`), or, when `SSL_CERT_FILE` (a
//! PEM file) or `SSL_CERT_DIR` (folders of PEM files, separated by `:`) is set, those instead: the
//! way to trust a private CA (a self-hosted Cognigy behind a company CA, the CI's end-to-end
//! servers). [`check_ca_certificates`] reads them as the clients will, before any request, so that
//! a wrong path is an error naming the variable rather than a failed handshake later.

use rustls_native_certs::CertificateResult;

/// The variables that replace the system's CA certificates.
const CA_FILE: &str = "SSL_CERT_FILE";
const CA_DIR: &str = "SSL_CERT_DIR";

/// Installs ring as the process-wide rustls provider; later calls do nothing.
pub fn install() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The TLS configuration of the reqwest clients built here (Cognigy, GitHub, webhooks), made once
/// per process and cloned for each client: reqwest's own for HTTP/1.1 with the platform's
/// verifier, whose making reads and parses every CA certificate (milliseconds of PEM decoding),
/// which each client built again repeated. In-process runs (the soak, the demo) build a client per
/// run; the status mode builds a GitHub client per repository of the fleet.
pub fn client_config() -> Result<rustls::ClientConfig, String> {
    static CONFIG: std::sync::OnceLock<Result<rustls::ClientConfig, String>> = std::sync::OnceLock::new();
    CONFIG.get_or_init(make_client_config).clone()
}

fn make_client_config() -> Result<rustls::ClientConfig, String> {
    install();
    let provider = rustls::crypto::CryptoProvider::get_default()
        .cloned()
        .ok_or("no TLS provider is installed")?;
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(|e| e.to_string())?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(rustls::ALL_VERSIONS)
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(std::sync::Arc::new(verifier))
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// What to do about a server certificate the clients do not trust: for the hints of errors.
pub const UNTRUSTED_HINT: &str = "The server's certificate is not trusted: if it is signed by a private (company) CA, \
     give the action that CA through SSL_CERT_FILE (a PEM file in the workspace, with the public CAs too where \
     another server uses one; see the README's \"Private CA\").";

/// Whether `error` (or one of its causes) is a server certificate rustls refused: a failure that
/// another attempt cannot mend, unlike a refused or reset connection.
pub fn is_untrusted_certificate(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if let Some(rustls::Error::InvalidCertificate(_)) = error.downcast_ref::<rustls::Error>() {
            return true;
        }
        // An `io::Error` names the error it wraps only through `get_ref`: its `source` skips to
        // the wrapped error's own source.
        cause = match error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            Some(wrapped) => Some(wrapped as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    false
}

/// When `SSL_CERT_FILE` or `SSL_CERT_DIR` is set in the process's environment (which the clients
/// read), loads the certificates they name as the clients will; answers what is wrong and what to do.
/// Checked once per process (the in-process callers run many runs under one environment).
pub fn check_ca_certificates() -> Result<(), String> {
    static CHECKED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    CHECKED.get_or_init(check_environment).clone()
}

fn check_environment() -> Result<(), String> {
    let set: Vec<String> = [CA_FILE, CA_DIR]
        .into_iter()
        .filter_map(|name| Some(format!("{name}={}", std::env::var_os(name)?.to_string_lossy())))
        .collect();
    if set.is_empty() {
        return Ok(());
    }
    judge(&set.join(" and "), rustls_native_certs::load_native_certs())
}

/// Whether `loaded`, the certificates read from the variables `set` (`NAME=value`), can be used.
fn judge(set: &str, loaded: CertificateResult) -> Result<(), String> {
    let problem = if let Some(error) = loaded.errors.first() {
        error.to_string()
    } else if loaded.certs.is_empty() {
        "no PEM certificate (-----BEGIN CERTIFICATE-----) was found there".to_owned()
    } else {
        return Ok(());
    };
    Err(format!(
        "the CA certificates of {set} cannot be used: {problem}. {CA_FILE} must name a readable file of PEM \
         certificates, {CA_DIR} folders of such files; they replace the system's CA certificates for every \
         HTTPS connection (Cognigy, git, GitHub), so include the public CAs too where a server uses one, or \
         unset them"
    ))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use cognigy_backup_testkit::tls::TestCa;
    use rustls_native_certs::load_certs_from_paths;

    use super::*;

    /// An error with a cause, as reqwest and hyper wrap the connector's.
    #[derive(Debug)]
    struct Wrapped(std::io::Error);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("client error (Connect)")
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn a_refused_certificate_is_found_among_the_causes() {
        let refused = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        // As rustls's stream and hyper-util's connector wrap it: in two `io::Error`s.
        let wrapped = Wrapped(std::io::Error::other(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            refused,
        )));
        assert!(is_untrusted_certificate(&wrapped));
        let reset = Wrapped(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(!is_untrusted_certificate(&reset));
        let other_tls = Wrapped(std::io::Error::other(rustls::Error::DecryptError));
        assert!(!is_untrusted_certificate(&other_tls));
    }

    #[test]
    fn a_file_of_pem_certificates_is_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, TestCa::new().pem()).unwrap();
        assert_eq!(
            judge("SSL_CERT_FILE=ca.pem", load_certs_from_paths(Some(&path), None)),
            Ok(())
        );
    }

    #[test]
    fn a_missing_file_is_named_with_its_variable() {
        let loaded = load_certs_from_paths(Some(Path::new("/nonexistent/ca.pem")), None);
        let err = judge("SSL_CERT_FILE=/nonexistent/ca.pem", loaded).unwrap_err();
        assert!(
            err.contains("SSL_CERT_FILE=/nonexistent/ca.pem cannot be used"),
            "{err}"
        );
        assert!(err.contains("/nonexistent/ca.pem'"), "the error names the path: {err}");
        assert!(err.contains("must name a readable file of PEM certificates"), "{err}");
    }

    #[test]
    fn a_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "just some text, no certificate\n").unwrap();
        let err = judge("SSL_CERT_FILE=ca.pem", load_certs_from_paths(Some(&path), None)).unwrap_err();
        assert!(err.contains("no PEM certificate"), "{err}");
    }

    #[test]
    fn an_empty_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = judge("SSL_CERT_DIR=certs", load_certs_from_paths(None, Some(dir.path()))).unwrap_err();
        assert!(
            err.contains("SSL_CERT_DIR=certs cannot be used: no PEM certificate"),
            "{err}"
        );
    }
}

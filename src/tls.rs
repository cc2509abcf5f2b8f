//! The one TLS stack of the binary: rustls with the ring provider. reqwest (Cognigy, and gix's HTTP
//! transport) is built without a provider of its own, so every HTTP client calls [`install`] first.

/// Installs ring as the process-wide rustls provider; later calls do nothing.
pub fn install() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

//! The mirror remote: `mirror-remote-url` and `mirror-token`, a second git remote that every push
//! also goes to. Its URL follows the rules of `remote-url` (the same validation); its token is its
//! own: `github-token` is never sent to another server.

use super::repo::RemoteLocation;
use super::validator::Validator;
use crate::secrets::Secret;

/// The second remote and its token.
#[derive(Debug, Clone)]
pub struct MirrorConfig {
    pub remote: RemoteLocation,
    pub token: Option<Secret>,
}

impl Validator<'_> {
    /// `Some(None)` without a mirror; `None` when its inputs are invalid. `primary` is the validated
    /// `remote-url`, which the mirror must not be.
    pub(super) fn mirror(&mut self, primary: Option<&RemoteLocation>) -> Option<Option<MirrorConfig>> {
        let token = self.value("mirror-token").map(Secret::new);
        let Some(value) = self.value("mirror-remote-url").map(str::to_owned) else {
            if token.is_some() {
                return self.fail("mirror-token", "is set without mirror-remote-url: set both, or neither");
            }
            return Some(None);
        };
        // A password inside the URL is a credential: masked before any message can quote the URL.
        if let Some(password) = reqwest::Url::parse(&value).ok().as_ref().and_then(|url| url.password()) {
            crate::secrets::register(password);
        }
        let remote = self.remote_url("mirror-remote-url", value)?;
        if primary.is_some_and(|primary| primary.to_string() == remote.to_string()) {
            return self.fail(
                "mirror-remote-url",
                "is the snapshot repository itself (remote-url); accepted: another git remote",
            );
        }
        if let RemoteLocation::Http(url) = &remote
            && token.is_none()
            && url.username().is_empty()
        {
            return self.fail(
                "mirror-token",
                format!(
                    "is required to push to the http(s) mirror {remote} (github-token is never sent to the mirror)"
                ),
            );
        }
        Some(Some(MirrorConfig { remote, token }))
    }
}

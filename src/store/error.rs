//! What can go wrong in the store, worded for the person who has to fix it.
//!
//! Remotes appear without credentials, and every message taken from a library or a server passes
//! through [`crate::secrets::redact`], so no token reaches an error.

/// A failure of the snapshot store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The remote refused our credentials.
    #[error(
        "authentication failed for {remote}: check github-token (it needs `contents: write` on the repository) \
         or, for a custom remote-url, that the token is accepted there"
    )]
    Auth { remote: String },

    /// A ref no longer points where this run fetched it: another run pushed meanwhile.
    /// Fetch again, re-apply the changes and push again.
    #[error(
        "{remote} changed while this run was working ({}): another run pushed first; fetch again and retry",
        refs.join(", ")
    )]
    LeaseRefused { remote: String, refs: Vec<String> },

    /// The server refused the push for another reason than a lease.
    #[error("{remote} refused the push: {reasons}; check branch protection rules and repository rules for these refs")]
    Rejected { remote: String, reasons: String },

    /// Talking to the remote failed (network, protocol, a dropped connection).
    #[error("could not {action} {remote}: {detail}; check remote-url and the network, then run again")]
    Remote {
        action: &'static str,
        remote: String,
        detail: String,
    },

    /// The remote stopped sending a pack and said why, in git's words: a repository that cannot
    /// read one of its objects names it (`fatal: unable to read <id>`).
    #[error(
        "{remote} stopped sending the objects asked for, and said: {said}. A remote that cannot read \
         an object is damaged: run `git fsck` there and restore what it names from a clone"
    )]
    RemoteSaid { remote: String, said: String },

    /// A file path that cannot be stored in a tree.
    #[error("cannot store the file path {path:?} in a snapshot: {reason}")]
    InvalidPath { path: String, reason: &'static str },

    /// The local scratch repository failed.
    #[error("the local snapshot repository could not {action}: {detail}")]
    Local { action: &'static str, detail: String },
}

impl Error {
    /// A local repository failure while doing `action`.
    pub(crate) fn local(action: &'static str, err: impl std::fmt::Display) -> Self {
        Error::Local {
            action,
            detail: redacted(err),
        }
    }

    /// A remote failure while doing `action` with `remote`, recognising refused credentials.
    pub(crate) fn remote(action: &'static str, remote: &str, err: &gix::Error) -> Self {
        if err.is_unauthenticated() || err.is_permission_denied() {
            return Error::Auth {
                remote: remote.to_owned(),
            };
        }
        let mut detail = redacted(format!("{err:#}"));
        if crate::tls::is_untrusted_certificate(err) {
            detail = format!("{detail}. {}", crate::tls::UNTRUSTED_HINT.trim_end_matches('.'));
        }
        Error::Remote {
            action,
            remote: remote.to_owned(),
            detail,
        }
    }

    /// A remote that stopped sending and `said` why.
    pub(crate) fn remote_said(remote: &str, said: &str) -> Self {
        Error::RemoteSaid {
            remote: remote.to_owned(),
            said: redacted(said.trim_end_matches('.')),
        }
    }

    /// A remote failure reported as an I/O error (writing the request, reading the reply).
    pub(crate) fn io(action: &'static str, remote: &str, err: impl std::fmt::Display) -> Self {
        Error::Remote {
            action,
            remote: remote.to_owned(),
            detail: redacted(err),
        }
    }
}

fn redacted(err: impl std::fmt::Display) -> String {
    crate::secrets::redact(&err.to_string()).into_owned()
}

//! The inputs about the credentials inside a project: `secrets` (`redact`, or `encrypt` to
//! `encryption-recipient`) for every mode that writes a snapshot, and `encryption-identity`, the
//! secret key a restore needs to put encrypted credentials back. Keys are parsed here, before any
//! request, and the identity's value is never shown.

use super::validator::Validator;
use crate::secrets::{Identity, Recipient};

/// How the credentials inside a project are stored in a snapshot.
#[derive(Debug, Clone)]
pub enum SecretsMode {
    /// Replaced by [`crate::secrets::REDACTED`].
    Redact,
    /// Age-encrypted to this recipient.
    Encrypt(Recipient),
}

impl Validator<'_> {
    /// `secrets` and, under `encrypt`, `encryption-recipient`.
    pub(super) fn secrets_mode(&mut self) -> Option<SecretsMode> {
        #[derive(Clone, Copy)]
        enum Choice {
            Redact,
            Encrypt,
        }
        let choice = self.choice(
            "secrets",
            "redact",
            &[("redact", Choice::Redact), ("encrypt", Choice::Encrypt)],
        )?;
        let recipient = self.value("encryption-recipient").map(str::to_owned);
        match (choice, recipient) {
            (Choice::Redact, _) => Some(SecretsMode::Redact),
            (Choice::Encrypt, None) => self.fail(
                "encryption-recipient",
                "is required with `secrets: encrypt`: an age X25519 public key (age1...), made with `age-keygen`; see docs/SECRETS.md",
            ),
            (Choice::Encrypt, Some(text)) if text.to_ascii_uppercase().contains("AGE-SECRET-KEY-") => self.fail_hiding_value(
                "encryption-recipient",
                "holds an age secret key: give its public key (age1..., `age-keygen -y` prints it), and keep the secret \
                 key out of the backup workflow (a restore takes it as `encryption-identity`). Treat this key as exposed \
                 in the workflow file and make a new one",
            ),
            (Choice::Encrypt, Some(text)) => match text.parse::<Recipient>() {
                Ok(recipient) => Some(SecretsMode::Encrypt(recipient)),
                Err(_) => self.fail(
                    "encryption-recipient",
                    "accepted: an age X25519 public key (age1... as `age-keygen` prints it on its \"Public key:\" line), not the secret key",
                ),
            },
        }
    }

    /// `encryption-identity`: `Some(None)` when it is not given.
    pub(super) fn identity(&mut self) -> Option<Option<Identity>> {
        let Some(text) = self.value("encryption-identity").map(str::to_owned) else {
            return Some(None);
        };
        // `age-keygen` writes comment lines before the key: take the key line.
        let key = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .unwrap_or_default();
        match key.parse::<Identity>() {
            Ok(identity) => Some(Some(identity)),
            Err(_) => self.fail(
                "encryption-identity",
                "accepted: an age X25519 secret key (AGE-SECRET-KEY-1..., the file `age-keygen` writes, comments allowed)",
            ),
        }
    }
}

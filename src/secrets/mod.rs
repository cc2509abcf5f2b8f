//! Secrets: the action's own (API key, tokens, webhook URL, identity), which never reach anything
//! the process prints or writes ([`mask`]), and the credentials inside a Cognigy project, which
//! never reach a snapshot in plain text:
//! - [`fields`]: which values of a resource are credentials (a table per kind, names, forms);
//! - [`seal`]: the export side: every credential replaced by [`REDACTED`] as the export is
//!   assembled, the values kept aside in memory ([`Plaintexts`]); under `secrets: encrypt` the
//!   marker becomes an age-encrypted value, reusing the previous snapshot's ciphertext when the
//!   value is unchanged;
//! - [`cipher`]: age encryption of one value and the keyed fingerprint;
//! - [`unseal`]: the restore side: what a restore writes instead of a stored credential (the live
//!   value, or the decrypted one), and the snapshot as a comparison sees it.
//!
//! The export and the restore both use these; none of it knows git.

pub mod cipher;
pub mod fields;
pub mod mask;
pub mod seal;
pub mod unseal;

pub use cipher::{Identity, Recipient};
pub use fields::REDACTED;
pub use mask::{Secret, redact, register, registered};
pub use seal::Plaintexts;

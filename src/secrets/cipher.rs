//! `secrets: encrypt`: one credential value as an age-encrypted string, and the keyed fingerprint
//! that tells, without decrypting, whether a value is still the one a stored string holds.
//!
//! A stored value reads `<encrypted by cognigy-backup: v1 <key id> <fingerprint> <age>>`:
//! - `<age>`: the value (as JSON, so a number stays a number) encrypted with age to the X25519
//!   recipient, base64. Only the matching identity opens it (`age -d` as well as a restore).
//! - `<fingerprint>`: HMAC-SHA256 of the recipient, the value's place (kind, resource, file, JSON
//!   pointer) and the value, keyed with a key derived from the Cognigy API key; 128 bits, hex.
//!   Age ciphertexts are randomised, so an unchanged value keeps the ciphertext of the previous
//!   snapshot when its fingerprint is the same: that keeps the tree byte-identical.
//! - `<key id>`: HMAC of the recipient under the same key, 64 bits, hex: when it differs from the
//!   previous snapshot's, every fingerprint differs and every value is encrypted anew.
//!
//! Why the API key keys it: a backup must compute the fingerprint without any secret but those it
//! already has (the recipient is public, so a key derived from it would let anyone with read access
//! test guesses of a short password against the fingerprint). Whoever has the API key can read the
//! value from Cognigy anyway, so the fingerprint tells nobody anything they could not learn already.
//! The place is part of it, so two fields that hold the same password do not show it. Rotating the
//! API key or the recipient encrypts every value once more (the next snapshot says so).

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

use super::mask::Secret;

/// How every stored encrypted value begins.
pub const PREFIX: &str = "<encrypted by cognigy-backup: ";

/// The layout of the stored string this version writes.
const VERSION: &str = "v1";

/// An age X25519 recipient (`age1...`): a public key, all a backup needs to encrypt.
#[derive(Clone)]
pub struct Recipient(age::x25519::Recipient);

/// An age X25519 identity (`AGE-SECRET-KEY-1...`): the secret key that opens what was encrypted
/// to its recipient. Never printed.
#[derive(Clone)]
pub struct Identity(age::x25519::Identity);

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(***)")
    }
}

impl FromStr for Recipient {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        age::x25519::Recipient::from_str(text.trim()).map(Recipient)
    }
}

impl FromStr for Identity {
    type Err = &'static str;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        age::x25519::Identity::from_str(text.trim()).map(Identity)
    }
}

impl Identity {
    /// The recipient whose values this identity opens.
    pub fn recipient(&self) -> Recipient {
        Recipient(self.0.to_public())
    }

    /// The value `stored` holds; `None` when it is not an encrypted value or not for this identity.
    /// A value opened is registered for masking: no log line shows it either.
    pub fn open(&self, stored: &str) -> Option<Value> {
        let sealed = Sealed::parse(stored)?;
        let ciphertext = STANDARD.decode(sealed.ciphertext).ok()?;
        let plaintext = age::decrypt(&self.0, &ciphertext).ok()?;
        let value: Value = serde_json::from_slice(&plaintext).ok()?;
        match &value {
            Value::String(text) => super::mask::register(text),
            other => super::mask::register(&other.to_string()),
        }
        Some(value)
    }
}

/// The parts of a stored encrypted value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sealed<'a> {
    pub key_id: &'a str,
    pub fingerprint: &'a str,
    ciphertext: &'a str,
}

impl<'a> Sealed<'a> {
    /// The parts of `stored`, when it is an encrypted value of this layout.
    pub fn parse(stored: &'a str) -> Option<Self> {
        let inner = stored.strip_prefix(PREFIX)?.strip_suffix('>')?;
        let mut parts = inner.split(' ');
        match (parts.next(), parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(VERSION), Some(key_id), Some(fingerprint), Some(ciphertext), None) => Some(Sealed {
                key_id,
                fingerprint,
                ciphertext,
            }),
            _ => None,
        }
    }
}

/// Whether `text` is an encrypted value (of any layout): what a restore never writes to Cognigy.
pub fn is_encrypted(text: &str) -> bool {
    text.starts_with(PREFIX) && text.ends_with('>')
}

/// Encrypts values to one recipient, with fingerprints keyed by one API key.
pub struct Sealer {
    recipient: age::x25519::Recipient,
    key: Vec<u8>,
    key_id: String,
}

impl Sealer {
    pub fn new(recipient: &Recipient, api_key: &Secret) -> Self {
        let key = hmac(api_key.expose().as_bytes(), &[b"cognigy-backup fingerprint key v1"]);
        let public = recipient.0.to_string();
        let key_id = hex(&hmac(&key, &[b"key id", public.as_bytes()])[..8]);
        Sealer {
            recipient: recipient.0.clone(),
            key,
            key_id,
        }
    }

    /// The key id every value this sealer writes carries.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The fingerprint of `value` at `place`.
    pub fn fingerprint(&self, place: &str, value: &Value) -> String {
        let public = self.recipient.to_string();
        let value = value.to_string();
        hex(&hmac(
            &self.key,
            &[public.as_bytes(), b"\0", place.as_bytes(), b"\0", value.as_bytes()],
        )[..16])
    }

    /// `value` at `place`, encrypted anew.
    pub fn seal(&self, place: &str, value: &Value) -> String {
        let ciphertext = age::encrypt(&self.recipient, value.to_string().as_bytes())
            .expect("encrypting to an X25519 recipient in memory cannot fail");
        format!(
            "{PREFIX}{VERSION} {} {} {}>",
            self.key_id,
            self.fingerprint(place, value),
            STANDARD.encode(ciphertext)
        )
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use serde_json::json;

    /// A fresh key pair.
    pub(crate) fn keys() -> (Recipient, Identity) {
        let identity = Identity(age::x25519::Identity::generate());
        (identity.recipient(), identity)
    }

    #[test]
    fn a_sealed_value_opens_with_the_identity_only() {
        let (recipient, identity) = keys();
        let sealer = Sealer::new(&recipient, &Secret::new("api-key-for-tests-1"));
        for value in [json!("hunter2"), json!(1234), json!("é\n\"quoted\"")] {
            let stored = sealer.seal("endpoints/e1/endpoint.json/settings/token", &value);
            assert!(is_encrypted(&stored) && stored.starts_with(PREFIX), "{stored}");
            assert!(!stored.contains("hunter2"));
            assert_eq!(identity.open(&stored), Some(value.clone()));
            assert_eq!(keys().1.open(&stored), None, "another identity opens nothing");
            let parts = Sealed::parse(&stored).unwrap();
            assert_eq!(parts.key_id, sealer.key_id());
            assert_eq!(
                parts.fingerprint,
                sealer.fingerprint("endpoints/e1/endpoint.json/settings/token", &value)
            );
        }
        assert_eq!(identity.open("<redacted by cognigy-backup>"), None);
    }

    #[test]
    fn fingerprints_depend_on_value_place_recipient_and_api_key() {
        let (recipient, _) = keys();
        let api_key = Secret::new("api-key-for-tests-2");
        let sealer = Sealer::new(&recipient, &api_key);
        let fp = sealer.fingerprint("a", &json!("pw"));
        assert_eq!(fp, Sealer::new(&recipient, &api_key).fingerprint("a", &json!("pw")));
        assert_eq!(fp.len(), 32);
        assert_ne!(fp, sealer.fingerprint("b", &json!("pw")), "the place");
        assert_ne!(fp, sealer.fingerprint("a", &json!("pw2")), "the value");
        let other_recipient = Sealer::new(&keys().0, &api_key);
        assert_ne!(fp, other_recipient.fingerprint("a", &json!("pw")));
        assert_ne!(sealer.key_id(), other_recipient.key_id());
        let other_key = Sealer::new(&recipient, &Secret::new("api-key-for-tests-3"));
        assert_ne!(fp, other_key.fingerprint("a", &json!("pw")));
        assert_ne!(sealer.key_id(), other_key.key_id());
        // Randomised: two seals of one value differ, with the same fingerprint.
        let (a, b) = (sealer.seal("a", &json!("pw")), sealer.seal("a", &json!("pw")));
        assert_ne!(a, b);
        assert_eq!(
            Sealed::parse(&a).unwrap().fingerprint,
            Sealed::parse(&b).unwrap().fingerprint
        );
    }

    #[test]
    fn keys_parse_only_in_their_own_form() {
        let (recipient, identity) = keys();
        let public = recipient.0.to_string();
        assert!(public.parse::<Recipient>().is_ok());
        assert!(format!("  {public}\n").parse::<Recipient>().is_ok());
        assert!("age1notakey".parse::<Recipient>().is_err());
        assert!(public.parse::<Identity>().is_err());
        use age::secrecy::ExposeSecret;
        let secret = identity.0.to_string();
        assert!(secret.expose_secret().parse::<Identity>().is_ok());
        assert!(secret.expose_secret().parse::<Recipient>().is_err());
        assert_eq!(format!("{identity:?}"), "Identity(***)");
    }

    proptest::proptest! {
        #[test]
        fn encryption_round_trips(text in ".*", number in proptest::prelude::any::<i64>()) {
            let (recipient, identity) = keys();
            let sealer = Sealer::new(&recipient, &Secret::new("api-key-for-tests-4"));
            for value in [json!(text), json!(number)] {
                let stored = sealer.seal("place", &value);
                proptest::prop_assert_eq!(identity.open(&stored), Some(value));
            }
        }
    }
}

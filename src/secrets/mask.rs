//! Masking: values that must never reach a log, an output, a summary, a commit or an error.
//!
//! A [`Secret`] prints as `***`. Every secret the process learns (its secret inputs, and the
//! credentials an export finds inside the project) is also registered here, so the
//! writers of everything the process prints or writes (logs, workflow commands, outputs, the step
//! summary) can pass text through [`redact`] as a last line of defence.

use std::borrow::Cow;
use std::fmt;
use std::sync::{OnceLock, RwLock};

/// A secret value. `Debug` and `Display` never show it; [`Secret::expose`] is the one way out.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value` and registers it for redaction.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        register(&value);
        Secret(value)
    }

    /// The value itself, for the one place that must send it (a header, a credential).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

fn registry() -> &'static RwLock<Vec<String>> {
    static REGISTRY: OnceLock<RwLock<Vec<String>>> = OnceLock::new();
    REGISTRY.get_or_init(|| RwLock::new(Vec::new()))
}

/// Remembers `value` (and each of its lines) as secret. Values shorter than four characters are
/// not registered: replacing them would garble ordinary text and they protect nothing.
pub fn register(value: &str) {
    let mut secrets = registry().write().unwrap_or_else(|e| e.into_inner());
    for part in std::iter::once(value).chain(value.lines()) {
        let part = part.trim();
        if part.len() >= 4 && !secrets.iter().any(|s| s == part) {
            secrets.push(part.to_owned());
        }
    }
    // Longest first, so a secret that contains another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
}

/// Every registered secret, for `::add-mask::`.
pub fn registered() -> Vec<String> {
    registry().read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// `text` with every registered secret replaced by `***`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let secrets = registry().read().unwrap_or_else(|e| e.into_inner());
    if !secrets.iter().any(|s| text.contains(s.as_str())) {
        return Cow::Borrowed(text);
    }
    let mut out = text.to_owned();
    for secret in secrets.iter() {
        out = out.replace(secret.as_str(), "***");
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print_and_are_redacted_from_text() {
        let s = Secret::new("tok-3f9a-very-secret");
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
        assert_eq!(s.expose(), "tok-3f9a-very-secret");
        assert_eq!(redact("push with tok-3f9a-very-secret failed"), "push with *** failed");
        assert_eq!(redact("nothing here"), "nothing here");
    }

    #[test]
    fn multi_line_secrets_are_redacted_line_by_line() {
        register("line-one-abc\nline-two-def");
        assert_eq!(redact("x line-two-def y"), "x *** y");
    }
}

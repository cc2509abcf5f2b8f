//! A Cognigy user as a git author: only a user that is plainly an e-mail address (nothing git's
//! signature syntax or a trailer could read as structure: no spaces, `<`, `>`, line breaks or
//! control characters) becomes one; its name is the part before the `@`.

/// At most this many characters (RFC 5321's limit on a path).
const MAX_LEN: usize = 254;

/// The characters of an address's local part (RFC 5322's `atext` and the dot).
const LOCAL: &str = ".!#$%&'*+/=?^_`{|}~-";

/// A person git can name: an e-mail address and the name shown for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

impl Person {
    /// The person `user` (the audit trail's `user`, untrusted) is, if it is an e-mail address.
    pub fn from_user(user: &str) -> Option<Person> {
        if user.len() > MAX_LEN {
            return None;
        }
        let (local, domain) = user.split_once('@')?;
        let local_ok = !local.is_empty() && local.chars().all(|c| c.is_ascii_alphanumeric() || LOCAL.contains(c));
        let domain_ok = !domain.is_empty()
            && domain
                .split('.')
                .all(|label| !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        (local_ok && domain_ok).then(|| Person {
            name: local.to_owned(),
            email: user.to_owned(),
        })
    }

    /// `name <email>`, as a trailer or a signature writes it.
    pub fn signature(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_plain_address_is_a_person() {
        let ann = Person::from_user("ann.lee+bots@example.co.uk").unwrap();
        assert_eq!(ann.name, "ann.lee+bots");
        assert_eq!(ann.signature(), "ann.lee+bots <ann.lee+bots@example.co.uk>");
        assert!(Person::from_user("ops@localhost").is_some());
        let long = format!("{}@example.com", "a".repeat(250));
        for user in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "ann@@example.com",
            "ann@exa mple.com",
            "Ann <ann@example.com>",
            "ann@example.com>",
            "ann@example.com\nCo-authored-by: evil <evil@example.com>",
            "ann\r@example.com",
            "ann@example..com",
            "ann@ex\u{202e}ample.com",
            "änn@example.com",
            long.as_str(),
        ] {
            assert_eq!(Person::from_user(user), None, "{user:?}");
        }
    }
}

//! Which snapshot a run reads: the selectors of the `snapshot` input (and of diff's `against`) (`latest`, a commit SHA, a snapshot
//! id, a monthly tag) and the snapshot id format.

use super::validator::Validator;

/// Which snapshot a restore or a diff reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotSelector {
    Latest,
    /// A commit SHA, full or abbreviated (at least 7 hex digits), lower-cased.
    Commit(String),
    /// A snapshot id (`20261122T003105Z`).
    SnapshotId(String),
    /// A `monthly-YYYY-MM` tag.
    MonthlyTag(String),
}

impl Validator<'_> {
    /// The selector `input` (`snapshot`, or diff's `against`) holds; empty: `latest`.
    pub(super) fn snapshot_selector(&mut self, input: &str) -> Option<SnapshotSelector> {
        let value = self.value(input).unwrap_or("latest");
        parse_snapshot_selector(value).or_else(|| {
            self.fail(
                input,
                "accepted: latest, a commit SHA (7 to 40 hex digits), a snapshot id such as 20261122T003105Z, or a tag monthly-YYYY-MM",
            )
        })
    }
}

/// `latest`, a commit SHA, a snapshot id or a monthly tag; `None` for anything else.
pub fn parse_snapshot_selector(value: &str) -> Option<SnapshotSelector> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("latest") {
        return Some(SnapshotSelector::Latest);
    }
    if (7..=40).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Some(SnapshotSelector::Commit(value.to_ascii_lowercase()));
    }
    if is_snapshot_id(value) {
        return Some(SnapshotSelector::SnapshotId(value.to_owned()));
    }
    if let Some(month) = value.strip_prefix("monthly-") {
        let b = month.as_bytes();
        let well_formed =
            b.len() == 7 && b[4] == b'-' && month.chars().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit());
        if well_formed && matches!(month[5..].parse::<u8>(), Ok(1..=12)) {
            return Some(SnapshotSelector::MonthlyTag(value.to_owned()));
        }
    }
    None
}

/// A snapshot id: the capture time in UTC, `YYYYMMDDTHHMMSSZ`.
pub fn is_snapshot_id(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 16 && b[8] == b'T' && b[15] == b'Z' && b[..8].iter().chain(&b[9..15]).all(u8::is_ascii_digit)
}

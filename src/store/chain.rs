//! The tier chains, planned as pure functions over a list of commits.
//!
//! A tier is a linear chain, oldest first, whose oldest commit has no parent. Changing it appends a
//! commit, replaces the tip, or keeps only the newest N; every kept commit keeps its tree, message and
//! dates. Because a commit's id covers its parent, every commit after the first changed position is
//! written anew: [`plan`] says which commits stay as they are ([`Step::Keep`]) and which are written
//! ([`Step::Write`]); [`Store::write_chain`](crate::store::Store::write_chain) writes them.

use gix::ObjectId;
use gix::date::Time;

/// What a commit of a tier holds, apart from its parent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commit {
    pub tree: ObjectId,
    pub message: String,
    /// Who the commit is authored by when that is not the store's own identity (which always
    /// commits it): a person the caller vouches for (a validated name and e-mail).
    pub author: Option<Author>,
    pub authored: Time,
    pub committed: Time,
}

/// A commit's author other than the store's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Author {
    /// Neither may hold `<`, `>` or a line break (git's signature syntax): the caller checks.
    pub name: String,
    pub email: String,
}

impl Commit {
    /// A commit of `tree` captured at `at` (author and committer date alike, in UTC).
    pub fn captured(tree: ObjectId, message: impl Into<String>, at: time::OffsetDateTime) -> Self {
        let time = Time {
            seconds: at.unix_timestamp(),
            offset: 0,
        };
        Commit {
            tree,
            message: message.into(),
            author: None,
            authored: time,
            committed: time,
        }
    }
}

/// A commit of an existing chain: its id and what it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub id: ObjectId,
    pub commit: Commit,
}

/// A change to a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Add a commit on top.
    Append(Commit),
    /// Put a commit in place of the tip (appends to an empty chain).
    ReplaceTip(Commit),
    /// Put a commit at position `at` (0 = below the oldest), above the older commits and below
    /// the newer ones: a capture that lost a race to a newer one goes under it, not on top.
    Insert { at: usize, commit: Commit },
    /// Only apply the retention.
    Retain,
}

/// One commit of the planned chain, oldest first; each step's parent is the step before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The existing commit, unchanged (so are all before it).
    Keep(ObjectId),
    /// A commit to write on top of the previous step.
    Write(Commit),
}

/// The chain after `change`, keeping the newest `keep` commits (at least one).
///
/// Existing commits are kept by id as long as everything below them is unchanged; from the first
/// difference on (a dropped root, a replaced tip), commits are written anew with their content.
pub fn plan(chain: &[Link], change: Change, keep: usize) -> Vec<Step> {
    enum Wanted<'a> {
        Old(&'a Link),
        New(Commit),
    }
    let mut wanted: Vec<Wanted> = chain.iter().map(Wanted::Old).collect();
    match change {
        Change::Append(commit) => wanted.push(Wanted::New(commit)),
        Change::ReplaceTip(commit) => {
            wanted.pop();
            wanted.push(Wanted::New(commit));
        }
        Change::Insert { at, commit } => wanted.insert(at.min(chain.len()), Wanted::New(commit)),
        Change::Retain => {}
    }
    let dropped = wanted.len().saturating_sub(keep.max(1));
    // Once a commit is dropped below or written, every commit above it gets a new parent.
    let mut rewriting = dropped > 0;
    wanted
        .into_iter()
        .skip(dropped)
        .map(|step| match step {
            Wanted::Old(link) if !rewriting => Step::Keep(link.id),
            Wanted::Old(link) => Step::Write(link.commit.clone()),
            Wanted::New(commit) => {
                rewriting = true;
                Step::Write(commit)
            }
        })
        .collect()
}

/// Whether `steps` leave the chain as it is.
pub fn is_unchanged(steps: &[Step], chain: &[Link]) -> bool {
    steps.len() == chain.len() && steps.iter().all(|step| matches!(step, Step::Keep(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(n: u8) -> Commit {
        let tree = ObjectId::from_bytes_or_panic(&[n; 20]);
        let time = |s| Time {
            seconds: i64::from(n) * 3600 + s,
            offset: 0,
        };
        Commit {
            tree,
            message: format!("snapshot {n}"),
            author: None,
            authored: time(0),
            committed: time(60),
        }
    }

    fn chain(ns: &[u8]) -> Vec<Link> {
        ns.iter()
            .map(|&n| Link {
                id: ObjectId::from_bytes_or_panic(&[100 + n; 20]),
                commit: commit(n),
            })
            .collect()
    }

    /// Steps written as `k3` (keep the existing commit 3) or `w3` (write commit 3's content).
    fn steps(spec: &str) -> Vec<Step> {
        spec.split_whitespace()
            .map(|s| {
                let n: u8 = s[1..].parse().unwrap();
                match &s[..1] {
                    "k" => Step::Keep(ObjectId::from_bytes_or_panic(&[100 + n; 20])),
                    _ => Step::Write(commit(n)),
                }
            })
            .collect()
    }

    #[test]
    fn plans() {
        use Change::*;
        let cases: &[(&str, &[u8], Change, usize, &str)] = &[
            ("append to empty", &[], Append(commit(1)), 3, "w1"),
            ("append below the limit", &[1, 2], Append(commit(3)), 3, "k1 k2 w3"),
            (
                "append at the limit re-roots",
                &[1, 2, 3],
                Append(commit(4)),
                3,
                "w2 w3 w4",
            ),
            ("append with keep 1", &[1], Append(commit(2)), 1, "w2"),
            ("keep 0 counts as 1", &[1], Append(commit(2)), 0, "w2"),
            ("replace the tip", &[1, 2], ReplaceTip(commit(3)), 3, "k1 w3"),
            ("replace the only commit", &[1], ReplaceTip(commit(2)), 3, "w2"),
            ("replace on empty appends", &[], ReplaceTip(commit(1)), 3, "w1"),
            (
                "replace over the limit re-roots",
                &[1, 2, 3, 4],
                ReplaceTip(commit(5)),
                2,
                "w3 w5",
            ),
            ("retain within the limit", &[1, 2], Retain, 2, "k1 k2"),
            ("retain shrinks to the newest", &[1, 2, 3, 4], Retain, 2, "w3 w4"),
            ("retain on empty", &[], Retain, 2, ""),
            (
                "insert in the middle rewrites above",
                &[1, 3],
                Insert {
                    at: 1,
                    commit: commit(2),
                },
                5,
                "k1 w2 w3",
            ),
            (
                "insert below the oldest",
                &[2, 3],
                Insert {
                    at: 0,
                    commit: commit(1),
                },
                5,
                "w1 w2 w3",
            ),
            (
                "insert at the end appends",
                &[1, 2],
                Insert {
                    at: 2,
                    commit: commit(3),
                },
                5,
                "k1 k2 w3",
            ),
            (
                "insert past the end appends",
                &[1],
                Insert {
                    at: 9,
                    commit: commit(2),
                },
                5,
                "k1 w2",
            ),
            (
                "insert at the limit re-roots",
                &[1, 3, 4],
                Insert {
                    at: 1,
                    commit: commit(2),
                },
                3,
                "w2 w3 w4",
            ),
            (
                "insert below a full chain drops it",
                &[2, 3],
                Insert {
                    at: 0,
                    commit: commit(1),
                },
                2,
                "w2 w3",
            ),
        ];
        for (name, existing, change, keep, expected) in cases {
            let got = plan(&chain(existing), change.clone(), *keep);
            assert_eq!(got, steps(expected), "{name}");
        }
    }

    #[test]
    fn rewritten_commits_keep_tree_message_and_dates() {
        let existing = chain(&[1, 2, 3]);
        let planned = plan(&existing, Change::Retain, 2);
        let Step::Write(rewritten) = &planned[0] else {
            panic!("the new root is written")
        };
        assert_eq!(rewritten, &existing[1].commit);
    }

    #[test]
    fn unchanged_only_when_every_commit_is_kept() {
        let existing = chain(&[1, 2]);
        assert!(is_unchanged(&plan(&existing, Change::Retain, 5), &existing));
        assert!(!is_unchanged(&plan(&existing, Change::Retain, 1), &existing));
        assert!(!is_unchanged(&plan(&existing, Change::Append(commit(3)), 5), &existing));
    }
}

//! The mirror remote (`mirror-remote-url`) as the modes use it: after every push to the primary,
//! [`Repo::update`](super::repo::Repo::update) brings the mirror's tier refs to the primary's
//! state with [`Store::mirror_to`](crate::store::Store::mirror_to); the outcome goes into the run's
//! [`Log`], which [`report`] turns into the summary line, the metrics figure and, for a mirror
//! that failed or was overwritten, a warning. A mirror that fails never fails the run: the
//! primary is the source of truth, and the next run catches the mirror up.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::action::commands::{Level, Runner};
use crate::action::config::MirrorConfig;
use crate::escape::markdown;
use crate::store::{self, Mirrored, RefSelection, Remote, Store};

use super::{Error, Outcome};

/// How the mirror stands after a push.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Synced {
    /// It holds what the primary holds (`Mirrored::updates` says what this push changed).
    UpToDate(Mirrored),
    /// It could not be brought up to date: why.
    Behind(String),
}

/// What the run's pushes did to the mirror: the mirror as shown, and how it stands after each
/// push. Shared between the modes' stores and the report.
#[derive(Clone, Debug, Default)]
pub struct Log(Arc<Mutex<Vec<(String, Synced)>>>);

impl Log {
    fn record(&self, mirror: &Remote, synced: Synced) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((mirror.display(), synced));
    }

    /// The mirror as shown and how it stands after the run's last push (the refs overwritten by
    /// any of them gathered), when a push went to it.
    pub fn last(&self) -> Option<(String, Synced)> {
        let synced = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (mirror, last) = synced.last()?.clone();
        let Synced::UpToDate(mut mirrored) = last else {
            return Some((mirror, last));
        };
        let earlier = synced.iter().rev().skip(1).filter_map(|(_, synced)| match synced {
            Synced::UpToDate(earlier) => Some(earlier),
            Synced::Behind(_) => None,
        });
        for earlier in earlier {
            mirrored.updates.extend(earlier.updates.iter().cloned());
            mirrored.overwritten.extend(earlier.overwritten.iter().cloned());
            mirrored.report.objects_sent += earlier.report.objects_sent;
        }
        Some((mirror, Synced::UpToDate(mirrored)))
    }
}

/// The mirror of a run's snapshot repository.
#[derive(Clone, Debug)]
pub struct Mirror {
    pub remote: Remote,
    log: Log,
}

impl Mirror {
    /// The mirror of `config`, reporting into `log`.
    pub fn new(config: &MirrorConfig, log: &Log) -> Mirror {
        Mirror {
            remote: super::repo::remote_at(&config.remote, config.token.clone()),
            log: log.clone(),
        }
    }

    /// Brings the refs `selection` names on the mirror to the store's (the primary's, just
    /// pushed); a failure is recorded, never returned.
    pub fn sync(&self, store: &Store, selection: &RefSelection) {
        let synced = match store.mirror_to(&self.remote, selection) {
            Ok(mirrored) => Synced::UpToDate(mirrored),
            Err(error) => Synced::Behind(why(&error)),
        };
        self.log.record(&self.remote, synced);
    }
}

/// What went wrong with the mirror, pointing at the mirror's inputs.
pub fn why(error: &store::Error) -> String {
    match error {
        store::Error::Auth { remote } => format!(
            "authentication failed for {remote}: check mirror-token (it needs write access to the mirror repository)"
        ),
        store::Error::Remote { action, remote, detail } => {
            format!("could not {action} {remote}: {detail}; check mirror-remote-url and the network")
        }
        other => other.to_string(),
    }
}

/// Adds how the mirror stands to the run's report: a summary line and the `mirror` figure of a
/// finished run, and a warning when the mirror is behind or was overwritten (also for a run that
/// failed after a push).
pub fn report(log: &Log, result: &mut Result<Outcome, Error>, runner: &Runner) {
    let Some((mirror, synced)) = log.last() else {
        return;
    };
    let line = match &synced {
        Synced::UpToDate(mirrored) if mirrored.updates.is_empty() => {
            format!("**Mirror** {}: up to date.", markdown::code(&mirror))
        }
        Synced::UpToDate(mirrored) => {
            let overwritten = if mirrored.overwritten.is_empty() {
                String::new()
            } else {
                runner.annotate(
                    Level::Warning,
                    "Mirror overwritten",
                    &format!(
                        "the mirror {mirror} held commits the primary does not have on {}: they were replaced by the \
                         primary's, which is the source of truth",
                        mirrored.overwritten.join(", ")
                    ),
                );
                let names: Vec<String> = mirrored.overwritten.iter().map(|name| markdown::code(name)).collect();
                format!(
                    " It held commits the primary does not have on {}: replaced, as the primary is the source of truth.",
                    names.join(", ")
                )
            };
            format!(
                "**Mirror** {}: up to date ({} ref(s) updated, {} object(s) sent).{overwritten}",
                markdown::code(&mirror),
                mirrored.updates.iter().map(|u| &u.name).collect::<BTreeSet<_>>().len(),
                mirrored.report.objects_sent
            )
        }
        Synced::Behind(why) => {
            runner.annotate(
                Level::Warning,
                "Mirror behind",
                &format!(
                    "the mirror {mirror} did not receive this run's push: {why}. The primary holds it; the next run \
                     brings the mirror up to date"
                ),
            );
            format!(
                "**Mirror** {}: **behind**: {}. The primary holds this run's changes; the next run brings the mirror up \
                 to date.",
                markdown::code(&mirror),
                markdown::text(why)
            )
        }
    };
    if let Ok(outcome) = result {
        outcome.summary.push_str(&format!("\n{line}\n"));
        outcome.figures.mirror = Some(match synced {
            Synced::UpToDate(_) => "ok",
            Synced::Behind(_) => "behind",
        });
    }
}

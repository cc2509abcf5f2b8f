//! Notifications: after a run, one message to the webhook of `webhook-url`, when `notify-on` asks
//! for it, in the format of `webhook-format` (Slack Block Kit, a Discord embed, a Teams Adaptive
//! Card, or plain JSON). A [`Notice`] is what every format says: the mode, its outcome, the
//! project, the snapshot, what changed by kind and name (and, where known, by whom), the error of
//! a failed run, the link to the run. Each format lays it out within its platform's documented
//! limits ([`limits`]) and escapes the untrusted parts for its own markup ([`crate::escape::chat`]).
//!
//! Sending never fails the run: a webhook that does not answer 2xx is tried again with backoff
//! ([`deliver`]), then the run gets a warning. The webhook URL is a secret and is never written.

mod deliver;
mod discord;
mod json;
pub mod limits;
mod slack;
pub mod stale;
mod teams;

use crate::action::commands::{Level, Runner};
use crate::action::config::{Mode, Notify, NotifyOn, WebhookFormat};
use crate::snapshot::diff::{Change, Changes};

/// How a run ended, as a notification tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The run failed; the message says why (it may quote a server: untrusted).
    Failed(String),
    /// Something changed: a new snapshot was pushed, or a restore was applied.
    Changed,
    /// The run succeeded and changed nothing (no new snapshot, a dry run, promote, verify, ...).
    Unchanged,
    /// A backup found the project unchanged for this many days (`stale-after-days`): sent once,
    /// then not again until the next change.
    Stale(u32),
}

/// What a notification says about one run.
#[derive(Debug, Clone)]
pub struct Notice {
    pub mode: Mode,
    pub status: Status,
    /// The Cognigy project (a validated id), when the mode has one.
    pub project: Option<String>,
    /// The snapshot repository, `owner/name`, when known.
    pub repository: Option<String>,
    /// The snapshot the run made or used.
    pub snapshot_id: Option<String>,
    /// What changed, resource by resource (a new snapshot's changes).
    pub changes: Option<Changes>,
    /// The workflow run, for the button.
    pub run_url: Option<String>,
    /// A status run's fleet summary.
    pub fleet: Option<FleetNotice>,
}

/// What a status run says of the fleet: the repositories that need attention, reds first, each
/// with why, and how many are healthy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FleetNotice {
    pub repositories: usize,
    /// `(red or yellow, owner/name, why)`, reds first.
    pub unhealthy: Vec<(&'static str, String, String)>,
    pub healthy: usize,
}

/// Whether `notify-on` wants a status run's fleet summary: `always` every run (a daily summary on
/// the schedule of its workflow), `failure` and `change` when a repository is red or yellow.
pub fn fleet_wanted(on: NotifyOn, fleet: &FleetNotice) -> bool {
    match on {
        NotifyOn::Never => false,
        NotifyOn::Always => true,
        NotifyOn::Failure | NotifyOn::Change => !fleet.unhealthy.is_empty(),
    }
}

/// Whether `notify-on` wants a notice of `status`.
pub fn wanted(on: NotifyOn, status: &Status) -> bool {
    match on {
        NotifyOn::Never => false,
        // A project that stopped changing may be a backup that stopped seeing it: worth a word
        // whatever else is asked for.
        _ if matches!(status, Status::Stale(_)) => true,
        NotifyOn::Always => true,
        NotifyOn::Failure => matches!(status, Status::Failed(_)),
        NotifyOn::Change => matches!(status, Status::Failed(_) | Status::Changed),
    }
}

/// Sends `notice` when `notify` has a webhook and wants it; a failure becomes a warning.
pub fn send(notify: &Notify, notice: &Notice, runner: &Runner) {
    let Some((url, format)) = &notify.webhook else { return };
    let wanted = match &notice.fleet {
        Some(fleet) => fleet_wanted(notify.on, fleet),
        None => wanted(notify.on, &notice.status),
    };
    if !wanted {
        return;
    }
    let message = match format {
        WebhookFormat::Slack => slack::message(notice),
        WebhookFormat::Discord => discord::message(notice),
        WebhookFormat::Teams => teams::message(notice),
        WebhookFormat::Json => json::message(notice),
    };
    match deliver::post(url.expose(), &message) {
        Ok(attempts) => tracing::info!("notified the webhook ({}, {attempts} attempt(s))", format.name()),
        Err(why) => runner.annotate(
            Level::Warning,
            "Notification not sent",
            &format!(
                "the {} webhook of webhook-url did not take the notification: {why}. The run itself is not affected; \
                 check the webhook (it may have been deleted or rotated)",
                format.name()
            ),
        ),
    }
}

impl WebhookFormat {
    /// The format's name, as `webhook-format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            WebhookFormat::Slack => "slack",
            WebhookFormat::Discord => "discord",
            WebhookFormat::Teams => "teams",
            WebhookFormat::Json => "json",
        }
    }
}

impl Notice {
    /// The one-line title, plain text made only of the tool's words and validated ids.
    pub fn title(&self) -> String {
        let project = self
            .project
            .as_deref()
            .map(|id| format!(" of project {id}"))
            .unwrap_or_default();
        if let Some(fleet) = &self.fleet {
            return match fleet.unhealthy.len() {
                0 => format!("Cognigy backups: all {} repositories healthy", fleet.repositories),
                n => format!(
                    "Cognigy backups: {n} of {} repositories need attention",
                    fleet.repositories
                ),
            };
        }
        match (&self.status, self.mode) {
            (Status::Failed(_), mode) => format!("Cognigy {mode}{project} failed"),
            (Status::Changed, Mode::Backup) => match &self.snapshot_id {
                Some(id) => format!("New snapshot {id}{project}"),
                None => format!("New snapshot{project}"),
            },
            (Status::Changed, Mode::Restore) => format!("Restore{project} applied"),
            (Status::Changed, mode) => format!("Cognigy {mode}{project} changed it"),
            (Status::Unchanged, Mode::Backup) => format!("No change{project}"),
            (Status::Unchanged, Mode::Restore) => format!("Restore dry run{project}"),
            (Status::Unchanged, Mode::Drill) => format!("Restore drill{project} passed"),
            (Status::Unchanged, mode) => format!("Cognigy {mode}{project} succeeded"),
            (Status::Stale(days), _) => format!("No change{project} for {days} days"),
        }
    }

    /// A word for the outcome: `failed`, `changed`, `unchanged` or `stale`.
    pub fn outcome(&self) -> &'static str {
        match self.status {
            Status::Failed(_) => "failed",
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Stale(_) => "stale",
        }
    }

    /// The label/value facts every format shows (only validated values: ids and names of
    /// repositories, never bot content).
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let mut facts = vec![("Mode", self.mode.to_string()), ("Outcome", self.outcome().to_owned())];
        if let Some(project) = &self.project {
            facts.push(("Project", project.clone()));
        }
        if let Some(repository) = &self.repository {
            facts.push(("Repository", repository.clone()));
        }
        if let Some(id) = &self.snapshot_id {
            facts.push(("Snapshot", id.clone()));
        }
        if let Some(changes) = &self.changes {
            facts.push(("Files changed", changes.files_changed.to_string()));
        }
        if let Some(fleet) = &self.fleet {
            facts.push(("Repositories", fleet.repositories.to_string()));
            facts.push(("Unhealthy", fleet.unhealthy.len().to_string()));
            facts.push(("Healthy", fleet.healthy.to_string()));
        }
        facts
    }

    /// The fleet's repositories that need attention, a line each (`red owner/name: why`, the
    /// name and why shown through `show`), as many as fit in `budget` characters, then how many
    /// more; `None` when none does.
    pub fn fleet_lines(&self, show: fn(&str) -> String, budget: usize) -> Option<String> {
        let fleet = self.fleet.as_ref().filter(|f| !f.unhealthy.is_empty())?;
        let lines: Vec<String> = fleet
            .unhealthy
            .iter()
            .map(|(level, repository, why)| format!("{level} {}: {}", show(repository), show(why)))
            .collect();
        Some(limits::listed(&lines, "\n", 2 * MAX_NAME_CHARS, budget))
    }

    /// The change lists that are not empty: `("Added", changes)`, `("Removed", ...)`, `("Modified", ...)`.
    pub fn change_lists(&self) -> Vec<(&'static str, &[Change])> {
        let Some(changes) = &self.changes else {
            return Vec::new();
        };
        [
            ("Added", &changes.added),
            ("Removed", &changes.removed),
            ("Modified", &changes.modified),
        ]
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(label, list)| (label, list.as_slice()))
        .collect()
    }
}

/// The changes of one list by kind, each kind with its resources' names shown through `show` (a
/// renamed resource as `New (renamed from Old)`), cut to [`MAX_NAME_CHARS`], then who changed it
/// where known (`(by ann@example.com, bob@example.com)`, each cut to [`MAX_USER_CHARS`], at most
/// [`MAX_USERS`]), in the list's order (by kind, then name).
pub fn by_kind(list: &[Change], show: fn(&str) -> String) -> Vec<(String, Vec<String>)> {
    list.chunk_by(|a, b| a.kind == b.kind)
        .map(|group| {
            let names = group
                .iter()
                .map(|change| {
                    let name = match &change.renamed_from {
                        Some(old) => format!("{} (renamed from {})", show(&change.name), show(old)),
                        None => show(&change.name),
                    };
                    let name = limits::cut(&name, MAX_NAME_CHARS);
                    if change.by.is_empty() {
                        return name;
                    }
                    let by: Vec<String> = change
                        .by
                        .iter()
                        .map(|user| limits::cut(&show(user), MAX_USER_CHARS))
                        .collect();
                    format!(
                        "{name} (by {})",
                        limits::listed(&by, ", ", MAX_USER_CHARS, MAX_USERS * (MAX_USER_CHARS + 2))
                    )
                })
                .collect();
            (show(&group[0].kind), names)
        })
        .collect()
}

/// The lines of one list, `<kind> (<count>): <names>`, the names of each kind within `budget`
/// characters; `emphasis` wraps the kind (`*` for Slack, `**` for Discord, nothing for plain text).
pub fn list_lines(list: &[Change], show: fn(&str) -> String, emphasis: &str, budget: usize) -> Vec<String> {
    let groups = by_kind(list, show);
    let per_kind = budget / groups.len().max(1);
    groups
        .iter()
        .map(|(kind, names)| {
            format!(
                "{emphasis}{kind}{emphasis} ({}): {}",
                names.len(),
                limits::listed(names, ", ", MAX_ITEM_CHARS, per_kind.saturating_sub(kind.len() + 12))
            )
        })
        .collect()
}

/// Names longer than this are cut in messages.
const MAX_NAME_CHARS: usize = 80;

/// Each user who changed a resource is cut to this many characters...
const MAX_USER_CHARS: usize = 40;

/// ...and about this many are shown (the rest counted).
const MAX_USERS: usize = 3;

/// A resource's name with who changed it is at most this long.
const MAX_ITEM_CHARS: usize = MAX_NAME_CHARS + 6 + MAX_USERS * (MAX_USER_CHARS + 2) + 16;

/// What a stale notice says, in plain words (no markup).
pub fn stale_words(days: u32) -> String {
    format!(
        "The project has not changed for {days} days, and every backup since found it so. If people are editing \
         it, check that the backups read the right project (cognigy-project-id, the API key's project). This \
         notice comes once; the next change ends it."
    )
}

/// The tool and its version, for a footer.
pub fn signature() -> String {
    format!("cognigy-backup {}", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_on_picks_the_outcomes_it_names() {
        let failed = Status::Failed("x".into());
        let table = [
            (NotifyOn::Failure, [true, false, false, true]),
            (NotifyOn::Change, [true, true, false, true]),
            (NotifyOn::Always, [true, true, true, true]),
            (NotifyOn::Never, [false, false, false, false]),
        ];
        for (on, expected) in table {
            let got =
                [&failed, &Status::Changed, &Status::Unchanged, &Status::Stale(7)].map(|status| wanted(on, status));
            assert_eq!(got, expected, "{on:?}");
        }
    }

    #[test]
    fn a_fleet_summary_is_posted_under_always_and_else_only_when_a_repository_needs_attention() {
        let green = FleetNotice {
            repositories: 2,
            unhealthy: Vec::new(),
            healthy: 2,
        };
        let red = FleetNotice {
            unhealthy: vec![("red", "acme/x".into(), "never backed up successfully".into())],
            healthy: 1,
            ..green.clone()
        };
        for (on, expected) in [
            (NotifyOn::Always, [true, true]),
            (NotifyOn::Failure, [false, true]),
            (NotifyOn::Change, [false, true]),
            (NotifyOn::Never, [false, false]),
        ] {
            assert_eq!([fleet_wanted(on, &green), fleet_wanted(on, &red)], expected, "{on:?}");
        }
    }

    #[test]
    fn a_large_fleet_fits_every_format_and_counts_the_rest() {
        let unhealthy: Vec<(&'static str, String, String)> = (0..400)
            .map(|n| {
                (
                    "red",
                    format!("acme/cognigy-backup-{n:03}"),
                    format!("cannot be read: <@here> *{}*", "x".repeat(60)),
                )
            })
            .collect();
        let notice = Notice {
            mode: Mode::Status,
            status: Status::Unchanged,
            project: None,
            repository: None,
            snapshot_id: None,
            changes: None,
            run_url: None,
            fleet: Some(FleetNotice {
                repositories: 410,
                unhealthy,
                healthy: 10,
            }),
        };
        assert_eq!(
            notice.title(),
            "Cognigy backups: 400 of 410 repositories need attention"
        );

        let slack = slack::message(&notice);
        let section = slack["blocks"][2]["text"]["text"].as_str().unwrap();
        assert!(
            section.starts_with("*Need attention*\nred acme/cognigy-backup-000: "),
            "{section}"
        );
        assert!(
            section.chars().count() <= 3000 && section.ends_with(" more"),
            "{section}"
        );
        assert!(!section.contains("<@here>"), "escaped for Slack: {section}");

        let discord = discord::message(&notice);
        let field = discord["embeds"][0]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == "Need attention")
            .unwrap();
        let value = field["value"].as_str().unwrap();
        assert!(value.chars().count() <= 1024 && value.ends_with(" more"), "{value}");

        let teams = teams::message(&notice).to_string();
        assert!(teams.contains("Need attention") && teams.contains(" more"));
        assert!(teams.len() < 28_000, "a Teams message holds 28 KB: {}", teams.len());

        let json = json::message(&notice);
        assert_eq!(
            json["fleet"]["unhealthy"].as_array().unwrap().len(),
            400,
            "JSON lists every one"
        );
    }
}

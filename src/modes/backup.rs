//! The backup mode: export the project, build the snapshot, compare its `project/` tree with the
//! hourly tip's, commit it to `<prefix>hourly` when it changed, promote (when `promote` is on), and
//! push every ref change in one leased push. A run that loses a race fetches again and re-applies
//! its snapshot, in capture order. A part the platform did not offer fails the run before anything
//! is committed when the hourly tip held items of it ([`unavailable::lost`]). With
//! `object-store-url`, the hourly tip's snapshot is then copied offsite ([`offsite::copy`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::action::commands::Outputs;
use crate::action::config::{
    CognigyConfig, ExportConfig, GithubApi, Keep, NativeSnapshot, OffsiteConfig, RepoConfig, SecretsMode, Tier,
};
use crate::cognigy::Client;
use crate::cognigy::client::StatsReport;
use crate::escape::markdown;
use crate::metrics::Figures;
use crate::notify;
use crate::snapshot::{self, Snapshot, diff, unavailable};
use crate::store::chain::Link;
use crate::store::{self, PushReport, RefUpdate, RemoteRefs};

use super::capture::{self, Capture, Captured, NativeSource};
use super::export_run;
use super::offsite;
use super::promotion::{self, chain_of};
use super::releases;
use super::repo::Repo;
use super::{Context, Error, Outcome, summary, trail};

/// A capture at most this much older than the hourly tier's newest lost a race to another run (or
/// ran on a runner whose clock is a little behind): it goes under the newer capture and promotion
/// runs as of that newer capture. Anything older means a wrong clock, which promotion refuses.
const RACE_TOLERANCE: time::Duration = time::Duration::hours(1);

/// What the backup mode needs.
pub struct Backup<'a> {
    pub cognigy: &'a CognigyConfig,
    pub export: &'a ExportConfig,
    pub repo: &'a RepoConfig,
    pub keep: Keep,
    pub secrets: &'a SecretsMode,
    /// `Some` to promote in the same push, with the GitHub API for the monthly releases.
    pub releases: Option<&'a GithubApi>,
    /// At least this often the export reads everything; zero: every run.
    pub full_export_every: time::Duration,
    /// With a webhook: after how many days without a change the stale notice goes out.
    pub stale_after_days: Option<u32>,
    /// `Some` to copy the newest snapshot to an object store after the push.
    pub offsite: Option<&'a OffsiteConfig>,
    /// Whether the commit is authored by the Cognigy users who changed the project.
    pub record_editors: bool,
}

pub fn run(backup: Backup<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let runtime = super::runtime()?;
    let client = Arc::new(Client::new(backup.cognigy)?);
    let repo = Repo::open(backup.repo, &context.temp_dir, &context.mirror)?;
    let started = Instant::now();
    let (exported, mut read, fetched) = {
        let _group = context
            .runner
            .group(&format!("Export of Cognigy project {}", backup.cognigy.project_id));
        export_run::export(&runtime, &client, &repo, &backup, context)?
    };
    let export_time = started.elapsed();
    let unavailable = exported.unavailable.clone();
    let meta = capture::meta_now(backup.cognigy, context);
    let captured_at = meta.captured_at;
    let native = (backup.export.native_snapshot != NativeSnapshot::Off).then_some(NativeSource {
        runtime: &runtime,
        client: &client,
        once_a_day: backup.export.native_snapshot == NativeSnapshot::Daily,
    });
    let mut capture = Capture::new(meta, exported, native, capture::sealer(backup.secrets, backup.cognigy));
    if backup.record_editors {
        capture = capture.with_editors(trail::Reader::new(&runtime, &client, read.trail.take()));
    }

    let git_started = Instant::now();
    let pushed = repo.update_from(fetched, |refs| {
        let tip = refs.get(&repo.branch(Tier::Hourly));
        refuse_lost_parts(&repo, tip, &unavailable)?;
        let chain = chain_of(&repo, tip)?;
        let captured = capture.onto(&repo, &chain, backup.keep.hourly, None, context)?;
        let hourly = captured.hourly_tip(tip);
        let stale = stale_notice(&repo, refs, &chain, &captured, captured_at, backup.stale_after_days);
        let Some(api) = backup.releases else {
            let update = RefUpdate::new(repo.branch(Tier::Hourly), tip, hourly);
            let tiers = if update.old == update.new {
                vec![]
            } else {
                vec![Tier::Hourly.name()]
            };
            let mut updates = vec![update];
            updates.extend(read.state_update(&repo, refs, captured_at)?);
            let (updates, stale_days) = with_stale(updates, stale);
            return Ok((updates, (captured, tiers, None, stale_days)));
        };
        let promoted = promotion::promote(&repo, refs, hourly, &backup.keep, promotion_time(&chain, captured_at))?;
        let tiers = promoted.tiers_updated(&repo, refs);
        let mut updates = promoted.updates(&repo, refs);
        updates.extend(read.state_update(&repo, refs, captured_at)?);
        let (updates, stale_days) = with_stale(updates, stale);
        Ok((updates, (captured, tiers, Some((api, promoted.tags)), stale_days)))
    })?;
    let (captured, tiers, releases_due, stale_days) = pushed.work;
    if let Some((api, tags)) = releases_due {
        let tags_changed = tiers.contains(&Tier::Monthly.name());
        releases::sync(&repo, releases::target(backup.repo, api), &tags, tags_changed, context);
    }
    let report = Report {
        built: &capture.built,
        export_time,
        git_time: git_started.elapsed(),
        stats: client.stats(),
        pushed: pushed.report,
        tiers,
        unavailable: &unavailable,
        read: &read,
    };
    let mut outcome = outcome(&repo, &pushed.refs, &pushed.after, &capture, captured, &report, context)?;
    outcome.stale_days = stale_days;
    if let Some(config) = backup.offsite {
        offsite::copy(&repo, &pushed.after, config, &runtime, context, &mut outcome);
    }
    Ok(outcome)
}

/// The stale notice this run is due to send, if any: when nothing changed, the hourly tip is at
/// least `after_days` old and no notice was about it yet. Answers the days and the update that
/// records the notice (`<prefix>stale-notice` moved to the tip, pushed with the run's other refs).
fn stale_notice(
    repo: &Repo,
    refs: &RemoteRefs,
    chain: &[Link],
    captured: &Captured,
    now: time::OffsetDateTime,
    after_days: Option<u32>,
) -> Option<(RefUpdate, u32)> {
    let (Captured::Unchanged { same_as }, Some(after_days)) = (captured, after_days) else {
        return None;
    };
    let last_change = chain.last()?.commit.committed.seconds;
    let marker = repo.stale_notice_ref();
    let noticed = refs.get(&marker) == Some(*same_as);
    let days = notify::stale::due(last_change, now.unix_timestamp(), after_days, noticed)?;
    Some((RefUpdate::new(marker.clone(), refs.get(&marker), Some(*same_as)), days))
}

/// `updates` with the stale notice's, and its days.
fn with_stale(mut updates: Vec<RefUpdate>, stale: Option<(RefUpdate, u32)>) -> (Vec<RefUpdate>, Option<u32>) {
    let days = stale.map(|(update, days)| {
        updates.push(update);
        days
    });
    (updates, days)
}

/// Fails when a part the platform did not offer now held items in the snapshot at `tip`: a
/// permission or licence change must never silently empty a kind.
fn refuse_lost_parts(
    repo: &Repo,
    tip: Option<store::ObjectId>,
    unavailable: &[unavailable::Unavailable],
) -> Result<(), Error> {
    let Some(tip) = tip.filter(|_| !unavailable.is_empty()) else {
        return Ok(());
    };
    let commit = repo.store.read_commit(tip)?;
    let previous = repo.store.read_files(commit.tree)?;
    let lost = unavailable::lost(unavailable, previous.keys().map(String::as_str));
    if lost.is_empty() {
        return Ok(());
    }
    let snapshot = diff::snapshot_id_in(&commit.message).unwrap_or("on the hourly tier");
    Err(Error::LostPart(unavailable::lost_message(&lost, snapshot)))
}

/// "Now" for the promotion after a capture at `captured_at` onto `chain` (the hourly tier as
/// fetched): the capture time, or the newest capture on the tier when this one lost a race to it by
/// at most [`RACE_TOLERANCE`].
fn promotion_time(chain: &[Link], captured_at: time::OffsetDateTime) -> time::OffsetDateTime {
    let newest = chain
        .last()
        .map_or(captured_at.unix_timestamp(), |link| link.commit.committed.seconds);
    let behind = newest - captured_at.unix_timestamp();
    if behind > 0 && behind <= RACE_TOLERANCE.whole_seconds() {
        captured_at + time::Duration::seconds(behind)
    } else {
        captured_at
    }
}

/// Figures of the run for the summary.
struct Report<'a> {
    built: &'a Snapshot,
    export_time: Duration,
    git_time: Duration,
    stats: StatsReport,
    pushed: PushReport,
    tiers: Vec<&'static str>,
    /// What the platform did not offer.
    unavailable: &'a [unavailable::Unavailable],
    /// How the export read the project.
    read: &'a export_run::Read,
}

/// `refs`: as fetched; `after`: after the push.
fn outcome(
    repo: &Repo,
    refs: &RemoteRefs,
    after: &RemoteRefs,
    capture: &Capture<'_>,
    captured: Captured,
    report: &Report<'_>,
    context: &Context<'_>,
) -> Result<Outcome, store::Error> {
    let hourly = repo.branch_name(Tier::Hourly);
    let project = &report.built.meta.project_id;
    let mut outputs = Outputs::default();
    let mut md = match &captured {
        Captured::Unchanged { same_as } => {
            let message = repo.store.read_commit(*same_as)?.message;
            let snapshot_id = diff::snapshot_id_in(&message).unwrap_or_default();
            outputs.set("changed", "false");
            outputs.set("snapshot-id", snapshot_id);
            outputs.set("commit-sha", same_as.to_string());
            outputs.set("files-changed", "0");
            format!(
                "## Cognigy backup: no change\n\nProject `{project}` is as in snapshot {} ({}) on `{hourly}`.\n\n",
                markdown::code(snapshot_id),
                summary::commit_link(context, &repo.remote, *same_as),
            )
        }
        Captured::New {
            changes,
            secrets,
            editors,
            tip,
        } => {
            let snapshot_id = &report.built.meta.snapshot_id;
            let ours = tip.map(|tip| capture.find_on(repo, tip)).transpose()?.flatten();
            outputs.set("changed", "true");
            outputs.set("snapshot-id", snapshot_id);
            outputs.set("commit-sha", ours.map(|id| id.to_string()).unwrap_or_default());
            outputs.set("files-changed", changes.files_changed.to_string());
            let at = match ours {
                Some(id) => summary::commit_link(context, &repo.remote, id),
                None => "dropped at once by keep-hourly: newer captures fill the tier".to_owned(),
            };
            let native = if report.built.files.contains_key(snapshot::NATIVE_PATH) {
                ", with the native .csnap"
            } else {
                ""
            };
            format!(
                "## Cognigy backup: new snapshot `{snapshot_id}`\n\nProject `{project}` captured at {} into `{hourly}` ({at}){native}.\n\n{}\n{}{}",
                summary::rfc3339(report.built.meta.captured_at),
                changes.markdown(),
                editors_section(editors.as_deref()),
                secrets_section(secrets),
            )
        }
    };
    outputs.set("tiers-updated", report.tiers.join(","));
    md.push_str(&summary::tiers_section(repo, refs, &report.tiers));
    md.push_str(&report.read.markdown());
    md.push_str(&summary::counts_table(&report.built.counts));
    md.push_str(&unavailable::markdown(report.unavailable));
    md.push_str(&summary::run_table(
        report.stats,
        report.export_time,
        report.git_time,
        &report.pushed,
    ));
    let tips: Vec<store::ObjectId> = after.0.values().copied().collect();
    let (objects, repository_bytes) = repo.store.reachable_size(&tips)?;
    md.push_str(&summary::storage_line(objects, repository_bytes));
    let changes = match captured {
        Captured::New { changes, .. } => Some(changes),
        Captured::Unchanged { .. } => None,
    };
    let figures = Figures {
        requests: Some(report.stats.sent),
        rate_limited: Some(report.stats.rate_limited),
        retried: Some(report.stats.retried),
        resources: report.built.counts.clone(),
        files_changed: Some(changes.as_ref().map_or(0, |c| c.files_changed)),
        snapshot_bytes: Some(report.built.files.values().map(|f| f.len() as u64).sum()),
        repository_bytes: Some(repository_bytes),
        export: Some(report.read.kind()),
        kinds_read_in_full: report.read.in_full.iter().map(|(kind, _)| *kind).collect(),
        missed_changes: report.read.checked().then_some(report.read.missed.len()),
        ..Figures::default()
    };
    Ok(Outcome {
        outputs,
        summary: md,
        failure: None,
        changes,
        figures,
        ..Outcome::default()
    })
}

/// Who changed what (`record-editors`), or why that is not known.
fn editors_section(editors: Option<&capture::Credit>) -> String {
    match editors {
        None => String::new(),
        Some(Ok(editors)) => crate::editors::message::markdown(editors),
        Some(Err(why)) => format!(
            "### Editors\n\nNot known: {}. The commit is authored by the action.\n\n",
            markdown::text(why)
        ),
    }
}

/// The credentials that changed, without their values (under `secrets: encrypt`).
fn secrets_section(secrets: &crate::secrets::seal::SecretChanges) -> String {
    if secrets.is_empty() {
        return String::new();
    }
    format!("### Secrets\n\n{}\n", secrets.markdown())
}

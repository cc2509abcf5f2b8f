//! The restore mode. It reads a snapshot ([`select`]), exports the live project, and compares them
//! resource by resource. That comparison is the dry run (the default), shown in the summary and
//! written as a JSON report; nothing is sent to Cognigy that changes anything.
//!
//! The snapshot's manifest is checked first (every file's sha256, the `.csnap` included): a damaged
//! snapshot is refused, naming the file. Credentials the snapshot holds redacted or encrypted are
//! compared and written through [`crate::secrets::unseal`]: never the marker, the target keeps its
//! own value unless `encryption-identity` opens the stored one.
//!
//! Only with `dry-run: false` and `confirm` equal to the target project id (and, in the form
//! `<project id>@<commit>`, the selected snapshot being that commit) does it apply:
//! 1. one push: the live project into the hourly tier (the undo point) and the audit line
//!    `started` ([`audit`]);
//! 2. a native restore (upload the `.csnap`, restore it, put the endpoints back from the JSON, which
//!    native snapshots lack) or a restore by update ([`update`]);
//! 3. a new export, and what still differs from the snapshot;
//! 4. the audit line with the outcome.

pub mod audit;
pub(super) mod select;
pub(super) mod update;

use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::action::commands::{Level, Outputs};
use crate::action::config::{
    CognigyConfig, Confirm, Keep, RESOURCE_KINDS, RepoConfig, RestoreMethod, SecretsMode, SnapshotSelector, Tier,
};
use crate::cognigy::{self, Client, native};
use crate::escape::markdown;
use crate::secrets::{Identity, seal, unseal};
use crate::snapshot::compare::{self, Comparison, Words};
use crate::snapshot::diff::{markdown_escaped, snapshot_id_in};
use crate::snapshot::{self, Files, NATIVE_PATH, manifest};
use crate::store::RefUpdate;

use super::capture::{self, Capture, Captured, LiveExport, NativeSource, export_live};
use super::live;
use super::promotion::chain_of;
use super::repo::Repo;
use super::{Context, Error, Outcome, summary};
use select::Selected;

/// The JSON report's file name, in the workspace.
pub const REPORT_FILE: &str = "cognigy-backup-restore.json";

/// What the restore mode needs.
pub struct Restore<'a> {
    pub cognigy: &'a CognigyConfig,
    pub repo: &'a RepoConfig,
    pub tier: Tier,
    pub snapshot: &'a SnapshotSelector,
    pub dry_run: bool,
    pub confirm: Option<&'a Confirm>,
    pub method: RestoreMethod,
    pub target_project_id: &'a str,
    pub kinds: &'a [&'static str],
    pub keep: Keep,
    /// How the undo point stores credentials.
    pub secrets: &'a SecretsMode,
    /// Opens the credentials the snapshot holds encrypted.
    pub identity: Option<&'a Identity>,
}

/// The method a restore uses, `auto` resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Native,
    Update,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Native => "native",
            Method::Update => "update",
        }
    }
}

impl Method {
    /// How the lists of the comparison (from the live project to the snapshot) are headed.
    fn words(self) -> Words<'static> {
        match self {
            Method::Native => Words {
                added: "Re-created by the restore (in the snapshot, not in the live project)",
                removed: "Deleted by the restore (created since the snapshot)",
                modified: "Changed back by the restore",
            },
            Method::Update => Words {
                added: "In the snapshot, not in the live project (deleted since)",
                removed: "In the live project, not in the snapshot (created since)",
                modified: "Changed since the snapshot",
            },
        }
    }
}

pub fn run(restore: Restore<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let runtime = super::runtime()?;
    let repo = Repo::open(restore.repo, &context.temp_dir, &context.mirror)?;
    let refs = repo.fetch()?;
    let (selected, snapshot_files) = select::read(&repo, &refs, restore.tier, restore.snapshot)?;
    let snapshot_kinds = kinds_of(
        &snapshot_files,
        &format!("{} ({})", selected.snapshot_id, selected.place),
    )?;
    let whole_project = restore.kinds.len() == RESOURCE_KINDS.len();
    let method = match (restore.method, snapshot_files.contains_key(NATIVE_PATH)) {
        (RestoreMethod::Native, false) => return Err(Error::Selection(no_native(&selected))),
        (RestoreMethod::Native, true) => Method::Native,
        (RestoreMethod::Auto, true) if whole_project => Method::Native,
        _ => Method::Update,
    };
    if method == Method::Update && restore.target_project_id != restore.cognigy.project_id {
        let why = if whole_project {
            format!(
                "snapshot {} ({}) has no {NATIVE_PATH}",
                selected.snapshot_id, selected.place
            )
        } else {
            "a native restore needs `resources: all`".to_owned()
        };
        return Err(Error::Selection(format!(
            "restoring into another project (target-project-id {}) needs a native restore, but {why}. Choose a snapshot \
             captured with `native-snapshot: on-change`, with `resources: all`.",
            restore.target_project_id
        )));
    }

    let target = CognigyConfig {
        project_id: restore.target_project_id.to_owned(),
        ..restore.cognigy.clone()
    };
    let client = Arc::new(Client::new(&target)?);
    let live = export_live(&runtime, &client, &target, &snapshot_kinds, context)?;
    let in_scope = live::scope(restore.kinds);
    // Another project holds the same resources under other ids: those are no difference.
    let foreign = restore.target_project_id != restore.cognigy.project_id;
    let differences = |live: &Files, snapshot: &Files| match foreign {
        true => compare::compare(&compare::without_ids(live), &compare::without_ids(snapshot), in_scope),
        false => compare::compare(live, snapshot, in_scope),
    };
    let live_plain = plain_files(&live);
    let comparison = differences(
        &live.built.files,
        &unseal::compare_view(&snapshot_files, &live_plain, restore.identity),
    );
    // A native restore lacks endpoints (native snapshots hold none): it puts back those the live
    // project still has by update, so its plan is that of the endpoints.
    let planned = match method {
        Method::Update => comparison.clone(),
        Method::Native => Comparison {
            resources: comparison
                .resources
                .iter()
                .filter(|r| r.kind == "endpoints")
                .cloned()
                .collect(),
        },
    };
    let plan = update::plan(
        &planned,
        &snapshot_files,
        &live_view(&live, &live_plain, restore.identity),
    );

    let mut report = Report {
        selected: &selected,
        csnap_sha256: snapshot_files.get(NATIVE_PATH).map(|bytes| manifest::digest(bytes)),
        encrypted: unseal::has_encrypted(&snapshot_files),
        identity: restore.identity.is_some(),
        target: restore.target_project_id,
        method,
        comparison: &comparison,
        plan: (method == Method::Update).then_some(&plan),
        writes: &plan,
        applied: None,
    };
    if comparison.is_empty() {
        return finish(&report, None, context);
    }
    let commit = selected.commit.to_string();
    let oversized = plan.refusal();
    let refused = match (restore.dry_run, restore.confirm) {
        (true, _) => None,
        (false, Some(_)) if oversized.is_some() => oversized,
        (false, Some(confirm))
            if confirm.project_id == restore.target_project_id
                && confirm.commit.as_ref().is_none_or(|c| commit.starts_with(c.as_str())) =>
        {
            let applied = apply(
                Apply {
                    restore: &restore,
                    repo: &repo,
                    runtime: &runtime,
                    client: &client,
                    target: &target,
                    selected: &selected,
                    snapshot: &snapshot_files,
                    snapshot_kinds: &snapshot_kinds,
                    live,
                    method,
                    comparison: &comparison,
                    plan: &plan,
                    differences: &differences,
                },
                context,
            )?;
            report.applied = Some(applied);
            return finish(&report, None, context);
        }
        (
            false,
            Some(Confirm {
                project_id,
                commit: Some(confirmed),
            }),
        ) if *project_id == restore.target_project_id => Some(format!(
            "`confirm` is for snapshot commit `{confirmed}`, but the selected snapshot is commit `{commit}` (`{}` has moved \
             since the dry run that was reviewed?): nothing was written. Review this run's differences, then confirm \
             them with `confirm: {target}@{commit}`.",
            restore.snapshot_label(),
            target = restore.target_project_id
        )),
        (false, Some(confirm)) => Some(format!(
            "`confirm` is {}, not the target project id `{target}`: nothing was written. To restore into project \
             `{target}`, set `confirm: {target}@{commit}`.",
            markdown::code(&confirm.project_id),
            target = restore.target_project_id
        )),
        (false, None) => Some(format!(
            "`dry-run` is false but `confirm` is empty: nothing was written. To restore into project `{target}`, set \
             `confirm: {target}@{commit}`.",
            target = restore.target_project_id
        )),
    };
    finish(&report, refused, context)
}

impl Restore<'_> {
    /// The `snapshot` input as the summary names it.
    fn snapshot_label(&self) -> String {
        match self.snapshot {
            SnapshotSelector::Latest => "latest".to_owned(),
            SnapshotSelector::Commit(sha) => sha.clone(),
            SnapshotSelector::SnapshotId(id) => id.clone(),
            SnapshotSelector::MonthlyTag(tag) => tag.clone(),
        }
    }
}

/// The live project's files with its credentials in place: what a restore keeps where the
/// snapshot holds none. In memory only.
pub(super) fn plain_files(live: &LiveExport) -> Files {
    snapshot::build(live.built.meta.clone(), seal::reveal(&live.export)).files
}

/// The resource kinds of `snapshot` (named for people, e.g. `20261122T080700Z (snapshot/hourly)`),
/// from its manifest: what the live project is exported for to compare with it.
pub(super) fn kinds_of(files: &Files, snapshot: &str) -> Result<Vec<&'static str>, Error> {
    let manifest = files
        .get(manifest::PATH)
        .ok_or_else(|| format!("it has no {}", manifest::PATH))
        .and_then(|bytes| manifest::parse(bytes).map_err(|e| format!("its {} is unreadable: {e}", manifest::PATH)))
        .map_err(|why| {
            Error::Selection(format!(
                "snapshot {snapshot} cannot be compared with the live project: {why}. Run `verify` on the repository, \
                 and choose another snapshot."
            ))
        })?;
    Ok(RESOURCE_KINDS
        .into_iter()
        .filter(|kind| manifest.counts.contains_key(*kind))
        .collect())
}

fn no_native(selected: &Selected) -> String {
    format!(
        "snapshot {} ({}) has no native Cognigy snapshot ({NATIVE_PATH}), so `restore-method: native` cannot restore it. \
         Use `restore-method: update` (or `auto`), or choose a snapshot captured with `native-snapshot: on-change` (under `daily`: a day's first change).",
        selected.snapshot_id, selected.place
    )
}

/// The live project as a restore by update needs it: its files (`plain`: with credentials), locale
/// folders and primary locale, and the identity that opens the snapshot's encrypted credentials.
fn live_view<'a>(live: &'a LiveExport, plain: &'a Files, identity: Option<&'a Identity>) -> update::Live<'a> {
    let locales = snapshot::locale_folders(&live.export)
        .into_iter()
        .map(|(id, folder)| (folder, id))
        .collect();
    let primary_locale = live
        .export
        .project
        .iter()
        .find_map(|(name, content)| match (name, content) {
            (&"locales.json", snapshot::Content::Json(Value::Array(locales))) => locales
                .iter()
                .find(|l| l.get("primary") == Some(&Value::Bool(true)))
                .or(locales.first())
                .and_then(|l| l.get("_id")?.as_str().map(str::to_owned)),
            _ => None,
        });
    update::Live {
        files: plain,
        identity,
        locales,
        primary_locale,
        project_id: live.built.meta.project_id.clone(),
        unavailable: &live.export.unavailable,
    }
}

/// Everything an applied restore uses.
struct Apply<'a> {
    restore: &'a Restore<'a>,
    repo: &'a Repo,
    runtime: &'a tokio::runtime::Runtime,
    client: &'a Arc<Client>,
    target: &'a CognigyConfig,
    selected: &'a Selected,
    snapshot: &'a Files,
    snapshot_kinds: &'a [&'static str],
    live: LiveExport,
    method: Method,
    comparison: &'a Comparison,
    /// The writes by update: every write of a restore by update, the endpoints of a native one.
    plan: &'a update::Plan,
    /// What differs from the live project to the snapshot.
    differences: &'a dyn Fn(&Files, &Files) -> Comparison,
}

/// What an applied restore did.
struct Applied {
    undo_point: Option<audit::Source>,
    /// What differs still (after the restore), or why the restore failed.
    result: Result<Comparison, String>,
}

fn apply(apply: Apply<'_>, context: &Context<'_>) -> Result<Applied, Error> {
    let started_at = context.clock.now();
    let same_project = apply.target.project_id == apply.restore.cognigy.project_id;
    let source = audit::Source {
        snapshot_id: apply.selected.snapshot_id.clone(),
        commit: apply.selected.commit.to_string(),
        place: apply.selected.place.clone(),
    };
    let mut entry = audit::Entry {
        restore: snapshot::snapshot_id(started_at),
        time: summary::rfc3339(started_at),
        actor: context.run.actor.clone(),
        run_url: context.run.url.clone(),
        source,
        method: apply.method.name(),
        target_project_id: apply.target.project_id.clone(),
        undo_point: None,
        changes: apply.comparison.resources.len(),
        outcome: "started",
        detail: None,
    };

    // 1. The undo point and the audit line `started`, in one push, before anything is written.
    let native = (apply.method == Method::Native).then_some(NativeSource {
        runtime: apply.runtime,
        client: apply.client,
        once_a_day: false,
    });
    let mut undo = same_project.then(|| {
        let meta = snapshot::Meta {
            captured_at: started_at,
            ..apply.live.built.meta.clone()
        };
        let sealer = capture::sealer(apply.restore.secrets, apply.target);
        Capture::new(meta, apply.live.export.clone(), native, sealer)
    });
    let note = format!(
        "Undo point: the project as it was before restoring snapshot {} ({}) by the {} method.",
        apply.selected.snapshot_id,
        apply.selected.place,
        apply.method.name()
    );
    let pushed = apply.repo.update(|refs| {
        let mut updates = Vec::new();
        let mut undo_point = None;
        if let Some(capture) = undo.as_mut() {
            let hourly = apply.repo.branch(Tier::Hourly);
            let tip = refs.get(&hourly);
            let chain = chain_of(apply.repo, tip)?;
            let captured = capture.onto(apply.repo, &chain, apply.restore.keep.hourly, Some(&note), context)?;
            let new_tip = captured.hourly_tip(tip);
            updates.push(RefUpdate::new(hourly, tip, new_tip));
            let commit = match captured {
                Captured::Unchanged { same_as } => Some(same_as),
                Captured::New { .. } => new_tip.map(|t| capture.find_on(apply.repo, t)).transpose()?.flatten(),
            };
            if let Some(commit) = commit {
                let message = apply.repo.store.read_commit(commit)?.message;
                undo_point = Some(audit::Source {
                    snapshot_id: snapshot_id_in(&message).unwrap_or_default().to_owned(),
                    commit: commit.to_string(),
                    place: apply.repo.branch_name(Tier::Hourly),
                });
            }
        }
        let entry = audit::Entry {
            undo_point: undo_point.clone(),
            ..entry.clone()
        };
        updates.push(audit::append(apply.repo, refs, &entry, started_at)?);
        Ok((updates, undo_point))
    })?;
    entry.undo_point = pushed.work;

    // 2. The restore itself, then 3. what differs still.
    let restored = {
        let _group = context.runner.group(&format!(
            "Restore of snapshot {} into project {} ({})",
            apply.selected.snapshot_id,
            apply.target.project_id,
            apply.method.name()
        ));
        apply.runtime.block_on(write(&apply))
    };
    let result = match restored {
        Err(e) => Err(e.to_string()),
        Ok(()) => export_live(apply.runtime, apply.client, apply.target, apply.snapshot_kinds, context)
            .map(|again| {
                let view = unseal::compare_view(apply.snapshot, &plain_files(&again), apply.restore.identity);
                (apply.differences)(&again.built.files, &view)
            })
            .map_err(|e| format!("the project was restored, but exporting it again failed: {e}")),
    };

    // 4. The outcome, logged.
    let ended_at = context.clock.now();
    (entry.outcome, entry.detail) = match &result {
        Ok(left) if left.is_empty() => ("applied", None),
        Ok(left) => (
            "applied-with-differences",
            Some(format!("differs still: {}", left.headline())),
        ),
        Err(why) => ("failed", Some(why.clone())),
    };
    entry.time = summary::rfc3339(ended_at);
    let logged = apply
        .repo
        .update(|refs| Ok((vec![audit::append(apply.repo, refs, &entry, ended_at)?], ())));
    if let Err(e) = logged {
        context.runner.annotate(
            Level::Warning,
            "Restore outcome not logged",
            &format!(
                "the audit log on {}audit has this restore's `started` line but not its outcome ({}): {e}",
                apply.repo.prefix(),
                entry.outcome
            ),
        );
    }
    Ok(Applied {
        undo_point: entry.undo_point,
        result,
    })
}

/// Writes the snapshot into the target project by the chosen method.
async fn write(apply: &Apply<'_>) -> Result<(), cognigy::Error> {
    match apply.method {
        Method::Update => update::apply(apply.client, apply.plan).await,
        Method::Native => write_native(apply.client, apply.snapshot, apply.plan).await,
    }
}

/// A native restore of `snapshot` into the project of `client`: uploads its `.csnap`, restores it,
/// deletes the upload again (whether the restore worked or not), then writes `endpoints` (the
/// endpoints the project still has, put back as the snapshot holds them) by update.
pub(super) async fn write_native(
    client: &Client,
    snapshot: &Files,
    endpoints: &update::Plan,
) -> Result<(), cognigy::Error> {
    let package = snapshot.get(NATIVE_PATH).cloned().unwrap_or_default();
    let uploaded = native::upload(client, package).await?;
    let restored = native::restore(client, &uploaded).await;
    // The upload served its purpose either way: it would only take one of the project's 10 places.
    if let Err(e) = native::delete_uploaded(client, &uploaded).await {
        tracing::warn!("the uploaded snapshot {uploaded} stays in the project: {e}");
    }
    restored?;
    // Native snapshots lack endpoints: put back those the live project still has.
    update::apply(client, endpoints).await
}

/// What the summary and the JSON report tell.
struct Report<'a> {
    selected: &'a Selected,
    /// The sha256 of the snapshot's `.csnap`, when it has one.
    csnap_sha256: Option<String>,
    /// Whether the snapshot holds encrypted credentials, and whether an identity was given.
    encrypted: bool,
    identity: bool,
    target: &'a str,
    method: Method,
    comparison: &'a Comparison,
    /// The plan of a restore by update (what it cannot restore is listed).
    plan: Option<&'a update::Plan>,
    /// The writes by update either method makes (a native one: the endpoints), whose credentials
    /// are kept or put back.
    writes: &'a update::Plan,
    applied: Option<Applied>,
}

/// The machine-readable report.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Json<'a> {
    snapshot: audit::Source,
    target_project_id: &'a str,
    method: &'static str,
    applied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    csnap_sha256: Option<&'a str>,
    comparison: &'a Comparison,
    #[serde(skip_serializing_if = "Option::is_none")]
    cannot_restore: Option<&'a [update::Unrestorable]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secrets_kept: Option<&'a [update::KeptSecret]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    undo_point: Option<&'a audit::Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    differs_still: Option<&'a Comparison>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// The outcome: outputs, summary, report file, and the annotations of what was left.
fn finish(report: &Report<'_>, refused: Option<String>, context: &Context<'_>) -> Result<Outcome, Error> {
    let applied = report.applied.as_ref();
    let left = applied.and_then(|a| a.result.as_ref().ok());
    let failed = applied.and_then(|a| a.result.as_ref().err());
    let json = Json {
        snapshot: audit::Source {
            snapshot_id: report.selected.snapshot_id.clone(),
            commit: report.selected.commit.to_string(),
            place: report.selected.place.clone(),
        },
        target_project_id: report.target,
        method: report.method.name(),
        applied: applied.is_some(),
        csnap_sha256: report.csnap_sha256.as_deref(),
        comparison: report.comparison,
        cannot_restore: report.plan.map(|p| p.cannot.as_slice()),
        secrets_kept: Some(report.writes.kept.as_slice()).filter(|kept| !kept.is_empty()),
        undo_point: applied.and_then(|a| a.undo_point.as_ref()),
        differs_still: left,
        error: failed.map(String::as_str),
    };
    summary::write_report(context, REPORT_FILE, &json, "Restore report not written");

    let md = markdown(report, refused.as_deref());
    if let Some(plan) = report.plan.filter(|p| !p.cannot.is_empty()) {
        let names: Vec<String> = plan.cannot.iter().map(|c| format!("{}: {}", c.kind, c.name)).collect();
        context.runner.annotate(
            Level::Warning,
            "Not restorable by update",
            &format!(
                "a restore by update leaves {} {} as they are: {}. The summary says why; a native restore can.",
                plan.cannot.len(),
                if plan.cannot.len() == 1 {
                    "resource"
                } else {
                    "resources"
                },
                names.join(", ")
            ),
        );
    }
    if let Some(left) = left.filter(|l| !l.is_empty()) {
        context.runner.annotate(
            Level::Warning,
            "Differences left",
            &format!(
                "after the restore the project still differs from the snapshot: {}",
                left.headline()
            ),
        );
    }
    let mut outputs = Outputs::default();
    outputs.set("snapshot-id", &report.selected.snapshot_id);
    outputs.set("commit-sha", report.selected.commit.to_string());
    outputs.set(
        "applied",
        if applied.is_some() && failed.is_none() {
            "true"
        } else {
            "false"
        },
    );
    outputs.set("changes", report.comparison.resources.len().to_string());
    outputs.set("changed", if applied.is_some() { "true" } else { "false" });
    outputs.set("report-file", REPORT_FILE);
    let failure = refused.or_else(|| {
        failed.map(|why| {
            format!(
                "the restore failed after its undo point was pushed: {why}. {}",
                undo_hint(applied.and_then(|a| a.undo_point.as_ref()))
            )
        })
    });
    Ok(Outcome {
        outputs,
        summary: md,
        failure,
        ..Outcome::default()
    })
}

fn markdown(report: &Report<'_>, refused: Option<&str>) -> String {
    let selected = report.selected;
    let target = report.target;
    let applied = report.applied.as_ref();
    let title = match applied.map(|a| &a.result) {
        None => "dry run",
        Some(Ok(left)) if left.is_empty() => "restored",
        Some(Ok(_)) => "restored, with differences left",
        Some(Err(_)) => "failed",
    };
    let commit = selected.commit.to_string();
    let mut md = format!(
        "## Cognigy restore: {title}\n\nSnapshot {} ({}, commit `{commit}`) into project `{target}`, by the **{}** method. \
         Every file of the snapshot matches its manifest.\n\n",
        markdown::code(&selected.snapshot_id),
        markdown::code(&selected.place),
        report.method.name()
    );
    if let Some(sha256) = &report.csnap_sha256 {
        md.push_str(&format!(
            "Native snapshot `{NATIVE_PATH}`: sha256 `{sha256}`. {}\n\n",
            match report.method {
                Method::Native =>
                    "A native restore applies this `.csnap` as a whole: every resource in it, as it is \
                                   in it (the differences below are what that changes), and the target's credentials \
                                   are those the `.csnap` holds in Cognigy's own encrypted form.",
                Method::Update => "A restore by update does not use it: it writes the resources below from the JSON.",
            }
        ));
    }
    if report.encrypted && !report.identity {
        md.push_str(
            "The snapshot holds credentials encrypted, and no `encryption-identity` was given: they are treated as \
             redacted, so the target keeps its own values.\n\n",
        );
    }
    let comparison = report.comparison;
    if comparison.is_empty() {
        md.push_str("The live project already equals the snapshot: there is nothing to restore.\n");
        return md;
    }
    let count = comparison.resources.len();
    md.push_str(&format!(
        "### Differences between the live project and the snapshot\n\n{count} {}: {}.\n\n{}",
        if count == 1 {
            "resource differs"
        } else {
            "resources differ"
        },
        comparison.headline(),
        comparison.markdown(&report.method.words())
    ));
    if let Some(plan) = report.plan.filter(|p| !p.cannot.is_empty()) {
        md.push_str("### What a restore by update cannot restore\n\n");
        for item in &plan.cannot {
            md.push_str(&format!(
                "- {}: {} — {}\n",
                markdown::text(&item.kind),
                markdown::text(&item.name),
                markdown::text(&item.why)
            ));
        }
        md.push('\n');
    }
    if let Some(plan) = Some(report.writes).filter(|p| !p.kept.is_empty() || p.put_back > 0) {
        md.push_str("### Credentials\n\n");
        if plan.put_back > 0 {
            md.push_str(&format!(
                "{} encrypted {} {} put back, decrypted with `encryption-identity`.\n\n",
                plan.put_back,
                if plan.put_back == 1 {
                    "credential"
                } else {
                    "credentials"
                },
                match (applied.is_some(), plan.put_back == 1) {
                    (true, true) => "was",
                    (true, false) => "were",
                    (false, _) => "would be",
                }
            ));
        }
        if !plan.kept.is_empty() {
            md.push_str("Kept as the target has them (never written from the snapshot):\n\n");
            for kept in &plan.kept {
                md.push_str(&format!(
                    "- {}: {} — {}: {}\n",
                    kept.kind,
                    markdown_escaped(&kept.name),
                    markdown_escaped(&kept.field),
                    kept.why.words()
                ));
            }
            md.push('\n');
        }
    }
    if let Some(why) = report.writes.refusal() {
        md.push_str(&format!(
            "### Too large for a restore by update\n\n{}\n\n",
            markdown::text(&why)
        ));
    }
    match applied {
        None => {
            let to_apply = format!(
                "Nothing was written to Cognigy. To apply exactly this restore, run again with `dry-run: false` and \
                 `confirm: {target}@{commit}`: if the selected snapshot is another commit by then, nothing is written."
            );
            md.push_str(&format!("### To apply\n\n{}\n\n", refused.unwrap_or(&to_apply)));
        }
        Some(applied) => {
            md.push_str(&format!(
                "### Undo point\n\n{}\n\n",
                undo_hint(applied.undo_point.as_ref())
            ));
            match &applied.result {
                Ok(left) if left.is_empty() => {
                    md.push_str("### After the restore\n\nA new export equals the snapshot.\n\n");
                }
                Ok(left) => md.push_str(&format!(
                    "### Differences left after the restore\n\n{}\n\n{}",
                    left.headline(),
                    left.markdown(&Words {
                        added: "In the snapshot, not in the project",
                        removed: "In the project, not in the snapshot",
                        modified: "Different still",
                    })
                )),
                Err(why) => md.push_str(&format!("### The restore failed\n\n{}\n\n", markdown::text(why))),
            }
        }
    }
    md.push_str(&format!(
        "The machine-readable report is `{REPORT_FILE}` in the workspace (output `report-file`).\n"
    ));
    md
}

/// How to undo: restore the undo point.
fn undo_hint(undo_point: Option<&audit::Source>) -> String {
    match undo_point {
        Some(undo) => format!(
            "Snapshot {} on {} (commit {}) holds the project as it was before this restore. To undo, restore it: \
             {} (with `restore-method: auto`).",
            markdown::code(&undo.snapshot_id),
            markdown::code(&undo.place),
            markdown::code(&undo.commit[..7.min(undo.commit.len())]),
            markdown::code(&format!("snapshot: {}", undo.snapshot_id))
        ),
        None => "This restore went into another project than the one backed up here: its earlier state was not kept \
                 as an undo point."
            .to_owned(),
    }
}

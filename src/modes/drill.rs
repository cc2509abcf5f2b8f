//! The drill mode: a tested restore, on a schedule. It reads a snapshot ([`select`]: `latest` of
//! `tier` by default), restores its `.csnap` natively into a staging project (`target-project-id`,
//! never the backed-up project: validation refuses that), exports that project again and compares
//! it with the snapshot, resources paired by name since the staging project holds them under
//! other ids ([`compare::compare_across_projects`]). The summary and the JSON report
//! [`REPORT_FILE`] list every difference and the time each step took.
//!
//! The restore is the restore mode's native one ([`restore::write_native`]): upload, restore,
//! delete the upload again (also when the restore failed). What native snapshots do not hold
//! ([`NOT_IN_NATIVE`]: endpoints, Knowledge AI) is neither restored nor compared, and the report
//! names it: a restore into another project cannot create it (git is its backup). Only the
//! staging project is written; the snapshot repository is only read: a drill pushes nothing,
//! neither an undo point (the staging project is disposable) nor a line of the restore audit log
//! (a drill restores nothing anyone uses).
//!
//! A difference fails the run: a restore that does not give back the snapshot is what a drill is
//! there to find.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::action::commands::Outputs;
use crate::action::config::{CognigyConfig, RepoConfig, SnapshotSelector, Tier};
use crate::cognigy::Client;
use crate::escape::markdown;
use crate::metrics::Figures;
use crate::secrets::unseal;
use crate::snapshot::compare::{self, Comparison, Words};
use crate::snapshot::{Files, NATIVE_PATH, manifest};

use super::capture::{LiveExport, export_live};
use super::repo::Repo;
use super::restore::audit::Source;
use super::restore::select::{self, Selected};
use super::restore::{self, update};
use super::{Context, Error, Outcome, summary};

/// The JSON report's file name, in the workspace.
pub const REPORT_FILE: &str = "cognigy-backup-drill.json";

/// The kinds a native snapshot does not hold: a drill neither restores nor compares them.
pub const NOT_IN_NATIVE: [&str; 2] = ["endpoints", "knowledge-stores"];

/// What the drill mode needs.
pub struct Drill<'a> {
    /// The staging project restored into.
    pub target: &'a CognigyConfig,
    /// The backed-up project, for people: never written.
    pub source_project_id: &'a str,
    pub repo: &'a RepoConfig,
    pub tier: Tier,
    pub snapshot: &'a SnapshotSelector,
}

/// How long each step took.
#[derive(Default, Serialize)]
#[serde(rename_all = "camelCase")]
struct Steps {
    /// Fetching and reading the snapshot, its manifest checked.
    read_seconds: f64,
    /// Upload, native restore, deletion of the upload.
    restore_seconds: f64,
    /// Exporting the staging project after the restore.
    export_after_seconds: f64,
    /// Comparing that export with the snapshot.
    compare_seconds: f64,
}

/// The machine-readable report.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Json<'a> {
    snapshot: Source,
    source_project_id: &'a str,
    target_project_id: &'a str,
    csnap_sha256: String,
    ok: bool,
    /// The kinds of the snapshot that a native restore does not bring back (not compared).
    not_restored: &'a [&'static str],
    duration_seconds: f64,
    steps: &'a Steps,
    /// What differs from the snapshot to the restored project; `None` when the drill failed before.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<&'a Comparison>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// How the lists of the comparison (from the snapshot to the restored project) are headed.
const WORDS: Words<'static> = Words {
    added: "In the restored project, not in the snapshot",
    removed: "In the snapshot, missing after the restore",
    modified: "Restored differently",
};

pub fn run(drill: Drill<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let started = Instant::now();
    let mut steps = Steps::default();
    let repo = Repo::open(drill.repo, &context.temp_dir, &context.mirror)?;
    let refs = repo.fetch()?;
    let (selected, files) = select::read(&repo, &refs, drill.tier, drill.snapshot)?;
    let Some(csnap) = files.get(NATIVE_PATH) else {
        return Err(Error::Selection(format!(
            "snapshot {} ({}) has no native Cognigy snapshot ({NATIVE_PATH}), and a drill restores natively. Back up \
             with `native-snapshot: on-change` (or `daily`: a day's first change has one), or choose a snapshot that \
             has one with `snapshot`.",
            selected.snapshot_id, selected.place
        )));
    };
    let csnap_sha256 = manifest::digest(csnap);
    let (not_restored, kinds): (Vec<&'static str>, Vec<&'static str>) =
        restore::kinds_of(&files, &format!("{} ({})", selected.snapshot_id, selected.place))?
            .into_iter()
            .partition(|kind| NOT_IN_NATIVE.contains(kind));
    steps.read_seconds = seconds(started.elapsed());

    let runtime = super::runtime()?;
    let client = Arc::new(Client::new(drill.target)?);

    let step = Instant::now();
    let restored = {
        let _group = context.runner.group(&format!(
            "Drill: native restore of snapshot {} into project {}",
            selected.snapshot_id, drill.target.project_id
        ));
        runtime.block_on(restore::write_native(&client, &files, &update::Plan::default()))
    };
    steps.restore_seconds = seconds(step.elapsed());
    let result = restored
        .map_err(|e| {
            format!(
                "the native restore into project {} failed: {e}",
                drill.target.project_id
            )
        })
        .and_then(|()| {
            let step = Instant::now();
            let after = export_live(&runtime, &client, drill.target, &kinds, context)
                .map_err(|e| format!("the project was restored, but exporting it again failed: {e}"));
            steps.export_after_seconds = seconds(step.elapsed());
            after
        })
        .map(|after| {
            let step = Instant::now();
            let comparison = differences(&files, &after);
            steps.compare_seconds = seconds(step.elapsed());
            comparison
        });
    let took = started.elapsed();

    let comparison = result.as_ref().ok();
    let error = result.as_ref().err();
    let ok = comparison.is_some_and(Comparison::is_empty);
    let source = Source {
        snapshot_id: selected.snapshot_id.clone(),
        commit: selected.commit.to_string(),
        place: selected.place.clone(),
    };
    let json = Json {
        snapshot: source,
        source_project_id: drill.source_project_id,
        target_project_id: &drill.target.project_id,
        csnap_sha256,
        ok,
        not_restored: &not_restored,
        duration_seconds: seconds(took),
        steps: &steps,
        comparison,
        error: error.map(String::as_str),
    };
    summary::write_report(context, REPORT_FILE, &json, "Drill report not written");

    let mut outputs = Outputs::default();
    outputs.set("snapshot-id", &selected.snapshot_id);
    outputs.set("commit-sha", selected.commit.to_string());
    outputs.set("changed", "false");
    outputs.set("ok", if ok { "true" } else { "false" });
    if let Some(comparison) = comparison {
        outputs.set("changes", comparison.resources.len().to_string());
    }
    outputs.set("report-file", REPORT_FILE);
    let stats = client.stats();
    let failure = match &result {
        Ok(c) if c.is_empty() => None,
        Ok(c) => Some(format!(
            "the drill restored snapshot {} into project {}, and the project then differs from the snapshot: {}. A \
             restore of this snapshot would not give it back as it is; the summary lists every difference",
            selected.snapshot_id,
            drill.target.project_id,
            c.headline()
        )),
        Err(why) => Some(format!("the drill of snapshot {} failed: {why}", selected.snapshot_id)),
    };
    Ok(Outcome {
        outputs,
        summary: markdown(&drill, &selected, &json, took),
        failure,
        figures: Figures {
            requests: Some(stats.sent),
            rate_limited: Some(stats.rate_limited),
            retried: Some(stats.retried),
            differences: comparison.map(|c| c.resources.len()),
            drill_milliseconds: Some(u64::try_from(took.as_millis()).unwrap_or(u64::MAX)),
            ..Figures::default()
        },
        ..Outcome::default()
    })
}

/// What differs from the snapshot to the project exported `after` its restore, resources paired
/// by name: the staging project holds them under its own ids. Credentials stored redacted or
/// encrypted are no difference (the export holds them redacted), nor are the kinds native
/// snapshots do not hold.
fn differences(snapshot: &Files, after: &LiveExport) -> Comparison {
    let view = unseal::compare_view(snapshot, &restore::plain_files(after), None);
    compare::compare_across_projects(&view, &after.built.files, |kind| !NOT_IN_NATIVE.contains(&kind))
}

fn seconds(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1000.0).round() / 1000.0
}

fn markdown(drill: &Drill<'_>, selected: &Selected, json: &Json<'_>, took: Duration) -> String {
    let title = match (json.comparison, json.error) {
        (Some(c), _) if c.is_empty() => "passed".to_owned(),
        (Some(c), _) if c.resources.len() == 1 => "failed, 1 resource differs".to_owned(),
        (Some(c), _) => format!("failed, {} resources differ", c.resources.len()),
        (None, _) => "failed".to_owned(),
    };
    let commit = selected.commit.to_string();
    let mut md = format!(
        "## Cognigy restore drill: {title}\n\nSnapshot {} ({}, commit `{}`) of project {} restored natively into the \
         staging project {} in {:.1} s. Every file of the snapshot matches its manifest; its `{NATIVE_PATH}` has \
         sha256 `{}`. Only the staging project was written, and nothing was pushed.\n\n",
        markdown::code(&selected.snapshot_id),
        markdown::code(&selected.place),
        &commit[..7.min(commit.len())],
        markdown::code(drill.source_project_id),
        markdown::code(&drill.target.project_id),
        took.as_secs_f64(),
        json.csnap_sha256
    );
    let steps = json.steps;
    md.push_str(&format!(
        "| Step | Seconds |\n| --- | ---: |\n| Read the snapshot | {:.1} |\n| Native restore (upload, restore, delete \
         the upload) | {:.1} |\n| Export the staging project | {:.1} |\n| Compare | {:.1} |\n\n",
        steps.read_seconds, steps.restore_seconds, steps.export_after_seconds, steps.compare_seconds
    ));
    match (json.comparison, json.error) {
        (Some(c), _) if c.is_empty() => md.push_str(
            "A new export of the staging project equals the snapshot (ids aside, credentials not compared: the export \
             holds them redacted): a restore of this snapshot gives it back.\n\n",
        ),
        (Some(c), _) => md.push_str(&format!(
            "### Differences from the snapshot to the restored project\n\n{}. A restore of this snapshot would not give \
             it back as it is, so the run fails.\n\n{}",
            c.headline(),
            c.markdown(&WORDS)
        )),
        (None, Some(why)) => md.push_str(&format!("### The drill failed\n\n{}\n\n", markdown::text(why))),
        (None, None) => {}
    }
    if !json.not_restored.is_empty() {
        md.push_str(&format!(
            "Not restored and not compared: {}. Native snapshots do not hold them, and a restore into another project \
             cannot create them; the snapshot's JSON in git is their backup.\n\n",
            json.not_restored.join(", ")
        ));
    }
    md.push_str(&format!(
        "The uploaded snapshot is deleted from the staging project again, whether the restore worked or not. The \
         machine-readable report is `{REPORT_FILE}` in the workspace (output `report-file`).\n"
    ));
    md
}

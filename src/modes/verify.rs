//! The verify mode: checks the chosen tier (default: every tier) of the snapshot repository and
//! changes nothing there. Each ref is fetched on its own, so that a ref the remote cannot send
//! (an object gone from its repository) fails alone, named with what git said; then every chain,
//! tag and snapshot is checked ([`checks`]), and the monthly tags' releases where the GitHub API
//! can be reached ([`releases`]); with `mirror-remote-url`, whether the mirror holds the same tier
//! refs ([`mirror`]). Every problem is reported, each named by tier, ref, snapshot
//! and path ([`report`]); any problem fails the run, with the full report written. With
//! `verify-live`, the newest snapshot is compared with the live project ([`drift`]).

mod checks;
mod drift;
mod mirror;
mod releases;
mod report;

use crate::action::commands::Outputs;
use crate::action::config::{CognigyConfig, ExportConfig, GithubApi, Keep, RepoConfig, Tier};
use crate::escape::markdown;
use crate::retention;
use crate::store::{self, RefSelection, RemoteRefs};

use self::report::{At, Finding, Report, State, TierReport};
use super::repo::{MONTHLY_TAG_PREFIX, Repo};
use super::{Context, Error, Outcome};

/// What verify needs.
pub struct Verify<'a> {
    pub repo: &'a RepoConfig,
    /// `None`: every tier.
    pub tier: Option<Tier>,
    pub keep: &'a Keep,
    pub github: &'a GithubApi,
    /// `verify-live`: the live project to report the drift of.
    pub live: Option<(&'a CognigyConfig, &'a ExportConfig)>,
}

pub fn run(verify: Verify<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let repo = Repo::open(verify.repo, &context.temp_dir, &context.mirror)?;
    let selection = RefSelection::new(repo.prefix(), Vec::<String>::new(), MONTHLY_TAG_PREFIX);
    let listed = repo.store.list(&repo.remote, &selection)?;
    let mut report = Report::default();
    let tiers = match verify.tier {
        Some(tier) => vec![tier],
        None => vec![Tier::Hourly, Tier::Daily, Tier::Weekly, Tier::Monthly],
    };
    for &tier in &tiers {
        let _group = context.runner.group(&format!("Verify the {} tier", tier.name()));
        match tier {
            Tier::Monthly => monthly(&repo, &listed, &verify, &mut report),
            branch => check_branch(
                &repo,
                &listed,
                branch,
                retention::kept(verify.keep, branch),
                &mut report,
            ),
        }
    }
    if !report.found_any() {
        let nothing = Finding {
            tier: tiers[0],
            git_ref: match tiers[0] {
                Tier::Monthly => format!("{MONTHLY_TAG_PREFIX}*"),
                branch => repo.branch_name(branch),
            },
            at: None,
            path: None,
            what: format!(
                "the repository holds no snapshot of the tier(s) checked: check remote-url and branch-prefix ({}), \
                 or run a backup first",
                repo.prefix()
            ),
        };
        report.add_section(
            "Nothing to verify",
            "No tier holds a snapshot.".to_owned(),
            vec![nothing],
        );
    }
    if let Some(mirror) = &repo.mirror {
        let (markdown, findings) = mirror::compare(&repo, mirror, &selection, &listed, &tiers);
        report.add_section("Mirror", markdown, findings);
    }
    if let Some((cognigy, export)) = verify.live {
        let drift = drift::report(&repo, report.newest(), cognigy, export, context)?;
        report.add_section("Drift against the live project", drift, Vec::new());
    }
    Ok(outcome(&report, &repo))
}

/// Fetches and checks the branch of `tier`.
fn check_branch(repo: &Repo, listed: &RemoteRefs, tier: Tier, keep: usize, report: &mut Report) {
    let (full, name) = (repo.branch(tier), repo.branch_name(tier));
    let mut tier_report = TierReport {
        tier,
        refs: markdown::code_cell(&name),
        state: State::Absent,
        snapshots: Vec::new(),
    };
    if listed.get(&full).is_none() {
        report.add_tier(tier_report, Vec::new());
        return;
    }
    // Fetched on its own: a ref the remote cannot send fails alone.
    let (checked, findings) = match repo.store.fetch_one(&repo.remote, &full) {
        Ok(Some(tip)) => {
            let checked = checks::branch(&repo.store, tier, &name, tip, keep);
            (checked.snapshots, checked.findings)
        }
        Ok(None) => (Vec::new(), Vec::new()),
        Err(error) => (Vec::new(), vec![unfetched(tier, &name, &error)]),
    };
    if !(checked.is_empty() && findings.is_empty()) {
        tier_report.state = State::Checked;
    }
    tier_report.snapshots = checked;
    log(&name, &tier_report, &findings);
    report.add_tier(tier_report, findings);
}

/// Fetches and checks every monthly tag, their number and their releases.
fn monthly(repo: &Repo, listed: &RemoteRefs, verify: &Verify<'_>, report: &mut Report) {
    let prefix = format!("refs/tags/{MONTHLY_TAG_PREFIX}");
    let names: Vec<&str> = listed
        .0
        .keys()
        .filter(|full| full.starts_with(&prefix))
        .map(|full| &full["refs/tags/".len()..])
        .collect();
    let mut findings = Vec::new();
    let mut tags: Vec<(String, At)> = Vec::new();
    for name in &names {
        match repo.store.fetch_one(&repo.remote, &format!("refs/tags/{name}")) {
            Ok(Some(commit)) => {
                let mut checked = checks::tag(&repo.store, name, commit);
                findings.append(&mut checked.findings);
                tags.extend(checked.snapshots.into_iter().map(|at| (name.to_string(), at)));
            }
            Ok(None) => {}
            Err(error) => findings.push(unfetched(Tier::Monthly, name, &error)),
        }
    }
    findings.extend(checks::tag_count(
        names.iter().copied(),
        retention::kept(verify.keep, Tier::Monthly),
    ));
    let refs = match (names.first(), names.last()) {
        (Some(first), Some(last)) if first != last => {
            format!("{} … {}", markdown::code_cell(first), markdown::code_cell(last))
        }
        (Some(only), _) => markdown::code_cell(only),
        _ => format!("`{MONTHLY_TAG_PREFIX}*` tags"),
    };
    let state = if names.is_empty() {
        State::Absent
    } else {
        State::Checked
    };
    let tier_report = TierReport {
        tier: Tier::Monthly,
        refs,
        state,
        snapshots: tags.iter().map(|(_, at)| at.clone()).collect(),
    };
    log("monthly tags", &tier_report, &findings);
    report.add_tier(tier_report, findings);
    let (markdown, missing) = releases::check(verify.repo, verify.github, &tags);
    report.add_section("Monthly releases", markdown, missing);
}

/// Says in the log how a tier fared.
fn log(name: &str, tier: &TierReport, findings: &[Finding]) {
    match (tier.state, findings.len()) {
        (State::Absent, 0) => tracing::info!("{name}: absent, nothing to check"),
        (_, 0) => tracing::info!("{name}: {} snapshot(s), all sound", tier.snapshots.len()),
        (_, problems) => tracing::warn!("{name}: {} snapshot(s), {problems} problem(s)", tier.snapshots.len()),
    }
}

/// The finding of a ref whose objects could not be fetched: it says what the remote said.
fn unfetched(tier: Tier, name: &str, error: &store::Error) -> Finding {
    Finding {
        tier,
        git_ref: name.to_owned(),
        at: None,
        path: None,
        what: format!("its objects could not be fetched, so none of its snapshots was checked: {error}"),
    }
}

/// The outputs and the summary; a failure when anything is wrong.
fn outcome(report: &Report, repo: &Repo) -> Outcome {
    let mut outputs = Outputs::default();
    outputs.set("changed", "false");
    outputs.set("ok", report.ok().to_string());
    if let Some(newest) = report.newest() {
        outputs.set("snapshot-id", newest.snapshot_id.clone().unwrap_or_default());
        outputs.set("commit-sha", newest.commit.to_string());
    }
    Outcome {
        outputs,
        summary: report.markdown(&repo.remote.display()),
        failure: report.failure(),
        ..Outcome::default()
    }
}

//! The setup mode: checks each thing a backup needs, writing nothing to Cognigy or to the snapshot
//! branches, and keeps one issue with the checklist, the secrets and variables to set and the next
//! steps. Outputs `ok` and `issue-url`; fails while a required check fails.
//!
//! [`cognigy`] checks the Cognigy side (reads only), [`github`] the repository side (a push offer,
//! no push; the releases API; the restore environment), [`issue`] keeps the issue, [`check`] is one
//! result and its checklist line.

mod check;
mod cognigy;
mod github;
mod issue;

use check::{Check, State};

use super::{Context, Error, Outcome};
use crate::action::commands::Outputs;
use crate::action::config::{COGNIGY_INPUTS, CognigyConfig, GithubApi, RepoConfig};
use crate::init::RESTORE_ENVIRONMENT;

pub use issue::LABEL;

/// What the setup checks.
pub struct Setup<'a> {
    pub cognigy: Option<&'a CognigyConfig>,
    /// Cognigy inputs not set.
    pub missing: &'a [&'static str],
    pub repo: &'a RepoConfig,
    pub github: &'a GithubApi,
}

const INPUTS: &str = "The secret and variables are set";

/// Where each Cognigy input comes from in the workflows `init` writes.
const SOURCES: [(&str, &str, &str); 3] = [
    ("cognigy-base-url", "variable", "COGNIGY_BASE_URL"),
    ("cognigy-api-key", "secret", "COGNIGY_API_KEY"),
    ("cognigy-project-id", "variable", "COGNIGY_PROJECT_ID"),
];

pub fn run(setup: Setup<'_>, context: &Context<'_>) -> Result<Outcome, Error> {
    let runtime = super::runtime()?;
    let mut checks = vec![inputs(setup.missing)];
    match setup.cognigy {
        Some(config) => checks.extend(runtime.block_on(cognigy::checks(config))),
        None => checks.extend(cognigy::skipped_from(
            cognigy::API_HOST,
            "the secret and variables are not all set",
        )),
    }
    checks.push(github::push(setup.repo));
    checks.extend(github::mirror_push(setup.repo));
    checks.extend(runtime.block_on(github::api_checks(setup.repo, setup.github)));

    let (failed, unchecked) = blocking(&checks);
    let ok = failed.is_empty() && unchecked.is_empty();
    let body = body(&setup, &checks, (&failed, &unchecked), context);
    let mut outputs = Outputs::default();
    outputs.set("ok", ok.to_string());
    let mut summary = body.clone();
    // Where the person finds the checklist: the issue, once written; else the step summary.
    let mut checklist = "The checklist in the step summary".to_owned();
    let mut unwritten = None;
    match setup.repo.repository.as_deref() {
        Some(repository) => match runtime.block_on(issue::publish(setup.github, repository, &body, ok)) {
            Ok(issue) => {
                outputs.set("issue-url", &issue.html_url);
                summary.push_str(&format!(
                    "\nThis checklist is issue [#{}]({}).\n",
                    issue.number, issue.html_url
                ));
                checklist = format!("The checklist in issue #{} ({})", issue.number, issue.html_url);
            }
            Err(e) => {
                let why = format!(
                    "the setup issue could not be written: {e} The setup workflow needs `permissions: issues: write`"
                );
                summary.push_str(&format!("\n{}\n", check::quoted(&why)));
                unwritten = Some(why);
            }
        },
        None => summary.push_str("\nNo repository is known (outside GitHub), so no issue was written.\n"),
    }
    let checks_failed = (!ok).then(|| {
        let mut why = format!("required checks failed: {}", failed.join("; "));
        if !unchecked.is_empty() {
            why.push_str(&format!(" (not checked until then: {})", unchecked.join("; ")));
        }
        why.push_str(&format!(". {checklist} says how to fix each; then run the setup again"));
        why
    });
    let failure = match (checks_failed, unwritten) {
        (Some(checks), Some(why)) => Some(format!("{checks}; and {why}")),
        (checks, why) => checks.or(why),
    };
    Ok(Outcome {
        outputs,
        summary,
        failure,
        ..Outcome::default()
    })
}

/// The titles of the required checks that failed, and of those not checked because of them.
fn blocking(checks: &[Check]) -> (Vec<&'static str>, Vec<&'static str>) {
    let titles = |state: State| {
        checks
            .iter()
            .filter(|c| c.blocks() && c.state == state)
            .map(|c| c.title)
            .collect::<Vec<_>>()
    };
    (titles(State::Fail), titles(State::Skipped))
}

/// The Cognigy inputs: all set, or which to set.
fn inputs(missing: &[&'static str]) -> Check {
    if missing.is_empty() {
        return Check::pass(
            INPUTS,
            true,
            "`COGNIGY_API_KEY`, `COGNIGY_BASE_URL` and `COGNIGY_PROJECT_ID`",
        );
    }
    let unset: Vec<String> = SOURCES
        .iter()
        .filter(|(input, _, _)| missing.contains(input))
        .map(|(_, kind, name)| format!("the {kind} `{name}`"))
        .collect();
    Check::fail(
        INPUTS,
        true,
        format!("not set: {}", unset.join(", ")),
        "set them in the repository's Settings > Secrets and variables > Actions (see the table below)",
    )
}

/// The issue's body, which is also the step summary.
fn body(setup: &Setup<'_>, checks: &[Check], (failed, unchecked): (&[&str], &[&str]), context: &Context<'_>) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut md = match (failed.len(), unchecked.len()) {
        (0, 0) => "## Cognigy backup setup: ready\n\nEvery required check passes: the scheduled backups can run.\n\n"
            .to_owned(),
        (failing, 0) => format!(
            "## Cognigy backup setup: {failing} required check{} to fix\n\nA backup cannot run until every required check passes.\n\n",
            plural(failing)
        ),
        (failing, waiting) => format!(
            "## Cognigy backup setup: {failing} required check{} to fix\n\nA backup cannot run until every required check passes; \
             {waiting} more could not be checked until then.\n\n",
            plural(failing)
        ),
    };
    let when = super::summary::rfc3339(context.clock.now());
    let by = match &context.run.url {
        Some(url) => format!("[this run]({url})"),
        None => "a local run".to_owned(),
    };
    md.push_str(&format!(
        "Checked at {when} by {by}. Nothing was written to Cognigy or to the snapshot branches.\n\n"
    ));
    for check in checks {
        md.push_str(&check.markdown());
    }
    md.push_str(
        "\n### Secrets and variables\n\nIn the repository's **Settings > Secrets and variables > Actions**:\n\n\
         | kind | name | value | state |\n|---|---|---|---|\n",
    );
    for (input, kind, name) in SOURCES {
        let set = !setup.missing.contains(&input);
        let value = match (input, setup.cognigy) {
            ("cognigy-api-key", _) => "a Cognigy API key (never shown)".to_owned(),
            ("cognigy-base-url", Some(c)) => format!("`{}`", c.base_url.as_str().trim_end_matches('/')),
            ("cognigy-project-id", Some(c)) => format!("`{}`", c.project_id),
            ("cognigy-base-url", None) => "the API host, e.g. `https://api-app.cognigy.ai`".to_owned(),
            _ => "the 24 hexadecimal digits in the project's URL".to_owned(),
        };
        let state = if set { "set" } else { "**not set**" };
        md.push_str(&format!("| {kind} | `{name}` | {value} | {state} |\n"));
    }
    debug_assert_eq!(SOURCES.map(|s| s.0), COGNIGY_INPUTS);
    md.push_str(&format!(
        "\n### Next steps\n\n\
         1. Fix what is not ticked above, then run **Cognigy backup setup** again (Actions > Cognigy backup setup > Run workflow). \
         This issue is updated in place, and closed once every required check passes.\n\
         2. The first snapshot comes with the next scheduled run of **Cognigy backup** (twice an hour); to have it now, run that workflow by hand. \
         It lands on the branch `{prefix}hourly`.\n\
         3. See a restore work before you need one: run **Cognigy restore** with its defaults (a dry run that writes nothing), \
         approved in the `{RESTORE_ENVIRONMENT}` environment.\n",
        prefix = setup.repo.branch_prefix
    ));
    md.push_str(&format!(
        "\n<sub>Legend: ❌ a required check failed, ⚠️ works with a limit, (optional) not needed for a backup. Issue label: `{LABEL}`.</sub>\n"
    ));
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_required_check_blocks_and_says_how_to_fix_it() {
        let failed = Check::fail(cognigy::KEY, true, "Cognigy answered 401", "set `COGNIGY_API_KEY`");
        assert!(failed.blocks());
        assert_eq!(
            failed.markdown(),
            "- [ ] ❌ **The API key is accepted**: Cognigy answered 401\n  - **To fix:** set `COGNIGY_API_KEY`\n"
        );
        let optional = Check::warn(cognigy::AUDIT, false, "not available", "use another key");
        assert!(!optional.blocks());
        assert!(
            optional
                .markdown()
                .starts_with("- [x] ⚠️ **Audit trail (who changed what)** (optional)")
        );
        assert!(Check::skipped(cognigy::PROJECT, true, "no key").blocks());
        assert_eq!(inputs(&["cognigy-api-key"]).state, State::Fail);
        assert!(
            inputs(&["cognigy-api-key"])
                .detail
                .contains("the secret `COGNIGY_API_KEY`")
        );
    }
}

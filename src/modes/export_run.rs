//! The backup's export, full or incremental: the hourly tip as the base, the export state, the
//! audit trail back to the base's capture ([`super::trail`]), the choice ([`super::incremental`]),
//! the export itself, and a scrub's check of the trail (a full export that finds a resource changed
//! that no event named: a change the trail missed, warned about and counted).

use std::sync::Arc;

use time::OffsetDateTime;

use crate::action::commands::Level;
use crate::action::config::{SecretsMode, Tier};
use crate::cognigy::audit::{self, Trail};
use crate::cognigy::export::incremental::{self, Base, Incremental};
use crate::cognigy::{Client, export};
use crate::escape::markdown;
use crate::snapshot::{self, Files, manifest};
use crate::store::{self, RefUpdate, RemoteRefs};

use super::backup::Backup;
use super::incremental::{Choice, Facts, State, Why};
use super::repo::Repo;
use super::{Context, Error, trail};

/// How the export read the project.
pub struct Read {
    pub choice: Choice,
    /// Reads the base answered instead of Cognigy.
    pub served: usize,
    /// The kinds an incremental export read in full, each with why.
    pub in_full: Vec<(&'static str, Vec<String>)>,
    /// What a scrub found changed that no event named.
    pub missed: Vec<String>,
    state: State,
    /// The export state to record, when this run changed it.
    new_state: Option<State>,
    /// The audit trail read back to the base's capture time (that time first), for the editors.
    pub trail: Option<(OffsetDateTime, Trail)>,
}

/// Exports the project for `backup`, incrementally when the facts allow it; with the refs fetched
/// before (the push is leased on them first).
pub fn export(
    runtime: &tokio::runtime::Runtime,
    client: &Arc<Client>,
    repo: &Repo,
    backup: &Backup<'_>,
    context: &Context<'_>,
) -> Result<(snapshot::Export, Read, RemoteRefs), Error> {
    let refs = repo.fetch()?;
    let base: Option<Files> = match refs.get(&repo.branch(Tier::Hourly)) {
        Some(tip) => Some(repo.store.read_files(repo.store.read_commit(tip)?.tree)?),
        None => None,
    };
    let meta = base
        .as_ref()
        .and_then(|files| manifest::parse(files.get(manifest::PATH)?).ok())
        .map(|m| m.meta);
    let state = match refs.get(&repo.export_state_ref()) {
        Some(id) => State::parse(&repo.store.read_commit(id)?.message),
        None => State::default(),
    };
    let this_version = env!("CARGO_PKG_VERSION");
    let trail = match &meta {
        Some(meta) if meta.tool_version == this_version => {
            Some((meta.captured_at, trail::since(runtime, client, meta.captured_at)?))
        }
        _ => None,
    };
    let now = context.clock.now();
    let choice = super::incremental::choose(&Facts {
        base_version: meta.as_ref().map(|m| m.tool_version.as_str()),
        trail: trail.as_ref().map(|(_, trail)| trail),
        state: &state,
        full_every: backup.full_export_every,
        encrypted: matches!(backup.secrets, SecretsMode::Encrypt(_)),
        now,
    });
    tracing::debug!("export: {choice:?}");
    let plan = match (&choice, &base) {
        (Choice::Incremental(touched), Some(files)) => Some(Incremental {
            base: Base::new(files.clone()),
            touched: touched.clone(),
        }),
        _ => None,
    };
    let kinds = &backup.export.kinds;
    let (exported, served) = runtime.block_on(export::export_from(client.clone(), kinds, plan.as_ref()))?;
    let mut read = Read {
        missed: Vec::new(),
        served,
        in_full: match &choice {
            Choice::Incremental(touched) => super::incremental::kinds_in_full(touched, kinds),
            Choice::Full(_) => Vec::new(),
        },
        new_state: None,
        state,
        choice,
        trail: None,
    };
    if let Choice::Full(why) = &read.choice {
        if let (Some((_, Trail::Complete(events))), Some(base), true) = (&trail, &base, why.checks_trail()) {
            let built = snapshot::build(super::capture::meta_now(backup.cognigy, context), exported.clone());
            read.missed = incremental::unnamed_changes(base, &built.files, &audit::touched(events));
            for resource in &read.missed {
                context.runner.annotate(
                    Level::Warning,
                    "Change missed by the audit trail",
                    &format!(
                        "{resource} changed, but no audit event named it: the full export captured it; every backup reads everything until a scrub finds no missed change"
                    ),
                );
            }
        }
        // Recorded when it changes what later runs do: a first or re-laid base, a scrub (under
        // `full-export-every: 0` only when what it found missed changed).
        let recorded = match why {
            Why::NoBase | Why::OtherVersion(_) => true,
            Why::Always => read.missed.len() != read.state.missed,
            other => other.checks_trail(),
        };
        if recorded {
            read.new_state = Some(State {
                last_full: Some(now),
                missed: if why.checks_trail() {
                    read.missed.len()
                } else {
                    read.state.missed
                },
            });
        }
    }
    read.trail = trail;
    Ok((exported, read, refs))
}

impl Read {
    /// `full` or `incremental`, for the metrics.
    pub fn kind(&self) -> &'static str {
        match self.choice {
            Choice::Incremental(_) => "incremental",
            Choice::Full(_) => "full",
        }
    }

    /// Whether this export checked the audit trail (a scrub).
    pub fn checked(&self) -> bool {
        matches!(&self.choice, Choice::Full(why) if why.checks_trail())
    }

    /// The summary's lines on the export.
    pub fn markdown(&self) -> String {
        let mut md = match &self.choice {
            Choice::Incremental(_) => {
                format!(
                    "**Export:** incremental ({} reads taken from the previous snapshot; only what the audit trail named was read again).\n\n",
                    self.served
                ) + &self.in_full_lines()
            }
            Choice::Full(why) => format!("**Export:** full: {}.\n\n", markdown::text(&why.describe())),
        };
        if !self.missed.is_empty() {
            md.push_str(&format!(
                "### Changes the audit trail missed\n\n{} resource(s) changed without an audit event naming them (captured by this full export; the next backups read everything until a scrub finds none):\n\n",
                self.missed.len()
            ));
            for resource in &self.missed {
                md.push_str(&format!("- {}\n", markdown::code(resource)));
            }
            md.push('\n');
        }
        md
    }

    /// One line per kind read in full: "flows read in full: a flow event without an id."
    fn in_full_lines(&self) -> String {
        self.in_full
            .iter()
            .map(|(kind, why)| format!("{kind} read in full: {}.\n\n", markdown::text(&why.join(", "))))
            .collect()
    }

    /// The update of `<prefix>export-state` this run makes, if it changed the state.
    pub fn state_update(
        &self,
        repo: &Repo,
        refs: &RemoteRefs,
        now: time::OffsetDateTime,
    ) -> Result<Option<RefUpdate>, store::Error> {
        let Some(state) = &self.new_state else { return Ok(None) };
        let empty = repo.store.write_tree(&Files::new())?;
        let commit = repo.store.commit(empty, None, &state.message(), now)?;
        let name = repo.export_state_ref();
        Ok(Some(RefUpdate::new(name.clone(), refs.get(&name), Some(commit))))
    }
}

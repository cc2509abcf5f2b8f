//! The fleet: the status mode's view of many backup repositories, read through the GitHub REST
//! API alone (no Cognigy, no git objects). `discover.rs` says which repositories, `probe.rs`
//! reads one into a plain record, `health.rs` judges a record (a pure function), `report.rs`
//! holds the judged fleet and makes the JSON report and the step summary, `dashboard.rs` the
//! HTML page.

pub mod dashboard;
pub mod discover;
pub mod health;
pub mod probe;
pub mod report;

use std::sync::Arc;

use time::{Duration, OffsetDateTime};
use tokio::task::JoinSet;

pub use discover::ListError;
pub use report::Fleet;

use crate::action::config::GithubApi;

/// How many repositories are read at once.
const CONCURRENCY: usize = 8;

/// Which repositories make the fleet, and how each is judged.
pub struct Query<'a> {
    pub api: &'a GithubApi,
    pub owner: &'a str,
    pub prefix: &'a str,
    pub explicit: &'a [String],
    pub layout: probe::Layout,
    pub healthy_within: Duration,
}

/// Reads and judges the fleet at `now`, [`CONCURRENCY`] repositories at a time. Fails only when
/// the owner's repositories cannot be listed; a repository that cannot be read is red.
pub async fn read(query: Query<'_>, now: OffsetDateTime) -> Result<Fleet, ListError> {
    let names = discover::repositories(query.api, query.owner, query.prefix, query.explicit).await?;
    let api = Arc::new(query.api.clone());
    let layout = Arc::new(query.layout);
    let mut read: Vec<(String, probe::Record)> = Vec::with_capacity(names.len());
    let mut jobs = JoinSet::new();
    for name in &names {
        if jobs.len() >= CONCURRENCY
            && let Some(done) = jobs.join_next().await
        {
            read.extend(done.ok());
        }
        let (api, layout, name) = (api.clone(), layout.clone(), name.clone());
        jobs.spawn(async move {
            let record = probe::probe(&api, &name, &layout).await;
            (name, record)
        });
    }
    while let Some(done) = jobs.join_next().await {
        read.extend(done.ok());
    }
    // A probe that stopped (it should not) still leaves its repository in the fleet, red.
    let records = names
        .iter()
        .map(|name| match read.iter().position(|(n, _)| n == name) {
            Some(at) => read.swap_remove(at).1,
            None => probe::Record {
                problem: Some("reading it stopped unexpectedly".to_owned()),
                ..probe::Record::new(name)
            },
        })
        .collect();
    Ok(Fleet::new(records, now, query.healthy_within))
}

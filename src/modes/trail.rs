//! The run's read of Cognigy's audit trail, for the editors of a new snapshot: the events since
//! the snapshot below it (less a skew margin), or why they are not known, in words for the step
//! summary. Read once per run; a re-applied capture (after a lost push race) reads again only when
//! the snapshot below it is older than what was read.

use time::{Duration, OffsetDateTime};

use crate::cognigy::Client;
use crate::cognigy::audit::{self, Event, Short, Trail, Window};

/// Events this much older than the snapshot below are read too: Cognigy's clock and the runner's
/// may disagree, and an edit made while that snapshot was exported may not be in it.
pub const SKEW: Duration = Duration::minutes(2);

/// At most this many pages of 100 events are read.
pub const MAX_PAGES: usize = 20;

/// The events of `client`'s project since `since` (less [`SKEW`]), or why they are not known.
pub fn read(runtime: &tokio::runtime::Runtime, client: &Client, since: OffsetDateTime) -> Result<Vec<Event>, String> {
    let window = Window {
        since,
        skew: SKEW,
        max_pages: MAX_PAGES,
    };
    let since = crate::modes::summary::rfc3339(window.start());
    match runtime.block_on(audit::read_since(client, &window)) {
        Ok(Trail::Complete(events)) => Ok(events),
        Ok(Trail::Unavailable { why }) => Err(format!("Cognigy's audit trail is {why}")),
        Ok(Trail::TooShort(Short::Expired { oldest: Some(oldest) })) => Err(format!(
            "Cognigy's audit trail does not reach back to {since}: its oldest event is of {} (events expire, after 30 days by default)",
            crate::modes::summary::rfc3339(oldest)
        )),
        Ok(Trail::TooShort(Short::Expired { oldest: None })) => {
            Err(format!("Cognigy's audit trail holds no event back to {since}"))
        }
        Ok(Trail::TooShort(Short::PageBound { pages })) => Err(format!(
            "Cognigy's audit trail holds more than {} events since {since}: it was not read further",
            pages * crate::cognigy::paging::PAGE_SIZE
        )),
        Err(error) => Err(format!("reading Cognigy's audit trail failed: {error}")),
    }
}

/// The trail of one run, read when first asked for.
pub struct Reader<'a> {
    runtime: &'a tokio::runtime::Runtime,
    client: &'a Client,
    /// What was read, and since when.
    read: Option<(OffsetDateTime, Result<Vec<Event>, String>)>,
}

impl<'a> Reader<'a> {
    pub fn new(runtime: &'a tokio::runtime::Runtime, client: &'a Client) -> Self {
        Reader {
            runtime,
            client,
            read: None,
        }
    }

    /// The events since `since` (less [`SKEW`]), or why they are not known.
    pub fn since(&mut self, since: OffsetDateTime) -> Result<Vec<Event>, String> {
        match &self.read {
            Some((read_since, result)) if *read_since <= since => result
                .as_ref()
                .map(|events| events.iter().filter(|e| e.at >= since - SKEW).cloned().collect())
                .map_err(Clone::clone),
            _ => {
                let result = read(self.runtime, self.client, since);
                self.read = Some((since, result.clone()));
                result
            }
        }
    }
}

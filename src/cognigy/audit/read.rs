//! Reading the audit trail back to a time: newest-first pages (the client's paging, under its rate
//! limit) until an event older than the window's start, the last page, or a bound on pages.

use std::collections::HashSet;

use time::{Duration, OffsetDateTime};

use super::events::{self, Event};
use crate::cognigy::client::{Call, Client};
use crate::cognigy::error::Error;
use crate::cognigy::paging::{self, End};

/// How far back to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The events wanted: those at or after this time...
    pub since: OffsetDateTime,
    /// ...less this margin, for clocks that disagree (Cognigy's and the one `since` came from).
    pub skew: Duration,
    /// At most this many pages of [`paging::PAGE_SIZE`] events are read.
    pub max_pages: usize,
}

impl Window {
    /// The earliest time an event must be read back to.
    pub fn start(&self) -> OffsetDateTime {
        self.since.saturating_sub(self.skew)
    }
}

/// What the audit trail tells about the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trail {
    /// Every event the trail holds from the window's start on, newest first (an event older than
    /// the start was seen, so none between is missing from the trail).
    Complete(Vec<Event>),
    /// The key may not read the trail (or the platform has none): why, and which roles enable it.
    Unavailable { why: String },
    /// The trail does not reach back to the window's start: why.
    TooShort(Short),
}

/// Why a trail does not reach back far enough.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Short {
    /// The oldest event the trail still holds is newer than the window's start (the others have
    /// expired, or there are none); `None` when it holds no event at all.
    Expired { oldest: Option<OffsetDateTime> },
    /// The bound on pages was reached first.
    PageBound { pages: usize },
}

/// The request for the audit trail of the client's project, newest first (paging adds `limit`
/// and `skip`).
pub fn request(client: &Client) -> Call {
    Call::get("audit trail", "auditevents")
        .query("projectId", client.project_id())
        .query("sort", "timestamp:desc")
}

/// Why `error` means the trail is not available to this key, if it does (403 or 404).
pub fn unavailable(error: &Error) -> Option<String> {
    let status = error.status().filter(|s| matches!(s, 403 | 404))?;
    Some(format!(
        "not available to this key (Cognigy answered {status}): reading the audit trail needs a user with the `admin` or `fullUserSupport` role"
    ))
}

/// The events of the client's project in `window`, or why the trail cannot give them.
pub async fn read_since(client: &Client, window: &Window) -> Result<Trail, Error> {
    let call = request(client);
    let start = window.start();
    let reached_start =
        |items: &[serde_json::Value]| items.iter().any(|i| events::timestamp(i).is_some_and(|t| t < start));
    let (items, end) = match paging::list_until(client, &call, window.max_pages, reached_start).await {
        Ok(listed) => listed,
        Err(e) => match unavailable(&e) {
            Some(why) => return Ok(Trail::Unavailable { why }),
            None => return Err(e),
        },
    };
    let mut seen = HashSet::new();
    let mut events = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let event = Event::parse(item).map_err(|why| Error::Unexpected {
            request: client.describe(&call),
            what: format!("audit event {} of the list has {why}", index + 1),
        })?;
        // Paging by `skip` while new events arrive shows some twice.
        if seen.insert(event.id.clone()) {
            events.push(event);
        }
    }
    let oldest = events.iter().map(|e| e.at).min();
    if oldest.is_some_and(|oldest| oldest < start) {
        events.retain(|e| e.at >= start);
        return Ok(Trail::Complete(events));
    }
    Ok(Trail::TooShort(match end {
        End::Bound => Short::PageBound {
            pages: window.max_pages,
        },
        End::Last | End::Enough => Short::Expired { oldest },
    }))
}

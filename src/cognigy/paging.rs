//! Lists: every page of a collection, `limit=100` and `skip` advanced by the items received, until
//! `total` is reached or a short page arrives. Never assumes one page. A reader that needs only the
//! first pages (the audit trail, newest first) stops earlier: when its pages suffice, or at a bound.

use serde_json::Value;

use super::client::{Call, Client};
use super::error::Error;

/// The largest page the API serves.
pub const PAGE_SIZE: usize = 100;

/// Where a list read by [`list_until`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The last page was read.
    Last,
    /// The pages read were enough, by the reader's judgement.
    Enough,
    /// The bound on pages was reached before either.
    Bound,
}

/// Every item of the collection `call` lists (its `limit` and `skip` are set here).
pub async fn list_all(client: &Client, call: &Call) -> Result<Vec<Value>, Error> {
    list_until(client, call, usize::MAX, |_| false)
        .await
        .map(|(items, _)| items)
}

/// The items of the collection `call` lists, page by page, until the last page, until `enough`
/// says (of a page just read) that no more are needed, or after `max_pages` pages.
pub async fn list_until(
    client: &Client,
    call: &Call,
    max_pages: usize,
    mut enough: impl FnMut(&[Value]) -> bool,
) -> Result<(Vec<Value>, End), Error> {
    let mut items = Vec::new();
    for _ in 0..max_pages {
        let page_call = call
            .clone()
            .query("limit", PAGE_SIZE.to_string())
            .query("skip", items.len().to_string());
        let page = client.json(page_call).await?;
        let Some(page_items) = page.get("items").and_then(Value::as_array) else {
            return Err(Error::Unexpected {
                request: super::error::RequestInfo {
                    resource: call.resource().to_owned(),
                    request: "list".to_owned(),
                },
                what: "the answer has no `items` array".to_owned(),
            });
        };
        let received = page_items.len();
        items.extend(page_items.iter().cloned());
        let total = page.get("total").and_then(Value::as_u64).map(|t| t as usize);
        if received < PAGE_SIZE || received == 0 || total.is_some_and(|t| items.len() >= t) {
            return Ok((items, End::Last));
        }
        if enough(page_items) {
            return Ok((items, End::Enough));
        }
    }
    Ok((items, End::Bound))
}

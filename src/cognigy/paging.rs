//! Lists: every page of a collection, `limit=100` and `skip` advanced by the items received, until
//! `total` is reached or a short page arrives. Never assumes one page.

use serde_json::Value;

use super::client::{Call, Client};
use super::error::Error;

/// The largest page the API serves.
pub const PAGE_SIZE: usize = 100;

/// Every item of the collection `call` lists (its `limit` and `skip` are set here).
pub async fn list_all(client: &Client, call: &Call) -> Result<Vec<Value>, Error> {
    let mut items = Vec::new();
    loop {
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
            return Ok(items);
        }
    }
}

//! The writes of a restore by update, each putting back what the export saved: PATCHes
//! ([`patches`]: a node in one locale, a flow and its settings, its states and slot fillers, a
//! lexicon's name and description, the project's settings, a locale, an endpoint with its
//! transformer, the flat kinds the API can update, and the contact-profile schema, which is set), snippets created and deleted
//! ([`snippets`]: they have no update) and imports ([`imports`]: a flow's intents, a lexicon's
//! keyphrases). Knows nothing of git or of the snapshot's file layout: it takes ids and
//! the saved JSON, CSV or source text.
//!
//! A [`JsonWrite`] is built before anything is sent, so that a restore can check every body against
//! Cognigy's limits ([`MAX_JSON_BODY`], [`MAX_RAW_UPLOAD`]) before its first write. The fields sent
//! follow the official client's typings (`@cognigy/rest-api-client` 0.19.0): what a user can edit,
//! never what the server owns ([`SERVER_OWNED`]). Updating cannot create or delete resources nor
//! change a chart's relations; only a native snapshot restore ([`native`](super::native)) can. Each
//! write may be repeated after an unclear failure: a PATCH with the same body, or an import that
//! overwrites, changes nothing more the second time.

pub mod imports;
pub mod patches;
pub mod snippets;

use serde_json::{Map, Value};

use super::client::{Call, Client};
use super::error::Error;

pub use imports::{import_intents, import_keyphrases, intents_file};

/// The largest JSON request body Cognigy accepts (60 kB on shared SaaS).
pub const MAX_JSON_BODY: usize = 60_000;

/// The largest raw upload Cognigy accepts (2 MB): an intents or keyphrase file.
pub const MAX_RAW_UPLOAD: usize = 2_000_000;

/// Fields the server owns, never sent in an update: the entity meta and the references that the
/// typings' update bodies leave out, an endpoint's `URLToken` and an LLM's `projectId`.
const SERVER_OWNED: [&str; 10] = [
    "_id",
    "createdAt",
    "createdBy",
    "lastChanged",
    "lastChangedBy",
    "referenceId",
    "projectReference",
    "organisationReference",
    "URLToken",
    "projectId",
];

/// A write with a JSON body (or none), built from what the export saved and not sent yet: a PATCH
/// ([`patches`]), or a snippet's creation or deletion ([`snippets`]).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonWrite {
    pub method: Method,
    /// The resource in words, for messages: `flow "Main" (f1)`.
    pub resource: String,
    /// Under the API prefix: `flows/{id}/settings`.
    pub path: String,
    /// Empty for a DELETE.
    pub body: Map<String, Value>,
}

/// The methods of a [`JsonWrite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Patch,
    /// Replaces what is there (the contact-profile schema).
    Put,
    /// Creates something: not sent again blindly after an unclear failure.
    Post,
    Delete,
}

impl JsonWrite {
    /// The bytes of its JSON body, as sent (0 for a DELETE).
    pub fn size(&self) -> usize {
        match self.method {
            Method::Delete => 0,
            _ => serde_json::to_vec(&self.body).map_or(0, |bytes| bytes.len()),
        }
    }

    /// Sends it; the answer (204, the updated or created resource) is not needed.
    pub async fn send(&self, client: &Client) -> Result<(), Error> {
        let (resource, path, body) = (
            self.resource.clone(),
            self.path.clone(),
            Value::Object(self.body.clone()),
        );
        let call = match self.method {
            Method::Patch => Call::patch(resource, path, body),
            Method::Put => Call::put(resource, path, body),
            Method::Post => Call::post(resource, path, body).creates(),
            Method::Delete => Call::delete(resource, path),
        };
        client.json(call).await.map(drop)
    }
}

/// `saved` without the fields the server owns.
fn updatable(saved: &Value, resource: &str) -> Result<Map<String, Value>, Error> {
    let mut body = object(saved, resource)?.clone();
    body.retain(|key, _| !SERVER_OWNED.contains(&key.as_str()));
    Ok(body)
}

/// The `fields` that `saved` has.
fn picked(saved: &Value, fields: &[&str], resource: &str) -> Result<Map<String, Value>, Error> {
    let saved = object(saved, resource)?;
    Ok(fields
        .iter()
        .filter_map(|&field| Some((field.to_owned(), saved.get(field)?.clone())))
        .collect())
}

fn object<'a>(saved: &'a Value, resource: &str) -> Result<&'a Map<String, Value>, Error> {
    saved.as_object().ok_or_else(|| Error::Unwritable {
        resource: resource.to_owned(),
        what: "it is not a JSON object".to_owned(),
    })
}

/// `"<name>" (<id>)`, or just the id when `saved` has no such name.
fn named(saved: &Value, field: &str, id: &str) -> String {
    match saved.get(field).and_then(Value::as_str) {
        Some(name) => format!("\"{name}\" ({id})"),
        None => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_owned_fields_are_stripped_at_the_top_only() {
        let saved = json!({
            "_id": "e1", "createdAt": 1, "createdBy": "u", "lastChanged": 2, "lastChangedBy": "u",
            "referenceId": "r", "projectReference": "p", "organisationReference": "o", "URLToken": "t",
            "name": "Web", "settings": { "_id": "kept", "createdAt": "kept" },
        });
        let body = updatable(&saved, "endpoint").unwrap();
        assert_eq!(
            Value::Object(body),
            json!({ "name": "Web", "settings": { "_id": "kept", "createdAt": "kept" } })
        );
    }

    #[test]
    fn picking_keeps_only_the_fields_present() {
        let node = json!({ "_id": "n", "type": "say", "label": "Hi", "config": { "a": 1 }, "preview": "x" });
        assert_eq!(
            Value::Object(picked(&node, &patches::NODE_FIELDS, "node").unwrap()),
            json!({ "label": "Hi", "config": { "a": 1 } })
        );
    }

    #[test]
    fn a_saved_resource_that_is_not_an_object_is_refused_with_its_name() {
        let error = updatable(&json!(["not", "an", "object"]), "AI agent \"Helper\" (a1)").unwrap_err();
        let text = error.to_string();
        assert!(
            text.starts_with("cannot write AI agent \"Helper\" (a1): it is not a JSON object"),
            "{text}"
        );
        assert!(text.contains("nothing was sent"), "{text}");
    }

    #[test]
    fn resources_are_named_by_name_and_id() {
        assert_eq!(named(&json!({ "name": "Main" }), "name", "f1"), "\"Main\" (f1)");
        assert_eq!(named(&json!({}), "name", "f1"), "f1");
    }
}

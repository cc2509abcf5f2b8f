//! Snippets, which the API lists, creates and deletes but cannot update
//! (`POST`/`DELETE /projects/{id}/snippets`): a snippet is put back by creating it as the export
//! saved it, with its `referenceId` (by which flows use it), after deleting the live one that
//! holds that `referenceId`.

use serde_json::Value;

use super::{JsonWrite, Method, named, picked};
use crate::cognigy::error::Error;

/// `ICreateSnippetRestDataBody_2_0`: `Partial<Omit<ISnippet_2_0, keyof IEntityMeta>>`.
const SNIPPET_FIELDS: [&str; 4] = ["label", "type", "script", "referenceId"];

/// Creates the snippet `saved` (as the export saved it) in project `project_id`.
pub fn create(project_id: &str, saved: &Value) -> Result<JsonWrite, Error> {
    let id = saved.get("referenceId").and_then(Value::as_str).unwrap_or_default();
    let resource = format!("snippet {}", named(saved, "label", id));
    let body = picked(saved, &SNIPPET_FIELDS, &resource)?;
    Ok(JsonWrite {
        method: Method::Post,
        resource,
        path: format!("projects/{project_id}/snippets"),
        body,
    })
}

/// Deletes the live snippet `live` (by its `_id`) of project `project_id`.
pub fn delete(project_id: &str, live: &Value) -> Result<JsonWrite, Error> {
    let id = live.get("_id").and_then(Value::as_str).unwrap_or_default();
    let resource = format!("snippet {}", named(live, "label", id));
    if id.is_empty() {
        return Err(Error::Unwritable {
            resource,
            what: "it has no `_id`".to_owned(),
        });
    }
    Ok(JsonWrite {
        method: Method::Delete,
        resource,
        path: format!("projects/{project_id}/snippets/{id}"),
        body: serde_json::Map::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_snippet_is_created_with_its_reference_and_deleted_by_its_id() {
        let saved = json!({"_id": "s1", "label": "Order", "type": "context", "script": "context.order",
                           "referenceId": "r1", "createdAt": 1, "lastChangedBy": "u"});
        let created = create("P", &saved).unwrap();
        assert_eq!(
            (created.method, created.path.as_str()),
            (Method::Post, "projects/P/snippets")
        );
        assert_eq!(
            Value::Object(created.body),
            json!({"label": "Order", "type": "context", "script": "context.order", "referenceId": "r1"})
        );
        assert_eq!(created.resource, "snippet \"Order\" (r1)");
        let deleted = delete("P", &saved).unwrap();
        assert_eq!(
            (deleted.method, deleted.path.as_str(), deleted.size()),
            (Method::Delete, "projects/P/snippets/s1", 0)
        );
        assert!(delete("P", &json!({"label": "No id"})).is_err());
    }
}

//! The ids a project owns, and issuing them anew. Cognigy never holds two documents with one id,
//! even across projects: a snapshot captured in one project and restored in another re-creates its
//! resources there under new ids (their `referenceId`s stay, they are what survives a move), and
//! every reference to an id inside the package follows it.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::model::Project;
use super::rng::Rng;

/// Every id `project` owns: each document's `_id` at any depth (locales, flows, nodes, relations,
/// intents, lexicons, items and what they nest), its charts' ids and its keyphrases' ids.
pub fn owned(project: &Project) -> HashSet<String> {
    let mut ids = HashSet::new();
    collect(&to_value(project), &mut ids);
    ids.extend(project.flows.iter().map(|f| f.chart_id.clone()));
    ids.extend(
        project
            .lexicons
            .iter()
            .flat_map(|l| l.keyphrases.iter().map(|k| k.id.clone())),
    );
    ids
}

/// `project` as the project `project_id` holds it: its own id becomes `project_id`, and each id it
/// owns that is in `taken` becomes a new one drawn from `rng`, everywhere it is referenced (as a
/// string value or as a map key, such as a node's per-locale data).
pub fn reissue(project: Project, project_id: &str, taken: &HashSet<String>, rng: &mut Rng) -> Project {
    let mut renamed: HashMap<String, String> = owned(&project)
        .into_iter()
        .filter(|id| taken.contains(id))
        .map(|id| (id, rng.object_id()))
        .collect();
    renamed.insert(project.id().to_owned(), project_id.to_owned());
    let mut value = to_value(&project);
    rename(&mut value, &renamed);
    serde_json::from_value(value).expect("renaming ids keeps a project's shape")
}

fn to_value(project: &Project) -> Value {
    serde_json::to_value(project).expect("a project always serialises")
}

fn collect(value: &Value, ids: &mut HashSet<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, ids)),
        Value::Object(fields) => {
            if let Some(Value::String(id)) = fields.get("_id") {
                ids.insert(id.clone());
            }
            fields.values().for_each(|v| collect(v, ids));
        }
        _ => {}
    }
}

fn rename(value: &mut Value, renamed: &HashMap<String, String>) {
    match value {
        Value::String(s) => {
            if let Some(new) = renamed.get(s.as_str()) {
                new.clone_into(s);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename(v, renamed)),
        Value::Object(fields) => {
            *fields = std::mem::take(fields)
                .into_iter()
                .map(|(key, mut v)| {
                    rename(&mut v, renamed);
                    (renamed.get(&key).cloned().unwrap_or(key), v)
                })
                .collect();
        }
        _ => {}
    }
}

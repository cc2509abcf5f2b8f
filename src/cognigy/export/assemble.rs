//! Turns what was read ([`Reads`]) into the neutral resources of a snapshot ([`Export`]): volatile
//! fields out, credentials redacted (by [`secrets::seal::redact`], kept aside in memory), transformer source split off, each chart's index nodes replaced
//! by the full nodes, and lists in a stable order so an unchanged project gives the same bytes.

use serde_json::Value;

use super::kinds;
use super::normalize::{split_transformer, strip_volatile};
use super::{Reads, text};
use crate::secrets;
use crate::snapshot::{Content, Export, Locale, Resource, ResourceFile};

/// The export of `reads`, for the `kinds` that were asked for.
pub fn assemble(mut reads: Reads, kinds: &[&'static str]) -> Export {
    let mut project = std::mem::take(&mut reads.project);
    if let Value::Object(map) = &mut project {
        map.insert("settings".to_owned(), std::mem::take(&mut reads.settings));
    }
    strip_volatile(&mut project);
    let mut locales = Value::Array(sorted_by_id(reads.locales.clone()));
    strip_volatile(&mut locales);

    let mut resources = Vec::new();
    for &kind in kinds {
        let items = reads.lists.get(kind).cloned().unwrap_or_default();
        for (index, item) in items.iter().enumerate() {
            let full = reads.items.remove(&(kind, index)).unwrap_or_else(|| item.clone());
            let files = match kind {
                "flows" => flow_files(&mut reads, index, full),
                "lexicons" => lexicon_files(&mut reads, index, full),
                _ => flat_files(kind, full),
            };
            resources.push(Resource {
                kind,
                id: resource_id(item),
                name: text(item, "name"),
                files,
            });
        }
    }
    let mut export = Export {
        kinds: kinds.to_vec(),
        project: vec![
            ("project.json", Content::Json(project)),
            ("locales.json", Content::Json(locales)),
        ],
        resources,
        ..Export::default()
    };
    secrets::seal::redact(&mut export);
    export
}

/// `referenceId`, else `_id` (kinds that have no `referenceId` on some platform versions).
fn resource_id(item: &Value) -> String {
    match text(item, "referenceId") {
        id if !id.is_empty() => id,
        _ => text(item, "_id"),
    }
}

fn file(name: &'static str, value: Value) -> ResourceFile {
    ResourceFile {
        locale: None,
        name,
        content: json(value),
    }
}

fn json(mut value: Value) -> Content {
    strip_volatile(&mut value);
    Content::Json(value)
}

fn flow_files(reads: &mut Reads, flow: usize, mut doc: Value) -> Vec<ResourceFile> {
    if let (Value::Object(map), Some(settings)) = (&mut doc, reads.flow_settings.remove(&flow)) {
        map.insert("settings".to_owned(), settings);
    }
    let mut files = vec![file("flow.json", doc)];
    for (index, locale) in reads.locales.iter().enumerate() {
        let at = super::jobs::FlowLocale { flow, locale: index };
        let locale = Locale {
            id: text(locale, "_id"),
            name: text(locale, "name"),
        };
        if let Some(mut chart) = reads.charts.remove(&at) {
            let count = chart.get("nodes").and_then(Value::as_array).map_or(0, Vec::len);
            let nodes: Vec<Value> = (0..count).filter_map(|n| reads.nodes.remove(&(at, n))).collect();
            chart["nodes"] = Value::Array(sorted_by_id(nodes));
            if let Some(relations) = chart.get_mut("relations").and_then(Value::as_array_mut) {
                *relations = sorted_by_id(std::mem::take(relations));
            }
            files.push(ResourceFile {
                locale: Some(locale.clone()),
                name: "chart.json",
                content: json(chart),
            });
        }
        if let Some(intents) = reads.intents.remove(&at) {
            let intents = match intents {
                Value::Array(items) => Value::Array(sorted_by_id(items)),
                other => other,
            };
            files.push(ResourceFile {
                locale: Some(locale),
                name: "intents.json",
                content: json(intents),
            });
        }
    }
    files
}

fn lexicon_files(reads: &mut Reads, lexicon: usize, doc: Value) -> Vec<ResourceFile> {
    let mut files = vec![file("lexicon.json", doc)];
    if let Some(csv) = reads.keyphrases.remove(&lexicon) {
        files.push(ResourceFile {
            locale: None,
            name: "keyphrases.csv",
            content: Content::Text(csv),
        });
    }
    files
}

fn flat_files(kind: &str, mut doc: Value) -> Vec<ResourceFile> {
    let flat = kinds::flat(kind).expect("flat kinds come from the table");
    let mut files = Vec::new();
    if kind == "endpoints"
        && let Some(source) = split_transformer(&mut doc)
    {
        files.push(ResourceFile {
            locale: None,
            name: "transformer.ts",
            content: Content::Text(source),
        });
    }
    files.insert(0, file(flat.file(), doc));
    files
}

/// Items in the order of their `_id` (then `name`): list order is not part of a project's content.
fn sorted_by_id(mut items: Vec<Value>) -> Vec<Value> {
    items.sort_by_key(|item| (text(item, "_id"), text(item, "name")));
    items
}

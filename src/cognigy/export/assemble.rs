//! Turns what was read ([`Reads`]) into the neutral resources of a snapshot ([`Export`]): volatile
//! fields out, credentials redacted (by [`secrets::seal::redact`], kept aside in memory),
//! transformer source split off, each chart's index nodes replaced by the full nodes, a knowledge
//! store's sources and chunks as its children, and lists in a stable order so an unchanged project
//! gives the same bytes.

use serde_json::Value;

use super::jobs::{FlowLocale, Key};
use super::normalize::{split_transformer, strip_ingestion, strip_volatile};
use super::{Reads, kinds, part, text};
use crate::secrets;
use crate::snapshot::layout::{PROFILE_SCHEMA_FILE, SOURCES, YES_NO_INTENTS_FILE};
use crate::snapshot::{Child, Content, Export, Locale, LocaleFile, Resource, ResourceFile};

/// The export of `reads`, for the `kinds` that were asked for.
pub fn assemble(mut reads: Reads, kinds: &[&'static str]) -> Export {
    let mut project = std::mem::take(&mut reads.project);
    if let Value::Object(map) = &mut project {
        map.insert("settings".to_owned(), std::mem::take(&mut reads.settings));
    }
    let locales: Vec<Locale> = reads
        .locales
        .iter()
        .map(|locale| Locale {
            id: text(locale, "_id"),
            name: text(locale, "name"),
        })
        .collect();
    let mut project_files = vec![
        ("project.json", json(project)),
        ("locales.json", json(Value::Array(sorted_by_id(reads.locales.clone())))),
    ];
    if let Some(schema) = reads.docs.remove(&Key::new(part::PROFILE_SCHEMA, &[])) {
        project_files.push((PROFILE_SCHEMA_FILE, json(schema)));
    }
    let locale_files = locales
        .iter()
        .enumerate()
        .filter_map(|(index, locale)| {
            let intents = reads.docs.remove(&Key::new(part::YES_NO_INTENTS, &[index]))?;
            Some(LocaleFile {
                locale: locale.clone(),
                name: YES_NO_INTENTS_FILE,
                content: json(intents),
            })
        })
        .collect();

    let mut resources = Vec::new();
    for &kind in kinds {
        let list = Key::new(kind, &[]);
        let items = reads.lists.get(&list).cloned().unwrap_or_default();
        let name_field = kinds::flat(kind).map_or("name", |flat| flat.name_field);
        for (index, item) in items.iter().enumerate() {
            let full = reads.docs.remove(&list.item(index)).unwrap_or_else(|| item.clone());
            let (files, children) = match kind {
                "flows" => (flow_files(&mut reads, &locales, index, full), Vec::new()),
                "lexicons" => (lexicon_files(&mut reads, index, full), Vec::new()),
                "knowledge-stores" => knowledge_store(&mut reads, index, full),
                _ => (flat_files(kind, full), Vec::new()),
            };
            resources.push(Resource {
                kind,
                id: resource_id(item),
                name: text(item, name_field),
                files,
                children,
            });
        }
    }
    let mut export = Export {
        kinds: kinds.to_vec(),
        project: project_files,
        locale_files,
        resources,
        unavailable: std::mem::take(&mut reads.unavailable),
        ..Export::default()
    };
    secrets::seal::redact(&mut export);
    export
}

/// `referenceId`, else `_id` (kinds that have no `referenceId` on some platform versions).
pub(super) fn resource_id(item: &Value) -> String {
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

/// The items of the list at `key`, each replaced by its read by id where there was one, sorted.
fn list_items(reads: &mut Reads, key: &Key) -> Option<Vec<Value>> {
    let items = reads.lists.remove(key)?;
    let items = items
        .into_iter()
        .enumerate()
        .map(|(index, item)| reads.docs.remove(&key.item(index)).unwrap_or(item))
        .collect();
    Some(sorted_by_id(items))
}

fn flow_files(reads: &mut Reads, locales: &[Locale], flow: usize, mut doc: Value) -> Vec<ResourceFile> {
    let settings = reads.docs.remove(&Key::new(part::FLOW_SETTINGS, &[flow]));
    if let (Value::Object(map), Some(settings)) = (&mut doc, settings) {
        map.insert("settings".to_owned(), settings);
    }
    let mut files = vec![file("flow.json", doc)];
    for (list, name) in [
        (part::FLOW_STATES, "states.json"),
        (part::SLOT_FILLERS, "slot-fillers.json"),
    ] {
        if let Some(items) = list_items(reads, &Key::new(list, &[flow])) {
            files.push(file(name, Value::Array(items)));
        }
    }
    for (index, locale) in locales.iter().enumerate() {
        let at = FlowLocale { flow, locale: index };
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
                locale: Some(locale.clone()),
                name: "intents.json",
                content: json(intents),
            });
        }
    }
    files
}

fn lexicon_files(reads: &mut Reads, lexicon: usize, mut doc: Value) -> Vec<ResourceFile> {
    // The deprecated `values` repeat the keyphrases, which have their own file.
    if let Value::Object(map) = &mut doc {
        map.remove("values");
    }
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

/// A knowledge store's file, and its sources as children with their chunks (in their order).
fn knowledge_store(reads: &mut Reads, store: usize, mut doc: Value) -> (Vec<ResourceFile>, Vec<Child>) {
    strip_ingestion(&mut doc);
    let files = flat_files("knowledge-stores", doc);
    let sources = reads
        .lists
        .remove(&Key::new(part::KNOWLEDGE_SOURCES, &[store]))
        .unwrap_or_default();
    let children = sources
        .into_iter()
        .enumerate()
        .map(|(index, mut source)| {
            let (id, name) = (resource_id(&source), text(&source, "name"));
            strip_ingestion(&mut source);
            let mut files = vec![file("source.json", source)];
            if let Some(mut chunks) = reads.lists.remove(&Key::new(part::KNOWLEDGE_CHUNKS, &[store, index])) {
                chunks.iter_mut().for_each(strip_volatile);
                let order = |chunk: &Value| chunk.get("order").and_then(Value::as_f64).unwrap_or(f64::MAX);
                chunks.sort_by(|a, b| {
                    order(a)
                        .total_cmp(&order(b))
                        .then_with(|| text(a, "_id").cmp(&text(b, "_id")))
                });
                files.push(ResourceFile {
                    locale: None,
                    name: "chunks.jsonl",
                    content: Content::JsonLines(chunks),
                });
            }
            Child {
                group: SOURCES,
                id,
                name,
                files,
            }
        })
        .collect();
    (files, children)
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

//! Restore by update: the writes that bring the live project's existing resources back to a
//! snapshot's content (a node's label, comment, config and flags; a flow, its settings, states and
//! slot fillers; a locale's intents; a lexicon's name, description and keyphrases; the project's
//! settings, locales and yes/no intents, its contact-profile schema; an endpoint with its transformer; the flat kinds the API can patch; a
//! knowledge store's sources; a snippet, deleted and created again as the API has no update of
//! it, and created when it was deleted since), and a plain list of what this method cannot restore: resources
//! created or deleted since the snapshot, a chart's structure, locales that no longer match, and
//! the kinds and files Cognigy's API does not update.
//!
//! [`plan`] is a pure function of the comparison and both trees; it checks every body against
//! Cognigy's size limits, so that a restore refuses before its first write rather than failing
//! half-way ([`Plan::refusal`]); [`apply`] sends the writes. Resources are matched by their
//! folder's id (the `referenceId`), and written to by the `_id` the live project has now. A
//! credential the snapshot holds redacted or encrypted is never written as stored ([`unseal`]):
//! the write carries the live value (or the decrypted one with `encryption-identity`), and the
//! plan lists the fields kept that way.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::cognigy::writes::patches::{self, FlowItem};
use crate::cognigy::writes::{self, JsonWrite, MAX_JSON_BODY, MAX_RAW_UPLOAD};
use crate::cognigy::{self, Client};
use crate::secrets::Identity;
use crate::secrets::unseal::{self, Why};
use crate::snapshot::Files;
use crate::snapshot::compare::{Comparison, ResourceDiff, Status};
use crate::snapshot::diff::{LOCALES_KIND, PROJECT_KIND};
use crate::snapshot::layout::SOURCES;
use crate::snapshot::layout::{PROFILE_SCHEMA_FILE, YES_NO_INTENTS_FILE};
use crate::snapshot::unavailable::{PROFILE_SCHEMA, Unavailable, YES_NO_INTENTS};

/// The writes of a restore by update, and what it cannot restore.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub writes: Vec<Write>,
    pub cannot: Vec<Unrestorable>,
    /// Credentials of the writes that stay as the target has them.
    pub kept: Vec<KeptSecret>,
    /// Credentials put back decrypted.
    pub put_back: usize,
    /// Writes over Cognigy's size limits: while there is one, nothing is written.
    pub oversized: Vec<Oversized>,
}

/// A credential field a write leaves as the target has it, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeptSecret {
    pub kind: String,
    pub name: String,
    /// The field, and the file of the resource it is in (`settings.apiKey in endpoint.json`).
    pub field: String,
    pub why: Why,
}

/// A write whose request Cognigy would refuse for its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Oversized {
    pub what: String,
    pub size: usize,
    pub limit: usize,
    /// `JSON body` or `upload`.
    pub body: &'static str,
}

impl Plan {
    /// Why the plan must not be applied at all, if it must not: a write over a size limit.
    pub fn refusal(&self) -> Option<String> {
        if self.oversized.is_empty() {
            return None;
        }
        let each: Vec<String> = self
            .oversized
            .iter()
            .map(|o| format!("{} (a {} of {} bytes)", o.what, o.body, o.size))
            .collect();
        Some(format!(
            "a restore by update cannot write {}: Cognigy refuses a JSON body over {MAX_JSON_BODY} bytes and an \
             upload over {MAX_RAW_UPLOAD} bytes. Nothing was written. Restore this snapshot natively \
             (`restore-method: native`), or leave the kind out with `resources`.",
            each.join(", ")
        ))
    }
}

/// One write, with what it restores in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// `flows: Main, node "Say hello" in en-US`.
    pub what: String,
    action: Action,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Json(JsonWrite),
    Intents {
        flow_id: String,
        locale_id: String,
        intents: Value,
    },
    Keyphrases {
        lexicon_id: String,
        csv: String,
    },
}

impl Action {
    /// The size of its request's body, the limit on it, and what kind of body that is.
    fn size(&self) -> (usize, usize, &'static str) {
        match self {
            Action::Json(patch) => (patch.size(), MAX_JSON_BODY, "JSON body"),
            Action::Intents { intents, .. } => (writes::intents_file(intents).len(), MAX_RAW_UPLOAD, "upload"),
            Action::Keyphrases { csv, .. } => (csv.len(), MAX_RAW_UPLOAD, "upload"),
        }
    }
}

/// Something a restore by update leaves as it is, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrestorable {
    pub kind: String,
    pub name: String,
    pub why: String,
}

/// Where the live project stands, as the plan needs it.
pub struct Live<'a> {
    /// The live project's files with its credentials in place (never written anywhere).
    pub files: &'a Files,
    /// Opens the credentials the snapshot holds encrypted.
    pub identity: Option<&'a Identity>,
    /// Locale folder name -> locale id, as the live export names the folders.
    pub locales: BTreeMap<String, String>,
    /// The primary locale's id (flows are updated in it).
    pub primary_locale: Option<String>,
    /// The live project's id (its settings are patched by it).
    pub project_id: String,
    /// What the target platform did not offer when the live project was exported, and why.
    pub unavailable: &'a [Unavailable],
}

/// The writes that bring each resource of `comparison` (from the live project to the snapshot)
/// back to the `snapshot`'s content, and what cannot be restored this way.
pub fn plan(comparison: &Comparison, snapshot: &Files, live: &Live<'_>) -> Plan {
    let mut plan = Plan::default();
    let unsealed = RefCell::new((Vec::new(), 0));
    for resource in &comparison.resources {
        let mut cannot = |why: String| {
            plan.cannot.push(Unrestorable {
                kind: resource.kind.clone(),
                name: resource.name.clone(),
                why,
            })
        };
        if let Some(off) = live.unavailable.iter().find(|u| u.part == part_of(resource)) {
            cannot(format!(
                "the target platform does not offer {} ({}): nothing of it can be written there",
                off.part, off.why
            ));
            continue;
        }
        let pair = Pair {
            resource,
            snapshot,
            live: live.files,
            identity: live.identity,
            unsealed: &unsealed,
        };
        if resource.kind == "snippets" && resource.status != Status::Removed {
            match snippet_writes(&pair, live) {
                Ok(writes) => plan.writes.extend(writes),
                Err(why) => cannot(why),
            }
            continue;
        }
        match resource.status {
            Status::Added => {
                cannot("deleted since the snapshot: only a native restore re-creates it".to_owned());
                continue;
            }
            Status::Removed => {
                cannot("created since the snapshot: a restore by update deletes nothing; delete it in Cognigy, or restore natively".to_owned());
                continue;
            }
            Status::Modified => {}
        }
        let found = match resource.kind.as_str() {
            "flows" => flow_writes(&pair, live),
            "lexicons" => lexicon_writes(&pair),
            "endpoints" => endpoint_writes(&pair),
            "knowledge-stores" => knowledge_store_writes(&pair),
            PROJECT_KIND => project_writes(&pair, live),
            LOCALES_KIND => yes_no_writes(&pair, live),
            kind if patches::patchable(kind) => flat_writes(&pair),
            kind => Err(format!(
                "{kind} cannot be updated through the API this tool uses: restore natively, or change it in Cognigy"
            )),
        };
        match found {
            Ok((writes, whys)) => {
                plan.writes.extend(writes);
                whys.into_iter().for_each(&mut cannot);
            }
            Err(why) => cannot(why),
        }
    }
    (plan.kept, plan.put_back) = unsealed.into_inner();
    let (fit, oversized): (Vec<Write>, Vec<Write>) = plan.writes.drain(..).partition(|w| {
        let (size, limit, _) = w.action.size();
        size <= limit
    });
    plan.writes = fit;
    plan.oversized = oversized
        .into_iter()
        .map(|w| {
            let (size, limit, body) = w.action.size();
            Oversized {
                what: w.what,
                size,
                limit,
                body,
            }
        })
        .collect();
    plan
}

/// The part of a project (as [`Unavailable`] names it) that `resource` belongs to.
fn part_of(resource: &ResourceDiff) -> &str {
    match (resource.kind.as_str(), resource.id.as_str()) {
        (LOCALES_KIND, _) => YES_NO_INTENTS,
        (PROJECT_KIND, PROFILE_SCHEMA_FILE) => PROFILE_SCHEMA,
        (kind, _) => kind,
    }
}

/// Sends the writes of `plan`, one after another; the first that fails ends the restore.
pub async fn apply(client: &Client, plan: &Plan) -> Result<(), cognigy::Error> {
    for write in &plan.writes {
        tracing::info!("restoring {}", write.what);
        match &write.action {
            Action::Json(patch) => patch.send(client).await?,
            Action::Intents {
                flow_id,
                locale_id,
                intents,
            } => writes::import_intents(client, flow_id, locale_id, intents).await?,
            Action::Keyphrases { lexicon_id, csv } => writes::import_keyphrases(client, lexicon_id, csv).await?,
        }
    }
    Ok(())
}

/// The writes of one resource and the parts of it that cannot be written; `Err` when none can.
type Found = Result<(Vec<Write>, Vec<String>), String>;

/// A modified resource and the two trees it is in.
struct Pair<'a> {
    resource: &'a ResourceDiff,
    snapshot: &'a Files,
    live: &'a Files,
    identity: Option<&'a Identity>,
    /// The credentials kept and the number put back, over every resource of the plan.
    unsealed: &'a RefCell<(Vec<KeptSecret>, usize)>,
}

impl Pair<'_> {
    /// The snapshot's version of file `inner` of the resource.
    fn snapshot_file(&self, inner: &str) -> Option<&[u8]> {
        file(self.snapshot, self.resource.new_path.as_deref()?, inner)
    }

    /// The live version of file `inner` of the resource.
    fn live_file(&self, inner: &str) -> Option<&[u8]> {
        file(self.live, self.resource.old_path.as_deref()?, inner)
    }

    /// The snapshot's JSON file `inner`, as a write sends it: with no stored credential in it.
    fn snapshot_json(&self, inner: &str) -> Result<Value, String> {
        let mut doc = json(self.snapshot_file(inner), inner, "the snapshot")?;
        let live = self
            .live_file(inner)
            .and_then(|bytes| serde_json::from_slice(bytes).ok());
        let done = unseal::unseal(&mut doc, live.as_ref(), self.identity);
        let mut unsealed = self.unsealed.borrow_mut();
        unsealed.1 += done.put_back;
        unsealed.0.extend(done.kept.into_iter().map(|kept| KeptSecret {
            kind: self.resource.kind.clone(),
            name: self.resource.name.clone(),
            field: format!("{} in {inner}", kept.field),
            why: kept.why,
        }));
        Ok(doc)
    }

    /// The live JSON file `inner`.
    fn live_json(&self, inner: &str) -> Result<Value, String> {
        json(self.live_file(inner), inner, "the live project")
    }

    /// The `_id` the live resource has now, from its own JSON file `inner`.
    fn live_id(&self, inner: &str) -> Result<String, String> {
        let doc = self.live_json(inner)?;
        doc.get("_id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("the live {inner} has no `_id`"))
    }

    fn write(&self, detail: &str, action: Action) -> Write {
        Write {
            what: format!("{}: {}{detail}", self.resource.kind, self.resource.name),
            action,
        }
    }

    /// The changed files, by path inside the folder; added and removed ones answered apart.
    fn changed(&self) -> (Vec<&str>, Vec<&str>) {
        let (mut modified, mut other) = (Vec::new(), Vec::new());
        for file in &self.resource.files {
            match (file.status, &file.detail) {
                (Status::Modified, Some(_)) => modified.push(file.path.as_str()),
                _ => other.push(file.path.as_str()),
            }
        }
        (modified, other)
    }
}

fn file<'a>(files: &'a Files, folder: &str, inner: &str) -> Option<&'a [u8]> {
    files.get(&format!("{folder}/{inner}")).map(Vec::as_slice)
}

fn json(bytes: Option<&[u8]>, inner: &str, tree: &str) -> Result<Value, String> {
    let bytes = bytes.ok_or_else(|| format!("{tree} lacks its {inner}"))?;
    serde_json::from_slice(bytes).map_err(|e| format!("{inner} in {tree} is not valid JSON: {e}"))
}

fn flow_writes(pair: &Pair<'_>, live: &Live<'_>) -> Found {
    let flow_id = pair.live_id("flow.json")?;
    let (modified, other) = pair.changed();
    let mut writes = Vec::new();
    let mut cannot: Vec<String> = other
        .iter()
        .map(|path| format!("{path} was added or removed since (a locale of the flow): only a native restore can"))
        .collect();
    for path in modified {
        let result = match path.split_once('/') {
            None if path == "flow.json" => flow_json_writes(pair, &flow_id, live),
            None if path == "states.json" => flow_item_writes(pair, &flow_id, FlowItem::State, path),
            None if path == "slot-fillers.json" => flow_item_writes(pair, &flow_id, FlowItem::SlotFiller, path),
            Some((folder, "chart.json")) => {
                locale_id(live, folder, path).and_then(|locale_id| chart_writes(pair, &flow_id, folder, &locale_id))
            }
            Some((folder, "intents.json")) => locale_id(live, folder, path).and_then(|locale_id| {
                Ok(vec![pair.write(
                    &format!(", intents in {folder}"),
                    Action::Intents {
                        flow_id: flow_id.clone(),
                        locale_id,
                        intents: pair.snapshot_json(path)?,
                    },
                )])
            }),
            _ => Err(format!("{path} cannot be updated through the API")),
        };
        match result {
            Ok(found) => writes.extend(found),
            Err(why) => cannot.push(why),
        }
    }
    Ok((writes, cannot))
}

/// A flow's own fields and its settings, each written when it differs.
fn flow_json_writes(pair: &Pair<'_>, flow_id: &str, live: &Live<'_>) -> Result<Vec<Write>, String> {
    let (then, now) = (pair.snapshot_json("flow.json")?, pair.live_json("flow.json")?);
    let differs = |field: &str| then.get(field) != now.get(field);
    let mut writes = Vec::new();
    if patches::FLOW_FIELDS.iter().any(|f| differs(f)) {
        let Some(locale_id) = &live.primary_locale else {
            return Err("flow.json: the live project has no primary locale to update the flow in".to_owned());
        };
        let patch = patches::flow(flow_id, locale_id, &then).map_err(|e| e.to_string())?;
        writes.push(pair.write(", its name, description and attachments", Action::Json(patch)));
    }
    if differs("settings") {
        let patch = patches::flow_settings(flow_id, &then).map_err(|e| e.to_string())?;
        writes.push(pair.write(", its settings", Action::Json(patch)));
    }
    if writes.is_empty() {
        return Err("flow.json: what changed is none of the fields the API updates".to_owned());
    }
    Ok(writes)
}

/// A PATCH per flow state or slot filler that differs; one added or deleted since only a native
/// restore can bring back.
fn flow_item_writes(pair: &Pair<'_>, flow_id: &str, what: FlowItem, path: &str) -> Result<Vec<Write>, String> {
    let by_id = |list: Value| -> BTreeMap<String, Value> {
        let items = match list {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        items
            .into_iter()
            .filter_map(|item| Some((item.get("_id")?.as_str()?.to_owned(), item)))
            .collect()
    };
    let (then, now) = (by_id(pair.snapshot_json(path)?), by_id(pair.live_json(path)?));
    if then.keys().ne(now.keys()) {
        return Err(format!(
            "{path}: items were added or deleted since, which only a native restore can bring back"
        ));
    }
    then.iter()
        .filter(|(id, item)| now.get(*id) != Some(item))
        .map(|(id, item)| {
            let patch = patches::flow_item(what, flow_id, item).map_err(|e| e.to_string())?;
            let name = item.get("name").and_then(Value::as_str).unwrap_or(id);
            let noun = match what {
                FlowItem::State => "state",
                FlowItem::SlotFiller => "slot filler",
            };
            Ok(pair.write(&format!(", {noun} \"{name}\""), Action::Json(patch)))
        })
        .collect()
}

/// The live locale id of locale folder `folder`.
fn locale_id(live: &Live<'_>, folder: &str, path: &str) -> Result<String, String> {
    live.locales.get(folder).cloned().ok_or_else(|| {
        format!("{path}: the live project has no locale named as the folder `{folder}` (renamed or deleted since)")
    })
}

/// A PATCH per node whose content differs, when the chart's structure (its nodes and relations) is
/// the same; else only a native restore can bring the chart back.
fn chart_writes(pair: &Pair<'_>, flow_id: &str, folder: &str, locale_id: &str) -> Result<Vec<Write>, String> {
    let inner = format!("{folder}/chart.json");
    let snapshot = pair.snapshot_json(&inner)?;
    let live = json(pair.live_file(&inner), &inner, "the live project")?;
    let nodes = |chart: &Value| -> BTreeMap<String, Value> {
        let list = chart
            .get("nodes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        list.into_iter()
            .filter_map(|node| Some((node.get("_id")?.as_str()?.to_owned(), node)))
            .collect()
    };
    let (then, now) = (nodes(&snapshot), nodes(&live));
    if then.keys().ne(now.keys()) || snapshot.get("relations") != live.get("relations") {
        return Err(format!(
            "the chart's structure in {folder} (nodes added or removed, or relations changed): only a native restore can"
        ));
    }
    // A node shown in this locale with another locale's content (its `localeReference`) has no
    // translation here: it is restored with the locale that holds its content.
    let own = |node: &Value| {
        node.get("localeReference")
            .and_then(Value::as_str)
            .is_none_or(|reference| reference == locale_id)
    };
    then.into_iter()
        .filter(|(id, node)| now.get(id) != Some(node) && own(node))
        .map(|(node_id, node)| {
            let label = node.get("label").and_then(Value::as_str).unwrap_or(&node_id).to_owned();
            let patch = patches::node(flow_id, &node_id, locale_id, &node).map_err(|e| e.to_string())?;
            Ok(pair.write(&format!(", node \"{label}\" in {folder}"), Action::Json(patch)))
        })
        .collect()
}

fn lexicon_writes(pair: &Pair<'_>) -> Found {
    let lexicon_id = pair.live_id("lexicon.json")?;
    let (modified, other) = pair.changed();
    let mut writes = Vec::new();
    let mut cannot = Vec::new();
    for path in modified.into_iter().chain(other) {
        match (path, pair.snapshot_file(path)) {
            ("keyphrases.csv", Some(csv)) => writes.push(pair.write(
                ", its keyphrases",
                Action::Keyphrases {
                    lexicon_id: lexicon_id.clone(),
                    csv: String::from_utf8_lossy(csv).into_owned(),
                },
            )),
            ("lexicon.json", Some(_)) => match patches::lexicon(&lexicon_id, &pair.snapshot_json(path)?) {
                Ok(patch) => writes.push(pair.write(", its name and description", Action::Json(patch))),
                Err(e) => cannot.push(e.to_string()),
            },
            _ => cannot.push(format!("{path} was added or removed since: only a native restore can")),
        }
    }
    Ok((writes, cannot))
}

fn endpoint_writes(pair: &Pair<'_>) -> Found {
    let id = pair.live_id("endpoint.json")?;
    let transformer = pair
        .snapshot_file("transformer.ts")
        .map(|source| String::from_utf8_lossy(source).into_owned());
    let patch = patches::endpoint(&id, &pair.snapshot_json("endpoint.json")?, transformer.as_deref())
        .map_err(|e| e.to_string())?;
    Ok((vec![pair.write("", Action::Json(patch))], Vec::new()))
}

/// A resource of a flat kind the API can patch, from its own JSON file.
fn flat_writes(pair: &Pair<'_>) -> Found {
    let kind = pair.resource.kind.as_str();
    let file = own_file(kind)?;
    let id = pair.live_id(file)?;
    let patch = patches::flat(kind, &id, &pair.snapshot_json(file)?).map_err(|e| e.to_string())?;
    Ok((vec![pair.write("", Action::Json(patch))], Vec::new()))
}

/// A snippet deleted or changed since: the live one (if any) deleted, then the saved one created
/// with its `referenceId`, the only way the API allows.
fn snippet_writes(pair: &Pair<'_>, live: &Live<'_>) -> Result<Vec<Write>, String> {
    let saved = pair.snapshot_json("snippet.json")?;
    let mut writes = Vec::new();
    if pair.resource.status == Status::Modified {
        let delete = writes::snippets::delete(&live.project_id, &pair.live_json("snippet.json")?);
        writes.push(pair.write(
            ", the live one deleted",
            Action::Json(delete.map_err(|e| e.to_string())?),
        ));
    }
    let create = writes::snippets::create(&live.project_id, &saved).map_err(|e| e.to_string())?;
    writes.push(pair.write(", created as saved", Action::Json(create)));
    Ok(writes)
}

/// The own JSON file of `kind`'s folders, as the layout names it.
fn own_file(kind: &str) -> Result<&'static str, String> {
    crate::snapshot::layout::KINDS
        .iter()
        .find(|k| k.name == kind)
        .map(|k| k.file)
        .ok_or_else(|| format!("{kind} is not a kind of the snapshot layout"))
}

/// A knowledge store's name and description, and each of its sources that differs (matched by
/// folder); chunks, and sources added or deleted since, cannot be written.
fn knowledge_store_writes(pair: &Pair<'_>) -> Found {
    let store_id = pair.live_id("knowledge-store.json")?;
    let (modified, other) = pair.changed();
    let mut writes = Vec::new();
    let mut cannot: Vec<String> = other
        .iter()
        .map(|path| format!("{path} was added or removed since: only re-creating it in Cognigy can"))
        .collect();
    for path in modified {
        let source = path
            .strip_prefix(SOURCES)
            .and_then(|rest| rest.strip_prefix('/'))
            .and_then(|rest| rest.strip_suffix("/source.json"));
        let result = match (path, source) {
            ("knowledge-store.json", _) => patches::flat("knowledge-stores", &store_id, &pair.snapshot_json(path)?)
                .map(|patch| pair.write("", Action::Json(patch)))
                .map_err(|e| e.to_string()),
            (_, Some(folder)) => pair.live_id(path).and_then(|source_id| {
                let saved = pair.snapshot_json(path)?;
                let name = saved.get("name").and_then(Value::as_str).unwrap_or(folder).to_owned();
                patches::knowledge_source(&store_id, &source_id, &saved)
                    .map(|patch| pair.write(&format!(", source \"{name}\""), Action::Json(patch)))
                    .map_err(|e| e.to_string())
            }),
            _ => Err(format!(
                "{path}: knowledge chunks are not written back by this tool; re-ingest the source in Cognigy"
            )),
        };
        match result {
            Ok(write) => writes.push(write),
            Err(why) => cannot.push(why),
        }
    }
    Ok((writes, cannot))
}

/// The three yes/no intents of a locale, each that differs patched by its `_id`.
fn yes_no_writes(pair: &Pair<'_>, live: &Live<'_>) -> Found {
    let path = pair.resource.new_path.as_deref().unwrap_or_default();
    let folder = path.rsplit('/').next().unwrap_or_default();
    let locale_id = locale_id(live, folder, YES_NO_INTENTS_FILE)?;
    let (then, now) = (
        pair.snapshot_json(YES_NO_INTENTS_FILE)?,
        pair.live_json(YES_NO_INTENTS_FILE)?,
    );
    let mut writes = Vec::new();
    let mut cannot = Vec::new();
    for which in ["yesIntent", "noIntent", "rejectIntent"] {
        let Some(intent) = then.get(which).filter(|intent| now.get(which) != Some(*intent)) else {
            continue;
        };
        match patches::yes_no_intent(&locale_id, intent) {
            Ok(patch) => writes.push(pair.write(&format!(", its {which}"), Action::Json(patch))),
            Err(e) => cannot.push(e.to_string()),
        }
    }
    Ok((writes, cannot))
}

/// The project's own files: its settings (in `project.json`), its locales (`locales.json`, each
/// locale by its `_id`) and the contact-profile schema's custom fields; nothing else of them can be
/// written.
fn project_writes(pair: &Pair<'_>, live: &Live<'_>) -> Found {
    let file = pair.resource.id.as_str();
    let snapshot = json(
        pair.snapshot
            .get(pair.resource.new_path.as_deref().unwrap_or_default())
            .map(Vec::as_slice),
        file,
        "the snapshot",
    )?;
    let now = json(
        pair.live
            .get(pair.resource.old_path.as_deref().unwrap_or_default())
            .map(Vec::as_slice),
        file,
        "the live project",
    )?;
    let whole = |why: &str| {
        format!(
            "the project's {} {why}: restore natively, or change it in Cognigy",
            pair.resource.name
        )
    };
    match file {
        "project.json" => {
            let mut writes = Vec::new();
            let mut cannot = Vec::new();
            if snapshot.get("settings") != now.get("settings") {
                let patch = patches::project_settings(&live.project_id, &snapshot).map_err(|e| e.to_string())?;
                writes.push(pair.write("", Action::Json(patch)));
            }
            let others = |doc: &Value| {
                let mut doc = doc.clone();
                if let Value::Object(map) = &mut doc {
                    map.remove("settings");
                }
                doc
            };
            if others(&snapshot) != others(&now) {
                cannot.push(whole("(its name, description and other fields besides the settings) cannot be updated through the API this tool uses"));
            }
            Ok((writes, cannot))
        }
        "locales.json" => {
            let by_id = |list: &Value| -> BTreeMap<String, Value> {
                list.as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|l| Some((l.get("_id")?.as_str()?.to_owned(), l.clone())))
                    .collect()
            };
            let (then, now) = (by_id(&snapshot), by_id(&now));
            let mut cannot = Vec::new();
            if then.keys().ne(now.keys()) {
                cannot.push(whole(
                    "were added or deleted since, which only a native restore can bring back",
                ));
            }
            let mut writes = Vec::new();
            for (id, locale) in &then {
                let Some(live_locale) = now.get(id).filter(|l| *l != locale) else {
                    continue;
                };
                let name = locale.get("name").and_then(Value::as_str).unwrap_or(id);
                let fields = |l: &Value| patches::LOCALE_FIELDS.map(|f| l.get(f).cloned());
                if fields(locale) == fields(live_locale) {
                    cannot.push(format!(
                        "locale \"{name}\": its fallback locale or primary flag cannot be updated through the API; change it in Cognigy"
                    ));
                    continue;
                }
                match patches::locale(locale) {
                    Ok(patch) => writes.push(pair.write(&format!(", locale \"{name}\""), Action::Json(patch))),
                    Err(e) => cannot.push(e.to_string()),
                }
            }
            Ok((writes, cannot))
        }
        PROFILE_SCHEMA_FILE => {
            let write = patches::profile_schema(&live.project_id, &snapshot).map_err(|e| e.to_string())?;
            Ok((vec![pair.write("", Action::Json(write))], Vec::new()))
        }
        _ => Err(whole("cannot be updated through the API this tool uses")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::compare::{Detail, compare};
    use serde_json::json;

    const FLOW: &str = "project/flows/Main--f1";
    const LEX: &str = "project/lexicons/Cities--l1";
    const EP: &str = "project/endpoints/Web--e1";

    fn chart(text: &str, next: Option<&str>) -> Vec<u8> {
        json!({"nodes": [
            {"_id": "n1", "label": "Greet", "config": {"say": {"text": [text]}}},
            {"_id": "n2", "label": "Bye", "config": {}},
        ], "relations": [{"_id": "r1", "node": "n1", "children": [], "next": next}]})
        .to_string()
        .into_bytes()
    }

    fn base() -> Files {
        let mut files = Files::new();
        let mut put = |path: String, bytes: Vec<u8>| files.insert(path, bytes);
        put("project/project.json".into(), br#"{"name": "Bot"}"#.to_vec());
        put(
            format!("{FLOW}/flow.json"),
            br#"{"_id": "F1", "name": "Main"}"#.to_vec(),
        );
        put(format!("{FLOW}/en/chart.json"), chart("Hi", Some("n2")));
        put(
            format!("{FLOW}/en/intents.json"),
            br#"[{"_id": "i1", "name": "order"}]"#.to_vec(),
        );
        put(
            format!("{LEX}/lexicon.json"),
            br#"{"_id": "L1", "name": "Cities"}"#.to_vec(),
        );
        put(format!("{LEX}/keyphrases.csv"), b"Paris\n".to_vec());
        put(
            format!("{EP}/endpoint.json"),
            br#"{"_id": "E1", "name": "Web"}"#.to_vec(),
        );
        put(format!("{EP}/transformer.ts"), b"export {}\n".to_vec());
        files
    }

    fn live_of(files: &Files) -> Live<'_> {
        Live {
            files,
            identity: None,
            locales: BTreeMap::from([("en".to_owned(), "LOC-EN".to_owned())]),
            primary_locale: Some("LOC-EN".to_owned()),
            project_id: "P1".to_owned(),
            unavailable: &[],
        }
    }

    /// The paths of every changed JSON field in `comparison`.
    fn detail_paths(comparison: &Comparison) -> Vec<String> {
        comparison
            .resources
            .iter()
            .flat_map(|r| &r.files)
            .filter_map(|f| match &f.detail {
                Some(Detail::Json { fields }) => Some(fields.iter().map(|x| x.path.clone()).collect::<Vec<_>>()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    fn whats(plan: &Plan) -> Vec<&str> {
        plan.writes.iter().map(|w| w.what.as_str()).collect()
    }

    fn whys(plan: &Plan) -> Vec<(String, String)> {
        plan.cannot.iter().map(|c| (c.kind.clone(), c.why.clone())).collect()
    }

    #[test]
    fn a_stored_credential_is_written_as_the_live_value_and_listed_as_kept() {
        let mut snapshot = base();
        let mut live = base();
        let endpoint = |token: &str, secret: Option<&str>| {
            let mut doc = json!({"_id": "E1", "name": "Web", "settings": {"facebookPageToken": token}});
            if let Some(secret) = secret {
                doc["settings"]["appSecret"] = json!(secret);
            }
            doc.to_string().into_bytes()
        };
        snapshot.insert(
            format!("{EP}/endpoint.json"),
            endpoint(crate::secrets::REDACTED, Some(crate::secrets::REDACTED)),
        );
        live.insert(format!("{EP}/endpoint.json"), endpoint("live-token", None));
        live.insert(format!("{EP}/transformer.ts"), b"export const x = 1;\n".to_vec());
        let comparison = compare(&live, &snapshot, |_| true);
        let plan = plan(&comparison, &snapshot, &live_of(&live));
        let Action::Json(write) = &plan.writes[0].action else {
            panic!("{:?}", plan.writes);
        };
        assert_eq!(
            write.body.get("settings"),
            Some(&json!({"facebookPageToken": "live-token"})),
            "the live token is written, and a field the target has no value for is left out: {write:?}"
        );
        let kept: Vec<(&str, Why)> = plan.kept.iter().map(|k| (k.field.as_str(), k.why)).collect();
        assert_eq!(
            kept,
            [
                ("settings.appSecret in endpoint.json", Why::Redacted),
                ("settings.facebookPageToken in endpoint.json", Why::Redacted),
            ]
        );
        assert_eq!(plan.put_back, 0);
    }

    #[test]
    fn content_changes_become_writes_by_the_live_ids() {
        let snapshot = base();
        let mut live = base();
        live.insert(format!("{FLOW}/en/chart.json"), chart("Hello", Some("n2")));
        live.insert(format!("{FLOW}/en/intents.json"), br#"[]"#.to_vec());
        live.insert(format!("{LEX}/keyphrases.csv"), b"Paris\nRome\n".to_vec());
        live.insert(format!("{EP}/transformer.ts"), b"export const x = 1;\n".to_vec());
        let comparison = compare(&live, &snapshot, |_| true);
        assert_eq!(
            detail_paths(&comparison),
            vec!["nodes[Greet].config.say.text".to_owned(), "[order]".to_owned()]
        );
        let plan = plan(&comparison, &snapshot, &live_of(&live));
        assert_eq!(
            whats(&plan),
            vec![
                "endpoints: Web",
                "flows: Main, node \"Greet\" in en",
                "flows: Main, intents in en",
                "lexicons: Cities, its keyphrases",
            ]
        );
        assert!(plan.cannot.is_empty(), "{:?}", plan.cannot);
        let patch = |write: &Write| match &write.action {
            Action::Json(patch) => (patch.path.clone(), Value::Object(patch.body.clone())),
            other => panic!("not a patch: {other:?}"),
        };
        assert_eq!(
            patch(&plan.writes[0]),
            (
                "endpoints/E1".to_owned(),
                json!({"name": "Web", "transformer": {"transformer": "export {}\n"}})
            )
        );
        assert_eq!(
            patch(&plan.writes[1]),
            (
                "flows/F1/chart/nodes/n1".to_owned(),
                json!({"label": "Greet", "config": {"say": {"text": ["Hi"]}}, "localeId": "LOC-EN"})
            )
        );
    }

    #[test]
    fn what_update_cannot_restore_is_listed_plainly() {
        let snapshot = base();
        let mut live = base();
        // Structure: a relation rewired; a flow created since; the project's name; and a connection
        // whose credentials the snapshot holds redacted (written with the live ones).
        live.insert(format!("{FLOW}/en/chart.json"), chart("Hi", None));
        live.insert(
            "project/flows/New--f2/flow.json".into(),
            br#"{"_id": "F2", "name": "New"}"#.to_vec(),
        );
        let connection = |key: &str| {
            json!({"_id": "C1", "name": "CRM", "fields": {"key": key}})
                .to_string()
                .into_bytes()
        };
        live.insert("project/connections/CRM--c1/connection.json".into(), connection("live"));
        live.insert("project/project.json".into(), br#"{"name": "Bot 2"}"#.to_vec());
        live.insert(
            "project/llms/Model--m1/llm.json".into(),
            br#"{"name": "Model"}"#.to_vec(),
        );
        let mut snapshot_with_deleted = snapshot.clone();
        snapshot_with_deleted.insert(
            "project/connections/CRM--c1/connection.json".into(),
            connection(crate::secrets::REDACTED),
        );
        snapshot_with_deleted.insert(
            "project/flows/Gone--f3/flow.json".into(),
            br#"{"name": "Gone"}"#.to_vec(),
        );
        let comparison = compare(&live, &snapshot_with_deleted, |_| true);
        let plan = plan(&comparison, &snapshot_with_deleted, &live_of(&live));
        // The connection's redacted credential is written as the live value, never as the marker.
        assert_eq!(whats(&plan), ["connections: CRM"]);
        let Action::Json(write) = &plan.writes[0].action else {
            panic!("{:?}", plan.writes);
        };
        assert_eq!(write.body.get("fields"), Some(&json!({"key": "live"})));
        let whys = whys(&plan);
        let expect = [
            ("flows", "deleted since the snapshot"),
            ("flows", "chart's structure in en"),
            ("flows", "created since the snapshot"),
            ("llms", "restore natively"),
            ("project", "besides the settings) cannot be updated"),
        ];
        assert_eq!(whys.len(), expect.len(), "{whys:?}");
        for (kind, part) in expect {
            assert!(
                whys.iter().any(|(k, why)| k == kind && why.contains(part)),
                "{kind}: {part} not in {whys:?}"
            );
        }
    }

    #[test]
    fn a_locale_renamed_since_cannot_be_mapped() {
        let snapshot = base();
        let mut live = base();
        live.insert(format!("{FLOW}/en/chart.json"), chart("Hello", Some("n2")));
        let mut view = live_of(&live);
        view.locales = BTreeMap::from([("en-GB".to_owned(), "LOC-EN".to_owned())]);
        let plan = plan(&compare(&live, &snapshot, |_| true), &snapshot, &view);
        assert!(plan.writes.is_empty());
        assert!(
            whys(&plan)[0].1.contains("no locale named as the folder `en`"),
            "{:?}",
            whys(&plan)
        );
    }

    #[test]
    fn every_patchable_part_becomes_its_patch() {
        let mut snapshot = base();
        let mut put = |path: String, value: Value| snapshot.insert(path, value.to_string().into_bytes());
        put(
            format!("{FLOW}/flow.json"),
            json!({"_id": "F1", "name": "Main", "settings": {"nlu": {"threshold": 0.5}}}),
        );
        put(
            format!("{FLOW}/states.json"),
            json!([{"_id": "s1", "name": "Start", "intentIds": ["i1"]}]),
        );
        put(
            format!("{LEX}/lexicon.json"),
            json!({"_id": "L1", "name": "Cities", "description": "Towns"}),
        );
        put(
            "project/project.json".into(),
            json!({"name": "Bot", "settings": {"_id": "S", "timezone": "UTC"}}),
        );
        put(
            "project/locales.json".into(),
            json!([{"_id": "LOC-EN", "name": "en", "nluLanguage": "en-US", "primary": true}]),
        );
        put(
            "project/llms/GPT--m1/llm.json".into(),
            json!({"_id": "M1", "name": "GPT", "temperature": 0.2}),
        );
        put(
            "project/knowledge-stores/Docs--k1/knowledge-store.json".into(),
            json!({"_id": "K1", "name": "Docs"}),
        );
        put(
            "project/knowledge-stores/Docs--k1/sources/Manual--s1/source.json".into(),
            json!({"_id": "S1", "name": "Manual", "description": "v2"}),
        );
        let yes_no = |rules: &[&str]| json!({"yesIntent": {"_id": "Y1", "name": "yes", "rules": rules, "isDisabled": false}, "noIntent": {"_id": "N1", "rules": []}});
        put("project/locales/en/yes-no-intents.json".into(), yes_no(&["yes"]));
        let mut live = snapshot.clone();
        let mut edit = |path: String, value: Value| live.insert(path, value.to_string().into_bytes());
        edit(
            format!("{FLOW}/flow.json"),
            json!({"_id": "F1", "name": "Main", "settings": {"nlu": {"threshold": 0.9}}}),
        );
        edit(
            format!("{FLOW}/states.json"),
            json!([{"_id": "s1", "name": "Start", "intentIds": []}]),
        );
        edit(
            format!("{LEX}/lexicon.json"),
            json!({"_id": "L1", "name": "Cities", "description": "?"}),
        );
        edit(
            "project/project.json".into(),
            json!({"name": "Bot", "settings": {"_id": "S", "timezone": "CET"}}),
        );
        edit(
            "project/locales.json".into(),
            json!([{"_id": "LOC-EN", "name": "en", "nluLanguage": "en-GB", "primary": true}]),
        );
        edit(
            "project/llms/GPT--m1/llm.json".into(),
            json!({"_id": "M1", "name": "GPT", "temperature": 0.9}),
        );
        edit(
            "project/knowledge-stores/Docs--k1/sources/Manual--s1/source.json".into(),
            json!({"_id": "S1", "name": "Manual", "description": "v3"}),
        );
        edit("project/locales/en/yes-no-intents.json".into(), yes_no(&["yes", "yep"]));
        let plan = plan(&compare(&live, &snapshot, |_| true), &snapshot, &live_of(&live));
        assert!(plan.cannot.is_empty() && plan.oversized.is_empty(), "{:?}", plan.cannot);
        let mut patches: Vec<(String, Value)> = plan
            .writes
            .iter()
            .map(|w| match &w.action {
                Action::Json(p) => (p.path.clone(), Value::Object(p.body.clone())),
                other => panic!("{other:?}"),
            })
            .collect();
        patches.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            patches,
            [
                ("flows/F1/settings", json!({"nlu": {"threshold": 0.5}})),
                ("flows/F1/states/s1", json!({"name": "Start", "intentIds": ["i1"]})),
                (
                    "knowledgestores/K1/sources/S1",
                    json!({"name": "Manual", "description": "v2"})
                ),
                ("largelanguagemodels/M1", json!({"name": "GPT", "temperature": 0.2})),
                ("lexicons/L1", json!({"name": "Cities", "description": "Towns"})),
                ("locales/LOC-EN", json!({"name": "en", "nluLanguage": "en-US"})),
                (
                    "locales/LOC-EN/yesnointents/Y1",
                    json!({"rules": ["yes"], "isDisabled": false})
                ),
                ("projects/P1/settings", json!({"timezone": "UTC"})),
            ]
            .map(|(path, body)| (path.to_owned(), body))
        );
    }

    #[test]
    fn a_body_over_the_limit_refuses_the_whole_plan_naming_it_and_its_size() {
        let snapshot = base();
        let mut live = base();
        let big = "x".repeat(MAX_JSON_BODY);
        live.insert(format!("{FLOW}/en/chart.json"), chart(&big, Some("n2")));
        live.insert(format!("{LEX}/keyphrases.csv"), b"Rome\n".to_vec());
        let mut snapshot = snapshot;
        snapshot.insert(
            format!("{FLOW}/en/chart.json"),
            chart(&big.replace('x', "y"), Some("n2")),
        );
        let plan = plan(&compare(&live, &snapshot, |_| true), &snapshot, &live_of(&live));
        assert_eq!(
            whats(&plan),
            ["lexicons: Cities, its keyphrases"],
            "what fits is planned"
        );
        assert_eq!(plan.oversized.len(), 1);
        let oversized = &plan.oversized[0];
        assert_eq!(oversized.what, "flows: Main, node \"Greet\" in en");
        assert!(oversized.size > MAX_JSON_BODY && oversized.limit == MAX_JSON_BODY);
        let why = plan.refusal().expect("the plan is refused");
        assert!(
            why.contains("node \"Greet\"") && why.contains(&oversized.size.to_string()),
            "{why}"
        );
        assert!(
            why.contains("Nothing was written") && why.contains("restore-method: native"),
            "{why}"
        );
        assert_eq!(Plan::default().refusal(), None);
    }

    #[test]
    fn nothing_is_written_of_a_part_the_target_platform_does_not_offer() {
        let mut snapshot = base();
        snapshot.insert(
            "project/snippets/Order--r1/snippet.json".into(),
            br#"{"_id": "s1", "label": "Order", "type": "context", "script": "x", "referenceId": "r1"}"#.to_vec(),
        );
        let live = base();
        let off = [Unavailable {
            part: "snippets",
            why: "Cognigy answered 404".into(),
        }];
        let mut view = live_of(&live);
        view.unavailable = &off;
        let plan = plan(&compare(&live, &snapshot, |_| true), &snapshot, &view);
        assert!(plan.writes.is_empty(), "{:?}", whats(&plan));
        assert_eq!(whys(&plan).len(), 1);
        assert!(
            whys(&plan)[0]
                .1
                .contains("does not offer snippets (Cognigy answered 404)"),
            "{:?}",
            whys(&plan)
        );
        let plan = super::plan(&compare(&live, &snapshot, |_| true), &snapshot, &live_of(&live));
        assert_eq!(
            whats(&plan),
            ["snippets: Order, created as saved"],
            "where it is offered, it is created"
        );
    }
}

//! Restore by update: the writes that bring the live project's existing resources back to a
//! snapshot's content (a node's label, comment, config and flags; a flow; a locale's intents; a
//! lexicon's keyphrases; an endpoint with its transformer; an AI agent), and a plain list of what
//! this method cannot restore: resources created or deleted since the snapshot, a chart's
//! structure, locales that no longer match, and the kinds and files Cognigy's API does not update.
//!
//! [`plan`] is a pure function of the comparison and both trees; [`apply`] sends the writes.
//! Resources are matched by their folder's id (the `referenceId`), and written to by the `_id`
//! the live project has now. A credential the snapshot holds redacted or encrypted is never
//! written as stored ([`unseal`]): the write carries the live value (or the decrypted one with
//! `encryption-identity`), and the plan lists the fields kept that way.

use std::cell::RefCell;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::cognigy::{self, Client, writes};
use crate::secrets::Identity;
use crate::secrets::unseal::{self, Why};
use crate::snapshot::Files;
use crate::snapshot::compare::{Comparison, ResourceDiff, Status};
use crate::snapshot::diff::PROJECT_KIND;

/// The writes of a restore by update, and what it cannot restore.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub writes: Vec<Write>,
    pub cannot: Vec<Unrestorable>,
    /// Credentials of the writes that stay as the target has them.
    pub kept: Vec<KeptSecret>,
    /// Credentials put back decrypted.
    pub put_back: usize,
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

/// One write, with what it restores in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// `flows: Main, node "Say hello" in en-US`.
    pub what: String,
    action: Action,
}

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Node {
        flow_id: String,
        node_id: String,
        locale_id: String,
        node: Value,
    },
    Flow {
        flow_id: String,
        locale_id: String,
        flow: Value,
    },
    Intents {
        flow_id: String,
        locale_id: String,
        intents: Value,
    },
    Keyphrases {
        lexicon_id: String,
        csv: String,
    },
    Endpoint {
        id: String,
        endpoint: Value,
        transformer: Option<String>,
    },
    AiAgent {
        id: String,
        agent: Value,
    },
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
        let pair = Pair {
            resource,
            snapshot,
            live: live.files,
            identity: live.identity,
            unsealed: &unsealed,
        };
        let found = match resource.kind.as_str() {
            "flows" => flow_writes(&pair, live),
            "lexicons" => lexicon_writes(&pair),
            "endpoints" => endpoint_writes(&pair),
            "ai-agents" => ai_agent_writes(&pair),
            PROJECT_KIND => Err(format!(
                "the project's {} cannot be updated through the API: restore natively, or change it in Cognigy",
                resource.name
            )),
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
    plan
}

/// Sends the writes of `plan`, one after another; the first that fails ends the restore.
pub async fn apply(client: &Client, plan: &Plan) -> Result<(), cognigy::Error> {
    for write in &plan.writes {
        tracing::info!("restoring {}", write.what);
        match &write.action {
            Action::Node {
                flow_id,
                node_id,
                locale_id,
                node,
            } => writes::patch_node(client, flow_id, node_id, locale_id, node).await?,
            Action::Flow {
                flow_id,
                locale_id,
                flow,
            } => writes::patch_flow(client, flow_id, locale_id, flow).await?,
            Action::Intents {
                flow_id,
                locale_id,
                intents,
            } => writes::import_intents(client, flow_id, locale_id, intents).await?,
            Action::Keyphrases { lexicon_id, csv } => writes::import_keyphrases(client, lexicon_id, csv).await?,
            Action::Endpoint {
                id,
                endpoint,
                transformer,
            } => writes::patch_endpoint(client, id, endpoint, transformer.as_deref()).await?,
            Action::AiAgent { id, agent } => writes::patch_ai_agent(client, id, agent).await?,
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

    /// The `_id` the live resource has now, from its own JSON file `inner`.
    fn live_id(&self, inner: &str) -> Result<String, String> {
        let doc = json(self.live_file(inner), inner, "the live project")?;
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
            None if path == "flow.json" => match &live.primary_locale {
                Some(locale_id) => Ok(vec![pair.write(
                    ", its name, description and settings",
                    Action::Flow {
                        flow_id: flow_id.clone(),
                        locale_id: locale_id.clone(),
                        flow: pair.snapshot_json(path)?,
                    },
                )]),
                None => Err("flow.json: the live project has no primary locale to update the flow in".to_owned()),
            },
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
    Ok(then
        .into_iter()
        .filter(|(id, node)| now.get(id) != Some(node) && own(node))
        .map(|(node_id, node)| {
            let label = node.get("label").and_then(Value::as_str).unwrap_or(&node_id).to_owned();
            pair.write(
                &format!(", node \"{label}\" in {folder}"),
                Action::Node {
                    flow_id: flow_id.to_owned(),
                    node_id,
                    locale_id: locale_id.to_owned(),
                    node,
                },
            )
        })
        .collect())
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
            _ => cannot.push(format!(
                "{path}: a lexicon's own settings cannot be updated through the API"
            )),
        }
    }
    Ok((writes, cannot))
}

fn endpoint_writes(pair: &Pair<'_>) -> Found {
    let id = pair.live_id("endpoint.json")?;
    let transformer = pair
        .snapshot_file("transformer.ts")
        .map(|source| String::from_utf8_lossy(source).into_owned());
    let write = pair.write(
        "",
        Action::Endpoint {
            id,
            endpoint: pair.snapshot_json("endpoint.json")?,
            transformer,
        },
    );
    Ok((vec![write], Vec::new()))
}

fn ai_agent_writes(pair: &Pair<'_>) -> Found {
    let id = pair.live_id("ai-agent.json")?;
    let write = pair.write(
        "",
        Action::AiAgent {
            id,
            agent: pair.snapshot_json("ai-agent.json")?,
        },
    );
    Ok((vec![write], Vec::new()))
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
        let Action::Endpoint { endpoint, .. } = &plan.writes[0].action else {
            panic!("{:?}", plan.writes);
        };
        assert_eq!(
            endpoint,
            &json!({"_id": "E1", "name": "Web", "settings": {"facebookPageToken": "live-token"}}),
            "the live token is written, and a field the target has no value for is left out"
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
        assert_eq!(
            plan.writes[0].action,
            Action::Endpoint {
                id: "E1".into(),
                endpoint: json!({"_id": "E1", "name": "Web"}),
                transformer: Some("export {}\n".into()),
            }
        );
        assert_eq!(
            plan.writes[1].action,
            Action::Node {
                flow_id: "F1".into(),
                node_id: "n1".into(),
                locale_id: "LOC-EN".into(),
                node: json!({"_id": "n1", "label": "Greet", "config": {"say": {"text": ["Hi"]}}}),
            }
        );
    }

    #[test]
    fn what_update_cannot_restore_is_listed_plainly() {
        let snapshot = base();
        let mut live = base();
        // Structure: a relation rewired; a flow created since; the lexicon's settings; the project.
        live.insert(format!("{FLOW}/en/chart.json"), chart("Hi", None));
        live.insert(
            "project/flows/New--f2/flow.json".into(),
            br#"{"_id": "F2", "name": "New"}"#.to_vec(),
        );
        live.insert(
            format!("{LEX}/lexicon.json"),
            br#"{"_id": "L1", "name": "Towns"}"#.to_vec(),
        );
        live.insert("project/project.json".into(), br#"{"name": "Bot 2"}"#.to_vec());
        live.insert(
            "project/llms/Model--m1/llm.json".into(),
            br#"{"name": "Model"}"#.to_vec(),
        );
        let mut snapshot_with_deleted = snapshot.clone();
        snapshot_with_deleted.insert(
            "project/flows/Gone--f3/flow.json".into(),
            br#"{"name": "Gone"}"#.to_vec(),
        );
        let comparison = compare(&live, &snapshot_with_deleted, |_| true);
        let plan = plan(&comparison, &snapshot_with_deleted, &live_of(&live));
        assert!(plan.writes.is_empty(), "{:?}", whats(&plan));
        let whys = whys(&plan);
        let expect = [
            ("flows", "deleted since the snapshot"),
            ("flows", "chart's structure in en"),
            ("flows", "created since the snapshot"),
            ("lexicons", "lexicon's own settings"),
            ("llms", "restore natively"),
            ("project", "project's settings cannot be updated"),
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
}

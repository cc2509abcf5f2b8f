//! Edits tests make to a live project (as a user would in the Cognigy UI), used through
//! [`FakeCognigy::edit`](super::FakeCognigy::edit) and
//! [`FakeCognigy::edit_project`](super::FakeCognigy::edit_project). Each panics with a clear message
//! on an unknown id: a test naming a missing resource is a broken test.

use serde_json::{Value, json};

use super::generate::{self, Gen};
use super::model::{Kind, Project, id_of};

impl Project {
    /// Ids of the locales, primary first.
    pub fn locale_ids(&self) -> Vec<String> {
        self.locales.iter().map(|l| id_of(l).to_owned()).collect()
    }

    /// Replaces the `config` of node `node_id` of flow `flow_id` in locale `locale_id`.
    pub fn set_node_config(&mut self, flow_id: &str, node_id: &str, locale_id: &str, config: Value) {
        let primary = self.primary_locale_id().to_owned();
        let flow = self.flow_mut(flow_id).unwrap_or_else(|| panic!("no flow {flow_id}"));
        let node = flow
            .node_mut(node_id)
            .unwrap_or_else(|| panic!("no node {node_id} in flow {flow_id}"));
        let mut data = node
            .in_locale(locale_id, &primary)
            .map(|(_, d)| d.clone())
            .expect("a node has data in its primary locale");
        data.config = config;
        node.localized.insert(locale_id.to_owned(), data);
    }

    /// Adds a flow named `name` with `nodes` chart nodes in every locale; answers its id.
    pub fn add_flow(&mut self, name: &str, nodes: usize) -> String {
        let locales = self.locale_ids();
        let index = self.flows.len();
        let mut flow = generate::flow(
            &mut Gen {
                rng: &mut self.rng,
                hard: false,
            },
            index,
            nodes,
            &locales,
        );
        flow.doc["name"] = json!(name);
        let id = flow.id().to_owned();
        self.flows.push(flow);
        id
    }

    /// Deletes flow `id`.
    pub fn remove_flow(&mut self, id: &str) {
        let before = self.flows.len();
        self.flows.retain(|f| f.id() != id);
        assert!(self.flows.len() < before, "no flow {id}");
    }

    /// Adds a lexicon named `name` with `keyphrases` keyphrases; answers its id.
    pub fn add_lexicon(&mut self, name: &str, keyphrases: usize) -> String {
        let index = self.lexicons.len();
        let mut lexicon = generate::lexicon(
            &mut Gen {
                rng: &mut self.rng,
                hard: false,
            },
            index,
            keyphrases,
        );
        lexicon.doc["name"] = json!(name);
        let id = lexicon.id().to_owned();
        self.lexicons.push(lexicon);
        id
    }

    /// Deletes lexicon `id`.
    pub fn remove_lexicon(&mut self, id: &str) {
        let before = self.lexicons.len();
        self.lexicons.retain(|l| l.id() != id);
        assert!(self.lexicons.len() < before, "no lexicon {id}");
    }

    /// Adds an item of `kind` named `name` (generated like the others of its kind); answers its id.
    pub fn add_item(&mut self, kind: Kind, name: &str) -> String {
        let (doc, locales) = (self.doc.clone(), self.locale_ids());
        let index = self.items(kind).len();
        let mut item = generate::item(
            &mut Gen {
                rng: &mut self.rng,
                hard: false,
            },
            kind,
            index,
            &doc,
            &locales,
        );
        let name_field = if kind == Kind::Extension { "label" } else { "name" };
        item[name_field] = json!(name);
        let id = id_of(&item).to_owned();
        self.resources.entry(kind).or_default().push(item);
        id
    }

    /// Deletes item `id` of `kind`.
    pub fn remove_item(&mut self, kind: Kind, id: &str) {
        let items = self.resources.entry(kind).or_default();
        let before = items.len();
        items.retain(|d| id_of(d) != id);
        assert!(items.len() < before, "no {} {id}", kind.path());
        self.knowledge.remove(id);
    }

    /// Sets field `field` of document `id` (a flow, lexicon, locale or flat item) to `value`.
    pub fn set_field(&mut self, id: &str, field: &str, value: Value) {
        let docs = self
            .flows
            .iter_mut()
            .map(|f| &mut f.doc)
            .chain(self.lexicons.iter_mut().map(|l| &mut l.doc))
            .chain(self.locales.iter_mut())
            .chain(self.resources.values_mut().flatten());
        let doc = docs
            .into_iter()
            .find(|d| id_of(d) == id)
            .unwrap_or_else(|| panic!("no resource {id}"));
        doc[field] = value;
    }
}

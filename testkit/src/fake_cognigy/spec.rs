//! What project to generate: sizes per resource kind, the seed, and whether names are hostile;
//! and what exporting it should cost: the minimum of requests, and the repeats beyond it.

use std::collections::BTreeMap;

use super::world::RequestRecord;

/// The shape of a generated project. The same spec always yields the same project (ids included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSpec {
    /// Seed of every id, name and value.
    pub seed: u64,
    /// Number of locales, clamped to 1..=10 (Cognigy's limit). The first is primary.
    pub locales: usize,
    pub flows: usize,
    /// Nodes per flow chart, start and end node included (at least 1).
    pub nodes_per_flow: usize,
    pub lexicons: usize,
    /// Keyphrases per lexicon.
    pub keyphrases: usize,
    pub endpoints: usize,
    pub ai_agents: usize,
    pub extensions: usize,
    pub nlu_connectors: usize,
    pub functions: usize,
    pub llms: usize,
    pub knowledge_stores: usize,
    pub playbooks: usize,
    pub connections: usize,
    pub snippets: usize,
    pub milestones: usize,
    pub ai_copilot_configs: usize,
    pub handover_providers: usize,
    /// Knowledge sources per knowledge store.
    pub knowledge_sources: usize,
    /// Chunks per knowledge source.
    pub knowledge_chunks: usize,
    /// Use hostile names: `/`, `..`, unicode, 200+ characters, duplicates within a kind, `:*?"<>|`,
    /// a leading dot, a trailing space; the second locale is called `fr/CA Québec`.
    pub hard_names: bool,
}

impl Default for ProjectSpec {
    /// A small but complete project: two locales and a few of every kind.
    fn default() -> Self {
        Self {
            seed: 1,
            locales: 2,
            flows: 3,
            nodes_per_flow: 6,
            lexicons: 2,
            keyphrases: 5,
            endpoints: 2,
            ai_agents: 1,
            extensions: 1,
            nlu_connectors: 1,
            functions: 1,
            llms: 1,
            knowledge_stores: 1,
            playbooks: 1,
            connections: 2,
            snippets: 1,
            milestones: 1,
            ai_copilot_configs: 1,
            handover_providers: 1,
            knowledge_sources: 2,
            knowledge_chunks: 3,
            hard_names: false,
        }
    }
}

impl ProjectSpec {
    /// One locale and nothing else, for tests that add exactly what they need:
    /// `ProjectSpec { endpoints: 1, ..ProjectSpec::empty() }`.
    pub fn empty() -> Self {
        Self {
            seed: 1,
            locales: 1,
            flows: 0,
            nodes_per_flow: 1,
            lexicons: 0,
            keyphrases: 0,
            endpoints: 0,
            ai_agents: 0,
            extensions: 0,
            nlu_connectors: 0,
            functions: 0,
            llms: 0,
            knowledge_stores: 0,
            playbooks: 0,
            connections: 0,
            snippets: 0,
            milestones: 0,
            ai_copilot_configs: 0,
            handover_providers: 0,
            knowledge_sources: 0,
            knowledge_chunks: 0,
            hard_names: false,
        }
    }

    /// The spec of the performance benchmark: 50 flows x 2 locales x 40 nodes and some of the rest.
    pub fn large() -> Self {
        Self {
            flows: 50,
            nodes_per_flow: 40,
            lexicons: 10,
            keyphrases: 250,
            endpoints: 10,
            ai_agents: 3,
            extensions: 3,
            nlu_connectors: 2,
            functions: 5,
            llms: 3,
            knowledge_stores: 2,
            playbooks: 5,
            connections: 5,
            snippets: 5,
            milestones: 2,
            ai_copilot_configs: 2,
            handover_providers: 2,
            knowledge_sources: 5,
            knowledge_chunks: 20,
            ..Self::default()
        }
    }

    /// Requests an export of every kind needs at the least, for a project of this spec whose every
    /// list fits one page, when each task takes `task_polls` polls: the project, its settings, its
    /// locales and its profile schema, and the 15 lists of kinds once; per locale its yes/no
    /// intents; per flow the flow, its settings, its lists of states and slot fillers and each of
    /// them by id (a generated flow has one of each), and per locale its chart, intents and every
    /// node; per lexicon the read, the export task with its polls, the link and the download; one
    /// read per item of the flat kinds whose lists give index items (all but snippets and handover
    /// providers); per knowledge store its list of sources, and per source its list of chunks.
    pub fn minimum_export_requests(&self, task_polls: usize) -> usize {
        let locales = self.locales.clamp(1, 10);
        let read_by_id = self.endpoints
            + self.ai_agents
            + self.extensions
            + self.nlu_connectors
            + self.functions
            + self.llms
            + self.knowledge_stores
            + self.playbooks
            + self.connections
            + self.milestones
            + self.ai_copilot_configs;
        let project = 4 + 2 + 13; // project, settings, locales, profile schema; flows, lexicons; 13 flat kinds
        let flows = self.flows * (2 + 2 + 2 + locales * (2 + self.nodes_per_flow));
        let lexicons = self.lexicons * (1 + 1 + task_polls + 1 + 1); // read, export, polls, link, download
        let knowledge = self.knowledge_stores * (1 + self.knowledge_sources);
        project + locales + flows + lexicons + read_by_id + knowledge
    }

    /// Requests of an export answered successfully more often than the layout needs, by method,
    /// path and query, with how many times too often. Task polls repeat by nature; an intents
    /// export is one POST per locale (its body names the locale). Refused or failed attempts are
    /// not counted: their repeats are retries.
    pub fn redundant_export_requests(&self, log: &[RequestRecord]) -> BTreeMap<(String, String, String), usize> {
        let mut seen = BTreeMap::new();
        for r in log
            .iter()
            .filter(|r| (200..300).contains(&r.status) && !r.path.contains("/tasks/"))
        {
            *seen
                .entry((r.method.clone(), r.path.clone(), r.query.clone()))
                .or_insert(0) += 1;
        }
        let locales = self.locales.clamp(1, 10);
        seen.into_iter()
            .filter_map(|(request, n)| {
                let allowed = if request.1.ends_with("/intents/export") {
                    locales
                } else {
                    1
                };
                (n > allowed).then(|| (request, n - allowed))
            })
            .collect()
    }

    /// The same spec with hostile names switched on and at least eight items per named kind.
    pub fn hard() -> Self {
        Self {
            flows: 9,
            lexicons: 9,
            endpoints: 9,
            connections: 9,
            hard_names: true,
            ..Self::default()
        }
    }
}

//! The resource kinds that are listed and then read one by one, with where they live in the API
//! and the file each becomes. Flows and lexicons need more than one read each and have modules of
//! their own.

/// A kind read as a list, then `/{id}` per item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatKind {
    /// The `resources` input's name, and the snapshot folder.
    pub kind: &'static str,
    /// The collection's path under the API prefix.
    pub path: &'static str,
    /// The resource's JSON file in its folder.
    pub file: &'static str,
    /// A 404 on the list means the platform has no such feature (not an error).
    pub optional: bool,
}

pub const FLAT_KINDS: [FlatKind; 9] = [
    FlatKind {
        kind: "endpoints",
        path: "endpoints",
        file: "endpoint.json",
        optional: false,
    },
    FlatKind {
        kind: "ai-agents",
        path: "aiagents",
        file: "ai-agent.json",
        optional: true,
    },
    FlatKind {
        kind: "extensions",
        path: "extensions",
        file: "extension.json",
        optional: false,
    },
    FlatKind {
        kind: "nlu-connectors",
        path: "nluconnectors",
        file: "nlu-connector.json",
        optional: false,
    },
    FlatKind {
        kind: "functions",
        path: "functions",
        file: "function.json",
        optional: false,
    },
    FlatKind {
        kind: "llms",
        path: "largelanguagemodels",
        file: "llm.json",
        optional: false,
    },
    FlatKind {
        kind: "knowledge-stores",
        path: "knowledgestores",
        file: "knowledge-store.json",
        optional: false,
    },
    FlatKind {
        kind: "playbooks",
        path: "playbooks",
        file: "playbook.json",
        optional: false,
    },
    FlatKind {
        kind: "connections",
        path: "connections",
        file: "connection.json",
        optional: false,
    },
];

/// The flat kind named `kind`, if it is one.
pub fn flat(kind: &str) -> Option<&'static FlatKind> {
    FLAT_KINDS.iter().find(|k| k.kind == kind)
}

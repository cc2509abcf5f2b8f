//! The resource kinds that are listed and then read one by one, with where they live in the API
//! and the file each becomes. Flows and lexicons need more than one read each and have modules of
//! their own.

/// A kind read as a list, then `/{id}` per item; the file it becomes is the snapshot layout's
/// ([`FlatKind::file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatKind {
    /// The `resources` input's name, and the snapshot folder.
    pub kind: &'static str,
    /// The collection's path under the API prefix.
    pub path: &'static str,
    /// A 404 on the list means the platform has no such feature (not an error).
    pub optional: bool,
}

impl FlatKind {
    /// The resource's JSON file in its folder, as the snapshot layout names it.
    pub fn file(&self) -> &'static str {
        crate::snapshot::layout::KINDS
            .iter()
            .find(|kind| kind.name == self.kind)
            .map(|kind| kind.file)
            .expect("every flat kind is a kind of the snapshot layout")
    }
}

pub const FLAT_KINDS: [FlatKind; 9] = [
    FlatKind {
        kind: "endpoints",
        path: "endpoints",
        optional: false,
    },
    FlatKind {
        kind: "ai-agents",
        path: "aiagents",
        optional: true,
    },
    FlatKind {
        kind: "extensions",
        path: "extensions",
        optional: false,
    },
    FlatKind {
        kind: "nlu-connectors",
        path: "nluconnectors",
        optional: false,
    },
    FlatKind {
        kind: "functions",
        path: "functions",
        optional: false,
    },
    FlatKind {
        kind: "llms",
        path: "largelanguagemodels",
        optional: false,
    },
    FlatKind {
        kind: "knowledge-stores",
        path: "knowledgestores",
        optional: false,
    },
    FlatKind {
        kind: "playbooks",
        path: "playbooks",
        optional: false,
    },
    FlatKind {
        kind: "connections",
        path: "connections",
        optional: false,
    },
];

/// The flat kind named `kind`, if it is one.
pub fn flat(kind: &str) -> Option<&'static FlatKind> {
    FLAT_KINDS.iter().find(|k| k.kind == kind)
}

//! The resource kinds that are listed (and then, most of them, read one by one), with where they
//! live in the API and the file each becomes. Flows and lexicons need more than one read each and
//! have modules of their own.

/// A kind read as a list (then `/{id}` per item where the list's items are not whole); the file it
/// becomes is the snapshot layout's ([`FlatKind::file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlatKind {
    /// The `resources` input's name, and the snapshot folder.
    pub kind: &'static str,
    /// The collection's path under the API prefix.
    pub path: &'static str,
    /// How the collection is scoped to the project.
    pub scope: Scope,
    /// A 403 or 404 on the list means the platform (or the key's licence or role) has no such
    /// feature: the kind is reported as not available, not an error.
    pub optional: bool,
    /// Whether each item is read by id (the list gives index items without their detail).
    pub read_items: bool,
    /// The field that holds an item's name.
    pub name_field: &'static str,
}

/// How a collection is scoped to the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `/<path>?projectId=P`
    Query,
    /// `/projects/P/<path>`
    Path,
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

/// A kind listed by `projectId`, each item read by id.
const fn listed(kind: &'static str, path: &'static str, optional: bool) -> FlatKind {
    FlatKind {
        kind,
        path,
        scope: Scope::Query,
        optional,
        read_items: true,
        name_field: "name",
    }
}

pub const FLAT_KINDS: [FlatKind; 13] = [
    listed("endpoints", "endpoints", false),
    listed("ai-agents", "aiagents", true),
    listed("extensions", "extensions", false),
    listed("nlu-connectors", "nluconnectors", false),
    listed("functions", "functions", true),
    listed("llms", "largelanguagemodels", true),
    listed("knowledge-stores", "knowledgestores", true),
    listed("playbooks", "playbooks", true),
    listed("connections", "connections", false),
    // `ISnippetIndexItem_2_0` is the whole snippet: there is no read by id. Snippets have a label.
    FlatKind {
        scope: Scope::Path,
        read_items: false,
        name_field: "label",
        ..listed("snippets", "snippets", true)
    },
    listed("milestones", "milestones", true),
    listed("ai-copilot-configs", "aicopilotconfigs", true),
    // Documented by Cognigy, not in the 0.19 typings: only the list is read, whose items are whole.
    FlatKind {
        read_items: false,
        ..listed("handover-providers", "handover/provider", true)
    },
];

/// The flat kind named `kind`, if it is one.
pub fn flat(kind: &str) -> Option<&'static FlatKind> {
    FLAT_KINDS.iter().find(|k| k.kind == kind)
}

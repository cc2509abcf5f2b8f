//! Native snapshots: a frozen copy of everything a Cognigy snapshot holds (all but endpoints and
//! Knowledge AI: stores, sources, chunks), stored as an opaque binary `.csnap` package, restoring one (into the project it
//! was captured in or another), and the per-project cap of 10.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::ids;
use super::model::{Kind, Project};

/// A project holds at most this many snapshots (Cognigy's `MAX_AMOUNT_SNAPSHOTS_IN_AGENT`).
pub const MAX_SNAPSHOTS: usize = 10;

/// How long a package can be downloaded, in seconds (one day).
const PACKAGE_LIFETIME: u64 = 24 * 3_600;

const MAGIC: &[u8] = b"CSNAP\x01\x00";

/// One snapshot.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub id: String,
    pub name: String,
    pub description: String,
    /// Unix seconds.
    pub created_at: u64,
    /// When its package expires (Unix seconds), once packaged.
    pub package_expires_at: Option<u64>,
    /// The `.csnap` bytes.
    pub content: Vec<u8>,
}

impl Snapshot {
    /// A snapshot of `project` as it is now.
    pub fn capture(id: String, name: String, description: String, project: &Project, now: u64) -> Self {
        Self {
            id,
            name,
            description,
            created_at: now,
            package_expires_at: None,
            content: encode(project),
        }
    }

    pub fn package(&mut self, now: u64) {
        self.package_expires_at = Some(now + PACKAGE_LIFETIME);
    }

    pub fn is_packaged(&self) -> bool {
        self.package_expires_at.is_some()
    }

    /// The list/read answer.
    pub fn json(&self) -> Value {
        json!({
            "_id": self.id,
            "name": self.name,
            "description": self.description,
            "hash": format!("{:016x}", fnv1a(&self.content)),
            "createdAt": self.created_at,
            "createdBy": crate::fake_cognigy::generate::CREATOR,
            "isPackaged": self.is_packaged(),
            "packageExpiresAt": self.package_expires_at.unwrap_or(0),
        })
    }
}

/// The `.csnap` bytes of `project`: a magic header, then its snapshot-worthy state, scrambled.
pub fn encode(project: &Project) -> Vec<u8> {
    let mut frozen = project.clone();
    frozen.resources.retain(|kind, _| kind.in_snapshot());
    frozen.knowledge.clear();
    let json = serde_json::to_vec(&frozen).expect("a project always serialises");
    MAGIC.iter().copied().chain(scramble(json)).collect()
}

/// The state a restore of `bytes` gives `current`: everything from the snapshot, wherever it was
/// captured, except what snapshots do not hold (endpoints, knowledge stores), the project's own id
/// and its source of new ids, kept from `current`. Ids of the package that `taken` holds (ids of
/// other projects) are issued anew, see [`ids::reissue`].
pub fn restore(bytes: &[u8], current: &Project, taken: &HashSet<String>) -> Result<Project, String> {
    let mut rng = current.rng.clone();
    let mut restored = ids::reissue(decode(bytes)?, current.id(), taken, &mut rng);
    restored.rng = rng;
    for kind in Kind::ALL.into_iter().filter(|k| !k.in_snapshot()) {
        restored.resources.insert(kind, current.items(kind).to_vec());
    }
    restored.knowledge = current.knowledge.clone();
    Ok(restored)
}

/// Checks that `bytes` are a package this server can restore.
pub fn validate(bytes: &[u8]) -> Result<(), String> {
    decode(bytes).map(drop)
}

fn decode(bytes: &[u8]) -> Result<Project, String> {
    let body = bytes
        .strip_prefix(MAGIC)
        .ok_or("The file is not a Cognigy snapshot package.")?;
    serde_json::from_slice(&scramble(body.to_vec())).map_err(|e| format!("The snapshot package is damaged: {e}"))
}

/// An involution that makes the package opaque binary (not encryption, just not readable JSON).
fn scramble(mut bytes: Vec<u8>) -> Vec<u8> {
    for (i, b) in bytes.iter_mut().enumerate() {
        *b ^= 0xA5 ^ (i as u8).wrapping_mul(31);
    }
    bytes
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

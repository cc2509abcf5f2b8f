//! The store benchmark of issue 4: the git part of a backup of a 10,000-file snapshot, pushed
//! through a real `git http-backend` (testkit's `GitServer`, Basic auth, 127.0.0.1) and, side by
//! side, to a local bare repository (a path remote). Three backups per remote, each with a fresh
//! store as every run of the action has: the first, one after a one-file change, and an unchanged
//! one. For each it prints the time of the git part (fetch, compare, commit, push), objects and
//! bytes pushed (the store's `PushReport` and, over HTTP, the request bytes the server received);
//! for the one-file change, objects and bytes against the target: the changed blobs (the file and
//! the manifest, which every capture rewrites), one tree per folder on their paths, the commit,
//! counted from the two snapshots and checked with `git rev-list --objects` on the remote, whose
//! loose copies of those objects give their compressed sizes. Memory: the peak resident size of
//! each backup (`VmHWM`, reset before each through `/proc/self/clear_refs`) and of the whole run.
//!
//! The snapshot is built by `snapshot::build` from a generated, deterministic export in the
//! layout of a real one (`project/flows/<name>--<id>/<locale>/chart.json` and the rest, a few KB a
//! file, 800 flows in 3 locales, 900 lexicons, 600 endpoints and the flat kinds). The backups drive
//! the store API in the order the backup mode does (`modes::backup::run` with `promote: false`, from
//! opening the `Repo` to the leased push: the span its "git time" covers), not the whole mode
//! through `app::run` with the fake Cognigy server: a 10,000-file project takes tens of thousands
//! of requests to export, six times over, and the mode's summary gives the git time as one figure
//! rounded to 0.1 s, with no split and nothing to check the objects pushed against.
//!
//! `cargo run --release --example bench_store` (needs `git` on the PATH; about half a minute). The
//! git server runs in this process but `git` runs in child processes, so the memory figures are the
//! store's plus the generated snapshots' (all three stay resident, about 200 MB before any backup).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use cognigy_backup_action::action::config::{RESOURCE_KINDS, RemoteLocation, RepoConfig, Tier};
use cognigy_backup_action::cognigy::export::kinds;
use cognigy_backup_action::modes::{promotion, repo::Repo};
use cognigy_backup_action::secrets::Secret;
use cognigy_backup_action::snapshot::{
    self, Content, Export, Files, Locale, Meta, PROJECT_DIR, Resource, ResourceFile, Snapshot, diff,
};
use cognigy_backup_action::store::chain::{self, Change};
use cognigy_backup_action::store::{ObjectId, PushReport, RefUpdate};
use cognigy_backup_testkit::git::git;
use cognigy_backup_testkit::git_server::GitServer;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;

const USER: &str = "x-access-token";
const TOKEN: &str = "ghs_bench-token";
/// The default of `keep-hourly`.
const KEEP_HOURLY: usize = 6;

const FLOWS: usize = 800;
const LOCALES: [(&str, &str); 3] = [
    ("64f1c0a2b3d4e5f601234567", "en-US"),
    ("64f1c0a2b3d4e5f601234568", "de-DE"),
    ("64f1c0a2b3d4e5f601234569", "fr-FR"),
];
const LEXICONS: usize = 900;
/// Items of each flat kind (endpoints get a `transformer.ts` too).
const FLAT: [(&str, usize); 9] = [
    ("endpoints", 600),
    ("ai-agents", 120),
    ("extensions", 20),
    ("nlu-connectors", 10),
    ("functions", 500),
    ("llms", 50),
    ("knowledge-stores", 200),
    ("playbooks", 350),
    ("connections", 150),
];
/// The one-file change: a node's text in this flow's chart, in the second locale.
const EDITED_FLOW: usize = 417;

const WORDS: [&str; 48] = [
    "order",
    "status",
    "delivery",
    "invoice",
    "refund",
    "account",
    "password",
    "reset",
    "store",
    "opening",
    "hours",
    "contract",
    "upgrade",
    "tariff",
    "roaming",
    "payment",
    "card",
    "blocked",
    "address",
    "change",
    "appointment",
    "booking",
    "cancel",
    "parcel",
    "tracking",
    "number",
    "customer",
    "service",
    "agent",
    "handover",
    "please",
    "confirm",
    "your",
    "details",
    "thank",
    "you",
    "sorry",
    "could",
    "not",
    "find",
    "that",
    "would",
    "like",
    "help",
    "with",
    "today",
    "branch",
    "claim",
];
const TOPICS: [&str; 16] = [
    "Order Status",
    "Billing",
    "Password Reset",
    "Store Locator",
    "Returns",
    "Delivery",
    "Account",
    "Loyalty",
    "Payments",
    "Onboarding",
    "Complaints",
    "Appointments",
    "Insurance Claim",
    "Roaming",
    "Contract",
    "Upgrade",
];
const NODE_TYPES: [&str; 7] = ["start", "say", "question", "if", "code", "say", "end"];
const ROLES: [&str; 7] = [
    "Main",
    "FAQ",
    "Handover",
    "Escalation",
    "Survey",
    "Authentication",
    "Fallback",
];

/// The git part of one backup.
struct Run {
    fetch: Duration,
    /// The `project/` tree written and compared with the tip's.
    compare: Duration,
    /// The previous files read, the diff, the tree and the commit written.
    commit: Duration,
    push: Duration,
    total: Duration,
    pushed: PushReport,
    /// Request bytes `git-receive-pack` got on the server (HTTP only).
    received: Option<u64>,
    tips: (Option<ObjectId>, Option<ObjectId>),
}

fn main() {
    let work = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(work.path().join("srv")).expect("the server's folder");
    let server = GitServer::start(work.path().join("srv"), USER, TOKEN);
    let http_repo = server.create_repo("bench.git");
    let path_repo = work.path().join("local.git");
    git(work.path(), &["init", "--quiet", "--bare", path_repo.to_str().unwrap()]);

    let started = Instant::now();
    let t0 = datetime!(2025-06-02 09:00 UTC);
    let snapshots = [
        ("first backup", build(export(false), t0)),
        ("one-file change", build(export(true), t0 + time::Duration::hours(1))),
        ("unchanged", build(export(true), t0 + time::Duration::hours(2))),
    ];
    describe(&snapshots[0].1.files, started.elapsed());
    println!(
        "Memory: {} MB resident with the three snapshots built, {} MB at the peak so far",
        memory_mb("VmRSS"),
        memory_mb("VmHWM")
    );
    let mut peak = memory_mb("VmHWM");

    let remotes = [
        (
            "http",
            RemoteLocation::Http(server.url("bench.git").parse().unwrap()),
            &http_repo,
        ),
        ("path", RemoteLocation::Path(path_repo.clone()), &path_repo),
    ];
    println!(
        "\n{:<5} {:<16} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8} {:>12} {:>12} {:>9}",
        "",
        "backup",
        "fetch",
        "compare",
        "commit",
        "push",
        "git part",
        "objects",
        "bytes sent",
        "bytes recvd",
        "peak RSS"
    );
    let mut changes = Vec::new();
    for (label, location, git_dir) in remotes {
        let http = matches!(location, RemoteLocation::Http(_));
        let config = RepoConfig {
            remote: location,
            token: Some(Secret::new(TOKEN)),
            repository: None,
            branch_prefix: "snapshot/".to_owned(),
            mirror: None,
        };
        for (index, (name, snapshot)) in snapshots.iter().enumerate() {
            server.reset_bytes_received();
            reset_peak_memory();
            let mut run = backup(&config, work.path(), snapshot);
            let run_peak = memory_mb("VmHWM");
            peak = peak.max(run_peak);
            run.received = http.then(|| server.bytes_received("git-receive-pack"));
            println!(
                "{label:<5} {name:<16} {:>9} {:>9} {:>9} {:>9} {:>10} {:>8} {:>12} {:>12} {:>6} MB",
                ms(run.fetch),
                ms(run.compare),
                ms(run.commit),
                ms(run.push),
                ms(run.total),
                run.pushed.objects_sent,
                run.pushed.bytes_sent,
                run.received.map_or("-".to_owned(), |b| b.to_string()),
                run_peak,
            );
            assert_eq!(
                git(git_dir, &["rev-parse", "snapshot/hourly"]).trim(),
                run.tips.1.or(run.tips.0).unwrap().to_string(),
                "the remote's hourly tip"
            );
            if index == 1 {
                changes.push((label, git_dir, run));
            }
        }
    }

    println!("\nOne-file change, pushed against the target:");
    let target = Target::of(&snapshots[0].1.files, &snapshots[1].1.files);
    println!(
        "  target: {} objects = {} blobs ({}) + {} trees (one per folder on those paths, the root included) + 1 commit",
        target.objects(),
        target.blobs.len(),
        target.blobs.join(", "),
        target.trees
    );
    for (index, (label, git_dir, run)) in changes.iter().enumerate() {
        let (old, new) = (run.tips.0.unwrap(), run.tips.1.unwrap());
        let on_remote = new_objects(git_dir, old, new);
        if index == 0 {
            println!("  {:<6} {:>9} {:>11}  path", "object", "raw", "compressed");
            for object in &on_remote {
                println!(
                    "  {:<6} {:>9} {:>11}  {}",
                    object.kind, object.size, object.disk, object.path
                );
            }
        }
        let compressed: u64 = on_remote.iter().map(|o| o.disk).sum();
        let raw: u64 = on_remote.iter().map(|o| o.size).sum();
        println!(
            "  {label:<5} objects pushed {} vs target {} (git rev-list --objects on the remote: {}); \
             bytes sent {}{} vs {compressed} compressed ({raw} raw) for those objects",
            run.pushed.objects_sent,
            target.objects(),
            on_remote.len(),
            run.pushed.bytes_sent,
            run.received
                .map_or(String::new(), |b| format!(" (server received {b})")),
        );
    }
    println!(
        "\nPeak memory (VmHWM, the highest of the phases above): {} MB",
        peak.max(memory_mb("VmHWM"))
    );
    println!("Total run time: {:.1} s", started.elapsed().as_secs_f64());
}

/// The git part of a backup of `snapshot`, in the steps and order of the backup mode.
fn backup(config: &RepoConfig, temp: &Path, snapshot: &Snapshot) -> Run {
    let started = Instant::now();
    let repo = Repo::open(config, temp, &Default::default()).expect("open the store");
    let hourly = repo.branch(Tier::Hourly);
    let tip = repo.fetch().expect("fetch").get(&hourly);
    let fetch = started.elapsed();

    let project: Files = snapshot
        .files
        .iter()
        .filter_map(|(path, bytes)| Some((path.strip_prefix(PROJECT_DIR)?.to_owned(), bytes.clone())))
        .collect();
    let project_tree = repo.store.write_tree(&project).expect("write the project tree");
    let chain = promotion::chain_of(&repo, tip).expect("read the chain");
    let unchanged = match chain.last() {
        Some(last) => repo.store.subtree(last.id, "project").expect("read the tip") == Some(project_tree),
        None => false,
    };
    let compare = started.elapsed() - fetch;
    let mut run = Run {
        fetch,
        compare,
        commit: Duration::ZERO,
        push: Duration::ZERO,
        total: started.elapsed(),
        pushed: PushReport::default(),
        received: None,
        tips: (tip, None),
    };
    if unchanged {
        return run;
    }

    let previous = match chain.last() {
        Some(last) => repo
            .store
            .read_files(last.commit.tree)
            .expect("read the previous files"),
        None => Files::new(),
    };
    let message = diff::diff(&previous, &snapshot.files).commit_message(&snapshot.meta.snapshot_id);
    let tree = repo.store.write_tree(&snapshot.files).expect("write the tree");
    let commit = chain::Commit::captured(tree, message, snapshot.meta.captured_at);
    let new_tip = repo
        .store
        .write_chain(&chain::plan(&chain, Change::Append(commit), KEEP_HOURLY))
        .expect("write the chain");
    run.commit = started.elapsed() - fetch - compare;

    run.pushed = repo
        .store
        .push(&repo.remote, &[RefUpdate::new(hourly, tip, new_tip)])
        .expect("push");
    run.push = started.elapsed() - fetch - compare - run.commit;
    run.total = started.elapsed();
    run.tips.1 = new_tip;
    run
}

/// What the one-file change should push: its changed blobs, the trees above them, one commit.
struct Target {
    blobs: Vec<String>,
    trees: usize,
}

impl Target {
    fn of(old: &Files, new: &Files) -> Target {
        let blobs: Vec<String> = new
            .iter()
            .filter(|(path, bytes)| old.get(*path) != Some(bytes))
            .map(|(path, _)| path.clone())
            .collect();
        assert!(old.keys().all(|path| new.contains_key(path)), "no file is removed");
        let trees = blobs
            .iter()
            .flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at]).chain([""]))
            .collect::<BTreeSet<&str>>()
            .len();
        Target { blobs, trees }
    }

    fn objects(&self) -> usize {
        self.blobs.len() + self.trees + 1
    }
}

/// An object on the remote: its type, size, the size of its (compressed) copy on disk, its path.
struct Stored {
    kind: String,
    size: u64,
    disk: u64,
    path: String,
}

/// The objects reachable from `new` and not from `old` in the repository at `git_dir`.
fn new_objects(git_dir: &Path, old: ObjectId, new: ObjectId) -> Vec<Stored> {
    let listed = git(
        git_dir,
        &["rev-list", "--objects", &new.to_string(), "--not", &old.to_string()],
    );
    let mut child = Command::new("git")
        .args([
            "cat-file",
            "--batch-check=%(objecttype) %(objectsize) %(objectsize:disk) %(rest)",
        ])
        .current_dir(git_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("git is installed");
    child.stdin.take().unwrap().write_all(listed.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let mut fields = line.splitn(4, ' ');
            let mut next = || fields.next().unwrap_or_default();
            Stored {
                kind: next().to_owned(),
                size: next().parse().unwrap(),
                disk: next().parse().unwrap(),
                path: next().to_owned(),
            }
        })
        .collect()
}

/// Prints the snapshot's shape: files, bytes, folders and the widest one.
fn describe(files: &Files, took: Duration) {
    let bytes: usize = files.values().map(Vec::len).sum();
    // Every (folder, entry) pair once, then the entries per folder; the root is "".
    let mut pairs = BTreeSet::new();
    for path in files.keys() {
        let mut rest = path.as_str();
        while let Some((parent, _)) = rest.rsplit_once('/') {
            pairs.insert((parent, rest));
            rest = parent;
        }
        pairs.insert(("", rest));
    }
    let mut entries = std::collections::BTreeMap::<&str, usize>::new();
    for (folder, _) in pairs {
        *entries.entry(folder).or_default() += 1;
    }
    let widest = entries.iter().max_by_key(|(_, n)| **n).unwrap();
    println!(
        "Snapshot: {} files, {:.1} MB ({} bytes a file on average) in {} folders, the widest `{}/` with {} entries; \
         generated and built in {}",
        files.len(),
        bytes as f64 / 1e6,
        bytes / files.len(),
        entries.len(),
        widest.0,
        widest.1,
        ms(took).trim(),
    );
}

/// The snapshot of `export` captured at `at`.
fn build(export: Export, at: OffsetDateTime) -> Snapshot {
    let meta = Meta {
        snapshot_id: snapshot::snapshot_id(at),
        captured_at: at,
        project_id: "64f1c0a2b3d4e5f60000beef".to_owned(),
        base_url: "https://api-trial.cognigy.ai".to_owned(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    snapshot::build(meta, export)
}

/// A deterministic export of about 10,000 files; `edited`: with one node's text changed.
fn export(edited: bool) -> Export {
    let mut rng = fastrand::Rng::with_seed(4);
    let locales: Vec<Locale> = LOCALES
        .iter()
        .map(|(id, name)| Locale {
            id: (*id).to_owned(),
            name: (*name).to_owned(),
        })
        .collect();
    let mut resources = Vec::new();
    for n in 0..FLOWS {
        let name = format!(
            "{} {} {n}",
            TOPICS[n % TOPICS.len()],
            ROLES[n / TOPICS.len() % ROLES.len()]
        );
        let id = uuid(&mut rng);
        let mut files = vec![own_file("flow.json", document(&mut rng, &name, &id))];
        for (l, locale) in locales.iter().enumerate() {
            let mut chart = chart(&mut rng);
            if edited && n == EDITED_FLOW && l == 1 {
                chart["nodes"][3]["config"]["say"]["text"][0] = json!("Geänderter Text aus dem Benchmark.");
            }
            files.push(locale_file(locale, "chart.json", Content::Json(chart)));
            files.push(locale_file(locale, "intents.json", Content::Json(intents(&mut rng))));
        }
        resources.push(Resource {
            kind: "flows",
            id,
            name,
            files,
            children: Vec::new(),
        });
    }
    for n in 0..LEXICONS {
        let (name, id) = (format!("{} Terms {n}", TOPICS[n % TOPICS.len()]), uuid(&mut rng));
        let keyphrases: String = (0..rng.usize(30..90))
            .map(|_| {
                format!(
                    "{},{},\"{}\"\n",
                    words(&mut rng, 2),
                    words(&mut rng, 1),
                    words(&mut rng, 3)
                )
            })
            .collect();
        resources.push(Resource {
            kind: "lexicons",
            files: vec![
                own_file("lexicon.json", document(&mut rng, &name, &id)),
                ResourceFile {
                    locale: None,
                    name: "keyphrases.csv",
                    content: Content::Text(format!("keyphrase,tags,synonyms\n{keyphrases}")),
                },
            ],
            id,
            name,
            children: Vec::new(),
        });
    }
    for (kind, count) in FLAT {
        let file = kinds::flat(kind).expect("a flat kind").file();
        for n in 0..count {
            let (name, id) = (format!("{} {kind} {n}", TOPICS[n % TOPICS.len()]), uuid(&mut rng));
            let mut files = vec![own_file(file, document(&mut rng, &name, &id))];
            if kind == "endpoints" {
                let body: String = (0..rng.usize(20..60))
                    .map(|i| {
                        format!(
                            "    const v{i} = request.body?.data?.{} ?? \"{}\";\n",
                            word(&mut rng),
                            words(&mut rng, 3)
                        )
                    })
                    .collect();
                let source = format!(
                    "createSocketTransformer({{\n  handleInput: async ({{ request }}) => {{\n{body}  }}\n}});\n"
                );
                files.push(ResourceFile {
                    locale: None,
                    name: "transformer.ts",
                    content: Content::Text(source),
                });
            }
            resources.push(Resource {
                kind,
                id,
                name,
                files,
                children: Vec::new(),
            });
        }
    }
    let locales_json = LOCALES
        .iter()
        .map(|(id, name)| json!({"_id": id, "name": name, "nluLanguage": &name[..2]}))
        .collect();
    Export {
        kinds: RESOURCE_KINDS.to_vec(),
        project: vec![
            (
                "project.json",
                Content::Json(json!({"name": "Customer Service", "color": "#1f7ae0"})),
            ),
            ("locales.json", Content::Json(Value::Array(locales_json))),
        ],
        resources,
        ..Export::default()
    }
}

/// A flow chart: 6 to 14 nodes and their relations, 2 to 5 KB.
fn chart(rng: &mut fastrand::Rng) -> Value {
    let ids: Vec<String> = (0..rng.usize(6..=14)).map(|_| object_id(rng)).collect();
    let nodes: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let length = rng.usize(8..24);
            json!({
                "_id": id,
                "type": NODE_TYPES[i.min(NODE_TYPES.len() - 1)],
                "label": words(rng, 3),
                "comment": "",
                "isDisabled": false,
                "isEntryPoint": i == 0,
                "analyticsLabel": null,
                "config": {"say": {"type": "text", "text": [words(rng, length)], "data": {}}},
            })
        })
        .collect();
    let relations: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"_id": object_id(rng), "node": id, "children": [], "next": ids.get(i + 1)}))
        .collect();
    json!({"nodes": nodes, "relations": relations})
}

/// A flow's intents in a locale: 2 to 6, each with 3 to 8 example sentences.
fn intents(rng: &mut fastrand::Rng) -> Value {
    (0..rng.usize(2..=6))
        .map(|_| {
            let sentences: Vec<String> = (0..rng.usize(3..=8))
                .map(|_| {
                    let length = rng.usize(4..10);
                    words(rng, length)
                })
                .collect();
            json!({"_id": object_id(rng), "name": words(rng, 2), "sentences": sentences, "tags": []})
        })
        .collect()
}

/// A resource's own JSON file.
fn document(rng: &mut fastrand::Rng, name: &str, id: &str) -> Value {
    let length = rng.usize(5..30);
    json!({
        "_id": object_id(rng),
        "referenceId": id,
        "name": name,
        "description": words(rng, length),
        "isTrainingOutOfDate": false,
        "settings": {"timeout": rng.u32(1..60) * 1000, "retries": rng.u8(0..4), "tags": [word(rng), word(rng)]},
    })
}

fn own_file(name: &'static str, doc: Value) -> ResourceFile {
    ResourceFile {
        locale: None,
        name,
        content: Content::Json(doc),
    }
}

fn locale_file(locale: &Locale, name: &'static str, content: Content) -> ResourceFile {
    ResourceFile {
        locale: Some(locale.clone()),
        name,
        content,
    }
}

fn word(rng: &mut fastrand::Rng) -> &'static str {
    WORDS[rng.usize(..WORDS.len())]
}

fn words(rng: &mut fastrand::Rng, count: usize) -> String {
    (0..count).map(|_| word(rng)).collect::<Vec<_>>().join(" ")
}

fn object_id(rng: &mut fastrand::Rng) -> String {
    format!("{:024x}", rng.u128(..) >> 32)
}

fn uuid(rng: &mut fastrand::Rng) -> String {
    let hex = format!("{:032x}", rng.u128(..));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1e3)
}

/// Field `name` (`VmRSS`, `VmHWM`) of `/proc/self/status`, in MB (0 without `/proc`).
fn memory_mb(name: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kb.unwrap_or(0) / 1024
}

/// Starts `VmHWM` again from the current resident size (Linux: `5` into `clear_refs`).
fn reset_peak_memory() {
    std::fs::write("/proc/self/clear_refs", "5").ok();
}

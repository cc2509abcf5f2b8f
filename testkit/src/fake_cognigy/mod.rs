//! A stateful fake of the Cognigy.AI REST API for tests, benchmarks and the demo.
//!
//! [`FakeCognigy::start`] generates a deterministic project from a [`ProjectSpec`] and serves it on
//! `127.0.0.1` from its own thread and tokio runtime (so a test may block while it serves); dropping
//! the handle stops it. It answers every read of a project export (project, settings, locales, flows
//! with charts, nodes and intents per locale, flow settings/states/slot fillers, lexicons with paged
//! keyphrases and the CSV export, endpoints, AI agents, extensions, NLU connectors, functions, LLMs,
//! knowledge stores, playbooks, connections), tasks, native snapshots (cap of 10, 409 before packaging
//! ends, placeholder and cut-short downloads), the writes of a restore, and misbehaves on demand:
//! latency, a window rate limit with both `Retry-After` forms, injected statuses, dropped connections
//! and cut-short bodies. Volatile fields (see `volatile`) change on every read.
//!
//! Choices where Cognigy documents nothing: an 11th snapshot (create or upload) is refused with
//! 400 and code 1005, a duplicate snapshot name with 409 and code 1004; download links live at
//! `/downloads/{token}` outside the prefix and need no key; a fault's path filter is matched against
//! the full path, prefix included; a dropped connection is logged with status 0.
//!
//! ```no_run
//! use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
//!
//! let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
//! let url = format!("{}/new/v2.0/flows?projectId={}", fake.base_url(), fake.project_id());
//! // ... GET `url` with the header `X-API-Key: fake.api_key()` ...
//! fake.edit(|project| {
//!     let flow = project.flows[0].id().to_owned();
//!     let node = project.flows[0].nodes[1].id().to_owned();
//!     let locale = project.primary_locale_id().to_owned();
//!     project.set_node_config(&flow, &node, &locale, serde_json::json!({ "say": { "text": ["Hi"] } }));
//! });
//! assert!(fake.requests().iter().all(|r| r.status == 200));
//! ```

mod csv;
mod edit;
mod generate;
mod model;
mod names;
mod options;
mod rng;
mod routes;
mod server;
mod snapshots;
mod spec;
mod tasks;
mod volatile;
mod world;

use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

pub use model::{Flow, Keyphrase, Kind, Lexicon, Localized, Node, Project, id_of, name_of};
pub use options::{ErrorShape, Fault, FaultKind, Options, RateLimit, RetryAfter, TaskFailure, TaskOutcome};
pub use snapshots::MAX_SNAPSHOTS;
pub use spec::ProjectSpec;
pub use world::RequestRecord;

use server::Shared;
use world::World;

/// A running fake server. Stops when dropped.
pub struct FakeCognigy {
    shared: Arc<Shared>,
    project_id: String,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeCognigy {
    /// Generates the project and starts serving it; returns once the port is bound.
    pub fn start(spec: ProjectSpec, options: Options) -> Self {
        let project = generate::project(&spec);
        let project_id = project.id().to_owned();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the fake Cognigy server");
        listener.set_nonblocking(true).expect("make the listener non-blocking");
        let base_url = format!("http://{}", listener.local_addr().expect("the listener has an address"));
        let world = World::new(project, &options);
        let shared = Arc::new(Shared::new(world, options, base_url));
        let (stop, stopped) = oneshot::channel::<()>();
        let app = server::router(shared.clone());
        let thread = std::thread::Builder::new()
            .name("fake-cognigy".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("build the fake Cognigy runtime");
                runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).expect("adopt the listener");
                    tokio::select! {
                        result = axum::serve(listener, app).into_future() => result.expect("serve the fake Cognigy API"),
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_background();
            })
            .expect("spawn the fake Cognigy thread");
        Self {
            shared,
            project_id,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`, without the API prefix.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The API prefix (`/new/v2.0` unless configured).
    pub fn prefix(&self) -> &str {
        &self.shared.options.prefix
    }

    /// The API key the server accepts.
    pub fn api_key(&self) -> &str {
        &self.shared.options.api_key
    }

    /// The id of the served project.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// Changes the live project, as a user would in the UI; answers what `change` answers.
    pub fn edit<R>(&self, change: impl FnOnce(&mut Project) -> R) -> R {
        change(&mut self.shared.world().project)
    }

    /// A copy of the live project.
    pub fn project(&self) -> Project {
        self.shared.world().project.clone()
    }

    /// Every request so far, in the order answered.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.world().log.clone()
    }

    /// Forgets the requests so far.
    pub fn reset_log(&self) {
        self.shared.world().log.clear();
    }

    /// Adds a fault to the plan (after the configured ones).
    pub fn add_fault(&self, fault: Fault) {
        self.shared.world().faults.push(fault);
    }

    /// Creates a snapshot of the current state at once, as someone else would (not packaged); answers its id.
    pub fn seed_snapshot(&self, name: &str) -> String {
        self.shared
            .world()
            .add_snapshot(name.to_owned(), "Made outside the backup tool".to_owned())
    }

    /// Names of the project's snapshots, oldest first.
    pub fn snapshot_names(&self) -> Vec<String> {
        self.shared.world().snapshots.iter().map(|s| s.name.clone()).collect()
    }

    /// The `.csnap` bytes of the live project as a snapshot taken now would hold them.
    pub fn snapshot_bytes_now(&self) -> Vec<u8> {
        snapshots::encode(&self.shared.world().project)
    }
}

impl Drop for FakeCognigy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The generated project for `spec`, without a server (to compare with what an export wrote).
pub fn generate_project(spec: &ProjectSpec) -> Project {
    generate::project(spec)
}

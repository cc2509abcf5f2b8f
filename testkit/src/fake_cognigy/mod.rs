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
//! and cut-short bodies, slow answers, slowly trickling bodies and native restores that leave a flow out. Volatile fields (see `volatile`) change on every read.
//! Every change (a write over HTTP as the key's user, a test's edit as the user it names with
//! [`FakeCognigy::as_user`]) leaves an event in the project's audit trail (see `audit`), which
//! expires by the fake's clock ([`FakeCognigy::advance_clock`]).
//!
//! Like a Cognigy organisation it can host several projects behind one key
//! ([`FakeCognigy::add_project`]): a route scoped by `projectId` acts on that project, a route naming
//! a resource by id on whichever project holds it; each project has its own snapshots and its own
//! cap, and a restore replaces the state of the project the snapshot belongs to (where it was
//! created or uploaded). The request log, faults, rate limit and tasks are the server's. The
//! single-project accessors ([`FakeCognigy::project`], [`FakeCognigy::edit`], ...) act on the
//! project the server started with.
//!
//! Choices where Cognigy documents nothing: an 11th snapshot (create or upload) is refused with
//! 400 and code 1005, a duplicate snapshot name with 409 and code 1004; download links live at
//! `/downloads/{token}` outside the prefix and need no key; a fault's path filter is matched against
//! the full path, prefix included; a dropped connection is logged with status 0; a package restored
//! in another project than the one it was captured in gets new ids for what that project still
//! holds (references follow, `referenceId`s stay), and a restore never rewinds the project's source
//! of new ids.
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

mod audit;
mod csv;
mod edit;
mod generate;
mod hosted;
mod ids;
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

pub use audit::{API_KEY_USER, EDITOR};
pub use model::{Flow, Keyphrase, Kind, KnowledgeSource, Lexicon, Localized, Node, Project, id_of, name_of};
pub use options::{ErrorShape, Fault, FaultKind, Feature, Options, RateLimit, RetryAfter, TaskFailure, TaskOutcome};
pub use snapshots::MAX_SNAPSHOTS;
pub use spec::ProjectSpec;
pub use world::RequestRecord;

use hosted::Hosted;
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

    /// The id of the project the server started with, the one the single-project accessors act on.
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// Hosts one more project, generated from `spec` as the first one was, on the same server and
    /// key, with its own resources and snapshots; answers its id. Ids are never shared between
    /// projects: a spec whose seed would give ids a hosted project holds moves on to the next seed.
    pub fn add_project(&self, spec: ProjectSpec) -> String {
        let mut world = self.shared.world();
        let project = generate::project_among(&spec, &world.ids_outside(None));
        let id = project.id().to_owned();
        world.projects.push(Hosted::new(project));
        id
    }

    /// Changes the live first project, as a user would in the UI; answers what `change` answers.
    /// What changed is recorded in the audit trail as done by [`EDITOR`] (see [`FakeCognigy::as_user`]).
    pub fn edit<R>(&self, change: impl FnOnce(&mut Project) -> R) -> R {
        self.as_user(EDITOR).edit(change)
    }

    /// Changes the live project `project_id` (see [`FakeCognigy::edit`]).
    pub fn edit_project<R>(&self, project_id: &str, change: impl FnOnce(&mut Project) -> R) -> R {
        self.as_user(EDITOR).edit_project(project_id, change)
    }

    /// The edits of user `user` (an e-mail), for the audit trail: `fake.as_user("ann@example.com").edit(...)`.
    pub fn as_user<'a>(&'a self, user: &str) -> Editor<'a> {
        Editor {
            fake: self,
            user: user.to_owned(),
        }
    }

    /// Moves the fake's clock (which the audit trail runs on) `by` ahead.
    pub fn advance_clock(&self, by: std::time::Duration) {
        self.shared.world().recorder.offset_ms += by.as_millis() as i64;
    }

    /// Sets the fake's clock to `at`, from where it runs on: a simulated clock (the action's
    /// `COGNIGY_BACKUP_NOW`) and the audit trail's then agree. Events recorded after a set to an
    /// earlier time still come after the ones before (each at least 1 ms after the last).
    pub fn set_clock(&self, at: time::OffsetDateTime) {
        let at_ms = u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        self.shared.world().recorder.set_ms(at_ms);
    }

    /// Now by the fake's clock.
    pub fn now(&self) -> std::time::SystemTime {
        std::time::UNIX_EPOCH + std::time::Duration::from_millis(self.shared.world().recorder.now_ms())
    }

    /// Puts `item` as it is (any JSON, well-formed event or not) into the audit trail of project
    /// `project_id`, as its newest event: what a server answering garbage would list.
    pub fn add_raw_audit_item(&self, project_id: &str, item: serde_json::Value) {
        let mut world = self.shared.world();
        let at_ms = world.recorder.next_ms();
        hosted(&mut world, project_id)
            .audit
            .push(audit::Recorded { at_ms, json: item });
    }

    /// A copy of the live first project.
    pub fn project(&self) -> Project {
        self.project_by_id(&self.project_id)
    }

    /// A copy of the live project `project_id`.
    pub fn project_by_id(&self, project_id: &str) -> Project {
        hosted(&mut self.shared.world(), project_id).project.clone()
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

    /// Creates a snapshot of the first project's current state at once, as someone else would (not
    /// packaged); answers its id.
    pub fn seed_snapshot(&self, name: &str) -> String {
        self.seed_snapshot_in(&self.project_id, name)
    }

    /// [`FakeCognigy::seed_snapshot`] in project `project_id` (by [`EDITOR`], in the audit trail).
    pub fn seed_snapshot_in(&self, project_id: &str, name: &str) -> String {
        let mut world = self.shared.world();
        let made = world.add_snapshot(project_id, name.to_owned(), "Made outside the backup tool".to_owned());
        let id = made.unwrap_or_else(|| panic!("no project {project_id}"));
        let change = audit::Change::new(audit::Op::Action("createSnapshot"), [("snapshot", id.as_str())]);
        world.audit(project_id, EDITOR, &change);
        id
    }

    /// Names of the first project's snapshots, oldest first.
    pub fn snapshot_names(&self) -> Vec<String> {
        self.snapshot_names_of(&self.project_id)
    }

    /// Names of the snapshots of project `project_id`, oldest first.
    pub fn snapshot_names_of(&self, project_id: &str) -> Vec<String> {
        let mut world = self.shared.world();
        hosted(&mut world, project_id)
            .snapshots
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// The `.csnap` bytes of the live first project as a snapshot taken now would hold them.
    pub fn snapshot_bytes_now(&self) -> Vec<u8> {
        self.snapshot_bytes_now_of(&self.project_id)
    }

    /// The `.csnap` bytes of the live project `project_id` as a snapshot taken now would hold them.
    pub fn snapshot_bytes_now_of(&self, project_id: &str) -> Vec<u8> {
        snapshots::encode(&hosted(&mut self.shared.world(), project_id).project)
    }
}

/// Edits recorded in the audit trail as made by one user (see [`FakeCognigy::as_user`]).
pub struct Editor<'a> {
    fake: &'a FakeCognigy,
    user: String,
}

impl Editor<'_> {
    /// [`FakeCognigy::edit`] by this user.
    pub fn edit<R>(&self, change: impl FnOnce(&mut Project) -> R) -> R {
        self.edit_project(&self.fake.project_id, change)
    }

    /// [`FakeCognigy::edit_project`] by this user: every change between before and after becomes an event.
    pub fn edit_project<R>(&self, project_id: &str, change: impl FnOnce(&mut Project) -> R) -> R {
        let mut world = self.fake.shared.world();
        let project = &mut hosted(&mut world, project_id).project;
        let before = project.clone();
        let answer = change(project);
        for change in audit::diff::changes(&before, project) {
            world.audit(project_id, &self.user, &change);
        }
        answer
    }
}

/// The hosted project `project_id`: a test naming a project the server does not host is broken.
fn hosted<'a>(world: &'a mut World, project_id: &str) -> &'a mut Hosted {
    world
        .hosted_mut(project_id)
        .unwrap_or_else(|| panic!("no project {project_id}"))
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

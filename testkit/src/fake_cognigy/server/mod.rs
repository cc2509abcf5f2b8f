//! The HTTP side: shared state, the router (API under the prefix, download links at the root, 404
//! elsewhere) and the middleware stack, outermost first: record -> latency -> rate limit -> faults ->
//! key and body guard -> features switched off -> routes.

pub mod body;
pub mod errors;
pub mod list;
mod middleware;
pub mod multipart;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::middleware::from_fn_with_state;

use super::options::Options;
use super::routes;
use super::world::World;

/// State shared by every request.
pub struct Shared {
    world: Mutex<World>,
    pub options: Options,
    /// `http://127.0.0.1:PORT`, for download links.
    pub base_url: String,
    ticks: AtomicU64,
}

/// The per-request counter value volatile fields are derived from (see `volatile`).
#[derive(Debug, Clone, Copy)]
pub struct Tick(pub u64);

impl Shared {
    pub fn new(world: World, options: Options, base_url: String) -> Self {
        Self {
            world: Mutex::new(world),
            options,
            base_url,
            ticks: AtomicU64::new(0),
        }
    }

    /// The world, even after a panicking edit poisoned the lock.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn next_tick(&self) -> Tick {
        Tick(self.ticks.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// The absolute URL of a download token.
    pub fn download_link(&self, token: &str) -> String {
        format!("{}{}{token}", self.base_url, routes::DOWNLOADS)
    }
}

/// The whole application.
pub fn router(shared: Arc<Shared>) -> Router {
    let prefix = shared.options.prefix.trim_end_matches('/');
    let api = routes::api();
    let app = if prefix.is_empty() {
        Router::new().merge(api)
    } else {
        Router::new().nest(prefix, api)
    };
    routes::root(app)
        .layer(from_fn_with_state(shared.clone(), middleware::features))
        .layer(from_fn_with_state(shared.clone(), middleware::guard))
        .layer(from_fn_with_state(shared.clone(), middleware::faults))
        .layer(from_fn_with_state(shared.clone(), middleware::rate_limit))
        .layer(from_fn_with_state(shared.clone(), middleware::latency))
        .layer(from_fn_with_state(shared.clone(), middleware::record))
        .with_state(shared)
}

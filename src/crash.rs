//! A panic, wherever it happens (on any thread), ends the run as a failure the user can read (an
//! `::error` annotation, a step summary, exit status 1), never as Rust's exit status 101 or an
//! abort. The shipped binary is built with `panic = "abort"` (Cargo.toml's `dist` profile: no
//! unwinding code keeps the image under its size bound), so nothing can catch a panic: the panic
//! hook itself reports it, through the report [`guard`] registered for the run, and exits. Builds
//! that unwind (tests, examples) take the same path, so they see what users see.
//!
//! The hook prints the panic on one line, since it may quote what a server sent and the runner
//! reads commands from stderr as well.

use std::panic;
use std::sync::{Mutex, Once};

use crate::action::config::LogFormat;
use crate::escape;

/// What reports a panic of the run being guarded, answering the exit status; `None` outside one.
type Report = Box<dyn Fn(&str) -> u8 + Send>;
static REPORT: Mutex<Option<Report>> = Mutex::new(None);

/// Runs `run` with `report` as what a panic in it (or in any thread while it runs) does: `report`
/// gets the panic's message and place, and the process exits with the status it answers. One
/// guarded run at a time per process (a later guard replaces the report until it ends).
pub fn guard<T>(report: impl Fn(&str) -> u8 + Send + 'static, run: impl FnOnce() -> T) -> T {
    install_hook();
    *REPORT.lock().unwrap_or_else(|e| e.into_inner()) = Some(Box::new(report));
    let result = run();
    *REPORT.lock().unwrap_or_else(|e| e.into_inner()) = None;
    result
}

fn install_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map(|l| format!(" (at {}:{})", l.file(), l.line()))
                .unwrap_or_default();
            let text = format!("{}{place}", message_of(info.payload()));
            // `try_lock`: a panic while the report is being set must not wait for itself.
            let report = REPORT.try_lock().ok().and_then(|mut report| report.take());
            let Some(report) = report else {
                return default(info);
            };
            let line = escape::log::event(&format!("cognigy-backup: internal error: {text}"), LogFormat::Text);
            eprint!("{}", crate::secrets::redact(&line));
            std::process::exit(i32::from(report(&text)));
        }));
    });
}

/// The text a panic was raised with (`panic!("...")`, `expect`, `unreachable!`).
fn message_of(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

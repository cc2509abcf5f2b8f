//! A panic, wherever it happens, ends the run as a failure the user can read (an `::error`
//! annotation, a step summary, exit status 1), never as Rust's exit status 101. [`catch`] runs the
//! program and turns a panic into its message; the panic hook keeps that message and place for it
//! instead of printing Rust's report, and prints it on one line, since it may quote what a server
//! sent and the runner reads commands from stderr as well.

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, Once};

use crate::action::config::LogFormat;
use crate::escape;

/// The message and place of the latest panic, as the hook recorded it.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs `run`; a panic in it (or in a thread it joins) becomes `Err` with the panic's message.
pub fn catch<T>(run: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    panic::catch_unwind(AssertUnwindSafe(run)).map_err(|payload| {
        let recorded = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take();
        recorded.unwrap_or_else(|| message_of(payload.as_ref()))
    })
}

fn install_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        panic::set_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!(" (at {}:{})", l.file(), l.line()))
                .unwrap_or_default();
            let text = format!("{}{place}", message_of(info.payload()));
            let line = escape::log::event(&format!("cognigy-backup: internal error: {text}"), LogFormat::Text);
            eprint!("{}", crate::secrets::redact(&line));
            *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = Some(text);
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

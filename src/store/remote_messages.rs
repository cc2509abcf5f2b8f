//! What the remote says while it sends a pack: git's side-band messages (what the git CLI prints
//! as `remote: ...`), kept to explain a fetch that fails. A remote whose repository lacks an object
//! says so there (`fatal: unable to read <id>`) and nowhere else: the pack stream just ends.
//!
//! gix reads those lines as progress and keeps only the word before the first colon, so
//! [`Listening`] wraps the transport and hears each line first, exactly as the remote sent it.

use std::any::Any;
use std::borrow::Cow;
use std::io;
use std::sync::{Arc, Mutex};

use gix::bstr::BStr;
use gix::protocol::transport::client::blocking_io::{
    ExtendedBufRead, HandleProgress, ReadlineBufRead, RequestWriter, SetServiceResponse, Transport,
};
use gix::protocol::transport::client::{Error, MessageKind, TransportWithoutIO, WriteMode};
use gix::protocol::transport::{Protocol, Service, packetline::PacketLineRef};

/// How git starts a message that reports a failure (`die`, `error`, `warning`); everything else
/// on the progress channel is a progress report.
const FAILURE_PREFIXES: [&str; 3] = ["fatal:", "error:", "warning:"];

/// The messages heard so far, shared by the transport and the fetch that reads them.
#[derive(Clone, Default)]
pub(crate) struct Heard(Arc<Mutex<Channels>>);

/// What the side-band channels sent. The progress channel is kept as one text: git relays the
/// remote's stderr in packets cut anywhere (a message may span two), and gix drops the newline
/// that ends a packet, so packet ends say nothing.
#[derive(Default)]
struct Channels {
    progress: String,
    errors: Vec<String>,
}

impl Heard {
    /// What the remote said about failures, joined with `; `; `None` when it said nothing.
    pub(crate) fn said(&self) -> Option<String> {
        let channels = self.0.lock().ok()?;
        let mut said = failures_in(&channels.progress);
        said.extend(channels.errors.iter().cloned());
        (!said.is_empty()).then(|| said.join("; "))
    }

    fn record(&self, is_error: bool, data: &[u8]) {
        let text = String::from_utf8_lossy(data);
        if let Ok(mut channels) = self.0.lock() {
            match is_error {
                false => channels.progress.push_str(&text),
                true if !text.trim().is_empty() => channels.errors.push(text.trim().to_owned()),
                true => {}
            }
        }
    }
}

/// The failure messages in the progress channel's `text`: each from a failure prefix to the end
/// of its line or the next failure prefix.
fn failures_in(text: &str) -> Vec<String> {
    let starts = |at: usize| FAILURE_PREFIXES.iter().any(|p| text[at..].starts_with(p));
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = (at..text.len()).find(|&i| text.is_char_boundary(i) && starts(i)) {
        let rest = &text[start..];
        let mut end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        if let Some(next) = (1..end).find(|&i| rest.is_char_boundary(i) && starts(start + i)) {
            end = next;
        }
        found.push(rest[..end].trim().to_owned());
        at = start + end.max(1);
    }
    found
}

/// A transport that hears the side-band messages of every response before gix reads them.
pub(crate) struct Listening<T> {
    inner: T,
    heard: Heard,
}

impl<T> Listening<T> {
    pub(crate) fn new(inner: T, heard: Heard) -> Self {
        Listening { inner, heard }
    }
}

impl<T: TransportWithoutIO> TransportWithoutIO for Listening<T> {
    fn set_identity(&mut self, identity: gix::sec::identity::Account) -> Result<(), Error> {
        self.inner.set_identity(identity)
    }

    fn to_url(&self) -> Cow<'_, BStr> {
        self.inner.to_url()
    }

    fn supported_protocol_versions(&self) -> &[Protocol] {
        self.inner.supported_protocol_versions()
    }

    fn connection_persists_across_multiple_requests(&self) -> bool {
        self.inner.connection_persists_across_multiple_requests()
    }

    fn configure(&mut self, config: &dyn Any) -> gix::error::Result {
        self.inner.configure(config)
    }
}

impl<T: Transport> Transport for Listening<T> {
    fn handshake<'a>(
        &mut self,
        service: Service,
        extra_parameters: &'a [(&'a str, Option<&'a str>)],
    ) -> Result<SetServiceResponse<'_>, Error> {
        self.inner.handshake(service, extra_parameters)
    }

    fn request(
        &mut self,
        write_mode: WriteMode,
        on_into_read: MessageKind,
        trace: bool,
    ) -> Result<RequestWriter<'_>, Error> {
        let heard = self.heard.clone();
        let (writer, reader) = self.inner.request(write_mode, on_into_read, trace)?.into_parts();
        let reader = Box::new(Listener { inner: reader, heard });
        Ok(RequestWriter::new_from_bufread(
            writer,
            reader,
            write_mode,
            on_into_read,
            trace,
        ))
    }
}

/// A response reader that hands every side-band message to [`Heard`], then to gix's handler.
struct Listener<'a> {
    inner: Box<dyn ExtendedBufRead<'a> + Unpin + 'a>,
    heard: Heard,
}

impl<'a> ExtendedBufRead<'a> for Listener<'a> {
    fn set_progress_handler(&mut self, handle_progress: Option<HandleProgress<'a>>) {
        let heard = self.heard.clone();
        let mut handle = handle_progress;
        self.inner.set_progress_handler(Some(Box::new(move |is_error, data| {
            heard.record(is_error, data);
            match handle.as_mut() {
                Some(handle) => handle(is_error, data),
                None => std::ops::ControlFlow::Continue(()),
            }
        })));
    }

    fn peek_data_line(&mut self) -> Option<io::Result<Result<&[u8], Error>>> {
        self.inner.peek_data_line()
    }

    fn reset(&mut self, version: Protocol) {
        self.inner.reset(version);
    }

    fn stopped_at(&self) -> Option<MessageKind> {
        self.inner.stopped_at()
    }
}

impl ReadlineBufRead for Listener<'_> {
    fn readline(&mut self) -> Option<io::Result<gix::error::Result<PacketLineRef<'_>>>> {
        self.inner.readline()
    }

    fn readline_str(&mut self, line: &mut String) -> io::Result<usize> {
        self.inner.readline_str(line)
    }
}

impl io::Read for Listener<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf)
    }
}

impl io::BufRead for Listener<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        self.inner.consume(amount);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(packets: &[(bool, &str)]) -> Option<String> {
        let heard = Heard::default();
        for (is_error, text) in packets {
            heard.record(*is_error, text.as_bytes());
        }
        heard.said()
    }

    #[test]
    fn failures_are_found_however_git_cut_the_packets() {
        let id = "f27ed315ba8246108af27d3a9894aba5bc781c1b";
        let fatal = format!("fatal: unable to read {id}");
        let abort = "aborting due to possible repository corruption on the remote side.";
        let both = Some(format!("{fatal}; {abort}"));
        let cut_in_the_prefix = format!(": unable to read {id}");
        let run_together = format!("Counting objects: 100% (3/3), done.{fatal}");
        type Case<'a> = (&'a str, Vec<(bool, &'a str)>, Option<String>);
        let cases: Vec<Case> = vec![
            (
                "a packet each (gix drops the newline at a packet's end)",
                vec![
                    (false, "Counting objects: 100% (3/3), done."),
                    (false, &fatal),
                    (true, abort),
                ],
                both.clone(),
            ),
            (
                "the message cut in its prefix",
                vec![
                    (
                        false,
                        "Counting objects: 100% (3/3)\rCounting objects: 100% (3/3), done.\nfatal",
                    ),
                    (false, &cut_in_the_prefix),
                    (true, abort),
                ],
                both.clone(),
            ),
            (
                "progress and the message in one packet without a newline between",
                vec![(false, &run_together), (true, abort)],
                both.clone(),
            ),
            (
                "two messages run together",
                vec![(false, "error: one thing"), (false, "fatal: another\n")],
                Some("error: one thing; fatal: another".to_owned()),
            ),
            (
                "progress only",
                vec![(false, "Enumerating objects: 3, done."), (false, "Total 3 (delta 0)")],
                None,
            ),
        ];
        for (name, packets, expected) in cases {
            assert_eq!(said(&packets), expected, "{name}");
        }
    }
}

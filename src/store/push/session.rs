//! One conversation with `git-receive-pack`: the handshake, then the commands, the pack and the report.
//!
//! Plumbing only: it sends what it is given and tells what the server answered; deciding what to
//! send and what an answer means is [`super`]'s job.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use gix::ObjectId;
use gix::protocol::handshake::Ref;
use gix::protocol::transport::Service;
use gix::protocol::transport::client::blocking_io::{ExtendedBufRead, Transport};
use gix::protocol::transport::client::{Capabilities, MessageKind, WriteMode};
use gix::protocol::transport::packetline::{PacketLineRef, blocking_io::StreamingPeekableIter};

use super::RefUpdate;
use crate::store::advertisement::Symrefless;
use crate::store::{Error, Remote, RemoteRefs};

/// An open receive-pack conversation, after the handshake.
pub(super) struct Session {
    transport: Symrefless<Box<dyn Transport + Send>>,
    remote: String,
    /// The refs the server has right now.
    pub advertised: RemoteRefs,
    capabilities: Capabilities,
}

/// What the server answered to a push.
#[derive(Debug)]
pub(super) struct Report {
    /// `Err` with the server's reason when the pack was not unpacked.
    pub unpack: Result<(), String>,
    /// Each ref's outcome: `Err` holds the reason of an `ng`.
    pub refs: Vec<(String, Result<(), String>)>,
    /// The server's messages (side-band 2 and 3): the details of a refusal.
    pub messages: String,
}

impl Session {
    /// Connects to `remote`'s receive-pack and reads its refs and capabilities.
    pub fn open(remote: &Remote) -> Result<Session, Error> {
        let shown = remote.display();
        let mut transport = remote.transport("push to")?;
        let handshake = gix::protocol::handshake(
            &mut transport,
            Service::ReceivePack,
            |_| Ok(None),
            Vec::new(),
            &mut gix::progress::Discard,
        )
        .map_err(|err| Error::remote("push to", &shown, &err))?;
        let advertised = RemoteRefs(
            handshake
                .refs
                .unwrap_or_default()
                .into_iter()
                .filter_map(|r| match r {
                    Ref::Direct { full_ref_name, object }
                    | Ref::Peeled {
                        full_ref_name,
                        tag: object,
                        ..
                    } => Some((full_ref_name.to_string(), object)),
                    _ => None,
                })
                .filter(|(name, _)| name.starts_with("refs/"))
                .collect(),
        );
        Ok(Session {
            transport,
            remote: shown,
            advertised,
            capabilities: handshake.capabilities,
        })
    }

    /// Whether the server offers `capability`.
    pub fn offers(&self, capability: &str) -> bool {
        self.capabilities.contains(capability)
    }

    /// Sends `updates` (atomically if `atomic`), then the pack `write_pack` writes (none when every
    /// update is a delete), and reads the server's report. Returns the report and the bytes sent.
    pub fn send(
        mut self,
        updates: &[RefUpdate],
        atomic: bool,
        write_pack: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
    ) -> Result<(Report, u64), Error> {
        let io_failed = |err: std::io::Error| Error::io("push to", &self.remote, err);
        let side_band = self.offers("side-band-64k");
        let mut capabilities = vec!["report-status", "quiet", "object-format=sha1", "agent=cognigy-backup"];
        capabilities.extend(side_band.then_some("side-band-64k"));
        capabilities.extend(atomic.then_some("atomic"));

        let mut writer = self
            .transport
            .request(WriteMode::Binary, MessageKind::Flush, false)
            .map_err(|err| Error::io("push to", &self.remote, err))?;
        let mut sent = 0u64;
        for (index, update) in updates.iter().enumerate() {
            let hex = |id: Option<ObjectId>| id.unwrap_or_else(|| ObjectId::null(gix::hash::Kind::Sha1)).to_string();
            let mut line = format!("{} {} {}", hex(update.old), hex(update.new), update.name);
            if index == 0 {
                line = format!("{line}\0{}", capabilities.join(" "));
            }
            line.push('\n');
            writer.write_all(line.as_bytes()).map_err(io_failed)?;
            sent += line.len() as u64 + 4;
        }
        writer.write_message(MessageKind::Flush).map_err(io_failed)?;
        sent += 4;
        let (raw, mut reader) = writer.into_parts();
        let mut raw = Counting {
            inner: raw,
            count: 0,
            broken: None,
        };
        if updates.iter().any(|u| u.new.is_some()) {
            // A pack that could not be sent is the connection's failure, not the store's.
            write_pack(&mut raw).map_err(|err| raw.broken.take().map_or(err, io_failed))?;
        }
        raw.flush().map_err(io_failed)?;
        sent += raw.count;
        // The request must end before the reply can be read.
        drop(raw);
        let report = read_report(&mut *reader, side_band).map_err(io_failed)?;
        Ok((report, sent))
    }
}

/// Reads `unpack …` and the `ok`/`ng` lines, unwrapping side-band 1 first if it is on.
fn read_report<'a>(reader: &mut (dyn ExtendedBufRead<'a> + Unpin + 'a), side_band: bool) -> std::io::Result<Report> {
    let messages = Rc::new(RefCell::new(Vec::new()));
    let lines = if side_band {
        let collected = messages.clone();
        reader.set_progress_handler(Some(Box::new(move |_is_error, text: &[u8]| {
            collected.borrow_mut().extend_from_slice(text);
            collected.borrow_mut().push(b'\n');
            std::ops::ControlFlow::Continue(())
        })));
        let mut inner = Vec::new();
        reader.read_to_end(&mut inner)?;
        let mut stream = StreamingPeekableIter::new(&inner[..], &[PacketLineRef::Flush], false);
        let mut lines = Vec::new();
        while take_line(stream.read_line(), &mut lines)? {}
        lines
    } else {
        let mut lines = Vec::new();
        while take_line(reader.readline(), &mut lines)? {}
        lines
    };
    let mut report = Report {
        unpack: Err("no unpack status reported".into()),
        refs: Vec::new(),
        messages: String::from_utf8_lossy(&messages.borrow()).trim().to_owned(),
    };
    for line in lines {
        let line = line.trim_end();
        if let Some(status) = line.strip_prefix("unpack ") {
            report.unpack = if status == "ok" { Ok(()) } else { Err(status.to_owned()) };
        } else if let Some(name) = line.strip_prefix("ok ") {
            report.refs.push((name.to_owned(), Ok(())));
        } else if let Some(rest) = line.strip_prefix("ng ") {
            let (name, reason) = rest.split_once(' ').unwrap_or((rest, "no reason given"));
            report.refs.push((name.to_owned(), Err(reason.to_owned())));
        }
    }
    Ok(report)
}

/// Adds the data of `line` to `lines`; `false` at a flush or the end.
fn take_line<E: std::error::Error + Send + Sync + 'static>(
    line: Option<std::io::Result<Result<PacketLineRef<'_>, E>>>,
    lines: &mut Vec<String>,
) -> std::io::Result<bool> {
    let Some(line) = line else { return Ok(false) };
    if let Some(data) = line?.map_err(std::io::Error::other)?.as_slice() {
        lines.push(String::from_utf8_lossy(data).into_owned());
    }
    Ok(true)
}

/// A writer that counts the bytes through it and keeps its first failure.
struct Counting<W> {
    inner: W,
    count: u64,
    broken: Option<std::io::Error>,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.inner.write(buf) {
            Ok(n) => {
                self.count += n as u64;
                Ok(n)
            }
            Err(err) => {
                let copy = std::io::Error::new(err.kind(), err.to_string());
                self.broken.get_or_insert(err);
                Err(copy)
            }
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use gix::protocol::transport::client::blocking_io::HandleProgress;
    use proptest::prelude::*;

    use super::*;

    /// The report `reply` gives, read as a push reads the server's reply.
    fn report_of(reply: &[u8], side_band: bool) -> std::io::Result<Report> {
        let mut packets = StreamingPeekableIter::new(reply, &[PacketLineRef::Flush], false);
        let mut reader = packets.as_read_without_sidebands::<HandleProgress<'_>>();
        read_report(&mut reader, side_band)
    }

    /// `data` as one pkt-line.
    fn pkt(data: &[u8]) -> Vec<u8> {
        let mut line = format!("{:04x}", data.len() + 4).into_bytes();
        line.extend_from_slice(data);
        line
    }

    /// A reply of `lines` and a flush; with side-band, inside band 1, with a message in band 2.
    fn reply(lines: &[&str], side_band: bool) -> Vec<u8> {
        let mut report: Vec<u8> = lines.iter().flat_map(|l| pkt(l.as_bytes())).collect();
        report.extend_from_slice(b"0000");
        if !side_band {
            return report;
        }
        let mut out = pkt(b"\x02remote: checking\n");
        for chunk in report.chunks(7) {
            out.extend(pkt(&[&[1u8][..], chunk].concat()));
        }
        out.extend_from_slice(b"0000");
        out
    }

    #[test]
    fn a_report_is_read_with_and_without_side_band() {
        for side_band in [false, true] {
            let report = report_of(
                &reply(
                    &["unpack ok\n", "ok refs/heads/a\n", "ng refs/tags/b stale info\n"],
                    side_band,
                ),
                side_band,
            )
            .unwrap();
            assert_eq!(report.unpack, Ok(()));
            assert_eq!(
                report.refs,
                [
                    ("refs/heads/a".to_owned(), Ok(())),
                    ("refs/tags/b".to_owned(), Err("stale info".to_owned()))
                ]
            );
            assert_eq!(report.messages.contains("checking"), side_band);
        }
    }

    proptest! {
        #[test]
        fn any_reply_is_read_or_refused_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300), side_band: bool) {
            let _ = report_of(&bytes, side_band);
        }

        #[test]
        fn any_report_lines_in_pkt_lines_are_read_without_a_panic(
            lines in proptest::collection::vec("(unpack |ok |ng )?[ -~\u{80}-\u{10ffff}]{1,40}\n?", 0..8),
            side_band: bool,
        ) {
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            let report = report_of(&reply(&lines, side_band), side_band);
            prop_assert!(report.is_ok(), "{report:?}");
        }
    }
}

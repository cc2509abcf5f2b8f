//! The capabilities a remote advertises, made safe for gix. A protocol v1 advertisement may name a
//! symbolic ref in its capabilities (`symref=HEAD:refs/heads/main`) whose ref it does not list, as
//! dulwich does for an empty repository or a HEAD whose branch does not exist; gix-protocol 0.68
//! then reaches `unreachable!` and the process panics. The store never asks for HEAD or any other
//! symbolic ref, so [`Symrefless`] hands gix every v1 advertisement without its `symref`s.

use std::any::Any;
use std::borrow::Cow;

use gix::bstr::BStr;
use gix::protocol::transport::client::blocking_io::{RequestWriter, SetServiceResponse, Transport};
use gix::protocol::transport::client::{Capabilities, Error, MessageKind, TransportWithoutIO, WriteMode};
use gix::protocol::transport::{Protocol, Service};

/// A transport whose protocol v0/v1 handshakes carry no `symref` capability.
pub(crate) struct Symrefless<T>(pub T);

impl<T: TransportWithoutIO> TransportWithoutIO for Symrefless<T> {
    fn set_identity(&mut self, identity: gix::sec::identity::Account) -> Result<(), Error> {
        self.0.set_identity(identity)
    }

    fn to_url(&self) -> Cow<'_, BStr> {
        self.0.to_url()
    }

    fn supported_protocol_versions(&self) -> &[Protocol] {
        self.0.supported_protocol_versions()
    }

    fn connection_persists_across_multiple_requests(&self) -> bool {
        self.0.connection_persists_across_multiple_requests()
    }

    fn configure(&mut self, config: &dyn Any) -> gix::error::Result {
        self.0.configure(config)
    }
}

impl<T: Transport> Transport for Symrefless<T> {
    fn handshake<'a>(
        &mut self,
        service: Service,
        extra_parameters: &'a [(&'a str, Option<&'a str>)],
    ) -> Result<SetServiceResponse<'_>, Error> {
        let mut response = self.0.handshake(service, extra_parameters)?;
        if response.actual_protocol != Protocol::V2 {
            response.capabilities = without_symrefs(&response.capabilities);
        }
        Ok(response)
    }

    fn request(
        &mut self,
        write_mode: WriteMode,
        on_into_read: MessageKind,
        trace: bool,
    ) -> Result<RequestWriter<'_>, Error> {
        self.0.request(write_mode, on_into_read, trace)
    }
}

/// `capabilities` (of a v0/v1 advertisement) without any `symref=...`.
fn without_symrefs(capabilities: &Capabilities) -> Capabilities {
    let mut line = vec![0u8];
    for capability in capabilities.iter().filter(|c| c.name() != "symref") {
        if line.len() > 1 {
            line.push(b' ');
        }
        line.extend_from_slice(capability.name());
        if let Some(value) = capability.value() {
            line.push(b'=');
            line.extend_from_slice(value);
        }
    }
    if line.len() == 1 {
        // Nothing but symrefs: one empty capability, which offers nothing.
        line.push(b' ');
    }
    Capabilities::from_bytes(&line).map_or_else(|_| capabilities.clone(), |(kept, _)| kept)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn any_capability_line_loses_its_symrefs_without_a_panic(line in proptest::collection::vec(any::<u8>(), 0..200)) {
            if let Ok((advertised, _)) = Capabilities::from_bytes(&line) {
                prop_assert!(!without_symrefs(&advertised).contains("symref"));
            }
        }
    }

    fn names(capabilities: &Capabilities) -> Vec<String> {
        capabilities.iter().map(|c| c.name().to_string()).collect()
    }

    #[test]
    fn symrefs_are_dropped_and_every_other_capability_kept() {
        let (advertised, _) = Capabilities::from_bytes(
            b"\0report-status delete-refs symref=HEAD:refs/heads/main atomic object-format=sha1 agent=dulwich/1.2",
        )
        .unwrap();
        let kept = without_symrefs(&advertised);
        assert_eq!(
            names(&kept),
            ["report-status", "delete-refs", "atomic", "object-format", "agent"]
        );
        assert_eq!(
            kept.capability("agent").and_then(|c| c.value()).map(|v| v.to_string()),
            Some("dulwich/1.2".into())
        );
        let (only, _) = Capabilities::from_bytes(b"\0symref=HEAD:refs/heads/main").unwrap();
        assert!(!without_symrefs(&only).contains("symref"));
    }
}

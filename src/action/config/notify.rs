//! Where notifications go and when (`webhook-url`, `notify-on`), and the log format.

use reqwest::Url;

use super::validator::Validator;
use crate::secrets::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotifyOn {
    Failure,
    Change,
    Always,
    Never,
}

/// Where notifications go and when.
#[derive(Debug, Clone)]
pub struct Notify {
    pub webhook: Option<Secret>,
    pub on: NotifyOn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

impl Validator<'_> {
    pub(super) fn notify(&mut self) -> Option<Notify> {
        let webhook = match self.value("webhook-url") {
            None => Some(None),
            Some(url) => match Url::parse(url) {
                Ok(parsed) if matches!(parsed.scheme(), "https" | "http") && parsed.host().is_some() => {
                    let url = url.to_owned();
                    self.encrypted("webhook-url", parsed).map(|_| Some(Secret::new(url)))
                }
                _ => self.fail(
                    "webhook-url",
                    "accepted: the https:// URL of a Slack- or Discord-compatible incoming webhook",
                ),
            },
        };
        let on = self.choice(
            "notify-on",
            "failure",
            &[
                ("failure", NotifyOn::Failure),
                ("change", NotifyOn::Change),
                ("always", NotifyOn::Always),
                ("never", NotifyOn::Never),
            ],
        );
        Some(Notify {
            webhook: webhook?,
            on: on?,
        })
    }
}

//! Where notifications go, when and in which format (`webhook-url`, `notify-on`,
//! `webhook-format`, `stale-after-days`), and the log format.

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

/// The message format a webhook takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// Slack Block Kit (also what Mattermost and Rocket.Chat take).
    Slack,
    /// A Discord embed.
    Discord,
    /// An Adaptive Card, as a Teams Workflows webhook takes it.
    Teams,
    /// The notice as plain JSON, for any receiver.
    Json,
}

impl WebhookFormat {
    /// The format `auto` picks for `url`, from its host.
    pub fn for_url(url: &Url) -> WebhookFormat {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let under = |domain: &str| host == domain || host.ends_with(&format!(".{domain}"));
        if under("hooks.slack.com") {
            WebhookFormat::Slack
        } else if under("discord.com") || under("discordapp.com") {
            WebhookFormat::Discord
        } else if under("webhook.office.com") || under("logic.azure.com") || under("powerplatform.com") {
            WebhookFormat::Teams
        } else {
            WebhookFormat::Json
        }
    }
}

/// Where notifications go, when and how.
#[derive(Debug, Clone)]
pub struct Notify {
    /// The webhook and its format (`auto` resolved from its host); `None` without `webhook-url`.
    pub webhook: Option<(Secret, WebhookFormat)>,
    pub on: NotifyOn,
    /// Backup: after how many days without a change one stale notice goes out (`None`: never).
    pub stale_after_days: Option<u32>,
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
                    self.encrypted("webhook-url", parsed).map(Some)
                }
                _ => self.fail(
                    "webhook-url",
                    "accepted: the https:// URL of an incoming webhook (Slack, Discord, Teams Workflows or any JSON receiver)",
                ),
            },
        };
        let format = self.choice(
            "webhook-format",
            "auto",
            &[
                ("auto", None),
                ("slack", Some(WebhookFormat::Slack)),
                ("discord", Some(WebhookFormat::Discord)),
                ("teams", Some(WebhookFormat::Teams)),
                ("json", Some(WebhookFormat::Json)),
            ],
        );
        let webhook = webhook?.map(|url| {
            let format = format.flatten().unwrap_or_else(|| WebhookFormat::for_url(&url));
            (Secret::new(url.to_string()), format)
        });
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
        let stale_after_days = match self.value("stale-after-days") {
            Some("0") => Some(None),
            _ => self.count("stale-after-days", 7, 3650).map(|days| Some(days as u32)),
        };
        Some(Notify {
            webhook,
            on: on?,
            stale_after_days: stale_after_days?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_picks_the_format_from_the_webhook_host() {
        let cases = [
            ("https://hooks.slack.com/services/T0/B0/x", WebhookFormat::Slack),
            ("https://discord.com/api/webhooks/1/x", WebhookFormat::Discord),
            ("https://ptb.discord.com/api/webhooks/1/x", WebhookFormat::Discord),
            ("https://discordapp.com/api/webhooks/1/x", WebhookFormat::Discord),
            ("https://acme.webhook.office.com/webhookb2/x", WebhookFormat::Teams),
            (
                "https://prod-12.westeurope.logic.azure.com:443/workflows/x/triggers/manual/paths/invoke",
                WebhookFormat::Teams,
            ),
            (
                "https://default1.environment.api.powerplatform.com/powerautomate/x",
                WebhookFormat::Teams,
            ),
            ("https://hooks.slack.com.evil.example/x", WebhookFormat::Json),
            ("https://notdiscord.com/x", WebhookFormat::Json),
            ("https://alerts.example.com/cognigy", WebhookFormat::Json),
        ];
        for (url, expected) in cases {
            assert_eq!(WebhookFormat::for_url(&Url::parse(url).unwrap()), expected, "{url}");
        }
    }
}

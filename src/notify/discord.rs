//! The Discord format: one embed, as a Discord webhook takes it, with mentions switched off
//! (`allowed_mentions`), so no name can ping anyone. Limits (Discord's embed reference): a title of
//! 256 characters, a description of 4096, at most 25 fields with names of 256 and values of 1024,
//! a footer of 2048, and 6000 characters in all.

use serde_json::{Value, json};

use super::{Notice, Status, limits, list_lines, signature, stale_words};
use crate::escape::chat;

const TITLE_MAX: usize = 256;
/// Well under the 4096 of a description, so that the embed stays under 6000 in all.
const DESCRIPTION_MAX: usize = 1500;
const FIELD_VALUE_MAX: usize = 1024;

/// Embed colours: failed red, changed green, unchanged grey.
const RED: u32 = 0xD1242F;
const GREEN: u32 = 0x1A7F37;
const GREY: u32 = 0x6E7781;

/// The webhook's body for `notice`.
pub fn message(notice: &Notice) -> Value {
    let (color, description) = match &notice.status {
        Status::Failed(why) => (RED, limits::cut(&chat::discord(why), DESCRIPTION_MAX)),
        _ if notice.fleet.as_ref().is_some_and(|f| !f.unhealthy.is_empty()) => (RED, notice.title()),
        _ if notice.fleet.is_some() => (GREEN, notice.title()),
        Status::Changed => (GREEN, headline(notice)),
        Status::Unchanged => (GREY, headline(notice)),
        Status::Stale(days) => (GREY, stale_words(*days)),
    };
    let mut fields: Vec<Value> = notice
        .facts()
        .into_iter()
        .map(|(label, value)| json!({ "name": label, "value": chat::discord(&value), "inline": true }))
        .collect();
    if let Some(lines) = notice.fleet_lines(chat::discord, FIELD_VALUE_MAX) {
        fields.push(json!({ "name": "Need attention", "value": lines, "inline": false }));
    }
    for (label, list) in notice.change_lists() {
        let lines = list_lines(list, chat::discord, "**", FIELD_VALUE_MAX - 50);
        fields.push(json!({
            "name": label,
            "value": limits::cut(&lines.join("\n"), FIELD_VALUE_MAX),
            "inline": false,
        }));
    }
    let mut embed = json!({
        "title": limits::cut(&notice.title(), TITLE_MAX),
        "description": description,
        "color": color,
        "fields": fields,
        "footer": { "text": signature() },
    });
    if let Some(url) = &notice.run_url {
        embed["url"] = json!(url);
    }
    json!({
        "username": "cognigy-backup",
        "allowed_mentions": { "parse": [] },
        "embeds": [embed],
    })
}

/// The changes' headline, or that nothing changed.
fn headline(notice: &Notice) -> String {
    notice
        .changes
        .as_ref()
        .map(|changes| changes.headline())
        .unwrap_or_else(|| "nothing changed".to_owned())
}

//! The Slack format: Block Kit, as an incoming webhook takes it (`text` as the fallback shown in
//! notifications, then `blocks`). Limits (Slack's Block Kit reference): at most 50 blocks, a header's
//! plain text 150 characters, a section's text 3000, at most 10 fields of 2000 each, a button's text
//! 75 and its URL 3000.

use serde_json::{Value, json};

use super::{Notice, Status, limits, list_lines, signature, stale_words};
use crate::escape::chat;

const HEADER_MAX: usize = 150;
const SECTION_MAX: usize = 3000;
const FIELDS_MAX: usize = 10;

/// The webhook's body for `notice`.
pub fn message(notice: &Notice) -> Value {
    let title = notice.title();
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": limits::cut(&title, HEADER_MAX) },
    })];
    let fields: Vec<Value> = notice
        .facts()
        .into_iter()
        .take(FIELDS_MAX)
        .map(|(label, value)| json!({ "type": "mrkdwn", "text": format!("*{label}*\n{}", chat::slack(&value)) }))
        .collect();
    blocks.push(json!({ "type": "section", "fields": fields }));
    match &notice.status {
        Status::Failed(why) => blocks.push(section(&format!("*Error*\n{}", chat::slack(why)))),
        Status::Stale(days) => blocks.push(section(&stale_words(*days))),
        _ => {}
    }
    if let Some(lines) = notice.fleet_lines(chat::slack, SECTION_MAX - 100) {
        blocks.push(section(&format!("*Need attention*\n{lines}")));
    }
    for (label, list) in notice.change_lists() {
        let lines = list_lines(list, chat::slack, "*", SECTION_MAX - 100);
        blocks.push(section(&format!("*{label}*\n{}", lines.join("\n"))));
    }
    if let Some(url) = &notice.run_url {
        blocks.push(json!({
            "type": "actions",
            "elements": [{ "type": "button", "text": { "type": "plain_text", "text": "View the run" }, "url": url }],
        }));
    }
    blocks.push(json!({ "type": "context", "elements": [{ "type": "mrkdwn", "text": signature() }] }));
    json!({ "text": title, "blocks": blocks })
}

/// A section of mrkdwn text, cut to its limit.
fn section(text: &str) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": limits::cut(text, SECTION_MAX) } })
}

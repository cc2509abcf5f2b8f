//! The Microsoft Teams format: an Adaptive Card (schema 1.4) in a message, as a Teams Workflows
//! webhook ("Post to a channel when a webhook request is received") takes it. Untrusted text goes
//! in `TextRun`s, which render no markdown; a card stays far under the 28 KB a Teams message may
//! hold by bounding every list.

use serde_json::{Value, json};

use super::{Notice, Status, limits, list_lines, signature, stale_words};
use crate::escape::one_line;

/// Characters of names per change list, and of an error.
const LIST_MAX: usize = 4000;
const ERROR_MAX: usize = 2000;

/// The webhook's body for `notice`.
pub fn message(notice: &Notice) -> Value {
    let color = match notice.status {
        _ if notice.fleet.as_ref().is_some_and(|f| !f.unhealthy.is_empty()) => "Attention",
        Status::Failed(_) => "Attention",
        Status::Changed => "Good",
        Status::Unchanged => "Default",
        Status::Stale(_) => "Warning",
    };
    let mut body = vec![
        json!({ "type": "TextBlock", "text": notice.title(), "weight": "Bolder", "size": "Medium", "color": color, "wrap": true }),
        json!({
            "type": "FactSet",
            "facts": notice.facts().into_iter().map(|(title, value)| json!({ "title": title, "value": value })).collect::<Vec<_>>(),
        }),
    ];
    match &notice.status {
        Status::Failed(why) => body.push(plain(&limits::cut(&one_line(why), ERROR_MAX))),
        Status::Stale(days) => body.push(plain(&stale_words(*days))),
        _ => {}
    }
    if let Some(lines) = notice.fleet_lines(|text| one_line(text).into_owned(), LIST_MAX) {
        body.push(json!({ "type": "TextBlock", "text": "Need attention", "weight": "Bolder", "wrap": true }));
        for line in lines.lines() {
            body.push(plain(line));
        }
    }
    for (label, list) in notice.change_lists() {
        body.push(json!({ "type": "TextBlock", "text": label, "weight": "Bolder", "wrap": true }));
        for line in list_lines(list, |text| one_line(text).into_owned(), "", LIST_MAX) {
            body.push(plain(&line));
        }
    }
    body.push(json!({ "type": "TextBlock", "text": signature(), "isSubtle": true, "size": "Small", "wrap": true }));
    let mut card = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    });
    if let Some(url) = &notice.run_url {
        card["actions"] = json!([{ "type": "Action.OpenUrl", "title": "View the run", "url": url }]);
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": card,
        }],
    })
}

/// Text shown as it is: a `RichTextBlock` of one `TextRun`, which has no markdown.
fn plain(text: &str) -> Value {
    json!({ "type": "RichTextBlock", "inlines": [{ "type": "TextRun", "text": text }] })
}

//! Bot content cannot inject anything: a project whose names, node labels and keyphrases hold
//! workflow commands, URL-encoded line breaks, an HTML comment, a table pipe and a link tail is
//! backed up, changed, backed up again, restored in a dry run, compared live by verify and compared by diff. In every
//! run, stdout and stderr hold no workflow command but the tool's own (parsed as the runner parses
//! them), every summary renders as CommonMark with each hostile name shown as text (nothing hidden,
//! no link, no HTML but the tool's `<details>`), and the commit messages keep each name on its line.

mod support;

use cognigy_backup_action::escape::one_line;
use cognigy_backup_testkit::fake_cognigy::{FakeCognigy, Options, ProjectSpec};
use pulldown_cmark::{Event, Options as Markdown, Parser, Tag, TagEnd};
use serde_json::json;
use support::git::{Fixture, TOKEN, git};
use support::runner::{StepRun, commands};

/// What a hostile editor of the bot writes into names.
const HOSTILE: [&str; 6] = [
    "Sales\n::add-mask::INJECTED",
    "Support\n::error::INJECTED",
    "Billing%0A::warning::INJECTED",
    "FAQ <!-- the rest is hidden",
    "Orders | Returns",
    "Handover](https://example.com) ##[error]INJECTED",
];

/// The tool's own annotations in these runs (titles); their messages may quote names, escaped.
const OWN_TITLES: [&str; 2] = ["Not restorable by update", "Differences left"];

/// Renames two flows, both lexicons and a node, puts hostile text into a keyphrase; answers the
/// names given.
fn make_hostile(fake: &FakeCognigy, round: usize) -> Vec<String> {
    let names: Vec<String> = HOSTILE.iter().map(|n| format!("{n} {round}")).collect();
    fake.edit(|project| {
        let primary = project.primary_locale_id().to_owned();
        project.flows[0].doc["name"] = json!(names[0]);
        project.flows[1].doc["name"] = json!(names[1]);
        project.lexicons[0].doc["name"] = json!(names[2]);
        project.lexicons[1].doc["name"] = json!(names[3]);
        let node = &mut project.flows[2].nodes[1];
        if let Some(localized) = node.localized.get_mut(&primary) {
            localized.label = names[4].clone();
            localized.config = json!({"say": {"text": [names[5].clone()]}});
        }
        project.lexicons[0].keyphrases[0].value = names[5].clone();
    });
    names
}

/// No workflow command in the run's output but masks of its secrets, groups and annotations of
/// the tool's own.
fn assert_only_own_commands(what: &str, run: &StepRun, fake: &FakeCognigy) {
    assert_eq!(
        run.code,
        Some(0),
        "{what}\nstdout:\n{}\nstderr:\n{}",
        run.stdout,
        run.stderr
    );
    for command in commands(&run.stdout).into_iter().chain(commands(&run.stderr)) {
        let own = match command.name.as_str() {
            "add-mask" => command.data == fake.api_key() || command.data == TOKEN,
            "group" => !command.data.contains("INJECTED"),
            "endgroup" => command.data.is_empty(),
            "error" | "warning" | "notice" => OWN_TITLES.iter().any(|t| command.properties == format!("title={t}")),
            _ => false,
        };
        assert!(
            own,
            "{what}: a command the tool did not give: {command:?}\n{}",
            run.stdout
        );
    }
}

/// The summary as a reader sees it: its text (cells, items and paragraphs apart), its links, and
/// the raw HTML it holds.
struct Rendered {
    text: String,
    links: Vec<String>,
    html: String,
}

fn render(markdown: &str) -> Rendered {
    let mut rendered = Rendered {
        text: String::new(),
        links: Vec::new(),
        html: String::new(),
    };
    for event in Parser::new_ext(markdown, Markdown::ENABLE_TABLES | Markdown::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(text) | Event::Code(text) => rendered.text.push_str(&text),
            Event::Html(html) | Event::InlineHtml(html) => {
                rendered.html.push_str(&html);
                rendered.text.push_str(&decoded(&without_tags(&html)));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                rendered.links.push(dest_url.to_string())
            }
            Event::End(TagEnd::TableCell | TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => {
                rendered.text.push('\u{1}')
            }
            Event::SoftBreak | Event::HardBreak => rendered.text.push(' '),
            _ => {}
        }
    }
    rendered
}

/// The tags the tool writes itself.
const OWN_TAGS: [&str; 4] = ["<details>", "</details>", "<summary>", "</summary>"];

fn without_tags(html: &str) -> String {
    OWN_TAGS
        .iter()
        .fold(html.to_owned(), |text, tag| text.replace(tag, "\u{1}"))
}

fn decoded(html: &str) -> String {
    html.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Every name shows as text, in one piece, and nothing but the tool's own HTML and links is there.
fn assert_renders_names(what: &str, summary: &str, names: &[String]) {
    let rendered = render(summary);
    for name in names {
        let shown = one_line(name);
        assert!(
            rendered.text.contains(shown.as_ref()),
            "{what}: {shown:?} is not shown as text in\n{summary}"
        );
    }
    let stray = without_tags(&rendered.html);
    assert!(
        !stray.contains('<') && !stray.contains('>'),
        "{what}: raw HTML beyond the tool's: {stray:?}\n{summary}"
    );
    assert!(!rendered.html.contains("<!--"), "{what}: an HTML comment\n{summary}");
    assert!(
        rendered.links.iter().all(|l| l.starts_with("https://github.com/acme/")),
        "{what}: links {:?}",
        rendered.links
    );
}

#[test]
fn hostile_names_inject_nothing_into_logs_summaries_outputs_or_commits() {
    let fake = FakeCognigy::start(ProjectSpec::default(), Options::default());
    let fixture = Fixture::new();
    let step = |mode: &str, now: &str| support::step(mode, &fake, &fixture).env("COGNIGY_BACKUP_NOW", now);

    let first_names = make_hostile(&fake, 1);
    let first = step("backup", "2026-11-22T07:37:00Z").run();
    assert_only_own_commands("first backup", &first, &fake);
    assert_renders_names("first backup", &first.summary, &first_names[..4]);
    assert_eq!(
        first.outputs["summary"],
        first.summary.trim_end(),
        "the output is the summary"
    );

    let second_names = make_hostile(&fake, 2);
    let second = step("backup", "2026-11-22T08:07:00Z").run();
    assert_only_own_commands("second backup", &second, &fake);
    assert_renders_names("second backup", &second.summary, &second_names[..4]);

    let message = git(&fixture.repo, &["log", "-1", "--format=%B", "snapshot/hourly"]);
    for name in &second_names[..4] {
        assert!(message.contains(one_line(name).as_ref()), "{name:?} in\n{message}");
    }
    assert!(
        message.lines().all(|line| !line.trim_start().starts_with("::")),
        "{message}"
    );

    for log_format in ["text", "json"] {
        let dry = step("restore", "2026-11-22T09:00:00Z")
            .with("snapshot", &first.outputs["snapshot-id"])
            .with("log-format", log_format)
            .run();
        assert_only_own_commands(&format!("restore dry run ({log_format} log)"), &dry, &fake);
        assert_renders_names("restore dry run", &dry.summary, &first_names[..5]);
        let report = dry.workspace_file("cognigy-backup-restore.json").expect("the report");
        let report: serde_json::Value = serde_json::from_slice(&report).unwrap();
        assert!(
            report.to_string().contains("Orders | Returns 1"),
            "the report keeps names as they are"
        );
    }

    let applied = step("restore", "2026-11-22T09:05:00Z")
        .with("snapshot", &first.outputs["snapshot-id"])
        .with("restore-method", "update")
        .with("dry-run", "false")
        .with("confirm", fake.project_id())
        .run();
    assert_only_own_commands("restore by update", &applied, &fake);
    assert!(
        applied.stdout.contains("restoring flows: "),
        "the log names what it restores"
    );
    assert_renders_names("restore by update", &applied.summary, &first_names[..1]);

    make_hostile(&fake, 3);
    let drift = step("verify", "2026-11-22T09:10:00Z").with("verify-live", "true").run();
    assert_only_own_commands("verify with drift", &drift, &fake);
    assert_renders_names("verify with drift", &drift.summary, &second_names[..4]);

    let between = step("diff", "2026-11-22T09:15:00Z")
        .with("snapshot", &first.outputs["snapshot-id"])
        .with("against", &second.outputs["snapshot-id"])
        .run();
    assert_only_own_commands("diff of two snapshots", &between, &fake);
    assert_renders_names("diff of two snapshots", &between.summary, &second_names[..5]);
    let live = step("diff", "2026-11-22T09:20:00Z").run();
    assert_only_own_commands("diff with the live project", &live, &fake);
    assert_renders_names("diff with the live project", &live.summary, &second_names[..4]);
}

//! The fleet's dashboard (`cognigy-backup-status.html`): one self-contained HTML page, no external
//! script, style, font or image. Inline CSS with `prefers-color-scheme` for the dark theme; the
//! fleet as a `<table>` that reads without JavaScript (reds first), which a small inline script
//! makes sortable by any column; an inline SVG timeline of each repository's snapshots over the
//! last [`WINDOW_DAYS`] days; the storage report, in all and per repository. Every text from a
//! repository or from GitHub passes through [`crate::escape::html`].

use std::fmt::Write as _;

use time::{Duration, OffsetDateTime};

use super::health::{self, Level};
use super::probe::{BACKUP_WORKFLOW, RunRecord, Snapshot, parse};
use super::report::{Entry, Fleet, size_words};
use crate::escape::html;

/// The days a timeline spans, up to the page's time.
pub const WINDOW_DAYS: i64 = 7;
const TIMELINE_WIDTH: f64 = 150.0;

const STYLE: &str = r#"
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --head: #f6f8fa; --red: #d1242f; --yellow: #9a6700; --green: #1a7f37; --link: #0969da;
  --hourly: #0969da; --daily: #8250df; --weekly: #bf3989; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --head: #151b23;
    --red: #ff7b72; --yellow: #d29922; --green: #3fb950; --link: #4493f8;
    --hourly: #4493f8; --daily: #ab7df8; --weekly: #f778ba; }
}
body { margin: 1.5rem; background: var(--bg); color: var(--fg);
  font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
p.meta { color: var(--muted); margin: 0 0 1rem; }
a { color: var(--link); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--head); white-space: nowrap; }
th[aria-sort] { cursor: pointer; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
table#storage { width: auto; min-width: 24rem; }
td.num { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
.level { font-weight: 600; white-space: nowrap; }
.dot { display: inline-block; width: .7em; height: .7em; border-radius: 50%; margin-right: .3em; background: currentColor; }
td.repository { min-width: 15rem; max-width: 24rem; } td.repository > a { white-space: nowrap; font-weight: 600; }
td.nowrap, td.nowrap a { white-space: nowrap; }
.red .level { color: var(--red); } .yellow .level { color: var(--yellow); } .green .level { color: var(--green); }
.counts span { margin-right: 1rem; font-weight: 600; }
.counts .red { color: var(--red); } .counts .yellow { color: var(--yellow); } .counts .green { color: var(--green); }
svg.timeline { display: block; } svg.key { vertical-align: middle; }
svg line { stroke: var(--line); }
svg .hourly { fill: var(--hourly); } svg .daily { fill: var(--daily); } svg .weekly { fill: var(--weekly); }
small { color: var(--muted); }
"#;

/// Sorts the fleet table by a clicked column: by each cell's `data-sort` (a number) when it has
/// one, else by its text; a second click reverses.
const SCRIPT: &str = r#"
(function () {
  var table = document.getElementById("fleet");
  if (!table) { return; }
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, column) {
    th.setAttribute("aria-sort", "none");
    th.tabIndex = 0;
    var sort = function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var key = function (row) {
        var cell = row.cells[column];
        var value = cell.getAttribute("data-sort");
        return value === null ? cell.textContent.trim().toLowerCase() : parseFloat(value);
      };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var order = x < y ? -1 : x > y ? 1 : 0;
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
})();
"#;

/// The page of `fleet`, made at `now`.
pub fn page(fleet: &Fleet, now: OffsetDateTime) -> String {
    let mut out = String::with_capacity(16 * 1024 + fleet.entries.len() * 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    out.push_str("<title>Cognigy backup fleet</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>Cognigy backup fleet</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"meta\">{} repositories at {}; green: last successful backup within {}, yellow: within three times that.</p>",
        fleet.entries.len(),
        html::text(&fleet.generated),
        html::text(&fleet.healthy_within),
    );
    let _ = writeln!(
        out,
        "<p class=\"counts\" id=\"counts\"><span class=\"red\">{} red</span><span class=\"yellow\">{} yellow</span><span class=\"green\">{} green</span></p>",
        fleet.count(Level::Red),
        fleet.count(Level::Yellow),
        fleet.count(Level::Green),
    );
    out.push_str("<table id=\"fleet\">\n<thead><tr><th>Health</th><th>Repository and why</th>");
    let _ = write!(out, "<th>Snapshots, last {WINDOW_DAYS} days</th><th>Backup runs</th>");
    out.push_str("<th>Newest snapshots</th><th>Last drill</th><th>Size</th></tr></thead>\n<tbody>\n");
    for entry in &fleet.entries {
        row(&mut out, entry, now);
    }
    out.push_str("</tbody>\n</table>\n");
    storage(&mut out, fleet);
    out.push_str("<p><small>Timeline: <svg width=\"10\" height=\"10\" class=\"key\" aria-hidden=\"true\"><circle class=\"hourly\" cx=\"5\" cy=\"5\" r=\"4\"/></svg> hourly ");
    out.push_str("<svg width=\"10\" height=\"10\" class=\"key\" aria-hidden=\"true\"><circle class=\"daily\" cx=\"5\" cy=\"5\" r=\"4\"/></svg> daily ");
    out.push_str("<svg width=\"10\" height=\"10\" class=\"key\" aria-hidden=\"true\"><circle class=\"weekly\" cx=\"5\" cy=\"5\" r=\"4\"/></svg> weekly. ");
    let _ = writeln!(out, "Made by {}.</small></p>", html::text(&crate::notify::signature()));
    out.push_str("<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn row(out: &mut String, entry: &Entry, now: OffsetDateTime) {
    let record = &entry.record;
    let level = entry.health.level;
    let _ = write!(
        out,
        "<tr class=\"{}\" data-repository=\"{}\"><td class=\"level\" data-sort=\"{}\"><span class=\"dot\"></span>{}</td>",
        level.name(),
        html::text(&record.repository),
        level as u8,
        level.name()
    );
    let _ = write!(
        out,
        "<td class=\"repository\">{}<br><small>{}</small>",
        link(record.url.as_deref(), &record.repository),
        html::text(&entry.health.reason)
    );
    if let Some(issue) = &record.setup_issue {
        let _ = write!(
            out,
            "<br><small class=\"issue\">open setup issue {}</small>",
            link(Some(&issue.url), &format!("#{} {}", issue.number, issue.title))
        );
    }
    out.push_str("</td>");
    let _ = write!(
        out,
        "<td data-sort=\"{}\">{}</td>",
        record.timeline.len(),
        timeline(&record.timeline, now)
    );
    let backup = record.workflow(BACKUP_WORKFLOW);
    let runs: Vec<(&str, &RunRecord)> = match backup.map(|w| (&w.last, &w.last_success)) {
        Some((Some(last), Some(success))) if last != success => vec![("last", last), ("last success", success)],
        Some((Some(last), _)) => vec![("last", last)],
        _ => Vec::new(),
    };
    runs_cell(out, &runs, now);
    out.push_str("<td class=\"nowrap\">");
    if record.tiers.is_empty() {
        out.push_str("none");
    }
    for (index, snapshot) in record.tiers.iter().enumerate() {
        if index > 0 {
            out.push_str("<br>");
        }
        let _ = write!(
            out,
            "<span title=\"{}\">{} {}</span>",
            html::text(&snapshot.time),
            html::text(&snapshot.tier),
            link(Some(&snapshot.url), snapshot.name()),
        );
    }
    out.push_str("</td>");
    match record.workflow("drill.yml") {
        Some(drill) => runs_cell(out, &Vec::from_iter(drill.last.iter().map(|run| ("last", run))), now),
        None => out.push_str("<td data-sort=\"-1\">no drill.yml</td>"),
    }
    let _ = write!(
        out,
        "<td class=\"num\" data-sort=\"{}\">{}</td>",
        record.size_kib.map_or(-1, |k| k as i64),
        html::text(&size_words(record.size_kib))
    );
    out.push_str("</tr>\n");
}

/// A cell of runs, one a line (`label` before each but a lone one), linked to each run with its
/// start as a tooltip; sortable by the age in minutes of the last line's run.
fn runs_cell(out: &mut String, runs: &[(&str, &RunRecord)], now: OffsetDateTime) {
    let mut lines = Vec::new();
    let mut age = None;
    for (label, run) in runs {
        // Its age as health counts it: from its end (from its start while it runs).
        age = run
            .ended
            .as_deref()
            .or(run.started.as_deref())
            .and_then(parse)
            .map(|at| now - at);
        let mut words = run.conclusion.as_deref().unwrap_or(&run.status).to_owned();
        if let Some(age) = age {
            words.push_str(&format!(", {} ago", health::words(age)));
        }
        if let Some(seconds) = run.duration_seconds {
            words.push_str(&format!(", {seconds}s"));
        }
        let label = if runs.len() > 1 {
            format!("{label}: ")
        } else {
            String::new()
        };
        lines.push(format!(
            "<span title=\"{}\">{label}{}</span>",
            html::text(run.started.as_deref().unwrap_or_default()),
            link(Some(&run.url), &words)
        ));
    }
    if lines.is_empty() {
        lines.push("none".to_owned());
    }
    let _ = write!(
        out,
        "<td class=\"nowrap\" data-sort=\"{}\">{}</td>",
        age.map_or(999_999_999, |age| age.whole_minutes()),
        lines.join("<br>")
    );
}

/// `text` as a link to `url` when it is a web link, else as text.
fn link(url: Option<&str>, text: &str) -> String {
    match url.and_then(html::url) {
        Some(href) => format!("<a href=\"{href}\">{}</a>", html::text(text)),
        None => html::text(text),
    }
}

/// The SVG timeline of `snapshots` over the [`WINDOW_DAYS`] days up to `now`: a dot per snapshot,
/// coloured by tier, each with its id and time as a tooltip.
fn timeline(snapshots: &[Snapshot], now: OffsetDateTime) -> String {
    let window = Duration::days(WINDOW_DAYS);
    let start = now - window;
    let mut svg = format!(
        "<svg class=\"timeline\" width=\"{w}\" height=\"20\" viewBox=\"0 0 {w} 20\" role=\"img\" aria-label=\"{} snapshots\"><line x1=\"0\" y1=\"10\" x2=\"{w}\" y2=\"10\"/>",
        snapshots.len(),
        w = TIMELINE_WIDTH,
    );
    for snapshot in snapshots {
        let Some(at) = parse(&snapshot.time) else { continue };
        if at < start || at > now {
            continue;
        }
        let x = (at - start).as_seconds_f64() / window.as_seconds_f64() * (TIMELINE_WIDTH - 8.0) + 4.0;
        let tier = match snapshot.tier.as_str() {
            tier @ ("hourly" | "daily" | "weekly") => tier,
            _ => "weekly",
        };
        let _ = write!(
            svg,
            "<circle class=\"{tier}\" cx=\"{x:.1}\" cy=\"10\" r=\"4\"><title>{} {} {}</title></circle>",
            tier,
            html::text(&snapshot.id),
            html::text(&snapshot.time)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The storage report: in all and per repository.
fn storage(out: &mut String, fleet: &Fleet) {
    let _ = writeln!(
        out,
        "<h2>Storage</h2>\n<p id=\"storage-total\">{} in all, as GitHub reports the repositories' sizes.</p>",
        html::text(&size_words(Some(fleet.total_kib())))
    );
    out.push_str("<table id=\"storage\">\n<thead><tr><th>Repository</th><th>Size</th></tr></thead>\n<tbody>\n");
    let mut by_size: Vec<&Entry> = fleet.entries.iter().collect();
    by_size.sort_by_key(|e| std::cmp::Reverse(e.record.size_kib));
    for entry in by_size {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
            html::text(&entry.record.repository),
            html::text(&size_words(entry.record.size_kib))
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

//! The fake GitHub API as GitHub documents it: an owner's repositories over `Link` pages, what a
//! token sees and may do (401, 404, 403 with `x-ratelimit-*`), issues found by label, created and
//! closed, labels, environments with their reviewers, workflow runs filtered per workflow, and a
//! branch's commits and refs by prefix.

use cognigy_backup_testkit::fake_github::{Access, FakeGithub, Grant, WorkflowRun};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

struct Client {
    github: FakeGithub,
    http: reqwest::Client,
}

impl Client {
    fn new(github: FakeGithub) -> Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Client {
            github,
            http: reqwest::Client::new(),
        }
    }

    /// `method path` (under the API, or an absolute URL) with `token`: status, headers, JSON.
    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, HeaderMap, Value) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.github.api_url())
        };
        let mut request = self.http.request(method.parse().unwrap(), url);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let (status, headers) = (response.status().as_u16(), response.headers().clone());
        let text = response.text().await.unwrap();
        (status, headers, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get("link")?.to_str().ok()?;
    link.split(", ")
        .find(|part| part.ends_with("rel=\"next\""))
        .map(|part| part.split(['<', '>']).nth(1).unwrap().to_owned())
}

#[tokio::test]
async fn an_owners_repositories_come_in_linked_pages_and_private_ones_only_to_tokens_that_reach_them() {
    let client = Client::new(FakeGithub::start());
    for n in 0..5 {
        client.github.add_repo(&format!("acme/cognigy-backup-{n}"), n == 4);
    }
    client.github.add_repo("other/cognigy-backup-x", false);
    client.github.add_token("ghp_fleet", Grant::everything());

    let mut names = Vec::new();
    let mut next = Some("/orgs/acme/repos?per_page=2".to_owned());
    let mut pages = 0;
    while let Some(url) = next {
        let (status, headers, body) = client.send("GET", &url, Some("ghp_fleet"), None).await;
        assert_eq!(status, 200);
        names.extend(
            body.as_array()
                .unwrap()
                .iter()
                .map(|r| r["full_name"].as_str().unwrap().to_owned()),
        );
        next = next_link(&headers);
        pages += 1;
    }
    assert_eq!(pages, 3);
    assert_eq!(names.len(), 5, "{names:?}");
    let (_, _, anonymous) = client.send("GET", "/orgs/acme/repos?per_page=100", None, None).await;
    assert_eq!(anonymous.as_array().unwrap().len(), 4, "the private one is hidden");
    let (status, _, _) = client.send("GET", "/orgs/nobody/repos", Some("ghp_fleet"), None).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn tokens_are_checked_and_every_answer_tells_the_rate_limit() {
    let client = Client::new(FakeGithub::start());
    client.github.add_repo("acme/bot", true);
    client.github.add_repo("acme/other", true);
    client.github.add_token("ghs_bot", Grant::workflow("acme/bot"));
    client.github.add_token(
        "ghs_read",
        Grant {
            issues: Access::Read,
            ..Grant::workflow("acme/bot")
        },
    );
    let (status, headers, body) = client.send("GET", "/repos/acme/bot", Some("ghs_bot"), None).await;
    assert_eq!((status, body["private"].as_bool()), (200, Some(true)));
    assert_eq!(headers["x-ratelimit-limit"], "1000");
    assert_eq!(headers["x-ratelimit-remaining"], "999");
    assert_eq!(headers["x-ratelimit-used"], "1");

    let (status, _, body) = client.send("GET", "/repos/acme/bot", Some("ghs_wrong"), None).await;
    assert_eq!((status, body["message"].as_str()), (401, Some("Bad credentials")));
    let (status, _, _) = client.send("GET", "/repos/acme/other", Some("ghs_bot"), None).await;
    assert_eq!(status, 404, "a repository the token does not reach is not found");
    let issue = json!({ "title": "t" });
    let (status, _, body) = client
        .send("POST", "/repos/acme/bot/issues", Some("ghs_read"), Some(issue))
        .await;
    assert_eq!(
        (status, body["message"].as_str()),
        (403, Some("Resource not accessible by integration"))
    );

    client.github.set_remaining("ghs_bot", 0);
    let (status, headers, body) = client.send("GET", "/repos/acme/bot", Some("ghs_bot"), None).await;
    assert_eq!(status, 403);
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    assert!(body["message"].as_str().unwrap().starts_with("API rate limit exceeded"));
    let log = client.github.requests();
    assert_eq!(log.len(), 5);
    assert_eq!(log[0].token.as_deref(), Some("ghs_bot"));
}

#[tokio::test]
async fn issues_are_found_by_label_edited_and_closed() {
    let client = Client::new(FakeGithub::start());
    client.github.add_repo("acme/bot", true);
    client.github.add_token("t", Grant::workflow("acme/bot"));
    let (status, _, _) = client
        .send("GET", "/repos/acme/bot/labels/setup", Some("t"), None)
        .await;
    assert_eq!(status, 404);
    let label = json!({ "name": "setup", "color": "0e8a16", "description": "d" });
    let (status, _, _) = client
        .send("POST", "/repos/acme/bot/labels", Some("t"), Some(label))
        .await;
    assert_eq!(status, 201);
    let (status, _, _) = client
        .send(
            "POST",
            "/repos/acme/bot/issues",
            Some("t"),
            Some(json!({ "title": "other" })),
        )
        .await;
    assert_eq!(status, 201);
    let made = json!({ "title": "Setup", "body": "- [ ] key", "labels": ["setup"] });
    let (status, _, issue) = client
        .send("POST", "/repos/acme/bot/issues", Some("t"), Some(made))
        .await;
    assert_eq!((status, issue["number"].as_u64()), (201, Some(2)));
    let (_, _, found) = client
        .send("GET", "/repos/acme/bot/issues?labels=setup&state=all", Some("t"), None)
        .await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["labels"][0]["color"], "0e8a16");
    let close = json!({ "body": "- [x] key", "state": "closed" });
    let (status, _, closed) = client
        .send("PATCH", "/repos/acme/bot/issues/2", Some("t"), Some(close))
        .await;
    assert_eq!(
        (status, closed["state"].as_str(), closed["state_reason"].as_str()),
        (200, Some("closed"), Some("completed"))
    );
    let (_, _, open) = client
        .send("GET", "/repos/acme/bot/issues?labels=setup", Some("t"), None)
        .await;
    assert_eq!(open.as_array().unwrap().len(), 0, "the default state is open");
    assert_eq!(client.github.repo("acme/bot").issues[1].body, "- [x] key");
}

#[tokio::test]
async fn environments_tell_their_reviewers_and_runs_are_listed_newest_first_per_workflow() {
    let client = Client::new(FakeGithub::start());
    client.github.add_repo("acme/bot", true);
    client.github.add_token("t", Grant::workflow("acme/bot"));
    client
        .github
        .add_environment("acme/bot", "production-restore", &["octocat"]);
    let (status, _, env) = client
        .send(
            "GET",
            "/repos/acme/bot/environments/production-restore",
            Some("t"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(env["protection_rules"][0]["type"], "required_reviewers");
    assert_eq!(
        env["protection_rules"][0]["reviewers"][0]["reviewer"]["login"],
        "octocat"
    );
    let (status, _, _) = client
        .send("GET", "/repos/acme/bot/environments/staging", Some("t"), None)
        .await;
    assert_eq!(status, 404);

    for (file, conclusion, at) in [
        ("backup.yml", "success", "2026-11-30T10:07:00Z"),
        ("backup.yml", "failure", "2026-11-30T10:37:00Z"),
        ("verify.yml", "success", "2026-11-30T11:00:00Z"),
    ] {
        client
            .github
            .add_run("acme/bot", WorkflowRun::completed(file, conclusion, at, 90));
    }
    let (_, _, runs) = client
        .send(
            "GET",
            "/repos/acme/bot/actions/workflows/backup.yml/runs?per_page=1",
            Some("t"),
            None,
        )
        .await;
    assert_eq!(runs["total_count"], 2);
    assert_eq!(runs["workflow_runs"][0]["conclusion"], "failure");
    assert_eq!(runs["workflow_runs"][0]["updated_at"], "2026-11-30T10:38:30Z");
    let (_, _, ok) = client
        .send("GET", "/repos/acme/bot/actions/runs?status=success", Some("t"), None)
        .await;
    assert_eq!(ok["total_count"], 2);
}

#[tokio::test]
async fn a_branchs_commits_come_newest_first_in_pages_and_refs_match_by_prefix() {
    let client = Client::new(FakeGithub::start());
    client.github.add_repo("acme/bot", true);
    client.github.add_token("t", Grant::workflow("acme/bot"));
    let (status, _, body) = client.send("GET", "/repos/acme/bot/commits", Some("t"), None).await;
    assert_eq!(
        (status, body["message"].clone()),
        (409, json!("Git Repository is empty."))
    );

    let shas: Vec<String> = (0..3)
        .map(|n| {
            let at = format!("2026-12-0{}T10:00:00Z", n + 1);
            client
                .github
                .add_commit("acme/bot", "snapshot/hourly", &format!("snapshot {n}\n\nbody"), &at)
        })
        .collect();
    client.github.add_tag_on("acme/bot", "monthly-2026-12", &shas[1]);
    client.github.add_tag("acme/bot", "v1");

    let (status, headers, page) = client
        .send(
            "GET",
            "/repos/acme/bot/commits?sha=snapshot%2Fhourly&per_page=2",
            Some("t"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let listed: Vec<&str> = page
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["sha"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [shas[2].as_str(), shas[1].as_str()], "newest first");
    assert_eq!(page[0]["commit"]["message"], "snapshot 2\n\nbody");
    assert_eq!(page[0]["commit"]["committer"]["date"], "2026-12-03T10:00:00Z");
    assert_eq!(page[0]["parents"][0]["sha"], shas[1].as_str());
    let (_, _, rest) = client.send("GET", &next_link(&headers).unwrap(), Some("t"), None).await;
    assert_eq!(rest[0]["sha"], shas[0].as_str());
    assert_eq!(rest[0]["parents"], json!([]));

    let (status, _, tagged) = client
        .send("GET", "/repos/acme/bot/commits/monthly-2026-12", Some("t"), None)
        .await;
    assert_eq!((status, tagged["sha"].as_str()), (200, Some(shas[1].as_str())));
    let (status, _, _) = client
        .send("GET", "/repos/acme/bot/commits/snapshot%2Fdaily", Some("t"), None)
        .await;
    assert_eq!(status, 422, "no commit for an unknown ref");
    let (status, _, _) = client
        .send("GET", "/repos/acme/bot/commits?sha=snapshot%2Fdaily", Some("t"), None)
        .await;
    assert_eq!(status, 404, "no list for an unknown branch");

    let (_, _, refs) = client
        .send(
            "GET",
            "/repos/acme/bot/git/matching-refs/tags/monthly-",
            Some("t"),
            None,
        )
        .await;
    assert_eq!(
        refs,
        json!([{
            "ref": "refs/tags/monthly-2026-12", "node_id": "REF_refs/tags/monthly-2026-12",
            "url": format!("{}/repos/acme/bot/git/refs/tags/monthly-2026-12", client.github.api_url()),
            "object": { "type": "commit", "sha": shas[1], "url": format!("{}/repos/acme/bot/git/commits/{}", client.github.api_url(), shas[1]) },
        }])
    );
    let (_, _, none) = client
        .send("GET", "/repos/acme/bot/git/matching-refs/tags/weekly-", Some("t"), None)
        .await;
    assert_eq!(none, json!([]));

    let (status, _, _) = client
        .send(
            "GET",
            "/repos/acme/bot/actions/workflows/drill.yml/runs",
            Some("t"),
            None,
        )
        .await;
    assert_eq!(status, 404, "a workflow file no run has is no workflow");
}

//! The GitHub Releases client against a mock GitHub API: the exact requests for creating a release on
//! the tag's commit, uploading assets, listing every page, deleting a release with its tag, a GitHub
//! Enterprise base URL, and errors that say what to check without showing the token.

use cognigy_backup_action::action::config::GithubApi;
use cognigy_backup_action::github::{Asset, Error, Release, Releases};
use cognigy_backup_action::secrets::Secret;
use reqwest::Url;
use serde_json::{Value, json};
use wiremock::matchers::{body_bytes, body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const REPO: &str = "acme/cognigy-backup-bot";
const SHA: &str = "4f84fe4c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f";

fn api(url: &str, token: &str) -> GithubApi {
    GithubApi {
        url: Url::parse(url).unwrap(),
        token: Some(Secret::new(token)),
    }
}

/// A release as GitHub answers it (more fields than the client reads), uploading under `uploads`.
fn release_json(uploads: &str, id: u64, tag: &str, assets: Value) -> Value {
    json!({
        "url": format!("https://api.github.com/repos/{REPO}/releases/{id}"),
        "html_url": format!("https://github.com/{REPO}/releases/tag/{tag}"),
        "upload_url": format!("{uploads}/repos/{REPO}/releases/{id}/assets{{?name,label}}"),
        "id": id,
        "tag_name": tag,
        "target_commitish": SHA,
        "name": tag,
        "body": "notes",
        "draft": false,
        "prerelease": false,
        "created_at": "2026-02-01T00:10:00Z",
        "published_at": "2026-02-01T00:10:00Z",
        "author": { "login": "github-actions[bot]", "id": 41898282 },
        "assets": assets,
    })
}

fn release(uploads: &str, id: u64, tag: &str) -> Release {
    serde_json::from_value(release_json(uploads, id, tag, json!([]))).unwrap()
}

#[tokio::test]
async fn create_posts_the_tag_its_commit_the_name_and_the_notes_with_the_token() {
    let server = MockServer::start().await;
    let notes = "## Snapshot 2026-01\n\n| kind | count |\n|---|---|\n| flows | 12 |\n";
    Mock::given(method("POST"))
        .and(path(format!("/repos/{REPO}/releases")))
        .and(header("authorization", "Bearer ghs_create_token_1"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/vnd.github+json"))
        .and(body_json(json!({
            "tag_name": "monthly-2026-01",
            "target_commitish": SHA,
            "name": "monthly-2026-01",
            "body": notes,
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(release_json(
            &server.uri(),
            7,
            "monthly-2026-01",
            json!([]),
        )))
        .expect(1)
        .mount(&server)
        .await;

    let releases = Releases::new(&api(&server.uri(), "ghs_create_token_1"), REPO).unwrap();
    let created = releases
        .create("monthly-2026-01", SHA, "monthly-2026-01", notes)
        .await
        .unwrap();
    assert_eq!(created.id, 7);
    assert_eq!(created.tag, "monthly-2026-01");
    assert_eq!(created.name.as_deref(), Some("monthly-2026-01"));
    assert_eq!(created.target_commitish, SHA);
    assert!(created.assets.is_empty());
}

#[tokio::test]
async fn assets_go_to_the_upload_url_with_their_name_content_type_and_bytes() {
    let server = MockServer::start().await;
    // On github.com the upload URL is on uploads.github.com; here it is a path of the mock.
    let uploads = format!("{}/uploads", server.uri());
    let target = release(&uploads, 7, "monthly-2026-01");
    let tarball: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let csnap = b"PK\x03\x04 native snapshot".to_vec();
    for (name, content_type, bytes, id) in [
        ("monthly-2026-01.tar.gz", "application/gzip", &tarball, 31),
        ("monthly-2026-01.csnap", "application/octet-stream", &csnap, 32),
    ] {
        Mock::given(method("POST"))
            .and(path(format!("/uploads/repos/{REPO}/releases/7/assets")))
            .and(query_param("name", name))
            .and(header("authorization", "Bearer ghs_upload_token_2"))
            .and(header("content-type", content_type))
            .and(body_bytes(bytes.clone()))
            .respond_with(ResponseTemplate::new(201).set_body_json(json!({
                "id": id, "name": name, "size": bytes.len(), "state": "uploaded", "content_type": content_type,
            })))
            .expect(1)
            .mount(&server)
            .await;
    }

    let releases = Releases::new(&api(&server.uri(), "ghs_upload_token_2"), REPO).unwrap();
    let first = releases
        .upload_asset(&target, "monthly-2026-01.tar.gz", "application/gzip", tarball.clone())
        .await
        .unwrap();
    let second = releases
        .upload_asset(
            &target,
            "monthly-2026-01.csnap",
            "application/octet-stream",
            csnap.clone(),
        )
        .await
        .unwrap();
    assert_eq!(
        first,
        Asset {
            id: 31,
            name: "monthly-2026-01.tar.gz".into(),
            size: 70_000
        }
    );
    assert_eq!((second.id, second.size), (32, csnap.len() as u64));
}

#[tokio::test]
async fn list_follows_the_link_header_through_every_page() {
    let server = MockServer::start().await;
    let uri = server.uri();
    // GitHub's `Link` points at /repositories/{id}/..., not at the path of the first request.
    let page2 = format!("{uri}/repositories/123/releases?per_page=100&page=2");
    let page1_body: Vec<Value> = (1..=100)
        .map(|i| release_json(&uri, i, &format!("monthly-{:04}-01", 1900 + i), json!([])))
        .collect();
    Mock::given(method("GET"))
        .and(path(format!("/repos/{REPO}/releases")))
        .and(query_param("per_page", "100"))
        .and(query_param_is_missing("page"))
        .and(header("authorization", "Bearer ghs_list_token_3"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", format!(r#"<{page2}>; rel="next", <{page2}>; rel="last""#))
                .set_body_json(page1_body),
        )
        .expect(1)
        .mount(&server)
        .await;
    let asset = json!([{ "id": 5, "name": "monthly-2026-01.tar.gz", "size": 1234, "state": "uploaded" }]);
    Mock::given(method("GET"))
        .and(path("/repositories/123/releases"))
        .and(query_param("per_page", "100"))
        .and(query_param("page", "2"))
        .and(header("authorization", "Bearer ghs_list_token_3"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!(r#"<{uri}/repositories/123/releases?per_page=100&page=1>; rel="prev""#),
                )
                .set_body_json(json!([release_json(&uri, 101, "monthly-2026-01", asset)])),
        )
        .expect(1)
        .mount(&server)
        .await;

    let releases = Releases::new(&api(&uri, "ghs_list_token_3"), REPO).unwrap();
    let all = releases.list().await.unwrap();
    assert_eq!(all.len(), 101);
    assert_eq!(all[0].tag, "monthly-1901-01");
    assert_eq!(all[99].id, 100);
    let last = &all[100];
    assert_eq!((last.id, last.tag.as_str()), (101, "monthly-2026-01"));
    assert_eq!(
        last.assets,
        vec![Asset {
            id: 5,
            name: "monthly-2026-01.tar.gz".into(),
            size: 1234
        }]
    );
}

#[tokio::test]
async fn delete_removes_the_release_then_its_tag_and_a_tag_already_gone_is_fine() {
    let server = MockServer::start().await;
    let uri = server.uri();
    for id in [7, 8, 9] {
        Mock::given(method("DELETE"))
            .and(path(format!("/repos/{REPO}/releases/{id}")))
            .and(header("authorization", "Bearer ghs_delete_token_4"))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }
    let tag_answers = [
        ("monthly-2025-01", ResponseTemplate::new(204)),
        (
            "monthly-2025-02",
            ResponseTemplate::new(404).set_body_json(json!({ "message": "Not Found" })),
        ),
        (
            "monthly-2025-03",
            ResponseTemplate::new(422).set_body_json(json!({ "message": "Reference does not exist" })),
        ),
    ];
    for (tag, answer) in tag_answers {
        Mock::given(method("DELETE"))
            .and(path(format!("/repos/{REPO}/git/refs/tags/{tag}")))
            .and(header("authorization", "Bearer ghs_delete_token_4"))
            .respond_with(answer)
            .expect(1)
            .mount(&server)
            .await;
    }

    let releases = Releases::new(&api(&uri, "ghs_delete_token_4"), REPO).unwrap();
    for (id, tag) in [(7, "monthly-2025-01"), (8, "monthly-2025-02"), (9, "monthly-2025-03")] {
        releases.delete(&release(&uri, id, tag)).await.unwrap();
    }
    let calls: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect();
    let expected: Vec<String> = [(7, "monthly-2025-01"), (8, "monthly-2025-02"), (9, "monthly-2025-03")]
        .iter()
        .flat_map(|(id, tag)| {
            [
                format!("DELETE /repos/{REPO}/releases/{id}"),
                format!("DELETE /repos/{REPO}/git/refs/tags/{tag}"),
            ]
        })
        .collect();
    assert_eq!(calls, expected);
}

#[tokio::test]
async fn github_enterprise_api_under_api_v3_and_uploads_under_api_uploads() {
    let server = MockServer::start().await;
    let uri = server.uri();
    let ghes_uploads = format!("{uri}/api/uploads");
    let auth = || header("authorization", "Bearer ghes_token_5");
    Mock::given(method("POST"))
        .and(path(format!("/api/v3/repos/{REPO}/releases")))
        .and(auth())
        .respond_with(ResponseTemplate::new(201).set_body_json(release_json(
            &ghes_uploads,
            9,
            "monthly-2026-02",
            json!([]),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/uploads/repos/{REPO}/releases/9/assets")))
        .and(query_param("name", "monthly-2026-02.tar.gz"))
        .and(auth())
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({ "id": 40, "name": "monthly-2026-02.tar.gz", "size": 3 })),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page2 = format!("{uri}/api/v3/repositories/77/releases?per_page=100&page=2");
    Mock::given(method("GET"))
        .and(path(format!("/api/v3/repos/{REPO}/releases")))
        .and(query_param_is_missing("page"))
        .and(auth())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", format!(r#"<{page2}>; rel="next""#))
                .set_body_json(json!([release_json(&ghes_uploads, 9, "monthly-2026-02", json!([]))])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v3/repositories/77/releases"))
        .and(query_param("page", "2"))
        .and(auth())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([release_json(
            &ghes_uploads,
            3,
            "monthly-2025-12",
            json!([])
        )])))
        .expect(1)
        .mount(&server)
        .await;
    for route in ["releases/3", "git/refs/tags/monthly-2025-12"] {
        Mock::given(method("DELETE"))
            .and(path(format!("/api/v3/repos/{REPO}/{route}")))
            .and(auth())
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
    }

    // With a trailing slash, as users paste it.
    let releases = Releases::new(&api(&format!("{uri}/api/v3/"), "ghes_token_5"), REPO).unwrap();
    let created = releases
        .create("monthly-2026-02", SHA, "monthly-2026-02", "notes")
        .await
        .unwrap();
    let asset = releases
        .upload_asset(&created, "monthly-2026-02.tar.gz", "application/gzip", b"tgz".to_vec())
        .await
        .unwrap();
    assert_eq!(asset.id, 40);
    let all = releases.list().await.unwrap();
    let tags: Vec<&str> = all.iter().map(|r| r.tag.as_str()).collect();
    assert_eq!(tags, ["monthly-2026-02", "monthly-2025-12"]);
    releases.delete(&all[1]).await.unwrap();
}

#[tokio::test]
async fn refusals_say_what_to_check_and_never_show_the_token() {
    let server = MockServer::start().await;
    let token = "ghp_refused_token_6_abcdef";
    // A proxy that echoes the credentials back: the message still must not show them.
    Mock::given(method("POST"))
        .and(path(format!("/repos/{REPO}/releases")))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "message": format!("Bad credentials (Bearer {token})"),
            "documentation_url": "https://docs.github.com/rest",
        })))
        .mount(&server)
        .await;
    let releases = Releases::new(&api(&server.uri(), token), REPO).unwrap();
    let err = releases
        .create("monthly-2026-01", SHA, "monthly-2026-01", "notes")
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Denied { status: 401, .. }), "{err:?}");
    assert!(
        text.contains("Check github-token: it needs `contents: write`"),
        "{text}"
    );
    assert!(text.contains(&format!("POST /repos/{REPO}/releases")), "{text}");
    assert!(text.contains("Bad credentials"), "{text}");
    assert!(!text.contains(token) && !format!("{err:?}").contains(token), "{text}");

    // 404: the repository does not exist here, or the token cannot see it.
    let missing = Releases::new(&api(&server.uri(), token), "acme/nothing-here").unwrap();
    let err = missing.list().await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("Check repository: acme/nothing-here"), "{err}");

    // A 403 that is the rate limit says so, and when it resets.
    let limited = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "1780000000")
                .set_body_json(json!({ "message": "API rate limit exceeded for installation ID 1." })),
        )
        .mount(&limited)
        .await;
    let err = Releases::new(&api(&limited.uri(), token), REPO)
        .unwrap()
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(err.to_string().contains("It resets at 2026-05-28T20:26:40Z"), "{err}");

    // Nothing listening: the API URL is the thing to check.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = Releases::new(&api(&format!("http://{closed}"), token), REPO)
        .unwrap()
        .list()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.to_string().contains("Check github-api-url"), "{err}");

    // Not owner/name: refused before any request.
    let err = Releases::new(&api(&server.uri(), token), "just-a-name").err().unwrap();
    assert!(err.to_string().contains("Check repository"), "{err}");
}

//! The GitHub Releases client against the fake GitHub API: creating a release on the tag's commit,
//! uploading assets to the upload URL the release names, listing every page through the `Link`
//! header, deleting a release with its tag, a GitHub Enterprise base URL, and errors that say what
//! to check without showing the token.

use cognigy_backup_action::action::config::GithubApi;
use cognigy_backup_action::github::{Asset, Error, Releases};
use cognigy_backup_action::secrets::Secret;
use cognigy_backup_testkit::fake_github::{FakeGithub, Fault, Grant};
use reqwest::Url;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const REPO: &str = "acme/cognigy-backup-bot";
const SHA: &str = "4f84fe4c1b2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f";

/// A fake GitHub (`enterprise`: under `/api/v3`) holding [`REPO`], accepting `token` for it.
fn github(enterprise: bool, token: &str) -> FakeGithub {
    let github = if enterprise {
        FakeGithub::start_enterprise()
    } else {
        FakeGithub::start()
    };
    github.add_repo(REPO, true);
    github.add_token(token, Grant::workflow(REPO));
    github
}

fn api(url: &str, token: &str) -> GithubApi {
    GithubApi {
        url: Url::parse(url).unwrap(),
        token: Some(Secret::new(token)),
    }
}

#[tokio::test]
async fn create_posts_the_tag_its_commit_the_name_and_the_notes_with_the_token() {
    let github = github(false, "ghs_create_token_1");
    let notes = "## Snapshot 2026-01\n\n| kind | count |\n|---|---|\n| flows | 12 |\n";
    let releases = Releases::new(&api(&github.api_url(), "ghs_create_token_1"), REPO).unwrap();
    let created = releases
        .create("monthly-2026-01", SHA, "monthly-2026-01", notes)
        .await
        .unwrap();
    assert_eq!(created.tag, "monthly-2026-01");
    assert_eq!(created.name.as_deref(), Some("monthly-2026-01"));
    assert_eq!(created.target_commitish, SHA);
    assert!(created.assets.is_empty());

    let stored = github.repo(REPO).releases;
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].id, stored[0].body.as_str()), (created.id, notes));
    let request = &github.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str(), request.status),
        ("POST", "/repos/acme/cognigy-backup-bot/releases", 201)
    );
    assert_eq!(request.token.as_deref(), Some("ghs_create_token_1"));
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    assert_eq!(request.accept.as_deref(), Some("application/vnd.github+json"));
}

#[tokio::test]
async fn assets_go_to_the_upload_url_with_their_name_content_type_and_bytes() {
    let github = github(false, "ghs_upload_token_2");
    let releases = Releases::new(&api(&github.api_url(), "ghs_upload_token_2"), REPO).unwrap();
    let target = releases
        .create("monthly-2026-01", SHA, "monthly-2026-01", "notes")
        .await
        .unwrap();
    let tarball: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let csnap = b"PK\x03\x04 native snapshot".to_vec();
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
        (first.name.as_str(), first.size, second.size),
        ("monthly-2026-01.tar.gz", 70_000, csnap.len() as u64)
    );
    let stored = &github.repo(REPO).releases[0].assets;
    assert_eq!(stored.len(), 2);
    assert_eq!(
        (stored[0].content_type.as_str(), &stored[0].bytes),
        ("application/gzip", &tarball)
    );
    assert_eq!(
        (stored[1].content_type.as_str(), &stored[1].bytes),
        ("application/octet-stream", &csnap)
    );
    let uploads: Vec<_> = github
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/assets"))
        .collect();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0].query, "name=monthly-2026-01.tar.gz");
    assert!(uploads.iter().all(|r| r.token.as_deref() == Some("ghs_upload_token_2")));
}

#[tokio::test]
async fn list_follows_the_link_header_through_every_page() {
    let github = github(false, "ghs_list_token_3");
    for year in 1901..=2001 {
        let asset: &[(&str, &[u8])] = if year == 1901 {
            &[("monthly-1901-01.tar.gz", b"tgz")]
        } else {
            &[]
        };
        github.add_release(REPO, &format!("monthly-{year}-01"), asset);
    }
    let releases = Releases::new(&api(&github.api_url(), "ghs_list_token_3"), REPO).unwrap();
    let all = releases.list().await.unwrap();
    assert_eq!(all.len(), 101);
    // Newest first, as GitHub lists them: the oldest, with its asset, comes on the second page.
    assert_eq!(all[0].tag, "monthly-2001-01");
    let last = &all[100];
    assert_eq!(last.tag, "monthly-1901-01");
    assert_eq!(
        last.assets,
        vec![Asset {
            id: last.assets[0].id,
            name: "monthly-1901-01.tar.gz".into(),
            size: 3
        }]
    );
    let id = github.repo(REPO).id;
    let requests: Vec<String> = github
        .requests()
        .iter()
        .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
        .collect();
    assert_eq!(
        requests,
        [
            format!("GET /repos/{REPO}/releases?per_page=100"),
            format!("GET /repositories/{id}/releases?per_page=100&page=2"),
        ]
    );
}

#[tokio::test]
async fn delete_removes_the_release_then_its_tag_and_a_tag_already_gone_is_fine() {
    let github = github(false, "ghs_delete_token_4");
    for tag in ["monthly-2025-01", "monthly-2025-02", "monthly-2025-03"] {
        github.add_release(REPO, tag, &[]);
    }
    // The second tag was deleted by hand (GitHub: 422 "Reference does not exist"); the third's
    // delete meets a 404 (a tag protected from this token looks missing).
    github.edit_repo(REPO, |repo| repo.tags.remove("monthly-2025-02"));
    github.add_fault(Fault {
        method: "DELETE".into(),
        path_contains: "git/refs/tags/monthly-2025-03".into(),
        status: 404,
        message: "Not Found".into(),
    });
    let releases = Releases::new(&api(&github.api_url(), "ghs_delete_token_4"), REPO).unwrap();
    let listed = releases.list().await.unwrap();
    github.reset_log();
    for release in listed.iter().rev() {
        releases.delete(release).await.unwrap();
    }
    assert!(github.repo(REPO).releases.is_empty());
    let calls: Vec<String> = github
        .requests()
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect();
    let expected: Vec<String> = listed
        .iter()
        .rev()
        .zip([204, 422, 404])
        .flat_map(|(release, tag_status)| {
            [
                format!("DELETE /repos/{REPO}/releases/{} 204", release.id),
                format!("DELETE /repos/{REPO}/git/refs/tags/{} {tag_status}", release.tag),
            ]
        })
        .collect();
    assert_eq!(calls, expected);
}

#[tokio::test]
async fn github_enterprise_api_under_api_v3_and_uploads_under_api_uploads() {
    let github = github(true, "ghes_token_5");
    for n in 0..100 {
        github.add_release(REPO, &format!("monthly-{:04}-01", 1900 + n), &[]);
    }
    // With a trailing slash, as users paste it.
    let url = format!("{}/", github.api_url());
    assert!(url.ends_with("/api/v3/"), "{url}");
    let releases = Releases::new(&api(&url, "ghes_token_5"), REPO).unwrap();
    let created = releases
        .create("monthly-2026-02", SHA, "monthly-2026-02", "notes")
        .await
        .unwrap();
    releases
        .upload_asset(&created, "monthly-2026-02.tar.gz", "application/gzip", b"tgz".to_vec())
        .await
        .unwrap();
    let all = releases.list().await.unwrap();
    assert_eq!(all.len(), 101, "both pages");
    assert_eq!(all[0].tag, "monthly-2026-02");
    releases.delete(&all[100]).await.unwrap();
    let paths: Vec<String> = github
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let id = github.repo(REPO).id;
    assert_eq!(
        paths,
        [
            format!("POST /api/v3/repos/{REPO}/releases"),
            format!("POST /api/uploads/repos/{REPO}/releases/{}/assets", created.id),
            format!("GET /api/v3/repos/{REPO}/releases"),
            format!("GET /api/v3/repositories/{id}/releases"),
            format!("DELETE /api/v3/repos/{REPO}/releases/{}", all[100].id),
            format!("DELETE /api/v3/repos/{REPO}/git/refs/tags/monthly-1900-01"),
        ]
    );
    assert!(github.requests().iter().all(|r| (200..300).contains(&r.status)));
}

#[tokio::test]
async fn refusals_say_what_to_check_and_never_show_the_token() {
    let token = "ghp_refused_token_6_abcdef";
    let github = github(false, token);
    // A proxy that echoes the credentials back: the message still must not show them.
    github.add_fault(Fault {
        method: "POST".into(),
        path_contains: "releases".into(),
        status: 401,
        message: format!("Bad credentials (Bearer {token})"),
    });
    let releases = Releases::new(&api(&github.api_url(), token), REPO).unwrap();
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

    // A token the server does not know.
    let unknown = Releases::new(&api(&github.api_url(), "ghp_unknown"), REPO).unwrap();
    let err = unknown.list().await.unwrap_err();
    assert!(matches!(err, Error::Denied { status: 401, .. }), "{err:?}");

    // A token without `contents: write` may list but not create.
    github.add_token(
        "ghs_read_only",
        Grant {
            contents: cognigy_backup_testkit::fake_github::Access::Read,
            ..Grant::workflow(REPO)
        },
    );
    let read_only = Releases::new(&api(&github.api_url(), "ghs_read_only"), REPO).unwrap();
    read_only.list().await.unwrap();
    let err = read_only.create("monthly-2026-01", SHA, "x", "y").await.unwrap_err();
    assert!(matches!(err, Error::Denied { status: 403, .. }), "{err:?}");
    assert!(
        err.to_string().contains("Resource not accessible by integration"),
        "{err}"
    );

    // 404: the repository does not exist here, or the token cannot see it.
    let missing = Releases::new(&api(&github.api_url(), token), "acme/nothing-here").unwrap();
    let err = missing.list().await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(err.to_string().contains("Check repository: acme/nothing-here"), "{err}");

    // A spent budget is GitHub's 403 rate limit: it says so, and when it resets.
    github.set_remaining(token, 0);
    let err = releases.list().await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    let text = err.to_string();
    let at = text
        .split("It resets at ")
        .nth(1)
        .and_then(|rest| rest.split(". ").next())
        .unwrap();
    let at = OffsetDateTime::parse(at, &Rfc3339).unwrap();
    let ahead = at - OffsetDateTime::now_utc();
    assert!(ahead.whole_minutes() > 50 && ahead.whole_minutes() <= 60, "{text}");

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
    let err = Releases::new(&api(&github.api_url(), token), "just-a-name")
        .err()
        .unwrap();
    assert!(err.to_string().contains("Check repository"), "{err}");
}

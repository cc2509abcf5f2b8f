//! The release form of `action.yml` (`scripts/release-action.py`): the interface of the tagged
//! source, only `runs.image` pointing at the published image by digest.

mod support;

use serde_yaml_ng::Value;
use support::action_yml::{ActionYml, repo_root};
use support::scripts;

const DIGEST: &str = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

fn image() -> String {
    format!("ghcr.io/example-org/cognigy-backup-action@{DIGEST}")
}

/// The release form of the repository's `action.yml`, written to a file and read back.
fn release_form(dir: &tempfile::TempDir, image: &str) -> (String, ActionYml) {
    let out = dir.path().join("action.yml");
    let run = scripts::run("release-action.py", &[image, "-o", out.to_str().unwrap()]);
    assert_eq!(run.status, Some(0), "release-action.py failed: {}", run.stderr);
    assert!(run.stdout.is_empty(), "with -o nothing goes to stdout: {}", run.stdout);
    let text = std::fs::read_to_string(&out).unwrap();
    (text, ActionYml::from_path(&out))
}

#[test]
fn the_release_form_has_the_same_interface_and_only_another_image() {
    let dir = tempfile::tempdir().unwrap();
    let (text, release) = release_form(&dir, &image());
    let source = ActionYml::load();

    assert_eq!(
        release.raw["runs"]["image"],
        Value::String(format!("docker://{}", image())),
        "runs.image names the published image by digest"
    );
    assert_eq!(release.raw["runs"]["using"], Value::String("docker".into()));
    let names = |a: &ActionYml| {
        (
            a.inputs
                .iter()
                .map(|i| (i.name.clone(), i.default.clone(), i.required))
                .collect::<Vec<_>>(),
            a.outputs.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        names(&release),
        names(&source),
        "same inputs (with defaults) and outputs, in order"
    );
    let mut expected = source.raw.clone();
    expected["runs"]["image"] = release.raw["runs"]["image"].clone();
    assert_eq!(release.raw, expected, "nothing but runs.image differs");

    // As text too: one line changed, every comment and the layout kept.
    let original = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    let changed: Vec<(&str, &str)> = original.lines().zip(text.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(original.lines().count(), text.lines().count());
    assert_eq!(changed.len(), 1, "exactly one line differs: {changed:?}");
    assert_eq!(changed[0].1.trim(), format!("image: docker://{}", image()));
}

#[test]
fn the_release_form_goes_to_stdout_and_may_replace_action_yml_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("action.yml");
    std::fs::copy(repo_root().join("action.yml"), &copy).unwrap();
    let to_stdout = scripts::run("release-action.py", &[&image(), copy.to_str().unwrap()]);
    assert_eq!(to_stdout.status, Some(0), "{}", to_stdout.stderr);

    // In place, as the release workflow runs it, from a `docker://` reference this time.
    let in_place = scripts::run(
        "release-action.py",
        &[
            &format!("docker://{}", image()),
            copy.to_str().unwrap(),
            "-o",
            copy.to_str().unwrap(),
        ],
    );
    assert_eq!(in_place.status, Some(0), "{}", in_place.stderr);
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), to_stdout.stdout);

    // Run again on a release form (a later release from that commit): the image is replaced again.
    let other = format!("ghcr.io/example-org/cognigy-backup-action@sha256:{}", "0".repeat(64));
    let again = scripts::run("release-action.py", &[&other, copy.to_str().unwrap()]);
    assert_eq!(again.status, Some(0), "{}", again.stderr);
    assert_eq!(
        again.stdout,
        to_stdout.stdout.replace(DIGEST, &format!("sha256:{}", "0".repeat(64)))
    );
}

#[test]
fn an_image_not_named_by_its_digest_is_refused() {
    let short = "ghcr.io/example-org/cognigy-backup-action@sha256:9f86d081";
    let upper = format!("ghcr.io/Example-Org/cognigy-backup-action@{DIGEST}");
    let bare = format!("cognigy-backup-action@{DIGEST}");
    let both = format!("ghcr.io/example-org/cognigy-backup-action:v1@{DIGEST}");
    for bad in [
        "ghcr.io/example-org/cognigy-backup-action:v1",
        "ghcr.io/example-org/cognigy-backup-action",
        short,
        &upper,
        &bare,
        &both,
        "",
    ] {
        let run = scripts::run("release-action.py", &[bad]);
        assert_eq!(run.status, Some(2), "{bad:?} must be refused: {run:?}");
        assert!(run.stdout.is_empty(), "nothing is printed for {bad:?}");
        assert!(
            run.stderr.contains("is not an image by digest")
                && run.stderr.contains("accepted: REGISTRY/OWNER/NAME@sha256:"),
            "the message names the problem and what is accepted: {}",
            run.stderr
        );
    }
}

#[test]
fn an_action_yml_without_one_docker_image_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "name: x\nruns:\n  using: node24\n  main: index.js\n",
            "runs.using is 'node24'",
        ),
        ("name: x\nruns:\n  using: docker\n", "0 `image:` keys"),
        (
            "name: x\nruns: {using: docker, image: Dockerfile}\n",
            "no top-level `runs:` block",
        ),
        ("name: x\ninputs: {}\n", "no top-level `runs:` block"),
        (
            "name: x\nruns:\n  using: docker\n  image: Dockerfile\nruns:\n  using: docker\n  image: Dockerfile\n",
            "more than one top-level `runs:`",
        ),
    ];
    for (text, message) in cases {
        let path = dir.path().join("action.yml");
        std::fs::write(&path, text).unwrap();
        let run = scripts::run("release-action.py", &[&image(), path.to_str().unwrap()]);
        assert_eq!(run.status, Some(2), "refused: {text:?}: {run:?}");
        assert!(run.stderr.contains(message), "{message:?} in {:?}", run.stderr);
    }
}

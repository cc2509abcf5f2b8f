//! A git server for the tests (`git http-backend` behind Basic auth), git CLI helpers, snapshot-like files.

use std::path::{Path, PathBuf};

use cognigy_backup_action::secrets::Secret;
use cognigy_backup_action::store::{Files, ObjectId, RefSelection, Remote, Store};
pub use cognigy_backup_testkit::git::{assert_fsck_clean, git};
use cognigy_backup_testkit::git_server::GitServer;

pub const USER: &str = "x-access-token";
pub const TOKEN: &str = "ghs_test-token-4f1e9a";

/// A git server with one empty repository, and a folder for stores and clones.
pub struct Fixture {
    pub server: GitServer,
    pub repo: PathBuf,
    pub temp: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Fixture {
        Self::with(GitServer::create_repo)
    }

    pub fn without_atomic() -> Fixture {
        Self::with(GitServer::create_repo_without_atomic)
    }

    fn with(create: fn(&GitServer, &str) -> PathBuf) -> Fixture {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir(temp.path().join("srv")).unwrap();
        let server = GitServer::start(temp.path().join("srv"), USER, TOKEN);
        let repo = create(&server, "backup.git");
        Fixture { server, repo, temp }
    }

    /// Someone with write access edits the tip of `branch` after the backup: `edit` changes files
    /// of a clone (and answers what it changed), the tip is amended, keeping its message, and
    /// force-pushed. Answers what `edit` answered.
    pub fn tamper(&self, branch: &str, edit: impl FnOnce(&Path) -> String) -> String {
        let clone = self.temp.path().join("tamper");
        let (repo, clone_path) = (self.repo.to_str().unwrap(), clone.to_str().unwrap());
        git(
            self.temp.path(),
            &["clone", "--quiet", "--branch", branch, repo, clone_path],
        );
        let changed = edit(&clone);
        let amend = [
            "-c",
            "user.name=x",
            "-c",
            "user.email=x@example.com",
            "commit",
            "--quiet",
            "--amend",
            "--no-edit",
            "-a",
        ];
        git(&clone, &amend);
        git(&clone, &["push", "--quiet", "--force", "origin", branch]);
        changed
    }

    pub fn remote(&self) -> Remote {
        Remote::new(self.server.url("backup.git"), Some(Secret::new(TOKEN)))
    }

    pub fn store(&self) -> Store {
        Store::create(self.temp.path()).unwrap()
    }

    /// The ref's value on the server, if it exists.
    pub fn server_ref(&self, name: &str) -> Option<String> {
        let out = std::process::Command::new("git")
            .args(["rev-parse", "--verify", "--quiet", name])
            .current_dir(&self.repo)
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8(out.stdout).unwrap().trim().to_owned())
    }

    /// The files of `branch`'s tip on the server, read with the git CLI.
    pub fn tip_files(&self, branch: &str) -> Files {
        let listing = git(&self.repo, &["ls-tree", "-r", "-z", "--name-only", branch]);
        listing
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(|path| {
                let blob = std::process::Command::new("git")
                    .args(["cat-file", "blob", &format!("{branch}:{path}")])
                    .current_dir(&self.repo)
                    .output()
                    .unwrap();
                (path.to_owned(), blob.stdout)
            })
            .collect()
    }

    /// `git fsck --full --strict` on the server repository passes.
    pub fn assert_fsck_clean(&self) {
        assert_fsck_clean(&self.repo);
    }

    /// A clone of `branch` holds exactly `files`.
    pub fn assert_clone_holds(&self, branch: &str, files: &Files) {
        let dir = self.temp.path().join(format!("clone-{}", next_number()));
        git(
            self.temp.path(),
            &[
                "clone",
                "--quiet",
                "--branch",
                branch,
                self.repo.to_str().unwrap(),
                dir.to_str().unwrap(),
            ],
        );
        assert_eq!(&work_tree_files(&dir), files, "clone of {branch}");
    }
}

pub fn selection() -> RefSelection {
    RefSelection::new("snapshot/", ["snapshot/audit"], "monthly-")
}

/// `count` snapshot-like files in folders of ten, their contents depending on `seed`.
pub fn files(count: usize, seed: &str) -> Files {
    (0..count)
        .map(|i| {
            let path = format!("project/flows/flow-{:04}--id/chart-{}.json", i / 10, i % 10);
            let contents = format!(
                "{{\n  \"index\": {i},\n  \"seed\": \"{seed}\",\n  \"nodes\": [{}]\n}}\n",
                "1, ".repeat(40)
            );
            (path, contents.into_bytes())
        })
        .collect()
}

/// Writes `files` and commits them on `parent`.
pub fn commit(store: &Store, files: &Files, parent: Option<ObjectId>, message: &str) -> ObjectId {
    let tree = store.write_tree(files).unwrap();
    store
        .commit(tree, parent, message, time::macros::datetime!(2025-03-01 10:00 UTC))
        .unwrap()
}

fn work_tree_files(dir: &Path) -> Files {
    let mut files = Files::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().unwrap() == ".git" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_str().unwrap().replace('\\', "/");
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn next_number() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::SeqCst)
}

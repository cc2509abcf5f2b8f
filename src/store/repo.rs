//! The scratch bare repository: writing and reading blobs, trees and commits without a work tree.

use std::collections::BTreeMap;
use std::path::Path;

use gix::ObjectId;
use gix::bstr::ByteSlice as _;
use gix::objs::tree::{Entry, EntryKind};

use crate::store::chain::{self, Link, Step};
use crate::store::{Error, Files};

/// The identity every snapshot commit is committed by (and authored by, unless it names an author).
const NAME: &str = "cognigy-backup";
const EMAIL: &str = "cognigy-backup@users.noreply.github.com";

/// A bare repository in a temporary folder, removed when the store is dropped.
pub struct Store {
    repo: gix::Repository,
    // Dropped last: the folder goes once nothing uses it.
    dir: tempfile::TempDir,
}

impl Store {
    /// A new empty store in a fresh folder under `temp_parent` (`RUNNER_TEMP` or the system's).
    pub fn create(temp_parent: &Path) -> Result<Store, Error> {
        let dir = tempfile::Builder::new()
            .prefix("cognigy-backup-store-")
            .tempdir_in(temp_parent)
            .map_err(|err| Error::local("be created", format!("{}: {err}", temp_parent.display())))?;
        let repo = gix::ThreadSafeRepository::init_opts(
            dir.path(),
            gix::create::Kind::Bare,
            gix::create::Options::default(),
            gix::open::Options::isolated(),
        )
        .map_err(|err| Error::local("be created", err))?
        .to_thread_local();
        Ok(Store { repo, dir })
    }

    /// The repository's folder (its git dir).
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn repo(&self) -> &gix::Repository {
        &self.repo
    }

    /// Writes `files` as blobs and trees; returns the root tree.
    pub fn write_tree(&self, files: &Files) -> Result<ObjectId, Error> {
        let mut root = Dir::default();
        for (path, contents) in files {
            root.insert(path, contents)?;
        }
        self.write_dir(&root)
    }

    fn write_dir(&self, dir: &Dir<'_>) -> Result<ObjectId, Error> {
        let mut entries = Vec::with_capacity(dir.files.len() + dir.dirs.len());
        for (name, contents) in &dir.files {
            let oid = self
                .repo
                .write_blob(contents)
                .map_err(|err| Error::local("write a blob", err))?
                .detach();
            entries.push(Entry {
                mode: EntryKind::Blob.into(),
                filename: (*name).into(),
                oid,
            });
        }
        for (name, sub) in &dir.dirs {
            let oid = self.write_dir(sub)?;
            entries.push(Entry {
                mode: EntryKind::Tree.into(),
                filename: (*name).into(),
                oid,
            });
        }
        entries.sort();
        let tree = gix::objs::Tree { entries };
        Ok(self
            .repo
            .write_object(&tree)
            .map_err(|err| Error::local("write a tree", err))?
            .detach())
    }

    /// Writes a commit of `tree` on `parent` (none: a root), dated `at`, by the store's identity.
    pub fn commit(
        &self,
        tree: ObjectId,
        parent: Option<ObjectId>,
        message: &str,
        at: time::OffsetDateTime,
    ) -> Result<ObjectId, Error> {
        self.write_commit(&chain::Commit::captured(tree, message, at), parent)
    }

    /// Writes `commit` on `parent` (none: a root), keeping its dates and author; the store's
    /// identity commits it (and authors it, unless the commit names an author).
    pub fn write_commit(&self, commit: &chain::Commit, parent: Option<ObjectId>) -> Result<ObjectId, Error> {
        let signature = |(name, email): (&str, &str), time| gix::actor::Signature {
            name: name.into(),
            email: email.into(),
            time,
        };
        let author = commit
            .author
            .as_ref()
            .map_or((NAME, EMAIL), |a| (a.name.as_str(), a.email.as_str()));
        let object = gix::objs::Commit {
            tree: commit.tree,
            parents: parent.into_iter().collect(),
            author: signature(author, commit.authored),
            committer: signature((NAME, EMAIL), commit.committed),
            encoding: None,
            message: commit.message.as_str().into(),
            extra_headers: Vec::new(),
        };
        Ok(self
            .repo
            .write_object(&object)
            .map_err(|err| Error::local("write a commit", err))?
            .detach())
    }

    /// Writes the commits a [`chain::plan`] asks for; returns the new tip (none: an empty chain).
    pub fn write_chain(&self, steps: &[Step]) -> Result<Option<ObjectId>, Error> {
        let mut tip = None;
        for step in steps {
            tip = Some(match step {
                Step::Keep(id) => *id,
                Step::Write(commit) => self.write_commit(commit, tip)?,
            });
        }
        Ok(tip)
    }

    /// What commit `id` holds.
    pub fn read_commit(&self, id: ObjectId) -> Result<chain::Commit, Error> {
        Ok(self.decode_commit(id)?.1)
    }

    /// The chain ending at `tip`, oldest first, following first parents.
    pub fn chain(&self, tip: ObjectId) -> Result<Vec<Link>, Error> {
        let mut links = Vec::new();
        let mut next = Some(tip);
        while let Some(id) = next {
            let (parent, commit) = self.decode_commit(id)?;
            links.push(Link { id, commit });
            next = parent;
        }
        links.reverse();
        Ok(links)
    }

    /// A commit's first parent and content.
    fn decode_commit(&self, id: ObjectId) -> Result<(Option<ObjectId>, chain::Commit), Error> {
        let read = |err: gix::Error| Error::local("read a commit", format!("{id}: {err}"));
        let found = self.repo.find_commit(id).map_err(read)?;
        let commit = found.decode().map_err(read)?.into_owned().map_err(read)?;
        let content = chain::Commit {
            tree: commit.tree,
            message: commit.message.to_str_lossy().into_owned(),
            author: (commit.author.name != NAME || commit.author.email != EMAIL).then(|| chain::Author {
                name: commit.author.name.to_str_lossy().into_owned(),
                email: commit.author.email.to_str_lossy().into_owned(),
            }),
            authored: commit.author.time,
            committed: commit.committer.time,
        };
        Ok((commit.parents.first().copied(), content))
    }

    /// The id of the tree at `path` (`/`-separated, e.g. `project`) in commit `commit`, if there is one.
    pub fn subtree(&self, commit: ObjectId, path: &str) -> Result<Option<ObjectId>, Error> {
        let mut tree = self.read_commit(commit)?.tree;
        for name in path.split('/').filter(|name| !name.is_empty()) {
            let entry = self.tree_entries(tree)?.into_iter().find(|e| e.filename == name);
            match entry {
                Some(entry) if entry.mode.is_tree() => tree = entry.oid,
                _ => return Ok(None),
            }
        }
        Ok(Some(tree))
    }

    /// The files of `tree`, read back into paths and contents.
    pub fn read_files(&self, tree: ObjectId) -> Result<Files, Error> {
        let (files, unreadable) = self.read_files_partly(tree);
        match unreadable.into_iter().next() {
            Some(first) => Err(first.error),
            None => Ok(files),
        }
    }

    /// The files of `tree` that can be read, and the paths (a folder's ending in `/`, the root's
    /// empty) whose objects cannot: missing from the repository or damaged.
    pub fn read_files_partly(&self, tree: ObjectId) -> (Files, Vec<Unreadable>) {
        let mut files = Files::new();
        let mut unreadable = Vec::new();
        self.read_dir(tree, "", &mut files, &mut unreadable);
        (files, unreadable)
    }

    fn read_dir(&self, tree: ObjectId, prefix: &str, files: &mut Files, unreadable: &mut Vec<Unreadable>) {
        let entries = match self.tree_entries(tree) {
            Ok(entries) => entries,
            Err(error) => {
                unreadable.push(Unreadable {
                    path: prefix.to_owned(),
                    error,
                });
                return;
            }
        };
        for entry in entries {
            let path = format!("{prefix}{}", entry.filename);
            if entry.mode.is_tree() {
                self.read_dir(entry.oid, &format!("{path}/"), files, unreadable);
            } else if entry.mode.is_blob_or_symlink() {
                match self.repo.find_object(entry.oid) {
                    Ok(blob) => {
                        files.insert(path, blob.detach().data);
                    }
                    Err(err) => unreadable.push(Unreadable {
                        path,
                        error: Error::local("read a blob", format!("{}: {err}", entry.oid)),
                    }),
                }
            }
        }
    }

    /// The parents of commit `id`, in order (a chain's commits have at most one).
    pub fn parents(&self, id: ObjectId) -> Result<Vec<ObjectId>, Error> {
        let read = |err: gix::Error| Error::local("read a commit", format!("{id}: {err}"));
        let found = self.repo.find_commit(id).map_err(read)?;
        Ok(found.parent_ids().map(|parent| parent.detach()).collect())
    }

    /// The objects reachable from `tips` (each commit's first-parent history, trees and blobs),
    /// counted once each: how many, and their size in bytes before compression.
    pub fn reachable_size(&self, tips: &[ObjectId]) -> Result<(usize, u64), Error> {
        let mut seen = std::collections::HashSet::new();
        let mut bytes = 0u64;
        let mut trees = Vec::new();
        for &tip in tips {
            for link in self.chain(tip)? {
                if seen.insert(link.id) {
                    bytes += self.object_size(link.id)?;
                    trees.push(link.commit.tree);
                }
            }
        }
        while let Some(tree) = trees.pop() {
            if !seen.insert(tree) {
                continue;
            }
            bytes += self.object_size(tree)?;
            for entry in self.tree_entries(tree)? {
                if entry.mode.is_tree() {
                    trees.push(entry.oid);
                } else if seen.insert(entry.oid) {
                    bytes += self.object_size(entry.oid)?;
                }
            }
        }
        Ok((seen.len(), bytes))
    }

    fn object_size(&self, id: ObjectId) -> Result<u64, Error> {
        let header = self
            .repo
            .find_header(id)
            .map_err(|err| Error::local("read an object", format!("{id}: {err}")))?;
        Ok(header.size())
    }

    /// The entries of tree `id`.
    pub(crate) fn tree_entries(&self, id: ObjectId) -> Result<Vec<Entry>, Error> {
        let read = |err: gix::Error| Error::local("read a tree", format!("{id}: {err}"));
        let tree = self.repo.find_tree(id).map_err(read)?;
        Ok(tree.decode().map_err(read)?.into_owned().entries)
    }
}

/// A path of a tree whose object could not be read, and why.
#[derive(Debug)]
pub struct Unreadable {
    pub path: String,
    pub error: Error,
}

/// A folder of the tree being written: its files and sub-folders by name.
#[derive(Default)]
struct Dir<'a> {
    files: BTreeMap<&'a str, &'a [u8]>,
    dirs: BTreeMap<&'a str, Dir<'a>>,
}

impl<'a> Dir<'a> {
    fn insert(&mut self, path: &'a str, contents: &'a [u8]) -> Result<(), Error> {
        let invalid = |reason| Error::InvalidPath {
            path: path.to_owned(),
            reason,
        };
        let mut names = path.split('/').peekable();
        let mut dir = self;
        while let Some(name) = names.next() {
            if name.is_empty() || name == "." || name == ".." {
                return Err(invalid("it has an empty, `.` or `..` component"));
            }
            if name.eq_ignore_ascii_case(".git") || name.contains('\0') {
                return Err(invalid("git cannot store `.git` or NUL in a path"));
            }
            if names.peek().is_none() {
                if dir.dirs.contains_key(name) {
                    return Err(invalid("a file and a folder have the same path"));
                }
                dir.files.insert(name, contents);
            } else if dir.files.contains_key(name) {
                return Err(invalid("a file and a folder have the same path"));
            } else {
                dir = dir.dirs.entry(name).or_default();
            }
        }
        Ok(())
    }
}

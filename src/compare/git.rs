//! Compare stage, revisions: the content and templates folders as a git revision holds them,
//! read with gix (no `git` program) and written into a temporary folder that the build reads as
//! it reads the working tree. The output folder is never touched.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// One side of a comparison: where its content and templates are.
pub struct Side {
    /// What the user called it: a revision (`HEAD`, `v1`, a hash) or `working tree`.
    pub label: String,
    pub content: PathBuf,
    pub templates: PathBuf,
    /// The folder the revision was written into (removed when the side is dropped).
    _temp: Option<tempfile::TempDir>,
}

/// The office's repository around the content folder.
pub struct Repo {
    repo: gix::Repository,
    workdir: PathBuf,
}

impl Repo {
    /// Finds the repository that holds `content`.
    pub fn discover(content: &Path) -> anyhow::Result<Self> {
        let content = content.canonicalize().with_context(|| {
            format!("the content folder {} cannot be opened", content.display())
        })?;
        let repo = gix::discover(&content).map_err(|err| {
            anyhow::anyhow!("{} is not in a git repository ({err}) (hint: `zyz diff` compares git revisions: run `git init` and commit the content first)", content.display())
        })?;
        let Some(workdir) = repo.workdir() else {
            bail!(
                "the repository of {} has no working tree",
                content.display()
            );
        };
        let workdir = workdir.canonicalize()?;
        Ok(Self { repo, workdir })
    }

    /// The working tree's folders as they are.
    pub fn working_tree(&self, content: &Path, templates: &Path) -> Side {
        Side {
            label: "working tree".to_owned(),
            content: content.to_path_buf(),
            templates: templates.to_path_buf(),
            _temp: None,
        }
    }

    /// The folders `content` and `templates` as revision `rev` holds them.
    pub fn revision(&self, rev: &str, content: &Path, templates: &Path) -> anyhow::Result<Side> {
        let tree = self.tree(rev)?;
        let temp = tempfile::Builder::new().prefix("zyz-diff-").tempdir()?;
        let mut sides = Vec::new();
        for (name, folder) in [("content", content), ("templates", templates)] {
            let inside = self.relative(folder)?;
            let target = temp.path().join(name);
            std::fs::create_dir_all(&target)?;
            self.write_folder(&tree, &inside, &target)
                .with_context(|| format!("cannot read {} at {rev}", inside.display()))?;
            sides.push(target);
        }
        let templates = sides.pop().expect("two folders");
        let content = sides.pop().expect("two folders");
        Ok(Side {
            label: rev.to_owned(),
            content,
            templates,
            _temp: Some(temp),
        })
    }

    /// The commit HEAD names (hex), if there is one.
    pub fn head(&self) -> Option<String> {
        self.repo.head_id().ok().map(|id| id.to_string())
    }

    fn tree(&self, rev: &str) -> anyhow::Result<gix::Tree<'_>> {
        if self.repo.head_id().is_err() {
            bail!(
                "the repository at {} has no commits yet (hint: commit the content first, then `zyz diff` compares the working tree with it)",
                self.workdir.display()
            );
        }
        let id = self.repo.rev_parse_single(rev).map_err(|err| {
            anyhow::anyhow!("there is no revision `{rev}` in {} ({err}) (hint: a commit hash, a branch, a tag or HEAD~1)", self.workdir.display())
        })?;
        let tree = id
            .object()?
            .peel_to_tree()
            .with_context(|| format!("revision `{rev}` does not name a commit or tree"))?;
        Ok(tree)
    }

    /// `folder` relative to the repository's working tree.
    fn relative(&self, folder: &Path) -> anyhow::Result<PathBuf> {
        let full = folder
            .canonicalize()
            .with_context(|| format!("{} cannot be opened", folder.display()))?;
        full.strip_prefix(&self.workdir)
            .map(Path::to_path_buf)
            .map_err(|_| {
                anyhow::anyhow!(
                    "{} is outside the repository at {}",
                    folder.display(),
                    self.workdir.display()
                )
            })
    }

    /// Writes the blobs under `inside` (regular files only: no symlinks) into `target`.
    fn write_folder(
        &self,
        tree: &gix::Tree<'_>,
        inside: &Path,
        target: &Path,
    ) -> anyhow::Result<()> {
        let prefix = inside.to_string_lossy().replace('\\', "/");
        for entry in tree.traverse().breadthfirst.files()? {
            if !entry.mode.is_blob() {
                continue;
            }
            let path = entry.filepath.to_string();
            let rest = if prefix.is_empty() {
                path.as_str()
            } else {
                match path.strip_prefix(&prefix).and_then(|r| r.strip_prefix('/')) {
                    Some(rest) => rest,
                    None => continue,
                }
            };
            let file = target.join(rest);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let object = self.repo.find_object(entry.oid)?;
            std::fs::write(&file, &object.data)?;
        }
        Ok(())
    }
}

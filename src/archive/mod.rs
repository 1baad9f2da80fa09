//! Archive stage: what lands in the output folder lands whole. Every file is written to a
//! temporary file in its own folder and renamed into place, so a reader (or a killed build) only
//! ever sees a complete old file or a complete new one; `manifest` keeps `output/manifest.json`
//! naming exactly what is on disk.

pub mod manifest;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest, Sha256};

pub use manifest::{Entry, FileEntry, MANIFEST, Manifest};

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    Staged::new(path, bytes)?.commit()
}

/// A new file written completely to a temporary file beside its target, waiting for
/// [`Staged::commit`] to rename it into place. Dropped without commit, it is deleted.
#[derive(Debug)]
pub struct Staged {
    tmp: tempfile::TempPath,
    target: PathBuf,
}

impl Staged {
    pub fn new(target: &Path, bytes: &[u8]) -> anyhow::Result<Self> {
        let dir = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create folder {}", dir.display()))?;
        let mut tmp = temp_beside(dir)?;
        tmp.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.path().display()))?;
        Ok(Self {
            tmp: tmp.into_temp_path(),
            target: target.to_path_buf(),
        })
    }

    /// Renames the file into place (atomic on one file system).
    pub fn commit(self) -> anyhow::Result<()> {
        let target = self.target;
        self.tmp
            .persist(&target)
            .map_err(|e| e.error)
            .with_context(|| {
                format!(
                    "cannot move the new file into place at {}",
                    target.display()
                )
            })
    }
}

/// [`write_atomic`], skipped when the file already has these exact bytes (keeps mtimes and
/// `git status` quiet).
pub fn write_if_changed(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    write_atomic(path, bytes)
}

/// A temporary file in `dir` (so the final rename stays on one file system), named `.zyz-*.tmp`
/// so a killed build's leftovers can be recognised, and readable by everyone once renamed (a
/// temporary file would otherwise keep mode 0600).
fn temp_beside(dir: &Path) -> anyhow::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".zyz-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Removes leftover temporary files (`.zyz-*.tmp`) from a killed build under `out`.
pub fn remove_leftovers(out: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for entry in walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file()
            && name.starts_with(".zyz-")
            && name.ends_with(".tmp")
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path().to_path_buf());
        }
    }
    removed
}

/// Removes a file; one already gone is fine.
pub fn remove_file(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Removes the empty folders between `path` and `stop` (after a document was removed).
pub fn remove_empty_parents(path: &Path, stop: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == stop || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.pdf");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("b.pdf")]);
    }
}

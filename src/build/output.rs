//! Build stage, output: atomic file writes and `output/manifest.json`.
//!
//! Every file is written to a temporary file in its own folder and renamed into place, so a reader
//! (or a killed build) only ever sees a complete old file or a complete new one. The manifest is
//! rewritten after each batch of finished documents, right after their files were renamed into
//! place, and names exactly what is on disk.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The manifest's file name inside the output folder.
pub const MANIFEST: &str = "manifest.json";

/// One document in the manifest (the design contract's fields, in its order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub kind: String,
    pub town: Option<String>,
    pub year: i32,
    pub inputs_sha256: String,
    pub sha256: String,
    pub pages: usize,
}

/// `output/manifest.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub documents: Vec<Entry>,
}

impl Manifest {
    /// Reads the manifest of `out`; a missing or unreadable one counts as empty (everything is
    /// rebuilt, and the old file is replaced at the end).
    pub fn read(out: &Path) -> Self {
        std::fs::read(out.join(MANIFEST))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Sorted by path, pretty-printed with a final newline: the same documents give the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut sorted = self.clone();
        sorted.documents.sort_by(|a, b| a.path.cmp(&b.path));
        let mut bytes = serde_json::to_vec_pretty(&sorted).expect("manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// Writes the manifest atomically, unless the file already holds exactly these bytes.
    pub fn write(&self, out: &Path) -> anyhow::Result<()> {
        write_if_changed(&out.join(MANIFEST), &self.to_bytes())
    }

    /// Writes the manifest; for a shard build also `manifest.shard-K-of-N.json` with the shard's
    /// own entries, which a later build in a folder holding every shard's files takes in.
    pub fn write_to(&self, out: &Path, shard: Option<(u32, u32)>) -> anyhow::Result<()> {
        self.write(out)?;
        if let Some((k, n)) = shard {
            let own = Manifest {
                documents: self
                    .documents
                    .iter()
                    .filter(|e| super::shard_of(&e.path, n) == k)
                    .cloned()
                    .collect(),
            };
            write_if_changed(
                &out.join(format!("manifest.shard-{k}-of-{n}.json")),
                &own.to_bytes(),
            )?;
        }
        Ok(())
    }

    pub fn get(&self, path: &str) -> Option<&Entry> {
        self.documents.iter().find(|e| e.path == path)
    }
}

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

    #[test]
    fn manifest_bytes_are_sorted_and_stable() {
        let entry = |p: &str| Entry {
            path: p.into(),
            kind: "ledger".into(),
            town: None,
            year: 2025,
            inputs_sha256: "i".into(),
            sha256: "s".into(),
            pages: 1,
        };
        let a = Manifest {
            documents: vec![entry("b.pdf"), entry("a.pdf")],
        };
        let b = Manifest {
            documents: vec![entry("a.pdf"), entry("b.pdf")],
        };
        assert_eq!(a.to_bytes(), b.to_bytes());
        let text = String::from_utf8(a.to_bytes()).unwrap();
        assert!(text.find("a.pdf").unwrap() < text.find("b.pdf").unwrap());
        assert!(text.contains("\"town\": null"));
    }
}

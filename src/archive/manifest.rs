//! Archive stage, the manifest: `output/manifest.json` lists every document exactly as it is on
//! disk (path, kind, town, year, input hash, file hash, pages), and shard builds write and take in
//! `manifest.shard-K-of-N.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{sha256_hex, write_if_changed};

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
    /// What the document shows from the content ([`crate::plan::Doc::data_sha256`]): an issued
    /// document's data is compared by it, so a new template, font or zyz does not count as a
    /// change to what was issued. Absent in manifests written before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_sha256: Option<String>,
    pub sha256: String,
    pub pages: usize,
    /// The files made beside the PDF (`NAME.ofd`, the ledger's `ledger.xlsx`), sorted by path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileEntry>,
    /// Set once the document is issued (in `register.yaml`): it is never made again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<IssuedMark>,
}

/// A file made beside a document's PDF, as it is on disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the output folder, with `/` separators.
    pub path: String,
    pub sha256: String,
}

impl Entry {
    /// The PDF's path and the paths of the files beside it.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.path.as_str()).chain(self.files.iter().map(|f| f.path.as_str()))
    }

    /// Removes the files beside the PDF that are no longer planned (a format turned off), from
    /// disk and from the entry; the manifest is written after this, so it never names them.
    pub fn retire_files(&mut self, out: &Path, planned: &[&str]) -> anyhow::Result<()> {
        for file in self
            .files
            .iter()
            .filter(|f| !planned.contains(&f.path.as_str()))
        {
            super::remove_file(&out.join(&file.path))?;
        }
        self.files.retain(|f| planned.contains(&f.path.as_str()));
        Ok(())
    }
}

/// What the manifest says of an issued document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedMark {
    /// The 文号 it was issued with, e.g. `永专领办发〔2025〕20号`.
    pub wenhao: String,
    /// Its 成文日期, `YYYY-MM-DD`.
    pub date: String,
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
        for entry in &mut sorted.documents {
            entry.files.sort_by(|a, b| a.path.cmp(&b.path));
        }
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
                    .filter(|e| shard_of(&e.path, n) == k)
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

/// Which share (1..=n) a document belongs to: FNV-1a of its path, so every machine agrees.
pub fn shard_of(path: &str, n: u32) -> u32 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in path.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % u64::from(n.max(1))) as u32 + 1
}

/// Takes in the per-shard manifests (`manifest.shard-K-of-N.json`) of shard builds whose files
/// were copied into this folder: entries whose file is present with the recorded hash join the
/// main manifest, and the shard manifest is removed.
pub fn adopt_shard_manifests(out: &Path, manifest: &mut Manifest) {
    let Ok(read) = std::fs::read_dir(out) else {
        return;
    };
    let mut shard_files: Vec<PathBuf> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("manifest.shard-") && n.ends_with(".json"))
        })
        .collect();
    shard_files.sort();
    for file in shard_files {
        let Some(shard) = std::fs::read(&file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Manifest>(&b).ok())
        else {
            continue;
        };
        for entry in shard.documents {
            let ok = std::fs::read(out.join(&entry.path))
                .is_ok_and(|bytes| sha256_hex(&bytes) == entry.sha256);
            if ok {
                manifest.documents.retain(|e| e.path != entry.path);
                manifest.documents.push(entry);
            }
        }
        let _ = std::fs::remove_file(&file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_bytes_are_sorted_and_stable() {
        let entry = |p: &str| Entry {
            data_sha256: None,
            path: p.into(),
            kind: "ledger".into(),
            town: None,
            year: 2025,
            inputs_sha256: "i".into(),
            sha256: "s".into(),
            pages: 1,
            files: Vec::new(),
            issued: None,
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

    #[test]
    fn shards_split_every_document_exactly_once() {
        let paths: Vec<String> = (0..500)
            .map(|i| format!("2025/town-{i}/application.pdf"))
            .collect();
        let n = 4;
        let mut counts = vec![0; n as usize];
        for p in &paths {
            let k = shard_of(p, n);
            assert!((1..=n).contains(&k));
            counts[(k - 1) as usize] += 1;
        }
        assert_eq!(counts.iter().sum::<usize>(), 500);
        assert!(counts.iter().all(|&c| c > 80), "{counts:?}");
    }
}

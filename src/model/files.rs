//! Reading content files: listing `*.yaml` in a folder, and reading one file (sandboxed, size-capped,
//! UTF-8, parsed and deserialized) into a [`FileResult`] whose every problem is a diagnostic.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use sha2::{Digest, Sha256};

use super::yaml::Node;
use super::{Inspect, MAX_FILE_BYTES, de, scrub, yaml};
use crate::diag::Diagnostic;

/// What reading one file produced.
pub(super) struct FileResult<T> {
    pub(super) rel: PathBuf,
    pub(super) text: Option<String>,
    pub(super) sha256: Option<String>,
    pub(super) tree: Option<Arc<Node>>,
    pub(super) value: Option<T>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) allowed: Vec<Diagnostic>,
}

impl<T> FileResult<T> {
    /// Moves everything but the value out (so the caller can keep the value).
    pub(super) fn as_unit(&mut self) -> FileResult<()> {
        FileResult {
            rel: self.rel.clone(),
            text: self.text.take(),
            sha256: self.sha256.take(),
            tree: self.tree.take(),
            value: None,
            diagnostics: std::mem::take(&mut self.diagnostics),
            allowed: std::mem::take(&mut self.allowed),
        }
    }
}

/// The file name without its extension, e.g. `qingtou` for `towns/qingtou.yaml`.
pub(super) fn stem_of(rel: &Path) -> Option<String> {
    rel.file_stem().and_then(|s| s.to_str()).map(str::to_owned)
}

/// The `*.yaml` files directly in `root/sub`, sorted (a missing folder yields none).
pub(super) fn list_yaml(
    root: &Path,
    sub: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<Vec<PathBuf>> {
    let dir = root.join(sub);
    if !dir.is_dir() {
        if sub == "standards" {
            diagnostics.push(
                Diagnostic::error(
                    &dir,
                    0,
                    0,
                    "file.missing",
                    "缺少标准目录 standards/（认定标准是数据，不在程序里）",
                )
                .with_hint("至少需要 standards/county.yaml；可从示例内容复制"),
            );
        }
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?
    {
        let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        if name.ends_with(".yml") {
            diagnostics.push(
                Diagnostic::warning(
                    dir.join(name),
                    0,
                    0,
                    "file.ignored",
                    "文件未被读取：扩展名应为 .yaml",
                )
                .with_hint(format!("改名为 {}.yaml", name.trim_end_matches(".yml"))),
            );
        } else if name.ends_with(".yaml") {
            out.push(Path::new(sub).join(name));
        }
    }
    out.sort();
    Ok(out)
}

/// Reads, parses and deserializes one file; every problem becomes a diagnostic.
pub(super) fn read_typed<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &Path,
    required: bool,
    inspect: Option<&dyn Inspect>,
) -> FileResult<T> {
    let shown = root.join(rel);
    let mut r = FileResult {
        rel: rel.to_path_buf(),
        text: None,
        sha256: None,
        tree: None,
        value: None,
        diagnostics: Vec::new(),
        allowed: Vec::new(),
    };
    let bytes = match read_bytes(root, rel, &shown, required) {
        Ok(b) => b,
        Err(d) => {
            r.diagnostics.push(*d);
            return r;
        }
    };
    r.sha256 = Some(hex(&Sha256::digest(&bytes)));
    let text = match decode(bytes, &shown) {
        Ok(t) => t,
        Err(d) => {
            r.diagnostics.push(*d);
            return r;
        }
    };
    parse_into(&mut r, &text, &shown, inspect);
    r.text = Some(text);
    r
}

/// The file's bytes, or why they cannot be read: a link out of the content folder, too large,
/// missing (when `required`) or unreadable.
fn read_bytes(
    root: &Path,
    rel: &Path,
    shown: &Path,
    required: bool,
) -> Result<Vec<u8>, Box<Diagnostic>> {
    if let Some(d) = refuse_outside(root, shown) {
        return Err(Box::new(d));
    }
    match read_limited(shown) {
        Ok(Some(b)) => Ok(b),
        Ok(None) => Err(Box::new(
            Diagnostic::error(
                shown,
                0,
                0,
                "file.too-large",
                format!("文件过大（超过 {} KB），拒绝读取", MAX_FILE_BYTES / 1024),
            )
            .with_hint("一个内容文件通常只有几 KB；检查是否误存了其他数据"),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && required => Err(Box::new(
            Diagnostic::error(
                shown,
                0,
                0,
                "file.missing",
                format!("缺少文件 {}", rel.display()),
            )
            .with_hint("从示例内容复制一份，或用 `zyz new` 生成"),
        )),
        Err(e) => Err(Box::new(Diagnostic::error(
            shown,
            0,
            0,
            "file.unreadable",
            format!("无法读取文件：{e}"),
        ))),
    }
}

/// The bytes as text without a leading byte-order mark, or an error located at the first byte
/// that is not UTF-8.
fn decode(bytes: Vec<u8>, shown: &Path) -> Result<String, Box<Diagnostic>> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let prefix = String::from_utf8_lossy(good);
            let line = prefix.matches('\n').count() + 1;
            let column = prefix
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .chars()
                .count()
                + 1;
            return Err(Box::new(
                Diagnostic::error(
                    shown,
                    line,
                    column,
                    "file.encoding",
                    "文件不是 UTF-8 编码（可能是 GBK）",
                )
                .with_hint("用编辑器把文件另存为 UTF-8 编码"),
            ));
        }
    };
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// Parses `text` into a tree (scrubbing invisible characters) and the tree into `T`, filling
/// `r`'s value, tree and diagnostics.
fn parse_into<T: serde::de::DeserializeOwned>(
    r: &mut FileResult<T>,
    text: &str,
    shown: &Path,
    inspect: Option<&dyn Inspect>,
) {
    match yaml::parse(text) {
        Err(e) => {
            let mut d = Diagnostic::error(shown, e.pos.line, e.pos.column, e.rule, e.message);
            d.hint = e.hint;
            r.diagnostics.push(d);
        }
        Ok(mut tree) => {
            r.diagnostics.extend(scrubbed(&mut tree, text, shown));
            match de::from_node::<T>(&tree) {
                Ok(v) => {
                    r.value = Some(v);
                    if let Some(inspect) = inspect {
                        let found = inspect.inspect(&r.rel, shown, &tree, text);
                        r.diagnostics.extend(found.findings);
                        r.allowed = found.allowed;
                    }
                    // Only files that loaded keep their tree: rules look for it to know the
                    // file is usable, and locate their findings in it.
                    let mut tree = tree;
                    tree.slim();
                    r.tree = Some(Arc::new(tree));
                }
                Err(e) => {
                    let pos = e.pos.unwrap_or_default();
                    let mut d =
                        Diagnostic::error(shown, pos.line, pos.column, &e.rule, e.message.clone())
                            .with_path(e.full_path());
                    d.hint = e.hint.clone();
                    r.diagnostics.push(d);
                }
            }
        }
    }
}

/// Whether `path`, once symlinks are followed, still lies inside the folder `root`. The content
/// folder is a sandbox: a file in it may be a symlink to another file of the folder, never to one
/// outside it. A path that does not exist counts as inside (reading it reports what is wrong).
pub fn stays_inside(root: &Path, path: &Path) -> bool {
    let Ok(real) = path.canonicalize() else {
        return true;
    };
    // A real path (no links, no `..`) that starts with the root as written shows the root's own
    // parts are real folders: no need to resolve it (a load asks once per file).
    if std::path::absolute(root).is_ok_and(|r| real.starts_with(r)) {
        return true;
    }
    root.canonicalize().map_or(true, |r| real.starts_with(r))
}

/// The error for a content file that is a symlink leading out of the content folder; it names
/// the link only, never the target or anything in it.
fn refuse_outside(root: &Path, shown: &Path) -> Option<Diagnostic> {
    if stays_inside(root, shown) {
        return None;
    }
    Some(
        Diagnostic::error(
            shown,
            0,
            0,
            "file.outside-content",
            "此文件是指向内容目录之外的符号链接，拒绝读取（内容目录之外的文件一概不读）",
        )
        .with_hint("把要用的文件复制到内容目录里，再删除这个链接；指向内容目录之内的链接可以使用"),
    )
}

/// Removes invisible characters from the tree's text ([`scrub`]); its findings as diagnostics.
fn scrubbed(tree: &mut Node, text: &str, shown: &Path) -> Vec<Diagnostic> {
    let findings = scrub::scrub(tree, text).into_iter().map(|f| {
        let (line, column) = (f.pos.line, f.pos.column);
        let d = if f.error {
            Diagnostic::error(shown, line, column, f.rule, f.message)
        } else {
            Diagnostic::warning(shown, line, column, f.rule, f.message)
        };
        d.with_path(f.path).with_hint(f.hint)
    });
    findings.collect()
}

/// The file's bytes, or None when it is larger than [`MAX_FILE_BYTES`].
fn read_limited(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() > MAX_FILE_BYTES {
        return Ok(None);
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// Lowercase hex of the bytes.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

//! Stage `model`: the content folder loaded into typed values with source locations.
//!
//! `content/city.yaml` (the office), `content/plan.yaml` (the city-wide plan),
//! `content/standards/<level>.yaml` (designation standards as data) and `content/towns/<id>.yaml`
//! (one file per town). [`load`] reads them all, in parallel for towns, and never stops at the
//! first problem: every file that can be used is in [`Content`], and every problem is a located
//! [`Diagnostic`]. Parsing goes through a located YAML tree ([`yaml`]) and a serde deserializer over
//! it ([`de`]), so type errors and later findings both point at the offending node.

pub mod assessment;
pub mod city;
pub mod de;
pub mod plan;
pub mod register;
pub mod scrub;
pub mod standard;
pub mod town;
pub mod types;
pub mod yaml;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use assessment::{Assessment, Indicator, Measure, Selection};
pub use city::{City, Department, LeadingGroup, Organ, Signer, wenhao};
pub use plan::{CityPlan, Heading, PlanIssue, PlanTask, Safeguard};
pub use register::{IssuedDoc, KINDS, Register};
pub use standard::{Category, FeatureKind, Level, Standard};
pub use town::{
    Contact, Designation, Enterprise, Enterprises, Feature, MarketShare, Milestones, NationalClaim,
    Problem, ProblemStatus, Stage, Target, Task, TaskStatus, Town, TownKind, YearOutput,
};
pub use types::{CreditCode, Date, Money, Percent};

use crate::diag::Diagnostic;
use yaml::Node;

/// Content files larger than this are refused (a town file is about 10 KB).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Everything loaded that was valid enough to use.
#[derive(Debug, Clone, Serialize)]
pub struct Content {
    /// The content folder, as given.
    pub root: PathBuf,
    /// `city.yaml` (a placeholder when it failed to load; the diagnostics then hold errors).
    pub city: City,
    /// `plan.yaml` (a placeholder when it failed to load).
    pub plan: CityPlan,
    /// `assessment.yaml` (optional: without it there is no ranking, commendation or supervision).
    pub assessment: Option<Assessment>,
    /// `register.yaml`, the documents issued so far (optional: none issued yet).
    pub register: Option<Register>,
    /// `standards/*.yaml`, sorted by level.
    pub standards: Vec<Standard>,
    /// `towns/*.yaml`, sorted by id; a town whose file failed to parse is absent.
    pub towns: Vec<Town>,
    /// Every file read, sorted by path.
    pub files: Vec<SourceFile>,
    /// The located YAML tree of every file that parsed, by path relative to `root` (for findings).
    #[serde(skip)]
    pub trees: BTreeMap<PathBuf, Arc<Node>>,
}

/// One file read from the content folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceFile {
    /// Relative to the content folder, e.g. `towns/qingtou.yaml`.
    pub path: PathBuf,
    /// The town it describes (None for shared files).
    pub town: Option<String>,
    /// SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
}

/// The result of [`load`].
#[derive(Debug, Clone)]
pub struct Loaded {
    pub content: Content,
    /// Problems found while reading and parsing (not yet the standards check).
    pub diagnostics: Vec<Diagnostic>,
    /// File text by displayed path (the `file` of diagnostics), for caret rendering.
    pub sources: BTreeMap<PathBuf, String>,
}

impl Content {
    /// The standard for a level, if present.
    pub fn standard(&self, level: Level) -> Option<&Standard> {
        self.standards.iter().find(|s| s.level == level)
    }

    /// The path shown to the user for a file relative to the root (`content/towns/a.yaml`).
    pub fn display_path(&self, rel: &Path) -> PathBuf {
        self.root.join(rel)
    }

    /// The position of the node at `field` in the file `rel` (the nearest existing ancestor when
    /// the field is absent); (0, 0) when the file has no tree.
    pub fn locate(&self, rel: &Path, field: &str) -> (usize, usize) {
        match self.trees.get(rel) {
            Some(tree) => {
                let p = tree.locate(field).pos;
                (p.line, p.column)
            }
            None => (0, 0),
        }
    }
}

/// What reading one file produced.
struct FileResult<T> {
    rel: PathBuf,
    text: Option<String>,
    sha256: Option<String>,
    tree: Option<Arc<Node>>,
    value: Option<T>,
    diagnostics: Vec<Diagnostic>,
}

/// Loads the content folder. `Err` only for environment errors (the folder is missing or
/// unreadable); content problems are diagnostics, and one bad town never stops the others.
pub fn load(content_dir: &Path) -> anyhow::Result<Loaded> {
    if !content_dir.is_dir() {
        anyhow::bail!(
            "content folder not found: {} (内容目录不存在)\n  hint: run zyz in the project folder, or pass --content DIR",
            content_dir.display()
        );
    }
    let mut acc = Acc {
        root: content_dir,
        diagnostics: Vec::new(),
        sources: BTreeMap::new(),
        files: Vec::new(),
        trees: BTreeMap::new(),
    };
    let mut city_r = read_typed::<City>(content_dir, Path::new("city.yaml"), true);
    acc.collect(&mut city_r.as_unit(), None);
    let mut plan_r = read_typed::<CityPlan>(content_dir, Path::new("plan.yaml"), true);
    acc.collect(&mut plan_r.as_unit(), None);
    let mut assessment_r = None;
    if content_dir.join("assessment.yaml").exists() {
        let mut r = read_typed::<Assessment>(content_dir, Path::new("assessment.yaml"), false);
        acc.collect(&mut r.as_unit(), None);
        assessment_r = r.value;
    }
    let mut register_r = None;
    if content_dir.join("register.yaml").exists() {
        let mut r = read_typed::<Register>(content_dir, Path::new("register.yaml"), false);
        acc.collect(&mut r.as_unit(), None);
        register_r = r.value;
    }

    let mut standards = Vec::new();
    for rel in list_yaml(content_dir, "standards", &mut acc.diagnostics)? {
        let mut r = read_typed::<Standard>(content_dir, &rel, false);
        if let Some(s) = &r.value {
            let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            if s.level.id() != stem {
                let (line, column) = r.tree.as_ref().map_or((0, 0), |t| {
                    let p = t.locate("level").pos;
                    (p.line, p.column)
                });
                r.diagnostics.push(
                    Diagnostic::error(
                        content_dir.join(&rel),
                        line,
                        column,
                        "standard.level-mismatch",
                        format!("标准级别 `{}` 与文件名 `{stem}.yaml` 不一致", s.level.id()),
                    )
                    .with_path("level")
                    .with_hint(format!(
                        "把文件改名为 `{}.yaml`，或改正 level",
                        s.level.id()
                    )),
                );
            }
        }
        let value = r.value.take();
        acc.collect(&mut r.as_unit(), None);
        // A standard whose level disagrees with its file name is not used (reported above).
        if let Some(s) = value.filter(|s| stem_of(&rel).as_deref() == Some(s.level.id())) {
            standards.push(s);
        }
    }
    standards.sort_by_key(|s| s.level);

    let town_paths = list_yaml(content_dir, "towns", &mut acc.diagnostics)?;
    let mut results: Vec<FileResult<Town>> = town_paths
        .par_iter()
        .map(|rel| read_town(content_dir, rel))
        .collect();
    // For each id, the file kept is the one named after it (else the first); others are duplicates.
    let mut keeper: HashMap<String, usize> = HashMap::new();
    for (i, r) in results.iter().enumerate() {
        if let Some(town) = &r.value {
            let named = stem_of(&r.rel).as_deref() == Some(town.id.as_str());
            match keeper.get(&town.id) {
                Some(&k)
                    if named && stem_of(&results[k].rel).as_deref() != Some(town.id.as_str()) =>
                {
                    keeper.insert(town.id.clone(), i);
                }
                Some(_) => {}
                None => {
                    keeper.insert(town.id.clone(), i);
                }
            }
        }
    }
    let kept_paths: HashMap<String, PathBuf> = keeper
        .iter()
        .map(|(id, &i)| (id.clone(), results[i].rel.clone()))
        .collect();
    let mut towns: Vec<Town> = Vec::new();
    for (i, r) in results.iter_mut().enumerate() {
        let value = r.value.take();
        let town_id = value
            .as_ref()
            .map(|t| t.id.clone())
            .or_else(|| stem_of(&r.rel));
        if let Some(town) = value {
            if keeper.get(&town.id) == Some(&i) {
                towns.push(town);
            } else {
                let (line, column) = r.tree.as_ref().map_or((1, 1), |t| {
                    let p = t.locate("id").pos;
                    (p.line, p.column)
                });
                r.diagnostics.push(
                    Diagnostic::error(
                        content_dir.join(&r.rel),
                        line,
                        column,
                        "town.duplicate-id",
                        format!(
                            "镇标识 `{}` 重复：已在 {} 中使用（此文件未被加载）",
                            town.id,
                            content_dir.join(&kept_paths[&town.id]).display()
                        ),
                    )
                    .with_path("id")
                    .with_hint("每个镇一个文件，标识与文件名一致；删除或改名重复的文件"),
                );
                r.tree = None;
            }
        }
        let mut unit = r.as_unit();
        acc.collect(&mut unit, town_id);
    }
    towns.sort_by(|a, b| a.id.cmp(&b.id));
    let Acc {
        mut diagnostics,
        sources,
        mut files,
        trees,
        ..
    } = acc;
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let content = Content {
        root: content_dir.to_path_buf(),
        city: city_r.value.unwrap_or_default(),
        plan: plan_r.value.unwrap_or_default(),
        assessment: assessment_r,
        register: register_r,
        standards,
        towns,
        files,
        trees,
    };
    crate::diag::sort(&mut diagnostics);
    Ok(Loaded {
        content,
        diagnostics,
        sources,
    })
}

/// What the loader has gathered so far.
struct Acc<'a> {
    root: &'a Path,
    diagnostics: Vec<Diagnostic>,
    sources: BTreeMap<PathBuf, String>,
    files: Vec<SourceFile>,
    trees: BTreeMap<PathBuf, Arc<Node>>,
}

impl Acc<'_> {
    /// Takes a file's text, hash, tree and diagnostics.
    fn collect(&mut self, r: &mut FileResult<()>, town: Option<String>) {
        let shown = self.root.join(&r.rel);
        if let Some(text) = r.text.take() {
            self.sources.insert(shown, text);
        }
        if let Some(sha) = r.sha256.take() {
            self.files.push(SourceFile {
                path: r.rel.clone(),
                town,
                sha256: sha,
            });
        }
        if let Some(tree) = r.tree.take() {
            self.trees.insert(r.rel.clone(), tree);
        }
        self.diagnostics.append(&mut r.diagnostics);
    }
}

impl<T> FileResult<T> {
    /// Moves everything but the value out (so the caller can keep the value).
    fn as_unit(&mut self) -> FileResult<()> {
        FileResult {
            rel: self.rel.clone(),
            text: self.text.take(),
            sha256: self.sha256.take(),
            tree: self.tree.take(),
            value: None,
            diagnostics: std::mem::take(&mut self.diagnostics),
        }
    }
}

fn stem_of(rel: &Path) -> Option<String> {
    rel.file_stem().and_then(|s| s.to_str()).map(str::to_owned)
}

/// The `*.yaml` files directly in `root/sub`, sorted (a missing folder yields none).
fn list_yaml(
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

fn read_town(root: &Path, rel: &Path) -> FileResult<Town> {
    let mut r = read_typed::<Town>(root, rel, false);
    let stem = stem_of(rel).unwrap_or_default();
    if let Some(town) = &mut r.value {
        town.file = rel.to_path_buf();
        // where the `id` field is, for both checks below (looked up only when one fails)
        let tree = r.tree.as_ref();
        let id_at = || {
            tree.map_or((1, 1), |t| {
                let p = t.locate("id").pos;
                (p.line, p.column)
            })
        };
        if town.id != stem {
            let (line, column) = id_at();
            r.diagnostics.push(
                Diagnostic::error(
                    root.join(rel),
                    line,
                    column,
                    "town.id-mismatch",
                    format!("镇标识 `{}` 与文件名 `{stem}.yaml` 不一致", town.id),
                )
                .with_path("id")
                .with_hint(format!(
                    "把 id 改为 `{stem}`，或把文件改名为 `{}.yaml`",
                    town.id
                )),
            );
        }
        if !valid_id(&town.id) {
            let (line, column) = id_at();
            r.diagnostics.push(
                Diagnostic::error(
                    root.join(rel),
                    line,
                    column,
                    "town.id",
                    format!("镇标识 `{}` 只能由小写字母、数字和 `-` 组成", town.id),
                )
                .with_path("id")
                .with_hint("用拼音，如 `qingtou`"),
            );
        }
    }
    r
}

/// True for ids made of `[a-z0-9-]+`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Reads, parses and deserializes one file; every problem becomes a diagnostic.
fn read_typed<T: serde::de::DeserializeOwned>(
    root: &Path,
    rel: &Path,
    required: bool,
) -> FileResult<T> {
    let shown = root.join(rel);
    let mut r = FileResult {
        rel: rel.to_path_buf(),
        text: None,
        sha256: None,
        tree: None,
        value: None,
        diagnostics: Vec::new(),
    };
    if let Some(d) = refuse_outside(root, &shown) {
        r.diagnostics.push(d);
        return r;
    }
    let bytes = match read_limited(&shown) {
        Ok(Some(b)) => b,
        Ok(None) => {
            r.diagnostics.push(
                Diagnostic::error(
                    &shown,
                    0,
                    0,
                    "file.too-large",
                    format!("文件过大（超过 {} KB），拒绝读取", MAX_FILE_BYTES / 1024),
                )
                .with_hint("一个内容文件通常只有几 KB；检查是否误存了其他数据"),
            );
            return r;
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && required => {
            r.diagnostics.push(
                Diagnostic::error(
                    &shown,
                    0,
                    0,
                    "file.missing",
                    format!("缺少文件 {}", rel.display()),
                )
                .with_hint("从示例内容复制一份，或用 `zyz new` 生成"),
            );
            return r;
        }
        Err(e) => {
            r.diagnostics.push(Diagnostic::error(
                &shown,
                0,
                0,
                "file.unreadable",
                format!("无法读取文件：{e}"),
            ));
            return r;
        }
    };
    r.sha256 = Some(hex(&Sha256::digest(&bytes)));
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
            r.diagnostics.push(
                Diagnostic::error(
                    &shown,
                    line,
                    column,
                    "file.encoding",
                    "文件不是 UTF-8 编码（可能是 GBK）",
                )
                .with_hint("用编辑器把文件另存为 UTF-8 编码"),
            );
            return r;
        }
    };
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text);
    match yaml::parse(&text) {
        Err(e) => {
            let mut d = Diagnostic::error(&shown, e.pos.line, e.pos.column, e.rule, e.message);
            d.hint = e.hint;
            r.diagnostics.push(d);
        }
        Ok(mut tree) => {
            r.diagnostics.extend(scrubbed(&mut tree, &text, &shown));
            match de::from_node::<T>(&tree) {
                Ok(v) => {
                    r.value = Some(v);
                    // Only files that loaded keep their tree: rules look for it to know the
                    // file is usable, and locate their findings in it.
                    let mut tree = tree;
                    tree.slim();
                    r.tree = Some(Arc::new(tree));
                }
                Err(e) => {
                    let pos = e.pos.unwrap_or_default();
                    let mut d =
                        Diagnostic::error(&shown, pos.line, pos.column, &e.rule, e.message.clone())
                            .with_path(e.full_path());
                    d.hint = e.hint.clone();
                    r.diagnostics.push(d);
                }
            }
        }
    }
    r.text = Some(text);
    r
}

/// Whether `path`, once symlinks are followed, still lies inside the folder `root`. The content
/// folder is a sandbox: a file in it may be a symlink to another file of the folder, never to one
/// outside it. A path that does not exist counts as inside (reading it reports what is wrong).
pub fn stays_inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(real)) => real.starts_with(root),
        _ => true,
    }
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

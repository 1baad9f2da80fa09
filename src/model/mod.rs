//! Stage `model`: the content folder loaded into typed values with source locations.
//!
//! `content/city.yaml` (the office), `content/plan.yaml` (the city-wide plan), the optional
//! `content/assessment.yaml` and `content/register.yaml` (documents issued),
//! `content/standards/<level>.yaml` (designation standards as data) and `content/towns/<id>.yaml`
//! (one file per town). [`load`] reads them all, in parallel for towns, and never stops at the
//! first problem: every file that can be used is in [`Content`], and every problem is a located
//! [`Diagnostic`]. Parsing goes through a located YAML tree ([`yaml`]) and a serde deserializer over
//! it ([`de`]), so type errors and later findings both point at the offending node.

pub mod assessment;
pub mod city;
mod credit_code;
pub mod cycle;
pub mod de;
mod de_error;
mod files;
pub mod opinions;
pub mod plan;
pub mod proofread;
pub mod register;
pub mod scrub;
pub mod standard;
pub mod town;
pub mod types;
pub mod yaml;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

pub use assessment::{Assessment, Indicator, Measure, Selection};
pub use city::{City, Department, LeadingGroup, Organ, OutputFormat, Signer, wenhao};
pub use opinions::{Opinion, OpinionDoc, Opinions};
pub use plan::{CityPlan, Heading, PlanIssue, PlanTask, Safeguard};
pub use proofread::Proofread;
pub use register::{IssuedDoc, KINDS, Register};
pub use standard::{Category, FeatureKind, Level, Standard};
pub use town::{
    Contact, Designation, Enterprise, Enterprises, Feature, MarketShare, Milestones, NationalClaim,
    Problem, ProblemState, ProblemStatus, Stage, Target, Task, TaskStatus, Town, TownKind,
    YearOutput,
};
pub use types::{CreditCode, Date, Money, Percent};

pub use files::stays_inside;
use files::{FileResult, list_yaml, read_typed, stem_of};

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
    /// `proofread.yaml`, the office's proofreading settings (optional: the defaults).
    pub proofread: Proofread,
    /// `opinions.yaml`, the 意见采纳情况汇总表 of returned drafts (optional).
    pub opinions: Option<Opinions>,
    /// `standards/*.yaml`, sorted by level.
    pub standards: Vec<Standard>,
    /// `towns/*.yaml`, sorted by id; a town whose file failed to parse is absent.
    pub towns: Vec<Town>,
    /// Every file read, sorted by path.
    pub files: Vec<SourceFile>,
    /// `--as-of`: the day the follow-ups of supervision notices are judged on (reminders and
    /// circulars due, rectifications counted); `None`: city.yaml `document_date`.
    #[serde(skip)]
    pub as_of: Option<Date>,
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
    /// Findings an [`Inspect`] silenced in the file (`# 校对: 允许 RULE`), for `--show-allowed`.
    pub allowed: Vec<Diagnostic>,
}

/// Looks at each content file's located tree, with the values' text and the file's text, before
/// the tree is slimmed (the proofreading of the check stage is one; it is handed in by the caller,
/// so this stage never depends on that one).
pub trait Inspect: Sync {
    /// The findings about the file `rel` (shown to the user as `shown`).
    fn inspect(&self, rel: &Path, shown: &Path, tree: &Node, source: &str) -> Inspected;
}

/// What an [`Inspect`] found in one file.
#[derive(Debug, Default)]
pub struct Inspected {
    pub findings: Vec<Diagnostic>,
    /// Findings silenced in the file itself.
    pub allowed: Vec<Diagnostic>,
}

/// Makes the inspector once `proofread.yaml` (the office's settings) is read.
pub type MakeInspect<'a> = &'a dyn Fn(&Proofread) -> Box<dyn Inspect + 'a>;

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

/// Loads the content folder. `Err` only for environment errors (the folder is missing or
/// unreadable); content problems are diagnostics, and one bad town never stops the others.
pub fn load(content_dir: &Path) -> anyhow::Result<Loaded> {
    load_with(content_dir, None)
}

/// [`load`], with every content file but `register.yaml` and `proofread.yaml` also looked at by
/// the inspector `make` returns for the office's `proofread.yaml`.
pub fn load_with(content_dir: &Path, make: Option<MakeInspect>) -> anyhow::Result<Loaded> {
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
        allowed: Vec::new(),
        inspect: None,
    };
    let proofread = load_optional::<Proofread>(&mut acc, proofread::FILE).unwrap_or_default();
    let inspector = make.map(|m| m(&proofread));
    acc.inspect = inspector.as_deref();
    let (city, plan, assessment) = load_shared(&mut acc);
    let inspect = acc.inspect.take();
    let register = load_optional::<Register>(&mut acc, register::FILE);
    // the returned drafts' text, quoted as it came back: not proofread
    let opinions = load_optional::<Opinions>(&mut acc, opinions::FILE);
    acc.inspect = inspect;
    let standards = load_standards(&mut acc)?;
    let towns = load_towns(&mut acc)?;
    let Acc {
        mut diagnostics,
        sources,
        mut files,
        trees,
        mut allowed,
        ..
    } = acc;
    files.sort_by(|a, b| a.path.cmp(&b.path));

    let content = Content {
        root: content_dir.to_path_buf(),
        city,
        plan,
        assessment,
        register,
        proofread,
        opinions,
        standards,
        towns,
        files,
        trees,
        as_of: None,
    };
    crate::diag::sort(&mut diagnostics);
    crate::diag::sort(&mut allowed);
    Ok(Loaded {
        content,
        diagnostics,
        sources,
        allowed,
    })
}

/// Reads `city.yaml` and `plan.yaml` (required: placeholders when they fail) and the optional
/// `assessment.yaml`.
fn load_shared(acc: &mut Acc) -> (City, CityPlan, Option<Assessment>) {
    let content_dir = acc.root;
    let mut city_r = read_typed::<City>(content_dir, Path::new("city.yaml"), true, acc.inspect);
    acc.collect(&mut city_r.as_unit(), None);
    let mut plan_r = read_typed::<CityPlan>(content_dir, Path::new("plan.yaml"), true, acc.inspect);
    acc.collect(&mut plan_r.as_unit(), None);
    let assessment = load_optional::<Assessment>(acc, "assessment.yaml");
    (
        city_r.value.unwrap_or_default(),
        plan_r.value.unwrap_or_default(),
        assessment,
    )
}

/// Reads an optional shared file (`assessment.yaml`, `register.yaml`): `None` when it is absent
/// or does not load (its diagnostics say why).
fn load_optional<T: serde::de::DeserializeOwned>(acc: &mut Acc, name: &str) -> Option<T> {
    if !acc.root.join(name).exists() {
        return None;
    }
    let inspect = acc.inspect.filter(|_| name != proofread::FILE);
    let mut r = read_typed::<T>(acc.root, Path::new(name), false, inspect);
    acc.collect(&mut r.as_unit(), None);
    r.value
}

/// Reads `standards/*.yaml`, sorted by level; a standard whose level disagrees with its file
/// name is reported and not used.
fn load_standards(acc: &mut Acc) -> anyhow::Result<Vec<Standard>> {
    let content_dir = acc.root;
    let mut standards = Vec::new();
    for rel in list_yaml(content_dir, "standards", &mut acc.diagnostics)? {
        let mut r = read_typed::<Standard>(content_dir, &rel, false, acc.inspect);
        if let Some(d) = level_mismatch(content_dir, &rel, &r) {
            r.diagnostics.push(d);
        }
        let value = r.value.take();
        acc.collect(&mut r.as_unit(), None);
        // A standard whose level disagrees with its file name is not used (reported above).
        if let Some(s) = value.filter(|s| stem_of(&rel).as_deref() == Some(s.level.id())) {
            standards.push(s);
        }
    }
    standards.sort_by_key(|s| s.level);
    Ok(standards)
}

/// The error for a standard whose `level` is not its file name, if it is not.
fn level_mismatch(content_dir: &Path, rel: &Path, r: &FileResult<Standard>) -> Option<Diagnostic> {
    let s = r.value.as_ref()?;
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if s.level.id() == stem {
        return None;
    }
    let (line, column) = r.tree.as_ref().map_or((0, 0), |t| {
        let p = t.locate("level").pos;
        (p.line, p.column)
    });
    Some(
        Diagnostic::error(
            content_dir.join(rel),
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
    )
}

/// Reads `towns/*.yaml` in parallel, sorted by id; of several files with the same id only one is
/// kept ([`keepers`]), the others are reported as duplicates.
fn load_towns(acc: &mut Acc) -> anyhow::Result<Vec<Town>> {
    let content_dir = acc.root;
    let town_paths = list_yaml(content_dir, "towns", &mut acc.diagnostics)?;
    let inspect = acc.inspect;
    let mut results: Vec<FileResult<Town>> = town_paths
        .par_iter()
        .map(|rel| read_town(content_dir, rel, inspect))
        .collect();
    let keeper = keepers(&results);
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
                let d = duplicate_id(content_dir, r, &town.id, &kept_paths[&town.id]);
                r.diagnostics.push(d);
                r.tree = None;
            }
        }
        let mut unit = r.as_unit();
        acc.collect(&mut unit, town_id);
    }
    towns.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(towns)
}

/// For each town id, the index of the file kept: the one named after the id, else the first.
fn keepers(results: &[FileResult<Town>]) -> HashMap<String, usize> {
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
    keeper
}

/// The error for a town file whose id the file `kept` already uses.
fn duplicate_id(content_dir: &Path, r: &FileResult<Town>, id: &str, kept: &Path) -> Diagnostic {
    let (line, column) = r.tree.as_ref().map_or((1, 1), |t| {
        let p = t.locate("id").pos;
        (p.line, p.column)
    });
    Diagnostic::error(
        content_dir.join(&r.rel),
        line,
        column,
        "town.duplicate-id",
        format!(
            "镇标识 `{}` 重复：已在 {} 中使用（此文件未被加载）",
            id,
            content_dir.join(kept).display()
        ),
    )
    .with_path("id")
    .with_hint("每个镇一个文件，标识与文件名一致；删除或改名重复的文件")
}

/// What the loader has gathered so far.
struct Acc<'a> {
    root: &'a Path,
    diagnostics: Vec<Diagnostic>,
    sources: BTreeMap<PathBuf, String>,
    files: Vec<SourceFile>,
    trees: BTreeMap<PathBuf, Arc<Node>>,
    allowed: Vec<Diagnostic>,
    inspect: Option<&'a dyn Inspect>,
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
        self.allowed.append(&mut r.allowed);
    }
}

fn read_town(root: &Path, rel: &Path, inspect: Option<&dyn Inspect>) -> FileResult<Town> {
    let mut r = read_typed::<Town>(root, rel, false, inspect);
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

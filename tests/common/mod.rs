//! Test harness: temporary copies of the sample content with fixture files laid over them.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use zyz::diag::Diagnostic;

pub mod engine;
pub mod pdf;
pub mod serve;

/// The problem ledger's column heads, in order (PDF and spreadsheet).
pub const LEDGER_HEADER: [&str; 10] = [
    "编号",
    "发现时间",
    "来源",
    "问题描述",
    "整改措施",
    "责任单位",
    "责任人",
    "整改时限",
    "状态",
    "销号日期",
];

/// The repository (for templates/ and fonts/).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real `zyz` binary in `cwd` with `args` (`ZYZ_TEST_BIN` names another build of it:
/// with a target folder shared between branches, cargo's binary may be another branch's by the
/// time a test runs).
pub fn zyz(cwd: &Path, args: &[&str]) -> std::process::Output {
    let bin = std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into());
    std::process::Command::new(bin)
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("zyz runs")
}

/// `zyz build` of `content` into `out`, with the repository's templates and fonts (and, in `out`,
/// the issued documents its register names: [`archive`]).
pub fn build(content: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    archive(content, out);
    let repo = repo();
    let mut args = vec![
        "build".to_owned(),
        "--content".to_owned(),
        content.display().to_string(),
        "--templates".to_owned(),
        repo.join("templates").display().to_string(),
        "--fonts".to_owned(),
        repo.join("fonts").display().to_string(),
        "--out".to_owned(),
        out.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    zyz(&repo, &refs)
}

/// The issued documents `content`'s register names, copied into `out` from the repository's
/// committed output/ where `out` lacks them. An office's archive goes with its register: a build
/// never makes an issued document again, it checks the archived PDF (a missing one is the
/// document's failure, `issue.mismatch`), so a copy of the sample needs the sample's archive.
pub fn archive(content: &Path, out: &Path) {
    let Ok(register) = std::fs::read_to_string(content.join("register.yaml")) else {
        return;
    };
    let paths = register
        .lines()
        .filter_map(|l| l.trim().strip_prefix("path:"))
        .map(|p| p.trim().trim_matches('"'));
    for rel in paths {
        let (from, to) = (repo().join("output").join(rel), out.join(rel));
        if from.is_file() && !to.exists() {
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(&from, &to).unwrap();
        }
    }
}

/// Text of a process's stderr.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The shipped sample content folder.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary project: `<tmp>/content` is a copy of the sample.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A copy of the sample content, and in `<tmp>/output` the sample's issued documents.
    pub fn sample() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&sample(), &dir.path().join("content"));
        archive(&dir.path().join("content"), &dir.path().join("output"));
        Project { dir }
    }

    /// The sample as an office has it before it issues anything: no register, no archive (the
    /// register's own tests go through issuing from there).
    pub fn unissued() -> Self {
        let p = Self::sample();
        std::fs::remove_file(p.content().join("register.yaml")).unwrap();
        std::fs::remove_dir_all(p.dir.path().join("output")).unwrap();
        p
    }

    pub fn content(&self) -> PathBuf {
        self.dir.path().join("content")
    }

    /// `zyz CMD ARGS` (build, issue, …) on the project's content and `<tmp>/output`, with the
    /// repository's templates and fonts.
    pub fn zyz(&self, cmd: &str, args: &[&str]) -> std::process::Output {
        let repo = repo();
        let content = self.content().display().to_string();
        let out = self.dir.path().join("output").display().to_string();
        let templates = repo.join("templates").display().to_string();
        let fonts = repo.join("fonts").display().to_string();
        let mut all = vec![cmd, "--content", &content, "--out", &out];
        all.extend(["--templates", &templates, "--fonts", &fonts]);
        all.extend(args);
        zyz(self.dir.path(), &all)
    }

    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.content().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// One line per finding, with the file relative to the content folder:
/// `error towns/a.yaml:3:5 [field.unknown] path | message | hint`.
pub fn line(d: &Diagnostic, root: &Path) -> String {
    let file = d.file.strip_prefix(root).unwrap_or(&d.file);
    let strip = |s: &str| s.replace(&format!("{}/", root.display()), "");
    format!(
        "{} {}:{}:{} [{}] {} | {} | {}",
        d.severity.label(),
        file.display(),
        d.line,
        d.column,
        d.rule,
        d.path,
        strip(&d.message),
        strip(d.hint.as_deref().unwrap_or("-"))
    )
}

/// Loads and checks a content folder; returns all findings as lines, and the report.
pub fn run(content: &Path) -> (Vec<String>, zyz::model::Loaded, zyz::check::Report) {
    let loaded = zyz::model::load(content).unwrap();
    let report = zyz::check::check(&loaded.content);
    let mut all: Vec<Diagnostic> = loaded.diagnostics.clone();
    all.extend(report.findings.iter().cloned());
    zyz::diag::sort(&mut all);
    (
        all.iter().map(|d| line(d, content)).collect(),
        loaded,
        report,
    )
}

/// The files under `dir` whose extension is `ext`, sorted.
pub fn files_with_extension(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    files.sort();
    files
}

//! `zyz check --fix [--dry-run]`: the safe proofreading fixes (one suggested form, outside
//! verbatim text) written into the content files in place — only the characters of each finding
//! change, through `writeback::fix` — every file staged before any is renamed into place; then
//! the content is checked again and what needs a person is listed. `--dry-run` prints the
//! changes as a unified diff and writes nothing.

use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::Exit;
use crate::archive::Staged;
use crate::check::proofread::Proofreader;
use crate::cli::CheckArgs;
use crate::diag::{Diagnostic, Severity};
use crate::model::{Inspect, scrub, yaml};
use crate::writeback::{FileChange, fix};

/// Rounds of fixing per file: a fix left out because it overlapped another is made in the next.
const ROUNDS: usize = 4;

/// Entry point of `zyz check --fix`.
pub fn run(args: &CheckArgs) -> anyhow::Result<Exit> {
    let content = &args.project.content;
    let checked = super::check::check_dir(content)?;
    let proofreader = Proofreader::new(&checked.loaded.content.proofread);
    let files: BTreeSet<&PathBuf> = checked
        .findings
        .iter()
        .filter(|d| d.fix.is_some() && d.severity != Severity::Info)
        .map(|d| &d.file)
        .collect();
    let mut changes = Vec::new();
    let mut fixed = 0;
    for shown in files {
        let rel = shown.strip_prefix(content).unwrap_or(shown).to_path_buf();
        let old = std::fs::read_to_string(shown)?;
        match fix_file(&proofreader, &rel, shown, &old) {
            Ok((new, n)) if new != old => {
                fixed += n;
                changes.push(FileChange {
                    rel,
                    path: shown.clone(),
                    old,
                    new,
                });
            }
            Ok(_) => {}
            Err(why) => eprintln!("{}: 无法原地修改，未改动：{why}", shown.display()),
        }
    }
    if args.dry_run {
        print!("{}", super::import::diff(&changes));
        eprintln!(
            "{fixed} 处可自动修改，涉及 {} 个文件（--dry-run：未写入任何文件）",
            changes.len()
        );
        return Ok(exit(&checked.findings));
    }
    let staged = changes
        .iter()
        .map(|f| Staged::new(&f.path, f.new.as_bytes()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    for s in staged {
        s.commit()?;
    }
    let after = super::check::check_dir(content)?;
    let color = std::io::stdout().is_terminal();
    print!("{}", super::check::human(&after, color));
    for f in &changes {
        println!("已修改 {}", f.path.display());
    }
    let person: Vec<&Diagnostic> = after
        .findings
        .iter()
        .filter(|d| {
            d.rule.starts_with("proofread.") && d.severity != Severity::Info && d.fix.is_none()
        })
        .collect();
    println!(
        "\n--fix：已自动修改 {fixed} 处（{} 个文件）；需要人工处理的校对发现 {} 个{}",
        changes.len(),
        person.len(),
        if person.is_empty() { "" } else { "：" }
    );
    for d in person {
        println!(
            "  {}:{}:{} [{}] {}",
            d.file.display(),
            d.line,
            d.column,
            d.rule,
            d.message
        );
    }
    Ok(exit(&after.findings))
}

fn exit(findings: &[Diagnostic]) -> Exit {
    if findings.iter().any(Diagnostic::is_error) {
        Exit::Failure
    } else {
        Exit::Success
    }
}

/// One file's text with its safe fixes made, round after round until none is left; and how
/// many were made.
fn fix_file(
    pr: &Proofreader,
    rel: &Path,
    shown: &Path,
    text: &str,
) -> Result<(String, usize), String> {
    let mut text = text.to_owned();
    let mut made = 0;
    for _ in 0..ROUNDS {
        let mut tree = yaml::parse(&text).map_err(|e| e.message)?;
        scrub::scrub(&mut tree, &text);
        let found = pr.inspect(rel, shown, &tree, &text);
        let fixes = fix::safe_fixes(&found.findings);
        if fixes.is_empty() {
            break;
        }
        text = fix::apply(&text, &fixes)?;
        made += fixes.len();
    }
    Ok((text, made))
}

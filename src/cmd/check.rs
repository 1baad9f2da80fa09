//! `zyz check`: load the content, check it against the standards, print every finding and one
//! verdict line per town. Exit 0 when there are no errors (warnings and verdicts allowed: a town
//! short of a criterion is a verdict, not a data error), 1 when there are, or with
//! `--fail-on-verdicts` when a town falls short.

use std::io::{IsTerminal, Write};

use crate::Exit;
use crate::check::{self, Report};
use crate::cli::{CheckArgs, Format};
use crate::diag::{self, Diagnostic};
use crate::model::Loaded;

/// Everything `zyz check` found: the load diagnostics and the check report, merged and sorted.
pub struct Checked {
    pub loaded: Loaded,
    pub report: Report,
    pub findings: Vec<Diagnostic>,
}

/// Loads and checks a content folder (also used by `zyz build` before rendering).
pub fn check_dir(content: &std::path::Path) -> anyhow::Result<Checked> {
    let loaded = check::load(content)?;
    let report = check::check(&loaded.content);
    let mut findings = loaded.diagnostics.clone();
    findings.extend(report.findings.iter().cloned());
    let numbered = crate::plan::numbered_documents(&loaded.content, &report);
    findings.extend(crate::plan::duplicate_numbers(&loaded.content, &numbered));
    diag::sort(&mut findings);
    Ok(Checked {
        loaded,
        report,
        findings,
    })
}

/// Entry point of `zyz check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<Exit> {
    if args.fix {
        return super::fix::run(args);
    }
    let checked = check_dir(&args.project.content)?;
    let errors = checked.findings.iter().filter(|d| d.is_error()).count();
    let verdicts = checked.findings.iter().filter(|d| d.is_verdict()).count();
    let stdout = std::io::stdout();
    let color = stdout.is_terminal();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let text = match args.format {
        Format::Json => {
            let mut value = diag::to_json(&checked.findings);
            value["verdicts"] = serde_json::to_value(&checked.report.verdicts)?;
            if args.show_allowed {
                value["allowed"] = serde_json::to_value(&checked.loaded.allowed)?;
            }
            serde_json::to_string_pretty(&value)? + "\n"
        }
        Format::Human if args.show_allowed => human(&checked, color) + &allowed(&checked, color),
        Format::Human => human(&checked, color),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(e.into());
    }
    // The process ends right after this: freeing millions of small strings one by one would
    // only cost time (a tenth of a 10,000-town check).
    std::mem::forget(checked);
    Ok(if errors > 0 || (args.fail_on_verdicts && verdicts > 0) {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// The findings silenced by `# 校对: 允许 RULE` comments (`--show-allowed`).
pub fn allowed(checked: &Checked, color: bool) -> String {
    let mut s = format!(
        "\n已允许（# 校对: 允许）的校对发现：{} 个\n",
        checked.loaded.allowed.len()
    );
    for d in &checked.loaded.allowed {
        let source = checked.loaded.sources.get(&d.file).map(String::as_str);
        s += &d.render(source, color);
    }
    s
}

/// The human report: each finding with its source line and caret, the verdicts, a summary.
pub fn human(checked: &Checked, color: bool) -> String {
    let mut s = String::new();
    for d in &checked.findings {
        let source = checked.loaded.sources.get(&d.file).map(String::as_str);
        s += &d.render(source, color);
        s.push('\n');
    }
    let content = &checked.loaded.content;
    let (mut meets, mut fails) = (0, 0);
    // by id: a search per town was quadratic (10,000 towns: 4 % of the check)
    let verdicts: std::collections::HashMap<&str, &crate::check::Verdict> = checked
        .report
        .verdicts
        .iter()
        .map(|v| (v.town.as_str(), v))
        .collect();
    for town in &content.towns {
        let line = match verdicts.get(town.id.as_str()) {
            Some(v) => {
                if v.meets {
                    meets += 1;
                } else {
                    fails += 1;
                }
                v.summary()
            }
            None => "未检查（没有对应级别的认定标准）".to_owned(),
        };
        s += &format!("{} ({}): {line}\n", town.name, town.id);
    }
    let loaded: std::collections::HashSet<&std::path::Path> =
        content.towns.iter().map(|t| t.file.as_path()).collect();
    let unloaded: Vec<_> = content
        .files
        .iter()
        .filter_map(|f| f.town.as_ref().map(|t| (t, f)))
        .filter(|(_, f)| !loaded.contains(f.path.as_path()))
        .collect();
    for (id, f) in &unloaded {
        s += &format!(
            "{id} ({}): 文件有错误，未能检查\n",
            content.display_path(&f.path).display()
        );
    }
    let errors = checked.findings.iter().filter(|d| d.is_error()).count();
    let warnings = checked
        .findings
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Warning)
        .count();
    s += &format!(
        "\n检查了 {} 个镇（街道）：{meets} 个符合认定标准，{fails} 个不符合，{} 个未能检查；{errors} 个错误，{warnings} 个警告\n",
        content.towns.len() + unloaded.len(),
        unloaded.len()
    );
    for line in crate::diag::verdict_lines(&checked.findings) {
        s += &format!("未达到认定标准：{line}\n");
    }
    s
}

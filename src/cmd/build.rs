//! `zyz build`: resolve the options, run one build session, print progress and the summary.

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::Exit;
use crate::cli::{BuildArgs, FontArgs, Format, PdfStandardArg};
use crate::diag::{Diagnostic, Severity};
use crate::model::OutputFormat;
use crate::model::de::did_you_mean;
use crate::pipeline::{Event, Options, Session, Summary};
use crate::plan::KINDS;
use crate::typeset::Standard;
use crate::typeset::fonts::{FontOptions, RoleMap};

/// Entry point of `zyz build`.
pub fn run(args: &BuildArgs) -> anyhow::Result<Exit> {
    let options = options_from(args)?;
    let session = Session::new(options)?;
    let json = args.format == Format::Json;
    let summary = build_once(&session, args.quiet || json)?;
    if json {
        print_json(&summary)?;
    } else {
        print_summary(&summary, args, &session.options.content);
    }
    let short = args.fail_on_verdicts && summary.findings.iter().any(Diagnostic::is_verdict);
    Ok(if summary.has_errors() || short {
        Exit::Failure
    } else {
        Exit::Success
    })
}

/// Resolves the command line into build options, rejecting bad values with a hint.
pub fn options_from(args: &BuildArgs) -> anyhow::Result<Options> {
    let shard = match &args.shard {
        None => None,
        Some(text) => Some(parse_shard(text)?),
    };
    for kind in &args.kind {
        if !KINDS.contains(&kind.as_str()) {
            let guess = did_you_mean(kind, KINDS)
                .map(|g| format!("did you mean `{g}`? "))
                .unwrap_or_default();
            bail!(
                "--kind {kind}: unknown document kind (hint: {guess}one of {})",
                KINDS.join(", ")
            );
        }
    }
    let jobs = match args.jobs {
        Some(0) => bail!("-j 0: at least one job is needed"),
        Some(n) => n,
        None => std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1),
    };
    if !args.project.content.is_dir() {
        bail!(
            "the content folder {} does not exist (hint: run zyz in the project folder, or pass --content DIR)",
            args.project.content.display()
        );
    }
    check_selection(args)?;
    Ok(Options {
        content: args.project.content.clone(),
        templates: args.project.templates.clone(),
        out: args.out.clone(),
        fonts: font_options(&args.fonts, &args.project.content)?,
        jobs,
        force: args.force,
        kinds: args.kind.clone(),
        towns: args.town.clone(),
        shard,
        emit_typ: args.emit_typ,
        standard: match args.pdf_standard {
            PdfStandardArg::A2b => Standard::PdfA2b,
            PdfStandardArg::Pdf17 => Standard::Pdf17,
        },
        strict_layout: args.strict_layout,
        issuing: Default::default(),
        formats: output_formats(&args.formats)?,
        as_of: args.as_of,
    })
}

/// `--formats pdf,ofd`: known names, `pdf` among them (every document is a PDF); `None` when
/// not given (city.yaml `formats` then).
fn output_formats(names: &[String]) -> anyhow::Result<Option<Vec<OutputFormat>>> {
    if names.is_empty() {
        return Ok(None);
    }
    let known: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.name()).collect();
    let mut formats = Vec::new();
    for name in names {
        let Some(format) = OutputFormat::from_name(name.trim()) else {
            bail!(
                "--formats {}: unknown format `{name}` (hint: one or more of {}, e.g. --formats pdf,ofd)",
                names.join(","),
                known.join(", ")
            );
        };
        formats.push(format);
    }
    if !formats.contains(&OutputFormat::Pdf) {
        bail!(
            "--formats {}: pdf is always written (hint: --formats pdf,{})",
            names.join(","),
            names.join(",")
        );
    }
    Ok(Some(formats))
}

/// Font options: the bundled folder, `--font-path` folders, `--system-fonts`, and the role
/// mapping from `<content>/fonts.yaml` when present.
pub fn font_options(args: &FontArgs, content: &Path) -> anyhow::Result<FontOptions> {
    let roles = content.join("fonts.yaml");
    if !crate::model::stays_inside(content, &roles) {
        bail!(
            "{} is a symlink that leads outside the content folder; it was not read (hint: copy the file into the content folder and delete the link)",
            roles.display()
        );
    }
    Ok(FontOptions {
        bundled: args.fonts.clone(),
        extra: args.font_paths.clone(),
        system: args.system_fonts,
        roles: RoleMap::load(&content.join("fonts.yaml"))?,
    })
}

/// `--town` must name a town of the content: otherwise the build would quietly build nothing. A
/// usage error with the closest ids. (With `--kind`, the build itself checks that the town has
/// such a document, from the documents it plans: `Session::build`.)
fn check_selection(args: &BuildArgs) -> anyhow::Result<()> {
    if args.town.is_empty() {
        return Ok(());
    }
    let content = &args.project.content;
    let known = town_ids(content)?;
    for town in &args.town {
        if !known.contains(town) {
            bail!(
                "--town {town}: there is no town `{town}` in {} (hint: {})",
                content.display(),
                suggest(town, &known)
            );
        }
    }
    Ok(())
}

/// The town ids of a content folder: the names of `towns/*.yaml` (a town's id is its file's name).
fn town_ids(content: &Path) -> anyhow::Result<Vec<String>> {
    let dir = content.join("towns");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(Vec::new());
    };
    let mut ids = Vec::new();
    for entry in entries {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if let Some(id) = name.strip_suffix(".yaml")
            && !id.starts_with('.')
        {
            ids.push(id.to_owned());
        }
    }
    ids.sort();
    Ok(ids)
}

/// "did you mean `x`?" when one known id is close, else the known ids (the first dozen).
fn suggest(word: &str, known: &[String]) -> String {
    if let Some(guess) = did_you_mean(word, known.iter().map(String::as_str)) {
        return format!("did you mean `{guess}`?");
    }
    match known.len() {
        0 => "the content has no towns".to_owned(),
        n if n <= 12 => format!("the towns are: {}", known.join(", ")),
        n => format!(
            "the towns include: {}, … ({n} in all)",
            known[..12].join(", ")
        ),
    }
}

/// `K/N` with 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> anyhow::Result<(u32, u32)> {
    let parsed = text
        .split_once('/')
        .and_then(|(k, n)| Some((k.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?)));
    match parsed {
        Some((k, n)) if n >= 1 && (1..=n).contains(&k) => Ok((k, n)),
        _ => bail!("--shard {text}: expected K/N with 1 ≤ K ≤ N, e.g. --shard 2/4"),
    }
}

/// Runs one build with a progress bar on a terminal, plain lines otherwise, nothing with quiet.
pub fn build_once(session: &Session, quiet: bool) -> anyhow::Result<Summary> {
    let terminal = std::io::stderr().is_terminal();
    let bar = (!quiet && terminal).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar
    });
    let on_event = |event: &Event, done: usize, total: usize| match (&bar, event) {
        (Some(bar), Event::Built { path, .. }) => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.set_message(path.clone());
        }
        (Some(bar), Event::Failed { path, .. }) => {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            bar.println(format!("failed: {path}"));
        }
        (None, Event::Built { path, pages, .. }) if !quiet => {
            eprintln!("[{done}/{total}] built {path} ({pages} pages)")
        }
        (None, Event::Failed { path, .. }) => eprintln!("[{done}/{total}] FAILED {path}"),
        _ => {}
    };
    let summary = session.build(&on_event);
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    summary
}

/// `--format json`: every finding (content, Typst, layout, and why each failed document
/// failed) as in `zyz check --format json`, plus the documents built and failed, on stdout.
fn print_json(summary: &Summary) -> anyhow::Result<()> {
    let mut all: Vec<Diagnostic> = summary.findings.clone();
    all.extend(summary.typst_warnings.iter().cloned());
    all.extend(summary.failed.iter().flat_map(|(_, d)| d.iter().cloned()));
    let mut value = crate::diag::to_json(&all);
    value["built"] = serde_json::to_value(&summary.built)?;
    value["failed"] =
        serde_json::to_value(summary.failed.iter().map(|(p, _)| p).collect::<Vec<_>>())?;
    value["due"] = serde_json::to_value(&summary.due)?;
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// Warnings printed one line each before the build points to `zyz check` for the rest.
const WARNING_LINES: usize = 10;

/// Prints what a person needs after a build, on one screen: errors in full (they block
/// documents), failed documents, warnings one line each (in full with `--details`), the summary
/// line, and last, where the eye lands, one line per town that falls short of the standard.
pub fn print_summary(summary: &Summary, args: &BuildArgs, content: &Path) {
    let color = std::io::stderr().is_terminal();
    let source_of = |d: &Diagnostic| -> Option<String> {
        if d.line == 0 {
            return None; // nothing to quote (and a refused file is never read)
        }
        let rel: PathBuf = crate::diag::display_path(&d.file, content);
        summary
            .sources
            .get(&d.file)
            .or_else(|| summary.sources.get(&rel))
            .cloned()
            .or_else(|| std::fs::read_to_string(&d.file).ok())
    };
    let all = || summary.findings.iter().chain(&summary.typst_warnings);
    for d in all().filter(|d| d.is_error() || (args.details && !args.quiet)) {
        eprint!("{}", d.render(source_of(d).as_deref(), color));
    }
    for (path, diagnostics) in &summary.failed {
        eprintln!("error: {path} was not built:");
        for d in diagnostics {
            eprint!("{}", d.render(source_of(d).as_deref(), color));
        }
    }
    if args.quiet {
        return;
    }
    let warnings: Vec<&Diagnostic> = all().filter(|d| d.severity == Severity::Warning).collect();
    if !args.details {
        for d in warnings.iter().take(WARNING_LINES) {
            let at = if d.line > 0 {
                format!("{}:{}", d.file.display(), d.line)
            } else {
                d.file.display().to_string()
            };
            eprintln!("warning[{}]: {}  --> {at}", d.rule, d.message);
        }
        if warnings.len() > WARNING_LINES {
            eprintln!("…另有 {} 条警告", warnings.len() - WARNING_LINES);
        }
    }
    for path in &summary.removed {
        eprintln!("removed {path} (its town or document is gone from the content)");
    }
    if !summary.deferred.is_empty() {
        eprintln!(
            "{} left for the next build (a newer save came): made when the saves pause",
            summary.deferred.len()
        );
    }
    for line in &summary.due {
        eprintln!("due: {line}");
    }
    if args.timings {
        eprint!(
            "time per stage, summed over documents:\n{}",
            summary.timings.report()
        );
    }
    print_closing(summary, &warnings, args.details);
}

/// The summary line, then the verdicts: one line per town that falls short of a criterion.
fn print_closing(summary: &Summary, warnings: &[&Diagnostic], details: bool) {
    let errors = summary.findings.iter().filter(|d| d.is_error()).count();
    let look = if (errors > 0 || !warnings.is_empty()) && !details {
        "; `zyz check` shows each finding with its line"
    } else {
        ""
    };
    eprintln!(
        "{} built, {} up to date, {} removed, {} failed in {:.2} s ({errors} errors, {} warnings in the content{look})",
        summary.built.len(),
        summary.skipped,
        summary.removed.len(),
        summary.failed.len(),
        summary.elapsed.as_secs_f64(),
        warnings.len(),
    );
    let verdicts = crate::diag::verdict_lines(&summary.findings);
    if !verdicts.is_empty() {
        eprintln!(
            "认定标准：{} 个镇（街道）未达到（这是对镇的评价，不是数据错误；文档照常生成）：",
            verdicts.len()
        );
        for line in verdicts {
            eprintln!("  {line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_syntax_is_checked() {
        assert_eq!(parse_shard("2/4").unwrap(), (2, 4));
        assert!(parse_shard("0/4").is_err());
        assert!(parse_shard("5/4").is_err());
        assert!(parse_shard("x").unwrap_err().to_string().contains("K/N"));
    }
}

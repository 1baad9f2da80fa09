//! Benchmark (figures, not a timed test): in-process typesetting throughput on ONE thread, its
//! memory over a long batch, and the typst CLI on the same sources.
//!
//!     cargo bench --bench typeset -- [N] [--cli-cap=100] [--full=N] [--vary=one|every]
//!                                       [--evict-every=32] [--evict-age=10] [--no-cli]
//!
//! - Loads the fonts once (a build [`Session`]), prepares the real content (`content/`) and takes
//!   the city-wide plan document (`city-plan.typ.j2`).
//! - The real document is ~12 pages; a trimmed variant drops, in this order, tasks from the end,
//!   then safeguards, then goals, then the standard text, until it fits in 4 pages (calibrated by
//!   compiling; what was kept is printed). N distinct 4-page sources are made from it: each
//!   has its own 文号 serial and one changed word in the preamble (`--vary=every` also changes
//!   every task paragraph, so no paragraph layout can come from the cache).
//! - After a warm-up, renders, compiles and exports them one after another on one thread (a
//!   one-thread rayon pool, so Typst's own parallel sections stay on it too), with
//!   `comemo::evict(10)` every 32 documents as the build does, printing VmRSS every 100 documents
//!   and VmHWM at the end.
//! - Then the full ~12-page document (`--full`, default N/4 documents) for pages per second.
//! - Finally writes the first `--cli-cap` 4-page sources (with the gongwen package beside them) to a temp
//!   folder and runs `typst compile` once per document, one at a time and two at a time, with the
//!   same fonts (bundled only) and PDF/A-2b, and prints the throughput ratios.
//!
//! Targets (2 cores): ≥ 50 four-page documents/s on one thread after warm-up; peak memory
//! < 500 MB for 1,000 documents; ≥ 6× the one-at-a-time CLI throughput.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};

// The same allocator as the `zyz` binary (src/main.rs), so the figures are the tool's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use serde_json::Value;
use zyz::pipeline::{Options, Session, Timings};
use zyz::typeset::fonts::{FontOptions, RoleMap};
use zyz::typeset::{Job, Standard};

const WARMUP: usize = 20;
const TARGET_PAGES: usize = 4;

struct Args {
    n: usize,
    cli_cap: usize,
    full: Option<usize>,
    vary_every: bool,
    cli: bool,
    /// `comemo::evict(evict_age)` every `evict_every` documents (the build: 10 every 32).
    evict_every: usize,
    evict_age: usize,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut a = Args {
        n: 1000,
        cli_cap: 100,
        full: None,
        vary_every: false,
        cli: true,
        evict_every: 32,
        evict_age: 10,
    };
    for arg in std::env::args().skip(1) {
        if arg == "--bench" {
            continue; // cargo bench passes this to harness = false targets
        } else if let Some(v) = arg.strip_prefix("--cli-cap=") {
            a.cli_cap = v.parse().context("--cli-cap")?;
        } else if let Some(v) = arg.strip_prefix("--full=") {
            a.full = Some(v.parse().context("--full")?);
        } else if let Some(v) = arg.strip_prefix("--vary=") {
            a.vary_every = match v {
                "one" => false,
                "every" => true,
                _ => bail!("--vary=one|every"),
            };
        } else if let Some(v) = arg.strip_prefix("--evict-every=") {
            a.evict_every = v.parse::<usize>().context("--evict-every")?.max(1);
        } else if let Some(v) = arg.strip_prefix("--evict-age=") {
            a.evict_age = v.parse().context("--evict-age")?;
        } else if arg == "--no-cli" {
            a.cli = false;
        } else if let Ok(n) = arg.parse() {
            a.n = n;
        } else {
            bail!(
                "unknown argument {arg} (usage: cargo bench --bench typeset -- [N] [--cli-cap=100] [--full=N] [--vary=one|every] [--evict-every=32] [--evict-age=10] [--no-cli])"
            );
        }
    }
    Ok(a)
}

/// A field of `/proc/self/status` in kB (VmRSS, VmHWM).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// CPU seconds (user + system) of this process and of its waited-for children.
fn cpu_seconds() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the `(comm)`; utime is field 14 overall, i.e. index 11 after the `)`.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<f64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    let tick = 100.0; // USER_HZ on Linux
    let get = |i: usize| f.get(i).copied().unwrap_or(0.0) / tick;
    (get(11) + get(12), get(13) + get(14))
}

/// The plan context with only the first `keep` tasks (across headings; empty headings dropped).
fn trimmed(base: &Value, keep: usize) -> Value {
    let mut ctx = base.clone();
    let mut left = keep;
    if let Some(headings) = ctx
        .pointer_mut("/plan/headings")
        .and_then(Value::as_array_mut)
    {
        for h in headings.iter_mut() {
            if let Some(tasks) = h.get_mut("tasks").and_then(Value::as_array_mut) {
                let take = tasks.len().min(left);
                tasks.truncate(take);
                left -= take;
            }
        }
        headings.retain(|h| {
            h.get("tasks")
                .and_then(Value::as_array)
                .is_some_and(|t| !t.is_empty())
        });
    }
    ctx
}

fn task_count(ctx: &Value) -> usize {
    ctx.pointer("/plan/headings")
        .and_then(Value::as_array)
        .map(|hs| {
            hs.iter()
                .map(|h| h.get("tasks").and_then(Value::as_array).map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0)
}

/// Document `i`'s context: its own 文号 serial and a changed word (or every task paragraph).
fn variant(base: &Value, i: usize, every: bool) -> Value {
    let mut ctx = base.clone();
    let serial = 100 + i;
    let prefix = ctx
        .pointer("/doc/organ/prefix")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let year = ctx
        .pointer("/doc/date_parts/year")
        .and_then(Value::as_i64)
        .unwrap_or(2025);
    if let Some(w) = ctx.pointer_mut("/doc/wenhao") {
        *w = Value::String(format!("{prefix}〔{year}〕{serial}号"));
    }
    if let Some(Value::String(p)) = ctx.pointer_mut("/plan/preamble") {
        *p = p.replacen(
            "制定本行动计划",
            &format!("制定本行动计划（第{serial}批）"),
            1,
        );
        if !p.contains(&format!("第{serial}批")) {
            p.push_str(&format!("（第{serial}批）"));
        }
    }
    if every
        && let Some(headings) = ctx
            .pointer_mut("/plan/headings")
            .and_then(Value::as_array_mut)
    {
        for h in headings {
            if let Some(tasks) = h.get_mut("tasks").and_then(Value::as_array_mut) {
                for t in tasks {
                    if let Some(Value::String(text)) = t.get_mut("text") {
                        text.push_str(&format!("（{serial}）"));
                    }
                }
            }
        }
    }
    ctx
}

#[derive(Default)]
struct Tally {
    docs: usize,
    pages: usize,
    render: Duration,
    compile: Duration,
    pdf: Duration,
    pdf_bytes: usize,
}

impl Tally {
    fn busy(&self) -> Duration {
        self.render + self.compile + self.pdf
    }
}

struct Bench<'a> {
    session: &'a Session,
    template: String,
    date: zyz::typeset::Date,
}

impl Bench<'_> {
    /// Renders, compiles and exports one document; returns (source, pages).
    fn one(&self, ctx: &Value, name: &str, tally: &mut Tally) -> anyhow::Result<(String, usize)> {
        let t = Instant::now();
        let source = self
            .session
            .renderer()
            .render(&self.template, ctx)
            .map_err(|d| anyhow::anyhow!("render: {}", d.message))?;
        tally.render += t.elapsed();
        let job = Job {
            source,
            source_name: PathBuf::from(format!("bench/{name}.typ")),
            date: self.date,
            ident: format!("zyz-bench/{name}"),
            standard: Standard::PdfA2b,
        };
        let t = Instant::now();
        let (doc, _warnings) = self.session.typesetter().compile(&job).map_err(|e| {
            anyhow::anyhow!(
                "compile {name}: {}",
                e.iter()
                    .map(|d| format!("{}:{}: {}", d.line, d.column, d.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        })?;
        tally.compile += t.elapsed();
        let t = Instant::now();
        let pdf =
            zyz::export::pdf::pdf(&doc, &job).map_err(|e| anyhow::anyhow!("pdf {name}: {e:?}"))?;
        tally.pdf += t.elapsed();
        let pages = doc.pages().len();
        tally.docs += 1;
        tally.pages += pages;
        tally.pdf_bytes += pdf.len();
        Ok((job.source, pages))
    }
}

fn report(label: &str, t: &Tally, wall: Duration) {
    let n = t.docs.max(1) as f64;
    println!(
        "{label}: {} documents, {} pages ({:.1} pages/doc), {:.0} KiB PDF/doc",
        t.docs,
        t.pages,
        t.pages as f64 / n,
        t.pdf_bytes as f64 / n / 1024.0
    );
    println!(
        "  per document: render {:.2} ms + compile {:.2} ms + PDF {:.2} ms = {:.2} ms",
        t.render.as_secs_f64() * 1e3 / n,
        t.compile.as_secs_f64() * 1e3 / n,
        t.pdf.as_secs_f64() * 1e3 / n,
        t.busy().as_secs_f64() * 1e3 / n
    );
    println!(
        "  throughput (one thread, wall {:.2} s): {:.1} documents/s, {:.1} pages/s",
        wall.as_secs_f64(),
        t.docs as f64 / wall.as_secs_f64(),
        t.pages as f64 / wall.as_secs_f64()
    );
}

fn typst_cli() -> anyhow::Result<PathBuf> {
    let candidates = [
        std::env::var_os("TYPST").map(PathBuf::from),
        std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo/bin/typst")),
        Some(PathBuf::from("typst")),
    ];
    for c in candidates.into_iter().flatten() {
        if let Ok(out) = Command::new(&c).arg("--version").output()
            && String::from_utf8_lossy(&out.stdout).contains("0.15.1")
        {
            return Ok(c);
        }
    }
    eprintln!("typst 0.15.1 not found: cargo install typst-cli --version 0.15.1 --locked");
    let ok = Command::new("cargo")
        .args(["install", "typst-cli", "--version", "0.15.1", "--locked"])
        .status()?
        .success();
    if !ok {
        bail!("cargo install typst-cli failed");
    }
    Ok(std::env::var_os("HOME")
        .map(|h| Path::new(&h).join(".cargo/bin/typst"))
        .unwrap_or_else(|| "typst".into()))
}

/// Runs the typst CLI over `files` with `parallel` processes at a time; returns the wall time.
fn run_cli(
    typst: &Path,
    fonts: &Path,
    dir: &Path,
    files: &[PathBuf],
    parallel: usize,
) -> anyhow::Result<Duration> {
    let next = Mutex::new(0usize);
    let failed = Mutex::new(Vec::new());
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..parallel {
            s.spawn(|| {
                loop {
                    let i = {
                        let mut n = next.lock().unwrap();
                        let i = *n;
                        *n += 1;
                        i
                    };
                    let Some(file) = files.get(i) else { break };
                    let out = file.with_extension("pdf");
                    let status = Command::new(typst)
                        .arg("compile")
                        .arg("--root")
                        .arg(dir)
                        .arg("--font-path")
                        .arg(fonts)
                        .args([
                            "--ignore-system-fonts",
                            "--ignore-embedded-fonts",
                            "--pdf-standard",
                            "a-2b",
                        ])
                        .arg(file)
                        .arg(&out)
                        .output();
                    match status {
                        Ok(o) if o.status.success() => {}
                        Ok(o) => failed.lock().unwrap().push(format!(
                            "{}: {}",
                            file.display(),
                            String::from_utf8_lossy(&o.stderr)
                        )),
                        Err(e) => failed
                            .lock()
                            .unwrap()
                            .push(format!("{}: {e}", file.display())),
                    }
                }
            });
        }
    });
    let wall = start.elapsed();
    let failed = failed.into_inner().unwrap();
    if let Some(first) = failed.first() {
        bail!("{} typst CLI runs failed; first: {first}", failed.len());
    }
    Ok(wall)
}

fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let content = root.join("content");
    let templates = root.join("templates");
    let fonts_dir = root.join("fonts");
    let out = tempfile::tempdir()?;

    println!(
        "typeset bench: N = {}, cores = {}, vary = {}",
        args.n,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        if args.vary_every {
            "every task paragraph"
        } else {
            "文号 serial + one word"
        }
    );
    let t = Instant::now();
    let session = Session::new(Options {
        content: content.clone(),
        templates: templates.clone(),
        out: out.path().to_path_buf(),
        fonts: FontOptions {
            bundled: fonts_dir.clone(),
            extra: vec![],
            system: false,
            roles: RoleMap::load(&content.join("fonts.yaml"))?,
        },
        jobs: 1,
        force: true,
        kinds: vec![],
        towns: vec![],
        shard: None,
        emit_typ: false,
        standard: Standard::PdfA2b,
        strict_layout: false,
        issuing: Default::default(),
        formats: None,
    })?;
    println!(
        "fonts loaded once: {:.0} ms (VmRSS {:.0} MB)",
        t.elapsed().as_secs_f64() * 1e3,
        mb(status_kb("VmRSS:"))
    );
    let prepared = session.prepare(&Timings::default())?;
    let doc = prepared
        .docs
        .iter()
        .find(|d| d.template == "city-plan.typ.j2")
        .context("the plan has no city-wide plan document (city-plan.typ.j2)")?;
    let bench = Bench {
        session: &session,
        template: doc.template.clone(),
        date: doc.date.into(),
    };

    let context = doc.context.value();
    // One thread for everything Typst does, including its internal parallel sections.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
    let result = pool.install(|| -> anyhow::Result<(f64, Vec<String>, usize)> {
        // Calibrate the 4-page variant: the most tasks that still fit in TARGET_PAGES pages.
        let total_tasks = task_count(&context);
        let mut scratch = Tally::default();
        let (_, full_pages) = bench.one(&context, "calibrate-full", &mut scratch)?;
        let mut candidates: Vec<(String, Value)> = (0..=total_tasks)
            .rev()
            .map(|k| (format!("{k} of {total_tasks} tasks"), trimmed(&context, k)))
            .collect();
        let mut ctx = trimmed(&context, 0);
        for list in ["safeguards", "goals"] {
            let len = ctx.pointer(&format!("/plan/{list}")).and_then(Value::as_array).map_or(0, Vec::len);
            for k in (0..len).rev() {
                if let Some(items) = ctx.pointer_mut(&format!("/plan/{list}")).and_then(Value::as_array_mut) {
                    items.truncate(k);
                }
                candidates.push((format!("no tasks, {list} cut to {k} of {len}"), ctx.clone()));
            }
        }
        if let Some(t) = ctx.pointer_mut("/plan/standard_text") {
            *t = Value::String(String::new());
        }
        candidates.push(("no tasks, safeguards, goals or standard text".into(), ctx.clone()));
        let mut chosen = None;
        for (i, (what, c)) in candidates.iter().enumerate() {
            let (_, pages) = bench.one(c, &format!("calibrate-{i}"), &mut scratch)?;
            if pages <= TARGET_PAGES {
                chosen = Some((what.clone(), c.clone(), pages));
                break;
            }
        }
        let Some((what, small, keep_pages)) = chosen else {
            bail!("even the most trimmed variant has more than {TARGET_PAGES} pages")
        };
        println!("real document: {full_pages} pages, {total_tasks} tasks; the 4-page variant keeps {what} ({keep_pages} pages)");

        // Warm-up (documents not counted, serials outside the measured range).
        let mut warm = Tally::default();
        for i in 0..WARMUP {
            bench.one(&variant(&small, 100_000 + i, args.vary_every), &format!("warm-{i}"), &mut warm)?;
        }
        println!("warm-up: {WARMUP} documents, first-run compile incl. caches {:.1} ms/doc", warm.compile.as_secs_f64() * 1e3 / WARMUP as f64);

        // The measured batch.
        let keep_for_cli = if args.cli { args.cli_cap.min(args.n) } else { 0 };
        let mut sources = Vec::with_capacity(keep_for_cli);
        let mut tally = Tally::default();
        let mut odd_pages = 0;
        let rss_start = status_kb("VmRSS:");
        let mut rss_samples = vec![(0usize, rss_start)];
        let (cpu0, _) = cpu_seconds();
        let start = Instant::now();
        for i in 0..args.n {
            let (source, pages) = bench.one(&variant(&small, i, args.vary_every), &format!("doc-{i:04}"), &mut tally)?;
            if pages != keep_pages && odd_pages == 0 {
                println!("  note: document {i} has {pages} pages (not {keep_pages})");
            }
            odd_pages += usize::from(pages != keep_pages);
            if sources.len() < keep_for_cli {
                sources.push(source);
            }
            if (i + 1) % args.evict_every == 0 {
                comemo::evict(args.evict_age);
            }
            if (i + 1) % 100 == 0 {
                let rss = status_kb("VmRSS:");
                rss_samples.push((i + 1, rss));
                println!("  after {:>5} documents: VmRSS {:.0} MB", i + 1, mb(rss));
            }
        }
        let wall = start.elapsed();
        let (cpu1, _) = cpu_seconds();
        report("4-page documents", &tally, wall);
        if odd_pages > 0 {
            println!("  {odd_pages} documents had another page count");
        }
        println!("  comemo::evict({}) every {} documents", args.evict_age, args.evict_every);
        println!("  CPU {:.2} s over wall {:.2} s ({:.2} cores busy)", cpu1 - cpu0, wall.as_secs_f64(), (cpu1 - cpu0) / wall.as_secs_f64());
        println!(
            "  CPU per document {:.1} ms → {:.1} documents per CPU-second (load-independent figure on a shared machine)",
            (cpu1 - cpu0) * 1e3 / tally.docs.max(1) as f64,
            tally.docs as f64 / (cpu1 - cpu0).max(1e-9)
        );
        let hwm = status_kb("VmHWM:");
        let last = rss_samples.last().map_or(0, |s| s.1);
        let mid = rss_samples.get(rss_samples.len() / 2).map_or(0, |s| s.1);
        println!(
            "  memory: VmHWM {:.0} MB after {} documents; VmRSS start {:.0} / middle {:.0} / end {:.0} MB",
            mb(hwm),
            args.n,
            mb(rss_start),
            mb(mid),
            mb(last)
        );
        let docs_per_s = tally.docs as f64 / wall.as_secs_f64();
        println!(
            "  TARGET ≥ 50 four-page docs/s (one thread): {:.1} → {}",
            docs_per_s,
            if docs_per_s >= 50.0 { "met" } else { "MISSED" }
        );
        println!("  TARGET peak memory < 500 MB: {:.0} MB → {}", mb(hwm), if mb(hwm) < 500.0 { "met" } else { "MISSED" });

        // The full real document, for pages per second.
        let full_n = args.full.unwrap_or(args.n / 4).max(1);
        let mut full = Tally::default();
        let start = Instant::now();
        for i in 0..full_n {
            bench.one(&variant(&context, 200_000 + i, args.vary_every), &format!("full-{i:04}"), &mut full)?;
            if (i + 1) % args.evict_every == 0 {
                comemo::evict(args.evict_age);
            }
        }
        report("full plan documents", &full, start.elapsed());
        Ok((docs_per_s, sources, keep_pages))
    })?;
    let (docs_per_s, sources, pages) = result;
    println!("VmHWM after everything: {:.0} MB", mb(status_kb("VmHWM:")));

    if !args.cli || sources.is_empty() {
        return Ok(());
    }
    // The typst CLI on the same sources.
    let typst = typst_cli()?;
    let dir = tempfile::tempdir()?;
    // the gongwen package beside the sources, as `#import "gongwen/lib.typ"` finds it
    std::fs::create_dir_all(dir.path().join("gongwen"))?;
    for entry in std::fs::read_dir(templates.join("gongwen"))? {
        let entry = entry?;
        std::fs::copy(
            entry.path(),
            dir.path().join("gongwen").join(entry.file_name()),
        )?;
    }
    let mut files = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let f = dir.path().join(format!("doc-{i:04}.typ"));
        std::fs::write(&f, s)?;
        files.push(f);
    }
    println!(
        "typst CLI ({}): {} of the 4-page sources in {}",
        typst.display(),
        files.len(),
        dir.path().display()
    );
    // One warm-up run (disk cache for the binary and fonts).
    run_cli(&typst, &fonts_dir, dir.path(), &files[..1], 1)?;
    if let Ok(o) = Command::new("pdfinfo")
        .arg(files[0].with_extension("pdf"))
        .output()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        if let Some(line) = text.lines().find(|l| l.starts_with("Pages:")) {
            println!(
                "  CLI output pages: {} (in-process: {pages})",
                line.trim_start_matches("Pages:").trim()
            );
        }
    }
    let (_, c0) = cpu_seconds();
    let one = run_cli(&typst, &fonts_dir, dir.path(), &files, 1)?;
    let (_, c1) = cpu_seconds();
    let two = run_cli(&typst, &fonts_dir, dir.path(), &files, 2)?;
    let n = files.len() as f64;
    let one_rate = n / one.as_secs_f64();
    let two_rate = n / two.as_secs_f64();
    println!(
        "  one at a time: {:.1} ms/doc wall ({:.1} ms CPU/doc), {:.1} docs/s",
        one.as_secs_f64() * 1e3 / n,
        (c1 - c0) * 1e3 / n,
        one_rate
    );
    println!(
        "  two at a time: {:.1} ms/doc wall, {:.1} docs/s",
        two.as_secs_f64() * 1e3 / n,
        two_rate
    );
    println!(
        "  in-process one thread / CLI one at a time: {:.1}× (TARGET ≥ 6×: {})",
        docs_per_s / one_rate,
        if docs_per_s / one_rate >= 6.0 {
            "met"
        } else {
            "MISSED"
        }
    );
    println!(
        "  in-process one thread / CLI two at a time: {:.1}×",
        docs_per_s / two_rate
    );
    println!(
        "  (extrapolated to {} documents: CLI one at a time {:.0} s, two at a time {:.0} s, in-process one thread {:.1} s)",
        args.n,
        args.n as f64 / one_rate,
        args.n as f64 / two_rate,
        args.n as f64 / docs_per_s
    );
    Ok(())
}

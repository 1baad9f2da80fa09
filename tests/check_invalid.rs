//! Every failure mode has a fixture under `tests/fixtures/invalid/<case>/`: files laid over a copy
//! of the sample content, and `expected.txt` listing exactly the findings the case adds (severity,
//! file:line:column, rule, field path, message). Optional `remove.txt` lists sample files to delete;
//! `generate.txt` asks for a file too big to commit (`huge <path>`, `deep <path>`).
//! Set `ZYZ_BLESS=1` to rewrite `expected.txt` from the actual output (then review the diff).

mod common;

use std::collections::HashMap;
use std::time::Instant;

use common::{Project, copy_dir, fixtures, run, sample};

const SAMPLE_TOWNS: [&str; 10] = [
    "chengbei",
    "chengdong",
    "chengxi",
    "hanyang",
    "kaizhang",
    "kaolao",
    "puzhou",
    "qingtou",
    "yuxiang",
    "zhangying",
];
const SPECIAL: [&str; 3] = ["expected.txt", "remove.txt", "generate.txt"];

fn overlay(case: &std::path::Path, project: &Project) -> Vec<String> {
    let mut overlaid = Vec::new();
    for sub in ["", "towns", "standards"] {
        let dir = case.join(sub);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.file_type().unwrap().is_dir()
                || (sub.is_empty() && SPECIAL.contains(&name.as_str()))
            {
                continue;
            }
            let rel = if sub.is_empty() {
                name.clone()
            } else {
                format!("{sub}/{name}")
            };
            project.write(&rel, std::fs::read(entry.path()).unwrap());
            overlaid.push(rel);
        }
    }
    if let Ok(list) = std::fs::read_to_string(case.join("remove.txt")) {
        for rel in list.lines().filter(|l| !l.trim().is_empty()) {
            std::fs::remove_file(project.content().join(rel.trim())).unwrap();
            overlaid.push(rel.trim().to_owned());
        }
    }
    if let Ok(list) = std::fs::read_to_string(case.join("generate.txt")) {
        for spec in list.lines().filter(|l| !l.trim().is_empty()) {
            let (kind, rel) = spec.split_once(' ').unwrap();
            let bytes = match kind {
                // 20 MB of comment lines: refused by size before parsing.
                "huge" => "# 很长的文件 ...................................................\n"
                    .repeat(20_000_000 / 80 + 1),
                // 10,000 levels of nesting.
                "deep" => format!(
                    "id: deep\nname: {}{}\n",
                    "[".repeat(10_000),
                    "]".repeat(10_000)
                ),
                other => panic!("unknown generator {other}"),
            };
            project.write(rel, bytes);
            overlaid.push(rel.to_owned());
        }
    }
    overlaid
}

#[test]
fn invalid_fixtures_report_exact_messages_and_locations() {
    let (baseline, _, _) = run(&sample());
    let mut cases: Vec<_> = std::fs::read_dir(fixtures().join("invalid"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 25, "only {} invalid fixtures", cases.len());
    let bless = std::env::var_os("ZYZ_BLESS").is_some();
    let mut failures = Vec::new();
    let mut slowest = (std::time::Duration::ZERO, String::new());
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let project = Project::sample();
        let overlaid = overlay(case, &project);
        let started = Instant::now();
        let (lines, _loaded, report) = run(&project.content());
        let elapsed = started.elapsed();
        if elapsed > slowest.0 {
            slowest = (elapsed, name.clone());
        }
        // The findings this case adds to the sample's own.
        let mut budget: HashMap<&String, usize> = HashMap::new();
        for l in &baseline {
            *budget.entry(l).or_default() += 1;
        }
        let added: Vec<String> = lines
            .iter()
            .filter(|l| match budget.get_mut(l) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .cloned()
            .collect();
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, added.join("\n") + "\n").unwrap();
            continue;
        }
        let expected: Vec<String> = std::fs::read_to_string(&expected_path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect();
        if added != expected {
            failures.push(format!(
                "{name}:\n  expected:\n    {}\n  actual:\n    {}",
                expected.join("\n    "),
                added.join("\n    ")
            ));
        }
        // Good towns beside the bad file are still checked.
        for id in SAMPLE_TOWNS {
            if overlaid.iter().any(|o| o == &format!("towns/{id}.yaml"))
                || overlaid.iter().any(|o| o.starts_with("standards/"))
            {
                continue;
            }
            if report.verdict(id).is_none() {
                failures.push(format!("{name}: sample town {id} was not checked"));
            }
        }
    }
    println!(
        "{} invalid fixtures; slowest: {} in {:?}",
        cases.len(),
        slowest.1,
        slowest.0
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn sample_copy_helper_copies_everything() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&sample(), tmp.path());
    assert!(tmp.path().join("towns/qingtou.yaml").is_file());
}

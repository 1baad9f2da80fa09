//! `zyz build` as a user runs it: byte-identical output across processes and thread counts,
//! incremental no-op rebuilds that leave every file untouched, removal of a deleted town's
//! documents, and builds killed mid-way that leave only whole files and a true manifest.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::Project;
use common::pdf::Pdf;

/// Every file under `dir` (relative path → bytes), leftovers of killed builds excluded.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    format!("{:x}", sha2::Sha256::digest(bytes))
}

#[test]
fn two_processes_and_thread_counts_give_byte_identical_output() {
    let project = Project::sample();
    let a = project.dir.path().join("out-a");
    let b = project.dir.path().join("out-b");
    let first = common::build(&project.content(), &a, &["-j", "1"]);
    assert!(
        first.status.code() == Some(0) || first.status.code() == Some(1),
        "{}",
        common::stderr(&first)
    );
    let second = common::build(&project.content(), &b, &["-j", "2"]);
    assert_eq!(first.status.code(), second.status.code());
    let (fa, fb) = (files(&a), files(&b));
    assert!(
        fa.keys().any(|p| p.extension().is_some_and(|e| e == "pdf")),
        "PDFs were written: {:?}",
        fa.keys()
    );
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (path, bytes) in &fa {
        assert!(
            bytes == &fb[path],
            "{} differs between the two builds",
            path.display()
        );
    }
}

#[test]
fn a_no_op_rebuild_changes_nothing_and_a_deleted_town_loses_its_documents() {
    let project = Project::sample();
    let out = project.dir.path().join("out");
    common::build(&project.content(), &out, &[]);
    let before = files(&out);
    let mtimes: Vec<_> = before
        .keys()
        .map(|p| std::fs::metadata(out.join(p)).unwrap().modified().unwrap())
        .collect();

    let again = common::build(&project.content(), &out, &[]);
    let text = common::stderr(&again);
    assert!(text.contains("0 built,"), "{text}");
    assert_eq!(files(&out), before, "a no-op rebuild rewrites nothing");
    let after: Vec<_> = before
        .keys()
        .map(|p| std::fs::metadata(out.join(p)).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, after, "not even the modification times change");

    let town_docs: Vec<String> = manifest(&out)["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["town"] == "kaolao")
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();
    assert!(!town_docs.is_empty(), "栲栳镇 has documents of its own");
    std::fs::remove_file(project.content().join("towns/kaolao.yaml")).unwrap();
    let after_delete = common::build(&project.content(), &out, &[]);
    let text = common::stderr(&after_delete);
    for path in &town_docs {
        assert!(
            text.contains(&format!("removed {path}")),
            "says {path} was removed: {text}"
        );
        assert!(!out.join(path).exists(), "{path} is gone");
    }
    assert!(
        manifest(&out)["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["town"] != "kaolao")
    );
}

#[test]
fn killed_builds_leave_whole_files_and_a_manifest_that_matches_the_disk() {
    let project = Project::sample();
    let out = project.dir.path().join("out");
    let repo = common::repo();
    for (round, delay_ms) in [30u64, 120, 250, 400, 700].into_iter().enumerate() {
        let mut child = std::process::Command::new(
            std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into()),
        )
        .current_dir(&repo)
        .args(["build", "--force", "-q", "-j", "2", "--out"])
        .arg(&out)
        .arg("--content")
        .arg(project.content())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        // Every PDF on disk parses, and every manifest entry names a file exactly as it is.
        for (path, bytes) in files(&out) {
            if path.extension().is_some_and(|e| e == "pdf") {
                Pdf::from_bytes(&bytes).unwrap_or_else(|e| {
                    panic!("round {round}: {} does not parse: {e}", path.display())
                });
            }
        }
        if out.join("manifest.json").exists() {
            for entry in manifest(&out)["documents"].as_array().unwrap() {
                let path = out.join(entry["path"].as_str().unwrap());
                let bytes = std::fs::read(&path).unwrap_or_else(|_| {
                    panic!("round {round}: {} is listed but missing", path.display())
                });
                assert_eq!(
                    sha256(&bytes),
                    entry["sha256"].as_str().unwrap(),
                    "round {round}: {} differs from its entry",
                    path.display()
                );
            }
        }
    }
    // The next build completes the set and cleans up.
    let last = common::build(&project.content(), &out, &[]);
    assert!(
        last.status.code() == Some(0) || last.status.code() == Some(1),
        "{}",
        common::stderr(&last)
    );
    let documents = manifest(&out)["documents"].as_array().unwrap().clone();
    assert!(!documents.is_empty());
    for entry in &documents {
        let bytes = std::fs::read(out.join(entry["path"].as_str().unwrap())).unwrap();
        assert_eq!(sha256(&bytes), entry["sha256"].as_str().unwrap());
    }
    assert!(
        files(&out)
            .keys()
            .all(|p| !p.to_string_lossy().ends_with(".tmp")),
        "no temporary files are left"
    );
}

#[test]
fn source_date_epoch_fixes_the_pdf_timestamp() {
    let project = Project::sample();
    let out = project.dir.path().join("out");
    let repo = common::repo();
    let status = std::process::Command::new(
        std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into()),
    )
    .current_dir(&repo)
    .env("SOURCE_DATE_EPOCH", "1700000000")
    .args(["build", "-q", "--kind", "action-plan", "--out"])
    .arg(&out)
    .arg("--content")
    .arg(project.content())
    .status()
    .unwrap();
    assert!(status.code() == Some(0) || status.code() == Some(1));
    let pdf = Pdf::open(&out.join("2025/city/action-plan.pdf")).unwrap();
    assert!(
        pdf.info["CreationDate"].starts_with("D:20231114221320"),
        "{:?}",
        pdf.info.get("CreationDate")
    );
}

#[test]
fn shards_split_the_documents_and_a_merged_folder_is_up_to_date() {
    let project = Project::sample();
    let whole = project.dir.path().join("whole");
    common::build(&project.content(), &whole, &[]);
    let all: Vec<String> = manifest(&whole)["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_owned())
        .collect();

    let merged = project.dir.path().join("merged");
    let mut seen = Vec::new();
    for k in 1..=2 {
        let out = project.dir.path().join(format!("shard-{k}"));
        common::build(&project.content(), &out, &["--shard", &format!("{k}/2")]);
        let own: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join(format!("manifest.shard-{k}-of-2.json"))).unwrap(),
        )
        .unwrap();
        for d in own["documents"].as_array().unwrap() {
            seen.push(d["path"].as_str().unwrap().to_owned());
        }
        common::copy_dir(&out, &merged);
    }
    seen.sort();
    let mut expected = all.clone();
    expected.sort();
    assert_eq!(
        seen, expected,
        "the two shards together build every document exactly once"
    );

    std::fs::remove_file(merged.join("manifest.json")).unwrap();
    let finish = common::build(&project.content(), &merged, &[]);
    assert!(
        common::stderr(&finish).contains("0 built,"),
        "{}",
        common::stderr(&finish)
    );
    assert_eq!(
        files(&merged)
            .into_iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "pdf"))
            .collect::<Vec<_>>(),
        files(&whole)
            .into_iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "pdf"))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        std::fs::read(merged.join("manifest.json")).unwrap(),
        std::fs::read(whole.join("manifest.json")).unwrap()
    );
}

#[test]
fn watch_rebuilds_after_a_saved_edit_and_keeps_going_after_an_error() {
    let project = Project::sample();
    let out = project.dir.path().join("out");
    let repo = common::repo();
    let log = project.dir.path().join("watch.log");
    let mut child = std::process::Command::new(
        std::env::var_os("ZYZ_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_zyz").into()),
    )
    .current_dir(&repo)
    .args(["watch", "--out"])
    .arg(&out)
    .arg("--content")
    .arg(project.content())
    .stdout(std::process::Stdio::null())
    .stderr(std::fs::File::create(&log).unwrap())
    .spawn()
    .unwrap();
    let wait_for = |needle: &str, count: usize| {
        for _ in 0..600 {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            if text.matches(needle).count() >= count {
                return text;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "watch never printed {needle:?} {count} times: {}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    };
    wait_for("watching", 1);
    let plan = project.content().join("plan.yaml");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        text.replace("cc: 市委办公室", "cc: 市纪委办公室，市委办公室"),
    )
    .unwrap();
    let after = wait_for(" built, ", 2);
    assert!(after.contains("changed: "), "{after}");
    let pdf = Pdf::open(&out.join("2025/city/action-plan.pdf")).unwrap();
    assert!(
        pdf.text()
            .replace(char::is_whitespace, "")
            .contains("市纪委办公室"),
        "the edit is in the rebuilt PDF"
    );

    std::fs::write(&plan, "title: [unclosed\n").unwrap();
    let broken = wait_for(" built, ", 3);
    assert!(
        broken.contains("plan.yaml"),
        "the error names the file: {broken}"
    );
    assert!(
        child.try_wait().unwrap().is_none(),
        "watch keeps running after an error"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A panic inside Typst (a bug of Typst's) fails only the document that set it off: the others
/// are built, the summary names it with the rule `typst.panic`, and its generated source is kept.
/// Typst 0.15.1 panics on a paragraph of right-to-left text ending in an Arabic combining mark
/// when fonts that shape it are present (typst#8667); a template of an office's own could hold
/// such markup, and an office may add fonts with `--font-path`.
#[test]
fn a_panic_inside_typst_fails_only_its_document() {
    let project = common::Project::sample();
    let templates = tempfile::tempdir().unwrap();
    common::copy_dir(&common::repo().join("templates"), templates.path());
    // the towns' action plans (the sample's supervision notices are issued: never typeset again)
    let notice = templates.path().join("town-plan.typ.j2");
    let mut source = std::fs::read_to_string(&notice).unwrap();
    source.push_str("\n#par[#text(dir: rtl)[\u{623}\u{64e}\u{645}\u{6e1}]]\n");
    std::fs::write(&notice, source).unwrap();
    let fonts = tempfile::tempdir().unwrap();
    for (i, font) in typst_assets::fonts().enumerate() {
        std::fs::write(fonts.path().join(format!("typst-{i}.otf")), font).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    common::archive(&project.content(), out.path());
    let output = common::zyz(
        &common::repo(),
        &[
            "build",
            "--content",
            &project.content().display().to_string(),
            "--templates",
            &templates.path().display().to_string(),
            "--fonts",
            &common::repo().join("fonts").display().to_string(),
            "--font-path",
            &fonts.path().display().to_string(),
            "--out",
            &out.path().display().to_string(),
        ],
    );
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for town in ["kaizhang", "puzhou", "zhangying"] {
        let failed = format!("2025/towns/{town}/action-plan.pdf was not built");
        assert!(stderr.contains(&failed), "{failed}:\n{stderr}");
        let dir = out.path().join(format!("2025/towns/{town}"));
        assert!(!dir.join("action-plan.pdf").exists());
        assert!(dir.join("action-plan.typ").is_file(), "the source is kept");
    }
    let towns = out.path().join("2025/towns");
    for other in ["kaizhang/application.pdf", "zhangying/reminder.pdf"] {
        assert!(towns.join(other).is_file(), "{other} is built");
    }
    assert!(
        stderr.contains("error[typst.panic]: Typst stopped with an internal error"),
        "{stderr}"
    );
    assert!(stderr.contains(" 9 failed in "), "{stderr}");
    let manifest = manifest(out.path());
    let documents = manifest["documents"].as_array().unwrap();
    assert_eq!(
        documents.len(),
        21,
        "30 documents less the 9 town action plans"
    );
    assert!(
        documents
            .iter()
            .all(|d| d["kind"] != "action-plan" || d["town"].is_null())
    );
}

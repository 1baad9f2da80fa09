//! OFD output (issue 13) as a user checks it: `zyz build --formats pdf,ofd` writes `NAME.ofd`
//! beside every PDF, lists it in the manifest with its SHA-256, makes the same bytes twice, keeps
//! it incremental (and removes it when the format is turned off); and independent readers agree
//! with the PDF: `tests/ofd_check.py` reads every OFD with Python's zipfile/ElementTree
//! (structure), fontTools (the embedded fonts) and ofdkit (text, compared page by page with
//! `pdftotext` of the PDF); and an independent OFD renderer draws the pages as `zyz preview`
//! does: `tests/ofd_render.py` has Free Spire.PDF turn every OFD into a PDF (its fonts being the
//! OFD's embedded ones), rasterises it with poppler's `pdftocairo`, and compares each page with
//! zyz's PNG preview within a pixel tolerance (docs/ofd.md gives the tolerance and the figures).
//!
//! The readers and the renderer come from PyPI into `target/ofd-venv` (`.ci/run` installs them;
//! `ZYZ_OFD_PYTHON` names another interpreter that has them); each test skips, saying why, only
//! when that interpreter or poppler is missing.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::LazyLock;

use common::{Project, build, stderr};

/// The sample built once with OFD on.
static SAMPLE: LazyLock<(tempfile::TempDir, PathBuf)> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = build(&common::sample(), &out, &["--formats", "pdf,ofd"]);
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    assert!(stderr(&run).contains(" 0 failed in "), "{}", stderr(&run));
    (dir, out)
});

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

/// The manifest's documents that have an OFD beside their PDF: every one the build made (an
/// issued document is archived, not made again: its entry lists no file made beside it).
fn with_ofd(out: &Path) -> Vec<serde_json::Value> {
    let manifest = manifest(out);
    manifest["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["files"].as_array().is_some_and(|f| {
                f.iter()
                    .any(|f| f["path"].as_str().unwrap().ends_with(".ofd"))
            })
        })
        .cloned()
        .collect()
}

fn ofd_files(out: &Path) -> Vec<PathBuf> {
    common::files_with_extension(out, "ofd")
}

#[test]
fn every_pdf_has_its_ofd_in_the_manifest() {
    let out = &SAMPLE.1;
    // an issued document is never made again (the sample's register): its files are as archived
    let documents: Vec<serde_json::Value> = manifest(out)["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.get("issued").is_none())
        .cloned()
        .collect();
    assert!(documents.len() >= 10);
    for doc in &documents {
        let pdf = doc["path"].as_str().unwrap();
        let ofd = pdf.replace(".pdf", ".ofd");
        let files = doc["files"]
            .as_array()
            .unwrap_or_else(|| panic!("{pdf} has no files"));
        let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
        let mut sorted = paths.clone();
        sorted.sort();
        assert_eq!(paths, sorted, "{pdf}: files not sorted");
        let entry = files.iter().find(|f| f["path"] == ofd.as_str()).unwrap();
        let bytes = std::fs::read(out.join(&ofd)).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{ofd} is not a ZIP");
        assert_eq!(entry["sha256"], zyz::archive::sha256_hex(&bytes), "{ofd}");
    }
    assert_eq!(ofd_files(out).len(), documents.len());
}

#[test]
fn same_inputs_same_ofd_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let run = build(
        &common::sample(),
        dir.path(),
        &["--formats", "pdf,ofd", "-j", "1"],
    );
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    let first = ofd_files(&SAMPLE.1);
    let second = ofd_files(dir.path());
    assert_eq!(first.len(), second.len());
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(
            std::fs::read(a).unwrap(),
            std::fs::read(b).unwrap(),
            "{}",
            a.display()
        );
    }
}

#[test]
fn ofd_is_incremental_and_goes_when_turned_off() {
    let project = Project::sample();
    let out = project.dir.path().join("out");
    let content = project.content();
    let kind = ["--kind", "ledger"];
    let go = |formats: &str| {
        let run = build(
            &content,
            &out,
            &[&kind[..], &["--formats", formats]].concat(),
        );
        assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
        stderr(&run)
    };
    assert!(go("pdf,ofd").contains("1 built"));
    let ofd = out.join("2025/city/ledger.ofd");
    let xlsx = out.join("2025/city/ledger.xlsx");
    assert!(ofd.is_file() && xlsx.is_file());
    let pdf_before = std::fs::read(out.join("2025/city/ledger.pdf")).unwrap();
    assert!(go("pdf,ofd").contains("0 built, 1 up to date"));
    std::fs::remove_file(&ofd).unwrap();
    assert!(
        go("pdf,ofd").contains("1 built"),
        "a missing OFD makes its document stale"
    );
    assert!(ofd.is_file());
    let pdf_after = std::fs::read(out.join("2025/city/ledger.pdf")).unwrap();
    assert_eq!(
        pdf_before, pdf_after,
        "turning OFD on or off does not change the PDF"
    );
    assert!(go("pdf").contains("0 built, 1 up to date"));
    assert!(!ofd.exists(), "the OFD is removed once the format is off");
    assert!(xlsx.is_file());
    let text = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        !text.contains(".ofd") && text.contains("ledger.xlsx"),
        "{text}"
    );
}

#[test]
fn formats_must_name_pdf_and_known_formats() {
    let dir = tempfile::tempdir().unwrap();
    let run = build(&common::sample(), dir.path(), &["--formats", "ofd"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("pdf is always written"),
        "{}",
        stderr(&run)
    );
    let run = build(&common::sample(), dir.path(), &["--formats", "pdf,odf"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("unknown format `odf`"),
        "{}",
        stderr(&run)
    );
    let run = build(&common::sample(), dir.path(), &["--format", "ofd"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--formats pdf,ofd"),
        "{}",
        stderr(&run)
    );
}

#[test]
fn city_yaml_formats_turn_ofd_on() {
    let project = Project::sample();
    let city = std::fs::read_to_string(project.content().join("city.yaml")).unwrap();
    let city: String = city
        .lines()
        .filter(|l| !l.starts_with("formats:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let out = project.dir.path().join("out");
    let pdf = out.join("2025/city/ranking.pdf");
    project.write("city.yaml", format!("{city}formats: [pdf]\n"));
    let run = build(&project.content(), &out, &["--kind", "ranking"]);
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    let pdf_only = std::fs::read(&pdf).unwrap();
    assert!(!out.join("2025/city/ranking.ofd").exists());
    project.write("city.yaml", format!("{city}formats: [pdf, ofd]\n"));
    let run = build(&project.content(), &out, &["--kind", "ranking"]);
    assert!(run.status.code().unwrap_or(2) <= 1, "{}", stderr(&run));
    assert!(
        out.join("2025/city/ranking.ofd").is_file(),
        "{}",
        stderr(&run)
    );
    assert!(stderr(&run).contains("1 built"), "{}", stderr(&run));
    assert_eq!(
        std::fs::read(&pdf).unwrap(),
        pdf_only,
        "the PDF is the same with OFD on"
    );
    project.write("city.yaml", format!("{city}formats: [ofd]\n"));
    let run = build(&project.content(), &out, &["--kind", "ranking"]);
    assert!(
        stderr(&run).contains("formats 必须包含 pdf"),
        "{}",
        stderr(&run)
    );
}

/// The Python with ofdkit and fontTools, if there is one.
fn reader_python() -> Result<PathBuf, String> {
    python_with("ofdkit, fontTools")
}

/// The Python that can import `modules` (`ZYZ_OFD_PYTHON`, else `target/ofd-venv`), if any.
fn python_with(modules: &str) -> Result<PathBuf, String> {
    let python = std::env::var_os("ZYZ_OFD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo().join("target/ofd-venv/bin/python"));
    let probe = Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output();
    match probe {
        Ok(o) if o.status.success() => Ok(python),
        Ok(o) => Err(format!(
            "{} lacks {modules}: {}",
            python.display(),
            String::from_utf8_lossy(&o.stderr).trim()
        )),
        Err(err) => Err(format!("{}: {err}", python.display())),
    }
}

#[test]
fn independent_readers_agree_with_the_pdf() {
    let python = match reader_python() {
        Ok(p) => p,
        Err(why) => {
            eprintln!(
                "SKIPPED: no OFD reader ({why}); .ci/run installs ofdkit and fonttools into target/ofd-venv"
            );
            return;
        }
    };
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("SKIPPED: pdftotext (poppler-utils) is not installed");
        return;
    }
    let script = common::repo().join("tests/ofd_check.py");
    let run = Command::new(python)
        .arg(script)
        .arg(&SAMPLE.1)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    eprintln!("{report}{}", String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{report}");
    let documents = with_ofd(&SAMPLE.1).len();
    assert!(documents >= 20, "{documents} documents with an OFD");
    assert!(
        report.contains(&format!("{documents} passed, 0 failed")),
        "{report}"
    );
}

/// Every document of the sample as an independent OFD renderer draws it (Free Spire.PDF, then
/// pdftocairo) against `zyz preview --scale 2` of the same document, page by page, within the
/// tolerance `tests/ofd_render.py` states; text drawn in the embedded fonts, not outlines.
#[test]
fn an_independent_renderer_draws_the_pages_the_preview_shows() {
    let python = match python_with("spire.pdf, PIL") {
        Ok(p) => p,
        Err(why) => {
            eprintln!(
                "SKIPPED: no OFD renderer ({why}); .ci/run installs spire.pdf.free and pillow into target/ofd-venv"
            );
            return;
        }
    };
    if Command::new("pdftocairo").arg("-v").output().is_err() {
        eprintln!("SKIPPED: pdftocairo (poppler-utils) is not installed");
        return;
    }
    let out = &SAMPLE.1;
    let previews = tempfile::tempdir().unwrap();
    let repo = common::repo();
    let content = common::sample();
    let documents = with_ofd(out);
    assert!(
        documents.len() >= 20,
        "{} documents with an OFD",
        documents.len()
    );
    for doc in &documents {
        let rel = doc["path"].as_str().unwrap().trim_end_matches(".pdf");
        let parts: Vec<&str> = rel.split('/').collect();
        let kind = parts[parts.len() - 1];
        let town = if parts.len() >= 3 && parts[parts.len() - 3] == "towns" {
            parts[parts.len() - 2]
        } else {
            "-"
        };
        let dir = previews.path().join(rel);
        let run = common::zyz(
            &repo,
            &[
                "preview",
                kind,
                town,
                "--content",
                &content.display().to_string(),
                "--templates",
                &repo.join("templates").display().to_string(),
                "--fonts",
                &repo.join("fonts").display().to_string(),
                "--scale",
                "2",
                "--out",
                &dir.display().to_string(),
            ],
        );
        assert!(run.status.success(), "preview of {rel}: {}", stderr(&run));
    }
    let run = Command::new(python)
        .arg(repo.join("tests/ofd_render.py"))
        .arg(out)
        .arg(previews.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&run.stdout);
    eprintln!("{report}{}", String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "{report}");
    assert!(
        report.contains(&format!("{} passed, 0 failed", documents.len())),
        "{report}"
    );
}

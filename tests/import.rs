//! The quarterly round trip as an office would do it, in a temporary copy of the sample content:
//! `zyz export sheets`, the workbook filled in by a spreadsheet library (openpyxl, editing the
//! exported file as a person with Excel would; LibreOffice re-saving it), `zyz import`, then the
//! YAML text compared line by line and the next build's ledger read back with calamine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader, Xlsx, open_workbook};

mod common;

const ZYZ: &str = env!("CARGO_BIN_EXE_zyz");

/// A python with openpyxl: `ZYZ_TEST_PYTHON` (.ci/run makes a venv), else `python3` if it has it.
fn python() -> Option<PathBuf> {
    let candidates = std::env::var_os("ZYZ_TEST_PYTHON")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("python3")]);
    for p in candidates {
        let ok = Command::new(&p)
            .args(["-c", "import openpyxl"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(p);
        }
    }
    None
}

struct Trip {
    _project: common::Project,
    content: PathBuf,
    sheets: PathBuf,
    python: PathBuf,
}

impl Trip {
    /// A copy of the sample content with its sheets exported; None (and a printed reason)
    /// without openpyxl.
    fn new() -> Option<Self> {
        let Some(python) = python() else {
            eprintln!(
                "skipped: no python with openpyxl (.ci/run installs one; set ZYZ_TEST_PYTHON)"
            );
            return None;
        };
        let project = common::Project::sample();
        let content = project.content();
        let sheets = project.dir.path().join("sheets");
        let out = zyz(&[
            "export",
            "sheets",
            "--content",
            c(&content),
            "--out",
            c(&sheets),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        Some(Self {
            _project: project,
            content,
            sheets,
            python,
        })
    }

    fn exported(&self, name: &str) -> PathBuf {
        self.sheets.join("2025").join(name)
    }

    /// A filled-in copy of an exported workbook, under `returned/` with the same file name.
    fn fill(&self, name: &str, edits: &[String]) -> PathBuf {
        let dir = self.sheets.join("returned");
        std::fs::create_dir_all(&dir).unwrap();
        let dst = dir.join(name);
        let out = Command::new(&self.python)
            .arg("tests/fill_sheet.py")
            .arg(self.exported(name))
            .arg(&dst)
            .args(edits)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        dst
    }

    fn import(&self, files: &[&Path], dry_run: bool) -> Output {
        let flags: &[&str] = if dry_run { &["--dry-run"] } else { &[] };
        self.import_with(flags, files)
    }

    fn import_with(&self, flags: &[&str], files: &[&Path]) -> Output {
        let mut args = vec!["import", "--content", c(&self.content)];
        args.extend(flags);
        args.extend(files.iter().map(|f| c(f)));
        zyz(&args)
    }

    fn town_text(&self, id: &str) -> String {
        std::fs::read_to_string(self.content.join("towns").join(format!("{id}.yaml"))).unwrap()
    }
}

fn c(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn zyz(args: &[&str]) -> Output {
    Command::new(ZYZ).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The 1-based row of a key in column A of a sheet, read with calamine.
fn row_of(book: &Path, sheet: &str, key: &str) -> u32 {
    let mut wb: Xlsx<_> = open_workbook(book).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let r = range
        .rows()
        .position(|r| r[0] == *key)
        .unwrap_or_else(|| panic!("{key} not in {sheet}"));
    r as u32 + 1
}

/// The lines removed and added between two texts.
fn changed_lines(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(old, new);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for change in diff.iter_all_changes() {
        let line = change.value().trim_end().to_owned();
        match change.tag() {
            similar::ChangeTag::Delete => removed.push(line),
            similar::ChangeTag::Insert => added.push(line),
            similar::ChangeTag::Equal => {}
        }
    }
    (removed, added)
}

/// The city's workbook filled in: three statuses, one progress, one new problem.
fn city_edits(trip: &Trip) -> Vec<String> {
    let book = trip.exported("永济市.xlsx");
    let p = |id| row_of(&book, "问题台账", id);
    let new = row_of(&book, "问题台账", "2025-Q3-008") + 1;
    let (a, b, q) = (p("2025-Q2-003"), p("2025-Q2-005"), p("2025-Q3-007"));
    let mut edits = vec![
        format!("问题台账!J{a}=已整改"),
        format!("问题台账!K{a}=d:2025-10-15"),
        format!("问题台账!J{b}=整改中"),
        format!("问题台账!J{q}=未整改"),
    ];
    // 开张镇's first task: 55% → 80% (the task sheet lists towns in id order)
    let mut wb: Xlsx<_> = open_workbook(&book).unwrap();
    let tasks = wb.worksheet_range("任务进度").unwrap();
    let t = tasks
        .rows()
        .position(|r| r[1] == *"开张镇" && r[0] == Data::Float(1.0))
        .unwrap() as u32
        + 1;
    edits.push(format!("任务进度!I{t}=n:0.8"));
    for (col, v) in [
        ("B", "开张镇"),
        ("C", "d:2025-10-09"),
        ("D", "季度调度"),
        ("E", "枣园道路破损"),
        ("F", "修复道路"),
        ("G", "开张镇人民政府"),
        ("H", "李娜"),
        ("I", "d:2025-12-31"),
        ("J", "未整改"),
    ] {
        edits.push(format!("问题台账!{col}{new}={v}"));
    }
    edits
}

/// Asserts the YAML changed by exactly the filled-in values, every other line (comments
/// included) as it was.
fn assert_exact_changes(trip: &Trip, before: &[(String, String)]) {
    let expect: [(&str, &[&str], &[&str]); 3] = [
        (
            "kaizhang",
            &["    progress: 55%", "    status: 整改中"],
            &[
                "    progress: 80%",
                "    status: 已整改",
                "    closed_on: 2025-10-15",
                "  - id: 2025-Q4-001",
                "    found: 2025-10-09",
                "    source: 季度调度",
                "    description: 枣园道路破损",
                "    measures: 修复道路",
                "    unit: 开张镇人民政府",
                "    person: 李娜",
                "    deadline: 2025-12-31",
                "    status: 未整改",
            ],
        ),
        ("chengbei", &["    status: 未整改"], &["    status: 整改中"]),
        ("qingtou", &["    status: 整改中"], &["    status: 未整改"]),
    ];
    for (id, old) in before {
        let (removed, added) = changed_lines(old, &trip.town_text(id));
        match expect.iter().find(|e| e.0 == id) {
            Some((_, r, a)) => {
                assert_eq!(removed, *r, "{id}: lines removed");
                assert_eq!(added, *a, "{id}: lines added");
            }
            None => assert!(removed.is_empty() && added.is_empty(), "{id} changed"),
        }
    }
}

fn town_texts(trip: &Trip) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(trip.content.join("towns")).unwrap() {
        let p = e.unwrap().path();
        let id = p.file_stem().unwrap().to_string_lossy().into_owned();
        out.push((id.clone(), trip.town_text(&id)));
    }
    out
}

#[test]
fn filled_sheet_round_trips_into_yaml_and_ledger() {
    let Some(trip) = Trip::new() else { return };
    let filled = trip.fill("永济市.xlsx", &city_edits(&trip));
    let before = town_texts(&trip);

    let dry = trip.import(&[&filled], true);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    let diff = text(&dry.stdout);
    assert!(
        diff.contains("-    status: 整改中\n+    status: 已整改\n+    closed_on: 2025-10-15"),
        "{diff}"
    );
    assert!(diff.contains("+  - id: 2025-Q4-001"), "{diff}");
    assert_eq!(town_texts(&trip), before, "--dry-run wrote something");

    let out = trip.import(&[&filled], false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_exact_changes(&trip, &before);

    // the next build's ledger shows them (read with calamine)
    let built = trip.sheets.join("out");
    let b = zyz(&[
        "build",
        "--content",
        c(&trip.content),
        "--out",
        c(&built),
        "--kind",
        "ledger",
        "-q",
    ]);
    assert!(
        b.status.code() == Some(0) || b.status.code() == Some(1),
        "{}",
        text(&b.stderr)
    );
    let mut wb: Xlsx<_> = open_workbook(built.join("2025/city/ledger.xlsx")).unwrap();
    let ledger = wb.worksheet_range("问题台账").unwrap();
    let row = |id: &str| {
        ledger
            .rows()
            .find(|r| r[0] == *id)
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .unwrap_or_else(|| panic!("{id} not in the ledger"))
    };
    assert_eq!(row("2025-Q2-003")[9], "已整改");
    assert_eq!(row("2025-Q2-003")[10], "2025年10月15日");
    assert_eq!(row("2025-Q4-001")[4], "枣园道路破损");

    // importing the same workbook again changes nothing
    let again = trip.import(&[&filled], false);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("0 files updated"),
        "{}",
        text(&again.stderr)
    );
}

#[test]
fn libreoffice_saved_sheet_imports_the_same() {
    let Some(trip) = Trip::new() else { return };
    let soffice = Command::new("soffice").arg("--version").output();
    if !soffice.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: soffice not installed (.ci/run installs libreoffice-calc-nogui)");
        return;
    }
    let filled = trip.fill("永济市.xlsx", &city_edits(&trip));
    let saved = trip.sheets.join("lo");
    let profile = trip.sheets.join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            c(&saved),
            c(&filled),
        ])
        .output()
        .unwrap();
    let resaved = saved.join("永济市.xlsx");
    assert!(
        resaved.is_file(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_ne!(
        std::fs::read(&resaved).unwrap(),
        std::fs::read(&filled).unwrap()
    );
    let before = town_texts(&trip);
    let out = trip.import(&[&resaved], false);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_exact_changes(&trip, &before);
}

/// One bad edit of 开张镇's workbook: refused with `message` at its cell, nothing written.
fn refused(trip: &Trip, edits: &[&str], expected: &str) {
    refused_with(trip, &[], edits, expected)
}

/// [`refused`], the import run with `flags`.
fn refused_with(trip: &Trip, flags: &[&str], edits: &[&str], expected: &str) {
    let edits: Vec<String> = edits.iter().map(|s| s.to_string()).collect();
    let filled = trip.fill("开张镇.xlsx", &edits);
    let before = town_texts(trip);
    let out = trip.import_with(flags, &[&filled]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in:\n{stderr}"
    );
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert_eq!(town_texts(trip), before, "a refused import wrote something");
}

#[test]
fn bad_rows_are_refused_at_their_cells() {
    let Some(trip) = Trip::new() else { return };
    // 开张镇's ledger row 2 is 2025-Q2-003 (found 2025-05-20); its task row 2 is task 1
    refused(
        &trip,
        &["问题台账!J2=完成"],
        "开张镇.xlsx!问题台账!J2: error[import.choice]: 状态：`完成` 不是可选的状态\n  = hint: 从下拉列表中选：已整改、整改中、未整改",
    );
    refused(
        &trip,
        &["问题台账!J2=已整改", "问题台账!K2=d:2025-01-02"],
        "开张镇.xlsx!问题台账!K2: error[problem.closed-on]: 问题 2025-Q2-003 的销号日期 2025-01-02 早于发现时间 2025-05-20",
    );
    refused(
        &trip,
        &["任务进度!I2=n:1.2"],
        "开张镇.xlsx!任务进度!I2: error[type.percent]: 进度：百分比不能超过 100%：120%",
    );
    refused(
        &trip,
        &["问题台账!A2=2025-Q2-099"],
        "开张镇.xlsx!问题台账!A2: error[import.unknown-id]: 问题编号 2025-Q2-099 不是本表导出时的问题",
    );
    refused(
        &trip,
        &[
            "问题台账!B3=张营镇",
            "问题台账!C3=d:2025-10-09",
            "问题台账!D3=调研",
            "问题台账!E3=问题",
            "问题台账!F3=措施",
            "问题台账!G3=张营镇人民政府",
            "问题台账!H3=王五",
            "问题台账!I3=d:2025-12-31",
            "问题台账!J3=未整改",
        ],
        "开张镇.xlsx!问题台账!B3: error[import.other-town]: 这一行是 张营镇 的，本表是 开张镇 的填报表",
    );
}

#[test]
fn a_value_changed_on_both_sides_is_a_conflict() {
    let Some(trip) = Trip::new() else { return };
    // the office edits the YAML after the sheet went out …
    let path = trip.content.join("towns/kaizhang.yaml");
    let yaml = trip
        .town_text("kaizhang")
        .replace("    status: 整改中", "    status: 未整改");
    std::fs::write(&path, yaml).unwrap();
    // … so the workbook, made before, is refused as a whole …
    refused(
        &trip,
        &["任务进度!I2=n:0.6"],
        "导出的旧表，与现在的内容不一致：导出后 YAML 已改动：问题台账 ",
    );
    // … and merged cell by cell on request: the town filled in the same cell differently
    refused_with(
        &trip,
        &["--merge-older"],
        &["问题台账!J2=已整改", "问题台账!K2=d:2025-10-15"],
        "开张镇.xlsx!问题台账!J2: error[import.conflict]: 冲突：状态 在填报表导出后已在 YAML 中改为 `未整改`，表中填的是 `已整改`",
    );
    // a value only the office changed is kept, not reported
    let filled = trip.fill("开张镇.xlsx", &["任务进度!I2=n:0.6".to_owned()]);
    let out = trip.import_with(&["--merge-older"], &[&filled]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let now = trip.town_text("kaizhang");
    assert!(
        now.contains("    status: 未整改") && now.contains("    progress: 60%"),
        "{now}"
    );
}

#[test]
fn exported_workbooks_are_deterministic_and_protected() {
    let Some(trip) = Trip::new() else { return };
    let first = std::fs::read(trip.exported("开张镇.xlsx")).unwrap();
    let again = trip.sheets.join("again");
    let out = zyz(&[
        "export",
        "sheets",
        "--content",
        c(&trip.content),
        "--out",
        c(&again),
    ]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read(again.join("2025/开张镇.xlsx")).unwrap(),
        first
    );
    // what a person opening it sees, read by openpyxl: protection, locks, validation, hidden sheet
    let script = r#"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["问题台账"]
print(ws.protection.sheet, ws.freeze_panes, ws["A2"].protection.locked, ws["J2"].protection.locked,
      ws["A3"].protection.locked, ws["C3"].protection.locked, wb["zyz来源"].sheet_state,
      ws.page_setup.paperSize, ws.page_setup.orientation,
      sorted(dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list")[0],
      ws["C2"].is_date, wb["任务进度"]["I2"].number_format)
"#;
    let out = Command::new(&trip.python)
        .args(["-c", script, c(&trip.exported("开张镇.xlsx"))])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout).trim(),
        "True A2 True False True False hidden 9 landscape \"已整改,整改中,未整改\" True 0%",
        "{}",
        text(&out.stderr)
    );
}

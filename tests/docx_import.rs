//! Word drafts come back: a built DOCX edited by an independent writer — LibreOffice Writer
//! through its Python UNO bridge (tests/docx_edit.py: record changes, replace a task's lead unit
//! and target, type a sentence into template text; then two comments) — and `zyz import` reading
//! it: exactly the two field edits, the template edit and the two comments; the YAML written in
//! place (two lines, nothing else); the next PDF shows the new values; the summary lists all five.
//! Plus: two copies changing one field differently, a draft of another year, and bad files
//! (huge, not OOXML, password-protected, truncated, with a DTD), each refused with one message.
//! The LibreOffice tests skip, saying why, where `soffice` or python3-uno is missing.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use calamine::{Reader, Xlsx, open_workbook};

const ZYZ: &str = env!("CARGO_BIN_EXE_zyz");
const DRAFT: &str = "2025/towns/kaizhang/action-plan.docx";

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn zyz(args: &[&str]) -> Output {
    Command::new(ZYZ).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn c(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A copy of the sample content and the drafts built from it.
struct Office {
    tmp: tempfile::TempDir,
    content: PathBuf,
    out: PathBuf,
}

impl Office {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        copy_dir(Path::new("content"), &content);
        let out = tmp.path().join("out");
        let o = zyz(&[
            "build",
            "--formats",
            "pdf,docx",
            "--town",
            "kaizhang",
            "--kind",
            "action-plan",
            "--content",
            c(&content),
            "--out",
            c(&out),
            "-q",
        ]);
        assert!(out.join(DRAFT).is_file(), "{}", text(&o.stderr));
        Self { tmp, content, out }
    }

    fn import(&self, extra: &[&str], drafts: &[&Path]) -> Output {
        let mut args = vec!["import", "--content", c(&self.content)];
        args.extend(extra);
        args.extend(drafts.iter().map(|p| c(p)));
        zyz(&args)
    }
}

/// Why LibreOffice cannot edit here, if it cannot.
fn no_libreoffice() -> Option<String> {
    let soffice = Command::new("soffice").arg("--version").output();
    if !soffice.is_ok_and(|o| o.status.success()) {
        return Some("no soffice (.ci/run installs libreoffice-writer-nogui)".into());
    }
    let uno = Command::new("/usr/bin/python3")
        .args(["-c", "import uno"])
        .output();
    if !uno.is_ok_and(|o| o.status.success()) {
        return Some("no python3-uno (.ci/run installs it)".into());
    }
    None
}

/// The draft edited in LibreOffice by `author` with `edits` (tests/docx_edit.py's JSON).
fn edit(office: &Office, name: &str, author: &str, edits: &str) -> PathBuf {
    let json = office.tmp.path().join(format!("{name}.json"));
    std::fs::write(&json, edits).unwrap();
    let out = office.tmp.path().join(format!("{name}.docx"));
    let run = Command::new("/usr/bin/python3")
        .args([
            "tests/docx_edit.py",
            c(&office.out.join(DRAFT)),
            c(&out),
            author,
            c(&json),
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", text(&run.stderr));
    out
}

const EDITS: &str = r#"{
 "replace": [["开张镇人民政府", "市农业农村局"], ["新增冷库容量5000吨", "新增冷库容量8000吨"]],
 "type_after": [["制定2025年度行动计划。", "计划报市专业镇工作领导小组办公室备案。"]],
 "comments": [["具体措施", "建议写明建设地点"], ["季度节点", "季度节点请与乡镇核对"]]
}"#;

#[test]
fn libreoffice_edits_come_back_as_two_yaml_lines_a_template_edit_and_two_comments() {
    if let Some(why) = no_libreoffice() {
        eprintln!("skipped: {why}");
        return;
    }
    let office = Office::new();
    let edited = edit(&office, "fgj", "发改局王五", EDITS);
    let summary = office.tmp.path().join("汇总表.xlsx");
    let dry = office.import(&["--dry-run", "--summary", c(&summary)], &[&edited]);
    let listing = text(&dry.stdout);
    assert!(dry.status.success(), "{listing}\n{}", text(&dry.stderr));
    let lines = |kind: &str| -> Vec<String> {
        listing
            .lines()
            .filter(|l| l.starts_with(kind))
            .map(str::to_owned)
            .collect()
    };
    let fields = lines("字段修改");
    assert_eq!(fields.len(), 2, "{listing}");
    assert!(
        fields.iter().any(|l| l
            .contains("牵头单位：「开张镇人民政府」→「市农业农村局」（发改局王五")
            && l.contains("towns/kaizhang.yaml:82")),
        "{listing}"
    );
    assert!(
        fields.iter().any(|l| l
            .contains("量化目标：「新增冷库容量5000吨」→「新增冷库容量8000吨」（发改局王五")
            && l.contains("towns/kaizhang.yaml:81")),
        "{listing}"
    );
    let template = lines("模板修改");
    assert_eq!(template.len(), 1, "{listing}");
    assert!(template[0].contains("插入「计划报市专业镇工作领导小组办公室备案。」（发改局王五"));
    let comments = lines("批注");
    assert_eq!(comments.len(), 2, "{listing}");
    assert!(
        comments[0].contains("「建议写明建设地点」")
            && comments[1].contains("「季度节点请与乡镇核对」")
    );
    assert!(
        text(&dry.stderr).contains("1 files would change"),
        "{}",
        text(&dry.stderr)
    );

    // the summary: five items, the two field edits adopted, the rest for the office to decide
    let mut book: Xlsx<_> = open_workbook(&summary).unwrap();
    let range = book.worksheet_range("意见采纳情况汇总表").unwrap();
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "序号",
            "提出单位/人",
            "位置",
            "原文",
            "修改意见/批注",
            "是否采纳",
            "理由"
        ]
    );
    assert_eq!(rows.len(), 6, "{rows:?}");
    let adopted = rows[1..].iter().filter(|r| r[5] == "采纳").count();
    assert_eq!(adopted, 2, "{rows:?}");
    assert!(
        rows[1..]
            .iter()
            .any(|r| r[4] == "市农业农村局" && r[3] == "开张镇人民政府")
    );

    // written in place: exactly the two lines, every comment of the YAML kept
    let town = office.content.join("towns/kaizhang.yaml");
    let before = std::fs::read_to_string(&town).unwrap();
    let wet = office.import(&[], &[&edited]);
    assert!(wet.status.success(), "{}", text(&wet.stderr));
    let after = std::fs::read_to_string(&town).unwrap();
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        [
            (
                "    target: 新增冷库容量5000吨",
                "    target: 新增冷库容量8000吨"
            ),
            ("    lead: 开张镇人民政府", "    lead: 市农业农村局"),
        ]
    );
    assert_eq!(before.lines().count(), after.lines().count());

    // the next build's PDF shows the new values
    let o = zyz(&[
        "build",
        "--town",
        "kaizhang",
        "--kind",
        "action-plan",
        "--content",
        c(&office.content),
        "--out",
        c(&office.out),
        "-q",
    ]);
    assert!(o.status.code() != Some(2), "{}", text(&o.stderr));
    let pdf = office.out.join("2025/towns/kaizhang/action-plan.pdf");
    let read = zyz(&["text", c(&pdf)]);
    let pdf_text: String = text(&read.stdout).split_whitespace().collect();
    assert!(pdf_text.contains("由市农业农村局牵头"), "{pdf_text}");
    assert!(pdf_text.contains("新增冷库容量8000吨"), "{pdf_text}");
}

#[test]
fn the_same_field_changed_differently_in_two_copies_is_a_conflict_naming_both() {
    if let Some(why) = no_libreoffice() {
        eprintln!("skipped: {why}");
        return;
    }
    let office = Office::new();
    let a = edit(
        &office,
        "农业局",
        "农业局张三",
        r#"{"replace": [["开张镇人民政府", "市农业农村局"]]}"#,
    );
    let b = edit(
        &office,
        "工科局",
        "工科局李四",
        r#"{"replace": [["开张镇人民政府", "市工科局"]]}"#,
    );
    let town = office.content.join("towns/kaizhang.yaml");
    let before = std::fs::read(&town).unwrap();
    let o = office.import(&[], &[&a, &b]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("冲突"), "{err}");
    for needle in [
        "农业局.docx",
        "农业局张三",
        "市农业农村局",
        "工科局.docx",
        "工科局李四",
        "市工科局",
    ] {
        assert!(err.contains(needle), "{needle} missing: {err}");
    }
    assert_eq!(std::fs::read(&town).unwrap(), before, "nothing written");
}

/// A copy of a DOCX with one part's text changed by `f`.
fn rewrite(from: &Path, to: &Path, part: &str, f: impl Fn(String) -> String) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut out = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).unwrap();
        if name == part {
            bytes = f(String::from_utf8(bytes).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap();
}

#[test]
fn a_draft_of_another_year_or_town_is_refused_and_nothing_is_written() {
    let office = Office::new();
    let draft = office.out.join(DRAFT);
    let old = office.tmp.path().join("去年的稿子.docx");
    rewrite(&draft, &old, "customXml/item1.xml", |x| {
        x.replace("year=\"2025\"", "year=\"2024\"")
    });
    let o = office.import(&["--dry-run"], &[&old]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("去年的稿子.docx 是 2024 年的稿子"), "{err}");
    assert!(err.contains("import.other-draft"), "{err}");

    let other = office.tmp.path().join("别镇的稿子.docx");
    rewrite(&draft, &other, "customXml/item1.xml", |x| {
        x.replace("town=\"kaizhang\"", "town=\"nowhere\"")
    });
    let o = office.import(&["--dry-run"], &[&other]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("是镇 `nowhere` 的稿子"), "{err}");

    // a draft as built, unchanged: nothing to do
    let o = office.import(&["--dry-run"], &[&draft]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("0 files would change"));
}

#[test]
fn a_returned_deadline_of_nian_di_is_an_error_naming_the_draft_and_the_field() {
    let office = Office::new();
    let draft = office.out.join(DRAFT);
    let edited = office.tmp.path().join("改了时限.docx");
    // as Word saves a field typed over: the control keeps its tag, the text is the new one
    rewrite(&draft, &edited, "word/document.xml", |x| {
        x.replacen("2025年9月30日", "年底", 1)
    });
    let town = office.content.join("towns/kaizhang.yaml");
    let before = std::fs::read(&town).unwrap();
    let o = office.import(&[], &[&edited]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("改了时限.docx!完成时限（tasks[0].deadline）"),
        "{err}"
    );
    assert!(err.contains("nothing written"), "{err}");
    assert_eq!(std::fs::read(&town).unwrap(), before);
}

/// Runs `zyz import --dry-run FILE` and returns (exit code, stderr, seconds).
fn import_one(office: &Office, file: &Path) -> (Option<i32>, String, f64) {
    let start = Instant::now();
    let o = office.import(&["--dry-run"], &[file]);
    (
        o.status.code(),
        text(&o.stderr),
        start.elapsed().as_secs_f64(),
    )
}

#[test]
fn bad_files_get_one_clear_message_each() {
    let office = Office::new();
    let dir = office.tmp.path();
    let draft = office.out.join(DRAFT);

    // a workbook whose sheet is filled down to row 8,000,000, written as it streams
    let big = dir.join("填满了.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&big).unwrap());
    let deflate = zip::write::SimpleFileOptions::default()
        .large_file(true)
        .compression_level(Some(1));
    zip.start_file("[Content_Types].xml", deflate).unwrap();
    zip.write_all(b"<Types/>").unwrap();
    zip.start_file("xl/workbook.xml", deflate).unwrap();
    zip.write_all(b"<workbook/>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", deflate).unwrap();
    let mut chunk = String::new();
    for r in 1..=8_000_000u32 {
        chunk.push_str(&format!(
            "<row r=\"{r}\"><c r=\"J{r}\" t=\"inlineStr\"><is><t>已整改</t></is></c></row>"
        ));
        if chunk.len() > 1 << 20 {
            zip.write_all(chunk.as_bytes()).unwrap();
            chunk.clear();
        }
    }
    zip.write_all(chunk.as_bytes()).unwrap();
    zip.finish().unwrap();
    let (code, err, secs) = import_one(&office, &big);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("填满了.xlsx 的部件 xl/worksheets/sheet1.xml"),
        "{err}"
    );
    assert!(err.contains("上限"), "{err}");
    assert!(err.lines().count() < 6, "one message: {err}");
    assert!(secs < 5.0, "refused before reading: {secs} s");

    // a ZIP that is not an OOXML package
    let plain = dir.join("压缩包.docx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&plain).unwrap());
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    zip.finish().unwrap();
    let (code, err, _) = import_one(&office, &plain);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("压缩包.docx 是 ZIP 文件，但不是 Word 稿"),
        "{err}"
    );

    // password-protected: an OLE compound file
    let locked = dir.join("加密.docx");
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.resize(4096, 0);
    std::fs::write(&locked, cfb).unwrap();
    let (code, err, _) = import_one(&office, &locked);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("加密.docx 设有打开密码"), "{err}");

    // still being written: cut short
    let bytes = std::fs::read(&draft).unwrap();
    let cut = dir.join("没传完.docx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, err, _) = import_one(&office, &cut);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("没传完.docx 不完整"), "{err}");

    // XML with a DTD and entities
    let dtd = dir.join("实体.docx");
    rewrite(&draft, &dtd, "word/document.xml", |x| {
        x.replacen(
            "<w:document",
            "<!DOCTYPE w:document [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><w:document",
            1,
        )
    });
    let (code, err, _) = import_one(&office, &dtd);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("实体.docx 的部件 word/document.xml 含 DTD 或实体声明"),
        "{err}"
    );

    // not a zyz draft: a DOCX without the hidden part
    let bare = dir.join("别人的.docx");
    rewrite(&draft, &bare, "customXml/item1.xml", |_| "<x/>".into());
    let (code, err, _) = import_one(&office, &bare);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("别人的.docx 的隐藏部件不是 zyz 稿子的格式"),
        "{err}"
    );
}

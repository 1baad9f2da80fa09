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

mod common;

const ZYZ: &str = env!("CARGO_BIN_EXE_zyz");
const DRAFT: &str = "2025/towns/kaizhang/action-plan.docx";

fn zyz(args: &[&str]) -> Output {
    Command::new(ZYZ).args(args).output().unwrap()
}

/// 2025-10-09 16:53 in China.
const MADE: &str = "1760000000";

/// `zyz` with SOURCE_DATE_EPOCH at [`MADE`].
fn zyz_at(args: &[&str]) -> Output {
    Command::new(ZYZ)
        .args(args)
        .env("SOURCE_DATE_EPOCH", MADE)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn c(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A copy of the sample content and the drafts built from it.
struct Office {
    project: common::Project,
    content: PathBuf,
    out: PathBuf,
}

impl Office {
    fn new() -> Self {
        let project = common::Project::sample();
        let content = project.content();
        let out = project.dir.path().join("out");
        // the drafts say they were made on 2025-10-09 (SOURCE_DATE_EPOCH, China time)
        let o = zyz_at(&[
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
        Self {
            project,
            content,
            out,
        }
    }

    /// The office's folder (the content, the drafts, what comes back).
    fn dir(&self) -> &Path {
        self.project.dir.path()
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
    let json = office.dir().join(format!("{name}.json"));
    std::fs::write(&json, edits).unwrap();
    let out = office.dir().join(format!("{name}.docx"));
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
    let summary = office.dir().join("汇总表.xlsx");
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
    // the town's file and opinions.yaml (the summary's data)
    assert!(
        text(&dry.stderr).contains("2 files would change"),
        "{}",
        text(&dry.stderr)
    );
    assert!(listing.contains("+++ b/") && listing.contains("opinions.yaml"));

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

    // the same build made the 意见采纳情况汇总表 from opinions.yaml: five rows, two adopted
    opinion_summary_lists_five_items(&office, &o);

    // the office fills in a reason; importing the same draft again (its edits in the YAML
    // already, the only change since it was made: not refused as older) keeps it
    let opinions = office.content.join("opinions.yaml");
    let filled = std::fs::read_to_string(&opinions).unwrap().replacen(
        "reason: ''",
        "reason: 建设地点待项目选址后确定",
        1,
    );
    std::fs::write(&opinions, &filled).unwrap();
    // a 是否采纳 the table does not know is an error of zyz check at its line
    let typo = filled.replacen("adopted: 待定", "adopted: 同意", 1);
    std::fs::write(&opinions, &typo).unwrap();
    let check = zyz(&["check", "--content", c(&office.content)]);
    let err = text(&check.stdout);
    assert_eq!(check.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error[opinions.adopted]: 是否采纳写成了 `同意`")
            && err.contains("opinions.yaml:"),
        "{err}"
    );
    std::fs::write(&opinions, &filled).unwrap();
    let again = office.import(&["--summary", c(&summary)], &[&edited]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("0 files updated"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(std::fs::read_to_string(&opinions).unwrap(), filled);
    let mut book: Xlsx<_> = open_workbook(&summary).unwrap();
    let range = book.worksheet_range("意见采纳情况汇总表").unwrap();
    assert!(
        range.rows().any(|r| r[6] == "建设地点待项目选址后确定"),
        "the summary workbook shows the reason too"
    );
}

/// The opinion summary beside the town's plan, read with pdftotext: the five items (two field
/// edits adopted, the template edit and the two comments to be decided), and zyz's own layout
/// check found nothing in it.
fn opinion_summary_lists_five_items(office: &Office, build: &Output) {
    let pdf = office
        .out
        .join("2025/towns/kaizhang/action-plan-opinions.pdf");
    assert!(pdf.is_file(), "{}", text(&build.stderr));
    let stderr = text(&build.stderr);
    assert!(
        !stderr
            .lines()
            .any(|l| l.contains("action-plan-opinions") && l.contains("layout.")),
        "{stderr}"
    );
    let o = Command::new("pdftotext")
        .args(["-raw", c(&pdf), "-"])
        .output()
        .unwrap();
    let t: String = text(&o.stdout).split_whitespace().collect();
    for needle in [
        "附件",
        "意见采纳情况汇总表",
        "提出单位/人",
        "是否采纳",
        "共收到意见5条，其中采纳2条",
        "市农业农村局",
        "新增冷库容量8000吨",
        "计划报市专业镇工作领导小组办公室备案",
        "建议写明建设地点",
        "季度节点请与乡镇核对",
    ] {
        assert!(t.contains(needle), "{needle} missing: {t}");
    }
    assert_eq!(t.matches("待定").count(), 3, "{t}");
    let adopted = t.matches("采纳").count()
        - ["是否采纳", "其中采纳", "意见采纳"]
            .iter()
            .map(|w| t.matches(w).count())
            .sum::<usize>();
    assert_eq!(adopted, 2, "{t}");
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
    let old = office.dir().join("去年的稿子.docx");
    rewrite(&draft, &old, "customXml/item1.xml", |x| {
        x.replace("year=\"2025\"", "year=\"2024\"")
    });
    let o = office.import(&["--dry-run"], &[&old]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("去年的稿子.docx 是 2024 年的稿子"), "{err}");
    assert!(err.contains("import.other-draft"), "{err}");

    let other = office.dir().join("别镇的稿子.docx");
    rewrite(&draft, &other, "customXml/item1.xml", |x| {
        x.replace("town=\"kaizhang\"", "town=\"nowhere\"")
    });
    let o = office.import(&["--dry-run"], &[&other]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("是镇 `nowhere` 的稿子"), "{err}");

    // another town's: a town the content has, but no such document of it
    let foreign = office.dir().join("城东的稿子.docx");
    rewrite(&draft, &foreign, "customXml/item1.xml", |x| {
        x.replace("town=\"kaizhang\"", "town=\"chengdong\"")
            .replace("towns/kaizhang/action-plan", "towns/chengdong/action-plan")
    });
    let o = office.import(&["--dry-run"], &[&foreign]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("城东的稿子.docx 是 2025/towns/chengdong/action-plan.docx 的稿子，按现在的内容目录不再生成这份文件"),
        "{err}"
    );

    // a draft as built, unchanged: nothing to do
    let o = office.import(&["--dry-run"], &[&draft]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("0 files would change"));
}

#[test]
fn an_older_export_is_refused_saying_when_and_what_changed_and_merges_on_request() {
    let office = Office::new();
    let draft = office.out.join(DRAFT);
    // a department moves task 1's deadline …
    let edited = office.dir().join("农业局.docx");
    rewrite(&draft, &edited, "word/document.xml", |x| {
        x.replacen("2025年9月30日", "2025年10月31日", 1)
    });
    // … while the office changed task 1's lead unit in the YAML after the draft went out
    let town = office.content.join("towns/kaizhang.yaml");
    let yaml = std::fs::read_to_string(&town).unwrap().replacen(
        "    lead: 开张镇人民政府",
        "    lead: 市工科局",
        1,
    );
    std::fs::write(&town, &yaml).unwrap();
    let o = office.import(&[], &[&edited]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "农业局.docx 是2025年10月9日导出的旧稿（2025/towns/kaizhang/action-plan.docx）"
        ),
        "{err}"
    );
    assert!(
        err.contains("牵头单位（tasks[0].lead）「开张镇人民政府」→「市工科局」"),
        "{err}"
    );
    assert!(
        err.contains("重新生成") && err.contains("--merge-older"),
        "{err}"
    );
    assert_eq!(err.matches("error[").count(), 1, "one message: {err}");
    assert_eq!(
        std::fs::read_to_string(&town).unwrap(),
        yaml,
        "nothing written"
    );

    // merged field by field on request: the deadline goes in, the office's lead unit stays
    let o = office.import(&["--merge-older"], &[&edited]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let now = std::fs::read_to_string(&town).unwrap();
    assert!(
        now.contains("    deadline: 2025-10-31") && now.contains("    lead: 市工科局"),
        "{now}"
    );
    // and the office's own change to a field the draft changed too is a conflict
    let both = office.dir().join("工科局.docx");
    rewrite(&draft, &both, "word/document.xml", |x| {
        x.replacen("2025年9月30日", "2025年11月30日", 1)
    });
    let o = office.import(&["--merge-older"], &[&both]);
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("冲突：完成时限 在稿子导出后已在 YAML 中改为「2025-10-31」"),
        "{err}"
    );
}

#[test]
fn a_returned_deadline_of_nian_di_is_an_error_naming_the_draft_and_the_field() {
    let office = Office::new();
    let draft = office.out.join(DRAFT);
    let edited = office.dir().join("改了时限.docx");
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
    let dir = office.dir();
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

#[test]
fn a_draft_still_open_or_over_the_bounds_is_refused() {
    let office = Office::new();
    let dir = office.dir();
    let draft = office.out.join(DRAFT);

    // still open in Word (its owner file beside it) or LibreOffice (its lock file)
    for (name, lock) in [
        ("正在改.docx", "~$正在改.docx"),
        ("开张镇计划.docx", ".~lock.开张镇计划.docx#"),
    ] {
        let open = dir.join(name);
        std::fs::copy(&draft, &open).unwrap();
        std::fs::write(dir.join(lock), b"owner").unwrap();
        let (code, err, _) = import_one(&office, &open);
        assert_eq!(code, Some(1), "{err}");
        assert!(
            err.contains(&format!("{name} 仍在编辑中（旁边有锁文件 {lock}）")),
            "{err}"
        );
    }

    // a part that compresses 1000:1 (5 MB of one character)
    let padded = dir.join("填充.docx");
    rewrite(&draft, &padded, "word/document.xml", |x| {
        x.replacen(
            "</w:body>",
            &format!("<!--{}--></w:body>", "a".repeat(5 << 20)),
            1,
        )
    });
    let (code, err, secs) = import_one(&office, &padded);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("填充.docx 的部件 word/document.xml 压缩比"),
        "{err}"
    );
    assert!(secs < 5.0, "{secs} s");
}

/// The sample's fill-in workbooks, exported into the office's folder.
fn export_sheets(office: &Office) -> PathBuf {
    let dir = office.dir().join("sheets");
    let o = zyz_at(&[
        "export",
        "sheets",
        "--content",
        c(&office.content),
        "--out",
        c(&dir),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    dir.join("2025/开张镇.xlsx")
}

#[test]
fn bad_workbooks_get_one_clear_message_each_and_nothing_is_written() {
    let office = Office::new();
    let dir = office.dir();
    let book = export_sheets(&office);
    let town = office.content.join("towns/kaizhang.yaml");
    let before = std::fs::read(&town).unwrap();
    let refused = |file: &Path, expected: &str| {
        let (code, err, _) = import_one(&office, file);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.contains(expected), "expected {expected:?} in:\n{err}");
        assert!(err.lines().count() < 6, "one message: {err}");
    };

    // as exported: nothing to do
    let (code, err, _) = import_one(&office, &book);
    assert_eq!(code, Some(0), "{err}");

    // a ZIP that is not an OOXML package
    let plain = dir.join("压缩包.xlsx");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&plain).unwrap());
    zip.start_file("readme.txt", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(b"hello").unwrap();
    zip.finish().unwrap();
    refused(&plain, "压缩包.xlsx 是 ZIP 文件，但不是 工作簿");

    // password-protected: an OLE compound file
    let locked = dir.join("加密.xlsx");
    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.resize(4096, 0);
    std::fs::write(&locked, cfb).unwrap();
    refused(&locked, "加密.xlsx 设有打开密码");

    // cut short while being copied
    let bytes = std::fs::read(&book).unwrap();
    let cut = dir.join("没传完.xlsx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    refused(&cut, "没传完.xlsx 不完整");

    // still open in Excel (its owner file beside it)
    let open = dir.join("在填.xlsx");
    std::fs::copy(&book, &open).unwrap();
    std::fs::write(dir.join("~$在填.xlsx"), b"owner").unwrap();
    refused(&open, "在填.xlsx 仍在编辑中");

    // a DTD with entities in a sheet
    let dtd = dir.join("实体.xlsx");
    rewrite(&book, &dtd, "xl/worksheets/sheet1.xml", |x| {
        x.replacen(
            "<worksheet",
            "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><worksheet",
            1,
        )
    });
    refused(
        &dtd,
        "实体.xlsx 的部件 xl/worksheets/sheet1.xml 含 DTD 或实体声明",
    );

    // last year's workbook
    let old = dir.join("去年的表.xlsx");
    rewrite(&book, &old, "xl/sharedStrings.xml", |x| {
        assert!(x.contains("<t>2025</t>"), "the year is a shared string");
        x.replace("<t>2025</t>", "<t>2024</t>")
    });
    refused(
        &old,
        "去年的表.xlsx 是 2024 年的填报表，内容目录是 2025 年的",
    );

    // made by a zyz that did not record the year
    let v1 = dir.join("旧版的表.xlsx");
    rewrite(&book, &v1, "xl/sharedStrings.xml", |x| {
        x.replace("<t>zyz-sheets/2</t>", "<t>zyz-sheets/1</t>")
    });
    refused(
        &v1,
        "旧版的表.xlsx 是旧版 zyz 导出的填报表，没有记录年份和版本",
    );

    // a workbook made before the office changed a value in the YAML
    let yaml = String::from_utf8(before.clone()).unwrap();
    let changed = yaml.replacen("    status: 整改中", "    status: 未整改", 1);
    assert_ne!(changed, yaml);
    std::fs::write(&town, &changed).unwrap();
    refused(
        &book,
        "开张镇.xlsx 是2025年10月9日导出的旧表，与现在的内容不一致：导出后 YAML 已改动：问题台账",
    );
    let o = office.import(&["--merge-older", "--dry-run"], &[&book]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::write(&town, &before).unwrap();

    // 120 rows of a wrong status: the first 50 findings, then a count
    let many = dir.join("填错了.xlsx");
    rewrite(&book, &many, "xl/worksheets/sheet1.xml", |x| {
        let rows: String = (200..320)
            .map(|r| {
                format!(
                    "<row r=\"{r}\"><c r=\"B{r}\" t=\"inlineStr\"><is><t>开张镇</t></is></c><c r=\"J{r}\" t=\"inlineStr\"><is><t>完成</t></is></c></row>"
                )
            })
            .collect();
        x.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1)
    });
    let (code, err, _) = import_one(&office, &many);
    assert_eq!(code, Some(1), "{err}");
    let shown = err
        .lines()
        .filter(|l| l.starts_with("填错了.xlsx!"))
        .count();
    assert_eq!(shown, 50, "{err}");
    assert!(err.contains("填错了.xlsx: …另有 "), "{err}");
    assert!(err.contains(" 处错误"), "{err}");
    assert_eq!(std::fs::read(&town).unwrap(), before, "nothing written");
}

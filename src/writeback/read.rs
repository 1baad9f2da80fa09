//! Reading a returned workbook with calamine (as saved by Excel, WPS or LibreOffice): the hidden
//! sheet's scope and hashes, and each non-empty row of 问题台账 and 任务进度 as the text the YAML
//! would hold (dates `YYYY-MM-DD`, progress `80%`), each cell with its address for messages.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Range, Reader, Xlsx, open_workbook};

use crate::diag::Diagnostic;
use crate::model::Percent;
use crate::plan::sheets::{
    Column, Kind, MARK, MARK_1, PROBLEM_COLUMNS, PROBLEM_SHEET, SOURCE_SHEET, TASK_COLUMNS,
    TASK_SHEET,
};

/// One returned workbook.
#[derive(Debug)]
pub struct Returned {
    pub path: PathBuf,
    /// The file name, as messages name it (`开张镇.xlsx`).
    pub name: String,
    /// The town it was made for (id), or `None` for the city's.
    pub town: Option<String>,
    /// The plan year it was made for (`None`: not a number).
    pub year: Option<i32>,
    /// The day it was made (`2025-10-20`) and its version (`Sheets::version`).
    pub made: String,
    pub version: String,
    /// (sheet, key, field) → the hash of the value it was made from.
    pub base: HashMap<(String, String, String), String>,
    pub problems: Vec<InRow>,
    pub tasks: Vec<InRow>,
}

/// One filled-in row: its sheet, its 1-based row number and each column's text.
#[derive(Debug, Clone)]
pub struct InRow {
    pub sheet: &'static str,
    pub row: u32,
    /// One per column of the sheet, in column order.
    pub cells: Vec<String>,
}

impl Returned {
    /// `开张镇.xlsx!问题台账!J7` for column `col` (0-based) of a row.
    pub fn cell(&self, row: &InRow, col: usize) -> String {
        format!(
            "{}!{}!{}{}",
            self.name,
            row.sheet,
            column_letters(col),
            row.row
        )
    }

    /// The hash the workbook keeps of a value, if any.
    pub fn base_hash(&self, sheet: &str, key: &str, field: &str) -> Option<&str> {
        self.base
            .get(&(sheet.to_owned(), key.to_owned(), field.to_owned()))
            .map(String::as_str)
    }
}

/// `A`, `B`, … `Z`, `AA` for a 0-based column.
pub fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut s = Vec::new();
    while n > 0 {
        s.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// An error about the whole workbook (not a cell of it).
fn whole(path: &Path, rule: &str, message: String, hint: &str) -> Diagnostic {
    Diagnostic::error(path, 0, 0, rule, message).with_hint(hint)
}

/// Reads one workbook; `Err` holds why it cannot be used at all.
pub fn read(path: &Path) -> Result<Returned, Diagnostic> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into(),
    );
    // the package's size and shape first: a sheet filled down to row 8,000,000 is refused here,
    // before calamine reads it whole
    // and no part with a DTD (calamine would parse it)
    super::package::Package::open(path, "工作簿（.xlsx）", "xl/workbook.xml")
        .and_then(|mut p| p.refuse_dtd())
        .map_err(|r| whole(path, r.rule, r.message, &r.hint))?;
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e| {
        let hint = "导入 zyz export sheets 导出、填好后另存为 .xlsx 的工作簿";
        whole(
            path,
            "import.unreadable",
            format!("无法读取工作簿：{e}"),
            hint,
        )
    })?;
    let not_ours = || {
        whole(
            path,
            "import.not-sheets",
            format!("{name} 不是 zyz 填报表（缺少隐藏工作表 {SOURCE_SHEET}）"),
            "用 zyz export sheets 导出的填报表填写，不要另建工作簿或删去工作表",
        )
    };
    let source = book.worksheet_range(SOURCE_SHEET).map_err(|_| not_ours())?;
    if text_at(&source, 0, 0) == MARK_1 {
        return Err(whole(
            path,
            "import.other-sheets",
            format!(
                "{name} 是旧版 zyz 导出的填报表，没有记录年份和版本，无法判断是否是本年度现在的表"
            ),
            "用 zyz export sheets 重新导出填报表，请填报单位在新表中填写",
        ));
    }
    if text_at(&source, 0, 0) != MARK {
        return Err(not_ours());
    }
    let town = Some(text_at(&source, 0, 1)).filter(|t| !t.is_empty());
    let year = text_at(&source, 0, 2).parse().ok();
    let (made, version) = (text_at(&source, 0, 3), text_at(&source, 0, 4));
    let mut base = HashMap::new();
    let end = source.end().map_or(0, |(r, _)| r);
    for r in 2..=end {
        let cell = |c| text_at(&source, r, c);
        base.insert((cell(0), cell(1), cell(2)), cell(3));
    }
    let mut sheet = |sheet: &'static str, columns: &[Column]| {
        let range = book.worksheet_range(sheet).map_err(|_| {
            let message = format!("{name} 缺少工作表 {sheet}");
            whole(path, "import.not-sheets", message, "不要删去或改名工作表")
        })?;
        rows(path, &name, sheet, &range, columns)
    };
    let problems = sheet(PROBLEM_SHEET, &PROBLEM_COLUMNS)?;
    let tasks = sheet(TASK_SHEET, &TASK_COLUMNS)?;
    Ok(Returned {
        path: path.to_path_buf(),
        name,
        town,
        year,
        made,
        version,
        base,
        problems,
        tasks,
    })
}

/// The non-empty rows under the header, columns found by their header text (so a sheet whose
/// columns were moved still reads right).
fn rows(
    path: &Path,
    name: &str,
    sheet: &'static str,
    range: &Range<Data>,
    columns: &[Column],
) -> Result<Vec<InRow>, Diagnostic> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let (bottom, right) = range.end().unwrap_or((0, 0));
    let header: HashMap<String, u32> = (left..=right)
        .map(|c| (text_at(range, top, c), c))
        .collect();
    let mut at = Vec::new();
    for column in columns {
        match header.get(column.header) {
            Some(&c) => at.push(c),
            None => {
                let message = format!("{name}!{sheet} 缺少列 {}", column.header);
                return Err(whole(path, "import.column", message, "不要删去或改名表头"));
            }
        }
    }
    let mut out = Vec::new();
    for r in top + 1..=bottom {
        let cells: Vec<String> = columns
            .iter()
            .zip(&at)
            .map(|(column, &c)| cell_text(range.get_value((r, c)), column.kind))
            .collect();
        if cells.iter().any(|t| !t.is_empty()) {
            out.push(InRow {
                sheet,
                row: r + 1,
                cells,
            });
        }
    }
    Ok(out)
}

fn text_at(range: &Range<Data>, r: u32, c: u32) -> String {
    cell_text(range.get_value((r, c)), Kind::Text)
}

/// A cell as the YAML would spell it for a column of `kind`.
fn cell_text(data: Option<&Data>, kind: Kind) -> String {
    let Some(data) = data else {
        return String::new();
    };
    match (data, kind) {
        (Data::DateTime(d), Kind::Date) => ymd(d),
        (Data::Float(_) | Data::Int(_), Kind::Date) => ymd(&ExcelDateTime::new(
            number(data),
            ExcelDateTimeType::DateTime,
            false,
        )),
        (Data::String(s), Kind::Date) => date_text(s.trim()),
        (Data::DateTimeIso(s), Kind::Date) => s.chars().take(10).collect(),
        (Data::Float(_) | Data::Int(_), Kind::Percent) => {
            let bp = (number(data) * 10_000.0).round().max(0.0) as u32;
            Percent::basis_points(bp).to_string()
        }
        (Data::Float(_) | Data::Int(_), _) => {
            let f = number(data);
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", f as i64)
            } else {
                f.to_string()
            }
        }
        (Data::String(s), _) => s.trim().to_owned(),
        (Data::Empty, _) => String::new(),
        (other, _) => other.to_string().trim().to_owned(),
    }
}

fn number(data: &Data) -> f64 {
    match data {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        _ => 0.0,
    }
}

fn ymd(d: &ExcelDateTime) -> String {
    let (y, m, day, ..) = d.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{day:02}")
}

/// A date typed as text (`2025/10/1`, `2025.10.1`, `2025年10月1日`) as `2025-10-01`; anything
/// else unchanged (the model's date parser then says what is wrong).
pub(super) fn date_text(s: &str) -> String {
    let parts: Vec<&str> = s
        .trim_end_matches('日')
        .split(['-', '/', '.', '年', '月'])
        .collect();
    match parts.as_slice() {
        [y, m, d]
            if [y, m, d]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
        {
            format!("{y:0>4}-{m:0>2}-{d:0>2}")
        }
        _ => s.to_owned(),
    }
}

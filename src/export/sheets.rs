//! Export stage, the fill-in workbooks (填报表, `zyz export sheets`): the problem ledger and the
//! task list as a town fills them in (rust_xlsxwriter). Identifying columns are locked and the
//! sheets protected without a password (审阅 → 撤销工作表保护 lifts it); fillable columns are
//! unlocked and validated (status from a list, progress 0–100 %, dates as dates); the hidden sheet
//! `zyz来源` names the workbook's town and keeps a hash of every fillable value it was made from.
//! Same plan (and day), same bytes: the creation date is the document date, the day it was made
//! (`export::made_on`) the only other date, and the zip entries have a fixed
//! timestamp.

use anyhow::Context as _;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::model::{Date, Percent};
use crate::plan::sheets::{
    BLANK_ROWS, Column, Kind, MARK, PROBLEM_COLUMNS, PROBLEM_SHEET, PROBLEM_STATUSES, Row,
    SOURCE_SHEET, Sheets, TASK_COLUMNS, TASK_SHEET, TASK_STATUSES,
};

/// The workbook's bytes.
pub fn sheets_xlsx(plan: &Sheets) -> anyhow::Result<Vec<u8>> {
    let created = excel_date(plan.date).context("the document date is not a spreadsheet date")?;
    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&plan.title)
            .set_author(&plan.organ)
            .set_company(&plan.city)
            .set_comment("zyz export sheets：填写后用 zyz import 导入")
            .set_creation_datetime(&created),
    );
    let towns = town_list(plan.town_names.len());
    let problems = workbook.add_worksheet();
    table(
        problems,
        PROBLEM_SHEET,
        &PROBLEM_COLUMNS,
        &plan.problems,
        BLANK_ROWS,
        &towns,
    )?;
    let tasks = workbook.add_worksheet();
    table(tasks, TASK_SHEET, &TASK_COLUMNS, &plan.tasks, 0, &towns)?;
    source_sheet(workbook.add_worksheet(), plan)?;
    workbook
        .save_to_buffer()
        .context("cannot write the fill-in workbook")
}

/// The hidden sheet's range of town names, for the town column's list.
fn town_list(n: usize) -> Formula {
    Formula::new(format!("='{SOURCE_SHEET}'!$F$1:$F${}", n.max(1)))
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year, d.month, d.day)
}

/// The cell formats: header, locked, unlocked (each as text, date, percent).
struct Formats {
    header: Format,
    locked: Format,
    open: Format,
}

impl Formats {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        Self {
            header: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#D9D9D9"),
            locked: cell.clone().set_background_color("#F2F2F2"),
            open: cell.set_unlocked(),
        }
    }

    fn of(&self, column: &Column, unlocked: bool) -> Format {
        let base = if unlocked { &self.open } else { &self.locked };
        match column.kind {
            Kind::Date => base.clone().set_num_format("yyyy-mm-dd"),
            Kind::Percent => base.clone().set_num_format("0%"),
            _ => base.clone(),
        }
    }
}

/// One protected sheet: header, rows, `blank` empty rows for new entries, validation, print
/// setup.
fn table(
    sheet: &mut Worksheet,
    name: &str,
    columns: &[Column],
    rows: &[Row],
    blank: u32,
    towns: &Formula,
) -> anyhow::Result<()> {
    sheet.set_name(name)?;
    let formats = Formats::new();
    for (c, column) in columns.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, column.header, &formats.header)?;
        sheet.set_column_width(c, column.width)?;
    }
    for (i, row) in rows.iter().enumerate() {
        for (c, (column, text)) in columns.iter().zip(&row.cells).enumerate() {
            let format = formats.of(column, column.fill);
            write_cell(sheet, 1 + i as u32, c as u16, column.kind, text, &format)?;
        }
    }
    let first_blank = 1 + rows.len() as u32;
    for r in first_blank..first_blank + blank {
        for (c, column) in columns.iter().enumerate() {
            // a new row: everything but the id, which the import assigns
            let format = formats.of(column, column.field != "id");
            sheet.write_blank(r, c as u16, &format)?;
        }
    }
    let last = (first_blank + blank).saturating_sub(1).max(1);
    validate(sheet, columns, last, towns)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_paper_size(9); // A4
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    sheet.protect();
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    r: u32,
    c: u16,
    kind: Kind,
    text: &str,
    format: &Format,
) -> anyhow::Result<()> {
    let date = (kind == Kind::Date)
        .then(|| Date::parse(text).ok())
        .flatten();
    let percent = (kind == Kind::Percent)
        .then(|| Percent::parse(text).ok())
        .flatten();
    match (date, percent) {
        _ if text.is_empty() => sheet.write_blank(r, c, format)?,
        (Some(d), _) => sheet.write_datetime_with_format(r, c, excel_date(d)?, format)?,
        (_, Some(p)) => {
            let value = f64::from(p.as_basis_points()) / 10_000.0;
            sheet.write_number_with_format(r, c, value, format)?
        }
        _ if kind == Kind::Number => {
            sheet.write_number_with_format(r, c, text.parse::<f64>().unwrap_or(0.0), format)?
        }
        _ => sheet.write_string_with_format(r, c, text, format)?,
    };
    Ok(())
}

/// Data validation of the fillable columns, rows 2 to `last` (0-based).
fn validate(
    sheet: &mut Worksheet,
    columns: &[Column],
    last: u32,
    towns: &Formula,
) -> anyhow::Result<()> {
    for (c, column) in columns.iter().enumerate() {
        let rule = match column.kind {
            Kind::ProblemStatus => DataValidation::new()
                .allow_list_strings(&PROBLEM_STATUSES)?
                .set_error_message("请从下拉列表中选择：已整改、整改中、未整改")?,
            Kind::TaskStatus => DataValidation::new()
                .allow_list_strings(&TASK_STATUSES)?
                .set_error_message("请从下拉列表中选择：未开始、进行中、已完成")?,
            Kind::Percent => DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(0.0, 1.0))
                .set_error_message("进度填 0% 到 100% 之间的百分数，如 80%")?,
            Kind::Date => DataValidation::new()
                .allow_date(DataValidationRule::Between(
                    ExcelDateTime::from_ymd(2000, 1, 1)?,
                    ExcelDateTime::from_ymd(2099, 12, 31)?,
                ))
                .set_error_message("请填写日期，如 2025-10-20")?,
            Kind::Town => DataValidation::new()
                .allow_list_formula(towns.clone())
                .set_error_message("请从下拉列表中选择本表的镇（街道）")?,
            Kind::Text | Kind::Number => continue,
        };
        let rule = rule.set_error_title(column.header)?;
        sheet.add_data_validation(1, c as u16, last, c as u16, &rule)?;
    }
    Ok(())
}

/// The hidden sheet: A1 the mark, B1 the town id (empty for the city), C1 the year, D1 the day it
/// was made, E1 its version ([`Sheets::version`]); from row 3 one line per hashed value (sheet,
/// key, field, hash); column F the town names. A hidden sheet, because Excel, WPS and
/// LibreOffice all keep one (tests/import.rs re-saves a workbook with LibreOffice).
fn source_sheet(sheet: &mut Worksheet, plan: &Sheets) -> anyhow::Result<()> {
    sheet.set_name(SOURCE_SHEET)?;
    sheet.write_string(0, 0, MARK)?;
    let town = plan.town.as_ref().map_or("", |(id, _)| id.as_str());
    sheet.write_string(0, 1, town)?;
    sheet.write_string(0, 2, plan.year.to_string())?;
    sheet.write_string(0, 3, crate::export::made_on())?;
    sheet.write_string(0, 4, plan.version())?;
    for (c, h) in ["表", "键", "字段", "哈希"].iter().enumerate() {
        sheet.write_string(1, c as u16, *h)?;
    }
    let mut r = 2;
    for (name, rows) in [(PROBLEM_SHEET, &plan.problems), (TASK_SHEET, &plan.tasks)] {
        for row in rows {
            for (field, hash) in &row.hashes {
                sheet.write_string(r, 0, name)?;
                sheet.write_string(r, 1, &row.key)?;
                sheet.write_string(r, 2, *field)?;
                sheet.write_string(r, 3, hash)?;
                r += 1;
            }
        }
    }
    for (i, name) in plan.town_names.iter().enumerate() {
        sheet.write_string(i as u32, 5, name)?;
    }
    sheet.set_hidden(true);
    sheet.protect();
    Ok(())
}

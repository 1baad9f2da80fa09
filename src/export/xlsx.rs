//! Export stage, XLSX: spreadsheets made beside a PDF from the same template context — today the
//! problem ledger as `ledger.xlsx` (rust_xlsxwriter). Same context, same bytes: the document
//! properties carry the document date, never the wall clock, and the zip entries have a fixed
//! timestamp.

use anyhow::Context as _;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};
use serde_json::Value;

use super::{Exporter, Laid};
use crate::diag::Diagnostic;

/// The problem ledger as a workbook (`ledger.xlsx`, beside `ledger.pdf`).
pub struct LedgerXlsx;

impl Exporter for LedgerXlsx {
    fn name(&self) -> &'static str {
        "xlsx"
    }

    fn export(&self, laid: &Laid) -> Result<Vec<u8>, Vec<Diagnostic>> {
        ledger_xlsx(laid.context).map_err(|err| {
            let path = laid.job.source_name.with_extension("xlsx");
            vec![Diagnostic::error(path, 0, 0, "write", format!("{err:#}"))]
        })
    }
}

/// The ledger's columns: header and the context field each shows.
const COLUMNS: [(&str, &str, f64); 11] = [
    ("编号", "id", 13.0),
    ("镇（街道）", "town", 10.0),
    ("发现时间", "found", 15.0),
    ("来源", "source", 16.0),
    ("问题描述", "description", 36.0),
    ("整改措施", "measures", 30.0),
    ("责任单位", "unit", 18.0),
    ("责任人", "person", 8.0),
    ("整改时限", "deadline", 15.0),
    ("状态", "status", 8.0),
    ("销号日期", "closed_on", 15.0),
];

/// `ledger.xlsx` from the ledger document's context (`doc.title`, `doc.organ`, `doc.date`,
/// `doc.rows`, `doc.totals`).
pub fn ledger_xlsx(context: &Value) -> anyhow::Result<Vec<u8>> {
    let doc = &context["doc"];
    let text = |v: &Value| {
        v.as_str()
            .map(str::to_owned)
            .unwrap_or_else(|| v.to_string())
    };
    let title = text(&doc["title"]);
    let date = &doc["date"];
    let part = |k: &str| date[k].as_u64().unwrap_or(1);
    let created =
        ExcelDateTime::from_ymd(part("year") as u16, part("month") as u8, part("day") as u8)
            .context("the ledger's document date is not a valid spreadsheet date")?;

    let mut workbook = Workbook::new();
    workbook.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_author(text(&doc["organ"]))
            .set_company(text(&context["city"]["name"]))
            .set_creation_datetime(&created),
    );
    let sheet = workbook.add_worksheet();
    sheet.set_name("问题台账")?;
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#D9D9D9");
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);

    sheet.write_string_with_format(0, 0, &title, &bold)?;
    let totals = &doc["totals"];
    sheet.write_string(
        1,
        0,
        format!(
            "截至{}：共{}个问题，其中已整改{}个、整改中{}个、未整改{}个",
            text(&date["cn"]),
            totals["all"],
            totals["fixed"],
            totals["fixing"],
            totals["open"]
        ),
    )?;
    let head_row = 3;
    for (col, (name, _, width)) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(head_row, col, *name, &header)?;
        sheet.set_column_width(col, *width)?;
    }
    let rows = doc["rows"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, row) in rows.iter().enumerate() {
        let r = head_row + 1 + i as u32;
        for (col, (_, field, _)) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(r, col as u16, text(&row[*field]), &cell)?;
        }
    }
    sheet.set_freeze_panes(head_row + 1, 0)?;
    if !rows.is_empty() {
        sheet.autofilter(
            head_row,
            0,
            head_row + rows.len() as u32,
            COLUMNS.len() as u16 - 1,
        )?;
    }
    workbook
        .save_to_buffer()
        .context("cannot write the ledger spreadsheet")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Value {
        serde_json::json!({
            "city": {"name": "永济市"},
            "doc": {
                "title": "永济市专业镇建设问题台账",
                "organ": "永济市专业镇发展领导小组办公室",
                "date": {"cn": "2025年10月20日", "year": 2025, "month": 10, "day": 20},
                "totals": {"all": 1, "fixed": 0, "fixing": 1, "open": 0},
                "rows": [{"id": "2025-Q2-003", "town": "开张镇", "found": "2025年5月20日", "source": "专项检查",
                          "description": "冷链设施不足", "measures": "推进冷库建设", "unit": "开张镇人民政府",
                          "person": "李娜", "deadline": "2025年12月31日", "status": "整改中", "closed_on": "—"}],
            },
        })
    }

    #[test]
    fn same_context_same_bytes() {
        let a = ledger_xlsx(&context()).unwrap();
        let b = ledger_xlsx(&context()).unwrap();
        assert!(a.starts_with(b"PK"));
        assert_eq!(a, b);
    }
}

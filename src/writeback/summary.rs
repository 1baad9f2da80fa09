//! The 意见采纳情况汇总表 of returned drafts (`zyz import … --summary FILE.xlsx`): one row per
//! field edit, template edit and comment — 序号, 提出单位/人, 位置, 原文, 修改意见/批注, 是否采纳,
//! 理由 — written with rust_xlsxwriter. 采纳 means the change went into the YAML; the office
//! fills in 理由 for the rest — here or in `opinions.yaml` (see `opinions`) — and a re-run keeps what
//! it filled in (read back with calamine, by 提出单位/人, 位置 and 修改意见).

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context as _;
use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use super::drafts::{Item, ItemKind};
use super::package::Package;
use crate::model::Opinions;

/// The sheet and its columns.
pub const SHEET: &str = "意见采纳情况汇总表";
pub const COLUMNS: [(&str, f64); 7] = [
    ("序号", 6.0),
    ("提出单位/人", 14.0),
    ("位置", 30.0),
    ("原文", 36.0),
    ("修改意见/批注", 36.0),
    ("是否采纳", 9.0),
    ("理由", 30.0),
];

/// What a re-run keeps: 理由 by (提出单位/人, 位置, 修改意见/批注).
type Reasons = HashMap<(String, String, String), String>;

/// Writes the table of `items` to `path` (atomically), keeping the 理由 filled in an earlier one
/// or in `opinions.yaml` (whose 是否采纳, where the office decided it, is shown too).
pub fn write(path: &Path, items: &[Item], opinions: Option<&Opinions>) -> anyhow::Result<()> {
    let reasons = if path.exists() {
        earlier(path)?
    } else {
        Reasons::new()
    };
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_background_color("#D9D9D9");
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    for (c, (name, width)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_width(c, *width)?;
        sheet.write_with_format(0, c, *name, &header)?;
    }
    for (i, item) in items.iter().enumerate() {
        let r = i as u32 + 1;
        let place = format!("{}：{}", item.draft, item.place);
        let who = if item.date.is_empty() {
            item.who.clone()
        } else {
            format!("{}（{}）", item.who, item.date)
        };
        let key = (who.clone(), place.clone(), item.proposal.clone());
        let office = super::opinions::kept(opinions, item);
        let reason = match (reasons.get(&key), office) {
            (Some(r), _) => r.clone(),
            (None, Some(o)) => o.reason.clone(),
            (None, None) => String::new(),
        };
        let state = match office {
            Some(o) if item.kind != ItemKind::Field => o.adopted.clone(),
            _ => super::opinions::adopted(item).to_owned(),
        };
        let row = [
            (i + 1).to_string(),
            who,
            place,
            item.original.clone(),
            item.proposal.clone(),
            state,
            reason,
        ];
        for (c, text) in row.iter().enumerate() {
            sheet.write_with_format(r, c as u16, text, &cell)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let bytes = workbook.save_to_buffer()?;
    crate::archive::write_atomic(path, &bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The 理由 of an earlier table at `path`.
fn earlier(path: &Path) -> anyhow::Result<Reasons> {
    Package::open(path, "汇总表（.xlsx）", "xl/workbook.xml")
        .map_err(|r| anyhow::anyhow!("{}（{}）", r.message, r.hint))?;
    let mut book: Xlsx<_> = open_workbook(path)
        .with_context(|| format!("cannot read the earlier summary {}", path.display()))?;
    let range = book
        .worksheet_range(SHEET)
        .with_context(|| format!("{} has no sheet {SHEET}", path.display()))?;
    let text = |d: Option<&Data>| d.map(|d| d.to_string()).unwrap_or_default();
    let mut out = Reasons::new();
    for row in range.rows().skip(1) {
        let reason = text(row.get(6));
        if !reason.trim().is_empty() {
            out.insert(
                (text(row.get(1)), text(row.get(2)), text(row.get(4))),
                reason,
            );
        }
    }
    Ok(out)
}

//! What a returned workbook changes: each row matched to its problem or task, each filled-in
//! value checked against its column's choices and type (the model's own parsers), and compared
//! three ways — the sheet, the YAML now, and the hash of what the workbook was made from — into
//! edits, conflicts, or nothing (a value the town left as it was).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::read::{InRow, Returned};
use crate::diag::Diagnostic;
use crate::model::{Content, Date, Percent, Town};
use crate::plan::sheets::{
    Column, Kind, PROBLEM_COLUMNS, PROBLEM_SHEET, PROBLEM_STATUSES, Row, Sheets, TASK_COLUMNS,
    TASK_SHEET, TASK_STATUSES, problem_value, sheets, task_key, task_value, value_hash,
};

/// One change to a town's file.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Set `field` of item `index` of `list` (`problems`, `tasks`) to `value`; an empty value
    /// removes the key (a problem's 销号日期 taken back).
    Set {
        list: &'static str,
        index: usize,
        field: &'static str,
        value: String,
    },
    /// A new problem, its fields in the schema's order (the id assigned by the import).
    Append { fields: Vec<(&'static str, String)> },
}

/// Where a row of a workbook landed: its town, list and index, for locating check findings.
#[derive(Debug, Clone)]
pub struct Landing {
    pub town: String,
    pub list: &'static str,
    pub index: usize,
    /// The cell address of each field of the row.
    pub cells: BTreeMap<&'static str, String>,
}

/// Everything the workbooks ask for.
#[derive(Debug, Default)]
pub struct Changes {
    /// Per town id: its file and its edits in order.
    pub towns: BTreeMap<String, (PathBuf, Vec<Edit>)>,
    pub landings: Vec<Landing>,
    pub findings: Vec<Diagnostic>,
}

/// An error at a cell of a workbook.
pub fn at_cell(cell: String, rule: &str, message: String, hint: impl Into<String>) -> Diagnostic {
    Diagnostic::error(PathBuf::from(cell), 0, 0, rule, message).with_hint(hint)
}

impl Changes {
    fn edit(&mut self, town: &Town, edit: Edit, cell: &str) {
        let entry = self
            .towns
            .entry(town.id.clone())
            .or_insert_with(|| (town.file.clone(), Vec::new()));
        if let Edit::Set {
            list, index, field, value,
        } = &edit
            && let Some(Edit::Set { value: other, .. }) = entry.1.iter().find(|e| {
                matches!(e, Edit::Set { list: l, index: i, field: f, .. } if l == list && i == index && f == field)
            })
        {
            if other != value {
                let message = format!("另一份填报表把同一格填成了 `{other}`，本表填的是 `{value}`");
                let hint = "同一问题或任务只在一份表中填报，或把两份表改成一致";
                self.findings
                    .push(at_cell(cell.to_owned(), "import.twice", message, hint));
            }
            return;
        }
        entry.1.push(edit);
    }
}

/// The model's verdict on a filled-in value of a column: `Err((rule, message, hint))`.
pub fn check_value(column: &Column, text: &str) -> Result<(), (String, String, String)> {
    let fail = |(rule, message, hint): (&str, String, String)| {
        Err((
            rule.to_owned(),
            format!("{}：{message}", column.header),
            hint,
        ))
    };
    let choice = |choices: &[&str]| {
        if choices.contains(&text) {
            Ok(())
        } else {
            let list = choices.join("、");
            fail((
                "import.choice",
                format!("`{text}` 不是可选的状态"),
                format!("从下拉列表中选：{list}"),
            ))
        }
    };
    match column.kind {
        Kind::Date => Date::parse(text).map(drop).or_else(fail),
        Kind::Percent => Percent::parse(text).map(drop).or_else(fail),
        Kind::ProblemStatus => choice(&PROBLEM_STATUSES),
        Kind::TaskStatus => choice(&TASK_STATUSES),
        Kind::Text | Kind::Town | Kind::Number => Ok(()),
    }
}

/// Reads every workbook's rows into edits and findings; a workbook of another town, year or
/// (unless `merge_older`) made from older content is refused as a whole.
pub fn changes(content: &Content, books: &[Returned], merge_older: bool) -> Changes {
    let mut out = Changes::default();
    let now = sheets(content);
    for book in books {
        if let Err(d) = origin(&now, book, merge_older) {
            out.findings.push(*d);
            continue;
        }
        for row in &book.problems {
            problem_row(content, book, row, &mut out);
        }
        for row in &book.tasks {
            task_row(content, book, row, &mut out);
        }
    }
    out
}

/// The workbook must be one the content makes now: its town there, its year the plan's, and
/// (unless `merge_older`) its rows what an export would show now.
fn origin(now: &[Sheets], book: &Returned, merge_older: bool) -> Result<(), Box<Diagnostic>> {
    let refuse = |rule: &str, message: String, hint: &str| {
        Err(Box::new(
            Diagnostic::error(&book.path, 0, 0, rule, message).with_hint(hint),
        ))
    };
    let current = now
        .iter()
        .find(|s| s.town.as_ref().map(|(id, _)| id) == book.town.as_ref());
    let Some(current) = current else {
        let id = book.town.as_deref().unwrap_or_default();
        return refuse(
            "import.town",
            format!("{} 是为镇 `{id}` 导出的，内容目录中没有这个镇", book.name),
            "检查 --content 是否指向导出时的内容目录",
        );
    };
    if book.year != Some(current.year) {
        let year = book.year.map_or("未知".to_owned(), |y| y.to_string());
        return refuse(
            "import.other-year",
            format!(
                "{} 是 {year} 年的填报表，内容目录是 {} 年的",
                book.name, current.year
            ),
            "导入本年度用 zyz export sheets 导出的填报表",
        );
    }
    if merge_older || book.version == current.version() {
        return Ok(());
    }
    let made = match Date::parse(&book.made) {
        Ok(d) => format!("{}导出的", d.to_chinese()),
        Err(_) => "较早导出的".to_owned(),
    };
    let (changed, own) = changed_since(book, current);
    if changed.is_empty() && own > 0 {
        return Ok(());
    }
    let what = match changed.len() {
        0 => "导出后内容已改动（如镇的名单）".to_owned(),
        n if n <= 3 => format!("导出后 YAML 已改动：{}", changed.join("；")),
        n => format!("导出后 YAML 已改动 {n} 处：{} 等", changed[..3].join("；")),
    };
    refuse(
        "import.older-sheets",
        format!("{} 是{made}旧表，与现在的内容不一致：{what}", book.name),
        "用 zyz export sheets 重新导出、请填报单位在新表中填写；若这份表仍须照收（例如同一份表的另一份已先导入），加 --merge-older 逐格合并：导出后在 YAML 中改过的格列为冲突，不会覆盖",
    )
}

/// What changed in the YAML since the workbook was made — `问题台账 2025-Q2-003 状态`, rows added
/// (`任务进度 kaizhang#4 新增`) and removed — leaving out what the workbook itself asks for (the
/// same workbook imported again); and how many such changes of its own there were.
fn changed_since(book: &Returned, current: &Sheets) -> (Vec<String>, usize) {
    let (mut out, mut own) = (Vec::new(), 0);
    let mut keys = std::collections::BTreeSet::new();
    for (sheet, rows, columns) in [
        (PROBLEM_SHEET, &current.problems, &PROBLEM_COLUMNS[..]),
        (TASK_SHEET, &current.tasks, &TASK_COLUMNS[..]),
    ] {
        for row in rows {
            keys.insert((sheet, row.key.as_str()));
            let returned = returned_row(book, sheet, row);
            for (field, hash) in &row.hashes {
                let c = columns.iter().position(|c| c.field == *field).unwrap_or(0);
                let asked = returned.is_some_and(|r| r.cells.get(c) == row.cells.get(c));
                match book.base_hash(sheet, &row.key, field) {
                    Some(h) if h == hash => {}
                    None if returned.is_some() => {
                        own += 1;
                        break;
                    }
                    None => {
                        out.push(format!("{sheet} {} 新增", row.key));
                        break;
                    }
                    Some(_) if asked => own += 1,
                    Some(_) => out.push(format!("{sheet} {} {}", row.key, columns[c].header)),
                }
            }
        }
    }
    let gone: std::collections::BTreeSet<(&str, &str)> = book
        .base
        .keys()
        .map(|(sheet, key, _)| (sheet.as_str(), key.as_str()))
        .filter(|k| !keys.contains(k))
        .collect();
    out.extend(
        gone.iter()
            .map(|(sheet, key)| format!("{sheet} {key} 已删去")),
    );
    (out, own)
}

/// The workbook's row of a row an export would make now: a problem by its id, or (a new one,
/// numbered by the import) by 发现时间 and 问题描述; a task by its number and town.
fn returned_row<'b>(book: &'b Returned, sheet: &str, row: &Row) -> Option<&'b InRow> {
    let same =
        |r: &&InRow, cols: &[usize]| cols.iter().all(|&c| r.cells.get(c) == row.cells.get(c));
    if sheet == PROBLEM_SHEET {
        let by_id = book.problems.iter().find(|r| same(r, &[0]));
        by_id.or_else(|| {
            book.problems
                .iter()
                .find(|r| r.cells[0].is_empty() && same(r, &[2, 4]))
        })
    } else {
        book.tasks.iter().find(|r| same(r, &[0, 1]))
    }
}

/// The cell addresses of a row's fields.
fn cells_of(book: &Returned, row: &InRow, columns: &[Column]) -> BTreeMap<&'static str, String> {
    columns
        .iter()
        .enumerate()
        .map(|(c, column)| (column.field, book.cell(row, c)))
        .collect()
}

/// The town a row names, checked against the workbook's own town: `Err` is reported.
fn row_town<'c>(
    content: &'c Content,
    book: &Returned,
    row: &InRow,
    name: &str,
) -> Result<&'c Town, Diagnostic> {
    let cell = book.cell(row, 1);
    let own = book
        .town
        .as_ref()
        .and_then(|id| content.towns.iter().find(|t| &t.id == id));
    match (own, name) {
        (Some(t), "") => Ok(t),
        (Some(t), n) if n == t.name => Ok(t),
        (Some(t), n) => Err(at_cell(
            cell,
            "import.other-town",
            format!("这一行是 {n} 的，本表是 {} 的填报表", t.name),
            format!("{n} 的问题和任务由 {n} 在自己的填报表中填报；删去这一行"),
        )),
        (None, n) => content.towns.iter().find(|t| t.name == n).ok_or_else(|| {
            let names = content.towns.iter().map(|t| t.name.as_str());
            let hint = match crate::model::de::did_you_mean(n, names) {
                Some(m) => format!("是不是 {m}？从下拉列表中选"),
                None => "从下拉列表中选本市的镇（街道）".to_owned(),
            };
            let message = if n.is_empty() {
                "没有填写镇（街道）".to_owned()
            } else {
                format!("本市没有镇（街道）`{n}`")
            };
            at_cell(cell, "import.town", message, hint)
        }),
    }
}

/// One row of 问题台账: an existing problem's filled-in values, or a new problem.
fn problem_row(content: &Content, book: &Returned, row: &InRow, out: &mut Changes) {
    let id = row.cells[0].as_str();
    let cells = cells_of(book, row, &PROBLEM_COLUMNS);
    if id.is_empty() {
        return new_problem(content, book, row, cells, out);
    }
    let found = content.towns.iter().find_map(|t| {
        let i = t.problems.iter().position(|p| p.id == id)?;
        Some((t, i))
    });
    let base = book.base_hash(PROBLEM_SHEET, id, "status");
    let Some((town, index)) = found.filter(|_| base.is_some()) else {
        out.findings.push(at_cell(
            cells["id"].clone(),
            "import.unknown-id",
            format!("问题编号 {id} 不是本表导出时的问题"),
            "不要改动已有问题的编号；新问题的编号留空，导入时自动编号",
        ));
        return;
    };
    match row_town(content, book, row, &row.cells[1]) {
        Err(d) => return out.findings.push(d),
        Ok(t) if t.id != town.id => {
            let message = format!("问题 {id} 属于 {}，这一行写的是 {}", town.name, t.name);
            let hint = "已有问题的镇（街道）不能改；删去这一行或改回原值";
            return out.findings.push(at_cell(
                cells["town"].clone(),
                "import.other-town",
                message,
                hint,
            ));
        }
        Ok(_) => {}
    }
    let p = &town.problems[index];
    let now = |f: &str| problem_value(town, p, f);
    let at = |_: &str| (town, PROBLEM_SHEET, id.to_owned());
    fill_values(
        book,
        row,
        &PROBLEM_COLUMNS,
        &cells,
        now,
        at,
        "problems",
        index,
        out,
    );
    out.landings.push(Landing {
        town: town.id.clone(),
        list: "problems",
        index,
        cells,
    });
}

/// Compares each fillable value three ways and records the edit or the conflict.
#[expect(clippy::too_many_arguments, reason = "one row's context, called twice")]
fn fill_values<'c>(
    book: &Returned,
    row: &InRow,
    columns: &[Column],
    cells: &BTreeMap<&'static str, String>,
    now: impl Fn(&str) -> String,
    at: impl Fn(&str) -> (&'c Town, &'static str, String),
    list: &'static str,
    index: usize,
    out: &mut Changes,
) {
    for (column, sheet) in columns.iter().zip(&row.cells).filter(|(c, _)| c.fill) {
        let cell = cells[column.field].clone();
        let (town, sheet_name, key) = at(column.field);
        let current = now(column.field);
        if *sheet == current {
            continue;
        }
        let empty_ok = column.field == "closed_on" && sheet.is_empty();
        if !empty_ok && let Err((rule, message, hint)) = check_value(column, sheet) {
            out.findings.push(at_cell(cell, &rule, message, hint));
            continue;
        }
        let base = book
            .base_hash(sheet_name, &key, column.field)
            .unwrap_or_default();
        if value_hash(column.field, sheet) == base {
            continue; // the town left it; the office changed the YAML since
        }
        if value_hash(column.field, &current) != base {
            out.findings.push(at_cell(
                cell,
                "import.conflict",
                format!(
                    "冲突：{} 在填报表导出后已在 YAML 中改为 `{current}`，表中填的是 `{sheet}`",
                    column.header
                ),
                "与填报单位核实后，把 YAML 或表中的值改成一致再导入（不会覆盖 YAML 中的改动）",
            ));
            continue;
        }
        let edit = Edit::Set {
            list,
            index,
            field: column.field,
            value: sheet.clone(),
        };
        out.edit(town, edit, &cell);
    }
}

/// A row below the ledger with no id: a new problem of the row's town, every field required
/// but the 销号日期.
fn new_problem(
    content: &Content,
    book: &Returned,
    row: &InRow,
    cells: BTreeMap<&'static str, String>,
    out: &mut Changes,
) {
    let town = match row_town(content, book, row, &row.cells[1]) {
        Ok(t) => t,
        Err(d) => return out.findings.push(d),
    };
    let mut fields = Vec::new();
    let mut ok = true;
    for (column, text) in PROBLEM_COLUMNS.iter().zip(&row.cells).skip(2) {
        let cell = cells[column.field].clone();
        if text.is_empty() {
            if column.field != "closed_on" {
                let message = format!("新问题缺少{}", column.header);
                out.findings.push(at_cell(
                    cell,
                    "import.missing",
                    message,
                    "新增问题除销号日期外每列必填",
                ));
                ok = false;
            }
            continue;
        }
        if let Err((rule, message, hint)) = check_value(column, text) {
            out.findings.push(at_cell(cell, &rule, message, hint));
            ok = false;
        }
        fields.push((column.field, text.clone()));
    }
    // a workbook imported twice: its new problem is in the YAML already (same day, same text)
    let value = |f: &str| {
        fields
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, v)| v.as_str())
    };
    let imported = town.problems.iter().any(|p| {
        Some(p.found.to_string().as_str()) == value("found")
            && Some(p.description.as_str()) == value("description")
    });
    if ok && !imported {
        let index = town.problems.len()
            + out.towns.get(&town.id).map_or(0, |(_, e)| {
                e.iter()
                    .filter(|e| matches!(e, Edit::Append { .. }))
                    .count()
            });
        out.edit(town, Edit::Append { fields }, &cells["id"]);
        out.landings.push(Landing {
            town: town.id.clone(),
            list: "problems",
            index,
            cells,
        });
    }
}

/// One row of 任务进度: the task named by its town and number, its title as when exported.
fn task_row(content: &Content, book: &Returned, row: &InRow, out: &mut Changes) {
    let cells = cells_of(book, row, &TASK_COLUMNS);
    let town = match row_town(content, book, row, &row.cells[1]) {
        Ok(t) => t,
        Err(d) => return out.findings.push(d),
    };
    let number: usize = row.cells[0].parse().unwrap_or(0);
    let key = task_key(&town.id, number);
    let base_title = book.base_hash(TASK_SHEET, &key, "title");
    let task = number.checked_sub(1).and_then(|i| town.tasks.get(i));
    let Some((task, base_title)) = task.zip(base_title) else {
        out.findings.push(at_cell(
            cells["number"].clone(),
            "import.unknown-task",
            format!("{} 没有导出过第 {} 项任务", town.name, row.cells[0]),
            "任务只能在 YAML 中新增；表中不要增删任务行或改序号",
        ));
        return;
    };
    if value_hash("title", &task.title) != base_title {
        out.findings.push(at_cell(
            cells["title"].clone(),
            "import.conflict",
            format!(
                "冲突：{} 的第 {number} 项任务在填报表导出后已改为「{}」",
                town.name, task.title
            ),
            "任务清单在导出后改过：重新导出填报表，请填报单位重填",
        ));
        return;
    }
    let now = |f: &str| task_value(town, number, task, f);
    let at = |_: &str| (town, TASK_SHEET, key.clone());
    fill_values(
        book,
        row,
        &TASK_COLUMNS,
        &cells,
        now,
        at,
        "tasks",
        number - 1,
        out,
    );
    out.landings.push(Landing {
        town: town.id.clone(),
        list: "tasks",
        index: number - 1,
        cells,
    });
}

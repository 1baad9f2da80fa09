//! Plan stage, the fill-in workbooks (填报表) of the quarterly round trip: per town and for the
//! whole city, the rows of the problem ledger (问题台账) and of the task list (任务进度) as the
//! towns fill them in, the columns (which a town may change), and the hash of every fillable value
//! a workbook is made from, so `zyz import` can tell a value the town changed from one the office
//! changed in the YAML since (a conflict).

use sha2::{Digest, Sha256};

use crate::model::{Content, Date, Problem, ProblemStatus, Task, TaskStatus, Town};

/// The problem ledger's sheet.
pub const PROBLEM_SHEET: &str = "问题台账";
/// The task list's sheet.
pub const TASK_SHEET: &str = "任务进度";
/// The hidden sheet naming what the workbook was made from (scope, and a hash per value).
pub const SOURCE_SHEET: &str = "zyz来源";
/// The first cell of the hidden sheet: the format of a zyz fill-in workbook (2: with the year,
/// the day it was made and its version in C1:E1).
pub const MARK: &str = "zyz-sheets/2";
/// The format before the workbooks carried their year and version.
pub const MARK_1: &str = "zyz-sheets/1";
/// Empty rows below the ledger where a town adds new problems.
pub const BLANK_ROWS: u32 = 20;

/// What a column holds, for its cell format, its validation and reading it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Date,
    Percent,
    ProblemStatus,
    TaskStatus,
    /// A town's name (the list of the workbook's towns).
    Town,
    /// The task's number within its town.
    Number,
}

/// One column of a sheet.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The Chinese header.
    pub header: &'static str,
    /// The YAML key it shows (`town`, `number`: the row's town and task number).
    pub field: &'static str,
    /// Width in characters (the sheet prints landscape on A4, one page wide).
    pub width: f64,
    pub kind: Kind,
    /// True when a town fills it in on an existing row (unlocked).
    pub fill: bool,
}

const fn col(
    header: &'static str,
    field: &'static str,
    width: f64,
    kind: Kind,
    fill: bool,
) -> Column {
    Column {
        header,
        field,
        width,
        kind,
        fill,
    }
}

/// 问题台账: existing rows lock the id, the town and what was found; new rows (below) lock only
/// the id, which the import assigns.
pub const PROBLEM_COLUMNS: [Column; 11] = [
    col("问题编号", "id", 13.0, Kind::Text, false),
    col("镇（街道）", "town", 11.0, Kind::Town, false),
    col("发现时间", "found", 12.0, Kind::Date, false),
    col("来源", "source", 14.0, Kind::Text, false),
    col("问题描述", "description", 30.0, Kind::Text, false),
    col("整改措施", "measures", 26.0, Kind::Text, true),
    col("责任单位", "unit", 16.0, Kind::Text, true),
    col("责任人", "person", 8.0, Kind::Text, true),
    col("整改时限", "deadline", 12.0, Kind::Date, true),
    col("状态", "status", 9.0, Kind::ProblemStatus, true),
    col("销号日期", "closed_on", 12.0, Kind::Date, true),
];

/// 任务进度: the task is identified by its town and number (and title); status and progress are
/// filled in.
pub const TASK_COLUMNS: [Column; 9] = [
    col("序号", "number", 6.0, Kind::Number, false),
    col("镇（街道）", "town", 11.0, Kind::Town, false),
    col("重点任务", "title", 30.0, Kind::Text, false),
    col("量化目标", "target", 22.0, Kind::Text, false),
    col("牵头单位", "lead", 16.0, Kind::Text, false),
    col("责任人", "responsible", 8.0, Kind::Text, false),
    col("完成时限", "deadline", 12.0, Kind::Date, false),
    col("状态", "status", 9.0, Kind::TaskStatus, true),
    col("进度", "progress", 9.0, Kind::Percent, true),
];

/// The choices of a problem's status, as the model spells them.
pub const PROBLEM_STATUSES: [&str; 3] = ["已整改", "整改中", "未整改"];
/// The choices of a task's status, as the model spells them.
pub const TASK_STATUSES: [&str; 3] = ["未开始", "进行中", "已完成"];

/// One workbook to make.
#[derive(Debug, Clone)]
pub struct Sheets {
    /// The town (id, name), or `None` for the whole city.
    pub town: Option<(String, String)>,
    /// `开张镇.xlsx`, or the city's `永济市.xlsx`.
    pub file_name: String,
    /// E.g. `开张镇专业镇建设填报表`.
    pub title: String,
    pub city: String,
    pub organ: String,
    /// The document date (the workbook's creation date: never the clock).
    pub date: Date,
    /// The plan year it is for.
    pub year: i32,
    /// The names of the towns whose rows it has (the choices of a new row's town).
    pub town_names: Vec<String>,
    pub problems: Vec<Row>,
    pub tasks: Vec<Row>,
}

/// One row: its key (problem id, or `town#n` for a task), the text of each column and the hash
/// of each fillable value.
#[derive(Debug, Clone)]
pub struct Row {
    pub key: String,
    pub cells: Vec<String>,
    pub hashes: Vec<(&'static str, String)>,
}

impl Sheets {
    /// SHA-256 over what the workbook shows from the content — its year, towns, and each row's
    /// key and cells — so `zyz import` can tell a workbook made from older content.
    pub fn version(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(format!("{}\n{}\n", self.year, self.town_names.join("\t")));
        for (sheet, rows) in [(PROBLEM_SHEET, &self.problems), (TASK_SHEET, &self.tasks)] {
            for row in rows {
                hasher.update(format!("{sheet}\t{}\t{}\n", row.key, row.cells.join("\t")));
            }
        }
        format!("{:x}", hasher.finalize())
    }
}

/// The key of task `n` (1-based) of a town.
pub fn task_key(town_id: &str, n: usize) -> String {
    format!("{town_id}#{n}")
}

/// The hash a workbook keeps of one value: 16 hex digits of SHA-256 over `field=value`.
pub fn value_hash(field: &str, value: &str) -> String {
    let digest = Sha256::digest(format!("{field}={value}").as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

pub fn problem_status(status: ProblemStatus) -> &'static str {
    match status {
        ProblemStatus::Fixed => "已整改",
        ProblemStatus::Fixing => "整改中",
        ProblemStatus::Open => "未整改",
    }
}

pub fn task_status(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::NotStarted => "未开始",
        TaskStatus::InProgress => "进行中",
        TaskStatus::Done => "已完成",
    }
}

/// A problem's value of `field`, as the YAML spells it (dates ISO, no closing date empty).
pub fn problem_value(town: &Town, p: &Problem, field: &str) -> String {
    match field {
        "id" => p.id.clone(),
        "town" => town.name.clone(),
        "found" => p.found.to_string(),
        "source" => p.source.clone(),
        "description" => p.description.clone(),
        "measures" => p.measures.clone(),
        "unit" => p.unit.clone(),
        "person" => p.person.clone(),
        "deadline" => p.deadline.to_string(),
        "status" => problem_status(p.status).to_owned(),
        "closed_on" => p.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

/// Task `n`'s (1-based) value of `field`, as the YAML spells it (progress `55%`).
pub fn task_value(town: &Town, n: usize, t: &Task, field: &str) -> String {
    match field {
        "number" => n.to_string(),
        "town" => town.name.clone(),
        "title" => t.title.clone(),
        "target" => t.target.clone(),
        "lead" => t.lead.clone(),
        "responsible" => t.responsible.clone(),
        "deadline" => t.deadline.to_string(),
        "status" => task_status(t.status).to_owned(),
        "progress" => t.progress.to_string(),
        _ => String::new(),
    }
}

/// The fields whose hash a row keeps: the fillable ones, plus a task's title (a task is known
/// by its number, and the title tells when the list was reordered since).
fn hashed(columns: &[Column]) -> impl Iterator<Item = &Column> {
    columns.iter().filter(|c| c.fill || c.field == "title")
}

fn row(key: String, columns: &[Column], value: impl Fn(&str) -> String) -> Row {
    let cells: Vec<String> = columns.iter().map(|c| value(c.field)).collect();
    let hashes = hashed(columns)
        .map(|c| (c.field, value_hash(c.field, &value(c.field))))
        .collect();
    Row { key, cells, hashes }
}

fn rows_of(towns: &[&Town]) -> (Vec<Row>, Vec<Row>) {
    let mut problems: Vec<(&Town, &Problem)> = towns
        .iter()
        .flat_map(|t| t.problems.iter().map(move |p| (*t, p)))
        .collect();
    problems.sort_by(|a, b| a.1.id.cmp(&b.1.id).then_with(|| a.0.id.cmp(&b.0.id)));
    let problems = problems
        .into_iter()
        .map(|(t, p)| row(p.id.clone(), &PROBLEM_COLUMNS, |f| problem_value(t, p, f)))
        .collect();
    let tasks = towns
        .iter()
        .flat_map(|t| {
            t.tasks.iter().enumerate().map(move |(i, task)| {
                row(task_key(&t.id, i + 1), &TASK_COLUMNS, |f| {
                    task_value(t, i + 1, task, f)
                })
            })
        })
        .collect();
    (problems, tasks)
}

/// The workbooks the content calls for: the city's (every town) first, then one per town, in
/// town order.
pub fn sheets(content: &Content) -> Vec<Sheets> {
    let city = &content.city;
    let organ = super::organ(content, &city.leading_group.office_organ).0;
    let make = |town: Option<&Town>| {
        let towns: Vec<&Town> = match town {
            Some(t) => vec![t],
            None => content.towns.iter().collect(),
        };
        let (problems, tasks) = rows_of(&towns);
        let name = town.map_or(city.name.clone(), |t| t.name.clone());
        Sheets {
            town: town.map(|t| (t.id.clone(), t.name.clone())),
            file_name: format!("{name}.xlsx"),
            title: format!("{name}专业镇建设填报表"),
            city: city.name.clone(),
            organ: organ.clone(),
            date: city.document_date,
            year: i32::from(city.plan_year),
            town_names: towns.iter().map(|t| t.name.clone()).collect(),
            problems,
            tasks,
        }
    };
    std::iter::once(make(None))
        .chain(content.towns.iter().map(|t| make(Some(t))))
        .collect()
}

//! Plan stage, what follows an issued supervision notice (督办通知书 in `register.yaml`), judged
//! as of `--as-of` (default: the document date): a reminder (催办通知) once the notice's deadline
//! has passed with no written report received, and a circular (通报, to all towns and the members
//! of the leading group) once an issued reminder's deadline has passed and the town is still not
//! rectified. Nothing is planned before it is due; an issued follow-up is planned again only to
//! be kept as issued. The town's report and rectifications are data in its own file
//! (`supervision_reports`): it is the town's answer, beside its problem ledger. What a follow-up
//! lists is what the notice itself asked to be rectified — its overdue tasks and its open
//! problems, as the notice planned from the same data printed them — of which those not done
//! (a task not 已完成, a problem not closed on the follow-up's date) are still open.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::{Value, json};

use super::assessment::{add_days, is_draft, task_json};
use super::ledger::problem_json;
use super::{Doc, Number, date_json, draft_wenhao, organ, title_lines, wenhao};
use crate::model::cycle::SupervisionReport;
use crate::model::{Assessment, Content, Date, IssuedDoc, ProblemStatus, TaskStatus, Town};

/// The serials follow-ups take: free ones of their organ and year from the supervision notices'
/// `first_serial` on, skipping what the register and the other planned documents hold.
struct Free {
    taken: BTreeSet<(String, u16, u32)>,
    first: u32,
}

impl Free {
    fn new(content: &Content, first: u32, docs: &[Doc]) -> Self {
        let issued = content.register.iter().flat_map(|r| &r.issued);
        let taken = issued
            .map(|e| (e.organ.clone(), e.year, e.serial))
            .chain(
                docs.iter()
                    .filter_map(|d| d.number.as_ref())
                    .map(|n| (n.organ.clone(), n.year, n.serial)),
            )
            .collect();
        Self { taken, first }
    }

    fn next(&mut self, organ: &str, year: u16) -> u32 {
        let mut serial = self.first;
        while self.taken.contains(&(organ.to_owned(), year, serial)) {
            serial += 1;
        }
        self.taken.insert((organ.to_owned(), year, serial));
        serial
    }
}

/// One issued supervision notice and where its follow-ups stand.
struct Case<'a> {
    town: &'a Town,
    notice: &'a IssuedDoc,
    /// As printed, e.g. `永专领办发〔2025〕20号`.
    wenhao: String,
    deadline: Date,
    /// The town's written report, when received by the as-of day.
    report: Option<&'a SupervisionReport>,
    /// What the notice asked to be rectified: the town's tasks and problems it listed (indices).
    tasks: Vec<usize>,
    problems: Vec<usize>,
    /// `2025/towns/kaizhang/`.
    folder: String,
}

/// Reminders and circulars due (or issued) as of the content's as-of day.
pub(super) fn documents(
    content: &Content,
    assessment: &Assessment,
    inputs: &[PathBuf],
    issuing: &BTreeSet<String>,
    docs: &[Doc],
) -> Vec<Doc> {
    let as_of = content.as_of.unwrap_or(content.city.document_date);
    let mut free = Free::new(content, assessment.supervision.first_serial, docs);
    let mut out = Vec::new();
    for case in cases(content, assessment, as_of, docs) {
        let reminder_path = format!("{}reminder.pdf", case.folder);
        let reminder_issued = issued(content, &reminder_path);
        let due = as_of > case.deadline && case.report.is_none();
        let Some(r) = &assessment.reminder else {
            continue;
        };
        if due || reminder_issued.is_some() {
            let f = FollowUp::new(content, &reminder_path, &r.organ, as_of, issuing);
            let serial =
                reminder_issued.map_or_else(|| free.next(&r.organ, f.date.year), |e| e.serial);
            let new_deadline = add_days(f.date, r.deadline_days);
            let mut doc = f.reminder(&case, r, new_deadline, serial, inputs);
            doc.due = due.then(|| {
                format!(
                    "{}：督办通知书{}的整改期限{}已过，未收到书面报告 → 催办通知 {}",
                    case.town.name,
                    case.wenhao,
                    case.deadline.to_chinese(),
                    reminder_path
                )
            });
            out.push(doc);
        }
        let (Some(c), Some(reminded)) = (&assessment.circular, reminder_issued) else {
            continue;
        };
        let reminder_deadline = add_days(reminded.date, r.deadline_days);
        let open = Open::of(&case, as_of);
        let circular_path = format!("{}circular.pdf", case.folder);
        let circular_issued = issued(content, &circular_path);
        let due = as_of > reminder_deadline && (case.report.is_none() || !open.is_none());
        if due || circular_issued.is_some() {
            let f = FollowUp::new(content, &circular_path, &c.organ, as_of, issuing);
            let serial =
                circular_issued.map_or_else(|| free.next(&c.organ, f.date.year), |e| e.serial);
            let reminder = Reminded {
                entry: reminded,
                wenhao: wenhao(
                    &organ(content, &reminded.organ).1,
                    reminded.year,
                    reminded.serial,
                ),
                deadline: reminder_deadline,
            };
            let mut doc = f.circular(&case, c, &reminder, serial, inputs);
            doc.due = due.then(|| {
                format!(
                    "{}：催办通知{}的期限{}已过，仍未整改到位 → 通报 {}",
                    case.town.name,
                    reminder.wenhao,
                    reminder_deadline.to_chinese(),
                    circular_path
                )
            });
            out.push(doc);
        }
    }
    out
}

/// The register's entry for `path`.
fn issued<'a>(content: &'a Content, path: &str) -> Option<&'a IssuedDoc> {
    content.register.as_ref().and_then(|r| r.entry(path))
}

/// Every issued supervision notice of a town in the content, with its deadline, report and what
/// it listed (`docs`: the documents planned so far, the notices among them).
fn cases<'a>(
    content: &'a Content,
    assessment: &Assessment,
    as_of: Date,
    docs: &[Doc],
) -> Vec<Case<'a>> {
    let sup = &assessment.supervision;
    let issued = content.register.iter().flat_map(|r| &r.issued);
    issued
        .filter(|e| e.kind == "supervision-notice")
        .filter_map(|e| {
            let town = content
                .towns
                .iter()
                .find(|t| Some(&t.id) == e.town.as_ref())?;
            let wenhao = wenhao(&organ(content, &e.organ).1, e.year, e.serial);
            let deadline = sup
                .deadline
                .unwrap_or_else(|| add_days(e.date, sup.deadline_days.unwrap_or(30)));
            let report = town
                .supervision_reports
                .iter()
                .find(|r| r.notice == wenhao && r.received <= as_of);
            let folder = e
                .path
                .rsplit_once('/')
                .map_or(String::new(), |(f, _)| format!("{f}/"));
            let planned = docs.iter().find(|d| d.path == e.path);
            let (tasks, problems) = match planned {
                Some(notice) => listed(town, &notice.context.value()),
                None => on_the_day(town, e.date),
            };
            Some(Case {
                town,
                notice: e,
                wenhao,
                deadline,
                report,
                tasks,
                problems,
                folder,
            })
        })
        .collect()
}

/// The tasks and problems a planned supervision notice lists (its context's `overdue` titles
/// and `open` ledger numbers), as indices into the town's own lists.
fn listed(town: &Town, notice: &Value) -> (Vec<usize>, Vec<usize>) {
    let named = |list: &str, key: &str| -> Vec<String> {
        notice["doc"][list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v[key].as_str().map(str::to_owned))
            .collect()
    };
    let titles = named("overdue", "title");
    let ids = named("open", "id");
    let tasks = (0..town.tasks.len())
        .filter(|&k| titles.contains(&town.tasks[k].title))
        .collect();
    let problems = (0..town.problems.len())
        .filter(|&k| ids.contains(&town.problems[k].id))
        .collect();
    (tasks, problems)
}

/// What a notice no longer planned (its town no longer selected) had to list: the tasks overdue
/// and the problems open on its date.
fn on_the_day(town: &Town, date: Date) -> (Vec<usize>, Vec<usize>) {
    let tasks = (0..town.tasks.len())
        .filter(|&k| {
            let t = &town.tasks[k];
            t.status != TaskStatus::Done && t.deadline < date
        })
        .collect();
    let problems = (0..town.problems.len())
        .filter(|&k| {
            let p = &town.problems[k];
            p.found <= date && town.problem_state(k, date).status != ProblemStatus::Fixed
        })
        .collect();
    (tasks, problems)
}

/// What the notice listed that is still open on a day: its tasks not 已完成, its problems not
/// closed by then.
struct Open {
    tasks: Vec<Value>,
    problems: Vec<Value>,
}

impl Open {
    fn of(case: &Case, as_of: Date) -> Self {
        let t = case.town;
        let tasks = case.tasks.iter().map(|&k| &t.tasks[k]);
        let problems = case.problems.iter().copied();
        Self {
            tasks: tasks
                .filter(|task| task.status != TaskStatus::Done)
                .map(task_json)
                .collect(),
            problems: problems
                .filter(|&k| t.problem_state(k, as_of).status != ProblemStatus::Fixed)
                .map(|k| problem_json(t, k, as_of))
                .collect(),
        }
    }

    fn is_none(&self) -> bool {
        self.tasks.is_empty() && self.problems.is_empty()
    }

    /// Into a follow-up's context: `open` (problems, as before) and `tasks`.
    fn into_context(self, doc: &mut Value) {
        doc["tasks"] = json!(self.tasks);
        doc["open"] = json!(self.problems);
    }
}

/// The reminder a circular cites.
struct Reminded<'a> {
    entry: &'a IssuedDoc,
    wenhao: String,
    deadline: Date,
}

/// What a reminder and a circular share: the organ, date and 文号 of the follow-up.
struct FollowUp<'a> {
    content: &'a Content,
    path: String,
    organ_id: String,
    organ_name: String,
    prefix: String,
    /// Its 成文日期: the register's once issued, else the as-of day.
    date: Date,
    draft: bool,
}

impl<'a> FollowUp<'a> {
    fn new(
        content: &'a Content,
        path: &str,
        organ_id: &str,
        as_of: Date,
        issuing: &BTreeSet<String>,
    ) -> Self {
        let (organ_name, prefix) = organ(content, organ_id);
        let date = issued(content, path).map_or(as_of, |e| e.date);
        Self {
            content,
            path: path.to_owned(),
            organ_id: organ_id.to_owned(),
            organ_name,
            prefix,
            date,
            draft: is_draft(content, issuing, path),
        }
    }

    fn number(&self, serial: u32) -> Number {
        Number {
            organ: self.organ_id.clone(),
            year: self.date.year,
            serial,
            text: wenhao(&self.prefix, self.date.year, serial),
            fixed_at: None,
        }
    }

    /// The 文号 as printed: the serial left blank on a draft.
    fn printed(&self, serial: u32) -> String {
        if self.draft {
            draft_wenhao(&self.prefix, self.date.year)
        } else {
            wenhao(&self.prefix, self.date.year, serial)
        }
    }

    /// What both documents say of the notice and the town, as of the follow-up's own date (the
    /// as-of day for a draft, its date once issued: an issued one never changes).
    fn common(&self, case: &Case, title: &str, serial: u32) -> Value {
        let as_of = self.date;
        let t = case.town;
        let (notice_organ, _) = organ(self.content, &case.notice.organ);
        json!({
            "title": title,
            "title_lines": title_lines(title),
            "organ": self.organ_name,
            "wenhao": self.printed(serial),
            "date": date_json(self.date),
            "as_of": date_json(as_of),
            "town": {"name": t.name, "kind": t.kind.chinese(), "government": t.government_name()},
            "notice": {
                "title": case.notice.title,
                "wenhao": case.wenhao,
                "organ": notice_organ,
                "date": date_json(case.notice.date),
                "deadline": date_json(case.deadline),
            },
            "report": case.report.map(|r| date_json(r.received)),
            "group": self.content.city.leading_group.short,
        })
    }

    /// 催办通知.
    fn reminder(
        &self,
        case: &Case,
        r: &crate::model::cycle::ReminderIssue,
        new_deadline: Date,
        serial: u32,
        inputs: &[PathBuf],
    ) -> Doc {
        let t = case.town;
        let title = format!(
            "{}关于{}专业镇建设督办事项的催办通知",
            self.organ_name, t.name
        );
        let mut doc = self.common(case, &title, serial);
        doc["new_deadline"] = date_json(new_deadline);
        doc["cc"] = json!(r.cc);
        doc["report_to"] = json!(report_to(self.content));
        Open::of(case, self.date).into_context(&mut doc);
        let year = self.year();
        Doc::new(
            "reminder",
            Some(t.id.clone()),
            year,
            self.path.clone(),
            "reminder.typ.j2",
            json!({"city": self.content.city, "doc": doc}),
            self.date,
            inputs,
        )
        .numbered(self.number(serial))
    }

    /// 通报.
    fn circular(
        &self,
        case: &Case,
        c: &crate::model::cycle::CircularIssue,
        reminder: &Reminded,
        serial: u32,
        inputs: &[PathBuf],
    ) -> Doc {
        let t = case.town;
        let title = format!(
            "{}关于{}专业镇建设督办事项整改不力情况的通报",
            self.organ_name, t.name
        );
        let mut doc = self.common(case, &title, serial);
        doc["recipients"] = json!(c.recipients);
        doc["cc"] = json!(c.cc);
        doc["report_to"] = json!(report_to(self.content));
        doc["reminder"] = json!({
            "wenhao": reminder.wenhao,
            "date": date_json(reminder.entry.date),
            "deadline": date_json(reminder.deadline),
        });
        Open::of(case, self.date).into_context(&mut doc);
        Doc::new(
            "circular",
            Some(t.id.clone()),
            self.year(),
            self.path.clone(),
            "circular.typ.j2",
            json!({"city": self.content.city, "doc": doc}),
            self.date,
            inputs,
        )
        .numbered(self.number(serial))
    }

    /// The year folder of the path (`2025/towns/…`).
    fn year(&self) -> i32 {
        self.path
            .split('/')
            .next()
            .and_then(|y| y.parse().ok())
            .unwrap_or(i32::from(self.date.year))
    }
}

/// Where written reports go (the supervision notices' `report_to`).
fn report_to(content: &Content) -> String {
    content
        .assessment
        .as_ref()
        .map(|a| a.supervision.report_to.clone())
        .unwrap_or_default()
}

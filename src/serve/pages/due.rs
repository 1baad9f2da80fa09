//! Serve, 待办: what is due as of the document date (or `?as_of=YYYY-MM-DD`): the tasks and
//! problems past their deadline (as the assess stage counts them overdue) or due within 30 days,
//! and the supervision notices whose rectification deadline has passed, grouped and dated.

use minijinja::context;
use serde::Serialize;

use super::Pages;
use crate::model::{Date, ProblemStatus, TaskStatus};
use crate::serve::http::Reply;
use crate::serve::view::{as_of, title_of};

/// How far ahead a deadline counts as coming due.
const AHEAD_DAYS: u32 = 30;

/// One thing due.
#[derive(Serialize)]
struct Item {
    town: String,
    town_id: String,
    what: String,
    deadline: String,
    iso: String,
    /// `overdue` or `soon`.
    class: &'static str,
    note: String,
}

impl Pages<'_> {
    /// `/due`.
    pub fn due(&self) -> Reply {
        let snapshot = self.state.snapshot();
        let content = &snapshot.view.content;
        let (when, bad_date) = match self.asked.query("as_of").filter(|s| !s.is_empty()) {
            Some(text) => match Date::parse(text) {
                Ok(date) => (date, None),
                Err(_) => (as_of(content), Some(text.to_owned())),
            },
            None => (as_of(content), None),
        };
        let soon = crate::plan::add_days(when, AHEAD_DAYS);
        let scored = content
            .assessment
            .as_ref()
            .map(|a| crate::assess::score(&content.towns, a, when))
            .unwrap_or_default();
        let (mut tasks, mut problems) = (Vec::new(), Vec::new());
        for town in &content.towns {
            let s = scored.iter().find(|s| s.town == town.id);
            for (i, t) in town.tasks.iter().enumerate() {
                let overdue = s.is_some_and(|s| s.overdue_tasks.contains(&i));
                if overdue || (t.status != TaskStatus::Done && t.deadline <= soon) {
                    let note = format!(
                        "{}，进度{}",
                        crate::plan::sheets::task_status(t.status),
                        t.progress
                    );
                    tasks.push(item(town, &t.title, t.deadline, overdue, note));
                }
            }
            for (i, p) in town.problems.iter().enumerate() {
                let overdue = s.is_some_and(|s| s.overdue_problems.contains(&i));
                if overdue || (p.status != ProblemStatus::Fixed && p.deadline <= soon) {
                    let what = format!("{} {}", p.id, p.description);
                    let note = crate::plan::sheets::problem_status(p.status).to_owned();
                    problems.push(item(town, &what, p.deadline, overdue, note));
                }
            }
        }
        let notices = self.notices_due(&snapshot, when);
        for list in [&mut tasks, &mut problems] {
            list.sort_by(|a, b| {
                (a.class != "overdue", &a.iso).cmp(&(b.class != "overdue", &b.iso))
            });
        }
        self.render(
            &snapshot,
            "due.html",
            context! {
                as_of => when.to_chinese(), as_of_iso => when.to_string(), bad_date => bad_date,
                tasks => tasks, problems => problems, notices => notices, page => "due",
                ahead => AHEAD_DAYS,
            },
        )
    }

    /// Supervision notices whose rectification deadline (the plan's, in the notice) has passed.
    fn notices_due(&self, snapshot: &crate::serve::state::Snapshot, when: Date) -> Vec<Item> {
        let content = &snapshot.view.content;
        let mut out = Vec::new();
        for doc in snapshot
            .view
            .docs
            .iter()
            .filter(|d| d.kind == "supervision-notice")
        {
            let context = doc.context.value();
            let Some(deadline) = context["doc"]["deadline"]["iso"]
                .as_str()
                .and_then(|s| Date::parse(s).ok())
            else {
                continue;
            };
            let Some(town) = content
                .towns
                .iter()
                .find(|t| Some(&t.id) == doc.town.as_ref())
            else {
                continue;
            };
            if deadline < when {
                let note = match &doc.issued {
                    Some(issued) => format!("{} 已印发", issued.wenhao),
                    None => "草稿，尚未印发".to_owned(),
                };
                out.push(item(town, &title_of(doc), deadline, true, note));
            }
        }
        out
    }
}

fn item(
    town: &crate::model::Town,
    what: &str,
    deadline: Date,
    overdue: bool,
    note: String,
) -> Item {
    Item {
        town: town.name.clone(),
        town_id: town.id.clone(),
        what: what.to_owned(),
        deadline: deadline.to_chinese(),
        iso: deadline.to_string(),
        class: if overdue { "overdue" } else { "soon" },
        note,
    }
}

//! Rules across towns: one file per town name, ledger problem ids unique city-wide, and an
//! enterprise counted for two towns.

use std::collections::HashMap;

use super::At;
use crate::diag::{Diagnostic, Severity};
use crate::model::{Content, Town};

/// What the towns seen so far have used, each with the first town that used it.
#[derive(Default)]
struct Seen<'a> {
    names: HashMap<&'a str, &'a Town>,
    problems: HashMap<&'a str, (&'a Town, usize)>,
    codes: HashMap<&'a str, &'a Town>,
}

/// Runs the rules across towns, town by town in content order.
pub(super) fn across_towns(content: &Content, out: &mut Vec<Diagnostic>) {
    let mut seen = Seen::default();
    for town in &content.towns {
        let at = At {
            content,
            rel: &town.file,
        };
        seen.name(&at, town, out);
        seen.problem_ids(&at, town, out);
        seen.enterprises(&at, town, out);
    }
}

impl<'a> Seen<'a> {
    /// A town name used by an earlier file.
    fn name(&mut self, at: &At, town: &'a Town, out: &mut Vec<Diagnostic>) {
        if let Some(first) = self.names.insert(&town.name, town) {
            out.push(at.finding(
                Severity::Error,
                "name",
                "town.duplicate-name",
                format!(
                    "镇（街道）名称“{}”重复：{} 中已使用",
                    town.name,
                    at.content.display_path(&first.file).display()
                ),
                "每个镇（街道）只有一个文件".into(),
            ));
            self.names.insert(&first.name, first);
        }
    }

    /// A problem id used earlier, in this town or another.
    fn problem_ids(&mut self, at: &At, town: &'a Town, out: &mut Vec<Diagnostic>) {
        for (i, p) in town.problems.iter().enumerate() {
            if let Some((first, j)) = self.problems.get(p.id.as_str()) {
                out.push(at.finding(
                    Severity::Error,
                    &format!("problems[{i}].id"),
                    "problem.duplicate-id",
                    format!(
                        "问题编号 {} 重复：{} 的 problems[{j}] 已使用",
                        p.id,
                        at.content.display_path(&first.file).display()
                    ),
                    "台账编号全市唯一；改用下一个序号".into(),
                ));
            } else {
                self.problems.insert(&p.id, (town, i));
            }
        }
    }

    /// An enterprise (by credit code) already listed by another town.
    fn enterprises(&mut self, at: &At, town: &'a Town, out: &mut Vec<Diagnostic>) {
        let mut mine: Vec<(&str, String)> = Vec::new();
        for (i, e) in town.enterprises.leading.iter().enumerate() {
            mine.push((
                e.credit_code.as_str(),
                format!("enterprises.leading[{i}].credit_code"),
            ));
        }
        for (i, e) in town.enterprises.supporting.iter().enumerate() {
            mine.push((
                e.credit_code.as_str(),
                format!("enterprises.supporting[{i}].credit_code"),
            ));
        }
        for (code, field) in mine {
            match self.codes.get(code) {
                Some(first) if first.id != town.id => out.push(at.finding(
                    Severity::Warning,
                    &field,
                    "town.shared-enterprise",
                    format!(
                        "统一社会信用代码 {code} 的企业也列在{}（{}）",
                        first.name,
                        at.content.display_path(&first.file).display()
                    ),
                    "同一企业一般只计入一个专业镇；如确属两地，在申报书中说明".into(),
                )),
                Some(_) => {}
                None => {
                    self.codes.insert(code, town);
                }
            }
        }
    }
}

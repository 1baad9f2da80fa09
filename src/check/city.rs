//! `city.yaml` and `plan.yaml`: department names unique, organs and units that exist, 文号
//! prefixes, the document date inside the plan year, plan tasks numbered 1, 2, 3….

use std::collections::HashMap;
use std::path::Path;

use super::At;
use super::units::{TownNames, check_unit};
use crate::diag::{Diagnostic, Severity};
use crate::model::de::did_you_mean;
use crate::model::{Content, OutputFormat};

/// The rules of `city.yaml` (none when it did not load: its own findings say why).
pub(super) fn city(content: &Content, towns: &TownNames, out: &mut Vec<Diagnostic>) {
    let rel = Path::new("city.yaml");
    if !content.trees.contains_key(rel) {
        return;
    }
    let at = At { content, rel };
    duplicate_departments(&at, out);
    organ_references(&at, out);
    let city = &content.city;
    check_unit(
        content,
        towns,
        &at,
        "leading_group.office_at",
        &city.leading_group.office_at,
        out,
    );
    organs(towns, &at, out);
    formats(&at, out);
    if city.document_date.year != city.plan_year {
        out.push(at.finding(
            Severity::Warning,
            "document_date",
            "city.document-date",
            format!(
                "成文日期 {} 不在计划年度 {} 内",
                city.document_date, city.plan_year
            ),
            "核对 plan_year 和 document_date".into(),
        ));
    }
}

/// `formats` lists `pdf` (the document itself is always a PDF), each format once.
fn formats(at: &At, out: &mut Vec<Diagnostic>) {
    let formats = &at.content.city.formats;
    if !formats.contains(&OutputFormat::Pdf) {
        out.push(at.finding(
            Severity::Error,
            "formats",
            "city.formats",
            "formats 必须包含 pdf：每份文件都以 PDF 为准，其他格式写在 PDF 旁".into(),
            "写成 formats: [pdf] 或 formats: [pdf, ofd]".into(),
        ));
    }
    for (i, f) in formats.iter().enumerate() {
        if formats[..i].contains(f) {
            out.push(at.finding(
                Severity::Warning,
                &format!("formats[{i}]"),
                "city.formats",
                format!("输出格式 {} 重复", f.name()),
                "删去重复的一项".into(),
            ));
        }
    }
}

/// Every full and short department name points to one department.
fn duplicate_departments(at: &At, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, d) in at.content.city.departments.iter().enumerate() {
        for (j, n) in std::iter::once(&d.name).chain(d.short.iter()).enumerate() {
            if let Some(first) = seen.insert(n.as_str(), i)
                && first != i
            {
                let field = if j == 0 {
                    format!("departments[{i}].name")
                } else {
                    format!("departments[{i}].short[{}]", j - 1)
                };
                out.push(at.finding(
                    Severity::Error,
                    &field,
                    "city.duplicate-department",
                    format!("单位名称 `{n}` 重复（departments[{first}] 已使用）"),
                    "每个全称和简称只能指向一个单位".into(),
                ));
            }
        }
    }
}

/// The leading group's office and every signer name an organ of `organs`.
fn organ_references(at: &At, out: &mut Vec<Diagnostic>) {
    let city = &at.content.city;
    let organ_ids: Vec<&str> = city.organs.iter().map(|o| o.id.as_str()).collect();
    let check_organ = |field: &str, id: &str, out: &mut Vec<Diagnostic>| {
        if !organ_ids.contains(&id) {
            let guess = did_you_mean(id, organ_ids.iter().copied())
                .map(|g| format!("是否想写 `{g}`？"))
                .unwrap_or_default();
            out.push(at.finding(
                Severity::Error,
                field,
                "ref.unknown-organ",
                format!("不认识的发文机关 `{id}`：organs 中没有这个 id"),
                format!("{guess}可用：{}", organ_ids.join("、")),
            ));
        }
    };
    check_organ(
        "leading_group.office_organ",
        &city.leading_group.office_organ,
        out,
    );
    for (i, s) in city.signers.iter().enumerate() {
        check_organ(&format!("signers[{i}].organ"), &s.organ, out);
    }
}

/// Each organ: where it sits is a known unit, and its 文号 prefix holds only the agency code.
fn organs(towns: &TownNames, at: &At, out: &mut Vec<Diagnostic>) {
    let content = at.content;
    for (i, o) in content.city.organs.iter().enumerate() {
        if let Some(u) = &o.located_at {
            check_unit(
                content,
                towns,
                at,
                &format!("organs[{i}].located_at"),
                u,
                out,
            );
        }
        if o.prefix.trim().is_empty() || o.prefix.contains(['〔', '〕', '号']) {
            out.push(at.finding(
                Severity::Error,
                &format!("organs[{i}].prefix"),
                "city.prefix",
                format!("文号前缀 `{}` 应只含机关代字", o.prefix),
                "如 `永政办发`；年份〔2025〕和序号由程序生成".into(),
            ));
        }
    }
}

/// The rules of `plan.yaml` (they need `city.yaml` too, for the units).
pub(super) fn plan(content: &Content, towns: &TownNames, out: &mut Vec<Diagnostic>) {
    let rel = Path::new("plan.yaml");
    if !content.trees.contains_key(rel) || !content.trees.contains_key(Path::new("city.yaml")) {
        return;
    }
    let at = At { content, rel };
    let mut expected = 1;
    for (h, heading) in content.plan.headings.iter().enumerate() {
        for (t, task) in heading.tasks.iter().enumerate() {
            let base = format!("headings[{h}].tasks[{t}]");
            if task.number != expected {
                out.push(at.finding(
                    Severity::Error,
                    &format!("{base}.number"),
                    "plan.task-number",
                    format!("任务序号应为 {expected}，实际是 {}", task.number),
                    "重点任务按 1、2、3… 连续编号".into(),
                ));
            }
            expected = task.number + 1;
            for (i, u) in task.lead.iter().enumerate() {
                check_unit(content, towns, &at, &format!("{base}.lead[{i}]"), u, out);
            }
            for (i, u) in task.responsible.iter().enumerate() {
                check_unit(
                    content,
                    towns,
                    &at,
                    &format!("{base}.responsible[{i}]"),
                    u,
                    out,
                );
            }
        }
    }
}

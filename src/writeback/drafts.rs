//! Returned Word drafts (征求意见稿) into YAML edits: each field whose text came back changed is
//! compared three ways — the returned text, the YAML now, and the hash of the value the draft was
//! made from — into an edit or a conflict (never an overwrite); copies of one draft from several
//! departments merge, and two that change the same field differently are a conflict naming both.
//! Changes outside the fields (template wording) and comments are listed, for the office and
//! the 意见采纳情况汇总表, not applied.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::draft::{Mark, Occurrence, Returned};
use super::yamledit;
use crate::diag::Diagnostic;
use crate::model::yaml;
use crate::model::{Content, Date};
use crate::plan::sheets::value_hash;

/// What an item of the returned drafts is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A field's new value (adopted when it goes into the YAML).
    Field,
    /// A tracked change outside the fields: template wording, for the office to decide.
    Template,
    Comment,
}

/// One item of the drafts: a row of the 意见采纳情况汇总表.
#[derive(Debug, Clone)]
pub struct Item {
    pub kind: ItemKind,
    /// 提出单位/人: the revision's or comment's author.
    pub who: String,
    pub date: String,
    /// The returned file.
    pub draft: String,
    /// The document it is about (`2025/towns/kaizhang/action-plan.docx`).
    pub doc: String,
    /// 位置: document, paragraph, field.
    pub place: String,
    /// 原文.
    pub original: String,
    /// 修改意见/批注.
    pub proposal: String,
    pub adopted: bool,
    /// The YAML file and line of a field.
    pub source: Option<(PathBuf, usize)>,
}

/// One field's proposed new value, from one draft.
#[derive(Debug, Clone)]
struct Proposal {
    tag: String,
    alias: String,
    old: String,
    new: String,
    hash: String,
    who: Mark,
    draft: String,
    doc: String,
    paragraph: usize,
}

/// A field edit to make: the file, the path, the YAML text, and where it came from.
#[derive(Debug, Clone)]
pub struct FieldEdit {
    pub rel: PathBuf,
    pub path: String,
    pub value: String,
    pub line: usize,
    /// `开张镇计划.docx!牵头单位（tasks[0].lead）`, for findings.
    pub at: String,
}

/// Everything the drafts ask for.
#[derive(Debug, Default)]
pub struct DraftChanges {
    pub edits: Vec<FieldEdit>,
    pub items: Vec<Item>,
    pub findings: Vec<Diagnostic>,
    /// Each document's title (from the drafts' properties), by its draft path.
    pub titles: BTreeMap<String, String>,
}

/// What the content makes now, for telling an older draft: each planned document's data hash
/// by its path (`….pdf`), and whether older drafts are merged field by field anyway.
#[derive(Debug, Default)]
pub struct Current {
    pub data: BTreeMap<String, String>,
    pub merge_older: bool,
}

/// The YAML files read so far (`None`: unreadable), by path relative to the content folder.
type Cache = BTreeMap<PathBuf, Option<String>>;

fn at_field(draft: &str, alias: &str, path: &str) -> PathBuf {
    PathBuf::from(format!("{draft}!{alias}（{path}）"))
}

/// An error about a draft as a whole, or at one of its fields.
fn error(at: PathBuf, rule: &str, message: String, hint: &str) -> Diagnostic {
    Diagnostic::error(at, 0, 0, rule, message).with_hint(hint)
}

/// The drafts' changes against the content (`root`: the content folder).
pub fn changes(content: &Content, root: &Path, drafts: &[Returned], now: &Current) -> DraftChanges {
    let mut out = DraftChanges::default();
    let mut cache = Cache::new();
    let mut merged: BTreeMap<String, Proposal> = BTreeMap::new();
    for draft in drafts {
        if let Err(d) = identity(content, root, draft, now, &mut cache) {
            out.findings.push(*d);
            continue;
        }
        out.titles
            .insert(draft.identity.doc.clone(), draft.title.clone());
        for p in proposals(draft, &mut out) {
            match merged.get(&p.tag) {
                Some(q) if q.new != p.new => out.findings.push(conflict(q, &p)),
                Some(_) => {}
                None => {
                    merged.insert(p.tag.clone(), p);
                }
            }
        }
        outside_items(draft, &mut out.items);
    }
    for p in merged.values() {
        match edit(root, p, &mut cache) {
            Ok(e) => {
                out.items.push(field_item(p, &e));
                out.edits.push(e);
            }
            Err(d) => out.findings.push(*d),
        }
    }
    out
}

/// Two drafts changing one field differently.
fn conflict(q: &Proposal, p: &Proposal) -> Diagnostic {
    let at = at_field(&p.draft, &p.alias, tag_path(&p.tag));
    let message = format!(
        "冲突：{}（{}）把{}改为「{}」，{}（{}）改为「{}」",
        q.draft,
        who(&q.who),
        p.alias,
        q.new,
        p.draft,
        who(&p.who),
        p.new
    );
    let hint = "与两个单位商定一个写法，把其中一份改成一致（或直接改 YAML）后再导入";
    error(at, "import.conflict", message, hint)
}

/// The item of a field edit.
fn field_item(p: &Proposal, e: &FieldEdit) -> Item {
    Item {
        kind: ItemKind::Field,
        who: who(&p.who),
        date: p.who.date.clone(),
        draft: p.draft.clone(),
        doc: p.doc.clone(),
        place: format!("第 {} 段，字段 {}", p.paragraph, p.alias),
        original: p.old.clone(),
        proposal: p.new.clone(),
        adopted: true,
        source: Some((e.rel.clone(), e.line)),
    }
}

fn who(mark: &Mark) -> String {
    if mark.author.is_empty() {
        "未署名".to_owned()
    } else {
        mark.author.clone()
    }
}

/// The draft must be one the content makes now: its year the plan's, its town there, its
/// document planned, and the data it shows what the content makes now (else it is an older
/// export, refused unless `--merge-older`).
fn identity(
    content: &Content,
    root: &Path,
    draft: &Returned,
    now: &Current,
    cache: &mut Cache,
) -> Result<(), Box<Diagnostic>> {
    let id = &draft.identity;
    let at = PathBuf::from(&draft.name);
    let other = |message: String, hint: &str| {
        Err(Box::new(error(
            at.clone(),
            "import.other-draft",
            message,
            hint,
        )))
    };
    let year = i32::from(content.city.plan_year);
    if id.year != year {
        return other(
            format!(
                "{} 是 {} 年的稿子（{}），内容目录是 {year} 年的",
                draft.name, id.year, id.doc
            ),
            "导入本年度用 zyz build --formats docx 生成的稿子",
        );
    }
    if let Some(town) = &id.town
        && !content.towns.iter().any(|t| &t.id == town)
    {
        return other(
            format!(
                "{} 是镇 `{town}` 的稿子（{}），内容目录中没有这个镇",
                draft.name, id.doc
            ),
            "检查 --content 是否指向生成稿子时的内容目录",
        );
    }
    let pdf = Path::new(&id.doc).with_extension("pdf");
    let Some(data) = now.data.get(&*pdf.to_string_lossy()) else {
        return other(
            format!(
                "{} 是 {} 的稿子，按现在的内容目录不再生成这份文件",
                draft.name, id.doc
            ),
            "检查 --content 是否指向生成稿子时的内容目录",
        );
    };
    if *data == id.data || now.merge_older {
        return Ok(());
    }
    older(root, draft, cache).map_err(Box::new)
}

/// A draft made from content that has changed since: refused (when it was made, what changed
/// since, the way forward) unless every change since is one the draft itself asks for — the
/// same draft imported again, its edits in the YAML already (what is outside the fields is not
/// known then; the edits still go through the per-field conflict check).
fn older(root: &Path, draft: &Returned, cache: &mut Cache) -> Result<(), Diagnostic> {
    let id = &draft.identity;
    let asked = asked(draft);
    let mut seen = std::collections::BTreeSet::new();
    let (mut changed, mut own) = (Vec::new(), 0);
    for e in draft.exported.values() {
        if !seen.insert(e.tag.as_str()) {
            continue;
        }
        let path = tag_path(&e.tag);
        match current(root, &e.tag, cache) {
            Some((value, _)) if value_hash(&e.tag, &value) == e.hash => {}
            Some((value, _))
                if asked
                    .get(e.tag.as_str())
                    .is_some_and(|new| yaml_value(&value, &e.shown, new) == value) =>
            {
                own += 1
            }
            Some((value, _)) => {
                changed.push(format!("{}（{path}）「{}」→「{value}」", e.alias, e.shown))
            }
            None => changed.push(format!("{}（{path}）已删去", e.alias)),
        }
    }
    if changed.is_empty() && own > 0 {
        return Ok(());
    }
    let made = match Date::parse(&id.made) {
        Ok(d) => format!("{}导出的", d.to_chinese()),
        Err(_) => "较早导出的".to_owned(),
    };
    let what = match changed.len() {
        0 => "稿子字段以外的内容已改动（如任务的增删、名称、日期或其他文件）".to_owned(),
        n if n <= 3 => format!("导出后 YAML 已改动：{}", changed.join("；")),
        n => format!("导出后 YAML 已改动 {n} 处：{} 等", changed[..3].join("；")),
    };
    Err(error(
        PathBuf::from(&draft.name),
        "import.older-draft",
        format!(
            "{} 是{made}旧稿（{}），与现在的内容不一致：{what}",
            draft.name, id.doc
        ),
        "用 zyz build --formats docx 重新生成这份稿子、再发给提出意见的单位；若这份意见仍须照收（例如同一稿子的另一份已先导入），加 --merge-older 逐字段合并：导出后在 YAML 中改过的字段列为冲突，不会覆盖",
    ))
}

/// The exported field an occurrence is of: by its bookmark's number, else by its tag.
fn exported_of<'d>(draft: &'d Returned, o: &Occurrence) -> Option<&'d super::draft::Exported> {
    o.number.and_then(|n| draft.exported.get(&n)).or_else(|| {
        let tag = o.tag.as_deref()?;
        draft.exported.values().find(|e| e.tag == tag)
    })
}

/// The text the draft asks for, by field tag (its first changed occurrence).
fn asked(draft: &Returned) -> BTreeMap<&str, &str> {
    let mut out = BTreeMap::new();
    for o in &draft.occurrences {
        let exported = exported_of(draft, o);
        if let Some(e) = exported
            && o.accepted != e.shown
        {
            out.entry(e.tag.as_str()).or_insert(o.accepted.as_str());
        }
    }
    out
}

/// Each changed field of one draft (its occurrences agreeing), and the disagreements as findings.
fn proposals(draft: &Returned, out: &mut DraftChanges) -> Vec<Proposal> {
    let mut by_tag: BTreeMap<String, Vec<(&Occurrence, &super::draft::Exported)>> = BTreeMap::new();
    for o in &draft.occurrences {
        let exported = exported_of(draft, o);
        if let Some(e) = exported {
            by_tag.entry(e.tag.clone()).or_default().push((o, e));
        }
    }
    let mut list = Vec::new();
    for (tag, occurrences) in by_tag {
        let changed: Vec<_> = occurrences
            .iter()
            .filter(|(o, e)| o.accepted != e.shown)
            .collect();
        let Some((first, exported)) = changed.first() else {
            continue;
        };
        if let Some((other, _)) = changed.iter().find(|(o, _)| o.accepted != first.accepted) {
            let message = format!(
                "同一稿子中{}的两处改得不同：第 {} 段「{}」，第 {} 段「{}」",
                exported.alias, first.paragraph, first.accepted, other.paragraph, other.accepted
            );
            let at = at_field(&draft.name, &exported.alias, tag_path(&tag));
            out.findings.push(error(
                at,
                "import.inconsistent",
                message,
                "把两处改成一致后再导入",
            ));
            continue;
        }
        let who = first.marks.first().cloned().unwrap_or_else(|| Mark {
            author: draft.last_modified_by.clone(),
            date: String::new(),
        });
        list.push(Proposal {
            tag: tag.clone(),
            alias: exported.alias.clone(),
            old: exported.shown.clone(),
            new: first.accepted.clone(),
            hash: exported.hash.clone(),
            who,
            draft: draft.name.clone(),
            doc: draft.identity.doc.clone(),
            paragraph: first.paragraph,
        });
    }
    list
}

/// The template edits and comments of a draft, as items.
fn outside_items(draft: &Returned, items: &mut Vec<Item>) {
    for o in &draft.outside {
        let verb = if o.inserted { "插入" } else { "删除" };
        items.push(Item {
            kind: ItemKind::Template,
            who: who(&o.mark),
            date: o.mark.date.clone(),
            draft: draft.name.clone(),
            doc: draft.identity.doc.clone(),
            place: format!("第 {} 段（模板文字）", o.paragraph),
            original: o.context.clone(),
            proposal: format!("{verb}「{}」", o.text),
            adopted: false,
            source: None,
        });
    }
    for c in &draft.comments {
        let field = c.field.as_ref().and_then(|(n, tag)| {
            n.and_then(|n| draft.exported.get(&n)).or_else(|| {
                draft
                    .exported
                    .values()
                    .find(|e| Some(&e.tag) == tag.as_ref())
            })
        });
        let place = match field {
            Some(f) => format!("第 {} 段，字段 {}", c.paragraph, f.alias),
            None => format!("第 {} 段", c.paragraph),
        };
        items.push(Item {
            kind: ItemKind::Comment,
            who: who(&c.mark),
            date: c.mark.date.clone(),
            draft: draft.name.clone(),
            doc: draft.identity.doc.clone(),
            place,
            original: field.map_or_else(|| c.context.clone(), |f| f.shown.clone()),
            proposal: c.text.clone(),
            adopted: false,
            source: None,
        });
    }
}

/// `towns/kaizhang.yaml#tasks[0].lead` → `tasks[0].lead`.
fn tag_path(tag: &str) -> &str {
    tag.split_once('#').map_or(tag, |(_, p)| p)
}

/// The scalar at a field's tag (`towns/kaizhang.yaml#tasks[0].lead`) now, and its line; `None`
/// when the file, the path or the scalar is gone.
fn current(root: &Path, tag: &str, cache: &mut Cache) -> Option<(String, usize)> {
    let (file, path) = tag.split_once('#').unwrap_or((tag, ""));
    let rel = PathBuf::from(file);
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return None;
    }
    let text = cache
        .entry(rel.clone())
        .or_insert_with(|| std::fs::read_to_string(root.join(&rel)).ok())
        .clone()?;
    let tree = yaml::parse(&text).ok()?;
    let node = yamledit::at_path(&tree, path)?;
    Some((node.scalar()?.to_owned(), node.pos.line))
}

/// The YAML edit of a proposal, or the conflict: the value changed in the YAML since export
/// (to something else than the draft asks: a change already made is no conflict).
fn edit(root: &Path, p: &Proposal, cache: &mut Cache) -> Result<FieldEdit, Box<Diagnostic>> {
    let (file, path) = p.tag.split_once('#').unwrap_or((&p.tag, ""));
    let at = at_field(&p.draft, &p.alias, path);
    let Some((current, line)) = current(root, &p.tag, cache) else {
        return Err(Box::new(error(
            at,
            "import.conflict",
            format!("冲突：{}（{}）在稿子导出后已不在 YAML 中", p.alias, p.tag),
            "稿子导出后 YAML 改动过：按稿子的意见手工修改 YAML，或重新生成稿子",
        )));
    };
    let value = yaml_value(&current, &p.old, &p.new);
    if value_hash(&p.tag, &current) != p.hash && value != current {
        return Err(Box::new(error(
            at,
            "import.conflict",
            format!(
                "冲突：{} 在稿子导出后已在 YAML 中改为「{current}」，{}（{}）改为「{}」",
                p.alias,
                p.draft,
                who(&p.who),
                p.new
            ),
            "与提出单位核实后，把 YAML 或稿子改成一致再导入（不会覆盖 YAML 中的改动）",
        )));
    }
    Ok(FieldEdit {
        rel: PathBuf::from(file),
        path: path.to_owned(),
        value,
        line,
        at: at.display().to_string(),
    })
}

/// The YAML text of a returned value: a date the draft showed the Chinese way (`2025年12月31日`)
/// goes back as `2025-12-31`; anything else as it was typed (the load stage judges it).
fn yaml_value(current: &str, shown: &str, new: &str) -> String {
    let new = new.trim();
    if shown != current && Date::parse(current).is_ok() {
        return super::read::date_text(new);
    }
    new.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_shown_the_chinese_way_goes_back_iso_and_anything_else_as_typed() {
        assert_eq!(
            yaml_value("2025-12-31", "2025年12月31日", "2025年10月1日"),
            "2025-10-01"
        );
        assert_eq!(yaml_value("2025-12-31", "2025年12月31日", "年底"), "年底");
        assert_eq!(yaml_value("市工科局", "市工科局", " 市发改局 "), "市发改局");
    }
}

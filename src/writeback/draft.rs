//! Reading a returned Word draft (DOCX, as saved by Word, WPS or LibreOffice): the hidden part
//! naming the draft and the fields it was made with, each field's text as returned — tracked
//! changes applied as if accepted, or ignored (`--reject-tracked`) — with who changed it and when,
//! the tracked changes outside any field (template wording) and every comment with the paragraph
//! and field it is anchored in. A field is known by its content control's tag (Word, WPS) or, where
//! the editor dropped the control's properties (LibreOffice 7.4 keeps the control but not its
//! tag), by the bookmark `zyz_N` zyz put inside it.
//!
//! Read with `zip` and `roxmltree` through [`super::package`]: parts bounded before they are read,
//! no DTD, no entity. (docx-rs reads only what it writes itself and drops tracked changes'
//! authors; ooxmlsdk is a generated binding of the whole schema, far heavier than the few elements
//! read here.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use roxmltree::Node;

use super::package::{Package, Refusal, parse_xml};
use crate::export::docx::draft::{DRAFT_NS, DRAFT_PART, FORMAT};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// What the draft was made from (the hidden part's root).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The document's path in the output folder (`2025/towns/kaizhang/action-plan.docx`).
    pub doc: String,
    pub kind: String,
    pub town: Option<String>,
    pub year: i32,
    /// The document's input hash at export.
    pub inputs: String,
    /// The hash of the data the document showed ([`crate::plan::Doc::data_sha256`]).
    pub data: String,
    /// The day it was made (`2025-10-20`; empty in drafts made before zyz recorded it).
    pub made: String,
}

/// A field as exported.
#[derive(Debug, Clone)]
pub struct Exported {
    pub tag: String,
    pub alias: String,
    /// `value_hash(tag, YAML value)` at export.
    pub hash: String,
    /// The text the draft showed.
    pub shown: String,
}

/// Who changed something and when (a revision mark's `w:author`, `w:date`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mark {
    pub author: String,
    pub date: String,
}

/// One field in the returned draft.
#[derive(Debug, Clone)]
pub struct Occurrence {
    /// The exported field's number (its bookmark), if found.
    pub number: Option<u32>,
    pub tag: Option<String>,
    /// The text with tracked changes accepted, and with them rejected.
    pub accepted: String,
    pub rejected: String,
    pub marks: Vec<Mark>,
    /// 1-based paragraph of the body (table cells' paragraphs counted).
    pub paragraph: usize,
}

/// A tracked change outside any field.
#[derive(Debug, Clone)]
pub struct Outside {
    pub paragraph: usize,
    pub inserted: bool,
    pub text: String,
    pub mark: Mark,
    /// The paragraph's text before the change (tracked changes rejected).
    pub context: String,
}

/// A comment: its text and where it is anchored.
#[derive(Debug, Clone)]
pub struct Comment {
    pub mark: Mark,
    pub text: String,
    pub paragraph: usize,
    /// The field's number or tag it starts in, if any.
    pub field: Option<(Option<u32>, Option<String>)>,
    /// The paragraph's text (accepted).
    pub context: String,
}

/// One returned draft.
#[derive(Debug, Clone)]
pub struct Returned {
    pub path: PathBuf,
    /// The file name, as messages name it.
    pub name: String,
    pub identity: Identity,
    /// By number.
    pub exported: BTreeMap<u32, Exported>,
    pub occurrences: Vec<Occurrence>,
    pub outside: Vec<Outside>,
    pub comments: Vec<Comment>,
    /// `docProps/core.xml`'s last editor, for edits made without tracking.
    pub last_modified_by: String,
    /// `docProps/core.xml`'s title (the document's, as zyz wrote it).
    pub title: String,
}

fn whole(rule: &'static str, message: String, hint: &str) -> Refusal {
    Refusal {
        rule,
        message,
        hint: hint.to_owned(),
    }
}

/// Reads one returned draft; `Err` says why it cannot be used at all.
pub fn read(path: &Path, reject_tracked: bool) -> Result<Returned, Refusal> {
    let mut package = Package::open(path, "Word 稿（.docx）", "word/document.xml")?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (identity, exported) = hidden(&mut package, &name)?;
    let walker = body(&mut package, &name)?;
    let comment_texts = match package.text("word/comments.xml")? {
        Some(text) => comments(&name, &text)?,
        None => BTreeMap::new(),
    };
    let core = match package.text("docProps/core.xml")? {
        Some(text) => core_properties(&name, &text)?,
        None => Core::default(),
    };
    let comments = anchored(&walker, &comment_texts);
    let Walker {
        mut occurrences,
        outside,
        ..
    } = walker;
    if reject_tracked {
        for o in &mut occurrences {
            o.accepted = o.rejected.clone();
            o.marks.clear();
        }
    }
    Ok(Returned {
        path: path.to_path_buf(),
        name,
        identity,
        exported,
        occurrences,
        outside: if reject_tracked { Vec::new() } else { outside },
        comments,
        last_modified_by: core.last_modified_by,
        title: core.title,
    })
}

/// The hidden part, which every draft zyz made has.
fn hidden(
    package: &mut Package,
    name: &str,
) -> Result<(Identity, BTreeMap<u32, Exported>), Refusal> {
    let hidden = package.text(DRAFT_PART)?.ok_or_else(|| {
        whole(
            "import.not-draft",
            format!("{name} 不是 zyz 生成的征求意见稿（缺少隐藏部件 {DRAFT_PART}）"),
            "导入 zyz build --formats docx 生成、经修改后另存为 .docx 的稿子；复制粘贴到新文档会丢失稿子的来源",
        )
    })?;
    hidden_part(name, &hidden)
}

/// The body walked: fields, changes outside them, comment anchors, paragraphs.
fn body(package: &mut Package, name: &str) -> Result<Walker, Refusal> {
    let body = package.text("word/document.xml")?.unwrap_or_default();
    let doc = parse_xml(name, "word/document.xml", &body)?;
    let mut walker = Walker::default();
    if let Some(body) = child(doc.root_element(), "body") {
        walker.walk(body, Ctx::default());
    }
    walker.close_paragraph();
    Ok(walker)
}

/// Each comment with its text and where it is anchored (comments without an anchor are left out).
fn anchored(walker: &Walker, texts: &BTreeMap<String, (Mark, String)>) -> Vec<Comment> {
    walker
        .anchors
        .iter()
        .filter_map(|(id, (paragraph, field))| {
            let (mark, text) = texts.get(id)?.clone();
            let context = walker
                .paragraphs
                .get(paragraph - 1)
                .cloned()
                .unwrap_or_default();
            Some(Comment {
                mark,
                text,
                paragraph: *paragraph,
                field: field.clone(),
                context,
            })
        })
        .collect()
}

fn is(node: Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(W)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| is(*c, name))
}

fn w_attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

/// The hidden part: the draft's identity and its fields by number.
fn hidden_part(name: &str, text: &str) -> Result<(Identity, BTreeMap<u32, Exported>), Refusal> {
    let doc = parse_xml(name, DRAFT_PART, text)?;
    let root = doc.root_element();
    let not_ours = || {
        whole(
            "import.not-draft",
            format!("{name} 的隐藏部件不是 zyz 稿子的格式 {FORMAT}"),
            "用本版本 zyz 重新生成稿子",
        )
    };
    if root.tag_name().namespace() != Some(DRAFT_NS) || root.attribute("format") != Some(FORMAT) {
        return Err(not_ours());
    }
    let attr = |k: &str| root.attribute(k).unwrap_or_default().to_owned();
    let identity = Identity {
        doc: attr("doc"),
        kind: attr("kind"),
        town: root.attribute("town").map(str::to_owned),
        year: attr("year").parse().map_err(|_| not_ours())?,
        inputs: attr("inputs"),
        data: attr("data"),
        made: attr("made"),
    };
    let mut fields = BTreeMap::new();
    for f in root.children().filter(|c| c.is_element()) {
        let Some(n) = f.attribute("n").and_then(|n| n.parse().ok()) else {
            continue;
        };
        let a = |k: &str| f.attribute(k).unwrap_or_default().to_owned();
        fields.insert(
            n,
            Exported {
                tag: a("tag"),
                alias: a("alias"),
                hash: a("hash"),
                shown: f.text().unwrap_or_default().to_owned(),
            },
        );
    }
    Ok((identity, fields))
}

/// Comments by id: who, when, and the text (paragraphs joined by line breaks).
fn comments(name: &str, text: &str) -> Result<BTreeMap<String, (Mark, String)>, Refusal> {
    let doc = parse_xml(name, "word/comments.xml", text)?;
    let mut out = BTreeMap::new();
    for c in doc.root_element().children().filter(|c| is(*c, "comment")) {
        let Some(id) = w_attr(c, "id") else { continue };
        let paragraphs: Vec<String> = c
            .descendants()
            .filter(|p| is(*p, "p"))
            .map(|p| {
                p.descendants()
                    .filter(|t| is(*t, "t"))
                    .filter_map(|t| t.text())
                    .collect()
            })
            .collect();
        out.insert(id.to_owned(), (mark_of(c), paragraphs.join("\n")));
    }
    Ok(out)
}

/// What the import reads of `docProps/core.xml`.
#[derive(Default)]
struct Core {
    last_modified_by: String,
    title: String,
}

fn core_properties(name: &str, text: &str) -> Result<Core, Refusal> {
    let doc = parse_xml(name, "docProps/core.xml", text)?;
    let find = |element: &str| {
        doc.descendants()
            .find(|n| n.tag_name().name() == element)
            .and_then(|n| n.text())
            .unwrap_or_default()
            .to_owned()
    };
    Ok(Core {
        last_modified_by: find("lastModifiedBy"),
        title: find("title"),
    })
}

/// N of a bookmark named `zyz_N`.
fn zyz_bookmark(node: Node) -> Option<u32> {
    if !is(node, "bookmarkStart") {
        return None;
    }
    w_attr(node, "name")?.strip_prefix("zyz_")?.parse().ok()
}

fn mark_of(node: Node) -> Mark {
    Mark {
        author: w_attr(node, "author").unwrap_or_default().to_owned(),
        date: w_attr(node, "date").unwrap_or_default().to_owned(),
    }
}

/// Where the walk is: inside a tracked insertion or deletion.
#[derive(Clone, Copy, Default)]
struct Ctx<'a, 'i> {
    ins: Option<Node<'a, 'i>>,
    del: Option<Node<'a, 'i>>,
}

/// The field a comment starts in: its number and its tag, when inside one.
type Anchor = (Option<u32>, Option<String>);

#[derive(Default)]
struct Walker {
    occurrences: Vec<Occurrence>,
    outside: Vec<Outside>,
    /// Comment id → (paragraph, field it starts in).
    anchors: BTreeMap<String, (usize, Option<Anchor>)>,
    /// Each paragraph's text, accepted and rejected.
    paragraphs: Vec<String>,
    rejected: Vec<String>,
    /// The revision element the last outside change came from.
    last_revision: Option<roxmltree::NodeId>,
    /// Outside changes of the open paragraph (their context is filled in when it closes).
    open_outside: usize,
    /// The occurrence text goes to, inside a content control.
    field: Option<usize>,
}

impl Walker {
    fn paragraph(&self) -> usize {
        self.paragraphs.len()
    }

    fn close_paragraph(&mut self) {
        let context = self.rejected.last().cloned().unwrap_or_default();
        for o in &mut self.outside[self.open_outside..] {
            o.context = context.clone();
        }
        self.open_outside = self.outside.len();
    }

    fn walk<'a, 'i>(&mut self, node: Node<'a, 'i>, ctx: Ctx<'a, 'i>) {
        for c in node.children().filter(|c| c.is_element()) {
            let name = c.tag_name().name();
            if c.tag_name().namespace() != Some(W) {
                // mc:AlternateContent and the like: the text is in their W descendants
                self.walk(c, ctx);
                continue;
            }
            match name {
                "p" => {
                    self.close_paragraph();
                    self.paragraphs.push(String::new());
                    self.rejected.push(String::new());
                    self.walk(c, ctx);
                }
                "sdt" => self.field(c, ctx),
                "ins" | "moveTo" => self.walk(
                    c,
                    Ctx {
                        ins: Some(c),
                        ..ctx
                    },
                ),
                "del" | "moveFrom" => self.walk(
                    c,
                    Ctx {
                        del: Some(c),
                        ..ctx
                    },
                ),
                "t" => self.text(c.text().unwrap_or_default(), ctx, false),
                "delText" => self.text(c.text().unwrap_or_default(), ctx, true),
                "bookmarkStart" => self.bookmark(c),
                "commentRangeStart" => {
                    if let Some(id) = w_attr(c, "id") {
                        let field = self.field.map(|i| {
                            let o = &self.occurrences[i];
                            (o.number, o.tag.clone())
                        });
                        self.anchors
                            .insert(id.to_owned(), (self.paragraph().max(1), field));
                    }
                }
                // properties (and their recorded formatting changes) hold no text
                "pPr" | "rPr" | "sdtPr" | "tblPr" | "trPr" | "tcPr" | "sectPr" => {}
                _ => self.walk(c, ctx),
            }
        }
    }

    /// A content control: one occurrence of a field (or, not ours, just its content). Its text
    /// goes to the field of the bookmark `zyz_N` inside it, or of its tag; when an editor merged
    /// two adjacent controls (LibreOffice does), each bookmark inside starts its own occurrence.
    fn field<'a, 'i>(&mut self, sdt: Node<'a, 'i>, ctx: Ctx<'a, 'i>) {
        let tag = child(sdt, "sdtPr")
            .and_then(|p| child(p, "tag"))
            .and_then(|t| w_attr(t, "val"))
            .map(str::to_owned);
        let Some(content) = child(sdt, "sdtContent") else {
            return;
        };
        let number = content.descendants().filter_map(|b| zyz_bookmark(b)).next();
        if tag.is_none() && number.is_none() {
            return self.walk(content, ctx);
        }
        self.occurrences.push(Occurrence {
            number,
            tag,
            accepted: String::new(),
            rejected: String::new(),
            marks: Vec::new(),
            paragraph: self.paragraph(),
        });
        let outer = self.field.replace(self.occurrences.len() - 1);
        self.walk(content, ctx);
        self.field = outer;
    }

    /// A bookmark `zyz_N` inside a control whose occurrence is of another field: a new one.
    fn bookmark(&mut self, node: Node) {
        let (Some(n), Some(i)) = (zyz_bookmark(node), self.field) else {
            return;
        };
        if self.occurrences[i].number.is_some_and(|m| m != n) {
            self.occurrences.push(Occurrence {
                number: Some(n),
                tag: None,
                accepted: String::new(),
                rejected: String::new(),
                marks: Vec::new(),
                paragraph: self.paragraph(),
            });
            self.field = Some(self.occurrences.len() - 1);
        }
    }

    fn text(&mut self, text: &str, ctx: Ctx, deleted_text: bool) {
        let deleted = deleted_text || ctx.del.is_some();
        let inserted = ctx.ins.is_some() && !deleted;
        if let (Some(p), Some(r)) = (self.paragraphs.last_mut(), self.rejected.last_mut()) {
            if !deleted {
                p.push_str(text);
            }
            if !inserted {
                r.push_str(text);
            }
        }
        let revision = if deleted { ctx.del } else { ctx.ins };
        match self.field {
            Some(i) => {
                let o = &mut self.occurrences[i];
                if !deleted {
                    o.accepted.push_str(text);
                }
                if !inserted {
                    o.rejected.push_str(text);
                }
                if let Some(r) = revision {
                    let mark = mark_of(r);
                    if !o.marks.contains(&mark) {
                        o.marks.push(mark);
                    }
                }
            }
            None => {
                let Some(r) = revision else { return };
                if self.last_revision == Some(r.id())
                    && let Some(last) = self.outside.last_mut()
                {
                    last.text.push_str(text);
                    return;
                }
                self.last_revision = Some(r.id());
                self.outside.push(Outside {
                    paragraph: self.paragraph(),
                    inserted: !deleted,
                    text: text.to_owned(),
                    mark: mark_of(r),
                    context: String::new(),
                });
            }
        }
    }
}

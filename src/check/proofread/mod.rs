//! Proofreading (校对) of every free-text value of the content: punctuation (GB/T 15834-2011),
//! numbers (GB/T 15835-2011), heading numbers and the 文号 bracket (GB/T 9704-2012), the word
//! list (office usage) and the placeholders `zyz new town` writes. The rules are data
//! (`rules.yaml`, shipped; `content/proofread.yaml`, the office's); each family is one file here
//! and returns [`Hit`]s in a value's text. [`Proofreader`] runs at load (a `model::Inspect`, while
//! the values' text and the file's text are at hand), locates each hit at the line and column of
//! its characters, makes text reproduced verbatim information only, honours
//! `# 校对: 允许 RULE` comments, and attaches a safe fix (`zyz check --fix`) where there is one
//! suggested form.

mod headings;
mod locate;
mod numbers;
mod pairs;
mod placeholders;
mod punct;
pub mod rules;
mod wenhao;
mod words;

use std::collections::HashMap;
use std::path::Path;

use crate::diag::{Diagnostic, Fix, Severity};
use crate::model::proofread::{Proofread, RuleLevel, strip_indices};
use crate::model::yaml::{Node, Pos, Value};
use crate::model::{Content, Inspect, Inspected};
use rules::{FixKind, RULES};

/// One mistake in a value's text: the bytes `start..end` of the value, and the text to put there
/// when there is exactly one suggested form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub rule: &'static str,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub suggest: Option<String>,
}

impl Hit {
    fn new(rule: &'static str, start: usize, end: usize, message: String) -> Self {
        Self {
            rule,
            start,
            end,
            message,
            suggest: None,
        }
    }

    fn suggest(mut self, text: impl Into<String>) -> Self {
        self.suggest = Some(text.into());
        self
    }
}

/// A value's characters with their byte offsets, and what the families ask of them.
pub(crate) struct Chars<'a> {
    pub text: &'a str,
    pub chars: Vec<(usize, char)>,
}

impl<'a> Chars<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            chars: text.char_indices().collect(),
        }
    }

    /// The character at index `i` (None outside the text).
    pub fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).map(|&(_, c)| c)
    }

    /// The character before index `i`.
    pub fn before(&self, i: usize) -> Option<char> {
        i.checked_sub(1).and_then(|j| self.at(j))
    }

    /// The byte offset of character `i` (the text's length past the end).
    pub fn byte(&self, i: usize) -> usize {
        self.chars.get(i).map_or(self.text.len(), |&(b, _)| b)
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }
}

/// A Han character (CJK unified ideographs and their extensions).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// A full-width (Chinese) punctuation mark.
pub(crate) fn is_cjk_punct(c: char) -> bool {
    "，。、；：？！“”‘’（）《》〈〉〔〕【】…—～·".contains(c)
}

/// Chinese text: a Han character or a Chinese punctuation mark.
pub(crate) fn is_cjk(c: char) -> bool {
    is_han(c) || is_cjk_punct(c)
}

/// Every family over one value's text, in text order. A family runs only when the text holds
/// a character it looks for (most values hold none: this keeps 10,000 towns quick).
pub fn hits(text: &str, words: &words::Words) -> Vec<Hit> {
    let mut out = Vec::new();
    words.check(text, &mut out);
    // one pass over the bytes says which kinds of characters the text holds; the searches
    // for particular marks run only when it holds a lead byte they start with
    let seen = text
        .as_bytes()
        .iter()
        .fold(0u8, |seen, &b| seen | BYTE_CLASS[b as usize]);
    let ascii_punct = seen & ASCII_PUNCT != 0;
    let digits = seen & DIGIT != 0;
    let marks = seen & MARK_LEAD != 0;
    let punct = ascii_punct
        || marks
            && ["…", "――", "－－", "。。。", "、、、", "···"]
                .iter()
                .any(|s| text.contains(s));
    let paired = marks
        && text.contains([
            '《', '》', '〈', '〉', '“', '”', '‘', '’', '（', '）', '〔', '〕', '【', '】',
        ]);
    let numbers = digits || marks && text.contains('、');
    let headings = seen & NEWLINE != 0
        || text.starts_with(|c: char| {
            c == '（' || c == '(' || c.is_ascii_digit() || "一二三四五六七八九十".contains(c)
        });
    let wenhao = digits && text.contains('号');
    if !(punct || paired || numbers || headings || wenhao) {
        return out;
    }
    let cs = Chars::new(text);
    if punct {
        punct::check(&cs, &mut out);
    }
    if paired {
        pairs::check(&cs, &mut out);
    }
    if numbers {
        numbers::check(&cs, &mut out);
    }
    if headings {
        headings::check(&cs, &mut out);
    }
    if wenhao {
        wenhao::check(&cs, &mut out);
    }
    out.sort_by_key(|h| (h.start, h.end));
    out
}

/// [`BYTE_CLASS`] bits: an ASCII mark a family looks at, an ASCII digit, the first byte of the
/// UTF-8 of a mark the families look for (U+00B7 ·; U+2014–U+2026 — ― ‘ ’ “ ” …; U+3001–U+3015
/// 、 。 〈 〉 《 》 【 】 〔 〕; U+FF08–U+FF5E （ ） － ～), a line break.
const ASCII_PUNCT: u8 = 1;
const DIGIT: u8 = 2;
const MARK_LEAD: u8 = 4;
const NEWLINE: u8 = 8;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let punct = b",.;:?!()[]\"-~";
    let mut i = 0;
    while i < punct.len() {
        t[punct[i] as usize] |= ASCII_PUNCT;
        i += 1;
    }
    let mut d = b'0';
    while d <= b'9' {
        t[d as usize] |= DIGIT;
        d += 1;
    }
    t[0xC2] |= MARK_LEAD;
    t[0xE2] |= MARK_LEAD;
    t[0xE3] |= MARK_LEAD;
    t[0xEF] |= MARK_LEAD;
    t[b'\n' as usize] |= NEWLINE;
    t
};

/// The proofreading of the content, with the office's settings.
pub struct Proofreader {
    office: Proofread,
    words: words::Words,
    /// Effective severity per rule id (None: turned off).
    levels: HashMap<&'static str, Option<Severity>>,
}

impl Proofreader {
    pub fn new(office: &Proofread) -> Self {
        let levels = RULES
            .rules
            .iter()
            .map(|r| {
                let shipped = r.severity.severity();
                let level = match office.rules.get(&r.id) {
                    None => Some(shipped),
                    Some(RuleLevel::Off) => None,
                    Some(RuleLevel::Info) => Some(Severity::Info),
                    Some(RuleLevel::Warning) => Some(Severity::Warning),
                    Some(RuleLevel::Error) => Some(Severity::Error),
                };
                (static_id(&r.id), level)
            })
            .collect();
        Self {
            office: office.clone(),
            words: words::Words::new(&office.words),
            levels,
        }
    }

    /// The inspector `model::load_with` runs over every content file; with every rule turned
    /// off in `proofread.yaml` it looks at nothing (proofreading off costs nothing).
    pub fn make(office: &Proofread) -> Box<dyn Inspect> {
        let pr = Self::new(office);
        if pr.levels.values().all(Option::is_none) {
            return Box::new(Off);
        }
        Box::new(pr)
    }

    /// The hits in one value's text (every family; before levels, verbatim and comments).
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        hits(text, &self.words)
    }
}

/// The inspector when every rule is off.
struct Off;

impl Inspect for Off {
    fn inspect(&self, _: &Path, _: &Path, _: &Node, _: &str) -> Inspected {
        Inspected::default()
    }
}

/// The `&'static str` of a shipped rule id (the rule table lives for the process).
fn static_id(id: &str) -> &'static str {
    RULES
        .rules
        .iter()
        .find(|r| r.id == id)
        .map_or("proofread.unknown", |r| r.id.as_str())
}

impl Inspect for Proofreader {
    fn inspect(&self, rel: &Path, shown: &Path, tree: &Node, source: &str) -> Inspected {
        let starts = tree.scalar_positions();
        let mut walk = Walk {
            pr: self,
            rel: rel.to_string_lossy().replace('\\', "/"),
            shown,
            source,
            index: None,
            starts,
            next: 0,
            segs: Vec::new(),
            out: Inspected::default(),
        };
        walk.node(tree);
        walk.out
    }
}

/// One step of a field path.
enum Seg<'t> {
    Key(&'t str),
    Index(usize),
}

/// The walk over one file's tree.
struct Walk<'a, 't> {
    pr: &'a Proofreader,
    rel: String,
    shown: &'a Path,
    source: &'a str,
    /// Line starts of the source, made at the first finding.
    index: Option<locate::Index<'a>>,
    starts: Vec<Pos>,
    next: usize,
    segs: Vec<Seg<'t>>,
    out: Inspected,
}

impl<'a, 't> Walk<'a, 't> {
    fn node(&mut self, node: &'t Node) {
        match &node.value {
            Value::Scalar { text, .. } => {
                let at = self.next;
                self.next += 1;
                self.value(text, node.pos, self.starts.get(at + 1).copied());
            }
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.segs.push(Seg::Index(i));
                    self.node(item);
                    self.segs.pop();
                }
            }
            Value::Map(entries) => {
                for (key, value) in entries {
                    self.next += 1;
                    self.segs.push(Seg::Key(key.scalar().unwrap_or_default()));
                    self.node(value);
                    self.segs.pop();
                }
            }
            // what an alias repeats was proofread where its anchor is written
            Value::Alias(_) => {}
        }
    }

    /// The field path of the current value, e.g. `tasks[0].measures[1]`.
    fn path(&self) -> String {
        let mut s = String::new();
        for seg in &self.segs {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => s += &format!("[{i}]"),
            }
        }
        s
    }

    fn value(&mut self, text: &str, pos: Pos, bound: Option<Pos>) {
        if let Some(ph) = placeholders::matching(text, || strip_indices(&self.path())) {
            let hit = Hit::new(
                "proofread.placeholder",
                0,
                text.len(),
                format!("仍是 zyz new town 写入的占位内容“{ph}”，会原样印进公文"),
            );
            self.report(&hit, text, pos, bound);
        }
        if text.is_ascii() {
            return;
        }
        for hit in self.pr.hits(text) {
            self.report(&hit, text, pos, bound);
        }
    }

    /// Turns a hit into a located finding (or an allowed one), with its fix when safe.
    fn report(&mut self, hit: &Hit, text: &str, pos: Pos, bound: Option<Pos>) {
        let Some(Some(mut severity)) = self.pr.levels.get(hit.rule).copied() else {
            return;
        };
        let rule = RULES.get(hit.rule).expect("every hit names a shipped rule");
        let path = self.path();
        let verbatim = self.pr.office.verbatim(&self.rel, &path).or_else(|| {
            (hit.rule != "proofread.pairs" && pairs::inside_title(text, hit.start))
                .then_some("书名号内的文件名称")
        });
        let index = self
            .index
            .get_or_insert_with(|| locate::Index::new(self.source));
        let span = index.span(text, pos, bound, hit.start, hit.end);
        let (line, column) = span
            .as_ref()
            .map_or((pos.line, pos.column), |s| (s.line, s.column));
        let mut message = hit.message.clone();
        if let Some(note) = verbatim {
            severity = Severity::Info;
            message += &format!("（原文照录{}，仅作提示，不自动修改）", paren(note));
        }
        let mut hint = match &hit.suggest {
            Some(s) if s.is_empty() => "建议删去".to_owned(),
            Some(s) => format!("建议改为“{s}”"),
            None => rule.suggest.clone(),
        };
        hint += &format!("（依据：{}）", rule.clause);
        let mut d = Diagnostic::new(severity, self.shown, line, column, hit.rule, message)
            .with_path(path)
            .with_hint(hint);
        if verbatim.is_none() && rule.fix == FixKind::Safe {
            d.fix = match (&hit.suggest, &span) {
                (Some(s), Some(span)) if span.contiguous => Some(Fix {
                    start: span.start,
                    end: span.end,
                    old: text[hit.start..hit.end].to_owned(),
                    text: s.clone(),
                    at: hit.start,
                }),
                _ => None,
            };
        }
        if index.allows(line, pos.line, hit.rule) {
            self.out.allowed.push(d);
        } else {
            self.out.findings.push(d);
        }
    }
}

/// `（note）` for a non-empty note.
fn paren(note: &str) -> String {
    if note.is_empty() {
        String::new()
    } else {
        format!("：{note}")
    }
}

/// Findings about `proofread.yaml` itself: rule ids it names that zyz does not have.
pub fn check_config(content: &Content, findings: &mut Vec<Diagnostic>) {
    let rel = Path::new(crate::model::proofread::FILE);
    for id in content.proofread.rules.keys() {
        if RULES.get(id).is_some() {
            continue;
        }
        let field = format!("rules.{id}");
        let (line, column) = content.locate(rel, &field);
        let known: Vec<&str> = RULES.rules.iter().map(|r| r.id.as_str()).collect();
        findings.push(
            Diagnostic::error(
                content.display_path(rel),
                line,
                column,
                "proofread.config",
                format!("没有校对规则 `{id}`"),
            )
            .with_path(field)
            .with_hint(format!("规则编号是：{}", known.join("、"))),
        );
    }
}

#[cfg(test)]
mod tests;

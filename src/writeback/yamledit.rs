//! In-place edits of a town's YAML text at the source locations of the located parse
//! (`model::yaml`): a changed scalar is replaced where it stands, in its own quoting style; a key
//! that was absent is added under its item at the item's indentation; a key emptied is removed
//! with its line; a new problem is appended to `problems:` in the items' own indentation. Every
//! other byte — comments, key order, blank lines — stays. No YAML emitter is involved: emitters
//! re-write the whole file (yaml-rust2's drops comments), which is what this must not do. A block
//! scalar's content lines are rewritten under its header; a plain scalar over several lines is
//! refused (a person edits it).
//!
//! Why hand-written and not the crate yaml-edit (0.3.6, lossless, rowan): both were run on the
//! same edits (`scratch/yamledit-compare`: every value of the sample set whole and with one
//! character fixed, the sample restyled with comments, quotes, block and multi-line scalars and
//! two-line flows, and 1,000 generated towns plain and restyled; docs/architecture.md has the
//! figures). This code changed no byte outside the edited scalar in any file and kept every
//! quoting style; yaml-edit dropped the blank line after an edited block scalar (5 of 17
//! restyled sample files), quoted plain values it was asked to keep plain (30 of 1,418 sample
//! edits: `20%（改）` became `'20%（改）'`), and can only set a whole value where a fix replaces
//! a few characters. It does edit multi-line plain scalars, which this refuses.

use super::changes::Edit;
use crate::model::yaml::{self, Node, Value};

/// A replacement of the bytes `start..end` (an insertion when equal).
#[derive(Debug)]
pub(super) struct Splice {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Single,
    Double,
}

/// The text with the edits applied, or why it cannot be edited in place (line, message).
pub fn apply(text: &str, edits: &[Edit], new_ids: &[String]) -> Result<String, (usize, String)> {
    let tree = yaml::parse(text).map_err(|e| (e.pos.line, e.message))?;
    let lines = LineIndex::new(text);
    let mut splices = Vec::new();
    let mut ids = new_ids.iter();
    for edit in edits {
        match edit {
            Edit::Set {
                list,
                index,
                field,
                value,
            } => {
                let item = item(&tree, list, *index)
                    .ok_or_else(|| (0, format!("{list}[{index}] 不在文件中")))?;
                splices.push(set(text, &lines, item, field, value)?);
            }
            Edit::Append { fields } => {
                let id = ids.next().cloned().unwrap_or_default();
                splices.push(append(text, &lines, &tree, &id, fields)?);
            }
        }
    }
    splice(text, splices).map_err(|at| (lines.line_of(at), "两处修改重叠".to_owned()))
}

/// The text with the scalars at field paths (`tasks[0].lead`) set, each in its own style.
pub fn set_paths(text: &str, edits: &[(String, String)]) -> Result<String, (usize, String)> {
    let tree = yaml::parse(text).map_err(|e| (e.pos.line, e.message))?;
    let lines = LineIndex::new(text);
    let mut splices = Vec::new();
    for (path, value) in edits {
        let node = at_path(&tree, path).ok_or_else(|| (0, format!("{path} 不在文件中")))?;
        splices.push(replace_scalar(text, &lines, node, value)?);
    }
    splice(text, splices).map_err(|at| (lines.line_of(at), "两处修改重叠".to_owned()))
}

/// The node at exactly `path` (`tasks[0].lead`), every segment present (`Node::locate` stops
/// at the deepest one there is).
pub fn at_path<'t>(tree: &'t Node, path: &str) -> Option<&'t Node> {
    let mut at = tree;
    for part in path.split('.') {
        let (key, rest) = part.split_once('[').unwrap_or((part, ""));
        if !key.is_empty() {
            at = at.get(key)?;
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            let i: usize = index.trim_end_matches(']').parse().ok()?;
            match &at.resolved().value {
                Value::Seq(items) => at = items.get(i)?,
                _ => return None,
            }
        }
    }
    Some(at)
}

/// `text` with the splices made, every other byte kept; the byte offset of a splice that
/// overlaps an earlier one refuses them all.
pub(super) fn splice(text: &str, mut splices: Vec<Splice>) -> Result<String, usize> {
    splices.sort_by_key(|s| s.start);
    let mut out = String::with_capacity(text.len() + 256);
    let mut cursor = 0;
    for s in splices {
        if s.start < cursor || s.end > text.len() {
            return Err(s.start);
        }
        out.push_str(&text[cursor..s.start]);
        out.push_str(&s.text);
        cursor = s.end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

fn item<'t>(tree: &'t Node, list: &str, index: usize) -> Option<&'t Node> {
    match &tree.get(list)?.resolved().value {
        Value::Seq(items) => items.get(index),
        _ => None,
    }
}

/// Byte offsets of line starts, and positions (1-based line, char column) to bytes.
pub(super) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { text, starts }
    }

    pub(super) fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The end of a line, before its newline.
    fn line_end(&self, line: usize) -> usize {
        let next = self.line_start(line + 1);
        let end = if next > 0 && self.text[..next].ends_with('\n') {
            next - 1
        } else {
            next
        };
        let end = if end > 0 && self.text[..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        end.max(self.line_start(line))
    }

    fn offset(&self, pos: yaml::Pos) -> usize {
        let start = self.line_start(pos.line);
        let line = &self.text[start..self.line_end(pos.line)];
        start
            + line
                .char_indices()
                .nth(pos.column.saturating_sub(1))
                .map_or(line.len(), |(i, _)| i)
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    fn newline(&self) -> &'static str {
        if self.text.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }
}

/// Sets (or adds, or removes) `field` of a mapping item.
fn set(
    text: &str,
    lines: &LineIndex,
    item: &Node,
    field: &str,
    value: &str,
) -> Result<Splice, (usize, String)> {
    let entries = item
        .entries()
        .ok_or((item.pos.line, "不是映射".to_owned()))?;
    let first_key = &entries
        .first()
        .ok_or((item.pos.line, "空映射".to_owned()))?
        .0;
    let found = entries.iter().find(|(k, _)| k.scalar() == Some(field));
    match found {
        Some((key, node)) if value.is_empty() => {
            if key.pos.line == first_key.pos.line || node.pos.line != key.pos.line {
                return Err((key.pos.line, format!("无法原地删除 {field}")));
            }
            let start = lines.line_start(key.pos.line);
            Ok(Splice {
                start,
                end: lines.line_start(key.pos.line + 1),
                text: String::new(),
            })
        }
        Some((_, node)) => replace_scalar(text, lines, node, value),
        None if value.is_empty() => Err((item.pos.line, format!("{field} 本来就没有"))),
        None => {
            let end_line = last_line(text, lines, item);
            let at = lines.line_start(end_line + 1);
            let indent = " ".repeat(first_key.pos.column - 1);
            let nl = lines.newline();
            let lead = if at == text.len() && !text.ends_with('\n') {
                nl
            } else {
                ""
            };
            let line = format!("{lead}{indent}{field}: {}{nl}", render(value, Style::Plain));
            Ok(Splice {
                start: at,
                end: at,
                text: line,
            })
        }
    }
}

/// Replaces a one-line scalar in its own style, or the content lines of a block scalar.
fn replace_scalar(
    text: &str,
    lines: &LineIndex,
    node: &Node,
    value: &str,
) -> Result<Splice, (usize, String)> {
    let refuse = || (node.pos.line, "多行或块标量，无法原地修改".to_owned());
    // the located parse places a block scalar at its first content line, not at `|`/`>`
    if let Some(header) = block_header(text, lines, node.pos) {
        return replace_block(text, lines, node, &header, value).ok_or_else(refuse);
    }
    let start = lines.offset(node.pos);
    let line_end = lines.line_end(node.pos.line);
    let rest = &text[start..line_end];
    let (style, len) = match rest.chars().next() {
        // a quoted scalar may go on over lines: all of it, to its closing quote, is replaced
        Some('"') => (
            Style::Double,
            closing(&text[start..], '"').ok_or_else(refuse)?,
        ),
        Some('\'') => (
            Style::Single,
            closing(&text[start..], '\'').ok_or_else(refuse)?,
        ),
        Some('|' | '>' | '[' | '{' | '&' | '*' | '!') => return Err(refuse()),
        _ => {
            let cut = rest.find(" #").unwrap_or(rest.len());
            // inside a flow mapping (`{year: 2025, value: 3亿元}`) the scalar ends before `,`/`}`
            let len = match node.scalar() {
                Some(own) if !own.is_empty() && rest.starts_with(own) => own.len(),
                _ => rest[..cut].trim_end().len(),
            };
            (Style::Plain, len)
        }
    };
    // a plain scalar that goes on under its line is multi-line: refuse (one that a flow
    // collection's `,` `]` `}` ends on its line is not, whatever the next line holds)
    let ended_in_flow = rest
        .get(len..)
        .is_some_and(|r| r.starts_with([',', ']', '}']));
    if style == Style::Plain && !ended_in_flow && continues(text, lines, node) {
        return Err(refuse());
    }
    Ok(Splice {
        start,
        end: start + len,
        text: render(value, style),
    })
}

/// The header of a block scalar (`|`, `>-`, `|+` …) whose content starts on `line`: the
/// previous non-blank line ends (before any comment) with the indicator.
#[derive(Debug)]
struct BlockHeader {
    folded: bool,
    chomp: Option<char>,
}

fn block_header(text: &str, lines: &LineIndex, pos: yaml::Pos) -> Option<BlockHeader> {
    let line = pos.line;
    let start = lines.line_start(line);
    // block content stands alone on its lines, after its indentation
    if line < 2 || !text[start..lines.offset(pos)].chars().all(|c| c == ' ') {
        return None;
    }
    let mut prev = line - 1;
    loop {
        let l = &text[lines.line_start(prev)..lines.line_end(prev)];
        if l.trim_start().starts_with('#') {
            return None;
        }
        if !l.trim().is_empty() {
            let code = l.find(" #").map_or(l, |i| &l[..i]).trim_end();
            let token = &code[code.rfind(' ').map_or(0, |i| i + 1)..];
            let mut chars = token.chars();
            let folded = match chars.next()? {
                '|' => false,
                '>' => true,
                _ => return None,
            };
            let rest: String = chars.collect();
            if !rest.chars().all(|c| matches!(c, '-' | '+' | '0'..='9')) {
                return None;
            }
            // an explicit indentation indicator: left to a person
            if rest.contains(|c: char| c.is_ascii_digit()) {
                return None;
            }
            return Some(BlockHeader {
                folded,
                chomp: rest.chars().next(),
            });
        }
        if prev <= 1 {
            return None;
        }
        prev -= 1;
    }
}

/// The content lines of a block scalar rewritten to hold `value` (header, indentation and the
/// blank lines after it kept); None when the value cannot be written under this header
/// (trailing line breaks other than its chomping gives, a folded line starting with a space, a
/// first line starting with a space, keep chomping).
fn replace_block(
    text: &str,
    lines: &LineIndex,
    node: &Node,
    header: &BlockHeader,
    value: &str,
) -> Option<Splice> {
    let indent = node.pos.column - 1;
    let body = match header.chomp {
        Some('-') => value,
        None => value.strip_suffix('\n')?,
        _ => return None,
    };
    if indent == 0
        || body.ends_with('\n')
        || body.starts_with([' ', '\t'])
        || body.is_empty()
        || body.contains('\r')
    {
        return None;
    }
    // the last content line: every line after the first that is blank or indented as deep
    let mut last = node.pos.line;
    let mut at = node.pos.line + 1;
    while at <= lines.starts.len() {
        let l = &text[lines.line_start(at)..lines.line_end(at)];
        if l.trim().is_empty() {
            at += 1;
            continue;
        }
        if l.len() - l.trim_start_matches(' ').len() < indent {
            break;
        }
        last = at;
        at += 1;
    }
    if body.starts_with('\n') {
        return None;
    }
    let parts: Vec<&str> = body.split('\n').collect();
    if header.folded && parts.iter().any(|p| p.starts_with([' ', '\t'])) {
        return None;
    }
    let pad = " ".repeat(indent);
    let nl = lines.newline();
    let mut written = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            written.push_str(nl);
            // folding reads one line break between two lines as a space: each line break of
            // a folded value is written as a blank line more
            if header.folded && !parts[i - 1].is_empty() {
                written.push_str(nl);
            }
        }
        if !part.is_empty() {
            written.push_str(&pad);
            written.push_str(part);
        }
    }
    Some(Splice {
        start: lines.line_start(node.pos.line),
        end: lines.line_end(last),
        text: written,
    })
}

/// The length of a quoted scalar up to and with its closing quote.
fn closing(rest: &str, quote: char) -> Option<usize> {
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if quote == '"' => {
                chars.next();
            }
            c if c == quote => {
                if quote == '\'' && chars.peek().map(|(_, c)| *c) == Some('\'') {
                    chars.next();
                } else {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// True when the line after a plain scalar is indented deeper than its key (a continuation).
fn continues(text: &str, lines: &LineIndex, node: &Node) -> bool {
    let next = &text[lines.line_start(node.pos.line + 1)..lines.line_end(node.pos.line + 1)];
    let indent = next.len() - next.trim_start().len();
    let own = &text[lines.line_start(node.pos.line)..lines.line_end(node.pos.line)];
    let own_indent = own.len() - own.trim_start_matches([' ', '-']).len();
    !next.trim().is_empty() && !next.trim_start().starts_with('#') && indent > own_indent
}

/// The last line a node's text takes: its deepest last descendant's line, plus the lines of a
/// block scalar under it.
fn last_line(text: &str, lines: &LineIndex, node: &Node) -> usize {
    let mut line = node.pos.line;
    let mut last = node;
    loop {
        line = line.max(last.pos.line);
        match &last.value {
            Value::Seq(items) if !items.is_empty() => last = &items[items.len() - 1],
            Value::Map(entries) if !entries.is_empty() => last = &entries[entries.len() - 1].1,
            _ => break,
        }
    }
    // lines indented deeper than the item's keys belong to the last value (block scalars)
    let key_indent = node.pos.column - 1;
    let mut end = line;
    while end < lines.starts.len() {
        let next = &text[lines.line_start(end + 1)..lines.line_end(end + 1)];
        let indent = next.len() - next.trim_start().len();
        if next.trim().is_empty() || indent <= key_indent {
            break;
        }
        end += 1;
    }
    end
}

/// A new problem after the last item of `problems:` (or a new `problems:` at the end).
fn append(
    text: &str,
    lines: &LineIndex,
    tree: &Node,
    id: &str,
    fields: &[(&'static str, String)],
) -> Result<Splice, (usize, String)> {
    let nl = lines.newline();
    let all: Vec<(&str, &str)> = std::iter::once(("id", id))
        .chain(fields.iter().map(|(k, v)| (*k, v.as_str())))
        .collect();
    let body = |dash: &str, indent: &str| {
        all.iter()
            .enumerate()
            .map(|(i, (k, v))| {
                let lead = if i == 0 { dash } else { indent };
                format!("{lead}{k}: {}{nl}", render(v, Style::Plain))
            })
            .collect::<String>()
    };
    let Some(list) = tree.get("problems") else {
        let lead = if text.ends_with('\n') || text.is_empty() {
            ""
        } else {
            nl
        };
        let at = text.len();
        return Ok(Splice {
            start: at,
            end: at,
            text: format!("{lead}problems:{nl}{}", body("  - ", "    ")),
        });
    };
    let Value::Seq(items) = &list.resolved().value else {
        return Err((list.pos.line, "problems 不是列表".to_owned()));
    };
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        return Err((
            list.pos.line,
            "problems 是空的行内列表，无法原地追加".to_owned(),
        ));
    };
    // the first item's line gives the dash's place and the keys' indentation
    let key_col = first.pos.column - 1;
    let first_line = &text[lines.line_start(first.pos.line)..lines.line_end(first.pos.line)];
    let dash_col = first_line
        .find('-')
        .filter(|&d| d < key_col)
        .ok_or((first.pos.line, "problems 的条目不是块列表".to_owned()))?;
    let dash = format!(
        "{}-{}",
        " ".repeat(dash_col),
        " ".repeat(key_col - dash_col - 1)
    );
    let at = lines.line_start(last_line(text, lines, last) + 1);
    let lead = if at == text.len() && !text.ends_with('\n') {
        nl
    } else {
        ""
    };
    Ok(Splice {
        start: at,
        end: at,
        text: format!("{lead}{}", body(&dash, &" ".repeat(key_col))),
    })
}

/// A value as a YAML scalar in `style`; a plain one that YAML would read otherwise is quoted.
fn render(value: &str, style: Style) -> String {
    match style {
        Style::Plain if plain_ok(value) => value.to_owned(),
        Style::Single if !value.contains(['\n', '\r']) => {
            format!("'{}'", value.replace('\'', "''"))
        }
        _ => serde_json::to_string(value).unwrap_or_default(),
    }
}

/// True when `value` reads back as the same text written plain.
fn plain_ok(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    let reserved = matches!(
        value,
        "~" | "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
    );
    !reserved
        && !"-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !first.is_whitespace()
        && !value.ends_with(char::is_whitespace)
        && !value.ends_with(':')
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.contains(|c: char| c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, path: &str, value: &str) -> Result<String, (usize, String)> {
        set_paths(text, &[(path.to_owned(), value.to_owned())])
    }

    #[test]
    fn block_scalars_are_rewritten_line_by_line_under_their_header() {
        let text = "a: |-  # 注释\n  第一行\n  第二行\n\nb: >\n  折叠\n\n  两段\n\nc: x\n";
        let out = set(text, "a", "一\n二\n三").unwrap();
        assert_eq!(
            out,
            "a: |-  # 注释\n  一\n  二\n  三\n\nb: >\n  折叠\n\n  两段\n\nc: x\n"
        );
        let out = set(text, "b", "甲\n乙\n").unwrap();
        assert_eq!(
            out,
            "a: |-  # 注释\n  第一行\n  第二行\n\nb: >\n  甲\n\n  乙\n\nc: x\n"
        );
        let tree = yaml::parse(&out).unwrap();
        assert_eq!(tree.get("b").unwrap().scalar(), Some("甲\n乙\n"));
        // a value the header's chomping cannot give is left for a person
        assert!(set(text, "a", "结尾换行\n").is_err());
        assert!(set(text, "b", "没有结尾换行").is_err());
    }

    #[test]
    fn a_plain_value_ended_by_a_flow_comma_is_one_line() {
        let text = "p: [甲,\n   乙, 丙]\n";
        assert_eq!(set(text, "p[0]", "丁").unwrap(), "p: [丁,\n   乙, 丙]\n");
        // a quoted one over two lines is replaced whole, in its quotes
        assert_eq!(
            set("a: \"第一\n  第二\"  # 注\nb: x\n", "a", "新").unwrap(),
            "a: \"新\"  # 注\nb: x\n"
        );
        // a plain scalar going on under its line is still refused
        assert!(set("a: 第一\n  第二\nb: x\n", "a", "新").is_err());
    }
}

//! Invisible and control characters in YAML text: characters pasted from word processors that print
//! as nothing (zero-width space, soft hyphen, byte-order mark …) are removed from every scalar at
//! load, with a warning; control characters other than tab and newline are errors. Each finding
//! names the field and the character, and points at the character itself when it is written
//! literally in the file (an escape such as `"\u200B"` points at the start of the value).

use std::sync::Arc;

use super::yaml::{Node, Pos, Value};

/// Characters removed at load, with their Unicode names and a Chinese gloss.
const INVISIBLE: [(char, &str, &str); 6] = [
    ('\u{00AD}', "SOFT HYPHEN", "软连字符"),
    ('\u{200B}', "ZERO WIDTH SPACE", "零宽空格"),
    ('\u{200C}', "ZERO WIDTH NON-JOINER", "零宽不连字"),
    ('\u{200D}', "ZERO WIDTH JOINER", "零宽连字"),
    ('\u{2060}', "WORD JOINER", "零宽词连接符"),
    (
        '\u{FEFF}',
        "ZERO WIDTH NO-BREAK SPACE",
        "零宽不换行空格/BOM",
    ),
];

/// Names of the C0 control characters (U+0000–U+001F), as in Unicode's name aliases.
const C0_NAMES: [&str; 32] = [
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "BELL",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
];

/// One character finding, located in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub pos: Pos,
    /// The field path, e.g. `enterprises.leading[0].name`.
    pub path: String,
    /// True for a control character (an error); false for a removed invisible one (a warning).
    pub error: bool,
    pub rule: &'static str,
    pub message: String,
    pub hint: &'static str,
}

/// `U+200B ZERO WIDTH SPACE`: the code point and the character's name.
pub fn describe(c: char) -> String {
    let code = c as u32;
    let name = match code {
        0x00..=0x1F => C0_NAMES[code as usize],
        0x7F => "DELETE",
        0x85 => "NEXT LINE",
        0x80..=0x9F => "C1 CONTROL",
        _ => INVISIBLE
            .iter()
            .find(|(ch, ..)| *ch == c)
            .map_or("", |(_, name, _)| name),
    };
    format!("U+{code:04X} {name}").trim_end().to_owned()
}

fn is_invisible(c: char) -> bool {
    INVISIBLE.iter().any(|(ch, ..)| *ch == c)
}

fn is_forbidden_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

fn needs_scrub(text: &str) -> bool {
    text.chars()
        .any(|c| is_invisible(c) || is_forbidden_control(c))
}

/// Removes invisible characters from every key and scalar of `tree` (in place) and reports them,
/// and every forbidden control character, with the field path. `source` is the file's text.
pub fn scrub(tree: &mut Node, source: &str) -> Vec<Finding> {
    if !contains_bad(tree) {
        return Vec::new();
    }
    let starts = tree.scalar_positions();
    let mut walk = Walk {
        source,
        lines: line_starts(source),
        starts,
        next: 0,
        findings: Vec::new(),
    };
    walk.node(tree, "");
    walk.findings
}

struct Walk<'a> {
    source: &'a str,
    lines: Vec<usize>,
    /// Every scalar's start, in document order: the next one bounds where a value's text can be.
    starts: Vec<Pos>,
    /// Index in `starts` of the scalar the walk reaches next.
    next: usize,
    findings: Vec<Finding>,
}

impl Walk<'_> {
    fn node(&mut self, node: &mut Node, path: &str) {
        match &mut node.value {
            Value::Scalar { text, .. } => {
                let (start, end) = self.span();
                if needs_scrub(text) {
                    self.report(text, path, start, end);
                    text.retain(|c| !is_invisible(c));
                }
            }
            Value::Seq(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    self.node(item, &format!("{path}[{i}]"));
                }
            }
            Value::Map(entries) => {
                for (key, value) in entries.iter_mut() {
                    // A key is reported under its own (cleaned) name.
                    let name = key.scalar().unwrap_or_default().replace(is_invisible, "");
                    let child = if path.is_empty() {
                        name
                    } else {
                        format!("{path}.{name}")
                    };
                    self.node(key, &child);
                    self.node(value, &child);
                }
            }
            // What an alias repeats was reported where its anchor is written.
            Value::Alias(target) => {
                if contains_bad(target) {
                    scrub_silently(Arc::make_mut(target));
                }
            }
        }
    }

    /// The start of the current scalar and of the next one (or the end of the file).
    fn span(&mut self) -> (Pos, Option<Pos>) {
        let start = self.starts.get(self.next).copied().unwrap_or_default();
        self.next += 1;
        (start, self.starts.get(self.next).copied())
    }

    /// One finding per distinct character of `text` that is invisible or a forbidden control.
    fn report(&mut self, text: &str, path: &str, start: Pos, end: Option<Pos>) {
        let mut seen: Vec<char> = Vec::new();
        for c in text.chars() {
            if seen.contains(&c) || !(is_invisible(c) || is_forbidden_control(c)) {
                continue;
            }
            seen.push(c);
            let count = text.chars().filter(|&x| x == c).count();
            let times = if count > 1 {
                format!("（共 {count} 处）")
            } else {
                String::new()
            };
            let pos = self.find(c, start, end).unwrap_or(start);
            let finding = if is_invisible(c) {
                let gloss = INVISIBLE
                    .iter()
                    .find(|(ch, ..)| *ch == c)
                    .map_or("", |t| t.2);
                Finding {
                    pos,
                    path: path.to_owned(),
                    error: false,
                    rule: "text.invisible",
                    message: format!("已删除不可见字符 {}（{gloss}）{times}", describe(c)),
                    hint: "多由 Word、WPS 或网页粘贴带入，印出来看不见；读取时已删除，在文件中删掉它即可消除此警告",
                }
            } else {
                Finding {
                    pos,
                    path: path.to_owned(),
                    error: true,
                    rule: "text.control",
                    message: format!("文本中有控制字符 {}，无法排版{times}", describe(c)),
                    hint: "删除这个字符：文本中除 Tab 和换行外不能有控制字符",
                }
            };
            self.findings.push(finding);
        }
    }

    /// Where `c` is written literally between `start` and `end`, if it is.
    fn find(&self, c: char, start: Pos, end: Option<Pos>) -> Option<Pos> {
        let from = self.offset(start)?;
        let to = end
            .and_then(|e| self.offset(e))
            .unwrap_or(self.source.len());
        let at = from + self.source.get(from..to.max(from))?.find(c)?;
        let line = self.lines.partition_point(|&s| s <= at);
        let column = self.source[self.lines[line - 1]..at].chars().count() + 1;
        Some(Pos { line, column })
    }

    /// The byte offset of a 1-based line and column (counted in characters).
    fn offset(&self, pos: Pos) -> Option<usize> {
        let line_start = *self.lines.get(pos.line.checked_sub(1)?)?;
        let rest = &self.source[line_start..];
        let skip = rest
            .char_indices()
            .nth(pos.column.saturating_sub(1))
            .map_or(rest.len(), |(i, _)| i);
        Some(line_start + skip)
    }
}

fn line_starts(source: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(source.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

fn contains_bad(node: &Node) -> bool {
    match &node.value {
        Value::Scalar { text, .. } => needs_scrub(text),
        Value::Seq(items) => items.iter().any(contains_bad),
        Value::Map(entries) => entries
            .iter()
            .any(|(k, v)| contains_bad(k) || contains_bad(v)),
        Value::Alias(target) => contains_bad(target),
    }
}

/// Removes invisible characters without reporting (the copy an alias holds).
fn scrub_silently(node: &mut Node) {
    match &mut node.value {
        Value::Scalar { text, .. } => text.retain(|c| !is_invisible(c)),
        Value::Seq(items) => items.iter_mut().for_each(scrub_silently),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            scrub_silently(k);
            scrub_silently(v);
        }),
        Value::Alias(target) => {
            if contains_bad(target) {
                scrub_silently(Arc::make_mut(target));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    fn run(text: &str) -> (Node, Vec<Finding>) {
        let mut tree = parse(text).unwrap();
        let findings = scrub(&mut tree, text);
        (tree, findings)
    }

    #[test]
    fn invisible_characters_are_removed_and_located() {
        let (tree, f) = run("id: a\nname: 卿头\u{200B}镇\nlist:\n  - \"x\u{AD}y\"\n");
        assert_eq!(tree.get("name").unwrap().scalar(), Some("卿头镇"));
        assert_eq!(tree.locate("list[0]").scalar(), Some("xy"));
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].pos.line, f[0].pos.column), (2, 9));
        assert_eq!(f[0].path, "name");
        assert!(f[0].message.contains("U+200B ZERO WIDTH SPACE"));
        assert_eq!(
            (f[1].pos.line, f[1].pos.column, f[1].path.as_str()),
            (4, 7, "list[0]")
        );
        assert!(!f[1].error);
    }

    #[test]
    fn escaped_characters_point_at_the_value_and_controls_are_errors() {
        let (tree, f) = run("a: \"x\\u200By\"\nb: \"bell\\a\"\n");
        assert_eq!(tree.get("a").unwrap().scalar(), Some("xy"));
        assert_eq!((f[0].pos.line, f[0].pos.column), (1, 4));
        assert!(f[1].error);
        assert_eq!(f[1].path, "b");
        assert_eq!(f[1].message, "文本中有控制字符 U+0007 BELL，无法排版");
    }

    #[test]
    fn aliases_repeat_the_cleaned_value_without_a_second_warning() {
        let (tree, f) = run("a: &x \"p\u{2060}q\"\nb: *x\n");
        assert_eq!(tree.get("b").unwrap().scalar(), Some("pq"));
        assert_eq!(f.len(), 1);
    }
}

//! The located YAML parse: text → a tree of [`Node`]s, each knowing its 1-based line and column.
//!
//! serde_yaml reports positions only for its own errors; the checks after parsing need the position
//! of every node (a finding points at `enterprises.leading[0].credit_code`, not at the file). So the
//! model parses once with `yaml-rust2`'s event parser, driven iteratively (never through its
//! recursive `load`), into this tree, then deserializes the typed structs from the tree
//! (`super::de`). The builder defends against hostile input: nesting deeper than [`MAX_DEPTH`],
//! alias expansion beyond [`MAX_NODES`], duplicate keys, several documents, tags.

use std::collections::HashMap;
use std::sync::Arc;

use yaml_rust2::parser::{Event, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Nesting deeper than this is refused (a town file needs 5 levels; 64 leaves room).
pub const MAX_DEPTH: usize = 64;
/// At most this many nodes per file, counting each alias as the size of what it repeats.
pub const MAX_NODES: usize = 200_000;

/// A 1-based position in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// One YAML node with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

/// The shapes a node can take. Scalars stay text; the typed layer decides what they mean.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar; `plain` is false when it was quoted or a block scalar (so `"123"` stays text).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Entries in file order; keys are scalars (checked while building).
    Map(Vec<(Node, Node)>),
    /// An alias, shared with its anchor (kept shared so alias bombs cost nothing to hold).
    Alias(Arc<Node>),
}

impl Node {
    /// Follows aliases to the node that holds the value.
    pub fn resolved(&self) -> &Node {
        let mut node = self;
        while let Value::Alias(target) = &node.value {
            node = target;
        }
        node
    }

    /// True for a plain scalar that YAML would read as null (`~`, `null`, empty).
    pub fn is_null(&self) -> bool {
        matches!(&self.resolved().value, Value::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The positions of the scalars written in the file under this node (keys and values), in
    /// document order; aliases are not followed. The next one bounds where a value's text can
    /// be (`model::scrub`, the proofreading).
    pub fn scalar_positions(&self) -> Vec<Pos> {
        fn walk(node: &Node, out: &mut Vec<Pos>) {
            match &node.value {
                Value::Scalar { .. } => out.push(node.pos),
                Value::Seq(items) => items.iter().for_each(|n| walk(n, out)),
                Value::Map(entries) => entries.iter().for_each(|(k, v)| {
                    walk(k, out);
                    walk(v, out);
                }),
                Value::Alias(_) => {}
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// The entries of a mapping, or None.
    pub fn entries(&self) -> Option<&[(Node, Node)]> {
        match &self.resolved().value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key` in a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.scalar() == Some(key))
            .map(|(_, v)| v)
    }

    /// The text of a scalar.
    pub fn scalar(&self) -> Option<&str> {
        match &self.resolved().value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The node at a field path like `enterprises.leading[0].credit_code`, or the deepest node on
    /// the way that exists (so a finding about a missing field points at the mapping that lacks it).
    pub fn locate(&self, path: &str) -> &Node {
        let mut node = self;
        for segment in path_segments(path) {
            let next = match segment {
                Segment::Key(key) => node.get(key),
                Segment::Index(i) => match &node.resolved().value {
                    Value::Seq(items) => items.get(i),
                    _ => None,
                },
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    /// Drops the text of value scalars, keeping keys and positions: enough for [`Node::locate`],
    /// at a fraction of the memory (the typed values hold the data).
    pub fn slim(&mut self) {
        match &mut self.value {
            Value::Scalar { text, .. } => *text = String::new(),
            Value::Seq(items) => items.iter_mut().for_each(Node::slim),
            Value::Map(entries) => entries.iter_mut().for_each(|(_, v)| v.slim()),
            Value::Alias(_) => {}
        }
    }

    /// A short word for the node's shape, for messages ("文本", "列表", "映射").
    pub fn kind_name(&self) -> &'static str {
        match &self.resolved().value {
            Value::Scalar { .. } if self.is_null() => "空值",
            Value::Scalar { .. } => "文本",
            Value::Seq(_) => "列表",
            Value::Map(_) => "映射",
            Value::Alias(_) => unreachable!("resolved"),
        }
    }
}

enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

fn path_segments(path: &str) -> impl Iterator<Item = Segment<'_>> {
    path.split('.').filter(|s| !s.is_empty()).flat_map(|part| {
        let mut out = Vec::new();
        let (key, rest) = part.split_once('[').map_or((part, ""), |(k, r)| (k, r));
        if !key.is_empty() {
            out.push(Segment::Key(key));
        }
        for index in rest.split('[') {
            if let Ok(i) = index.trim_end_matches(']').parse() {
                out.push(Segment::Index(i));
            }
        }
        out
    })
}

/// Why a file could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub rule: &'static str,
    pub message: String,
    pub hint: Option<String>,
}

impl YamlError {
    fn new(pos: Pos, rule: &'static str, message: impl Into<String>, hint: Option<&str>) -> Self {
        Self {
            pos,
            rule,
            message: message.into(),
            hint: hint.map(str::to_owned),
        }
    }
}

fn pos(mark: Marker) -> Pos {
    Pos {
        line: mark.line(),
        column: mark.col() + 1,
    }
}

enum Frame {
    Seq {
        pos: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        anchor: usize,
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
    },
}

/// Parses one YAML document. An empty document (only comments) is an error: every content file
/// must say something.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    if let Some(p) = find_tab_indent(text) {
        return Err(YamlError::new(
            p,
            "yaml.tab",
            "缩进中使用了制表符（YAML 不允许用 Tab 缩进）",
            Some("把行首的 Tab 换成空格（建议每级 2 个空格）"),
        ));
    }
    let mut parser = Parser::new_from_str(text);
    let mut builder = Builder::default();
    // Each event builds the tree; a limit (depth, nodes, aliases) stops at once with its error.
    loop {
        let (event, mark) = parser.next_token().map_err(|e| scan_error(&e))?;
        if matches!(event, Event::StreamEnd) {
            break;
        }
        if let Some(node) = builder.event(event, pos(mark))? {
            builder.attach(node)?;
        }
    }
    builder.root.ok_or_else(|| {
        YamlError::new(
            Pos::default(),
            "yaml.empty",
            "文件为空（没有任何内容）",
            Some("用 `zyz new town <id>` 生成一个带注释的模板"),
        )
    })
}

/// The tree under construction: the open collections, the anchors seen, the finished root, and
/// the counts the limits apply to.
#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Arc<Node>, usize)>,
    root: Option<Node>,
    documents: usize,
    nodes: usize,
}

impl Builder {
    /// Takes one parser event at `here`; the node it completes, if any (opening a collection
    /// completes none).
    fn event(&mut self, event: Event, here: Pos) -> Result<Option<Node>, YamlError> {
        match event {
            Event::StreamStart | Event::Nothing | Event::DocumentEnd | Event::StreamEnd => Ok(None),
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    return Err(YamlError::new(
                        here,
                        "yaml.multiple-documents",
                        "一个文件只能有一个 YAML 文档（发现第二个 `---`）",
                        Some("每个镇一个文件；删除多余的 `---` 及其后的内容，或另存为新文件"),
                    ));
                }
                Ok(None)
            }
            Event::Alias(id) => self.alias(id, here).map(Some),
            Event::Scalar(text, style, anchor, tag) => {
                refuse_tag(tag, here)?;
                self.count_node(here)?;
                let node = Node {
                    pos: here,
                    value: Value::Scalar {
                        text,
                        plain: style == TScalarStyle::Plain,
                    },
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, (Arc::new(node.clone()), 1));
                }
                Ok(Some(node))
            }
            Event::SequenceStart(anchor, tag) => self.open(true, anchor, tag, here).map(|()| None),
            Event::MappingStart(anchor, tag) => self.open(false, anchor, tag, here).map(|()| None),
            Event::SequenceEnd | Event::MappingEnd => Ok(Some(self.close())),
        }
    }

    /// Counts one more node, refusing the file past [`MAX_NODES`].
    fn count_node(&mut self, here: Pos) -> Result<(), YamlError> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err(too_many(here));
        }
        Ok(())
    }

    /// An alias node, shared with its anchor and counted as the size of what it repeats.
    fn alias(&mut self, id: usize, here: Pos) -> Result<Node, YamlError> {
        let Some((target, size)) = self.anchors.get(&id) else {
            return Err(YamlError::new(
                here,
                "yaml.alias",
                "别名引用了不存在的锚点",
                None,
            ));
        };
        self.nodes += size;
        if self.nodes > MAX_NODES {
            return Err(too_many(here));
        }
        Ok(Node {
            pos: here,
            value: Value::Alias(Arc::clone(target)),
        })
    }

    /// Opens a sequence (`is_seq`) or a mapping, refusing tags and nesting deeper than
    /// [`MAX_DEPTH`].
    fn open(
        &mut self,
        is_seq: bool,
        anchor: usize,
        tag: Option<Tag>,
        here: Pos,
    ) -> Result<(), YamlError> {
        refuse_tag(tag, here)?;
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::new(
                here,
                "yaml.too-deep",
                format!("嵌套超过 {MAX_DEPTH} 层"),
                Some("内容文件只需要几层嵌套；检查是否误粘贴了生成的数据"),
            ));
        }
        self.count_node(here)?;
        self.stack.push(if is_seq {
            Frame::Seq {
                pos: here,
                anchor,
                items: Vec::new(),
            }
        } else {
            Frame::Map {
                pos: here,
                anchor,
                entries: Vec::new(),
                key: None,
            }
        });
        Ok(())
    }

    /// Closes the innermost open collection: its finished node (recorded under its anchor, if any).
    fn close(&mut self) -> Node {
        let frame = self
            .stack
            .pop()
            .expect("parser balances start and end events");
        let (node, anchor) = match frame {
            Frame::Seq { pos, anchor, items } => (
                Node {
                    pos,
                    value: Value::Seq(items),
                },
                anchor,
            ),
            Frame::Map {
                pos,
                anchor,
                entries,
                ..
            } => {
                // A block mapping's start event carries the position of its first `:`;
                // the mapping begins at its first key.
                let pos = match entries.first() {
                    Some((k, _)) if (k.pos.line, k.pos.column) < (pos.line, pos.column) => k.pos,
                    _ => pos,
                };
                (
                    Node {
                        pos,
                        value: Value::Map(entries),
                    },
                    anchor,
                )
            }
        };
        if anchor > 0 {
            let size = count(&node);
            self.anchors.insert(anchor, (Arc::new(node.clone()), size));
        }
        node
    }

    /// Attaches a finished node to its parent (as the root, an item, a key or a key's value);
    /// keys must be scalars and unique within their mapping.
    fn attach(&mut self, node: Node) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    if node.scalar().is_none() {
                        return Err(YamlError::new(
                            node.pos,
                            "yaml.complex-key",
                            "映射的键必须是文本",
                            Some("键写成 `name:` 这样的简单文本"),
                        ));
                    }
                    let name = node.scalar().unwrap_or_default();
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.scalar() == Some(name))
                    {
                        return Err(YamlError::new(
                            node.pos,
                            "yaml.duplicate-key",
                            format!("重复的键 `{name}`（第一次出现在第 {} 行）", first.pos.line),
                            Some("同一映射中每个键只能出现一次；合并或删除重复的一项"),
                        ));
                    }
                    *key = Some(node);
                }
                Some(k) => entries.push((k, node)),
            },
        }
        Ok(())
    }
}

/// Refuses a YAML tag (`!!str`, `!custom`): content files hold plain values.
fn refuse_tag(tag: Option<Tag>, here: Pos) -> Result<(), YamlError> {
    match tag {
        Some(tag) => Err(YamlError::new(
            here,
            "yaml.tag",
            format!("不支持 YAML 标签 `{}{}`", tag.handle, tag.suffix),
            Some("去掉标签，直接写值"),
        )),
        None => Ok(()),
    }
}

/// The error for a file past [`MAX_NODES`].
fn too_many(here: Pos) -> YamlError {
    YamlError::new(
        here,
        "yaml.too-large",
        format!("节点过多（含别名展开超过 {MAX_NODES} 个），可能是“别名炸弹”"),
        Some("不要用锚点和别名层层重复内容"),
    )
}

/// The number of nodes in the tree, counting each alias as the size of its target.
fn count(node: &Node) -> usize {
    match &node.value {
        Value::Scalar { .. } => 1,
        Value::Seq(items) => 1 + items.iter().map(count).sum::<usize>(),
        Value::Map(entries) => {
            1 + entries
                .iter()
                .map(|(k, v)| count(k) + count(v))
                .sum::<usize>()
        }
        Value::Alias(target) => count(target),
    }
}

fn scan_error(e: &yaml_rust2::ScanError) -> YamlError {
    let info = e.info();
    if info.contains("recursion limit exceeded") {
        return YamlError::new(
            pos(*e.marker()),
            "yaml.too-deep",
            format!("嵌套层数过多（{info}）"),
            Some("内容文件只需要几层嵌套；检查是否误粘贴了生成的数据"),
        );
    }
    let chinese = match info {
        i if i.contains("mapping values are not allowed") => {
            "此处不能出现映射（冒号位置不对，或缩进错误）"
        }
        i if i.contains("did not find expected key") => "缩进或结构错误：此处应为一个键",
        i if i.contains("did not find expected '-'") => "列表项缩进不一致：此处应为 `-`",
        i if i.contains("found character that cannot start any token") => {
            "此字符不能开始一个值（如 Tab、`@`、反引号）"
        }
        i if i.contains("unclosed quoted scalar")
            || i.contains("while scanning a quoted scalar") =>
        {
            "引号没有闭合"
        }
        i if i.contains("did not find expected ',' or ']'") => {
            "方括号列表没有闭合：缺少 `,` 或 `]`"
        }
        i if i.contains("did not find expected ',' or '}'") => {
            "花括号映射没有闭合：缺少 `,` 或 `}`"
        }
        _ => "YAML 语法错误",
    };
    YamlError::new(
        pos(*e.marker()),
        "yaml.syntax",
        format!("{chinese}（{info}）"),
        Some("检查这一行及上一行的缩进、冒号和引号"),
    )
}

/// The first tab used for indentation (YAML forbids it; the parser's own message is obscure).
fn find_tab_indent(text: &str) -> Option<Pos> {
    if !text.contains('\t') {
        return None;
    }
    for (i, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        if let Some(col) = line[..indent].find('\t') {
            let rest = &line[indent..];
            // A tab before a comment or on a blank line is harmless.
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            return Some(Pos {
                line: i + 1,
                column: col + 1,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let n = parse("a: 1\nb:\n  c: [x, y]\n").unwrap();
        assert_eq!(n.get("a").unwrap().pos, Pos { line: 1, column: 4 });
        let c = n.locate("b.c[1]");
        assert_eq!(c.scalar(), Some("y"));
        assert_eq!(
            c.pos,
            Pos {
                line: 3,
                column: 10
            }
        );
        assert_eq!(n.locate("b.missing").pos, Pos { line: 3, column: 3 });
    }

    #[test]
    fn deep_nesting_is_refused_without_overflow() {
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = parse(&text).unwrap_err();
        assert_eq!(e.rule, "yaml.too-deep");
    }

    #[test]
    fn deep_block_nesting_is_refused_without_overflow() {
        let text = "- ".repeat(10_000) + "x\n";
        let e = parse(&text).unwrap_err();
        assert_eq!(
            (e.rule, e.pos.line, e.pos.column),
            ("yaml.too-deep", 1, 129)
        );
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text += &format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            );
        }
        assert_eq!(parse(&text).unwrap_err().rule, "yaml.too-large");
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(
            (e.rule, e.pos.line, e.pos.column),
            ("yaml.duplicate-key", 3, 1)
        );
    }
}

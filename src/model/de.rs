//! Typed deserialization from the located tree ([`super::yaml::Node`]): a serde `Deserializer`
//! whose errors carry the line, column and field path of the offending node, in Chinese, with
//! "did you mean" for unknown fields and values.
//!
//! Scalars are text until a type asks: a plain `123` is an integer for an integer field and the
//! text "123" for a text field; `yes`/`no` are never booleans (only `true`/`false`).

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::yaml::{Node, Value};

pub use super::de_error::{DeError, DeErrorDetails, did_you_mean, tagged};

/// The field path of a node, as a chain borrowed from the callers' stack frames (no allocation
/// unless an error is reported).
#[derive(Clone, Copy)]
pub enum PathRef<'p> {
    Root,
    Key(&'p PathRef<'p>, &'p str),
    Index(&'p PathRef<'p>, usize),
}

impl PathRef<'_> {
    pub fn render(&self) -> String {
        match self {
            PathRef::Root => String::new(),
            PathRef::Key(parent, key) => {
                let p = parent.render();
                if p.is_empty() {
                    (*key).to_owned()
                } else {
                    format!("{p}.{key}")
                }
            }
            PathRef::Index(parent, i) => format!("{}[{i}]", parent.render()),
        }
    }
}

/// Deserializes `T` from a located node.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &'de Node) -> Result<T, DeError> {
    T::deserialize(NodeDe {
        node,
        path: PathRef::Root,
    })
}

/// The deserializer over one node.
pub struct NodeDe<'de, 'p> {
    node: &'de Node,
    path: PathRef<'p>,
}

impl<'de> NodeDe<'de, '_> {
    fn locate(&self, mut e: DeError) -> DeError {
        if e.pos.is_none() {
            e.pos = Some(self.node.pos);
            e.path = Some(self.path.render());
        }
        e
    }

    fn target(&self) -> &'de Node {
        self.node.resolved()
    }

    fn wrong(&self, want: &str) -> DeError {
        let got = match &self.target().value {
            Value::Scalar { text, .. } if !self.node.is_null() => {
                format!("文本 \"{}\"", shorten(text))
            }
            _ => self.node.kind_name().to_owned(),
        };
        let hint = if want.starts_with("列表") {
            Some("写成 `[甲, 乙]`，或每项一行、以 `- ` 开头".to_owned())
        } else if want.starts_with("映射") {
            Some("写成下一行起缩进的若干 `键: 值`".to_owned())
        } else if want == "文本" {
            Some("在冒号后写上文字；不需要时删除这一行（可选字段）".to_owned())
        } else {
            None
        };
        self.locate(DeError::new(
            "type.invalid",
            format!("类型不对：应为{want}，实际是{got}"),
            hint,
        ))
    }

    fn integer<T: TryFrom<i128>>(&self, want: &str) -> Result<T, DeError> {
        let text = match &self.target().value {
            Value::Scalar { text, plain: true } if !self.node.is_null() => text,
            _ => return Err(self.wrong(want)),
        };
        let n: i128 = text.parse().map_err(|_| {
            let mut e = self.wrong(want);
            e.hint = Some("只写阿拉伯数字，不带单位，如 `500`".into());
            e
        })?;
        T::try_from(n).map_err(|_| {
            let message = if n < 0 {
                format!("此处不能为负数：{n}")
            } else {
                format!("数值超出范围：{n}")
            };
            self.locate(DeError::new("type.range", message, None))
        })
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 40 {
        text.chars().take(40).collect::<String>() + "…"
    } else {
        text.to_owned()
    }
}

macro_rules! integer_methods {
    ($($method:ident $visit:ident $ty:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
            let n: $ty = self.integer("整数")?;
            visitor.$visit(n).map_err(|e| self.locate(e))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for NodeDe<'de, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let node = self.target();
        let result = match &node.value {
            Value::Scalar { text, plain: true } => {
                if self.node.is_null() {
                    visitor.visit_unit()
                } else if text == "true" {
                    visitor.visit_bool(true)
                } else if text == "false" {
                    visitor.visit_bool(false)
                } else if let Ok(n) = text.parse::<i64>() {
                    visitor.visit_i64(n)
                } else if let Some(f) = parse_float(text) {
                    visitor.visit_f64(f)
                } else {
                    visitor.visit_borrowed_str(text)
                }
            }
            Value::Scalar { text, plain: false } => visitor.visit_borrowed_str(text),
            Value::Seq(_) => return self.deserialize_seq(visitor),
            Value::Map(_) => return self.deserialize_map(visitor),
            Value::Alias(_) => unreachable!("resolved"),
        };
        result.map_err(|e| self.locate(e))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.target().value {
            Value::Scalar {
                ref text,
                plain: true,
            } if text == "true" || text == "false" => visitor
                .visit_bool(text == "true")
                .map_err(|e| self.locate(e)),
            _ => Err(self.wrong("true 或 false")),
        }
    }

    integer_methods!(
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16, deserialize_i32 visit_i32 i32,
        deserialize_i64 visit_i64 i64, deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64
    );

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.target().value {
            Value::Scalar { text, plain: true } => match parse_float(text) {
                Some(f) => visitor.visit_f64(f).map_err(|e| self.locate(e)),
                None => Err(self.wrong("数字")),
            },
            _ => Err(self.wrong("数字")),
        }
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.target().value {
            Value::Scalar { text, .. } if !self.node.is_null() => {
                visitor.visit_borrowed_str(text).map_err(|e| self.locate(e))
            }
            _ => Err(self.wrong("文本")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() {
            visitor.visit_none().map_err(|e| self.locate(e))
        } else {
            let (node, path) = (self.node, self.path);
            visitor
                .visit_some(NodeDe { node, path })
                .map_err(|e| NodeDe { node, path }.locate(e))
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.node.is_null() {
            visitor.visit_unit().map_err(|e| self.locate(e))
        } else {
            Err(self.wrong("空值"))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let (node, path) = (self.node, self.path);
        visitor
            .visit_newtype_struct(NodeDe { node, path })
            .map_err(|e| self.locate(e))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.target().value {
            Value::Seq(items) => {
                let path = self.path;
                let access = SeqAcc {
                    items: items.iter().enumerate(),
                    path: &path,
                };
                visitor.visit_seq(access).map_err(|e| self.locate(e))
            }
            _ => Err(self.wrong("列表")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.target().value {
            Value::Map(entries) => {
                let path = self.path;
                let access = MapAcc {
                    entries: entries.iter(),
                    value: None,
                    path: &path,
                };
                visitor.visit_map(access).map_err(|e| self.locate(e))
            }
            _ => Err(self.wrong("映射（`键: 值` 的若干行）")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.target().value {
            Value::Scalar { text, .. } if !self.node.is_null() => {
                let access: de::value::StrDeserializer<'_, DeError> =
                    text.as_str().into_deserializer();
                visitor.visit_enum(access).map_err(|e| self.locate(e))
            }
            _ => {
                let list = variants
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join("、");
                let mut e = self.wrong("以下取值之一");
                e.hint = Some(format!("可选值：{list}"));
                Err(e)
            }
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }
}

fn parse_float(text: &str) -> Option<f64> {
    let looks_numeric = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if looks_numeric {
        text.parse().ok()
    } else {
        None
    }
}

struct SeqAcc<'de, 'p, I: Iterator<Item = (usize, &'de Node)>> {
    items: I,
    path: &'p PathRef<'p>,
}

impl<'de, 'p, I: Iterator<Item = (usize, &'de Node)>> de::SeqAccess<'de> for SeqAcc<'de, 'p, I> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            None => Ok(None),
            Some((i, node)) => seed
                .deserialize(NodeDe {
                    node,
                    path: PathRef::Index(self.path, i),
                })
                .map(Some),
        }
    }
}

struct MapAcc<'de, 'p> {
    entries: std::slice::Iter<'de, (Node, Node)>,
    value: Option<(&'de str, &'de Node)>,
    path: &'p PathRef<'p>,
}

impl<'de, 'p> de::MapAccess<'de> for MapAcc<'de, 'p> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            None => Ok(None),
            Some((key, value)) => {
                let name = key.scalar().unwrap_or_default();
                self.value = Some((name, value));
                seed.deserialize(NodeDe {
                    node: key,
                    path: PathRef::Key(self.path, name),
                })
                .map(Some)
            }
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let (name, node) = self
            .value
            .take()
            .expect("serde calls next_key before next_value");
        seed.deserialize(NodeDe {
            node,
            path: PathRef::Key(self.path, name),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::super::yaml::parse;
    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        name: String,
        jobs: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
    }

    fn err(text: &str) -> DeError {
        let node = parse(text).unwrap();
        from_node::<Outer>(&node).unwrap_err()
    }

    #[test]
    fn unknown_field_points_at_the_key_and_guesses() {
        let e = err("items:\n  - name: a\n    jobz: 3\n");
        assert_eq!(e.message, "未知字段 `jobz`，是否想写 `jobs`？");
        assert_eq!((e.pos.unwrap().line, e.pos.unwrap().column), (3, 5));
        assert_eq!(e.path.as_deref(), Some("items[0].jobz"));
    }

    #[test]
    fn missing_field_points_at_the_mapping() {
        let e = err("items:\n  - name: a\n");
        assert_eq!(e.message, "缺少必填字段 `jobs`");
        assert_eq!((e.pos.unwrap().line, e.pos.unwrap().column), (2, 5));
        assert_eq!(e.full_path(), "items[0].jobs");
    }

    #[test]
    fn negative_integer_is_a_range_error() {
        let e = err("items:\n  - name: a\n    jobs: -3\n");
        assert_eq!(e.message, "此处不能为负数：-3");
        assert_eq!(e.path.as_deref(), Some("items[0].jobs"));
    }
}

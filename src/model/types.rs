//! Value types that cannot be wrong: exact money, exact percentages, calendar dates, and
//! 统一社会信用代码 with a verified check character ([`CreditCode`], kept in `credit_code.rs` and
//! re-exported here). Each parses from the text an office writes, refuses anything ambiguous with a
//! hint, and serializes for templates.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::de::tagged;

pub use super::credit_code::CreditCode;

// ---------------------------------------------------------------------------------------------
// Money

/// An amount of money, exact, in 元 (yuan). Parsed from `3.2亿元`, `5000万元`, `20000万`, `1.5亿`,
/// `12345元`, or `{amount: 20000, unit: 万元}`; a bare number is refused (which unit?).
/// Serializes as the integer number of 元.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

const WAN: i64 = 10_000;
const YI: i64 = 100_000_000;

/// Why a money text was refused: (rule, message, hint).
pub type ValueError = (&'static str, String, String);

impl Money {
    /// An amount of `yuan` 元.
    pub const fn yuan(yuan: i64) -> Self {
        Money(yuan)
    }

    /// The amount in 元.
    pub const fn as_yuan(self) -> i64 {
        self.0
    }

    /// Parses the text an office writes. See the type's documentation.
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        let hint =
            "写成 `2.35亿元`、`5000万元`、`12345元`，或 `{amount: 20000, unit: 万元}`".to_owned();
        if t.is_empty() {
            return Err(("type.money", "金额为空".into(), hint));
        }
        if t.starts_with('-') || t.starts_with('负') || t.starts_with('−') {
            return Err((
                "type.money-negative",
                format!("金额不能为负数：{t}"),
                "产值、营收等金额应为 0 或正数".into(),
            ));
        }
        let (number, unit) =
            if let Some(n) = t.strip_suffix("亿元").or_else(|| t.strip_suffix('亿')) {
                (n, YI)
            } else if let Some(n) = t.strip_suffix("万元").or_else(|| t.strip_suffix('万')) {
                (n, WAN)
            } else if let Some(n) = t.strip_suffix('元') {
                (n, 1)
            } else if is_decimal(t) {
                return Err(("type.money-unit", format!("金额缺少单位：{t}"), hint));
            } else {
                return Err(("type.money", format!("无法识别的金额：{t}"), hint));
            };
        let number = number.trim();
        if !is_decimal(number) {
            let why = if number.contains(['亿', '万']) {
                format!("金额写法有歧义（混用了多个单位）：{t}")
            } else if number.contains(',') || number.contains('，') {
                format!("金额中不要用千分位逗号：{t}")
            } else {
                format!("无法识别的金额：{t}")
            };
            return Err(("type.money", why, hint));
        }
        let yuan = scale(number, unit).ok_or_else(|| {
            (
                "type.money",
                format!("金额须精确到元（或数值过大）：{t}"),
                "元以下不计；核对小数位数".to_owned(),
            )
        })?;
        Ok(Money(yuan))
    }

    /// Formats as offices write it: `2.35亿元` from 1亿 up, `5000万元` from 1万 up, else `9999元`.
    pub fn to_chinese(self) -> String {
        let (sign, v) = if self.0 < 0 {
            ("-", self.0.unsigned_abs())
        } else {
            ("", self.0 as u64)
        };
        let (unit, per, digits) = if v >= YI as u64 {
            ("亿元", YI as u64, 8)
        } else if v >= WAN as u64 {
            ("万元", WAN as u64, 4)
        } else {
            return format!("{sign}{v}元");
        };
        let (whole, frac) = (v / per, v % per);
        if frac == 0 {
            format!("{sign}{whole}{unit}")
        } else {
            let f = format!("{frac:0digits$}");
            format!("{sign}{whole}.{}{unit}", f.trim_end_matches('0'))
        }
    }
}

fn is_decimal(s: &str) -> bool {
    let mut parts = s.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// `number` (a decimal) × `unit`, if the result is a whole number that fits.
fn scale(number: &str, unit: i64) -> Option<i64> {
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let frac = frac.trim_end_matches('0');
    let mut value: i64 = whole.parse::<i64>().ok()?.checked_mul(unit)?;
    if !frac.is_empty() {
        let denom = 10i64.checked_pow(u32::try_from(frac.len()).ok()?)?;
        let f: i64 = frac.parse().ok()?;
        let scaled = f.checked_mul(unit)?;
        if scaled % denom != 0 {
            return None;
        }
        value = value.checked_add(scaled / denom)?;
    }
    Some(value)
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_chinese())
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("金额，如 2.35亿元")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v).map_err(|(r, m, h)| E::custom(tagged(r, &m, &h)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Money, E> {
                self.visit_str(&v.to_string())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Money, A::Error> {
                let (mut amount, mut unit): (Option<String>, Option<String>) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "amount" => amount = Some(map.next_value::<Scalar>()?.0),
                        "unit" => unit = Some(map.next_value::<String>()?),
                        other => return Err(de::Error::unknown_field(other, &["amount", "unit"])),
                    }
                }
                let amount = amount.ok_or_else(|| de::Error::missing_field("amount"))?;
                let unit = unit.ok_or_else(|| de::Error::missing_field("unit"))?;
                if !matches!(unit.as_str(), "元" | "万元" | "亿元") {
                    return Err(de::Error::custom(tagged(
                        "type.money-unit",
                        &format!("不认识的金额单位 `{unit}`"),
                        "unit 可选：元、万元、亿元",
                    )));
                }
                Money::parse(&format!("{amount}{unit}"))
                    .map_err(|(r, m, h)| de::Error::custom(tagged(r, &m, &h)))
            }
        }
        d.deserialize_any(V)
    }
}

/// Deserializes a scalar and parses its text inside the visitor, so a parse error is located at
/// the node that holds the text.
pub(super) fn parse_scalar<'de, D: Deserializer<'de>, T>(
    d: D,
    what: &'static str,
    parse: fn(&str) -> Result<T, ValueError>,
) -> Result<T, D::Error> {
    struct V<T> {
        what: &'static str,
        parse: fn(&str) -> Result<T, ValueError>,
    }
    impl<T> V<T> {
        fn run<E: de::Error>(&self, text: &str) -> Result<T, E> {
            (self.parse)(text).map_err(|(r, m, h)| E::custom(tagged(r, &m, &h)))
        }
    }
    impl<T> Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.what)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            self.run(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            self.run(&v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            self.run(&v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<T, E> {
            self.run(&v.to_string())
        }
    }
    d.deserialize_any(V { what, parse })
}

/// Any scalar, as text (for `amount: 20000`).
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("数字")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "金额，精确到元：如 `2.35亿元`、`5000万元`、`20000万`、`12345元`；不带单位的数字不接受，需写成 {amount, unit}",
            "oneOf": [
                { "type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?(亿元|亿|万元|万|元)$" },
                {
                    "type": "object",
                    "properties": {
                        "amount": { "description": "数额", "type": ["number", "string"] },
                        "unit": { "description": "单位", "enum": ["元", "万元", "亿元"] }
                    },
                    "required": ["amount", "unit"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Percent

/// A percentage, exact, in basis points (1% = 100). Parsed from `12.5%` (at most two decimals,
/// 0–100%). Serializes as the text `12.5%`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(u32);

impl Percent {
    pub const fn basis_points(bp: u32) -> Self {
        Percent(bp)
    }

    pub const fn as_basis_points(self) -> u32 {
        self.0
    }

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        let hint = "写成百分数，如 `12.5%`（最多两位小数）".to_owned();
        let Some(number) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) else {
            let message = if is_decimal(t) {
                format!("百分比缺少 % 号：{t}")
            } else {
                format!("无法识别的百分比：{t}")
            };
            return Err(("type.percent", message, hint));
        };
        if number.trim().starts_with('-') {
            return Err(("type.percent", format!("百分比不能为负数：{t}"), hint));
        }
        if !is_decimal(number.trim()) {
            return Err(("type.percent", format!("无法识别的百分比：{t}"), hint));
        }
        let bp = scale(number.trim(), 100).ok_or_else(|| {
            (
                "type.percent",
                format!("百分比最多两位小数：{t}"),
                hint.clone(),
            )
        })?;
        if bp > 10_000 {
            return Err(("type.percent", format!("百分比不能超过 100%：{t}"), hint));
        }
        Ok(Percent(bp as u32))
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        if frac == 0 {
            write!(f, "{whole}%")
        } else {
            let s = format!("{frac:02}");
            write!(f, "{whole}.{}%", s.trim_end_matches('0'))
        }
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_scalar(d, "百分比", Percent::parse)
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "百分比，如 `12.5%`（0–100%，最多两位小数）",
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-9]{1,2})?%$"
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Date

/// A calendar date, from `2025-03-31` (ISO, zero-padded). Serializes as that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Default for Date {
    /// 2000-01-01, a placeholder (only used when city.yaml failed to load).
    fn default() -> Self {
        Date {
            year: 2000,
            month: 1,
            day: 1,
        }
    }
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Self> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (day >= 1 && day <= days && year >= 1900).then_some(Date { year, month, day })
    }

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let t = text.trim();
        let b = t.as_bytes();
        let shape = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape {
            return Err((
                "type.date",
                format!("日期格式应为 YYYY-MM-DD：{t}"),
                "例如 `2025-03-31`（月、日补零）".into(),
            ));
        }
        let n = |r: std::ops::Range<usize>| t[r].parse::<u16>().unwrap_or(0);
        Date::new(n(0..4), n(5..7) as u8, n(8..10) as u8).ok_or_else(|| {
            (
                "type.date",
                format!("不存在的日期：{t}"),
                "核对月份和天数（如 2 月没有 30 日）".into(),
            )
        })
    }

    /// `2025年3月31日`, as GB/T 9704 writes dates (no zero padding).
    pub fn to_chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    /// The quarter, 1–4.
    pub fn quarter(self) -> u8 {
        (self.month - 1) / 3 + 1
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        parse_scalar(d, "日期", Date::parse)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "日期，YYYY-MM-DD，如 `2025-03-31`",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_parses_office_notation_exactly() {
        let cases = [
            ("3.2亿元", 320_000_000),
            ("5000万元", 50_000_000),
            ("20000万", 200_000_000),
            ("1.5亿", 150_000_000),
            ("12345元", 12_345),
            ("2.35亿元", 235_000_000),
            ("0.00000001亿元", 1),
            ("199999999元", 199_999_999),
        ];
        for (text, yuan) in cases {
            assert_eq!(Money::parse(text).unwrap().as_yuan(), yuan, "{text}");
        }
    }

    #[test]
    fn money_refuses_ambiguity() {
        for (text, rule) in [
            ("20000", "type.money-unit"),
            ("-5000万元", "type.money-negative"),
            ("2亿3000万元", "type.money"),
            ("1,000万元", "type.money"),
            ("0.5元", "type.money"),
            ("很多", "type.money"),
            ("99999999999999亿元", "type.money"),
        ] {
            assert_eq!(Money::parse(text).unwrap_err().0, rule, "{text}");
        }
    }

    #[test]
    fn money_formats_as_offices_write() {
        for (yuan, text) in [
            (235_000_000, "2.35亿元"),
            (200_000_000, "2亿元"),
            (50_000_000, "5000万元"),
            (15_000, "1.5万元"),
            (9_999, "9999元"),
            (0, "0元"),
            (100_000_001, "1.00000001亿元"),
        ] {
            assert_eq!(Money::yuan(yuan).to_chinese(), text);
        }
    }

    #[test]
    fn percent_is_exact() {
        assert_eq!(Percent::parse("12.5%").unwrap().as_basis_points(), 1250);
        assert_eq!(Percent::parse("10%").unwrap().to_string(), "10%");
        assert_eq!(Percent::parse("9.99%").unwrap().to_string(), "9.99%");
        assert!(Percent::parse("12.345%").is_err());
        assert!(Percent::parse("101%").is_err());
        assert!(Percent::parse("12").is_err());
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(
            Date::parse("2024-02-29").unwrap().to_chinese(),
            "2024年2月29日"
        );
        assert!(Date::parse("2025-02-29").is_err());
        assert!(Date::parse("2025/3/31").is_err());
        assert_eq!(Date::parse("2025-03-31").unwrap().to_string(), "2025-03-31");
    }
}

//! Numbers (GB/T 15835-2011, with GB/T 15834-2011's 连接号): ranges joined by a hyphen or a
//! half-width tilde (`proofread.range`: 一字线 — for spans of time and ordinals, 浪纹线 ～ for
//! values), percent ranges with the sign on both ends (`proofread.percent-range`), years written
//! in full (`proofread.year`), and approximate numbers without a 顿号 (`proofread.approx`).

use super::{Chars, Hit, is_han};

/// Connectors seen between two numbers; `～` and `—` are the standard's own.
const CONNECTORS: [char; 6] = ['-', '~', '－', '〜', '～', '—'];

/// Units after a range that make it a span of time or of ordinals (一字线).
const TIME_UNITS: [char; 5] = ['月', '日', '号', '时', '点'];

/// A run of ASCII digits (with a decimal point inside) at character indices `start..end`.
#[derive(Debug, Clone, Copy)]
struct Num {
    start: usize,
    end: usize,
}

fn numbers(cs: &Chars) -> Vec<Num> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < cs.len() {
        if !cs.chars[i].1.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < cs.len()
            && (cs.chars[i].1.is_ascii_digit()
                || cs.chars[i].1 == '.'
                    && cs.at(i + 1).is_some_and(|c| c.is_ascii_digit())
                    && i > start)
        {
            i += 1;
        }
        out.push(Num { start, end: i });
    }
    out
}

pub(super) fn check(cs: &Chars, out: &mut Vec<Hit>) {
    let nums = numbers(cs);
    for pair in nums.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.start == a.end + 1 && cs.at(a.end).is_some_and(|c| CONNECTORS.contains(&c)) {
            range(cs, a, b, out);
        }
    }
    for &n in &nums {
        year(cs, n, out);
    }
    approx(cs, out);
}

fn digits<'a>(cs: &'a Chars, n: Num) -> &'a str {
    &cs.text[cs.byte(n.start)..cs.byte(n.end)]
}

/// True when the number is part of a code, a model or a standard's number (`GB/T 15834-2011`,
/// `WZ-10`, `0359-8000004`, `3-2-11`): a letter, `/`, `-` or `.` before it, or a leading zero.
fn in_code(cs: &Chars, a: Num, b: Num) -> bool {
    let before = cs.before(a.start);
    let after = cs.at(b.end);
    before.is_some_and(|c| c.is_ascii_alphanumeric() || "/-.－".contains(c) || c == ' ')
        || after.is_some_and(|c| c.is_ascii_alphanumeric() || "-－/".contains(c))
        || [a, b]
            .iter()
            .any(|&n| digits(cs, n).starts_with('0') && n.end - n.start > 1)
}

fn range(cs: &Chars, a: Num, b: Num, out: &mut Vec<Hit>) {
    let sep = cs.chars[a.end].1;
    if in_code(cs, a, b) {
        return;
    }
    let sep_bytes = (cs.byte(a.end), cs.byte(a.end + 1));
    let after = cs.at(b.end);
    let normal = if matches!(sep, '～' | '—') {
        sep
    } else {
        '～'
    };
    // 10-20%, 5-10万元: the sign or the magnitude belongs to both ends (10%～20%, 5万～10万元)
    if let Some(sign @ ('%' | '％' | '万' | '亿')) = after {
        let what = if matches!(sign, '万' | '亿') {
            "带万、亿的数值范围"
        } else {
            "百分数范围"
        };
        out.push(
            Hit::new(
                "proofread.percent-range",
                sep_bytes.0,
                sep_bytes.1,
                format!(
                    "{what}只在后一个数值带“{sign}”：{}{sep}{}{sign}",
                    digits(cs, a),
                    digits(cs, b)
                ),
            )
            .suggest(format!("{sign}{normal}")),
        );
        return;
    }
    if matches!(sep, '～' | '—') {
        return;
    }
    let (x, y) = (digits(cs, a), digits(cs, b));
    let year = |s: &str| s.len() == 4 && s.parse::<u32>().is_ok_and(|v| (1900..=2100).contains(&v));
    let suggest = if year(x) && year(y) && y > x {
        '—'
    } else if after.is_some_and(is_han) {
        let ordinal = cs.before(a.start) == Some('第');
        if ordinal || after.is_some_and(|c| TIME_UNITS.contains(&c)) {
            '—'
        } else {
            '～'
        }
    } else {
        return;
    };
    let what = if suggest == '—' {
        "时间或序数的起止"
    } else {
        "数值范围"
    };
    out.push(
        Hit::new(
            "proofread.range",
            sep_bytes.0,
            sep_bytes.1,
            format!("{what}用了“{sep}”：{x}{sep}{y}"),
        )
        .suggest(suggest.to_string()),
    );
}

/// `25年3月`, `25年度`: a two-digit year before a month or 年度.
fn year(cs: &Chars, n: Num, out: &mut Vec<Hit>) {
    if n.end - n.start != 2 || cs.at(n.end) != Some('年') {
        return;
    }
    if cs
        .before(n.start)
        .is_some_and(|c| c.is_ascii_alphanumeric() || "./-－～~—".contains(c))
    {
        return;
    }
    let next = cs.at(n.end + 1);
    let month = next.is_some_and(|c| c.is_ascii_digit()) && {
        let mut j = n.end + 1;
        while cs.at(j).is_some_and(|c| c.is_ascii_digit()) {
            j += 1;
        }
        j - (n.end + 1) <= 2 && cs.at(j) == Some('月')
    };
    if !(month || next == Some('度')) {
        return;
    }
    let yy = digits(cs, n);
    let full = if yy.parse::<u32>().unwrap_or(0) <= 50 {
        format!("20{yy}")
    } else {
        format!("19{yy}")
    };
    out.push(
        Hit::new(
            "proofread.year",
            cs.byte(n.start),
            cs.byte(n.end),
            format!("年份简写成了两位：{yy}年"),
        )
        .suggest(full),
    );
}

const CN_DIGITS: [char; 9] = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Measure words and units after which `三、四` is an approximate number.
const MEASURES: &str = "个天年人次家名位倍岁十百千万亿成斤米里亩吨户辆台套件座所场周遍元";

fn cn_value(c: char) -> Option<usize> {
    if c == '两' {
        return Some(2);
    }
    CN_DIGITS.iter().position(|&d| d == c).map(|p| p + 1)
}

/// `三、四个` → `三四个`: two neighbouring Chinese numerals (or 三、五) before a measure word.
fn approx(cs: &Chars, out: &mut Vec<Hit>) {
    for i in 1..cs.len().saturating_sub(2) {
        if cs.chars[i].1 != '、' {
            continue;
        }
        let (Some(x), Some(y), Some(m)) = (
            cs.before(i).and_then(cn_value),
            cs.at(i + 1).and_then(cn_value),
            cs.at(i + 2),
        ) else {
            continue;
        };
        let neighbours = y == x + 1 || (x, y) == (3, 5);
        // 一、二 before a measure word is a list (一、二次设备, 一、二等奖): the approximate
        // number of one or two is written 一两; only 一、二十 (一二十个) is approximate
        if x == 1 && !"十百千万亿".contains(m) {
            continue;
        }
        let before = i.checked_sub(2).and_then(|j| cs.at(j));
        let listed = before.is_some_and(|c| c == '第' || c == '、');
        let grade = cs.at(i + 3) == Some('级');
        if neighbours && MEASURES.contains(m) && !listed && !grade {
            let (p, q) = (cs.chars[i - 1].1, cs.chars[i + 1].1);
            out.push(
                Hit::new(
                    "proofread.approx",
                    cs.byte(i),
                    cs.byte(i + 1),
                    format!("概数“{p}、{q}{m}”中间用了顿号"),
                )
                .suggest(""),
            );
        }
    }
}

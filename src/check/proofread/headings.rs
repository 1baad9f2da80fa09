//! Heading numbers at the start of a line (GB/T 9704-2012 7.3.3): the four levels are written
//! 一、 （一） 1. （1） (`proofread.heading`: `一.` `一，` `1、` `1．` `（一）、` `（1）.` …), and
//! within one value each level counts on by one (`proofread.heading-order`).

use super::{Chars, Hit, is_han};

const CN: &str = "一二三四五六七八九十";

/// The value of a Chinese numeral up to 99 (一 … 九十九).
fn cn_number(s: &str) -> Option<u32> {
    let d = |c: char| CN.chars().position(|x| x == c).map(|p| p as u32 + 1);
    let v: Vec<char> = s.chars().collect();
    match v.as_slice() {
        [a] => d(*a),
        ['十', b] => Some(10 + d(*b)?),
        [a, '十'] => Some(d(*a)? * 10),
        [a, '十', b] => Some(d(*a)? * 10 + d(*b)?),
        _ => None,
    }
}

fn cn_text(n: u32) -> String {
    let d = |k: u32| CN.chars().nth(k as usize - 1).unwrap_or('?');
    match n {
        1..=10 => d(n).to_string(),
        11..=19 => format!("十{}", d(n - 10)),
        _ if n.is_multiple_of(10) => format!("{}十", d(n / 10)),
        _ => format!("{}十{}", d(n / 10), d(n % 10)),
    }
}

/// A heading number found at a line start.
struct Token {
    level: usize,
    number: u32,
    /// Character index of the separator written after it, if it is the wrong one.
    wrong_sep: Option<(usize, &'static str)>,
    /// Character index where the token starts.
    at: usize,
}

/// Character indices where lines start (after leading spaces).
fn line_starts(cs: &Chars) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at_start = true;
    for i in 0..cs.len() {
        let c = cs.chars[i].1;
        if c == '\n' {
            at_start = true;
        } else if at_start && c != ' ' && c != '\u{3000}' {
            out.push(i);
            at_start = false;
        }
    }
    out
}

/// The run of characters from `i` that satisfy `f`.
fn take(cs: &Chars, i: usize, f: impl Fn(char) -> bool) -> usize {
    (i..cs.len()).take_while(|&j| f(cs.chars[j].1)).count()
}

fn token(cs: &Chars, i: usize) -> Option<Token> {
    let text_after = |j: usize| cs.at(j).is_some_and(is_han);
    let c = cs.at(i)?;
    if c == '（' || c == '(' {
        let n = take(cs, i + 1, |c| CN.contains(c) || c.is_ascii_digit());
        let close = cs.at(i + 1 + n)?;
        if n == 0 || !(close == '）' || close == ')') {
            return None;
        }
        let body = &cs.text[cs.byte(i + 1)..cs.byte(i + 1 + n)];
        let (level, number) = match body.parse::<u32>() {
            Ok(v) => (4, v),
            Err(_) => (2, cn_number(body)?),
        };
        let sep = i + 2 + n;
        let wrong =
            matches!(cs.at(sep), Some('、' | '.' | '．' | '，' | ',')) && text_after(sep + 1);
        return Some(Token {
            level,
            number,
            wrong_sep: wrong.then_some((sep, "")),
            at: i,
        });
    }
    let n = take(cs, i, |c| CN.contains(c));
    if n > 0 {
        let number = cn_number(&cs.text[cs.byte(i)..cs.byte(i + n)])?;
        let sep = cs.at(i + n)?;
        // 一、二季度 is a list of numerals, not a heading
        if !text_after(i + n + 1) || cs.at(i + n + 1).is_some_and(|c| CN.contains(c)) {
            return None;
        }
        return match sep {
            '、' => Some(Token {
                level: 1,
                number,
                wrong_sep: None,
                at: i,
            }),
            '.' | '．' | '，' | ',' => Some(Token {
                level: 1,
                number,
                wrong_sep: Some((i + n, "、")),
                at: i,
            }),
            _ => None,
        };
    }
    let n = take(cs, i, |c| c.is_ascii_digit());
    if n == 0 || n > 2 || !text_after(i + n + 1) {
        return None;
    }
    let number = cs.text[cs.byte(i)..cs.byte(i + n)].parse().ok()?;
    match cs.at(i + n)? {
        '.' => Some(Token {
            level: 3,
            number,
            wrong_sep: None,
            at: i,
        }),
        '、' | '．' => Some(Token {
            level: 3,
            number,
            wrong_sep: Some((i + n, ".")),
            at: i,
        }),
        _ => None,
    }
}

/// True when character `i` is the separator right after a line-start heading number (the
/// punctuation rule leaves it to this one).
pub(super) fn is_heading_sep(cs: &Chars, i: usize) -> bool {
    line_starts(cs)
        .into_iter()
        .filter(|&s| s < i && i - s <= 5)
        .filter_map(|s| token(cs, s))
        .any(|t| t.wrong_sep.is_some_and(|(at, _)| at == i))
}

pub(super) fn check(cs: &Chars, out: &mut Vec<Hit>) {
    let mut last: [Option<u32>; 5] = [None; 5];
    for s in line_starts(cs) {
        let Some(t) = token(cs, s) else { continue };
        if let Some((at, right)) = t.wrong_sep {
            let written = cs.chars[at].1;
            out.push(
                Hit::new(
                    "proofread.heading",
                    cs.byte(at),
                    cs.byte(at + 1),
                    format!("结构层次序数后面用了“{written}”"),
                )
                .suggest(right),
            );
        }
        if let Some(prev) = last[t.level]
            && t.number != prev + 1
        {
            let expected = prev + 1;
            let shown = match t.level {
                1 => format!("{}、", cn_text(expected)),
                2 => format!("（{}）", cn_text(expected)),
                3 => format!("{expected}."),
                _ => format!("（{expected}）"),
            };
            let end = t.wrong_sep.map_or(t.at + 1, |(a, _)| a);
            out.push(Hit::new(
                "proofread.heading-order",
                cs.byte(t.at),
                cs.byte(end.max(t.at + 1)),
                format!("同一层次的序数不连续：上一个是第{prev}个，这里应是“{shown}”"),
            ));
        }
        last[t.level] = Some(t.number);
        for deeper in last.iter_mut().skip(t.level + 1) {
            *deeper = None;
        }
    }
}

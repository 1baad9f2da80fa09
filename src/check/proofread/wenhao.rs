//! The 文号's year in 六角括号 (GB/T 9704-2012 7.2.4): `晋政办发[2022]80号`, `（2022）`,
//! `【2022】`, `﹝2022﹞` → `〔2022〕`.

use super::{Chars, Hit, is_han};

const OPEN: &str = "[【(（﹝［{";
const CLOSE: &str = "]】)）﹞］}";

/// True when characters `o..=c` are a bracketed year followed by a serial and 号 (`[2022]80号`).
pub(super) fn is_year_bracket(cs: &Chars, o: usize, c: usize) -> bool {
    if c != o + 5 {
        return false;
    }
    let year = &cs.text[cs.byte(o + 1)..cs.byte(c)];
    let is_year = year.bytes().all(|b| b.is_ascii_digit())
        && year
            .parse::<u32>()
            .is_ok_and(|y| (1900..=2100).contains(&y));
    let mut j = c + 1;
    while cs.at(j).is_some_and(|d| d.is_ascii_digit()) {
        j += 1;
    }
    is_year && j > c + 1 && cs.at(j) == Some('号') && cs.before(o).is_some_and(is_han)
}

pub(super) fn check(cs: &Chars, out: &mut Vec<Hit>) {
    for o in 0..cs.len().saturating_sub(5) {
        let (open, close) = (cs.chars[o].1, cs.chars[o + 5].1);
        if !OPEN.contains(open) || !CLOSE.contains(close) || !is_year_bracket(cs, o, o + 5) {
            continue;
        }
        let year = &cs.text[cs.byte(o + 1)..cs.byte(o + 5)];
        out.push(
            Hit::new(
                "proofread.wenhao",
                cs.byte(o),
                cs.byte(o + 6),
                format!("发文字号的年份用了“{open}{close}”：{open}{year}{close}"),
            )
            .suggest(format!("〔{year}〕")),
        );
    }
}

//! Punctuation marks in their Chinese forms (GB/T 15834-2011): half-width marks in Chinese text
//! (`proofread.halfwidth`; not inside numbers, URLs, codes or Latin text), the 省略号 (……) and the
//! 破折号 (——).

use super::{Chars, Hit, is_cjk, is_han};

/// Half-width marks and their Chinese forms.
const FULL: [(char, char); 7] = [
    (',', '，'),
    (';', '；'),
    (':', '：'),
    ('?', '？'),
    ('!', '！'),
    ('.', '。'),
    ('(', '（'),
];

pub(super) fn check(cs: &Chars, out: &mut Vec<Hit>) {
    halfwidth(cs, out);
    parens(cs, out);
    quotes(cs, out);
    ellipsis(cs, out);
    dash(cs, out);
}

/// The nearest character before index `i` that is not an ASCII space.
fn prev_visible(cs: &Chars, i: usize) -> Option<char> {
    (0..i).rev().map(|j| cs.chars[j].1).find(|&c| c != ' ')
}

/// Index of the first character after `i` that is not an ASCII space, and that character.
fn next_visible(cs: &Chars, i: usize) -> (usize, Option<char>) {
    let mut j = i + 1;
    while cs.at(j) == Some(' ') {
        j += 1;
    }
    (j, cs.at(j))
}

/// True when index `i` lies in a run of non-space ASCII that looks like a URL, an e-mail address
/// or a path (`http://…`, `www.…`, `a@b.c`).
fn in_url(cs: &Chars, i: usize) -> bool {
    let mut a = i;
    while a > 0 && cs.chars[a - 1].1.is_ascii_graphic() {
        a -= 1;
    }
    let mut b = i;
    while b + 1 < cs.len() && cs.chars[b + 1].1.is_ascii_graphic() {
        b += 1;
    }
    let run = &cs.text[cs.byte(a)..cs.byte(b + 1)];
    run.contains("://") || run.contains("www.") || run.contains('@')
}

fn halfwidth(cs: &Chars, out: &mut Vec<Hit>) {
    for i in 0..cs.len() {
        let c = cs.chars[i].1;
        let Some(&(_, full)) = FULL[..6].iter().find(|(h, _)| *h == c) else {
            continue;
        };
        let before = cs.before(i);
        let (after_i, after) = next_visible(cs, i);
        // inside numbers (1,000  3.5  8:00) and after a number or Latin letter ("1." is a heading
        // number, "No." Latin); runs of dots are the ellipsis rule's
        let digit = |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit());
        if digit(before) && digit(after)
            || c == '.'
                && (before.is_some_and(|b| b.is_ascii_alphanumeric() || b == '.')
                    || after == Some('.'))
            || in_url(cs, i)
            || super::headings::is_heading_sep(cs, i)
        {
            continue;
        }
        let prev = prev_visible(cs, i);
        let chinese = prev.is_some_and(is_cjk) || after.is_some_and(is_han);
        if !chinese {
            continue;
        }
        let end = cs.byte(after_i.max(i + 1));
        out.push(
            Hit::new(
                "proofread.halfwidth",
                cs.byte(i),
                end,
                format!("中文里用了半角标点“{c}”"),
            )
            .suggest(full.to_string()),
        );
    }
}

/// Half-width parentheses and square brackets as pairs: both are flagged when the pair touches
/// Chinese text (inside or right outside); a 文号's year in brackets is the 文号 rule's.
fn parens(cs: &Chars, out: &mut Vec<Hit>) {
    for (l, r, fl, fr) in [('(', ')', '（', '）'), ('[', ']', '［', '］')] {
        pairs_of(cs, (l, r), (fl, fr), out);
    }
}

fn pairs_of(cs: &Chars, (l, r): (char, char), (fl, fr): (char, char), out: &mut Vec<Hit>) {
    let mut open: Vec<usize> = Vec::new();
    for i in 0..cs.len() {
        match cs.chars[i].1 {
            c if c == l => open.push(i),
            c if c == r => {
                let Some(o) = open.pop() else {
                    lone(cs, i, r, fr, out);
                    continue;
                };
                let inner = &cs.text[cs.byte(o + 1)..cs.byte(i)];
                let touches = inner.chars().any(is_cjk)
                    || cs.before(o).is_some_and(is_cjk)
                    || cs.at(i + 1).is_some_and(is_cjk);
                if !touches || super::wenhao::is_year_bracket(cs, o, i) || in_url(cs, o) {
                    continue;
                }
                for (at, full) in [(o, fl), (i, fr)] {
                    let c = cs.chars[at].1;
                    out.push(
                        Hit::new(
                            "proofread.halfwidth",
                            cs.byte(at),
                            cs.byte(at + 1),
                            format!("中文里用了半角括号“{c}”"),
                        )
                        .suggest(full.to_string()),
                    );
                }
            }
            _ => {}
        }
    }
    for o in open {
        lone(cs, o, l, fl, out);
    }
}

/// An unpaired half-width parenthesis next to Chinese text.
fn lone(cs: &Chars, i: usize, c: char, full: char, out: &mut Vec<Hit>) {
    if cs.before(i).is_some_and(is_cjk) || cs.at(i + 1).is_some_and(is_cjk) {
        out.push(
            Hit::new(
                "proofread.halfwidth",
                cs.byte(i),
                cs.byte(i + 1),
                format!("中文里用了半角括号“{c}”（且没有配对）"),
            )
            .suggest(full.to_string()),
        );
    }
}

/// Straight double quotes next to Chinese text: “ and ” by turns when they pair up, else no
/// single suggestion.
fn quotes(cs: &Chars, out: &mut Vec<Hit>) {
    let at: Vec<usize> = (0..cs.len()).filter(|&i| cs.chars[i].1 == '"').collect();
    let chinese = at
        .iter()
        .any(|&i| cs.before(i).is_some_and(is_cjk) || cs.at(i + 1).is_some_and(is_cjk));
    if !chinese {
        return;
    }
    let paired = at.len().is_multiple_of(2);
    for (n, &i) in at.iter().enumerate() {
        let hit = Hit::new(
            "proofread.halfwidth",
            cs.byte(i),
            cs.byte(i + 1),
            "中文里用了半角引号“\"”".to_owned(),
        );
        out.push(if paired {
            hit.suggest(if n % 2 == 0 { "“" } else { "”" })
        } else {
            hit
        });
    }
}

/// A run of `c` starting at `i`: its length in characters.
fn run(cs: &Chars, i: usize, c: char) -> usize {
    (i..cs.len()).take_while(|&j| cs.chars[j].1 == c).count()
}

fn ellipsis(cs: &Chars, out: &mut Vec<Hit>) {
    let mut i = 0;
    while i < cs.len() {
        let c = cs.chars[i].1;
        let n = run(cs, i, c);
        let wrong = match c {
            '.' | '。' | '、' | '·' => n >= 3,
            '…' => n == 1 || n == 3,
            _ => false,
        };
        let chinese = cs.before(i).is_some_and(is_cjk) || cs.at(i + n).is_some_and(is_cjk);
        if wrong && chinese && !(c == '.' && in_url(cs, i)) {
            let written = &cs.text[cs.byte(i)..cs.byte(i + n)];
            out.push(
                Hit::new(
                    "proofread.ellipsis",
                    cs.byte(i),
                    cs.byte(i + n),
                    format!("省略号写成了“{written}”"),
                )
                .suggest("……"),
            );
        }
        i += n.max(1);
    }
}

fn dash(cs: &Chars, out: &mut Vec<Hit>) {
    let mut i = 0;
    while i < cs.len() {
        let c = cs.chars[i].1;
        let n = run(cs, i, c);
        let chinese = cs.before(i).is_some_and(is_han) || cs.at(i + n).is_some_and(is_han);
        if matches!(c, '-' | '－' | '―') && n == 2 && chinese {
            let written = &cs.text[cs.byte(i)..cs.byte(i + n)];
            out.push(
                Hit::new(
                    "proofread.dash",
                    cs.byte(i),
                    cs.byte(i + n),
                    format!("破折号写成了“{written}”"),
                )
                .suggest("——"),
            );
        }
        i += n.max(1);
    }
}

//! Paired marks (GB/T 15834-2011): 《》 〈〉 “” ‘’ （） 〔〕 【】 each closed, in the order opened;
//! a quotation inside a quotation takes ‘’, a title inside a title 〈〉. Whether a value's bytes
//! lie inside 《…》 (a document's title, reproduced as published) is asked here too.

use super::{Chars, Hit};

const PAIRS: [(char, char); 7] = [
    ('《', '》'),
    ('〈', '〉'),
    ('“', '”'),
    ('‘', '’'),
    ('（', '）'),
    ('〔', '〕'),
    ('【', '】'),
];

fn closer(open: char) -> Option<char> {
    PAIRS.iter().find(|(o, _)| *o == open).map(|(_, c)| *c)
}

fn opener(close: char) -> Option<char> {
    PAIRS.iter().find(|(_, c)| *c == close).map(|(o, _)| *o)
}

pub(super) fn check(cs: &Chars, out: &mut Vec<Hit>) {
    let mut stack: Vec<(usize, char)> = Vec::new();
    for i in 0..cs.len() {
        let c = cs.chars[i].1;
        if let Some(close) = closer(c) {
            // ‘’ also serve as apostrophes in Latin text
            if c == '‘' && latin_apostrophe(cs, i) {
                continue;
            }
            if let Some(&(_, top)) = stack.last()
                && top == c
                && matches!(c, '“' | '《')
            {
                let inner = if c == '“' { "‘’" } else { "〈〉" };
                out.push(hit(
                    cs,
                    i,
                    format!(
                        "“{c}”里面又用了“{c}”：里面一层应用“{inner}”，或前一个“{c}”应是“{close}”"
                    ),
                ));
            }
            stack.push((i, c));
        } else if let Some(open) = opener(c) {
            if c == '’' && latin_apostrophe(cs, i) {
                continue;
            }
            match stack.iter().rposition(|&(_, o)| o == open) {
                Some(k) if k + 1 == stack.len() => {
                    stack.pop();
                }
                Some(k) => {
                    let (_, inner) = stack[k + 1];
                    out.push(hit(
                        cs,
                        i,
                        format!(
                            "“{c}”与前面的“{inner}”交叉嵌套（“{inner}”还没有配对的“{}”）",
                            closer(inner).unwrap_or(' ')
                        ),
                    ));
                    stack.truncate(k);
                }
                None => out.push(hit(cs, i, format!("“{c}”前面没有与之配对的“{open}”"))),
            }
        }
    }
    for (i, c) in stack {
        out.push(hit(
            cs,
            i,
            format!("“{c}”没有配对的“{}”", closer(c).unwrap_or(' ')),
        ));
    }
}

fn hit(cs: &Chars, i: usize, message: String) -> Hit {
    Hit::new("proofread.pairs", cs.byte(i), cs.byte(i + 1), message)
}

/// A ‘ or ’ between Latin letters (it’s).
fn latin_apostrophe(cs: &Chars, i: usize) -> bool {
    cs.before(i).is_some_and(|c| c.is_ascii_alphabetic())
        && cs.at(i + 1).is_some_and(|c| c.is_ascii_alphabetic())
}

/// True when byte `at` of `text` lies inside a 《…》 (the title of a document).
pub(super) fn inside_title(text: &str, at: usize) -> bool {
    let before = &text[..at];
    match (before.rfind('《'), before.rfind('》')) {
        (Some(o), Some(c)) => o > c && text[at..].contains('》'),
        (Some(_), None) => text[at..].contains('》'),
        _ => false,
    }
}

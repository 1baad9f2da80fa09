//! The word list (office usage): the shipped pairs of `rules.yaml` and the office's own of
//! `content/proofread.yaml`, each wrong word found in one pass over a value (aho-corasick) and
//! kept only where its context says it is wrong (`followed_by`, `not_followed_by`,
//! `unless_later`).

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Hit, rules::RULES};
use crate::model::proofread::WordPair;

/// The compiled word list.
pub struct Words {
    pairs: Vec<WordPair>,
    finder: Option<AhoCorasick>,
}

impl Words {
    /// The shipped list, then the office's (an office pair with the same wrong word wins).
    pub fn new(office: &[WordPair]) -> Self {
        let mut pairs: Vec<WordPair> = office.to_vec();
        for p in &RULES.words {
            if !pairs.iter().any(|o| o.wrong == p.wrong) {
                pairs.push(p.clone());
            }
        }
        pairs.retain(|p| !p.wrong.is_empty());
        let finder = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pairs.iter().map(|p| p.wrong.as_str()))
            .ok();
        Self { pairs, finder }
    }

    pub(super) fn check(&self, text: &str, out: &mut Vec<Hit>) {
        let Some(finder) = &self.finder else { return };
        for m in finder.find_iter(text) {
            let pair = &self.pairs[m.pattern().as_usize()];
            let rest = &text[m.end()..];
            if !applies(pair, rest) {
                continue;
            }
            let note = pair
                .note
                .as_deref()
                .map_or(String::new(), |n| format!("（{n}）"));
            out.push(
                Hit::new(
                    "proofread.word",
                    m.start(),
                    m.end(),
                    format!("“{}”应为“{}”{note}", pair.wrong, pair.right),
                )
                .suggest(pair.right.clone()),
            );
        }
    }
}

/// Whether the pair's context conditions hold for the text after the match.
fn applies(pair: &WordPair, rest: &str) -> bool {
    let starts = |p: &String| {
        if p == "0-9" {
            rest.starts_with(|c: char| c.is_ascii_digit())
        } else {
            rest.starts_with(p.as_str())
        }
    };
    (pair.followed_by.is_empty() || pair.followed_by.iter().any(starts))
        && !pair.not_followed_by.iter().any(starts)
        && !pair.unless_later.iter().any(|w| rest.contains(w.as_str()))
}

//! DOCX export, the fonts of the roles: the east-Asian family each GB/T 9704 role is set in.

use crate::export::Laid;
use crate::typeset::fonts::Role;

/// The east-Asian font of every role gongwen sets text in: the role's first family in
/// `fonts.yaml` (installed here or not: the draft is opened elsewhere), the extra roles derived
/// as gongwen derives them.
#[derive(Debug, Clone)]
pub(super) struct RoleFonts {
    pub title: String,
    pub body: String,
    pub heading1: String,
    pub heading2: String,
    pub number: String,
}

impl RoleFonts {
    pub fn of(laid: &Laid) -> Self {
        let roles = laid.typesetter.fonts().roles();
        let first = |role| roles.families(role)[0].clone();
        Self {
            title: first(Role::Title),
            body: first(Role::Body),
            heading1: first(Role::Heading1),
            heading2: first(Role::Heading2),
            number: first(Role::Number),
        }
    }

    /// The font of a heading level (and of a run-in heading of that level).
    pub fn heading(&self, level: u8) -> &str {
        match level {
            1 => &self.heading1,
            2 => &self.heading2,
            _ => &self.body,
        }
    }
}

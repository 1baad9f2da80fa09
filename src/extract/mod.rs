//! Extract stage: the text of a document zyz made, read back from the file alone — from a PDF its
//! paragraphs, headings and table rows in reading order, from an OFD its lines as drawn. `zyz text` prints it (the git diff driver for the
//! archived documents) and `zyz diff` compares two versions with it.

pub mod cmap;
pub mod ofd;
pub mod pdf;

use serde::Serialize;

/// What a block of text is in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Heading,
    Paragraph,
    /// A table's row; `header` rows are those of the table's head.
    Row {
        table: usize,
        row: usize,
        header: bool,
    },
}

/// One paragraph, heading or table row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    pub kind: Kind,
    /// One text for a paragraph or heading, one per cell for a row.
    pub cells: Vec<String>,
    /// The 1-based page it starts on.
    pub page: usize,
}

impl Block {
    /// The block as `zyz text` prints it: a row's cells separated by ` | `.
    pub fn text(&self) -> String {
        self.cells.join(" | ")
    }
}

/// A document's text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extracted {
    pub pages: usize,
    pub blocks: Vec<Block>,
}

impl Extracted {
    /// One block per line, as `zyz text` prints it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            out.push_str(&block.text());
            out.push('\n');
        }
        out
    }

    /// The header row in force for `block` (the last header row of its table before it).
    pub fn header_of(&self, index: usize) -> Option<&Block> {
        let Kind::Row { table, .. } = self.blocks[index].kind else {
            return None;
        };
        self.blocks[..index]
            .iter()
            .rev()
            .find(|b| matches!(b.kind, Kind::Row { table: t, header: true, .. } if t == table))
    }
}

/// Reads a document by its file's kind (the first bytes, not the name).
pub fn read(bytes: &[u8]) -> Result<Extracted, String> {
    if bytes.starts_with(b"%PDF-") {
        pdf::read(bytes)
    } else if bytes.starts_with(b"PK\x03\x04") {
        ofd::read(bytes)
    } else {
        Err("neither a PDF nor an OFD package (zyz text reads the documents zyz makes)".to_owned())
    }
}

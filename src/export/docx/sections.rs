//! DOCX export, sections: the body's blocks in order, each section (portrait, or landscape for
//! 横排 tables) ending on its last paragraph, and the document part they make.

use super::page;
use super::styles::{PPr, REL, TYPE_HEIGHT, TYPE_WIDTH, W, write_para};
use crate::export::xml::Xml;

/// One block of the body.
pub(super) enum Block {
    Para {
        ppr: PPr,
        runs: String,
    },
    /// A table's markup.
    Table(String),
}

/// The blocks written so far and the section they are in.
#[derive(Default)]
pub(super) struct Sections {
    pub blocks: Vec<Block>,
    /// The index of the current section's first block.
    start: usize,
    /// Inside a landscape section.
    pub landscape: bool,
}

impl Sections {
    /// The width of the type area of the current section, in twips.
    pub fn width(&self) -> i32 {
        if self.landscape {
            TYPE_HEIGHT
        } else {
            TYPE_WIDTH
        }
    }

    /// Ends the section that holds the blocks since its start (nothing when it is empty).
    pub fn end(&mut self, landscape: bool) {
        if self.blocks.len() == self.start {
            return;
        }
        let sect = page::sect_pr(landscape);
        match self.blocks.last_mut() {
            Some(Block::Para { ppr, .. }) if ppr.sect.is_none() => ppr.sect = Some(sect),
            _ => self.blocks.push(Block::Para {
                ppr: PPr {
                    sect: Some(sect),
                    ..PPr::default()
                },
                runs: String::new(),
            }),
        }
        self.start = self.blocks.len();
    }

    /// The signature never stands alone on a page (§7.3.5): the 附件说明 before it and the last
    /// paragraph of the body are kept with it.
    pub fn keep_before_signature(&mut self) {
        for block in self.blocks.iter_mut().rev() {
            let Block::Para { ppr, .. } = block else {
                break;
            };
            ppr.keep_next = true;
            if ppr.style != Some("zyzAttachment") {
                break;
            }
        }
    }

    /// The document part: the blocks, then the last section's page setup.
    pub fn document(mut self) -> String {
        let mut last = page::sect_pr(self.landscape);
        if let Some(Block::Para { ppr, runs }) = self.blocks.last_mut()
            && let Some(sect) = ppr.sect.take()
        {
            // a landscape section at the very end is the body's last section
            last = sect;
            if runs.is_empty() {
                self.blocks.pop();
            }
        }
        if !matches!(self.blocks.last(), Some(Block::Para { .. })) {
            self.blocks.push(Block::Para {
                ppr: PPr::default(),
                runs: String::new(),
            });
        }
        let mut xml = Xml::new("w:document", &namespaces());
        xml.open("w:body", &[]);
        for block in &self.blocks {
            match block {
                Block::Para { ppr, runs } => write_para(&mut xml, ppr, runs),
                Block::Table(markup) => xml.raw(markup),
            }
        }
        xml.raw(&last);
        xml.close("w:body");
        xml.finish("w:document")
    }
}

fn namespaces() -> Vec<(&'static str, String)> {
    vec![
        ("xmlns:w", W.into()),
        ("xmlns:r", REL.into()),
        (
            "xmlns:wp",
            "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing".into(),
        ),
        (
            "xmlns:a",
            "http://schemas.openxmlformats.org/drawingml/2006/main".into(),
        ),
        (
            "xmlns:pic",
            "http://schemas.openxmlformats.org/drawingml/2006/picture".into(),
        ),
    ]
}

//! OFD export, fonts: every font the pages use, embedded as a subset of the glyphs they show
//! (typst-pdf's own `subsetter`), made usable outside PDF by adding back the two tables the
//! subsetter leaves out for PDF's sake — a `cmap` (characters → the subset's glyph ids, so that
//! readers that map `TextCode` characters through the font find the right glyphs) and `OS/2`
//! (copied from the original: metrics and licensing bits). The horizontal metrics are written out
//! in full (one advance and side bearing per glyph), as some OFD readers expect.

use std::collections::{BTreeMap, HashMap};

use subsetter::GlyphRemapper;
use typst::text::{Font, FontInstance};

/// The fonts of one document, in the order the pages first use them.
#[derive(Default)]
pub(super) struct Fonts {
    list: Vec<Embedded>,
    index: HashMap<Font, usize>,
}

/// One font: its resource id, the glyphs kept (old id → new id) and the characters they show.
pub(super) struct Embedded {
    /// The first instance met (zyz's fonts have no variations).
    pub font: FontInstance,
    pub id: u32,
    remapper: GlyphRemapper,
    cmap: BTreeMap<char, u16>,
}

impl Fonts {
    /// The font's slot, giving it the resource id `next_id()` the first time.
    pub fn slot(&mut self, font: &FontInstance, next_id: impl FnOnce() -> u32) -> usize {
        if let Some(&i) = self.index.get(font.font()) {
            return i;
        }
        self.list.push(Embedded {
            font: font.clone(),
            id: next_id(),
            remapper: GlyphRemapper::new(),
            cmap: BTreeMap::new(),
        });
        self.index.insert(font.font().clone(), self.list.len() - 1);
        self.list.len() - 1
    }

    pub fn get(&self, slot: usize) -> &Embedded {
        &self.list[slot]
    }

    /// Keeps glyph `old` of the font in `slot`; its id in the subset.
    pub fn glyph(&mut self, slot: usize, old: u16) -> u16 {
        self.list[slot].remapper.remap(old)
    }

    /// Keeps the glyph the font's own cmap gives `c` (if any) and maps `c` to it in the subset.
    /// Returns the original glyph id.
    pub fn char(&mut self, slot: usize, c: char) -> Option<u16> {
        let embedded = &mut self.list[slot];
        let old = embedded.font.ttf().glyph_index(c)?.0;
        let new = embedded.remapper.remap(old);
        embedded.cmap.insert(c, new);
        Some(old)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Embedded> {
        self.list.iter()
    }
}

impl Embedded {
    /// The font's PostScript name (name id 6), else its family name.
    pub fn name(&self) -> String {
        let ttf = self.font.ttf();
        ttf.names()
            .into_iter()
            .filter(|n| n.name_id == 6)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| self.family())
    }

    pub fn family(&self) -> String {
        self.font.font().info().family.clone()
    }

    /// The file name in the resource folder: `.otf` for CFF outlines, `.ttf` for TrueType.
    pub fn file_name(&self) -> String {
        let cff = table(self.font.font().data(), self.font.font().index(), *b"CFF ").is_some();
        format!("font_{}.{}", self.id, if cff { "otf" } else { "ttf" })
    }

    /// The subset, with a cmap and the original OS/2 table.
    pub fn subset(&self) -> Result<Vec<u8>, String> {
        let data = self.font.font().data();
        let index = self.font.font().index();
        let sub = subsetter::subset(data, index, &self.remapper)
            .map_err(|err| format!("cannot subset font {}: {err:?}", self.name()))?;
        let mut tables = tables(&sub, 0).ok_or("the font subset is not an OpenType font")?;
        full_hmtx(&mut tables);
        tables.push((*b"cmap", cmap(&self.cmap)));
        if let Some(os2) = table(data, index, *b"OS/2") {
            tables.push((*b"OS/2", os2.to_vec()));
        }
        Ok(sfnt(&sub[..4], tables))
    }
}

/// The tables of the font at `index` of `data` (a font or a collection).
fn tables(data: &[u8], index: u32) -> Option<Vec<([u8; 4], Vec<u8>)>> {
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?))
    };
    let start = if data.get(..4)? == b"ttcf" {
        u32_at(12 + 4 * index as usize)? as usize
    } else {
        0
    };
    let count = u16::from_be_bytes(data.get(start + 4..start + 6)?.try_into().ok()?) as usize;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let rec = start + 12 + 16 * i;
        let tag: [u8; 4] = data.get(rec..rec + 4)?.try_into().ok()?;
        let offset = u32_at(rec + 8)? as usize;
        let len = u32_at(rec + 12)? as usize;
        out.push((tag, data.get(offset..offset + len)?.to_vec()));
    }
    Some(out)
}

fn table(data: &[u8], index: u32, tag: [u8; 4]) -> Option<Vec<u8>> {
    tables(data, index)?
        .into_iter()
        .find(|(t, _)| *t == tag)
        .map(|(_, bytes)| bytes)
}

/// An OpenType file of `tables` (sorted by tag, 4-byte aligned, checksums and the head's
/// checksum adjustment set), with the sfnt version `version` (`OTTO` or 0x00010000).
fn sfnt(version: &[u8], mut tables: Vec<([u8; 4], Vec<u8>)>) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    tables.dedup_by(|a, b| a.0 == b.0);
    let n = tables.len() as u16;
    let log = 15 - n.leading_zeros() as u16; // floor(log2 n)
    let mut out = version.to_vec();
    for v in [n, 16 << log, log, n * 16 - (16 << log)] {
        out.extend(v.to_be_bytes());
    }
    let header = 12 + 16 * tables.len();
    let mut offset = header;
    let mut body = Vec::new();
    let mut head_at = None;
    for (tag, bytes) in &mut tables {
        if tag == b"head" && bytes.len() >= 12 {
            bytes[8..12].fill(0);
            head_at = Some(offset);
        }
        out.extend(*tag);
        out.extend(checksum(bytes).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((bytes.len() as u32).to_be_bytes());
        body.extend_from_slice(bytes);
        body.resize(body.len().next_multiple_of(4), 0);
        offset = header + body.len();
    }
    out.extend(body);
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBA_u32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

/// Writes `hmtx` with one (advance, left side bearing) pair per glyph and sets the `hhea`'s
/// numberOfHMetrics to the glyph count. The subsetter keeps the short form the format allows —
/// the last advance shared by the glyphs after it, which then store only their side bearings —
/// and a reader that takes that form wrong (Spire.PDF's OFD converter gives every such glyph the
/// first one's side bearing, so the outlines shift within their cells) draws the glyphs out of
/// place. The full form is valid everywhere and costs two bytes a glyph.
fn full_hmtx(tables: &mut [([u8; 4], Vec<u8>)]) {
    let find = |tag: &[u8; 4]| tables.iter().position(|t| &t.0 == tag);
    let (Some(hhea), Some(hmtx), Some(maxp)) = (find(b"hhea"), find(b"hmtx"), find(b"maxp")) else {
        return;
    };
    let u16_at = |bytes: &[u8], at: usize| {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
    };
    let (Some(glyphs), Some(long)) = (u16_at(&tables[maxp].1, 4), u16_at(&tables[hhea].1, 34))
    else {
        return;
    };
    let old = &tables[hmtx].1;
    if long == 0 || long >= glyphs || old.len() < 4 * long + 2 * (glyphs - long) {
        return;
    }
    let mut new = old[..4 * long].to_vec();
    let advance = old[4 * long - 4..4 * long - 2].to_vec();
    for g in 0..glyphs - long {
        let at = 4 * long + 2 * g;
        new.extend(&advance);
        new.extend(&old[at..at + 2]);
    }
    tables[hmtx].1 = new;
    tables[hhea].1[34..36].copy_from_slice(&(glyphs as u16).to_be_bytes());
}

fn checksum(bytes: &[u8]) -> u32 {
    bytes.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A `cmap` table: format 4 (Windows, BMP) and, when a character lies beyond the BMP, format 12
/// (Windows, full Unicode).
fn cmap(map: &BTreeMap<char, u16>) -> Vec<u8> {
    let bmp: Vec<(u16, u16)> = map
        .iter()
        .filter_map(|(&c, &g)| Some((u16::try_from(u32::from(c)).ok()?, g)))
        .filter(|&(c, _)| c != 0xFFFF)
        .collect();
    let wide = map.keys().any(|&c| u32::from(c) > 0xFFFF);
    let four = format4(&bmp);
    let twelve = wide.then(|| format12(map));
    let count: u16 = if wide { 2 } else { 1 };
    let mut out = Vec::new();
    out.extend(0u16.to_be_bytes());
    out.extend(count.to_be_bytes());
    let first = 4 + 8 * u32::from(count);
    out.extend([0, 3, 0, 1]);
    out.extend(first.to_be_bytes());
    if twelve.is_some() {
        out.extend([0, 3, 0, 10]);
        out.extend((first + four.len() as u32).to_be_bytes());
    }
    out.extend(four);
    out.extend(twelve.unwrap_or_default());
    out
}

/// Format 4: one segment per run of consecutive characters with consecutive glyphs (idDelta).
fn format4(chars: &[(u16, u16)]) -> Vec<u8> {
    let mut segs: Vec<(u16, u16, u16)> = Vec::new(); // start, end, glyph of start
    for &(c, g) in chars {
        match segs.last_mut() {
            Some((start, end, g0))
                if c == *end + 1 && g.wrapping_sub(*g0) == c.wrapping_sub(*start) =>
            {
                *end = c
            }
            _ => segs.push((c, c, g)),
        }
    }
    segs.push((0xFFFF, 0xFFFF, 0));
    let n = segs.len() as u16;
    let log = 15 - n.leading_zeros() as u16;
    let range = 2u16 << log;
    let mut t = Vec::new();
    for v in [4, 16 + 8 * n, 0, 2 * n, range, log, 2 * n - range] {
        t.extend(v.to_be_bytes());
    }
    segs.iter().for_each(|s| t.extend(s.1.to_be_bytes()));
    t.extend(0u16.to_be_bytes());
    segs.iter().for_each(|s| t.extend(s.0.to_be_bytes()));
    for &(start, end, g0) in &segs {
        let delta = if end == 0xFFFF {
            1
        } else {
            g0.wrapping_sub(start)
        };
        t.extend(delta.to_be_bytes());
    }
    segs.iter().for_each(|_| t.extend(0u16.to_be_bytes()));
    t
}

/// Format 12: one group per character.
fn format12(map: &BTreeMap<char, u16>) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend(12u16.to_be_bytes());
    t.extend(0u16.to_be_bytes());
    t.extend((16 + 12 * map.len() as u32).to_be_bytes());
    t.extend(0u32.to_be_bytes());
    t.extend((map.len() as u32).to_be_bytes());
    for (&c, &g) in map {
        t.extend(u32::from(c).to_be_bytes());
        t.extend(u32::from(c).to_be_bytes());
        t.extend(u32::from(g).to_be_bytes());
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sfnt_round_trips_its_tables() {
        let tables_in = vec![
            (*b"name", vec![1, 2, 3]),
            (*b"head", vec![0; 54]),
            (
                *b"cmap",
                cmap(&BTreeMap::from([('永', 3), ('济', 4), ('a', 1)])),
            ),
        ];
        let font = sfnt(b"OTTO", tables_in.clone());
        let back = tables(&font, 0).unwrap();
        let tags: Vec<&[u8; 4]> = back.iter().map(|(t, _)| t).collect();
        assert_eq!(tags, [b"cmap", b"head", b"name"]);
        assert_eq!(back[2].1, vec![1, 2, 3]);
        assert_eq!(checksum(&font), 0xB1B0_AFBA);
    }

    #[test]
    fn hmtx_is_written_in_full() {
        let mut hhea = vec![0; 36];
        hhea[34..36].copy_from_slice(&2u16.to_be_bytes());
        let mut maxp = vec![0, 0, 0x50, 0];
        maxp.extend(4u16.to_be_bytes());
        // Two long metrics (500, 10) (1000, 20), then side bearings 30 and -5.
        let hmtx: Vec<u8> = [500u16, 10, 1000, 20, 30, (-5i16) as u16]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        let mut tables = vec![(*b"hhea", hhea), (*b"hmtx", hmtx), (*b"maxp", maxp)];
        full_hmtx(&mut tables);
        assert_eq!(tables[0].1[34..36], 4u16.to_be_bytes());
        let expect: Vec<u8> = [500u16, 10, 1000, 20, 1000, 30, 1000, (-5i16) as u16]
            .iter()
            .flat_map(|v| v.to_be_bytes())
            .collect();
        assert_eq!(tables[1].1, expect);
        let before = tables.clone();
        full_hmtx(&mut tables);
        assert_eq!(tables, before, "a full table stays as it is");
    }
}

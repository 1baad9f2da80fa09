//! Pure-Rust PDF inspection for tests: reads text with positions, fonts, Info and XMP the way
//! poppler's `pdftotext -bbox` / `pdffonts` / `pdfinfo` report them, so `cargo test` can check
//! the PDFs we produce without any system tool installed. Built only on `lopdf` and std.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use zyz::extract::cmap::parse_to_unicode;

/// A parsed PDF: per-page glyphs, the document's fonts, the Info dictionary and XMP metadata.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub pages: Vec<Page>,
    /// Every font referenced from page (and Form XObject) resources, in page order, deduplicated
    /// by object, like `pdffonts`.
    pub fonts: Vec<FontInfo>,
    /// Info dictionary text entries (Title, Author, Subject, Keywords, Creator, Producer,
    /// CreationDate, ModDate, ...) decoded from PDFDocEncoding / UTF-16BE / UTF-8.
    pub info: BTreeMap<String, String>,
    /// The catalog's /Metadata stream (XMP packet) as text.
    pub xmp: Option<String>,
    /// PDF version: the header version, or the catalog's /Version if that is higher.
    pub version: String,
}

#[derive(Debug, Clone)]
pub struct Page {
    /// Size from the (inherited) MediaBox, in pt. /Rotate is not applied.
    pub width_pt: f64,
    pub height_pt: f64,
    /// Glyphs in content-stream order.
    pub glyphs: Vec<Glyph>,
    /// Stroked straight segments (rules, table lines, underlines, strike-throughs).
    pub strokes: Vec<Stroke>,
}

/// A stroked straight segment, in the glyphs' coordinates (pt, origin top-left, y down).
#[derive(Debug, Clone, PartialEq)]
pub struct Stroke {
    pub from: (f64, f64),
    pub to: (f64, f64),
    /// The stroke colour's components as set by `RG`/`SC`/`SCN` (RGB), or grey repeated.
    pub rgb: [f64; 3],
    /// Line width in user space units scaled by the CTM.
    pub width: f64,
}

/// One shown character code. Coordinates are in pt with the origin at the top-left of the
/// MediaBox, y growing downwards (like `pdftotext -bbox`).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// Unicode from the font's ToUnicode CMap (may be several chars, e.g. ligatures).
    pub text: String,
    pub x: f64,
    pub y_top: f64,
    pub x_max: f64,
    pub y_bottom: f64,
    /// Baseline, measured from the top of the page.
    pub baseline: f64,
    /// Effective font size in pt: Tf size scaled by Tm × CTM (vertical).
    pub size: f64,
    /// BaseFont of the font used (e.g. `ABCDEF+FandolFang-Regular`).
    pub font: String,
    /// Writing direction as a unit vector in the same coordinates: (1, 0) for upright text,
    /// (0, -1) for text turned to read from the bottom of the page to its top.
    pub dir: (f64, f64),
    /// Where the glyph's baseline starts (the text origin), in the same coordinates.
    pub origin: (f64, f64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FontInfo {
    /// e.g. `ABCDEF+FandolFang-Regular`
    pub base_font: String,
    /// /Subtype of the font dictionary: Type0, Type1, TrueType, Type3, ...
    pub subtype: String,
    /// The font (for Type0: its descendant) has a FontFile/FontFile2/FontFile3.
    pub embedded: bool,
    /// The name carries a `ABCDEF+` subset tag.
    pub subset: bool,
}

/// A visual line of text as produced by [`Page::lines`].
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub x_min: f64,
    pub y_top: f64,
    pub x_max: f64,
    pub y_bottom: f64,
    /// Baseline of the first glyph of the line (from the top of the page).
    pub baseline: f64,
    /// Largest glyph size on the line.
    pub size: f64,
    pub glyph_count: usize,
}

/// Points to millimetres.
pub fn mm(pt: f64) -> f64 {
    pt * 25.4 / 72.0
}

/// Millimetres to points.
pub fn pt(mm: f64) -> f64 {
    mm * 72.0 / 25.4
}

impl Pdf {
    pub fn open(path: &Path) -> Result<Pdf, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read PDF {}: {e}", path.display()))?;
        Pdf::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Pdf, String> {
        // lopdf should not panic, but a test helper must never take the test down with an
        // unrelated panic message: turn any panic into an error.
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(bytes))) {
            Ok(r) => r,
            Err(p) => {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                Err(format!("PDF parser panicked: {msg}"))
            }
        }
    }

    /// Text of all pages (see [`Page::text`]), pages separated by a form feed line ("\n\x0c");
    /// on a page with a turned table, its upright text first, then the turned text as a reader
    /// sees it with the page turned.
    pub fn text(&self) -> String {
        self.pages
            .iter()
            .map(|p| {
                let turned = p.turned();
                if turned.glyphs.is_empty() {
                    p.text()
                } else {
                    format!("{}\n{}", p.upright().text(), turned.text())
                }
            })
            .collect::<Vec<_>>()
            .join("\n\u{c}")
    }

    /// Names of fonts (BaseFont without subset tag), deduplicated, in order.
    pub fn font_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for f in &self.fonts {
            let n = strip_subset(&f.base_font).to_string();
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }
}

impl Page {
    /// Text in reading order: glyphs grouped into lines by baseline, each line sorted by x;
    /// lines joined with '\n'; a space is inserted at horizontal gaps like pdftotext does.
    pub fn text(&self) -> String {
        self.lines()
            .into_iter()
            .map(|l| l.text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Lines of text, top to bottom.
    pub fn lines(&self) -> Vec<Line> {
        let mut idx: Vec<usize> = (0..self.glyphs.len()).collect();
        idx.sort_by(|&a, &b| {
            let (ga, gb) = (&self.glyphs[a], &self.glyphs[b]);
            ga.baseline
                .total_cmp(&gb.baseline)
                .then(ga.x.total_cmp(&gb.x))
        });
        // Cluster by baseline.
        let mut groups: Vec<(f64, f64, Vec<usize>)> = Vec::new(); // (baseline, max size, glyphs)
        for i in idx {
            let g = &self.glyphs[i];
            if let Some((base, size, members)) = groups.last_mut() {
                let tol = size.max(g.size) / 3.0;
                if (g.baseline - *base).abs() <= tol {
                    members.push(i);
                    *size = size.max(g.size);
                    continue;
                }
            }
            groups.push((g.baseline, g.size, vec![i]));
        }
        let mut lines = Vec::new();
        for (_, size, mut members) in groups {
            members.sort_by(|&a, &b| self.glyphs[a].x.total_cmp(&self.glyphs[b].x));
            let mut text = String::new();
            let sorted: Vec<&Glyph> = members.iter().map(|&i| &self.glyphs[i]).collect();
            let track = tracking(&sorted, size);
            let mut prev: Option<&Glyph> = None;
            let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
            for &i in &members {
                let g = &self.glyphs[i];
                if let Some(p) = prev
                    && needs_space(p, g, track)
                    && !text.ends_with(' ')
                    && !g.text.starts_with(' ')
                {
                    text.push(' ');
                }
                text.push_str(&g.text);
                x0 = x0.min(g.x);
                y0 = y0.min(g.y_top);
                x1 = x1.max(g.x_max);
                y1 = y1.max(g.y_bottom);
                prev = Some(g);
            }
            let trimmed = text.trim().to_string();
            if trimmed.is_empty() {
                continue;
            }
            lines.push(Line {
                text: trimmed,
                x_min: x0,
                y_top: y0,
                x_max: x1,
                y_bottom: y1,
                baseline: self.glyphs[members[0]].baseline,
                size,
                glyph_count: members.len(),
            });
        }
        lines
    }

    /// The upright glyphs only (text reading left to right), e.g. the page number of a page
    /// whose body is turned.
    pub fn upright(&self) -> Page {
        Page {
            glyphs: self
                .glyphs
                .iter()
                .filter(|g| g.dir.0 > 0.99)
                .cloned()
                .collect(),
            ..self.clone()
        }
    }

    /// The glyphs that read from the bottom of the page to its top, as seen with the page
    /// turned a quarter clockwise (its left edge on top), where they read left to right: what a
    /// reader sees of a table set sideways with its head towards the left edge.
    pub fn turned(&self) -> Page {
        let h = self.height_pt;
        let glyphs = self
            .glyphs
            .iter()
            .filter(|g| g.dir.1 < -0.99)
            .map(|g| Glyph {
                x: h - g.y_bottom,
                x_max: h - g.y_top,
                y_top: g.x,
                y_bottom: g.x_max,
                baseline: g.origin.0,
                dir: (1.0, 0.0),
                origin: (h - g.origin.1, g.origin.0),
                ..g.clone()
            })
            .collect();
        Page {
            width_pt: self.height_pt,
            height_pt: self.width_pt,
            glyphs,
            // the strokes stay in the page's own coordinates
            strokes: Vec::new(),
        }
    }

    /// Glyphs whose text is not whitespace.
    pub fn visible_glyphs(&self) -> impl Iterator<Item = &Glyph> {
        self.glyphs.iter().filter(|g| !g.text.trim().is_empty())
    }
}

/// Letter-spacing common to the whole line: the smallest gap between adjacent letters/digits
/// when the line has at least 3 such pairs, ignored if above half an em (then it is a column
/// gap, not tracking). Lets tracked text ("t r a c k i n g") read as one word, like poppler.
fn tracking(glyphs: &[&Glyph], size: f64) -> f64 {
    let alnum = |s: &str, last: bool| {
        let c = if last {
            s.chars().last()
        } else {
            s.chars().next()
        };
        c.is_some_and(char::is_alphanumeric)
    };
    let gaps: Vec<f64> = glyphs
        .windows(2)
        .filter(|w| alnum(&w[0].text, true) && alnum(&w[1].text, false))
        .map(|w| w[1].x - w[0].x_max)
        .collect();
    if gaps.len() < 3 {
        return 0.0;
    }
    let min = gaps.iter().copied().fold(f64::MAX, f64::min).max(0.0);
    if min > 0.5 * size { 0.0 } else { min }
}

/// Horizontal gap that makes a word break (on top of the line's tracking). Between two wide
/// (CJK) characters only a gap of more than half an em counts (justified Chinese text is
/// stretched between characters); otherwise a gap above 0.15 em.
fn needs_space(p: &Glyph, g: &Glyph, tracking: f64) -> bool {
    let gap = g.x - p.x_max - tracking;
    let em = p.size.max(g.size);
    let wide =
        |s: &str| s.chars().last().is_some_and(is_wide) && s.chars().next().is_some_and(is_wide);
    let factor = if wide(&p.text) && wide(&g.text) {
        0.5
    } else {
        0.15
    };
    gap > factor * em
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
        || matches!(c, '—' | '…' | '“' | '”' | '‘' | '’' | '·')
}

fn strip_subset(name: &str) -> &str {
    if is_subset_name(name) {
        &name[7..]
    } else {
        name
    }
}

fn is_subset_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() > 7 && b[6] == b'+' && b[..6].iter().all(|c| c.is_ascii_uppercase())
}

// ---------------------------------------------------------------------------------------------
// Document level

const MAX_DEPTH: usize = 32;

fn parse(bytes: &[u8]) -> Result<Pdf, String> {
    if bytes.is_empty() {
        return Err("empty input, not a PDF".into());
    }
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err("not a PDF (no %PDF- header)".into());
    }
    let doc = Document::load_mem(bytes).map_err(|e| format!("cannot parse PDF: {e}"))?;
    let catalog = doc
        .catalog()
        .map_err(|e| format!("PDF has no usable catalog: {e}"))?;

    let mut version = doc.version.clone();
    if let Ok(Object::Name(v)) = catalog.get(b"Version").and_then(|o| deref(&doc, o)) {
        let v = String::from_utf8_lossy(v).to_string();
        if parse_version(&v) > parse_version(&version) {
            version = v;
        }
    }

    let mut info = BTreeMap::new();
    if let Ok(Object::Dictionary(d)) = doc.trailer.get(b"Info").and_then(|o| deref(&doc, o)) {
        for (k, v) in d.iter() {
            if let Ok(Object::String(s, _)) = deref(&doc, v) {
                info.insert(
                    String::from_utf8_lossy(k).to_string(),
                    decode_text_string(s),
                );
            }
        }
    }

    let xmp = match catalog.get(b"Metadata").and_then(|o| deref(&doc, o)) {
        Ok(Object::Stream(s)) => {
            let data = stream_data(s).unwrap_or_else(|_| s.content.clone());
            Some(String::from_utf8_lossy(&data).to_string())
        }
        _ => None,
    };

    let mut ctx = Ctx {
        doc: &doc,
        font_cache: HashMap::new(),
        form_stack: Vec::new(),
    };
    let mut pages = Vec::new();
    let mut fonts = Vec::new();
    let mut seen_fonts = HashSet::new();
    for (no, page_id) in doc.get_pages() {
        let page = ctx
            .read_page(page_id, &mut fonts, &mut seen_fonts)
            .map_err(|e| format!("page {no}: {e}"))?;
        pages.push(page);
    }
    Ok(Pdf {
        pages,
        fonts,
        info,
        xmp,
        version,
    })
}

/// Decoded stream data (an unfiltered stream is returned as is).
fn stream_data(s: &lopdf::Stream) -> Result<Vec<u8>, String> {
    if s.dict.has(b"Filter") {
        s.decompressed_content()
            .map_err(|e| format!("cannot decode stream: {e}"))
    } else {
        Ok(s.content.clone())
    }
}

fn parse_version(v: &str) -> (u32, u32) {
    let mut it = v.trim().split('.');
    let a = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let b = it.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    (a, b)
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> lopdf::Result<&'a Object> {
    doc.dereference(o).map(|(_, o)| o)
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(*r as f64),
        _ => None,
    }
}

fn dnum(doc: &Document, o: &Object) -> Option<f64> {
    deref(doc, o).ok().and_then(num)
}

fn get_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match d.get(key).and_then(|o| deref(doc, o)) {
        Ok(Object::Dictionary(d)) => Some(d),
        Ok(Object::Stream(s)) => Some(&s.dict),
        _ => None,
    }
}

fn get_name(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<String> {
    match d.get(key).and_then(|o| deref(doc, o)) {
        Ok(Object::Name(n)) => Some(String::from_utf8_lossy(n).to_string()),
        _ => None,
    }
}

fn get_array<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Vec<Object>> {
    match d.get(key).and_then(|o| deref(doc, o)) {
        Ok(Object::Array(a)) => Some(a),
        _ => None,
    }
}

fn num_array(doc: &Document, a: &[Object]) -> Vec<f64> {
    a.iter().filter_map(|o| dnum(doc, o)).collect()
}

/// Look up a page attribute, walking up the /Parent chain (inheritable attributes).
fn inherited<'a>(doc: &'a Document, page: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    let mut d = page;
    for _ in 0..MAX_DEPTH {
        if let Ok(o) = d.get(key) {
            return deref(doc, o).ok();
        }
        match d.get(b"Parent").and_then(|o| deref(doc, o)) {
            Ok(Object::Dictionary(p)) => d = p,
            _ => return None,
        }
    }
    None
}

/// Decode a PDF text string: UTF-16BE (BOM FE FF), UTF-8 (BOM EF BB BF) or PDFDocEncoding.
pub fn decode_text_string(s: &[u8]) -> String {
    if s.len() >= 2 && s[0] == 0xFE && s[1] == 0xFF {
        let units: Vec<u16> = s[2..]
            .chunks(2)
            .map(|c| ((c[0] as u16) << 8) | *c.get(1).unwrap_or(&0) as u16)
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if s.len() >= 3 && s[..3] == [0xEF, 0xBB, 0xBF] {
        return String::from_utf8_lossy(&s[3..]).to_string();
    }
    s.iter().map(|&b| pdfdoc_char(b)).collect()
}

fn pdfdoc_char(b: u8) -> char {
    const HIGH: [char; 32] = [
        '•', '†', '‡', '…', '—', '–', 'ƒ', '⁄', '‹', '›', '−', '‰', '„', '“', '”', '‘', '’', '‚',
        '™', 'ﬁ', 'ﬂ', 'Ł', 'Œ', 'Š', 'Ÿ', 'Ž', 'ı', 'ł', 'œ', 'š', 'ž', '\u{FFFD}',
    ];
    const LOW: [char; 8] = ['˘', 'ˇ', 'ˆ', '˙', '˝', '˛', '˚', '˜'];
    match b {
        0x18..=0x1F => LOW[(b - 0x18) as usize],
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        0xA0 => '€',
        _ => b as char,
    }
}

fn winansi_char(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
        '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{FFFD}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

// ---------------------------------------------------------------------------------------------
// Fonts

#[derive(Debug)]
struct Font {
    base_font: String,
    /// Type0: 2-byte codes.
    two_byte: bool,
    to_unicode: HashMap<u32, String>,
    /// Type0 without ToUnicode but with a UCS-2/UTF-16 CMap: the code is the Unicode value.
    code_is_unicode: bool,
    /// Simple fonts: /FirstChar and /Widths. Type0: /W map and /DW.
    first_char: u32,
    widths: Vec<f64>,
    cid_widths: HashMap<u32, f64>,
    default_width: f64,
    /// Glyph space → text space scale for widths (1/1000, or FontMatrix[0] for Type3).
    width_scale: f64,
    ascent: f64,
    descent: f64,
}

impl Font {
    fn fallback() -> Font {
        Font {
            base_font: String::new(),
            two_byte: false,
            to_unicode: HashMap::new(),
            code_is_unicode: false,
            first_char: 0,
            widths: Vec::new(),
            cid_widths: HashMap::new(),
            default_width: 500.0,
            width_scale: 0.001,
            ascent: 0.88,
            descent: -0.12,
        }
    }

    fn width(&self, code: u32) -> f64 {
        let w = if self.two_byte {
            // Identity-H: CID == code.
            self.cid_widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width)
        } else if code >= self.first_char && ((code - self.first_char) as usize) < self.widths.len()
        {
            self.widths[(code - self.first_char) as usize]
        } else {
            self.default_width
        };
        w * self.width_scale
    }

    fn unicode(&self, code: u32) -> String {
        if let Some(s) = self.to_unicode.get(&code) {
            return s.clone();
        }
        if self.two_byte {
            if self.code_is_unicode
                && let Some(c) = char::from_u32(code)
            {
                return c.to_string();
            }
            return "\u{FFFD}".into();
        }
        winansi_char(code as u8).to_string()
    }

    fn codes(&self, bytes: &[u8]) -> Vec<u32> {
        if self.two_byte {
            bytes
                .chunks(2)
                .map(|c| ((c[0] as u32) << 8) | *c.get(1).unwrap_or(&0) as u32)
                .collect()
        } else {
            bytes.iter().map(|&b| b as u32).collect()
        }
    }
}

fn descriptor_embedded(doc: &Document, d: &Dictionary) -> bool {
    get_dict(doc, d, b"FontDescriptor")
        .map(|fd| fd.has(b"FontFile") || fd.has(b"FontFile2") || fd.has(b"FontFile3"))
        .unwrap_or(false)
}

fn descendant<'a>(doc: &'a Document, d: &'a Dictionary) -> Option<&'a Dictionary> {
    let arr = get_array(doc, d, b"DescendantFonts")?;
    match deref(doc, arr.first()?) {
        Ok(Object::Dictionary(d)) => Some(d),
        _ => None,
    }
}

fn font_info(doc: &Document, d: &Dictionary) -> FontInfo {
    let base_font = get_name(doc, d, b"BaseFont").unwrap_or_else(|| "[none]".into());
    let subtype = get_name(doc, d, b"Subtype").unwrap_or_default();
    let embedded = if subtype == "Type0" {
        descendant(doc, d)
            .map(|dd| descriptor_embedded(doc, dd))
            .unwrap_or(false)
    } else if subtype == "Type3" {
        true // glyph procedures live in the PDF (pdffonts also says "yes")
    } else {
        descriptor_embedded(doc, d)
    };
    FontInfo {
        subset: is_subset_name(&base_font),
        base_font,
        subtype,
        embedded,
    }
}

fn load_font(doc: &Document, d: &Dictionary) -> Font {
    let mut f = Font::fallback();
    f.base_font = get_name(doc, d, b"BaseFont").unwrap_or_default();
    let subtype = get_name(doc, d, b"Subtype").unwrap_or_default();
    if let Ok(Object::Stream(s)) = d.get(b"ToUnicode").and_then(|o| deref(doc, o)) {
        let data = stream_data(s).unwrap_or_else(|_| s.content.clone());
        f.to_unicode = parse_to_unicode(&data);
    }
    let mut desc_holder = d;
    if subtype == "Type0" {
        f.two_byte = true;
        f.default_width = 1000.0;
        let enc = get_name(doc, d, b"Encoding").unwrap_or_default();
        f.code_is_unicode = enc.contains("UCS2") || enc.contains("UTF16");
        if let Some(dd) = descendant(doc, d) {
            desc_holder = dd;
            if let Some(dw) = dd.get(b"DW").ok().and_then(|o| dnum(doc, o)) {
                f.default_width = dw;
            }
            if let Some(w) = get_array(doc, dd, b"W") {
                f.cid_widths = parse_w_array(doc, w);
            }
        }
    } else {
        f.first_char = d
            .get(b"FirstChar")
            .ok()
            .and_then(|o| dnum(doc, o))
            .unwrap_or(0.0) as u32;
        if let Some(w) = get_array(doc, d, b"Widths") {
            f.widths = w.iter().map(|o| dnum(doc, o).unwrap_or(0.0)).collect();
            f.default_width = 0.0;
        } else {
            // Standard 14 font without /Widths: built-in metrics are not modelled; approximate.
            f.default_width = if f.base_font.starts_with("Courier") {
                600.0
            } else {
                500.0
            };
        }
        if subtype == "Type3"
            && let Some(m) = get_array(doc, d, b"FontMatrix")
        {
            let m = num_array(doc, m);
            if m.len() == 6 {
                f.width_scale = m[0];
            }
        }
    }
    if let Some(fd) = get_dict(doc, desc_holder, b"FontDescriptor") {
        if let Some(mw) = fd.get(b"MissingWidth").ok().and_then(|o| dnum(doc, o))
            && !f.two_byte
        {
            f.default_width = mw;
        }
        // Same plausibility checks as poppler's GfxFont::readFontDescriptor.
        if let Some(a) = fd.get(b"Ascent").ok().and_then(|o| dnum(doc, o)) {
            let a = (a / 1000.0).abs();
            if a != 0.0 && a < 3.0 {
                f.ascent = a;
            }
        }
        if let Some(dsc) = fd.get(b"Descent").ok().and_then(|o| dnum(doc, o)) {
            let dsc = -(dsc / 1000.0).abs();
            if dsc != 0.0 && dsc > -3.0 {
                f.descent = dsc;
            }
        }
    }
    f
}

fn parse_w_array(doc: &Document, w: &[Object]) -> HashMap<u32, f64> {
    let mut out = HashMap::new();
    let items: Vec<&Object> = w.iter().filter_map(|o| deref(doc, o).ok()).collect();
    let mut i = 0;
    while i < items.len() {
        let Some(first) = num(items[i]) else { break };
        let first = first.max(0.0) as u32;
        match items.get(i + 1) {
            Some(Object::Array(ws)) => {
                for (k, o) in ws.iter().enumerate() {
                    if let Some(v) = dnum(doc, o) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let (Some(last), Some(v)) = (num(o), items.get(i + 2).and_then(|o| num(o))) else {
                    break;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(0x1_0000));
                for c in first..=last {
                    out.insert(c, v);
                }
                i += 3;
            }
            None => break,
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// ToUnicode CMap

// ---------------------------------------------------------------------------------------------
// Content stream interpretation

type Mat = [f64; 6];
const IDENTITY: Mat = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// a × b (apply a, then b), PDF row-vector convention.
fn mul(a: &Mat, b: &Mat) -> Mat {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Mat, x: f64, y: f64) -> (f64, f64) {
    (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])
}

#[derive(Clone)]
struct GState {
    ctm: Mat,
    font: Option<Rc<Font>>,
    size: f64,
    char_space: f64,
    word_space: f64,
    hscale: f64,
    leading: f64,
    rise: f64,
    stroke: [f64; 3],
    line_width: f64,
}

struct Ctx<'a> {
    doc: &'a Document,
    font_cache: HashMap<ObjectId, Rc<Font>>,
    /// Form XObjects being executed (guards against forms that draw themselves).
    form_stack: Vec<ObjectId>,
}

struct PageRun {
    glyphs: Vec<Glyph>,
    strokes: Vec<Stroke>,
    x0: f64,
    top: f64,
}

impl<'a> Ctx<'a> {
    fn read_page(
        &mut self,
        page_id: ObjectId,
        fonts: &mut Vec<FontInfo>,
        seen: &mut HashSet<ObjectId>,
    ) -> Result<Page, String> {
        let doc = self.doc;
        let page = doc
            .get_dictionary(page_id)
            .map_err(|e| format!("bad page object: {e}"))?;
        let mb = match inherited(doc, page, b"MediaBox") {
            Some(Object::Array(a)) => num_array(doc, a),
            _ => vec![0.0, 0.0, 612.0, 792.0],
        };
        if mb.len() != 4 {
            return Err(format!("MediaBox has {} numbers instead of 4", mb.len()));
        }
        let (x0, y0, x1, y1) = (
            mb[0].min(mb[2]),
            mb[1].min(mb[3]),
            mb[0].max(mb[2]),
            mb[1].max(mb[3]),
        );
        let resources = match inherited(doc, page, b"Resources") {
            Some(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        if let Some(r) = resources {
            collect_fonts(doc, r, fonts, seen, &mut HashSet::new(), 0);
        }

        let mut data = Vec::new();
        for id in doc.get_page_contents(page_id) {
            if let Ok(Object::Stream(s)) = doc.get_object(id) {
                let d =
                    stream_data(s).map_err(|e| format!("content stream {} {}: {e}", id.0, id.1))?;
                data.extend_from_slice(&d);
                data.push(b'\n');
            }
        }
        let mut run = PageRun {
            glyphs: Vec::new(),
            strokes: Vec::new(),
            x0,
            top: y1,
        };
        let gs = GState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
            stroke: [0.0; 3],
            line_width: 1.0,
        };
        self.run_content(&data, resources, gs, &mut run, 0)?;
        Ok(Page {
            width_pt: x1 - x0,
            height_pt: y1 - y0,
            glyphs: run.glyphs,
            strokes: run.strokes,
        })
    }

    fn font(&mut self, resources: Option<&Dictionary>, name: &[u8]) -> Rc<Font> {
        let doc = self.doc;
        let Some(fonts) = resources.and_then(|r| get_dict(doc, r, b"Font")) else {
            return Rc::new(Font::fallback());
        };
        match fonts.get(name) {
            Ok(Object::Reference(id)) => {
                if let Some(f) = self.font_cache.get(id) {
                    return f.clone();
                }
                let f = match doc.get_object(*id) {
                    Ok(Object::Dictionary(d)) => Rc::new(load_font(doc, d)),
                    _ => Rc::new(Font::fallback()),
                };
                self.font_cache.insert(*id, f.clone());
                f
            }
            Ok(Object::Dictionary(d)) => Rc::new(load_font(doc, d)),
            _ => Rc::new(Font::fallback()),
        }
    }

    fn run_content(
        &mut self,
        data: &[u8],
        resources: Option<&Dictionary>,
        mut gs: GState,
        run: &mut PageRun,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let content =
            Content::decode(data).map_err(|e| format!("cannot parse content stream: {e}"))?;
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        let mut path: Vec<((f64, f64), (f64, f64))> = Vec::new();
        let mut current = (0.0, 0.0);
        let (page_x0, page_top) = (run.x0, run.top);
        for op in &content.operations {
            let o = &op.operands;
            let n = |i: usize| o.get(i).and_then(num).unwrap_or(0.0);
            let page_point = |gs: &GState, x: f64, y: f64| {
                let (x, y) = apply(&gs.ctm, x, y);
                (x - page_x0, page_top - y)
            };
            match op.operator.as_str() {
                "RG" | "SC" | "SCN" if o.len() == 3 => gs.stroke = [n(0), n(1), n(2)],
                "G" => gs.stroke = [n(0); 3],
                "w" => {
                    gs.line_width =
                        n(0) * (gs.ctm[0] * gs.ctm[3] - gs.ctm[1] * gs.ctm[2]).abs().sqrt()
                }
                "m" => current = page_point(&gs, n(0), n(1)),
                "l" => {
                    let to = page_point(&gs, n(0), n(1));
                    path.push((current, to));
                    current = to;
                }
                "S" | "s" => {
                    for (from, to) in path.drain(..) {
                        run.strokes.push(Stroke {
                            from,
                            to,
                            rgb: gs.stroke,
                            width: gs.line_width,
                        });
                    }
                }
                "n" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => path.clear(),
                "q" => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" if o.len() == 6 => {
                    let m = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    gs.ctm = mul(&m, &gs.ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let Some(Object::Name(name)) = o.first() {
                        gs.font = Some(self.font(resources, name));
                    }
                    gs.size = n(1);
                }
                "Tc" => gs.char_space = n(0),
                "Tw" => gs.word_space = n(0),
                "Tz" => gs.hscale = n(0) / 100.0,
                "TL" => gs.leading = n(0),
                "Ts" => gs.rise = n(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.leading = -n(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, n(0), n(1)], &tlm);
                    tm = tlm;
                }
                "Tm" if o.len() == 6 => {
                    tlm = [n(0), n(1), n(2), n(3), n(4), n(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = o.first() {
                        self.show(s, &gs, &mut tm, run);
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        gs.word_space = n(0);
                        gs.char_space = n(1);
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = o.last() {
                        self.show(s, &gs, &mut tm, run);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.first() {
                        for it in items {
                            match it {
                                Object::String(s, _) => self.show(s, &gs, &mut tm, run),
                                other => {
                                    if let Some(v) = num(other) {
                                        let tx = -v / 1000.0 * gs.size * gs.hscale;
                                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Object::Name(name)) = o.first() {
                        self.do_xobject(resources, name, &gs, run, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn do_xobject(
        &mut self,
        resources: Option<&Dictionary>,
        name: &[u8],
        gs: &GState,
        run: &mut PageRun,
        depth: usize,
    ) -> Result<(), String> {
        let doc = self.doc;
        let Some(xobjs) = resources.and_then(|r| get_dict(doc, r, b"XObject")) else {
            return Ok(());
        };
        let Ok(entry) = xobjs.get(name) else {
            return Ok(());
        };
        let Ok((form_id, Object::Stream(s))) = doc.dereference(entry) else {
            return Ok(());
        };
        if form_id.is_some_and(|id| self.form_stack.contains(&id)) {
            return Ok(()); // recursive form: already being drawn
        }
        if get_name(doc, &s.dict, b"Subtype").as_deref() != Some("Form") {
            return Ok(());
        }
        let m = get_array(doc, &s.dict, b"Matrix")
            .map(|a| num_array(doc, a))
            .unwrap_or_default();
        let m: Mat = if m.len() == 6 {
            [m[0], m[1], m[2], m[3], m[4], m[5]]
        } else {
            IDENTITY
        };
        let form_res = match s.dict.get(b"Resources").and_then(|o| deref(doc, o)) {
            Ok(Object::Dictionary(d)) => Some(d),
            _ => resources,
        };
        let data = stream_data(s)
            .map_err(|e| format!("form XObject /{}: {e}", String::from_utf8_lossy(name)))?;
        let mut inner = gs.clone();
        inner.ctm = mul(&m, &gs.ctm);
        if let Some(id) = form_id {
            self.form_stack.push(id);
        }
        let r = self.run_content(&data, form_res, inner, run, depth + 1);
        if form_id.is_some() {
            self.form_stack.pop();
        }
        r
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Mat, run: &mut PageRun) {
        let font = gs.font.clone().unwrap_or_else(|| Rc::new(Font::fallback()));
        for code in font.codes(bytes) {
            let w0 = font.width(code);
            let trm = mul(
                &mul(&[gs.size * gs.hscale, 0.0, 0.0, gs.size, 0.0, gs.rise], tm),
                &gs.ctm,
            );
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            // corners in user space: baseline origin, advance, ascent and descent
            let (ox, oy) = apply(&trm, 0.0, 0.0);
            let mut xs = [0.0; 4];
            let mut ys = [0.0; 4];
            for (k, (gx, gy)) in [
                (0.0, font.ascent),
                (0.0, font.descent),
                (w0, font.ascent),
                (w0, font.descent),
            ]
            .iter()
            .enumerate()
            {
                let (ux, uy) = apply(&trm, *gx, *gy);
                xs[k] = ux - run.x0;
                ys[k] = run.top - uy;
            }
            let minf = |a: &[f64; 4]| a.iter().copied().fold(f64::MAX, f64::min);
            let maxf = |a: &[f64; 4]| a.iter().copied().fold(f64::MIN, f64::max);
            // the writing direction, y downwards like the coordinates
            let (dx, dy) = (trm[0], -trm[1]);
            let norm = (dx * dx + dy * dy).sqrt().max(f64::MIN_POSITIVE);
            run.glyphs.push(Glyph {
                text: font.unicode(code),
                x: minf(&xs),
                y_top: minf(&ys),
                x_max: maxf(&xs),
                y_bottom: maxf(&ys),
                baseline: run.top - oy,
                size,
                font: font.base_font.clone(),
                dir: (dx / norm, dy / norm),
                origin: (ox - run.x0, run.top - oy),
            });
            let mut tx = w0 * gs.size + gs.char_space;
            if code == 32 && (!font.two_byte || bytes.len() == 1) {
                tx += gs.word_space;
            }
            tx *= gs.hscale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }
}

fn collect_fonts(
    doc: &Document,
    res: &Dictionary,
    out: &mut Vec<FontInfo>,
    seen: &mut HashSet<ObjectId>,
    seen_forms: &mut HashSet<ObjectId>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Some(fonts) = get_dict(doc, res, b"Font") {
        for (_, v) in fonts.iter() {
            match v {
                Object::Reference(id) => {
                    if seen.insert(*id)
                        && let Ok(Object::Dictionary(d)) = doc.get_object(*id)
                    {
                        out.push(font_info(doc, d));
                    }
                }
                Object::Dictionary(d) => out.push(font_info(doc, d)),
                _ => {}
            }
        }
    }
    if let Some(xobjs) = get_dict(doc, res, b"XObject") {
        for (_, v) in xobjs.iter() {
            if let Object::Reference(id) = v
                && !seen_forms.insert(*id)
            {
                continue;
            }
            if let Ok(Object::Stream(s)) = deref(doc, v)
                && get_name(doc, &s.dict, b"Subtype").as_deref() == Some("Form")
                && let Some(r) = get_dict(doc, &s.dict, b"Resources")
            {
                collect_fonts(doc, r, out, seen, seen_forms, depth + 1);
            }
        }
    }
}

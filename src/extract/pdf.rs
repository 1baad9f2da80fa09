//! Extract stage, PDF: the text of a tagged PDF in the order of its structure tree. Each page's
//! content stream is read once (lopdf decodes the objects and streams, `cmap` the fonts'
//! ToUnicode maps); the text inside each marked-content sequence is filed under its MCID, and the structure
//! tree (Typst tags every paragraph, heading and table cell) says which sequences make a paragraph,
//! a heading or a table row. Page furniture (page numbers) is an artifact, outside the tree, so it
//! never shows. A PDF without a structure tree gives its text runs in stream order.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use super::{Block, Extracted, Kind};

/// Reads the text of a PDF.
pub fn read(bytes: &[u8]) -> Result<Extracted, String> {
    let doc = Document::load_mem(bytes).map_err(|err| format!("cannot read the PDF: {err}"))?;
    let pages = doc.get_pages();
    let mut marked = HashMap::new();
    let mut loose = Vec::new();
    for (&number, &id) in &pages {
        let text = page_text(&doc, id).map_err(|err| format!("page {number}: {err}"))?;
        marked.extend(text.marked.into_iter().map(|(mcid, s)| ((id, mcid), s)));
        loose.extend(text.loose.into_iter().map(|s| (number as usize, s)));
    }
    let numbers = pages.iter().map(|(n, id)| (*id, *n as usize)).collect();
    let blocks = match structure_root(&doc) {
        Some(root) => {
            let mut walker = Walker::new(&doc, &marked, &numbers);
            walker.kids(root, None);
            walker.flush();
            walker.blocks
        }
        None => loose
            .into_iter()
            .map(|(page, text)| Block {
                kind: Kind::Paragraph,
                cells: vec![text],
                page,
            })
            .collect(),
    };
    Ok(Extracted {
        pages: pages.len(),
        blocks,
    })
}

/// A page's text: by MCID, and the runs outside any marked sequence with an MCID.
#[derive(Default)]
struct PageText {
    marked: HashMap<i64, String>,
    loose: Vec<String>,
}

/// Reads a page's content stream (and the forms it draws).
fn page_text(doc: &Document, page: ObjectId) -> lopdf::Result<PageText> {
    let content = doc.get_and_decode_page_content(page)?;
    let (resources, inherited) = doc.get_page_resources(page)?;
    let mut all = Vec::new();
    all.extend(resources.cloned());
    for id in inherited {
        all.push(doc.get_dictionary(id)?.clone());
    }
    let mut reader = StreamReader {
        doc,
        out: PageText::default(),
        stack: Vec::new(),
        run: String::new(),
    };
    reader.read(&content, &all, 0)?;
    Ok(reader.out)
}

/// Walks content streams, keeping the marked-content stack and the current font.
struct StreamReader<'a> {
    doc: &'a Document,
    out: PageText,
    /// The open marked-content sequences: their MCID, if any.
    stack: Vec<Option<i64>>,
    /// Text shown outside any MCID since the last `BT`.
    run: String,
}

impl StreamReader<'_> {
    fn read(
        &mut self,
        content: &Content,
        resources: &[Dictionary],
        depth: u8,
    ) -> lopdf::Result<()> {
        let fonts = fonts(self.doc, resources);
        let mut font: Option<&Decoder> = None;
        for op in &content.operations {
            match op.operator.as_str() {
                "BDC" => self.stack.push(mcid(self.doc, &op.operands)),
                "BMC" => self.stack.push(None),
                "EMC" => {
                    self.stack.pop();
                }
                "Tf" => {
                    let name = op.operands.first().and_then(|o| o.as_name().ok());
                    font = name.and_then(|n| fonts.get(n));
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if let Some(encoding) = font {
                        let text = shown(encoding, &op.operands);
                        self.push(&text);
                    }
                }
                "ET" => self.end_run(),
                "Do" if depth < 8 => self.form(&op.operands, resources, depth)?,
                _ => {}
            }
        }
        Ok(())
    }

    fn push(&mut self, text: &str) {
        match self.stack.iter().rev().find_map(|m| *m) {
            Some(mcid) => self.out.marked.entry(mcid).or_default().push_str(text),
            None => self.run.push_str(text),
        }
    }

    fn end_run(&mut self) {
        let run = std::mem::take(&mut self.run);
        if !run.trim().is_empty() {
            self.out.loose.push(run.trim().to_owned());
        }
    }

    /// A form XObject drawn with `Do`: its content belongs to the page.
    fn form(
        &mut self,
        operands: &[Object],
        resources: &[Dictionary],
        depth: u8,
    ) -> lopdf::Result<()> {
        let Some(name) = operands.first().and_then(|o| o.as_name().ok()) else {
            return Ok(());
        };
        let Some(stream) = resources.iter().find_map(|r| {
            let xobjects = deref(self.doc, r.get(b"XObject").ok()?)?.as_dict().ok()?;
            deref(self.doc, xobjects.get(name).ok()?)?.as_stream().ok()
        }) else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form") {
            return Ok(());
        }
        let content = Content::decode(&stream.decompressed_content()?)?;
        let mut inner: Vec<Dictionary> = Vec::new();
        if let Some(own) = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(self.doc, o))
        {
            inner.extend(own.as_dict().ok().cloned());
        }
        inner.extend(resources.iter().cloned());
        self.read(&content, &inner, depth + 1)
    }
}

/// The fonts of the resource dictionaries (the first that names one wins), as encodings.
fn fonts<'a>(doc: &'a Document, resources: &'a [Dictionary]) -> HashMap<Vec<u8>, Decoder> {
    let mut out = HashMap::new();
    for dict in resources {
        let Some(fonts) = dict.get(b"Font").ok().and_then(|o| deref(doc, o)) else {
            continue;
        };
        let Ok(fonts) = fonts.as_dict() else { continue };
        for (name, font) in fonts.iter() {
            if out.contains_key(name) {
                continue;
            }
            let font = deref(doc, font).and_then(|f| f.as_dict().ok());
            if let Some(encoding) = font.and_then(|f| Decoder::of(doc, f)) {
                out.insert(name.clone(), encoding);
            }
        }
    }
    out
}

/// How a font's codes become text: its ToUnicode map, codes of two bytes for composite fonts.
struct Decoder {
    two_bytes: bool,
    map: HashMap<u32, String>,
}

impl Decoder {
    fn of(doc: &Document, font: &Dictionary) -> Option<Self> {
        let to_unicode = font.get(b"ToUnicode").ok().and_then(|o| deref(doc, o))?;
        let data = to_unicode.as_stream().ok()?.decompressed_content().ok()?;
        Some(Self {
            two_bytes: font.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0"),
            map: super::cmap::parse_to_unicode(&data),
        })
    }

    fn decode(&self, bytes: &[u8]) -> String {
        let code = |c: &[u8]| c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b));
        let width = if self.two_bytes { 2 } else { 1 };
        bytes
            .chunks(width)
            .map(|c| match self.map.get(&code(c)) {
                Some(text) => text.clone(),
                None if width == 1 => char::from(c[0]).to_string(),
                None => String::new(),
            })
            .collect()
    }
}

/// The text a show-text operator draws.
fn shown(decoder: &Decoder, operands: &[Object]) -> String {
    let mut text = String::new();
    let mut add = |o: &Object| {
        if let Ok(bytes) = o.as_str() {
            text.push_str(&decoder.decode(bytes));
        }
    };
    for operand in operands {
        match operand {
            Object::Array(items) => items.iter().for_each(&mut add),
            other => add(other),
        }
    }
    text
}

/// The MCID of a `BDC` operator's property list, if it has one (inline dictionaries only:
/// Typst writes them inline).
fn mcid(doc: &Document, operands: &[Object]) -> Option<i64> {
    let props = deref(doc, operands.get(1)?)?.as_dict().ok()?;
    props.get(b"MCID").ok()?.as_i64().ok()
}

fn deref<'a>(doc: &'a Document, object: &'a Object) -> Option<&'a Object> {
    doc.dereference(object).ok().map(|(_, o)| o)
}

/// The catalog's structure tree root, when the PDF is tagged.
fn structure_root(doc: &Document) -> Option<&Dictionary> {
    let root = doc.catalog().ok()?.get(b"StructTreeRoot").ok()?;
    deref(doc, root)?.as_dict().ok()
}

/// Structure roles whose whole text is one heading.
const HEADINGS: &[&[u8]] = &[b"H", b"H1", b"H2", b"H3", b"H4", b"H5", b"H6", b"Title"];
/// Structure roles whose whole text is one paragraph.
const PARAGRAPHS: &[&[u8]] = &[
    b"P",
    b"Caption",
    b"LI",
    b"BlockQuote",
    b"Note",
    b"Code",
    b"TOCI",
];

/// Turns the structure tree into blocks.
struct Walker<'a> {
    doc: &'a Document,
    marked: &'a HashMap<(ObjectId, i64), String>,
    numbers: &'a HashMap<ObjectId, usize>,
    role_map: Option<&'a Dictionary>,
    blocks: Vec<Block>,
    /// Text met directly in a grouping element, waiting for the next block boundary.
    pending: (String, usize),
    tables: usize,
    rows: usize,
    in_head: bool,
}

impl<'a> Walker<'a> {
    fn new(
        doc: &'a Document,
        marked: &'a HashMap<(ObjectId, i64), String>,
        numbers: &'a HashMap<ObjectId, usize>,
    ) -> Self {
        let role_map = structure_root(doc)
            .and_then(|r| r.get(b"RoleMap").ok())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        Self {
            doc,
            marked,
            numbers,
            role_map,
            blocks: Vec::new(),
            pending: (String::new(), 0),
            tables: 0,
            rows: 0,
            in_head: false,
        }
    }

    /// The kids of a structure element or of the root, in order.
    fn kids(&mut self, elem: &'a Dictionary, page: Option<ObjectId>) {
        let page = page_of(elem).or(page);
        for kid in kid_list(self.doc, elem) {
            match kid {
                Kid::Element(child) => self.element(child, page),
                Kid::Marked(pg, mcid) => {
                    if let Some((text, number)) = self.content(pg.or(page), mcid) {
                        if self.pending.0.is_empty() {
                            self.pending.1 = number;
                        }
                        self.pending.0.push_str(text);
                    }
                }
            }
        }
    }

    fn element(&mut self, elem: &'a Dictionary, page: Option<ObjectId>) {
        let role = self.role(elem);
        let page = page_of(elem).or(page);
        if role == b"Table" {
            self.flush();
            self.tables += 1;
            self.rows = 0;
            self.kids(elem, page);
            self.flush();
        } else if role == b"THead" {
            let outer = std::mem::replace(&mut self.in_head, true);
            self.kids(elem, page);
            self.in_head = outer;
        } else if role == b"TR" {
            self.row(elem, page);
        } else if HEADINGS.contains(&role) || PARAGRAPHS.contains(&role) || is_block(self.doc, elem)
        {
            self.flush();
            let (text, number) = self.text_of(elem, page);
            let kind = if HEADINGS.contains(&role) {
                Kind::Heading
            } else {
                Kind::Paragraph
            };
            self.push(kind, vec![text], number);
        } else {
            self.kids(elem, page);
        }
    }

    fn row(&mut self, elem: &'a Dictionary, page: Option<ObjectId>) {
        self.flush();
        let mut cells = Vec::new();
        let mut first = None;
        let mut all_th = true;
        for kid in kid_list(self.doc, elem) {
            if let Kid::Element(cell) = kid {
                all_th &= self.role(cell) == b"TH";
                let (text, number) = self.text_of(cell, page_of(elem).or(page));
                first = first.or(Some(number).filter(|n| *n > 0));
                cells.push(text);
            }
        }
        self.rows += 1;
        let kind = Kind::Row {
            table: self.tables,
            row: self.rows,
            header: self.in_head || (all_th && !cells.is_empty()),
        };
        self.blocks.push(Block {
            kind,
            cells,
            page: first.unwrap_or(0),
        });
    }

    /// All the text under an element, and the page it starts on.
    fn text_of(&self, elem: &'a Dictionary, page: Option<ObjectId>) -> (String, usize) {
        let mut text = String::new();
        let mut first = 0;
        self.collect(elem, page, &mut text, &mut first);
        (text.trim().to_owned(), first)
    }

    fn collect(
        &self,
        elem: &'a Dictionary,
        page: Option<ObjectId>,
        text: &mut String,
        first: &mut usize,
    ) {
        let page = page_of(elem).or(page);
        for kid in kid_list(self.doc, elem) {
            match kid {
                Kid::Element(child) => self.collect(child, page, text, first),
                Kid::Marked(pg, mcid) => {
                    if let Some((s, number)) = self.content(pg.or(page), mcid) {
                        if *first == 0 {
                            *first = number;
                        }
                        text.push_str(s);
                    }
                }
            }
        }
    }

    fn content(&self, page: Option<ObjectId>, mcid: i64) -> Option<(&'a str, usize)> {
        let page = page?;
        let text = self.marked.get(&(page, mcid))?;
        Some((text.as_str(), self.numbers.get(&page).copied().unwrap_or(0)))
    }

    fn push(&mut self, kind: Kind, cells: Vec<String>, page: usize) {
        if cells.iter().any(|c| !c.is_empty()) {
            self.blocks.push(Block { kind, cells, page });
        }
    }

    /// Ends the text met directly in grouping elements as a paragraph of its own.
    fn flush(&mut self) {
        let (text, page) = std::mem::take(&mut self.pending);
        let text = text.trim().to_owned();
        self.push(Kind::Paragraph, vec![text], page);
    }

    /// The element's standard role (through the tree's role map).
    fn role(&self, elem: &'a Dictionary) -> &'a [u8] {
        let mut role = elem.get(b"S").and_then(Object::as_name).unwrap_or(b"");
        for _ in 0..4 {
            let mapped = self.role_map.and_then(|m| m.get(role).ok()?.as_name().ok());
            match mapped {
                Some(next) if next != role => role = next,
                _ => break,
            }
        }
        role
    }
}

/// A kid of a structure element.
enum Kid<'a> {
    Element(&'a Dictionary),
    /// Marked content: its page (when the reference names one) and MCID.
    Marked(Option<ObjectId>, i64),
}

fn kid_list<'a>(doc: &'a Document, elem: &'a Dictionary) -> Vec<Kid<'a>> {
    let Ok(k) = elem.get(b"K") else {
        return Vec::new();
    };
    let items: Vec<&Object> = match deref(doc, k) {
        Some(Object::Array(items)) => items.iter().collect(),
        Some(_) => vec![k],
        None => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|item| kid(doc, item))
        .collect()
}

fn kid<'a>(doc: &'a Document, item: &'a Object) -> Option<Kid<'a>> {
    if let Object::Integer(mcid) = item {
        return Some(Kid::Marked(None, *mcid));
    }
    let dict = deref(doc, item)?.as_dict().ok()?;
    match dict.get(b"Type").and_then(Object::as_name).ok() {
        Some(b"MCR") => Some(Kid::Marked(
            page_of(dict),
            dict.get(b"MCID").ok()?.as_i64().ok()?,
        )),
        Some(b"OBJR") => None,
        _ => Some(Kid::Element(dict)),
    }
}

fn page_of(dict: &Dictionary) -> Option<ObjectId> {
    dict.get(b"Pg").ok()?.as_reference().ok()
}

/// An inline role laid out as a block (`/Placement /Block`), such as the document title.
fn is_block(doc: &Document, elem: &Dictionary) -> bool {
    let Some(attributes) = elem.get(b"A").ok().and_then(|o| deref(doc, o)) else {
        return false;
    };
    let placement = |o: &Object| {
        deref(doc, o)
            .and_then(|d| d.as_dict().ok())
            .and_then(|d| d.get(b"Placement").ok())
            .and_then(|p| p.as_name().ok())
            == Some(b"Block")
    };
    match attributes {
        Object::Array(items) => items.iter().any(placement),
        other => placement(other),
    }
}

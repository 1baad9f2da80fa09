//! Extract stage, ToUnicode maps: the `bfchar` and `bfrange` sections of a PDF font's CMap,
//! code → text. (lopdf's own CMap grammar refuses the maps krilla writes: their PostScript
//! header and `/CMapVersion` and `/WMode` entries.)

use std::collections::HashMap;

/// A token of a CMap: what the sections are made of; everything else is `Other`.
#[derive(Debug, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Word(String),
    Open,
    Close,
    Other,
}

/// The CMap's tokens (comments, dictionaries' `<<`/`>>` and literal strings skipped as `Other`).
fn tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let rest = &data[i..];
        let (tok, used) = match rest[0] {
            b'%' => (
                None,
                rest.iter()
                    .position(|&b| b == b'\n' || b == b'\r')
                    .unwrap_or(rest.len()),
            ),
            b'<' | b'>' if rest.get(1) == Some(&rest[0]) => (Some(Tok::Other), 2),
            b'<' => hex(rest),
            b'[' => (Some(Tok::Open), 1),
            b']' => (Some(Tok::Close), 1),
            b'(' => (Some(Tok::Other), literal_len(rest)),
            c if c.is_ascii_whitespace() => (None, 1),
            _ => word(rest),
        };
        out.extend(tok);
        i += used.max(1);
    }
    out
}

/// `<…>`: its bytes, and the length of the token.
fn hex(rest: &[u8]) -> (Option<Tok>, usize) {
    let end = rest.iter().position(|&b| b == b'>').unwrap_or(rest.len());
    let digits: Vec<u32> = rest[1..end]
        .iter()
        .filter_map(|&b| char::from(b).to_digit(16))
        .collect();
    let bytes = digits
        .chunks(2)
        .map(|p| (p[0] << 4 | p.get(1).copied().unwrap_or(0)) as u8)
        .collect();
    (Some(Tok::Hex(bytes)), end + 1)
}

/// The length of a literal string `(…)`, nested parentheses and escapes included.
fn literal_len(rest: &[u8]) -> usize {
    let mut depth = 0;
    let mut i = 0;
    while i < rest.len() {
        match rest[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    rest.len()
}

/// A bare word (operator, name or number).
fn word(rest: &[u8]) -> (Option<Tok>, usize) {
    let len = rest
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b"<>[]()%".contains(&b))
        .unwrap_or(rest.len());
    if len == 0 {
        return (Some(Tok::Other), 1);
    }
    let text = String::from_utf8_lossy(&rest[..len]).into_owned();
    (Some(Tok::Word(text)), len)
}

/// A code's bytes as a number (big-endian, at most 4 bytes).
fn code(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0, |a, &b| (a << 8) | u32::from(b))
}

/// UTF-16BE text (a single byte is taken as it is).
fn utf16(bytes: &[u8]) -> String {
    if bytes.len() == 1 {
        return char::from(bytes[0]).to_string();
    }
    String::from_utf16_lossy(&units(bytes))
}

fn units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)))
        .collect()
}

/// Code → text of a ToUnicode CMap's `bfchar` and `bfrange` sections.
pub fn parse_to_unicode(data: &[u8]) -> HashMap<u32, String> {
    let toks = tokens(data);
    let mut map = HashMap::new();
    let mut i = 0;
    while i < toks.len() {
        i = match &toks[i] {
            Tok::Word(w) if w == "beginbfchar" => bfchar(&toks, i + 1, &mut map),
            Tok::Word(w) if w == "beginbfrange" => bfrange(&toks, i + 1, &mut map),
            _ => i + 1,
        };
    }
    map
}

/// `<src> <dst>` pairs (or `<src> /name`) from `i`; returns where the section ends.
fn bfchar(toks: &[Tok], mut i: usize, map: &mut HashMap<u32, String>) -> usize {
    while i + 1 < toks.len() {
        match (&toks[i], &toks[i + 1]) {
            (Tok::Hex(src), Tok::Hex(dst)) => {
                map.insert(code(src), utf16(dst));
            }
            (Tok::Hex(src), Tok::Word(name)) => {
                if let Some(text) = glyph_name(name.trim_start_matches('/')) {
                    map.insert(code(src), text);
                }
            }
            _ => return i,
        }
        i += 2;
    }
    i
}

/// `<lo> <hi> <dst>` (consecutive code points) or `<lo> <hi> [<dst>…]` from `i`.
fn bfrange(toks: &[Tok], mut i: usize, map: &mut HashMap<u32, String>) -> usize {
    while i + 2 < toks.len() {
        let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) else {
            return i;
        };
        let lo = code(lo);
        let hi = code(hi).min(lo.saturating_add(0xFFFF));
        match &toks[i + 2] {
            Tok::Hex(dst) => {
                let first = units(dst);
                let Some((&last, head)) = first.split_last() else {
                    return i + 3;
                };
                for (k, c) in (lo..=hi).enumerate() {
                    let mut u = head.to_vec();
                    u.push(last.wrapping_add(k as u16));
                    map.insert(c, String::from_utf16_lossy(&u));
                }
                i += 3;
            }
            Tok::Open => {
                let mut j = i + 3;
                let mut c = lo;
                while let Some(Tok::Hex(dst)) = toks.get(j) {
                    if c <= hi {
                        map.insert(c, utf16(dst));
                    }
                    c = c.saturating_add(1);
                    j += 1;
                }
                i = j + 1;
            }
            _ => return i,
        }
    }
    i
}

/// The text of a glyph name (`uniXXXX…`, `space`, single letters).
fn glyph_name(name: &str) -> Option<String> {
    if let Some(hex) = name.strip_prefix("uni")
        && hex.len() >= 4
        && hex.len() % 4 == 0
    {
        let units: Option<Vec<u16>> = hex
            .as_bytes()
            .chunks(4)
            .map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect();
        return units.map(|u| String::from_utf16_lossy(&u));
    }
    match name {
        "space" => Some(" ".into()),
        n if n.len() == 1 => Some(n.into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn krillas_map_with_its_postscript_header() {
        let map = parse_to_unicode(
            b"%!PS-Adobe-3.0 Resource-CMap\n/CMapVersion 1 def\n2 beginbfchar\n<0001> <5F00>\n<0002> <0032>\nendbfchar\n\
              1 beginbfrange\n<0010> <0012> <4E00>\nendbfrange\n1 beginbfrange\n<0020> <0021> [<0041> <D83DDE00>]\nendbfrange\n",
        );
        assert_eq!(map[&1], "开");
        assert_eq!(map[&2], "2");
        assert_eq!(map[&0x12], "丂");
        assert_eq!(map[&0x20], "A");
        assert_eq!(map[&0x21], "😀");
    }
}

//! Extract stage, ToUnicode maps: the `bfchar` and `bfrange` sections of a PDF font's CMap,
//! code → text. (lopdf's own CMap grammar refuses the maps krilla writes: their PostScript
//! header and `/CMapVersion` and `/WMode` entries.)

use std::collections::HashMap;

#[derive(Debug, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Word(String),
    Open,
    Close,
    Other,
}

fn cmap_tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    let n = data.len();
    while i < n {
        let c = data[i];
        match c {
            b'%' => {
                while i < n && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if i + 1 < n && data[i + 1] == b'<' => {
                out.push(Tok::Other);
                i += 2;
            }
            b'>' if i + 1 < n && data[i + 1] == b'>' => {
                out.push(Tok::Other);
                i += 2;
            }
            b'<' => {
                i += 1;
                let mut hex = Vec::new();
                while i < n && data[i] != b'>' {
                    if data[i].is_ascii_hexdigit() {
                        hex.push(data[i]);
                    }
                    i += 1;
                }
                i += 1;
                if hex.len() % 2 == 1 {
                    hex.push(b'0');
                }
                let bytes = hex
                    .chunks(2)
                    .map(|p| {
                        let h = |d: u8| (d as char).to_digit(16).unwrap_or(0) as u8;
                        (h(p[0]) << 4) | h(p[1])
                    })
                    .collect();
                out.push(Tok::Hex(bytes));
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // literal string: skip (balanced parentheses, escapes)
                let mut depth = 0;
                while i < n {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                out.push(Tok::Other);
            }
            _ if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < n && !data[i].is_ascii_whitespace() && !b"<>[]()%".contains(&data[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    out.push(Tok::Other);
                } else {
                    out.push(Tok::Word(
                        String::from_utf8_lossy(&data[start..i]).to_string(),
                    ));
                }
            }
        }
    }
    out
}

fn be_code(b: &[u8]) -> u32 {
    b.iter().take(4).fold(0u32, |a, &x| (a << 8) | x as u32)
}

fn utf16be(b: &[u8]) -> String {
    if b.len() == 1 {
        return (b[0] as char).to_string();
    }
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| ((c[0] as u16) << 8) | *c.get(1).unwrap_or(&0) as u16)
        .collect();
    String::from_utf16_lossy(&units)
}

/// Parse the bfchar / bfrange sections of a ToUnicode CMap.
pub fn parse_to_unicode(data: &[u8]) -> HashMap<u32, String> {
    let toks = cmap_tokens(data);
    let mut map = HashMap::new();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) if w == "beginbfchar" => {
                i += 1;
                while i + 1 < toks.len() {
                    match (&toks[i], &toks[i + 1]) {
                        (Tok::Hex(src), Tok::Hex(dst)) => {
                            map.insert(be_code(src), utf16be(dst));
                            i += 2;
                        }
                        (Tok::Hex(src), Tok::Word(name)) => {
                            // name destination, e.g. /space (rare)
                            let s = glyph_name_to_unicode(name.trim_start_matches('/'));
                            if let Some(s) = s {
                                map.insert(be_code(src), s);
                            }
                            i += 2;
                        }
                        _ => break,
                    }
                }
            }
            Tok::Word(w) if w == "beginbfrange" => {
                i += 1;
                while i + 2 < toks.len() {
                    let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) else {
                        break;
                    };
                    let (lo_c, hi_c) = (be_code(lo), be_code(hi));
                    // guard against absurd ranges
                    let hi_c = hi_c.min(lo_c.saturating_add(0xFFFF));
                    match &toks[i + 2] {
                        Tok::Hex(dst) => {
                            let mut units: Vec<u16> = dst
                                .chunks(2)
                                .map(|c| ((c[0] as u16) << 8) | *c.get(1).unwrap_or(&0) as u16)
                                .collect();
                            if units.is_empty() {
                                units.push(0);
                            }
                            for (k, code) in (lo_c..=hi_c).enumerate() {
                                let mut u = units.clone();
                                let last = u.len() - 1;
                                u[last] = u[last].wrapping_add(k as u16);
                                map.insert(code, String::from_utf16_lossy(&u));
                            }
                            i += 3;
                        }
                        Tok::Open => {
                            let mut j = i + 3;
                            let mut code = lo_c;
                            while j < toks.len() {
                                match &toks[j] {
                                    Tok::Hex(dst) => {
                                        if code <= hi_c {
                                            map.insert(code, utf16be(dst));
                                        }
                                        code = code.saturating_add(1);
                                    }
                                    Tok::Close => break,
                                    _ => {}
                                }
                                j += 1;
                            }
                            i = j + 1;
                        }
                        _ => break,
                    }
                }
            }
            _ => i += 1,
        }
    }
    map
}

fn glyph_name_to_unicode(name: &str) -> Option<String> {
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

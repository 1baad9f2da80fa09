//! Reading a returned OOXML package (a workbook or a Word draft) safely: what it is before any
//! part is read whole — not a ZIP at all, a password-protected file (an OLE compound file:
//! encrypted OOXML and old .doc/.xls begin with `D0 CF 11 E0`), a file an editor still has open
//! (its lock file beside it), a ZIP cut short (a file still being copied or written), a ZIP that is not an OOXML package — and every part read against
//! bounds on its uncompressed size and compression ratio, so that a file filled down to row
//! 8,000,000 is refused in a few milliseconds with one message instead of being parsed.
//!
//! The bounds come from the largest real file a city could return: a city-wide workbook of
//! 20 towns with 2,000 problems and 600 tasks is about 2 MB of sheet XML; a 200-page draft
//! with every paragraph changed and commented is under 5 MB of document XML. A part may be
//! 16 MB uncompressed (8 times the first; calamine then stays under ~200 MB) and compress at
//! most 100:1 (the sample's parts compress 4–12:1; a sheet of one value filled down compresses
//! 15–1000:1); a package may hold 2,000 parts and 48 MB uncompressed in all.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use zip::ZipArchive;

/// Bounds on what a package may hold.
pub const MAX_PART: u64 = 16 * 1024 * 1024;
pub const MAX_RATIO: u64 = 100;
pub const MAX_TOTAL: u64 = 48 * 1024 * 1024;
pub const MAX_PARTS: usize = 2_000;
/// Parts smaller than this are never refused for their ratio (a tiny part of spaces compresses
/// well and costs nothing).
const RATIO_FLOOR: u64 = 1024 * 1024;

/// What is wrong with a file as a package: a message in the user's terms and a hint.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub rule: &'static str,
    pub message: String,
    pub hint: String,
}

fn refuse(rule: &'static str, message: String, hint: &str) -> Refusal {
    Refusal {
        rule,
        message,
        hint: hint.to_owned(),
    }
}

/// An opened package whose central directory passed the bounds.
pub struct Package {
    zip: ZipArchive<BufReader<File>>,
    name: String,
}

impl Package {
    /// Opens `path` as an OOXML package of `what` (`工作簿`, `Word 稿`), whose main part is
    /// `main` (`xl/workbook.xml`, `word/document.xml`).
    pub fn open(path: &Path, what: &str, main: &str) -> Result<Self, Refusal> {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        if let Some(lock) = lock_file(path, &name) {
            return Err(refuse(
                "import.locked",
                format!("{name} 仍在编辑中（旁边有锁文件 {lock}）：可能还开着或正在保存"),
                "在 Word、WPS、Excel 或 LibreOffice 中保存并关闭这个文件后再导入；若它已关闭，锁文件是程序异常退出时留下的，删去即可",
            ));
        }
        let mut file = File::open(path).map_err(|e| {
            refuse(
                "import.unreadable",
                format!("无法打开 {name}：{e}"),
                "文件可能正被其他程序占用（仍在 Word、WPS 或 Excel 中打开、仍在复制）：关闭后重试",
            )
        })?;
        let mut head = [0u8; 8];
        let got = file.read(&mut head).unwrap_or(0);
        if got >= 4 && head[..4] == [0xD0, 0xCF, 0x11, 0xE0] {
            return Err(refuse(
                "import.encrypted",
                format!("{name} 设有打开密码（或是旧版 .doc/.xls 格式），无法读取"),
                "在 Word/WPS/Excel 中去掉打开密码（文件 › 信息 › 保护），另存为 .docx/.xlsx 后再导入",
            ));
        }
        if got < 4 || head[..2] != *b"PK" {
            return Err(refuse(
                "import.not-package",
                format!("{name} 不是 {what}（不是 Office Open XML 文件）"),
                "导入 zyz 导出、填好或改好后另存为 .xlsx/.docx 的文件",
            ));
        }
        let file = File::open(path).map_err(|e| {
            refuse(
                "import.unreadable",
                format!("无法打开 {name}：{e}"),
                "关闭文件后重试",
            )
        })?;
        let zip = ZipArchive::new(BufReader::new(file)).map_err(|e| {
            refuse(
                "import.truncated",
                format!("{name} 不完整，无法读取（{e}）"),
                "文件可能还在保存或复制中、或传输时被截断：等保存完成后重试，或请对方重新发送",
            )
        })?;
        let package = Self { zip, name };
        package.check_bounds()?;
        if package.zip.index_for_name("[Content_Types].xml").is_none()
            || package.zip.index_for_name(main).is_none()
        {
            return Err(refuse(
                "import.not-package",
                format!("{} 是 ZIP 文件，但不是 {what}（缺少 {main}）", package.name),
                "导入 zyz 导出、填好或改好后另存为 .xlsx/.docx 的文件",
            ));
        }
        Ok(package)
    }

    /// The central directory against the bounds: parts, each part's size and ratio, the total.
    fn check_bounds(&self) -> Result<(), Refusal> {
        let name = &self.name;
        let hint = "这不是正常填报或修改后的文件大小：检查是否把内容误填到了很多行（删去多余的行后另存），或请对方重新发送";
        if self.zip.len() > MAX_PARTS {
            return Err(refuse(
                "import.too-large",
                format!("{name} 含 {} 个部件，超过上限 {MAX_PARTS}", self.zip.len()),
                hint,
            ));
        }
        let mut total = 0u64;
        for i in 0..self.zip.len() {
            let Ok(meta) = self.zip.by_index_data(i) else {
                continue;
            };
            let (size, packed) = (meta.size(), meta.compressed_size().max(1));
            let part = meta.name().map(|n| n.into_owned()).unwrap_or_default();
            if size > MAX_PART {
                return Err(refuse(
                    "import.too-large",
                    format!(
                        "{name} 的部件 {part} 解压后 {} MB，超过上限 {} MB",
                        size / (1024 * 1024),
                        MAX_PART / (1024 * 1024)
                    ),
                    hint,
                ));
            }
            if size > RATIO_FLOOR && size / packed > MAX_RATIO {
                return Err(refuse(
                    "import.too-large",
                    format!(
                        "{name} 的部件 {part} 压缩比 {}:1，超过上限 {MAX_RATIO}:1（疑似填满了大量重复内容）",
                        size / packed
                    ),
                    hint,
                ));
            }
            total += size;
        }
        if total > MAX_TOTAL {
            return Err(refuse(
                "import.too-large",
                format!(
                    "{name} 解压后共 {} MB，超过上限 {} MB",
                    total / (1024 * 1024),
                    MAX_TOTAL / (1024 * 1024)
                ),
                hint,
            ));
        }
        Ok(())
    }

    /// Refuses a package any of whose XML parts declares a DTD (and so perhaps entities) in its
    /// prolog, where alone a DTD may stand: for the parts another reader (calamine) parses.
    /// Reads each part only up to its root element.
    pub fn refuse_dtd(&mut self) -> Result<(), Refusal> {
        for i in 0..self.zip.len() {
            let Ok(mut entry) = self.zip.by_index(i) else {
                continue;
            };
            let part = entry.name().map(|n| n.into_owned()).unwrap_or_default();
            if !(part.ends_with(".xml") || part.ends_with(".rels")) {
                continue;
            }
            let mut head = Vec::new();
            let _ = (&mut entry).take(PROLOG).read_to_end(&mut head);
            if has_dtd(&head) {
                return Err(refuse(
                    "import.dtd",
                    format!(
                        "{} 的部件 {part} 含 DTD 或实体声明，zyz 不读取这样的文件",
                        self.name
                    ),
                    "用 Word/WPS/Excel 打开后另存为 .docx/.xlsx 再导入；文件可能被其他工具改写过",
                ));
            }
        }
        Ok(())
    }

    /// A part's text (`None` when the package has no such part), read to at most the bound
    /// whatever its header says.
    pub fn text(&mut self, part: &str) -> Result<Option<String>, Refusal> {
        let name = self.name.clone();
        let mut entry = match self.zip.by_name(part) {
            Ok(entry) => entry,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => {
                return Err(refuse(
                    "import.truncated",
                    format!("{name} 的部件 {part} 无法读取（{e}）"),
                    "文件可能不完整或已损坏：请对方重新发送",
                ));
            }
        };
        let mut bytes = Vec::with_capacity(entry.size().min(MAX_PART) as usize);
        (&mut entry)
            .take(MAX_PART + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                refuse(
                    "import.truncated",
                    format!("{name} 的部件 {part} 不完整，无法读取（{e}）"),
                    "文件可能还在保存或复制中、或传输时被截断：等保存完成后重试，或请对方重新发送",
                )
            })?;
        if bytes.len() as u64 > MAX_PART {
            return Err(refuse(
                "import.too-large",
                format!(
                    "{name} 的部件 {part} 超过上限 {} MB",
                    MAX_PART / (1024 * 1024)
                ),
                "请对方重新发送正常大小的文件",
            ));
        }
        String::from_utf8(bytes).map(Some).map_err(|_| {
            refuse(
                "import.not-package",
                format!("{name} 的部件 {part} 不是 UTF-8 文本"),
                "请用 Word/WPS/Excel 另存为 .docx/.xlsx 后再导入",
            )
        })
    }
}

/// How much of a part's beginning [`Package::refuse_dtd`] reads: a prolog (declaration,
/// comments, a DTD) is a few hundred bytes; a longer one is looked at only this far.
const PROLOG: u64 = 64 * 1024;

/// Whether `head` (a part's first bytes) declares a DTD before its root element.
fn has_dtd(head: &[u8]) -> bool {
    let mut i = 0;
    while let Some(at) = head[i..].iter().position(|&b| b == b'<') {
        let rest = &head[i + at..];
        if rest.starts_with(b"<!DOCTYPE") || rest.starts_with(b"<!ENTITY") {
            return true;
        }
        let skip = if rest.starts_with(b"<?") {
            find(rest, b"?>")
        } else if rest.starts_with(b"<!--") {
            find(rest, b"-->")
        } else {
            // the root element: no DTD may follow
            return false;
        };
        match skip {
            Some(n) => i += at + n,
            None => return false,
        }
    }
    false
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + needle.len())
}

/// The lock file an editor keeps beside a file it has open, if there is one: LibreOffice's
/// `.~lock.NAME#`, Word's and WPS's owner file `~$NAME` (`~$` over the first two characters of a
/// long name).
fn lock_file(path: &Path, name: &str) -> Option<String> {
    let dir = path.parent()?;
    let mut candidates = vec![format!(".~lock.{name}#"), format!("~${name}")];
    let tail: String = name.chars().skip(2).collect();
    if !tail.is_empty() {
        candidates.push(format!("~${tail}"));
    }
    candidates.into_iter().find(|c| dir.join(c).is_file())
}

/// Parses a part's XML; a DTD or an entity declaration is refused (roxmltree's default), so no
/// part can expand entities ("billion laughs") or reach outside.
pub fn parse_xml<'t>(
    name: &str,
    part: &str,
    text: &'t str,
) -> Result<roxmltree::Document<'t>, Refusal> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: false,
            nodes_limit: 8_000_000,
            entity_resolver: None,
        },
    )
    .map_err(|e| {
        let dtd = matches!(e, roxmltree::Error::DtdDetected);
        refuse(
            if dtd { "import.dtd" } else { "import.xml" },
            if dtd {
                format!("{name} 的部件 {part} 含 DTD 或实体声明，zyz 不读取这样的文件")
            } else {
                format!("{name} 的部件 {part} 不是完整的 XML（{e}）")
            },
            "用 Word/WPS/Excel 打开后另存为 .docx/.xlsx 再导入；文件可能被其他工具改写过",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::has_dtd;

    #[test]
    fn a_dtd_is_found_in_the_prolog_only() {
        let dtd = br#"<?xml version="1.0"?><!-- x --><!DOCTYPE w [<!ENTITY a "b">]><w/>"#;
        assert!(has_dtd(dtd));
        assert!(!has_dtd(
            br#"<?xml version="1.0"?><w><t>&lt;!DOCTYPE</t></w>"#
        ));
        assert!(!has_dtd(b"<worksheet/>"));
    }
}

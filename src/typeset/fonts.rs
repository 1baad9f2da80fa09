//! Typeset stage, fonts: the one font set of a process (bundled fonts, `--font-path` folders and,
//! only when asked, system fonts), the role → family mapping, and the glyph-coverage check that
//! runs before typesetting.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::{Deserialize, Serialize};
use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst::utils::LazyHash;
use typst_kit::fonts::{FontPath, FontStore};

/// A typesetting role of GB/T 9704: which typeface class a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Titles and the issuing-organ mark (小标宋).
    Title,
    /// Body text (仿宋).
    Body,
    /// Level-1 headings (黑体).
    Heading1,
    /// Level-2 headings (楷体).
    Heading2,
    /// Page numbers (宋体).
    Number,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Title,
        Role::Body,
        Role::Heading1,
        Role::Heading2,
        Role::Number,
    ];

    /// The key used in `fonts.yaml` and in the templates' `fonts` dictionary.
    pub fn key(self) -> &'static str {
        match self {
            Role::Title => "title",
            Role::Body => "body",
            Role::Heading1 => "heading1",
            Role::Heading2 => "heading2",
            Role::Number => "number",
        }
    }

    /// The typeface class in Chinese, as the standard names it.
    pub fn class(self) -> &'static str {
        match self {
            Role::Title => "小标宋",
            Role::Body => "仿宋",
            Role::Heading1 => "黑体",
            Role::Heading2 => "楷体",
            Role::Number => "宋体",
        }
    }
}

/// Role → font families, first preferred, the rest fallbacks (in order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleMap {
    pub title: Vec<String>,
    pub body: Vec<String>,
    pub heading1: Vec<String>,
    pub heading2: Vec<String>,
    pub number: Vec<String>,
}

impl Default for RoleMap {
    /// The bundled fonts: Fandol for each class, Noto CJK SC behind every role.
    fn default() -> Self {
        let serif = "Noto Serif CJK SC".to_owned();
        let sans = "Noto Sans CJK SC".to_owned();
        Self {
            title: vec!["FandolSong".into(), serif.clone()],
            body: vec!["FandolFang R".into(), serif.clone()],
            heading1: vec!["FandolHei".into(), sans],
            heading2: vec!["FandolKai".into(), serif.clone()],
            number: vec!["FandolSong".into(), serif],
        }
    }
}

impl RoleMap {
    /// The families of one role.
    pub fn families(&self, role: Role) -> &[String] {
        match role {
            Role::Title => &self.title,
            Role::Body => &self.body,
            Role::Heading1 => &self.heading1,
            Role::Heading2 => &self.heading2,
            Role::Number => &self.number,
        }
    }

    /// Reads `fonts.yaml` (role: [families]) if the file exists, else the defaults.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let map: RoleMap = serde_yaml::from_str(&text).with_context(|| {
                    format!("{}: cannot read the font roles (keys: title, body, heading1, heading2, number; each a list of families)", path.display())
                })?;
                for role in Role::ALL {
                    if map.families(role).is_empty() {
                        bail!(
                            "{}: role `{}` lists no font family",
                            path.display(),
                            role.key()
                        );
                    }
                }
                Ok(map)
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
        }
    }
}

/// Where fonts come from.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// The bundled fonts folder (`fonts/`).
    pub bundled: PathBuf,
    /// Extra folders (`--font-path`).
    pub extra: Vec<PathBuf>,
    /// Whether to add the system's fonts (`--system-fonts`).
    pub system: bool,
    /// The role mapping.
    pub roles: RoleMap,
}

/// Where one face was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Bundled,
    FontPath,
    System,
}

/// One face in the set, for `zyz fonts`.
#[derive(Debug, Clone)]
pub struct Face {
    pub family: String,
    pub path: PathBuf,
    pub origin: Origin,
}

/// How a character is covered within one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    /// By the role's first (preferred) family.
    Primary,
    /// Only by a fallback family (named).
    Fallback(String),
    /// By no family of the role.
    Missing,
}

/// The fonts of one process: scanned once, shared by every document and thread.
pub struct FontSet {
    /// Answers of [`FontSet::coverage`] so far: Typst's coverage lookup scans a font's code-point
    /// runs linearly, and the same characters come up in every file.
    coverage_memo: std::sync::RwLock<std::collections::HashMap<(Role, char), Coverage>>,
    store: FontStore,
    faces: Vec<Face>,
    roles: RoleMap,
    /// Per role, per family in role order: the indices of that family's faces in the book.
    role_faces: RoleFaces,
    /// A digest of every font file's name and size, for incremental build hashes.
    fingerprint: String,
}

impl FontSet {
    /// Scans the bundled folder, the extra folders and (if asked) the system, then resolves the
    /// roles. Fails when the bundled folder is missing or a role's families are all absent.
    pub fn load(options: &FontOptions) -> anyhow::Result<Self> {
        let mut store = FontStore::new();
        let mut faces = Vec::new();
        let mut warnings = Vec::new();
        if !options.bundled.is_dir() {
            bail!(
                "the bundled fonts folder {} does not exist (hint: run zyz from the project folder, or pass --fonts DIR; scripts/fetch-fonts.sh re-creates it)",
                options.bundled.display()
            );
        }
        let mut folders = vec![(options.bundled.clone(), Origin::Bundled)];
        for dir in &options.extra {
            if !dir.is_dir() {
                bail!("--font-path {}: no such folder", dir.display());
            }
            folders.push((dir.clone(), Origin::FontPath));
        }
        for (dir, origin) in folders {
            let mut found: Vec<(FontPath, FontInfo)> = typst_kit::fonts::scan(&dir).collect();
            // Scan order depends on the file system; sort so the book is the same everywhere.
            found.sort_by(|a, b| (&a.0.path, a.0.index).cmp(&(&b.0.path, b.0.index)));
            warnings.extend(unreadable_font_files(&dir));
            for (path, info) in found {
                faces.push(Face {
                    family: info.family.clone(),
                    path: path.path.clone(),
                    origin: origin.clone(),
                });
                store.push((path, info));
            }
        }
        if options.system {
            let mut found: Vec<(FontPath, FontInfo)> = typst_kit::fonts::system().collect();
            found.sort_by(|a, b| (&a.0.path, a.0.index).cmp(&(&b.0.path, b.0.index)));
            for (path, info) in found {
                faces.push(Face {
                    family: info.family.clone(),
                    path: path.path.clone(),
                    origin: Origin::System,
                });
                store.push((path, info));
            }
        }
        for warning in warnings {
            eprintln!("warning: {warning}");
        }

        let role_faces = resolve_roles(store.book(), &options.roles)?;

        let mut digest = sha2_hex_of(faces.iter().map(|f| {
            let size = std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0);
            format!(
                "{}\t{}\t{}\n",
                f.family,
                f.path.file_name().unwrap_or_default().to_string_lossy(),
                size
            )
        }));
        digest.push_str(&sha2_hex_of(std::iter::once(format!(
            "{:?}",
            options.roles
        ))));
        Ok(Self {
            store,
            faces,
            roles: options.roles.clone(),
            role_faces,
            fingerprint: digest,
            coverage_memo: Default::default(),
        })
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }

    pub fn faces(&self) -> &[Face] {
        &self.faces
    }

    pub fn roles(&self) -> &RoleMap {
        &self.roles
    }

    /// Changes whenever a font file or the role mapping changes.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The families of a role that are actually present, in order.
    pub fn present_families(&self, role: Role) -> Vec<&str> {
        self.role_faces[&role]
            .iter()
            .filter(|(_, ix)| !ix.is_empty())
            .map(|(f, _)| f.as_str())
            .collect()
    }

    /// How `c` is covered in `role`.
    pub fn coverage(&self, role: Role, c: char) -> Coverage {
        if let Some(known) = self
            .coverage_memo
            .read()
            .expect("coverage memo poisoned")
            .get(&(role, c))
        {
            return known.clone();
        }
        let answer = self.coverage_uncached(role, c);
        self.coverage_memo
            .write()
            .expect("coverage memo poisoned")
            .insert((role, c), answer.clone());
        answer
    }

    fn coverage_uncached(&self, role: Role, c: char) -> Coverage {
        let book = self.store.book();
        let covers = |ix: &[usize]| {
            ix.iter().any(|&i| {
                book.info(i)
                    .is_some_and(|info| info.coverage.contains(c as u32))
            })
        };
        let families = &self.role_faces[&role];
        let mut first_present = true;
        for (family, indices) in families {
            if indices.is_empty() {
                continue;
            }
            if covers(indices) {
                return if first_present {
                    Coverage::Primary
                } else {
                    Coverage::Fallback(family.clone())
                };
            }
            first_present = false;
        }
        Coverage::Missing
    }

    /// The Typst dictionary literal of the role mapping, e.g. `(title: ("FandolSong", …), …)`,
    /// passed to `gongwen.with(fonts: …)`; lists only families that are present.
    pub fn typst_roles(&self) -> String {
        let mut out = String::from("(");
        for role in Role::ALL {
            out.push_str(role.key());
            out.push_str(": (");
            for family in self.present_families(role) {
                out.push_str(&crate::render::escape::typst_string(family));
                out.push_str(", ");
            }
            out.push_str("), ");
        }
        out.push(')');
        out
    }
}

/// A role's families in order of preference, each with the indices of its faces in the book.
type RoleFaces = BTreeMap<Role, Vec<(String, Vec<usize>)>>;

/// Each role's families, in order of preference, with the faces of each found in `book`. Fails
/// when none of a role's families is there.
fn resolve_roles(book: &FontBook, roles: &RoleMap) -> anyhow::Result<RoleFaces> {
    let mut role_faces = BTreeMap::new();
    for role in Role::ALL {
        let mut families = Vec::new();
        for family in roles.families(role) {
            let indices: Vec<usize> = book.select_family(&family.to_lowercase()).collect();
            families.push((family.clone(), indices));
        }
        if families.iter().all(|(_, ix)| ix.is_empty()) {
            bail!(
                "no font for role `{}` ({}): none of {:?} is available (hint: `zyz fonts` lists the families found; add fonts with --font-path DIR)",
                role.key(),
                role.class(),
                roles.families(role)
            );
        }
        role_faces.insert(role, families);
    }

    Ok(role_faces)
}

/// Font files fontdb silently skips (WOFF/WOFF2 load as zero faces): say so instead.
fn unreadable_font_files(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.path()
                .extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("woff") || x.eq_ignore_ascii_case("woff2"))
        })
        .map(|e| {
            format!(
                "{}: WOFF/WOFF2 fonts cannot be used; convert it to OTF or TTF",
                e.path().display()
            )
        })
        .collect()
}

fn sha2_hex_of(lines: impl Iterator<Item = String>) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for line in lines {
        hasher.update(line.as_bytes());
    }
    format!("{:x}", hasher.finalize())
}

/// Loads a font file's first face straight from bytes (used by tests and `zyz fonts`).
pub fn face_from_file(path: &Path) -> Option<Font> {
    let data = std::fs::read(path).ok()?;
    Font::new(Bytes::new(data), 0)
}

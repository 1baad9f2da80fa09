//! The typesetting engine over the bundled fonts and the project's templates, shared by the tests
//! that typeset small gongwen documents of their own.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use zyz::typeset::fonts::{FontOptions, FontSet, RoleMap};
use zyz::typeset::{Date, Job, Standard, Typesetter};

/// The bundled fonts only (no system fonts), loaded once per test binary.
pub static FONTS: LazyLock<Arc<FontSet>> = LazyLock::new(|| {
    Arc::new(
        FontSet::load(&FontOptions {
            bundled: super::repo().join("fonts"),
            extra: vec![],
            system: false,
            roles: RoleMap::default(),
        })
        .expect("bundled fonts load"),
    )
});

/// One engine over templates/ for the whole test binary.
pub static ENGINE: LazyLock<Typesetter> =
    LazyLock::new(|| Typesetter::new(&super::repo().join("templates"), FONTS.clone()).unwrap());

/// A PDF/A-2b job for `source`, dated 2025-03-31.
pub fn job(source: String) -> Job {
    Job {
        source,
        source_name: PathBuf::from("output/test.typ"),
        date: Date {
            year: 2025,
            month: 3,
            day: 31,
        },
        ident: "test".into(),
        standard: Standard::PdfA2b,
    }
}

/// A document on the gongwen layout with `body` as its markup.
pub fn gongwen(body: &str) -> String {
    format!(
        "#import \"gongwen/lib.typ\": *\n#show: gongwen.with(fonts: {}, title: \"测试\", author: \"永济市人民政府办公室\", date: datetime(year: 2025, month: 3, day: 31))\n{body}\n",
        FONTS.typst_roles()
    )
}

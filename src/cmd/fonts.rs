//! `zyz fonts`: what the typesetter can use — every family found, and per role the families in
//! order with which of them are present.

use crate::Exit;
use crate::cli::FontArgs;
use crate::typeset::fonts::{FontSet, Origin, Role};

/// Entry point of `zyz fonts`.
pub fn run(args: &FontArgs) -> anyhow::Result<Exit> {
    let options = super::build::font_options(args, std::path::Path::new("content"))?;
    let fonts = FontSet::load(&options)?;
    println!("roles (first family preferred, later ones are fallbacks):");
    for role in Role::ALL {
        let present = fonts.present_families(role);
        let listed: Vec<String> = fonts
            .roles()
            .families(role)
            .iter()
            .map(|f| {
                if present.contains(&f.as_str()) {
                    f.clone()
                } else {
                    format!("{f} (missing)")
                }
            })
            .collect();
        println!(
            "  {:<9} {}  {}",
            role.key(),
            role.class(),
            listed.join(" → ")
        );
    }
    println!("families:");
    let mut rows: Vec<(String, String, &str)> = fonts
        .faces()
        .iter()
        .map(|f| {
            let origin = match f.origin {
                Origin::Bundled => "bundled",
                Origin::FontPath => "--font-path",
                Origin::System => "system",
            };
            (f.family.clone(), f.path.display().to_string(), origin)
        })
        .collect();
    rows.sort();
    for (family, path, origin) in rows {
        println!("  {family:<20} {origin:<12} {path}");
    }
    Ok(Exit::Success)
}

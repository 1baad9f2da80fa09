//! Render stage: data → Typst source, through minijinja templates (`templates/*.typ.j2`).
//!
//! Undefined values are errors (strict), and every interpolated value is escaped for Typst markup
//! automatically (a custom auto-escape for `.typ.j2` files); numbers and booleans pass as they are.
//! Filters: `cn_date`, `money`, `wenhao`, `str` (a Typst string literal for code context).
//! For the Word draft the context's strings from the content carry their source ([`fields`]):
//! they print as `#zyz-field(N)[…]`.
//! Last, every full-width mark of the markup is boxed ([`punct`]).

pub mod escape;
pub mod fields;
pub mod filters;
pub mod mark;
pub mod punct;

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};

use crate::diag::Diagnostic;

/// The name of our auto-escape mode.
const TYPST: &str = "typst";

/// Templates that make Typst source: escaped for Typst, and their full-width marks boxed.
fn is_typst_template(name: &str) -> bool {
    name.ends_with(".typ.j2")
}

/// The template environment of a process.
pub struct Renderer {
    env: Environment<'static>,
    templates: PathBuf,
}

impl Renderer {
    /// Templates are read from `templates` (only from there: no `..`, no symlinks out).
    /// `fonts` is the Typst dictionary of role → families, offered to templates as `fonts`.
    pub fn new(templates: &Path, fonts: &str) -> anyhow::Result<Self> {
        let root = templates.canonicalize().map_err(|err| {
            anyhow::anyhow!("the templates folder {} cannot be opened: {err} (hint: run zyz from the project folder or pass --templates DIR)", templates.display())
        })?;
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.set_auto_escape_callback(|name| {
            if is_typst_template(name) {
                AutoEscape::Custom(TYPST)
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(|out, state, value| {
            if state.auto_escape() != AutoEscape::Custom(TYPST) {
                return minijinja::escape_formatter(out, state, value);
            }
            let text = if value.is_safe() {
                value.to_string()
            } else if value.is_none() || value.is_undefined() {
                String::new()
            } else if value.is_number() || value.kind() == minijinja::value::ValueKind::Bool {
                value.to_string()
            } else {
                let text = value.to_string();
                let plain = |run: &str| {
                    if mark::has_marks(run) {
                        mark::markup(run, escape::markup)
                    } else {
                        escape::markup(run)
                    }
                };
                if fields::has_fields(&text) {
                    fields::markup(&text, plain)
                } else {
                    plain(&text)
                }
            };
            out.write_str(&text).map_err(Error::from)
        });
        let loader_root = root.clone();
        env.set_loader(move |name| load_template(&loader_root, name));
        env.add_global("fonts", Value::from_safe_string(fonts.to_owned()));
        env.add_filter("cn_date", |v: Value| filters::cn_date(&v));
        env.add_filter("money", |v: Value| filters::money(&v));
        env.add_filter("str", |v: Value| filters::typst_str(&v));
        env.add_function("wenhao", |prefix: String, year: i64, serial: i64| {
            filters::wenhao(&prefix, year, serial)
        });
        Ok(Self {
            env,
            templates: templates.to_path_buf(),
        })
    }

    /// Renders template `name` (e.g. `notice.typ.j2`) with `context`.
    pub fn render(
        &self,
        name: &str,
        context: &impl serde::Serialize,
    ) -> Result<String, Box<Diagnostic>> {
        let template = self
            .env
            .get_template(name)
            .map_err(|err| Box::new(self.diagnostic(name, &err)))?;
        let source = template
            .render(Value::from_serialize(context))
            .map_err(|err| Box::new(self.diagnostic(name, &err)))?;
        Ok(if is_typst_template(name) {
            punct::fullwidth_and_breaks(&source)
        } else {
            source
        })
    }

    /// Forgets parsed templates (after a template changed on disk).
    pub fn reset(&mut self) {
        self.env.clear_templates();
    }

    fn diagnostic(&self, name: &str, err: &Error) -> Diagnostic {
        let file = self.templates.join(err.name().unwrap_or(name));
        let mut message = err
            .detail()
            .map(str::to_owned)
            .unwrap_or_else(|| err.kind().to_string());
        if err.detail().is_some() {
            message = format!("{}: {message}", err.kind());
        }
        let mut cause = err.source();
        while let Some(inner) = cause {
            message.push_str(&format!(" (caused by: {inner})"));
            cause = inner.source();
        }
        let mut d = Diagnostic::error(file, err.line().unwrap_or(0), 1, "template", message);
        if err.kind() == ErrorKind::UndefinedError {
            d = d.with_hint("the template uses a value the data does not have: check the spelling in the template and the YAML");
        } else if err.kind() == ErrorKind::TemplateNotFound {
            d = d.with_hint(format!(
                "templates are looked up under {}",
                self.templates.display()
            ));
        }
        d
    }
}

use std::error::Error as _;

/// Loads `name` from under `root`, refusing paths that leave it (`..`, absolute paths, symlinks).
fn load_template(root: &Path, name: &str) -> Result<Option<String>, Error> {
    let relative = Path::new(name);
    if relative.is_absolute()
        || relative
            .components()
            .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "template name `{name}` must be a plain relative path inside the templates folder"
            ),
        ));
    }
    let path = root.join(relative);
    let real = match path.canonicalize() {
        Ok(real) => real,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot open template {}", path.display()),
            )
            .with_source(err));
        }
    };
    if !real.starts_with(root) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "template `{name}` leads outside the templates folder (to {})",
                real.display()
            ),
        ));
    }
    std::fs::read_to_string(&real).map(Some).map_err(|err| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("cannot read template {}", real.display()),
        )
        .with_source(err)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn renderer_with(name: &str, body: &str) -> (tempfile::TempDir, Renderer) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(name), body).unwrap();
        let r = Renderer::new(dir.path(), "()").unwrap();
        (dir, r)
    }

    #[test]
    fn values_are_escaped_and_numbers_pass() {
        let (_d, r) = renderer_with("t.typ.j2", "[{{ s }}] {{ n }} {{ s | str }}");
        let out = r
            .render("t.typ.j2", &serde_json::json!({"s": "#x*", "n": 2.5}))
            .unwrap();
        assert_eq!(out, "[\\#x\\*] 2.5 \"#x*\"");
    }

    #[test]
    fn undefined_values_are_errors_with_a_line() {
        let (_d, r) = renderer_with("t.typ.j2", "a\n{{ missing.field }}\n");
        let err = r.render("t.typ.j2", &serde_json::json!({})).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("undefined"), "{}", err.message);
        assert!(err.file.ends_with("t.typ.j2"));
    }

    #[test]
    fn templates_cannot_leave_their_folder() {
        let (_d, r) = renderer_with("t.typ.j2", "{% include '../secret' %}");
        let err = r.render("t.typ.j2", &serde_json::json!({})).unwrap_err();
        assert!(
            err.message.contains("must be a plain relative path"),
            "{}",
            err.message
        );
    }
}

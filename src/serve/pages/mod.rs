//! Serve, pages: the HTML pages, server-rendered with minijinja (every value HTML-escaped) from
//! templates embedded in the binary. One file per page family: `overview` (总览 and 单镇),
//! `document` (文档: pages, downloads, findings, 修改对照), `due` (待办), `register` (发文登记)
//! and `check` (检查).

mod check;
mod document;
mod due;
mod overview;
mod register;

use std::sync::{Arc, OnceLock};

use minijinja::{AutoEscape, Environment, Value};

use super::http::{Asked, Reply};
use super::state::{Snapshot, State};
use super::view::Facts;

/// The templates, by name.
const TEMPLATES: [(&str, &str); 7] = [
    ("layout.html", include_str!("../assets/layout.html")),
    ("overview.html", include_str!("../assets/overview.html")),
    ("town.html", include_str!("../assets/town.html")),
    ("document.html", include_str!("../assets/document.html")),
    ("due.html", include_str!("../assets/due.html")),
    ("register.html", include_str!("../assets/register.html")),
    ("check.html", include_str!("../assets/check.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        for (name, text) in TEMPLATES {
            env.add_template(name, text).expect("a valid page template");
        }
        env
    })
}

/// A request's view of the state: the page functions are its methods (one file each).
pub struct Pages<'a> {
    pub state: &'a State,
    pub asked: &'a Asked,
}

impl Pages<'_> {
    /// Renders a page template with the snapshot's generation and overlay added.
    fn render(&self, snapshot: &Snapshot, name: &str, ctx: Value) -> Reply {
        let overlay: Vec<String> = snapshot
            .overlay
            .iter()
            .map(|d| d.render(snapshot.source_of(d), false))
            .collect();
        let base = minijinja::context! {
            generation => snapshot.generation,
            overlay => overlay,
            city => snapshot.view.content.city.name,
        };
        let ctx = minijinja::context! { ..ctx, ..base };
        match env().get_template(name).and_then(|t| t.render(ctx)) {
            Ok(html) => Reply::html(html),
            Err(err) => Reply::text(500, &format!("500 页面生成出错：{err:#}")),
        }
    }

    /// The facts of the current snapshot, arranged once per snapshot.
    fn facts(&self, snapshot: &Snapshot) -> Arc<Facts> {
        let mut last = self.state.facts.lock().expect("facts lock");
        match &*last {
            Some((generation, facts)) if *generation == snapshot.generation => facts.clone(),
            _ => {
                let facts = Arc::new(Facts::of(snapshot));
                *last = Some((snapshot.generation, facts.clone()));
                facts
            }
        }
    }
}

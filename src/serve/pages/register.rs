//! Serve, 发文登记: the register of issued documents (content/register.yaml) — 文号, kind, town,
//! title, date, signer — and whether the file in the output folder still has the SHA-256 recorded
//! when it was issued.

use minijinja::context;
use serde::Serialize;

use super::Pages;
use crate::serve::http::Reply;
use crate::serve::view::kind_name;

#[derive(Serialize)]
struct Row {
    wenhao: String,
    kind: &'static str,
    town: String,
    title: String,
    date: String,
    signer: String,
    path: String,
    /// `ok`, `changed` or `missing`.
    state: &'static str,
    state_text: &'static str,
}

impl Pages<'_> {
    /// `/register`.
    pub fn register(&self) -> Reply {
        let snapshot = self.state.snapshot();
        let content = &snapshot.view.content;
        let out = self
            .state
            .session
            .read()
            .expect("session lock")
            .options
            .out
            .clone();
        let entries = content.register.iter().flat_map(|r| &r.issued);
        let rows: Vec<Row> = entries
            .map(|e| {
                let wenhao = snapshot
                    .doc(&e.path)
                    .and_then(|d| d.issued.as_ref())
                    .map(|i| i.wenhao.clone())
                    .unwrap_or_else(|| {
                        let prefix = content
                            .city
                            .organs
                            .iter()
                            .find(|o| o.id == e.organ)
                            .map_or(e.organ.as_str(), |o| o.prefix.as_str());
                        crate::model::wenhao(prefix, e.year, e.serial)
                    });
                let (state, state_text) = match std::fs::read(out.join(&e.path)) {
                    Ok(bytes) if crate::archive::sha256_hex(&bytes) == e.sha256 => ("ok", "一致"),
                    Ok(_) => ("changed", "不一致：文件已被改动"),
                    Err(_) => ("missing", "文件缺失"),
                };
                let town = e.town.as_ref().map(|id| {
                    content
                        .towns
                        .iter()
                        .find(|t| &t.id == id)
                        .map_or(id.clone(), |t| t.name.clone())
                });
                Row {
                    wenhao,
                    kind: kind_name(&e.kind),
                    town: town.unwrap_or_else(|| "全市".to_owned()),
                    title: e.title.clone(),
                    date: e.date.to_chinese(),
                    signer: e.signed_off_by.clone().unwrap_or_default(),
                    path: e.path.clone(),
                    state,
                    state_text,
                }
            })
            .collect();
        self.render(
            &snapshot,
            "register.html",
            context! { rows => rows, page => "register" },
        )
    }
}

//! Serve, 总览 and 单镇: every town in one table (sortable by rank or by name), the city-wide
//! documents above it; one town in full with its findings.

use minijinja::context;

use super::Pages;
use crate::serve::http::Reply;

impl Pages<'_> {
    /// `/` (`?sort=rank|name`).
    pub fn overview(&self) -> Reply {
        let snapshot = self.state.snapshot();
        let facts = self.facts(&snapshot);
        let sort = match self.asked.query("sort") {
            Some("name") => "name",
            _ => "rank",
        };
        let mut order: Vec<usize> = (0..facts.towns.len()).collect();
        if sort == "rank" {
            order.sort_by_key(|&i| (facts.towns[i].rank.unwrap_or(u32::MAX), i));
        } else {
            order.sort_by(|&a, &b| facts.towns[a].id.cmp(&facts.towns[b].id));
        }
        let towns: Vec<_> = order.iter().map(|&i| &facts.towns[i]).collect();
        self.render(
            &snapshot,
            "overview.html",
            context! { facts => &*facts, towns => towns, sort => sort, page => "overview" },
        )
    }

    /// `/town/<id>`.
    pub fn town(&self, id: &str) -> Reply {
        let snapshot = self.state.snapshot();
        let facts = self.facts(&snapshot);
        let Some(town) = facts.towns.iter().find(|t| t.id == id) else {
            return Reply::not_found();
        };
        let file = snapshot
            .view
            .content
            .towns
            .iter()
            .find(|t| t.id == id)
            .map(|t| snapshot.content_dir.join(&t.file));
        let findings: Vec<String> = snapshot
            .findings
            .iter()
            .filter(|d| Some(&d.file) == file.as_ref())
            .map(|d| d.render(snapshot.source_of(d), false))
            .collect();
        self.render(
            &snapshot,
            "town.html",
            context! { facts => &*facts, town => town, findings => findings, page => "town" },
        )
    }
}

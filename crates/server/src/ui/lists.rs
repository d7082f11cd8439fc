//! `/lists`: each source with its versions, counts and data age, and the changes between two
//! versions (added, removed, amended with the fields that changed).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use proscribe_app::registry::Against;
use proscribe_store::{ChangeKind, SourceSummary, VersionInfo};
use serde::Deserialize;

use super::{error_page, render, Page, SignedIn};
use crate::error::ApiError;
use crate::AppState;

/// Rows shown per kind of change; the counts are always whole.
const MAX_ROWS: usize = 500;

/// A source as the pages list it.
pub(crate) struct SourceRow {
    pub id: String,
    pub title: String,
    pub format: String,
    pub versions: i64,
    /// The day the newest version states it was published; none when the list states no
    /// date (its import time is no publication date, and its age is not known).
    pub published: Option<String>,
    pub imported: String,
    pub age: String,
    pub entities: i64,
    pub designations: i64,
}

/// How old data published at `instant` is, in words.
fn age(instant: &str) -> String {
    let day = instant.get(..10).and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match day {
        Some(d) => {
            let days = (chrono::Utc::now().date_naive() - d).num_days();
            match days {
                ..=0 => "today".into(),
                1 => "1 day".into(),
                2..=90 => format!("{days} days"),
                _ => format!("{} months", days / 30),
            }
        }
        None => "-".into(),
    }
}

impl From<&SourceSummary> for SourceRow {
    fn from(s: &SourceSummary) -> SourceRow {
        let published = s.latest.published.as_deref();
        SourceRow {
            id: s.id.clone(),
            title: s.title.clone(),
            format: s.format.clone(),
            versions: s.versions,
            age: published.map(age).unwrap_or_else(|| "-".into()),
            published: published.map(|p| p.get(..10).unwrap_or(p).to_string()),
            imported: s.latest.imported_at.get(..10).unwrap_or(&s.latest.imported_at).to_string(),
            entities: s.latest.entities,
            designations: s.latest.designations,
        }
    }
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage {
    page: Page,
    sources: Vec<SourceRow>,
}

/// `GET /lists`.
pub(crate) async fn sources(State(state): State<Arc<AppState>>, Extension(who): Extension<SignedIn>) -> Response {
    match state.run_store(|s| Ok(s.sources()?)).await {
        Ok(sources) => render(
            StatusCode::OK,
            &ListsPage {
                page: Page::new(&who, "lists", "Lists"),
                sources: sources.iter().map(SourceRow::from).collect(),
            },
        ),
        Err(e) => error_page(&who, e),
    }
}

/// A version as the source page lists it.
pub(crate) struct VersionRow {
    pub id: i64,
    /// Its number within the source, as people are shown it.
    pub number: i64,
    /// The number of the version before it.
    pub previous: Option<i64>,
    /// As the version states it; none when it states no date.
    pub published: Option<String>,
    pub imported: String,
    pub entities: i64,
    pub names: i64,
    pub designations: i64,
    pub files: String,
}

#[derive(Template)]
#[template(path = "source.html")]
struct SourcePage {
    page: Page,
    source: SourceRow,
    versions: Vec<VersionRow>,
}

/// `GET /lists/{source}`: its versions, newest first, each with a link to its changes.
pub(crate) async fn source(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    let key = id.clone();
    let found = state
        .run_store(move |s| {
            let summary = s.sources()?.into_iter().find(|x| x.id == key);
            let summary = summary.ok_or_else(|| ApiError::not_found("not_found", format!("no source {key:?}")))?;
            Ok((summary, s.versions(&key)?))
        })
        .await;
    let (summary, versions) = match found {
        Ok(f) => f,
        Err(e) => return error_page(&who, e),
    };
    let rows: Vec<VersionRow> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionRow {
            id: v.id,
            number: v.number,
            previous: i.checked_sub(1).map(|p| versions[p].number),
            published: v.published.clone(),
            imported: v.imported_at.clone(),
            entities: v.entities,
            names: v.names,
            designations: v.designations,
            files: v.files.iter().map(|f| f.name.clone()).collect::<Vec<_>>().join(", "),
        })
        .rev()
        .collect();
    let page = SourcePage {
        page: Page::new(&who, "lists", summary.title.clone()),
        source: SourceRow::from(&summary),
        versions: rows,
    };
    render(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub(crate) struct DiffParams {
    from: Option<String>,
    to: Option<String>,
}

/// A field that changed.
pub(crate) struct FieldRow {
    pub field: String,
    pub removed: Vec<String>,
    pub added: Vec<String>,
}

/// A changed entity.
pub(crate) struct ChangeRow {
    pub entity_id: String,
    pub reference: String,
    pub caption: String,
    pub fields: Vec<FieldRow>,
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage {
    page: Page,
    source: String,
    from: Option<VersionInfo>,
    to: VersionInfo,
    /// Each version's id, number and date.
    versions: Vec<(i64, i64, String)>,
    counts: (usize, usize, usize),
    sections: Vec<Section>,
    cut: usize,
    max_rows: usize,
}

/// The changes of one kind.
pub(crate) struct Section {
    pub title: &'static str,
    pub class: &'static str,
    pub amended: bool,
    pub rows: Vec<ChangeRow>,
}

/// `GET /lists/{source}/diff?from=&to=`: the changes between two versions (the newest against
/// the one before by default).
pub(crate) async fn diff(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    params: Result<Query<DiffParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(p)) = params else {
        return error_page(&who, ApiError::bad_request("invalid_parameter", "from and to are version numbers"));
    };
    let number = |v: &Option<String>, what: &str| super::given(v).map(|t| crate::error::number(t, what)).transpose();
    let (from, to) = match (number(&p.from, "version"), number(&p.to, "version")) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return error_page(&who, e),
    };
    let key = id.clone();
    let found = state
        .run_store(move |s| {
            let versions = s.versions(&key)?;
            let newest =
                versions.last().ok_or_else(|| ApiError::not_found("not_found", format!("no source {key:?}")))?;
            let to = to.unwrap_or(newest.id);
            if !versions.iter().any(|v| v.id == to) {
                return Err(ApiError::not_found("not_found", format!("version {to} is not a version of {key}")));
            }
            let d = proscribe_app::registry::diff(s, to, from.map_or(Against::Previous, Against::Version))?;
            Ok((d.versions, d.changes))
        })
        .await;
    let (versions, d) = match found {
        Ok(f) => f,
        Err(e) => return error_page(&who, e),
    };
    let rows = |kind: ChangeKind| -> (usize, Vec<ChangeRow>) {
        let all: Vec<&proscribe_store::Change> = d.changes.iter().filter(|c| c.kind == kind).collect();
        let shown = all
            .iter()
            .take(MAX_ROWS)
            .map(|c| ChangeRow {
                entity_id: c.entity_id.clone(),
                reference: c.reference.clone().unwrap_or_default(),
                caption: c.caption.clone(),
                fields: c
                    .detail
                    .fields
                    .iter()
                    .map(|f| FieldRow { field: f.field.clone(), removed: f.removed.clone(), added: f.added.clone() })
                    .collect(),
            })
            .collect();
        (all.len(), shown)
    };
    let (na, added) = rows(ChangeKind::Added);
    let (nr, removed) = rows(ChangeKind::Removed);
    let (nm, amended) = rows(ChangeKind::Amended);
    let cut = [na, nr, nm].iter().map(|n| n.saturating_sub(MAX_ROWS)).sum();
    let page = DiffPage {
        page: Page::new(&who, "lists", format!("Changes in {id}")),
        source: id,
        from: d.from,
        to: d.to,
        versions: versions
            .iter()
            .rev()
            .map(|v| (v.id, v.number, v.published.clone().unwrap_or_else(|| v.effective.clone())))
            .collect(),
        counts: (na, nr, nm),
        sections: vec![
            Section { title: "Added", class: "added", amended: false, rows: added },
            Section { title: "Removed", class: "removed", amended: false, rows: removed },
            Section { title: "Amended", class: "amended", amended: true, rows: amended },
        ],
        cut,
        max_rows: MAX_ROWS,
    };
    render(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::Registry;

    fn summary(published: Option<&str>) -> SourceSummary {
        let latest = VersionInfo {
            id: 1,
            number: 1,
            source_id: "ru-list".into(),
            published: published.map(str::to_string),
            // Without a stated date a version takes effect when imported.
            effective: "2026-01-02T10:00:00Z".into(),
            imported_at: "2026-01-02T10:00:00Z".into(),
            sha256: "0".repeat(64),
            files: vec![],
            entities: 1,
            names: 1,
            designations: 1,
            diagnostics: serde_json::json!([]),
        };
        SourceSummary { id: "ru-list".into(), title: "A list".into(), format: "csv".into(), versions: 1, latest }
    }

    #[test]
    fn a_list_stating_no_date_is_not_said_published_when_imported() {
        let who = SignedIn(None, Registry::Database, String::new());
        let undated = summary(None);
        let lists = ListsPage { page: Page::new(&who, "lists", "Lists"), sources: vec![SourceRow::from(&undated)] };
        let html = lists.render().unwrap();
        assert!(html.contains("no date stated<br><small>imported 2026-01-02</small>"), "{html}");
        let source = SourcePage {
            page: Page::new(&who, "lists", "A list"),
            source: SourceRow::from(&undated),
            versions: vec![VersionRow {
                id: 1,
                number: 1,
                previous: None,
                published: None,
                imported: "2026-01-02T10:00:00Z".into(),
                entities: 1,
                names: 1,
                designations: 1,
                files: "list.csv".into(),
            }],
        };
        let html = source.render().unwrap();
        assert!(html.contains("the newest version states no publication date · imported 2026-01-02"), "{html}");
        assert!(!html.contains("newest published") && !html.contains("old)"), "{html}");

        let dated = SourceRow::from(&summary(Some("2025-12-01T00:00:00Z")));
        assert_eq!(dated.published.as_deref(), Some("2025-12-01"));
        assert_ne!(dated.age, "-");
    }
}

//! `/screen` (one query, in the URL) and `/scan` (an article): results with their explanation.

use std::collections::HashSet;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use proscribe_matching::entity::{FeatureKind, Hit, Query as ScreenQuery, ScreenOptions};
use proscribe_matching::scan::{scan_until, ScanOptions};
use proscribe_matching::{NameMatch, PreparedName, DEFAULT_THRESHOLD};
use proscribe_model::{ftm, Status};
use serde::Deserialize;

use super::{error_page, given, render, Page, SignedIn};
use crate::error::ApiError;
use crate::AppState;
use crate::Loaded;
use proscribe_app::query::{parse_query, QueryFields};
use proscribe_app::views::{references, MemberView, ReferenceView};

/// The query of `/screen`, as the form sends it.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ScreenForm {
    name: Option<String>,
    birth_date: Option<String>,
    country: Option<String>,
    id: Option<String>,
    schema: Option<String>,
    threshold: Option<String>,
    limit: Option<String>,
    as_of: Option<String>,
}

/// A word of a listed name, marked when the query matched it.
pub(crate) struct Word {
    pub text: String,
    pub marked: bool,
}

/// Evidence besides the name.
pub(crate) struct Evidence {
    pub what: &'static str,
    pub effect: String,
    pub sign: &'static str,
    pub detail: String,
}

/// One result as the page shows it.
pub(crate) struct ResultView {
    pub entity_id: String,
    pub caption: String,
    pub schema: &'static str,
    pub source: String,
    pub score: String,
    pub is_match: bool,
    pub listed_name: Vec<Word>,
    /// The Latin reading compared, when the listed name is written otherwise.
    pub rendering: Option<String>,
    pub name_score: String,
    pub pairs: Vec<(String, String, String)>,
    pub unmatched_query: Vec<String>,
    pub unmatched_listed: Vec<String>,
    pub evidence: Vec<Evidence>,
    pub designations: Vec<ReferenceView>,
    /// The other entries of the same real-world entity on other lists.
    pub members: Vec<MemberView>,
}

#[derive(Template)]
#[template(path = "screen.html")]
struct ScreenPage {
    page: Page,
    form: ScreenForm,
    schemas: Vec<(&'static str, bool)>,
    asked: bool,
    error: Option<String>,
    threshold: String,
    results: Vec<ResultView>,
    day: String,
}

/// Kinds of entity the form offers.
const SCHEMAS: &[&str] = &["Person", "Organization", "Company", "Vessel", "Airplane"];

fn feature_label(kind: FeatureKind) -> &'static str {
    match kind {
        FeatureKind::NameKind => "kind of name",
        FeatureKind::Schema => "kind of entity",
        FeatureKind::BirthDate => "birth date",
        FeatureKind::Country => "country",
        FeatureKind::Identifier => "identifier",
    }
}

/// The words of `listed`, each marked when it gives one of the candidate words `m` matched.
pub(crate) fn marked_words(listed: &str, m: &NameMatch) -> Vec<Word> {
    let matched: HashSet<&str> = m.pairs.iter().flat_map(|p| p.candidate.split_whitespace()).collect();
    listed
        .split_whitespace()
        .map(|w| {
            let p = PreparedName::new(w, None);
            let marked = p.variants.iter().flatten().any(|t| matched.contains(t.text.as_str()));
            Word { text: w.to_string(), marked }
        })
        .collect()
}

fn result_view(loaded: &Loaded, hit: &Hit) -> ResultView {
    let e = loaded.index.entity(hit.entity);
    let listed = hit.name.map(|n| loaded.index.name_text(n).to_string()).unwrap_or_default();
    let m = &hit.name_match;
    ResultView {
        entity_id: e.id.clone(),
        caption: e.caption().to_string(),
        schema: ftm::schema_name(e.schema),
        source: loaded.sources.of(hit.entity).to_string(),
        score: format!("{:.2}", hit.score),
        is_match: hit.is_match,
        rendering: (!listed.is_ascii() && !m.candidate_rendering.is_empty()).then(|| m.candidate_rendering.clone()),
        listed_name: marked_words(&listed, m),
        name_score: format!("{:.2}", m.score),
        pairs: m.pairs.iter().map(|p| (p.query.clone(), p.candidate.clone(), format!("{:.2}", p.similarity))).collect(),
        unmatched_query: m.unmatched_query.clone(),
        unmatched_listed: m.unmatched_candidate.clone(),
        evidence: hit
            .features
            .iter()
            .map(|f| Evidence {
                what: feature_label(f.feature),
                effect: format!("{:+.2}", f.effect),
                sign: if f.effect > 0.0 {
                    "up"
                } else if f.effect < 0.0 {
                    "down"
                } else {
                    "none"
                },
                detail: f.detail.clone(),
            })
            .collect(),
        designations: references(e, &loaded.day),
        members: proscribe_app::views::members(loaded, hit.entity),
    }
}

/// A number from a form field, which must lie in `range`.
fn ranged<T>(v: &Option<String>, range: std::ops::RangeInclusive<T>, what: &str) -> Result<Option<T>, ApiError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    given(v)
        .map(|t| {
            t.parse::<T>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_parameter",
                    format!("{what} is a number from {} to {}", range.start(), range.end()),
                )
            })
        })
        .transpose()
}

/// Reads the form into a query, or says which field is wrong.
fn query_of(
    form: &ScreenForm,
) -> Result<Option<(ScreenQuery, ScreenOptions, Option<proscribe_model::PartialDate>)>, ApiError> {
    let Some(name) = given(&form.name) else { return Ok(None) };
    // The form's fields are read as every interface reads a query; a value that cannot be
    // read is refused on the page, so that the analyst can correct it.
    let one = |v: &Option<String>| given(v).map(str::to_string).into_iter().collect::<Vec<_>>();
    let fields = QueryFields {
        name: Some(name.to_string()),
        schema: given(&form.schema).map(str::to_string),
        birth_dates: one(&form.birth_date),
        countries: one(&form.country),
        identifiers: one(&form.id),
    };
    let q = parse_query(fields).and_then(|p| p.strict()).map_err(crate::yente::field_error)?;
    let mut options = ScreenOptions { explain: true, limit: 10, ..ScreenOptions::default() };
    if let Some(t) = ranged(&form.threshold, 0.0..=1.0, "the threshold")? {
        options.threshold = t;
    }
    if let Some(l) = ranged(&form.limit, 1..=100, "the limit")? {
        options.limit = l;
    }
    let as_of = super::form_day(&form.as_of, "as_of")?;
    Ok(Some((q, options, as_of)))
}

/// `GET /screen?name=...`: the form, and the results when a name is given.
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    form: Result<Query<ScreenForm>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let form = form.map(|Query(f)| f).unwrap_or_default();
    let schemas = SCHEMAS.iter().map(|s| (*s, given(&form.schema) == Some(*s))).collect();
    let title = given(&form.name).map_or("Screen a name".to_string(), |n| format!("Screen: {n}"));
    let mut view = ScreenPage {
        page: Page::new(&who, "screen", title),
        form,
        schemas,
        asked: false,
        error: None,
        threshold: format!("{DEFAULT_THRESHOLD:.2}"),
        results: Vec::new(),
        day: String::new(),
    };
    let outcome = match query_of(&view.form) {
        Ok(None) => return render(StatusCode::OK, &view),
        Ok(Some(q)) => run(&state, q).await,
        Err(e) => Err(e),
    };
    view.asked = true;
    match outcome {
        Ok((results, threshold, day)) => {
            view.results = results;
            view.threshold = threshold;
            view.day = day;
            render(StatusCode::OK, &view)
        }
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            view.error = Some(e.message);
            render(StatusCode::BAD_REQUEST, &view)
        }
        Err(e) => error_page(&who, e),
    }
}

async fn run(
    state: &Arc<AppState>,
    (q, options, as_of): (ScreenQuery, ScreenOptions, Option<proscribe_model::PartialDate>),
) -> Result<(Vec<ResultView>, String, String), ApiError> {
    let current = state.loaded()?;
    let s = state.clone();
    tokio::task::spawn_blocking(move || {
        let loaded = if as_of.is_some() { s.loaded_as_of(as_of)? } else { current };
        let hits = proscribe_app::views::screen_loaded(&loaded, &q, &options, false)
            .map_err(|e| ApiError::bad_request("unusable_name", format!("the name cannot be screened: {e}")))?;
        let hits = proscribe_app::views::shown(hits, proscribe_app::views::DEFAULT_CUTOFF, options.threshold);
        let results = hits.iter().map(|h| result_view(&loaded, h)).collect();
        Ok((results, format!("{:.2}", options.threshold), loaded.day.to_string()))
    })
    .await
    .map_err(|e| ApiError::internal(&anyhow::anyhow!("screening task failed: {e}")))?
}

/// A stretch of the article: plain, or a mention (by number).
pub(crate) struct Segment {
    pub text: String,
    pub mention: Option<usize>,
}

/// An entity a mention may name.
pub(crate) struct MentionHit {
    pub entity_id: String,
    pub caption: String,
    pub schema: &'static str,
    pub score: String,
    pub listed_name: String,
    pub designations: Vec<ReferenceView>,
}

/// A mention found in the article.
pub(crate) struct MentionView {
    pub number: usize,
    pub text: String,
    pub hits: Vec<MentionHit>,
}

#[derive(Template)]
#[template(path = "scan.html")]
struct ScanPage {
    page: Page,
    text: String,
    scanned: bool,
    error: Option<String>,
    segments: Vec<Segment>,
    mentions: Vec<MentionView>,
}

impl ScanPage {
    /// The empty form.
    fn new(who: &SignedIn) -> ScanPage {
        ScanPage {
            page: Page::new(who, "scan", "Scan an article"),
            text: String::new(),
            scanned: false,
            error: None,
            segments: Vec::new(),
            mentions: Vec::new(),
        }
    }
}

/// `GET /scan`: the form.
pub(crate) async fn scan_page(Extension(who): Extension<SignedIn>) -> Response {
    render(StatusCode::OK, &ScanPage::new(&who))
}

/// Reads the article from the form: the pasted text, or the uploaded file when one is given.
async fn article(mut form: Multipart) -> Result<String, ApiError> {
    let mut text = String::new();
    let mut file: Option<String> = None;
    while let Some(field) =
        form.next_field().await.map_err(|e| ApiError::bad_request("invalid_form", format!("the form: {e}")))?
    {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(|e| ApiError::bad_request("invalid_form", format!("the form: {e}")))?;
        let value = || {
            String::from_utf8(bytes.to_vec())
                .map_err(|_| ApiError::bad_request("invalid_text", format!("{name}: the text is not UTF-8")))
        };
        match name.as_str() {
            "text" => text = value()?,
            "file" if !bytes.is_empty() => file = Some(value()?),
            _ => {}
        }
    }
    let text = file.unwrap_or(text);
    if text.len() > crate::screening::MAX_TEXT_BYTES {
        return Err(ApiError::bad_request(
            "text_too_long",
            format!("the text is {} bytes; at most {}", text.len(), crate::screening::MAX_TEXT_BYTES),
        ));
    }
    if text.trim().is_empty() {
        return Err(ApiError::bad_request("no_text", "paste an article or choose a file"));
    }
    Ok(text)
}

/// `POST /scan/article`: the article with its mentions marked, and what each may name.
pub(crate) async fn scan_article(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    form: Multipart,
) -> Response {
    let mut view = ScanPage::new(&who);
    let text = match article(form).await {
        Ok(t) => t,
        Err(e) => {
            view.error = Some(e.message);
            return render(StatusCode::BAD_REQUEST, &view);
        }
    };
    let loaded = match state.loaded() {
        Ok(l) => l,
        Err(e) => return error_page(&who, e),
    };
    // Held until the page is answered: a request that times out stops the scan.
    let (_cancel, stopped) = crate::ops::cancellation();
    let scanned = tokio::task::spawn_blocking(move || {
        let stop = || stopped.load(std::sync::atomic::Ordering::Relaxed);
        let mentions = scan_until(&loaded.index, &text, &ScanOptions::default(), &stop).unwrap_or_default();
        let mut segments = Vec::new();
        let mut views = Vec::new();
        let mut at = 0;
        for (i, m) in mentions.iter().enumerate() {
            if m.start < at {
                continue;
            }
            segments.push(Segment { text: text[at..m.start].to_string(), mention: None });
            segments.push(Segment { text: text[m.start..m.end].to_string(), mention: Some(i + 1) });
            at = m.end;
            let hits = m
                .hits
                .iter()
                .map(|h| {
                    let e = loaded.index.entity(h.entity);
                    MentionHit {
                        entity_id: e.id.clone(),
                        caption: e.caption().to_string(),
                        schema: ftm::schema_name(e.schema),
                        score: format!("{:.2}", h.score),
                        listed_name: loaded.index.name_text(h.name).to_string(),
                        designations: references(e, &loaded.day)
                            .into_iter()
                            .filter(|r| r.status == Status::Listed.as_str() || r.status == Status::Suspended.as_str())
                            .collect(),
                    }
                })
                .collect();
            views.push(MentionView { number: i + 1, text: text[m.start..m.end].to_string(), hits });
        }
        segments.push(Segment { text: text[at..].to_string(), mention: None });
        (text, segments, views)
    })
    .await;
    match scanned {
        Ok((text, segments, mentions)) => {
            view.text = text;
            view.scanned = true;
            view.segments = segments;
            view.mentions = mentions;
            render(StatusCode::OK, &view)
        }
        Err(e) => error_page(&who, ApiError::internal(&anyhow::anyhow!("scan task failed: {e}"))),
    }
}

//! The matching API in the shapes of yente, OpenSanctions' screening service, so that its
//! clients work unchanged where the features overlap: `POST /match/{dataset}`,
//! `GET /search/{dataset}`, `GET /entities/{id}`, `GET /catalog`, `GET /algorithms`.
//!
//! A dataset is `default` (every source) or a source id (`us-ofac-sdn`, `un-sc-consolidated`).
//! The queries of one `/match` request are screened on all cores.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::Json;
use axum_extra::extract::{Query, QueryRejection};
use proscribe_app::query::{parse_query, Field, FieldError, QueryFields};
use proscribe_matching::entity::{screen, FeatureKind, Hit, Query as ScreenQuery, QueryError, ScreenOptions};
use proscribe_model::{ftm, Entity, PartialDate, Schema};
use proscribe_store::Store;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::{AppState, Loaded};

/// The one scoring algorithm, under its own name; `best` and `default` name it too.
pub const ALGORITHM: &str = "proscribe-v1";
/// The dataset that holds every source.
pub const ALL_DATASETS: &str = "default";
/// Results per query when the request sets no limit (as yente).
const DEFAULT_LIMIT: usize = 5;
/// Most results per query (as yente).
const MAX_LIMIT: usize = 500;
/// Score below which results are left out when the request sets no cutoff (as yente).
const DEFAULT_CUTOFF: f64 = proscribe_app::views::DEFAULT_CUTOFF;
/// Most characters of a name.
const MAX_NAME_CHARS: usize = proscribe_matching::entity::MAX_NAME_CHARS;

/// The body of `POST /match/{dataset}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MatchRequest {
    /// Queries by the client's own names for them.
    pub queries: BTreeMap<String, EntityQuery>,
    /// Accepted for compatibility; the algorithm's weights are fixed and documented.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub weights: Option<Value>,
    /// Accepted for compatibility, as `weights`.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub config: Option<Value>,
}

/// One query: an entity described in FollowTheMoney terms.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct EntityQuery {
    /// FollowTheMoney schema: Thing, LegalEntity, Person, Organization, Company, PublicBody,
    /// Vessel or Airplane.
    pub schema: String,
    /// Properties (`name`, `alias`, `firstName`, `lastName`, `birthDate`, `nationality`,
    /// `country`, `passportNumber`, `idNumber`, `imoNumber`, ...): name to a list of values.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, Vec<String>>)]
    pub properties: BTreeMap<String, Value>,
}

/// Query parameters of `/match`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchParams {
    algorithm: Option<String>,
    threshold: Option<f64>,
    cutoff: Option<f64>,
    limit: Option<usize>,
    #[serde(default)]
    include_dataset: Vec<String>,
    #[serde(default)]
    exclude_dataset: Vec<String>,
    /// Leave out results of these kinds (FollowTheMoney schemata: `Person`, `Company`, ...);
    /// repeatable.
    #[serde(default)]
    exclude_schema: Vec<String>,
    /// Keep only results carrying any of these topics (`sanction`, `role.pep`, `debarment`,
    /// `crime.fin`, ...; compared whole, as yente does); repeatable.
    #[serde(default)]
    topics: Vec<String>,
    changed_since: Option<String>,
    #[serde(default)]
    exclude_entity_ids: Vec<String>,
    /// Screen against the lists as they stood on this day (versions in force, statuses).
    as_of: Option<String>,
    /// Answer each list's entry of one real-world entity as a result of its own, instead of
    /// one result per entity whose `referents` and `datasets` name its entries.
    #[serde(default)]
    members: bool,
}

/// Query parameters of `/search`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    schema: Option<String>,
    as_of: Option<String>,
}

/// A query read and checked, ready to screen.
#[derive(Debug)]
struct Prepared {
    names: Vec<String>,
    base: ScreenQuery,
}

/// A query's key, the query as sent, and its hits (with the queried name that found each).
type Screened = (String, EntityQuery, Result<Vec<(Hit, String)>, QueryError>);

/// The filters and limits of a request.
struct Filter {
    sources: Option<Vec<String>>,
    exclude_sources: Vec<String>,
    exclude_schema: Vec<Schema>,
    exclude_ids: Vec<String>,
    /// Keep results with any of these topics (none: every result), as yente's `topics`.
    topics: Vec<String>,
    changed_since: Option<String>,
}

fn values<'a>(properties: &'a BTreeMap<String, Value>, key: &str) -> Result<Vec<&'a str>, ApiError> {
    let Some(v) = properties.get(key) else { return Ok(Vec::new()) };
    let wrong = || ApiError::bad_request("invalid_property", format!("property {key:?}: values must be strings"));
    match v {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(|i| i.as_str().ok_or_else(wrong)).collect(),
        Value::Null => Ok(Vec::new()),
        _ => Err(wrong()),
    }
}

/// Reads the kind of entity of a query (see [`proscribe_app::query::parse_schema`]).
pub(crate) fn query_schema(name: &str) -> Result<Option<Schema>, ApiError> {
    proscribe_app::query::parse_schema(name).map_err(field_error)
}

/// A query's field that cannot be read, as a 400 with a code naming the kind of field.
pub(crate) fn field_error(e: FieldError) -> ApiError {
    let code = match e.field {
        Field::Schema => "unknown_schema",
        Field::BirthDate => "invalid_date",
        Field::Country => "invalid_country",
        Field::Name => "no_name",
        Field::Id | Field::Key => "invalid_property",
    };
    ApiError::bad_request(code, e.to_string())
}

/// Checks a query and turns it into what screening takes.
fn prepare(key: &str, q: &EntityQuery) -> Result<Prepared, ApiError> {
    let at = |e: ApiError| ApiError { message: format!("query {key:?}: {}", e.message), ..e };
    let schema = query_schema(&q.schema).map_err(at)?;
    let mut names: Vec<String> = Vec::new();
    for p in ftm::NAME_PROPERTIES {
        for n in values(&q.properties, p).map_err(at)? {
            let chars = n.chars().count();
            if chars > MAX_NAME_CHARS {
                return Err(at(ApiError::bad_request(
                    "name_too_long",
                    format!("a name of {chars} characters; at most {MAX_NAME_CHARS} are screened"),
                )));
            }
            if !n.trim().is_empty() && !names.iter().any(|x| x == n) {
                names.push(n.to_string());
            }
        }
    }
    // A person's name in parts.
    let parts: Vec<&str> = ftm::NAME_PARTS
        .iter()
        .map(|(p, _)| p)
        .map(|p| values(&q.properties, p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(at)?
        .into_iter()
        .flat_map(|v| v.into_iter().take(1))
        .filter(|v| !v.trim().is_empty())
        .collect();
    if !parts.is_empty() {
        let joined = parts.join(" ");
        if !names.contains(&joined) {
            names.push(joined);
        }
    }
    if names.is_empty() {
        return Err(at(ApiError::bad_request(
            "no_name",
            "a query needs a name (properties name, alias, firstName/lastName)",
        )));
    }
    // Dates, countries and identifiers are read as every interface reads them; a single
    // query refuses a value it cannot read, so that the client can correct it.
    let all = |props: &[&str]| -> Result<Vec<String>, ApiError> {
        let mut out = Vec::new();
        for p in props {
            out.extend(values(&q.properties, p).map_err(at)?.into_iter().map(str::to_string));
        }
        Ok(out)
    };
    let fields = QueryFields {
        name: Some(names[0].clone()),
        schema: None,
        birth_dates: all(&ftm::DATE_PROPERTIES)?,
        countries: all(&ftm::COUNTRY_PROPERTIES.map(|(p, _)| p))?,
        identifiers: all(&ftm::ID_PROPERTIES.map(|(p, ..)| p))?,
    };
    let parsed = parse_query(fields).and_then(|p| p.strict()).map_err(|e| at(field_error(e)))?;
    let base = ScreenQuery { name: String::new(), schema, ..parsed };
    Ok(Prepared { names, base })
}

fn check_algorithm(algorithm: Option<&str>) -> Result<(), ApiError> {
    match algorithm {
        None | Some("best" | "default" | ALGORITHM) => Ok(()),
        Some(other) => Err(ApiError::bad_request(
            "unknown_algorithm",
            format!(
                "unknown algorithm {other:?}: this service has {ALGORITHM:?} (also named \"best\" and \"default\")"
            ),
        )),
    }
}

fn check_score(name: &str, v: Option<f64>, default: f64) -> Result<f64, ApiError> {
    let v = v.unwrap_or(default);
    if !(0.0..=1.0).contains(&v) || v.is_nan() {
        return Err(ApiError::bad_request("invalid_parameter", format!("{name} must be between 0 and 1")));
    }
    Ok(v)
}

fn check_limit(limit: Option<usize>) -> Result<usize, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > MAX_LIMIT {
        return Err(ApiError::bad_request("invalid_parameter", format!("limit must be between 1 and {MAX_LIMIT}")));
    }
    Ok(limit)
}

/// The sources a dataset stands for (`None`: all).
fn dataset_sources(state: &AppState, dataset: &str) -> Result<Option<Vec<String>>, ApiError> {
    if dataset == ALL_DATASETS || dataset == "sanctions" {
        return Ok(None);
    }
    // A source the index holds is known without asking the database (which may be down).
    let in_index = state.loaded().is_ok_and(|l| l.sources.holds(dataset));
    let known = in_index || state.with_store(|s| Ok(s.sources()?.into_iter().any(|x| x.id == dataset)))?;
    if known {
        Ok(Some(vec![dataset.to_string()]))
    } else {
        Err(ApiError::not_found(
            "unknown_dataset",
            format!("unknown dataset {dataset:?}: see GET /catalog (\"{ALL_DATASETS}\" holds every list)"),
        ))
    }
}

fn parse_day(text: &str, what: &str) -> Result<PartialDate, ApiError> {
    text.trim()
        .get(..10.min(text.trim().len()))
        .and_then(|d| d.parse::<PartialDate>().ok())
        .ok_or_else(|| ApiError::bad_request("invalid_date", format!("{what}: {text:?} is not a date (YYYY-MM-DD)")))
}

impl Filter {
    /// Whether the filter keeps every result.
    fn is_empty(&self) -> bool {
        self.sources.is_none()
            && self.exclude_sources.is_empty()
            && self.exclude_schema.is_empty()
            && self.exclude_ids.is_empty()
            && self.topics.is_empty()
            && self.changed_since.is_none()
    }

    fn keeps(&self, loaded: &Loaded, hit: &Hit) -> bool {
        let e = loaded.index.entity(hit.entity);
        let source = loaded.sources.of(hit.entity);
        if let Some(only) = &self.sources {
            if !only.iter().any(|s| s == source) {
                return false;
            }
        }
        !self.exclude_sources.iter().any(|s| s == source)
            && !self.exclude_schema.contains(&e.schema)
            && !self.exclude_ids.contains(&e.id)
            && (self.topics.is_empty() || e.topics().iter().any(|t| self.topics.iter().any(|w| w == t)))
    }
}

/// Entity `at` of `loaded` as results show it: its full record (as the lists stood on the
/// index's day) read from the store the first time, then kept with the index.
fn result_entity(state: &AppState, loaded: &Loaded, at: u32) -> Result<proscribe_app::loaded::Rendered, ApiError> {
    let e = loaded.index.entity(at);
    let source = loaded.sources.of(at);
    let unavailable = std::cell::Cell::new(false);
    let rendered = loaded.rendered(at, || {
        let full = state.with_store(|store| {
            let read = || -> Result<_, proscribe_store::Error> {
                let full = match &loaded.as_of {
                    Some(d) => store.entity_on(&e.id, d)?,
                    None => store.entity(&e.id)?,
                };
                Ok((full, store.seen(&e.id)?))
            };
            read().map_err(|err| {
                unavailable.set(proscribe_store::Store::is_unavailable(&err));
                ApiError::from(err)
            })
        });
        let (full, seen) = full.map_err(|e| anyhow::anyhow!("{}", e.message))?;
        let full = full.map(|v| v.entity);
        Ok(Arc::new(entity_json(full.as_ref().unwrap_or(e), source, seen.as_ref())))
    });
    match rendered {
        Ok(r) => Ok(r),
        // While the database is down, results show what the index holds of the entity (its
        // names, facts and designations, without first and last seen); the full record is
        // read, and kept, once the database answers again.
        Err(_) if unavailable.get() => Ok(Arc::new(entity_json(e, source, None))),
        Err(err) => Err(ApiError::internal(&err)),
    }
}

/// One result entity, as yente answers it.
fn entity_json(e: &Entity, source: &str, seen: Option<&proscribe_store::Seen>) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert("id".into(), json!(e.id));
    m.insert("caption".into(), json!(e.caption()));
    m.insert("schema".into(), json!(ftm::schema_name(e.schema)));
    m.insert("properties".into(), json!(ftm::properties(e)));
    m.insert("datasets".into(), json!([source]));
    m.insert("referents".into(), json!(e.same_as));
    m.insert("target".into(), json!(e.screenable()));
    m.insert("first_seen".into(), json!(seen.map(|s| &s.first_seen)));
    m.insert("last_seen".into(), json!(seen.map(|s| &s.last_seen)));
    m.insert("last_change".into(), json!(seen.map(|s| &s.last_change)));
    m
}

/// Names in result `m` of entity `e` the other entries of its cluster, as yente's merged
/// entities do: their ids among the `referents`, their sources among the `datasets`.
fn merge_members(m: &mut serde_json::Map<String, Value>, loaded: &Loaded, e: u32) {
    let members = loaded.clusters.members(e);
    if members.len() < 2 {
        return;
    }
    let mut referents: Vec<String> = m
        .get("referents")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let mut datasets = vec![loaded.sources.of(e).to_string()];
    for &other in members.iter().filter(|&&o| o != e) {
        let id = loaded.index.entity_id(other).to_string();
        if !referents.contains(&id) {
            referents.push(id);
        }
        let source = loaded.sources.of(other).to_string();
        if !datasets.contains(&source) {
            datasets.push(source);
        }
    }
    m.insert("referents".into(), json!(referents));
    m.insert("datasets".into(), json!(datasets));
    if let Some(cluster) = loaded.clusters.id(&loaded.index, e) {
        m.insert("cluster".into(), json!(cluster));
    }
}

fn feature_name(kind: FeatureKind) -> &'static str {
    match kind {
        FeatureKind::NameKind => "name_kind",
        FeatureKind::Schema => "schema",
        FeatureKind::BirthDate => "birth_date",
        FeatureKind::Country => "country",
        FeatureKind::Identifier => "identifier",
    }
}

/// The explanation of a hit by feature: the name's alignment, then each other piece of
/// evidence with its effect on the score.
fn explanations(loaded: &Loaded, hit: &Hit, query_name: &str) -> Value {
    let mut out = serde_json::Map::new();
    let m = &hit.name_match;
    let detail = proscribe_app::views::aligned_words(&m.pairs, &m.unmatched_query, &m.unmatched_candidate);
    out.insert(
        "name".into(),
        json!({
            "detail": detail,
            "score": m.score,
            "query": query_name,
            "candidate": hit.name.map(|n| loaded.index.name_text(n)).unwrap_or_default(),
        }),
    );
    for f in &hit.features {
        out.insert(
            feature_name(f.feature).into(),
            json!({ "detail": f.detail, "score": f.effect, "query": Value::Null, "candidate": Value::Null }),
        );
    }
    Value::Object(out)
}

/// Screens one prepared query: each of its names, the best hit per entity kept.
fn screen_one(loaded: &Loaded, p: &Prepared, options: &ScreenOptions) -> Result<Vec<(Hit, String)>, QueryError> {
    let mut best: HashMap<u32, (Hit, String)> = HashMap::new();
    let mut last_error = None;
    let mut screened = 0;
    for name in &p.names {
        let q = ScreenQuery { name: name.clone(), ..p.base.clone() };
        match screen(&loaded.index, &q, options) {
            Ok(hits) => {
                screened += 1;
                for h in hits {
                    match best.get(&h.entity) {
                        Some((b, _)) if b.score >= h.score => {}
                        _ => {
                            best.insert(h.entity, (h, name.clone()));
                        }
                    }
                }
            }
            Err(e) => last_error = Some(e),
        }
    }
    if screened == 0 {
        if let Some(e) = last_error {
            return Err(e);
        }
    }
    let mut hits: Vec<(Hit, String)> = best.into_values().collect();
    hits.sort_by(|a, b| b.0.score.total_cmp(&a.0.score).then(a.0.entity.cmp(&b.0.entity)));
    Ok(hits)
}

/// `POST /match/{dataset}`.
#[utoipa::path(post, path = "/match/{dataset}", tag = "matching",
    params(("dataset" = String, Path, description = "`default` (every list) or a source id"), MatchParams),
    request_body = MatchRequest,
    responses((status = 200, description = "Results per query, best first", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown dataset", body = crate::error::ErrorBody),
        (status = 413, description = "Body too large", body = crate::error::ErrorBody),
        (status = 422, description = "JSON of the wrong shape", body = crate::error::ErrorBody), (status = 503, description = "The index is still being built", body = crate::error::ErrorBody)))]
pub async fn match_entities(
    State(state): State<Arc<AppState>>,
    Path(dataset): Path<String>,
    params: Result<Query<MatchParams>, QueryRejection>,
    body: Result<Json<MatchRequest>, JsonRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request("invalid_parameter", e.body_text()))?;
    let Json(request) = body.map_err(body_error)?;
    check_algorithm(params.algorithm.as_deref())?;
    let threshold = check_score("threshold", params.threshold, proscribe_matching::entity::DEFAULT_THRESHOLD)?;
    let cutoff = check_score("cutoff", params.cutoff, DEFAULT_CUTOFF.min(threshold))?;
    let limit = check_limit(params.limit)?;
    let max = state.config.max_queries;
    if request.queries.len() > max {
        return Err(ApiError::bad_request(
            "too_many_queries",
            format!("{} queries in one request; at most {max} (send several requests)", request.queries.len()),
        ));
    }
    let prepared: Vec<(String, EntityQuery, Prepared)> =
        request.queries.into_iter().map(|(k, q)| prepare(&k, &q).map(|p| (k, q, p))).collect::<Result<_, _>>()?;
    let exclude_schema = params
        .exclude_schema
        .iter()
        .map(|s| {
            query_schema(s).and_then(|x| {
                x.ok_or_else(|| {
                    ApiError::bad_request("unknown_schema", format!("exclude_schema: {s:?} is too general"))
                })
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let changed_since = match &params.changed_since {
        Some(d) => Some(parse_day(d, "changed_since")?.to_string()),
        None => None,
    };
    let filter = Filter {
        sources: merge_sources(dataset_sources(&state, &dataset)?, &params.include_dataset),
        exclude_sources: params.exclude_dataset.clone(),
        exclude_schema,
        exclude_ids: params.exclude_entity_ids.clone(),
        topics: params.topics.iter().map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect(),
        changed_since,
    };
    let as_of = params.as_of.as_deref().map(|d| crate::registry::parse_day(d, "as_of")).transpose()?;
    let current = state.loaded()?;
    let state2 = state.clone();
    let responses = tokio::task::spawn_blocking(move || -> Result<Value, ApiError> {
        let loaded = if as_of.is_some() { state2.loaded_as_of(as_of)? } else { current };
        // Room for the results the filters drop, when there are filters.
        let room = if filter.is_empty() { limit } else { limit * 4 + 20 };
        let options = ScreenOptions { limit: room, threshold, ..ScreenOptions::default() };
        let screened: Vec<Screened> = prepared
            .into_par_iter()
            .map(|(k, q, p)| {
                let hits = screen_one(&loaded, &p, &options);
                (k, q, hits)
            })
            .collect();
        let mut responses = serde_json::Map::new();
        for (key, query, hits) in screened {
            let response = match hits {
                Err(e) => json!({ "status": 400, "code": "invalid_name", "message": format!("query {key:?}: {e}"), "results": [], "total": {"value": 0, "relation": "eq"}, "query": query }),
                Ok(hits) => {
                    let kept: Vec<&(Hit, String)> =
                        hits.iter().filter(|(h, _)| h.score >= cutoff && filter.keeps(&loaded, h)).collect();
                    let mut results = Vec::new();
                    let mut clusters = std::collections::HashSet::new();
                    for (h, name) in kept {
                        if !params.members && !clusters.insert(loaded.clusters.of(h.entity)) {
                            continue;
                        }
                        if let Some(since) = &filter.changed_since {
                            let id = loaded.index.entity_id(h.entity);
                            let seen = state2.with_store(|store| Ok(store.seen(id)?))?;
                            if seen.is_some_and(|s| s.last_change.as_str() < since.as_str()) {
                                continue;
                            }
                        }
                        let mut m = (*result_entity(&state2, &loaded, h.entity)?).clone();
                        if !params.members {
                            merge_members(&mut m, &loaded, h.entity);
                        }
                        m.insert("score".into(), json!(h.score));
                        m.insert("match".into(), json!(h.score >= threshold));
                        m.insert("explanations".into(), explanations(&loaded, h, name));
                        results.push(Value::Object(m));
                        if results.len() == limit {
                            break;
                        }
                    }
                    let matched = results.iter().filter(|r| r["match"] == json!(true)).count();
                    json!({
                        "status": 200,
                        "results": results,
                        "total": { "value": matched, "relation": "eq" },
                        "query": query,
                    })
                }
            };
            responses.insert(key, response);
        }
        Ok(json!({ "responses": responses, "limit": limit }))
    })
    .await
    .map_err(|e| ApiError::internal(&anyhow::anyhow!("screening task failed: {e}")))??;
    Ok(Json(responses))
}

/// A body that could not be read: 413 when too large, else the status axum gives (400 for
/// broken JSON, 415 for another content type, 422 for JSON of the wrong shape).
pub(crate) fn body_error(e: JsonRejection) -> ApiError {
    let status = e.status();
    let code = if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE { "body_too_large" } else { "invalid_body" };
    ApiError { status, code, message: e.body_text() }
}

fn merge_sources(dataset: Option<Vec<String>>, include: &[String]) -> Option<Vec<String>> {
    match (dataset, include.is_empty()) {
        (d, true) => d,
        (None, false) => Some(include.to_vec()),
        (Some(d), false) => Some(d.into_iter().filter(|s| include.contains(s)).collect()),
    }
}

/// `GET /search/{dataset}?q=`: entities whose names are like `q`, best first.
#[utoipa::path(get, path = "/search/{dataset}", tag = "matching",
    params(("dataset" = String, Path, description = "`default` (every list) or a source id"), SearchParams),
    responses((status = 200, description = "Entities, best first", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown dataset", body = crate::error::ErrorBody), (status = 503, description = "The index is still being built", body = crate::error::ErrorBody)))]
pub async fn search(
    State(state): State<Arc<AppState>>,
    Path(dataset): Path<String>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request("invalid_parameter", e.body_text()))?;
    let q = params.q.unwrap_or_default();
    if q.trim().is_empty() {
        return Err(ApiError::bad_request("invalid_parameter", "q: give the name to search for"));
    }
    if q.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_request("name_too_long", format!("q: at most {MAX_NAME_CHARS} characters")));
    }
    let limit = check_limit(params.limit.or(Some(10)))?;
    let offset = params.offset.unwrap_or(0).min(MAX_LIMIT);
    let schema = match params.schema.as_deref() {
        Some(s) => query_schema(s)?,
        None => None,
    };
    let sources = dataset_sources(&state, &dataset)?;
    let as_of = params.as_of.as_deref().map(|d| crate::registry::parse_day(d, "as_of")).transpose()?;
    let current = state.loaded()?;
    let state2 = state.clone();
    let out = tokio::task::spawn_blocking(move || -> Result<Value, ApiError> {
        let loaded = if as_of.is_some() { state2.loaded_as_of(as_of)? } else { current };
        let options = ScreenOptions { limit: (offset + limit) * 2 + 10, threshold: 0.0, explain: false, ..ScreenOptions::default() };
        let query = ScreenQuery { name: q.clone(), schema, ..ScreenQuery::default() };
        let hits = screen(&loaded.index, &query, &options)
            .map_err(|e| ApiError::bad_request("invalid_name", format!("q: {e}")))?;
        let hits: Vec<&Hit> = hits
            .iter()
            .filter(|h| h.score > 0.0)
            .filter(|h| sources.as_ref().is_none_or(|s| s.iter().any(|x| x == loaded.sources.of(h.entity))))
            .collect();
        let total = hits.len();
        let mut results = Vec::new();
        for h in hits.iter().skip(offset).take(limit) {
            let mut m = (*result_entity(&state2, &loaded, h.entity)?).clone();
            m.insert("score".into(), json!(h.score));
            results.push(Value::Object(m));
        }
        Ok(json!({ "results": results, "total": { "value": total, "relation": "eq" }, "limit": limit, "offset": offset }))
    })
    .await
    .map_err(|e| ApiError::internal(&anyhow::anyhow!("search task failed: {e}")))??;
    Ok(Json(out))
}

/// Query parameters of `/entities/{id}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntityParams {
    /// The entity as the version in force on this day had it (YYYY-MM-DD).
    as_of: Option<String>,
}

/// `GET /entities/{id}[?as_of=DATE]`: an entity (as the version in force on the day had it)
/// with its designations, and their status that day, as nested `Sanction` entities.
#[utoipa::path(get, path = "/entities/{id}", tag = "matching",
    params(("id" = String, Path, description = "Entity id"), EntityParams),
    responses((status = 200, description = "The entity", body = Object), (status = 400, description = "Bad input", body = crate::error::ErrorBody), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown entity", body = crate::error::ErrorBody)))]
pub async fn entity(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    params: Result<Query<EntityParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params.map_err(|e| ApiError::bad_request("invalid_parameter", e.body_text()))?;
    if id.len() > 200 {
        return Err(ApiError::bad_request("invalid_parameter", "entity ids are at most 200 characters"));
    }
    let as_of = params.as_of.as_deref().map(|d| crate::registry::parse_day(d, "as_of")).transpose()?;
    let day = as_of.unwrap_or_else(|| state.today());
    let out = state
        .run_store(move |store: &Store| -> Result<Option<Value>, ApiError> {
            let view = match &as_of {
                Some(d) => store.entity_on(&id, d)?,
                None => store.entity(&id)?,
            };
            let Some(view) = view else { return Ok(None) };
            let authorities = store.authorities()?;
            let seen = store.seen(&view.entity.id)?;
            let e = &view.entity;
            let mut m = entity_json(e, &view.version.source_id, seen.as_ref());
            let sanctions: Vec<Value> = e
                .designations
                .iter()
                .map(|d| {
                    json!({
                        "id": ftm::sanction_id(e, d),
                        "schema": "Sanction",
                        "caption": d.reference.clone().unwrap_or_else(|| d.list.clone()),
                        "properties": ftm::sanction_properties(e, d, authorities.get(&d.authority), &day),
                        "datasets": [view.version.source_id],
                    })
                })
                .collect();
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                props.insert("sanctions".into(), json!(sanctions));
            }
            m.insert("current".into(), json!(view.current));
            Ok(Some(Value::Object(m)))
        })
        .await?;
    out.map(Json).ok_or_else(|| ApiError::not_found("not_found", "no entity with this id"))
}

/// `GET /catalog`: the datasets (every source, and `default` holding them all).
#[utoipa::path(get, path = "/catalog", tag = "matching", responses((status = 200, description = "Datasets", body = Object), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody)))]
pub async fn catalog(State(state): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let loaded_version = state.loaded_version();
    let out = state
        .run_store(move |store: &Store| -> Result<Value, ApiError> {
            let sources = store.sources()?;
            let data_version = store.data_version()?;
            let mut datasets: Vec<Value> = sources
                .iter()
                .map(|s| {
                    json!({
                        "name": s.id,
                        "title": s.title,
                        "version": s.latest.id.to_string(),
                        "updated_at": s.latest.imported_at,
                        "published": s.latest.published,
                        "entity_count": s.latest.entities,
                        "format": s.format,
                        "load": true,
                    })
                })
                .collect();
            let names: Vec<&str> = sources.iter().map(|s| s.id.as_str()).collect();
            datasets.push(json!({
                "name": ALL_DATASETS,
                "title": "Every list in this registry",
                "children": names,
                "load": true,
            }));
            let mut current: Vec<&str> = names.clone();
            current.push(ALL_DATASETS);
            Ok(json!({
                "datasets": datasets,
                "current": current,
                "outdated": [],
                "index_stale": loaded_version.is_none_or(|v| v != data_version),
            }))
        })
        .await?;
    Ok(Json(out))
}

/// `GET /algorithms`.
#[utoipa::path(get, path = "/algorithms", tag = "matching", responses((status = 200, description = "The scoring algorithm", body = Object), (status = 401, description = "No key, or an unknown one", body = crate::error::ErrorBody)))]
pub async fn algorithms() -> Json<Value> {
    Json(json!({
        "algorithms": [{
            "name": ALGORITHM,
            "description": "Token alignment of romanised names with learned word weights, adjusted by birth date, country, identifier and kind of entity; see ARCHITECTURE.md and BENCHMARKS.md",
            "features": {
                "name": "similarity of the best aligned listed name (0..1)",
                "name_kind": "the best name is a weak alias",
                "schema": "the kinds of entity are incompatible",
                "birth_date": "birth or incorporation dates equal, compatible or conflicting",
                "country": "a queried country among the entity's, or none of its nationalities",
                "identifier": "an identifying number equal to a listed one",
            },
        }],
        "default": ALGORITHM,
        "best": ALGORITHM,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(schema: &str, props: Value) -> EntityQuery {
        EntityQuery { schema: schema.into(), properties: serde_json::from_value(props).unwrap() }
    }

    #[test]
    fn queries_are_read_and_checked() {
        let p = prepare(
            "q1",
            &query("Person", json!({"name": ["Ivan Petrov", "Ivan Petrov"], "birthDate": ["1961-02-01"], "nationality": "ru", "passportNumber": [" 123 "]})),
        )
        .unwrap();
        assert_eq!(p.names, ["Ivan Petrov"]);
        assert_eq!(p.base.schema, Some(Schema::Person));
        assert_eq!(p.base.countries.len(), 1);
        assert_eq!(p.base.identifiers, ["123"]);
        assert!(p.base.birth_date.is_some());
        let parts = prepare("q", &query("Person", json!({"firstName": ["Ivan"], "lastName": ["Petrov"]}))).unwrap();
        assert_eq!(parts.names, ["Ivan Petrov"]);

        let err = |schema: &str, props: Value| prepare("q9", &query(schema, props)).unwrap_err();
        assert_eq!(err("Banana", json!({"name": "x"})).code, "unknown_schema");
        assert_eq!(err("Person", json!({})).code, "no_name");
        assert_eq!(err("Person", json!({"name": [1, 2]})).code, "invalid_property");
        let date = err("Person", json!({"name": "x", "birthDate": "2025-13-45"}));
        assert_eq!(date.code, "invalid_date");
        assert!(date.message.contains("q9") && date.message.contains("2025-13-45"), "{}", date.message);
        assert_eq!(err("Person", json!({"name": "x", "nationality": "Atlantis"})).code, "invalid_country");
        assert_eq!(err("Person", json!({"name": "x".repeat(2000)})).code, "name_too_long");
    }

    #[test]
    fn parameters_are_checked() {
        assert!(check_algorithm(Some("best")).is_ok());
        assert_eq!(check_algorithm(Some("logic-v9")).unwrap_err().code, "unknown_algorithm");
        assert!(check_score("threshold", Some(1.5), 0.7).is_err());
        assert_eq!(check_score("threshold", None, 0.7).unwrap(), 0.7);
        assert!(check_limit(Some(0)).is_err());
        assert!(check_limit(Some(501)).is_err());
        assert_eq!(check_limit(None).unwrap(), DEFAULT_LIMIT);
    }
}

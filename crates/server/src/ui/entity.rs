//! `/entity/{id}`: everything the store knows of an entity and of the same entity in other
//! sources (names in every script, identifiers, birth data, addresses, links), with the source
//! of each fact, its designations' status today, and a visual timeline across authorities,
//! lists and versions.

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Extension;
use chrono::NaiveDate;
use proscribe_model::{Certainty, DateValue, Designation, Entity, PartialDate, Status};
use proscribe_store::{HistoryEvent, Store};

use super::{error_page, render, Page, SignedIn};
use crate::error::ApiError;
use crate::AppState;
use proscribe_app::Loaded;

/// A fact and where it comes from.
pub(crate) struct Fact {
    pub label: String,
    pub value: String,
    pub detail: String,
    pub source: String,
    pub link: Option<String>,
}

/// A stretch of a lane: a status over a period.
pub(crate) struct Span {
    pub left: String,
    pub width: String,
    pub class: &'static str,
    pub title: String,
}

/// A dated mark on a lane: a measure, a workflow step or an act.
pub(crate) struct Mark {
    pub left: String,
    pub class: &'static str,
    pub title: String,
}

/// One row of the visual timeline: a list (its entry's status over time) or the acts of an
/// authority outside any list.
pub(crate) struct Lane {
    pub label: String,
    pub sub: String,
    pub spans: Vec<Span>,
    pub marks: Vec<Mark>,
}

/// An event of the timeline table.
pub(crate) struct EventRow {
    pub date: String,
    pub kind: String,
    pub class: &'static str,
    pub summary: String,
    pub source: String,
    /// The version's id (for its link) and number (shown).
    pub version: Option<(i64, i64)>,
    pub entity: Option<String>,
}

/// A designation's status today.
pub(crate) struct StatusRow {
    pub list: String,
    pub authority: String,
    pub reference: String,
    pub listed_on: String,
    pub status: &'static str,
    pub possible: bool,
    pub sources: String,
    pub basis: String,
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage {
    page: Page,
    id: String,
    caption: String,
    schema: String,
    sources: Vec<String>,
    names: Vec<Fact>,
    facts: Vec<Fact>,
    related: Vec<Fact>,
    statuses: Vec<StatusRow>,
    acts: Vec<String>,
    years: Vec<(String, String)>,
    lanes: Vec<Lane>,
    events: Vec<EventRow>,
    day: String,
}

fn day_of(d: &PartialDate) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d").ok()
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Listed => "listed",
        Status::Suspended => "suspended",
        Status::Delisted => "delisted",
        _ => "none",
    }
}

/// The class of a timeline event, for its colour.
fn event_class(kind: &str) -> &'static str {
    match kind {
        "listing" | "listed" | "suspension_lifted" => "listed",
        "suspension" => "suspended",
        "delisting" | "ended" | "removed" => "delisted",
        "recognition" | "accreditation" => "act",
        _ => "other",
    }
}

/// Where on the axis a day falls, in percent.
struct Axis {
    start: NaiveDate,
    days: f64,
}

impl Axis {
    fn at(&self, d: NaiveDate) -> f64 {
        ((d - self.start).num_days() as f64 / self.days * 100.0).clamp(0.0, 100.0)
    }
}

/// The days on which `d`'s status may change: its measures' dates (both ends when uncertain)
/// and its own dates.
fn boundaries(d: &Designation) -> Vec<PartialDate> {
    let mut out = Vec::new();
    let mut push = |v: &DateValue| {
        out.push(v.earliest());
        out.push(v.latest());
    };
    for m in &d.measures {
        push(&m.date);
        if let Some(e) = &m.effective {
            push(e);
        }
    }
    for v in [&d.listed_on, &d.ended_on].into_iter().flatten() {
        push(v);
    }
    out
}

fn lane_for(d: &Designation, source: &str, axis: &Axis, today: NaiveDate) -> Lane {
    let mut days: Vec<NaiveDate> = boundaries(d).iter().filter_map(day_of).collect();
    days.push(axis.start);
    days.sort();
    days.dedup();
    let mut spans = Vec::new();
    for (i, from) in days.iter().enumerate() {
        let to = days.get(i + 1).copied().unwrap_or(today);
        if to <= *from {
            continue;
        }
        let Ok(pd) = from.format("%Y-%m-%d").to_string().parse::<PartialDate>() else { continue };
        let s = d.status_on(&pd);
        if s.status == Status::NotListed {
            continue;
        }
        let possible = s.certainty == Certainty::Possible;
        let (l, r) = (axis.at(*from), axis.at(to));
        spans.push(Span {
            left: format!("{l:.2}"),
            width: format!("{:.2}", (r - l).max(0.3)),
            class: if possible { "possible" } else { status_class(s.status) },
            title: format!("{}{} from {from} to {to}", if possible { "possibly " } else { "" }, s.status.as_str()),
        });
    }
    let marks = d
        .measures
        .iter()
        .filter_map(|m| {
            let day = day_of(&m.date.earliest())?;
            Some(Mark {
                left: format!("{:.2}", axis.at(day)),
                class: event_class(m.kind.as_str()),
                title: format!("{} {} by {}", m.date, m.kind.as_str(), m.authority),
            })
        })
        .collect();
    Lane {
        label: d.list.clone(),
        sub: format!(
            "{} · {}{}",
            d.authority,
            source,
            d.reference.as_deref().map(|r| format!(" · {r}")).unwrap_or_default()
        ),
        spans,
        marks,
    }
}

struct Gathered {
    members: Vec<(Entity, String, i64)>,
    events: Vec<HistoryEvent>,
    statuses: Vec<proscribe_store::DesignationStatus>,
    acts: Vec<(String, proscribe_model::Measure)>,
}

fn gather(store: &Store, loaded: &Loaded, id: &str, today: &PartialDate) -> Result<Gathered, ApiError> {
    if store.entity(id)?.is_none() {
        return Err(ApiError::not_found("not_found", format!("no entity {id:?}")));
    }
    let ids = proscribe_app::clusters::cluster_ids(store, loaded, id)?;
    let mut members = Vec::new();
    for eid in &ids {
        if let Some(v) = store.entity(eid)? {
            members.push((v.entity, v.version.source_id, v.version.number));
        }
    }
    // The entity asked for first.
    members.sort_by_key(|(e, _, _)| e.id != id);
    let events = store.history_of(&ids)?;
    let report = store.status_of(&ids, today)?;
    Ok(Gathered { members, events, statuses: report.designations, acts: report.acts })
}

fn facts_of(members: &[(Entity, String, i64)]) -> (Vec<Fact>, Vec<Fact>, Vec<Fact>) {
    let (mut names, mut facts, mut related) = (Vec::new(), Vec::new(), Vec::new());
    for (e, source, version) in members {
        let src = format!("{source} v{version}");
        let fact = |label: &str, value: String, detail: String| Fact {
            label: label.to_string(),
            value,
            detail,
            source: src.clone(),
            link: None,
        };
        for n in &e.names {
            let lang = n.lang.as_deref().map(|l| format!(", {l}")).unwrap_or_default();
            names.push(fact(&format!("{:?}", n.kind).to_lowercase(), n.full.clone(), format!("{:?}{lang}", n.script)));
        }
        if let Some(g) = e.gender {
            facts.push(fact("gender", format!("{g:?}").to_lowercase(), String::new()));
        }
        for d in &e.birth_dates {
            facts.push(fact("born", d.date.to_string(), String::new()));
        }
        for p in &e.birth_places {
            facts.push(fact("birth place", p.text.clone(), String::new()));
        }
        for d in &e.death_dates {
            facts.push(fact("died", d.date.to_string(), String::new()));
        }
        for c in &e.countries {
            facts.push(fact(
                &format!("{:?}", c.role).to_lowercase(),
                c.country.name().to_string(),
                c.country.to_string(),
            ));
        }
        for i in &e.identifiers {
            let mut detail = format!("{:?}", i.kind);
            if let Some(l) = &i.label {
                detail.push_str(&format!(" \"{l}\""));
            }
            if let Some(c) = i.country {
                detail.push_str(&format!(", {c}"));
            }
            facts.push(fact("identifier", i.number.clone(), detail));
        }
        for a in &e.addresses {
            facts.push(fact("address", a.full.clone(), String::new()));
        }
        for p in &e.positions {
            facts.push(fact("position", p.text.clone(), String::new()));
        }
        for r in &e.remarks {
            facts.push(fact("remark", r.text.clone(), String::new()));
        }
        for l in &e.links {
            let name = l.target_name.clone().or_else(|| l.target_id.clone()).unwrap_or_default();
            related.push(Fact {
                link: l.target_id.as_ref().map(|t| format!("/entity/{}", super::encode(t))),
                ..fact(&l.kind.replace('_', " "), name, l.note.clone().unwrap_or_default())
            });
        }
        if e.id != members[0].0.id {
            related.push(Fact {
                link: Some(format!("/entity/{}", super::encode(&e.id))),
                ..fact("same as", format!("{} ({})", e.caption(), e.id), "the same entity in another source".into())
            });
        }
    }
    (names, facts, related)
}

fn timeline(
    members: &[(Entity, String, i64)],
    events: &[HistoryEvent],
    today: NaiveDate,
) -> (Vec<(String, String)>, Vec<Lane>) {
    let mut first = today;
    for ev in events {
        let date = ev.date.get(..10).unwrap_or(&ev.date);
        let parsed =
            date.split('|').next().and_then(|d| d.parse::<DateValue>().ok()).and_then(|v| day_of(&v.earliest()));
        if let Some(d) = parsed {
            first = first.min(d);
        }
    }
    let start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&first), 1, 1).unwrap_or(first);
    let axis = Axis { start, days: ((today - start).num_days().max(1)) as f64 };
    let mut lanes: Vec<Lane> = Vec::new();
    // A list's entry once, from the list's own source when one carries it (OFAC's entry, not
    // the CSL's copy of it).
    let mut entries: Vec<(&Designation, &str)> = Vec::new();
    for (e, source, _) in members {
        for d in &e.designations {
            match entries.iter_mut().find(|(x, _)| x.list == d.list && x.reference == d.reference) {
                Some(entry) if *source == d.list => *entry = (d, source),
                Some(_) => {}
                None => entries.push((d, source)),
            }
        }
    }
    for (d, source) in entries {
        lanes.push(lane_for(d, source, &axis, today));
    }
    // Acts outside any list, one lane per authority; workflow steps on their list's lane.
    let mut acts: BTreeMap<String, Vec<Mark>> = BTreeMap::new();
    for (e, _, _) in members {
        for m in &e.acts {
            if let Some(day) = day_of(&m.date.earliest()) {
                acts.entry(m.authority.clone()).or_default().push(Mark {
                    left: format!("{:.2}", axis.at(day)),
                    class: "act",
                    title: format!("{} {} by {}", m.date, m.kind.as_str(), m.authority),
                });
            }
        }
    }
    for ev in events.iter().filter(|e| e.is_workflow_step()) {
        let Some(day) = ev.date.parse::<DateValue>().ok().and_then(|v| day_of(&v.earliest())) else { continue };
        if let Some(lane) = lanes.iter_mut().find(|l| Some(&l.label) == ev.list.as_ref()) {
            lane.marks.push(Mark {
                left: format!("{:.2}", axis.at(day)),
                class: "workflow",
                title: format!("{} {}", ev.date, ev.summary),
            });
        }
    }
    for (authority, marks) in acts {
        lanes.push(Lane { label: authority, sub: "acts outside any list".into(), spans: Vec::new(), marks });
    }
    // Ticks: about six years along the axis.
    let (y0, y1) = (chrono::Datelike::year(&start), chrono::Datelike::year(&today));
    let step = ((y1 - y0) / 6).max(1);
    let years = (y0..=y1)
        .step_by(step as usize)
        .filter_map(|y| NaiveDate::from_ymd_opt(y, 1, 1).map(|d| (y.to_string(), format!("{:.2}", axis.at(d)))))
        .collect();
    (years, lanes)
}

/// The query of the entity page.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct EntityParams {
    as_of: Option<String>,
}

/// `GET /entity/{id}?as_of=`: statuses as of a day (today by default).
pub(crate) async fn page(
    State(state): State<Arc<AppState>>,
    Extension(who): Extension<SignedIn>,
    Path(id): Path<String>,
    params: Result<axum::extract::Query<EntityParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let params = params.map(|q| q.0).unwrap_or_default();
    let as_of = match super::form_day(&params.as_of, "as_of") {
        Ok(d) => d,
        Err(e) => return error_page(&who, e),
    };
    let today_pd = state.today();
    let Some(today) = day_of(&today_pd) else {
        return error_page(&who, ApiError::internal(&anyhow::anyhow!("today is no day")));
    };
    let day = as_of.unwrap_or(today_pd);
    let shown = day.to_string();
    let key = id.clone();
    let loaded = match state.loaded() {
        Ok(l) => l,
        Err(e) => return error_page(&who, e),
    };
    let gathered = state.run_store(move |s| gather(s, &loaded, &key, &day)).await;
    let g = match gathered {
        Ok(g) => g,
        Err(e) => return error_page(&who, e),
    };
    let (names, facts, related) = facts_of(&g.members);
    let (years, lanes) = timeline(&g.members, &g.events, today);
    let main = &g.members[0].0;
    let events = g
        .events
        .iter()
        .rev()
        .map(|ev| EventRow {
            date: ev
                .date
                .get(..10)
                .filter(|_| ev.date.as_bytes().get(10) == Some(&b'T'))
                .unwrap_or(&ev.date)
                .to_string(),
            kind: ev.kind.as_str().replace('_', " "),
            class: if ev.is_workflow_step() { "workflow" } else { event_class(ev.kind.as_str()) },
            summary: ev.summary.clone(),
            source: ev.source_id.clone(),
            version: ev.version_id.zip(ev.version_number),
            entity: (ev.entity_id != id).then(|| ev.entity_id.clone()),
        })
        .collect();
    // Each list's entry once, with the sources that carry it.
    let statuses = proscribe_app::views::listed_by(&g.statuses)
        .into_iter()
        .map(|l| StatusRow {
            list: l.list,
            authority: l.authority,
            reference: l.reference.unwrap_or_default(),
            listed_on: l.listed_on.unwrap_or_default(),
            status: l.status.as_str(),
            possible: l.possible,
            sources: l.sources.join(", "),
            basis: l.basis,
        })
        .collect();
    let page = EntityPage {
        page: Page::new(&who, "", main.caption().to_string()),
        id: main.id.clone(),
        caption: main.caption().to_string(),
        schema: proscribe_model::ftm::schema_name(main.schema).to_string(),
        sources: g.members.iter().map(|(_, s, v)| format!("{s} v{v}")).collect(),
        names,
        facts,
        related,
        statuses,
        acts: {
            let mut acts: Vec<&proscribe_model::Measure> = g.acts.iter().map(|(_, m)| m).collect();
            acts.sort_by_key(|m| m.date.earliest());
            acts
        }
        .into_iter()
        .map(|m| {
            let note = m.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
            format!("{} {} by {}{note}", m.date, m.kind.as_str(), m.authority)
        })
        .collect(),
        years,
        lanes,
        events,
        day: shown,
    };
    render(StatusCode::OK, &page)
}

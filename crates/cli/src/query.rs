//! The read-only subcommands: `lists`, `show`, `history`, `status` and `diff`.

use anyhow::{bail, Context, Result};
use clap::Args;
use proscribe_model::{Entity, PartialDate};
use proscribe_store::{AuthorityReport, ChangeKind, Store, VersionInfo};

use crate::output::{outln, print_json, print_table};
use proscribe_app::registry::{Against, Diff};

use crate::screen::load_index;
use crate::{open_for_reading, parse_day, Cli, Reading};

/// Arguments of `proscribe lists`.
#[derive(Debug, Args)]
pub struct ListsArgs {
    /// Show every version of this source instead of the overview.
    source: Option<String>,
}

/// Arguments of `proscribe show` and `proscribe history`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// An entity id (`un-tai-026`, `taliban`) or a list reference (`TAi.026`, `6636`).
    id: String,
}

/// Arguments of `proscribe status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// An entity id or list reference. Omit it to ask about a whole list or authority.
    id: Option<String>,
    /// Every entry on this list (`un-sc-consolidated`, `us-ofac-sdn`, `ru-terrorist-organisations`).
    #[arg(long, conflicts_with = "id")]
    list: Option<String>,
    /// Every entry on the lists this authority keeps (`un-sc`, `us-ofac`, `ru-fsb`).
    #[arg(long, conflicts_with = "id")]
    authority: Option<String>,
    /// The day (YYYY-MM-DD, YYYY-MM, YYYY or `today`).
    #[arg(long, default_value = "today")]
    as_of: String,
}

/// Arguments of `proscribe diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The source (`un-sc`, `us-ofac-sdn`; see `proscribe lists`).
    source: String,
    /// The older version: its number within the source (see `proscribe lists SOURCE`) or a
    /// date (the version in force that day). Default: the version before TO.
    from: Option<String>,
    /// The newer version: its number within the source or a date. Default: the newest version.
    to: Option<String>,
}

fn describe_version(v: &VersionInfo) -> String {
    let published =
        v.published.as_deref().map(|p| format!("published {p}")).unwrap_or("no publication date stated".into());
    let files: Vec<&str> = v.files.iter().map(|f| f.name.as_str()).collect();
    format!("version {} ({published}, imported {}, {})", v.number, v.imported_at, files.join(" + "))
}

/// Runs `proscribe lists`.
pub fn lists(cli: &Cli, args: &ListsArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Registry)?;
    if let Some(source) = &args.source {
        let versions = store.versions(source)?;
        if versions.is_empty() {
            bail!("no source {source:?}: see `proscribe lists`");
        }
        if cli.json {
            return print_json(&versions);
        }
        let rows: Vec<Vec<String>> = versions
            .iter()
            .map(|v| {
                vec![
                    v.number.to_string(),
                    v.published.clone().unwrap_or_else(|| "-".into()),
                    v.imported_at.clone(),
                    v.entities.to_string(),
                    v.names.to_string(),
                    v.designations.to_string(),
                    v.diagnostics.as_array().map(|a| a.len()).unwrap_or(0).to_string(),
                    v.sha256[..12].to_string(),
                ]
            })
            .collect();
        print_table(
            &["VERSION", "PUBLISHED", "IMPORTED", "ENTITIES", "NAMES", "DESIGNATIONS", "SKIPPED", "SHA256"],
            &rows,
        );
        return Ok(());
    }
    let sources = store.sources()?;
    if cli.json {
        return print_json(&sources);
    }
    let rows: Vec<Vec<String>> = sources
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                s.versions.to_string(),
                s.latest.published.clone().unwrap_or_else(|| "-".into()),
                s.latest.entities.to_string(),
                s.latest.names.to_string(),
                s.latest.designations.to_string(),
                s.title.clone(),
            ]
        })
        .collect();
    print_table(&["SOURCE", "VERSIONS", "PUBLISHED", "ENTITIES", "NAMES", "DESIGNATIONS", "TITLE"], &rows);
    Ok(())
}

/// Finds the one entity an argument names.
fn resolve_one(store: &Store, key: &str) -> Result<String> {
    let ids = store.resolve(key)?;
    match ids.len() {
        0 => bail!("no entity with id or list reference {key:?}"),
        1 => Ok(ids.into_iter().next().expect("one")),
        // Several sources list the same real-world entity under this reference (the UN list
        // and a registry that points at it): any of them leads to the same timeline.
        _ if store.cluster(&ids[0])?.is_superset(&ids.iter().cloned().collect()) => Ok(ids[0].clone()),
        _ => bail!("{key:?} is the reference of several entities: {}; give an id", ids.join(", ")),
    }
}

/// Runs `proscribe show`.
pub fn show(cli: &Cli, args: &ShowArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Registry)?;
    let id = resolve_one(&store, &args.id)?;
    let view = store.entity(&id)?.context("entity vanished")?;
    if cli.json {
        return print_json(&view);
    }
    let e = &view.entity;
    outln!("{} [{}] {}", e.caption(), e.schema, e.id);
    let state = if view.current { "current" } else { "no longer listed in the newest version" };
    outln!("  from {} {}, line {} ({state})", view.version.source_id, describe_version(&view.version), view.line);
    print_entity(e);
    if !view.same_as.is_empty() {
        outln!("  same as: {}", view.same_as.join(", "));
    }
    Ok(())
}

fn print_entity(e: &Entity) {
    for n in &e.names {
        let lang = n.lang.as_deref().map(|l| format!(", {l}")).unwrap_or_default();
        outln!("  name: {} ({:?}, {:?}{lang})", n.full, n.kind, n.script);
    }
    if let Some(g) = e.gender {
        outln!("  gender: {g:?}");
    }
    for d in &e.birth_dates {
        outln!("  born: {}", d.date);
    }
    for p in &e.birth_places {
        outln!("  birth place: {}", p.text);
    }
    for c in &e.countries {
        outln!("  {:?}: {} ({})", c.role, c.country.name(), c.country);
    }
    for i in &e.identifiers {
        let country = i.country.map(|c| format!(", {c}")).unwrap_or_default();
        let label = i.label.as_deref().map(|l| format!(" \"{l}\"")).unwrap_or_default();
        outln!("  id: {} ({:?}{label}{country})", i.number, i.kind);
    }
    for a in &e.addresses {
        outln!("  address: {}", a.full);
    }
    for p in &e.positions {
        outln!("  position: {}", p.text);
    }
    for d in &e.designations {
        let reference = d.reference.as_deref().unwrap_or("-");
        let listed = d.listed_on.as_ref().map(|l| format!(", listed {l}")).unwrap_or_default();
        let ended = d.ended_on.as_ref().map(|l| format!(", ended {l}")).unwrap_or_default();
        outln!("  designation: {} {reference} by {} [{}]{listed}{ended}", d.list, d.authority, d.programs.join(", "));
        for m in d.measures_in_order() {
            outln!(
                "    {} {:?} by {}{}",
                m.date,
                m.kind,
                m.authority,
                m.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
            );
        }
    }
    for m in &e.acts {
        outln!(
            "  act: {} {:?} by {}{}",
            m.date,
            m.kind,
            m.authority,
            m.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
        );
    }
    for l in &e.links {
        let target = l.target_name.as_deref().or(l.target_id.as_deref()).unwrap_or("?");
        outln!("  link: {} {target}", l.kind);
    }
    for r in &e.remarks {
        outln!("  remark: {}", r.text);
    }
}

/// Runs `proscribe history`.
pub fn history(cli: &Cli, args: &ShowArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Registry)?;
    let id = resolve_one(&store, &args.id)?;
    let loaded = load_index(&store, None)?;
    let events = proscribe_app::clusters::history(&store, &loaded, &id)?;
    if cli.json {
        return print_json(&events);
    }
    let view = store.entity(&id)?.context("entity vanished")?;
    outln!("{} [{}] {}", view.entity.caption(), view.entity.schema, id);
    for ev in &events {
        let who = if ev.entity_id == id { String::new() } else { format!(" [{}]", ev.entity_id) };
        // Version instants are shown as their day; the JSON output keeps the full instant.
        let date = if ev.date.len() > 10 && ev.date.as_bytes()[10] == b'T' { &ev.date[..10] } else { &ev.date };
        outln!("  {:<15} {:<14} {}{who}", date, ev.kind, ev.summary);
    }
    Ok(())
}

/// Runs `proscribe status`.
pub fn status(cli: &Cli, args: &StatusArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Registry)?;
    let day: PartialDate = parse_day(&args.as_of)?;
    let mut listed_by = None;
    let (designations, acts) = match &args.id {
        Some(key) => {
            let id = resolve_one(&store, key)?;
            let loaded = load_index(&store, None)?;
            let status = proscribe_app::clusters::status(&store, &loaded, &id, &day)?;
            if cli.json {
                return print_json(&status);
            }
            listed_by = Some(status.listed_by);
            (status.report.designations, status.report.acts)
        }
        None => {
            if args.list.is_none() && args.authority.is_none() {
                bail!("name an entity, or give --list or --authority");
            }
            if let Some(authority) = &args.authority {
                // An authority that keeps no list has no entries: say what it does instead.
                let report = store.authority_on(authority, &day)?;
                if report.keeps.is_empty() {
                    return print_authority(cli, &day, &report);
                }
            }
            (store.designations_on(args.list.as_deref(), args.authority.as_deref(), &day)?, vec![])
        }
    };
    if cli.json {
        return print_json(&serde_json::json!({"as_of": day.to_string(), "designations": designations, "acts": acts}));
    }
    outln!("as of {day}:");
    let rows: Vec<Vec<String>> = designations
        .iter()
        .map(|d| {
            let certainty = match d.certainty {
                proscribe_model::Certainty::Certain => "",
                proscribe_model::Certainty::Possible => " (possibly)",
            };
            vec![
                d.entity_id.clone(),
                d.caption.clone(),
                d.list.clone(),
                d.reference.clone().unwrap_or_else(|| "-".into()),
                format!("{}{certainty}", d.status.as_str()),
                d.basis.clone(),
            ]
        })
        .collect();
    print_table(&["ENTITY", "NAME", "LIST", "REFERENCE", "STATUS", "BASIS"], &rows);
    if let Some(listed_by) = listed_by {
        // Each list once, however many sources and entries carry its entry.
        outln!("listed by:");
        let rows: Vec<Vec<String>> = listed_by
            .iter()
            .map(|l| {
                vec![
                    l.list.clone(),
                    l.reference.clone().unwrap_or_else(|| "-".into()),
                    l.listed_on.clone().unwrap_or_else(|| "-".into()),
                    format!("{}{}", l.status.as_str(), if l.possible { " (possibly)" } else { "" }),
                    l.sources.join(", "),
                ]
            })
            .collect();
        print_table(&["LIST", "REFERENCE", "LISTED ON", "STATUS", "SOURCES"], &rows);
    }
    for (entity, act) in &acts {
        outln!(
            "act on {entity}: {} {:?} by {}{}",
            act.date,
            act.kind,
            act.authority,
            act.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
        );
    }
    Ok(())
}

/// Prints what an authority that keeps no list does: its roles in the lists' workflows, and
/// its measures, acts and workflow steps by `day`.
fn print_authority(cli: &Cli, day: &PartialDate, report: &AuthorityReport) -> Result<()> {
    if cli.json {
        return print_json(
            &serde_json::json!({"as_of": day.to_string(), "authority": report, "designations": [], "acts": []}),
        );
    }
    outln!("as of {day}:");
    let name = report.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
    outln!("{}{name} keeps no list.", report.authority);
    if report.roles.is_empty() {
        outln!("It has no role in any list's workflow.");
    }
    for (list, roles) in &report.roles {
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        outln!("It is a {} of {list}.", roles.join(" and "));
    }
    if report.events.is_empty() {
        outln!("It had taken no act or decision by {day}.");
        return Ok(());
    }
    outln!("Its acts and decisions by {day}:");
    let rows: Vec<Vec<String>> = report
        .events
        .iter()
        .map(|e| vec![e.date.clone(), e.kind.to_string(), e.entity_id.clone(), e.summary.clone()])
        .collect();
    print_table(&["DATE", "KIND", "ENTITY", "WHAT"], &rows);
    Ok(())
}

/// A version argument: the number of a version of `source` (1 for its first), or a date (the
/// version in force that day).
fn version_arg(store: &Store, source: &str, arg: &str) -> Result<VersionInfo> {
    if let Ok(number) = arg.parse::<i64>() {
        if arg.len() != 4 {
            return store
                .versions(source)?
                .into_iter()
                .find(|v| v.number == number)
                .with_context(|| format!("{source} has no version {number}: see `proscribe lists {source}`"));
        }
    }
    let day = parse_day(arg)?;
    store.version_on(source, &day)?.with_context(|| format!("{source} has no version published by {day}"))
}

/// Runs `proscribe diff`.
pub fn diff(cli: &Cli, args: &DiffArgs) -> Result<()> {
    let store = open_for_reading(cli, Reading::Registry)?;
    let versions = store.versions(&args.source)?;
    if versions.is_empty() {
        bail!("no source {:?}: see `proscribe lists`", args.source);
    }
    let to = match &args.to {
        Some(t) => version_arg(&store, &args.source, t)?,
        None => versions.last().cloned().expect("non-empty"),
    };
    let against = match &args.from {
        Some(f) => Against::Version(version_arg(&store, &args.source, f)?.id),
        None => Against::Previous,
    };
    let Diff { from, to, changes: diff, .. } = proscribe_app::registry::diff(&store, to.id, against)?;
    if cli.json {
        return print_json(&diff);
    }
    match &from {
        Some(f) => outln!("{}: {} -> {}", args.source, describe_version(f), describe_version(&to)),
        None => outln!("{}: nothing -> {}", args.source, describe_version(&to)),
    }
    let count = |k: ChangeKind| diff.changes.iter().filter(|c| c.kind == k).count();
    let (added, removed, amended) = (count(ChangeKind::Added), count(ChangeKind::Removed), count(ChangeKind::Amended));
    outln!("{added} added, {removed} removed, {amended} amended");
    for c in &diff.changes {
        let sign = match c.kind {
            ChangeKind::Added => "+",
            ChangeKind::Removed => "-",
            ChangeKind::Amended => "~",
        };
        outln!("{sign} {} {} ({})", c.reference.as_deref().unwrap_or("-"), c.caption, c.entity_id);
        for f in &c.detail.fields {
            for r in &f.removed {
                outln!("    {}: - {r}", f.field);
            }
            for a in &f.added {
                outln!("    {}: + {a}", f.field);
            }
        }
        for d in &c.detail.designations {
            outln!("    designation {} on {} {}", d.change, d.list, d.reference.as_deref().unwrap_or(""));
        }
    }
    Ok(())
}

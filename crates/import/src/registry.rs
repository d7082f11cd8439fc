//! The `registry-yaml` format: proscribe's own YAML file in which a ministry or agency keeps a
//! national list by hand: the bodies that act (courts, ministries, prosecutors), the lists
//! they keep, and the entities with their names, identifying data, designations and the
//! dated measures that make, suspend and end them, plus acts outside any list (recognising a
//! government, accepting an ambassador's credentials). `docs/registry-format.md` describes
//! the format for the people who write these files; `examples/registry/` holds worked
//! examples.
//!
//! A file starts with `proscribe-registry: 1`, which is how it is recognised. The types
//! below are the file format, a wire format kept apart from the model: they are read with
//! serde and then checked and converted, so that a reference to an authority or list the
//! file does not define, an unknown kind or a bad date is an error naming the entity and the
//! field (`entities[taliban].designations[0].measures[1].date`). YAML syntax errors and
//! unknown fields name the line.
//!
//! Memory: the file is read whole; registries are kept by hand and small.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use proscribe_model::{
    slug, Address, Authority, AuthorityKind, Country, CountryFact, CountryRole, DateFact, DateValue, Designation,
    Entity, Gender, IdKind, Identifier, Link, ListInfo, ListKind, Measure, MeasureKind, Name, NameKind, NamePart,
    PartKind, Place, Schema, SourceInfo, Text,
};
use serde::Deserialize;

use crate::limits::{Exceeded, Limits};
use crate::{input, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `registry-yaml` format: a national registry kept in proscribe's YAML format.
#[derive(Debug)]
pub struct RegistryYaml;

/// The marker key of the format; its value is the format version.
const MARKER: &str = "proscribe-registry";
/// The format version this code reads.
const VERSION: u32 = 1;

impl Format for RegistryYaml {
    fn name(&self) -> &'static str {
        "registry-yaml"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        if sample.zip {
            return None;
        }
        let text = sample.text();
        text.lines().any(|l| l.starts_with(&format!("{MARKER}:"))).then_some(Recognised::List)
    }

    fn source_id(&self, path: &Path) -> String {
        #[derive(Deserialize)]
        struct IdOnly {
            id: String,
        }
        let fallback = || {
            let stem = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            format!("registry-{}", slug(&stem))
        };
        // Planning keeps to the default limits; a file over them is refused when it is parsed.
        let Ok(text) = read_text(path, &Limits::default()) else { return fallback() };
        serde_norway::from_str::<IdOnly>(&text).map(|f| f.id).unwrap_or_else(|_| fallback())
    }

    fn published_hint(&self, sample: &Sample) -> Option<String> {
        let text = sample.text();
        let line = text.lines().find(|l| l.starts_with("published:"))?;
        Some(line["published:".len()..].trim().trim_matches(|c| c == '"' || c == '\'').to_string())
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let path = job.path.as_path();
        let text = read_text(path, &job.limits)?;
        if text.trim().is_empty() {
            return Err(Error::Empty { path: path.display().to_string() });
        }
        let file: RegistryFile = serde_norway::from_str(&text).map_err(|e| yaml_error(path, &e))?;
        let lines = Lines::of(&text);
        let registry = Registry::check(file, path, &lines, self.name())?;
        let mut report = Report::new(registry.source);
        for (entity, line) in registry.entities {
            report.emit(sink, entity, line)?;
        }
        Ok(report)
    }
}

/// What one YAML value (a key, a scalar, a collection) counts towards the `record-bytes`
/// limit besides its bytes: the parser holds the whole document as events, at about 200
/// bytes a value, so a file of many tiny values is bounded like one of long texts.
const YAML_NODE_BYTES: u64 = 32;

/// The whole file, which is parsed as one document: at most the `record-bytes` limit long
/// (each value counted as [`YAML_NODE_BYTES`] more), and nested at most `depth` deep (see
/// [`shape`]).
fn read_text(path: &Path, limits: &Limits) -> Result<String, Error> {
    use std::io::Read;
    let mut text = String::new();
    let reader = input::open_text(path, limits)?;
    reader
        .take(limits.record_bytes.saturating_add(1))
        .read_to_string(&mut text)
        .map_err(|e| input::read_error(path, e))?;
    let shape = shape(&text, limits.depth);
    if let Some(line) = shape.too_deep {
        let what = format!("YAML nested more than {} deep", limits.depth);
        return Err(Exceeded::new(format!("line {line}"), what, "depth", limits.depth).in_file(path));
    }
    if text.len() as u64 + shape.nodes * YAML_NODE_BYTES > limits.record_bytes {
        let what = format!(
            "a registry file of more than {} bytes (each of its {} values counted as {YAML_NODE_BYTES} more)",
            limits.record_bytes, shape.nodes
        );
        return Err(Exceeded::new("the whole file", what, "record-bytes", limits.record_bytes).in_file(path));
    }
    Ok(text)
}

/// What [`shape`] finds in a YAML text.
struct Shape {
    /// The first line that nests deeper than allowed.
    too_deep: Option<u64>,
    /// About how many values (keys, scalars, collections) the text holds, up to `too_deep`.
    nodes: u64,
}

/// The first line at which the YAML `text` nests more than `max` deep, counting blocks by
/// their indentation, `- ` items that open on the line of their parent, and flow brackets;
/// and about how many values it holds (a line, its items and keys, flow items).
/// The YAML parser's time grows with the square of the nesting, so nesting is judged by
/// this one linear pass before it runs. It may count a bracket in a quoted string or an
/// indented text block as nesting: that errs towards refusing files far deeper than any
/// registry needs, never towards parsing a deep one.
fn shape(text: &str, max: u64) -> Shape {
    let mut indents: Vec<usize> = Vec::new();
    let mut block = 0u64;
    let mut flow = 0u64;
    let mut nodes = 0u64;
    for (i, line) in text.lines().enumerate() {
        let deep = Shape { too_deep: Some(i as u64 + 1), nodes };
        let content = line.trim_start_matches(' ');
        // Inside a flow collection lines continue it; outside, a flow collection opens only
        // as a value: at the start of an item or after `key: `.
        let mut flowing = content;
        if flow == 0 {
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let indent = line.len() - content.len();
            while indents.last().is_some_and(|&top| top >= indent) {
                indents.pop();
            }
            indents.push(indent);
            let mut rest = content;
            let mut items = 0u64;
            while let Some(r) = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("? ")) {
                items += 1;
                rest = r.trim_start_matches(' ');
            }
            block = indents.len() as u64 + items;
            nodes += 1 + items + rest.matches(": ").count() as u64;
            let value = rest.find(": ").map_or(rest, |p| rest[p + 2..].trim_start_matches(' '));
            flowing = if value.starts_with(['[', '{']) { value } else { "" };
        }
        if block > max {
            return deep;
        }
        let mut quote: Option<char> = None;
        for c in flowing.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '[' | '{') => {
                    flow += 1;
                    nodes += 1;
                    if block + flow > max {
                        return deep;
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                (None, ',') => nodes += 1,
                _ => {}
            }
            if flow == 0 {
                break;
            }
        }
    }
    Shape { too_deep: None, nodes }
}

/// A YAML error with its line in the error's own place; serde_norway writes it into the
/// message too, which is dropped.
fn yaml_error(path: &Path, e: &serde_norway::Error) -> Error {
    let line = e.location().map(|l| l.line() as u64);
    let mut message = e.to_string();
    if let Some(at) = message.find(" at line ") {
        message.truncate(at);
    }
    Error::malformed(path, line, None, message)
}

/// Where things are in the file, for error messages and the store: the marker line and the
/// line of each `id:` in the `authorities:`, `lists:` and `entities:` sections.
#[derive(Debug, Default)]
struct Lines {
    marker: Option<u64>,
    ids: HashMap<(String, String), u64>,
}

impl Lines {
    fn of(text: &str) -> Lines {
        let mut out = Lines::default();
        let mut section = String::new();
        for (i, line) in text.lines().enumerate() {
            let n = i as u64 + 1;
            if line.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
                section = line.split(':').next().unwrap_or_default().to_string();
                if section == MARKER {
                    out.marker.get_or_insert(n);
                }
                continue;
            }
            let item = line.trim_start().trim_start_matches("- ").trim_start();
            if let Some(value) = item.strip_prefix("id:") {
                let value = value.split(" #").next().unwrap_or_default().trim().trim_matches(|c| c == '"' || c == '\'');
                out.ids.entry((section.clone(), value.to_string())).or_insert(n);
            }
        }
        out
    }

    /// The line of the item with `id` in `section`. Each section lists an id once, so the
    /// first `id:` with the value is the one.
    fn get(&self, section: &str, id: &str) -> Option<u64> {
        self.ids.get(&(section.to_string(), id.to_string())).copied()
    }
}

// ---------------------------------------------------------------------------------------
// The file format.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    #[serde(rename = "proscribe-registry")]
    version: u32,
    id: String,
    title: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    authorities: Vec<AuthorityDoc>,
    #[serde(default)]
    lists: Vec<ListDoc>,
    #[serde(default)]
    entities: Vec<EntityDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityDoc {
    id: String,
    name: String,
    #[serde(default)]
    country: Option<String>,
    kind: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListDoc {
    id: String,
    title: String,
    authority: String,
    kind: String,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntityDoc {
    id: String,
    schema: String,
    #[serde(default)]
    names: Vec<NameDoc>,
    #[serde(default)]
    gender: Option<String>,
    #[serde(default)]
    birth_dates: Vec<String>,
    #[serde(default)]
    birth_places: Vec<PlaceDoc>,
    #[serde(default)]
    death_dates: Vec<String>,
    #[serde(default)]
    countries: Vec<CountryDoc>,
    #[serde(default)]
    identifiers: Vec<IdentifierDoc>,
    #[serde(default)]
    addresses: Vec<AddressDoc>,
    #[serde(default)]
    positions: Vec<String>,
    #[serde(default)]
    remarks: Vec<String>,
    #[serde(default)]
    properties: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    links: Vec<LinkDoc>,
    #[serde(default)]
    same_as: Vec<String>,
    #[serde(default)]
    designations: Vec<DesignationDoc>,
    #[serde(default)]
    acts: Vec<MeasureDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NameDoc {
    name: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    parts: Vec<PartDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartDoc {
    kind: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceDoc {
    place: String,
    #[serde(default)]
    country: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryDoc {
    country: String,
    role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct IdentifierDoc {
    kind: String,
    number: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AddressDoc {
    full: String,
    #[serde(default)]
    street: Option<String>,
    #[serde(default)]
    city: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    postal_code: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkDoc {
    kind: String,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DesignationDoc {
    list: String,
    #[serde(default)]
    authority: Option<String>,
    #[serde(default)]
    programs: Vec<String>,
    #[serde(default)]
    reference: Option<String>,
    #[serde(default)]
    listed_on: Option<String>,
    #[serde(default)]
    ended_on: Option<String>,
    #[serde(default)]
    legal_basis: Option<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    measures: Vec<MeasureDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureDoc {
    kind: String,
    authority: String,
    date: String,
    #[serde(default)]
    effective: Option<String>,
    #[serde(default)]
    joint_with: Vec<String>,
    #[serde(default)]
    act: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    citations: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Checking and converting to the model.

/// A checked registry: its source description and its entities with their lines.
struct Registry {
    source: SourceInfo,
    entities: Vec<(Entity, u64)>,
}

/// Where in the file a value is, for error messages.
struct Ctx<'a> {
    path: &'a Path,
    line: Option<u64>,
    authorities: HashSet<String>,
    lists: HashMap<String, String>,
}

impl Ctx<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> Error {
        Error::malformed(self.path, self.line, Some(field), message)
    }

    fn date(&self, field: &str, text: &str) -> Result<DateValue, Error> {
        text.trim().parse::<DateValue>().map_err(|e| self.err(field, format!("{text:?} is no date in the registry's form (2005-03-15, 2024-12, ~1965, 1960/1963, 2005-03-15|2015): {e}")))
    }

    fn country(&self, field: &str, code: &str) -> Result<Country, Error> {
        Country::from_code(code).map_err(|_| self.err(field, format!("{code:?} is no ISO 3166-1 alpha-2 country code")))
    }

    fn authority(&self, field: &str, id: &str) -> Result<String, Error> {
        if self.authorities.contains(id) {
            Ok(id.to_string())
        } else {
            Err(self.err(field, format!("authority {id:?} is not defined under `authorities`")))
        }
    }
}

/// Reads a kind from its word in the file, or says which words there are.
fn pick<T: Copy>(ctx: &Ctx<'_>, field: &str, value: &str, table: &[(&str, T)]) -> Result<T, Error> {
    let v = value.trim().to_lowercase().replace(['-', ' '], "_");
    table.iter().find(|(k, _)| *k == v).map(|(_, t)| *t).ok_or_else(|| {
        let words: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
        ctx.err(
            field,
            format!("unknown {} {value:?}; one of: {}", field.rsplit('.').next().unwrap_or(field), words.join(", ")),
        )
    })
}

const AUTHORITY_KINDS: &[(&str, AuthorityKind)] = &[
    ("ministry", AuthorityKind::Ministry),
    ("court", AuthorityKind::Court),
    ("council", AuthorityKind::Council),
    ("committee", AuthorityKind::Committee),
    ("prosecutor", AuthorityKind::Prosecutor),
    ("agency", AuthorityKind::Agency),
    ("head_of_state", AuthorityKind::HeadOfState),
    ("legislature", AuthorityKind::Legislature),
    ("other", AuthorityKind::Other),
];

const LIST_KINDS: &[(&str, ListKind)] = &[
    ("sanctions", ListKind::Sanctions),
    ("terrorist", ListKind::Terrorist),
    ("export_control", ListKind::ExportControl),
    ("debarment", ListKind::Debarment),
    ("other", ListKind::Other),
];

const NAME_KINDS: &[(&str, NameKind)] = &[
    ("primary", NameKind::Primary),
    ("alias", NameKind::Alias),
    ("weak_alias", NameKind::WeakAlias),
    ("former", NameKind::Former),
    ("original", NameKind::Original),
];

const PART_KINDS: &[(&str, PartKind)] = &[
    ("given", PartKind::Given),
    ("middle", PartKind::Middle),
    ("family", PartKind::Family),
    ("patronymic", PartKind::Patronymic),
    ("title", PartKind::Title),
];

const COUNTRY_ROLES: &[(&str, CountryRole)] = &[
    ("nationality", CountryRole::Nationality),
    ("citizenship", CountryRole::Citizenship),
    ("residence", CountryRole::Residence),
    ("jurisdiction", CountryRole::Jurisdiction),
    ("flag", CountryRole::Flag),
    ("linked", CountryRole::Linked),
];

const ID_KINDS: &[(&str, IdKind)] = &[
    ("passport", IdKind::Passport),
    ("national_id", IdKind::NationalId),
    ("imo", IdKind::Imo),
    ("mmsi", IdKind::Mmsi),
    ("tax", IdKind::Tax),
    ("registration", IdKind::Registration),
    ("swift", IdKind::Swift),
    ("lei", IdKind::Lei),
    ("aircraft_registration", IdKind::AircraftRegistration),
    ("other", IdKind::Other),
];

const GENDERS: &[(&str, Gender)] = &[("male", Gender::Male), ("female", Gender::Female), ("other", Gender::Other)];

/// Measures on a list entry.
const LIST_MEASURES: &[(&str, MeasureKind)] = &[
    ("listing", MeasureKind::Listing),
    ("proposal", MeasureKind::Proposal),
    ("suspension", MeasureKind::Suspension),
    ("suspension_lifted", MeasureKind::SuspensionLifted),
    ("amendment", MeasureKind::Amendment),
    ("delisting", MeasureKind::Delisting),
    ("statement", MeasureKind::Statement),
];

/// Acts outside any list.
const ACTS: &[(&str, MeasureKind)] = &[
    ("recognition", MeasureKind::Recognition),
    ("accreditation", MeasureKind::Accreditation),
    ("statement", MeasureKind::Statement),
    ("proposal", MeasureKind::Proposal),
];

/// An id must be usable in URLs and file names unchanged.
fn check_id(ctx: &Ctx<'_>, field: &str, id: &str) -> Result<(), Error> {
    let ok = !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if ok {
        Ok(())
    } else {
        Err(ctx.err(field, format!("id {id:?} must be lower-case letters, digits, `-` and `.`")))
    }
}

impl Registry {
    fn check(file: RegistryFile, path: &Path, lines: &Lines, format: &str) -> Result<Registry, Error> {
        let mut ctx = Ctx { path, line: lines.marker, authorities: HashSet::new(), lists: HashMap::new() };
        if file.version != VERSION {
            return Err(ctx.err(
                MARKER,
                format!("format version {} is not supported; this proscribe reads version {VERSION}", file.version),
            ));
        }
        check_id(&ctx, "id", &file.id)?;
        let published = match &file.published {
            Some(p) => Some(ctx.date("published", p)?.to_string()),
            None => None,
        };
        let authorities = check_authorities(&mut ctx, file.authorities, lines)?;
        let lists = check_lists(&mut ctx, file.lists, lines)?;
        let mut seen = HashSet::new();
        let mut entities = Vec::with_capacity(file.entities.len());
        for doc in file.entities {
            ctx.line = lines.get("entities", &doc.id);
            let field = format!("entities[{}]", doc.id);
            check_id(&ctx, &format!("{field}.id"), &doc.id)?;
            if !seen.insert(doc.id.clone()) {
                return Err(ctx.err(&field, format!("entity id {:?} is used twice", doc.id)));
            }
            let line = ctx.line.unwrap_or(1);
            entities.push((entity(&ctx, &field, doc)?, line));
        }
        let source =
            SourceInfo { id: file.id, title: file.title, format: format.into(), published, authorities, lists };
        Ok(Registry { source, entities })
    }
}

fn check_authorities(ctx: &mut Ctx<'_>, docs: Vec<AuthorityDoc>, lines: &Lines) -> Result<Vec<Authority>, Error> {
    let mut out = Vec::with_capacity(docs.len());
    for (i, a) in docs.into_iter().enumerate() {
        ctx.line = lines.get("authorities", &a.id);
        let field = format!("authorities[{i}]");
        check_id(ctx, &format!("{field}.id"), &a.id)?;
        if !ctx.authorities.insert(a.id.clone()) {
            return Err(ctx.err(&field, format!("authority id {:?} is used twice", a.id)));
        }
        let country = match &a.country {
            Some(c) => Some(ctx.country(&format!("{field}.country"), c)?),
            None => None,
        };
        let kind = pick(ctx, &format!("{field}.kind"), &a.kind, AUTHORITY_KINDS)?;
        out.push(Authority { id: a.id, name: a.name, country, kind });
    }
    Ok(out)
}

fn check_lists(ctx: &mut Ctx<'_>, docs: Vec<ListDoc>, lines: &Lines) -> Result<Vec<ListInfo>, Error> {
    let mut out = Vec::with_capacity(docs.len());
    for (i, l) in docs.into_iter().enumerate() {
        ctx.line = lines.get("lists", &l.id);
        let field = format!("lists[{i}]");
        check_id(ctx, &format!("{field}.id"), &l.id)?;
        let authority = ctx.authority(&format!("{field}.authority"), &l.authority)?;
        if ctx.lists.insert(l.id.clone(), authority.clone()).is_some() {
            return Err(ctx.err(&field, format!("list id {:?} is used twice", l.id)));
        }
        let kind = pick(ctx, &format!("{field}.kind"), &l.kind, LIST_KINDS)?;
        out.push(ListInfo { id: l.id, title: l.title, authority, kind, url: l.url });
    }
    Ok(out)
}

fn entity(ctx: &Ctx<'_>, field: &str, doc: EntityDoc) -> Result<Entity, Error> {
    let schema = Schema::parse(&doc.schema).ok_or_else(|| {
        let all: Vec<&str> = Schema::ALL.iter().map(|s| s.as_str()).collect();
        ctx.err(&format!("{field}.schema"), format!("unknown schema {:?}; one of: {}", doc.schema, all.join(", ")))
    })?;
    let mut e = Entity::new(doc.id.clone(), schema);
    if doc.names.is_empty() {
        return Err(ctx.err(&format!("{field}.names"), "an entity needs at least one name"));
    }
    for (i, n) in doc.names.into_iter().enumerate() {
        let f = format!("{field}.names[{i}]");
        let kind = match &n.kind {
            Some(k) => pick(ctx, &format!("{f}.kind"), k, NAME_KINDS)?,
            None if i == 0 => NameKind::Primary,
            None => NameKind::Alias,
        };
        let mut name = Name::new(n.name, kind).at(format!("names[{i}]"));
        name.lang = n.lang;
        for (j, p) in n.parts.into_iter().enumerate() {
            let kind = pick(ctx, &format!("{f}.parts[{j}].kind"), &p.kind, PART_KINDS)?;
            name.parts.push(NamePart { kind, value: p.value });
        }
        e.add_name(name);
    }
    if let Some(g) = &doc.gender {
        e.gender = Some(pick(ctx, &format!("{field}.gender"), g, GENDERS)?);
    }
    for (list, dates, key) in
        [(&mut e.birth_dates, &doc.birth_dates, "birth_dates"), (&mut e.death_dates, &doc.death_dates, "death_dates")]
    {
        for (i, d) in dates.iter().enumerate() {
            let f = format!("{key}[{i}]");
            list.push(DateFact { date: ctx.date(&format!("{field}.{f}"), d)?, src: Some(f) });
        }
    }
    for (i, p) in doc.birth_places.into_iter().enumerate() {
        let country = p.country.map(|c| ctx.country(&format!("{field}.birth_places[{i}].country"), &c)).transpose()?;
        e.birth_places.push(Place { text: p.place, country, src: Some(format!("birth_places[{i}]")) });
    }
    for (i, c) in doc.countries.iter().enumerate() {
        let f = format!("{field}.countries[{i}]");
        let country = ctx.country(&format!("{f}.country"), &c.country)?;
        let role = pick(ctx, &format!("{f}.role"), &c.role, COUNTRY_ROLES)?;
        e.countries.push(CountryFact { country, role, src: Some(format!("countries[{i}]")) });
    }
    add_identifying(ctx, field, &mut e, doc.identifiers, doc.addresses)?;
    e.positions = texts(doc.positions, "positions");
    e.remarks = texts(doc.remarks, "remarks");
    e.properties = doc.properties;
    for (i, l) in doc.links.into_iter().enumerate() {
        if l.target.is_none() && l.name.is_none() {
            return Err(ctx.err(&format!("{field}.links[{i}]"), "a link needs a `target` id or a `name`"));
        }
        let src = Some(format!("links[{i}]"));
        e.links.push(Link { kind: l.kind, target_id: l.target, target_name: l.name, note: l.note, src });
    }
    e.same_as = doc.same_as;
    for (i, d) in doc.designations.into_iter().enumerate() {
        e.designations.push(designation(ctx, &format!("{field}.designations[{i}]"), i, d)?);
    }
    for (i, m) in doc.acts.into_iter().enumerate() {
        e.acts.push(measure(ctx, &format!("{field}.acts[{i}]"), format!("acts[{i}]"), m, true)?);
    }
    Ok(e)
}

fn texts(values: Vec<String>, key: &str) -> Vec<Text> {
    values.into_iter().enumerate().map(|(i, t)| Text::new(t.trim().to_string(), format!("{key}[{i}]"))).collect()
}

fn add_identifying(
    ctx: &Ctx<'_>,
    field: &str,
    e: &mut Entity,
    identifiers: Vec<IdentifierDoc>,
    addresses: Vec<AddressDoc>,
) -> Result<(), Error> {
    for (i, d) in identifiers.into_iter().enumerate() {
        let f = format!("{field}.identifiers[{i}]");
        let kind = pick(ctx, &format!("{f}.kind"), &d.kind, ID_KINDS)?;
        let country = d.country.map(|c| ctx.country(&format!("{f}.country"), &c)).transpose()?;
        let src = Some(format!("identifiers[{i}]"));
        e.identifiers.push(Identifier { kind, number: d.number, label: d.label, country, note: d.note, src });
    }
    for (i, a) in addresses.into_iter().enumerate() {
        let country = a.country.map(|c| ctx.country(&format!("{field}.addresses[{i}].country"), &c)).transpose()?;
        e.addresses.push(Address {
            full: a.full,
            street: a.street,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country,
            note: a.note,
            src: Some(format!("addresses[{i}]")),
        });
    }
    Ok(())
}

fn designation(ctx: &Ctx<'_>, field: &str, index: usize, doc: DesignationDoc) -> Result<Designation, Error> {
    let keeper = ctx.lists.get(&doc.list).ok_or_else(|| {
        ctx.err(&format!("{field}.list"), format!("list {:?} is not defined under `lists`", doc.list))
    })?;
    let authority = match &doc.authority {
        Some(a) => ctx.authority(&format!("{field}.authority"), a)?,
        None => keeper.clone(),
    };
    let mut d = Designation::new(authority, doc.list);
    d.programs = doc.programs;
    d.reference = doc.reference;
    d.legal_basis = doc.legal_basis;
    d.reason = doc.reason;
    d.src = Some(format!("designations[{index}]"));
    for (i, m) in doc.measures.into_iter().enumerate() {
        let src = format!("designations[{index}].measures[{i}]");
        d.measures.push(measure(ctx, &format!("{field}.measures[{i}]"), src, m, false)?);
    }
    d.listed_on = match &doc.listed_on {
        Some(t) => Some(ctx.date(&format!("{field}.listed_on"), t)?),
        None => first_listing(&d),
    };
    d.ended_on = match &doc.ended_on {
        Some(t) => Some(ctx.date(&format!("{field}.ended_on"), t)?),
        None => final_delisting(&d),
    };
    Ok(d)
}

/// Without `listed_on`, the date of the first listing measure.
fn first_listing(d: &Designation) -> Option<DateValue> {
    d.measures_in_order().into_iter().find(|m| m.kind == MeasureKind::Listing).map(|m| m.date.clone())
}

/// Without `ended_on`, the date of a delisting that is the last measure changing the status.
fn final_delisting(d: &Designation) -> Option<DateValue> {
    let changing =
        [MeasureKind::Listing, MeasureKind::Suspension, MeasureKind::SuspensionLifted, MeasureKind::Delisting];
    let last = d.measures_in_order().into_iter().rev().find(|m| changing.contains(&m.kind))?;
    (last.kind == MeasureKind::Delisting).then(|| last.effective_date().clone())
}

/// Reads a measure: one on a list entry, or (`is_act`) an act outside any list.
fn measure(ctx: &Ctx<'_>, field: &str, src: String, doc: MeasureDoc, is_act: bool) -> Result<Measure, Error> {
    let (kinds, elsewhere) = if is_act { (ACTS, LIST_MEASURES) } else { (LIST_MEASURES, ACTS) };
    let kind_field = format!("{field}.kind");
    let kind = pick(ctx, &kind_field, &doc.kind, kinds).map_err(|e| {
        // Say where a list measure or an act belongs when it is in the wrong place.
        let word = doc.kind.trim().to_lowercase();
        match (elsewhere.iter().any(|(k, _)| *k == word), is_act) {
            (true, true) => ctx.err(
                &kind_field,
                format!("{word:?} is a measure on a list entry: put it under the designation's `measures`"),
            ),
            (true, false) => {
                ctx.err(&kind_field, format!("{word:?} is an act outside any list: put it under the entity's `acts`"))
            }
            (false, _) => e,
        }
    })?;
    let authority = ctx.authority(&format!("{field}.authority"), &doc.authority)?;
    let mut joint_with = Vec::with_capacity(doc.joint_with.len());
    for (i, j) in doc.joint_with.iter().enumerate() {
        joint_with.push(ctx.authority(&format!("{field}.joint_with[{i}]"), j)?);
    }
    let date = ctx.date(&format!("{field}.date"), &doc.date)?;
    let effective = doc.effective.map(|t| ctx.date(&format!("{field}.effective"), &t)).transpose()?;
    Ok(Measure {
        kind,
        authority,
        date,
        effective,
        joint_with,
        act: doc.act,
        note: doc.note.map(|n| proscribe_model::collapse_spaces(&n)),
        citations: doc.citations,
        src: Some(src),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_items() {
        let text = "# c\nproscribe-registry: 1\nid: x\nlists:\n  - id: a-list\nentities:\n  - id: taliban\n    names: []\n\n-   id: \"second\" # quoted\nacts: []\n";
        let lines = Lines::of(text);
        assert_eq!(lines.marker, Some(2));
        assert_eq!(lines.get("entities", "taliban"), Some(7));
        assert_eq!(lines.get("entities", "second"), Some(10));
        assert_eq!(lines.get("entities", "a-list"), None);
        assert_eq!(lines.get("lists", "a-list"), Some(5));
    }

    #[test]
    fn dates_of_the_compact_form_read_from_plain_yaml() {
        #[derive(Deserialize)]
        struct D {
            dates: Vec<String>,
            country: String,
        }
        let d: D = serde_norway::from_str(
            "dates: [2015, 2005-03-15, ~1965, 1960/1963, 2005-03-15|2015, 2024-12]\ncountry: no\n",
        )
        .unwrap();
        assert_eq!(d.dates, ["2015", "2005-03-15", "~1965", "1960/1963", "2005-03-15|2015", "2024-12"]);
        assert_eq!(d.country, "no");
    }
}

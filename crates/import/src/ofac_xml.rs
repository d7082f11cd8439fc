//! The `ofac-xml` format: OFAC's classic `sdn.xml` (root `<sdnList>`, published beside the
//! legacy CSV set). The header `<publshInformation>` (OFAC's spelling) gives the publication
//! date; each `<sdnEntry>` has a `uid` (the CSV's `ent_num`), names, programs, aliases with
//! their category (strong or weak), addresses, `<idList>` with the labelled details the CSV
//! keeps in its remarks, birth data, nationalities and `<vesselInfo>`. Entries map to the same
//! entity ids as the CSV (`ofac-<uid>`), so both are versions of one list.
//!
//! The file is streamed: one `<sdnEntry>` at a time is read into a small tree and mapped.

use std::io::BufRead;
use std::path::Path;

use proscribe_model::{Address, CountryRole, Designation, Entity, NameKind, NamePart, PartKind, Schema, SourceInfo};
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::input::{self, EncodingError};
use crate::limits::{Exceeded, ELEMENT_BYTES};
use crate::ofac::features::{self, Ctx, Fact, MakeFact};
use crate::ofac::{self as csvfmt, remarks, VesselField};
use crate::{util, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `ofac-xml` format.
#[derive(Debug)]
pub struct OfacXml;

/// Which list an `sdnList` file is: OFAC publishes the non-SDN consolidated list in the same
/// layout, told apart only by its file name (`consolidated.xml`).
fn is_consolidated(path: &Path) -> bool {
    path.file_name().map(|n| n.to_string_lossy().to_lowercase().starts_with("cons")).unwrap_or(false)
}

impl Format for OfacXml {
    fn name(&self) -> &'static str {
        "ofac-xml"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        (!sample.zip && sample.xml_root().as_deref() == Some("sdnList")).then_some(Recognised::List)
    }

    fn source_id(&self, path: &Path) -> String {
        if is_consolidated(path) {
            csvfmt::cons_list().id
        } else {
            csvfmt::sdn_list().id
        }
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let cons = is_consolidated(&job.path);
        let list = if cons { csvfmt::cons_list() } else { csvfmt::sdn_list() };
        let source = SourceInfo {
            id: list.id.clone(),
            title: format!("OFAC {}", list.title),
            format: self.name().into(),
            published: None,
            authorities: vec![csvfmt::authority()],
            lists: vec![list.clone()],
        };
        let mut parser = Parser {
            path: &job.path,
            file: job.path.display().to_string(),
            reader: Reader::from_reader(LineCount { inner: input::open_xml_text(&job.path, &job.limits)?, line: 1 }),
            limits: job.limits,
            report: Report::new(source),
            id_prefix: if cons { "ofac-cons-" } else { "ofac-" },
            list: list.id,
        };
        parser.run(sink)?;
        Ok(parser.report)
    }
}

/// A BufRead that counts the lines it has passed on, so that elements can be reported with
/// the line they start on.
struct LineCount<R> {
    inner: R,
    line: u64,
}

impl<R: BufRead> std::io::Read for LineCount<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for LineCount<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amt: usize) {
        // The bytes are still buffered: fill_buf returns them again without reading.
        if let Ok(buf) = self.inner.fill_buf() {
            self.line += buf[..amt.min(buf.len())].iter().filter(|&&b| b == b'\n').count() as u64;
        }
        self.inner.consume(amt);
    }
}

/// One element of an entry: its local name, its text and its child elements.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The cleaned text of a child element.
    fn get(&self, name: &str) -> Option<String> {
        self.child(name).and_then(|c| util::clean(&c.text))
    }

    /// The elements `list/item` (`akaList/aka`).
    fn items<'a>(&'a self, list: &str, item: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.child(list).into_iter().flat_map(move |l| l.children.iter().filter(move |c| c.name == item))
    }
}

struct Parser<'a, R: BufRead> {
    path: &'a Path,
    file: String,
    reader: Reader<LineCount<R>>,
    report: Report,
    id_prefix: &'static str,
    list: String,
    limits: crate::Limits,
}

impl<R: BufRead> Parser<'_, R> {
    fn line(&self) -> u64 {
        self.reader.get_ref().line
    }

    fn xml_error(&self, e: quick_xml::Error, element: Option<&str>) -> Error {
        if let quick_xml::Error::Io(io) = &e {
            if let Some(enc) = io.get_ref().and_then(|i| i.downcast_ref::<EncodingError>()) {
                return Error::Encoding { path: self.file.clone(), line: enc.line, offset: enc.offset };
            }
            if let Some(x) = io.get_ref().and_then(|i| i.downcast_ref::<Exceeded>()) {
                return x.clone().in_file(self.path);
            }
        }
        Error::malformed(self.path, Some(self.line()), element, format!("malformed XML: {e}"))
    }

    /// Reads the whole file: the root, the header and every entry.
    fn run(&mut self, sink: &mut dyn EntitySink) -> Result<(), Error> {
        let mut root_seen = false;
        let mut root_closed = false;
        let mut entries = 0usize;
        let mut declared: Option<(usize, u64)> = None;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let event = self.reader.read_event_into(&mut buf).map_err(|e| self.xml_error(e, None));
            match event? {
                Event::Start(s) => {
                    let name = s.local_name().as_ref().to_string();
                    let line = self.line();
                    match name.as_str() {
                        "sdnList" if !root_seen => root_seen = true,
                        _ if !root_seen => {
                            return Err(Error::malformed(
                                self.path,
                                Some(line),
                                Some(&name),
                                "the root element is not <sdnList>",
                            ));
                        }
                        "publshInformation" => {
                            let node = self.tree(name)?;
                            declared = self.header(&node).map(|n| (n, line));
                        }
                        "sdnEntry" => {
                            let node = self.tree(name)?;
                            entries += 1;
                            self.entry(&node, line, sink)?;
                        }
                        _ => {
                            let node = self.tree(name.clone())?;
                            self.report.skip(
                                &self.file,
                                Some(line),
                                Some(name),
                                format!("unknown element with {} children skipped", node.children.len()),
                            );
                        }
                    }
                }
                Event::End(e) if e.local_name().as_ref() == "sdnList" => root_closed = true,
                Event::Eof => break,
                _ => {}
            }
        }
        if !root_seen {
            return Err(Error::Empty { path: self.file.clone() });
        }
        if !root_closed {
            // Cut between two entries: every entry read is whole, but the list is not.
            return Err(Error::malformed(
                self.path,
                Some(self.line()),
                Some("sdnList"),
                "the file ends inside this element",
            ));
        }
        if let Some((n, line)) = declared.filter(|(n, _)| *n != entries) {
            self.report.skip(
                &self.file,
                Some(line),
                Some("Record_Count".into()),
                format!("the header counts {n} entries, the file has {entries}"),
            );
        }
        Ok(())
    }

    /// Reads the element just opened (`name`) and everything in it into a tree.
    /// The tree is at most `depth` deep and its text at most `record-bytes` long.
    fn tree(&mut self, name: String) -> Result<Node, Error> {
        let mut stack = vec![Node { name, ..Default::default() }];
        let mut buf = Vec::new();
        let start = self.reader.buffer_position();
        let mut elements = 1u64;
        loop {
            let limits = self.limits;
            let over = |what: String, limit: &'static str, value: u64, stack: &[Node], line: u64| {
                let names: Vec<&str> = stack.iter().take(4).map(|n| n.name.as_str()).collect();
                let at =
                    format!("line {line} in <sdnList/{}{}>", names.join("/"), if stack.len() > 4 { "/…" } else { "" });
                Exceeded::new(at, what, limit, value).in_file(self.path)
            };
            if stack.len() as u64 + 1 > limits.depth {
                let what = format!("elements nested more than {} deep", limits.depth);
                return Err(over(what, "depth", limits.depth, &stack, self.line()));
            }
            if self.reader.buffer_position() - start + elements * ELEMENT_BYTES > limits.record_bytes {
                let what = format!("a record of more than {} bytes", limits.record_bytes);
                return Err(over(what, "record-bytes", limits.record_bytes, &stack, self.line()));
            }
            buf.clear();
            let event = self.reader.read_event_into(&mut buf);
            let open = stack.last().map(|n| n.name.clone());
            match event.map_err(|e| self.xml_error(e, open.as_deref()))? {
                Event::Start(s) => {
                    elements += 1;
                    stack.push(Node { name: s.local_name().as_ref().to_string(), ..Default::default() });
                }
                Event::Empty(s) => {
                    elements += 1;
                    let node = Node { name: s.local_name().as_ref().to_string(), ..Default::default() };
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(node);
                    }
                }
                Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
                Event::CData(t) => push_text(&mut stack, &t.xml10_content()),
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string).ok_or_else(|| {
                            Error::malformed(
                                self.path,
                                Some(self.line()),
                                open.as_deref(),
                                format!("unknown entity &{};", &*r),
                            )
                        })?,
                    };
                    push_text(&mut stack, &text);
                }
                Event::End(_) => {
                    let node = stack.pop().expect("an open element");
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(node),
                        None => return Ok(node),
                    }
                }
                Event::Eof => {
                    let open = open.unwrap_or_default();
                    return Err(Error::malformed(
                        self.path,
                        Some(self.line()),
                        Some(&open),
                        "the file ends inside this element",
                    ));
                }
                _ => {}
            }
        }
    }

    /// Takes the publication date; returns the record count the header states.
    fn header(&mut self, node: &Node) -> Option<usize> {
        if let Some(date) = node.get("Publish_Date") {
            match util::date(&date, false) {
                Ok(d) => self.report.source.published = Some(d.to_string()),
                Err(e) => self.report.skip(
                    &self.file,
                    None,
                    Some("Publish_Date".into()),
                    format!("publication date {date:?} not read: {e}"),
                ),
            }
        }
        node.get("Record_Count").and_then(|n| n.parse().ok())
    }

    fn entry(&mut self, node: &Node, line: u64, sink: &mut dyn EntitySink) -> Result<(), Error> {
        let Some(uid) = node.get("uid").filter(|u| u.bytes().all(|b| b.is_ascii_digit())) else {
            self.report.skip(&self.file, Some(line), None, "<sdnEntry> without a numeric <uid> skipped");
            return Ok(());
        };
        let file = self.file.clone();
        let mut ctx = Ctx { report: &mut self.report, file: &file, line, record: &uid };
        let entity = build(node, &uid, self.id_prefix, &self.list, &mut ctx);
        self.report.emit(sink, entity, line)
    }
}

fn push_text(stack: &mut [Node], text: &str) {
    if let Some(n) = stack.last_mut() {
        n.text.push_str(text);
    }
}

/// A name from `lastName` and `firstName`, written as the CSV writes it: `LAST, First`.
fn full_name(node: &Node) -> Option<(String, Vec<NamePart>)> {
    let last = node.get("lastName");
    let first = node.get("firstName");
    let mut parts = Vec::new();
    if let Some(l) = &last {
        parts.push(NamePart { kind: PartKind::Family, value: l.clone() });
    }
    if let Some(f) = &first {
        parts.push(NamePart { kind: PartKind::Given, value: f.clone() });
    }
    let full = match (last, first) {
        (Some(l), Some(f)) => format!("{l}, {f}"),
        (Some(l), None) => l,
        (None, Some(f)) => f,
        (None, None) => return None,
    };
    Some((full, parts))
}

fn add_name(e: &mut Entity, node: &Node, kind: NameKind, src: &str, ctx: &mut Ctx) {
    let Some((full, parts)) = full_name(node) else {
        ctx.skip(format!("{src}: name without lastName or firstName"));
        return;
    };
    let before = e.names.len();
    features::add_name(e, &full, kind, src, ctx);
    // The file states the parts; they replace those guessed from the comma. A name given
    // only as `lastName` (a nickname, a mononym) has no parts the list states.
    if e.names.len() > before && e.schema == Schema::Person && parts.len() == 2 {
        if let Some(n) = e.names.last_mut() {
            n.parts = parts;
        }
    }
}

/// `element[uid=N]`, the stable locator of an item in a list.
fn at(list_item: &str, item: &Node) -> String {
    match item.get("uid") {
        Some(uid) => format!("{list_item}[uid={uid}]"),
        None => list_item.to_string(),
    }
}

fn build(node: &Node, uid: &str, prefix: &str, list: &str, ctx: &mut Ctx) -> Entity {
    let sdn_type = node.get("sdnType");
    let schema = csvfmt::schema_of(sdn_type.as_deref()).unwrap_or_else(|| {
        ctx.skip(format!("sdnType: unknown type {sdn_type:?}; read as a legal entity"));
        Schema::LegalEntity
    });
    let mut e = Entity::new(format!("{prefix}{uid}"), schema);
    add_name(&mut e, node, NameKind::Primary, "lastName", ctx);
    if let Some(title) = node.get("title") {
        e.positions.push(proscribe_model::Text::new(title, "title"));
    }
    let mut d = Designation::new("us-ofac", list);
    d.programs = node.items("programList", "program").filter_map(|p| util::clean(&p.text)).collect();
    d.reference = Some(uid.to_string());
    d.src = Some("programList".into());
    e.designations.push(d);
    for aka in node.items("akaList", "aka") {
        let weak = aka.get("category").is_some_and(|c| c.eq_ignore_ascii_case("weak"));
        let kind = match aka.get("type").unwrap_or_default().to_ascii_lowercase().as_str() {
            _ if weak => NameKind::WeakAlias,
            "f.k.a." => NameKind::Former,
            _ => NameKind::Alias,
        };
        add_name(&mut e, aka, kind, &at("akaList/aka", aka), ctx);
    }
    facts(&mut e, node, ctx);
    for a in node.items("addressList", "address") {
        address(&mut e, a, ctx);
    }
    if let Some(v) = node.child("vesselInfo") {
        let fields = [
            ("callSign", VesselField::CallSign),
            ("vesselType", VesselField::Type),
            ("tonnage", VesselField::Tonnage),
            ("grossRegisteredTonnage", VesselField::GrossTonnage),
            ("vesselFlag", VesselField::Flag),
            ("vesselOwner", VesselField::Owner),
        ];
        for (name, field) in fields {
            if let Some(value) = v.get(name) {
                csvfmt::vessel_field(&mut e, field, &value, &format!("vesselInfo/{name}"), ctx);
            }
        }
    }
    if let Some(text) = node.get("remarks") {
        for (i, fact) in remarks::parse(&text) {
            features::apply(&mut e, fact, &format!("remarks[{i}]"), ctx);
        }
    }
    e
}

/// Identifiers and labelled details, birth data, nationalities and citizenships.
fn facts(e: &mut Entity, node: &Node, ctx: &mut Ctx) {
    for id in node.items("idList", "id") {
        let (Some(label), Some(value)) = (id.get("idType"), id.get("idNumber")) else {
            ctx.skip(format!("{}: <id> without idType or idNumber", at("idList/id", id)));
            continue;
        };
        let dates: Vec<String> = [("issueDate", "issued"), ("expirationDate", "expires")]
            .iter()
            .filter_map(|(el, word)| id.get(el).map(|d| format!("{word} {d}")))
            .collect();
        // Written as the CSV writes it: `issued 01 Mar 2015 expires 28 Feb 2025`.
        let note = (!dates.is_empty()).then(|| dates.join(" "));
        let fact = Fact::Feature { label, value, country: id.get("idCountry"), note };
        features::apply(e, fact, &at("idList/id", id), ctx);
    }
    let lists: [(&str, &str, &str, MakeFact); 4] = [
        ("dateOfBirthList", "dateOfBirthItem", "dateOfBirth", Fact::BirthDate),
        ("placeOfBirthList", "placeOfBirthItem", "placeOfBirth", Fact::BirthPlace),
        ("nationalityList", "nationality", "country", |c| Fact::Country(CountryRole::Nationality, c)),
        ("citizenshipList", "citizenship", "country", |c| Fact::Country(CountryRole::Citizenship, c)),
    ];
    for (list, item, field, make) in lists {
        for it in node.items(list, item) {
            if let Some(value) = it.get(field) {
                features::apply(e, make(value), &at(&format!("{list}/{item}"), it), ctx);
            }
        }
    }
}

fn address(e: &mut Entity, node: &Node, ctx: &mut Ctx) {
    let src = at("addressList/address", node);
    let street: Vec<String> = ["address1", "address2", "address3"].iter().filter_map(|f| node.get(f)).collect();
    let region: Vec<String> = ["stateOrProvince", "region"].iter().filter_map(|f| node.get(f)).collect();
    let country_text = node.get("country");
    let mut a = Address {
        street: (!street.is_empty()).then(|| street.join(", ")),
        city: node.get("city"),
        region: (!region.is_empty()).then(|| region.join(", ")),
        postal_code: node.get("postalCode"),
        ..Default::default()
    };
    let parts = [a.street.clone(), a.city.clone(), a.region.clone(), a.postal_code.clone(), country_text.clone()];
    a.full = parts.into_iter().flatten().collect::<Vec<_>>().join(", ");
    if a.full.is_empty() {
        ctx.skip(format!("{src}: address has no content"));
        return;
    }
    if let Some(c) = &country_text {
        a.country = util::country(c);
        if a.country.is_none() {
            ctx.skip(format!("{src}: unknown country {c:?}; kept in the address text"));
        }
    }
    a.src = Some(src);
    e.addresses.push(a);
}

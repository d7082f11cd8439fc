//! Streaming an XML list file one record at a time. Lists are long sequences of small records
//! (`<INDIVIDUAL>`, `<record>`, `<sanctionEntity>`); [`Records`] reads the file with quick-xml
//! as a stream and hands back each record as a small [`Node`] tree with the line it starts on,
//! so memory stays flat in the size of the file while importers still get the convenience of
//! looking fields up by name.
//!
//! Memory and stack stay bounded whatever the file holds: a text or tag is at most the
//! `field-bytes` limit (see [`input::MarkupRuns`]), a record at most `record-bytes`, and
//! elements nest at most `depth` deep, so no tree is deeper than that when it is built,
//! walked or dropped.
//!
//! A broken file is an error naming the file, the line and the innermost open element: a
//! syntax error, a closing tag that does not match, an unknown entity, text that is not UTF-8,
//! and a file that ends while elements are still open (a truncated download).
//!
//! [`RecordCtx`] is the parse state the XML importers share while they turn records into
//! entities: the report, the record that diagnostics name, the elements already reported as
//! not read, and the entity ids already passed on.

use std::collections::{BTreeSet, HashSet};
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use proscribe_model::{Entity, SourceInfo};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::input::{self, EncodingError};
use crate::limits::{Exceeded, Limits, ELEMENT_BYTES};
use crate::{util, EntitySink, Error, Report};

/// One element of a record: its attributes, its text and its child elements.
#[derive(Debug, Clone, Default)]
pub(crate) struct Node {
    /// The local name (namespace prefix dropped).
    pub name: String,
    /// Attributes by local name, unescaped, in document order.
    pub attrs: Vec<(String, String)>,
    /// The text directly inside the element, entities resolved, line ends normalised.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Node>,
    /// 1-based line of the start tag.
    pub line: u64,
}

impl Node {
    /// The raw value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The value of attribute `name`, trimmed; `None` when absent or blank.
    pub fn attr_clean(&self, name: &str) -> Option<String> {
        self.attr(name).and_then(util::clean)
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children named `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The element's own text with white space collapsed; `None` when blank.
    pub fn value(&self) -> Option<String> {
        util::clean(&self.text)
    }

    /// The text of the first child named `name` (see [`Node::value`]).
    pub fn child_value(&self, name: &str) -> Option<String> {
        self.child(name).and_then(Node::value)
    }
}

/// A buffered reader that counts the line ends it hands on, so each parser event can be given
/// the line it ends on.
struct LineReader<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    end: usize,
    newlines: u64,
}

impl<R: Read> LineReader<R> {
    fn new(inner: R) -> Self {
        LineReader { inner, buf: vec![0; 64 * 1024].into_boxed_slice(), pos: 0, end: 0, newlines: 0 }
    }

    /// The 1-based line of the next byte to be read.
    fn line(&self) -> u64 {
        self.newlines + 1
    }
}

impl<R: Read> Read for LineReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for LineReader<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.end {
            self.end = self.inner.read(&mut self.buf)?;
            self.pos = 0;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    fn consume(&mut self, amt: usize) {
        let amt = amt.min(self.end - self.pos);
        self.newlines += self.buf[self.pos..self.pos + amt].iter().filter(|&&b| b == b'\n').count() as u64;
        self.pos += amt;
    }
}

/// What [`Records`] sees next in the file.
enum Step {
    Start(Node),
    End,
    Text(String),
    Eof,
}

/// Reads the records of an XML list file one by one.
pub(crate) struct Records {
    path: PathBuf,
    reader: Reader<LineReader<input::Utf8Reader<Box<dyn Read + Send>>>>,
    buf: Vec<u8>,
    /// Open elements, outermost first, with the lines they start on.
    open: Vec<(String, u64)>,
    limits: Limits,
}

impl Records {
    /// Opens `path` and reads up to the start of its root element, which it returns without
    /// children. A file without any element is [`Error::Empty`] (no content) or malformed.
    /// The root counts as open from here on, so a file that ends inside it is reported.
    pub fn open(path: &Path, limits: &Limits) -> Result<(Records, Node), Error> {
        let mut reader = Reader::from_reader(LineReader::new(input::open_xml_text(path, limits)?));
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        let mut records =
            Records { path: path.to_path_buf(), reader, buf: Vec::new(), open: Vec::new(), limits: *limits };
        loop {
            match records.step()? {
                Step::Start(node) => {
                    records.open.push((node.name.clone(), node.line));
                    return Ok((records, node));
                }
                Step::Text(_) => {}
                Step::End => unreachable!("an end tag before any start tag is a parse error"),
                Step::Eof => {
                    let pos = records.reader.buffer_position();
                    if pos == 0 {
                        return Err(Error::Empty { path: path.display().to_string() });
                    }
                    return Err(records.malformed(None, "no XML element in the file"));
                }
            }
        }
    }

    /// Opens `path` like [`Records::open`] and checks that the root element is `root`; another
    /// root element is an error naming it.
    pub fn open_root(path: &Path, root: &str, limits: &Limits) -> Result<(Records, Node), Error> {
        let (records, node) = Records::open(path, limits)?;
        if node.name != root {
            let msg = format!("the root element is <{}>, not <{root}>", node.name);
            return Err(Error::malformed(path, Some(node.line), Some(&node.name), msg));
        }
        Ok((records, node))
    }

    /// The next record: the next element whose name is in `names`, read whole. Elements around
    /// records are walked through. `None` at the end of the document.
    pub fn next(&mut self, names: &[&str]) -> Result<Option<Node>, Error> {
        loop {
            match self.step()? {
                Step::Start(node) if names.contains(&node.name.as_str()) => {
                    return self.read_record(node).map(Some);
                }
                Step::Start(node) => self.push(&node)?,
                Step::End => {
                    self.open.pop();
                }
                Step::Text(_) => {}
                Step::Eof => return Ok(None),
            }
        }
    }

    /// Reads the children and text of `record`, whose start tag was just read.
    fn read_record(&mut self, record: Node) -> Result<Node, Error> {
        self.push(&record)?;
        let start = self.reader.buffer_position();
        let mut elements = 1u64;
        let mut stack = vec![record];
        loop {
            if self.reader.buffer_position() - start + elements * ELEMENT_BYTES > self.limits.record_bytes {
                let what = format!("a record of more than {} bytes", self.limits.record_bytes);
                return Err(self.exceeded(what, "record-bytes", self.limits.record_bytes));
            }
            match self.step()? {
                Step::Start(node) => {
                    self.push(&node)?;
                    stack.push(node);
                    elements += 1;
                }
                Step::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.text.push_str(&t);
                    }
                }
                Step::End => {
                    let done = stack.pop().expect("an open element");
                    self.open.pop();
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Step::Eof => unreachable!("step reports end of file inside an element as an error"),
            }
        }
    }

    /// Reads one parser event. Callers keep `open` up to date; `step` checks that the file
    /// does not end while any element is open.
    fn step(&mut self) -> Result<Step, Error> {
        loop {
            self.buf.clear();
            let event = self.reader.read_event_into(&mut self.buf);
            let event = match event {
                Ok(e) => e,
                Err(e) => return Err(self.xml_error(e)),
            };
            let step = match event {
                Event::Start(start) => {
                    let line = self.reader.get_ref().line()
                        - start.attributes_raw().bytes().filter(|&b| b == b'\n').count() as u64;
                    Step::Start(start_node(&start, line).map_err(|msg| self.malformed(None, &msg))?)
                }
                Event::End(_) => Step::End,
                Event::Text(t) => Step::Text(t.xml10_content().into_owned()),
                Event::CData(c) => Step::Text(c.xml10_content().into_owned()),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => quick_xml::escape::resolve_predefined_entity(&r).map(str::to_string),
                        Err(_) => None,
                    };
                    match resolved {
                        Some(s) => Step::Text(s),
                        None => {
                            let msg = format!("unknown entity reference &{};", &*r);
                            return Err(self.malformed(None, &msg));
                        }
                    }
                }
                Event::Eof => {
                    if let Some((name, line)) = self.open.last().cloned() {
                        let msg = format!("the file ends inside <{name}> (opened on line {line}): it is truncated");
                        return Err(self.malformed(Some(&name), &msg));
                    }
                    Step::Eof
                }
                Event::Empty(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            };
            return Ok(step);
        }
    }

    /// Opens `node`, unless that nests elements deeper than the `depth` limit.
    fn push(&mut self, node: &Node) -> Result<(), Error> {
        self.open.push((node.name.clone(), node.line));
        if self.open.len() as u64 > self.limits.depth {
            let what = format!("elements nested more than {} deep", self.limits.depth);
            return Err(self.exceeded(what, "depth", self.limits.depth));
        }
        Ok(())
    }

    /// The error for a limit gone over at the current line, inside the open elements.
    fn exceeded(&self, what: String, limit: &'static str, value: u64) -> Error {
        let names: Vec<&str> = self.open.iter().map(|(n, _)| n.as_str()).collect();
        let path = if names.len() > 6 {
            format!("{}/…/{}", names[..3].join("/"), names[names.len() - 2..].join("/"))
        } else {
            names.join("/")
        };
        let at = format!("line {} in <{path}>", self.reader.get_ref().line());
        Exceeded::new(at, what, limit, value).in_file(&self.path)
    }

    fn malformed(&self, element: Option<&str>, message: &str) -> Error {
        let element = element.map(str::to_string).or_else(|| self.open.last().map(|(n, _)| n.clone()));
        Error::malformed(&self.path, Some(self.reader.get_ref().line()), element.as_deref(), message)
    }

    fn xml_error(&self, e: quick_xml::Error) -> Error {
        if let quick_xml::Error::Io(io) = &e {
            if let Some(enc) = io.get_ref().and_then(|i| i.downcast_ref::<EncodingError>()) {
                return input::read_error(&self.path, io::Error::new(io::ErrorKind::InvalidData, *enc));
            }
            if let Some(x) = io.get_ref().and_then(|i| i.downcast_ref::<Exceeded>()) {
                return x.clone().in_file(&self.path);
            }
            return input::read_error(&self.path, io::Error::new(io.kind(), io.to_string()));
        }
        match &e {
            // Every syntax error but this one is markup cut off by the end of the input.
            quick_xml::Error::Syntax(s) if *s != quick_xml::errors::SyntaxError::InvalidBangMarkup => {
                self.malformed(None, &format!("the file ends inside markup ({s}): it is truncated"))
            }
            _ => self.malformed(None, &format!("malformed XML: {e}")),
        }
    }
}

/// The node for a start tag, with attributes unescaped.
fn start_node(start: &BytesStart<'_>, line: u64) -> Result<Node, String> {
    let name = local(start.local_name().as_ref());
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("malformed attribute in <{name}>: {e}"))?;
        let key = local(attr.key.local_name().as_ref());
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed value of attribute {key} in <{name}>: {e}"))?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Node { name, attrs, text: String::new(), children: Vec::new(), line })
}

fn local(name: &str) -> String {
    name.to_string()
}

/// The parse state of an XML importer: the report, the record being read (which diagnostics
/// name), the element names already reported as not read, and the ids already passed on.
pub(crate) struct RecordCtx {
    report: Report,
    file: String,
    line: u64,
    record: Option<String>,
    unknown: BTreeSet<String>,
    ids: HashSet<String>,
}

impl RecordCtx {
    /// A context for the file at `path`, with an empty report for `source`.
    pub fn new(path: &Path, source: SourceInfo) -> RecordCtx {
        RecordCtx {
            report: Report::new(source),
            file: path.display().to_string(),
            line: 0,
            record: None,
            unknown: BTreeSet::new(),
            ids: HashSet::new(),
        }
    }

    /// Starts the record `node`: diagnostics from here on name its line and `record`.
    pub fn start(&mut self, node: &Node, record: Option<String>) {
        self.line = node.line;
        self.record = record;
    }

    /// Records a diagnostic about the current record.
    pub fn skip(&mut self, reason: impl Into<String>) {
        self.report.skip(&self.file, Some(self.line), self.record.clone(), reason);
    }

    /// Whether the element name `name` is met as not read for the first time in the file.
    pub fn first_unknown(&mut self, name: &str) -> bool {
        self.unknown.insert(name.to_string())
    }

    /// Reports each child of `node` whose name is not in `known`, once per file.
    pub fn report_unknown(&mut self, node: &Node, known: &[&str]) {
        for child in &node.children {
            if !known.contains(&child.name.as_str()) && self.first_unknown(&child.name) {
                self.skip(format!("element <{}> is not read by this importer (reported once per file)", child.name));
            }
        }
    }

    /// Passes `entity` to the sink with the line of the current record, unless an entity with
    /// its id was passed on before: then it is skipped as a second `what` with that id.
    pub fn emit_once(&mut self, sink: &mut dyn EntitySink, entity: Entity, what: &str) -> Result<(), Error> {
        if !self.ids.insert(entity.id.clone()) {
            self.skip(format!("a second {what} with id {}: skipped", entity.id));
            return Ok(());
        }
        self.report.emit(sink, entity, self.line)
    }

    /// The report, once every record is read.
    pub fn finish(self) -> Report {
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(content: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.xml");
        std::fs::write(&path, content).unwrap();
        (dir, path)
    }

    fn read_all(content: &[u8]) -> Result<Vec<Node>, String> {
        let (_dir, path) = write(content);
        let run = || -> Result<Vec<Node>, Error> {
            let (mut records, _root) = Records::open(&path, &Limits::default())?;
            let mut out = Vec::new();
            while let Some(n) = records.next(&["r"])? {
                out.push(n);
            }
            Ok(out)
        };
        run().map_err(|e| e.to_string().replace(&path.display().to_string(), "F"))
    }

    #[test]
    fn records_with_lines_text_and_attributes() {
        let xml = "<?xml version=\"1.0\"?>\n<list a=\"1\">\n <group>\n  <r id=\"x &amp; y\">\n   <n>A &lt;B&gt; &#x41;</n>\n   <e/>\n  </r>\n </group>\n <r\n   id=\"2\"><n><![CDATA[C & D]]></n></r>\n</list>\n";
        let got = read_all(xml.as_bytes()).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].line, 4);
        assert_eq!(got[0].attr("id"), Some("x & y"));
        assert_eq!(got[0].child_value("n").as_deref(), Some("A <B> A"));
        assert_eq!(got[0].child("e").map(|e| e.children.len()), Some(0));
        assert_eq!(got[1].line, 9);
        assert_eq!(got[1].child_value("n").as_deref(), Some("C & D"));
    }

    #[test]
    fn broken_files_name_line_and_element() {
        let cases: [(&[u8], &str); 7] = [
            (b"", "F: the file is empty"),
            (b"  \n", "F:2: no XML element in the file"),
            (b"<list>\n<r>\n<n>x</n>\n", "F:4 <r>: the file ends inside <r> (opened on line 2): it is truncated"),
            (
                b"<list>\n<r>\n<n>x</n",
                "F:3 <n>: the file ends inside markup (tag not closed: `>` not found before end of input): it is truncated",
            ),
            (
                b"<list>\n<r><n>x</m></r>\n</list>",
                "F:2 <n>: malformed XML: ill-formed document: expected `</n>`, but `</m>` was found",
            ),
            (b"<list>\n<r><n>&bogus;</n></r></list>", "F:2 <n>: unknown entity reference &bogus;"),
            (
                b"<list>\n<r><n>M\xfcller</n></r></list>",
                "F: line 2: byte 14 is not valid UTF-8 (the file must be UTF-8 encoded)",
            ),
        ];
        for (input, expect) in cases {
            assert_eq!(read_all(input).unwrap_err(), expect, "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn record_context_reports_unknown_elements_once_and_skips_repeated_ids() {
        let xml = "<list>\n<r><a/><x/></r>\n<r><x/><y/></r>\n</list>\n";
        let (_dir, path) = write(xml.as_bytes());
        let (mut records, _root) = Records::open_root(&path, "list", &Limits::default()).unwrap();
        let source = SourceInfo {
            id: "test".into(),
            title: "Test".into(),
            format: "test".into(),
            published: None,
            authorities: Vec::new(),
            lists: Vec::new(),
        };
        let mut ctx = RecordCtx::new(&path, source);
        let mut lines = Vec::new();
        let mut sink = |_e: Entity, line: u64| -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
            lines.push(line);
            Ok(())
        };
        let mut n = 0;
        while let Some(node) = records.next(&["r"]).unwrap() {
            n += 1;
            ctx.start(&node, Some(format!("r{n}")));
            ctx.report_unknown(&node, &["a"]);
            let entity = Entity::new("same", proscribe_model::Schema::Person);
            ctx.emit_once(&mut sink, entity, "record").unwrap();
        }
        let report = ctx.finish();
        assert_eq!(lines, [2]);
        assert_eq!(report.entities, 1);
        let diags: Vec<String> =
            report.diagnostics.iter().map(|d| d.to_string().replace(&path.display().to_string(), "F")).collect();
        assert_eq!(
            diags,
            [
                "F:2 (r1): element <x> is not read by this importer (reported once per file)",
                "F:3 (r2): element <y> is not read by this importer (reported once per file)",
                "F:3 (r2): a second record with id same: skipped",
            ]
        );
        let wrong = Records::open_root(&path, "other", &Limits::default()).err().unwrap().to_string();
        assert_eq!(
            wrong.replace(&path.display().to_string(), "F"),
            "F:1 <list>: the root element is <list>, not <other>"
        );
    }
}

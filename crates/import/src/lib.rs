//! Importers for official list files. Each list format is one module with a [`Format`]
//! implementation; [`plan`] looks at files and folders, recognises formats by their content and
//! groups files that form one list (the OFAC CSV set); [`Format::parse`] streams the entities
//! of one list into an [`EntitySink`] and returns a [`Report`] with the source's metadata and
//! the records it skipped and why.
//!
//! Parsers do not fail on one bad record: they skip it with a [`Diagnostic`]. They fail (with
//! an [`Error`] naming the file, the line or element, and what is wrong) when the file as a
//! whole cannot be read: malformed XML, a wrong encoding, a CSV row with the wrong number of
//! columns, an empty file. And they refuse a file that goes over one of the [`Limits`] each
//! [`Job`] carries (a field, a row, a nesting depth, an inflated size, a spreadsheet
//! reference), so that memory and stack stay bounded whatever a file holds.
//!
//! ```no_run
//! use proscribe_import::{plan, Entry};
//!
//! let plan = plan(&["consolidated.xml".into()]).unwrap();
//! for entry in plan.entries {
//!     if let Entry::List(job) = entry {
//!         let report = job.parse(&mut |entity: proscribe_model::Entity, _line: u64| {
//!             println!("{}", entity.caption());
//!             Ok(())
//!         }).unwrap();
//!         println!("{} entities from {}", report.entities, report.source.id);
//!     }
//! }
//! ```
#![deny(missing_docs)]

mod detect;
mod error;
pub mod input;
pub mod limits;
pub mod util;
mod xlsx;
mod xmltree;

pub mod csl;
pub mod dfat;
pub mod dpl;
pub mod eu;
pub mod ftm;
pub mod ofac;
pub mod ofac_xml;
pub mod registry;
pub mod sema;
pub mod uk;
pub mod un;

use std::path::PathBuf;

pub use detect::{detect_file, plan, plan_within, Entry, Plan, Skipped};
pub use error::Error;
pub use limits::Limits;
use proscribe_model::{Entity, SourceInfo};
use serde::Serialize;

/// Receives parsed entities one at a time, with the line where each record starts.
pub trait EntitySink {
    /// Takes one entity. An error stops the parse and is passed on as [`Error::Sink`].
    fn accept(&mut self, entity: Entity, line: u64) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;

    /// Told, now and then, how many lines a format that reads its file twice (FollowTheMoney,
    /// which joins records across the file) has read in its first pass, before any entity
    /// comes: progress to show meanwhile. Ignored unless a sink cares.
    fn first_pass(&mut self, _lines: u64) {}
}

impl<F> EntitySink for F
where
    F: FnMut(Entity, u64) -> Result<(), Box<dyn std::error::Error + Send + Sync>>,
{
    fn accept(&mut self, entity: Entity, line: u64) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        self(entity, line)
    }
}

/// A record or value a parser skipped or could not read fully, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as given.
    pub file: String,
    /// The line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The record (reference or element), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// What was wrong and what was done about it.
    pub reason: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(r) = &self.record {
            write!(f, " ({r})")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What a parse produced besides the entities.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Which publication the file is, who keeps its lists, and its publication date.
    pub source: SourceInfo,
    /// Entities passed to the sink.
    pub entities: usize,
    /// Names over all entities.
    pub names: usize,
    /// Designations over all entities.
    pub designations: usize,
    /// Records and values skipped or only partly read.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// An empty report for `source`.
    pub fn new(source: SourceInfo) -> Report {
        Report { source, entities: 0, names: 0, designations: 0, diagnostics: Vec::new() }
    }

    /// Counts an entity and hands it to the sink.
    pub fn emit(&mut self, sink: &mut dyn EntitySink, entity: Entity, line: u64) -> Result<(), Error> {
        self.entities += 1;
        self.names += entity.names.len();
        self.designations += entity.designations.len();
        sink.accept(entity, line).map_err(Error::Sink)
    }

    /// Records a skipped record or value.
    pub fn skip(&mut self, file: &str, line: Option<u64>, record: Option<String>, reason: impl Into<String>) {
        self.diagnostics.push(Diagnostic { file: file.to_string(), line, record, reason: reason.into() });
    }
}

/// One list to import: the format, the main file and its companion files.
#[derive(Debug, Clone)]
pub struct Job {
    /// The format that reads it.
    pub format: &'static dyn Format,
    /// The main file (`sdn.csv`, `consolidated.xml`).
    pub path: PathBuf,
    /// Files read together with the main one, by role (`add`, `alt`, `comments` for OFAC).
    pub companions: Vec<(String, PathBuf)>,
    /// The source id the list will be stored under.
    pub source_id: String,
    /// The bounds the parse keeps to.
    pub limits: Limits,
}

impl Job {
    /// Parses the job with its format, refusing an entity with more names than the `names`
    /// limit: the sink, the store and the index would each hold them all.
    pub fn parse(&self, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let mut bounded = Bounded { sink, max: self.limits.names };
        match self.format.parse(self, &mut bounded) {
            Err(Error::Sink(e)) => match e.downcast::<limits::Exceeded>() {
                Ok(x) => Err(x.in_file(&self.path)),
                Err(e) => Err(Error::Sink(e)),
            },
            other => other,
        }
    }

    /// All files of the job, main file first.
    pub fn files(&self) -> Vec<&PathBuf> {
        std::iter::once(&self.path).chain(self.companions.iter().map(|(_, p)| p)).collect()
    }

    /// The companion file with `role`, if present.
    pub fn companion(&self, role: &str) -> Option<&PathBuf> {
        self.companions.iter().find(|(r, _)| r == role).map(|(_, p)| p)
    }
}

/// A sink that refuses an entity with more than `max` names before passing it on.
struct Bounded<'a> {
    sink: &'a mut dyn EntitySink,
    max: u64,
}

impl EntitySink for Bounded<'_> {
    fn accept(&mut self, entity: Entity, line: u64) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        if entity.names.len() as u64 > self.max {
            let what = format!("entity {} with {} names", entity.id, entity.names.len());
            return Err(Box::new(limits::Exceeded::new(format!("line {line}"), what, "names", self.max)));
        }
        self.sink.accept(entity, line)
    }

    fn first_pass(&mut self, lines: u64) {
        self.sink.first_pass(lines);
    }
}

/// The start of a file, used to recognise its format.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The file name, lower-cased.
    pub file_name: String,
    /// The first bytes of the content, gzip already undone.
    pub head: Vec<u8>,
    /// Whether the file is a zip container (xlsx).
    pub zip: bool,
}

impl Sample {
    /// The head as text (lossy), without a byte-order mark.
    pub fn text(&self) -> String {
        let s = String::from_utf8_lossy(&self.head);
        s.trim_start_matches('\u{feff}').to_string()
    }

    /// The value of the first `name="..."` (or `name='...'`) attribute in the head, for dates
    /// on root elements.
    pub fn attribute(&self, name: &str) -> Option<String> {
        let text = self.text();
        let pattern = format!("{name}=");
        let mut rest = text.as_str();
        while let Some(i) = rest.find(&pattern) {
            let preceded = rest[..i].chars().last().is_none_or(|c| c.is_whitespace());
            rest = &rest[i + pattern.len()..];
            let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { continue };
            if preceded {
                let end = rest[1..].find(quote)?;
                return Some(rest[1..1 + end].to_string());
            }
        }
        None
    }

    /// The name of the first XML element that is not a declaration or comment.
    pub fn xml_root(&self) -> Option<String> {
        let text = self.text();
        let mut rest = text.as_str();
        loop {
            let start = rest.find('<')?;
            rest = &rest[start + 1..];
            if rest.starts_with('?') || rest.starts_with('!') {
                continue;
            }
            let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            return Some(rest[..end].to_string());
        }
    }
}

/// What a companion file is, when a format recognises one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recognised {
    /// The file is a list by itself.
    List,
    /// The file belongs to a list whose main file has `main` as name (`alt.csv` belongs with
    /// `sdn.csv`); `role` names its part.
    Companion {
        /// The role of the file in the set.
        role: String,
        /// Names of main files it can belong to.
        main: Vec<String>,
    },
}

/// A list format: how to recognise it and how to read it.
pub trait Format: Sync + std::fmt::Debug {
    /// Short name (`un-xml`, `ofac-csv`).
    fn name(&self) -> &'static str;

    /// Whether the content (and, only as a tie-breaker, the name) is this format.
    fn recognise(&self, sample: &Sample) -> Option<Recognised>;

    /// The source id a file of this format is stored under.
    fn source_id(&self, path: &std::path::Path) -> String;

    /// The publication date the file states near its start (the UN's `dateGenerated`), used
    /// to import several versions of one source oldest first. `None` where the format states
    /// none there.
    fn published_hint(&self, _sample: &Sample) -> Option<String> {
        None
    }

    /// Reads the job's files and passes every entity to `sink`.
    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error>;
}

/// Every format, in the order they are tried.
pub fn formats() -> &'static [&'static dyn Format] {
    &[
        &un::UnXml,
        &ofac::OfacCsv,
        &ofac_xml::OfacXml,
        &csl::UsCsl,
        &dpl::BisDpl,
        &dfat::DfatXlsx,
        &sema::CaSema,
        &eu::EuFsf,
        &uk::UkConList,
        &ftm::FtmJson,
        &registry::RegistryYaml,
    ]
}

//! Index files: an [`Index`] written once to a segment file ([`proscribe_segment`]) and
//! opened by mapping it into memory, so that a process that screens reads the index where it lies instead
//! of building it. Every column and table of the index is a section, read in place; the
//! entities are kept as JSON records and each name form as it was prepared, in a binary
//! encoding, decoded the first time a query reaches them (decoding costs a fraction of
//! preparing the name again; the file names the build that wrote it, see [`FINGERPRINT`], so
//! the encoding is always this build's).
//!
//! Opening checks the segment's checksums (a truncated or damaged file is an error, never
//! data), that the file is this build's, and the shape of the columns against each other
//! (lengths, runs in order), reading only the small columns: a process's resident memory
//! holds what its queries read, not the whole file.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use proscribe_model::Entity;
use proscribe_segment::{Column, Segment, SegmentError, SegmentWriter};
use serde::{Deserialize, Serialize};

use super::table::{Runs, StrTable, U64Table};
use super::{next_stamp, Entities, Forms, Index};
use crate::entity::Facts;
use crate::PreparedName;

/// The build of the code that prepares names and lays out the index: a hash of its sources
/// (computed when the crate is built). An index file written by another build is not read,
/// since it would not answer as this build's index does.
pub const FINGERPRINT: &str = env!("PROSCRIBE_INDEX_FINGERPRINT");

/// Why an index file could not be written or opened.
#[derive(Debug, thiserror::Error)]
pub enum IndexFileError {
    /// The segment file could not be written, or read as a segment (checksums included).
    #[error(transparent)]
    Segment(#[from] SegmentError),
    /// The file was written by another build of the index.
    #[error("{path}: written by another build of the index ({found}, this build is {FINGERPRINT})")]
    OtherBuild {
        /// The file.
        path: String,
        /// The build that wrote it.
        found: String,
    },
    /// The file's sections do not fit together.
    #[error("{path}: {detail}")]
    Malformed {
        /// The file.
        path: String,
        /// What does not fit.
        detail: String,
    },
}

/// How an index file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Into memory when it has at most 200,000 name forms (the shared lists have some 40,000),
    /// else in place.
    BySize,
    /// Into memory whole, every form and entity decoded at once, as a built index is held:
    /// queries run as fast as a built index's.
    InMemory,
    /// In place, mapped: each form and entity decoded the first time a query reaches it, the
    /// pages read as queries reach them (a process's memory holds what it reads).
    InPlace,
}

/// The most name forms of an index that [`Reading::BySize`] reads into memory.
const EAGER_FORMS: usize = 200_000;

/// What the `meta` section says of the index.
#[derive(Debug, Serialize, Deserialize)]
struct Meta {
    fingerprint: String,
    entities: usize,
    forms: usize,
    /// The weight of a word no name uses, as the bits of an `f32` (kept exactly).
    unseen_weight_bits: u32,
}

impl Index {
    /// Writes the index to `path` as one segment file (atomically: a reader sees the previous
    /// file or this one, whole) and returns its size in bytes.
    pub fn write(&self, path: impl AsRef<Path>) -> Result<u64, IndexFileError> {
        self.write_with(path, &[])
    }

    /// [`Index::write`], with sections of the caller's own beside the index (what it needs
    /// of the entities that the index does not keep), read back with [`Index::extra`]. They are
    /// kept under the prefix `extra.`, apart from the index's own sections.
    pub fn write_with(&self, path: impl AsRef<Path>, extras: &[(&str, &[u8])]) -> Result<u64, IndexFileError> {
        let mut w = SegmentWriter::create(path.as_ref())?;
        for (name, bytes) in extras {
            w.add(&format!("extra.{name}"), bytes)?;
        }
        let meta = Meta {
            fingerprint: FINGERPRINT.to_string(),
            entities: self.entity_count(),
            forms: self.form_count(),
            unseen_weight_bits: self.unseen_weight.to_bits(),
        };
        w.add("meta", &serde_json::to_vec(&meta).unwrap_or_default())?;
        w.add_values("names", &self.names)?;
        // Each form as it was prepared, encoded.
        let encoded = Runs::build((0..self.form_count() as u32).map(|f| encode_form(self.form_prepared(f))));
        encoded.write(&mut w, "form.prepared")?;
        self.form_names.write(&mut w, "form.names")?;
        self.form_terms.write(&mut w, "form.terms")?;
        w.add_values("form.ranks", &self.form_ranks)?;
        w.add_values("form.alone", &self.form_alone)?;
        self.vocab.write(&mut w, "vocab")?;
        self.joins.write(&mut w, "joins")?;
        w.add_values("terms", &self.terms)?;
        w.add_values("postings", &self.postings)?;
        self.by_skeleton.write(&mut w, "by_skeleton")?;
        self.by_deletion.write(&mut w, "by_deletion")?;
        self.by_key.write(&mut w, "by_key")?;
        self.by_identifier.write(&mut w, "by_identifier")?;
        w.add_values("facts.entities", &self.facts.entities)?;
        w.add_values("facts.countries", &self.facts.countries)?;
        let ids = Runs::build((0..self.entity_count() as u32).map(|e| self.entity_id(e).as_bytes().to_vec()));
        ids.write(&mut w, "entities.ids")?;
        // The entities as JSON records, one after another.
        let mut ends = Vec::with_capacity(self.entity_count());
        w.add_streamed("entities.json", |out| {
            let mut written = 0u64;
            for e in 0..self.entity_count() as u32 {
                let json = serde_json::to_vec(self.entity(e)).map_err(std::io::Error::other)?;
                out.write_all(&json)?;
                written += json.len() as u64;
                ends.push(written);
            }
            Ok(())
        })?;
        w.add_values("entities.ends", &ends)?;
        let path = w.finish()?;
        Ok(std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0))
    }

    /// Opens the index file at `path` (see the module's documentation for what is checked),
    /// reading a small index into memory and a large one in place ([`Reading::BySize`]).
    pub fn open(path: impl AsRef<Path>) -> Result<Index, IndexFileError> {
        Index::open_as(path, Reading::BySize)
    }

    /// [`Index::open`], read as `reading` says.
    pub fn open_as(path: impl AsRef<Path>, reading: Reading) -> Result<Index, IndexFileError> {
        let segment = Arc::new(Segment::open(path.as_ref())?);
        let name = path.as_ref().display().to_string();
        let malformed = |detail: String| IndexFileError::Malformed { path: name.clone(), detail };
        let meta: Meta =
            serde_json::from_slice(segment.bytes("meta")?).map_err(|e| malformed(format!("section `meta`: {e}")))?;
        if meta.fingerprint != FINGERPRINT {
            return Err(IndexFileError::OtherBuild { path: name, found: meta.fingerprint });
        }
        let copy = match reading {
            Reading::BySize => meta.forms <= EAGER_FORMS,
            Reading::InMemory => true,
            Reading::InPlace => false,
        };
        let table_err = |e: String| malformed(e);
        let index = Index {
            entities: Entities::Stored {
                ids: Runs::open(&segment, "entities.ids", copy)?,
                json: Column::load(&segment, "entities.json", copy)?,
                ends: Column::load(&segment, "entities.ends", copy)?,
                decoded: (0..meta.entities).map(|_| OnceLock::new()).collect(),
            },
            facts: Facts {
                entities: Column::load(&segment, "facts.entities", copy)?,
                countries: Column::load(&segment, "facts.countries", copy)?,
            },
            names: Column::load(&segment, "names", copy)?,
            forms: Forms::Stored {
                encoded: Runs::open(&segment, "form.prepared", copy)?,
                prepared: (0..meta.forms).map(|_| OnceLock::new()).collect(),
            },
            form_names: Runs::open(&segment, "form.names", copy)?,
            form_terms: Runs::open(&segment, "form.terms", copy)?,
            form_ranks: Column::load(&segment, "form.ranks", copy)?,
            form_alone: Column::load(&segment, "form.alone", copy)?,
            vocab: StrTable::open(&segment, "vocab", copy).map_err(table_err)?,
            joins: StrTable::open(&segment, "joins", copy).map_err(table_err)?,
            terms: Column::load(&segment, "terms", copy)?,
            postings: Column::load(&segment, "postings", copy)?,
            by_skeleton: StrTable::open(&segment, "by_skeleton", copy).map_err(table_err)?,
            by_deletion: U64Table::open(&segment, "by_deletion", copy).map_err(table_err)?,
            by_key: StrTable::open(&segment, "by_key", copy).map_err(table_err)?,
            by_identifier: StrTable::open(&segment, "by_identifier", copy).map_err(table_err)?,
            unseen_weight: f32::from_bits(meta.unseen_weight_bits),
            segment: Some(segment.clone()),
            stamp: next_stamp(),
        };
        index.check(meta.entities, meta.forms).map_err(malformed)?;
        let mut index = index;
        if copy {
            index.decode_whole();
        }
        Ok(index)
    }

    /// Decodes every name form and entity at once, on all cores (the shared lists: some 40,000
    /// forms, a tenth of a second): queries then run as fast as a built index's, with nothing
    /// left to decode the first time they reach a name.
    fn decode_whole(&mut self) {
        use rayon::prelude::*;
        let forms: Vec<PreparedName> =
            (0..self.form_count() as u32).into_par_iter().map(|f| self.forms.read(f)).collect();
        self.forms = Forms::Built(forms);
        let entities: Vec<Entity> =
            (0..self.entity_count() as u32).into_par_iter().map(|e| self.entities.read(e)).collect();
        self.entities = Entities::Built(entities);
    }

    /// Checks that the columns fit together: one entry per entity, form or term where there
    /// should be, runs in order and covering their values. What the values say (positions,
    /// slots) is not read here, which would bring every page of the file into memory: the
    /// checksums and the build's fingerprint vouch for them, and every read of a position is
    /// bounds-checked.
    fn check(&self, entities: usize, forms: usize) -> Result<(), String> {
        let Forms::Stored { encoded, .. } = &self.forms else {
            return Ok(());
        };
        let Entities::Stored { ids, json, ends, .. } = &self.entities else { return Ok(()) };
        ids.check(entities, "entities.ids")?;
        if std::str::from_utf8(ids.values()).is_err() {
            return Err("section `entities.ids` is not UTF-8".into());
        }
        let checks: [(bool, &str); 5] = [
            (ends.len() == entities && ends.is_sorted(), "entities.ends"),
            (ends.last().map_or(0, |&e| e as usize) == json.len(), "entities.json"),
            (self.facts.entities.len() == entities, "facts.entities"),
            (self.form_ranks.len() == forms, "form.ranks"),
            (self.form_alone.len() == forms, "form.alone"),
        ];
        if let Some((_, section)) = checks.iter().find(|(ok, _)| !ok) {
            return Err(format!("section `{section}` does not fit the others"));
        }
        encoded.check(forms, "form.prepared")?;
        self.form_names.check(forms, "form.names")?;
        self.form_terms.check(forms, "form.terms")
    }

    /// The caller's section `name` written beside the index by [`Index::write_with`] (none for
    /// an index built here, or when the file has no such section).
    pub fn extra(&self, name: &str) -> Option<&[u8]> {
        self.segment.as_ref()?.bytes(&format!("extra.{name}")).ok()
    }

    /// The size of the file the index was opened from (none for an index built here).
    pub fn file_size(&self) -> Option<u64> {
        self.segment.as_ref().map(|s| s.len() as u64)
    }
}

/// A prepared name form as an index file keeps it: everything the comparison reads of it,
/// in `postcard`'s encoding, so that opening the file decodes it rather than preparing the
/// name again.
fn encode_form(form: &PreparedName) -> Vec<u8> {
    // Encoding into memory fails only when a type cannot be encoded, which would fail every
    // index written by this build (the tests write some).
    postcard::to_allocvec(form).unwrap_or_else(|e| panic!("a prepared name does not encode: {e}"))
}

/// A prepared name form of a stored index (see [`encode_form`]).
pub(super) fn decode_form(bytes: &[u8]) -> Result<PreparedName, String> {
    postcard::from_bytes(bytes).map_err(|e| format!("a stored name form does not read: {e}"))
}

/// Decodes an entity of a stored index.
pub(super) fn decode_entity(json: &[u8]) -> Result<Entity, String> {
    serde_json::from_slice(json).map_err(|e| format!("a stored entity does not read: {e}"))
}

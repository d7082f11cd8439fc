//! The screening index built from the store, with what screening results show of its entities.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use anyhow::Result;
use proscribe_matching::index::Index;
use proscribe_model::{Entity, PartialDate};
use proscribe_store::{Seen, Store};

/// An entity's full record as the API shows it, rendered once per index.
pub type Rendered = Arc<serde_json::Map<String, serde_json::Value>>;

/// An index built from the store, with what it took.
pub struct Loaded {
    /// The index.
    pub index: Index,
    /// The source of each entity of the index, by position.
    pub sources: Vec<String>,
    /// Seconds spent reading entities from the store.
    pub read_secs: f64,
    /// Seconds spent building the index.
    pub build_secs: f64,
    /// The day designation statuses are given for.
    pub day: PartialDate,
    /// [`Store::data_version`] when the entities were read.
    pub data_version: i64,
    /// The day of the lists the index holds, when not the newest versions.
    pub as_of: Option<PartialDate>,
    /// When each entity was first and last seen and last changed, by position (filled by
    /// [`Loaded::with_seen`]; empty otherwise).
    pub seen: Vec<Option<Seen>>,
    /// Full records rendered for answers, by position, filled as they are asked for.
    rendered: Vec<OnceLock<Rendered>>,
}

impl Loaded {
    /// Reads when each entity was first and last seen, for answers that show it.
    pub fn with_seen(mut self, store: &Store) -> Result<Loaded> {
        let mut all = store.seen_all()?;
        self.seen = self.index.entities().iter().map(|e| all.remove(&e.id)).collect();
        Ok(self)
    }

    /// Entity `at` rendered by `render` the first time it is asked for, and kept.
    pub fn rendered(&self, at: u32, render: impl FnOnce() -> Result<Rendered>) -> Result<Rendered> {
        let slot = &self.rendered[at as usize];
        if let Some(r) = slot.get() {
            return Ok(r.clone());
        }
        let r = render()?;
        Ok(slot.get_or_init(|| r).clone())
    }
}

/// Reads the entities with at least one designation from every source's version in force on
/// `as_of` (the newest when none) and indexes them. `day` is the day statuses are given for.
pub fn load_index(store: &Store, as_of: Option<&PartialDate>, day: PartialDate) -> Result<Loaded> {
    let start = Instant::now();
    let data_version = store.data_version()?;
    let mut entities: Vec<Entity> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    store.current_entities(as_of, |version, mut e| {
        if !e.designations.is_empty() {
            slim(&mut e);
            entities.push(e);
            sources.push(version.source_id.clone());
        }
        Ok(())
    })?;
    let read_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let index = Index::build(entities);
    let build_secs = start.elapsed().as_secs_f64();
    tracing::info!(stats = ?index.stats(), read_secs, build_secs, "index built");
    let rendered = (0..index.entities().len()).map(|_| OnceLock::new()).collect();
    Ok(Loaded {
        index,
        sources,
        read_secs,
        build_secs,
        day,
        data_version,
        as_of: as_of.copied(),
        seen: Vec::new(),
        rendered,
    })
}

/// Drops what screening neither weighs nor shows (remarks, positions, links, free-text
/// details, address lines), to keep the index of every list small in memory.
fn slim(e: &mut Entity) {
    e.remarks = Vec::new();
    e.positions = Vec::new();
    e.properties = Default::default();
    e.links = Vec::new();
    e.same_as = Vec::new();
    e.acts = Vec::new();
    for a in &mut e.addresses {
        *a = proscribe_model::Address { country: a.country, ..Default::default() };
    }
    e.addresses.retain(|a| a.country.is_some());
    for d in &mut e.designations {
        d.reason = None;
        d.legal_basis = None;
    }
}

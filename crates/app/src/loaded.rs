//! The screening index built from the store ([`Loaded`]), and the indexes a long-running
//! process keeps ([`Indexes`]): the one in use, swapped atomically for a new one when the
//! store changes, and a few as of past days. The command line, the API, the web UI and the
//! tests all load through [`load_index`].

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

use arc_swap::ArcSwapOption;
use proscribe_matching::index::Index;
use proscribe_model::{Entity, PartialDate};
use proscribe_store::{Seen, Store};

use crate::Result;

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
        self.seen = (0..self.index.entity_count() as u32).map(|e| all.remove(&self.index.entity(e).id)).collect();
        Ok(self)
    }

    /// Entity `at` rendered by `render` the first time it is asked for, and kept.
    pub fn rendered<E>(&self, at: u32, render: impl FnOnce() -> Result<Rendered, E>) -> Result<Rendered, E> {
        let slot = &self.rendered[at as usize];
        if let Some(r) = slot.get() {
            return Ok(r.clone());
        }
        let r = render()?;
        Ok(slot.get_or_init(|| r).clone())
    }
}

/// Reads the screenable entities ([`Entity::screenable`]: designated on a list, or marked by
/// their source as targets or with a risk topic) from every source's version in force on
/// `as_of` (the newest when none) and indexes them. `day` is the day statuses are given for.
pub fn load_index(store: &Store, as_of: Option<&PartialDate>, day: PartialDate) -> Result<Loaded> {
    let start = Instant::now();
    let data_version = store.data_version()?;
    let mut entities: Vec<Entity> = Vec::new();
    let mut sources: Vec<String> = Vec::new();
    store.current_entities(as_of, |version, mut e| {
        if e.screenable() {
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
    let rendered = (0..index.entity_count()).map(|_| OnceLock::new()).collect();
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

/// Drops what screening neither weighs, filters on nor shows (remarks, positions, links,
/// free-text details but the topics and the target mark, address lines), to keep the index of
/// every list small in memory.
fn slim(e: &mut Entity) {
    e.remarks = Vec::new();
    e.positions = Vec::new();
    e.properties.retain(|k, _| k == "topics" || k == "target");
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

/// Indexes as of other days kept at once (each is as large as the current one).
const AS_OF_INDEXES: usize = 2;

/// The indexes a process keeps: the one in use, which a rebuild replaces atomically while
/// running queries keep the one they started with, and the most recently used indexes as of
/// other days.
#[derive(Default)]
pub struct Indexes {
    current: ArcSwapOption<Loaded>,
    /// Most recently used last.
    as_of: Mutex<Vec<Arc<Loaded>>>,
}

impl Indexes {
    /// The index in use, if one is loaded.
    pub fn current(&self) -> Option<Arc<Loaded>> {
        self.current.load_full()
    }

    /// Builds the index of the newest versions from `store`, for statuses on `day`, with when
    /// each entity was seen, and swaps it in.
    pub fn reload(&self, store: &Store, day: PartialDate) -> Result<Arc<Loaded>> {
        let loaded = Arc::new(load_index(store, None, day)?.with_seen(store)?);
        tracing::info!(
            entities = loaded.index.entity_count(),
            data_version = loaded.data_version,
            build_secs = loaded.build_secs,
            "index swapped in"
        );
        self.current.store(Some(loaded.clone()));
        Ok(loaded)
    }

    /// Whether the store has data the index in use does not, or the day has changed (or no
    /// index is loaded).
    pub fn stale(&self, store: &Store, day: PartialDate) -> Result<bool> {
        let current = self.current.load();
        let Some(loaded) = current.as_ref() else { return Ok(true) };
        Ok(store.data_version()? != loaded.data_version || loaded.day != day)
    }

    /// The index as of `day`: the entities of each source's version in force that day, with
    /// statuses on that day. Built on first use (on this thread) and kept for the next
    /// requests about the same day while the store does not change.
    pub fn as_of(&self, store: &Store, day: PartialDate) -> Result<Arc<Loaded>> {
        let version = store.data_version()?;
        let mut cache = self.as_of.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = cache.iter().position(|l| l.day == day && l.data_version == version) {
            let hit = cache.remove(at);
            cache.push(hit.clone());
            return Ok(hit);
        }
        drop(cache);
        let loaded = Arc::new(load_index(store, Some(&day), day)?.with_seen(store)?);
        let mut cache = self.as_of.lock().unwrap_or_else(|p| p.into_inner());
        cache.retain(|l| l.data_version == version && l.day != day);
        if cache.len() >= AS_OF_INDEXES {
            cache.remove(0);
        }
        cache.push(loaded.clone());
        Ok(loaded)
    }
}

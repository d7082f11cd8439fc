//! Merging the rows of one entry. The Consolidated Screening List has one row per list an
//! entity is on, the Denied Persons List one row per address; rows of one entry need not be
//! next to each other. A first pass counts the rows of each key; [`Grouper`] then holds an
//! entity back only until its last row has been read, so memory grows with the entries that
//! have several rows, not with the file.

use std::collections::HashMap;

use proscribe_model::{Entity, Schema};

/// Collects the rows of entries that have several, and hands each entry on when complete.
pub(crate) struct Grouper {
    remaining: HashMap<String, u32>,
    pending: HashMap<String, (Entity, u64)>,
}

impl Grouper {
    /// A grouper for keys with these row counts.
    pub fn new(counts: HashMap<String, u32>) -> Grouper {
        Grouper { remaining: counts, pending: HashMap::new() }
    }

    /// Takes the entity of one row (starting at `line`). Returns the entry, with the line of
    /// its first row, once all its rows are in; `merge` folds a further row into the first.
    pub fn add(
        &mut self,
        key: &str,
        entity: Entity,
        line: u64,
        merge: impl Fn(&mut Entity, Entity),
    ) -> Option<(Entity, u64)> {
        let left = self.remaining.get_mut(key).map(|n| {
            *n = n.saturating_sub(1);
            *n
        });
        let (entity, line) = match self.pending.remove(key) {
            Some((mut first, first_line)) => {
                merge(&mut first, entity);
                (first, first_line)
            }
            None => (entity, line),
        };
        if left.is_some_and(|n| n > 0) {
            self.pending.insert(key.to_string(), (entity, line));
            return None;
        }
        Some((entity, line))
    }

    /// Entries still held back (only when the file changed between the passes), in line
    /// order.
    pub fn rest(self) -> Vec<(Entity, u64)> {
        let mut left: Vec<(Entity, u64)> = self.pending.into_values().collect();
        left.sort_by_key(|(_, line)| *line);
        left
    }
}

fn extend<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
    for item in from {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// Folds the entity of a further row into the first: facts the first lacks are added,
/// designations included.
pub(crate) fn merge(into: &mut Entity, from: Entity) {
    let designations = merge_facts(into, from);
    extend(&mut into.designations, designations);
}

/// Folds everything but the designations, which are returned for the caller to merge.
pub(crate) fn merge_facts(into: &mut Entity, from: Entity) -> Vec<proscribe_model::Designation> {
    for n in from.names {
        into.add_name(n);
    }
    if into.schema == Schema::LegalEntity {
        into.schema = from.schema;
    }
    into.gender = into.gender.or(from.gender);
    extend(&mut into.birth_dates, from.birth_dates);
    extend(&mut into.birth_places, from.birth_places);
    extend(&mut into.death_dates, from.death_dates);
    extend(&mut into.countries, from.countries);
    extend(&mut into.identifiers, from.identifiers);
    extend(&mut into.addresses, from.addresses);
    extend(&mut into.positions, from.positions);
    extend(&mut into.remarks, from.remarks);
    extend(&mut into.links, from.links);
    extend(&mut into.same_as, from.same_as);
    extend(&mut into.acts, from.acts);
    for (key, values) in from.properties {
        for v in values {
            into.add_property(&key, v);
        }
    }
    from.designations
}

#[cfg(test)]
mod tests {
    use super::*;
    use proscribe_model::{Name, NameKind};

    fn e(id: &str, name: &str) -> Entity {
        let mut e = Entity::new(id, Schema::LegalEntity);
        e.add_name(Name::new(name, NameKind::Primary));
        e
    }

    #[test]
    fn entries_wait_for_their_last_row() {
        let counts = HashMap::from([("a".to_string(), 2), ("b".to_string(), 1)]);
        let mut g = Grouper::new(counts);
        assert!(g.add("a", e("a", "ACME"), 2, merge).is_none());
        let (b, line) = g.add("b", e("b", "OTHER"), 3, merge).unwrap();
        assert_eq!((b.id.as_str(), line), ("b", 3));
        let (a, line) = g.add("a", e("a", "ACME LTD"), 4, merge).unwrap();
        assert_eq!((a.names.len(), line), (2, 2));
        assert!(g.rest().is_empty());
    }
}

//! Hash tables built once and read in place: a key (a string or a number) to a run of values,
//! laid out in flat columns so that a table opened from an index file is used where it lies,
//! without being rebuilt. Open addressing with linear probing over a power-of-two number of
//! slots, at most three quarters full; each slot holds its key (a number, or where a string
//! lies and 32 bits of its hash) and where its run of values lies, and a byte per slot (its
//! tag: free, or seven bits of the key's hash) lets a probe pass over the slots of other keys
//! reading the tags alone, so that a lookup reads a line of tags, the slot and the values. The hash is fixed here ([`hash_bytes`]), the same in
//! every build, since tables are written to files.

use proscribe_segment::{Column, Segment, SegmentError, SegmentWriter};

/// A hash of bytes that does not change between builds or machines: each 8-byte word is
/// mixed in by a multiplication and a shift that brings its high bits down (so that words that
/// differ only high up do not cancel out in the next), then a finalising mix spreads every bit
/// over the low bits the slots are chosen by. For keys of up to 8 bytes it is one-to-one.
pub(super) fn hash_bytes(b: &[u8]) -> u64 {
    const K: u64 = 0xbf58_476d_1ce4_e5b9;
    let mut h = 0x9e37_79b9_7f4a_7c15 ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    let mut add = |word: [u8; 8]| {
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K);
        h ^= h >> 31;
    };
    for c in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(c);
        add(word);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        add(word);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// The number of slots for `entries` keys: a power of two, at most three quarters full, with
/// at least one empty slot (so that every probe ends).
fn slot_count(entries: usize) -> usize {
    if entries == 0 {
        0
    } else {
        (entries + entries / 3 + 1).next_power_of_two()
    }
}

/// A slot's tag: 0 for a free slot, else the top seven bits of its key's hash with the high
/// bit set. A probe reads the tags, 64 to a cache line, and a slot only where its tag is the
/// key's: a key that is not there (most lookups of spellings) costs a line or two of tags.
fn tag(hash: u64) -> u8 {
    0x80 | (hash >> 57) as u8
}

/// Places each of `entries` keys (by its hash) into the first free slot from its home; returns
/// the slots and their tags.
fn place<S: bytemuck::Pod>(entries: Vec<(u64, S)>) -> (Vec<S>, Vec<u8>) {
    let len = slot_count(entries.len());
    let mut slots = vec![S::zeroed(); len];
    let mut tags = vec![0u8; len];
    let mask = len.wrapping_sub(1);
    for (hash, slot) in entries {
        let mut i = hash as usize & mask;
        while tags[i] != 0 {
            i = (i + 1) & mask;
        }
        slots[i] = slot;
        tags[i] = tag(hash);
    }
    (slots, tags)
}

/// The slots whose tag is `hash`'s, from its home, until a free one: at most one round.
#[inline]
fn probe(tags: &[u8], hash: u64, mut is_key: impl FnMut(usize) -> bool) -> Option<usize> {
    if tags.is_empty() {
        return None;
    }
    let mask = tags.len() - 1;
    let want = tag(hash);
    let mut i = hash as usize & mask;
    for _ in 0..tags.len() {
        let t = tags[i];
        if t == 0 {
            return None;
        }
        if t == want && is_key(i) {
            return Some(i);
        }
        i = (i + 1) & mask;
    }
    None
}

/// Runs of values one after another (a form's names, its terms): run `i` is `of(i)`.
pub(super) struct Runs<V: bytemuck::Pod> {
    /// Where each run ends.
    ends: Column<u32>,
    values: Column<V>,
}

impl<V: bytemuck::Pod> Runs<V> {
    pub(super) fn build(runs: impl Iterator<Item = Vec<V>>) -> Runs<V> {
        let (mut ends, mut values) = (Vec::new(), Vec::new());
        for run in runs {
            values.extend(run);
            // Runs are positions in a file's section; a section of more than 4 GiB of them is
            // beyond any index this is made for, and is refused rather than wrapped.
            ends.push(u32::try_from(values.len()).unwrap_or_else(|_| panic!("more than 2^32 values in runs")));
        }
        Runs { ends: ends.into(), values: values.into() }
    }

    #[inline]
    pub(super) fn of(&self, run: usize) -> &[V] {
        let start = if run == 0 { 0 } else { self.ends[run - 1] as usize };
        &self.values[start..self.ends[run] as usize]
    }

    /// All values, run after run.
    pub(super) fn values(&self) -> &[V] {
        &self.values
    }

    pub(super) fn write(&self, w: &mut SegmentWriter, prefix: &str) -> Result<(), SegmentError> {
        w.add_values(&format!("{prefix}.ends"), &self.ends)?;
        w.add_values(&format!("{prefix}.values"), &self.values)
    }

    pub(super) fn open(segment: &std::sync::Arc<Segment>, prefix: &str, copy: bool) -> Result<Runs<V>, SegmentError> {
        Ok(Runs {
            ends: Column::load(segment, &format!("{prefix}.ends"), copy)?,
            values: Column::load(segment, &format!("{prefix}.values"), copy)?,
        })
    }

    /// Checks that there are `runs` runs and that they cover the values in order.
    pub(super) fn check(&self, runs: usize, what: &str) -> Result<(), String> {
        if self.ends.len() != runs {
            return Err(format!("{what}: {} runs where {runs} were expected", self.ends.len()));
        }
        if !self.ends.is_sorted() || self.ends.last().map_or(0, |&e| e as usize) != self.values.len() {
            return Err(format!("{what}: the runs do not cover the values in order"));
        }
        Ok(())
    }
}

/// Checks that a table has a power of two of slots. What the slots say is not checked when a
/// table is opened (that would read every page of the largest sections): the file's checksums
/// and its build's fingerprint vouch for it, and a lookup stays within the table whatever a
/// slot says (at most one probe per slot, values taken only where they lie within).
fn check_slots(slots: usize, tags: usize, what: &str) -> Result<(), String> {
    if slots != tags || (slots != 0 && !slots.is_power_of_two()) {
        return Err(format!("{what}: {slots} slots and {tags} tags, not one each of a power of two"));
    }
    Ok(())
}

/// A slot of a [`StrTable`] (its tag says whether it is free; no key has an empty run).
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct StrSlot {
    /// The high half of the key's hash.
    hash: u32,
    /// Where the key lies in the table's key bytes.
    key_start: u32,
    key_len: u32,
    /// Where its run lies in the values.
    start: u32,
    len: u32,
    _pad: u32,
}

/// Strings to runs of values.
pub(super) struct StrTable<V: bytemuck::Pod> {
    slots: Column<StrSlot>,
    tags: Column<u8>,
    key_bytes: Column<u8>,
    values: Column<V>,
}

impl<V: bytemuck::Pod> StrTable<V> {
    /// A table of `entries` (distinct keys; a key with no values is left out).
    pub(super) fn build<K: AsRef<str>>(entries: impl IntoIterator<Item = (K, Vec<V>)>) -> StrTable<V> {
        let (mut key_bytes, mut values, mut placed) = (Vec::new(), Vec::new(), Vec::new());
        for (k, run) in entries {
            if run.is_empty() {
                continue;
            }
            let k = k.as_ref().as_bytes();
            let hash = hash_bytes(k);
            let slot = StrSlot {
                hash: (hash >> 32) as u32,
                key_start: key_bytes.len() as u32,
                key_len: k.len() as u32,
                start: values.len() as u32,
                len: run.len() as u32,
                _pad: 0,
            };
            key_bytes.extend_from_slice(k);
            values.extend(run);
            placed.push((hash, slot));
        }
        let (slots, tags) = place(placed);
        StrTable { slots: slots.into(), tags: tags.into(), key_bytes: key_bytes.into(), values: values.into() }
    }

    /// The values of `key` (none when the table does not have it).
    #[inline]
    pub(super) fn get(&self, key: &str) -> &[V] {
        let key = key.as_bytes();
        let hash = hash_bytes(key);
        let high = (hash >> 32) as u32;
        let found = probe(&self.tags, hash, |i| {
            let s = &self.slots[i];
            let start = s.key_start as usize;
            s.hash == high
                && s.key_len as usize == key.len()
                && self.key_bytes.get(start..start + key.len()) == Some(key)
        });
        match found {
            Some(i) => {
                let s = &self.slots[i];
                self.values.get(s.start as usize..s.start as usize + s.len as usize).unwrap_or_default()
            }
            None => &[],
        }
    }

    /// The first value of `key`, for tables of one value per key.
    #[inline]
    pub(super) fn get_one(&self, key: &str) -> Option<V> {
        self.get(key).first().copied()
    }

    /// Whether the table has `key`.
    pub(super) fn contains(&self, key: &str) -> bool {
        !self.get(key).is_empty()
    }

    /// Writes the table's columns as sections named after `prefix`.
    pub(super) fn write(&self, w: &mut SegmentWriter, prefix: &str) -> Result<(), SegmentError> {
        w.add_values(&format!("{prefix}.slots"), &self.slots)?;
        w.add_values(&format!("{prefix}.tags"), &self.tags)?;
        w.add_values(&format!("{prefix}.keys"), &self.key_bytes)?;
        w.add_values(&format!("{prefix}.values"), &self.values)
    }

    /// The table written by [`StrTable::write`], read in place; its shape is checked, so that a
    /// lookup never reads out of bounds or loops.
    pub(super) fn open(segment: &std::sync::Arc<Segment>, prefix: &str, copy: bool) -> Result<StrTable<V>, String> {
        let err = |e: SegmentError| e.to_string();
        let table = StrTable {
            slots: Column::load(segment, &format!("{prefix}.slots"), copy).map_err(err)?,
            tags: Column::load(segment, &format!("{prefix}.tags"), copy).map_err(err)?,
            key_bytes: Column::load(segment, &format!("{prefix}.keys"), copy).map_err(err)?,
            values: Column::load(segment, &format!("{prefix}.values"), copy).map_err(err)?,
        };
        check_slots(table.slots.len(), table.tags.len(), prefix)?;
        Ok(table)
    }
}

/// A slot of a [`U64Table`] (its tag says whether it is free).
#[derive(Debug, Clone, Copy, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
struct U64Slot {
    key: u64,
    start: u32,
    len: u32,
}

/// Numbers (hashes) to runs of values.
pub(super) struct U64Table<V: bytemuck::Pod> {
    slots: Column<U64Slot>,
    tags: Column<u8>,
    values: Column<V>,
}

impl<V: bytemuck::Pod> U64Table<V> {
    /// A table of `entries` (distinct keys; a key with no values is left out).
    pub(super) fn build(entries: impl IntoIterator<Item = (u64, Vec<V>)>) -> U64Table<V> {
        let (mut values, mut placed) = (Vec::new(), Vec::new());
        for (key, run) in entries {
            if run.is_empty() {
                continue;
            }
            placed.push((mix(key), U64Slot { key, start: values.len() as u32, len: run.len() as u32 }));
            values.extend(run);
        }
        let (slots, tags) = place(placed);
        U64Table { slots: slots.into(), tags: tags.into(), values: values.into() }
    }

    /// The values of `key`.
    #[inline]
    pub(super) fn get(&self, key: u64) -> &[V] {
        match probe(&self.tags, mix(key), |i| self.slots[i].key == key) {
            Some(i) => {
                let s = &self.slots[i];
                self.values.get(s.start as usize..s.start as usize + s.len as usize).unwrap_or_default()
            }
            None => &[],
        }
    }

    /// Writes the table's columns as sections named after `prefix`.
    pub(super) fn write(&self, w: &mut SegmentWriter, prefix: &str) -> Result<(), SegmentError> {
        w.add_values(&format!("{prefix}.slots"), &self.slots)?;
        w.add_values(&format!("{prefix}.tags"), &self.tags)?;
        w.add_values(&format!("{prefix}.values"), &self.values)
    }

    /// The table written by [`U64Table::write`], read in place, its shape checked.
    pub(super) fn open(segment: &std::sync::Arc<Segment>, prefix: &str, copy: bool) -> Result<U64Table<V>, String> {
        let err = |e: SegmentError| e.to_string();
        let table = U64Table {
            slots: Column::load(segment, &format!("{prefix}.slots"), copy).map_err(err)?,
            tags: Column::load(segment, &format!("{prefix}.tags"), copy).map_err(err)?,
            values: Column::load(segment, &format!("{prefix}.values"), copy).map_err(err)?,
        };
        check_slots(table.slots.len(), table.tags.len(), prefix)?;
        Ok(table)
    }
}

/// Spreads a key that is already a hash over the slots' bits.
fn mix(key: u64) -> u64 {
    let h = key.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_find_what_they_hold_and_nothing_else() {
        let words: Vec<String> = (0..500).map(|i| format!("word{i}")).collect();
        let table = StrTable::build(words.iter().enumerate().map(|(i, w)| (w.as_str(), vec![i as u32, 7])));
        for (i, w) in words.iter().enumerate() {
            assert_eq!(table.get(w), [i as u32, 7]);
        }
        assert_eq!(table.get("word500"), [] as [u32; 0]);
        assert_eq!(table.get(""), [] as [u32; 0]);
        let numbers = U64Table::build((0..300u64).map(|k| (k * 1_000_003, vec![k as u32])));
        assert_eq!(numbers.get(299 * 1_000_003), [299]);
        assert_eq!(numbers.get(5), [] as [u32; 0]);
        let empty: StrTable<u32> = StrTable::build(Vec::<(String, Vec<u32>)>::new());
        assert!(!empty.contains("x"));
    }

    /// Words that differ in the last letter of their first eight and in what follows (the
    /// deletion keys of `archibald` and `archibado`) do not share a hash: a multiply-rotate
    /// hash lets such differences cancel out.
    #[test]
    fn near_words_do_not_collide() {
        let letters = b"abcdefghijklmnopqrstuvwxyz";
        let mut seen = std::collections::HashMap::new();
        for prefix in ["archibal", "esparrao", "industra", "phitchay", "samuilov"] {
            let stem = &prefix.as_bytes()[..7];
            for &a in letters {
                for &b in letters {
                    for c in std::iter::once(None).chain(letters.iter().map(Some)) {
                        let mut word = stem.to_vec();
                        word.extend([a, b]);
                        word.extend(c);
                        if let Some(other) = seen.insert(hash_bytes(&word), word.clone()) {
                            panic!(
                                "{} and {} share a hash",
                                String::from_utf8_lossy(&other),
                                String::from_utf8_lossy(&word)
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_hash_is_fixed() {
        // Tables are written to files: the hash of a key must not change between builds.
        assert_eq!(format!("{:016x}", hash_bytes(b"")), "9ca066f1a4ab2eea");
        assert_eq!(hash_bytes(b"hanafi"), hash_bytes(b"hanafi"));
        assert_ne!(hash_bytes(b"hanafi"), hash_bytes(b"hanafy"));
        // The value a reference implementation of the same steps gives.
        assert_eq!(format!("{:016x}", hash_bytes(b"abdulsalam")), "a6c5407a2569eee2");
    }
}

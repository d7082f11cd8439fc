//! What the index knows of the entities besides their names: the entities themselves, the
//! brief of their evidence that screening reads before comparing names
//! ([`crate::entity::Facts`]), and their identifying numbers, normalised and looked up exactly.

use proscribe_model::Entity;
use rustc_hash::FxHashMap;

use super::Index;

/// Folds an identifying number for exact comparison: letters and digits only, upper case,
/// and an `IMO` prefix dropped (`IMO 9123456`, `9123456` and `9 123 456` are one number).
pub fn normalise_identifier(number: &str) -> String {
    let out: String = number.chars().filter(|c| c.is_alphanumeric()).flat_map(|c| c.to_uppercase()).collect();
    match out.strip_prefix("IMO") {
        Some(rest) if rest.len() == 7 && rest.bytes().all(|b| b.is_ascii_digit()) => rest.to_string(),
        _ => out,
    }
}

/// Identifiers shorter than this (after [`normalise_identifier`]) are too likely to repeat by
/// chance to count as evidence.
pub const MIN_IDENTIFIER_LEN: usize = 5;

/// The entities carrying each identifying number (after [`normalise_identifier`]; numbers
/// shorter than [`MIN_IDENTIFIER_LEN`] left out), each entity once per number.
pub(super) fn by_identifier(entities: &[Entity]) -> FxHashMap<String, Vec<u32>> {
    let mut by_identifier: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    for (ei, e) in entities.iter().enumerate() {
        for id in &e.identifiers {
            let key = normalise_identifier(&id.number);
            if key.len() >= MIN_IDENTIFIER_LEN {
                let list = by_identifier.entry(key).or_default();
                if list.last() != Some(&(ei as u32)) {
                    list.push(ei as u32);
                }
            }
        }
    }
    by_identifier
}

impl Index {
    /// The entities' evidence besides names, in brief.
    pub(crate) fn facts(&self) -> &crate::entity::Facts {
        &self.facts
    }

    /// The entities that carry an identifying number equal to `number` (after
    /// [`normalise_identifier`]); none for numbers shorter than [`MIN_IDENTIFIER_LEN`].
    pub fn entities_with_identifier(&self, number: &str) -> &[u32] {
        let key = normalise_identifier(number);
        if key.len() < MIN_IDENTIFIER_LEN {
            return &[];
        }
        self.by_identifier.get(&key)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;

    #[test]
    fn identifiers_are_found_normalised() {
        let index = sample();
        let cases: &[(&str, usize)] = &[("9123456", 1), ("IMO 9123456", 1), ("9 123 456", 1), ("123", 0), ("", 0)];
        for &(number, expected) in cases {
            assert_eq!(index.entities_with_identifier(number).len(), expected, "{number:?}");
        }
    }
}

//! The generic table for every script without a module of its own (Devanagari and the other
//! Indic scripts, Ethiopic, Syriac, Tibetan, ...): `any_ascii`, which spells each character
//! in ASCII after its usual romanisation.

use proscribe_model::Script;

use super::Transliterator;

/// Any script, through `any_ascii`.
pub struct Generic;

impl Transliterator for Generic {
    fn name(&self) -> &'static str {
        "generic"
    }

    fn applies(&self, script: Script) -> bool {
        !matches!(script, Script::Latin | Script::None)
    }

    fn renderings(&self, run: &str) -> Vec<String> {
        vec![any_ascii::any_ascii(run).to_lowercase()]
    }
}

#[cfg(test)]
mod tests {
    use proscribe_model::Script;

    super::super::transliterator_tests!(
        super::Generic,
        scripts: [Script::Indic, Script::Ethiopic, Script::Other],
        cases: [("नरेन्द्र मोदी", "nrendr modi"), ("አበበ", "abebe")]
    );
}

//! What changed in an entity between two versions of a list, field by field. Both records are
//! flattened to sets of `field → values` (without the `src` locators, which move when a list is
//! re-ordered); a change is a field whose set of values differs. Designations are keyed by
//! list and reference so that one starting or ending shows as such.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{Designation, Entity};

/// One changed field of an entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    /// The field (`names`, `birth_dates`, `designation[un-sc-consolidated TAi.026].listed_on`).
    pub field: String,
    /// Values the old record had and the new one lacks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// Values the new record has and the old one lacked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
}

/// Whether a designation started or ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationChangeKind {
    /// The entry is new.
    Started,
    /// The entry is gone.
    Ended,
}

impl DesignationChangeKind {
    /// The kind's name (`started`, `ended`), as serialized.
    pub fn as_str(&self) -> &'static str {
        match self {
            DesignationChangeKind::Started => "started",
            DesignationChangeKind::Ended => "ended",
        }
    }
}

impl std::fmt::Display for DesignationChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// A designation that started or ended between two records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignationChange {
    /// Started or ended.
    pub change: DesignationChangeKind,
    /// The list.
    pub list: String,
    /// The list's reference for the entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Programs of the entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
}

/// The differences between two records of the same entity.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntityDiff {
    /// Fields whose values changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
    /// Designations that started or ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designations: Vec<DesignationChange>,
}

impl EntityDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.designations.is_empty()
    }
}

/// Compares two records of one entity.
pub fn diff(old: &Entity, new: &Entity) -> EntityDiff {
    let (a, b) = (flatten(old), flatten(new));
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    let empty = BTreeSet::new();
    let mut out = EntityDiff::default();
    for key in keys {
        let (va, vb) = (a.get(key).unwrap_or(&empty), b.get(key).unwrap_or(&empty));
        if va != vb {
            out.fields.push(FieldChange {
                field: key.clone(),
                removed: va.difference(vb).cloned().collect(),
                added: vb.difference(va).cloned().collect(),
            });
        }
    }
    let keyed = |e: &Entity| -> BTreeMap<String, Designation> {
        e.designations.iter().map(|d| (designation_key(d), d.clone())).collect()
    };
    let (da, db) = (keyed(old), keyed(new));
    for (k, d) in &db {
        if !da.contains_key(k) {
            out.designations.push(designation_change(DesignationChangeKind::Started, d));
        }
    }
    for (k, d) in &da {
        if !db.contains_key(k) {
            out.designations.push(designation_change(DesignationChangeKind::Ended, d));
        }
    }
    out
}

/// The diff of an entity that appears or disappears whole: a field list would repeat the whole
/// record, so only its designations are listed, all started or all ended.
pub fn whole(e: &Entity, change: DesignationChangeKind) -> EntityDiff {
    EntityDiff { fields: vec![], designations: e.designations.iter().map(|d| designation_change(change, d)).collect() }
}

fn designation_change(change: DesignationChangeKind, d: &Designation) -> DesignationChange {
    DesignationChange { change, list: d.list.clone(), reference: d.reference.clone(), programs: d.programs.clone() }
}

/// The key that identifies a designation across versions: its list and reference, or its
/// list and programs when the list gives no reference.
pub fn designation_key(d: &Designation) -> String {
    let key = match &d.reference {
        Some(r) => format!("{} {}", d.list, r),
        None => format!("{} {}", d.list, d.programs.join(",")),
    };
    // A list that gives neither reference nor programs: the list alone.
    key.trim_end().to_string()
}

/// Flattens an entity into `field → set of values`, dropping `src` locators.
pub fn flatten(e: &Entity) -> BTreeMap<String, BTreeSet<String>> {
    let mut value = serde_json::to_value(e).expect("entity serialises");
    strip_src(&mut value);
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let obj = value.as_object().expect("object");
    for (field, v) in obj {
        if field == "designations" {
            for (d, dv) in e.designations.iter().zip(v.as_array().expect("array")) {
                let key = designation_key(d);
                for (sub, sv) in dv.as_object().expect("object") {
                    out.entry(format!("designation[{key}].{sub}")).or_default().extend(values(sv));
                }
            }
            continue;
        }
        if field == "id" {
            continue;
        }
        match v {
            serde_json::Value::Object(map) if field == "properties" => {
                for (k, pv) in map {
                    out.entry(format!("properties.{k}")).or_default().extend(values(pv));
                }
            }
            _ => {
                out.entry(field.clone()).or_default().extend(values(v));
            }
        }
    }
    out
}

fn values(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect(),
        other => vec![scalar(other)],
    }
}

/// Text for one value: a string as it is; an object as its main field followed by the other
/// fields' values in brackets (`ABDUL SALAM HANAFI (primary)`, `A123 (passport, af)`).
fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(map) => {
            const MAIN: [&str; 6] = ["full", "text", "number", "date", "country", "value"];
            let main = MAIN.iter().find_map(|k| map.get(*k).map(|v| (*k, scalar(v))));
            let rest: Vec<String> = map
                .iter()
                .filter(|(k, _)| Some(k.as_str()) != main.as_ref().map(|m| m.0) && k.as_str() != "script")
                .map(|(_, v)| scalar(v))
                .collect();
            match (main, rest.is_empty()) {
                (Some((_, m)), true) => m,
                (Some((_, m)), false) => format!("{m} ({})", rest.join(", ")),
                (None, _) => rest.join(", "),
            }
        }
        serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn strip_src(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            map.remove("src");
            map.values_mut().for_each(strip_src);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_src),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Name, NameKind, Schema};

    #[test]
    fn reports_names_and_designations() {
        let mut old = Entity::new("un-tai-026", Schema::Person);
        old.add_name(Name::new("AMIR KHAN MOTAQI", NameKind::Primary).at("FIRST_NAME"));
        old.add_name(Name::new("Amir Khan Muttaqi", NameKind::Alias).at("INDIVIDUAL_ALIAS[0]"));
        let mut d = Designation::new("un-sc", "un-sc-consolidated");
        d.reference = Some("TAi.026".into());
        d.listed_on = Some("2001-01-25".parse().unwrap());
        old.designations.push(d.clone());

        let mut new = old.clone();
        assert!(diff(&old, &new).is_empty());
        // Moving an alias changes its locator only: no change.
        new.names[1].src = Some("INDIVIDUAL_ALIAS[3]".into());
        assert!(diff(&old, &new).is_empty());

        new.names[1].full = "Amir Khan Mutaqi".into();
        new.designations[0].listed_on = Some("2001-01-31".parse().unwrap());
        let mut d2 = Designation::new("un-sc", "un-sc-consolidated");
        d2.reference = Some("TAi.999".into());
        new.designations.push(d2);
        let got = diff(&old, &new);
        let fields: Vec<&str> = got.fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "designation[un-sc-consolidated TAi.026].listed_on",
                "designation[un-sc-consolidated TAi.999].authority",
                "designation[un-sc-consolidated TAi.999].list",
                "designation[un-sc-consolidated TAi.999].reference",
                "names"
            ]
        );
        assert_eq!(got.fields[0].removed, ["2001-01-25"]);
        assert_eq!(got.fields[0].added, ["2001-01-31"]);
        assert_eq!(got.designations.len(), 1);
        assert_eq!(got.designations[0].change, DesignationChangeKind::Started);
        assert_eq!(got.designations[0].reference.as_deref(), Some("TAi.999"));
    }
}

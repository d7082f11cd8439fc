//! The domain model of proscribe, with no I/O: what official lists say about the entities they
//! list, and how those entries change over time.
//!
//! - [`Entity`] is a listed person, organisation, company, vessel or aircraft as one version
//!   of one list describes it, with its [`Name`]s (each with a [`NameKind`] and [`Script`]),
//!   [`PartialDate`]/[`DateValue`] birth dates, [`Country`] facts, [`Identifier`]s,
//!   [`Address`]es and [`Link`]s.
//! - [`Designation`] ties an entity to an [`Authority`]'s list ([`ListInfo`]) with a program,
//!   a reference, dates and [`Measure`]s; [`Designation::status_on`] tells its status on a day.
//! - [`diff`] compares two records of one entity field by field.
//! - [`workflow`] is the designation workflow as a state machine, with typed [`workflow::Refusal`]s;
//!   [`publication`] applies an adopted proposal to the entity's record; [`timeline`] names the
//!   events of an entity's timeline and tells each in a sentence.
//!
//! ```
//! use proscribe_model::{Designation, DateValue, Entity, Name, NameKind, Schema, Status};
//!
//! let mut e = Entity::new("un-tai-026", Schema::Person);
//! e.add_name(Name::new("AMIR KHAN MOTAQI", NameKind::Primary));
//! let mut d = Designation::new("un-sc", "un-sc-consolidated");
//! d.reference = Some("TAi.026".into());
//! d.listed_on = Some("2001-01-25".parse::<DateValue>().unwrap());
//! e.designations.push(d);
//! let day = "2020-01-01".parse().unwrap();
//! assert_eq!(e.designations[0].status_on(&day).status, Status::Listed);
//! ```
#![deny(missing_docs)]

mod country;
mod date;
mod designation;
pub mod diff;
mod entity;
mod error;
pub mod ftm;
pub mod publication;
pub mod resolution;
mod script;
mod source;
pub mod timeline;
pub mod workflow;

pub use country::Country;
pub use date::{days_in_month, Certainty, DateValue, PartialDate, Precision};
pub use designation::{
    Authority, AuthorityKind, Designation, ListInfo, ListKind, Measure, MeasureKind, Status, StatusOn,
};
pub use entity::{
    collapse_spaces, is_risk_topic, slug, Address, CountryFact, CountryRole, DateFact, Entity, Gender, IdKind,
    Identifier, Link, Name, NameKind, NamePart, PartKind, Place, Schema, Text, RISK_TOPICS, SANCTION_TOPIC,
};
pub use error::Error;
pub use script::Script;
pub use source::SourceInfo;

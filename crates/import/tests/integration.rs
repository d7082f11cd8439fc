//! Integration tests of the importers: real list files from `../shared/data`, small fixtures
//! in the official formats written for these tests, golden records and bad input.

mod common;

mod csl;
mod detect;
mod dfat;
mod dpl;
mod eu;
mod ftm;
mod limits;
mod ofac;
mod ofac_xml;
mod registry;
mod sema;
mod uk;
mod un;

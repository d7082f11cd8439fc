//! Integration tests of the importers: real list files from `../shared/data`, small fixtures
//! in the official formats written for these tests, golden records and bad input.

mod common;

mod detect;
mod un;
mod sema;
mod ofac;
mod ofac_xml;
mod eu;
mod ftm;
mod dfat;
mod uk;
mod registry;
mod csl;
mod dpl;

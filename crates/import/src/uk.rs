//! The `uk-conlist` format (not yet implemented).

use std::path::Path;

use crate::{EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `uk-conlist` format.
#[derive(Debug)]
pub struct UkConList;

impl Format for UkConList {
    fn name(&self) -> &'static str {
        "uk-conlist"
    }

    fn recognise(&self, _sample: &Sample) -> Option<Recognised> {
        None
    }

    fn source_id(&self, _path: &Path) -> String {
        "uk-conlist".into()
    }

    fn parse(&self, job: &Job, _sink: &mut dyn EntitySink) -> Result<Report, Error> {
        Err(Error::UnknownFormat { path: job.path.display().to_string(), detail: "not implemented".into() })
    }
}

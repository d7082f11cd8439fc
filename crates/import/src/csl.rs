//! The `us-csl` format (not yet implemented).

use std::path::Path;

use crate::{EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `us-csl` format.
#[derive(Debug)]
pub struct UsCsl;

impl Format for UsCsl {
    fn name(&self) -> &'static str {
        "us-csl"
    }

    fn recognise(&self, _sample: &Sample) -> Option<Recognised> {
        None
    }

    fn source_id(&self, _path: &Path) -> String {
        "us-csl".into()
    }

    fn parse(&self, job: &Job, _sink: &mut dyn EntitySink) -> Result<Report, Error> {
        Err(Error::UnknownFormat { path: job.path.display().to_string(), detail: "not implemented".into() })
    }
}

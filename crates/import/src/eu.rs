//! The `eu-fsf-xml` format (not yet implemented).

use std::path::Path;

use crate::{EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `eu-fsf-xml` format.
#[derive(Debug)]
pub struct EuFsf;

impl Format for EuFsf {
    fn name(&self) -> &'static str {
        "eu-fsf-xml"
    }

    fn recognise(&self, _sample: &Sample) -> Option<Recognised> {
        None
    }

    fn source_id(&self, _path: &Path) -> String {
        "eu-fsf-xml".into()
    }

    fn parse(&self, job: &Job, _sink: &mut dyn EntitySink) -> Result<Report, Error> {
        Err(Error::UnknownFormat { path: job.path.display().to_string(), detail: "not implemented".into() })
    }
}

//! The `ftm` format (not yet implemented).

use std::path::Path;

use crate::{EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `ftm` format.
#[derive(Debug)]
pub struct FtmJson;

impl Format for FtmJson {
    fn name(&self) -> &'static str {
        "ftm"
    }

    fn recognise(&self, _sample: &Sample) -> Option<Recognised> {
        None
    }

    fn source_id(&self, _path: &Path) -> String {
        "ftm".into()
    }

    fn parse(&self, job: &Job, _sink: &mut dyn EntitySink) -> Result<Report, Error> {
        Err(Error::UnknownFormat { path: job.path.display().to_string(), detail: "not implemented".into() })
    }
}

//! The `bis-dpl` format (not yet implemented).

use std::path::Path;

use crate::{EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `bis-dpl` format.
#[derive(Debug)]
pub struct BisDpl;

impl Format for BisDpl {
    fn name(&self) -> &'static str {
        "bis-dpl"
    }

    fn recognise(&self, _sample: &Sample) -> Option<Recognised> {
        None
    }

    fn source_id(&self, _path: &Path) -> String {
        "bis-dpl".into()
    }

    fn parse(&self, job: &Job, _sink: &mut dyn EntitySink) -> Result<Report, Error> {
        Err(Error::UnknownFormat { path: job.path.display().to_string(), detail: "not implemented".into() })
    }
}

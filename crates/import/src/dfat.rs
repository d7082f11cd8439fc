//! The `dfat-xlsx` format (not yet implemented).

use std::path::Path;

use crate::{EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `dfat-xlsx` format.
#[derive(Debug)]
pub struct DfatXlsx;

impl Format for DfatXlsx {
    fn name(&self) -> &'static str {
        "dfat-xlsx"
    }

    fn recognise(&self, _sample: &Sample) -> Option<Recognised> {
        None
    }

    fn source_id(&self, _path: &Path) -> String {
        "dfat-xlsx".into()
    }

    fn parse(&self, job: &Job, _sink: &mut dyn EntitySink) -> Result<Report, Error> {
        Err(Error::UnknownFormat { path: job.path.display().to_string(), detail: "not implemented".into() })
    }
}

//! The US CSL importer: any bytes as a US Consolidated Screening List CSV, parsed by `csl::UsCsl`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::csl::UsCsl, "consolidated.csv", data, &[]);
});

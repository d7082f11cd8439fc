//! The EU XML importer: any bytes as an EU financial sanctions XML file, parsed by `eu::EuFsf`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::eu::EuFsf, "eu-fsf.xml", data, &[]);
});

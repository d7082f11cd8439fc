//! The BIS DPL importer: any bytes as a BIS Denied Persons List, parsed by `dpl::BisDpl`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::dpl::BisDpl, "dpl.txt", data, &[]);
});

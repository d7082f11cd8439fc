//! The UK importer: any bytes as a UK consolidated list CSV, parsed by `uk::UkConList`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::uk::UkConList, "ConList.csv", data, &[]);
});

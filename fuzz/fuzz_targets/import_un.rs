//! The UN XML importer: any bytes as a UN Security Council consolidated list, parsed by `un::UnXml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::un::UnXml, "consolidated.xml", data, &[]);
});

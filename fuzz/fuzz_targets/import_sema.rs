//! The Canadian SEMA importer: any bytes as a Canadian SEMA XML list, parsed by `sema::CaSema`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::sema::CaSema, "sema-lmes.xml", data, &[]);
});

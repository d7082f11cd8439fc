//! The OFAC legacy CSV importer: one input holds the set `sdn.csv`, `add.csv`, `alt.csv` and
//! `sdn_comments.csv`, cut at `proscribe_fuzz::FILE_SEPARATOR`; missing parts are missing files.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = proscribe_fuzz::split_files(data, 4);
    let roles = [("add", "add.csv"), ("alt", "alt.csv"), ("comments", "sdn_comments.csv")];
    let companions: Vec<(&str, &str, &[u8])> =
        parts[1..].iter().zip(roles).map(|(data, (role, name))| (role, name, *data)).collect();
    proscribe_fuzz::import(&proscribe_import::ofac::OfacCsv, "sdn.csv", parts[0], &companions);
});

//! The FollowTheMoney importer: any bytes as FollowTheMoney JSON lines, parsed by `ftm::FtmJson`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::ftm::FtmJson, "entities.ftm.json", data, &[]);
});

//! The OFAC XML importer: any bytes as an OFAC SDN XML file, parsed by `ofac_xml::OfacXml`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    proscribe_fuzz::import(&proscribe_import::ofac_xml::OfacXml, "sdn.xml", data, &[]);
});

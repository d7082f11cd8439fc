//! The Australian DFAT spreadsheet importer. An input that starts like a zip file is the
//! workbook itself; any other input is the sheet XML and the shared strings XML (cut at
//! `proscribe_fuzz::FILE_SEPARATOR`), wrapped into a workbook here, so that mutations reach
//! the cells rather than breaking the zip container's checksums. Sheets with cell references
//! that overflow calamine's arithmetic are left out (see
//! `proscribe_fuzz::calamine_reference_overflows`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let workbook = if data.starts_with(b"PK") {
        data.to_vec()
    } else {
        let parts = proscribe_fuzz::split_files(data, 2);
        if proscribe_fuzz::calamine_reference_overflows(parts[0]) {
            return;
        }
        proscribe_fuzz::xlsx(parts[0], parts.get(1).copied().unwrap_or(b"<sst></sst>"))
    };
    proscribe_fuzz::import(&proscribe_import::dfat::DfatXlsx, "regulation8_consolidated.xlsx", &workbook, &[]);
});

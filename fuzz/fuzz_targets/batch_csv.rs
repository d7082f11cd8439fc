//! The CSV batch reader: any bytes as a CSV input with a header row, read in chunks. Rows
//! are numbered 1, 2, 3 … without gaps, and the position read to never goes back or past
//! the end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proscribe_app::batch::{Columns, CsvRows, Rows};

fuzz_target!(|data: &[u8]| {
    let Ok(mut rows) = CsvRows::new(Box::new(std::io::Cursor::new(data.to_vec())), &Columns::default()) else { return };
    let (mut number, mut position) = (0, 0);
    loop {
        let chunk = rows.next_chunk(5).expect("reading from memory does not fail");
        if chunk.is_empty() {
            break;
        }
        for row in &chunk {
            number += 1;
            assert_eq!(row.number, number);
            assert!(row.query.is_err() || row.name.is_some(), "row {number} is screened without a name");
        }
        assert!(rows.position() >= position && rows.position() <= data.len() as u64);
        position = rows.position();
    }
});

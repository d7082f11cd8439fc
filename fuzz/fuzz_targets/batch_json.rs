//! The JSON-lines batch reader: any bytes as a JSON-lines input, read through a buffer of a
//! size the first byte picks. Rows are numbered by their lines, in increasing order and no
//! further than the last line; the line splitter cuts the same lines whatever the chunks the
//! bytes arrive in; and every byte is read.
#![no_main]

use std::io::BufReader;

use libfuzzer_sys::fuzz_target;
use proscribe_app::batch::{Columns, JsonRows, Line, LineSplitter, Rows};

fn lines(chunks: &[&[u8]]) -> Vec<Line> {
    let mut splitter = LineSplitter::default();
    let mut out = Vec::new();
    for chunk in chunks {
        splitter.push(chunk, &mut out);
    }
    splitter.finish(&mut out);
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, data)) = data.split_first() else { return };
    let capacity = 1 + usize::from(first);
    let whole = lines(&[data]);
    let pieces: Vec<&[u8]> = data.chunks(capacity).collect();
    assert_eq!(lines(&pieces), whole, "cut into chunks of {capacity} bytes");
    let line_count = data.split(|b| *b == b'\n').count() as u64;

    let reader = BufReader::with_capacity(capacity, std::io::Cursor::new(data.to_vec()));
    let mut rows = JsonRows::new(Box::new(reader), Columns::default());
    let mut last = 0;
    loop {
        let chunk = rows.next_chunk(3).expect("reading from memory does not fail");
        if chunk.is_empty() {
            break;
        }
        for row in &chunk {
            assert!(
                row.number > last && row.number <= line_count,
                "row {} after {last} of {line_count} lines",
                row.number
            );
            last = row.number;
        }
    }
    assert_eq!(rows.position(), data.len() as u64);
});

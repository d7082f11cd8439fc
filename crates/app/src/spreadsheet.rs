//! Cells of the CSV files proscribe writes, safe to open in a spreadsheet. Listed names,
//! input keys and references come from outside: a cell beginning `=`, `+`, `-`, `@`, a tab
//! or a carriage return would be read by a spreadsheet as a formula (`=HYPERLINK(...)`), so
//! such a cell is written with a leading `'`, as OWASP recommends for CSV injection. Every
//! CSV writer of the project (batch results, the web UI's downloads, the export) writes its
//! cells through [`cell`].

use std::borrow::Cow;

/// `value` as a CSV cell that no spreadsheet reads as a formula.
pub fn cell(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// A record's cells, each made safe by [`cell`].
pub fn record<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Cow<'a, str>> {
    values.into_iter().map(cell).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_written_as_text_and_other_cells_as_they_are() {
        for (value, written) in [
            ("=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"),
            ("+1 555", "'+1 555"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("AMIR KHAN MOTAQI", "AMIR KHAN MOTAQI"),
            ("Schedule 1, Item 57", "Schedule 1, Item 57"),
            ("0.95", "0.95"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(cell(value), written, "{value:?}");
        }
    }
}

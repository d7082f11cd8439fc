//! Output helpers shared by the subcommands: JSON on standard output, simple text tables, and
//! standard output for streaming writers; every write to standard output ends the program
//! quietly when the reader has gone (`proscribe export | head`).

use anyhow::Result;
use serde::Serialize;

/// Writes a line to standard output. A closed pipe (`proscribe ... | head`) ends the program
/// quietly with success instead of a panic, as command-line tools are expected to.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            $crate::output::write_failed(e);
        }
    }};
}
pub(crate) use outln;

/// Handles a failed write to standard output.
pub fn write_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to standard output: {e}");
    std::process::exit(1);
}

/// Standard output for writers that stream (exports, batches, scores): a failed write ends
/// the program as [`write_failed`] does, quietly on a closed pipe, so that no writer of
/// standard output has to tell a closed pipe from its own errors. Buffer it (`BufWriter`).
pub struct Stdout;

impl std::io::Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(std::io::stdout().lock().write(buf).unwrap_or_else(|e| write_failed(e)))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stdout().lock().flush().unwrap_or_else(|e| write_failed(e));
        Ok(())
    }
}

/// Prints a value as pretty JSON. An object read from the example registry says so in a
/// field `registry: "example"`.
pub fn print_json<T: Serialize>(value: &T) -> Result<()> {
    let mut value = serde_json::to_value(value)?;
    if crate::example_in_use() {
        if let serde_json::Value::Object(o) = &mut value {
            o.insert("registry".into(), "example".into());
        }
    }
    outln!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// Prints rows as a table with columns padded to their widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}  ", w = widths[i]));
            }
        }
        outln!("{}", s.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

//! Computes `PROSCRIBE_INDEX_FINGERPRINT`: a hash of the sources that decide what an index
//! file holds and how a name is prepared (this crate, the text crate, the model and the
//! segment files), so that an index file written by one build is never read by another.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs" || e == "txt" || e == "tsv" || e == "json") {
            out.push(path);
        }
    }
}

fn main() {
    let here = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "../text/src", "../model/src", "../segment/src"] {
        let dir = here.join(dir);
        println!("cargo::rerun-if-changed={}", dir.display());
        sources(&dir, &mut files);
    }
    files.sort();
    // FNV-1a over each file's path (relative to this crate) and bytes.
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for f in &files {
        h.write(f.strip_prefix(&here).unwrap_or(f).to_string_lossy().as_bytes());
        h.write(&std::fs::read(f).unwrap_or_default());
    }
    println!("cargo::rustc-env=PROSCRIBE_INDEX_FINGERPRINT={}-{:016x}", env!("CARGO_PKG_VERSION"), h.finish());
}

struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

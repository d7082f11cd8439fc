//! Segment files written, read back in place, and refused when damaged.

use std::fs;

use proptest::prelude::*;
use proscribe_segment::{remove_leftovers, Column, Segment, SegmentError, SegmentWriter};

fn sample(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("sample.seg");
    let mut w = SegmentWriter::create(&path).unwrap();
    w.add("name", b"abc").unwrap();
    w.add_values("postings", &[1u32, 2, 3, 5, 8]).unwrap();
    w.add_values("weights", &[0.5f32, 1.25]).unwrap();
    w.add_streamed("big", |out| {
        for i in 0..1000u32 {
            out.write_all(&i.to_le_bytes())?;
        }
        Ok(())
    })
    .unwrap();
    w.add("empty", b"").unwrap();
    w.finish().unwrap()
}

#[test]
fn sections_read_back_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let seg = Segment::open(sample(dir.path())).unwrap();
    assert_eq!(seg.names(), ["name", "postings", "weights", "big", "empty"]);
    assert_eq!(seg.bytes("name").unwrap(), b"abc");
    assert_eq!(seg.values::<u32>("postings").unwrap(), [1, 2, 3, 5, 8]);
    assert_eq!(seg.values::<f32>("weights").unwrap(), [0.5, 1.25]);
    let big = seg.values::<u32>("big").unwrap();
    assert_eq!(big.len(), 1000);
    assert!(big.iter().enumerate().all(|(i, &v)| v == i as u32));
    assert!(seg.bytes("empty").unwrap().is_empty());
    assert!(matches!(seg.bytes("absent"), Err(SegmentError::Missing { .. })));
    // Three bytes are no whole number of u32s.
    let err = seg.values::<u32>("name").unwrap_err();
    assert!(err.to_string().contains("section `name` (3 bytes) is no whole number of 4-byte values"), "{err}");
    // Nothing is left beside the segment.
    let files: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(files, ["sample.seg"]);
}

/// A column read from a segment keeps the segment mapped after every other handle is gone,
/// from any thread; an owned column reads alike.
#[test]
fn columns_read_in_place_and_keep_their_segment() {
    let dir = tempfile::tempdir().unwrap();
    let seg = std::sync::Arc::new(Segment::open(sample(dir.path())).unwrap());
    let big: Column<u32> = Column::mapped(&seg, "big").unwrap();
    let postings: Column<u32> = Column::mapped(&seg, "postings").unwrap();
    assert!(Column::<u64>::mapped(&seg, "name").is_err());
    drop(seg);
    let sum = std::thread::spawn(move || big.iter().map(|&v| u64::from(v)).sum::<u64>()).join().unwrap();
    assert_eq!(sum, 999 * 1000 / 2);
    assert_eq!(&postings[..], [1, 2, 3, 5, 8]);
    let owned = Column::from(vec![1u32, 2, 3, 5, 8]);
    assert_eq!(&owned[..], &postings[..]);
    assert!(Column::<u8>::default().is_empty());
}

#[test]
fn a_truncated_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let full = fs::read(&path).unwrap();
    for keep in [0, 10, 63, 64, 100, full.len() - 1] {
        fs::write(&path, &full[..keep]).unwrap();
        let err = Segment::open(&path).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with(&path.display().to_string()), "{text}");
        match keep {
            0..64 => assert!(matches!(err, SegmentError::NotASegment { .. }), "{keep}: {text}"),
            _ => assert!(matches!(err, SegmentError::Length { .. }), "{keep}: {text}"),
        }
    }
    // Appended to: also refused.
    let mut longer = full.clone();
    longer.push(0);
    fs::write(&path, &longer).unwrap();
    assert!(matches!(Segment::open(&path), Err(SegmentError::Length { .. })));
}

#[test]
fn every_flipped_byte_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    let full = fs::read(&path).unwrap();
    // Every byte that carries meaning: flipping it must make the file fail to open. Padding
    // between sections and the header's reserved bytes carry none.
    let seg = Segment::open(&path).unwrap();
    let mut meaningful = vec![false; full.len()];
    meaningful[..64].iter_mut().for_each(|m| *m = true);
    for name in seg.names() {
        let bytes = seg.bytes(name).unwrap();
        let start = bytes.as_ptr() as usize - seg.bytes(&seg.names()[0]).unwrap().as_ptr() as usize + 64;
        meaningful[start..start + bytes.len()].iter_mut().for_each(|m| *m = true);
    }
    let dir_start = full.len() - {
        let d = u64::from_le_bytes(full[32..40].try_into().unwrap());
        d as usize
    };
    meaningful[dir_start..].iter_mut().for_each(|m| *m = true);
    drop(seg);
    let mut found = 0;
    for (at, _) in meaningful.iter().enumerate().filter(|(_, m)| **m) {
        let mut damaged = full.clone();
        damaged[at] ^= 0x20;
        fs::write(&path, &damaged).unwrap();
        assert!(Segment::open(&path).is_err(), "byte {at} flipped went unnoticed");
        found += 1;
    }
    assert!(found > 4000, "{found}");
    // A flipped byte in a section names the section.
    let mut damaged = full.clone();
    damaged[64 + 1] ^= 1;
    fs::write(&path, &damaged).unwrap();
    let err = Segment::open(&path).unwrap_err().to_string();
    assert!(err.ends_with("the section `name` fails its checksum: the file is corrupted"), "{err}");
}

#[test]
fn a_writer_killed_before_finishing_leaves_the_previous_segment() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample(dir.path());
    // A second writer of the same segment dies (here: is forgotten) before finishing.
    let mut w = SegmentWriter::create(&path).unwrap();
    w.add("name", b"new").unwrap();
    std::mem::forget(w);
    assert_eq!(Segment::open(&path).unwrap().bytes("name").unwrap(), b"abc");
    // Its temporary file is this (living) process's: kept; a dead process's is removed.
    let partial: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".partial-"))
        .collect();
    assert_eq!(partial.len(), 1, "{partial:?}");
    assert_eq!(remove_leftovers(dir.path()).unwrap(), 0);
    let dead = dir.path().join(".sample.seg.partial-4194303999-0");
    fs::write(&dead, b"half").unwrap();
    if std::path::Path::new("/proc/self").exists() {
        assert_eq!(remove_leftovers(dir.path()).unwrap(), 1);
        assert!(!dead.exists());
    }
    assert!(path.exists());
    // Dropped unfinished, a writer removes its own file.
    let w = SegmentWriter::create(dir.path().join("other.seg")).unwrap();
    drop(w);
    assert!(!dir.path().join("other.seg").exists());
}

#[test]
fn names_are_refused_when_unusable() {
    let dir = tempfile::tempdir().unwrap();
    let mut w = SegmentWriter::create(dir.path().join("x.seg")).unwrap();
    w.add("a", b"1").unwrap();
    assert!(w.add("a", b"2").unwrap_err().to_string().contains("section `a`: given twice"));
    assert!(w.add("", b"2").is_err());
    assert!(w.add(&"n".repeat(256), b"2").is_err());
    let path = w.finish().unwrap();
    assert_eq!(Segment::open(path).unwrap().names(), ["a"]);
}

#[test]
fn other_files_are_not_segments() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.seg");
    fs::write(&path, vec![b'x'; 200]).unwrap();
    assert!(matches!(Segment::open(&path), Err(SegmentError::NotASegment { .. })));
    let missing = Segment::open(dir.path().join("missing.seg")).unwrap_err();
    assert!(missing.to_string().contains("missing.seg"), "{missing}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any sections, any sizes: read back as written, each aligned for 8-byte values.
    #[test]
    fn any_sections_round_trip(sections in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..12)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.seg");
        let mut w = SegmentWriter::create(&path).unwrap();
        for (i, s) in sections.iter().enumerate() {
            w.add(&format!("s{i}"), s).unwrap();
        }
        w.finish().unwrap();
        let seg = Segment::open(&path).unwrap();
        for (i, s) in sections.iter().enumerate() {
            let got = seg.bytes(&format!("s{i}")).unwrap();
            prop_assert_eq!(got, s.as_slice());
            prop_assert_eq!(got.as_ptr() as usize % 8, 0);
        }
    }
}

/// A section larger than the pieces checksums are computed in (and combined) is checked
/// whole: a byte changed in any piece is found.
#[test]
fn a_large_section_is_checked_in_pieces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.seg");
    let values: Vec<u64> = (0..5_000_000u64).collect();
    let mut w = SegmentWriter::create(&path).unwrap();
    w.add("small", b"abc").unwrap();
    w.add_values("large", &values).unwrap();
    w.finish().unwrap();
    assert_eq!(Segment::open(&path).unwrap().values::<u64>("large").unwrap().len(), 5_000_000);
    let good = fs::read(&path).unwrap();
    for at in [72 + 8, 72 + 17 * 1024 * 1024, good.len() - 200] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x10;
        fs::write(&path, &bytes).unwrap();
        let err = Segment::open(&path).unwrap_err();
        assert!(matches!(err, SegmentError::Checksum { .. }), "byte {at}: {err}");
    }
}

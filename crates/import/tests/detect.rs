//! Planning imports: formats recognised by content, companions grouped, non-lists skipped.

use crate::common::{shared, temp_file};
use proscribe_import::{plan, Error};

#[test]
fn empty_and_unknown_files_are_clear_errors() {
    let (_d, empty) = temp_file("sdn.csv", b"");
    let err = plan(std::slice::from_ref(&empty)).unwrap_err();
    assert!(matches!(err, Error::Empty { .. }), "{err}");
    assert_eq!(err.to_string(), format!("{}: the file is empty", empty.display()));

    let (_d, text) = temp_file("consolidated.xml", b"Dear reader,\nthis is a letter.\n");
    let err = plan(std::slice::from_ref(&text)).unwrap_err().to_string();
    assert!(err.contains("not a list file proscribe can read"), "{err}");
    assert!(err.contains("Dear reader,"), "{err}");

    let (_d, xml) = temp_file("consolidated.xml", b"<?xml version=\"1.0\"?><html><body/></html>");
    let err = plan(&[xml]).unwrap_err().to_string();
    assert!(err.contains("root element <html>"), "{err}");
}

#[test]
fn whole_shared_folder_plans_every_list() {
    let Some(lists) = shared("lists") else { return };
    let plan = plan(&[lists]).unwrap();
    let mut jobs: Vec<String> = plan
        .jobs()
        .map(|j| {
            let mut s = format!("{} {}", j.format.name(), j.path.file_name().unwrap().to_string_lossy());
            for (role, _) in &j.companions {
                s.push_str(&format!(" +{role}"));
            }
            s
        })
        .collect();
    jobs.sort();
    let skipped: Vec<String> =
        plan.skipped().map(|s| s.path.file_name().unwrap().to_string_lossy().to_string()).collect();
    assert_eq!(
        jobs,
        [
            "bis-dpl dpl.txt",
            "ca-sema-xml sema-lmes.xml",
            "dfat-xlsx regulation8_consolidated.xlsx",
            "ofac-csv cons_prim.csv +add +alt +comments",
            "ofac-csv sdn.csv +add +alt +comments",
            "un-xml consolidated-2024-11-30.xml",
            "un-xml consolidated.xml",
            "us-csl consolidated.csv.gz",
        ]
    );
    // The 2025-12 partial set has no sdn.csv: its three files are reported, not imported.
    assert_eq!(skipped, ["add.csv", "alt.csv", "sdn_comments.csv"]);
}

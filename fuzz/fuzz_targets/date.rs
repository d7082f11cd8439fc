//! The date readers: `PartialDate` and `DateValue` from their compact forms, and the lenient
//! reading of dates as lists write them. A date read must print as text that reads back to
//! the same date, and a range must not end before it starts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proscribe_model::{DateValue, PartialDate};

fn check_value(v: &DateValue, text: &str) {
    assert!(v.earliest() <= v.latest(), "{text:?} read as {v:?}, which ends before it starts");
    let printed = v.to_string();
    assert_eq!(printed.parse::<DateValue>().as_ref(), Ok(v), "{text:?} read as {v:?}, printed as {printed:?}");
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(d) = text.parse::<PartialDate>() {
        assert!(d.earliest() <= d.latest(), "{text:?} read as {d:?}");
        let printed = d.to_string();
        assert_eq!(printed.parse::<PartialDate>(), Ok(d), "{text:?} read as {d:?}, printed as {printed:?}");
    }
    if let Ok(v) = text.parse::<DateValue>() {
        check_value(&v, text);
    }
    for day_first in [true, false] {
        if let Ok(v) = DateValue::parse_lenient(text, day_first) {
            check_value(&v, text);
        }
    }
});

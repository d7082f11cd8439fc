//! Recognising list files by content and planning an import: which files are lists, which are
//! parts of a list (the OFAC CSV set), and which are skipped and why.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{formats, input, Error, Format, Job, Limits, Recognised};

/// A file that was not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// Why it was skipped.
    pub reason: String,
}

/// One planned step.
#[derive(Debug, Clone)]
pub enum Entry {
    /// A list to import.
    List(Job),
    /// A file in a folder that is no list by itself.
    Skipped(Skipped),
}

/// What an import of some paths will do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Lists and skipped files, in path order.
    pub entries: Vec<Entry>,
    /// Companion files not named but read because the main file of their set was named alone
    /// and they lie beside it.
    pub found_beside: Vec<PathBuf>,
}

impl Plan {
    /// The lists to import.
    pub fn jobs(&self) -> impl Iterator<Item = &Job> {
        self.entries.iter().filter_map(|e| match e {
            Entry::List(j) => Some(j),
            Entry::Skipped(_) => None,
        })
    }

    /// The files skipped.
    pub fn skipped(&self) -> impl Iterator<Item = &Skipped> {
        self.entries.iter().filter_map(|e| match e {
            Entry::Skipped(s) => Some(s),
            Entry::List(_) => None,
        })
    }
}

/// Recognises the format of one file by its content, reading it within `limits`.
pub fn detect_file(path: &Path, limits: &Limits) -> Result<(&'static dyn Format, Recognised), Error> {
    let sample = input::sample_within(path, limits)?;
    if sample.head.is_empty() && !sample.zip {
        return Err(Error::Empty { path: path.display().to_string() });
    }
    for format in formats() {
        if let Some(r) = format.recognise(&sample) {
            return Ok((*format, r));
        }
    }
    Err(Error::UnknownFormat { path: path.display().to_string(), detail: describe(&sample) })
}

/// A short description of content no format recognised, for the error message.
fn describe(sample: &crate::Sample) -> String {
    if sample.zip {
        return "a zip archive (xlsx?) without the columns of a known list".into();
    }
    if std::str::from_utf8(&sample.head).is_err() && sample.head.len() < input::SAMPLE_BYTES {
        return "binary or non-UTF-8 content".into();
    }
    if let Some(root) = sample.xml_root() {
        return format!("XML with root element <{root}>, which is no list format proscribe knows");
    }
    let text = sample.text();
    let first = text.lines().next().unwrap_or("").chars().take(80).collect::<String>();
    format!("first line {first:?} matches no known list format")
}

struct Found {
    path: PathBuf,
    format: &'static dyn Format,
    recognised: Recognised,
}

/// Plans the import of files and folders. Folders are walked recursively in name order;
/// files in them that are not lists are reported as skipped. A file named explicitly that is
/// not a list (or is a companion without its main file) is an error. The jobs keep to the
/// default [`Limits`].
pub fn plan(paths: &[PathBuf]) -> Result<Plan, Error> {
    plan_within(paths, &Limits::default())
}

/// Plans the import of files and folders as [`plan`] does, with jobs that keep to `limits`.
/// A file over the limits is an error even in a folder: it is refused, not skipped.
pub fn plan_within(paths: &[PathBuf], limits: &Limits) -> Result<Plan, Error> {
    let mut found: Vec<(Found, bool)> = Vec::new();
    let mut entries = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut files: Vec<PathBuf> = walkdir::WalkDir::new(path)
                .sort_by_file_name()
                .into_iter()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_type().is_file())
                .map(|e| e.into_path())
                .collect();
            files.sort();
            for file in files {
                let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                if name.starts_with('.') || name.ends_with(".md") {
                    continue;
                }
                match detect_file(&file, limits) {
                    Ok((format, recognised)) => found.push((Found { path: file, format, recognised }, false)),
                    Err(e @ (Error::UnknownFormat { .. } | Error::Empty { .. })) => {
                        entries.push(Entry::Skipped(Skipped { path: file, reason: skip_reason(&e) }));
                    }
                    Err(e) => return Err(e),
                }
            }
        } else {
            let (format, recognised) = detect_file(path, limits)?;
            found.push((Found { path: path.clone(), format, recognised }, true));
        }
    }

    let found_beside = companions_beside(&mut found, limits);

    // Main files by folder, so companions can find theirs.
    let mut jobs: Vec<Job> = Vec::new();
    let mut mains: BTreeMap<(PathBuf, String), usize> = BTreeMap::new();
    for (f, _) in &found {
        if f.recognised == Recognised::List {
            let dir = f.path.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = file_name(&f.path);
            mains.insert((dir, name), jobs.len());
            jobs.push(Job {
                format: f.format,
                path: f.path.clone(),
                companions: Vec::new(),
                source_id: f.format.source_id(&f.path),
                limits: *limits,
            });
        }
    }
    for (f, explicit) in found {
        let Recognised::Companion { role, main } = f.recognised else { continue };
        let dir = f.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let owner = main.iter().find_map(|m| mains.get(&(dir.clone(), m.clone())).copied());
        match owner {
            Some(i) if jobs[i].format.name() == f.format.name() => jobs[i].companions.push((role, f.path)),
            _ => {
                let reason = format!(
                    "{} file of the {} format is no list by itself: it needs {} in the same folder",
                    role,
                    f.format.name(),
                    main.join(" or ")
                );
                if explicit {
                    return Err(Error::NotAList { path: f.path.display().to_string(), detail: reason });
                }
                entries.push(Entry::Skipped(Skipped { path: f.path, reason }));
            }
        }
    }
    entries.extend(jobs.into_iter().map(Entry::List));
    entries.sort_by(|a, b| entry_path(a).cmp(entry_path(b)));
    Ok(Plan { entries, found_beside })
}

/// Adds to `found` the companions that lie beside a main file named alone, so that its set is
/// read whole: OFAC's `sdn.csv` without `alt.csv` would drop every alias. Returns their paths.
fn companions_beside(found: &mut Vec<(Found, bool)>, limits: &Limits) -> Vec<PathBuf> {
    let named: Vec<(PathBuf, &'static str)> = found
        .iter()
        .filter(|(f, explicit)| *explicit && f.recognised == Recognised::List)
        .map(|(f, _)| (f.path.clone(), f.format.name()))
        .collect();
    let mut added = Vec::new();
    for (main, format) in named {
        let dir = main.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let Ok(read) = std::fs::read_dir(dir) else { continue };
        let mut siblings: Vec<PathBuf> = read
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| main.with_file_name(e.file_name()))
            .collect();
        siblings.sort();
        let name = file_name(&main);
        for path in siblings {
            if found.iter().any(|(f, _)| f.path == path) {
                continue;
            }
            let Ok((f, recognised)) = detect_file(&path, limits) else { continue };
            let Recognised::Companion { main: mains, .. } = &recognised else { continue };
            if f.name() == format && mains.contains(&name) {
                added.push(path.clone());
                found.push((Found { path, format: f, recognised }, false));
            }
        }
    }
    added
}

fn skip_reason(e: &Error) -> String {
    match e {
        Error::UnknownFormat { detail, .. } => format!("not a list file: {detail}"),
        Error::Empty { .. } => "the file is empty".into(),
        other => other.to_string(),
    }
}

fn entry_path(e: &Entry) -> &Path {
    match e {
        Entry::List(j) => &j.path,
        Entry::Skipped(s) => &s.path,
    }
}

fn file_name(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_main_file_named_alone_is_read_with_its_companions_beside_it() {
        let sdn = proscribe_testkit::fixture("ofac/sdn.csv");
        let plan = plan(std::slice::from_ref(&sdn)).unwrap();
        let jobs: Vec<&Job> = plan.jobs().collect();
        assert_eq!(jobs.len(), 1);
        let mut roles: Vec<&str> = jobs[0].companions.iter().map(|(r, _)| r.as_str()).collect();
        roles.sort();
        assert_eq!(roles, ["add", "alt", "comments"]);
        let beside: Vec<String> = plan.found_beside.iter().map(|p| file_name(p)).collect();
        assert_eq!(beside, ["add.csv", "alt.csv", "sdn_comments.csv"]);
        // Named with its set, nothing is found beside it.
        let dir = proscribe_testkit::fixture("ofac");
        assert!(plan_of(&[dir]).found_beside.is_empty());
    }

    fn plan_of(paths: &[PathBuf]) -> Plan {
        plan(paths).unwrap()
    }
}

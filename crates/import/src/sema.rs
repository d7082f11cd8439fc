//! The `ca-sema-xml` format: Canada's Consolidated Autonomous Sanctions List as XML
//! (`<data-set><record>...`), which covers the Special Economic Measures Act (SEMA)
//! regulations and the Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR).
//!
//! Each record names the regime in `Country` (English and French, "Burma / Birmanie"), its
//! place in the regulation (`Schedule`, `Item`), and either a person (`LastName`, `GivenName`,
//! `Title`, `DateOfBirth`) or an organisation (`Entity`). The regime is the program and, when
//! it is a country, a country the entity is linked to, not its nationality. The entity id is
//! `ca-sema-` + slug(English regime) + `-` + Schedule + `-` + Item.
//!
//! `Aliases` is free text. It is split at commas that separate names (not the one in
//! "Co., Ltd."), at the slash between the English and the French list, and at the French "et"
//! before the last name. For persons on the Russia and Ukraine schedules, aliases are often
//! only variants of the surname (`PASHENKO`) or of the first given name (`Andrei`); these are
//! completed with the rest of the primary name, while nicknames (`Motorola`) become weak
//! aliases.

use std::path::Path;

use proscribe_model::{
    slug, Authority, AuthorityKind, CountryRole, DateFact, Designation, Entity, ListInfo, ListKind, Name, NameKind,
    NamePart, PartKind, Schema, SourceInfo, Text,
};

use crate::xmltree::{Node, RecordCtx, Records};
use crate::{util, EntitySink, Error, Format, Job, Recognised, Report, Sample};

/// The `ca-sema-xml` format.
#[derive(Debug)]
pub struct CaSema;

const ROOT: &str = "data-set";
const SOURCE_ID: &str = "ca-sema";
const AUTHORITY_ID: &str = "ca-gac";

/// Elements of a record this importer reads; others are kept as remarks and reported once.
const KNOWN: [&str; 9] =
    ["Country", "Entity", "LastName", "GivenName", "Title", "DateOfBirth", "Aliases", "Schedule", "Item"];

impl Format for CaSema {
    fn name(&self) -> &'static str {
        "ca-sema-xml"
    }

    fn recognise(&self, sample: &Sample) -> Option<Recognised> {
        // `data-set` is a generic root name: the records must have the list's own fields.
        let text = sample.text();
        let fields = text.contains("<Schedule>") || text.contains("<Item>");
        (sample.xml_root().as_deref() == Some(ROOT)
            && text.contains("<record>")
            && text.contains("<Country>")
            && fields)
            .then_some(Recognised::List)
    }

    fn source_id(&self, _path: &Path) -> String {
        SOURCE_ID.into()
    }

    fn parse(&self, job: &Job, sink: &mut dyn EntitySink) -> Result<Report, Error> {
        let (mut records, _root) = Records::open_root(&job.path, ROOT, &job.limits)?;
        let mut ctx = RecordCtx::new(&job.path, source_info());
        while let Some(node) = records.next(&["record"])? {
            ctx.start(&node, Some(record_label(&node)));
            if let Some(entity) = record_entity(&node, &mut ctx) {
                ctx.emit_once(sink, entity, "record")?;
            }
        }
        Ok(ctx.finish())
    }
}

fn source_info() -> SourceInfo {
    SourceInfo {
        id: SOURCE_ID.into(),
        title: "Consolidated Canadian Autonomous Sanctions List".into(),
        format: "ca-sema-xml".into(),
        published: None,
        authorities: vec![Authority {
            id: AUTHORITY_ID.into(),
            name: "Global Affairs Canada".into(),
            country: util::country("ca"),
            kind: AuthorityKind::Ministry,
        }],
        lists: vec![ListInfo {
            id: SOURCE_ID.into(),
            title: "Consolidated Canadian Autonomous Sanctions List".into(),
            authority: AUTHORITY_ID.into(),
            kind: ListKind::Sanctions,
            url: Some(
                "https://www.international.gc.ca/world-monde/international_relations-relations_internationales/sanctions/consolidated-consolide.aspx"
                    .into(),
            ),
        }],
    }
}

/// "Burma, schedule 1, item 5", to name a record in diagnostics.
fn record_label(node: &Node) -> String {
    let regime = node.child_value("Country").map(|c| bilingual(&c).0).unwrap_or_default();
    let schedule = node.child_value("Schedule").unwrap_or_else(|| "-".into());
    let item = node.child_value("Item").unwrap_or_else(|| "-".into());
    format!("{regime}, schedule {schedule}, item {item}")
}

fn record_entity(node: &Node, ctx: &mut RecordCtx) -> Option<Entity> {
    let (Some(country), Some(item)) = (node.child_value("Country"), node.child_value("Item")) else {
        ctx.skip("record without Country or Item: skipped, as it has no stable id");
        return None;
    };
    let regime = bilingual(&country).0;
    let schedule = node.child_value("Schedule");
    let id = format!("ca-sema-{}-{}-{}", slug(&regime), slug(schedule.as_deref().unwrap_or("N/A")), slug(&item));
    let last = node.child_value("LastName");
    let given = node.child_value("GivenName");
    let entity_name = node.child_value("Entity");
    let mut e = match (&entity_name, &last, &given) {
        (Some(name), _, _) => organisation(&id, name),
        (None, None, None) => {
            ctx.skip("record names neither an Entity nor a person: skipped");
            return None;
        }
        (None, _, _) => person(&id, last.as_deref(), given.as_deref()),
    };
    if let Some(aliases) = node.child_value("Aliases") {
        add_aliases(&aliases, last.as_deref(), given.as_deref(), &mut e);
    }
    if let Some(title) = node.child_value("Title") {
        e.positions.push(Text::new(bilingual(&title).0, "Title"));
    }
    if let Some(dob) = node.child_value("DateOfBirth") {
        birth_dates(&dob, &mut e, ctx);
    }
    if let Some(c) = util::country(&regime).or_else(|| util::country(&country)) {
        e.add_country(c, CountryRole::Linked, Some("Country".into()));
    } else if !regime.contains("Regulations") {
        ctx.skip(format!("Country {regime:?} is no country in the table: kept as the program only"));
    }
    for child in &node.children {
        if KNOWN.contains(&child.name.as_str()) {
            continue;
        }
        if ctx.first_unknown(&child.name) {
            ctx.skip(format!(
                "element <{}> is not read by this importer: kept as a remark (reported once per file)",
                child.name
            ));
        }
        if let Some(v) = child.value() {
            e.remarks.push(Text::new(format!("{}: {v}", child.name), child.name.clone()));
        }
    }
    e.designations.push(designation(&regime, schedule.as_deref(), &item));
    Some(e)
}

/// An organisation; a company when its name has a legal form ("Ltd.", "JSC"). A name given in
/// English and French is the primary name and a French alias.
fn organisation(id: &str, name: &str) -> Entity {
    let (english, french) = bilingual(name);
    let schema = if has_legal_form(&english) { Schema::Company } else { Schema::Organization };
    let mut e = Entity::new(id, schema);
    e.add_name(Name::new(english, NameKind::Primary).at("Entity"));
    if let Some(fr) = french {
        let mut n = Name::new(fr, NameKind::Alias).at("Entity");
        n.lang = Some("fr".into());
        e.add_name(n);
    }
    e
}

/// A person named by `GivenName` and `LastName`. A surname variant in parentheses
/// ("DIKIY (DIKY)") becomes an alias.
fn person(id: &str, last: Option<&str>, given: Option<&str>) -> Entity {
    let mut e = Entity::new(id, Schema::Person);
    let (last, variant) = match last {
        Some(l) => {
            let (base, variant) = parenthesised(l);
            (Some(base), variant)
        }
        None => (None, None),
    };
    e.add_name(full_name(given, last.as_deref(), NameKind::Primary, "GivenName+LastName"));
    if let Some(v) = variant {
        e.add_name(full_name(given, Some(&v), NameKind::Alias, "LastName"));
    }
    e
}

fn full_name(given: Option<&str>, last: Option<&str>, kind: NameKind, src: &str) -> Name {
    let mut parts = given.map(given_parts).unwrap_or_default();
    if let Some(l) = last {
        parts.push(NamePart { kind: PartKind::Family, value: l.to_string() });
    }
    let full = parts.iter().map(|p| p.value.as_str()).collect::<Vec<_>>().join(" ");
    let mut name = Name::new(full, kind).at(src);
    if parts.len() > 1 {
        name.parts = parts;
    }
    name
}

/// The parts of a `GivenName`: a last word with a Russian or Ukrainian patronymic ending
/// ("Aleksey Mikhailovich", "Myroslav Oleksandrovych") is the patronymic.
fn given_parts(given: &str) -> Vec<NamePart> {
    let words: Vec<&str> = given.split_whitespace().collect();
    let patronymic = |w: &str| {
        let w = w.to_lowercase();
        ["vich", "vna", "vych", "ichna"].iter().any(|s| w.ends_with(s)) && w.chars().count() > 5
    };
    match words.split_last() {
        Some((last, first)) if !first.is_empty() && patronymic(last) => vec![
            NamePart { kind: PartKind::Given, value: first.join(" ") },
            NamePart { kind: PartKind::Patronymic, value: last.to_string() },
        ],
        _ => vec![NamePart { kind: PartKind::Given, value: given.to_string() }],
    }
}

/// Splits "Adanov (Adnuf)" into the name and the variant in parentheses.
fn parenthesised(text: &str) -> (String, Option<String>) {
    if let (Some(open), true) = (text.find('('), text.trim_end().ends_with(')')) {
        let base = text[..open].trim();
        let inner = text[open + 1..text.trim_end().len() - 1].trim();
        if !base.is_empty() && !inner.is_empty() {
            return (base.to_string(), Some(inner.to_string()));
        }
    }
    (text.trim().to_string(), None)
}

/// Splits a value written "English / French" or "English/French" at the first slash outside
/// parentheses ("MEC Steel Mills (Hmaw Bi/Pyi/Ywama)" has none).
fn bilingual(text: &str) -> (String, Option<String>) {
    let mut depth = 0i32;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '/' if depth == 0 => {
                let en = util::clean(&text[..i]);
                let fr = util::clean(&text[i + 1..]);
                if let (Some(en), Some(fr)) = (en, fr) {
                    return (en, Some(fr));
                }
            }
            _ => {}
        }
    }
    (util::clean(text).unwrap_or_default(), None)
}

/// Legal forms of companies, written without full stops and in lower case.
const LEGAL_FORMS: [&str; 38] = [
    "ltd",
    "limited",
    "llc",
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "jsc",
    "ojsc",
    "pjsc",
    "cjsc",
    "oao",
    "zao",
    "ooo",
    "pao",
    "tov",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "sas",
    "pte",
    "pjs",
    "plc",
    "bv",
    "nv",
    "spa",
    "lp",
    "llp",
    "fze",
    "fzco",
    "fzc",
    "fzllc",
    "kg",
    "ssk",
    "ojs",
];

fn is_legal_form(word: &str) -> bool {
    let w: String = word.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
    !w.is_empty() && LEGAL_FORMS.contains(&w.as_str())
}

/// Whether a name contains a company's legal form as a word.
pub(crate) fn has_legal_form(name: &str) -> bool {
    name.split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')').any(is_legal_form)
}

/// One alias read from the `Aliases` text, with its language when it comes from the French
/// half of a bilingual list.
#[derive(Debug, Clone, PartialEq)]
struct AliasText {
    text: String,
    french: bool,
}

/// Splits the `Aliases` text into names: the English and French lists at the first slash
/// outside parentheses, each at commas outside parentheses (a piece that is only a legal form,
/// like the "Ltd." of "Co., Ltd.", stays with the name before it), and the French list also at
/// " et " before its last name. Enclosing parentheses and quotation marks are dropped.
fn split_aliases(text: &str) -> Vec<AliasText> {
    let (english, french) = bilingual(text);
    let mut out = Vec::new();
    for (list, is_french) in [(Some(english), false), (french, true)] {
        let Some(list) = list else { continue };
        let mut items = split_commas(&list);
        // "A, B et C": the French "and" before the last name of an enumeration. A single
        // name keeps its "et" ("... du stockage et de la distribution ...").
        if is_french && items.len() > 1 {
            if let Some(last) = items.pop() {
                items.extend(last.split(" et ").map(str::to_string));
            }
        }
        for item in items {
            let item = item.trim().trim_matches(|c| c == '"' || c == '“' || c == '”').trim();
            let item = match item.strip_prefix('(').and_then(|i| i.strip_suffix(')')) {
                Some(inner) if !inner.contains('(') => inner.trim(),
                _ => item,
            };
            if let Some(clean) = util::clean(item) {
                out.push(AliasText { text: clean, french: is_french });
            }
        }
    }
    out
}

/// Splits at commas outside parentheses, keeping legal forms with the name before them.
fn split_commas(text: &str) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ => {}
        }
        if c == ',' && depth == 0 {
            pieces.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    pieces.push(current);
    let mut out: Vec<String> = Vec::new();
    for piece in pieces {
        let only_forms = piece.split_whitespace().count() > 0 && piece.split_whitespace().all(is_legal_form);
        match out.last_mut() {
            Some(prev) if only_forms => {
                prev.push(',');
                prev.push_str(&piece);
            }
            _ => out.push(piece),
        }
    }
    out.into_iter().filter(|p| !p.trim().is_empty()).collect()
}

/// Whether a word is written in capitals (the Russia and Ukraine schedules write surnames so).
fn is_caps(word: &str) -> bool {
    word.chars().any(char::is_alphabetic) && word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase)
}

/// Edit distance between two words, by characters, ignoring case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            row.push((prev[j] + cost).min(prev[j + 1] + 1).min(row[j] + 1));
        }
        prev = row;
    }
    prev[b.len()]
}

/// Whether `alias` is a spelling variant of the given name `given` ("Andrei" of "Andrey",
/// "Evgeniy" of "Evgeny") rather than a nickname ("Motorola" of "Arseny"): at most half of the
/// letters differ.
fn is_spelling_variant(alias: &str, given: &str) -> bool {
    let longest = alias.chars().count().max(given.chars().count());
    edit_distance(alias, given) * 2 <= longest
}

/// How one alias of a person is read, given the person's names.
fn person_alias(alias: &str, last: Option<&str>, given: Option<&str>) -> (String, NameKind) {
    let words: Vec<&str> = alias.split_whitespace().collect();
    let (Some(last), Some(given)) = (last, given) else {
        return (alias.to_string(), if words.len() > 1 { NameKind::Alias } else { NameKind::WeakAlias });
    };
    let last = parenthesised(last).0;
    if !is_caps(&last) {
        // Other schedules write whole names as aliases.
        return (alias.to_string(), if words.len() > 1 { NameKind::Alias } else { NameKind::WeakAlias });
    }
    let given_words: Vec<&str> = given.split_whitespace().collect();
    match words.as_slice() {
        [surname] if is_caps(surname) => (format!("{given} {surname}"), NameKind::Alias),
        [first] if given_words.first().is_some_and(|g| is_spelling_variant(first, g)) => {
            let mut full = vec![*first];
            full.extend(&given_words[1..]);
            full.push(&last);
            (full.join(" "), NameKind::Alias)
        }
        [_] => (alias.to_string(), NameKind::WeakAlias),
        many if many.iter().any(|w| is_caps(w)) => (alias.to_string(), NameKind::Alias),
        _ => (format!("{alias} {last}"), NameKind::Alias),
    }
}

fn add_aliases(text: &str, last: Option<&str>, given: Option<&str>, e: &mut Entity) {
    let is_person = e.schema == Schema::Person;
    for alias in split_aliases(text) {
        let (full, kind) =
            if is_person { person_alias(&alias.text, last, given) } else { (alias.text.clone(), NameKind::Alias) };
        let mut name = Name::new(full, kind).at("Aliases");
        if alias.french {
            name.lang = Some("fr".into());
        }
        e.add_name(name);
    }
}

/// `DateOfBirth`: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or two dates joined by "or".
fn birth_dates(text: &str, e: &mut Entity, ctx: &mut RecordCtx) {
    for part in text.split(" or ") {
        match util::date(part, true) {
            Ok(date) => e.birth_dates.push(DateFact { date, src: Some("DateOfBirth".into()) }),
            Err(why) => {
                ctx.skip(format!("DateOfBirth {part:?}: {why}: kept as a remark"));
                e.remarks.push(Text::new(format!("Date of birth: {part}"), "DateOfBirth"));
            }
        }
    }
}

/// The entry: the regime as program, its place in the schedule as reference, and the
/// regulation as legal basis. Every SEMA regulation is titled "Special Economic Measures
/// (<regime>) Regulations"; the JVCFOR regime is named by its regulation already.
fn designation(regime: &str, schedule: Option<&str>, item: &str) -> Designation {
    let mut d = Designation::new(AUTHORITY_ID, SOURCE_ID);
    d.programs.push(regime.to_string());
    let schedule = schedule.filter(|s| !s.eq_ignore_ascii_case("N/A"));
    d.reference = Some(match schedule {
        Some(s) => format!("Schedule {s}, Item {item}"),
        None => format!("Item {item}"),
    });
    let regulation = if regime.contains("Regulations") {
        regime.to_string()
    } else {
        format!("Special Economic Measures ({regime}) Regulations")
    };
    d.legal_basis = Some(match schedule {
        Some(s) => format!("{regulation}, Schedule {s}"),
        None => regulation,
    });
    d.src = Some("Schedule+Item".into());
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split_aliases(text).into_iter().map(|a| if a.french { format!("fr:{}", a.text) } else { a.text }).collect()
    }

    #[test]
    fn aliases_split_at_name_boundaries_only() {
        let cases: [(&str, &[&str]); 11] = [
            ("Air Bagan Holdings Pte. Ltd., Air Bagan Limited", &["Air Bagan Holdings Pte. Ltd.", "Air Bagan Limited"]),
            ("Shwe Trading Co., Ltd., Shwe Group", &["Shwe Trading Co., Ltd.", "Shwe Group"]),
            ("Technodinamica Holding, JSC, Technodinamika", &["Technodinamica Holding, JSC", "Technodinamika"]),
            ("Alpha S.A., Beta GmbH", &["Alpha S.A.", "Beta GmbH"]),
            ("(Rosselkhozbank)", &["Rosselkhozbank"]),
            ("Yevgeny, Yevgeni, Evgeni, Evgeniy ", &["Yevgeny", "Yevgeni", "Evgeni", "Evgeniy"]),
            (
                "Syrian Company for the Storage/Entreprise syrienne en charge du stockage",
                &["Syrian Company for the Storage", "fr:Entreprise syrienne en charge du stockage"],
            ),
            ("GORT/ORTAS", &["GORT", "fr:ORTAS"]),
            (
                "Storage and Distribution/Stockage et distribution",
                &["Storage and Distribution", "fr:Stockage et distribution"],
            ),
            (
                "IRGC, Sepah-e Pasdaran/GRI, CGRI, Sepah-e Pasdaran et Pasdaran",
                &["IRGC", "Sepah-e Pasdaran", "fr:GRI", "fr:CGRI", "fr:Sepah-e Pasdaran", "fr:Pasdaran"],
            ),
            ("Steel Mills (Hmaw Bi/Pyi), \"Myanmar Steel\"", &["Steel Mills (Hmaw Bi/Pyi)", "Myanmar Steel"]),
        ];
        for (input, expect) in cases {
            assert_eq!(texts(input), expect, "{input}");
        }
    }

    #[test]
    fn person_aliases_completed_from_the_primary_name() {
        let cases = [
            ("PASHENKO", "PASHCHENKO", "Natalya Aleksandrovna", "Natalya Aleksandrovna PASHENKO", NameKind::Alias),
            ("Andrei", "AKIMOV", "Andrey Igorevich", "Andrei Igorevich AKIMOV", NameKind::Alias),
            ("Evgeniy", "GRABCHAK", "Evgeny Petrovich", "Evgeniy Petrovich GRABCHAK", NameKind::Alias),
            ("Oleksii SALYAYEV", "SALYAEV", "Aleksey Mikhailovich", "Oleksii SALYAYEV", NameKind::Alias),
            (
                "Alexander Alexandrovich",
                "ZHAROV",
                "Aleksandr Aleksandrovich",
                "Alexander Alexandrovich ZHAROV",
                NameKind::Alias,
            ),
            ("Motorola", "PAVLOV", "Arseny", "Motorola", NameKind::WeakAlias),
            ("Givi", "TOLSTYKH", "Mikhail", "Givi", NameKind::WeakAlias),
            ("Arina", "NOVOSELSKAYA", "Vera Vadimovna", "Arina", NameKind::WeakAlias),
            ("Ekaterina", "ALTABAEVA", "Yekaterina Borisovna", "Ekaterina Borisovna ALTABAEVA", NameKind::Alias),
            ("Shwe Mann Ko Ko", "Mann", "Aung Thet", "Shwe Mann Ko Ko", NameKind::Alias),
            ("Aws Aslan", "Aslan", "Aous", "Aws Aslan", NameKind::Alias),
            ("ERYGIN", "YERYGIN", "Vladimir Vladimirovich", "Vladimir Vladimirovich ERYGIN", NameKind::Alias),
        ];
        for (alias, last, given, full, kind) in cases {
            assert_eq!(person_alias(alias, Some(last), Some(given)), (full.to_string(), kind), "{alias}");
        }
    }

    #[test]
    fn patronymics_in_given_names() {
        let show = |g: &str| given_parts(g).iter().map(|p| format!("{:?}:{}", p.kind, p.value)).collect::<Vec<_>>();
        assert_eq!(show("Aleksey Mikhailovich"), ["Given:Aleksey", "Patronymic:Mikhailovich"]);
        assert_eq!(show("Natalya Aleksandrovna"), ["Given:Natalya", "Patronymic:Aleksandrovna"]);
        assert_eq!(show("Myroslav Oleksandrovych"), ["Given:Myroslav", "Patronymic:Oleksandrovych"]);
        assert_eq!(show("Mohammad Nidal"), ["Given:Mohammad Nidal"]);
        assert_eq!(show("Ivanovich"), ["Given:Ivanovich"]);
        assert_eq!(show("Louise S."), ["Given:Louise S."]);
    }

    #[test]
    fn spelling_variants_and_nicknames() {
        for (a, b) in [
            ("Andrei", "Andrey"),
            ("Aleksei", "Alexey"),
            ("Serhii", "Sergey"),
            ("Lydia", "Lidia"),
            ("Oleksii", "Aleksey"),
        ] {
            assert!(is_spelling_variant(a, b), "{a} {b}");
        }
        for (a, b) in
            [("Motorola", "Arseny"), ("Batya", "Pavel"), ("Fritz", "Alexey"), ("Serbian", "Alexey"), ("Arina", "Vera")]
        {
            assert!(!is_spelling_variant(a, b), "{a} {b}");
        }
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn bilingual_values_and_legal_forms() {
        assert_eq!(bilingual("Burma / Birmanie"), ("Burma".into(), Some("Birmanie".into())));
        assert_eq!(bilingual("Venezuela "), ("Venezuela".into(), None));
        assert_eq!(
            bilingual("MEC Steel Mills (Hmaw Bi/Pyi/Ywama)"),
            ("MEC Steel Mills (Hmaw Bi/Pyi/Ywama)".into(), None)
        );
        assert_eq!(
            bilingual(
                "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR) / \u{a0}Règlement (RJVDEC)"
            )
            .0,
            "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)"
        );
        assert_eq!(parenthesised("DIKIY (DIKY)"), ("DIKIY".into(), Some("DIKY".into())));
        assert_eq!(parenthesised("Adanov\u{a0}(Adnuf)"), ("Adanov".into(), Some("Adnuf".into())));
        assert_eq!(parenthesised("GIRKIN"), ("GIRKIN".into(), None));
        for name in
            ["Bandoola Transportation Co. Ltd.", "Technodinamica Holding, JSC", "Alp Company (PJS)", "Profaktor, TOV"]
        {
            assert!(has_legal_form(name), "{name}");
        }
        for name in ["Iranian Army", "Central Bank of Syria", "Dagon Brewery", "Costa Coffee"] {
            assert!(!has_legal_form(name), "{name}");
        }
    }
}

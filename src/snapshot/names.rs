//! Safe names: resource and locale names, chosen by users, turned into folder names that every
//! file system accepts and that can never lead outside the snapshot tree.
//!
//! [`safe`] applies the contract's rule, plus decisions where the contract is silent:
//! - Unicode default-ignorable characters (zero-width spaces and joiners, bidi controls, variation
//!   selectors, the BOM, ...) are removed: they are invisible, so two folders that look the same
//!   could differ only by them, and some file systems drop them;
//! - the name is put in Unicode NFC (macOS stores names decomposed and compares them
//!   normalisation-insensitively; git on macOS precomposes);
//! - `/`, `\`, control characters and `:*?"<>|` each become `_`;
//! - a leading `.` becomes `_` (so no `.`, `..`, hidden file or `.git`);
//! - the result is cut to at most [`MAX_BYTES`] bytes of UTF-8 on a character boundary, then
//!   trailing dots and spaces are removed (Windows drops them silently);
//! - only then, on what is left, Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`,
//!   `LPT0`-`LPT9`, also `COM¹`.., in any case, alone or before an extension as in `nul.txt`) and
//!   `git~1` (the NTFS short name of `.git`, which git refuses) get a leading `_` (Windows cannot
//!   create such a file at all), cut again to [`MAX_BYTES`] if that made it longer;
//! - an empty result becomes `_`.
//!
//! A resource folder is `<safe name>--<safe id>`; a locale folder is the safe locale name, with
//! `--<safe locale id>` only where names would collide. Names collide when their [`fold_key`]s are
//! equal: NFC and full Unicode case folding (`Straße` and `STRASSE`, `Å` as one code point or as
//! `A` and a ring), so two names that one file system would merge never share a folder.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;

/// The longest safe name, in bytes of UTF-8 (the `--<id>` suffix comes on top).
pub const MAX_BYTES: usize = 64;

/// The longest path segment a snapshot holds, in bytes: what every file system accepts.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// What replaces every character a file system could refuse.
const REPLACEMENT: char = '_';

/// Characters that Windows refuses in a name, besides the control characters and the separators.
const FORBIDDEN: &[char] = &['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

/// `name` made safe as a single path segment (see the module documentation for the rule).
pub fn safe(name: &str) -> String {
    let visible: String = name.chars().filter(|&c| !is_default_ignorable(c)).collect();
    let mut out: String = visible
        .nfc()
        .map(|c| {
            if c.is_control() || FORBIDDEN.contains(&c) {
                REPLACEMENT
            } else {
                c
            }
        })
        .collect();
    if out.starts_with('.') {
        out.replace_range(..1, "_");
    }
    cut(&mut out);
    if is_reserved(&out) {
        out.insert(0, REPLACEMENT);
        cut(&mut out);
    }
    if out.is_empty() {
        out.push(REPLACEMENT);
    }
    out
}

/// Cuts `name` to at most [`MAX_BYTES`] on a character boundary, then takes off trailing dots and spaces.
fn cut(name: &mut String) {
    if name.len() > MAX_BYTES {
        let end = (0..=MAX_BYTES).rev().find(|&i| name.is_char_boundary(i)).unwrap_or(0);
        name.truncate(end);
    }
    name.truncate(name.trim_end_matches(['.', ' ']).len());
}

/// What two names that one file system would merge have in common: NFC, then full Unicode case
/// folding. Folders are unique by this key.
pub fn fold_key(name: &str) -> String {
    let composed: String = name.nfc().collect();
    caseless::default_case_fold_str(&composed).nfc().collect()
}

/// Whether `c` is a Unicode default-ignorable code point (`Default_Ignorable_Code_Point` of
/// DerivedCoreProperties.txt, Unicode 15.1): shown as nothing, so never part of a safe name.
fn is_default_ignorable(c: char) -> bool {
    const RANGES: &[(u32, u32)] = &[
        (0x00AD, 0x00AD),
        (0x034F, 0x034F),
        (0x061C, 0x061C),
        (0x115F, 0x1160),
        (0x17B4, 0x17B5),
        (0x180B, 0x180F),
        (0x200B, 0x200F),
        (0x202A, 0x202E),
        (0x2060, 0x206F),
        (0x3164, 0x3164),
        (0xFE00, 0xFE0F),
        (0xFEFF, 0xFEFF),
        (0xFFA0, 0xFFA0),
        (0xFFF0, 0xFFF8),
        (0x1BCA0, 0x1BCA3),
        (0x1D173, 0x1D17A),
        (0xE0000, 0xE0FFF),
    ];
    let c = u32::from(c);
    RANGES.iter().any(|&(low, high)| (low..=high).contains(&c))
}

/// Whether `segment` keeps the rule [`safe`] applies: something in NFC, without control
/// characters, default-ignorable characters, separators or `:*?"<>|`, no leading dot, no trailing
/// dot or space, no device name, and at most
/// [`MAX_SEGMENT_BYTES`] (a folder may join a safe name and a safe id, and a number).
pub fn is_safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment.len() <= MAX_SEGMENT_BYTES
        && !segment.starts_with('.')
        && !segment.ends_with(['.', ' '])
        && !segment
            .chars()
            .any(|c| c.is_control() || FORBIDDEN.contains(&c) || is_default_ignorable(c))
        && unicode_normalization::is_nfc(segment)
        && !is_reserved(segment)
}

/// Whether Windows (or git on NTFS) refuses `name` whatever the folder: a device name or `git~1`,
/// alone or before an extension, in any case, trailing spaces ignored.
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or_default().trim_end_matches(' ');
    let upper = stem.to_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "GIT~1" => true,
        _ => ["COM", "LPT"].iter().any(|device| {
            upper.strip_prefix(device).is_some_and(|n| {
                let mut chars = n.chars();
                chars.next().is_some_and(|c| "0123456789¹²³".contains(c)) && chars.next().is_none()
            })
        }),
    }
}

/// The folder of a resource: `<safe name>--<safe id>`.
pub fn resource_folder(name: &str, id: &str) -> String {
    format!("{}--{}", safe(name), safe(id))
}

/// The human name and the id part of a resource folder (split at the last `--`); a folder
/// without `--` is all id, and its name is the folder itself.
pub fn split_resource_folder(folder: &str) -> (&str, &str) {
    folder.rsplit_once("--").unwrap_or((folder, folder))
}

/// The folder of each locale (by locale id), for `locales` given as `(id, name)` pairs, repeats
/// allowed. A locale's folder is its safe name unless that name (its [`fold_key`]) is shared by
/// another locale or by one of `siblings`, the files that sit next to locale folders: then it is
/// `<safe name>--<safe id>`. Folders never collide, even where safe ids do.
pub fn locale_folders<'a>(
    locales: impl IntoIterator<Item = (&'a str, &'a str)>,
    siblings: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, String> {
    let by_id: BTreeMap<&str, &str> = locales.into_iter().collect();
    let siblings: BTreeSet<&str> = siblings.into_iter().collect();
    let bases: Vec<(&str, String)> = by_id.iter().map(|(id, name)| (*id, safe(name))).collect();
    let mut uses: HashMap<String, usize> = HashMap::new();
    for name in bases
        .iter()
        .map(|(_, base)| base.as_str())
        .chain(siblings.iter().copied())
    {
        *uses.entry(fold_key(name)).or_default() += 1;
    }
    let mut unique = Unique::default();
    for sibling in siblings {
        unique.claim(sibling.to_owned());
    }
    bases
        .into_iter()
        .map(|(id, base)| {
            let wanted = if uses[&fold_key(&base)] > 1 {
                format!("{base}--{}", safe(id))
            } else {
                base
            };
            (id.to_owned(), unique.claim(wanted))
        })
        .collect()
}

/// Hands out names whose [`fold_key`]s differ from those of every name it handed out before. A name
/// already taken gets `-2`, `-3`, ... appended: that only happens when ids themselves collide once
/// made safe, which Cognigy's ids (UUIDs, object ids) never do.
#[derive(Debug, Default)]
pub struct Unique(HashSet<String>);

impl Unique {
    /// `wanted`, or `wanted-<n>` with the smallest `n` from 2 that is still free.
    pub fn claim(&mut self, wanted: String) -> String {
        if self.0.insert(fold_key(&wanted)) {
            return wanted;
        }
        (2..)
            .map(|n| format!("{wanted}-{n}"))
            .find(|candidate| self.0.insert(fold_key(candidate)))
            .expect("some number is free")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Characters that make names hostile, mixed with ordinary ones.
    const HOSTILE: &[&str] = &[
        ".", ".", "/", "\\", " ", "\0", "\n", "\r", "\t", "\u{7f}", "\u{85}", ":", "*", "?", "\"", "<", ">", "|", "-",
        "--", "~", "a", "B", "CON", "nul", "com1", "LPT²", "git~1", "é", "e\u{301}", "語", "😀", "\u{202e}",
        "\u{200d}", "\u{feff}", "..", "../", "/..", "\\..\\",
    ];

    /// A random hostile string of 0 to 120 pieces.
    pub(crate) fn hostile(rng: &mut fastrand::Rng) -> String {
        let len = rng.usize(0..120);
        (0..len).map(|_| HOSTILE[rng.usize(..HOSTILE.len())]).collect()
    }

    /// Everything a safe segment must be.
    pub(crate) fn assert_safe_segment(segment: &str, max: usize, input: &str) {
        let why = format!("{segment:?} (from {input:?})");
        assert!(!segment.is_empty() && segment != "." && segment != "..", "{why}");
        assert!(segment.len() <= max, "{why} is {} bytes", segment.len());
        assert!(!segment.starts_with('.'), "{why}");
        assert!(!segment.ends_with(['.', ' ']), "{why}");
        assert!(
            !segment
                .chars()
                .any(|c| c.is_control() || FORBIDDEN.contains(&c) || is_default_ignorable(c)),
            "{why}"
        );
        assert!(unicode_normalization::is_nfc(segment), "{why} is not NFC");
        assert!(!is_reserved(segment), "{why}");
    }

    #[test]
    fn names_are_made_safe() {
        let multi = "é".repeat(100); // 200 bytes
        let cut = "é".repeat(32); // 64 bytes
        let emoji = format!("a{}", "😀".repeat(20)); // 81 bytes: cut inside the 16th emoji
        let emoji_cut = format!("a{}", "😀".repeat(15)); // 61 bytes
        let long_dots = format!("{}...x", "a".repeat(62)); // cut to 62 a's and 2 dots
        let nul_then_spaces = format!("NUL{}z", " ".repeat(70)); // cut to NUL and spaces, trimmed
        let con_then_dots = format!("CON{}x", ". ".repeat(40)); // cut inside the dots and spaces
        let long_reserved = format!("COM1.{}", "x".repeat(70)); // `_` in front, then cut again
        let cases: &[(&str, &str)] = &[
            ("Main Flow", "Main Flow"),
            ("fr/CA Québec", "fr_CA Québec"),
            ("../../etc/passwd", "_._.._etc_passwd"),
            ("..", "_"),
            (".", "_"),
            ("...", "_"),
            ("/", "_"),
            ("", "_"),
            ("   ", "_"),
            (".hidden", "_hidden"),
            (".git", "_git"),
            ("git~1", "_git~1"),
            ("a\\b", "a_b"),
            ("C:\\Windows", "C__Windows"),
            ("what?*<>|\"", "what______"),
            ("nul\0byte", "nul_byte"),
            ("two\nlines\r\n", "two_lines__"),
            ("tab\there", "tab_here"),
            ("trailing space ", "trailing space"),
            ("trailing dot.", "trailing dot"),
            ("mixed . . ", "mixed"),
            (" leading space", " leading space"),
            ("CON", "_CON"),
            ("con", "_con"),
            ("Con.txt", "_Con.txt"),
            ("CON .txt", "_CON .txt"),
            ("NUL.", "_NUL"),
            ("COM1", "_COM1"),
            ("com9.log", "_com9.log"),
            ("LPT³", "_LPT³"),
            ("COM10", "COM10"),
            ("CONSOLE", "CONSOLE"),
            ("CON_", "CON_"),
            ("CON:", "CON_"),
            ("AUX-Bot", "AUX-Bot"),
            ("Ünïcödé 語 😀", "Ünïcödé 語 😀"),
            (&multi, &cut),
            (&emoji, &emoji_cut),
            (&long_dots, &"a".repeat(62)),
            // Invisible characters go; names are composed (NFC).
            ("a\u{200b}b\u{200d}c\u{feff}", "abc"),
            ("\u{202e}evil\u{2066}", "evil"),
            ("\u{200b}", "_"),
            ("\u{200b}.git", "_git"),
            ("e\u{301}te\u{301}", "été"),
            ("CO\u{200b}N", "_CON"),
            ("\u{feff}nul.txt", "_nul.txt"),
            // Device names are looked for in what is left after cutting and trimming.
            (&nul_then_spaces, "_NUL"),
            (&con_then_dots, "_CON"),
            (&long_reserved, &format!("_COM1.{}", "x".repeat(58))),
        ];
        for (input, expected) in cases {
            assert_eq!(safe(input), *expected, "safe({input:?})");
            assert_safe_segment(&safe(input), MAX_BYTES, input);
        }
    }

    #[test]
    fn random_hostile_names_give_safe_segments_and_safe_is_idempotent() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let input = hostile(&mut rng);
            let name = safe(&input);
            assert_safe_segment(&name, MAX_BYTES, &input);
            assert!(is_safe_segment(&name), "{name:?} (from {input:?})");
            if input.len() <= MAX_BYTES {
                assert_eq!(
                    is_safe_segment(&input),
                    safe(&input) == input,
                    "only what safe leaves as it is passes: {input:?}"
                );
            }
            assert_eq!(safe(&name), name, "safe is not idempotent on {input:?}");
            let folder = resource_folder(&input, &hostile(&mut rng));
            assert_safe_segment(&folder, 2 * MAX_BYTES + 2, &input);
        }
    }

    #[test]
    fn resource_folders_split_back_into_name_and_id() {
        let cases: &[(&str, &str, &str, (&str, &str))] = &[
            ("Main", "5f1c", "Main--5f1c", ("Main", "5f1c")),
            ("a--b", "id", "a--b--id", ("a--b", "id")),
            ("../x", "../y", "_._x--_._y", ("_._x", "_._y")),
            ("", "", "_--_", ("_", "_")),
        ];
        for (name, id, folder, split) in cases {
            assert_eq!(resource_folder(name, id), *folder);
            assert_eq!(split_resource_folder(folder), *split);
        }
        assert_eq!(split_resource_folder("no-suffix"), ("no-suffix", "no-suffix"));
    }

    #[test]
    fn locale_folders_take_the_id_suffix_only_where_names_collide() {
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str], &'a [(&'a str, &'a str)]);
        let cases: &[Case] = &[
            // (locales as (id, name), sibling files, expected (id, folder))
            (
                &[("l1", "en-US"), ("l2", "fr/CA Québec")],
                &["flow.json"],
                &[("l1", "en-US"), ("l2", "fr_CA Québec")],
            ),
            // two names that become the same folder: both get their id
            (
                &[("l1", "fr/CA"), ("l2", "fr:CA")],
                &[],
                &[("l1", "fr_CA--l1"), ("l2", "fr_CA--l2")],
            ),
            // names that differ only in case collide on macOS and Windows
            (
                &[("l1", "EN"), ("l2", "en"), ("l3", "de")],
                &[],
                &[("l1", "EN--l1"), ("l2", "en--l2"), ("l3", "de")],
            ),
            // a locale named like a file next to it
            (&[("l1", "Flow.json")], &["flow.json"], &[("l1", "Flow.json--l1")]),
            // the same locale seen in many resources is one locale
            (&[("l1", "en"), ("l1", "en")], &[], &[("l1", "en")]),
            // hostile ids are made safe, and ids that collide once safe are numbered
            (
                &[("a/b", "x"), ("a:b", "x")],
                &[],
                &[("a/b", "x--a_b"), ("a:b", "x--a_b-2")],
            ),
            (
                &[("..", ".."), ("../..", "..")],
                &[],
                &[("..", "_--_"), ("../..", "_--_._")],
            ),
        ];
        for (locales, siblings, expected) in cases {
            let got = locale_folders(locales.iter().copied(), siblings.iter().copied());
            let expected: BTreeMap<String, String> = expected
                .iter()
                .map(|(id, folder)| (id.to_string(), folder.to_string()))
                .collect();
            assert_eq!(got, expected, "locales {locales:?} next to {siblings:?}");
        }
    }

    #[test]
    fn random_hostile_locales_get_distinct_safe_folders() {
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..500 {
            let locales: Vec<(String, String)> = (0..rng.usize(1..12))
                .map(|_| (hostile(&mut rng), hostile(&mut rng)))
                .collect();
            let siblings = ["flow.json", "chart.json"];
            let folders = locale_folders(locales.iter().map(|(id, name)| (id.as_str(), name.as_str())), siblings);
            let distinct_ids: BTreeSet<&str> = locales.iter().map(|(id, _)| id.as_str()).collect();
            assert_eq!(folders.len(), distinct_ids.len());
            let mut seen: HashSet<String> = siblings.iter().map(|s| fold_key(s)).collect();
            for (id, folder) in &folders {
                assert_safe_segment(folder, 2 * MAX_BYTES + 8, id);
                assert!(seen.insert(fold_key(folder)), "{folder:?} collides");
            }
        }
    }

    #[test]
    fn names_a_file_system_would_merge_share_a_key() {
        let same: &[(&str, &str)] = &[
            ("Main", "MAIN"),
            ("Straße", "STRASSE"),
            ("é", "e\u{301}"),
            ("Å", "A\u{30a}"),
            ("ǅ", "ǆ"),
            ("ﬁ", "FI"),
        ];
        for (a, b) in same {
            assert_eq!(fold_key(a), fold_key(b), "{a:?} and {b:?}");
        }
        assert_ne!(fold_key("a"), fold_key("b"));
        assert_ne!(fold_key("e"), fold_key("é"));
    }

    #[test]
    fn folders_never_merge_on_a_folding_file_system() {
        let mut unique = Unique::default();
        let got: Vec<String> = ["Straße", "STRASSE", "strasse", "é", "e\u{301}", "E\u{301}"]
            .iter()
            .map(|name| unique.claim(name.to_string()))
            .collect();
        assert_eq!(
            got,
            ["Straße", "STRASSE-2", "strasse-3", "é", "e\u{301}-2", "E\u{301}-3"]
        );
        let folders = locale_folders([("l1", "Straße"), ("l2", "STRASSE"), ("l3", "de")], []);
        assert_eq!(folders["l1"], "Straße--l1");
        assert_eq!(folders["l2"], "STRASSE--l2");
        assert_eq!(folders["l3"], "de");
    }

    #[test]
    fn unique_numbers_repeats_ignoring_case() {
        let mut unique = Unique::default();
        let got: Vec<String> = ["a", "A", "a", "a-2", "b"]
            .iter()
            .map(|name| unique.claim(name.to_string()))
            .collect();
        assert_eq!(got, ["a", "A-2", "a-3", "a-2-2", "b"]);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Names of any Unicode, and names built from the hostile pieces.
        fn name() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<String>(),
                proptest::collection::vec(proptest::sample::select(HOSTILE), 0..40).prop_map(|p| p.concat()),
            ]
        }

        proptest! {
            #[test]
            fn every_name_gives_a_safe_bounded_idempotent_segment(input in name()) {
                let name = safe(&input);
                assert_safe_segment(&name, MAX_BYTES, &input);
                prop_assert!(is_safe_segment(&name));
                prop_assert_eq!(safe(&name), name.clone());
                prop_assert_eq!(fold_key(&name), fold_key(&safe(&name)));
            }

            #[test]
            fn claimed_folders_are_unique_on_every_file_system(
                resources in proptest::collection::vec((name(), name()), 0..24),
            ) {
                let mut unique = Unique::default();
                let mut keys = HashSet::new();
                for (name, id) in &resources {
                    let folder = unique.claim(resource_folder(name, id));
                    prop_assert!(is_safe_segment(&folder), "{:?}", folder);
                    prop_assert!(keys.insert(fold_key(&folder)), "{:?} merges with an earlier folder", folder);
                }
            }
        }
    }
}

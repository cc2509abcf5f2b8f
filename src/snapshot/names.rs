//! Safe names: resource and locale names, chosen by users, turned into folder names that every
//! file system accepts and that can never lead outside the snapshot tree.
//!
//! [`safe`] applies the contract's rule, plus decisions where the contract is silent:
//! - `/`, `\`, control characters and `:*?"<>|` each become `_`;
//! - a leading `.` becomes `_` (so no `.`, `..`, hidden file or `.git`);
//! - Windows device names (`CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9`, `LPT0`-`LPT9`, also `COM¹`..,
//!   in any case, alone or before an extension as in `nul.txt`) and `git~1` (the NTFS short name
//!   of `.git`, which git refuses) get a leading `_`: Windows cannot create such a file at all;
//! - the result is cut to at most [`MAX_BYTES`] bytes of UTF-8 on a character boundary, then
//!   trailing dots and spaces are removed (Windows drops them silently);
//! - an empty result becomes `_`.
//!
//! A resource folder is `<safe name>--<safe id>`; a locale folder is the safe locale name, with
//! `--<safe locale id>` only where names would collide. Names that differ only in case collide too
//! (macOS and Windows fold case). Unicode normalisation is left alone: `é` precomposed and
//! decomposed stay different names.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
    let mut out: String = name
        .chars()
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
    if is_reserved(&out) {
        out.insert(0, REPLACEMENT);
    }
    if out.len() > MAX_BYTES {
        let end = (0..=MAX_BYTES).rev().find(|&i| out.is_char_boundary(i)).unwrap_or(0);
        out.truncate(end);
    }
    out.truncate(out.trim_end_matches(['.', ' ']).len());
    if out.is_empty() {
        out.push(REPLACEMENT);
    }
    out
}

/// Whether `segment` keeps the rule [`safe`] applies: something, without control characters,
/// separators or `:*?"<>|`, no leading dot, no trailing dot or space, no device name, and at most
/// [`MAX_SEGMENT_BYTES`] (a folder may join a safe name and a safe id, and a number).
pub fn is_safe_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment.len() <= MAX_SEGMENT_BYTES
        && !segment.starts_with('.')
        && !segment.ends_with(['.', ' '])
        && !segment.chars().any(|c| c.is_control() || FORBIDDEN.contains(&c))
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
/// allowed. A locale's folder is its safe name unless that name (ignoring case) is shared by
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
        *uses.entry(name.to_lowercase()).or_default() += 1;
    }
    let mut unique = Unique::default();
    for sibling in siblings {
        unique.claim(sibling.to_owned());
    }
    bases
        .into_iter()
        .map(|(id, base)| {
            let wanted = if uses[&base.to_lowercase()] > 1 {
                format!("{base}--{}", safe(id))
            } else {
                base
            };
            (id.to_owned(), unique.claim(wanted))
        })
        .collect()
}

/// Hands out names that differ, ignoring case, from every name it handed out before. A name
/// already taken gets `-2`, `-3`, ... appended: that only happens when ids themselves collide once
/// made safe, which Cognigy's ids (UUIDs, object ids) never do.
#[derive(Debug, Default)]
pub struct Unique(HashSet<String>);

impl Unique {
    /// `wanted`, or `wanted-<n>` with the smallest `n` from 2 that is still free.
    pub fn claim(&mut self, wanted: String) -> String {
        if self.0.insert(wanted.to_lowercase()) {
            return wanted;
        }
        (2..)
            .map(|n| format!("{wanted}-{n}"))
            .find(|candidate| self.0.insert(candidate.to_lowercase()))
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
            !segment.chars().any(|c| c.is_control() || FORBIDDEN.contains(&c)),
            "{why}"
        );
        assert!(!is_reserved(segment), "{why}");
    }

    #[test]
    fn names_are_made_safe() {
        let multi = "é".repeat(100); // 200 bytes
        let cut = "é".repeat(32); // 64 bytes
        let emoji = format!("a{}", "😀".repeat(20)); // 81 bytes: cut inside the 16th emoji
        let emoji_cut = format!("a{}", "😀".repeat(15)); // 61 bytes
        let long_dots = format!("{}...x", "a".repeat(62)); // cut to 62 a's and 2 dots
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
            let mut seen: HashSet<String> = siblings.iter().map(|s| s.to_lowercase()).collect();
            for (id, folder) in &folders {
                assert_safe_segment(folder, 2 * MAX_BYTES + 8, id);
                assert!(seen.insert(folder.to_lowercase()), "{folder:?} collides");
            }
        }
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
}

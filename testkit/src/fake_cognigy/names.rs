//! Names for generated resources: ordinary ones, and the hostile set a backup must survive.

/// Locale names in generation order; the first is the primary locale.
pub const LOCALES: [(&str, &str); 10] = [
    ("en-US", "en-US"),
    ("de-DE", "de-DE"),
    ("fr-FR", "fr-FR"),
    ("es-ES", "es-ES"),
    ("it-IT", "it-IT"),
    ("ja-JP", "ja-JP"),
    ("pt-BR", "pt-BR"),
    ("nl-NL", "nl-NL"),
    ("sv-SE", "sv-SE"),
    ("pl-PL", "pl-PL"),
];

/// The user-chosen name that replaces the second locale's when hard names are on.
pub const HARD_LOCALE: &str = "fr/CA Québec";

/// The name of the `index`th locale.
pub fn locale(index: usize, hard: bool) -> String {
    if hard && index == 1 {
        HARD_LOCALE.to_owned()
    } else {
        LOCALES[index].0.to_owned()
    }
}

/// The name of the `index`th resource of a kind whose ordinary names read `"<noun> <n>"`.
/// With `hard` the first items get the hostile names, in this order: a `/`, `..`, unicode,
/// 200+ characters, a duplicate pair, `:*?"<>|`, a leading dot, a trailing space.
pub fn resource(noun: &str, index: usize, hard: bool) -> String {
    if !hard {
        return format!("{noun} {}", index + 1);
    }
    match index {
        0 => format!("Sales/Support {noun}"),
        1 => "../../etc/passwd".to_owned(),
        2 => format!("Überweisung 💸 {noun} Québec"),
        3 => format!("{noun} with a very long name ").repeat(8).trim_end().to_owned(),
        4 | 5 => format!("Duplicate {noun}"),
        6 => format!("What:*?\"<>| {noun}"),
        7 => format!(".hidden {noun}"),
        8 => format!("{noun} with a trailing space "),
        _ => format!("{noun} {}", index + 1),
    }
}

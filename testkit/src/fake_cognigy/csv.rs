//! The lexicon keyphrase CSV: one row per keyphrase, `value,tags,synonyms,data`, where tags and
//! synonyms are comma lists and data is JSON; fields are quoted when they hold `,`, `"` or a newline.

use serde_json::Value;

use super::model::Keyphrase;

/// The CSV of `keyphrases`.
pub fn write(keyphrases: &[Keyphrase]) -> String {
    let mut out = String::new();
    for k in keyphrases {
        let fields = [
            k.value.clone(),
            k.tags.join(","),
            k.synonyms.join(","),
            k.data.to_string(),
        ];
        let row: Vec<String> = fields.iter().map(|f| quote(f)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

/// Keyphrases from a CSV; `new_id` names each one. Rows must have a value; the other fields may be empty.
pub fn read(text: &str, mut new_id: impl FnMut() -> String) -> Result<Vec<Keyphrase>, String> {
    rows(text)?
        .into_iter()
        .enumerate()
        .map(|(n, row)| {
            let field = |i: usize| row.get(i).map(String::as_str).unwrap_or_default();
            if field(0).is_empty() {
                return Err(format!("Row {} has no keyphrase.", n + 1));
            }
            let list = |s: &str| s.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect();
            let data = match field(3) {
                "" => Value::Object(Default::default()),
                json => serde_json::from_str(json).map_err(|e| format!("Row {}: data is not JSON: {e}", n + 1))?,
            };
            Ok(Keyphrase {
                id: new_id(),
                value: field(0).to_owned(),
                tags: list(field(1)),
                synonyms: list(field(2)),
                data,
            })
        })
        .collect()
}

fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Splits CSV text into rows of fields (RFC 4180 quoting; blank lines skipped).
fn rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => end_row(&mut rows, &mut row, &mut field),
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("The CSV ends inside a quoted field.".to_owned());
    }
    end_row(&mut rows, &mut row, &mut field);
    Ok(rows)
}

fn end_row(rows: &mut Vec<Vec<String>>, row: &mut Vec<String>, field: &mut String) {
    row.push(std::mem::take(field));
    let row = std::mem::take(row);
    if row.iter().any(|f| !f.is_empty()) {
        rows.push(row);
    }
}

//! Canonical JSON: the one way a value is written into a snapshot, so that equal values always
//! give the same bytes and an unchanged project gives a byte-identical tree.
//!
//! Object keys are sorted at every depth by their UTF-8 bytes (sorted here, explicitly: the order
//! of serde_json's map depends on its features), two-space indent, `": "` between key and value,
//! empty objects and arrays as `{}` and `[]`, strings escaped as serde_json escapes them (non-ASCII
//! kept as UTF-8), and a trailing newline. JSON Lines ([`to_lines`]) are the same, each value on
//! one line.

use serde_json::Value;

/// `value` as canonical JSON bytes.
pub fn to_bytes(value: &Value) -> Vec<u8> {
    let mut out = String::new();
    write(&mut out, value, Some(0));
    out.push('\n');
    out.into_bytes()
}

/// `values` as JSON Lines: each value canonical on one line (keys sorted, no spaces), each line
/// ending in a newline. For long lists whose elements change one by one (knowledge chunks), so that
/// a diff shows the changed elements.
pub fn to_lines(values: &[Value]) -> Vec<u8> {
    let mut out = String::new();
    for value in values {
        write(&mut out, value, None);
        out.push('\n');
    }
    out.into_bytes()
}

/// Writes `value` at `depth` of indentation; `None`: on one line.
fn write(out: &mut String, value: &Value, depth: Option<usize>) {
    let inner = depth.map(|d| d + 1);
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                separate(out, i, inner);
                write(out, item, inner);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                separate(out, i, inner);
                out.push_str(&Value::from(key.as_str()).to_string());
                out.push_str(if depth.is_some() { ": " } else { ":" });
                write(out, item, inner);
            }
            newline(out, depth);
            out.push('}');
        }
        // Scalars, `{}` and `[]`: serde_json's compact form is already canonical.
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Before the `i`th element of a container: a comma after the previous one, then a new line.
fn separate(out: &mut String, i: usize, depth: Option<usize>) {
    if i > 0 {
        out.push(',');
    }
    newline(out, depth);
}

fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(depth) = depth {
        out.push('\n');
        out.extend(std::iter::repeat_n("  ", depth));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canonical(value: Value) -> String {
        String::from_utf8(to_bytes(&value)).unwrap()
    }

    #[test]
    fn values_are_written_canonically() {
        let cases: &[(Value, &str)] = &[
            (json!(null), "null\n"),
            (json!(true), "true\n"),
            (json!(-1.5e300), "-1.5e+300\n"),
            (json!(12345678901234567890u64), "12345678901234567890\n"),
            (json!("a\"b\\c\n\u{1}é😀"), "\"a\\\"b\\\\c\\n\\u0001é😀\"\n"),
            (json!({}), "{}\n"),
            (json!([]), "[]\n"),
            (json!([1, [], {}]), "[\n  1,\n  [],\n  {}\n]\n"),
            (
                json!({"b": 1, "a": {"d": [true, {"z": null, "y": "x"}], "c": {}}, "A": 0, "é": 2, "_": 3}),
                concat!(
                    "{\n",
                    "  \"A\": 0,\n",
                    "  \"_\": 3,\n",
                    "  \"a\": {\n",
                    "    \"c\": {},\n",
                    "    \"d\": [\n",
                    "      true,\n",
                    "      {\n",
                    "        \"y\": \"x\",\n",
                    "        \"z\": null\n",
                    "      }\n",
                    "    ]\n",
                    "  },\n",
                    "  \"b\": 1,\n",
                    "  \"é\": 2\n",
                    "}\n",
                ),
            ),
        ];
        for (value, expected) in cases {
            assert_eq!(canonical(value.clone()), *expected, "{value}");
        }
    }

    #[test]
    fn lines_are_compact_and_canonical_one_value_each() {
        let values = [
            json!({"b": [1, {"d": null, "c": "x y"}], "a": {}}),
            json!("é"),
            json!([]),
        ];
        assert_eq!(
            String::from_utf8(to_lines(&values)).unwrap(),
            "{\"a\":{},\"b\":[1,{\"c\":\"x y\",\"d\":null}]}\n\"é\"\n[]\n"
        );
        assert!(to_lines(&[]).is_empty());
    }

    #[test]
    fn key_insertion_order_does_not_matter_and_the_output_reads_back_equal() {
        let mut forward = serde_json::Map::new();
        let mut backward = serde_json::Map::new();
        let keys: Vec<String> = (0..50).map(|i| format!("k{}", (i * 37) % 101)).collect();
        for key in &keys {
            forward.insert(key.clone(), json!({"x": key, "n": [key, {"b": 1, "a": 2}]}));
        }
        for key in keys.iter().rev() {
            backward.insert(key.clone(), json!({"n": [key, {"a": 2, "b": 1}], "x": key}));
        }
        let (forward, backward) = (Value::Object(forward), Value::Object(backward));
        assert_eq!(to_bytes(&forward), to_bytes(&backward));
        let read: Value = serde_json::from_slice(&to_bytes(&forward)).unwrap();
        assert_eq!(read, forward);
        assert_eq!(to_bytes(&read), to_bytes(&forward));
    }

    /// Any JSON value: scalars (floats among them), strings of any Unicode, nested lists and objects.
    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("JSON has no NaN or infinity", |f| f.is_finite())
                .prop_map(Value::from),
            any::<String>().prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..8)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn canonical_json_reads_back_equal_and_writes_again_the_same(value in any_json()) {
            let bytes = to_bytes(&value);
            let read: Value = serde_json::from_slice(&bytes).unwrap();
            proptest::prop_assert_eq!(&read, &value);
            proptest::prop_assert_eq!(to_bytes(&read), bytes);
        }
    }
}

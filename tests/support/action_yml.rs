//! `action.yml` read as data: its inputs and outputs in declaration order, and the README tables
//! generated from them.

use std::path::{Path, PathBuf};

use serde_yaml_ng::Value;

/// One declared input.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub description: String,
    pub required: bool,
    /// `None` when action.yml gives no default.
    pub default: Option<String>,
}

/// One declared output.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct ActionYml {
    pub inputs: Vec<Input>,
    pub outputs: Vec<Output>,
    pub raw: Value,
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl ActionYml {
    pub fn load() -> Self {
        Self::from_path(&repo_root().join("action.yml"))
    }

    pub fn from_path(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).expect("action.yml is readable");
        let raw: Value = serde_yaml_ng::from_str(&text).expect("action.yml is YAML");
        let text_of = |v: Option<&Value>| -> Option<String> {
            v.map(|v| match v {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                other => panic!("unexpected YAML value {other:?}"),
            })
        };
        let entries = |key: &str| -> Vec<(String, Value)> {
            raw.get(key)
                .and_then(Value::as_mapping)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.as_str().expect("string key").to_owned(), v.clone()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let inputs = entries("inputs")
            .into_iter()
            .map(|(name, v)| Input {
                description: text_of(v.get("description")).unwrap_or_default(),
                required: v.get("required").and_then(Value::as_bool).unwrap_or(false),
                default: text_of(v.get("default")),
                name,
            })
            .collect();
        let outputs = entries("outputs")
            .into_iter()
            .map(|(name, v)| Output {
                description: text_of(v.get("description")).unwrap_or_default(),
                name,
            })
            .collect();
        ActionYml { inputs, outputs, raw }
    }

    pub fn input(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// The README's inputs and outputs tables, as markdown.
    pub fn readme_tables(&self) -> String {
        let cell = |s: &str| s.trim().replace("|", "\\|").replace("<", "&lt;").replace("\n", " ");
        let mut md = String::from("| input | default | description |\n|---|---|---|\n");
        for input in &self.inputs {
            let default = match (&input.default, input.required) {
                (_, true) => "**required**".to_owned(),
                (Some(d), _) if !d.is_empty() => format!("`{}`", d),
                _ => String::new(),
            };
            md.push_str(&format!(
                "| `{}` | {} | {} |\n",
                input.name,
                default,
                cell(&input.description)
            ));
        }
        md.push_str("\n| output | description |\n|---|---|\n");
        for output in &self.outputs {
            md.push_str(&format!("| `{}` | {} |\n", output.name, cell(&output.description)));
        }
        md
    }
}

//! Single values checked by exactly the rules a run applies to the input of the same name, for
//! answers given elsewhere: `cognigy-backup init`'s flags and prompts.

use reqwest::Url;

use super::validator::Validator;
use super::{InputError, RunnerEnv};
use crate::action::inputs::{RawInputs, env_var_name};

/// `cognigy-base-url`: an http(s) URL of the API host (not the UI host).
pub fn base_url(value: &str) -> Result<Url, InputError> {
    check("cognigy-base-url", value, |v, value| v.base_url(value))
}

/// `cognigy-project-id`: 24 hexadecimal digits, answered in lower case.
pub fn project_id(value: &str) -> Result<String, InputError> {
    check("cognigy-project-id", value, |v, value| {
        v.object_id("cognigy-project-id", value.to_owned())
    })
}

fn check<T>(
    input: &str,
    value: &str,
    rule: impl FnOnce(&mut Validator<'_>, &str) -> Option<T>,
) -> Result<T, InputError> {
    let raw = RawInputs::from_vars([(env_var_name(input), value.to_owned())]).unwrap_or_default();
    let env = RunnerEnv::default();
    let mut v = Validator {
        raw: &raw,
        env: &env,
        errors: Vec::new(),
    };
    match rule(&mut v, value.trim()) {
        Some(checked) if v.errors.is_empty() => Ok(checked),
        _ => Err(v.errors.into_iter().next().unwrap_or(InputError {
            input: "unknown",
            value: Some(value.to_owned()),
            problem: "is not valid".to_owned(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_follow_the_rules_of_the_inputs() {
        assert_eq!(
            project_id(" 0123456789ABCDEF01234567 ").unwrap(),
            "0123456789abcdef01234567"
        );
        let err = project_id("my-bot").unwrap_err();
        assert_eq!(err.input, "cognigy-project-id");
        assert!(err.problem.contains("24 hexadecimal digits"), "{err}");
        assert_eq!(
            base_url("https://api-trial.cognigy.ai").unwrap().as_str(),
            "https://api-trial.cognigy.ai/"
        );
        let err = base_url("https://trial.cognigy.ai").unwrap_err();
        assert!(err.problem.contains("https://api-trial.cognigy.ai"), "{err}");
        assert!(base_url("api-app.cognigy.ai").is_err());
    }
}

//! `init`'s answers: each from its flag, else asked on a terminal (with the default shown), else
//! the default; checked by the rules the action applies to the input of the same meaning
//! ([`crate::action::config::answers`]), so `init` never writes what a run would refuse.

use std::io::BufRead;
use std::path::Path;

use super::{Answers, Args, Console, Failure};
use crate::action::config::answers::{base_url, project_id};

/// The default `--base-url`: Cognigy's shared SaaS environment.
pub const DEFAULT_BASE_URL: &str = "https://api-app.cognigy.ai";

/// The longest `--name`.
const MAX_NAME_CHARS: usize = 100;

/// Every answer, from the flags and (on a terminal, unless `--yes`) the prompts.
pub fn gather(args: &Args, console: &mut Console<'_>) -> Result<Answers, Failure> {
    let ask = console.interactive && !args.yes;
    let project_id = answer(
        console,
        ask,
        Question {
            flag: "--project-id",
            prompt: "Cognigy project id (the 24 hexadecimal digits in the project's URL)",
            given: args.project_id.as_deref(),
            default: None,
        },
        |value| project_id(value).map_err(|e| e.problem),
    )?;
    let base_url = answer(
        console,
        ask,
        Question {
            flag: "--base-url",
            prompt: "Cognigy API base URL (the API host, not the UI host)",
            given: args.base_url.as_deref(),
            default: Some(DEFAULT_BASE_URL.to_owned()),
        },
        |value| base_url(value).map_err(|e| e.problem),
    )?;
    let name = answer(
        console,
        ask,
        Question {
            flag: "--name",
            prompt: "Name of the project, for the README",
            given: args.name.as_deref(),
            default: Some(default_name(&args.dir)),
        },
        name,
    )?;
    Ok(Answers {
        project_id,
        base_url,
        name,
    })
}

struct Question<'a> {
    flag: &'static str,
    prompt: &'static str,
    given: Option<&'a str>,
    default: Option<String>,
}

/// The flag's value; else, when asking, the answer typed (again until it is valid); else the default.
fn answer<T>(
    console: &mut Console<'_>,
    ask: bool,
    question: Question<'_>,
    check: impl Fn(&str) -> Result<T, String>,
) -> Result<T, Failure> {
    let refuse = |value: &str, problem: String| Failure::Usage(format!("{} {value:?}: {problem}", question.flag));
    if let Some(value) = question.given {
        return check(value).map_err(|problem| refuse(value, problem));
    }
    if !ask {
        return match &question.default {
            Some(default) => check(default).map_err(|problem| refuse(default, problem)),
            None => Err(Failure::Usage(format!(
                "{} is required: {}. Without a terminal, or with --yes, give every answer that has no default as a flag.",
                question.flag, question.prompt
            ))),
        };
    }
    loop {
        let shown = question
            .default
            .as_deref()
            .map(|d| format!(" [{d}]"))
            .unwrap_or_default();
        write!(console.out, "{}{shown}: ", question.prompt).map_err(Failure::io("the terminal"))?;
        console.out.flush().map_err(Failure::io("the terminal"))?;
        let line = read_line(console.input)?;
        let typed = line.trim();
        let value = match (typed, &question.default) {
            ("", Some(default)) => default.clone(),
            ("", None) => {
                writeln!(console.out, "  An answer is needed.").map_err(Failure::io("the terminal"))?;
                continue;
            }
            (typed, _) => typed.to_owned(),
        };
        match check(&value) {
            Ok(checked) => return Ok(checked),
            Err(problem) => writeln!(console.out, "  {value:?}: {problem}").map_err(Failure::io("the terminal"))?,
        }
    }
}

fn read_line(input: &mut dyn BufRead) -> Result<String, Failure> {
    let mut line = String::new();
    match input.read_line(&mut line) {
        Ok(0) => Err(Failure::Usage(
            "the input ended before every question was answered".to_owned(),
        )),
        Ok(_) => Ok(line),
        Err(e) => Err(Failure::io("the terminal")(e)),
    }
}

/// `--name`: one line of at most [`MAX_NAME_CHARS`] characters.
fn name(value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NAME_CHARS || value.chars().any(char::is_control) {
        return Err(format!(
            "accepted: a name of 1 to {MAX_NAME_CHARS} characters on one line"
        ));
    }
    Ok(value.to_owned())
}

/// The folder's own name (`cognigy-backup-support-bot`), else `Cognigy project`.
fn default_name(dir: &Path) -> String {
    let absolute = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    absolute
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => part.to_str(),
            _ => None,
        })
        .next_back()
        .filter(|part| name(part).is_ok())
        .map(str::to_owned)
        .unwrap_or_else(|| "Cognigy project".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(flags: &[&str]) -> Args {
        use clap::Parser;
        #[derive(clap::Parser)]
        struct Wrapper {
            #[command(flatten)]
            args: Args,
        }
        Wrapper::parse_from(std::iter::once("init").chain(flags.iter().copied())).args
    }

    fn gather_with(flags: &[&str], typed: &str, interactive: bool) -> (Result<Answers, Failure>, String) {
        let mut input = typed.as_bytes();
        let mut out = Vec::new();
        let mut console = Console {
            input: &mut input,
            out: &mut out,
            interactive,
        };
        let answers = gather(&args(flags), &mut console);
        (answers, String::from_utf8(out).unwrap())
    }

    #[test]
    fn on_a_terminal_missing_answers_are_asked_with_their_defaults_until_valid() {
        let typed = "not-an-id\n0123456789ABCDEF01234567\nhttps://trial.cognigy.ai\n\n\n";
        let (answers, shown) = gather_with(&["--dir", "/tmp/cognigy-backup-bot"], typed, true);
        let answers = answers.unwrap();
        assert_eq!(answers.project_id, "0123456789abcdef01234567");
        assert_eq!(answers.base_url.as_str(), "https://api-app.cognigy.ai/");
        assert_eq!(answers.name, "cognigy-backup-bot");
        assert!(
            shown.contains("\"not-an-id\": accepted: a Cognigy id of 24 hexadecimal digits"),
            "{shown}"
        );
        assert!(
            shown.contains("use the API host https://api-trial.cognigy.ai"),
            "{shown}"
        );
        assert!(shown.contains("[https://api-app.cognigy.ai]: "), "{shown}");
        assert!(shown.contains("[cognigy-backup-bot]: "), "{shown}");
    }

    #[test]
    fn without_a_terminal_a_missing_id_or_a_bad_flag_is_a_usage_error_naming_the_flag() {
        let (answers, _) = gather_with(&[], "", false);
        let Err(Failure::Usage(message)) = answers else {
            panic!()
        };
        assert!(message.starts_with("--project-id is required"), "{message}");
        let (answers, _) = gather_with(
            &[
                "--project-id",
                "0123456789abcdef01234567",
                "--base-url",
                "trial.cognigy.ai",
            ],
            "",
            true,
        );
        let Err(Failure::Usage(message)) = answers else {
            panic!()
        };
        assert!(
            message.starts_with("--base-url \"trial.cognigy.ai\": accepted: an absolute"),
            "{message}"
        );
        let (answers, shown) = gather_with(&["--project-id", "0123456789abcdef01234567", "--yes"], "", true);
        assert_eq!(answers.unwrap().base_url.as_str(), "https://api-app.cognigy.ai/");
        assert_eq!(shown, "", "--yes asks nothing");
    }
}

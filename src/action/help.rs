//! The action's part of `cognigy-backup --help` (after the command line's own usage): how a run
//! is configured, every input with the variable it is read from and its default.

use super::inputs::INPUTS;
use crate::clock::NOW_VAR;

/// The help text.
pub fn text() -> String {
    let mut out = format!(
        "Without a command, cognigy-backup {version} runs the action: as a GitHub Action
(uses: org/cognigy-backup-action@v1) or locally with the same variables.
Each input is read from INPUT_ + its name upper-cased, hyphens kept, as the runner sets them
(cognigy-api-key -> INPUT_COGNIGY-API-KEY); an empty value means the default. Shells cannot set
names with hyphens: use env, e.g.

  env INPUT_MODE=backup 'INPUT_COGNIGY-BASE-URL=https://api-app.cognigy.ai' \\
      \"INPUT_COGNIGY-API-KEY=$KEY\" 'INPUT_COGNIGY-PROJECT-ID=...' 'INPUT_REMOTE-URL=/path/repo.git' \\
      cognigy-backup

Inputs (default in brackets; secrets are masked and never printed):
",
        version = env!("CARGO_PKG_VERSION")
    );
    let width = INPUTS.iter().map(|spec| spec.name.len()).max().unwrap_or(0);
    for spec in INPUTS {
        let default = match (spec.name, spec.default) {
            ("mode", _) => " [required]".to_owned(),
            (_, "") => String::new(),
            (_, default) => format!(" [{default}]"),
        };
        let secret = if spec.secret { " (secret)" } else { "" };
        out.push_str(&format!("  {:width$}  {}{secret}{default}\n", spec.name, spec.summary));
    }
    out.push_str(&format!(
        "
Other variables:
  {NOW_VAR}   an RFC 3339 time used as \"now\" (tests and simulations)
  GITHUB_OUTPUT, GITHUB_STEP_SUMMARY   where outputs and the summary go (else: outputs on stdout)
  RUNNER_TEMP          where temporary files go (else: the system's temporary directory)

Exit status: 0 success, 1 the run failed, 2 invalid inputs or usage.
"
    ));
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn help_lists_every_input_with_its_default() {
        let text = super::text();
        for spec in super::INPUTS {
            let line = text
                .lines()
                .find(|line| line.split_whitespace().next() == Some(spec.name))
                .unwrap_or_else(|| panic!("{} missing from --help", spec.name));
            if !spec.default.is_empty() {
                assert!(line.contains(&format!("[{}]", spec.default)), "{line}");
            }
        }
    }
}

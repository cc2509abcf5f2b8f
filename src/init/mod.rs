//! `cognigy-backup init`: writes a backup repository's files into a folder on a person's machine
//! (the workflows `backup.yml`, `restore.yml`, `verify.yml` and `setup.yml`, a README and
//! `.github/dependabot.yml`), shows what it would change, and says what to do next.
//!
//! [`answers`] gathers the project id, base URL and name (flags, else prompts on a terminal);
//! [`render`] makes the files from the examples and templates; [`plan`] decides per file whether
//! to create, update or keep it (a file edited since `init` wrote it, or one `init` did not write,
//! is kept unless `--force`), so a second run changes nothing.

mod answers;
mod plan;
mod render;
mod schedule;

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use reqwest::Url;

pub use render::{ACTION, RESTORE_ENVIRONMENT};
pub use schedule::Schedule;

use plan::{Action, Step};

/// `cognigy-backup init`'s flags.
#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The Cognigy project (agent) id: the 24 hexadecimal digits in the project's URL
    #[arg(long, value_name = "ID")]
    pub project_id: Option<String>,
    /// The Cognigy API base URL, the API host (not the UI host) [default: https://api-app.cognigy.ai]
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A name for the project, for the README [default: the folder's name]
    #[arg(long)]
    pub name: Option<String>,
    /// The backup repository's folder (made if missing)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// Ask nothing: defaults for what no flag gives, and write without confirming
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Also replace files edited since init wrote them, and files init did not write
    #[arg(long)]
    pub force: bool,
    /// Only show what would change; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// The answers the files are made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    /// Lower-case, 24 hex digits.
    pub project_id: String,
    pub base_url: Url,
    pub name: String,
}

/// Where `init` talks to the person: typed lines in, text out; `interactive` when both are a terminal.
pub struct Console<'a> {
    pub input: &'a mut dyn BufRead,
    pub out: &'a mut dyn Write,
    pub interactive: bool,
}

/// Why `init` stopped.
#[derive(Debug)]
pub enum Failure {
    /// A missing or invalid answer (exit 2).
    Usage(String),
    /// Reading or writing failed (exit 1).
    Io(String),
    /// The person said no (exit 1).
    Declined,
}

impl Failure {
    fn io(what: impl std::fmt::Display) -> impl Fn(std::io::Error) -> Failure {
        move |e| Failure::Io(format!("{what}: {e}"))
    }
}

/// Runs `init`; answers the exit status (0 done, 1 failed or declined, 2 a bad answer).
pub fn run(args: &Args, console: &mut Console<'_>, errors: &mut dyn Write) -> u8 {
    match init(args, console) {
        Ok(()) => 0,
        Err(failure) => {
            let (message, code) = match failure {
                Failure::Usage(message) => (message, 2),
                Failure::Io(message) => (message, 1),
                Failure::Declined => ("nothing was written".to_owned(), 1),
            };
            let _ = writeln!(errors, "cognigy-backup init: {message}");
            code
        }
    }
}

fn init(args: &Args, console: &mut Console<'_>) -> Result<(), Failure> {
    let answers = answers::gather(args, console)?;
    let dir = &args.dir;
    let steps = plan::plan(dir, render::files(&answers), args.force).map_err(Failure::io(dir.display()))?;
    let out = &mut *console.out;
    let shown = |e| Failure::io("the terminal")(e);
    writeln!(
        out,
        "\nThe backup repository of project {} on {} in {}:\n",
        answers.project_id,
        answers.base_url.as_str().trim_end_matches('/'),
        dir.display()
    )
    .map_err(shown)?;
    show(out, &steps).map_err(shown)?;
    let writes = steps.iter().filter(|s| s.action.writes()).count();
    if args.dry_run {
        writeln!(out, "\nNothing written (--dry-run).").map_err(shown)?;
        return Ok(());
    }
    if writes == 0 {
        writeln!(out, "\nNothing to change.").map_err(shown)?;
    } else {
        if console.interactive && !args.yes {
            write!(out, "\nWrite {writes} file{}? [Y/n] ", plural(writes)).map_err(shown)?;
            out.flush().map_err(shown)?;
            let mut line = String::new();
            console.input.read_line(&mut line).map_err(shown)?;
            if !matches!(line.trim().to_lowercase().as_str(), "" | "y" | "yes") {
                return Err(Failure::Declined);
            }
        }
        write_files(dir, &steps)?;
        writeln!(out, "\nWrote {writes} file{}.", plural(writes)).map_err(shown)?;
    }
    next_steps(out, &answers, &steps).map_err(shown)
}

/// The list of files with what happens to each, and the change to each file that had content.
fn show(out: &mut dyn Write, steps: &[Step]) -> std::io::Result<()> {
    let width = steps.iter().map(|s| s.file.path.len()).max().unwrap_or(0);
    for step in steps {
        let why = match step.action {
            Action::KeepEdited => "edited since init wrote it: --force replaces it".to_owned(),
            Action::KeepForeign => "not written by init: --force replaces it".to_owned(),
            _ => step.file.about.clone(),
        };
        writeln!(out, "  {:9}  {:width$}  {why}", step.action.word(), step.file.path)?;
    }
    for step in steps {
        let Some(existing) = &step.existing else { continue };
        if matches!(step.action, Action::Unchanged) {
            continue;
        }
        let verb = if step.action.writes() {
            "changes"
        } else {
            "would change"
        };
        writeln!(out, "\n{} {verb}:", step.file.path)?;
        let diff = similar::TextDiff::from_lines(existing.as_str(), step.content.as_str());
        write!(
            out,
            "{}",
            diff.unified_diff().context_radius(2).header(
                &format!("{} (now)", step.file.path),
                &format!("{} (init)", step.file.path)
            )
        )?;
    }
    Ok(())
}

fn write_files(dir: &Path, steps: &[Step]) -> Result<(), Failure> {
    for step in steps.iter().filter(|s| s.action.writes()) {
        let path = dir.join(step.file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(Failure::io(parent.display()))?;
        }
        std::fs::write(&path, &step.content).map_err(Failure::io(path.display()))?;
    }
    Ok(())
}

fn next_steps(out: &mut dyn Write, answers: &Answers, steps: &[Step]) -> std::io::Result<()> {
    if steps
        .iter()
        .any(|s| matches!(s.action, Action::KeepEdited | Action::KeepForeign))
    {
        writeln!(
            out,
            "\nKept files are left as they are; compare them with the changes shown above."
        )?;
    }
    let base_url = answers.base_url.as_str().trim_end_matches('/');
    write!(
        out,
        "
Next steps:
  1. Commit and push to the repository that keeps the snapshots:
       git add .github README.md && git commit -m \"Cognigy backup\" && git push
  2. Set the secret and the variables (Settings > Secrets and variables > Actions), or with the GitHub CLI:
       gh secret set COGNIGY_API_KEY
       gh variable set COGNIGY_BASE_URL --body {base_url}
       gh variable set COGNIGY_PROJECT_ID --body {project_id}
  3. Add the environment {RESTORE_ENVIRONMENT} (Settings > Environments) with required reviewers.
  4. Run the setup check: gh workflow run setup.yml (or Actions > Cognigy backup setup > Run workflow).
     It opens an issue labelled cognigy-backup-setup with a checklist; once every check passes,
     the next scheduled backup takes the first snapshot (or run the Cognigy backup workflow now).
",
        project_id = answers.project_id,
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

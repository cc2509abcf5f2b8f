//! The files `init` writes, rendered from one source each: the workflows are the project's own
//! examples (`examples/workflows/*.yml`, linted as they are), with only their schedules set for
//! the project; the backup repository's README and Dependabot configuration are templates beside
//! this file. Every file starts with a header line that marks it as `init`'s (see [`super::plan`]).

use super::Answers;
use super::schedule::Schedule;
use crate::escape::markdown;

/// `owner/name` of this action, as the workflows' `uses:` names it.
pub const ACTION: &str = "org/cognigy-backup-action";

/// The schedule of `examples/workflows/backup.yml`, replaced by the project's.
pub const EXAMPLE_BACKUP_CRON: &str = "7,37 * * * *";
/// The schedule of `examples/workflows/verify.yml`, replaced by the project's.
pub const EXAMPLE_VERIFY_CRON: &str = "17 5 * * 1";

/// The environment whose reviewers approve a restore (`restore.yml` names it).
pub const RESTORE_ENVIRONMENT: &str = "production-restore";

const BACKUP: &str = include_str!("../../examples/workflows/backup.yml");
const RESTORE: &str = include_str!("../../examples/workflows/restore.yml");
const VERIFY: &str = include_str!("../../examples/workflows/verify.yml");
const SETUP: &str = include_str!("../../examples/workflows/setup.yml");
const README: &str = include_str!("backup-readme.md");
const DEPENDABOT: &str = include_str!("dependabot.yml");

/// How a file's comments are written, for its header line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Markdown,
}

/// One file to write: its path under `--dir` and its content without the header line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub path: &'static str,
    pub syntax: Syntax,
    pub body: String,
    /// What the file is, for the list `init` prints.
    pub about: String,
}

/// Every file of a backup repository for `answers`.
pub fn files(answers: &Answers) -> Vec<Rendered> {
    let schedule = Schedule::for_project(&answers.project_id);
    let yaml = |path, template: &str, about: String| Rendered {
        path,
        syntax: Syntax::Yaml,
        body: without_copy_note(template),
        about,
    };
    vec![
        yaml(
            ".github/workflows/backup.yml",
            &schedule_line(BACKUP, EXAMPLE_BACKUP_CRON, &schedule.backup_cron()),
            format!(
                "backups at minutes {} and {} of every hour (UTC)",
                schedule.minute,
                schedule.minute + 30
            ),
        ),
        yaml(
            ".github/workflows/restore.yml",
            RESTORE,
            format!("restores by hand, approved in the {RESTORE_ENVIRONMENT} environment"),
        ),
        yaml(
            ".github/workflows/verify.yml",
            &schedule_line(VERIFY, EXAMPLE_VERIFY_CRON, &schedule.verify_cron()),
            format!("checks every tier on Mondays at 05:{:02} UTC", schedule.minute + 15),
        ),
        yaml(
            ".github/workflows/setup.yml",
            SETUP,
            "checks the setup on the first push; keeps the checklist issue".to_owned(),
        ),
        Rendered {
            path: "README.md",
            syntax: Syntax::Markdown,
            body: readme(answers, schedule),
            about: "what is backed up, where the tiers are, how to restore".to_owned(),
        },
        yaml(
            ".github/dependabot.yml",
            DEPENDABOT,
            "keeps the action up to date".to_owned(),
        ),
    ]
}

/// `template` with its schedule `example` replaced by `cron` (the example holds it once).
fn schedule_line(template: &str, example: &str, cron: &str) -> String {
    template.replacen(&format!("cron: \"{example}\""), &format!("cron: \"{cron}\""), 1)
}

/// The example's first comment line tells a reader to copy the file; `init` has done that.
fn without_copy_note(template: &str) -> String {
    let mut lines = template.split_inclusive('\n').peekable();
    if lines
        .peek()
        .is_some_and(|first| first.starts_with("# Copy this file to "))
    {
        lines.next();
        // The note may go on over indented comment lines: `# (cognigy-backup init writes ...)`.
        while lines.peek().is_some_and(|next| next.starts_with("# (")) {
            lines.next();
        }
    }
    lines.collect()
}

fn readme(answers: &Answers, schedule: Schedule) -> String {
    README
        .replace("{name}", &markdown::text(&answers.name))
        .replace("{project_id}", &answers.project_id)
        .replace("{base_url}", answers.base_url.as_str().trim_end_matches('/'))
        .replace("{minute}", &schedule.minute.to_string())
        .replace("{minute_2}", &(schedule.minute + 30).to_string())
        .replace("{action}", ACTION)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers() -> Answers {
        Answers {
            project_id: "0123456789abcdef01234567".to_owned(),
            base_url: "https://api-trial.cognigy.ai".parse().unwrap(),
            name: "Support *bot* <b>".to_owned(),
        }
    }

    #[test]
    fn each_example_holds_its_schedule_once_so_init_can_set_it() {
        for (template, cron) in [(BACKUP, EXAMPLE_BACKUP_CRON), (VERIFY, EXAMPLE_VERIFY_CRON)] {
            assert_eq!(template.matches(&format!("cron: \"{cron}\"")).count(), 1, "{cron}");
        }
        assert!(RESTORE.contains(&format!("environment: {RESTORE_ENVIRONMENT}\n")));
        for template in [BACKUP, RESTORE, VERIFY, SETUP] {
            assert!(template.contains(&format!("uses: {ACTION}@v1\n")));
        }
    }

    #[test]
    fn the_workflows_are_the_examples_with_the_projects_schedule() {
        let files = files(&answers());
        let schedule = Schedule::for_project("0123456789abcdef01234567");
        let backup = &files[0].body;
        assert!(
            backup.contains(&format!("cron: \"{}\"", schedule.backup_cron())),
            "{backup}"
        );
        assert!(!backup.contains(EXAMPLE_BACKUP_CRON) || schedule.backup_cron() == EXAMPLE_BACKUP_CRON);
        assert!(!backup.starts_with("# Copy this file"));
        assert_eq!(
            backup.replace(&schedule.backup_cron(), EXAMPLE_BACKUP_CRON),
            without_copy_note(BACKUP),
            "nothing else differs from the example"
        );
        assert!(
            files[3].body.starts_with("#\n# It runs on the first push"),
            "{}",
            files[3].body
        );
    }

    #[test]
    fn the_readme_names_the_project_with_its_name_escaped() {
        let readme = &files(&answers())[4].body;
        assert!(
            readme.starts_with("# Cognigy backup: Support \\*bot\\* \\<b\\>\n"),
            "{readme}"
        );
        assert!(readme.contains("`0123456789abcdef01234567` on `https://api-trial.cognigy.ai`"));
        assert!(!readme.contains('{'), "every placeholder is filled: {readme}");
    }
}

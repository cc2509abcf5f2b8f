//! The binary run as the runner runs it writes parseable outputs and a step summary, in the file
//! form under Actions and readably on stdout outside them.

mod support;

use support::runner::{Step, parse_outputs};

fn refused_step() -> Step {
    Step::new().with("mode", "backup").with("keep-daily", "0")
}

#[test]
fn under_actions_outputs_and_summary_go_to_the_runner_files() {
    let run = refused_step().run();
    assert_eq!(run.code, Some(2));
    let summary = &run.outputs["summary"];
    assert!(
        summary.contains("invalid inputs") && summary.contains("`keep-daily`"),
        "{summary}"
    );
    assert!(
        run.output_file.contains("summary<<ghadelimiter_"),
        "multi-line values are heredocs"
    );
    assert_eq!(
        run.summary.trim_end(),
        summary.trim_end(),
        "the summary output is the step summary"
    );
    assert!(
        !run.stdout.contains("Outputs:"),
        "outputs are not printed when GITHUB_OUTPUT is set"
    );
}

#[test]
fn outside_actions_outputs_are_printed_readably() {
    let run = refused_step().outside_actions().run();
    assert_eq!(run.code, Some(2));
    assert!(run.output_file.is_empty() && run.summary.is_empty());
    assert!(run.outputs["summary"].contains("`keep-daily`"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("::add-mask::"),
        "nothing consumes masks outside Actions"
    );
}

#[test]
fn the_output_parser_reads_both_line_forms() {
    let parsed = parse_outputs("changed=true\nsummary<<EOF_1\n# a\n\nb=c\nEOF_1\nfiles-changed=3\n");
    assert_eq!(parsed["changed"], "true");
    assert_eq!(parsed["summary"], "# a\n\nb=c");
    assert_eq!(parsed["files-changed"], "3");
}

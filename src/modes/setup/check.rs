//! One result of the setup, and the checklist they make: the body and the step summary.

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pass,
    /// Works, with a limit worth knowing (an optional feature not available, a cap reached).
    Warn,
    Fail,
    /// Not checked, because a check it depends on failed.
    Skipped,
}

/// One thing a backup needs, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub title: &'static str,
    /// A failed required check fails the setup.
    pub required: bool,
    pub state: State,
    /// What was found, as markdown (text from a server already escaped).
    pub detail: String,
    /// What to do, as markdown, when it did not pass.
    pub fix: Option<String>,
}

impl Check {
    pub fn pass(title: &'static str, required: bool, detail: impl Into<String>) -> Check {
        Check {
            title,
            required,
            state: State::Pass,
            detail: detail.into(),
            fix: None,
        }
    }

    pub fn fail(title: &'static str, required: bool, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            title,
            required,
            state: State::Fail,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }

    pub fn warn(title: &'static str, required: bool, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            state: State::Warn,
            ..Check::fail(title, required, detail, fix)
        }
    }

    pub fn skipped(title: &'static str, required: bool, why: &str) -> Check {
        Check {
            title,
            required,
            state: State::Skipped,
            detail: format!("not checked: {why}"),
            fix: None,
        }
    }

    /// Whether this check stops a backup: required, and failed or not checked.
    pub fn blocks(&self) -> bool {
        self.required && matches!(self.state, State::Fail | State::Skipped)
    }

    /// The checklist line (and its fix).
    pub fn markdown(&self) -> String {
        let (tick, mark) = match self.state {
            State::Pass => ("x", ""),
            State::Warn => ("x", "⚠️ "),
            State::Fail => (" ", "❌ "),
            State::Skipped => (" ", ""),
        };
        let kind = if self.required { "" } else { " (optional)" };
        let mut line = format!("- [{tick}] {mark}**{}**{kind}: {}\n", self.title, self.detail);
        if let Some(fix) = self.fix.as_ref().filter(|_| self.state != State::Pass) {
            line.push_str(&format!("  - **To fix:** {fix}\n"));
        }
        line
    }
}

/// Text from elsewhere (a server's message, a library's error), shown literally: a code span on
/// one line, which markdown never interprets (backticks, which would end it, become quotes).
pub fn quoted(text: &str) -> String {
    let inner: String = text
        .chars()
        .map(|c| match c {
            '`' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    format!("`{}`", inner.trim())
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_text_stays_one_literal_code_span() {
        assert_eq!(super::quoted("a `b`\n<img src=x> **c**"), "`a 'b' <img src=x> **c**`");
    }
}

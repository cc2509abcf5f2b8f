//! The validator's primitives: reading a trimmed input, recording a problem (never showing a
//! secret's value), and the checks every mode shares (required values, choices, booleans, counts,
//! durations, URLs, Cognigy ids, GitHub names). The groups of inputs and the modes build on these.

use reqwest::Url;

use super::{InputError, Mode, RunnerEnv};
use crate::action::inputs::{INPUTS, RawInputs};

/// Collects every problem of one validation.
pub(super) struct Validator<'a> {
    pub(super) raw: &'a RawInputs,
    pub(super) env: &'a RunnerEnv,
    pub(super) errors: Vec<InputError>,
}

fn is_secret(input: &str) -> bool {
    INPUTS.iter().any(|spec| spec.name == input && spec.secret)
}

fn static_name(input: &str) -> &'static str {
    INPUTS
        .iter()
        .find(|spec| spec.name == input)
        .map(|spec| spec.name)
        .unwrap_or("unknown")
}

impl Validator<'_> {
    pub(super) fn value(&self, input: &str) -> Option<&str> {
        self.raw.get(input).map(str::trim)
    }

    pub(super) fn fail<T>(&mut self, input: &str, problem: impl Into<String>) -> Option<T> {
        let value = if is_secret(input) {
            None
        } else {
            self.value(input).map(str::to_owned)
        };
        self.errors.push(InputError {
            input: static_name(input),
            value,
            problem: problem.into(),
        });
        None
    }

    /// [`Self::fail`] without the value, for a value that turns out to be a secret put into an
    /// input that is not (a secret key pasted as a public key): it is masked from then on.
    pub(super) fn fail_hiding_value<T>(&mut self, input: &str, problem: impl Into<String>) -> Option<T> {
        if let Some(value) = self.value(input) {
            crate::secrets::register(value);
        }
        self.errors.push(InputError {
            input: static_name(input),
            value: None,
            problem: problem.into(),
        });
        None
    }

    pub(super) fn required(&mut self, input: &str, mode: Mode, what: &str) -> Option<String> {
        match self.value(input) {
            Some(value) => Some(value.to_owned()),
            None => self.fail(input, format!("is required in mode `{mode}`: {what}")),
        }
    }

    pub(super) fn choice<T: Copy>(&mut self, input: &str, default: &str, choices: &[(&str, T)]) -> Option<T> {
        let value = self.value(input).unwrap_or(default);
        match choices.iter().find(|(name, _)| name.eq_ignore_ascii_case(value)) {
            Some((_, choice)) => Some(*choice),
            None => {
                let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
                self.fail(input, format!("accepted: {}", names.join(", ")))
            }
        }
    }

    pub(super) fn boolean(&mut self, input: &str, default: bool) -> Option<bool> {
        match self.value(input) {
            None => Some(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Some(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Some(false),
            Some(_) => self.fail(input, "accepted: true or false"),
        }
    }

    pub(super) fn count(&mut self, input: &str, default: usize, max: usize) -> Option<usize> {
        let Some(value) = self.value(input) else {
            return Some(default);
        };
        match value.parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => self.fail(input, format!("accepted: a whole number from 1 to {max}")),
        }
    }

    /// A duration such as `30m`, `6h` or `2d` (whole minutes, hours or days); `0` only when
    /// `zero` names what it means for this input (`"every run reads everything"`).
    pub(super) fn duration(&mut self, input: &str, default: &str, zero: Option<&str>) -> Option<time::Duration> {
        let value = self.value(input).unwrap_or(default);
        match parse_duration(value) {
            Some(d) if !d.is_zero() || zero.is_some() => Some(d),
            _ => {
                let zero = zero.map(|means| format!("; 0: {means}")).unwrap_or_default();
                self.fail(
                    input,
                    format!("accepted: a whole number of minutes, hours or days such as 30m, 6h or 2d{zero}"),
                )
            }
        }
    }

    pub(super) fn url(&mut self, input: &str, value: &str) -> Option<Url> {
        let accepted = "accepted: an absolute https:// URL such as https://api-app.cognigy.ai";
        match Url::parse(value) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                if url.query().is_some() || url.fragment().is_some() {
                    return self.fail(input, format!("a query or fragment is not allowed; {accepted}"));
                }
                self.encrypted(input, url)
            }
            Ok(_) | Err(_) => self.fail(input, accepted.to_owned()),
        }
    }

    /// `url` when it is https, or http to this machine (`localhost`, `127.0.0.0/8`, `[::1]`, for
    /// tests and local servers): anywhere else plain http would carry keys and tokens readable on
    /// the way, so it is refused before any request.
    pub(super) fn encrypted(&mut self, input: &str, url: Url) -> Option<Url> {
        if url.scheme() != "http" || is_loopback(&url) {
            return Some(url);
        }
        self.fail(
            input,
            "http:// is accepted only for a loopback host (localhost, 127.0.0.1, [::1]): elsewhere it would send \
             credentials unencrypted; use the https:// URL",
        )
    }

    pub(super) fn object_id(&mut self, input: &str, id: String) -> Option<String> {
        if id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
            Some(id.to_ascii_lowercase())
        } else {
            self.fail(
                input,
                "accepted: a Cognigy id of 24 hexadecimal digits, as shown in the project's URL",
            )
        }
    }
}

/// `30m`, `6h`, `2d` (at most 366 days) or `0`.
fn parse_duration(value: &str) -> Option<time::Duration> {
    if value == "0" {
        return Some(time::Duration::ZERO);
    }
    let unit = value.chars().last()?;
    let number = &value[..value.len() - unit.len_utf8()];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = number.parse().ok()?;
    let minutes = match unit {
        'm' => n,
        'h' => n.checked_mul(60)?,
        'd' => n.checked_mul(24 * 60)?,
        _ => return None,
    };
    (minutes <= 366 * 24 * 60).then(|| time::Duration::minutes(minutes))
}

/// Whether `url`'s host is this machine.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

pub(super) fn is_github_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !name.starts_with('.')
}

pub(super) fn is_repository(value: &str) -> bool {
    matches!(value.split_once('/'), Some((owner, name)) if is_github_name(owner) && is_github_name(name))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use time::Duration;

    #[test]
    fn durations_are_whole_minutes_hours_or_days() {
        let cases = [
            ("0", Some(Duration::ZERO)),
            ("30m", Some(Duration::minutes(30))),
            ("6h", Some(Duration::hours(6))),
            ("2d", Some(Duration::days(2))),
            ("366d", Some(Duration::days(366))),
            ("367d", None),
            ("1.5h", None),
            ("-1h", None),
            ("+1h", None),
            ("h", None),
            ("10", None),
            ("10s", None),
            ("2 d", None),
            ("99999999999999999999d", None),
            ("", None),
            ("ß", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_duration(value), expected, "{value:?}");
        }
    }
}

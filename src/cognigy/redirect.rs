//! Redirects, followed by the client itself rather than by reqwest: an HTTP client drops only
//! `Authorization` and cookies on a redirect to another origin, never a custom header such as
//! `X-API-Key`. [`next`] reads a response's redirect; [`crate::cognigy::client`] decides per hop
//! whether the key goes along (only to the API's own origin) and refuses an API request sent on
//! to another origin, naming where.

use reqwest::{Method, Url};

/// Redirects followed for one request at most.
pub const MAX_REDIRECTS: usize = 10;

/// Where a redirect sends a request next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub url: Url,
    pub method: Method,
    /// Whether the body goes along (307 and 308 repeat the request as it was).
    pub keeps_body: bool,
}

/// The hop a response with `status` and `location` asks for, after a request with `method` to
/// `current`: `None` for anything but a redirect with a usable `Location`.
pub fn next(status: u16, location: Option<&str>, current: &Url, method: &Method) -> Option<Hop> {
    let url = current.join(location?.trim()).ok()?;
    match status {
        307 | 308 => Some(Hop {
            url,
            method: method.clone(),
            keeps_body: true,
        }),
        // As browsers and HTTP clients do: the request is repeated as a GET without its body.
        301..=303 => Some(Hop {
            url,
            method: if *method == Method::HEAD {
                Method::HEAD
            } else {
                Method::GET
            },
            keeps_body: false,
        }),
        _ => None,
    }
}

/// `url`'s origin as people read it (`https://host:port`), without path or query (a redirect's
/// query can carry a signed token).
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_are_read_per_status() {
        let current: Url = "https://api-app.cognigy.ai/new/v2.0/flows?projectId=p".parse().unwrap();
        let hop = |url: &str, method: Method, keeps_body| {
            Some(Hop {
                url: url.parse().unwrap(),
                method,
                keeps_body,
            })
        };
        let table = [
            (
                302,
                Some("/new/v2.0/flows2"),
                Method::GET,
                hop("https://api-app.cognigy.ai/new/v2.0/flows2", Method::GET, false),
            ),
            (
                303,
                Some("https://other.example/x"),
                Method::POST,
                hop("https://other.example/x", Method::GET, false),
            ),
            (
                301,
                Some("x"),
                Method::HEAD,
                hop("https://api-app.cognigy.ai/new/v2.0/x", Method::HEAD, false),
            ),
            (
                307,
                Some("https://api-app.cognigy.ai/v2.0/flows"),
                Method::PATCH,
                hop("https://api-app.cognigy.ai/v2.0/flows", Method::PATCH, true),
            ),
            (
                308,
                Some(" http://api-app.cognigy.ai/a "),
                Method::POST,
                hop("http://api-app.cognigy.ai/a", Method::POST, true),
            ),
            (302, None, Method::GET, None),
            (304, Some("/x"), Method::GET, None),
            (200, Some("/x"), Method::GET, None),
            (302, Some("http://[::1"), Method::GET, None),
        ];
        for (status, location, method, expected) in table {
            assert_eq!(
                next(status, location, &current, &method),
                expected,
                "{status} {location:?}"
            );
        }
    }

    #[test]
    fn an_origin_shows_no_path_nor_query() {
        let url: Url = "https://storage.example:8443/bucket/file?sig=s3cr3t".parse().unwrap();
        assert_eq!(origin(&url), "https://storage.example:8443");
    }
}

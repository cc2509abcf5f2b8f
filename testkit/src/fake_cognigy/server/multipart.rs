//! A minimal `multipart/form-data` reader for the fake's upload endpoints (intents, lexicon,
//! snapshot imports): named parts, their bytes, and whether each came as a file (with a `filename`),
//! which is what an upload server needs to take a part as a file.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::HeaderMap;

use super::errors::ApiError;

/// The largest raw text upload Cognigy takes (its documented 2 MB): intents, keyphrases.
pub const MAX_RAW_UPLOAD: usize = 2_000_000;

/// The parts of a multipart body by field name.
pub struct Form(HashMap<String, Part>);

struct Part {
    data: Vec<u8>,
    is_file: bool,
}

impl Form {
    pub fn parse(headers: &HeaderMap, body: &Bytes) -> Result<Self, ApiError> {
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
            .map(|b| b.trim_matches('"'))
            .ok_or_else(|| ApiError::bad_request("Expected a multipart/form-data body."))?;
        let delimiter = format!("--{boundary}").into_bytes();
        let mut parts = HashMap::new();
        for chunk in split(body, &delimiter).into_iter().skip(1) {
            if chunk.starts_with(b"--") {
                break;
            }
            let chunk = chunk.strip_prefix(b"\r\n").unwrap_or(chunk);
            let Some(split_at) = find(chunk, b"\r\n\r\n") else {
                continue;
            };
            let head = String::from_utf8_lossy(&chunk[..split_at]);
            let data = &chunk[split_at + 4..];
            let data = data.strip_suffix(b"\r\n").unwrap_or(data);
            if let Some(name) = disposition_value(&head, "name") {
                let is_file = disposition_value(&head, "filename").is_some();
                parts.insert(
                    name,
                    Part {
                        data: data.to_vec(),
                        is_file,
                    },
                );
            }
        }
        Ok(Self(parts))
    }

    /// The bytes of the file uploaded as part `name`, or 400 if there is none (a part without a
    /// `filename` is a text field, not a file).
    pub fn file(&self, name: &str) -> Result<&[u8], ApiError> {
        match self.0.get(name) {
            Some(part) if part.is_file => Ok(&part.data),
            Some(_) => Err(ApiError::bad_request(format!(
                "The part '{name}' must be a file upload (with a filename)."
            ))),
            None => Err(ApiError::missing(name)),
        }
    }

    /// The file uploaded as part `name` as text (a raw text upload: at most [`MAX_RAW_UPLOAD`]
    /// bytes, else 413), or 400.
    pub fn file_text(&self, name: &str) -> Result<&str, ApiError> {
        let file = self.file(name)?;
        if file.len() > MAX_RAW_UPLOAD {
            return Err(ApiError::plain(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("The uploaded file exceeds the limit of {MAX_RAW_UPLOAD} bytes for text uploads."),
            ));
        }
        std::str::from_utf8(file).map_err(|_| ApiError::bad_request(format!("The part '{name}' is not UTF-8.")))
    }

    /// Part `name` as text, if present and UTF-8.
    pub fn optional_text(&self, name: &str) -> Option<&str> {
        std::str::from_utf8(&self.0.get(name)?.data).ok()
    }

    /// Part `name` as text, or 400 if it is missing.
    pub fn text(&self, name: &str) -> Result<&str, ApiError> {
        self.optional_text(name).ok_or_else(|| ApiError::missing(name))
    }

    /// Checks an import's `mode`, which the typings require: only `overwrite` is modelled.
    pub fn overwrite_mode(&self) -> Result<(), ApiError> {
        match self.text("mode")? {
            "overwrite" => Ok(()),
            _ => Err(ApiError::bad_request(
                "Only mode 'overwrite' is supported by this server.",
            )),
        }
    }
}

/// The quoted parameter `key` of the part's `Content-Disposition` (`name`, `filename`).
fn disposition_value(head: &str, key: &str) -> Option<String> {
    let disposition = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
    let prefix = format!("{key}=\"");
    disposition
        .split(';')
        .find_map(|p| p.trim().strip_prefix(prefix.as_str()))
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
}

fn split<'a>(mut haystack: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut pieces = Vec::new();
    while let Some(at) = find(haystack, delimiter) {
        pieces.push(&haystack[..at]);
        haystack = &haystack[at + delimiter.len()..];
    }
    pieces.push(haystack);
    pieces
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

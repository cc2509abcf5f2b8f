//! A minimal `multipart/form-data` reader for the fake's upload endpoints (intents, lexicon,
//! snapshot imports): named parts and their bytes, nothing more.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::http::HeaderMap;

use super::errors::ApiError;

/// The parts of a multipart body by field name.
pub struct Form(HashMap<String, Vec<u8>>);

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
            if let Some(name) = field_name(&head) {
                parts.insert(name, data.to_vec());
            }
        }
        Ok(Self(parts))
    }

    /// The bytes of part `name`, or 400 if it is missing.
    pub fn bytes(&self, name: &str) -> Result<&[u8], ApiError> {
        self.0
            .get(name)
            .map(Vec::as_slice)
            .ok_or_else(|| ApiError::missing(name))
    }

    /// Part `name` as text, or 400.
    pub fn text(&self, name: &str) -> Result<&str, ApiError> {
        std::str::from_utf8(self.bytes(name)?)
            .map_err(|_| ApiError::bad_request(format!("The part '{name}' is not UTF-8.")))
    }

    /// Part `name` as text, if present.
    pub fn optional_text(&self, name: &str) -> Option<&str> {
        self.text(name).ok()
    }
}

fn field_name(head: &str) -> Option<String> {
    let disposition = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))?;
    disposition
        .split(';')
        .find_map(|p| p.trim().strip_prefix("name=\""))
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

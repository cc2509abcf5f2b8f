//! Which values inside a Cognigy resource are credentials. Three rules, applied to every JSON file
//! of a snapshot, node configs included:
//!
//! 1. [`TABLE`]: fields known to hold credentials per kind, from the official typings (endpoint
//!    channel settings, handover provider settings, NLU connector settings, connection fields, ...),
//!    whatever their names;
//! 2. credential-like key names anywhere ([`is_credential_name`]): `password`, `secret`, `token`,
//!    `apiKey`, `privateKey`, `accessKey`, `clientSecret`, `authorization`, `cookie`, ...; and
//!    `{"key": "Authorization", "value": "..."}` pairs, as headers are often written;
//! 3. values that are credentials by their form ([`is_credential_value`]): `Bearer ...` and
//!    `Basic ...` header values, URLs with a password, PEM private keys.
//!
//! Under a credential name every scalar is secret, nested ones too (`credentials: {user, pass}`),
//! except what holds nothing: `null`, booleans, empty strings, and values that are only
//! CognigyScript references (`{{context.token}}`, `Bearer {{secrets.key}}`), which name a secret
//! kept elsewhere. Credentials written inside code (code nodes, functions, transformers) are not
//! looked for: code is kept as it is.

use serde_json::Value;

/// Known credential fields: (kind, path). The kind is the snapshot folder (`project` for the
/// project's own files); the path is keys from the file's root, `*` for any key, and lists are
/// passed through (a path does not count list positions).
pub const TABLE: &[(&str, &str)] = &[
    // Connections hold the credentials of other systems: every field value.
    ("connections", "fields.*"),
    // Endpoint channel settings (IFacebookEndpointSettings, ISlackEndpointSettings, ...).
    ("endpoints", "settings.facebookPageToken"),
    ("endpoints", "settings.appSecret"),
    ("endpoints", "settings.appPassword"),
    ("endpoints", "settings.workplaceToken"),
    ("endpoints", "settings.lineChannelAccessToken"),
    ("endpoints", "settings.lineChannelSecret"),
    ("endpoints", "settings.slackVerifyToken"),
    ("endpoints", "settings.slackOAuthAccessToken"),
    ("endpoints", "settings.basicAuthPassword"),
    ("endpoints", "settings.sunshineConversationsChannelSecret"),
    ("endpoints", "settings.cpaasToken"),
    ("endpoints", "settings.accessToken"),
    ("endpoints", "settings.hubSecret"),
    ("endpoints", "settings.securityToken"),
    ("endpoints", "settings.bearerToken"),
    ("endpoints", "settings.verifyToken"),
    ("endpoints", "settings.apiKey"),
    ("endpoints", "dashbotApikey"),
    // An endpoint's handover provider (IRCEHandoverSettings, IChatwootHandoverSettings, ...).
    ("endpoints", "handoverSettings.providerSettings.apiKey"),
    ("endpoints", "handoverSettings.providerSettings.apiAccessToken"),
    ("endpoints", "handoverSettings.providerSettings.realtimeAccessToken"),
    ("endpoints", "handoverSettings.providerSettings.webhookSecret"),
    ("endpoints", "handoverSettings.providerSettings.clientSecret"),
    // Handover providers as a resource of their own (documented, not in the 0.19 typings).
    ("handover-providers", "apiKey"),
    ("handover-providers", "settings.*"),
    // NLU connectors (IDialogflowSettings, IWatsonSettings, ILexSettings).
    ("nlu-connectors", "settings.accessToken"),
    ("nlu-connectors", "settings.privateKey"),
    ("nlu-connectors", "settings.apikey"),
    ("nlu-connectors", "settings.accessKeyId"),
    ("nlu-connectors", "settings.secretAccessKey"),
    // LLM resources: keys in their options and provider settings.
    ("llms", "options.apiKey"),
    ("llms", "*.apiKey"),
    ("llms", "*.clientSecret"),
];

/// What a credential value's place is replaced by under `secrets: redact`.
pub const REDACTED: &str = "<redacted by cognigy-backup>";

/// Calls `found` with the JSON pointer and the value of every credential in `doc`, a JSON file of a
/// resource of `kind` (or of the project, kind `project`).
pub fn for_each(kind: &str, doc: &mut Value, found: &mut dyn FnMut(&str, &mut Value)) {
    walk(kind, doc, &mut Vec::new(), &mut String::new(), false, found);
}

/// `path` holds the keys from the root (for [`TABLE`]), `pointer` the JSON pointer.
fn walk(
    kind: &str,
    value: &mut Value,
    path: &mut Vec<String>,
    pointer: &mut String,
    secret: bool,
    found: &mut dyn FnMut(&str, &mut Value),
) {
    match value {
        Value::Object(map) => {
            let paired = !secret && pair_holds_credential(map);
            for (key, child) in map.iter_mut() {
                path.push(key.clone());
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let secret = secret || in_table(kind, path) || is_credential_name(key) || (paired && key == "value");
                walk(kind, child, path, pointer, secret, found);
                pointer.truncate(len);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{index}"));
                walk(kind, item, path, pointer, secret, found);
                pointer.truncate(len);
            }
        }
        Value::String(text) if holds_nothing(text) => {}
        Value::String(text) if secret || is_credential_value(text) => found(pointer, value),
        Value::Number(_) if secret => found(pointer, value),
        _ => {}
    }
}

fn in_table(kind: &str, path: &[String]) -> bool {
    TABLE.iter().any(|(k, pattern)| {
        let segments: Vec<&str> = pattern.split('.').collect();
        *k == kind
            && segments.len() == path.len()
            && segments.iter().zip(path).all(|(want, key)| *want == "*" || want == key)
    })
}

/// Whether `text` can hold no credential: empty, or only CognigyScript references (`{{...}}`),
/// perhaps after an authorization scheme (`Bearer {{context.token}}`).
fn holds_nothing(text: &str) -> bool {
    let mut rest = text.trim();
    for scheme in ["Bearer ", "Basic ", "bearer ", "basic "] {
        rest = rest.strip_prefix(scheme).unwrap_or(rest).trim_start();
    }
    loop {
        if rest.is_empty() {
            return true;
        }
        let Some(inner) = rest.strip_prefix("{{") else {
            return false;
        };
        match inner.find("}}") {
            Some(end) => rest = inner[end + 2..].trim_start(),
            None => return false,
        }
    }
}

/// The words of a key, lower-case: `slackOAuthAccessToken` -> `slack o auth access token`,
/// `X-API-Key` -> `x api key`, `client_secret` -> `client secret`.
fn words(key: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = key.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether a key names a credential, by its last word (or two): `password`, `appSecret`,
/// `facebookPageToken`, `apiKey`, `dashbotApikey`, `secretAccessKey`, `Authorization`. Not:
/// `passwordPolicy`, `URLToken` (an endpoint's public address), `maxTokens`, `contextKey`.
pub fn is_credential_name(key: &str) -> bool {
    const LAST: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "secret",
        "credential",
        "credentials",
        "apikey",
        "privatekey",
        "accesskey",
        "secretkey",
        "authkey",
        "licensekey",
        "clientsecret",
        "authorization",
        "cookie",
    ];
    const KEY_AFTER: &[&str] = &[
        "api",
        "private",
        "access",
        "secret",
        "auth",
        "license",
        "signing",
        "encryption",
        "master",
        "shared",
        "subscription",
    ];
    let words = words(key);
    let Some(last) = words.last().map(String::as_str) else {
        return false;
    };
    let before = words.len().checked_sub(2).map(|i| words[i].as_str());
    LAST.contains(&last)
        || (last == "token" && before != Some("url"))
        || (last == "key" && before.is_some_and(|b| KEY_AFTER.contains(&b)))
}

/// Whether a `{"key"|"name"|"header": <credential name>, "value": ...}` object holds a credential in `value`.
fn pair_holds_credential(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("value")
        && ["key", "name", "header"]
            .iter()
            .filter_map(|k| map.get(*k)?.as_str())
            .any(is_credential_name)
}

/// Whether `text` is a credential by its form, whatever its key: an HTTP `Bearer` or `Basic`
/// credential, a URL with a password in it, or a PEM private key.
pub fn is_credential_value(text: &str) -> bool {
    let text = text.trim();
    let scheme_credential = ["Bearer ", "Basic ", "bearer ", "basic "].iter().any(|scheme| {
        text.strip_prefix(scheme).is_some_and(|credential| {
            credential.len() >= 8
                && credential
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~+/=".contains(c))
        })
    });
    let url_password = text
        .split_once("://")
        .and_then(|(scheme, rest)| {
            let authority = rest.split(['/', '?', '#']).next()?;
            let (userinfo, _) = authority.rsplit_once('@')?;
            let scheme_ok =
                !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            Some(
                scheme_ok
                    && userinfo
                        .split_once(':')
                        .is_some_and(|(_, password)| !password.is_empty()),
            )
        })
        .unwrap_or(false);
    let pem = text.starts_with("-----BEGIN") && text.contains("PRIVATE KEY-----");
    scheme_credential || url_password || pem
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn found(kind: &str, mut doc: Value) -> Vec<String> {
        let mut pointers = Vec::new();
        for_each(kind, &mut doc, &mut |pointer, _| pointers.push(pointer.to_owned()));
        pointers.sort();
        pointers
    }

    #[test]
    fn credential_names_are_told_by_their_last_words() {
        let secret = [
            "password",
            "basicAuthPassword",
            "appSecret",
            "client_secret",
            "oAuth2ClientSecret",
            "facebookPageToken",
            "slackOAuthAccessToken",
            "lineChannelAccessToken",
            "bearerToken",
            "verifyToken",
            "apiKey",
            "apikey",
            "api_key",
            "X-API-Key",
            "authApiKey",
            "dashbotApikey",
            "privateKey",
            "secretAccessKey",
            "Ocp-Apim-Subscription-Key",
            "Authorization",
            "proxy-authorization",
            "Cookie",
            "X-Auth-Token",
            "credentials",
            "llmCredentials",
            "licensekey",
        ];
        let not_secret = [
            "URLToken",
            "imageUrlToken",
            "endpointUrlToken",
            "maxTokens",
            "streamStopTokens",
            "passwordPolicy",
            "isCredentialsValid",
            "contextKey",
            "inputKey",
            "key",
            "tokenCacheKey",
            "keyphrase",
            "accessKeyId",
            "clientId",
            "name",
            "",
        ];
        for key in secret {
            assert!(is_credential_name(key), "{key} is a credential name");
        }
        for key in not_secret {
            assert!(!is_credential_name(key), "{key} is not a credential name");
        }
    }

    #[test]
    fn credentials_are_found_by_table_name_pair_and_form_at_every_depth() {
        let endpoint = json!({
            "name": "Slack",
            "URLToken": "0123456789abcdef",
            "dashbotApikey": "dash-1",
            "settings": {"slackVerifyToken": "v-1", "slackOAuthAccessToken": "xoxb-1", "sessionExpiration": 30},
            "handoverSettings": {"providerSettings": {"apiKey": "ho-1", "baseUrl": "https://ho.example"}},
        });
        assert_eq!(
            found("endpoints", endpoint),
            [
                "/dashbotApikey",
                "/handoverSettings/providerSettings/apiKey",
                "/settings/slackOAuthAccessToken",
                "/settings/slackVerifyToken",
            ]
        );
        let connection =
            json!({"name": "CRM", "fields": {"username": "svc", "host": "crm.example", "unset": null, "empty": ""}});
        assert_eq!(found("connections", connection), ["/fields/host", "/fields/username"]);
        let chart = json!({"nodes": [{"_id": "n1", "config": {
            "url": "https://user:pw-1@api.example/x",
            "authType": "basic",
            "basicConnection": {"username": "u", "password": "pw-2"},
            "headers": {"Authorization": "Bearer abcdefgh12345678", "Content-Type": "application/json"},
            "headerList": [{"key": "X-API-Key", "value": "k-1"}, {"key": "Accept", "value": "*/*"}],
            "payload": {"note": "Basic information about orders", "auth": "Basic dXNlcjpwYXNzd29yZA=="},
            "credentials": {"user": "u", "pin": 1234, "remember": true},
            "template": {"apiKey": "{{context.apiKey}}", "Authorization": "Bearer {{secrets.token}}"},
            "say": {"text": ["Your password is safe with us"]},
            "pem": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
        }}]});
        let got = found("flows", chart);
        assert_eq!(
            got,
            [
                "/nodes/0/config/basicConnection/password",
                "/nodes/0/config/credentials/pin",
                "/nodes/0/config/credentials/user",
                "/nodes/0/config/headerList/0/value",
                "/nodes/0/config/headers/Authorization",
                "/nodes/0/config/payload/auth",
                "/nodes/0/config/pem",
                "/nodes/0/config/url",
            ]
        );
    }

    #[test]
    fn the_table_is_per_kind() {
        let doc = json!({"fields": {"username": "svc"}, "settings": {"accessKeyId": "AKIA1"}});
        assert_eq!(found("connections", doc.clone()), ["/fields/username"]);
        assert_eq!(found("nlu-connectors", doc.clone()), ["/settings/accessKeyId"]);
        assert!(found("extensions", doc).is_empty());
    }

    #[test]
    fn pointers_escape_slashes_and_tildes() {
        assert_eq!(
            found("flows", json!({"a/b~c": {"password": "x"}})),
            ["/a~1b~0c/password"]
        );
    }
}

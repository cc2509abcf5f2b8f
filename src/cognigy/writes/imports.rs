//! The imports of a restore by update: a flow's intents in one locale and a lexicon's keyphrases,
//! each a multipart upload of the file the export saved, answered by a task that is waited for.
//! An import overwrites, so it may be repeated after an unclear failure.

use serde_json::Value;

use super::super::client::{Call, Client, FormPart};
use super::super::error::Error;
use super::super::tasks;

/// The file an import of `intents` uploads: what its size is checked on before anything is sent.
pub fn intents_file(intents: &Value) -> Vec<u8> {
    serde_json::to_vec(intents).expect("a JSON value always serialises")
}

/// Replaces the intents of flow `flow_id` in locale `locale_id` with `intents`, the array the intent
/// export answered as the export saved it; waits for the import's task.
pub async fn import_intents(client: &Client, flow_id: &str, locale_id: &str, intents: &Value) -> Result<(), Error> {
    let resource = format!("intents of flow {flow_id} in locale {locale_id}");
    if !intents.is_array() {
        return Err(Error::Unwritable {
            resource,
            what: "the intents are not a JSON array".to_owned(),
        });
    }
    let file = intents_file(intents);
    let parts = vec![
        FormPart::text("mode", "overwrite"),
        FormPart::text("flowId", flow_id),
        FormPart::text("localeId", locale_id),
        FormPart::file("file", "intents.json", "application/json", file),
    ];
    let call = Call::post_form(resource, format!("flows/{flow_id}/intents/import"), parts);
    tasks::run(client, call).await.map(drop)
}

/// Replaces the keyphrases of lexicon `lexicon_id` with those of `csv` (the keyphrase export's
/// CSV); waits for the import's task.
pub async fn import_keyphrases(client: &Client, lexicon_id: &str, csv: &str) -> Result<(), Error> {
    let parts = vec![
        FormPart::text("mode", "overwrite"),
        FormPart::file("file", "keyphrases.csv", "text/csv", csv.as_bytes().to_vec()),
    ];
    let call = Call::post_form(
        format!("keyphrases of lexicon {lexicon_id}"),
        format!("lexicons/{lexicon_id}/import"),
        parts,
    );
    tasks::run(client, call).await.map(drop)
}

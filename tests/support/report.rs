//! The JSON report a restore or a diff leaves in the workspace (output `report-file`), and the
//! resources of its comparison.

use serde_json::Value;

use super::runner::StepRun;

/// The report the run's `report-file` output names, parsed.
pub fn read(run: &StepRun) -> Value {
    let bytes = run
        .workspace_file(&run.outputs["report-file"])
        .expect("the report is in the workspace");
    serde_json::from_slice(&bytes).unwrap()
}

/// `(kind, name, status)` of every resource in a report's comparison, sorted.
pub fn resources(comparison: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = comparison["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_owned();
            (s("kind"), s("name"), s("status"))
        })
        .collect();
    out.sort();
    out
}

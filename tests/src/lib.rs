//! Helpers shared by the cross-crate tests.

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One vector file: a function and its cases (input arguments and the exact expected result).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorFile {
    pub function: String,
    #[serde(default)]
    pub description: Option<String>,
    pub cases: Vec<VectorCase>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VectorCase {
    pub name: String,
    pub input: serde_json::Value,
    /// The result object, or `{"error":{…}}`; compared as canonical JSON text.
    pub expected: serde_json::Value,
}

/// `tests/vectors/`.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Every vector file, sorted by name.
pub fn load_vectors() -> Vec<(PathBuf, VectorFile)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("tests/vectors exists")
        .map(|e| e.expect("readable dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable vector file");
            let file: VectorFile =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, file)
        })
        .collect()
}

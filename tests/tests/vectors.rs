//! Runs every case in `tests/vectors/*.json` through the native core and compares the answer
//! with the expected JSON text byte for byte. The wasm package's Node tests run the same files.

use anytime_core::eval::call_line;
use anytime_tests::load_vectors;

#[test]
fn every_vector_matches_the_native_core() {
    let mut failures = Vec::new();
    let mut count = 0;
    for (path, file) in load_vectors() {
        for case in &file.cases {
            count += 1;
            let got = call_line(&file.function, &case.input.to_string());
            let want = case.expected.to_string();
            if got != want {
                failures.push(format!(
                    "{} / {}:\n  want {want}\n  got  {got}",
                    path.file_name().unwrap().to_string_lossy(),
                    case.name
                ));
            }
        }
    }
    // Guards against a loader that silently finds nothing.
    assert!(count >= 100, "only {count} vectors found");
    assert!(
        failures.is_empty(),
        "{} of {count} vectors differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

//! Conditions: matching and save-time validation (SPEC §5.1).

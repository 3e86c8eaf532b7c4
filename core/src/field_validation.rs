//! Field value validation by type (SPEC §5.8).

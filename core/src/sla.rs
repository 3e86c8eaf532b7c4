//! SLA policy choice and targets (SPEC §5.6).

//! Logical expressions over numbered conditions (SPEC §5.1).

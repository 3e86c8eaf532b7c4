//! Business-hours arithmetic (SPEC §5.5).

//! Working time and holidays: the settings business hours run on (SPEC §4.8).

//! Panics abort a wasm instance (this target has no unwinding), so they cannot be turned into
//! a `Result` here. The hook keeps the panic's message; the package's JS wrapper catches the
//! resulting trap and throws an `Error` with code `internal` and that message. The core is
//! written never to panic on any input; this is the last line of defence, not a code path.

use std::sync::Mutex;

static LAST: Mutex<Option<String>> = Mutex::new(None);

pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST.lock() {
            *last = Some(info.to_string());
        }
    }));
}

pub fn take_message() -> Option<String> {
    LAST.lock().ok().and_then(|mut last| last.take())
}

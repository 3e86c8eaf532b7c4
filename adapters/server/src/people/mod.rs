//! People and supporting resources of SPEC §4.14: agents, departments, contacts, tags and
//! canned responses. Each module holds its JSON shapes, thin handlers and the one service
//! function per endpoint that the handlers call.

pub mod agents;
pub mod canned;
pub mod contacts;
pub mod departments;
pub mod tags;

use crate::app::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(agents::router())
        .merge(departments::router())
        .merge(contacts::router())
        .merge(tags::router())
        .merge(canned::router())
}

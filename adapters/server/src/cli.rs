//! The commands of SPEC §2: `serve`, `site create`, `migrate`, `backup`.

use crate::auth::keys::generate_key;
use crate::config::ServeConfig;
use anytime_core::model::{AgentId, AgentStatus, SiteId};
use anytime_store::{NewAgent, NewSite, Role, Store, StoreOptions};
use serde_json::json;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

/// A failed command: the message goes to stderr, the process exits 1.
pub type CliResult<T> = Result<T, String>;

fn admin(email: &str, name: &str) -> (NewAgent, String) {
    let (key, api_key) = generate_key();
    (
        NewAgent {
            id: AgentId(Uuid::new_v4()),
            name: name.to_string(),
            email: email.to_string(),
            role: Role::Admin,
            is_active: true,
            status: AgentStatus::Offline,
            department_ids: Vec::new(),
            password_hash: None,
            api_key,
        },
        key,
    )
}

async fn open(db: &Path) -> CliResult<Store> {
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    let (store, applied) = Store::open(db, StoreOptions::default())
        .await
        .map_err(|e| format!("cannot open {}: {e}", db.display()))?;
    if !applied.is_empty() {
        tracing::info!(?applied, db = %db.display(), "migrations applied");
    }
    Ok(store)
}

/// `anytime site create`: prints `{"siteId","agentId","apiKey"}`.
pub async fn site_create(
    db: &Path,
    name: &str,
    admin_email: &str,
    admin_name: Option<&str>,
) -> CliResult<String> {
    if name.trim().is_empty() {
        return Err("--name must not be empty".into());
    }
    if !crate::http::validate::is_email(admin_email) {
        return Err(format!(
            "--admin-email {admin_email:?} is not an email address"
        ));
    }
    let store = open(db).await?;
    let (agent, key) = admin(admin_email, admin_name.unwrap_or("Admin"));
    let result = store
        .sites()
        .create(NewSite {
            id: SiteId(Uuid::new_v4()),
            name: name.trim().to_string(),
            admin: agent,
        })
        .await;
    store.close().await;
    let (site, agent) = result.map_err(|e| format!("cannot create the site: {e}"))?;
    Ok(json!({"siteId": site.id.0, "agentId": agent.id.0, "apiKey": key}).to_string())
}

/// `anytime migrate`: applies pending migrations and reports the schema version.
pub async fn migrate(db: &Path) -> CliResult<String> {
    let store = open(db).await?;
    store.close().await;
    let version = anytime_store::schema_version(db).map_err(|e| e.to_string())?;
    Ok(format!("schema version {version}"))
}

/// `anytime backup`: an online, consistent copy.
pub fn backup(db: &Path, out: &Path) -> CliResult<String> {
    anytime_store::backup(db, out).map_err(|e| format!("backup failed: {e}"))?;
    Ok(format!("backed up {} to {}", db.display(), out.display()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// `anytime serve`: migrates, creates the default site on an empty database (printing its
/// admin's key once), serves until SIGINT/SIGTERM, then drains and closes the database.
pub async fn serve(config: ServeConfig) -> CliResult<()> {
    std::fs::create_dir_all(&config.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
    // The key that seals email account passwords: created (0600) on first start.
    crate::inbound::secrets::key(&config.data_dir)
        .map_err(|e| format!("cannot prepare the secret key: {e}"))?;
    let store = open(&config.db).await?;
    let (agent, key) = admin("admin@localhost", "Admin");
    let first = store
        .sites()
        .create_if_none(NewSite {
            id: SiteId(Uuid::new_v4()),
            name: "default".into(),
            admin: agent,
        })
        .await
        .map_err(|e| format!("cannot create the default site: {e}"))?;
    if let Some((site, agent)) = first {
        println!(
            "{}",
            json!({"siteId": site.id.0, "agentId": agent.id.0, "email": agent.email, "apiKey": key})
        );
        println!(
            "Created site \"default\". Admin {} — API key (shown once): {key}",
            agent.email
        );
    }
    let listener = tokio::net::TcpListener::bind(&config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (router, state) = crate::app::build(store.clone(), config);
    let pruner = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                state.auth.prune();
            }
        })
    };
    let worker = tokio::spawn(crate::workers::run(state.clone()));
    let delivery = tokio::spawn(crate::inbound::delivery::run(state.clone()));
    let imap = tokio::spawn(crate::inbound::imap_sync::run(state.clone()));
    println!("listening on http://{addr}");
    tracing::info!(%addr, "listening");
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await;
    pruner.abort();
    worker.abort();
    delivery.abort();
    imap.abort();
    store.close().await;
    served.map_err(|e| format!("server error: {e}"))?;
    tracing::info!("stopped");
    Ok(())
}

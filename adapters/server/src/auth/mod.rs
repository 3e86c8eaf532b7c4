//! Authentication and roles (SPEC §3). `Authorization: Basic base64(agentEmail:apiKey)` or
//! `Authorization: Bearer <OAuth access token>` becomes a [`Caller`]; handlers take [`Caller`],
//! [`Staff`] or [`Admin`] and never see credentials. Both kinds pass the same limits and end
//! as the same agent credential, so every role and tenancy rule holds for tokens unchanged.

mod bearer;
pub mod cache;
pub mod keys;
pub mod limiter;
pub mod password;

use crate::app::AppState;
use crate::http::error::ApiError;
use anytime_core::model::{AgentId, SiteId};
use anytime_store::{Credential, Role, Store};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use cache::CredentialCache;
use limiter::WindowCounter;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

/// Failed authentications allowed per minute per agent email and per client address.
pub const FAILED_AUTH_LIMIT: u32 = 20;
const MINUTE: Duration = Duration::from_secs(60);

/// Who is calling: resolved once per request, scoped to one site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub site_id: SiteId,
    pub agent_id: AgentId,
    pub role: Role,
}

impl Caller {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
            Err(ApiError::Forbidden(format!(
                "this needs the role {}; you are {}",
                names.join(" or "),
                self.role
            )))
        }
    }

    /// 403 unless the caller is an admin or `agent` itself (and not a portal credential).
    pub fn require_admin_or_self(&self, agent: AgentId) -> Result<(), ApiError> {
        if self.role == Role::Admin || (self.role == Role::Agent && self.agent_id == agent) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only an admin or the agent itself may do this".into(),
            ))
        }
    }
}

/// The credentials a request carries.
#[derive(Debug, PartialEq, Eq)]
pub enum Presented {
    Basic { email: String, key: String },
    Bearer { token: String },
}

/// Parses `Authorization`; `Err` is a 401 (`counts` tells whether it is a failed attempt).
fn parse_authorization(headers: &HeaderMap) -> Result<Presented, (ApiError, bool)> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err((
            ApiError::Unauthorized(
                "missing credentials: send Authorization: Basic base64(agentEmail:apiKey) or Bearer <access token>".into(),
            ),
            false,
        ));
    };
    let bad = || {
        (
            ApiError::Unauthorized("malformed Authorization header".into()),
            true,
        )
    };
    let value = value.to_str().map_err(|_| bad())?.trim();
    let (scheme, rest) = value.split_once(' ').ok_or_else(bad)?;
    if scheme.eq_ignore_ascii_case("bearer") {
        let token = rest.trim();
        if token.is_empty() || token.len() > 512 {
            return Err(bad());
        }
        return Ok(Presented::Bearer {
            token: token.to_string(),
        });
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err((
            ApiError::Unauthorized(format!(
                "unsupported authorization scheme {scheme:?}; use Basic or Bearer"
            )),
            false,
        ));
    }
    let decoded = STANDARD.decode(rest.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (email, key) = decoded.split_once(':').ok_or_else(bad)?;
    if email.is_empty() || key.is_empty() || email.len() > 320 || key.len() > 512 {
        return Err(bad());
    }
    Ok(Presented::Basic {
        email: email.to_string(),
        key: key.to_string(),
    })
}

/// Credential checks and the limits around them, shared by all requests.
#[derive(Debug)]
pub struct Auth {
    cache: CredentialCache,
    failures_by_email: WindowCounter<String>,
    failures_by_addr: WindowCounter<IpAddr>,
    /// `None` when `--rate-limit 0`.
    requests: Option<WindowCounter<AgentId>>,
}

impl Auth {
    /// `rate_limit`: requests per minute per credential (0 = unlimited).
    pub fn new(rate_limit: u32) -> Self {
        Self {
            cache: CredentialCache::new(MINUTE),
            failures_by_email: WindowCounter::new(FAILED_AUTH_LIMIT, MINUTE),
            failures_by_addr: WindowCounter::new(FAILED_AUTH_LIMIT, MINUTE),
            requests: (rate_limit > 0).then(|| WindowCounter::new(rate_limit, MINUTE)),
        }
    }

    /// Call after committing any change to an agent's keys, role, email or activity.
    pub fn invalidate_agent(&self, agent: AgentId) {
        self.cache.invalidate_agent(agent);
    }

    /// Drops finished rate-limit windows; run every minute or so.
    pub fn prune(&self) {
        let now = Instant::now();
        self.failures_by_email.prune(now);
        self.failures_by_addr.prune(now);
        if let Some(r) = &self.requests {
            r.prune(now);
        }
    }

    /// Drops every cached credential: call after revoking OAuth tokens.
    pub fn invalidate_tokens(&self) {
        self.cache.invalidate_all();
    }

    /// Counts a failed authentication (a wrong password or client secret on the OAuth pages
    /// counts like a wrong API key).
    pub fn failed(&self, email: Option<&str>, addr: IpAddr) {
        let now = Instant::now();
        if let Some(email) = email {
            self.failures_by_email
                .record(&email.to_ascii_lowercase(), now);
        }
        self.failures_by_addr.record(&addr, now);
    }

    /// 429 while `email` or `addr` is over the failed-authentication limit.
    pub fn too_many_failures(&self, email: Option<&str>, addr: IpAddr) -> Result<(), ApiError> {
        let now = Instant::now();
        let by_email =
            email.and_then(|e| self.failures_by_email.blocked(&e.to_ascii_lowercase(), now));
        let by_addr = self.failures_by_addr.blocked(&addr, now);
        match by_email.max(by_addr) {
            Some(retry_after) => Err(ApiError::RateLimited {
                message: "too many failed authentications; try again later".into(),
                retry_after,
            }),
            None => Ok(()),
        }
    }

    /// Resolves the request's credentials to a caller.
    pub async fn authenticate(
        &self,
        store: &Store,
        headers: &HeaderMap,
        addr: IpAddr,
        on_failure: impl Fn(),
    ) -> Result<Caller, ApiError> {
        let presented = match parse_authorization(headers) {
            Ok(p) => p,
            Err((error, counts)) => {
                self.too_many_failures(None, addr)?;
                if counts {
                    self.failed(None, addr);
                    on_failure();
                }
                return Err(error);
            }
        };
        let email = match &presented {
            Presented::Basic { email, .. } => Some(email.as_str()),
            Presented::Bearer { .. } => None,
        };
        self.too_many_failures(email, addr)?;
        let now = Instant::now();
        let credential = match &presented {
            Presented::Basic { email, key } => self.key_credential(store, email, key, now).await?,
            Presented::Bearer { token } => self.token_credential(store, token, now).await?,
        };
        let Some(credential) = credential else {
            self.failed(email, addr);
            on_failure();
            return Err(ApiError::Unauthorized(match presented {
                Presented::Basic { .. } => "invalid agent email or API key".into(),
                Presented::Bearer { .. } => "invalid, expired or revoked access token".into(),
            }));
        };
        if !credential.is_active {
            return Err(ApiError::Unauthorized("this agent is disabled".into()));
        }
        if let Some(requests) = &self.requests {
            requests
                .try_acquire(&credential.agent_id, now)
                .map_err(|retry_after| ApiError::RateLimited {
                    message: "request rate limit reached for this credential".into(),
                    retry_after,
                })?;
        }
        Ok(Caller {
            site_id: credential.site_id,
            agent_id: credential.agent_id,
            role: credential.role,
        })
    }
}

impl Auth {
    /// The agent an API key belongs to, if `email` is that agent's.
    async fn key_credential(
        &self,
        store: &Store,
        email: &str,
        key: &str,
        now: Instant,
    ) -> Result<Option<Credential>, ApiError> {
        let hash = keys::hash_key(key);
        let credential = match self.cache.get(&hash, now) {
            Some(c) => Some(c),
            None => {
                let generation = self.cache.generation();
                let found = store.agents().credential_for_key(hash).await?;
                if let Some(c) = found.as_ref().filter(|c| c.is_active) {
                    self.cache.insert(hash, c.clone(), generation, now);
                }
                found
            }
        };
        Ok(credential.filter(|c| c.email.eq_ignore_ascii_case(email)))
    }
}

/// The client's address (the peer of the TCP connection).
pub fn client_addr(parts: &Parts) -> IpAddr {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(a)| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(*caller);
        }
        let caller = app
            .auth
            .authenticate(&app.store, &parts.headers, client_addr(parts), || {
                app.metrics.auth_failed()
            })
            .await?;
        parts.extensions.insert(caller);
        Ok(caller)
    }
}

/// An admin or agent (not a portal credential).
#[derive(Debug, Clone, Copy)]
pub struct Staff(pub Caller);

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, app).await?;
        caller.require(&[Role::Admin, Role::Agent])?;
        Ok(Staff(caller))
    }
}

/// An admin of the caller's site.
#[derive(Debug, Clone, Copy)]
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, app).await?;
        caller.require(&[Role::Admin])?;
        Ok(Admin(caller))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn parses_basic_credentials() {
        let v = format!("Basic {}", STANDARD.encode("a@b.c:atk_key:with:colons"));
        assert_eq!(
            parse_authorization(&headers(&v)).unwrap(),
            Presented::Basic {
                email: "a@b.c".into(),
                key: "atk_key:with:colons".into()
            }
        );
    }

    #[test]
    fn rejects_malformed_and_missing_credentials() {
        assert!(!parse_authorization(&HeaderMap::new()).unwrap_err().1);
        assert!(parse_authorization(&headers("Basic !!!")).unwrap_err().1);
        let no_colon = format!("Basic {}", STANDARD.encode("justemail"));
        assert!(parse_authorization(&headers(&no_colon)).unwrap_err().1);
        assert!(!parse_authorization(&headers("Digest abc")).unwrap_err().1);
        assert!(parse_authorization(&headers("Bearer ")).is_err());
    }

    #[test]
    fn parses_bearer_tokens() {
        assert_eq!(
            parse_authorization(&headers("bearer ato_abc")).unwrap(),
            Presented::Bearer {
                token: "ato_abc".into()
            }
        );
    }
}

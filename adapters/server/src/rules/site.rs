//! A site's compiled rules ([`SiteRules`]), built from the stored documents and kept per
//! site until an administrator changes any of them (or the people they name).

use super::docs;
use crate::app::AppState;
use crate::http::{ApiError, ApiResult};
use anytime_core::allocation::AutoAllocationSetting;
use anytime_core::business_hours::BusinessCalendar;
use anytime_core::field_validation::Known;
use anytime_core::intake::SiteRules;
use anytime_core::model::{Agent, Department, FieldSet, SiteId};
use anytime_core::routing::{Router, RoutingConfig};
use anytime_core::sla::{OpenTime, SlaPolicy, SlaRules};
use anytime_core::trigger::{compile_trigger, SiteInfo, Trigger, TriggerSet};
use anytime_core::working_time::{BusinessTime, Holiday, WorkingTime};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Compiled rules per site. A generation counter keeps a build that raced with an
/// invalidation from being cached.
#[derive(Default)]
pub struct RulesCache {
    inner: Mutex<(u64, BTreeMap<SiteId, Arc<SiteRules>>)>,
}

impl RulesCache {
    pub fn invalidate(&self, site: SiteId) {
        if let Ok(mut g) = self.inner.lock() {
            g.0 = g.0.wrapping_add(1);
            g.1.remove(&site);
        }
    }

    fn lookup(&self, site: SiteId) -> (u64, Option<Arc<SiteRules>>) {
        match self.inner.lock() {
            Ok(g) => (g.0, g.1.get(&site).cloned()),
            Err(_) => (0, None),
        }
    }

    fn keep(&self, site: SiteId, generation: u64, rules: Arc<SiteRules>) {
        if let Ok(mut g) = self.inner.lock() {
            if g.0 == generation {
                g.1.insert(site, rules);
            }
        }
    }
}

/// The site's custom field definitions; one place to plug the fields resource into.
pub async fn fields(app: &AppState, site: SiteId) -> ApiResult<FieldSet> {
    crate::fields::field_set(app, site).await
}

/// The site's agents and departments in the core's shape (loads are filled in later, inside
/// the write transaction).
pub async fn people(app: &AppState, site: SiteId) -> ApiResult<(Vec<Agent>, Vec<Department>)> {
    let agents = app.store.agents().list(site).await?;
    let departments = app.store.departments().list(site).await?;
    Ok(people_of(agents, departments))
}

/// [`people`] from lists already read.
pub fn people_of(
    agents: Vec<anytime_store::Agent>,
    departments: Vec<anytime_store::Department>,
) -> (Vec<Agent>, Vec<Department>) {
    (
        agents
            .into_iter()
            .map(|a| Agent {
                id: a.id,
                name: a.name,
                email: Some(a.email),
                is_active: a.is_active,
                department_ids: a.department_ids,
                status: a.status,
                load: BTreeMap::new(),
            })
            .collect(),
        departments
            .into_iter()
            .map(|d| Department {
                id: d.id,
                name: d.name,
            })
            .collect(),
    )
}

pub fn known(agents: &[Agent], departments: &[Department]) -> Known {
    Known::from_lists(agents, departments)
}

fn read<T: DeserializeOwned>(doc: Option<Value>, what: &str) -> ApiResult<T> {
    match doc {
        Some(v) => serde_json::from_value(v)
            .map_err(|e| ApiError::Internal(format!("stored {what} is unreadable: {e}"))),
        None => serde_json::from_value(Value::Object(Default::default()))
            .or_else(|_| serde_json::from_value(Value::Array(Vec::new())))
            .map_err(|e| ApiError::Internal(format!("default {what}: {e}"))),
    }
}

/// The stored documents, decoded.
pub struct Stored {
    pub routing: RoutingConfig,
    pub allocation: AutoAllocationSetting,
    pub triggers: Vec<Trigger>,
    pub sla: Vec<SlaPolicy>,
    pub working_time: Option<WorkingTime>,
    pub holidays: Vec<Holiday>,
}

pub async fn stored(app: &AppState, site: SiteId) -> ApiResult<Stored> {
    const NAMES: &[&str] = &[
        docs::ROUTING,
        docs::ALLOCATION,
        docs::TRIGGERS,
        docs::SLA,
        docs::WORKING_TIME,
        docs::HOLIDAYS,
    ];
    let mut d = app
        .store
        .documents()
        .get_many(site, NAMES)
        .await?
        .into_iter();
    let mut next = || d.next().flatten();
    Ok(Stored {
        routing: read(next(), "routing")?,
        allocation: read(next(), "auto allocation")?,
        triggers: read(next(), "triggers")?,
        sla: read(next(), "SLA policies")?,
        working_time: next()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|e| ApiError::Internal(format!("stored working time: {e}")))?,
        holidays: read(next(), "holidays")?,
    })
}

/// A new site's working time: open around the clock every day in UTC, so business-hours
/// targets count like calendar hours until an administrator saves real hours.
pub fn default_working_time() -> WorkingTime {
    let all_day = || {
        Some(BusinessTime {
            is_business_day: true,
            open_hour: Some(0),
            open_min: Some(0),
            close_hour: Some(24),
            close_min: Some(0),
            periods: None,
        })
    };
    WorkingTime {
        time_zone: "UTC".into(),
        sunday_business_time: all_day(),
        monday_business_time: all_day(),
        tuesday_business_time: all_day(),
        wednesday_business_time: all_day(),
        thursday_business_time: all_day(),
        friday_business_time: all_day(),
        saturday_business_time: all_day(),
    }
}

/// The business calendar SLA policies in business hours run on.
pub fn calendar(
    working_time: Option<&WorkingTime>,
    holidays: &[Holiday],
) -> anytime_core::CoreResult<Option<Box<dyn OpenTime + Send + Sync>>> {
    let default = default_working_time();
    let wt = working_time.unwrap_or(&default);
    Ok(Some(Box::new(BusinessCalendar::new(wt, holidays)?)))
}

/// The site's compiled rules (cached).
pub async fn site_rules(app: &AppState, site: SiteId) -> ApiResult<Arc<SiteRules>> {
    let (generation, cached) = app.rules.lookup(site);
    if let Some(rules) = cached {
        return Ok(rules);
    }
    let s = stored(app, site).await?;
    let fields = fields(app, site).await?;
    let (agents, departments) = people(app, site).await?;
    let known = known(&agents, &departments);
    let info = app.store.sites().get(site).await?;
    let internal = |what: &str, e: anytime_core::CoreError| {
        ApiError::Internal(format!("stored {what} no longer compiles: {e}"))
    };
    let triggers = s
        .triggers
        .iter()
        .filter(|t| t.enable)
        .filter_map(|t| match compile_trigger(t, &fields, &known) {
            Ok(c) => Some(c),
            // A trigger naming a since-deleted agent must not stop conversations arriving.
            Err(e) => {
                tracing::warn!(trigger = %t.id, "trigger skipped: {e}");
                None
            }
        })
        .collect();
    let rules = SiteRules {
        router: Router::compile(&s.routing, &fields, None).map_err(|e| internal("routing", e))?,
        allocation: s.allocation,
        sla: SlaRules::compile(
            &s.sla,
            &fields,
            calendar(s.working_time.as_ref(), &s.holidays)
                .map_err(|e| internal("working time", e))?,
        )
        .map_err(|e| internal("SLA policies", e))?,
        triggers: TriggerSet::new(triggers),
        site: SiteInfo {
            name: info.name,
            url: app.config.public_url.clone().unwrap_or_default(),
            addresses: Vec::new(),
        },
    };
    let rules = Arc::new(rules);
    app.rules.keep(site, generation, Arc::clone(&rules));
    Ok(rules)
}

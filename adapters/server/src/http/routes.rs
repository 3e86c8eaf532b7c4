//! The route table, taken from the OpenAPI document so that the server serves exactly the
//! documented routes. Before routing, a request path is resolved against it: seed aliases are
//! rewritten, resource segments are matched case-insensitively and replaced by their canonical
//! spelling, unknown paths get a JSON 404 and known paths with another method a JSON 405.

use axum::http::Method;
use utoipa::openapi::OpenApi;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param,
}

#[derive(Debug, Clone)]
struct Route {
    template: String,
    segments: Vec<Segment>,
    methods: Vec<Method>,
}

/// A path prefix that stands for another (seed spellings), matched case-insensitively; a
/// `{param}` segment of `from` matches any segment and is dropped (seed 002's ignored `{id}`).
#[derive(Debug, Clone)]
pub struct Alias {
    from: Vec<String>,
    to: Vec<String>,
}

impl Alias {
    pub fn new(from: &str, to: &str) -> Self {
        let split = |p: &str| -> Vec<String> {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        Self {
            from: split(from),
            to: split(to),
        }
    }

    /// The segments of `from` and `to`.
    pub fn parts(&self) -> (&[String], &[String]) {
        (&self.from, &self.to)
    }
}

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolution<'a> {
    /// Serve it: `path` is the canonical path (same parameters, canonical literals).
    Found {
        template: &'a str,
        path: String,
    },
    /// The path exists, the method does not.
    MethodNotAllowed {
        template: &'a str,
        allowed: Vec<Method>,
    },
    NotFound,
}

#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
    aliases: Vec<Alias>,
}

fn parse_template(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Param
            } else {
                Segment::Literal(s.to_string())
            }
        })
        .collect()
}

impl RouteTable {
    /// Every (path, method) of the document.
    pub fn from_openapi(api: &OpenApi, aliases: Vec<Alias>) -> Self {
        let mut routes = Vec::new();
        for (path, item) in &api.paths.paths {
            let ops = [
                (Method::GET, item.get.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::DELETE, item.delete.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::OPTIONS, item.options.is_some()),
                (Method::HEAD, item.head.is_some()),
                (Method::TRACE, item.trace.is_some()),
            ];
            let methods = ops
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(m, _)| m)
                .collect();
            routes.push(Route {
                template: path.clone(),
                segments: parse_template(path),
                methods,
            });
        }
        Self { routes, aliases }
    }

    /// Every served (method, template) pair, sorted.
    pub fn entries(&self) -> Vec<(Method, String)> {
        let mut out: Vec<(Method, String)> = self
            .routes
            .iter()
            .flat_map(|r| r.methods.iter().map(|m| (m.clone(), r.template.clone())))
            .collect();
        out.sort_by(|a, b| (&a.1, a.0.as_str()).cmp(&(&b.1, b.0.as_str())));
        out
    }

    pub fn resolve(&self, method: &Method, path: &str) -> Resolution<'_> {
        let mut parts: Vec<&str> = path.split('/').skip(1).collect();
        if parts.len() > 1 && parts.last() == Some(&"") {
            parts.pop(); // tolerate one trailing slash
        }
        if parts.iter().any(|p| p.is_empty()) && parts != [""] {
            return Resolution::NotFound;
        }
        // Seed 003's custom methods: a last segment `{id}:verb` is served as `{id}/verb`,
        // since the router cannot match inside a segment.
        if let Some((id, verb)) = parts.last().and_then(|p| p.split_once(':')) {
            if !id.is_empty() && !verb.is_empty() {
                parts.pop();
                parts.push(id);
                parts.push(verb);
            }
        }
        let parts: Vec<&str> = match self.aliases.iter().find(|a| {
            a.from.len() <= parts.len()
                && a.from
                    .iter()
                    .zip(&parts)
                    .all(|(f, p)| f.starts_with('{') || f.eq_ignore_ascii_case(p))
        }) {
            Some(alias) => alias
                .to
                .iter()
                .map(String::as_str)
                .chain(parts[alias.from.len()..].iter().copied())
                .collect(),
            None => parts.into_iter().filter(|p| !p.is_empty()).collect(),
        };
        // The most specific matching template (most literal segments) wins, as in the router.
        let mut best: Option<(usize, &Route)> = None;
        let mut allowed: Vec<Method> = Vec::new();
        for route in &self.routes {
            if route.segments.len() != parts.len() {
                continue;
            }
            let mut literals = 0;
            let matches = route
                .segments
                .iter()
                .zip(&parts)
                .all(|(seg, part)| match seg {
                    Segment::Literal(l) => {
                        literals += 1;
                        l.eq_ignore_ascii_case(part)
                    }
                    Segment::Param => true,
                });
            if !matches {
                continue;
            }
            let serves = route.methods.contains(method)
                || (*method == Method::HEAD && route.methods.contains(&Method::GET));
            let better = match best {
                None => true,
                Some((n, b)) => {
                    let b_serves = b.methods.contains(method);
                    literals > n || (literals == n && serves && !b_serves)
                }
            };
            if better {
                best = Some((literals, route));
            }
            allowed.extend(route.methods.iter().cloned());
        }
        let Some((_, route)) = best else {
            return Resolution::NotFound;
        };
        let serves = route.methods.contains(method)
            || (*method == Method::HEAD && route.methods.contains(&Method::GET));
        if !serves {
            allowed.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            allowed.dedup();
            return Resolution::MethodNotAllowed {
                template: &route.template,
                allowed,
            };
        }
        let mut canonical = String::with_capacity(path.len() + 1);
        for (seg, part) in route.segments.iter().zip(&parts) {
            canonical.push('/');
            match seg {
                Segment::Literal(l) => canonical.push_str(l),
                Segment::Param => canonical.push_str(part),
            }
        }
        if canonical.is_empty() {
            canonical.push('/');
        }
        Resolution::Found {
            template: &route.template,
            path: canonical,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> RouteTable {
        let mut t = RouteTable::default();
        for (path, methods) in [
            ("/api/v3/agents", vec![Method::GET, Method::POST]),
            (
                "/api/v3/agents/{id}",
                vec![Method::GET, Method::PUT, Method::DELETE],
            ),
            (
                "/api/v3/agents/{id}/apiKey",
                vec![Method::POST, Method::DELETE],
            ),
            ("/api/v3/anytime/conversations/{id}", vec![Method::GET]),
            (
                "/api/v3/anytime/conversations/unreadCount",
                vec![Method::GET],
            ),
            ("/api/v3/departments/{id}", vec![Method::GET]),
        ] {
            t.routes.push(Route {
                template: path.into(),
                segments: parse_template(path),
                methods,
            });
        }
        t.aliases.push(Alias::new(
            "/api/v3/anytime/departments",
            "/api/v3/departments",
        ));
        t
    }

    fn found(t: &RouteTable, m: Method, p: &str) -> String {
        match t.resolve(&m, p) {
            Resolution::Found { path, .. } => path,
            other => panic!("{p}: {other:?}"),
        }
    }

    #[test]
    fn literals_match_in_any_case_and_come_back_canonical() {
        let t = table();
        assert_eq!(found(&t, Method::GET, "/API/V3/Agents"), "/api/v3/agents");
        assert_eq!(
            found(&t, Method::POST, "/api/v3/AGENTS/AbC/apikey"),
            "/api/v3/agents/AbC/apiKey"
        );
        assert_eq!(found(&t, Method::GET, "/api/v3/agents/"), "/api/v3/agents");
    }

    #[test]
    fn static_segments_beat_parameters() {
        let t = table();
        assert_eq!(
            found(&t, Method::GET, "/api/v3/anytime/conversations/UNREADCOUNT"),
            "/api/v3/anytime/conversations/unreadCount"
        );
        assert_eq!(
            found(&t, Method::GET, "/api/v3/anytime/conversations/12"),
            "/api/v3/anytime/conversations/12"
        );
    }

    #[test]
    fn alias_parameters_match_any_segment_and_are_dropped() {
        let mut t = table();
        t.aliases
            .insert(0, Alias::new("/api/v3/agents/{id}/keys", "/api/v3/agents"));
        assert_eq!(
            found(&t, Method::POST, "/api/v3/agents/7/KEYS/x9/apiKey"),
            "/api/v3/agents/x9/apiKey"
        );
    }

    #[test]
    fn aliases_are_rewritten() {
        let t = table();
        assert_eq!(
            found(&t, Method::GET, "/api/v3/Anytime/Departments/x1"),
            "/api/v3/departments/x1"
        );
    }

    #[test]
    fn a_custom_method_suffix_is_a_segment() {
        let mut t = table();
        let path = "/api/v4/ticketing/channelAccounts/{id}/enableBot";
        t.routes.push(Route {
            template: path.into(),
            segments: parse_template(path),
            methods: vec![Method::POST],
        });
        assert_eq!(
            found(
                &t,
                Method::POST,
                "/api/v4/ticketing/channelaccounts/ab-12:ENABLEBOT"
            ),
            "/api/v4/ticketing/channelAccounts/ab-12/enableBot"
        );
        assert_eq!(
            t.resolve(&Method::POST, "/api/v4/ticketing/channelAccounts/ab-12:"),
            Resolution::NotFound
        );
    }

    #[test]
    fn unknown_paths_and_methods() {
        let t = table();
        assert_eq!(t.resolve(&Method::GET, "/nope"), Resolution::NotFound);
        assert_eq!(
            t.resolve(&Method::GET, "/api/v3//agents"),
            Resolution::NotFound
        );
        assert_eq!(
            t.resolve(&Method::PATCH, "/api/v3/agents"),
            Resolution::MethodNotAllowed {
                template: "/api/v3/agents",
                allowed: vec![Method::GET, Method::POST]
            }
        );
        assert!(matches!(
            t.resolve(&Method::HEAD, "/api/v3/agents"),
            Resolution::Found { .. }
        ));
    }
}

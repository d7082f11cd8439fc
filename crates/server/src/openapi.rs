//! The OpenAPI document of the service, generated from the handlers' annotations and served
//! at `/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::{auth, ops, registry, resolve, screening, workflow, yente};

#[derive(OpenApi)]
#[openapi(
    info(title = "proscribe", description = "Sanctions and terrorist-designation lists: yente-compatible matching, the registry's history, screening and operations. Reads need a reader key unless the service runs with open reads; writes an editor key; keys an admin key (Authorization: Bearer KEY)."),
    paths(
        yente::match_entities, yente::search, yente::entity, yente::catalog, yente::algorithms,
        registry::sources, registry::versions, registry::diff, registry::timeline, registry::status, registry::changes,
        screening::batch, screening::scan,
        auth::list_keys, auth::add_key, auth::revoke_key, crate::reload,
        workflow::list, workflow::one, workflow::create, workflow::act,
        resolve::list_pairs, resolve::list_decisions, resolve::create_decision, resolve::delete_decision,
        ops::healthz, ops::readyz, ops::metrics,
    ),
    components(schemas(crate::error::ErrorBody, yente::MatchRequest, yente::EntityQuery, screening::ScanRequest, auth::NewKey, workflow::NewProposal, resolve::NewDecision)),
    modifiers(&Security),
    security(("api_key" = []), ()),
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme("api_key", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
    }
}

/// The document.
pub fn spec() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// `GET /openapi.json`.
pub(crate) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(spec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route the router serves is in the document, with its method.
    #[test]
    fn every_route_is_documented() {
        let spec = serde_json::to_value(spec()).unwrap();
        let paths = spec["paths"].as_object().unwrap();
        let source = include_str!("lib.rs");
        let mut routes = std::collections::BTreeSet::new();
        for line in source.lines().map(str::trim).filter(|l| l.starts_with(".route(\"")) {
            let path = line.split('"').nth(1).unwrap();
            if path == "/openapi.json" {
                continue;
            }
            routes.insert(path);
            let documented = paths.get(path).unwrap_or_else(|| panic!("{path} is not in the OpenAPI document"));
            for method in ["get", "post", "delete"] {
                if line.contains(&format!("{method}(")) {
                    assert!(documented.get(method).is_some(), "{method} {path} is not documented");
                }
            }
        }
        assert!(routes.len() >= 15, "only {} routes found in lib.rs", routes.len());
        assert_eq!(routes.len(), paths.len(), "the document has paths the router does not serve");
    }
}

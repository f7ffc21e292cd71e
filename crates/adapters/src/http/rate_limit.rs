//! Request-rate limits: per vendor by plan on authenticated routes, per client address on
//! public ones and on failed authentications, with the `RateLimit-*` headers on every response
//! of a limited route.

mod address;
mod blocked;
mod keyed;

use std::net::IpAddr;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage as _, HttpRequest, ResponseError as _, web};
use domain::{Customer, CustomerId, Plan, PlanCatalog};
use governor::clock::DefaultClock;
use tracing::{debug, warn};

pub use address::TrustedProxies;
use blocked::Blocklist;
use keyed::KeyedLimiter;
pub use keyed::RateStatus;

use super::error::ApiError;

/// The per-address limit of public routes: a steady rate and the burst allowed above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRate {
    pub per_second: u32,
    pub burst: u32,
}

/// How requests are limited; `None` switches a limit off (for load tests).
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    /// Plan rates (`requests_per_second`) for authenticated routes, keyed by vendor.
    pub plans: Option<PlanCatalog>,
    /// The limit for public routes and unauthenticated calls, keyed by client address.
    pub address: Option<AddressRate>,
    /// Peers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// How often idle keys are forgotten.
    pub sweep_interval: Duration,
}

impl RateLimitConfig {
    /// No limits at all.
    pub fn disabled() -> Self {
        RateLimitConfig {
            plans: None,
            address: None,
            trusted_proxies: TrustedProxies::default(),
            sweep_interval: Duration::from_secs(10),
        }
    }
}

/// One plan's rate and the limiter of its vendors.
#[derive(Debug)]
struct PlanLimiter {
    plan: Plan,
    rate: u32,
    limiter: KeyedLimiter<CustomerId, DefaultClock>,
}

/// The live limiters, shared by all workers.
#[derive(Debug)]
pub struct RateLimiters {
    plans: Option<[PlanLimiter; 3]>,
    address: Option<(AddressRate, KeyedLimiter<IpAddr, DefaultClock>)>,
    /// Addresses whose failed authentications exceeded the address limit, refused on
    /// authenticated routes before any key lookup until their wait is over.
    failed_auth: Blocklist<IpAddr>,
    proxies: TrustedProxies,
}

impl RateLimiters {
    pub fn new(config: &RateLimitConfig) -> Self {
        let plans = config.plans.as_ref().map(|catalog| {
            Plan::ALL.map(|plan| {
                let rate = catalog.limits(plan).requests_per_second;
                let limiter = KeyedLimiter::new(rate, rate, DefaultClock::default());
                PlanLimiter {
                    plan,
                    rate,
                    limiter,
                }
            })
        });
        let address = config.address.map(|rate| {
            let limiter = KeyedLimiter::new(rate.per_second, rate.burst, DefaultClock::default());
            (rate, limiter)
        });
        if plans.is_none() && address.is_none() {
            warn!("request-rate limits are off");
        }
        RateLimiters {
            plans,
            address,
            failed_auth: Blocklist::default(),
            proxies: config.trusted_proxies.clone(),
        }
    }

    /// Charges one request to `vendor`; `None` when vendor limits are off.
    pub fn check_vendor(&self, vendor: &Customer) -> Option<Charge> {
        let plans = self.plans.as_ref()?;
        let PlanLimiter {
            plan,
            rate,
            limiter,
        } = plans.iter().find(|entry| entry.plan == vendor.plan)?;
        let status = limiter.check(&vendor.id);
        let refusal = status.is_limited().then(|| {
            debug!(customer.id = %vendor.id, "vendor rate limit reached");
            let wait = seconds(status.retry_after_secs);
            format!(
                "Rate limit exceeded: {rate} requests per second on the {plan} plan. \
                 Retry after {wait}."
            )
        });
        Some(Charge { status, refusal })
    }

    /// Charges one request to the client address of `request`; `None` when the limit is off.
    pub fn check_address(&self, request: &HttpRequest) -> Option<Charge> {
        let (rate, limiter) = self.address.as_ref()?;
        let client = self.proxies.client_of(request);
        let status = limiter.check(&client);
        let refusal = status.is_limited().then(|| {
            debug!(client.address = %client, "address rate limit reached");
            let wait = seconds(status.retry_after_secs);
            format!(
                "Rate limit exceeded: {} requests per second from your address. \
                 Retry after {wait}.",
                rate.per_second
            )
        });
        Some(Charge { status, refusal })
    }

    /// Charges a request that did not authenticate to its client address, and blocks the
    /// address from authenticated routes while that charge is refused.
    pub fn charge_failed_auth(&self, request: &HttpRequest) -> Option<Charge> {
        let charge = self.check_address(request)?;
        if charge.status.is_limited() {
            let client = self.proxies.client_of(request);
            let wait = Duration::from_secs(charge.status.retry_after_secs);
            self.failed_auth.block(client, Instant::now(), wait);
        }
        Some(charge)
    }

    /// The refusal for an address blocked by [`Self::charge_failed_auth`], decided without
    /// touching any limiter or the database; `None` lets the request through.
    pub fn blocked_address(&self, request: &HttpRequest) -> Option<Charge> {
        let (rate, _) = self.address.as_ref()?;
        let client = self.proxies.client_of(request);
        let wait = self.failed_auth.remaining(&client, Instant::now())?;
        let retry_after_secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
        let refill_secs = u64::from(rate.burst.div_ceil(rate.per_second.max(1)));
        debug!(client.address = %client, "address blocked after failed authentications");
        let status = RateStatus {
            limit: rate.burst.max(1),
            remaining: 0,
            reset_secs: retry_after_secs + refill_secs,
            retry_after_secs,
        };
        let refusal = format!(
            "Too many requests without a valid API key from your address. Retry after {}.",
            seconds(retry_after_secs)
        );
        Some(Charge {
            status,
            refusal: Some(refusal),
        })
    }

    /// Forgets idle keys in every limiter.
    pub fn sweep(&self) {
        for entry in self.plans.iter().flatten() {
            entry.limiter.sweep();
        }
        if let Some((_, limiter)) = &self.address {
            limiter.sweep();
        }
        self.failed_auth.sweep(Instant::now());
        debug!(rate_limit.n_keys = self.n_keys(), "rate-limit keys swept");
    }

    /// Keys remembered across all limiters: vendors and addresses seen recently.
    pub fn n_keys(&self) -> usize {
        let plans = self.plans.iter().flatten();
        let n_vendors: usize = plans.map(|entry| entry.limiter.n_keys()).sum();
        let n_addresses = self
            .address
            .as_ref()
            .map_or(0, |(_, limiter)| limiter.n_keys());
        n_vendors + n_addresses + self.failed_auth.len()
    }

    /// Sweeps every `interval` on a background thread for as long as the limiters live.
    pub fn sweep_periodically(limiters: &Arc<RateLimiters>, interval: Duration) {
        let limiters: Weak<RateLimiters> = Arc::downgrade(limiters);
        let spawned = std::thread::Builder::new()
            .name("rate-limit-sweeper".to_owned())
            .spawn(move || {
                loop {
                    std::thread::sleep(interval);
                    match limiters.upgrade() {
                        Some(limiters) => limiters.sweep(),
                        None => break,
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the rate-limit sweeper; idle keys stay");
        }
    }
}

/// The outcome of charging one request: the standing to report, and the 429's detail when
/// the request is refused.
#[derive(Debug)]
pub struct Charge {
    pub status: RateStatus,
    refusal: Option<String>,
}

impl Charge {
    /// The 429 for a refused request, JSON like every error, with `Retry-After`.
    pub fn refusal(&self) -> Option<ApiError> {
        let detail = self.refusal.as_ref()?;
        let retry_after = HeaderValue::from(self.status.retry_after_secs);
        Some(
            ApiError::new(StatusCode::TOO_MANY_REQUESTS, detail.clone())
                .with_header(header::RETRY_AFTER, retry_after),
        )
    }
}

fn seconds(n: u64) -> String {
    if n == 1 {
        "1 second".to_owned()
    } else {
        format!("{n} seconds")
    }
}

/// Middleware of public routes: charges the client address before the handler runs.
pub async fn limit_by_address(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(limiters) = request.app_data::<web::Data<RateLimiters>>().cloned() else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let Some(charge) = limiters.check_address(request.request()) else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    let response = match charge.refusal() {
        Some(refusal) => request.into_response(refusal.error_response()),
        None => next.call(request).await?.map_into_boxed_body(),
    };
    Ok(with_status_headers(response, &charge.status))
}

/// Middleware of authenticated routes: reports the vendor's standing, which the [`Vendor`]
/// extractor records after authentication. A request that did not authenticate (no or a bad
/// key) is charged to its address instead; once that charge is refused, the address is blocked
/// until the retry time has passed, and every call it makes to an authenticated route is
/// refused here, before its key is looked up, valid or not. Keys therefore cannot be tried
/// faster than the address limit allows; other addresses are unaffected.
///
/// [`Vendor`]: super::extract::Vendor
pub async fn limit_by_vendor(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(limiters) = request.app_data::<web::Data<RateLimiters>>().cloned() else {
        return Ok(next.call(request).await?.map_into_boxed_body());
    };
    if let Some(blocked) = limiters.blocked_address(request.request())
        && let Some(refusal) = blocked.refusal()
    {
        let response = request.into_response(refusal.error_response());
        return Ok(with_status_headers(response, &blocked.status));
    }
    let response = next.call(request).await?.map_into_boxed_body();
    let vendor_status = response.request().extensions().get::<RateStatus>().copied();
    if let Some(status) = vendor_status {
        return Ok(with_status_headers(response, &status));
    }
    let Some(charge) = limiters.charge_failed_auth(response.request()) else {
        return Ok(response);
    };
    let response = match charge.refusal() {
        Some(refusal) => {
            let (request, _) = response.into_parts();
            ServiceResponse::new(request, refusal.error_response())
        }
        None => response,
    };
    Ok(with_status_headers(response, &charge.status))
}

/// Outer middleware of a route whose successful answers are public and cacheable by shared
/// caches (`Cache-Control: public`): strips the per-client `RateLimit-*` headers from them, so
/// a cache cannot hand one client's standing to another. Refusals keep them, and are not
/// cacheable.
pub async fn cacheable(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let mut response = next.call(request).await?.map_into_boxed_body();
    if response.status().is_success() {
        let headers = response.headers_mut();
        for name in [LIMIT, REMAINING, RESET] {
            headers.remove(name);
        }
    }
    Ok(response)
}

/// Records the vendor's standing for [`limit_by_vendor`] and refuses a vendor over its rate.
pub fn charge_vendor(request: &HttpRequest, vendor: &Customer) -> Result<(), ApiError> {
    let Some(limiters) = request.app_data::<web::Data<RateLimiters>>() else {
        return Ok(());
    };
    let Some(charge) = limiters.check_vendor(vendor) else {
        return Ok(());
    };
    request.extensions_mut().insert(charge.status);
    charge.refusal().map_or(Ok(()), Err)
}

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

fn with_status_headers(mut response: ServiceResponse, status: &RateStatus) -> ServiceResponse {
    insert_status_headers(response.headers_mut(), status);
    response
}

/// `RateLimit-Limit`, `-Remaining` and `-Reset` (IETF draft), plus `Retry-After` when refused.
fn insert_status_headers(headers: &mut HeaderMap, status: &RateStatus) {
    headers.insert(LIMIT, HeaderValue::from(status.limit));
    headers.insert(REMAINING, HeaderValue::from(status.remaining));
    headers.insert(RESET, HeaderValue::from(status.reset_secs));
    if status.is_limited() {
        headers.insert(
            header::RETRY_AFTER,
            HeaderValue::from(status.retry_after_secs),
        );
    }
}

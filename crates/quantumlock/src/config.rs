//! Configuration: command-line flags with environment fallbacks, validated once.

use std::time::Duration;

use adapters::http::rate_limit::{AddressRate, RateLimitConfig, TrustedProxies};
use adapters::storage::{StorageConfig, UnsupportedUrl};
use domain::{PlanCatalog, PlanLimits};

/// `quantumlock serve` options. Every flag can also come from the environment variable named
/// beside it.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "QUANTUMLOCK_BIND", default_value = "127.0.0.1:8000")]
    pub bind: String,

    /// SQLite file path (or sqlite://path), or a postgres:// URL.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "quantumlock.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Connections this instance keeps open [default: 8 for SQLite, 16 for PostgreSQL].
    #[arg(long, env = "QUANTUMLOCK_DB_POOL_SIZE")]
    pub db_pool_size: Option<u32>,

    /// Milliseconds a request waits for a free database connection before a 503.
    #[arg(
        long,
        env = "QUANTUMLOCK_DB_CHECKOUT_TIMEOUT_MS",
        default_value_t = 2_000
    )]
    pub db_checkout_timeout_ms: u64,

    /// Milliseconds any one SQL statement may run (PostgreSQL) or wait for a lock (SQLite).
    #[arg(
        long,
        env = "QUANTUMLOCK_DB_STATEMENT_TIMEOUT_MS",
        default_value_t = 5_000
    )]
    pub db_statement_timeout_ms: u64,

    /// HTTP worker threads [default: one per CPU].
    #[arg(long, env = "QUANTUMLOCK_WORKERS")]
    pub workers: Option<usize>,

    /// Licenses per month on each plan, as `STARTER,PROFESSIONAL,ENTERPRISE`.
    #[arg(long, env = "QUANTUMLOCK_MONTHLY_LIMITS", default_value = "100,1000,10000",
        value_parser = parse_triple)]
    pub monthly_limits: (u32, u32, u32),

    /// Authenticated requests per second on each plan, as `STARTER,PROFESSIONAL,ENTERPRISE`.
    #[arg(long, env = "QUANTUMLOCK_RATE_LIMITS", default_value = "100,500,2000",
        value_parser = parse_triple)]
    pub rate_limits: (u32, u32, u32),

    /// Requests per second and burst allowed per client address on public routes (register,
    /// validate, SDK) and for calls without a valid API key, as `PER_SECOND,BURST`.
    #[arg(long, env = "QUANTUMLOCK_PUBLIC_RATE_LIMIT", default_value = "20,40",
        value_parser = parse_pair)]
    pub public_rate_limit: (u32, u32),

    /// Proxies whose `X-Forwarded-For` names the client: comma-separated IP addresses or CIDR
    /// networks. Empty trusts none, and the peer address is the client.
    #[arg(long, env = "QUANTUMLOCK_TRUSTED_PROXIES", default_value = "",
        value_parser = TrustedProxies::parse)]
    pub trusted_proxies: TrustedProxies,

    /// Turn every request-rate limit off (for load tests); monthly quotas still apply.
    #[arg(long, env = "QUANTUMLOCK_NO_RATE_LIMITS",
        value_parser = clap::builder::FalseyValueParser::new())]
    pub no_rate_limits: bool,

    #[command(flatten)]
    pub keys: crate::keys_cmd::KeyDirArgs,
}

fn parse_pair(text: &str) -> Result<(u32, u32), String> {
    let (rate, burst) = text
        .split_once(',')
        .ok_or("expected PER_SECOND,BURST, such as 20,40")?;
    let parse = |part: &str| match part.trim().parse::<u32>() {
        Ok(value) if value > 0 => Ok(value),
        _ => Err(format!("{part:?} is not a positive integer")),
    };
    Ok((parse(rate)?, parse(burst)?))
}

fn parse_triple(text: &str) -> Result<(u32, u32, u32), String> {
    let values: Vec<u32> = text
        .split(',')
        .map(|part| {
            part.trim()
                .parse::<u32>()
                .map_err(|error| format!("{part:?}: {error}"))
        })
        .collect::<Result<_, _>>()?;
    match values[..] {
        [a, b, c] if a > 0 && b > 0 && c > 0 => Ok((a, b, c)),
        _ => Err("expected three positive integers, such as 100,1000,10000".to_owned()),
    }
}

impl ServeArgs {
    /// # Errors
    /// When `--database-url` names no supported backend.
    pub fn storage(&self) -> Result<StorageConfig, UnsupportedUrl> {
        let mut storage = StorageConfig::for_url(&self.database_url)?;
        if let Some(pool_size) = self.db_pool_size {
            storage.pool_size = pool_size.max(1);
        }
        storage.checkout_timeout = Duration::from_millis(self.db_checkout_timeout_ms.max(1));
        storage.statement_timeout = Duration::from_millis(self.db_statement_timeout_ms.max(1));
        storage.busy_timeout = storage.statement_timeout;
        Ok(storage)
    }

    pub fn plans(&self) -> PlanCatalog {
        let (monthly, rates) = (self.monthly_limits, self.rate_limits);
        let limits = |monthly_licenses, requests_per_second| PlanLimits {
            monthly_licenses,
            requests_per_second,
        };
        PlanCatalog {
            starter: limits(monthly.0, rates.0),
            professional: limits(monthly.1, rates.1),
            enterprise: limits(monthly.2, rates.2),
        }
    }

    pub fn rate_limits(&self) -> RateLimitConfig {
        if self.no_rate_limits {
            return RateLimitConfig::disabled();
        }
        let (per_second, burst) = self.public_rate_limit;
        RateLimitConfig {
            plans: Some(self.plans()),
            address: Some(AddressRate { per_second, burst }),
            trusted_proxies: self.trusted_proxies.clone(),
            sweep_interval: Duration::from_secs(10),
        }
    }

    pub fn workers(&self) -> usize {
        self.workers
            .filter(|workers| *workers > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triples() {
        assert_eq!(parse_triple("100,1000,10000"), Ok((100, 1000, 10000)));
        assert_eq!(parse_triple(" 1, 2 ,3"), Ok((1, 2, 3)));
        assert!(parse_triple("1,2").is_err());
        assert!(parse_triple("1,2,0").is_err());
        assert!(parse_triple("a,b,c").is_err());
    }

    #[test]
    fn pairs() {
        assert_eq!(parse_pair("20,40"), Ok((20, 40)));
        assert_eq!(parse_pair(" 5 , 5"), Ok((5, 5)));
        assert!(parse_pair("20").is_err());
        assert!(parse_pair("0,40").is_err());
        assert!(parse_pair("20,x").is_err());
    }
}

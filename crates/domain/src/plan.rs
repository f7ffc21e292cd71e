//! Plans and the limits that come with them.

use std::fmt;
use std::str::FromStr;

use crate::validation::InvalidInput;

/// A vendor's subscription tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Plan {
    Starter,
    Professional,
    Enterprise,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Starter, Plan::Professional, Plan::Enterprise];

    /// The lowercase name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Starter => "starter",
            Plan::Professional => "professional",
            Plan::Enterprise => "enterprise",
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Plan {
    type Err = InvalidInput;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Plan::ALL
            .into_iter()
            .find(|plan| plan.as_str() == value)
            .ok_or_else(|| {
                InvalidInput::new("plan", "must be one of starter, professional or enterprise")
            })
    }
}

/// What a plan allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLimits {
    /// Licenses a vendor may generate per calendar month (UTC).
    pub monthly_licenses: u32,
    /// Authenticated requests a vendor may make per second.
    pub requests_per_second: u32,
}

/// The limits of every plan; configuration, with the published figures as defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanCatalog {
    pub starter: PlanLimits,
    pub professional: PlanLimits,
    pub enterprise: PlanLimits,
}

impl PlanCatalog {
    pub fn limits(&self, plan: Plan) -> PlanLimits {
        match plan {
            Plan::Starter => self.starter,
            Plan::Professional => self.professional,
            Plan::Enterprise => self.enterprise,
        }
    }
}

impl Default for PlanCatalog {
    fn default() -> Self {
        let limits = |monthly_licenses, requests_per_second| PlanLimits {
            monthly_licenses,
            requests_per_second,
        };
        PlanCatalog {
            starter: limits(100, 100),
            professional: limits(1_000, 500),
            enterprise: limits(10_000, 2_000),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_defaults() {
        let catalog = PlanCatalog::default();
        assert_eq!(catalog.limits(Plan::Starter).monthly_licenses, 100);
        assert_eq!(catalog.limits(Plan::Professional).monthly_licenses, 1_000);
        assert_eq!(catalog.limits(Plan::Enterprise).monthly_licenses, 10_000);
        assert_eq!(catalog.limits(Plan::Starter).requests_per_second, 100);
        assert_eq!(catalog.limits(Plan::Professional).requests_per_second, 500);
        assert_eq!(catalog.limits(Plan::Enterprise).requests_per_second, 2_000);
    }

    #[test]
    fn plan_names_round_trip_and_are_case_sensitive() {
        for plan in Plan::ALL {
            assert_eq!(plan.as_str().parse::<Plan>().ok(), Some(plan));
        }
        assert!("Starter".parse::<Plan>().is_err());
        assert!("gold".parse::<Plan>().is_err());
        assert!("".parse::<Plan>().is_err());
    }
}

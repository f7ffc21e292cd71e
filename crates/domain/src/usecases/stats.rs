//! A vendor's license statistics.

use crate::customer::Customer;
use crate::ports::{LicenseStats, StoreError};
use crate::service::Licensing;
use crate::time::UsageMonth;

/// The statistics with the plan's limit beside them.
#[derive(Debug, Clone, Copy)]
pub struct VendorStats {
    pub licenses: LicenseStats,
    pub monthly_limit: u32,
}

impl Licensing {
    /// # Errors
    /// [`StoreError`] on storage failure.
    pub fn stats(&self, vendor: &Customer) -> Result<VendorStats, StoreError> {
        let now = self.clock.now();
        let licenses = self
            .licenses
            .stats(&vendor.id, now, UsageMonth::containing(now))?;
        Ok(VendorStats {
            licenses,
            monthly_limit: self.plans.limits(vendor.plan).monthly_licenses,
        })
    }
}

//! A vendor's own account, with this month's usage.

use crate::customer::Customer;
use crate::plan::PlanLimits;
use crate::ports::StoreError;
use crate::service::Licensing;
use crate::time::UsageMonth;

/// The account as the vendor sees it.
#[derive(Debug, Clone)]
pub struct CustomerInfo {
    pub customer: Customer,
    pub limits: PlanLimits,
    pub used_this_month: u32,
}

impl Licensing {
    /// # Errors
    /// [`StoreError`] on storage failure.
    pub fn customer_info(&self, customer: Customer) -> Result<CustomerInfo, StoreError> {
        let month = UsageMonth::containing(self.clock.now());
        let used_this_month = self.customers.licenses_generated_in(&customer.id, month)?;
        Ok(CustomerInfo {
            limits: self.plans.limits(customer.plan),
            customer,
            used_this_month,
        })
    }
}

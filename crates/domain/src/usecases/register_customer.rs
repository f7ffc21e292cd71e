//! A vendor signs up and receives its API key, once.

use tracing::info;

use crate::customer::{ApiKey, CompanyName, Customer, CustomerId, Email};
use crate::plan::{Plan, PlanLimits};
use crate::ports::{EntropyError, InsertCustomerError, StoreError};
use crate::service::Licensing;
use crate::time::truncate_to_second;
use crate::validation::InvalidInput;

/// What a vendor submits to register, unchecked.
#[derive(Debug, Clone)]
pub struct RegisterCustomer {
    pub email: String,
    pub company_name: String,
    pub plan: String,
}

/// A new vendor and the only copy of its API key that will ever leave the service.
#[derive(Debug)]
pub struct Registration {
    pub customer: Customer,
    pub api_key: ApiKey,
    pub limits: PlanLimits,
}

#[derive(Debug, thiserror::Error)]
pub enum RegisterCustomerError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error("the e-mail address is already registered")]
    EmailTaken,
    #[error(transparent)]
    Entropy(#[from] EntropyError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Licensing {
    /// # Errors
    /// See [`RegisterCustomerError`]; nothing is stored unless it returns `Ok`.
    pub fn register_customer(
        &self,
        request: RegisterCustomer,
    ) -> Result<Registration, RegisterCustomerError> {
        let email = Email::parse(&request.email)?;
        let company_name = CompanyName::parse(&request.company_name)?;
        let plan: Plan = request.plan.parse()?;

        let customer = Customer {
            id: CustomerId::generate(self.entropy.as_ref())?,
            email,
            company_name,
            plan,
            created_at: truncate_to_second(self.clock.now()),
        };
        let api_key = ApiKey::generate(self.entropy.as_ref())?;
        self.customers
            .insert_customer(&customer, &api_key.digest())
            .map_err(|error| match error {
                InsertCustomerError::EmailTaken => RegisterCustomerError::EmailTaken,
                InsertCustomerError::Store(error) => RegisterCustomerError::Store(error),
            })?;

        info!(customer.id = %customer.id, customer.plan = %plan, "vendor registered");
        Ok(Registration {
            limits: self.plans.limits(plan),
            customer,
            api_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usecases::fixtures::{Fixture, register_request};

    #[test]
    fn registers_and_returns_a_working_key() {
        let fixture = Fixture::new();
        let registration = fixture
            .licensing
            .register_customer(register_request("a@b.co"));
        let Ok(registration) = registration else {
            panic!("registration failed: {registration:?}");
        };
        assert_eq!(registration.limits.monthly_licenses, 1_000);
        let found = fixture
            .licensing
            .authenticate(registration.api_key.expose());
        assert_eq!(
            found.ok().map(|customer| customer.id),
            Some(registration.customer.id)
        );
    }

    #[test]
    fn email_is_unique_regardless_of_case() {
        let fixture = Fixture::new();
        assert!(
            fixture
                .licensing
                .register_customer(register_request("a@b.co"))
                .is_ok()
        );
        let second = fixture
            .licensing
            .register_customer(register_request("A@B.CO"));
        assert!(matches!(second, Err(RegisterCustomerError::EmailTaken)));
    }

    #[test]
    fn invalid_input_stores_nothing() {
        let fixture = Fixture::new();
        let mut request = register_request("a@b.co");
        request.plan = "platinum".to_owned();
        let result = fixture.licensing.register_customer(request);
        assert!(matches!(result, Err(RegisterCustomerError::Invalid(_))));
        assert!(
            fixture
                .licensing
                .register_customer(register_request("a@b.co"))
                .is_ok()
        );
    }
}

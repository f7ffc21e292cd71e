//! [`CustomerStore`] on diesel.

use chrono::DateTime;
use diesel::prelude::*;
use domain::ports::InsertCustomerError;
use domain::{
    ApiKeyDigest, CompanyName, Customer, CustomerId, CustomerStore, Email, StoreError, UsageMonth,
};
use subtle::ConstantTimeEq;

use super::Database;
use super::errors::{is_unique_violation_on, query_error};
use super::schema::{customers, monthly_usage};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = customers)]
struct CustomerRow {
    id: String,
    email: String,
    email_normalized: String,
    company_name: String,
    plan: String,
    api_key_digest: String,
    created_at: i64,
}

impl CustomerRow {
    fn new(customer: &Customer, api_key: &ApiKeyDigest) -> Self {
        CustomerRow {
            id: customer.id.as_str().to_owned(),
            email: customer.email.as_str().to_owned(),
            email_normalized: customer.email.normalized(),
            company_name: customer.company_name.as_str().to_owned(),
            plan: customer.plan.as_str().to_owned(),
            api_key_digest: api_key.to_hex(),
            created_at: customer.created_at.timestamp(),
        }
    }

    fn into_domain(self) -> Result<Customer, StoreError> {
        let corrupt = |what: String| StoreError::Failed(what.into());
        Ok(Customer {
            plan: self
                .plan
                .parse()
                .map_err(|error| corrupt(format!("{error}")))?,
            created_at: DateTime::from_timestamp(self.created_at, 0)
                .ok_or_else(|| corrupt(format!("bad created_at {}", self.created_at)))?,
            id: CustomerId::from_stored(self.id),
            email: Email::from_stored(self.email),
            company_name: CompanyName::from_stored(self.company_name),
        })
    }
}

impl CustomerStore for Database {
    fn insert_customer(
        &self,
        customer: &Customer,
        api_key: &ApiKeyDigest,
    ) -> Result<(), InsertCustomerError> {
        let row = CustomerRow::new(customer, api_key);
        let inserted = self.write(|connection| {
            Ok(diesel::insert_into(customers::table)
                .values(&row)
                .execute(connection))
        })?;
        match inserted {
            Ok(_) => Ok(()),
            Err(error) if is_unique_violation_on(&error, "email_normalized") => {
                Err(InsertCustomerError::EmailTaken)
            }
            Err(error) => Err(query_error(error).into()),
        }
    }

    fn find_by_api_key(&self, api_key: &ApiKeyDigest) -> Result<Option<Customer>, StoreError> {
        let wanted = api_key.to_hex();
        let row = self.run(|connection| {
            customers::table
                .filter(customers::api_key_digest.eq(&wanted))
                .select(CustomerRow::as_select())
                .first(connection)
                .optional()
                .map_err(query_error)
        })?;
        // The index lookup already matched; comparing again in constant time keeps the final
        // decision free of data-dependent timing whatever the database's comparison does.
        match row {
            Some(row) if bool::from(row.api_key_digest.as_bytes().ct_eq(wanted.as_bytes())) => {
                row.into_domain().map(Some)
            }
            _ => Ok(None),
        }
    }

    fn licenses_generated_in(
        &self,
        customer: &CustomerId,
        month: UsageMonth,
    ) -> Result<u32, StoreError> {
        let used: Option<i32> = self.run(|connection| {
            monthly_usage::table
                .filter(monthly_usage::customer_id.eq(customer.as_str()))
                .filter(monthly_usage::month.eq(month.key()))
                .select(monthly_usage::n_licenses)
                .first(connection)
                .optional()
                .map_err(query_error)
        })?;
        Ok(used.map_or(0, |used| u32::try_from(used).unwrap_or(0)))
    }
}

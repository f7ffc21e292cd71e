//! [`LicenseStore`] on diesel: quota-checked inserts, lookups by key digest, statistics.

use chrono::{DateTime, Utc};
use diesel::dsl::{avg, count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{Double, Nullable};
use domain::ports::{InsertLicenseError, LicenseStats};
use domain::{
    CustomerId, EndCustomerId, Features, License, LicenseKey, LicenseStore, Metadata,
    QuantumSignature, StoreError, UsageMonth,
};

use super::Database;
use super::dialect::{ensure_usage_row, write_transaction};
use super::errors::{is_unique_violation_on, query_error};
use super::schema::{licenses, monthly_usage};

#[derive(Queryable, Selectable, Insertable)]
#[diesel(table_name = licenses)]
struct LicenseRow {
    key_digest: String,
    customer_id: String,
    end_customer_id: String,
    features: String,
    metadata: String,
    issued_at: i64,
    expires_at: i64,
    status: String,
    quantum_signature: String,
    quantum_fidelity: f64,
    generation_time_us: i64,
}

impl LicenseRow {
    fn new(license: &License) -> Result<Self, StoreError> {
        let json = |text: serde_json::Result<String>| {
            text.map_err(|error| StoreError::Failed(Box::new(error)))
        };
        Ok(LicenseRow {
            key_digest: license.key.digest().to_hex(),
            customer_id: license.customer_id.as_str().to_owned(),
            end_customer_id: license.end_customer_id.as_str().to_owned(),
            features: json(serde_json::to_string(license.features.as_slice()))?,
            metadata: json(serde_json::to_string(license.metadata.as_map()))?,
            issued_at: license.issued_at.timestamp(),
            expires_at: license.expires_at.timestamp(),
            status: license.status.as_str().to_owned(),
            quantum_signature: license.quantum.to_text(),
            quantum_fidelity: license.quantum.fidelity(),
            generation_time_us: i64::try_from(license.generation_time_us).unwrap_or(i64::MAX),
        })
    }

    /// The key is not stored, only its digest, so the caller supplies it.
    fn into_domain(self, key: LicenseKey) -> Result<License, StoreError> {
        let corrupt = |what: String| StoreError::Failed(what.into());
        let timestamp = |seconds: i64| {
            DateTime::<Utc>::from_timestamp(seconds, 0)
                .ok_or_else(|| corrupt(format!("bad timestamp {seconds}")))
        };
        let features: Vec<String> = serde_json::from_str(&self.features)
            .map_err(|error| corrupt(format!("bad features: {error}")))?;
        let metadata = serde_json::from_str(&self.metadata)
            .map_err(|error| corrupt(format!("bad metadata: {error}")))?;
        Ok(License {
            key,
            customer_id: CustomerId::from_stored(self.customer_id),
            end_customer_id: EndCustomerId::from_stored(self.end_customer_id),
            features: Features::from_stored(features),
            metadata: Metadata::from_stored(metadata),
            issued_at: timestamp(self.issued_at)?,
            expires_at: timestamp(self.expires_at)?,
            status: self.status.parse().map_err(corrupt)?,
            quantum: QuantumSignature::from_stored(&self.quantum_signature, self.quantum_fidelity)
                .map_err(corrupt)?,
            generation_time_us: u64::try_from(self.generation_time_us).unwrap_or(0),
        })
    }
}

/// What can end the quota transaction early; a diesel error aborts it like any other.
enum Abort {
    Domain(InsertLicenseError),
    Query(diesel::result::Error),
}

impl From<diesel::result::Error> for Abort {
    fn from(error: diesel::result::Error) -> Self {
        Abort::Query(error)
    }
}

impl LicenseStore for Database {
    fn insert_within_quota(
        &self,
        license: &License,
        month: UsageMonth,
        monthly_limit: u32,
    ) -> Result<(), InsertLicenseError> {
        let row = LicenseRow::new(license)?;
        let limit = i32::try_from(monthly_limit).unwrap_or(i32::MAX);
        let outcome = self.write(|connection| {
            Ok(write_transaction(connection, |connection| {
                take_quota_unit(connection, &row.customer_id, month.key(), limit)?;
                diesel::insert_into(licenses::table)
                    .values(&row)
                    .execute(connection)?;
                Ok(())
            }))
        })?;
        outcome.map_err(|abort| match abort {
            Abort::Domain(error) => error,
            Abort::Query(error) if is_unique_violation_on(&error, "key_digest") => {
                InsertLicenseError::KeyTaken
            }
            Abort::Query(error) => InsertLicenseError::Store(query_error(error)),
        })
    }

    fn find_by_key(&self, key: &LicenseKey) -> Result<Option<License>, StoreError> {
        let digest = key.digest().to_hex();
        let row = self.run(|connection| {
            licenses::table
                .find(&digest)
                .select(LicenseRow::as_select())
                .first(connection)
                .optional()
                .map_err(query_error)
        })?;
        row.map(|row| row.into_domain(key.clone())).transpose()
    }

    fn stats(
        &self,
        customer: &CustomerId,
        now: DateTime<Utc>,
        month: UsageMonth,
    ) -> Result<LicenseStats, StoreError> {
        let now = now.timestamp();
        let (start, end) = (month.start().timestamp(), month.end().timestamp());
        self.run(|connection| {
            let mine = || licenses::table.filter(licenses::customer_id.eq(customer.as_str()));
            let count = |n: i64| u64::try_from(n).unwrap_or(0);
            let n_total = mine().select(count_star()).first::<i64>(connection);
            let n_expired = mine()
                .filter(licenses::expires_at.le(now))
                .select(count_star())
                .first::<i64>(connection);
            let n_active = mine()
                .filter(licenses::expires_at.gt(now))
                .filter(licenses::status.eq("active"))
                .select(count_star())
                .first::<i64>(connection);
            let n_this_month = mine()
                .filter(licenses::issued_at.ge(start))
                .filter(licenses::issued_at.lt(end))
                .select(count_star())
                .first::<i64>(connection);
            // AVG over a BIGINT column is NUMERIC on PostgreSQL; a cast keeps one result type.
            let averages = mine()
                .select((
                    avg(licenses::quantum_fidelity),
                    sql::<Nullable<Double>>("AVG(CAST(generation_time_us AS DOUBLE PRECISION))"),
                ))
                .first::<(Option<f64>, Option<f64>)>(connection);
            let (fidelity, generation_time) = averages.map_err(query_error)?;
            Ok(LicenseStats {
                n_total: count(n_total.map_err(query_error)?),
                n_active: count(n_active.map_err(query_error)?),
                n_expired: count(n_expired.map_err(query_error)?),
                n_this_month: count(n_this_month.map_err(query_error)?),
                quantum_fidelity_avg: fidelity.unwrap_or(0.0),
                generation_time_avg_us: generation_time.unwrap_or(0.0),
            })
        })
    }
}

/// Raises the month's counter by one unless that would pass `limit`. The conditional update
/// is what keeps concurrent writers, on any number of instances, from overshooting.
fn take_quota_unit(
    connection: &mut super::DbConnection,
    customer_id: &str,
    month: i32,
    limit: i32,
) -> Result<(), Abort> {
    ensure_usage_row(connection, customer_id, month)?;
    let updated = diesel::update(
        monthly_usage::table
            .filter(monthly_usage::customer_id.eq(customer_id))
            .filter(monthly_usage::month.eq(month))
            .filter(monthly_usage::n_licenses.lt(limit)),
    )
    .set(monthly_usage::n_licenses.eq(monthly_usage::n_licenses + 1))
    .execute(connection)?;
    if updated == 0 {
        return Err(Abort::Domain(InsertLicenseError::QuotaExhausted));
    }
    Ok(())
}

//! Finds the vendor behind a presented API key.

use crate::customer::{ApiKey, Customer};
use crate::ports::StoreError;
use crate::service::Licensing;

#[derive(Debug, thiserror::Error)]
pub enum AuthenticateError {
    /// Malformed or unknown; callers must not tell the two apart.
    #[error("the API key is not valid")]
    InvalidKey,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Licensing {
    /// # Errors
    /// [`AuthenticateError::InvalidKey`] for any key that is not a registered vendor's.
    pub fn authenticate(&self, presented: &str) -> Result<Customer, AuthenticateError> {
        let api_key = ApiKey::parse(presented).ok_or(AuthenticateError::InvalidKey)?;
        self.customers
            .find_by_api_key(&api_key.digest())?
            .ok_or(AuthenticateError::InvalidKey)
    }
}

//! [`Licensing`]: the use cases, bound to the ports they run on.

use std::fmt;
use std::sync::Arc;

use crate::plan::PlanCatalog;
use crate::ports::{Clock, CustomerStore, Entropy, LicenseSigner, LicenseStore};

/// Entry point of every use case; cheap to clone and share between request workers.
#[derive(Clone)]
pub struct Licensing {
    pub(crate) customers: Arc<dyn CustomerStore>,
    pub(crate) licenses: Arc<dyn LicenseStore>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) entropy: Arc<dyn Entropy>,
    pub(crate) signer: Arc<dyn LicenseSigner>,
    pub(crate) plans: PlanCatalog,
}

impl Licensing {
    pub fn new(
        customers: Arc<dyn CustomerStore>,
        licenses: Arc<dyn LicenseStore>,
        clock: Arc<dyn Clock>,
        entropy: Arc<dyn Entropy>,
        signer: Arc<dyn LicenseSigner>,
        plans: PlanCatalog,
    ) -> Self {
        Licensing {
            customers,
            licenses,
            clock,
            entropy,
            signer,
            plans,
        }
    }

    pub fn plans(&self) -> &PlanCatalog {
        &self.plans
    }
}

impl fmt::Debug for Licensing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Licensing")
            .field("plans", &self.plans)
            .finish_non_exhaustive()
    }
}

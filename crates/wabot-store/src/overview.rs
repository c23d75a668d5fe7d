//! [`Statistics::overview`] for [`DieselStore`] (being written on the `console-store` branch).

use chrono::{DateTime, Utc};
use wabot_app::{Overview, Period, StoreError};

use crate::store::DieselStore;

impl DieselStore {
    /// Not yet written.
    pub(crate) async fn overview_of(
        &self,
        _period: Period,
        _idle_before: DateTime<Utc>,
    ) -> Result<Overview, StoreError> {
        Err(StoreError::Config("the overview is not written yet".into()))
    }
}

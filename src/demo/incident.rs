//! Demo incidents.

use super::Demo;
use crate::error::Result;

pub(super) fn generate(_d: &mut Demo<'_>) -> Result<()> {
    Ok(())
}

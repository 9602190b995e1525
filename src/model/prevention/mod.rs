//! Prevention work (群防群治), as pure functions over values, one module per aggregate like
//! the store's: what each form sends, and the lifecycles and rules (a hazard's steps and
//! dates, a lead's conversion, a patrol's times, 五无 against the year's counts).

pub mod feedback;
pub mod five_nones;
pub mod hazard;
pub mod lead;
pub mod outreach;
pub mod patrol;
pub mod team;
pub mod volunteer;

pub use feedback::*;
pub use five_nones::*;
pub use hazard::*;
pub use lead::*;
pub use outreach::*;
pub use patrol::*;
pub use team::*;
pub use volunteer::*;

//! errand methods.

use super::Method;

pub(super) fn methods() -> Vec<Method> {
    vec![]
}

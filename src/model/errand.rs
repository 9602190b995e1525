//! Errands (代办): the lifecycle and what each step requires, as pure functions.

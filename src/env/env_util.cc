// Placeholder: replaced by the Env implementations.

"""One-time submission keys: a form sent twice, or an API call repeated with the same
Idempotency-Key, does its work once; the second gets the first one's outcome."""

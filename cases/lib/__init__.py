"""Building blocks every concern shares and none owns: ISO 8601 dates, page locators, text limits
and field validators, the version check, the fingerprint cache and which sccoder wrote a file."""

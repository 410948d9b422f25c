"""Building blocks every concern shares and none owns: ISO 8601 dates, page locators, text limits,
validators, the version check, the fingerprint cache, SVG charts, which sccoder wrote a file."""

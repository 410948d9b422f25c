"""The HTML site, an entry point above the domain: its URLs, site-wide middleware, the pages'
Django forms (forms/) and views (views/); nothing below it imports it (.importlinter)."""

"""HTML views, one module per area. Every view fetches its project through cases.access."""

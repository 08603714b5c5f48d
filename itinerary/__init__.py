"""itinerary: plan a business delegation's multi-day visit programme from a YAML file."""

__version__ = "0.1.0"

"""placeholder"""
LIST_ORDER = ["event", "published_at_year", "published_at_month", "section", "person", "tag"]

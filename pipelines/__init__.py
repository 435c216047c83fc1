"""Everything between an extracted item and the database."""

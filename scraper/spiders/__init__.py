"""Thin spiders: find URLs, hand responses to page objects."""

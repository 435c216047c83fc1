"""Page objects: one per page type and layout, pure functions of a response."""

from scraper.pages.article import (ArticlePage, CurrentArticlePage, LegacyArticlePage, article_page_for,
                                   register_layout)
from scraper.pages.home import EventBarPage, EventLink
from scraper.pages.listing import ListingPage

__all__ = ["ArticlePage", "CurrentArticlePage", "EventBarPage", "EventLink", "LegacyArticlePage",
           "ListingPage", "article_page_for", "register_layout"]

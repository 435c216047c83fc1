"""Everything that reads kinhtedothi.vn: settings, event catalog, page objects, spiders, CLI."""

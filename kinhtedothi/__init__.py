"""The project's own names: the shared vocabulary (``kinhtedothi.vocab``) and the offline copy of the site
(``kinhtedothi.sample_site``). The crawler is ``scraper``, the pipelines ``pipelines``, the Datasette
plugins ``datasette_kinhtedothi``."""

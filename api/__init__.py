"""geo-ntm web service: a thin FastAPI layer over the ``geo_ntm`` library."""

"""Rendering of maps to self-contained HTML pages (folium/Leaflet), with no CDN at run time."""

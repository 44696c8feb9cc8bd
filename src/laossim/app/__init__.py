"""The classroom app (``laossim app``): controls from the schema, a view-model of what is
drawn, and the Solara page that composes Mesa's SolaraViz with them."""

"""Road travel times from OSRM: `roads prepare` (routing data from an OpenStreetMap extract),
the duration table of a trip's places from that data or from a running server, its cache beside
the visit file, and the road geometry of a plan's legs.

The `osrm-bindings` package (the `roads` extra, Python 3.12 or newer) is imported only where a
table or a route is computed; a current cache serves without it.
"""

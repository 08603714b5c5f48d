"""B2B matchmaking: the one-to-one meetings of a brokerage event, scheduled inside the programme.

The same two halves as the trip: `problem.py` is the neutral model (slots as minute intervals,
participants and requests as indices) with the reference statement of its rules and of how two
schedules rank; `solve.py` schedules with CP-SAT (the only module of this package importing
OR-Tools, imported lazily); `compile.py` turns an event's `matchmaking` section into the model;
`explain.py` words why a request is left out; `assemble.py` turns a schedule back into dated
meetings with participants' ids for the plan and the `itinerary-meetings/1` JSON.
"""

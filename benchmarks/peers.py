"""Adapters that run the peer solvers (PyVRP, VROOM) on a TOPTW-shaped neutral Problem.

Both take the very same Problem our solver gets (integer travel matrix, one start window per
node, identical tracks leaving from and returning to one place, no breaks) and return only the
visit order of each route: the harness recomputes the times itself and checks them with
`itinerary.model.verify`, so a peer's own time arithmetic is never trusted. Both are optional extras
(`pip install -e '.[bench]'`); `available()` says which are installed.
"""

from __future__ import annotations

import importlib.util

from itinerary.model.problem import Problem

PEERS = ("pyvrp", "vroom")
_MODULE = {"pyvrp": "pyvrp", "vroom": "vroom"}


def available(name: str) -> bool:
    return importlib.util.find_spec(_MODULE[name]) is not None


def _toptw_shape(problem: Problem) -> tuple[int, int, int]:
    """(depot place, earliest start, latest end) shared by all tracks; refuses other shapes."""
    first = problem.tracks[0]
    for track in problem.tracks:
        if (track.start_place, track.end_place, track.earliest_start, track.latest_end) != (
            first.start_place,
            first.start_place,
            first.earliest_start,
            first.latest_end,
        ) or track.breaks:
            raise ValueError("the peers are run on TOPTW problems only: identical round trips")
    for node in problem.nodes:
        if len(node.windows) != 1 or node.tracks is not None or node.required:
            raise ValueError("the peers are run on TOPTW problems only: one window per node")
    return first.start_place, first.earliest_start, first.latest_end


def solve_pyvrp(problem: Problem, seconds: float, seed: int = 0) -> list[list[int]]:
    """PyVRP's prize-collecting VRPTW: the node indices of each route, in visit order."""
    from pyvrp import Model
    from pyvrp.stop import MaxRuntime

    depot_place, early, late = _toptw_shape(problem)
    n_tracks = len(problem.tracks)
    model = Model()
    places = [model.add_location(0, 0) for _ in range(len(problem.travel))]
    model.add_depot(places[depot_place], tw_early=early, tw_late=late)
    # One score point must outweigh any travel the routes can do together: PyVRP minimises
    # distance + uncollected prizes, so this makes it maximise the score first.
    prize_unit = n_tracks * (late - early) + 1
    for node in problem.nodes:
        ((a, b),) = node.windows
        model.add_client(
            places[node.place],
            service_duration=node.duration,
            tw_early=a,
            tw_late=b,
            prize=node.score * prize_unit,
            required=False,
        )
    model.add_vehicle_type(num_available=n_tracks, tw_early=early, tw_late=late)
    for i, row in enumerate(problem.travel):
        for j, minutes in enumerate(row):
            if i != j:
                model.add_edge(places[i], places[j], distance=minutes, duration=minutes)
    result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    # A client activity's idx is the client's own index, in the order they were added.
    return [
        [activity.idx for activity in route.schedule() if activity.is_client()]
        for route in result.best.routes()
    ]


def solve_vroom(problem: Problem, seconds: float) -> list[list[int]]:
    """VROOM with job priorities = scores (it maximises total priority first), at its deepest
    exploration level; it usually stops by itself well before the `seconds` timeout."""
    from datetime import timedelta

    import numpy as np
    import vroom

    depot_place, early, late = _toptw_shape(problem)
    if any(node.score > 100 for node in problem.nodes):
        raise ValueError("VROOM priorities are 0..100; a score is larger")
    vrp = vroom.Input()
    vrp.set_durations_matrix(profile="car", matrix_input=np.array(problem.travel, dtype=np.uint32))
    for t in range(len(problem.tracks)):
        vrp.add_vehicle(
            vroom.Vehicle(
                id=t + 1,
                start=depot_place,
                end=depot_place,
                time_window=vroom.TimeWindow(early, late),
            )
        )
    for n, node in enumerate(problem.nodes):
        ((a, b),) = node.windows
        vrp.add_job(
            vroom.Job(
                id=n + 1,
                location=node.place,
                default_service=node.duration,
                time_windows=[vroom.TimeWindow(a, b)],
                priority=node.score,
            )
        )
    solution = vrp.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=seconds))
    routes: dict[int, list[int]] = {t + 1: [] for t in range(len(problem.tracks))}
    table = solution.routes
    for vehicle, kind, job in zip(table["vehicle_id"], table["type"], table["id"], strict=True):
        if kind == "job":
            routes[int(vehicle)].append(int(job) - 1)
    return [routes[v] for v in sorted(routes)]

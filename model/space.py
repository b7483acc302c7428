"""The peering graph as Mesa's space: a `Network` with a `NetworkAgent` on every holder's node.

The batched engine reads the graph from the holder arrays (CSR peer lists); the Mesa space
is built only when something asks for it (`PortabilityModel.grid`, or the per-agent
engine), since its per-edge objects cost more than the whole run otherwise.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np
from mesa import Model as MesaModel
from mesa.agent import AgentSet
from mesa.discrete_space import Cell, Network

from agents.holder import NetworkAgent

if TYPE_CHECKING:
    from mesa import Model

    from agents.state import HolderState

__all__ = ["PeeringSpace", "add_entrants", "collector_paused", "peering_network"]


def peering_network(model: Model, n_holders: int, edges: np.ndarray) -> Network:
    """The graph as a Mesa `Network`, with a `NetworkAgent` for holder h on node h."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n_holders))
    graph.add_edges_from(edges.tolist())
    with collector_paused():
        network = Network(graph, capacity=1, random=model.random, layout=None)
        for h in range(n_holders):
            NetworkAgent(model, h, network[h])
    return network


def add_entrants(model: Model, network: Network, first: int, last: int, edges: np.ndarray) -> None:
    """Nodes and `NetworkAgent`s for holders first..last-1, linked to their peers by `edges`."""
    with collector_paused():
        for h in range(first, last):
            network.add_cell(Cell(h, capacity=1, random=model.random))
        for a, b in edges.tolist():
            network.add_connection(network[a], network[b])
        for h in range(first, last):
            NetworkAgent(model, h, network[h])


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building ~170k agents and cells.

    Each allocation burst otherwise triggers full collections that scan everything built so
    far and free nothing (a third of the build time at scale 1.0). Restored even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class PeeringSpace(MesaModel):
    """A model's Mesa space and agents, made on first use (the holders' arrays come first)."""

    holders: HolderState
    _edges: np.ndarray
    _grid: Network | None

    @property
    def agents(self) -> AgentSet:
        """Every agent: registries, the oversight body and the holders (made on first read)."""
        if self._grid is None:
            self._place_holders()
        return super().agents

    @property
    def grid(self) -> Network:
        """The peering graph as a Mesa `Network`, with a `NetworkAgent` on every node.

        Built on first use: the batched kernel reads the same graph from the holder arrays,
        so a run that never looks at the Mesa space does not pay for its per-edge objects.
        """
        if self._grid is None:
            self._place_holders()
        return self._grid  # type: ignore[return-value]

    def _place_holders(self) -> None:
        self._grid = peering_network(self, self.holders.size, self._edges)

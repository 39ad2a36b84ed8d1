"""Fused backward: a graph whose shape repeats (a training step) runs its whole backward
pass as one jitted function instead of one jitted vjp call per node.

`tape.run_backward` walks the graph node by node: each node costs a dispatch of its
cached jitted vjp (~10 us on a CPU, even for a 5x3 tensor). When the same graph
structure (the same ops, static arguments and edges, in the same order) comes back for
the `FUSE_AFTER`-th time, it is compiled once as a single function of every node's saved
inputs and the root cotangents, returning the gradient of every leaf reached; its XLA
program is the per-node vjps inlined in the same order, so the arithmetic is the node
loop's.

Only plain graphs fuse: `backward()` without `inputs=` or `create_graph`, no hooks on
nodes, no retained grads, no saved-tensor hooks, no custom `Function` nodes, nothing
freed or modified in place since it was saved. Anything else, and the first sightings of
a structure, take the node loop, which raises torch's errors where they belong.
"""
from __future__ import annotations

import jax

FUSE_AFTER = 3  # sightings of one structure before it is compiled (tests rarely repeat a graph)
_SEEN: dict = {}  # structure key -> sightings, or the compiled plan once fused
_LIMIT = 512


def try_fused(order, roots, cotangents, retain_graph) -> bool:
    """Run the backward of `order` (nodes, roots first) as one fused call when the
    structure is eligible and has been seen often enough; False if the caller must run
    the node loop instead."""
    from .tape import AccumulateGrad, Node

    position = {node: pos for pos, node in enumerate(order)}
    # The key lists, node by node: None for a leaf's AccumulateGrad, else the node's
    # function, differentiable inputs and (multi-output nodes) output shapes, then for
    # each input the position and output index of its producer (-1: none). Flat, for
    # speed; unambiguous, since each node has one edge per entry of its `_diff`.
    key, inputs = [], []
    push, where, apply = key.append, position.get, Node.apply
    for node in order:
        if node.__class__ is AccumulateGrad:
            if node._pre_hooks:
                return False
            push(None)
            inputs.append(None)
            continue
        if (node._freed or node._pre_hooks or node._hooks or node._retained or node._packed is not None
                or type(node).apply is not apply):
            return False
        saved = node._saved
        if saved is not None:
            for holder, version, _ in saved:
                if holder._autograd_version != version:
                    return False
        push(node._fn)
        push(node._diff)
        push(node._out_meta if node._multi else None)
        for parent, index in node.next_functions:
            push(where(parent, -1))
            push(index)
        inputs.append(node._inputs)
    root_positions = tuple([(position[node], index) for node, index in roots])
    key.append(root_positions)
    key = tuple(key)
    try:
        plan = _SEEN.get(key)
    except TypeError:  # an unhashable static argument somewhere: never fuse
        return False
    if plan is None or plan.__class__ is int:
        count = (plan or 0) + 1
        if len(_SEEN) >= _LIMIT:
            _SEEN.clear()
        _SEEN[key] = _compile(_entries(order, position), root_positions) if count >= FUSE_AFTER else count
        if count < FUSE_AFTER:
            return False
        plan = _SEEN[key]
    fused, reached, leaves = plan
    if fused is None:
        return False
    try:
        leaf_grads = fused(tuple(inputs), tuple(cotangents))
    except TypeError:  # an input jit does not take (the node loop raises what it raises)
        _SEEN[key] = (None, None, None)
        return False
    from .tape import _accumulate

    for pos, grad in zip(leaves, leaf_grads):
        _accumulate(order[pos].variable, grad, False)
    if not retain_graph:
        for pos in reached:
            if inputs[pos] is not None:
                order[pos].release()
    return True


def _entries(order, position):
    """For each node of `order`: None for an AccumulateGrad, else (function, differentiable
    inputs, output shapes of a multi-output node or None, the (position, output index) of
    each input's producer or None)."""
    from .tape import AccumulateGrad

    return [None if node.__class__ is AccumulateGrad else
            (node._fn, node._diff, node._out_meta if node._multi else None,
             tuple([None if parent is None else (position[parent], index) for parent, index in node.next_functions]))
            for node in order]


def _compile(entries, root_positions):
    """(jitted fused backward, positions of the nodes that get a gradient, positions of
    the leaves among them, in order)."""
    from .tape import _vjp, full_cotangent

    gets = [False] * len(entries)
    for pos, _ in root_positions:
        gets[pos] = True
    for pos, entry in enumerate(entries):
        if entry is not None and gets[pos]:
            for d, edge in zip(entry[1], entry[3]):
                if d and edge is not None:
                    gets[edge[0]] = True
    reached = tuple(pos for pos, g in enumerate(gets) if g)
    leaves = tuple(pos for pos in reached if entries[pos] is None)

    def backward(inputs, root_cts):
        grads = [{} for _ in entries]

        def add(pos, index, ct):
            slots = grads[pos]
            slots[index] = slots[index] + ct if index in slots else ct

        for (pos, index), ct in zip(root_positions, root_cts):
            add(pos, index, ct)
        out = []
        for pos in reached:
            cts, entry = grads[pos], entries[pos]
            if entry is None:
                out.append(cts[0])
                continue
            fn, diff, out_meta, edges = entry
            input_grads = iter(_vjp(fn, diff)(inputs[pos], full_cotangent(out_meta, cts)))
            for d, edge in zip(diff, edges):
                if d:
                    g = next(input_grads)
                    if edge is not None:
                        add(edge[0], edge[1], g)
        return tuple(out)

    return jax.jit(backward), reached, leaves

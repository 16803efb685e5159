#!/usr/bin/env python3
"""Nova's own algorithm in CPython, timed on the inputs the Rust benches use.

Baseline for benches/nova.rs. Written in our own words from what
Nova does; no code is taken from Nova:

- projection: nova/api/openstack/common.py keeps a dictionary per vm_state
  mapping task states to statuses, with a 'default' entry; the status is
  `.get(task_state, default)` on the vm_state's dictionary (an unknown
  vm_state gets a dictionary whose default is UNKNOWN).
- check: nova/compute/api.py's check_instance_state decorator tests
  `instance.vm_state in <set>` and `instance.task_state in <set>` (a None
  argument skips the test), then that launched_at is set.
- check, as Nova runs it: the same tests inside a decorator around the API
  method, reading the instance's attributes and raising on refusal
  (reported beside the plain one, not used for the targets).
- allowed: that check for every action, as a client asking "what can I do
  now" would run it.
- document: json.loads of the same server document, then the four state
  fields.

The data (names, the status of every cell, each action's allowed sets) is
read from docs/model.json, which the crate generates from the same tables
the Rust code uses, so both sides answer the same questions. The dictionary
of dictionaries is rebuilt in Nova's sparse shape: a 'default' per vm_state
plus only the task entries that differ from it.

The plain check favours Python, so it is a lower bound on Nova's cost: a
refusal returns the field's name instead of raising InstanceInvalidState,
and there is no decorator call around it. "check_decorated" is the shape
Nova's code has.

Prints the median nanoseconds per operation; --json PATH also writes them.
"""

import argparse
import functools
import json
import os
import platform
import statistics
import sys
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "..", "docs", "model.json")
DOCUMENT = os.path.join(HERE, "..", "tests", "data", "corpus", "nova-v2.100-server-get.json")


def load_model(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def build_state_map(model):
    """{vm_state: {'default': STATUS, task_state: STATUS, ...}} (sparse)."""
    state_map = {}
    for vm, row in model["status"].items():
        default = row["null"]
        entries = {"default": default}
        for task, shown in row.items():
            if task != "null" and shown != default:
                entries[task] = shown
        state_map[vm] = entries
    return state_map


UNKNOWN_VM = {"default": "UNKNOWN"}


def make_status_from_state(state_map):
    def status_from_state(vm_state, task_state="default"):
        per_vm = state_map.get(vm_state, UNKNOWN_VM)
        return per_vm.get(task_state, per_vm["default"])

    return status_from_state


def build_preconditions(model, vm_names, task_names):
    """[(name, allowed vm_states or None, allowed task_states or None, launched)].

    A set covering every value becomes None: Nova's decorator is given None
    there (no test at all), not the full set.
    """
    every_vm = set(vm_names)
    every_task = set(task_names) | {None}
    out = []
    for name, action in model["actions"].items():
        vms = set(action["vm_states"])
        tasks = set(action["task_states"])
        out.append(
            (
                name,
                None if vms >= every_vm else frozenset(vms),
                None if tasks >= every_task else frozenset(tasks),
                bool(action["must_have_launched"]),
            )
        )
    return out


def check_state(vm_states, task_states, must_have_launched, vm, task, launched_at):
    """None when accepted, else the attribute that refused (Nova raises)."""
    if vm_states is not None and vm not in vm_states:
        return "vm_state"
    if task_states is not None and task not in task_states:
        return "task_state"
    if must_have_launched and not launched_at:
        return "launched_at"
    return None


class InvalidState(Exception):
    """Stands for Nova's InstanceInvalidState."""


class Instance:
    """The three attributes the decorator reads."""

    __slots__ = ("vm_state", "task_state", "launched_at")

    def __init__(self, vm_state, task_state, launched_at):
        self.vm_state = vm_state
        self.task_state = task_state
        self.launched_at = launched_at


def state_guard(vm_states, task_states, must_have_launched):
    """A decorator testing the instance's state before the method runs."""

    def wrap(method):
        @functools.wraps(method)
        def guarded(self, context, instance, *args, **kwargs):
            if vm_states is not None and instance.vm_state not in vm_states:
                raise InvalidState("vm_state")
            if task_states is not None and instance.task_state not in task_states:
                raise InvalidState("task_state")
            if must_have_launched and not instance.launched_at:
                raise InvalidState("launched_at")
            return method(self, context, instance, *args, **kwargs)

        return guarded

    return wrap


def guarded_methods(preconditions):
    """One decorated no-op API method per action."""
    methods = []
    for _, vms, tasks, launched in preconditions:
        @state_guard(vms, tasks, launched)
        def method(self, context, instance):
            return None

        methods.append(method)
    return methods


def median_ns_per_op(func, ops, repeat, min_seconds=0.02):
    """Median over `repeat` timings of func(), in ns per operation."""
    timer = timeit.Timer(func)
    number, _ = timer.autorange()
    # autorange aims at 0.2 s; scale down to about min_seconds per repeat.
    number = max(1, int(number * min_seconds / 0.2))
    runs = timer.repeat(repeat=repeat, number=number)
    return statistics.median(runs) / number / ops * 1e9


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--model", default=MODEL)
    parser.add_argument("--document", default=DOCUMENT)
    args = parser.parse_args()

    model = load_model(args.model)
    vm_names = [v["name"] for v in model["vm_states"]]
    task_names = [t["name"] for t in model["task_states"]]
    cells = [(vm, task) for vm in vm_names for task in [None] + task_names]
    status_from_state = make_status_from_state(build_state_map(model))

    # Same answers as the model, cell by cell.
    for vm, task in cells:
        expected = model["status"][vm]["null" if task is None else task]
        assert status_from_state(vm, task) == expected, (vm, task)

    pre = [p for p in build_preconditions(model, vm_names, task_names) if p[0] != "create"]
    check_inputs = [(p, vm, task) for p in pre for vm, task in cells]

    def projection():
        for vm, task in cells:
            status_from_state(vm, task)

    def check():
        for (_, vms, tasks, launched), vm, task in check_inputs:
            check_state(vms, tasks, launched, vm, task, True)

    instances = {cell: Instance(cell[0], cell[1], "2013-09-03T04:01:32Z") for cell in cells}
    decorated_inputs = [
        (method, instances[(vm, task)])
        for method in guarded_methods(pre)
        for vm, task in cells
    ]
    assert len(decorated_inputs) == len(check_inputs)
    plain_accepted = sum(
        check_state(vms, tasks, launched, vm, task, True) is None
        for (_, vms, tasks, launched), vm, task in check_inputs
    )
    decorated_accepted = 0
    for method, instance in decorated_inputs:
        try:
            method(None, None, instance)
            decorated_accepted += 1
        except InvalidState:
            pass
    assert plain_accepted == decorated_accepted > 0

    def check_decorated():
        for method, instance in decorated_inputs:
            try:
                method(None, None, instance)
            except InvalidState:
                pass

    def allowed():
        for vm, task in cells:
            [name for name, vms, tasks, launched in pre
             if check_state(vms, tasks, launched, vm, task, True) is None]

    results = {
        "projection": median_ns_per_op(projection, len(cells), args.repeat),
        "check": median_ns_per_op(check, len(check_inputs), args.repeat),
        "check_decorated": median_ns_per_op(check_decorated, len(decorated_inputs), args.repeat),
        "allowed": median_ns_per_op(allowed, len(cells), args.repeat),
    }

    keys = ("status", "OS-EXT-STS:vm_state", "OS-EXT-STS:task_state", "OS-EXT-STS:power_state")
    try:
        with open(args.document, encoding="utf-8") as f:
            text = f.read()
    except OSError as err:
        print(f"document: skipped ({err})", file=sys.stderr)
    else:
        def document():
            doc = json.loads(text)
            server = doc.get("server", doc)
            return [server.get(k) for k in keys]

        assert document()[0] is not None
        results["document"] = median_ns_per_op(document, 1, args.repeat)

    print(f"CPython {platform.python_version()}: Nova's algorithm, median ns per operation")
    for name, ns in results.items():
        print(f"  {name:<16} {ns:12.1f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(
                {
                    "python": platform.python_version(),
                    "ops": {
                        "projection": len(cells),
                        "check": len(check_inputs),
                        "check_decorated": len(decorated_inputs),
                        "allowed": len(cells),
                        "document": 1,
                    },
                    "median_ns": results,
                },
                f,
                indent=2,
            )


if __name__ == "__main__":
    main()

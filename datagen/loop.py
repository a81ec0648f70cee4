"""The customer loop's step: one customer simulated and written, and what the steps after the loop need."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .calendar import END
from .dunning import Dunning
from .extras import PendingCandidate, WrittenOff
from .masters import Customer
from .simulate import CustomerSimulation
from .world import World


@dataclass
class LoopOutputs:
    """What the customer loop hands to the steps after it."""

    first_invoice: list[str] = field(default_factory=list)  # 山田商事's first invoice row (planted duplicate)
    fourth_customer: list[str] = field(default_factory=list)  # the fourth billing row (planted duplicate)
    written_off: list[WrittenOff] = field(default_factory=list)
    pending_candidates: list[PendingCandidate] = field(default_factory=list)


def simulate_customer(world: World, customer: Customer, loop: LoopOutputs) -> None:
    """One customer's 18 months, streamed out through world's tables."""
    sim = CustomerSimulation(world, customer)
    sim.run()
    sim.write()
    Dunning(sim).run_and_write()
    _hand_on(sim, loop)


def _hand_on(sim: CustomerSimulation, loop: LoopOutputs) -> None:
    code = sim.c.accounting_code
    loop.written_off += [(d.id, code, d.writeoff[0], d.writeoff[1]) for d in sim.invoices if d.writeoff]
    if sim.c.virtual_account and sim.c.credit_limit:
        open_cents = sum(d.open_at(END) for d in sim.invoices)
        loop.pending_candidates.append((sim.c.remitter, sim.c.virtual_account, sim.c.credit_limit * 100, open_cents))
    if sim.c.index == 0:
        loop.first_invoice = sim.invoice_row(sim.docs[0])
    if sim.c.index == 3:
        loop.fourth_customer = sim.billing_row()


@dataclass
class Prepared:
    """A customer simulated (its draws all made) and not yet written: the two halves of simulate_customer,
    for a run that learns the ids it is to write only after simulating (datagen/parallel.py)."""

    sim: CustomerSimulation
    dunning: Dunning


def prepare_customer(world: World, customer: Customer) -> Prepared:
    """Every draw of the customer, in simulate_customer's order (writing draws nothing from its stream)."""
    sim = CustomerSimulation(world, customer)
    sim.run()
    dunning = Dunning(sim)
    dunning.run()
    return Prepared(sim, dunning)


def rename_ids(prepared: Prepared, rename: Callable[[str], str]) -> None:
    """Give the ids drawn while simulating (invoices, deals, applications, notes, guarantee claims) the
    values rename makes of them, wherever the simulation keeps them."""
    sim, dunning = prepared.sim, prepared.dunning
    for doc in sim.docs:
        doc.id = rename(doc.id)
        doc.deal = rename(doc.deal)
    for app in sim.apps:
        app.id = rename(app.id)
        app.reverses = rename(app.reverses)
    for note in sim.notes:
        note.id = rename(note.id)
    sim.claims = [[rename(value) for value in row] for row in sim.claims]
    for activity in dunning.activities:
        activity.invoice_id = rename(activity.invoice_id)
    for task in dunning.tasks:
        task.invoice_id = rename(task.invoice_id)


def write_prepared(prepared: Prepared, loop: LoopOutputs) -> None:
    """The rows of a prepared customer, through its world's tables, and what the loop hands on."""
    sim = prepared.sim
    sim.write()
    prepared.dunning.write()
    _hand_on(sim, loop)

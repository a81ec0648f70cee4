"""The customer loop's step: one customer simulated and written, and what the steps after the loop need."""

from __future__ import annotations

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
    code = sim.c.accounting_code
    loop.written_off += [(d.id, code, d.writeoff[0], d.writeoff[1]) for d in sim.invoices if d.writeoff]
    if sim.c.virtual_account and sim.c.credit_limit:
        open_cents = sum(d.open_at(END) for d in sim.invoices)
        loop.pending_candidates.append((sim.c.remitter, sim.c.virtual_account, sim.c.credit_limit * 100, open_cents))
    if customer.index == 0:
        loop.first_invoice = sim.invoice_row(sim.docs[0])
    if customer.index == 3:
        loop.fourth_customer = sim.billing_row()

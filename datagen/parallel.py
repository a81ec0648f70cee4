"""The customer loop on several processes, with the same bytes as one process writes.

Customers are simulated one after another in a single run, and three things pass from one
customer to the next: the id sequences (INV-, BT-, APP-, JE- …), the names, numbers and
accounts already drawn (CustomerFactory keeps them unique), and two run-wide counters (the
lawsuits judged so far, World.judgment_lost, and the corporate numbers mistyped so far).
Everything else a customer leaves behind is a sum (sales, bank movements, aging).

So the customers are cut into contiguous chunks, handed out to the workers in order:

- A worker keeps its own CustomerFactory and counters. Before a chunk it draws the customers
  it skips (the other workers' chunks), which keeps the factory's uniqueness sets as one run
  has them, counts their mistyped corporate numbers and, for the bad payers, runs the first
  stages of their simulation (documents, payment plan, legal case) to count the judgments
  they would ask for. Whether a customer asks depends on its own draws only.
- It then simulates the chunk into memory with placeholder ids: the sequence's letter and the
  number within the chunk (\\x1d a 000000001 \\x1e), nine digits, so ids compare within the
  chunk as their numbers do. The chunk's sums and id counts come back with the text.
- The parent takes the chunks in order, replaces each placeholder by the run's id (the chunk's
  number plus the ids used before the chunk), appends the text to the landing files and adds
  the sums. Ids only ever appear in the files, and in order only where activities are sorted
  by invoice (by number there, dunning.Dunning.write), so the bytes are those of one process.

The first few activity ids carry UTC offsets (dunning.OFFSET_ACTIVITY_NUMBERS): a chunk other
than the first assumes its activities are past them, and the parent checks that they are; a run
where they are not (a tiny scale) is written again on one process (Fallback). The 全銀協 bank
format names transactions by their value date and account and is written on one process.
"""

from __future__ import annotations

import math
import multiprocessing
import re
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult

from tqdm import tqdm

from .calendar import END, OPENING, quarter_ends
from .contract import TABLE_COLUMNS
from .dunning import OFFSET_ACTIVITY_NUMBERS
from .loop import LoopOutputs, simulate_customer
from .masters import BAD, Customer, CustomerFactory
from .simulate import CustomerSimulation, corporate_numbers_written
from .world import BANK_ACCOUNTS, Ids, IdSequence, World
from .writers import CsvTable, MemoryTable

MAX_CHUNK = 500  # customers per chunk: about 15 MB of text at most, in memory while in flight
MIN_CHUNK = 25
CHUNKS_PER_WORKER = 16  # enough to keep every worker busy to the end and the progress bar moving

START_MARK, END_MARK = "\x1d", "\x1e"  # group and record separators: in no landing value
PLACEHOLDER = re.compile(f"{START_MARK}([a-z])([0-9]{{9}}){END_MARK}")


class Fallback(Exception):
    """The chunks cannot be put together as one process would have written them."""


def usable(customers: int, workers: int, bank_format: str) -> bool:
    """Whether a run is split at all: CSV bank files and at least two chunks."""
    return bank_format == "csv" and customers > chunk_size(customers, workers)


def chunk_size(customers: int, workers: int) -> int:
    return max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(customers / (workers * CHUNKS_PER_WORKER))))


# ------------------------------------------------------------------------------ placeholders


def sequence_letters() -> dict[str, str]:
    """Each id sequence's letter in the placeholders, in the order Ids declares them."""
    return {name: chr(ord("a") + k) for k, name in enumerate(vars(Ids()))}


class PlaceholderSequence(IdSequence):
    """An id sequence of a chunk: numbers from 1, written as placeholders the parent resolves."""

    def __init__(self, prefix: str, width: int, letter: str) -> None:
        super().__init__(prefix, width)
        self.letter = letter

    def next(self) -> str:
        self.last += 1
        return f"{START_MARK}{self.letter}{self.last:09d}{END_MARK}"


def resolver(ids: Ids) -> Callable[[str], str]:
    """Replaces placeholders by the ids they stand for, the chunk's numbers counted on from ids."""
    formats: dict[str, tuple[str, int, int]] = {}
    for name, letter in sequence_letters().items():
        sequence: IdSequence = getattr(ids, name)
        formats[letter] = (sequence.prefix, sequence.width, sequence.last)

    def one(match: re.Match[str]) -> str:
        prefix, width, offset = formats[match[1]]
        return f"{prefix}{offset + int(match[2]):0{width}d}"

    def resolve(text: str) -> str:
        return PLACEHOLDER.sub(one, text) if START_MARK in text else text

    return resolve


# ------------------------------------------------------------------------------ the chunk's world


class ChunkWorld(World):
    """A World whose tables are in memory and whose ids are placeholders; sums start at zero."""

    def __init__(self, seed: int, scale: float, first: bool, judgments: int, mistyped: dict[str, int]) -> None:
        # World.__init__ opens the landing files; a chunk sets up the same state without them.
        self.out_dir = None  # type: ignore[assignment]
        self.seed = seed
        self.scale = scale
        self.zengin = None
        self.memory: dict[str, MemoryTable] = {t: MemoryTable(t) for t in TABLE_COLUMNS}
        self.tables = dict(self.memory)  # type: ignore[arg-type]
        self.ids = Ids()
        for name, letter in sequence_letters().items():
            sequence: IdSequence = getattr(self.ids, name)
            setattr(self.ids, name, PlaceholderSequence(sequence.prefix, sequence.width, letter))
        days = END - OPENING + 1
        self.bank_daily = {a: [0] * days for a in BANK_ACCOUNTS}
        self.sales_gross = [0] * 18
        self.sales_net = [0] * 18
        self.sales_tax = [0] * 18
        self.aging = {q: [0, 0, 0, 0] for q in quarter_ends()}
        self.judgments = judgments
        self.mistyped_corporate_numbers = dict(mistyped)
        self.activity_offsets = first


@dataclass
class ChunkResult:
    start: int
    stop: int
    texts: dict[str, str]
    rows: dict[str, int]
    ids_used: dict[str, int]
    bank_daily: dict[str, list[int]]
    sales: tuple[list[int], list[int], list[int]]  # gross, net, tax
    aging: dict[int, list[int]]
    loop: LoopOutputs = field(default_factory=LoopOutputs)


# ------------------------------------------------------------------------------ worker side


class _Worker:
    """A worker's own run state: the customer factory and the run-wide counters, as they stand
    before customer next_index."""

    def __init__(self, seed: int, scale: float) -> None:
        self.seed, self.scale = seed, scale
        self.reset()

    def reset(self) -> None:
        self.factory = CustomerFactory(self.seed)
        self.next_index = 0
        self.judgments = 0
        self.mistyped = {"accounting": 0, "crm": 0}

    def skip_to(self, index: int) -> None:
        """Draw the customers before index that another worker simulates, keeping the state right."""
        if index < self.next_index:
            self.reset()
        scratch = ChunkWorld(self.seed, self.scale, False, self.judgments, self.mistyped)
        for i in range(self.next_index, index):
            customer = self.factory.make(i)
            corporate_numbers_written(customer, scratch.mistyped_corporate_numbers)
            _ask_for_judgments(scratch, customer)
        self.judgments = scratch.judgments
        self.mistyped = dict(scratch.mistyped_corporate_numbers)
        self.next_index = index

    def run(self, start: int, stop: int) -> ChunkResult:
        self.skip_to(start)
        world = ChunkWorld(self.seed, self.scale, start == 0, self.judgments, self.mistyped)
        loop = LoopOutputs()
        for index in range(start, stop):
            simulate_customer(world, self.factory.make(index), loop)
        self.judgments = world.judgments
        self.mistyped = dict(world.mistyped_corporate_numbers)
        self.next_index = stop
        return ChunkResult(
            start,
            stop,
            texts={name: table.text() for name, table in world.memory.items()},
            rows={name: table.rows for name, table in world.memory.items()},
            ids_used={name: sequence.last for name, sequence in vars(world.ids).items()},
            bank_daily=world.bank_daily,
            sales=(world.sales_gross, world.sales_net, world.sales_tax),
            aging=world.aging,
            loop=loop,
        )


def _ask_for_judgments(scratch: World, customer: Customer) -> None:
    """The stages of a bad payer's simulation up to its legal case, in the scratch world: a lawsuit
    judged within the data asks World.judgment_lost once. Others never ask."""
    if customer.switch_to != BAD:
        return
    sim = CustomerSimulation(scratch, customer)
    sim.issue_documents()
    sim.plan_payments()
    sim.plan_legal()


_WORKER: _Worker | None = None


def _init_worker(seed: int, scale: float) -> None:
    global _WORKER
    _WORKER = _Worker(seed, scale)


def _run_chunk(start: int, stop: int) -> ChunkResult:
    assert _WORKER is not None, "the pool's initializer sets up the worker"
    return _WORKER.run(start, stop)


# ------------------------------------------------------------------------------ parent side


def simulate_customers(world: World, customers: int, workers: int, loop: LoopOutputs, show_progress: bool) -> None:
    """The customer loop of generator.generate on workers processes; fills world and loop as it would."""
    size = chunk_size(customers, workers)
    chunks = iter([(a, min(a + size, customers)) for a in range(0, customers, size)])
    bar = tqdm(total=customers, desc="customers", unit="customer", file=sys.stderr, disable=not show_progress)
    context = multiprocessing.get_context()
    with bar, context.Pool(workers, initializer=_init_worker, initargs=(world.seed, world.scale)) as pool:
        in_flight: deque[AsyncResult[ChunkResult]] = deque()

        def submit() -> None:
            chunk = next(chunks, None)
            if chunk is not None:
                in_flight.append(pool.apply_async(_run_chunk, chunk))

        for _ in range(2 * workers):  # each worker busy, one chunk waiting for it: memory stays bounded
            submit()
        while in_flight:
            result = in_flight.popleft().get()
            submit()
            merge(world, result, loop)
            bar.update(result.stop - result.start)


def merge(world: World, result: ChunkResult, loop: LoopOutputs) -> None:
    """Append a chunk to the run: its text with the run's ids, its sums and its loop outputs."""
    if result.start > 0 and world.ids.activity.last < max(OFFSET_ACTIVITY_NUMBERS):
        raise Fallback("a later chunk holds activities that carry UTC offsets")
    resolve = resolver(world.ids)
    for name, text in result.texts.items():
        rows = result.rows[name]
        if not rows:
            continue
        table = world.table(name)
        if not isinstance(table, CsvTable):  # only the company's books write the other formats
            raise Fallback(f"{name} is not a CSV file")
        table.write_text(resolve(text), rows)
    for name, used in result.ids_used.items():
        getattr(world.ids, name).last += used
    for account, moves in result.bank_daily.items():
        total = world.bank_daily[account]
        for day, cents in enumerate(moves):
            if cents:
                total[day] += cents
    for mine, theirs in zip((world.sales_gross, world.sales_net, world.sales_tax), result.sales, strict=True):
        for month, cents in enumerate(theirs):
            mine[month] += cents
    for quarter_end, buckets in result.aging.items():
        for bucket, cents in enumerate(buckets):
            world.aging[quarter_end][bucket] += cents
    _merge_loop(loop, result.loop, resolve)


def _merge_loop(loop: LoopOutputs, chunk: LoopOutputs, resolve: Callable[[str], str]) -> None:
    if chunk.first_invoice:
        loop.first_invoice = [resolve(value) for value in chunk.first_invoice]
    if chunk.fourth_customer:
        loop.fourth_customer = [resolve(value) for value in chunk.fourth_customer]
    loop.written_off += [(resolve(invoice), *rest) for invoice, *rest in chunk.written_off]  # type: ignore[misc]
    loop.pending_candidates += chunk.pending_candidates

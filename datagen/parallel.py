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
- It simulates the chunk's customers (every draw, loop.prepare_customer) in memory. The ids
  drawn while simulating (invoices, deals, applications, notes, claims) are placeholders: the
  sequence's letter and the number within the chunk. The other ids are only drawn as rows are
  written.
- It then waits until the chunk before it is written (shared memory: each chunk publishes the
  last id of every sequence when it is done), renames its placeholders to the run's ids (the
  chunk's number plus the ids used before the chunk), and writes its rows into memory with the
  id sequences continuing from there, exactly as one process would have (loop.write_prepared).
- The parent appends the chunks' text to the landing files in customer order and adds the sums.

Chunks are simulated side by side but written one after another. Writing is a little under half
of a customer's work (48 % measured at scale 100), so two workers keep the writes busy and a run
can be at most about twice as fast as one process, however many workers it has. The 全銀協 bank
format names transactions by their value date and account and is written on one process.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import sys
import time
from collections import deque
from collections.abc import Callable, MutableSequence
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from multiprocessing.sharedctypes import RawArray

from tqdm import tqdm

from .calendar import END, OPENING, quarter_ends
from .contract import TABLE_COLUMNS
from .loop import LoopOutputs, prepare_customer, rename_ids, write_prepared
from .masters import BAD, Customer, CustomerFactory
from .simulate import CustomerSimulation, corporate_numbers_written
from .world import BANK_ACCOUNTS, Ids, IdSequence, World
from .writers import CsvTable, MemoryTable

MAX_CHUNK = 250  # customers per chunk: what a worker holds simulated before writing (some tens of MB)
MIN_CHUNK = 25
CHUNKS_PER_WORKER = 16  # enough to keep every worker busy to the end and the progress bar moving
WAIT_SECONDS = 0.002  # how often a worker looks whether the chunk before its own is written

PLACEHOLDER_MARK = "\x1d"  # the group separator: in no landing value
SEQUENCES = list(vars(Ids()))  # the id sequences, in the order Ids declares them
DRAWN_WHILE_SIMULATING = ("invoice", "deal", "application", "note", "claim")


def usable(customers: int, workers: int, bank_format: str) -> bool:
    """Whether a run is split at all: more than one worker, CSV bank files and at least two chunks."""
    return workers > 1 and bank_format == "csv" and customers > chunk_size(customers, workers)


def chunk_size(customers: int, workers: int) -> int:
    return max(MIN_CHUNK, min(MAX_CHUNK, math.ceil(customers / (workers * CHUNKS_PER_WORKER))))


def chunk_bounds(customers: int, workers: int) -> list[tuple[int, int]]:
    size = chunk_size(customers, workers)
    return [(a, min(a + size, customers)) for a in range(0, customers, size)]


# ------------------------------------------------------------------------------ placeholders


class PlaceholderSequence(IdSequence):
    """An id sequence of a chunk being simulated: numbers from 1, as placeholders renamed before writing."""

    def __init__(self, name: str, prefix: str, width: int) -> None:
        super().__init__(prefix, width)
        self.letter = chr(ord("a") + SEQUENCES.index(name))

    def next(self) -> str:
        self.last += 1
        return f"{PLACEHOLDER_MARK}{self.letter}{self.last:09d}"


def renamer(before: dict[str, int]) -> Callable[[str], str]:
    """The run's id for a placeholder, given the last id of each sequence before the chunk; other
    text (a real id, an empty value) as it is."""
    ids = Ids()
    sequences: dict[str, tuple[IdSequence, int]] = {
        chr(ord("a") + SEQUENCES.index(name)): (getattr(ids, name), before[name]) for name in SEQUENCES
    }

    def rename(value: str) -> str:
        if not value or value[0] != PLACEHOLDER_MARK:
            return value
        sequence, offset = sequences[value[1]]
        return sequence.text(offset + int(value[2:]))

    return rename


# ------------------------------------------------------------------------------ the chunk's world


class ChunkWorld(World):
    """A World whose tables are in memory, whose ids are placeholders until the chunk is written, and
    whose sums start at zero."""

    def __init__(self, seed: int, scale: float, judgments: int, mistyped: dict[str, int]) -> None:
        # World.__init__ opens the landing files; a chunk sets up the same state without them.
        self.out_dir = None  # type: ignore[assignment]
        self.seed = seed
        self.scale = scale
        self.zengin = None
        self.memory: dict[str, MemoryTable] = {t: MemoryTable(t) for t in TABLE_COLUMNS}
        self.tables = dict(self.memory)  # type: ignore[arg-type]
        self.ids = Ids()
        for name in SEQUENCES:
            sequence: IdSequence = getattr(self.ids, name)
            setattr(self.ids, name, PlaceholderSequence(name, sequence.prefix, sequence.width))
        days = END - OPENING + 1
        self.bank_daily = {a: [0] * days for a in BANK_ACCOUNTS}
        self.sales_gross = [0] * 18
        self.sales_net = [0] * 18
        self.sales_tax = [0] * 18
        self.aging = {q: [0, 0, 0, 0] for q in quarter_ends()}
        self.judgments = judgments
        self.mistyped_corporate_numbers = dict(mistyped)

    def continue_ids(self, before: dict[str, int]) -> None:
        """Real ids from here on, continuing the run's sequences after the chunk's placeholders."""
        drawn = {name: getattr(self.ids, name).last for name in SEQUENCES}
        for name in SEQUENCES:
            if name not in DRAWN_WHILE_SIMULATING and drawn[name]:
                raise RuntimeError(f"{name} ids were drawn while simulating")
        self.ids = Ids()
        for name in SEQUENCES:
            getattr(self.ids, name).last = before[name] + drawn[name]


@dataclass
class ChunkResult:
    start: int
    stop: int
    texts: dict[str, str]
    rows: dict[str, int]
    ids_after: dict[str, int]  # the last id of each sequence once the chunk is written
    bank_daily: dict[str, list[int]]
    sales: tuple[list[int], list[int], list[int]]  # gross, net, tax
    aging: dict[int, list[int]]
    loop: LoopOutputs = field(default_factory=LoopOutputs)


# ------------------------------------------------------------------------------ worker side


class _Worker:
    """A worker's own run state (the customer factory and the run-wide counters, as they stand before
    customer next_index) and the shared record of the chunks written (done, and the last id of each
    sequence after each chunk)."""

    def __init__(self, seed: int, scale: float, done: MutableSequence[int], ids_after: MutableSequence[int]) -> None:
        self.seed, self.scale = seed, scale
        self.done, self.ids_after = done, ids_after
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
        scratch = ChunkWorld(self.seed, self.scale, self.judgments, self.mistyped)
        for i in range(self.next_index, index):
            customer = self.factory.make(i)
            corporate_numbers_written(customer, scratch.mistyped_corporate_numbers)
            _ask_for_judgments(scratch, customer)
        self.judgments = scratch.judgments
        self.mistyped = dict(scratch.mistyped_corporate_numbers)
        self.next_index = index

    def run(self, chunk: int, start: int, stop: int) -> ChunkResult:
        # A chunk's customers stay alive until written: the cyclic collector would walk them again
        # and again. It runs once, after the chunk, instead.
        gc.disable()
        try:
            return self._run(chunk, start, stop)
        finally:
            gc.collect()
            gc.enable()

    def _run(self, chunk: int, start: int, stop: int) -> ChunkResult:
        self.skip_to(start)
        world = ChunkWorld(self.seed, self.scale, self.judgments, self.mistyped)
        prepared = deque(prepare_customer(world, self.factory.make(index)) for index in range(start, stop))
        self.judgments = world.judgments
        self.next_index = stop
        before = self._ids_before(chunk)
        rename = renamer(before)
        world.continue_ids(before)
        loop = LoopOutputs()
        while prepared:
            customer = prepared.popleft()
            rename_ids(customer, rename)
            write_prepared(customer, loop)
        self.mistyped = dict(world.mistyped_corporate_numbers)
        after = {name: getattr(world.ids, name).last for name in SEQUENCES}
        for k, name in enumerate(SEQUENCES):
            self.ids_after[chunk * len(SEQUENCES) + k] = after[name]
        self.done[chunk] = 1
        return ChunkResult(
            start,
            stop,
            texts={name: table.text() for name, table in world.memory.items()},
            rows={name: table.rows for name, table in world.memory.items()},
            ids_after=after,
            bank_daily=world.bank_daily,
            sales=(world.sales_gross, world.sales_net, world.sales_tax),
            aging=world.aging,
            loop=loop,
        )

    def _ids_before(self, chunk: int) -> dict[str, int]:
        """The last id of each sequence once the chunk before is written (waits for it)."""
        if chunk == 0:
            return dict.fromkeys(SEQUENCES, 0)
        while not self.done[chunk - 1]:
            time.sleep(WAIT_SECONDS)
        base = (chunk - 1) * len(SEQUENCES)
        return {name: self.ids_after[base + k] for k, name in enumerate(SEQUENCES)}


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


def _init_worker(seed: int, scale: float, done: MutableSequence[int], ids_after: MutableSequence[int]) -> None:
    global _WORKER
    _WORKER = _Worker(seed, scale, done, ids_after)


def _run_chunk(chunk: int, start: int, stop: int) -> ChunkResult:
    assert _WORKER is not None, "the pool's initializer sets up the worker"
    return _WORKER.run(chunk, start, stop)


# ------------------------------------------------------------------------------ parent side


def simulate_customers(world: World, customers: int, workers: int, loop: LoopOutputs, show_progress: bool) -> None:
    """The customer loop of generator.generate on workers processes; fills world and loop as it would."""
    bounds = chunk_bounds(customers, workers)
    chunks = iter(enumerate(bounds))
    done = RawArray("b", len(bounds))
    ids_after = RawArray("q", len(bounds) * len(SEQUENCES))
    context = multiprocessing.get_context()
    initargs = (world.seed, world.scale, done, ids_after)
    # Chunks are handed out in order, so the chunk a worker waits for is always under way. The pool
    # starts before the progress bar, whose monitor thread a forked worker need not inherit.
    with (
        context.Pool(workers, initializer=_init_worker, initargs=initargs) as pool,
        tqdm(total=customers, desc="customers", unit="customer", file=sys.stderr, disable=not show_progress) as bar,
    ):
        in_flight: deque[AsyncResult[ChunkResult]] = deque()

        def submit() -> None:
            task = next(chunks, None)
            if task is not None:
                chunk, (start, stop) = task
                in_flight.append(pool.apply_async(_run_chunk, (chunk, start, stop)))

        for _ in range(2 * workers):  # each worker busy, one chunk waiting for it: memory stays bounded
            submit()
        while in_flight:
            result = in_flight.popleft().get()
            submit()
            merge(world, result, loop)
            bar.update(result.stop - result.start)


def merge(world: World, result: ChunkResult, loop: LoopOutputs) -> None:
    """Append a chunk to the run: its rows, its sums and its loop outputs."""
    for name, text in result.texts.items():
        rows = result.rows[name]
        if not rows:
            continue
        table = world.table(name)
        if not isinstance(table, CsvTable):  # only the company's books write the other formats
            raise RuntimeError(f"{name} is not a CSV file")
        if PLACEHOLDER_MARK in text:
            raise RuntimeError(f"{name}: an id of the chunk from customer {result.start} was not renamed")
        table.write_text(text, rows)
    for name, last in result.ids_after.items():
        getattr(world.ids, name).last = last
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
    if result.loop.first_invoice:
        loop.first_invoice = result.loop.first_invoice
    if result.loop.fourth_customer:
        loop.fourth_customer = result.loop.fourth_customer
    loop.written_off += result.loop.written_off
    loop.pending_candidates += result.loop.pending_candidates

"""A batch's inclusion proof in a signed checkpoint: with it, the batch's events and the
public key, anyone can check offline that the events are what was published."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from lotledger.inventory.adapters.log_store import LogStore
from lotledger.inventory.adapters.unit_of_work import driver_connection
from lotledger.inventory.entrypoints.api.dependencies import RuntimeDep
from lotledger.inventory.entrypoints.api.log_views import ProofView, checkpoint_view
from lotledger.inventory.entrypoints.api.routers.queries import visible_batch
from lotledger.inventory.service.proofs import inclusion
from lotledger.shared.errors import NotFound
from lotledger.shared.identifiers import Gtin, batch_id
from lotledger.shared.web.paths import LotInPath
from lotledger.shared.web.security import Caller

router = APIRouter(prefix="/v1", tags=["tamper evidence"])


@router.get(
    "/batches/{gtin}/{lot}/proof",
    response_model=ProofView,
    summary="The batch's leaf in a signed checkpoint, with its audit path",
)
async def proof(
    gtin: Gtin,
    lot: LotInPath,
    rt: RuntimeDep,
    who: Caller,
    checkpoint: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    version: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> ProofView:
    await visible_batch(rt, who, gtin, lot)
    stream = batch_id(gtin, lot)
    async with driver_connection(rt.engine) as conn:
        store = LogStore(conn)
        signed = await (store.latest() if checkpoint is None else store.get(checkpoint))
        if signed is None:
            raise NotFound(
                f"checkpoint {checkpoint or 'latest'} does not exist", field="checkpoint"
            )
        leaves = {x.version: x for x in await store.stream_leaves(stream, signed.tree_size)}
        if not leaves:
            raise NotFound(f"batch {stream} is not in checkpoint {signed.id} yet")
        wanted = version if version is not None else max(leaves)
        if wanted not in leaves:
            raise NotFound(
                f"version {wanted} of {stream} is not in checkpoint {signed.id}", field="version"
            )
        proven = await inclusion(store, leaves[wanted], signed.tree_size)
    leaf = proven.leaf
    return ProofView(
        batch_id=stream,
        version=leaf.version,
        hash=leaf.hash,
        leaf_index=leaf.index,
        tree_size=proven.tree_size,
        inclusion=[p.hex() for p in proven.proof],
        checkpoint=checkpoint_view(signed),
    )

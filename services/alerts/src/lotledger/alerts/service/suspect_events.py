"""Suspect returns (topic `lotledger.sync.v1`) into alerts: each record raises its
`suspect_product` alert, its id derived from the event, so a redelivery or a rebuild
raises the same alert and nothing new."""

from __future__ import annotations

from lotledger.alerts.domain.suspect import suspect_product
from lotledger.alerts.service import evaluation as ev
from lotledger.alerts.service.recording import Cause
from lotledger.shared.contracts.sync import SuspectReturnRecorded
from lotledger.shared.envelope import CloudEvent


async def apply_suspect_return(
    ctx: ev.Context, envelope: CloudEvent, event: SuspectReturnRecorded
) -> None:
    await ev.trigger(ctx, suspect_product(event), Cause(str(envelope.id), envelope.correlationid))

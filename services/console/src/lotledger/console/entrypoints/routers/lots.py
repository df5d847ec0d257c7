"""Finding a lot and the lot page, with its EPCIS download."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import RedirectResponse, Response

from lotledger.console.domain.errors import BadForm
from lotledger.console.domain.lookup import from_barcode, lot_ref
from lotledger.console.entrypoints.dependencies import ApisDep, SettingsDep
from lotledger.console.entrypoints.session import SessionDep
from lotledger.console.entrypoints.web import lot_url, no_store, render, segment
from lotledger.console.service.lot_page import lot_page

router = APIRouter(tags=["lots"])
Text = Annotated[str, Query(max_length=200)]


@router.get("/")
async def home(request: Request, session: SessionDep) -> Response:
    return render(request, "find.html", {"form": {}})


@router.get("/find")
async def find(
    request: Request, session: SessionDep, barcode: Text = "", gtin: Text = "", lot: Text = ""
) -> Response:
    form = {"barcode": barcode, "gtin": gtin, "lot": lot}
    try:
        if barcode.strip():
            ref = from_barcode(barcode)
        elif gtin.strip() or lot:
            ref = lot_ref(gtin.strip(), lot)
        else:
            raise BadForm("scan a barcode, or type a GTIN and a lot", "barcode")
    except BadForm as exc:
        context = {"form": form, "error": exc.detail, "field": exc.field}
        return render(request, "find.html", context, status=422)
    return RedirectResponse(lot_url(ref.gtin, ref.lot), status_code=303)


@router.get("/lots/{gtin}/{lot}")
async def lot(
    request: Request,
    gtin: str,
    lot: str,
    session: SessionDep,
    apis: ApisDep,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    ref = lot_ref(segment(gtin), segment(lot))
    view = await lot_page(
        apis, session.token, ref.gtin, ref.lot, page, settings.console_timeline_page
    )
    return render(request, "lot.html", {"ref": ref, "view": view})


@router.get("/lots/{gtin}/{lot}/epcis")
async def epcis(
    request: Request, gtin: str, lot: str, session: SessionDep, apis: ApisDep
) -> Response:
    ref = lot_ref(segment(gtin), segment(lot))
    body = await apis.traceability.epcis(session.token, ref.gtin, ref.lot)
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in f"{ref.gtin}-{ref.lot}")
    response = Response(
        body,
        media_type="application/ld+json",
        headers={"content-disposition": f'attachment; filename="epcis-{name}.jsonld"'},
    )
    return no_store(request, response)

"""Typed dependencies the routers share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from lotledger.console.service.apis import Apis
from lotledger.console.settings import ConsoleSettings
from lotledger.shared.clock import Clock


def apis(request: Request) -> Apis:
    value: Apis = request.app.state.apis
    return value


def settings(request: Request) -> ConsoleSettings:
    value: ConsoleSettings = request.app.state.settings
    return value


def clock(request: Request) -> Clock:
    value: Clock = request.app.state.clock
    return value


ApisDep = Annotated[Apis, Depends(apis)]
SettingsDep = Annotated[ConsoleSettings, Depends(settings)]
ClockDep = Annotated[Clock, Depends(clock)]

from tests.integration.conftest import TODAY

__all__ = ["TODAY"]

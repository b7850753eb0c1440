"""Motia's Python API, shipped with Motia on Bun: step files import it as ``from motia import ...``.

The runtime runs every Python step in one worker process per project and serves each context call
(state, streams, enqueue, logs) from the same stores TypeScript steps use. Standard library only;
pydantic models work as schemas when pydantic is installed.
"""

__version__ = "0.1.0"

from .context import FlowContext
from .enqueue import enqueue
from .errors import MotiaError, NonRetriableError, ValidationError
from .guards import (
    get_api_triggers,
    get_cron_triggers,
    get_queue_triggers,
    get_state_triggers,
    get_stream_triggers,
    is_api_step,
    is_api_trigger,
    is_cron_step,
    is_cron_trigger,
    is_queue_step,
    is_queue_trigger,
    is_state_step,
    is_state_trigger,
    is_stream_step,
    is_stream_trigger,
)
from .logger import Logger, logger
from .schema import schema_to_json_schema
from .state import StateManager, stateManager
from .step import MultiTriggerStepBuilder, StepBuilder, StepConfig, StepDefinition, multi_trigger_step, step
from .streams import Stream, StreamAuthInput, StreamAuthResult, StreamConfig, StreamSubscription
from .triggers import (
    ApiMiddleware,
    ApiTrigger,
    CronTrigger,
    QueueTrigger,
    StateTrigger,
    StreamTrigger,
    TriggerCondition,
    TriggerConfig,
    api,
    cron,
    http,
    queue,
    state,
    stream,
)
from .types import (
    ApiRequest,
    ApiResponse,
    ApiRouteMethod,
    DotDict,
    Enqueue,
    Enqueuer,
    MotiaHttpArgs,
    MotiaHttpRequest,
    MotiaHttpResponse,
    QueryParam,
    QueueConfig,
    StateTriggerInput,
    StreamEvent,
    StreamTriggerInput,
    TriggerInfo,
    TriggerInput,
)

Step = StepDefinition

__all__ = [
    "ApiMiddleware",
    "ApiRequest",
    "ApiResponse",
    "ApiRouteMethod",
    "ApiTrigger",
    "CronTrigger",
    "DotDict",
    "Enqueue",
    "Enqueuer",
    "FlowContext",
    "Logger",
    "MotiaError",
    "MotiaHttpArgs",
    "MotiaHttpRequest",
    "MotiaHttpResponse",
    "MultiTriggerStepBuilder",
    "NonRetriableError",
    "QueryParam",
    "QueueConfig",
    "QueueTrigger",
    "StateManager",
    "StateTrigger",
    "StateTriggerInput",
    "Step",
    "StepBuilder",
    "StepConfig",
    "StepDefinition",
    "Stream",
    "StreamAuthInput",
    "StreamAuthResult",
    "StreamConfig",
    "StreamEvent",
    "StreamSubscription",
    "StreamTrigger",
    "StreamTriggerInput",
    "TriggerCondition",
    "TriggerConfig",
    "TriggerInfo",
    "TriggerInput",
    "ValidationError",
    "api",
    "cron",
    "enqueue",
    "get_api_triggers",
    "get_cron_triggers",
    "get_queue_triggers",
    "get_state_triggers",
    "get_stream_triggers",
    "http",
    "is_api_step",
    "is_api_trigger",
    "is_cron_step",
    "is_cron_trigger",
    "is_queue_step",
    "is_queue_trigger",
    "is_state_step",
    "is_state_trigger",
    "is_stream_step",
    "is_stream_trigger",
    "logger",
    "multi_trigger_step",
    "queue",
    "schema_to_json_schema",
    "state",
    "stateManager",
    "step",
    "stream",
]

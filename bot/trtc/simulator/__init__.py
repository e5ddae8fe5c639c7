"""The embedded TRTC simulator: a faithful local stand-in for the TRTC server API."""

from bot.trtc.simulator.app import RecordedRequest, Simulator
from bot.trtc.simulator.call import Call, LeaveReason, Member
from bot.trtc.simulator.config import SimulatorConfig
from bot.trtc.simulator.envelope import ApiError
from bot.trtc.simulator.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from bot.trtc.simulator.server import RunningSimulator, serve_simulator
from bot.trtc.simulator.world import UserState, World

__all__ = [
    "ApiError",
    "Call",
    "LeaveReason",
    "Member",
    "RecordedRequest",
    "RunningSimulator",
    "Scenario",
    "ScenarioError",
    "Simulator",
    "SimulatorConfig",
    "UserState",
    "World",
    "load_scenario",
    "parse_scenario",
    "serve_simulator",
]

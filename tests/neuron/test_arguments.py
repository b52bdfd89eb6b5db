"""Every public core function refuses a bad argument with one line: name, value, what is allowed."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from neuron import CROSS_ENTROPY, LESSON, QUADRATIC, chain_rule, descend, get_cost, gradient
from neuron import sigmoid, sigmoid_and_prime, sigmoid_prime
from neuron.analysis import (
    book_widget_descend,
    epochs_to_reach,
    log_loss_minimiser,
    log_loss_of_output,
    plateau_end,
)

NAN, INF = math.nan, math.inf
RUN = dict(x=1.0, y=0.0, eta=0.15)
REACH = dict(x=1.0, y=0.0, eta=0.15, threshold=0.1, max_epochs=10)

CASES = {
    # descend
    "descend epochs=-1": (lambda: descend(QUADRATIC, 1.0, 1.0, **RUN, epochs=-1),
                          "epochs must be a whole number >= 0, got -1"),
    "descend epochs=2.5": (lambda: descend(QUADRATIC, 1.0, 1.0, **RUN, epochs=2.5),
                           "epochs must be a whole number >= 0, got 2.5"),
    "descend record_every=0": (lambda: descend(QUADRATIC, 1.0, 1.0, **RUN, epochs=5, record_every=0),
                               "record_every must be a whole number >= 1, got 0"),
    "descend eta=0": (lambda: descend(QUADRATIC, 1.0, 1.0, x=1.0, y=0.0, eta=0.0, epochs=5),
                      "eta must be a finite number > 0, got 0.0"),
    "descend y=1.5": (lambda: descend(QUADRATIC, 1.0, 1.0, x=1.0, y=1.5, eta=0.1, epochs=5),
                      "y must be in [0, 1], got 1.5"),
    "descend x=nan": (lambda: descend(QUADRATIC, 1.0, 1.0, x=NAN, y=0.0, eta=0.1, epochs=5),
                      "x must be a finite real number, got nan"),
    "descend w0 has inf": (lambda: descend(QUADRATIC, [1.0, INF], 1.0, **RUN, epochs=5),
                           "w0 must be finite real numbers, got inf"),
    "descend b0 is text": (lambda: descend(QUADRATIC, 1.0, "one", **RUN, epochs=5),
                           "b0 must be finite real numbers, got 'one'"),
    "descend shapes": (lambda: descend(QUADRATIC, [1.0, 2.0], [1.0, 2.0, 3.0], **RUN, epochs=5),
                       "w0 and b0 must be arrays that broadcast together, got ((2,), (3,))"),
    "descend cost name": (lambda: descend("mse", 1.0, 1.0, **RUN, epochs=5),
                          "cost must be a Cost (QUADRATIC or CROSS_ENTROPY), got 'mse'"),
    # Trajectory
    "at nan": (lambda: LESSON.run("mse", "good").at(NAN), "epoch must be a real number (not NaN), got nan"),
    # epochs_to_reach
    "reach threshold=1.5": (lambda: epochs_to_reach(QUADRATIC, [1.0], **{**REACH, "threshold": 1.5}),
                            "threshold must be in (0, 1), got 1.5"),
    "reach threshold=nan": (lambda: epochs_to_reach(QUADRATIC, [1.0], **{**REACH, "threshold": NAN}),
                            "threshold must be in (0, 1), got nan"),
    "reach z0 nan": (lambda: epochs_to_reach(QUADRATIC, [1.0, NAN], **REACH), "z0 must be finite real numbers, got nan"),
    "reach max_epochs=-3": (lambda: epochs_to_reach(QUADRATIC, [1.0], **{**REACH, "max_epochs": -3}),
                            "max_epochs must be a whole number >= 0, got -3"),
    "reach y=-0.1": (lambda: epochs_to_reach(QUADRATIC, [1.0], **{**REACH, "y": -0.1}), "y must be in [0, 1], got -0.1"),
    "reach eta=-1": (lambda: epochs_to_reach(QUADRATIC, [1.0], **{**REACH, "eta": -1}),
                     "eta must be a finite number > 0, got -1"),
    # plateau_end
    "plateau drop=1.5": (lambda: plateau_end(LESSON.run("mse", "bad"), drop=1.5), "drop must be in (0, 1), got 1.5"),
    "plateau drop=nan": (lambda: plateau_end(LESSON.run("mse", "bad"), drop=NAN), "drop must be in (0, 1), got nan"),
    "plateau batch": (lambda: plateau_end(descend(QUADRATIC, [1.0, 2.0], 1.0, **RUN, epochs=3)),
                      "trajectory must be one start (1-D arrays; see Trajectory.select), got (4, 2)"),
    # log-loss of the output
    "log loss a=nan": (lambda: log_loss_of_output(NAN, 0.0),
                       "a must be strictly between 0 and 1 (σ never reaches either), got nan"),
    "log loss a=0": (lambda: log_loss_of_output([0.0, 0.5], 0.0),
                     "a must be strictly between 0 and 1 (σ never reaches either), got 0.0"),
    "log loss y=2": (lambda: log_loss_of_output(0.5, 2), "y must be in [0, 1], got 2"),
    "minimiser y=nan": (lambda: log_loss_minimiser(NAN), "y must be in [0, 1], got nan"),
    "minimiser resolution": (lambda: log_loss_minimiser(0.5, resolution=2), "resolution must be a whole number >= 3, got 2"),
    # book widget
    "book eta=0": (lambda: book_widget_descend(2.0, 2.0, x=1.0, eta=0.0, epochs=3), "eta must be a finite number > 0, got 0.0"),
    "book epochs=-1": (lambda: book_widget_descend(2.0, 2.0, x=1.0, eta=0.1, epochs=-1),
                       "epochs must be a whole number >= 0, got -1"),
    "book w0=inf": (lambda: book_widget_descend(INF, 2.0, x=1.0, eta=0.1, epochs=3), "w0 must be a finite real number, got inf"),
    # costs
    "value y=1.5": (lambda: CROSS_ENTROPY.value(0.0, 1.5), "y must be in [0, 1], got 1.5"),
    "dC_da z=nan": (lambda: QUADRATIC.dC_da(NAN, 0.0), "z must be finite real numbers, got nan"),
    "delta shapes": (lambda: CROSS_ENTROPY.delta(np.zeros(3), np.zeros(4)),
                     "z and y must be arrays that broadcast together, got ((3,), (4,))"),
    "delta y array": (lambda: QUADRATIC.delta(0.0, [0.5, -1.0]), "y must be in [0, 1], got -1.0"),
    "get_cost": (lambda: get_cost("hinge"), "cost must be one of ['bce', 'mse'], got 'hinge'"),
    "get_cost list": (lambda: get_cost(["mse"]), "cost must be one of ['bce', 'mse'], got ['mse']"),
    # gradients
    "gradient x=inf": (lambda: gradient(QUADRATIC, 1.0, 1.0, INF, 0.0), "x must be finite real numbers, got inf"),
    "chain_rule y=nan": (lambda: chain_rule(CROSS_ENTROPY, 1.0, 1.0, 1.0, NAN), "y must be in [0, 1], got nan"),
    "chain_rule cost": (lambda: chain_rule(None, 1.0, 1.0, 1.0, 0.0),
                        "cost must be a Cost (QUADRATIC or CROSS_ENTROPY), got None"),
    # activation
    "sigmoid nan": (lambda: sigmoid([0.0, NAN]), "z must be real numbers (±inf allowed, not NaN), got nan"),
    "sigmoid_prime text": (lambda: sigmoid_prime("0"), "z must be real numbers (±inf allowed, not NaN), got '0'"),
    "sigmoid_and_prime nan": (lambda: sigmoid_and_prime(NAN), "z must be real numbers (±inf allowed, not NaN), got nan"),
}


@pytest.mark.parametrize("call,message", CASES.values(), ids=CASES.keys())
def test_bad_argument_gives_one_line_naming_it(call, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        call()


def test_sigmoid_takes_infinities():
    assert sigmoid([-INF, INF]).tolist() == [0.0, 1.0]
    assert sigmoid_prime([-INF, INF]).tolist() == [0.0, 0.0]
